#!/bin/sh
# tests/e2e/tunnels.sh - the captures of tests/data/tunnel/ (made by make-tunnel.sh:
# one HTTP exchange through 6in4, IP in IP, GRE, Ethernet in GRE, VXLAN, IPsec AH and
# GTP-U): the exchanges and byte counts match tshark's (tshark_diff.py), and each
# connection names its tunnel in a `tunnel` note.
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HTTPSTEP:-$top/httpstep}
cd "$top" || exit 1
fail=0
for pair in "sit:IPv6 in IPv4" "ipip:IPv4 in IPv4" "gre:GRE" "gretap:GRE" "vxlan:VXLAN" \
    "ah:IPsec AH" "gtpu:GTP-U"; do
    name=${pair%%:*}
    want=${pair#*:}
    cap=tests/data/tunnel/$name.pcap
    out=$("$bin" --json -r "$cap") || { echo "FAIL $cap: httpstep failed"; fail=1; continue; }
    if ! printf '%s\n' "$out" |
        grep -q "\"kind\":\"tunnel\",\"detail\":\"the connection's packets came through $want\""; then
        echo "FAIL $cap: no tunnel note naming $want"
        fail=1
    fi
    if ! printf '%s\n' "$out" | grep -q '"type":"exchange".*"status":200'; then
        echo "FAIL $cap: no exchange with its 200"
        fail=1
    fi
done
command -v tshark >/dev/null 2>&1 || { echo "tshark not installed"; [ $fail = 0 ] && exit 77; exit 1; }
python3 tests/e2e/tshark_diff.py tests/data/tunnel/*.pcap || fail=1
exit $fail
