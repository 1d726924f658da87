#!/bin/sh
# tests/golden/update.sh - regenerate the golden transcripts
#
# Writes tests/golden/NAME.jsonl and tests/golden/text/NAME.txt, the --json and
# --text transcripts (locale C.UTF-8) of every capture in samples/ and
# tests/data/ (NAME is the capture's name without .pcap/.pcapng),
# run from the repository root with a relative path so that the "source" field
# does not depend on where the checkout is. tests/e2e/golden.sh compares them.
# Review the diff (git diff tests/golden) before committing new ones.
#
# usage: tests/golden/update.sh            (uses ./httpstep; make it first)
#        HTTPSTEP=build/httpstep tests/golden/update.sh
#        JSON_ONLY=1 tests/golden/update.sh  (the transcripts, not the UI screens)
top=$(cd "$(dirname "$0")/../.." && pwd)
# $HTTPSTEP: the binary under test (a path as given from where this was started)
case ${HTTPSTEP:-} in
"") bin=$top/httpstep ;;
/*) bin=$HTTPSTEP ;;
*/*) bin=$(pwd)/$HTTPSTEP ;;
*) bin=$HTTPSTEP ;;
esac
cd "$top" || exit 1
[ -x "$bin" ] || { echo "update.sh: no $bin: run make first" >&2; exit 1; }
rm -f tests/golden/*.jsonl tests/golden/text/*.txt
mkdir -p tests/golden/text
for cap in samples/*.pcap samples/*.pcapng tests/data/*.pcap; do
    [ -f "$cap" ] || continue
    name=$(basename "$cap")
    name=${name%.pcapng}
    name=${name%.pcap}
    out=tests/golden/$name.jsonl
    txt=tests/golden/text/$name.txt
    if ! LC_ALL=C.UTF-8 "$bin" --json -r "$cap" >"$out.tmp" ||
       ! LC_ALL=C.UTF-8 "$bin" --text -r "$cap" >"$txt.tmp"; then
        echo "update.sh: $bin failed on $cap" >&2
        rm -f "$out.tmp" "$txt.tmp"
        exit 1
    fi
    mv "$out.tmp" "$out"
    mv "$txt.tmp" "$txt"
    printf '%-40s %5s lines, --text %5s lines\n' "$out" "$(wc -l <"$out")" "$(wc -l <"$txt")"
done
# the exports of two samples per format: tests/golden/exports/NAME.FORMAT
# (tests/golden/exports.list says which)
mkdir -p tests/golden/exports
rm -f tests/golden/exports/*.html tests/golden/exports/*.md tests/golden/exports/*.svg \
    tests/golden/exports/*.har
while read -r cap formats; do
    case $cap in ''|'#'*) continue ;; esac
    name=$(basename "$cap")
    name=${name%.pcapng}
    name=${name%.pcap}
    for f in $formats; do
        if ! LC_ALL=C.UTF-8 "$bin" --"$f" "tests/golden/exports/$name.$f" -r "$cap"; then
            echo "update.sh: $bin --$f failed on $cap" >&2
            exit 1
        fi
        printf '%-40s %5s lines\n' "tests/golden/exports/$name.$f" \
            "$(wc -l <"tests/golden/exports/$name.$f")"
    done
done <tests/golden/exports.list
# the UI's golden screens, tests/golden/ui/*.txt: tests/e2e/ui_tmux.py writes them
# with UPDATE_GOLDEN=1 (it needs tmux). JSON_ONLY=1: skip them.
if [ -f tests/e2e/ui_tmux.py ] && [ "${JSON_ONLY:-0}" != 1 ]; then
    if command -v tmux >/dev/null 2>&1; then
        UPDATE_GOLDEN=1 HTTPSTEP=$bin python3 tests/e2e/ui_tmux.py ||
            { echo "update.sh: tests/e2e/ui_tmux.py failed" >&2; exit 1; }
    else
        echo "update.sh: no tmux: the UI screens in tests/golden/ui were not rewritten" >&2
    fi
fi
