#!/bin/sh
# tests/fuzz/seeds.sh OUTDIR - seed corpora for the harnesses of tests/fuzz/:
# OUTDIR/{capture,packet,tcp,http,content,inspect}/
#
# From the captures samples/*.pcap*, tests/data/*.pcap and, when present,
# ../shared/corpus/*.pcap* (third-party: they are only read here, and what
# is made of them stays in OUTDIR, a build directory: never commit it),
# plus small handwritten seeds, all by mkseeds.py (python3, standard library).
# Without python3 only the capture seeds are made (the captures, copied).
set -u
out=${1:?usage: seeds.sh OUTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
for d in capture packet tcp http content inspect; do
    rm -rf "${out:?}/$d"
done
mkdir -p "$out/capture" "$out/packet" "$out/tcp" "$out/http" "$out/content" "$out/inspect" || exit 1

set --
for f in "$top"/samples/*.pcap* "$top"/tests/data/*.pcap "$top"/../shared/corpus/*.pcap*; do
    [ -f "$f" ] && set -- "$@" "$f"
done

if command -v python3 >/dev/null 2>&1; then
    python3 "$top/tests/fuzz/mkseeds.py" "$out" "$@" || exit 1
else
    echo "seeds.sh: no python3: only the captures are seeds (capture harness)" >&2
    for f in "$@"; do
        # big captures make slow seeds
        [ "$(wc -c <"$f")" -le 65536 ] && cp "$f" "$out/capture/"
    done
fi
for d in capture packet tcp http content inspect; do
    printf '%s %s  ' "$d" "$(ls "$out/$d" | wc -l)"
done
echo "seeds in $out"
