#!/usr/bin/env bash
# gen-pairs.sh - record the captures of the TLS and HTTP/2 benchmark pairs (`make bench`):
# the same requests three times, over HTTP/1.1 in clear, over HTTP/1.1 in TLS 1.3, over
# HTTP/2 in TLS 1.3.
#
# Usage: tests/bench/gen-pairs.sh [TARGET_MIB] [PREFIX]
#   TARGET_MIB  the cleartext capture grows batch by batch until it reaches this size
#               (default 256); the TLS and HTTP/2 captures then replay the same number
#               of batches, so the three carry the same requests
#   PREFIX      the files to write (default /var/tmp/httpstep-bench/pair-<MIB>M):
#               PREFIX-h1.pcap        HTTP/1.1 in clear (port 80)
#               PREFIX-tls.pcap       HTTP/1.1 in TLS 1.3 (port 443, ALPN http/1.1)
#               PREFIX-tls.keys       its key log (NSS format, written by the clients)
#               PREFIX-h2.pcap        HTTP/2 in TLS 1.3 (port 443, ALPN h2), 32 streams at
#                                     once per connection
#               PREFIX-h2.keys        its key log
#               PREFIX.txt            a summary (batches, requests, bytes, packets)
#
# What runs, inside a network namespace this script creates (and deletes): nginx with a
# self-signed certificate made here, TLS 1.3 only and TLS_AES_128_GCM_SHA256 only, serving
# the files gen-capture.sh serves (small 1 KiB, medium 50 KiB, large 1 MiB; text gzip'd on
# the fly, one pre-compressed file, /api/ answering POSTs, 404s); h2load (nghttp2-client)
# as the client, which writes the key log ($SSLKEYLOGFILE). One batch, the same for the
# three protocols (only the protocol changes, and -m: 1 request at a time on HTTP/1.1,
# 32 streams at once on HTTP/2):
#   - 4 keep-alive connections, each GETting the 166 paths of the list once (the list of
#     gen-capture.sh's wrk script: small files three times as often as medium ones, the
#     two 1 MiB files, 7 missing paths; in a fixed shuffled order)
#   - the same over IPv6 with Accept-Encoding: gzip, deflate (text comes back gzip'd,
#     chunked)
#   - 2 connections POSTing a JSON body 25 times each to /api/items
#   - 140 short connections of one request each (a new handshake each: the paths 140 by
#     140 along the list, batch after batch; 7 at a time), as wrk's "Connection: close"
#     and the curl loops of gen-capture.sh (which has 14% of its requests alone on their
#     connection; here 9%)
# 1,518 requests on 150 connections, about 22 MB of capture per batch.  The loopback has MTU 1500 and its
# offloads off (Ethernet-sized frames), as in gen-capture.sh.  Every process is stopped
# by PID.
#
# Environment: MAX_SECONDS=900 (bound on each capture's load), MTU=1500, SEED=42
# Needs root and: ip ethtool nginx h2load openssl tcpdump timeout awk gzip
set -euo pipefail

PROG=gen-pairs.sh
TARGET_MIB=${1:-256}
PREFIX=${2:-/var/tmp/httpstep-bench/pair-${TARGET_MIB}M}
MAX_SECONDS=${MAX_SECONDS:-900}
MTU=${MTU:-1500}
SEED=${SEED:-42}

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }
. "$(dirname "$0")/netns.sh"

# =============================================================== outer part
if [ "${1:-}" != "--in-netns" ]; then
    case $TARGET_MIB in ''|*[!0-9]*) die "TARGET_MIB must be a number of MiB, got '$TARGET_MIB'" ;; esac
    [ "$TARGET_MIB" -ge 1 ] || die "TARGET_MIB must be at least 1"
    ns_need "iproute2 ethtool nginx-light nghttp2-client openssl tcpdump" ip ethtool nginx h2load openssl tcpdump timeout awk gzip

    mkdir -p "$(dirname "$PREFIX")"
    PREFIX=$(cd "$(dirname "$PREFIX")" && pwd)/$(basename "$PREFIX")
    WORK=$(mktemp -d "$(dirname "$PREFIX")/gen-pairs.XXXXXX")
    chmod 755 "$WORK"
    # three captures, each bounded by MAX_SECONDS, plus time to start and stop
    ns_run "httpstep-pairs-$$" $((3 * MAX_SECONDS + 180)) "$TARGET_MIB" "$PREFIX"
    exit 0
fi

# =============================================================== inner part
shift
TARGET_MIB=$1
PREFIX=$2
ns_inner
WWW=$WORK/www
ns_on_exit() { rm -f "$PREFIX"-*.partial; }

# ---------------------------------------------------------------- content
# the same files as gen-capture.sh (www.sh, the same seeds)
. "$(dirname "$0")/www.sh"
make_www "$WWW" "$SEED"
mkdir -p "$WORK"/nginx "$WORK"/pki "$WORK"/keys
printf '{"name":"item","qty":42,"tags":["bench","pairs"]}\n' > "$WORK/body.json"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj /CN=bench.test -addext subjectAltName=DNS:bench.test \
    -keyout "$WORK/pki/key.pem" -out "$WORK/pki/cert.pem" >/dev/null 2>&1 ||
    die "openssl could not make the certificate"

# the paths: wrk's list in gen-capture.sh (each small file three times) and 7 missing
# ones, shuffled with a fixed seed; one per line
PATHS=$WORK/paths.txt
{
    for f in "$WWW"/s/*; do for _ in 1 2 3; do echo "/s/${f##*/}"; done; done
    for f in "$WWW"/m/*; do echo "/m/${f##*/}"; done
    printf '%s\n' /gz/bundle.css /l/log.txt /l/video.bin
    for i in 1 2 3 4 5 6 7; do echo "/missing/$((i * 7919))"; done
} | awk -v seed="$SEED" 'BEGIN { srand(seed) } { printf "%.8f\t%s\n", rand(), $0 }' |
    sort -n | cut -f2 > "$PATHS"
NPATHS=$(wc -l < "$PATHS")
SHORT=140                 # short connections per batch, one request each
CONNS=$((4 + 4 + 2 + SHORT))

# ------------------------------------------------------------------ nginx
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
user nobody nogroup;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000;
    keepalive_timeout 30s;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    gzip on;
    gzip_comp_level 1;
    gzip_min_length 512;
    gzip_vary on;
    gzip_types text/plain text/css application/json application/javascript;
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256;
    ssl_certificate $WORK/pki/cert.pem;
    ssl_certificate_key $WORK/pki/key.pem;
    http2_max_concurrent_streams 128;
    server {
        listen 127.0.0.1:80 backlog=4096;
        listen [::1]:80 backlog=4096;
        listen 127.0.0.1:443 ssl http2 backlog=4096;
        listen [::1]:443 ssl http2 backlog=4096;
        server_name bench.test;
        root $WWW;
        location /api/ {
            client_max_body_size 1m;
            default_type application/json;
            return 200 '{"ok":true}\n';
        }
        location /gz/ { gzip_static on; }
    }
}
EOF
nginx -q -t -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx-t.err" ||
    { cat "$WORK/nginx-t.err" >&2; die "bad nginx config"; }
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for _ in $(seq 50); do
    h2load --h1 -n 1 -c 1 http://127.0.0.1/s/page0.html 2>/dev/null | grep -q '1 succeeded' && break
    sleep 0.1
done

# ------------------------------------------------------------------ batches
# batch PROTO B KEYS: batch number B (0-based) over PROTO (h1: http://, tls: https:// with
# ALPN http/1.1, h2: https:// with ALPN h2); the clients' key logs go to KEYS.N
batch() {
    local proto=$1 b=$2 keys=$3 scheme=https m=32 alpn=() i j k
    case $proto in
        h1) scheme=http; m=1; alpn=(--h1) ;;
        tls) m=1; alpn=(--h1) ;;
        h2) alpn=(--npn-list=h2) ;;
    esac
    local h4=$scheme://127.0.0.1 h6=$scheme://[::1]
    # :authority (Host on HTTP/1.1): h2load 1.52 sends an IPv6 literal without its
    # brackets, which nginx answers with a 400
    local common=(--tls13-ciphers=TLS_AES_128_GCM_SHA256 "${alpn[@]}" -T 60 -N 30
        -H 'User-Agent: h2load-bench' -H ':authority: bench.test')
    sed "s|^|$h4|" "$PATHS" > "$WORK/uris4"
    sed "s|^|$h6|" "$PATHS" > "$WORK/uris6"
    local pids=()
    SSLKEYLOGFILE=$keys.1 h2load "${common[@]}" -c 4 -n $((4 * NPATHS)) -m "$m" \
        -i "$WORK/uris4" > "$WORK/h2load.1" 2>&1 &
    pids+=($!)
    SSLKEYLOGFILE=$keys.2 h2load "${common[@]}" -c 4 -n $((4 * NPATHS)) -m "$m" \
        -H 'Accept-Encoding: gzip, deflate' \
        -i "$WORK/uris6" > "$WORK/h2load.2" 2>&1 &
    pids+=($!)
    SSLKEYLOGFILE=$keys.3 h2load "${common[@]}" -c 2 -n 50 -m "$m" \
        -H 'Content-Type: application/json' \
        -d "$WORK/body.json" "$h4/api/items" > "$WORK/h2load.3" 2>&1 &
    pids+=($!)
    # the short connections: 7 loops of 20 at once, the paths 140 by 140 along the list
    : > "$WORK/short"
    for ((i = 0; i < SHORT; i++)); do
        echo " $(sed -n "$(( (b * SHORT + i) % NPATHS + 1 ))p" "$PATHS")" >> "$WORK/short"
    done
    for ((j = 0; j < SHORT / 20; j++)); do
        (
            sed -n "$((j * 20 + 1)),$((j * 20 + 20))p" "$WORK/short" | while read -r k; do
                SSLKEYLOGFILE=$keys.4.$j h2load "${common[@]}" -c 1 -n 1 -m 1 "$h4$k" \
                    >> "$WORK/h2load.4.$j" 2>&1 || exit 1
            done
        ) &
        pids+=($!)
    done
    local rc=0 p
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    [ "$rc" -eq 0 ] || { tail -n 20 "$WORK"/h2load.* >&2; die "h2load failed in batch $b ($proto)"; }
    # every request must have had its answer: a 404 for the missing paths, a 2xx for the
    # others
    local want=$((8 * NPATHS + 50 + SHORT)) want404 ok nf
    want404=$(awk '/^ \/missing\// { s++ } /^\/missing\// { s += 8 } END { print s + 0 }' \
        "$PATHS" "$WORK/short")
    ok=$(cat "$WORK"/h2load.[1-4]* | awk '/^status codes:/ { s += $3 } END { print s + 0 }')
    nf=$(cat "$WORK"/h2load.[1-4]* | awk '/^status codes:/ { s += $7 } END { print s + 0 }')
    [ "$ok" -eq $((want - want404)) ] && [ "$nf" -eq "$want404" ] || {
        grep -h -A1 "^requests:" "$WORK"/h2load.[1-4]* >&2
        die "batch $b ($proto): $ok 2xx and $nf 4xx answers of $want requests, wanted $((want - want404)) and $want404"
    }
    rm -f "$WORK"/h2load.*
}

# record PROTO NBATCHES: one capture of NBATCHES batches (0: until TARGET_MIB); sets BATCHES
BATCHES=0
record() {
    local proto=$1 want=$2 out=$PREFIX-$1.pcap partial=$PREFIX-$1.pcap.partial keys=$WORK/keys/$1
    local t0=$SECONDS filter="tcp port 80"
    [ "$proto" = h1 ] || filter="tcp port 443"
    local terr=$WORK/tcpdump-$proto.err
    rm -f "$partial" "$terr"
    tcpdump -i lo -s 0 -B 65536 -nn -Z root -w "$partial" "$filter" 2> "$terr" &
    local tpid=$!
    PIDS+=("$tpid")
    for _ in $(seq 50); do
        grep -q 'listening on' "$terr" 2>/dev/null && break
        sleep 0.1
    done
    grep -q 'listening on' "$terr" || { cat "$terr" >&2; die "tcpdump did not start"; }
    sleep 0.5
    local b=0 size
    while :; do
        batch "$proto" "$b" "$keys"
        b=$((b + 1))
        size=$(stat -c %s "$partial")
        if [ "$want" -eq 0 ]; then
            [ "$size" -lt $((TARGET_MIB * 1048576)) ] || break
        else
            [ "$b" -lt "$want" ] || break
        fi
        [ $((SECONDS - t0)) -lt "$MAX_SECONDS" ] || die "MAX_SECONDS reached after $b batches ($proto)"
        kill -0 "$tpid" 2>/dev/null || { cat "$terr" >&2; die "tcpdump died"; }
    done
    # tcpdump may still be reading the last batch from its buffer, and what it has not
    # read when stopped is lost: stop it once the capture has not grown for a second
    # (at most 30 s)
    local last=-1 still=0 k
    for ((k = 0; k < 60 && still < 2; k++)); do
        sleep 0.5
        size=$(stat -c %s "$partial")
        if [ "$size" -eq "$last" ]; then still=$((still + 1)); else still=0; fi
        last=$size
    done
    kill -INT "$tpid" 2>/dev/null || true
    wait "$tpid" 2>/dev/null || true
    unset 'PIDS[${#PIDS[@]}-1]'
    grep -E 'packets (captured|received by filter|dropped by kernel)' "$terr" |
        sed "s/^/# $proto: tcpdump: /" >> "$WORK/summary"
    grep -q '^0 packets dropped by kernel' "$terr" ||
        die "tcpdump dropped packets in the $proto capture"
    # every connection of every batch in the capture, from its SYN
    local syns
    syns=$(tcpdump -nn -r "$partial" '(ip and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or
        (ip6 and ip6[6] = 6 and ip6[53] & 0x12 = 0x02)' 2>/dev/null | wc -l)
    [ "$syns" -eq $((b * CONNS)) ] || die "the $proto capture has $syns connections (SYNs), wanted $((b * CONNS))"
    mv -f "$partial" "$out"
    if [ "$proto" != h1 ]; then
        cat "$keys".[1-4]* > "$PREFIX-$proto.keys"
    fi
    BATCHES=$b
    echo "$proto: batches=$b seconds=$((SECONDS - t0)) bytes=$(stat -c %s "$out")" \
        "packets=$(tcpdump -nn -r "$out" 2>/dev/null | wc -l)" \
        "keylog_lines=$(cat "$keys".[1-4]* 2>/dev/null | wc -l)" >> "$WORK/summary"
    say "$(tail -n 1 "$WORK/summary")"
}

: > "$WORK/summary"
record h1 0
N=$BATCHES
record tls "$N"
record h2 "$N"
kill -QUIT "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
PIDS=()
{
    echo "# $(basename "$PREFIX"): recorded $(date -u +%FT%TZ) by gen-pairs.sh, mtu=$MTU, seed=$SEED"
    echo "# each capture: $N batches of $((8 * NPATHS + 50 + SHORT)) requests (h2load $(h2load --version | awk '{ print $2 }'), nginx TLS 1.3 TLS_AES_128_GCM_SHA256)"
    echo "batches=$N"
    echo "requests=$((N * (8 * NPATHS + 50 + SHORT)))"
    echo "connections=$((N * CONNS))"
    cat "$WORK/summary"
} > "$PREFIX.txt"
cat "$PREFIX.txt"
