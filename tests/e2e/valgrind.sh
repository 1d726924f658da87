#!/bin/sh
# valgrind memcheck over every sample and test capture, in every output mode:
# no errors, no leaks. (make valgrind; skipped for sanitizer builds, which
# valgrind cannot run.)
HTTPSTEP=${HTTPSTEP:-./httpstep}
case $HTTPSTEP in
*build-san*) echo "a sanitizer build: valgrind runs on the plain build"; exit 77 ;;
esac
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 77; }
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
fail=0
n=0
for f in samples/*.pcap samples/*.pcapng tests/data/*.pcap; do
    for mode in --json --text; do  # --stats is --json's path without the writing
        n=$((n + 1))
        if ! valgrind -q --error-exitcode=99 --leak-check=full \
            --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible \
            "$HTTPSTEP" $mode -r "$f" >/dev/null 2>/tmp/httpstep-vg.$$; then
            echo "FAIL: valgrind $mode $f:"
            head -n 30 /tmp/httpstep-vg.$$
            fail=1
        fi
    done
done
rm -f /tmp/httpstep-vg.$$
[ $fail -eq 0 ] && echo "valgrind: $n runs clean"
exit $fail
