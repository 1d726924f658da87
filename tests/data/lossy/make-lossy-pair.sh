#!/bin/bash
# make-lossy-pair.sh: one 1 MB download through ~5% loss and ~5% reordering, captured at
# both ends (issue 14): the server's side (every segment it sent, the truth) and the
# client's side (what a student's capture shows). The captures are too large to commit
# (> 1 MB each); score.py compares httpstep's and tshark's counts of retransmissions
# and out-of-order segments on the client's capture with the truth from the server's.
#
#   sudo tests/data/lossy/make-lossy-pair.sh [OUTDIR] [SEED] [ts|nots]
#
# Two network namespaces joined by samples/servers/lossywire.py (TAP devices, a fixed
# seed; losses and swaps only on the server -> client data segments, 10 ms delay);
# python3's http.server in the server's namespace; curl in the client's; tcpdump on
# each TAP device. `nots` turns TCP timestamps off in both namespaces (the IP ID and
# timing rules decide then). OUTDIR defaults to /var/tmp/httpstep-lossy; writes
# OUTDIR/sender-SEED-MODE.pcap and OUTDIR/receiver-SEED-MODE.pcap. Needs root,
# /dev/net/tun, tcpdump, curl, python3. Not part of `make check`.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVERS=$HERE/../../../samples/servers
OUT=${1:-/var/tmp/httpstep-lossy}
SEED=${2:-1}
MODE=${3:-ts}
LIMIT=120
PY=$(command -v python3 || true)
LAB_NAME=make-lossy-pair
# shellcheck source=samples/lab.sh
. "$HERE/../../../samples/lab.sh"

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, TAP devices)"
[ -c /dev/net/tun ] || die "needs /dev/net/tun"
mkdir -p "$OUT"
WORK=$(mktemp -d)
mkdir -p "$WORK/www"
head -c 1048576 /dev/urandom | base64 -w 76 | head -c 1048576 >"$WORK/www/mb.txt"
chmod -R a+rX "$WORK"
C=hs-lossc
S=hs-losss
ns_new $C || die "no namespace"
ns_new $S || die "no namespace"
bg $C "$WORK/wire.log" "$PY" "$SERVERS/lossywire.py" --client-ns $C --client-dev hs-lc \
    --server-ns $S --server-dev hs-ls --loss 5 --reorder 5 --delay-ms 10 --seed "$SEED" \
    --ready "$WORK/wire.ready"
WIRE=$BG
wait_for "$WORK/wire.ready" ready || die "lossywire did not start"
ip -n $C link set hs-lc address 02:00:00:00:14:02
ip -n $S link set hs-ls address 02:00:00:00:14:01
ip -n $C addr replace 10.14.0.2/24 dev hs-lc
ip -n $S addr replace 10.14.0.1/24 dev hs-ls
ip -n $C link set hs-lc mtu 1500 up
ip -n $S link set hs-ls mtu 1500 up
ip netns exec $C ethtool -K hs-lc gro off >/dev/null 2>&1
ip netns exec $S ethtool -K hs-ls tso off gso off >/dev/null 2>&1
ip -n $C neigh replace 10.14.0.1 lladdr 02:00:00:00:14:01 dev hs-lc nud permanent
ip -n $S neigh replace 10.14.0.2 lladdr 02:00:00:00:14:02 dev hs-ls nud permanent
if [ "$MODE" = nots ]; then
    ip netns exec $C sysctl -qw net.ipv4.tcp_timestamps=0
    ip netns exec $S sysctl -qw net.ipv4.tcp_timestamps=0
fi
bg $S "$WORK/server.log" "$PY" -m http.server --bind 10.14.0.1 --directory "$WORK/www" 80
wait_port $S 80 || die "no server"
snd=$OUT/sender-$SEED-$MODE.pcap
rcv=$OUT/receiver-$SEED-$MODE.pcap
cap_start $S hs-ls "$snd" "tcp port 80" || die "no capture"
SCAP=$CAP
SLOG=$CAPLOG
cap_start $C hs-lc "$rcv" "tcp port 80" || die "no capture"
run $C curl -sS -o /dev/null http://10.14.0.1/mb.txt || say "curl failed"
cap_stop
CAP=$SCAP
CAPLOG=$SLOG
cap_stop
stop_pid "$WIRE" TERM
cat "$WORK/wire.log" >&2
ls -la "$snd" "$rcv" >&2
