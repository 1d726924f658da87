#!/bin/bash
# make-samples.sh: record the bundled httpstep samples from real servers and clients.
#
#   sudo samples/make-samples.sh            remake every sample
#   sudo samples/make-samples.sh 3 08 13-https.pcap gzip-chunked
#                                           remake only those (number, file or name)
#
# Each sample runs in a network namespace of its own (hs-sNN), so it sees only its own
# loopback traffic and no port clashes with the host: nginx, python servers from
# samples/servers/, curl, headless chromium and tcpdump/dumpcap run inside it. Every
# process is started under `timeout`, recorded by PID and stopped by PID; the namespaces
# and the temporary folder are removed on exit. Needs root. Not part of `make check`.
# A capture replaces the file in samples/ only when its checks (tshark) pass.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${SAMPLES_OUT:-$HERE}
SERVERS=$HERE/servers
NSP=hs-s                # namespace prefix
LIMIT=60                # seconds any one server or capture may live
CLIENT_LIMIT=30         # seconds any one client may take
PY=$(command -v python3 || true)
H2PEER=$HERE/../tests/data/h2/h2peer.py  # python3-h2 server (Debian's /usr/bin/python3)

ALL=(01-classic-get.pcap 02-keep-alive.pcap 03-browser-page.pcapng 04-login-form.pcap
    05-file-upload.pcap 06-expect-100-continue.pcap 07-gzip-chunked.pcap 08-status-codes.pcap
    09-methods.pcap 10-pipelining.pcap 11-http10.pcap 12-lossy-network.pcap 13-https.pcap
    14-large-download.pcap 15-https-decrypted.pcapng 16-http2.pcapng
    17-dns-lookup.pcap 18-dns-nxdomain.pcap 19-http-plain-twin.pcap 20-chromium-h2.pcapng
    21-chromium-http11.pcapng 22-h2c-prior-knowledge.pcap 23-h2c-upgrade.pcap
    24-h2-server-push.pcap)

LAB_NAME=make-samples
# shellcheck source=samples/lab.sh
. "$HERE/lab.sh"
# the DNS samples' /etc/netns folders go too (dns_lab_done, below)
trap 'dns_lab_done; cleanup' EXIT

# values FILE FIELD: how many values of FIELD tshark finds (two requests in one frame: 2).
values() {
    tshark -n -2 -o tcp.reassemble_out_of_order:TRUE -r "$1" -Y "$2" -T fields -e "$2" -E occurrence=a 2>/dev/null |
        tr ',' '\n' | grep -c .
}

# expect_values FILE FIELD OP N: as expect, counting values instead of frames.
expect_values() {
    local got
    got=$(values "$1" "$2")
    if ! test "$got" "$3" "$4"; then
        say "check failed: $got values of $2, wanted $3 $4"
        CHECK_FAILED=1
    fi
}

# times FILE FIELD VALUE: how many times FIELD has VALUE, every occurrence in every frame
# (two PUSH_PROMISE frames in one segment: 2)
times() {
    tshark -n -2 -r "$1" -Y "$2" -T fields -e "$2" -E occurrence=a 2>/dev/null |
        tr ',' '\n' | grep -cxF -- "$3"
}

# expect_count FILE FIELD VALUE OP N: fail unless (times FIELD has VALUE) OP N
expect_count() {
    local got
    got=$(times "$1" "$2" "$3")
    if ! test "$got" "$4" "$5"; then
        say "check failed: $2 is $3 $got times, wanted $4 $5"
        CHECK_FAILED=1
    fi
}

# before FILE A B: fail unless the first frame that matches filter A comes before the first
# that matches B (a request that leaves before an earlier stream's answer: multiplexing)
before() {
    local a b
    a=$(tshark -n -2 -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | head -1)
    b=$(tshark -n -2 -r "$1" -Y "$3" -T fields -e frame.number 2>/dev/null | head -1)
    if [ -z "$a" ] || [ -z "$b" ] || [ "$a" -ge "$b" ]; then
        say "check failed: '$2' (frame ${a:-none}) not before '$3' (frame ${b:-none})"
        CHECK_FAILED=1
    fi
}

# first_fin FILE PORT: fail unless, on every connection, the first FIN comes from TCP port
# PORT (the server closes; a client that closes as soon as it has the body may race it).
first_fin() {
    local bad
    bad=$(tshark -n -r "$1" -Y 'tcp.flags.fin == 1' -T fields -e tcp.stream -e tcp.srcport \
        2>/dev/null | awk -v p="$2" '!($1 in s) { s[$1] = $2; if ($2 != p) n++ } END { print n + 0 }')
    if [ "$bad" != 0 ]; then
        say "check failed: on $bad connection(s) the first FIN did not come from port $2"
        CHECK_FAILED=1
    fi
}

# install TMPFILE NAME MAXBYTES: copy into samples/ if the checks passed and it fits.
install_capture() {
    local tmp=$1 name=$2 max=$3 size
    size=$(stat -c %s "$tmp")
    if [ "$size" -gt "$max" ]; then
        say "$name: $size bytes, over the limit of $max: not installed"
        return 1
    fi
    if [ "$CHECK_FAILED" != 0 ]; then
        say "$name: checks failed: not installed"
        [ -n "${KEEP:-}" ] && cp "$tmp" "$KEEP/$name" && say "a copy is in $KEEP/$name"
        return 1
    fi
    install -m 0644 "$tmp" "$OUT/$name"
    say "$name: $size bytes, $(capinfos -c -M "$OUT/$name" | sed -n 's/^Number of packets: *//p') frames"
}

# ---- content --------------------------------------------------------------------------
# Fixed content and fixed modification times, so reruns give the same headers
# (Last-Modified, ETag) and the same bodies.
make_www() {
    local w=$WORK/www
    mkdir -p "$w/private"
    cat >"$w/index.html" <<'EOF'
<!DOCTYPE html>
<html>
<head><title>Hello</title></head>
<body><h1>Hello, HTTP!</h1></body>
</html>
EOF
    printf 'Hello, HTTP!\n' >"$w/hello.txt"
    cat >"$w/private/index.html" <<'EOF'
<!DOCTYPE html>
<html><body><h1>Teachers' room</h1><p>Marks are due on Friday.</p></body></html>
EOF
    cat >"$w/page.html" <<'EOF'
<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>A page in five files</title>
<link rel="stylesheet" href="/style.css">
<script src="/script.js" defer></script>
</head>
<body>
<h1>Hello, HTTP!</h1>
<p>This page needs four more files: a stylesheet, a script and two pictures.
The browser asks for each of them with a request of its own.</p>
<p><img src="/red.png" alt="a red square" width="64" height="64">
<img src="/blue.png" alt="a blue square" width="64" height="64"></p>
</body>
</html>
EOF
    cat >"$w/style.css" <<'EOF'
/* style.css: the stylesheet of page.html */
body { font-family: sans-serif; margin: 2em; background: #fdfdf8; color: #222; }
h1 { color: #1a5fb4; border-bottom: 2px solid #1a5fb4; }
p { line-height: 1.5; max-width: 40em; }
img { border: 1px solid #999; margin-right: 1em; }
EOF
    cat >"$w/script.js" <<'EOF'
// script.js: runs after the page has loaded and changes the heading.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelector("h1").textContent += " (the script ran)";
});
EOF
    cat >"$w/lesson.html" <<'EOF'
<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>The seven steps of an HTTP exchange</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<h1>The seven steps of an HTTP exchange</h1>
<p>When you type an address into a browser and press Enter, the browser and the web
server talk to each other in a fixed order. Every exchange between them follows the
same seven steps. Learning these steps lets you read any HTTP conversation, whether it
is a tiny page like this one or a large download.</p>

<h2>Step 1: the TCP connection</h2>
<p>Before any HTTP is sent, the browser opens a TCP connection to the server, usually on
port 80. This takes three packets, the three-way handshake: SYN from the browser,
SYN-ACK from the server and ACK from the browser. Only then can data flow both ways.</p>

<h2>Step 2: the request line</h2>
<p>The browser sends the request line. It names the method, the resource and the
version of the protocol, for example GET /lesson.html HTTP/1.1. The method says what the
browser wants to do: GET reads a resource, POST sends data to it, HEAD asks only for the
headers, PUT stores a resource and DELETE removes one.</p>

<h2>Step 3: the request headers</h2>
<p>After the request line come the request headers, one per line, each a name, a colon
and a value. Host names the web site, User-Agent names the browser, Accept says which
kinds of content the browser understands and Accept-Encoding says which compressions it
can undo. An empty line ends the headers. If the request has a body, as a form sent by
POST does, the body follows the empty line.</p>

<h2>Step 4: the status line</h2>
<p>The server answers with a status line: the version, a three-digit status code and a
short reason, for example HTTP/1.1 200 OK. Codes starting with 2 mean success, 3 means
look elsewhere (a redirect), 4 means the client made a mistake (404 Not Found) and 5
means the server failed (500 Internal Server Error).</p>

<h2>Step 5: the response headers</h2>
<p>Then come the response headers. Content-Type says what kind of data the body is,
Content-Length says how long it is, and Last-Modified and ETag let the browser ask later
whether its copy is still fresh. Content-Encoding: gzip says the body is compressed, and
Transfer-Encoding: chunked says the body comes in pieces, each with its length in front,
because the server did not know the total length when it started sending.</p>

<h2>Step 6: the empty line and the body</h2>
<p>An empty line ends the response headers, and the body follows: the page, the picture
or the file that was asked for. The browser uses Content-Length, or the chunk lengths,
to know where the body ends. This very page was compressed by the server before it was
sent, and your browser uncompressed it before showing it to you.</p>

<h2>Step 7: close or keep alive</h2>
<p>Finally the connection is either closed, with FIN packets from both sides, or kept
open for the next request. HTTP/1.1 keeps connections open by default, which saves the
time of a new handshake for every picture and stylesheet on a page. A Connection: close
header asks for the connection to be closed after the response.</p>

<p>Look at each step in a capture, one at a time, and the whole conversation becomes
easy to follow.</p>
</body>
</html>
EOF
    cat >"$w/notes.txt" <<'EOF'
Homework for Monday: read chapter 3 (HTTP messages) and answer questions 1 to 5.
EOF
    "$PY" - "$w" <<'EOF'
import struct, sys, zlib

def png(path, rgb, size=16):
    def chunk(kind, data):
        return (struct.pack("!I", len(data)) + kind + data
                + struct.pack("!I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack("!IIBBBBB", size, size, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

def book(path, size, title):
    words = ("HTTP is a request and response protocol. The client sends a request line, "
             "headers and maybe a body; the server sends a status line, headers and a body. ")
    with open(path, "w") as f:
        f.write(title + "\n\n")
        n, line = 0, 1
        while f.tell() < size - 200:
            f.write("%06d  %s\n" % (line, words[:100]))
            line += 1
        f.write("The end.\n")

d = sys.argv[1]
png(d + "/red.png", (220, 40, 40))
png(d + "/blue.png", (40, 80, 220))
with open(d + "/essay.txt", "w") as f:
    for i in range(1, 41):
        f.write("Line %02d of my essay: HTTP messages are plain text, so anyone can read them.\n" % i)
book(d + "/download.txt", 120000, "A 120 KB text file, sent over a lossy network")
book(d + "/large.txt", 1500000, "A 1.5 MB text file, sent as one response in many segments")
EOF
    find "$w" -exec touch -h -d '2024-09-02 08:00:00 UTC' {} +
    chmod -R a+rX "$WORK"
}

# nginx_start NS NAME SERVER_BLOCKS: run nginx in NS (not a daemon) with a generated config.
nginx_start() {
    local ns=$1 d=$WORK/nginx-$2
    mkdir -p "$d/logs" "$d/tmp"
    cat >"$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log notice;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $d/logs/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    sendfile on;
    keepalive_timeout 30s;
$3
}
EOF
    chmod -R a+rX "$d"
    bg "$ns" "$d/stderr.log" nginx -p "$d" -c "$d/nginx.conf"
}

# ---- the samples ----------------------------------------------------------------------
# Each sNN NS TMPFILE records one capture into TMPFILE and adds checks with `expect`.

s01() { # one GET with Connection: close: all seven steps, ending with a close
    nginx_start "$1" 01 "server { listen 127.0.0.1:80; server_name localhost; root $WORK/www; access_log off; }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS -4 -o /dev/null -H 'Connection: close' http://localhost/
    cap_stop
    expect "$2" 'http.request' -eq 1
    expect "$2" 'http.response.code == 200' -eq 1
    expect "$2" 'tcp.flags.fin == 1' -eq 2
    first_fin "$2" 80 # Connection: close: the server closes
}

s02() { # three requests on one keep-alive connection over IPv6, then the close
    nginx_start "$1" 02 "server { listen [::1]:80; server_name localhost; root $WORK/www; }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS -6 -o /dev/null -o /dev/null -o /dev/null \
        http://localhost/ http://localhost/style.css http://localhost/hello.txt
    cap_stop
    expect "$2" 'http.request && ipv6' -eq 3
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 1
    expect "$2" 'tcp.flags.fin == 1' -eq 2
}

# chromium_load NS NAME URL [OPTION...]: headless chromium (a fresh profile, no background
# traffic, class.example mapped to 127.0.0.1) loads URL and takes a screenshot; its log is
# $WORK/chromium-NAME.log
chromium_load() {
    local ns=$1 name=$2 url=$3
    shift 3
    rm -rf "$WORK/chromium-$name"
    mkdir -p "$WORK/chromium-$name"
    (cd "$WORK" && run "$ns" chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --user-data-dir="$WORK/chromium-$name" \
        --host-resolver-rules='MAP class.example 127.0.0.1' --window-size=800,600 "$@" \
        --screenshot="$WORK/page-$name.png" "$url") >"$WORK/chromium-$name.log" 2>&1
}

s03() { # headless chromium loads a page with a stylesheet, a script and two pictures
    nginx_start "$1" 03 "server { listen 127.0.0.1:80; server_name class.example; root $WORK/www; }"
    wait_port "$1" 80 || return 1
    dumpcap_start "$1" lo "$2" "tcp port 80" || return 1
    chromium_load "$1" 03 http://class.example/page.html
    cap_stop
    expect "$2" 'http.request.uri == "/page.html" && tcp.stream == 0' -eq 1
    expect "$2" 'http.request.uri == "/style.css"' -eq 1
    expect "$2" 'http.request.uri == "/script.js"' -eq 1
    expect "$2" 'http.request.uri == "/red.png"' -eq 1
    expect "$2" 'http.request.uri == "/blue.png"' -eq 1
    expect "$2" 'http.request.uri == "/favicon.ico"' -ge 1
    expect "$2" 'http.response.code == 404' -ge 1
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -ge 2
}

s04() { # a login form: the form page, then the form sent by POST and by GET (-i any)
    bg "$1" "$WORK/server04.log" "$PY" "$SERVERS/classserver.py" --bind 127.0.0.1 --port 80
    wait_port "$1" 80 || return 1
    cap_start "$1" any "$2" "tcp port 80" || return 1
    run "$1" curl -sS -4 -o /dev/null http://localhost/login
    run "$1" curl -sS -4 -o /dev/null -d 'username=jinqiao&password=1234' http://localhost/login
    run "$1" curl -sS -4 -o /dev/null 'http://localhost/login?username=jinqiao&password=1234'
    cap_stop
    expect "$2" 'http.request.method == "POST" && urlencoded-form' -eq 1
    expect "$2" 'http.request.uri contains "password=1234"' -eq 1
    expect "$2" 'http.response.code == 200' -eq 3
    expect "$2" 'tcp.flags.fin == 1' -eq 6
}

s05() { # a multipart/form-data file upload to a python server on port 8080
    bg "$1" "$WORK/server05.log" "$PY" "$SERVERS/classserver.py" --bind 127.0.0.1 --port 8080
    wait_port "$1" 8080 || return 1
    cap_start "$1" lo "$2" "tcp port 8080" || return 1
    (cd "$WORK/www" && run "$1" curl -sS -4 -o /dev/null -H 'Expect:' -F student=jinqiao \
        -F 'homework=@notes.txt;type=text/plain' http://localhost:8080/upload)
    cap_stop
    expect "$2" 'http.request.method == "POST" && mime_multipart' -eq 1
    expect "$2" 'http.response.code == 200' -eq 1
}

s06() { # Expect: 100-continue: the interim 100 Continue, then the body, then 201
    bg "$1" "$WORK/server06.log" "$PY" "$SERVERS/classserver.py" --bind 127.0.0.1 --port 80
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS -4 -o /dev/null -H 'Expect: 100-continue' -H 'Content-Type: text/plain' \
        -T "$WORK/www/essay.txt" http://localhost/homework/essay.txt
    cap_stop
    expect "$2" 'http.request.method == "PUT"' -eq 1
    expect "$2" 'http.response.code == 100' -eq 1
    expect "$2" 'http.response.code == 201' -eq 1
}

s07() { # a gzip-compressed, chunked response
    nginx_start "$1" 07 "server { listen 127.0.0.1:80; server_name localhost; root $WORK/www;
        gzip on; gzip_types text/css text/plain; gzip_comp_level 6; }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS -4 -o /dev/null --compressed http://localhost/lesson.html
    cap_stop
    expect "$2" 'http.content_encoding == "gzip" && http.transfer_encoding == "chunked"' -eq 1
}

s08() { # status codes: 301, 302, 200, 304, 401, 200, 403, 404, 503, 500 on one connection
    local lm='Mon, 02 Sep 2024 08:00:00 GMT'
    printf 'teacher:%s\n' "$(openssl passwd -apr1 -salt classrm chalk)" >"$WORK/htpasswd"
    chmod a+r "$WORK/htpasswd"
    nginx_start "$1" 08 "server {
        listen 127.0.0.1:80; server_name localhost; root $WORK/www;
        location = /old { return 301 /temp; }
        location = /temp { return 302 /index.html; }
        location /private/ { auth_basic \"Teachers only\"; auth_basic_user_file $WORK/htpasswd; }
        location = /secret { deny all; }
        location = /busy { return 503; }
        location = /error { return 500; }
    }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS -4 -o /dev/null -L http://localhost/old \
        --next -o /dev/null -H "If-Modified-Since: $lm" http://localhost/index.html \
        --next -o /dev/null --anyauth -u teacher:chalk http://localhost/private/ \
        --next -o /dev/null http://localhost/secret \
        --next -o /dev/null http://localhost/missing.html \
        --next -o /dev/null http://localhost/busy \
        --next -o /dev/null http://localhost/error
    cap_stop
    local c
    for c in 301 302 304 401 403 404 500 503; do
        expect "$2" "http.response.code == $c" -eq 1
    done
    expect "$2" 'http.response.code == 200' -eq 2
    expect "$2" 'http.authorization' -eq 1
}

s09() { # HEAD, OPTIONS, PUT, GET, DELETE, TRACE; then CONNECT through a proxy (port 3128)
    bg "$1" "$WORK/server09.log" "$PY" "$SERVERS/classserver.py" --bind 127.0.0.1 --port 80 \
        --root "$WORK/www"
    bg "$1" "$WORK/proxy09.log" "$PY" "$SERVERS/connectproxy.py" --bind 127.0.0.1 --port 3128
    wait_port "$1" 80 && wait_port "$1" 3128 || return 1
    cap_start "$1" lo "$2" "tcp port 80 or tcp port 3128" || return 1
    (cd "$WORK/www" && run "$1" curl -sS -4 -I -o /dev/null http://localhost/hello.txt \
        --next -o /dev/null -X OPTIONS --request-target '*' http://localhost/ \
        --next -o /dev/null -H 'Expect:' -T notes.txt http://localhost/homework/notes.txt \
        --next -o /dev/null http://localhost/homework/notes.txt \
        --next -o /dev/null -X DELETE http://localhost/homework/notes.txt \
        --next -o /dev/null -X TRACE http://localhost/)
    sleep 0.3
    run "$1" curl -sS -4 -o /dev/null -p -x http://127.0.0.1:3128 http://localhost/hello.txt
    cap_stop
    local m
    for m in HEAD OPTIONS PUT DELETE TRACE CONNECT; do
        expect "$2" "http.request.method == \"$m\"" -eq 1
    done
    expect "$2" 'http.content_type == "message/http"' -eq 1
    expect "$2" 'tcp.port == 3128 && tcp.len > 0' -ge 4
}

s10() { # pipelining: two requests in one write, two responses in order
    nginx_start "$1" 10 "server { listen 127.0.0.1:80; server_name localhost; root $WORK/www; }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" "$PY" - <<'EOF'
import socket
s = socket.create_connection(("127.0.0.1", 80), timeout=10)
s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nUser-Agent: pipeline-demo/1.0\r\n\r\n"
          b"GET /style.css HTTP/1.1\r\nHost: localhost\r\nUser-Agent: pipeline-demo/1.0\r\n"
          b"Connection: close\r\n\r\n")
while s.recv(65536):
    pass
s.close()
EOF
    cap_stop
    expect "$2" 'http.request' -eq 1 # both requests are in one segment
    expect_values "$2" http.request.method -eq 2
    expect_values "$2" http.response.code -eq 2
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 1
}

s11() { # HTTP/1.0: python's http.server closes after every response, the client reads to EOF
    bg "$1" "$WORK/server11.log" "$PY" -m http.server --bind 127.0.0.1 --directory "$WORK/www" 80
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    # an HTTP/1.0 client as of old: send the request, read until the server closes
    run "$1" "$PY" - <<'EOF'
import socket
for path in ("/", "/style.css", "/red.png"):
    s = socket.create_connection(("127.0.0.1", 80), timeout=10)
    s.sendall(b"GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: http10-client/1.0\r\n"
              b"Accept: */*\r\n\r\n" % path.encode())
    while s.recv(65536):
        pass
    s.close()
EOF
    cap_stop
    expect "$2" 'http.request.version == "HTTP/1.0"' -eq 3
    expect "$2" 'http.response.version == "HTTP/1.0"' -eq 3
    first_fin "$2" 80
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 3
}

# s12: two namespaces joined by a link with delay, loss and reordering on the server side.
# By default two TAP devices joined by servers/lossywire.py (a fixed seed, and reordering
# that swaps neighbours); LOSSY=netem uses a veth pair with `tc ... netem` instead, as
# does a machine without /dev/net/tun. Without either, the committed file is kept.
s12() {
    local cns=$1 sns=${1}srv tries seed ok=0 mode=${LOSSY:-wire}
    ns_new "$sns" || return 1
    nginx_start "$sns" 12 "server { listen 80; server_name class.example; root $WORK/www; }"
    [ "$mode" = wire ] && [ ! -c /dev/net/tun ] && {
        say "12: no /dev/net/tun: trying netem"
        mode=netem
    }
    if [ "$mode" = netem ]; then
        ip link add hs-c12 netns "$cns" type veth peer name hs-v12 netns "$sns" || return 1
        ip -n "$cns" link set hs-c12 address 02:00:00:00:12:02
        ip -n "$sns" link set hs-v12 address 02:00:00:00:12:01
        if ! ip netns exec "$sns" tc qdisc add dev hs-v12 root netem \
            delay 10ms loss 3% reorder 10% 2>"$WORK/tc.log"; then
            say "12: the kernel has no netem ($(head -1 "$WORK/tc.log"))" \
                "and no TUN/TAP: keeping the committed 12-lossy-network.pcap"
            return 2
        fi
    fi
    for tries in 1 2 3 4 5; do
        seed=$tries
        CHECK_FAILED=0
        rm -f "$2"
        if [ "$mode" = wire ]; then
            rm -f "$WORK/wire.ready"
            bg "$cns" "$WORK/wire12.log" "$PY" "$SERVERS/lossywire.py" --client-ns "$cns" \
                --client-dev hs-c12 --server-ns "$sns" --server-dev hs-v12 --loss 3 \
                --reorder 10 --delay-ms 10 --seed "$seed" --ready "$WORK/wire.ready"
            local wire=$BG
            wait_for "$WORK/wire.ready" ready || return 1
            ip -n "$cns" link set hs-c12 address 02:00:00:00:12:02
            ip -n "$sns" link set hs-v12 address 02:00:00:00:12:01
        fi
        ip -n "$cns" addr replace 10.80.0.2/24 dev hs-c12
        ip -n "$sns" addr replace 10.80.0.1/24 dev hs-v12
        ip -n "$cns" link set hs-c12 mtu 1500 up
        ip -n "$sns" link set hs-v12 mtu 1500 up
        ip netns exec "$cns" ethtool -K hs-c12 gro off >/dev/null 2>&1
        ip netns exec "$sns" ethtool -K hs-v12 tso off gso off >/dev/null 2>&1
        [ "$tries" = 1 ] && { wait_port "$sns" 80 || return 1; }
        # fixed neighbour entries: no ARP, the capture holds only the download
        ip -n "$cns" neigh replace 10.80.0.1 lladdr 02:00:00:00:12:01 dev hs-c12 nud permanent
        ip -n "$sns" neigh replace 10.80.0.2 lladdr 02:00:00:00:12:02 dev hs-v12 nud permanent
        cap_start "$cns" hs-c12 "$2" "tcp port 80" || return 1
        run "$cns" curl -sS -o /dev/null --resolve class.example:80:10.80.0.1 \
            http://class.example/download.txt
        cap_stop
        [ "$mode" = wire ] && { stop_pid "$wire" TERM; cat "$WORK/wire12.log" >&2; }
        expect "$2" 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission' -ge 2
        expect "$2" 'tcp.analysis.out_of_order' -ge 2
        expect "$2" 'http.response.code == 200' -eq 1
        [ "$CHECK_FAILED" = 0 ] && { ok=1; break; }
        say "12: try $tries lacked retransmissions or out-of-order segments, again"
        [ -n "${KEEP:-}" ] && cp "$2" "$KEEP/12-try$tries.pcap"
    done
    [ "$ok" = 1 ] || return 1
    say "12: $(count "$2" 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission') retransmissions, $(count "$2" 'tcp.analysis.out_of_order') out of order ($mode)"
}

s13() { # HTTPS: the TLS handshake and the server name (SNI) are visible, nothing else
    local d=$WORK/tls
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj /CN=class.example -addext subjectAltName=DNS:class.example \
        -keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1 || return 1
    chmod -R a+rX "$d"
    nginx_start "$1" 13 "server { listen 127.0.0.1:443 ssl; server_name class.example;
        ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate $d/cert.pem; ssl_certificate_key $d/key.pem;
        root $WORK/www; }"
    wait_port "$1" 443 || return 1
    cap_start "$1" lo "$2" "tcp port 443" || return 1
    run "$1" curl -sS -k --http1.1 -o /dev/null --resolve class.example:443:127.0.0.1 \
        https://class.example/
    cap_stop
    expect "$2" 'tls.handshake.extensions_server_name == "class.example"' -eq 1
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304' -eq 1
    expect "$2" 'http' -eq 0
}

# tls_cert DIR: a self-signed certificate for class.example in DIR (cert.pem, key.pem)
tls_cert() {
    mkdir -p "$1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj /CN=class.example -addext subjectAltName=DNS:class.example \
        -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1 || return 1
    chmod -R a+rX "$1"
}

# inject_secrets PCAP KEYS OUT: the capture as pcapng with the key log inside it (a
# Decryption Secrets Block), so that it opens decrypted with no other file
inject_secrets() {
    [ -s "$2" ] || { say "no key log was written"; return 1; }
    editcap --inject-secrets "tls,$2" "$1" "$3" || return 1
}

# nginx_tls NS NN LISTEN_OPTIONS: nginx in NS serving $WORK/www as https://class.example/
# (127.0.0.1:443, TLS 1.3 only, a self-signed certificate made in $WORK/tlsNN); waits for it
nginx_tls() {
    local d=$WORK/tls$2
    tls_cert "$d" || return 1
    nginx_start "$1" "$2" "server { listen 127.0.0.1:443 ssl $3; server_name class.example;
        ssl_protocols TLSv1.3; ssl_certificate $d/cert.pem; ssl_certificate_key $d/key.pem;
        root $WORK/www; }"
    wait_port "$1" 443
}

s15() { # HTTPS decrypted: the same TLS 1.3, its key log inside the pcapng
    local d=$WORK/tls15
    nginx_tls "$1" 15 "" || return 1
    cap_start "$1" lo "$2.pcap" "tcp port 443" || return 1
    run "$1" env SSLKEYLOGFILE="$d/keys.log" curl -sS -k --http1.1 -o /dev/null -o /dev/null \
        --resolve class.example:443:127.0.0.1 https://class.example/ https://class.example/style.css
    cap_stop
    inject_secrets "$2.pcap" "$d/keys.log" "$2" || return 1
    expect "$2" 'tls.handshake.extensions_server_name == "class.example"' -eq 1
    expect "$2" 'http.request' -eq 2
    expect "$2" 'http.response.code == 200' -eq 2
}

s16() { # HTTP/2 inside TLS: three requests multiplexed on one connection, secrets inside
    local d=$WORK/tls16
    nginx_tls "$1" 16 http2 || return 1
    cap_start "$1" lo "$2.pcap" "tcp port 443" || return 1
    run "$1" env SSLKEYLOGFILE="$d/keys.log" curl -sS -k --http2 -Z --no-progress-meter \
        -o /dev/null -o /dev/null -o /dev/null --resolve class.example:443:127.0.0.1 \
        https://class.example/page.html https://class.example/style.css \
        https://class.example/script.js
    cap_stop
    inject_secrets "$2.pcap" "$d/keys.log" "$2" || return 1
    expect "$2" 'tls.handshake.extensions_alpn_str == "h2" && tls.handshake.type == 1' -eq 1
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 1
    expect_values "$2" 'http2.headers.method' -eq 3
    expect_values "$2" 'http2.headers.status' -eq 3
}

s19() { # the page of 15 over plain HTTP: what an eavesdropper reads without TLS
    nginx_start "$1" 19 "server { listen 127.0.0.1:80; server_name class.example; root $WORK/www; }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS --http1.1 -o /dev/null -o /dev/null \
        --resolve class.example:80:127.0.0.1 http://class.example/ http://class.example/style.css
    cap_stop
    expect "$2" 'http.request' -eq 2
    expect "$2" 'http.response.code == 200' -eq 2
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 1
}

# chromium_tls NS NN CAPFILE [OPTION...]: headless chromium loads https://class.example/
# page.html from nginx_tls (its certificate accepted) with its key log in $WORK/tlsNN/
# keys.log; dumpcap records port 443 into CAPFILE.pcapng, then the key log goes inside it
chromium_tls() {
    local ns=$1 nn=$2 cap=$3 d=$WORK/tls$2
    shift 3
    dumpcap_start "$ns" lo "$cap.pcapng" "tcp port 443" || return 1
    chromium_load "$ns" "$nn" https://class.example/page.html --ignore-certificate-errors \
        --ssl-key-log-file="$d/keys.log" "$@"
    cap_stop
    inject_secrets "$cap.pcapng" "$d/keys.log" "$cap"
}

# chromium_page_checks FILE: page.html and its four files, each asked for once, five 200s
chromium_page_checks() {
    local f n
    for f in page.html style.css script.js red.png blue.png; do
        n=$(($(times "$1" http.request.uri "/$f") + $(times "$1" http2.headers.path "/$f")))
        [ "$n" = 1 ] || { say "check failed: /$f asked for $n times, not once"; CHECK_FAILED=1; }
    done
    n=$(($(times "$1" http.response.code 200) + $(times "$1" http2.headers.status 200)))
    [ "$n" = 5 ] || { say "check failed: $n answers 200, not 5"; CHECK_FAILED=1; }
}

s20() { # headless chromium, HTTP/2 inside TLS 1.3: the page's five files on one connection
    nginx_tls "$1" 20 http2 || return 1
    chromium_tls "$1" 20 "$2" || return 1
    # chromium opens a spare connection at the start (the lesson tells it); with h2 it
    # carries nothing and is closed
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 2
    expect "$2" 'tls.handshake.type == 2 && !(tls.handshake.extensions_alpn_str == "h2")' -eq 0
    expect "$2" 'tls.handshake.type == 20 && tcp.dstport == 443' -eq 2 # both handshakes end
    local streams
    streams=$(tshark -n -2 -r "$2" -Y http2.headers.path -T fields -e tcp.stream 2>/dev/null |
        sort -u | wc -l)
    [ "$streams" = 1 ] || { say "check failed: requests on $streams connections"; CHECK_FAILED=1; }
    chromium_page_checks "$2"
    # as the lesson says: streams 3 and 5 both asked before either answer, 7 and 9 too
    before "$2" 'http2.headers.path == "/script.js"' 'tcp.srcport == 443 && http2.streamid == 3'
    before "$2" 'http2.headers.path == "/blue.png"' 'tcp.srcport == 443 && http2.streamid == 7'
}

s21() { # the same page over HTTP/1.1 inside TLS: several connections
    nginx_tls "$1" 21 http2 || return 1
    chromium_tls "$1" 21 "$2" --disable-http2 || return 1
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.extensions_alpn_str == "h2"' -eq 0
    expect "$2" 'http2' -eq 0
    # the lesson tells four connections, the last two resuming a TLS session (no certificate)
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 4
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.extension.type == 41 && tcp.stream >= 2' -eq 2
    expect "$2" 'tls.handshake.type == 11' -eq 2
    expect "$2" 'http.request.uri == "/style.css" && tcp.stream == 0' -eq 1
    before "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.stream == 1' \
        'http.request.uri == "/page.html"'
    before "$2" 'http.response.code == 200 && tcp.stream == 0' \
        'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.stream == 2'
    chromium_page_checks "$2"
}

s22() { # h2c by prior knowledge: curl starts HTTP/2 in the clear with the preface
    nginx_start "$1" 22 "server { listen 127.0.0.1:80 http2; server_name class.example; root $WORK/www; }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS --http2-prior-knowledge -o /dev/null \
        --resolve class.example:80:127.0.0.1 http://class.example/page.html
    cap_stop
    expect "$2" 'http2.magic' -eq 1
    expect_values "$2" 'http2.headers.path' -eq 1
    expect_values "$2" 'http2.headers.status' -eq 1
}

s23() { # h2c by Upgrade: an HTTP/1.1 request, 101 Switching Protocols, then HTTP/2
    bg "$1" "$WORK/h2peer23.log" /usr/bin/python3 "$H2PEER" server 80 "$WORK/www"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS --http2 -Z --no-progress-meter -o /dev/null -o /dev/null -o /dev/null \
        --resolve class.example:80:127.0.0.1 http://class.example/page.html \
        http://class.example/style.css http://class.example/script.js
    cap_stop
    expect "$2" 'http.request && http.upgrade == "h2c"' -eq 1
    expect "$2" 'http.response.code == 101' -eq 1
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -eq 1
    expect_values "$2" 'http2.headers.status' -eq 3
    # as the lesson says: streams 3 and 5 leave before stream 1's answer
    before "$2" 'http2.headers.path == "/script.js"' 'http2.headers.status'
}

s24() { # server push: nginx pushes the stylesheet and the script with page.html
    nginx_start "$1" 24 "server { listen 127.0.0.1:80 http2; server_name class.example; root $WORK/www;
        location = /page.html { http2_push /style.css; http2_push /script.js; } }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" nghttp -n -a --no-dep http://127.0.0.1/page.html >"$WORK/nghttp24.log"
    cap_stop
    expect_count "$2" http2.type 5 -eq 2 # PUSH_PROMISE
    expect_count "$2" http2.headers.path /red.png -eq 1
    expect_count "$2" http2.headers.path /style.css -eq 1 # promised, never asked for
    expect_values "$2" http2.headers.status -eq 5
}

s14() { # a 1.5 MB download: one response over many Ethernet-sized segments
    ip -n "$1" link set lo mtu 1500
    ip netns exec "$1" ethtool -K lo tso off gso off gro off >/dev/null 2>&1 ||
        { say "14: ethtool -K lo failed"; return 1; }
    nginx_start "$1" 14 "server { listen 127.0.0.1:80; server_name localhost; root $WORK/www; }"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" curl -sS -4 -o /dev/null http://localhost/large.txt
    cap_stop
    expect "$2" 'http.response.code == 200' -eq 1
    expect "$2" 'frame.len > 1514' -eq 0
    expect "$2" 'tcp.len > 1000' -ge 1000
}

# ---- step 0: DNS (issue 17) --------------------------------------------------------------
# dns_lab NS: the client in namespace NS (10.77.1.2) and, in NSsrv, joined to it by a veth
# pair, dnsmasq on 10.77.1.53 answering for lesson.test from its own data only
# (www.lesson.test A 10.77.1.1, TTL 300; NXDOMAIN for other names under lesson.test; no
# upstream, no /etc/hosts) and python3's http.server serving $WORK/www on 10.77.1.1:80.
# The client's /etc/netns/NS/resolv.conf (which `ip netns exec` mounts over
# /etc/resolv.conf for its commands only) names that resolver: the host's resolver is
# never asked, and the client has no route off the veth. Capture on hs-dnsc (the client's).
NETNS_DIRS=()
dns_lab() {
    local ns=$1 srv=${1}srv
    ns_new "$srv" || return 1
    veth_pair "$ns" hs-dnsc 10.77.1.2/24 "$srv" hs-dnss 10.77.1.1/24 10.77.1.53/24 || return 1
    mkdir -p "/etc/netns/$ns"
    NETNS_DIRS+=("/etc/netns/$ns")
    printf 'nameserver 10.77.1.53\noptions timeout:2 attempts:1\n' >"/etc/netns/$ns/resolv.conf"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"/etc/netns/$ns/hosts"
    bg "$srv" "$WORK/dnsmasq-$ns.log" dnsmasq --keep-in-foreground --conf-file=/dev/null \
        --no-resolv --no-hosts --bind-interfaces --listen-address=10.77.1.53 --user=nobody \
        --group=nogroup --pid-file= --log-queries --log-facility=- --local=/lesson.test/ \
        --local-ttl=300 --host-record=www.lesson.test,10.77.1.1
    bg "$srv" "$WORK/http-$ns.log" "$PY" -m http.server 80 --bind 10.77.1.1 --directory "$WORK/www"
    wait_for "$WORK/dnsmasq-$ns.log" "cleared cache" || return 1
    wait_port "$srv" 80
}

dns_lab_done() {
    local d
    for d in "${NETNS_DIRS[@]}"; do
        [ -n "$d" ] && rm -rf "$d"
    done
    NETNS_DIRS=()
    rmdir /etc/netns 2>/dev/null
    return 0
}

s17() { # curl resolves www.lesson.test through dnsmasq (A and AAAA), then GETs the page
    dns_lab "$1" || return 1
    cap_start "$1" hs-dnsc "$2" "(tcp port 80) or (udp port 53)" || return 1
    run "$1" curl -sS -o /dev/null http://www.lesson.test/hello.txt
    cap_stop
    dns_lab_done
    expect "$2" 'dns.flags.response == 0 && dns.qry.name == "www.lesson.test" && dns.qry.type == 1' -eq 1
    expect "$2" 'dns.flags.response == 1 && dns.a == 10.77.1.1 && dns.resp.ttl == 300' -eq 1
    expect "$2" 'http.request && ip.src == 10.77.1.2 && ip.dst == 10.77.1.1' -eq 1
    expect "$2" 'http.response.code == 200' -eq 1
}

s18() { # a mistyped name: NXDOMAIN and nothing follows; then the right name and the page
    dns_lab "$1" || return 1
    cap_start "$1" hs-dnsc "$2" "(tcp port 80) or (udp port 53)" || return 1
    run "$1" curl -sS -o /dev/null http://wwww.lesson.test/hello.txt 2>"$WORK/curl18.log"
    grep -q "Could not resolve host" "$WORK/curl18.log" ||
        { say "18: curl did not fail to resolve wwww.lesson.test"; CHECK_FAILED=1; }
    run "$1" curl -sS -o /dev/null http://www.lesson.test/hello.txt
    cap_stop
    dns_lab_done
    expect "$2" 'dns.flags.rcode == 3 && dns.qry.name == "wwww.lesson.test"' -ge 1
    expect "$2" 'tcp && ip.dst == 10.77.1.1' -ge 1
    expect "$2" 'http.request' -eq 1
    expect "$2" 'http.response.code == 200' -eq 1
}

# ---- main -----------------------------------------------------------------------------
usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

# resolve ARG: the sample file name an argument means (3, 03, 03-browser-page, browser-page).
resolve() {
    local a=$1 f
    [[ "$a" =~ ^[0-9]+$ ]] && a=$(printf '%02d' "$((10#$a))")
    for f in "${ALL[@]}"; do
        case "$f" in
        "$a" | "$a".pcap | "$a".pcapng | "$a"-* | [0-9][0-9]-"$a".pcap | [0-9][0-9]-"$a".pcapng)
            echo "$f"
            return 0
            ;;
        esac
    done
    return 1
}

tools_for() {
    case "$1" in
    01* | 02* | 07* | 10* | 14* | 19* | 22*) echo nginx curl ;;
    03*) echo nginx chromium dumpcap ;;
    20* | 21*) echo nginx chromium dumpcap openssl editcap ;;
    23*) echo curl python3-h2 ;;
    24*) echo nginx nghttp ;;
    04* | 05* | 06* | 09* | 11*) echo curl ;;
    08* | 13*) echo nginx curl openssl ;;
    15* | 16*) echo nginx curl openssl editcap ;;
    12*) echo nginx curl ;;
    17* | 18*) echo dnsmasq curl ;;
    esac
    case "$1" in 14*) echo ethtool ;; esac
}

main() {
    local want=() a f t missing=() failed=() skipped=()
    case "${1:-}" in -h | --help) usage 0 ;; esac
    [ "$(id -u)" = 0 ] || die "needs root (network namespaces, tcpdump): sudo $0 $*"
    if [ $# = 0 ]; then
        want=("${ALL[@]}")
    else
        for a in "$@"; do
            f=$(resolve "$a") || die "no sample called '$a' (try 1..24 or a file name)"
            want+=("$f")
        done
    fi
    for t in ip ss tc timeout tcpdump tshark capinfos python3 $(for f in "${want[@]}"; do tools_for "$f"; done); do
        if [ "$t" = python3-h2 ]; then
            /usr/bin/python3 -c 'import h2' 2>/dev/null || missing+=("$t")
        else
            command -v "$t" >/dev/null 2>&1 || missing+=("$t")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        mapfile -t missing < <(printf "%s\n" "${missing[@]}" | sort -u)
        say "missing tools: ${missing[*]}"
        say "on Debian: apt-get install iproute2 coreutils tcpdump tshark python3 nginx curl" \
            "chromium openssl ethtool dnsmasq-base nghttp2-client python3-h2"
        exit 1
    fi
    WORK=$(mktemp -d /tmp/httpstep-samples.XXXXXX) || die "mktemp failed"
    chmod 755 "$WORK"
    make_www
    for f in "${want[@]}"; do
        local n=${f%%-*} ns=$NSP${f%%-*} tmp max=200000 rc
        tmp=$WORK/cap/$f
        mkdir -p "$WORK/cap"
        chmod 777 "$WORK/cap"
        [ "$n" = 14 ] && max=2000000
        say "$f"
        local try
        for try in 1 2 3 4 5 6 7 8; do
            CHECK_FAILED=0
            rm -f "$tmp"
            ns_new "$ns" || { rc=1; break; }
            "s$n" "$ns" "$tmp"
            rc=$?
            # no frame may be missing from a capture (but 12 loses segments on purpose)
            [ "$rc" = 0 ] && [ -s "$tmp" ] && [ "$n" != 12 ] &&
                expect "$tmp" 'tcp.analysis.ack_lost_segment || tcp.analysis.lost_segment' -eq 0
            stop_all  # whatever this sample started
            ns_del "$ns"
            ns_del "${ns}srv"
            # a capture whose checks fail (a race over who closes first, a dropped packet)
            # is recorded again, up to 8 times; 12 retries on its own; errors are not retried
            [ "$rc" = 0 ] && [ "$CHECK_FAILED" != 0 ] && [ "$n" != 12 ] && [ "$try" -lt 8 ] ||
                break
            say "$f: checks failed on try $try, recording again"
        done
        if [ "$rc" = 2 ]; then
            skipped+=("$f")
        elif [ "$rc" != 0 ] || [ ! -s "$tmp" ]; then
            say "$f: recording failed"
            failed+=("$f")
        elif ! install_capture "$tmp" "$f" "$max"; then
            failed+=("$f")
        fi
    done
    [ ${#skipped[@]} -gt 0 ] && say "kept the committed file for: ${skipped[*]}"
    if [ ${#failed[@]} -gt 0 ]; then
        say "FAILED: ${failed[*]}"
        exit 1
    fi
    say "done: ${#want[@]} sample(s) in $OUT"
}

main "$@"
