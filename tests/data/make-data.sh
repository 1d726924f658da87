#!/bin/bash
# make-data.sh: record the small test captures in tests/data/ from real servers and clients.
#
#   sudo tests/data/make-data.sh              remake all of them
#   sudo tests/data/make-data.sh rst-close    remake only those named (without .pcap)
#
# Each capture is made in a network namespace of its own (hs-tNAME), on its loopback,
# with samples/servers/classserver.py as the HTTP server and python3 or curl as the
# client. Every process runs under `timeout` and is stopped by PID; namespaces and the
# temporary folder are removed on exit. Needs root, tcpdump, tshark, curl, python3.
# Not part of `make check`; the captures it makes are committed.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${DATA_OUT:-$HERE}
SERVERS=$HERE/../../samples/servers
LIMIT=30
PY=$(command -v python3 || true)
ALL=(snaplen-96 midstream port-reuse rst-close v6-post-chunked not-http socks5 socks4a socks5-tls)

LAB_NAME=make-data
# shellcheck source=samples/lab.sh
. "$HERE/../../samples/lab.sh"

server() { # server NS ADDR PORT: classserver.py with the test files
    bg "$1" "$WORK/server.log" "$PY" "$SERVERS/classserver.py" --bind "$2" --port "$3" \
        --root "$WORK/www"
    wait_port "$1" "$3"
}

make_files() {
    mkdir -p "$WORK/www"
    printf 'Hello, HTTP!\n' >"$WORK/www/hello.txt"
    printf 'body { color: #222; }\n' >"$WORK/www/style.css"
    "$PY" - "$WORK/www" <<'EOF'
import sys
d = sys.argv[1]
with open(d + "/two-kb.txt", "w") as f:
    for i in range(32):  # 32 lines of 64 bytes: 2048 bytes
        f.write(("line %02d: a body that snaplen 96 cuts off after the first bytes" % i)[:63] + "\n")
with open(d + "/post.txt", "w") as f:
    for i in range(1, 9):
        f.write("Chunked line %d: the client did not say how long the body is.\n" % i)
EOF
    find "$WORK/www" -exec touch -d '2024-09-02 08:00:00 UTC' {} +
    chmod -R a+rX "$WORK"
}

# ---- the captures -----------------------------------------------------------------------
t_snaplen-96() { # a GET and a 2 KB response, recorded with tcpdump -s 96
    server "$1" 127.0.0.1 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" -s 96 || return 1
    run "$1" curl -sS -4 -o /dev/null http://localhost/two-kb.txt
    cap_stop
    expect "$2" 'frame.cap_len < frame.len' -ge 2
    expect "$2" 'frame.cap_len > 96' -eq 0
}

t_midstream() { # keep-alive: the capture starts after the handshake and the first exchange
    server "$1" 127.0.0.1 80 || return 1
    cat >"$WORK/midstream.py" <<'EOF'
import os, socket, sys, time

def exchange(s, path):
    s.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: midstream-test/1.0\r\n\r\n"
              % path)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    head, body = data.split(b"\r\n\r\n", 1)
    n = int([l.split(b":")[1] for l in head.split(b"\r\n")
             if l.lower().startswith(b"content-length:")][0])
    while len(body) < n:
        body += s.recv(4096)

s = socket.create_connection(("127.0.0.1", 80), timeout=10)
exchange(s, b"/hello.txt")
open(sys.argv[1], "w").close()
for _ in range(100):  # the capture starts now; wait (at most 10 s) until told to go on
    if os.path.exists(sys.argv[2]):
        break
    time.sleep(0.1)
time.sleep(0.3)
exchange(s, b"/style.css")
s.close()
EOF
    # (a background job reads no here-document: the script goes in a file)
    bg "$1" "$WORK/client.log" "$PY" "$WORK/midstream.py" "$WORK/first-done" "$WORK/go"
    local client=$BG
    local n
    for ((n = 0; n < 100; n++)); do # the first exchange is over (at most 10 s)
        [ -e "$WORK/first-done" ] && break
        sleep 0.1
    done
    [ -e "$WORK/first-done" ] || { say "the client did not finish its first exchange"; return 1; }
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    touch "$WORK/go"
    wait "$client" 2>/dev/null
    cap_stop
    expect "$2" 'tcp.flags.syn == 1' -eq 0
    expect "$2" 'http.request' -eq 1
    expect "$2" 'http.response' -eq 1
    expect "$2" 'tcp.flags.fin == 1' -eq 2
}

t_port-reuse() { # two connections in turn from the same client port 40000
    server "$1" 127.0.0.1 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" "$PY" - <<'EOF'
import socket, time
for path in (b"/hello.txt", b"/style.css"):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 40000))
    s.settimeout(10)
    s.connect(("127.0.0.1", 80))
    s.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: port-reuse-test/1.0\r\n"
              b"Connection: close\r\n\r\n" % path)
    while s.recv(4096):  # the server closes first: its side keeps TIME_WAIT, ours is free
        pass
    s.close()
    time.sleep(0.2)
EOF
    cap_stop
    expect "$2" 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.srcport == 40000' -eq 2
    expect "$2" 'tcp.flags.fin == 1' -eq 4
    expect "$2" 'http.response.code == 200' -eq 2
}

t_rst-close() { # the client reads the response, then closes with SO_LINGER 0: a RST
    server "$1" 127.0.0.1 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" "$PY" - <<'EOF'
import socket, struct
s = socket.create_connection(("127.0.0.1", 80), timeout=10)
s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nUser-Agent: rst-test/1.0\r\n\r\n")
data = b""
while not data.endswith(b"Hello, HTTP!\n"):
    data += s.recv(4096)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
EOF
    cap_stop
    expect "$2" 'tcp.flags.reset == 1' -eq 1
    expect "$2" 'tcp.flags.fin == 1' -eq 0
    expect "$2" 'http.response.code == 200' -eq 1
}

t_v6-post-chunked() { # a chunked request body over IPv6
    server "$1" ::1 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    # the body comes from a pipe in three pieces, so curl sends three chunks
    local i
    for i in 1 2 3; do
        sed -n "$((3 * i - 2)),$((3 * i))p" "$WORK/www/post.txt"
        sleep 0.2
    done | run "$1" curl -sS -6 -o /dev/null -X POST -T - -H 'Transfer-Encoding: chunked' \
        -H 'Expect:' -H 'Content-Type: text/plain' http://localhost/echo
    cap_stop
    expect "$2" 'http.chunk_size > 0' -ge 1
    expect "$2" 'ipv6 && http.request.method == "POST" && http.transfer_encoding == "chunked"' -eq 1
    expect "$2" 'http.response.code == 200' -eq 1
}

t_not-http() { # an SMTP-like conversation on port 80
    cat >"$WORK/banner.py" <<'EOF'
import socket
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 80))
srv.listen(1)
srv.settimeout(20)
c, _ = srv.accept()
c.settimeout(10)
f = c.makefile("rb")
c.sendall(b"220 mail.class.example ESMTP ready\r\n")
for line in f:
    cmd = line.strip().upper()
    if cmd.startswith(b"EHLO"):
        c.sendall(b"250-mail.class.example greets you\r\n250 HELP\r\n")
    elif cmd == b"QUIT":
        c.sendall(b"221 Bye\r\n")
        break
    else:
        c.sendall(b"502 Command not implemented\r\n")
f.close()
c.close()
EOF
    bg "$1" "$WORK/banner.log" "$PY" "$WORK/banner.py"
    wait_port "$1" 80 || return 1
    cap_start "$1" lo "$2" "tcp port 80" || return 1
    run "$1" "$PY" - <<'EOF'
import socket
s = socket.create_connection(("127.0.0.1", 80), timeout=10)
f = s.makefile("rb")
f.readline()
s.sendall(b"EHLO class.example\r\n")
while f.readline()[3:4] == b"-":
    pass
s.sendall(b"QUIT\r\n")
f.readline()
while s.recv(4096):
    pass
f.close()
s.close()
EOF
    cap_stop
    expect "$2" 'tcp.len > 0' -eq 5
    expect "$2" 'http' -eq 0
}

socks_proxy() { # socks_proxy NS: socksproxy.py on 127.0.0.1:1080 for N clients
    bg "$1" "$WORK/socks.log" "$PY" "$SERVERS/socksproxy.py" --bind 127.0.0.1 --port 1080 \
        --once "$2"
    wait_port "$1" 1080
}

t_socks5() { # curl through a SOCKS 5 proxy: an IPv4 address, then a name the proxy resolves
    server "$1" 127.0.0.1 80 || return 1
    socks_proxy "$1" 2 || return 1
    cap_start "$1" lo "$2" "tcp port 1080 or tcp port 80" || return 1
    run "$1" curl -sS -o /dev/null --socks5 127.0.0.1:1080 http://127.0.0.1/hello.txt
    run "$1" curl -sS -o /dev/null --socks5-hostname 127.0.0.1:1080 http://localhost/style.css
    cap_stop
    expect "$2" 'socks' -ge 4
    expect "$2" 'http.request' -eq 4
}

t_socks4a() { # curl through a SOCKS 4 proxy (an address), then 4a (a name)
    server "$1" 127.0.0.1 80 || return 1
    socks_proxy "$1" 2 || return 1
    cap_start "$1" lo "$2" "tcp port 1080 or tcp port 80" || return 1
    run "$1" curl -sS -o /dev/null --socks4 127.0.0.1:1080 http://127.0.0.1/hello.txt
    run "$1" curl -sS -o /dev/null --socks4a 127.0.0.1:1080 http://localhost/style.css
    cap_stop
    expect "$2" 'socks' -ge 4
    expect "$2" 'http.request' -eq 4
}

t_socks5-tls() { # curl https:// through a SOCKS 5 proxy, its TLS secrets kept beside
    server "$1" 127.0.0.1 80 || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
        -keyout "$WORK/socks-tls.key" -out "$WORK/socks-tls.crt" 2>/dev/null || return 1
    bg "$1" "$WORK/s_server.log" sh -c "cd '$WORK/www' && exec openssl s_server -accept 443 \
        -cert '$WORK/socks-tls.crt' -key '$WORK/socks-tls.key' -WWW -quiet"
    wait_port "$1" 443 || return 1
    socks_proxy "$1" 1 || return 1
    rm -f "$WORK/socks-tls.keys"
    cap_start "$1" lo "$2" "tcp port 1080" || return 1
    run "$1" env SSLKEYLOGFILE="$WORK/socks-tls.keys" curl -sS -k -o /dev/null --http1.1 \
        --socks5-hostname 127.0.0.1:1080 https://localhost/hello.txt
    cap_stop
    install -m 0644 "$WORK/socks-tls.keys" "$OUT/socks5-tls.keys"
    expect "$2" 'socks' -ge 4
    expect "$2" 'tls.handshake.type == 1' -eq 1
}

# the midstream capture's signals from its client, left from an earlier capture
lab_before_capture() {
    rm -f "$WORK/first-done" "$WORK/go"
}

main() {
    local missing=() t
    case "${1:-}" in -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
    [ "$(id -u)" = 0 ] || die "needs root (network namespaces, tcpdump): sudo $0 $*"
    for t in ip timeout tcpdump tshark capinfos curl python3 ss; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ ${#missing[@]} = 0 ] || die "missing tools: ${missing[*]}" \
        "(Debian: apt-get install iproute2 tcpdump tshark curl python3)"
    WORK=$(mktemp -d /tmp/httpstep-data.XXXXXX) || die "mktemp failed"
    chmod 755 "$WORK"
    make_files
    lab_make_captures "$OUT" "$@"
}

main "$@"
