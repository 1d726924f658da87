#!/bin/sh
# tests/e2e/broken_input.sh - broken input: one clear error line, the right exit
# status, never a crash or a hang
#
# Every case runs `timeout 10 $HTTPSTEP --json ...` and wants: an exit status of
# 1 (usage) or 2 (unreadable or cut capture), never a signal (>= 128) or a hang
# (124); exactly one line on stderr, starting with "httpstep: " and naming the
# file (or the option, or the filter); stdout only valid JSON lines. A capture
# cut in the middle must still give every frame before the cut: the exchanges
# that ended before it, then the stats line. The broken files are made here in a
# temporary directory from the bundled samples.
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

# ---- the broken files
: >"$T/empty.pcap"
printf 'GET / HTTP/1.1\r\nHost: example\r\n\r\nthis is a text file, not a capture\n' >"$T/text.pcap"
head -c 10 samples/01-classic-get.pcap >"$T/short-header.pcap"
mkdir "$T/a-directory.pcap"
python3 - "$T" <<'EOF' || { echo "FAIL: could not make the broken files"; exit 1; }
import struct, sys
T = sys.argv[1]

def records(d):
    """offsets of the records of a little-endian pcap file"""
    off, out = 24, []
    while off + 16 <= len(d):
        out.append(off)
        off += 16 + struct.unpack("<I", d[off + 8:off + 12])[0]
    return out

d = open("samples/02-keep-alive.pcap", "rb").read()
assert d[:4] == b"\xd4\xc3\xb2\xa1"
r = records(d)
# cut in the middle of frame 16's data, and in the middle of frame 16's record header
open(T + "/cut-data.pcap", "wb").write(d[:r[15] + 16 + 7])
open(T + "/cut-header.pcap", "wb").write(d[:r[15] + 8])
# frame 1's record header claims a 1 GB packet
s = open("samples/01-classic-get.pcap", "rb").read()
ts, us, _, _ = struct.unpack("<IIII", s[24:40])
huge = struct.pack("<IIII", ts, us, 1 << 30, 1 << 30)
open(T + "/huge-record.pcap", "wb").write(s[:24] + huge + s[40:])

# pcapng: blocks of 03-browser-page.pcapng
g = open("samples/03-browser-page.pcapng", "rb").read()
blocks, off = [], 0
while off < len(g):
    blen = struct.unpack("<I", g[off + 4:off + 8])[0]
    blocks.append(g[off:off + blen])
    off += blen
epbs = [i for i, b in enumerate(blocks) if b[:4] == b"\x06\x00\x00\x00"]
# cut in the middle of frame 24's block
cut = sum(len(b) for b in blocks[:epbs[23]]) + len(blocks[epbs[23]]) // 2
open(T + "/cut.pcapng", "wb").write(g[:cut])
# after frame 20, a second interface of another link type (113, Linux cooked) and a
# packet on it: libpcap cannot give packets of two link types
body = struct.pack("<HHI", 113, 0, 262144)
idb = struct.pack("<II", 1, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
e = bytearray(blocks[epbs[20]])
e[8:12] = struct.pack("<I", 1)
k = epbs[19] + 1
open(T + "/two-link-types.pcapng", "wb").write(
    b"".join(blocks[:k]) + idb + bytes(e) + b"".join(blocks[k:]))
EOF

# ---- checks
# check NAME WANT_RC MUST_NAME -- ARGS...: run, then check the exit status and stderr
check() {
    name=$1 want=$2 must=$3
    shift 4
    timeout 10 "$bin" "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    bad=""
    if [ $rc -eq 124 ]; then
        bad="hangs (killed after 10 s)"
    elif [ $rc -ge 128 ]; then
        bad="crashes (exit $rc, signal $((rc - 128)))"
    elif [ $rc -ne "$want" ]; then
        bad="exit $rc, want $want"
    fi
    lines=$(wc -l <"$T/err")
    first=$(head -n 1 "$T/err")
    if [ "$lines" -ne 1 ]; then
        bad="$bad${bad:+; }$lines lines on stderr, want 1"
    fi
    case $first in
    "httpstep: "*) ;;
    *) bad="$bad${bad:+; }stderr does not start with 'httpstep: '" ;;
    esac
    case $first in
    *"$must"*) ;;
    *) bad="$bad${bad:+; }stderr does not name '$must'" ;;
    esac
    if ! python3 -c '
import json, sys
for i, l in enumerate(open(sys.argv[1], "rb"), 1):
    try:
        json.loads(l)
    except ValueError:
        sys.exit("stdout line %d is not JSON" % i)
' "$T/out"; then
        bad="$bad${bad:+; }stdout is not JSON Lines"
    fi
    if [ -n "$bad" ]; then
        echo "FAIL $name: $bad"
        sed -n '1,5s/^/    stderr: /p' "$T/err"
        fail=$((fail + 1))
        return 1
    fi
    echo "ok   $name: exit $rc: $first"
}

# cut_check NAME FULL FRAMES: stdout (of the cut run) holds every frame before the
# cut: the stats line last, counting FRAMES frames, and every exchange line of the
# full capture that ended before the cut, unchanged
cut_check() {
    "$bin" --json -r "$2" >"$T/full" 2>/dev/null
    if ! python3 - "$T/out" "$T/full" "$3" <<'EOF'; then
import json, sys
cut = [json.loads(l) for l in open(sys.argv[1])]
full = [json.loads(l) for l in open(sys.argv[2])]
frames = int(sys.argv[3])
if not cut or cut[0].get("type") != "capture":
    sys.exit("the first line is not the capture line")
if cut[-1].get("type") != "stats":
    sys.exit("the last line is not a stats line")
if cut[-1].get("frames") != frames:
    sys.exit("stats says %r frames, want %d (every frame before the cut)"
             % (cut[-1].get("frames"), frames))
def last(ex):
    return max((m or {}).get("last_frame") or 0 for m in (ex["request"], ex["response"]))
want = [l for l in full if l["type"] == "exchange" and l["complete"] and last(l) <= frames]
have = [l for l in cut if l["type"] == "exchange"]
for w in want:
    if w not in have:
        sys.exit("exchange %d of conn %d (ends in frame %d) is missing or differs"
                 % (w["exchange"], w["conn"], last(w)))
if not want:
    sys.exit("the test is wrong: no exchange ends before the cut")
print("    %d exchanges before the cut are all there, then stats (%d frames)" % (len(want), frames))
EOF
        echo "FAIL $1: the output before the cut is incomplete"
        fail=$((fail + 1))
    fi
}

check "empty file" 2 "$T/empty.pcap" -- --json -r "$T/empty.pcap"
check "text file" 2 "$T/text.pcap" -- --json -r "$T/text.pcap"
check "file shorter than a pcap header" 2 "$T/short-header.pcap" -- --json -r "$T/short-header.pcap"
check "pcap cut inside a record's data" 2 "$T/cut-data.pcap" -- --json -r "$T/cut-data.pcap" &&
    cut_check "pcap cut inside a record's data" samples/02-keep-alive.pcap 15
check "pcap cut inside a record header" 2 "$T/cut-header.pcap" -- --json -r "$T/cut-header.pcap" &&
    cut_check "pcap cut inside a record header" samples/02-keep-alive.pcap 15
check "pcapng cut inside a block" 2 "$T/cut.pcapng" -- --json -r "$T/cut.pcapng" &&
    cut_check "pcapng cut inside a block" samples/03-browser-page.pcapng 23
# the cut is said: the message names it
for f in cut-data.pcap cut.pcapng; do
    timeout 10 "$bin" --json -r "$T/$f" 2>&1 >/dev/null | grep -qiE 'cut|truncated' ||
        { echo "FAIL $f: the message does not say the capture is cut"; fail=$((fail + 1)); }
done
# from standard input
# shellcheck disable=SC2002 # a pipe, not a file, on purpose
cat "$T/cut-data.pcap" | timeout 10 "$bin" --json -r - >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -ne 2 ] || [ "$(wc -l <"$T/err")" -ne 1 ] || ! grep -q "^httpstep: .*'-'" "$T/err"; then
    echo "FAIL cut capture on stdin: exit $rc (want 2), stderr: $(head -n 3 "$T/err")"
    fail=$((fail + 1))
else
    echo "ok   cut capture on stdin: exit 2: $(cat "$T/err")"
    cut_check "cut capture on stdin" samples/02-keep-alive.pcap 15
fi
check "record header claiming a 1 GB packet" 2 "$T/huge-record.pcap" -- \
    --json -r "$T/huge-record.pcap"
check "directory" 2 "$T/a-directory.pcap" -- --json -r "$T/a-directory.pcap"
check "missing file" 2 "$T/no-such-file.pcap" -- --json -r "$T/no-such-file.pcap"
# a mistyped file name without -r is not taken for a filter expression
check "missing file, no -r" 2 "$T/no-such-file.pcap" -- --json "$T/no-such-file.pcap"
check "missing file in a folder, no -r" 2 "$T/no-such-dir/capture" -- --json "$T/no-such-dir/capture"
check "pcapng with two link types" 2 "$T/two-link-types.pcapng" -- \
    --json -r "$T/two-link-types.pcapng" &&
    cut_check "pcapng with two link types" samples/03-browser-page.pcapng 20
check "unknown option" 1 "--no-such-option" -- \
    --json --no-such-option -r samples/01-classic-get.pcap
check "a value for an option without one" 1 "'--json=1' takes no value" -- \
    --json=1 -r samples/01-classic-get.pcap
check "bad BPF filter" 1 "tcp port port" -- --json -r samples/01-classic-get.pcap tcp port port
check "bad -c count" 1 "many" -- --json -c many -r samples/01-classic-get.pcap
check "bad -B buffer size" 1 "-B buffer size 'lots'" -- --json -B lots -r samples/01-classic-get.pcap
check "-B of 0 KiB" 1 "at least 1 KiB" -- --json -B 0 -r samples/01-classic-get.pcap
check "-B past 2 GiB" 1 "up to 2097151" -- --json -B 2097152 -r samples/01-classic-get.pcap

# a pcap header and no packet is not broken: the capture line, the stats line, exit 0
head -c 24 samples/01-classic-get.pcap >"$T/no-packets.pcap"
out=$(timeout 10 "$bin" --json -r "$T/no-packets.pcap" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 2 ]; then
    echo "FAIL capture without packets: exit $rc, output: $out"
    fail=$((fail + 1))
else
    echo "ok   capture without packets: exit 0, a capture and a stats line"
fi

[ $fail -eq 0 ] && echo "all broken input handled" && exit 0
echo "$fail broken-input checks failed"
exit 1
