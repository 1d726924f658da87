#!/bin/sh
# tests/e2e/golden.sh - the --json and --text transcripts of every bundled
# capture, and the exports of tests/golden/exports.list, are unchanged
#
# Runs $HTTPSTEP --json -r CAPTURE and --text -r CAPTURE (in the C.UTF-8 locale)
# from the repository root for every capture in samples/ and tests/data/ and
# compares the output with tests/golden/NAME.jsonl and tests/golden/text/NAME.txt
# (NAME: the capture's name without .pcap/.pcapng). On a difference it prints the
# first differing lines. A change that is meant: review it, then run
# tests/golden/update.sh and commit the new transcripts.
top=$(cd "$(dirname "$0")/../.." && pwd)
# $HTTPSTEP: the binary under test (a path as given from where this was started)
case ${HTTPSTEP:-} in
"") bin=$top/httpstep ;;
/*) bin=$HTTPSTEP ;;
*/*) bin=$(pwd)/$HTTPSTEP ;;
*) bin=$HTTPSTEP ;;
esac
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0 orphan=0
for cap in samples/*.pcap samples/*.pcapng tests/data/*.pcap; do
    [ -f "$cap" ] || continue
    n=$((n + 1))
    name=$(basename "$cap")
    name=${name%.pcapng}
    name=${name%.pcap}
    bad=0
    for mode in json text; do
        if [ $mode = json ]; then
            want=tests/golden/$name.jsonl
        else
            want=tests/golden/text/$name.txt
        fi
        got=$tmp/$name.$mode
        LC_ALL=C.UTF-8 timeout 60 "$bin" --$mode -r "$cap" >"$got" 2>"$tmp/err"
        rc=$?
        if [ $rc -ne 0 ]; then
            echo "FAIL $cap --$mode: exit $rc: $(head -n 1 "$tmp/err")"
            bad=1
        elif [ ! -f "$want" ]; then
            echo "FAIL $cap: no $want (run tests/golden/update.sh)"
            bad=1
        elif ! cmp -s "$want" "$got"; then
            echo "FAIL $cap: differs from $want (first differences, - golden + now):"
            diff -U 0 "$want" "$got" | grep '^[-+][^-+]' | head -n 8 | cut -c 1-300 | sed 's/^/    /'
            bad=1
        fi
    done
    if [ $bad -eq 0 ]; then
        echo "ok   $cap"
    else
        fail=$((fail + 1))
    fi
done
# the exports of tests/golden/exports.list
while read -r cap formats; do
    case $cap in ''|'#'*) continue ;; esac
    name=$(basename "$cap")
    name=${name%.pcapng}
    name=${name%.pcap}
    for f in $formats; do
        n=$((n + 1))
        want=tests/golden/exports/$name.$f
        got=$tmp/$name.$f
        if ! LC_ALL=C.UTF-8 timeout 60 "$bin" --"$f" "$got" -r "$cap" 2>"$tmp/err"; then
            echo "FAIL $cap --$f: $(head -n 1 "$tmp/err")"
            fail=$((fail + 1))
        elif ! cmp -s "$want" "$got"; then
            echo "FAIL $cap --$f: differs from $want (first differences, - golden + now):"
            diff -U 0 "$want" "$got" | grep '^[-+][^-+]' | head -n 8 | cut -c 1-300 | sed 's/^/    /'
            fail=$((fail + 1))
        else
            echo "ok   $cap --$f"
        fi
    done
done <tests/golden/exports.list
# a golden transcript whose capture is gone
for g in tests/golden/*.jsonl tests/golden/text/*.txt; do
    [ -f "$g" ] || continue
    name=$(basename "$g")
    name=${name%.jsonl}
    name=${name%.txt}
    if [ ! -f "samples/$name.pcap" ] && [ ! -f "samples/$name.pcapng" ] &&
       [ ! -f "tests/data/$name.pcap" ]; then
        echo "FAIL $g: no capture samples/$name.pcap[ng] or tests/data/$name.pcap"
        orphan=$((orphan + 1))
    fi
done
echo "$((n - fail))/$n transcripts and exports as in tests/golden"
[ $fail -eq 0 ] && [ $orphan -eq 0 ]
