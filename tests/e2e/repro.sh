#!/bin/sh
# tests/e2e/repro.sh - the tiny captures of issue 13's bugs (../shared/repro,
# never copied here) against tshark, through tshark_diff.py: a SYN-ACK that
# acknowledges another SYN, a snaplen-cut tail retransmitted in full, request
# targets that start with '.', several spaces after the method. Where tshark
# is wrong there, tshark_diff.py's TSHARK_WRONG says why.
top=$(cd "$(dirname "$0")/../.." && pwd)
repro=$(dirname "$top")/shared/repro
if ! ls "$repro"/*.pcap >/dev/null 2>&1; then
    echo "no ../shared/repro beside the repository"
    exit 77
fi
exec python3 "$top/tests/e2e/tshark_diff.py" "$repro"/*.pcap
