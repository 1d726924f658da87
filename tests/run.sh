#!/bin/sh
# tests/run.sh - run every test against the binaries of $BUILD (make test)
#
# Unit tests: $BUILD/tests/test_* (cmocka). End-to-end tests: tests/e2e/*.sh
# and tests/e2e/*.py, run with HTTPSTEP=$BUILD/httpstep; exit 0 passes, 77
# skips (with the reason on its last line), anything else fails.
BUILD=${BUILD:-build}
HTTPSTEP=$(cd "$BUILD" && pwd)/httpstep
export BUILD HTTPSTEP
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
pass=0 fail=0 skip=0 failed=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() {
    name=$1
    shift
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
    0) pass=$((pass + 1)); printf '  ok    %-40s %3ss\n' "$name" "$secs" ;;
    77) skip=$((skip + 1)); printf '  skip  %-40s %s\n' "$name" "$(tail -n 1 "$log")" ;;
    *) fail=$((fail + 1)); failed="$failed $name"
       printf '  FAIL  %-40s (exit %s)\n' "$name" "$rc"
       tail -n 30 "$log" | sed 's/^/        /' ;;
    esac
}
echo "tests ($BUILD):"
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run "unit/$(basename "$t")" "$t"
done
for t in tests/e2e/*.sh tests/e2e/*.py; do
    [ -f "$t" ] || continue
    case $t in
    *.sh) run "e2e/$(basename "$t")" sh "$t" ;;
    *.py) run "e2e/$(basename "$t")" python3 "$t" ;;
    esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
