#!/bin/bash
# tests/e2e/dns_live.sh - live, the default filter '(tcp port 80) or (udp port 53)' brings
# the DNS lookup before the connection (issue 17, step 0)
#
# Two network namespaces of the test's own joined by a veth pair: the client (hs-tdnsc,
# 10.77.3.2) and the servers (hs-tdnss): dnsmasq on 10.77.3.53 with its own data only
# (www.lesson.test A 10.77.3.1) and python3's http.server on 10.77.3.1:80. The client's
# /etc/netns/hs-tdnsc/resolv.conf names that resolver (nothing reaches the host's), and
# the client has no route off the veth. httpstep captures live on the client's side with
# no filter expression while curl fetches http://www.lesson.test/: its --json must hold
# the dns line of the lookup and the connection linked to it (conn.dns). Every process
# runs under timeout and is stopped by its PID. Skips (77) without root or the tools.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"  # tests/run.sh starts it with sh
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
case ${HTTPSTEP:-} in
"") BIN=$top/httpstep ;;
/*) BIN=$HTTPSTEP ;;
*) BIN=$(pwd)/$HTTPSTEP ;;
esac
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, a live capture)"; exit 77; }
for t in ip dnsmasq curl python3 timeout ss; do
    command -v "$t" >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
NS_C=hs-tdnsc
NS_S=hs-tdnss
ETC=/etc/netns/$NS_C
[ -e "$ETC" ] && { echo "$ETC exists: another run?"; exit 77; }
LIMIT=30
CLIENT_LIMIT=10
LAB_NAME=dns_live
PY=$(command -v python3)
# shellcheck source=samples/lab.sh
. "$top/samples/lab.sh"
WORK=$(mktemp -d /tmp/httpstep-dnslive.XXXXXX) || exit 1  # after lab.sh, which clears it
chmod 755 "$WORK"
done_all() {
    cleanup
    rm -rf "$ETC"
    rmdir /etc/netns 2>/dev/null
    return 0
}
trap done_all EXIT

ns_new "$NS_C" || exit 1
ns_new "$NS_S" || exit 1
veth_pair "$NS_C" hs-tdnsc0 10.77.3.2/24 "$NS_S" hs-tdnss0 10.77.3.1/24 10.77.3.53/24 || exit 1
mkdir -p "$ETC" "$WORK/www"
printf 'nameserver 10.77.3.53\noptions timeout:2 attempts:1\n' >"$ETC/resolv.conf"
printf '127.0.0.1\tlocalhost\n' >"$ETC/hosts"
printf 'step 0\n' >"$WORK/www/index.html"
chmod -R a+rX "$WORK"
bg "$NS_S" "$WORK/dnsmasq.log" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
    --no-hosts --bind-interfaces --listen-address=10.77.3.53 --user=nobody --group=nogroup \
    --pid-file= --log-queries --log-facility=- --local=/lesson.test/ --local-ttl=60 \
    --host-record=www.lesson.test,10.77.3.1
bg "$NS_S" "$WORK/http.log" "$PY" -m http.server 80 --bind 10.77.3.1 --directory "$WORK/www"
wait_for "$WORK/dnsmasq.log" "cleared cache" || exit 1
wait_port "$NS_S" 80 || exit 1

bg "$NS_C" "$WORK/out.jsonl" "$BIN" -i hs-tdnsc0 --json --duration 4
HS=$BG
sleep 1.5
run "$NS_C" curl -sS -4 -o /dev/null http://www.lesson.test/ 2>"$WORK/curl.log" ||
    { echo "FAIL: curl: $(cat "$WORK/curl.log")"; exit 1; }
wait "$HS"
"$PY" - "$WORK/out.jsonl" <<'EOF'
import json, sys
lines = []
for l in open(sys.argv[1]):
    if l.startswith("{"):
        lines.append(json.loads(l))
dns = [l for l in lines if l["type"] == "dns" and l["name"] == "www.lesson.test" and l["qtype"] == "A"]
conns = [l for l in lines if l["type"] == "conn"]
fail = []
if len(dns) != 1 or dns[0]["answers"] != [{"type": "A", "data": "10.77.3.1", "ttl": 60}]:
    fail.append("the A lookup of www.lesson.test: %r" % dns)
if len(conns) != 1 or not dns or conns[0]["dns"] != dns[0]["frame"]:
    fail.append("the connection's dns link: %r" % conns)
stats = [l for l in lines if l["type"] == "stats"]
if not stats or stats[-1]["dns"] < 1:
    fail.append("stats.dns: %r" % stats)
for f in fail:
    print("FAIL:", f)
if fail:
    sys.exit(1)
print("live, the default filter took the lookup (frame %d) and the connection linked to it"
      % dns[0]["frame"])
EOF
