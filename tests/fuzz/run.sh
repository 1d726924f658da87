#!/bin/sh
# tests/fuzz/run.sh probe|fuzz|smoke|regress - run the libFuzzer harnesses
# (tests/fuzz/fuzz.mk builds them and calls this)
#
#   probe    exit 0 when clang can build and run a libFuzzer binary here;
#            else print why and exit 1
#   fuzz     each harness FUZZ_SECONDS (60), corpus kept in
#            $FUZZ_DIR/corpus/<harness>, seeds and dictionary; a line each:
#            executions, time, coverage (edges), crashes
#   smoke    the same for FUZZ_SECONDS (10) from the seeds alone, then the
#            regressions; fails on any crash
#   regress  every tests/fuzz/regressions/<harness>/* through its harness
#
# Environment: FUZZ_DIR (build-fuzz), FUZZ_CC (clang), FUZZ_HARNESSES,
# FUZZ_JOBS (harnesses run at once: 2, or 1 on one CPU), FUZZ_FLAGS (more
# libFuzzer flags). A crash leaves its input in $FUZZ_DIR/artifacts/<harness>/.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_HARNESSES=${FUZZ_HARNESSES:-capture packet tcp http content dns tls keylog pcapng h2 inspect lab}
FUZZ_FLAGS=${FUZZ_FLAGS:-}
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
FUZZ_JOBS=${FUZZ_JOBS:-$([ "$ncpu" -ge 2 ] && echo 2 || echo 1)}
# hangs, leaks and unbounded memory are failures too
LIMITS="-timeout=10 -rss_limit_mb=512 -malloc_limit_mb=256"
# ASan's quarantine (256 MB by default) would count against the RSS limit
ASAN_OPTIONS="quarantine_size_mb=64${ASAN_OPTIONS:+:$ASAN_OPTIONS}"  # the caller's options win
export ASAN_OPTIONS
DICT=tests/fuzz/http.dict  # unless the harness has its own, tests/fuzz/<harness>.dict
REGRESSIONS=tests/fuzz/regressions

max_len() {
    case $1 in
    packet | dns) echo 4096 ;;
    h2) echo 16384 ;;  # two runs per input: keep them quick
    *) echo 65536 ;;
    esac
}

probe() {
    if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
        echo "fuzz-smoke: skipped: no $FUZZ_CC (install clang and its fuzzer runtime, e.g. Debian's clang and libclang-rt-dev)"
        return 1
    fi
    tmp=$(mktemp -d) || return 1
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
        >"$tmp/probe.c"
    if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined -o "$tmp/probe" "$tmp/probe.c" \
        >"$tmp/log" 2>&1; then
        echo "fuzz-smoke: skipped: $FUZZ_CC cannot link -fsanitize=fuzzer,address,undefined" \
            "(no libFuzzer runtime: install libclang-rt-dev or compiler-rt): $(grep -m1 -i error "$tmp/log")"
        rm -rf "$tmp"
        return 1
    fi
    if ! "$tmp/probe" -runs=10 >"$tmp/log" 2>&1; then
        echo "fuzz-smoke: skipped: a libFuzzer binary does not run here: $(tail -n 1 "$tmp/log")"
        rm -rf "$tmp"
        return 1
    fi
    rm -rf "$tmp"
    return 0
}

seeds() {
    # the seeds are made anew when missing or older than their makers
    stamp=$FUZZ_DIR/seeds/.stamp
    if [ -f "$stamp" ] && [ "$stamp" -nt tests/fuzz/mkseeds.py ] && [ "$stamp" -nt tests/fuzz/seeds.sh ] &&
        [ "$stamp" -nt tests/fuzz/mkseeds_tls.py ]; then
        return 0
    fi
    mkdir -p "$FUZZ_DIR/seeds"
    sh tests/fuzz/seeds.sh "$FUZZ_DIR/seeds" >"$FUZZ_DIR/seeds.log" 2>&1 || {
        cat "$FUZZ_DIR/seeds.log"
        return 1
    }
    touch "$stamp"
}

artifacts() {
    ls "$FUZZ_DIR/artifacts/$1" 2>/dev/null | grep -c -E '^(crash|leak|timeout|oom|slow-unit)-'
}

# one harness, in the background: $FUZZ_DIR/logs/<tag>-<h>.log and .res (the
# tag, fuzz or smoke, keeps a smoke run from overwriting a long run's figures)
run_one() {
    h=$1 secs=$2 corpus=$3 tag=$4
    bin=$FUZZ_DIR/fuzz_$h
    mkdir -p "$FUZZ_DIR/artifacts/$h" "$FUZZ_DIR/logs" "$corpus"
    before=$(artifacts "$h")
    start=$(date +%s)
    dict=$DICT  # a harness may have its own (h2.dict, issue 16)
    [ -f "tests/fuzz/$h.dict" ] && dict=tests/fuzz/$h.dict
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" $LIMITS -max_len="$(max_len "$h")" -dict="$dict" \
        -artifact_prefix="$FUZZ_DIR/artifacts/$h/" -print_final_stats=1 $FUZZ_FLAGS \
        "$corpus" "$FUZZ_DIR/seeds/$h" >"$FUZZ_DIR/logs/$tag-$h.log" 2>&1
    rc=$?
    end=$(date +%s)
    echo "$rc $((end - start)) $before" >"$FUZZ_DIR/logs/$tag-$h.res"
}

report() {
    h=$1 tag=$2
    log=$FUZZ_DIR/logs/$tag-$h.log
    read -r rc took before <"$FUZZ_DIR/logs/$tag-$h.res"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    after=$(artifacts "$h")
    crashes=$((after - before))
    [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
    printf '  %-8s %10s execs %5ss  cov %5s edges  crashes %s\n' "$h" "${execs:-?}" "$took" \
        "${cov:-?}" "$crashes"
    if [ "$rc" -ne 0 ]; then
        grep -m1 -E '^==[0-9]+==ERROR|^fuzz check failed|ERROR: libFuzzer' "$log" | sed 's/^/      /'
        grep -m1 '^SUMMARY' "$log" | sed 's/^/      /'
        grep -o "Test unit written to .*" "$log" | sed 's/^/      /'
        echo "      log: $log"
        return 1
    fi
    return 0
}

# run the harnesses, FUZZ_JOBS at once; $1 seconds, $2 "keep" or "fresh" corpus
run_all() {
    secs=$1 mode=$2 fails=0 tag=fuzz
    [ "$mode" = keep ] || tag=smoke
    set -- $FUZZ_HARNESSES
    while [ $# -gt 0 ]; do
        batch="" pids="" i=0
        while [ "$i" -lt "$FUZZ_JOBS" ] && [ $# -gt 0 ]; do
            if [ "$mode" = keep ]; then
                corpus=$FUZZ_DIR/corpus/$1
            else
                corpus=$FUZZ_DIR/smoke-corpus/$1
                rm -rf "$corpus"
            fi
            run_one "$1" "$secs" "$corpus" "$tag" &
            pids="$pids $!" batch="$batch $1"
            shift
            i=$((i + 1))
        done
        for p in $pids; do
            wait "$p"
        done
        for h in $batch; do
            report "$h" "$tag" || fails=$((fails + 1))
        done
    done
    [ "$mode" = fresh ] && rm -rf "$FUZZ_DIR/smoke-corpus"
    return "$fails"
}

regress() {
    fails=0 total=0
    for h in $FUZZ_HARNESSES; do
        set --
        for f in "$REGRESSIONS/$h"/*; do
            [ -f "$f" ] && [ "$(basename "$f")" != README.md ] && set -- "$@" "$f"
        done
        [ $# -eq 0 ] && continue
        total=$((total + $#))
        # shellcheck disable=SC2086
        if "$FUZZ_DIR/fuzz_$h" $LIMITS "$@" >"$FUZZ_DIR/logs/regress-$h.log" 2>&1; then
            printf '  %-8s %3d reproducers ok\n' "$h" $#
        else
            printf '  %-8s FAIL: %s\n' "$h" "$(grep '^Running:' "$FUZZ_DIR/logs/regress-$h.log" | tail -n 1)"
            grep -m1 -E '^==[0-9]+==ERROR|^fuzz check failed' "$FUZZ_DIR/logs/regress-$h.log" |
                sed 's/^/      /'
            echo "      log: $FUZZ_DIR/logs/regress-$h.log"
            fails=$((fails + 1))
        fi
    done
    [ "$total" -eq 0 ] && echo "  no reproducers in $REGRESSIONS"
    return "$fails"
}

case ${1:-} in
probe)
    probe
    ;;
fuzz)
    seeds || exit 1
    echo "fuzz: ${FUZZ_SECONDS:-60}s per harness, $FUZZ_JOBS at once (corpus in $FUZZ_DIR/corpus):"
    run_all "${FUZZ_SECONDS:-60}" keep
    ;;
smoke)
    seeds || exit 1
    mkdir -p "$FUZZ_DIR/logs"
    echo "fuzz-smoke: ${FUZZ_SECONDS:-10}s per harness, $FUZZ_JOBS at once:"
    run_all "${FUZZ_SECONDS:-10}" fresh
    a=$?
    echo "fuzz-smoke: regressions:"
    regress
    b=$?
    [ "$a" -eq 0 ] && [ "$b" -eq 0 ] || { echo "fuzz-smoke: FAILED"; exit 1; }
    ;;
regress)
    mkdir -p "$FUZZ_DIR/logs"
    echo "fuzz-regress:"
    regress
    ;;
*)
    echo "usage: run.sh probe|fuzz|smoke|regress" >&2
    exit 2
    ;;
esac
