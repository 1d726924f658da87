#!/bin/sh
# valgrind memcheck over every sample and test capture, in every output mode:
# no errors, no leaks. (make valgrind; skipped for sanitizer builds, which
# valgrind cannot run.)
top=$(cd "$(dirname "$0")/../.." && pwd)
HTTPSTEP=${HTTPSTEP:-$top/httpstep}
case $HTTPSTEP in
/*) ;;
*) HTTPSTEP=$(pwd)/$HTTPSTEP ;;
esac
# valgrind cannot run a sanitizer build (build-san/, or make SANITIZE=... ./httpstep)
if case $HTTPSTEP in *build-san*) true ;; *) false ;; esac ||
    ldd "$HTTPSTEP" 2>/dev/null | grep -q -e libasan -e libubsan; then
    echo "a sanitizer build: valgrind runs on the plain build"
    exit 77
fi
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 77; }
cd "$top" || exit 1
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
fail=0
n=0
for f in samples/*.pcap samples/*.pcapng tests/data/*.pcap; do
    for mode in --json --text; do  # --stats is --json's path without the writing
        n=$((n + 1))
        if ! valgrind -q --error-exitcode=99 --leak-check=full \
            --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible \
            "$HTTPSTEP" $mode -r "$f" >/dev/null 2>"$log"; then
            echo "FAIL: valgrind $mode $f:"
            head -n 30 "$log"
            fail=1
        fi
    done
done
[ $fail -eq 0 ] && echo "valgrind: $n runs clean"
exit $fail
