#!/bin/bash
# make-tls.sh: record the TLS test captures in tests/data/tls/ from real servers and clients,
# each with the key log its client wrote (SSLKEYLOGFILE, or -keylogfile).
#
#   sudo tests/data/tls/make-tls.sh                   remake all of them
#   sudo tests/data/tls/make-tls.sh tls13-chacha20    remake only those named
#
# Each capture is made in a network namespace of its own (hs-tlNAME), on its loopback, with
# nginx (HTTP/1.1 and h2 over TLS; a self-signed RSA and an ECDSA certificate made here by
# openssl) or `openssl s_server` as the server, and curl or `openssl s_client` as the client.
# NAME.pcap comes with NAME.keys (the client's key log); NAME.pcapng carries its key log in a
# Decryption Secrets Block (editcap --inject-secrets). Each is checked with tshark (the
# requests it decrypts with the key log) and replaced only when the checks pass and it is
# under 50 KB. Processes run under `timeout` and are stopped by PID; namespaces and the
# temporary folder are removed on exit. Needs root, nginx, curl, openssl, tcpdump, tshark,
# editcap. Not part of `make check`; tests/e2e/tls_tshark.py reads what it makes.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${DATA_OUT:-$HERE}
LIMIT=30
CLIENT_LIMIT=15
ALL=(tls13-aes128-gcm tls13-aes256-gcm tls13-chacha20 tls13-h2 tls13-resumed tls13-0rtt
    tls13-keyupdate tls13-hrr tls13-ccm tls12-ecdhe-rsa-aes128-gcm tls12-ecdhe-ecdsa-aes256-gcm
    tls12-ecdhe-rsa-chacha20 tls12-rsa-aes128-gcm tls12-cbc-sha-etm tls12-cbc-sha256-mte
    tls12-cbc-sha384-mte tls12-resumed tls10)

LAB_NAME=make-tls
# shellcheck source=samples/lab.sh
. "$HERE/../../../samples/lab.sh"

# ---- files, certificates, servers -------------------------------------------------------
make_files() {
    mkdir -p "$WORK/www" "$WORK/pki"
    printf 'Hello, HTTPS!\n' >"$WORK/www/hello.txt"
    local i
    for ((i = 0; i < 40; i++)); do # 2000 bytes
        printf 'line %02d: the same bytes tshark and httpstep both decrypt....\n' "$i"
    done >"$WORK/www/two-kb.txt"
    # the files s_server -WWW serves carry their own HTTP head (-HTTP)
    printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello, HTTPS!\n' \
        >"$WORK/www/head.txt"
    find "$WORK/www" -exec touch -d '2024-09-02 08:00:00 UTC' {} +
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost -keyout "$WORK/pki/rsa.key" \
        -out "$WORK/pki/rsa.pem" >/dev/null 2>&1 || return 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj /CN=localhost -addext subjectAltName=DNS:localhost \
        -keyout "$WORK/pki/ec.key" -out "$WORK/pki/ec.pem" >/dev/null 2>&1 || return 1
    chmod -R a+rX "$WORK"
}

# nginx_tls NS: nginx on 127.0.0.1:443 (encrypt-then-MAC as OpenSSL offers it) and :444
# (without it), both certificates, TLS 1.2 and 1.3, h2 and http/1.1
nginx_tls() {
    local d=$WORK/nginx-$1 p=$WORK/pki
    mkdir -p "$d/logs" "$d/tmp"
    cat >"$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log notice;
events { worker_connections 64; }
http {
    default_type text/plain;
    access_log $d/logs/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    keepalive_timeout 30s;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ALL:@SECLEVEL=0;
    ssl_certificate $p/rsa.pem;
    ssl_certificate_key $p/rsa.key;
    ssl_certificate $p/ec.pem;
    ssl_certificate_key $p/ec.key;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
    ssl_session_cache shared:tls:1m;
    server { listen 127.0.0.1:443 ssl http2; server_name localhost; root $WORK/www; }
    server { listen 127.0.0.1:444 ssl; server_name localhost; root $WORK/www;
             ssl_conf_command Options -EncryptThenMac; }
}
EOF
    chmod -R a+rX "$d"
    bg "$1" "$d/stderr.log" nginx -p "$d" -c "$d/nginx.conf"
    wait_port "$1" 443 && wait_port "$1" 444
}

# s_server NS ARGS...: openssl s_server on port 4433 with the RSA certificate, serving the
# files of $WORK/www (-WWW, -HTTP); its stdin is kept open (interactive mode)
s_server() {
    local ns=$1
    shift
    bg "$ns" "$WORK/s_server.log" sh -c 'cd "$0" && sleep 60 | exec "$@"' "$WORK/www" \
        openssl s_server -accept 4433 -cert "$WORK/pki/rsa.pem" -key "$WORK/pki/rsa.key" "$@"
    wait_port "$ns" 4433
}

# curl_tls NS KEYS ARGS...: curl with its key log, localhost resolved to 127.0.0.1
curl_tls() {
    local ns=$1 keys=$2
    shift 2
    SSLKEYLOGFILE=$keys run "$ns" curl -sS -k -o /dev/null -o /dev/null \
        --resolve localhost:443:127.0.0.1 --resolve localhost:444:127.0.0.1 "$@"
}

# s_client NS KEYS INPUT ARGS...: openssl s_client to port 4433; INPUT is written to it
# (a '|' in it: half a second's pause, so that a command line such as 'K' is read alone),
# then it waits a second for the answer before it closes
s_client() {
    local ns=$1 keys=$2 input=$3 part
    shift 3
    {
        while [ -n "$input" ]; do
            part=${input%%|*}
            printf '%b' "$part"
            [ "$part" = "$input" ] && break
            input=${input#*|}
            sleep 0.5
        done
        sleep 1
    } | run "$ns" openssl s_client -connect 127.0.0.1:4433 -servername localhost \
        -keylogfile "$keys" -no_ign_eof "$@" >>"$WORK/s_client.log" 2>&1
}

# decrypted FILE KEYS FILTER OP N: frames tshark shows with the key log
decrypted() {
    local got
    got=$(tshark -n -2 -o "tls.keylog_file:$2" -r "$1" -Y "$3" 2>/dev/null | wc -l)
    if ! test "$got" "$4" "$5"; then
        say "check failed: '$3' (decrypted) matched $got frames, wanted $4 $5"
        CHECK_FAILED=1
    fi
}

GET='GET /head.txt HTTP/1.0\r\nHost: localhost\r\n\r\n'

# ---- the captures -----------------------------------------------------------------------
# Each c_NAME NS FILE KEYS records FILE (pcap) and KEYS, and adds checks.

tls13_curl() { # NS FILE KEYS CIPHERSUITE: two requests on one connection, TLS 1.3
    nginx_tls "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 443" || return 1
    curl_tls "$1" "$3" --http1.1 --tlsv1.3 --tls13-ciphers "$4" \
        https://localhost/hello.txt https://localhost/two-kb.txt
    cap_stop
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304' -eq 1
    decrypted "$2" "$3" 'http.request' -eq 2
    decrypted "$2" "$3" 'http.response.code == 200' -eq 2
}
c_tls13-aes128-gcm() { tls13_curl "$@" TLS_AES_128_GCM_SHA256; }
c_tls13-aes256-gcm() { tls13_curl "$@" TLS_AES_256_GCM_SHA384; }
c_tls13-chacha20() { tls13_curl "$@" TLS_CHACHA20_POLY1305_SHA256; }

c_tls13-h2() { # HTTP/2 (ALPN h2): two streams on one connection
    nginx_tls "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 443" || return 1
    curl_tls "$1" "$3" --http2 https://localhost/hello.txt https://localhost/two-kb.txt
    cap_stop
    expect "$2" 'tls.handshake.extensions_alpn_str == "h2"' -ge 1
    decrypted "$2" "$3" 'http2.type == 1' -ge 4
}

c_tls13-resumed() { # Connection: close twice: the second connection resumes (PSK, RFC 8446 2.2)
    nginx_tls "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 443" || return 1
    curl_tls "$1" "$3" --http1.1 --tlsv1.3 -H 'Connection: close' \
        https://localhost/hello.txt https://localhost/hello.txt
    cap_stop
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.extensions.psk.identity.selected == 0' -eq 1
    decrypted "$2" "$3" 'http.response.code == 200' -eq 2
}

c_tls12-resumed() { # the same in TLS 1.2: a session ticket, the abbreviated handshake
    nginx_tls "$1" || return 1
    cap_start "$1" lo "$2" "tcp port 443" || return 1
    curl_tls "$1" "$3" --http1.1 --tls-max 1.2 -H 'Connection: close' \
        https://localhost/hello.txt https://localhost/hello.txt
    cap_stop
    expect "$2" 'tls.handshake.type == 11' -eq 1
    decrypted "$2" "$3" 'http.response.code == 200' -eq 2
}

tls12_curl() { # NS FILE KEYS PORT CIPHERS: two requests on one connection, TLS 1.2
    nginx_tls "$1" || return 1
    cap_start "$1" lo "$2" "tcp port $4" || return 1
    curl_tls "$1" "$3" --http1.1 --tlsv1.2 --tls-max 1.2 --ciphers "$5" \
        "https://localhost:$4/hello.txt" "https://localhost:$4/two-kb.txt"
    cap_stop
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.version == 0x0303' -eq 1
    decrypted "$2" "$3" 'http.request' -eq 2
    decrypted "$2" "$3" 'http.response.code == 200' -eq 2
}
c_tls12-ecdhe-rsa-aes128-gcm() { tls12_curl "$@" 443 ECDHE-RSA-AES128-GCM-SHA256; }
c_tls12-ecdhe-ecdsa-aes256-gcm() { tls12_curl "$@" 443 ECDHE-ECDSA-AES256-GCM-SHA384; }
c_tls12-ecdhe-rsa-chacha20() { tls12_curl "$@" 443 ECDHE-RSA-CHACHA20-POLY1305; }
c_tls12-rsa-aes128-gcm() { tls12_curl "$@" 443 AES128-GCM-SHA256; }
c_tls12-cbc-sha-etm() {
    tls12_curl "$@" 443 ECDHE-RSA-AES128-SHA
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.extension.type == 22' -eq 1
}
c_tls12-cbc-sha256-mte() {
    tls12_curl "$@" 444 ECDHE-RSA-AES128-SHA256
    expect "$2" 'tls.handshake.extension.type == 22' -eq 1 # offered, not taken
}
c_tls12-cbc-sha384-mte() {
    tls12_curl "$@" 444 ECDHE-RSA-AES256-SHA384
    expect "$2" 'tls.handshake.extension.type == 22' -eq 1
}

c_tls13-0rtt() { # a first connection for a ticket, a second that sends its request as 0-RTT data
    s_server "$1" -early_data -max_early_data 16384 -num_tickets 1 -quiet || return 1
    # (the ticket comes after the handshake: the client waits a second for it; this first
    # connection is not recorded)
    bg "$1" "$WORK/sess.log" sh -c 'sleep 1 | openssl s_client -connect 127.0.0.1:4433 \
        -servername localhost -sess_out "$0" -no_ign_eof' "$WORK/sess.pem"
    wait "$BG"
    [ -s "$WORK/sess.pem" ] || { say "no session for 0-RTT"; return 1; }
    printf 'GET /early HTTP/1.1\r\nHost: localhost\r\n\r\n' >"$WORK/early.txt"
    cap_start "$1" lo "$2" "tcp port 4433" || return 1
    s_client "$1" "$3" '' -sess_in "$WORK/sess.pem" -early_data "$WORK/early.txt"
    cap_stop
    expect "$2" 'tls.handshake.type == 1 && tls.handshake.extension.type == 42' -eq 1
    decrypted "$2" "$3" 'tls.handshake.type == 5' -eq 1 # EndOfEarlyData: it was accepted
    decrypted "$2" "$3" 'http.request.method == "GET"' -eq 1
}

c_tls13-keyupdate() { # the client asks for new keys both ways ('K'), then a request
    s_server "$1" -HTTP || return 1
    cap_start "$1" lo "$2" "tcp port 4433" || return 1
    s_client "$1" "$3" "K\n|$GET"
    cap_stop
    decrypted "$2" "$3" 'tls.handshake.type == 24' -eq 2
    decrypted "$2" "$3" 'http.response.code == 200' -eq 1
}

c_tls13-hrr() { # the client offers a P-256 share; the server wants X25519: a HelloRetryRequest
    s_server "$1" -HTTP -groups X25519 || return 1
    cap_start "$1" lo "$2" "tcp port 4433" || return 1
    s_client "$1" "$3" "$GET" -groups P-256:X25519
    cap_stop
    expect "$2" 'tls.handshake.type == 1' -eq 2
    decrypted "$2" "$3" 'http.response.code == 200' -eq 1
}

c_tls13-ccm() { # TLS_AES_128_CCM_SHA256: a cipher httpstep does not decrypt
    s_server "$1" -HTTP -ciphersuites TLS_AES_128_CCM_SHA256 || return 1
    cap_start "$1" lo "$2" "tcp port 4433" || return 1
    s_client "$1" "$3" "$GET" -ciphersuites TLS_AES_128_CCM_SHA256
    cap_stop
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x1304' -eq 1
    decrypted "$2" "$3" 'http.response.code == 200' -eq 1
}

c_tls10() { # TLS 1.0: a version httpstep does not decrypt
    s_server "$1" -HTTP -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' || return 1
    cap_start "$1" lo "$2" "tcp port 4433" || return 1
    s_client "$1" "$3" "$GET" -tls1 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0'
    cap_stop
    expect "$2" 'tls.handshake.type == 2 && tls.handshake.version == 0x0301' -eq 1
    decrypted "$2" "$3" 'http.response.code == 200' -eq 1
}

main() {
    local want=() a f missing=() failed=() t
    case "${1:-}" in -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
    [ "$(id -u)" = 0 ] || die "needs root (network namespaces, tcpdump): sudo $0 $*"
    for t in ip timeout tcpdump tshark capinfos editcap curl nginx openssl ss; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ ${#missing[@]} = 0 ] || die "missing tools: ${missing[*]}" \
        "(Debian: apt-get install iproute2 tcpdump tshark curl nginx openssl)"
    if [ $# = 0 ]; then
        want=("${ALL[@]}")
    else
        for a in "$@"; do
            a=${a%.pcap}
            a=${a%.pcapng}
            [[ " ${ALL[*]} " == *" $a "* ]] || die "no capture called '$a' (one of: ${ALL[*]})"
            want+=("$a")
        done
    fi
    WORK=$(mktemp -d /tmp/httpstep-tls.XXXXXX) || die "mktemp failed"
    chmod 755 "$WORK"
    make_files || die "openssl could not make the certificates"
    for f in "${want[@]}"; do
        local ns=hs-tl${f//-/} tmp=$WORK/cap/$f.pcap keys=$WORK/cap/$f.keys rc
        ns=${ns:0:15}
        mkdir -p "$WORK/cap"
        chmod 777 "$WORK/cap"
        rm -f "$tmp" "$keys"
        say "$f"
        CHECK_FAILED=0
        ns_new "$ns" || { failed+=("$f"); continue; }
        "c_$f" "$ns" "$tmp" "$keys"
        rc=$?
        stop_all
        ns_del "$ns"
        local out=$tmp size
        if [ "$f" = tls13-aes128-gcm ] && [ "$rc" = 0 ]; then # its secrets ride in the file
            editcap --inject-secrets "tls,$keys" "$tmp" "$WORK/cap/$f.pcapng" || rc=1
            out=$WORK/cap/$f.pcapng
        fi
        size=$(stat -c %s "$out" 2>/dev/null || echo 0)
        if [ "$rc" != 0 ] || [ "$CHECK_FAILED" != 0 ] || [ "$size" = 0 ] || [ ! -s "$keys" ]; then
            say "$f: failed, not installed"
            failed+=("$f")
        elif [ "$size" -gt 50000 ]; then
            say "$f: over 50 KB, not installed"
            failed+=("$f")
        else
            rm -f "$OUT/$f.pcap" "$OUT/$f.pcapng" "$OUT/$f.keys"
            install -m 0644 "$out" "$OUT/$(basename "$out")"
            [ "$out" = "$tmp" ] && install -m 0644 "$keys" "$OUT/$f.keys"
            say "$f: $size bytes"
        fi
    done
    [ ${#failed[@]} = 0 ] || die "FAILED: ${failed[*]}"
}

main "$@"
