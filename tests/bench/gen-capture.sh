#!/usr/bin/env bash
# gen-capture.sh - record a large capture of real HTTP/1.x traffic for `make bench`.
#
# Usage: tests/bench/gen-capture.sh [TARGET_MIB] [OUTFILE]
#   TARGET_MIB  stop the load once the capture reaches this size (default 1024);
#               it overshoots by what tcpdump still has buffered (8 MiB on 1 GiB here)
#   OUTFILE     the pcap to write (default /var/tmp/httpstep-bench/big.pcap);
#               keep it outside the repository.  OUTFILE.txt gets a summary.
#
# What runs, all inside a network namespace this script creates (and deletes):
#   nginx on 127.0.0.1:80, [::1]:80 and 127.0.0.1:8080 serving small (1 KiB),
#   medium (50 KiB) and large (1 MiB) files; text types are gzip'd on the fly
#   (chunked responses), one file is pre-compressed (gzip_static, Content-Length),
#   /api/ answers POSTs, anything else missing is a 404;
#   wrk with keep-alive connections, and a second wrk sending "Connection: close"
#   (one connection per request), both on random paths from a Lua script;
#   loops of curl (one short connection each: HTTP/1.0, --compressed, chunked
#   request bodies, two requests on one connection, IPv6, port 8080).
# The namespace's loopback gets MTU 1500 with TSO/GSO/GRO off, so frames are
# Ethernet-sized (<= 1514 bytes) instead of 64 KiB loopback super-frames.
# tcpdump -w records inside the namespace.  Every process is stopped by PID.
#
# Environment: MAX_SECONDS=900 (bound on the load phase), WRK_CONNS=8,
#   WRK_CLOSE_CONNS=2 (0: no close load), CURL_LOOPS=2, MTU=1500, SEED=42
# Needs root and: ip ethtool nginx wrk curl tcpdump timeout awk gzip
set -euo pipefail

PROG=gen-capture.sh
TARGET_MIB=${1:-1024}
OUTFILE=${2:-/var/tmp/httpstep-bench/big.pcap}
MAX_SECONDS=${MAX_SECONDS:-900}
WRK_CONNS=${WRK_CONNS:-8}
WRK_CLOSE_CONNS=${WRK_CLOSE_CONNS:-2}
CURL_LOOPS=${CURL_LOOPS:-2}
MTU=${MTU:-1500}
SEED=${SEED:-42}

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }
. "$(dirname "$0")/netns.sh"

# =============================================================== outer part
# Checks, creates the namespace, runs this script again inside it, cleans up.
if [ "${1:-}" != "--in-netns" ]; then
    case $TARGET_MIB in ''|*[!0-9]*) die "TARGET_MIB must be a number of MiB, got '$TARGET_MIB'" ;; esac
    [ "$TARGET_MIB" -ge 1 ] || die "TARGET_MIB must be at least 1"
    ns_need "iproute2 ethtool nginx-light wrk curl tcpdump" ip ethtool nginx wrk curl tcpdump timeout awk gzip

    mkdir -p "$(dirname "$OUTFILE")"
    OUTFILE=$(cd "$(dirname "$OUTFILE")" && pwd)/$(basename "$OUTFILE")
    WORK=$(mktemp -d "$(dirname "$OUTFILE")/gen-capture.XXXXXX")
    chmod 755 "$WORK"
    # The hard bound: the load phase plus time to start, stop and count.
    ns_run "httpstep-bench-$$" $((MAX_SECONDS + 120)) "$TARGET_MIB" "$OUTFILE"
    exit 0
fi

# =============================================================== inner part
# Runs inside the namespace: content, nginx, tcpdump, load, summary.
shift
TARGET_MIB=$1
OUTFILE=$2
ns_inner      # WORK; PIDS: every background process, stopped in reverse order by PID
WWW=$WORK/www
PARTIAL=$OUTFILE.partial
STOP=$WORK/stop
ns_on_stop() { touch "$STOP"; }
ns_on_exit() { rm -f "$PARTIAL"; }

# ---------------------------------------------------------------- content
# the files (www.sh: text from a fixed vocabulary, random bytes, 1 KiB to 1 MiB)
. "$(dirname "$0")/www.sh"
make_www "$WWW" "$SEED"
mkdir -p "$WORK"/nginx
head -c 65536 /dev/urandom > "$WORK/upload.bin"

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
    keepalive_requests 1000;
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
    server {
        listen 127.0.0.1:80 backlog=4096;
        listen [::1]:80 backlog=4096;
        listen 127.0.0.1:8080;
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
nginx -q -t -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" || { echo "$PROG: bad nginx config" >&2; exit 1; }
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
PIDS+=($!)
for _ in $(seq 50); do
    curl -s -o /dev/null http://127.0.0.1/s/page0.html && break
    sleep 0.1
done

# --------------------------------------------------------- wrk Lua script
# Random paths (small files more often), half ask for gzip, some POST, some 404.
{
    echo 'local paths = {'
    for f in "$WWW"/s/*; do echo "  \"/s/${f##*/}\", \"/s/${f##*/}\", \"/s/${f##*/}\","; done
    for f in "$WWW"/m/*; do echo "  \"/m/${f##*/}\","; done
    echo '  "/gz/bundle.css", "/l/log.txt", "/l/video.bin",'
    echo '}'
    cat <<'EOF'
local close = os.getenv("WRK_CLOSE") ~= nil
local n = 0
local counter = 0
setup = function(thread) counter = counter + 1; thread:set("id", counter) end
init = function(args) math.randomseed(os.time() * 100 + (id or 0)) end
request = function()
    n = n + 1
    local h = {["User-Agent"] = "wrk-bench", ["Accept"] = "*/*"}
    if close then h["Connection"] = "close" end
    local r = math.random()
    if r < 0.04 then
        h["Content-Type"] = "application/json"
        return wrk.format("POST", "/api/items", h,
                          '{"name":"item' .. n .. '","qty":' .. math.random(1000) .. '}')
    elseif r < 0.08 then
        return wrk.format("GET", "/missing/" .. math.random(100000), h)
    end
    if math.random() < 0.5 then h["Accept-Encoding"] = "gzip, deflate" end
    return wrk.format("GET", paths[math.random(#paths)], h)
end
EOF
} > "$WORK/load.lua"

# ---------------------------------------------------------------- capture
rm -f "$PARTIAL"
tcpdump -i lo -s 0 -B 65536 -nn -Z root -w "$PARTIAL" tcp 2> "$WORK/tcpdump.err" &
TCPDUMP_PID=$!
PIDS+=("$TCPDUMP_PID")
for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/tcpdump.err" 2>/dev/null && break
    sleep 0.1
done

# One short connection per curl run; the loop ends at the deadline, after
# 500000 runs, or when $STOP appears.
curl_loop() { # ID DEADLINE
    local id=$1 deadline=$2 k=0 s m
    local c=(curl -s -o /dev/null --max-time 5)
    RANDOM=$((SEED + id))
    while [ "$SECONDS" -lt "$deadline" ] && [ "$k" -lt 500000 ] && [ ! -e "$STOP" ]; do
        k=$((k + 1)); s=$((RANDOM % 16)); m=$((RANDOM % 4))
        case $((RANDOM % 12)) in
            0) "${c[@]}" --http1.0 "http://127.0.0.1/s/page$s.html" ;;
            1) "${c[@]}" --compressed "http://127.0.0.1/m/app$m.js" ;;
            2) "${c[@]}" --compressed "http://127.0.0.1/gz/bundle.css" ;;
            3) "${c[@]}" -d "q=$k&id=$id" "http://127.0.0.1/api/search" ;;
            4) "${c[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/upload.bin" \
                   "http://127.0.0.1/api/upload" ;;
            5) "${c[@]}" "http://127.0.0.1/nothing/$k" ;;
            6) "${c[@]}" -g --compressed "http://[::1]/s/data$s.json" ;;
            7) "${c[@]}" "http://127.0.0.1:8080/m/photo$m.jpg" ;;
            8) "${c[@]}" -I "http://127.0.0.1/s/icon$s.png" ;;
            *) "${c[@]}" -o /dev/null --compressed \
                   "http://127.0.0.1/s/data$s.json" "http://127.0.0.1/s/icon$s.png" ;;
        esac
    done
}

DEADLINE=$((SECONDS + MAX_SECONDS))
for i in $(seq 1 "$CURL_LOOPS"); do
    curl_loop "$i" "$DEADLINE" &
    PIDS+=($!)
done
wrk -t2 -c"$WRK_CONNS" -d"${MAX_SECONDS}s" --timeout 5s -s "$WORK/load.lua" \
    http://127.0.0.1/ > "$WORK/wrk.out" 2>&1 &
WRK_PID=$!
PIDS+=("$WRK_PID")
WRK_CLOSE_PID=""
if [ "$WRK_CLOSE_CONNS" -gt 0 ]; then
    WRK_CLOSE=1 wrk -t1 -c"$WRK_CLOSE_CONNS" -d"${MAX_SECONDS}s" --timeout 5s \
        -s "$WORK/load.lua" http://127.0.0.1/ > "$WORK/wrk-close.out" 2>&1 &
    WRK_CLOSE_PID=$!
    PIDS+=("$WRK_CLOSE_PID")
fi

TARGET_BYTES=$((TARGET_MIB * 1048576))
T0=$SECONDS
while :; do
    size=$(stat -c %s "$PARTIAL" 2>/dev/null || echo 0)
    [ "$size" -ge "$TARGET_BYTES" ] && break
    if [ "$SECONDS" -ge "$DEADLINE" ]; then
        echo "$PROG: warning: MAX_SECONDS reached at $size bytes" >&2
        break
    fi
    kill -0 "$TCPDUMP_PID" 2>/dev/null || { echo "$PROG: tcpdump died:" >&2; cat "$WORK/tcpdump.err" >&2; exit 1; }
    sleep 0.1
done
LOAD_SECONDS=$((SECONDS - T0))

# Stop the load (wrk prints its summary on SIGINT), let curl loops finish
# their current request, then nginx gracefully (it closes idle keep-alive
# connections, so they end with FINs in the capture), then tcpdump.
touch "$STOP"
kill -INT "$WRK_PID" 2>/dev/null || true
[ -z "$WRK_CLOSE_PID" ] || kill -INT "$WRK_CLOSE_PID" 2>/dev/null || true
for p in "${PIDS[@]:2}"; do wait "$p" 2>/dev/null || true; done
kill -QUIT "${PIDS[0]}" 2>/dev/null || true
wait "${PIDS[0]}" 2>/dev/null || true
sleep 0.5
kill -INT "$TCPDUMP_PID" 2>/dev/null || true
wait "$TCPDUMP_PID" 2>/dev/null || true
PIDS=()
mv -f "$PARTIAL" "$OUTFILE"

# ---------------------------------------------------------------- summary
# connections: SYNs without ACK; requests: segments whose payload starts with
# GET/POST/HEAD (each request line here fits in its first segment).  IPv6
# offsets assume no extension headers (none here).
count() { tcpdump -nn -r "$OUTFILE" "$1" 2>/dev/null | wc -l; }
m4='tcp[((tcp[12]&0xf0)>>2):4]'
m6='ip6[40+((ip6[52]&0xf0)>>2):4]'
methods() { echo "$1 = 0x47455420 or $1 = 0x504f5354 or $1 = 0x48454144"; }
packets=$(count '')
syns4=$(count 'ip and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn')
syns6=$(count 'ip6 and ip6[6] = 6 and ip6[53] & 0x12 = 0x02')
reqs4=$(count "ip and ($(methods "$m4"))")
reqs6=$(count "ip6 and ip6[6] = 6 and ($(methods "$m6"))")
{
    echo "# $(basename "$OUTFILE"): recorded $(date -u +%FT%TZ) by gen-capture.sh, load ${LOAD_SECONDS}s"
    echo "# mtu=$MTU wrk -c$WRK_CONNS keep-alive, wrk -c$WRK_CLOSE_CONNS close, curl loops=$CURL_LOOPS"
    grep -E 'packets (captured|received by filter|dropped by kernel)' "$WORK/tcpdump.err" | sed 's/^/# tcpdump: /'
    grep -hE 'requests in|Non-2xx|Socket errors' "$WORK"/wrk*.out | sed 's/^ */# wrk: /'
    echo "bytes=$(stat -c %s "$OUTFILE")"
    echo "packets=$packets"
    echo "connections=$((syns4 + syns6)) (SYN without ACK; IPv6: $syns6)"
    echo "requests=$((reqs4 + reqs6)) (segments starting with GET/POST/HEAD; IPv6: $reqs6)"
} > "$OUTFILE.txt"
cat "$OUTFILE.txt"
