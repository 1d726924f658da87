#!/bin/sh
# tests/fuzz/seeds.sh OUTDIR - seed corpora for the harnesses of tests/fuzz/:
# OUTDIR/{capture,packet,tcp,http,content,dns,tls,keylog,pcapng,h2,inspect}/
#
# From the captures samples/*.pcap*, tests/data/*.pcap, tests/data/dns/*.pcap,
# tests/data/tunnel/*.pcap and, when present,
# ../shared/corpus/*.pcap* (third-party: they are only read here, and what
# is made of them stays in OUTDIR, a build directory: never commit it),
# plus small handwritten seeds, all by mkseeds.py (python3, standard library).
# Without python3 only the capture seeds are made (the captures, copied).
set -u
out=${1:?usage: seeds.sh OUTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
for d in capture packet tcp http content dns h2 inspect; do
    rm -rf "${out:?}/$d"
done
mkdir -p "$out/capture" "$out/packet" "$out/tcp" "$out/http" "$out/content" "$out/dns" "$out/h2" "$out/inspect" || exit 1

set --
for f in "$top"/samples/*.pcap* "$top"/tests/data/*.pcap "$top"/tests/data/dns/*.pcap \
    "$top"/tests/data/tunnel/*.pcap \
    "$top"/tests/data/h2/*.pcap \
    "$top"/../shared/corpus/*.pcap*; do
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
# TLS (issue 15): seeds of fuzz_tls, fuzz_keylog and fuzz_pcapng, from
# handwritten conversations, RFC 8448's records and tests/data/tls/
for d in tls keylog pcapng; do
    rm -rf "${out:?}/$d"
done
mkdir -p "$out/tls" "$out/keylog" "$out/pcapng" || exit 1
if command -v python3 >/dev/null 2>&1; then
    for f in "$top"/tests/data/tls/*.pcap* "$top"/tests/data/tls/*.keys; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
    python3 "$top/tests/fuzz/mkseeds_tls.py" "$out" "$@" || exit 1
fi
# lab mode (issue 19): the small samples behind a part byte (0: a capture),
# and answers behind 1
rm -rf "${out:?}/lab"
mkdir -p "$out/lab" || exit 1
# (HTTPS, HTTP/2 and DNS: tests/data's captures too; a TLS 1.2 certificate and
# the hellos are read without keys, a pcapng brings its own)
for f in "$top"/samples/*.pcap* "$top"/tests/data/tls/*.pcap* "$top"/tests/data/h2/*.pcap \
    "$top"/tests/data/dns/*.pcap; do
    [ "$(wc -c <"$f")" -le 65536 ] || continue
    case $f in */tests/data/*) name=$(basename "$(dirname "$f")")-$(basename "$f") ;;
        *) name=$(basename "$f") ;; esac
    { printf '\000'; cat "$f"; } >"$out/lab/$name"
done
for a in "1,039" "10.3 ms" "If-Modified-Since:" "b)" "Mon, 02 Sep 2024 08:00:00 GMT" \
    "TLS 1.3" "class.example" "CN=localhost" "/style.css" "NXDOMAIN" "3.4 ms" "fd77::1"; do
    printf '\001%s' "$a" >"$out/lab/answer-$(printf '%s' "$a" | cksum | cut -d' ' -f1)"
done
# teacher lessons (issue 19): the bundled lessons
rm -rf "${out:?}/lesson"
mkdir -p "$out/lesson" || exit 1
cp "$top"/samples/lessons/*.lesson "$out/lesson/" 2>/dev/null
for d in capture packet tcp http content dns tls keylog pcapng h2 inspect lab lesson; do
    printf '%s %s  ' "$d" "$(ls "$out/$d" | wc -l)"
done
echo "seeds in $out"
