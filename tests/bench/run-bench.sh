#!/usr/bin/env bash
# run-bench.sh - `make bench`: httpstep against the libpcap floor, tcpflow and tshark.
#
# Usage: tests/bench/run-bench.sh [-n RUNS] HTTPSTEP_BINARY [PCAP]
#
# PCAP defaults to $BENCH_PCAP, else BENCH_DIR/big.pcap (BENCH_DIR/big-<MIB>M.pcap
# when BENCH_MIB is not 1024), recorded by gen-capture.sh when missing (root).
# Runs, interleaved round-robin so that drift hits every tool alike, RUNS times
# each (default 5): the floor (a pcap_next_ex loop), floor -f (+ 4-tuple hash),
# httpstep --stats, httpstep --json > /dev/null, and, when installed,
# tcpflow -e http and tshark -Y http (BENCH_SLOW_RUNS times, default 1: slow).
# Each run: wall time (monotonic clock), user+sys (wait4(2)) and peak RSS (GNU
# time %M, the command alone).
# Then: httpstep's peak RSS on a ~10 MiB head of the capture against the whole
# one (memory flatness), and on the gen-stress.py captures; then the TLS and
# HTTP/2 pairs (pairs-bench.sh: the same requests in clear, in TLS 1.3 and over
# HTTP/2 in TLS, recorded by gen-pairs.sh as root when missing); then, as root,
# live capture at loopback rate (live-bench.py: nginx and wrk in a network
# namespace, tcpdump as the floor, --stats, --json and the UI).
# Prints Markdown on stdout; progress goes to stderr.
#
# Environment:
#   BENCH_PCAP        capture to use when PCAP is not given
#   BENCH_MIB=1024    size of the capture to record when there is none
#   BENCH_DIR=/var/tmp/httpstep-bench   captures, the floor binary, last-run/ logs
#   BENCH_SLOW_RUNS=1 runs of tcpflow and tshark (0: skip them)
#   BENCH_TIMEOUT=1200  seconds before one run is killed
#   BENCH_STRICT=1    exit 1 when a target is missed (default: report only)
#   BENCH_PAIRS=1     the TLS and HTTP/2 pairs (0: skip them); BENCH_PAIR_MIB=256
#                     (the size of each), as pairs-bench.sh says
#   BENCH_LIVE=1      the live benchmark (0: skip it); LIVE_* as live-bench.py says
# Exit: 0 when every run finished (targets are reported, not enforced unless
# BENCH_STRICT=1), 1 on a failed run or setup error, 2 on usage.
set -euo pipefail

PROG=run-bench.sh
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=5
BENCH_DIR=${BENCH_DIR:-/var/tmp/httpstep-bench}
BENCH_MIB=${BENCH_MIB:-1024}
SLOW_RUNS=${BENCH_SLOW_RUNS:-1}
TIMEOUT=${BENCH_TIMEOUT:-1200}
SMALL_MIB=10

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }
usage() { echo "usage: $PROG [-n RUNS] HTTPSTEP_BINARY [PCAP]" >&2; exit 2; }
is_count() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }

while getopts n:h opt; do
    case $opt in
        n) RUNS=$OPTARG ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 2 ] || usage
is_count "$RUNS" && [ "$RUNS" -ge 1 ] || die "-n wants a number of runs >= 1, got '$RUNS'"
is_count "$SLOW_RUNS" || die "BENCH_SLOW_RUNS wants a number, got '$SLOW_RUNS'"
is_count "$TIMEOUT" || die "BENCH_TIMEOUT wants seconds, got '$TIMEOUT'"
[ "$SLOW_RUNS" -le "$RUNS" ] || SLOW_RUNS=$RUNS

HTTPSTEP=$1
case $HTTPSTEP in */*) ;; *) HTTPSTEP=$(command -v "$HTTPSTEP" || echo "$HTTPSTEP") ;; esac
[ -f "$HTTPSTEP" ] && [ -x "$HTTPSTEP" ] || die "'$1' is not an executable file"
HTTPSTEP=$(cd "$(dirname "$HTTPSTEP")" && pwd)/$(basename "$HTTPSTEP")
for t in python3 cc; do command -v "$t" >/dev/null || die "needs $t"; done
[ -x /usr/bin/time ] || die "needs GNU time for peak RSS (Debian: apt-get install time)"

# ------------------------------------------------------------------ capture
PCAP=${2:-${BENCH_PCAP:-}}
mkdir -p "$BENCH_DIR"
if [ -z "$PCAP" ]; then
    is_count "$BENCH_MIB" && [ "$BENCH_MIB" -ge 1 ] || die "BENCH_MIB wants MiB, got '$BENCH_MIB'"
    if [ "$BENCH_MIB" -eq 1024 ]; then PCAP=$BENCH_DIR/big.pcap; else PCAP=$BENCH_DIR/big-${BENCH_MIB}M.pcap; fi
    if [ ! -s "$PCAP" ]; then
        say "no capture at $PCAP: recording ${BENCH_MIB} MiB with gen-capture.sh (needs root)"
        "$HERE/gen-capture.sh" "$BENCH_MIB" "$PCAP" >&2 || die "gen-capture.sh failed"
    fi
fi
[ -r "$PCAP" ] || die "cannot read capture '$PCAP'"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/run-bench.XXXXXX")
LOGS=$BENCH_DIR/last-run
rm -rf "$LOGS"
mkdir -p "$LOGS"
TCPFLOW_DIR=$BENCH_DIR/tcpflow-out.$$         # on disk: tcpflow writes ~ the capture's size
cleanup() {
    rm -rf "$WORK" "$TCPFLOW_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ floor, helpers
FLOOR=$BENCH_DIR/floor
if [ ! -x "$FLOOR" ] || [ "$HERE/floor.c" -nt "$FLOOR" ]; then
    cc -O2 -Wall -o "$FLOOR" "$HERE/floor.c" -lpcap || die "cannot build the floor (needs libpcap-dev)"
fi

MEASURE=$HERE/measure.py   # one measured run: wall, user+sys, peak RSS, status

RESULTS=$WORK/results.tsv
: > "$RESULTS"

# measure LABEL LOGNAME STDOUT CMD...: one measured run; appends
# "LABEL<TAB>wall<TAB>user+sys<TAB>maxrss_kib<TAB>status" to RESULTS and prints it.
measure() {
    local label=$1 log=$2 out=$3 line
    shift 3
    line=$(python3 "$MEASURE" "$out" "$LOGS/$log.err" "$TIMEOUT" "$@")
    printf '%s\t%s\n' "$label" "$line" | tee -a "$RESULTS"
}

# run_tool TOOL PCAP LABEL LOGNAME: one measured run of TOOL on PCAP.
run_tool() {
    local tool=$1 pcap=$2 label=$3 log=$4
    case $tool in
        floor)   measure "$label" "$log" "$LOGS/$log.out" "$FLOOR" "$pcap" ;;
        floor-f) measure "$label" "$log" "$LOGS/$log.out" "$FLOOR" -f "$pcap" ;;
        stats)   measure "$label" "$log" "$LOGS/$log.out" "$HTTPSTEP" --stats -r "$pcap" ;;
        json)    measure "$label" "$log" /dev/null "$HTTPSTEP" --json -r "$pcap" ;;
        tshark)  measure "$label" "$log" /dev/null tshark -n -r "$pcap" -Y http ;;
        tcpflow)
            rm -rf "$TCPFLOW_DIR"
            mkdir -p "$TCPFLOW_DIR"
            measure "$label" "$log" "$LOGS/$log.out" tcpflow -e http -r "$pcap" -o "$TCPFLOW_DIR"
            rm -rf "$TCPFLOW_DIR"
            ;;
    esac
}

# show LINE: "label: wall s, RSS KiB, status" for progress messages.
show() {
    awk -F'\t' '{ printf "%s: %.3f s, %d KiB RSS, exit %s", $1, $2, $4, $5 }' <<< "$1"
}

# ------------------------------------------------------------------ main runs
TOOLS=(floor floor-f stats json)
SLOW=()
if [ "$SLOW_RUNS" -gt 0 ]; then
    command -v tcpflow >/dev/null && SLOW+=(tcpflow) || say "tcpflow not installed: skipped"
    command -v tshark >/dev/null && SLOW+=(tshark) || say "tshark not installed: skipped"
fi

say "warming the page cache with $PCAP"
cat "$PCAP" > /dev/null
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)   # the machine's load, reported with the figures
for ((r = 1; r <= RUNS; r++)); do
    set -- "${TOOLS[@]}"
    [ "$r" -gt "$SLOW_RUNS" ] || set -- "$@" "${SLOW[@]}"
    for t in "$@"; do
        say "round $r/$RUNS: $(show "$(run_tool "$t" "$PCAP" "$t" "$t-$r")")"
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
grep -q $'^floor\t[^\t]*\t[^\t]*\t[^\t]*\t0$' "$RESULTS" || die "the floor did not run on '$PCAP'"
FLOOR_LINE=$(cat "$LOGS/floor-1.out")
FLOWS_LINE=$(cat "$LOGS/floor-f-1.out")

# ---------------------------------------------------------- memory flatness
field() { # LINE KEY: value of KEY=... in LINE
    sed -n "s/.*\\b$2=\\([0-9]*\\).*/\\1/p" <<< "$1"
}
PACKETS=$(field "$FLOOR_LINE" packets)
SIZE=$(stat -c %s "$PCAP")
SMALL=""
if [ "$SIZE" -gt $((SMALL_MIB * 1048576 * 3 / 2)) ]; then
    N=$((PACKETS * SMALL_MIB * 1048576 / SIZE))
    SMALL=$BENCH_DIR/$(basename "${PCAP%.*}")-head${SMALL_MIB}M.pcap
    if [ ! -s "$SMALL" ] || [ "$PCAP" -nt "$SMALL" ]; then
        if command -v tcpdump >/dev/null; then
            tcpdump -Z root -r "$PCAP" -c "$N" -w "$SMALL" 2>/dev/null || SMALL=""
        elif command -v editcap >/dev/null; then
            editcap -F pcap -r "$PCAP" "$SMALL" "1-$N" || SMALL=""
        else
            say "neither tcpdump nor editcap: no memory-flatness check"
            SMALL=""
        fi
    fi
fi
if [ -n "$SMALL" ]; then
    cat "$SMALL" > /dev/null
    for ((r = 1; r <= 3; r++)); do
        for t in stats json; do
            say "head ${SMALL_MIB} MiB: $(show "$(run_tool "$t" "$SMALL" "small-$t" "small-$t-$r")")"
        done
    done
fi

# ------------------------------------------------------------ stress captures
STRESS=(conns-100k header-10mb)
if [ ! -s "$BENCH_DIR/conns-100k.pcap" ] || [ ! -s "$BENCH_DIR/header-10mb.pcap" ] ||
   [ "$HERE/gen-stress.py" -nt "$BENCH_DIR/conns-100k.pcap" ]; then
    say "writing the stress captures with gen-stress.py"
    python3 "$HERE/gen-stress.py" -o "$BENCH_DIR" >&2 || die "gen-stress.py failed"
fi
for s in "${STRESS[@]}"; do
    cat "$BENCH_DIR/$s.pcap" > /dev/null
    say "stress: $(show "$(run_tool stats "$BENCH_DIR/$s.pcap" "stress-$s" "stress-$s")")"
done

# -------------------------------------------------------------- the UI
# time to the first exchange on screen, and the memory of the whole index,
# with httpstep in a real terminal (tmux); not a timed test, a measurement
UI_RESULT=""
if command -v tmux >/dev/null; then
    UI_RESULT=$(python3 - "$HTTPSTEP" "$PCAP" <<'PYEOF' || true
import os, re, subprocess, sys, tempfile, time
binary, pcap = sys.argv[1], sys.argv[2]
sock = os.path.join(tempfile.mkdtemp(prefix="httpstep-ui-bench."), "tmux.sock")
tm = lambda *a: subprocess.run(["tmux", "-S", sock, "-f", "/dev/null"] + list(a),
                               stdout=subprocess.PIPE, text=True, timeout=20).stdout
t0 = time.monotonic()
tm("new-session", "-d", "-s", "b", "-x", "100", "-y", "30",
   "LANG=C.UTF-8 TERM=xterm-256color exec %s --lang en %s" % (binary, pcap))
pid = int(tm("display", "-p", "-t", "b", "#{pane_pid}").strip())
first = None
while time.monotonic() - t0 < 30:
    s = tm("capture-pane", "-p", "-t", "b")
    if re.search(r"exchange 1/\d+", s):
        first = time.monotonic() - t0
        break
    time.sleep(0.005)
loaded = None
while time.monotonic() - t0 < 600:
    s = tm("capture-pane", "-p", "-t", "b")
    if "loading" not in s.splitlines()[0]:
        loaded = time.monotonic() - t0
        break
    time.sleep(0.1)
m = re.search(r"exchange \d+/(\d+)", s)
rows = int(m.group(1)) if m else 0
hwm = 0
for line in open("/proc/%d/status" % pid):
    if line.startswith("VmHWM:"):
        hwm = int(line.split()[1])
tm("send-keys", "-t", "b", "q")
time.sleep(0.3)
tm("kill-server")
bound = 64 * 1024 + rows * 256 / 1024.0
print("first=%.3f loaded=%s rows=%d hwm_kib=%d bound_kib=%d" % (
    first if first is not None else -1, "%.1f" % loaded if loaded else "-", rows, hwm, bound))
PYEOF
)
    say "UI: $UI_RESULT"
fi

# ------------------------------------------------------------------- report
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
LIBPCAP=$(pcap-config --version 2>/dev/null || dpkg-query -W -f '${Version}' libpcap0.8 2>/dev/null || echo unknown)
REQS=""
[ -r "$PCAP.txt" ] && REQS=$(sed -n 's/^requests=\([0-9]*\).*/\1/p' "$PCAP.txt")
VERSIONS=""
for t in "${SLOW[@]}"; do
    case $t in
        tshark)  VERSIONS="$VERSIONS, $( (tshark --version 2>/dev/null || true) | sed -n '1s/^TShark (Wireshark) \([^ ]*\).*/TShark \1/p')" ;;
        tcpflow) VERSIONS="$VERSIONS, $( (tcpflow --version 2>/dev/null || true) | sed -n 1p)" ;;
    esac
done

rc=0
(python3 - "$RESULTS" "$RUNS" "$SLOW_RUNS" "${BENCH_STRICT:-0}" <<EOF
import statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    tool, wall, cpu, rss, status = line.rstrip("\n").split("\t")
    rows[tool].append((float(wall), float(cpu), int(rss), status))
runs, slow_runs, strict = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
missed = []

def ok(runs_):
    return [r for r in runs_ if r[3] == "0"]

def summary(tool):
    good = ok(rows.get(tool, []))
    if not good:
        return None
    return (statistics.median(r[0] for r in good), statistics.median(r[1] for r in good),
            max(r[2] for r in good) / 1024.0)

def mib(kib_max):
    return f"{kib_max:.1f}"

print("## httpstep benchmark\n")
print("- capture: \`$PCAP\`, $SIZE bytes ($((SIZE / 1048576)) MiB), $PACKETS packets, "
      "$(field "$FLOWS_LINE" syns) connections (SYNs), $(field "$FLOWS_LINE" connections) distinct 4-tuples"
      + (", $REQS requests" if "$REQS" else ""))
print("- machine: $(nproc) CPUs (nproc), $CPU, $MEM RAM, Linux $(uname -r), libpcap $LIBPCAP$VERSIONS; "
      "load average (1, 5, 15 min) $LOAD_BEFORE before the rounds, $LOAD_AFTER after")
print(f"- method: page cache warm, tools interleaved round-robin, rounds: {runs}; "
      "median of the runs; peak RSS is the largest over the runs (GNU time %M)")
print()
print("| tool | runs | median wall (s) | median user+sys (s) | peak RSS (MiB) | wall / floor | target |")
print("|---|---:|---:|---:|---:|---:|---|")
floor = summary("floor")
base = floor[0]
names = [("floor", "floor (pcap_next_ex loop)", None),
         ("floor-f", "floor -f (+ Ethernet/IP/TCP parse, 4-tuple hash)", None),
         ("stats", "httpstep --stats", 2.0),
         ("json", "httpstep --json > /dev/null", 5.0),
         ("tcpflow", "tcpflow -e http", None),
         ("tshark", "tshark -Y http", None)]
for key, label, target in names:
    if key not in rows:
        continue
    s = summary(key)
    n = len(rows[key])
    bad = [r[3] for r in rows[key] if r[3] != "0"]
    if s is None:
        print(f"| {label} | {n} | failed ({bad[0]}) | | | | {'MISSED' if target else ''} |")
        if target:
            missed.append(label)
        continue
    mult = s[0] / base
    tgt = ""
    if target is not None:
        met = mult <= target and s[2] <= 32 and not bad
        tgt = f"<= {target:g}x, <= 32 MiB: {'met' if met else 'MISSED'}"
        if not met:
            missed.append(label)
    note = f" ({len(bad)} failed)" if bad else ""
    print(f"| {label} | {n}{note} | {s[0]:.3f} | {s[1]:.3f} | {mib(s[2])} | {mult:.1f}x | {tgt} |")
if slow_runs < runs and any(k in rows for k in ("tcpflow", "tshark")):
    print(f"\ntcpflow and tshark are slow: {slow_runs} run(s) each (BENCH_SLOW_RUNS), "
          "their median is of those runs.")

small = {k: summary("small-" + k) for k in ("stats", "json")}
if any(k.startswith("small-") for k in rows):
    print("\n### Memory flatness: httpstep peak RSS (MiB), ${SMALL_MIB} MiB head vs the whole capture\n")
    print("| mode | ${SMALL_MIB} MiB head | whole capture | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for k, label in (("stats", "--stats"), ("json", "--json")):
        a, b = small[k], summary(k)
        if not a or not b:
            print(f"| {label} | {'failed' if not a else mib(a[2])} | {'failed' if not b else mib(b[2])} | | MISSED |")
            missed.append("flatness " + label)
            continue
        ratio = b[2] / a[2]
        met = ratio <= 1.5 and b[2] <= 32
        if not met:
            missed.append("flatness " + label)
        print(f"| {label} | {mib(a[2])} | {mib(b[2])} | {ratio:.2f} | <= 1.5, <= 32 MiB: {'met' if met else 'MISSED'} |")

print("\n### Stress captures (gen-stress.py): httpstep --stats\n")
print("| capture | wall (s) | user+sys (s) | peak RSS (MiB) | exit |")
print("|---|---:|---:|---:|---|")
for key in sorted(k for k in rows if k.startswith("stress-")):
    wall, cpu, rss, status = rows[key][0]
    shown = mib(rss / 1024.0) if rss else "-"
    print(f"| {key[7:]}.pcap | {wall:.3f} | {cpu:.3f} | {shown} | {status} |")

ui = "$UI_RESULT"
if ui:
    f = dict(kv.split("=") for kv in ui.split())
    first, rows, hwm, bound = float(f["first"]), int(f["rows"]), int(f["hwm_kib"]), int(f["bound_kib"])
    print("\n### The UI on this capture (tmux, 100x30)\n")
    print("| measure | value | target |")
    print("|---|---:|---|")
    met = 0 <= first <= 0.2
    print(f"| first exchange on screen | {first:.3f} s | <= 0.2 s: {'met' if met else 'MISSED'} |")
    if not met:
        missed.append("UI first exchange")
    print(f"| whole capture loaded | {f['loaded']} s | |")
    met = hwm <= bound
    print(f"| peak RSS with the index of {rows} rows | {hwm / 1024:.1f} MiB | <= 64 MiB + 256 B x rows "
          f"= {bound / 1024:.1f} MiB: {'met' if met else 'MISSED'} |")
    if not met:
        missed.append("UI memory")

if missed:
    print("\nTargets missed: " + "; ".join(missed))
sys.exit(1 if strict and missed else 0)
EOF
) || rc=$?

if [ -s "$LOGS/stats-1.out" ]; then
    printf '\n### httpstep --stats output (round 1)\n\n```\n'
    head -n 30 "$LOGS/stats-1.out"
    printf '```\n'
fi
# ------------------------------------------------------------ TLS, HTTP/2
if [ "${BENCH_PAIRS:-1}" != 0 ]; then
    echo
    "$HERE/pairs-bench.sh" -n "$RUNS" "$HTTPSTEP" || { say "the TLS and HTTP/2 pairs failed"; rc=1; }
fi
# ------------------------------------------------------------------- live
if [ "${BENCH_LIVE:-1}" != 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "not root: no live benchmark (network namespace, capture)"
    else
        echo
        python3 "$HERE/live-bench.py" "$HTTPSTEP" || { say "the live benchmark failed"; rc=1; }
    fi
fi

say "logs of the runs in $LOGS"
FAILED=$(awk -F'\t' '$5 != "0"' "$RESULTS" | wc -l)
[ "$FAILED" -eq 0 ] || say "$FAILED run(s) failed, see the .err files in $LOGS"
[ "$rc" -eq 0 ] && [ "$FAILED" -eq 0 ]
