#!/bin/sh
# tests/e2e/dns_oracle.sh - the DNS captures' oracle files are still tshark's reading
#
# tests/unit/test_dns.c compares httpstep's reading of every DNS message in
# tests/data/dns/*.pcap with the NAME.tshark file next to it (tshark's dns fields,
# written by make-dns.sh through tests/data/dns/oracle.sh). Here tshark reads the
# captures again and must print those files byte for byte, so that the unit test's
# reference is tshark's and not something edited by hand. Skips without tshark.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
command -v tshark >/dev/null 2>&1 || { echo "no tshark (Debian: apt-get install tshark)"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0 n=0
for cap in tests/data/dns/*.pcap; do
    want=${cap%.pcap}.tshark
    if [ ! -f "$want" ]; then
        echo "FAIL: $cap has no $(basename "$want")"
        fail=1
        continue
    fi
    sh tests/data/dns/oracle.sh "$cap" >"$T/got" 2>"$T/err" || {
        echo "FAIL: tshark could not read $cap:"
        sed 's/^/    /' "$T/err"
        fail=1
        continue
    }
    if ! cmp -s "$T/got" "$want"; then
        echo "FAIL: tshark reads $cap otherwise than $want says:"
        diff "$want" "$T/got" | sed 's/^/    /'
        fail=1
    fi
    n=$((n + $(wc -l <"$want")))
done
[ "$fail" = 0 ] && echo "tshark agrees with the oracle files: $n DNS messages"
exit "$fail"
