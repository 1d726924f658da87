# www.sh: the files the benchmark's nginx serves, shared by gen-capture.sh and
# gen-pairs.sh (sourced, bash): make_www DIR SEED writes small (1 KiB), medium (50 KiB)
# and large (1 MiB) files, text and random bytes, one pre-compressed (gzip_static).
# Pseudo-English text from a fixed vocabulary (gzip makes it ~3x smaller).
mktext() { # BYTES SEED
    awk -v n="$1" -v seed="$2" 'BEGIN {
        nw = split("the a request response header server client body chunk stream " \
                   "segment window close keep alive gzip content length type cache " \
                   "control date host agent accept encoding transfer status ok found " \
                   "lorem ipsum dolor sit amet elit sed tempor labore magna", w, " ")
        srand(seed); out = 0; line = ""
        while (out < n) {
            word = w[int(rand() * nw) + 1]
            if (rand() < 0.1) word = word int(rand() * 10000)
            line = line word " "
            if (length(line) >= 72) {
                line = line "\n"
                if (out + length(line) > n) line = substr(line, 1, n - out)
                printf "%s", line; out += length(line); line = ""
            }
        }
    }'
}
make_www() { # DIR SEED
    local WWW=$1 SEED=$2 i
    mkdir -p "$WWW"/s "$WWW"/m "$WWW"/l "$WWW"/gz
    for i in $(seq 0 15); do
        mktext 1024 $((SEED + i)) > "$WWW/s/page$i.html"
        mktext 900 $((SEED + 50 + i)) > "$WWW/s/data$i.json"
        head -c 1024 /dev/urandom > "$WWW/s/icon$i.png"
    done
    for i in $(seq 0 3); do
        mktext 51200 $((SEED + 100 + i)) > "$WWW/m/app$i.js"
        mktext 51200 $((SEED + 110 + i)) > "$WWW/m/style$i.css"
        head -c 51200 /dev/urandom > "$WWW/m/photo$i.jpg"
    done
    mktext 51200 $((SEED + 200)) > "$WWW/gz/bundle.css"
    gzip -1 -k "$WWW/gz/bundle.css"
    mktext 1048576 $((SEED + 300)) > "$WWW/l/log.txt"
    head -c 1048576 /dev/urandom > "$WWW/l/video.bin"
    chmod -R a+rX "$WWW"
}
