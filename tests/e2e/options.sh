#!/bin/sh
# tests/e2e/options.sh - the command line: -r FILE, a lone FILE, '-' (standard
# input), -p (repeatable), a trailing BPF expression, -c COUNT, --text, --stats,
# -h and -V
#
# Every --json output must be valid JSON Lines, begin with the capture line and
# end with the stats line.
top=$(cd "$(dirname "$0")/../.." && pwd)
# $HTTPSTEP: the binary under test (a path as given from where this was started)
case ${HTTPSTEP:-} in
"") bin=$top/httpstep ;;
/*) bin=$HTTPSTEP ;;
*/*) bin=$(pwd)/$HTTPSTEP ;;
*) bin=$HTTPSTEP ;;
esac
cd "$top" || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

# run NAME ARGS...: $bin ARGS > $T/NAME (stderr to $T/NAME.err); exit status 0
run() {
    name=$1
    shift
    timeout 20 "$bin" "$@" >"$T/$name" 2>"$T/$name.err" </dev/null
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: '$bin $*' exits $rc: $(head -n 2 "$T/$name.err")"
        fail=$((fail + 1))
        return 1
    fi
}

# jcheck NAME WHAT EXPR: the lines of $T/NAME are JSON Lines, capture line first,
# stats line last, and the Python expression EXPR is true of them; L is the list
# of lines, T(kind) the lines of one type
jcheck() {
    if python3 - "$T/$1" "$3" <<'EOF'; then
import json, sys
L = []
for i, raw in enumerate(open(sys.argv[1], "rb"), 1):
    try:
        L.append(json.loads(raw))
    except ValueError:
        sys.exit("line %d is not JSON: %r" % (i, raw[:80]))
if not L or L[0].get("type") != "capture" or L[-1].get("type") != "stats":
    sys.exit("not a capture line first and a stats line last")
T = lambda kind: [l for l in L if l.get("type") == kind]
if not eval("(" + sys.argv[2] + ")"):
    sys.exit("not true: %s" % sys.argv[2])
EOF
        echo "ok   $1: $2"
    else
        echo "FAIL $1: $2"
        fail=$((fail + 1))
    fi
}

# same NAME A B: files $T/A and $T/B are the same
same() {
    if cmp -s "$T/$2" "$T/$3"; then
        echo "ok   $1"
    else
        echo "FAIL $1: outputs differ:"
        diff "$T/$2" "$T/$3" | head -n 4 | cut -c 1-200 | sed 's/^/    /'
        fail=$((fail + 1))
    fi
}

s05=samples/05-file-upload.pcap
s08=samples/08-status-codes.pcap
s09=samples/09-methods.pcap
s03=samples/03-browser-page.pcapng

# ---- where the capture comes from
run r --json -r $s08 &&
    jcheck r "-r FILE: 10 exchanges, source as given" \
        'len(T("exchange")) == 10 and L[0]["source"] == "'$s08'"'
run lone --json $s08 && same "a lone FILE is -r FILE" r lone
cat $s08 | timeout 20 "$bin" --json -r - >"$T/stdin" 2>"$T/stdin.err"
rc=$?
if [ $rc -ne 0 ]; then
    echo "FAIL stdin: 'cat FILE | httpstep --json -r -' exits $rc: $(head -n 2 "$T/stdin.err")"
    fail=$((fail + 1))
else
    jcheck stdin "cat FILE | httpstep --json -r -: source '-'" 'L[0]["source"] == "-"'
    tail -n +2 "$T/stdin" >"$T/stdin.rest"
    tail -n +2 "$T/r" >"$T/r.rest"
    same "standard input gives the same lines as the file" r.rest stdin.rest
fi
cat $s08 | timeout 20 "$bin" --json - >"$T/stdin2" 2>"$T/stdin2.err"
rc=$?
tail -n +2 "$T/stdin2" >"$T/stdin2.rest"
if [ $rc -ne 0 ]; then
    echo "FAIL stdin2: 'cat FILE | httpstep --json -' exits $rc: $(head -n 2 "$T/stdin2.err")"
    fail=$((fail + 1))
else
    same "a lone '-' reads standard input too" r.rest stdin2.rest
fi

# ---- -p: the server ports (the default filter becomes 'tcp port P or ...')
run p3128 --json -r $s09 -p 3128 &&
    jcheck p3128 "-p 3128: only the proxy connection (from frame 29, as numbered unfiltered), its CONNECT" \
        '[(c["server"]["port"], c["first_frame"]) for c in T("conn")] == [(3128, 29)] and
         [e["request"]["method"] for e in T("exchange")] == ["CONNECT"]'
run p80 --json -r $s09 -p 80 &&
    jcheck p80 "-p 80: only the two port-80 connections, 7 exchanges" \
        '[c["server"]["port"] for c in T("conn")] == [80, 80] and len(T("exchange")) == 7'
run p80_3128 --json -r $s09 -p 80 -p 3128 &&
    jcheck p80_3128 "-p 80 -p 3128 (repeated): all three connections, 8 exchanges" \
        'sorted(c["server"]["port"] for c in T("conn")) == [80, 80, 3128] and
         len(T("exchange")) == 8'
run p8080 --json -r $s05 -p 8080 &&
    jcheck p8080 "-p 8080: the upload to port 8080 (client and server right)" \
        '[(c["client"]["port"], c["server"]["port"]) for c in T("conn")] == [(45626, 8080)] and
         [e["request"]["method"] for e in T("exchange")] == ["POST"]'
run p81 --json -r $s05 -p 81 &&
    jcheck p81 "-p 81: nothing on port 81, no connection (but all 14 frames read)" \
        'not T("conn") and L[-1]["tcp_conns"] == 0 and L[-1]["frames"] == 14'

# ---- a trailing BPF expression (replaces the default filter)
run bpf --json -r $s09 tcp port 3128 &&
    jcheck bpf "'tcp port 3128' as separate words: only the proxy connection" \
        '[c["server"]["port"] for c in T("conn")] == [3128] and len(T("exchange")) == 1'
run bpf1 --json -r $s09 "tcp port 3128" && same "the expression as one word is the same" bpf bpf1
run bpf2 --json -r $s03 "tcp port 49404" &&
    jcheck bpf2 "'tcp port 49404': one of the browser's connections, its 2 exchanges" \
        '[c["client"]["port"] for c in T("conn")] == [49404] and
         [e["request"]["target"] for e in T("exchange")] == ["/blue.png", "/favicon.ico"]'

# ---- -c COUNT: stop after COUNT exchange lines
for n in 1 3; do
    run c$n --json -c $n -r $s08 &&
        jcheck c$n "-c $n: $n exchange lines, then it stops reading (of 32 frames)" \
            'len(T("exchange")) == '$n' and L[-1]["exchanges"] == '$n' and L[-1]["frames"] < 32'
done
run c3b --json -c 3 -r $s03 &&
    jcheck c3b "-c 3 over parallel connections: 3 exchange lines" 'len(T("exchange")) == 3'
run c99 --json -c 99 -r $s08 &&
    jcheck c99 "-c 99 (more than there are): all 10" 'len(T("exchange")) == 10'

# ---- --text, --stats
if run text --text -r $s08; then
    if head -n 1 "$T/text" | grep -q '^{'; then
        echo "FAIL --text: writes JSON"
        fail=$((fail + 1))
    elif grep -q 'GET /old HTTP/1.1' "$T/text" && grep -q 'HTTP/1.1 500 Internal Server Error' "$T/text" &&
        grep -q 'Step 1' "$T/text" && grep -q 'Step 7' "$T/text"; then
        echo "ok   --text: a readable transcript, steps 1 to 7, first request and last status line"
    else
        echo "FAIL --text: lacks the request line, the status line or the steps"
        fail=$((fail + 1))
    fi
fi
if run stats --stats -r $s08; then
    if [ "$(wc -l <"$T/stats")" -eq 1 ]; then
        tail -n 1 "$T/r" >"$T/r.last"
        same "--stats: exactly one line, the --json stats line" r.last stats
    else
        echo "FAIL --stats: $(wc -l <"$T/stats") lines, want 1"
        fail=$((fail + 1))
    fi
fi

# ---- -h, -V
for h in -h --help; do
    if run help $h && grep -q -- '-r FILE' "$T/help" && grep -q -- '--json' "$T/help"; then
        echo "ok   $h: exit 0, the usage on stdout"
    else
        echo "FAIL $h: no usage on stdout"
        fail=$((fail + 1))
    fi
done
for v in -V --version; do
    if run version $v && [ "$(wc -l <"$T/version")" -eq 1 ] &&
        grep -q '^httpstep [0-9][0-9.]*' "$T/version"; then
        echo "ok   $v: $(cat "$T/version")"
    else
        echo "FAIL $v: want one line 'httpstep VERSION', got: $(head -n 2 "$T/version")"
        fail=$((fail + 1))
    fi
done

# ---- every bundled capture, in the lone-FILE form: valid JSON Lines
outs=""
for f in samples/*.pcap samples/*.pcapng tests/data/*.pcap; do
    run "all_$(basename "$f")" --json "$f" && outs="$outs $T/all_$(basename "$f")"
done
# shellcheck disable=SC2086
if python3 - $outs <<'EOF'; then
import json, sys
for path in sys.argv[1:]:
    L = [json.loads(raw) for raw in open(path, "rb")]
    assert L[0]["type"] == "capture" and L[-1]["type"] == "stats", path
EOF
    echo "ok   every bundled capture as a lone FILE: valid JSON Lines"
else
    echo "FAIL some bundled capture gives no valid JSON Lines"
    fail=$((fail + 1))
fi

[ $fail -eq 0 ] && echo "all option checks passed" && exit 0
echo "$fail option checks failed"
exit 1
