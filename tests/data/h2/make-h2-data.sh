#!/bin/bash
# make-h2-data.sh: record the small HTTP/2 test captures in tests/data/h2/ from real servers
# and clients, on the loopback of a network namespace of their own.
#
#   sudo tests/data/h2/make-h2-data.sh                  remake all of them
#   sudo tests/data/h2/make-h2-data.sh h2c-nghttp-push  remake only those named
#   sudo tests/data/h2/make-h2-data.sh --bench FILE [PATH]  a large h2c capture for timing
#                                                       (h2load: 20000 requests for PATH,
#                                                       /app.js by default; not kept)
#
# Servers: nginx (h2c by prior knowledge on port 8080), nghttpd (--no-tls, port 8081,
# with server push), h2peer.py (python3-h2: h2c by prior knowledge or Upgrade, port 8082).
# Clients: curl, nghttp, h2load, h2peer.py. Every process runs under `timeout` and is
# stopped by PID; namespaces and the temporary folder are removed on exit. A capture is
# installed only when tshark's checks pass and it is under 50 KB. Needs root, tcpdump,
# tshark, curl, nginx, nghttp2-client, nghttp2-server, python3-h2. Not part of make check.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${DATA_OUT:-$HERE}
LIMIT=30
PY=/usr/bin/python3 # Debian's: python3-h2 lives there
ALL=(h2c-curl h2c-curl-upgrade h2c-nghttp-push h2c-continuation h2c-upgrade-rst)
DECODE=(-d tcp.port==8080,http2 -d tcp.port==8081,http2 -d tcp.port==8082,http)

LAB_NAME=make-h2-data
# shellcheck source=samples/lab.sh
. "$HERE/../../../samples/lab.sh"

# h2expect FILE FILTER OP N: like lab.sh's expect, with the ports decoded as HTTP/2
h2expect() {
    local got
    got=$(tshark -n -2 "${DECODE[@]}" -r "$1" -Y "$2" 2>/dev/null | wc -l)
    if ! test "$got" "$3" "$4"; then
        say "check failed: '$2' matched $got frames, wanted $3 $4"
        CHECK_FAILED=1
    fi
}

make_files() {
    mkdir -p "$WORK/www" "$WORK/tmp"
    printf '<!doctype html>\n<title>h2</title>\n<link rel="stylesheet" href="/style.css">\n<p>Hello, HTTP/2!\n' \
        >"$WORK/www/index.html"
    printf 'body { color: #222; }\n' >"$WORK/www/style.css"
    "$PY" - "$WORK/www" <<'EOF'
import random, sys
d = sys.argv[1]
random.seed(16)
with open(d + "/app.js", "w") as f:
    for i in range(120):
        f.write("var step%d = %d;\n" % (i, random.randint(0, 99999)))
with open(d + "/notes.txt", "w") as f:
    for i in range(150):
        f.write("note %03d: HTTP/2 frames carry the same messages as HTTP/1.1\n" % i)
with open(d + "/big.bin", "wb") as f:
    f.write(bytes(random.getrandbits(8) for _ in range(40000)))
EOF
    find "$WORK/www" -exec touch -d '2024-09-02 08:00:00 UTC' {} +
    chmod -R a+rX "$WORK"
}

nginx_h2c() { # nginx in namespace $1: h2c by prior knowledge on 127.0.0.1:8080
    cat >"$WORK/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
user root;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
    types { text/html html; text/css css; application/javascript js; text/plain txt; }
    gzip on;
    gzip_types text/plain text/css application/javascript;
    gzip_min_length 100;
    server { listen 127.0.0.1:8080 http2; root $WORK/www; }
}
EOF
    bg "$1" "$WORK/nginx.log" nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
    wait_port "$1" 8080
}

nghttpd_push() { # nghttpd in $1: h2c on 8081, pushing /style.css with /index.html
    bg "$1" "$WORK/nghttpd.log" nghttpd --no-tls -d "$WORK/www" -p/index.html=/style.css 8081
    wait_port "$1" 8081
}

h2peer() { # h2peer.py in $1 on 8082
    bg "$1" "$WORK/h2peer.log" "$PY" "$HERE/h2peer.py" server 8082 "$WORK/www"
    wait_port "$1" 8082
}

# ---- the captures -----------------------------------------------------------------------
# curl 7.88's prior knowledge cannot reuse a connection (curl issue 10634): one
# transfer per connection, so two connections
t_h2c-curl() { # curl --http2-prior-knowledge, nginx: /index.html, then /notes.txt gzipped
    nginx_h2c "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 8080" || return 1
    run "$1" curl -sS --http2-prior-knowledge -o /dev/null http://127.0.0.1:8080/index.html
    run "$1" curl -sS --http2-prior-knowledge --compressed -o /dev/null \
        http://127.0.0.1:8080/notes.txt
    cap_stop
    h2expect "$2" 'http2.magic' -eq 2
    h2expect "$2" 'http2.headers.status == 200' -eq 2
    h2expect "$2" 'http2.headers.content_encoding == "gzip"' -eq 1
}

t_h2c-curl-upgrade() { # curl --http2 --parallel: an Upgrade, then 3 more streams on it
    h2peer "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 8082" || return 1
    run "$1" curl -sS --http2 -Z -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
        http://127.0.0.1:8082/index.html http://127.0.0.1:8082/style.css \
        http://127.0.0.1:8082/app.js http://127.0.0.1:8082/notes.txt
    cap_stop
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 1
    h2expect "$2" 'http.response.code == 101' -eq 1
    h2expect "$2" 'http2.headers.status == 200' -ge 2
}

t_h2c-nghttp-push() { # nghttp -m 2 to nghttpd, which pushes /style.css each time
    nghttpd_push "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 8081" || return 1
    run "$1" nghttp -n -m 2 http://127.0.0.1:8081/index.html
    cap_stop
    h2expect "$2" 'http2.type == 5' -ge 1
    h2expect "$2" 'http2.headers.status == 200' -ge 1
    h2expect "$2" 'http2.type == 2' -ge 1
}

t_h2c-continuation() { # a request header of 30000 bytes: HEADERS and CONTINUATION
    nghttpd_push "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 8081" || return 1
    # base64 of random bytes: Huffman coding cannot bring it under one 16384-byte frame
    run "$1" nghttp -n -H "x-big: $(head -c 22500 /dev/urandom | base64 -w0)" \
        http://127.0.0.1:8081/style.css
    cap_stop
    h2expect "$2" 'http2.type == 9' -ge 1
    h2expect "$2" 'http2.headers.status == 200' -eq 1
}

t_h2c-upgrade-rst() { # h2peer.py both ends: Upgrade, a cancelled stream, a padded POST
    h2peer "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 8082" || return 1
    run "$1" "$PY" "$HERE/h2peer.py" client 8082
    cap_stop
    h2expect "$2" 'http2.rst_stream.error == 8' -eq 1
    h2expect "$2" 'http2.pad_length == 20' -eq 1
    h2expect "$2" 'http2.type == 7' -eq 1
}

# ---- a large capture for timing (not kept) -----------------------------------------------
bench() { # bench FILE PATH: h2load, 20000 requests on one connection, 100 at once
    local ns=hs-th2bench out=$1 path=$2
    ns_new "$ns" || die "no namespace"
    nghttpd_push "$ns" || die "nghttpd did not start"
    cap_start "$ns" lo "$WORK/bench.pcap" "tcp port 8081" || die "no capture"
    CLIENT_LIMIT=120 run "$ns" h2load -n 20000 -c 1 -m 100 "http://127.0.0.1:8081$path" |
        grep -E '^(finished|requests|traffic)' >&2
    cap_stop
    stop_all
    ns_del "$ns"
    install -m 0644 "$WORK/bench.pcap" "$out"
    say "$out: $(stat -c %s "$out") bytes"
}

main() {
    local missing=() t
    case "${1:-}" in -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
    [ "$(id -u)" = 0 ] || die "needs root (network namespaces, tcpdump): sudo $0 $*"
    for t in ip timeout tcpdump tshark curl nginx nghttp nghttpd h2load ss; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    "$PY" -c 'import h2' 2>/dev/null || missing+=(python3-h2)
    [ ${#missing[@]} = 0 ] || die "missing tools: ${missing[*]}" \
        "(Debian: apt-get install iproute2 tcpdump tshark curl nginx nghttp2-client" \
        "nghttp2-server python3-h2)"
    WORK=$(mktemp -d /tmp/httpstep-h2data.XXXXXX) || die "mktemp failed"
    chmod 755 "$WORK"
    make_files
    if [ "${1:-}" = --bench ]; then
        [ $# = 2 ] || [ $# = 3 ] || die "usage: $0 --bench FILE [PATH]"
        bench "$2" "${3:-/app.js}"
        return
    fi
    lab_make_captures "$OUT" "$@"
}

main "$@"
