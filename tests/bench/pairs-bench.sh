#!/usr/bin/env bash
# pairs-bench.sh - the TLS and HTTP/2 pairs of `make bench` (issues 15 and 16): httpstep
# --json on the same requests over HTTP/1.1 in clear, HTTP/1.1 in TLS 1.3 (AES-128-GCM,
# decrypted with the key log beside the capture) and HTTP/2 in TLS 1.3, side by side.
#
# Usage: tests/bench/pairs-bench.sh [-n RUNS] HTTPSTEP_BINARY [PREFIX]
#
# PREFIX names the captures gen-pairs.sh writes (PREFIX-h1.pcap, PREFIX-tls.pcap and
# .keys, PREFIX-h2.pcap and .keys, PREFIX.txt); default BENCH_DIR/pair-<MIB>M, recorded
# by gen-pairs.sh when missing (root).  First one checking run each: every request of
# PREFIX.txt must come out as an exchange, none of them encrypted.  Then RUNS rounds
# (default 5), each running --json on the three captures one after the other (interleaved,
# so that the machine's drift hits the three alike); the medians, and the targets:
#   TLS:    --json on the TLS capture <= 1.5x --json on the cleartext one
#   HTTP/2: --json on the HTTP/2 capture <= 2x --json on the HTTP/1.1 one, both in TLS
# Then peak RSS on a ~10 MiB head of each capture against the whole one (memory flat:
# at most 1.5x and 32 MiB).  Prints Markdown on stdout, progress on stderr, logs in
# BENCH_DIR/last-pairs/.
#
# Environment:
#   BENCH_PAIR_MIB=256  size of the cleartext capture to record when there is none (the
#                       two others carry the same requests)
#   BENCH_DIR=/var/tmp/httpstep-bench   captures and logs
#   BENCH_TIMEOUT=1200  seconds before one run is killed
#   BENCH_STRICT=1      exit 1 when a target is missed (default: report only)
# Exit: 0 when every run finished (and, with BENCH_STRICT=1, every target was met),
# 1 on a failed run, a failed check or a setup error, 2 on usage.
set -euo pipefail

PROG=pairs-bench.sh
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=5
BENCH_DIR=${BENCH_DIR:-/var/tmp/httpstep-bench}
PAIR_MIB=${BENCH_PAIR_MIB:-256}
TIMEOUT=${BENCH_TIMEOUT:-1200}
SMALL_MIB=10

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }
usage() { echo "usage: $PROG [-n RUNS] HTTPSTEP_BINARY [PREFIX]" >&2; exit 2; }
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
is_count "$TIMEOUT" || die "BENCH_TIMEOUT wants seconds, got '$TIMEOUT'"
is_count "$PAIR_MIB" && [ "$PAIR_MIB" -ge 1 ] || die "BENCH_PAIR_MIB wants MiB, got '$PAIR_MIB'"

HTTPSTEP=$1
case $HTTPSTEP in */*) ;; *) HTTPSTEP=$(command -v "$HTTPSTEP" || echo "$HTTPSTEP") ;; esac
[ -f "$HTTPSTEP" ] && [ -x "$HTTPSTEP" ] || die "'$1' is not an executable file"
HTTPSTEP=$(cd "$(dirname "$HTTPSTEP")" && pwd)/$(basename "$HTTPSTEP")
command -v python3 >/dev/null || die "needs python3"
[ -x /usr/bin/time ] || die "needs GNU time for peak RSS (Debian: apt-get install time)"

# ------------------------------------------------------------------ captures
PREFIX=${2:-$BENCH_DIR/pair-${PAIR_MIB}M}
NAMES=(h1 tls h2)
FILES=("$PREFIX-h1.pcap" "$PREFIX-tls.pcap" "$PREFIX-tls.keys" "$PREFIX-h2.pcap" "$PREFIX-h2.keys" "$PREFIX.txt")
have_all() {
    local f
    for f in "${FILES[@]}"; do [ -s "$f" ] || return 1; done
}
mkdir -p "$BENCH_DIR"
if ! have_all; then
    [ $# -lt 2 ] || die "missing files of '$PREFIX' (gen-pairs.sh writes them)"
    say "no pair at $PREFIX: recording ${PAIR_MIB} MiB x 3 with gen-pairs.sh (needs root)"
    "$HERE/gen-pairs.sh" "$PAIR_MIB" "$PREFIX" >&2 || die "gen-pairs.sh failed"
    have_all || die "gen-pairs.sh did not write every file of '$PREFIX'"
fi
REQS=$(sed -n 's/^requests=\([0-9]*\)$/\1/p' "$PREFIX.txt")
is_count "$REQS" || die "no requests= line in $PREFIX.txt"

LOGS=$BENCH_DIR/last-pairs
rm -rf "$LOGS"
mkdir -p "$LOGS"
MEASURE=$HERE/measure.py
RESULTS=$LOGS/results.tsv
: > "$RESULTS"

# args NAME PCAP: httpstep's arguments for that capture (its key log, if it has one)
args() {
    local keys=$PREFIX-$1.keys
    ARGS=(--json)
    [ "$1" = h1 ] || ARGS+=(--keylog "$keys")
    ARGS+=(-r "$2")
}

# json LABEL NAME PCAP OUT: one measured --json run; appends its line to RESULTS
json() {
    local label=$1 line
    args "$2" "$3"
    line=$(python3 "$MEASURE" "$4" "$LOGS/$label.err" "$TIMEOUT" "$HTTPSTEP" "${ARGS[@]}")
    printf '%s\t%s\n' "$label" "$line" | tee -a "$RESULTS"
}

show() {
    awk -F'\t' '{ printf "%s: %.3f s, %d KiB RSS, exit %s", $1, $2, $4, $5 }' <<< "$1"
}

# --------------------------------------------------------- the checking runs
# also warms the page cache; the output is kept for the check, not timed
for n in "${NAMES[@]}"; do
    pcap=$PREFIX-$n.pcap
    say "checking $n: $(show "$(json "check-$n" "$n" "$pcap" "$LOGS/check-$n.json")")"
    ex=$(grep -c '^{"type":"exchange"' "$LOGS/check-$n.json" || true)
    enc=$(grep -c '"stage":"encrypted"' "$LOGS/check-$n.json" || true)
    bad=$(grep -cE '"kind":"tls_(no_keys|decrypt_error|unsupported)"' "$LOGS/check-$n.json" || true)
    echo "$n exchanges=$ex encrypted_stages=$enc tls_notes=$bad" >> "$LOGS/checks.txt"
    [ "$ex" -eq "$REQS" ] && [ "$enc" -eq 0 ] && [ "$bad" -eq 0 ] ||
        die "$n: $ex exchanges of $REQS requests, $enc encrypted stages, $bad notes tls_no_keys/tls_decrypt_error/tls_unsupported (see $LOGS/check-$n.json)"
done
rm -f "$LOGS"/check-*.json

# ------------------------------------------------------------------- rounds
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= RUNS; r++)); do
    for n in "${NAMES[@]}"; do
        say "round $r/$RUNS: $(show "$(json "$n-$r" "$n" "$PREFIX-$n.pcap" /dev/null)")"
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------- memory flatness
# a head of ~SMALL_MIB MiB of each capture (the same key log decrypts it)
for n in "${NAMES[@]}"; do
    pcap=$PREFIX-$n.pcap
    head=$PREFIX-$n-head${SMALL_MIB}M.pcap
    if [ ! -s "$head" ] || [ "$pcap" -nt "$head" ]; then
        size=$(stat -c %s "$pcap")
        packets=$(sed -n "s/^$n: .* packets=\\([0-9]*\\).*/\\1/p" "$PREFIX.txt")
        is_count "$packets" || die "no packets= for $n in $PREFIX.txt"
        count=$((packets * SMALL_MIB * 1048576 / size))
        if command -v tcpdump >/dev/null; then
            tcpdump -Z root -r "$pcap" -c "$count" -w "$head" 2>/dev/null || die "tcpdump could not cut $head"
        elif command -v editcap >/dev/null; then
            editcap -F pcap -r "$pcap" "$head" "1-$count" || die "editcap could not cut $head"
        else
            die "neither tcpdump nor editcap: no head for the memory check"
        fi
    fi
    cat "$head" > /dev/null
done
for ((r = 1; r <= 3; r++)); do
    for n in "${NAMES[@]}"; do
        say "head ${SMALL_MIB} MiB: $(show "$(json "small-$n-$r" "$n" "$PREFIX-$n-head${SMALL_MIB}M.pcap" /dev/null)")"
    done
done

# ------------------------------------------------------------------- report
SIZES=""
for n in "${NAMES[@]}"; do SIZES="$SIZES $(stat -c %s "$PREFIX-$n.pcap")"; done
CONNS=$(sed -n 's/^connections=\([0-9]*\)$/\1/p' "$PREFIX.txt")
rc=0
python3 - "$RESULTS" "$RUNS" "${BENCH_STRICT:-0}" "$PREFIX" "$REQS" "$CONNS" "$LOAD_BEFORE" \
    "$LOAD_AFTER" "$SMALL_MIB" $SIZES <<'EOF' || rc=$?
import statistics, sys
from collections import defaultdict

(results, runs, strict, prefix, reqs, conns, load_before, load_after, small_mib,
 *sizes) = sys.argv[1:]
runs, strict = int(runs), strict == "1"
sizes = dict(zip(("h1", "tls", "h2"), (int(s) for s in sizes)))
rows = defaultdict(list)
for line in open(results):
    label, wall, cpu, rss, status = line.rstrip("\n").split("\t")
    key = label.rsplit("-", 1)[0]
    rows[key].append((float(wall), float(cpu), int(rss), status, label))
missed, failed = [], []

def good(key):
    runs_ = rows.get(key, [])
    failed.extend(r[4] for r in runs_ if r[3] != "0")
    return [r for r in runs_ if r[3] == "0"]

def med(key, i):
    g = good(key)
    return statistics.median(r[i] for r in g) if g else None

names = {"h1": "HTTP/1.1 in clear", "tls": "HTTP/1.1 in TLS 1.3 (AES-128-GCM), --keylog",
         "h2": "HTTP/2 in TLS 1.3, --keylog"}
print("## TLS and HTTP/2 pairs: httpstep --json on the same requests\n")
print(f"- captures: `{prefix}-{{h1,tls,h2}}.pcap` (gen-pairs.sh), {reqs} requests on {conns} "
      "connections each; key logs beside them")
print(f"- load average (1, 5, 15 min) {load_before} before the rounds, {load_after} after; "
      f"{runs} rounds, the three captures one after the other in each; median of the runs")
print()
print("| capture | size (MiB) | median wall (s) | median user+sys (s) | peak RSS (MiB) |")
print("|---|---:|---:|---:|---:|")
for k in ("h1", "tls", "h2"):
    w, c = med(k, 0), med(k, 1)
    g = good(k)
    if w is None:
        print(f"| {names[k]} | {sizes[k] / 1048576:.0f} | failed | | |")
        continue
    print(f"| {names[k]} | {sizes[k] / 1048576:.0f} | {w:.3f} | {c:.3f} | {max(r[2] for r in g) / 1024:.1f} |")

def per_round(a, b):
    ra = {r[4].rsplit("-", 1)[1]: r[0] for r in good(a)}
    rb = {r[4].rsplit("-", 1)[1]: r[0] for r in good(b)}
    return sorted(rb[k] / ra[k] for k in ra if k in rb)

print()
print("| ratio | of medians | per round (min-max) | target |")
print("|---|---:|---:|---|")
for a, b, target, label in (("h1", "tls", 1.5, "TLS / clear (wall)"),
                            ("tls", "h2", 2.0, "HTTP/2 / HTTP/1.1, both in TLS (wall)"),
                            ("h1", "h2", None, "HTTP/2 in TLS / HTTP/1.1 in clear (wall)")):
    wa, wb = med(a, 0), med(b, 0)
    if wa is None or wb is None:
        print(f"| {label} | failed | | {'MISSED' if target else ''} |")
        if target:
            missed.append(label)
        continue
    rr = per_round(a, b)
    ratio = wb / wa
    tgt = ""
    if target is not None:
        met = ratio <= target
        tgt = f"<= {target:g}x: {'met' if met else 'MISSED'}"
        if not met:
            missed.append(label)
    print(f"| {label} | {ratio:.2f}x | {rr[0]:.2f}-{rr[-1]:.2f}x | {tgt} |")
    cpu_a, cpu_b = med(a, 1), med(b, 1)
    print(f"| {label.replace('(wall)', '(user+sys)')} | {cpu_b / cpu_a:.2f}x | | |")

print(f"\n### Memory flatness: peak RSS (MiB), {small_mib} MiB head vs the whole capture\n")
print(f"| capture | {small_mib} MiB head | whole capture | ratio | target |")
print("|---|---:|---:|---:|---|")
for k in ("h1", "tls", "h2"):
    a, b = good("small-" + k), good(k)
    if not a or not b:
        print(f"| {names[k]} | {'failed' if not a else ''} | {'failed' if not b else ''} | | MISSED |")
        missed.append("flatness " + k)
        continue
    sa, sb = max(r[2] for r in a) / 1024, max(r[2] for r in b) / 1024
    met = sb / sa <= 1.5 and sb <= 32
    if not met:
        missed.append("flatness " + k)
    print(f"| {names[k]} | {sa:.1f} | {sb:.1f} | {sb / sa:.2f} | <= 1.5, <= 32 MiB: {'met' if met else 'MISSED'} |")

if failed:
    print("\nFailed runs: " + ", ".join(sorted(set(failed))))
if missed:
    print("\nTargets missed: " + "; ".join(missed))
sys.exit(1 if failed or (strict and missed) else 0)
EOF
say "logs of the runs in $LOGS"
exit "$rc"
