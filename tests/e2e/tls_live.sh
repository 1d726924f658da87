#!/bin/sh
# tests/e2e/tls_live.sh - live HTTPS with a key log that grows: in a network namespace of
# its own, `httpstep -i lo --keylog K` starts before K exists; `openssl s_server -www`
# answers curl, which writes K (SSLKEYLOGFILE) during its handshake. The connection must
# be decrypted (its GET and the 200 as HTTP stages inside TLS, conn_end.tls.decrypted,
# keys from the key log), as a browser's page is while it loads. Then a malformed line
# added to a key log given to a file read gives one warning naming the file and line.
# Needs root (ip netns), openssl and curl; exit 77 without them. Bounded: every process
# runs under timeout and is stopped by its PID.
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HTTPSTEP:-$top/httpstep}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$top" || exit 1
[ "$(id -u)" = 0 ] || { echo "needs root (ip netns)"; exit 77; }
for t in ip openssl curl timeout; do
    command -v $t >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
tmp=$(mktemp -d)
ns=hs-tlslive-$$
srv= cap=
cleanup() {
    [ -n "$srv" ] && kill "$srv" 2>/dev/null
    [ -n "$cap" ] && kill "$cap" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 || { echo "openssl req failed"; exit 1; }
ip netns add "$ns" || exit 1
ip -n "$ns" link set lo up
ip netns exec "$ns" timeout 30 openssl s_server -quiet -www -accept 4443 \
    -cert "$tmp/cert.pem" -key "$tmp/key.pem" >"$tmp/srv.log" 2>&1 &
srv=$!
ip netns exec "$ns" timeout 20 "$bin" -i lo -p 4443 --json --keylog "$tmp/k.log" --duration 6 \
    >"$tmp/live.json" 2>"$tmp/live.err" &
cap=$!
sleep 2
ip netns exec "$ns" env SSLKEYLOGFILE="$tmp/k.log" timeout 10 curl -sk --http1.1 -o /dev/null \
    https://127.0.0.1:4443/ || { echo "FAIL curl"; fail=1; }
wait "$cap"
cap=
python3 - "$tmp/live.json" <<'EOF' || fail=1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
stages = [l for l in lines if l["type"] == "stage"]
ends = [l for l in lines if l["type"] == "conn_end"]
names = [s["stage"] for s in stages]
bad = []
for want in ("tls_client_hello", "tls_server_hello", "tls_client_finished"):
    if want not in names:
        bad.append("no %s stage" % want)
req = [s for s in stages if s["stage"] == "request_line" and s.get("tls")]
st = [s for s in stages if s["stage"] == "status_line" and s.get("tls")]
if not req or req[0]["method"] != "GET" or not st or st[0]["status"] != 200:
    bad.append("no GET and 200 inside TLS: %r" % names)
if not ends or not ends[0].get("tls", {}).get("decrypted") or ends[0]["tls"]["keys"] != "keylog":
    bad.append("not decrypted from the key log: %r" % (ends[0] if ends else None))
# The server's encrypted handshake flight (TLS 1.3: EncryptedExtensions to
# Finished) reaches the wire as the client only begins to derive its keys:
# read live on a busy machine, it can come before the key log's line and
# stay encrypted. Everything after the client's Finished must be decrypted
# (the client writes its traffic secrets before it sends the request).
fin = names.index("tls_client_finished") if "tls_client_finished" in names else len(names)
late = [i for i, n in enumerate(names) if n == "encrypted" and
        (i > fin or stages[i]["dir"] != "s2c")]
if late:
    bad.append("encrypted stages although the key log grew in time: %r" % names)
for b in bad:
    print("FAIL live:", b)
print("live: %d stages, decrypted" % len(stages) if not bad else "")
sys.exit(1 if bad else 0)
EOF
[ -s "$tmp/live.err" ] && { echo "FAIL live: stderr: $(head -n 2 "$tmp/live.err")"; fail=1; }
# a malformed line: one warning naming the file and its line
cp "$tmp/k.log" "$tmp/bad.log"
printf 'CLIENT_RANDOM nothex 00\n' >>"$tmp/bad.log"
n=$(wc -l <"$tmp/bad.log")
"$bin" --stats --keylog "$tmp/bad.log" samples/13-https.pcap >/dev/null 2>"$tmp/bad.err"
if [ "$(wc -l <"$tmp/bad.err")" != 1 ] || ! grep -q "'$tmp/bad.log' line $n: " "$tmp/bad.err"; then
    echo "FAIL malformed line: want one warning naming line $n, got: $(cat "$tmp/bad.err")"
    fail=1
else
    echo "malformed line: $(cat "$tmp/bad.err")"
fi
exit $fail
