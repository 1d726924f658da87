#!/bin/bash
# make-tunnel.sh: record the tunnel captures of tests/data/tunnel/ (issue 13): one
# curl -> python3 http.server exchange each, through a tunnel between two network
# namespaces joined by a veth pair (outer addresses 192.0.2.1 and 192.0.2.2, which
# exist only there), captured on the client's veth so the outer headers are in the file.
#
#   sudo tests/data/tunnel/make-tunnel.sh            remake all of them
#   sudo tests/data/tunnel/make-tunnel.sh gre vxlan  remake only those named
#
# sit (6in4), ipip, gre (key, checksum, sequence numbers), gretap (Ethernet in GRE),
# vxlan, ah (IPsec AH in tunnel mode, authentication only: ip xfrm) come from the
# kernel; gtpu is written by python3 (struct) from a plain capture made the same way,
# each packet wrapped in IPv4/UDP 2152/GTP-U (a G-PDU with a PDU-session extension
# header), since the kernel's GTP module needs a control plane. Every process runs
# under `timeout` and is stopped by PID; namespaces and the temporary folder are
# removed on exit. Needs root, iproute2, tcpdump, tshark, curl, python3.
# Not part of `make check`; the captures it makes are committed (tests/e2e/tunnels.sh
# compares httpstep with tshark on them).
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${DATA_OUT:-$HERE}
LIMIT=30
PY=$(command -v python3 || true)
ALL=(sit ipip gre gretap vxlan ah gtpu)

LAB_NAME=make-tunnel
# shellcheck source=samples/lab.sh
. "$HERE/../../../samples/lab.sh"

A=hs-tunA
B=hs-tunB

# two namespaces, a veth pair between them, checksum offload off (whole checksums)
pair() {
    ns_new $A || return 1
    ns_new $B || return 1
    ip link add vA netns $A type veth peer name vB netns $B || return 1
    ip -n $A addr add 192.0.2.1/24 dev vA
    ip -n $B addr add 192.0.2.2/24 dev vB
    ip -n $A link set vA up
    ip -n $B link set vB up
    ip netns exec $A ethtool -K vA tx off rx off tso off gso off gro off >/dev/null 2>&1
    ip netns exec $B ethtool -K vB tx off rx off tso off gso off gro off >/dev/null 2>&1
}

unpair() {
    ns_del $A
    ns_del $B
}

# server ADDR: python3's http.server in B on port 80, serving hello.txt
server() {
    bg $B "$WORK/server.log" "$PY" -m http.server --bind "$1" --directory "$WORK/www" 80
    wait_port $B 80
}

# fetch URL: the capture on vA around one curl
fetch() {
    local file=$1 url=$2
    cap_start $A vA "$file" "" || return 1
    run $A curl -sS -g -o /dev/null "$url"
    cap_stop
}

# k_NAME OUT: the kernel's tunnel t0 on each side, inner addresses, one fetch into OUT;
# fails when this kernel has no such tunnel
k_sit() {
    ip -n $A tunnel add t0 mode sit local 192.0.2.1 remote 192.0.2.2 ttl 64 || return 1
    ip -n $B tunnel add t0 mode sit local 192.0.2.2 remote 192.0.2.1 ttl 64 || return 1
    ip -n $A addr add fd00:6::1/64 dev t0 nodad
    ip -n $B addr add fd00:6::2/64 dev t0 nodad
    ip -n $A link set t0 up
    ip -n $B link set t0 up
    server "fd00:6::2" || return 1
    fetch "$1" "http://[fd00:6::2]/hello.txt"
}

k_ipip() {
    ip -n $A tunnel add t0 mode ipip local 192.0.2.1 remote 192.0.2.2 ttl 64 || return 1
    ip -n $B tunnel add t0 mode ipip local 192.0.2.2 remote 192.0.2.1 ttl 64 || return 1
    ip -n $A addr add 10.4.0.1/24 dev t0
    ip -n $B addr add 10.4.0.2/24 dev t0
    ip -n $A link set t0 up
    ip -n $B link set t0 up
    server 10.4.0.2 || return 1
    fetch "$1" "http://10.4.0.2/hello.txt"
}

k_gre() { # RFC 2890: a key, checksums and sequence numbers both ways
    ip -n $A tunnel add t0 mode gre local 192.0.2.1 remote 192.0.2.2 ttl 64 key 42 csum seq || return 1
    ip -n $B tunnel add t0 mode gre local 192.0.2.2 remote 192.0.2.1 ttl 64 key 42 csum seq || return 1
    ip -n $A addr add 10.47.0.1/24 dev t0
    ip -n $B addr add 10.47.0.2/24 dev t0
    ip -n $A link set t0 up
    ip -n $B link set t0 up
    server 10.47.0.2 || return 1
    fetch "$1" "http://10.47.0.2/hello.txt"
}

k_gretap() { # Ethernet in GRE (Transparent Ethernet Bridging)
    ip -n $A link add t0 type gretap local 192.0.2.1 remote 192.0.2.2 ttl 64 || return 1
    ip -n $B link add t0 type gretap local 192.0.2.2 remote 192.0.2.1 ttl 64 || return 1
    ip -n $A addr add 10.58.0.1/24 dev t0
    ip -n $B addr add 10.58.0.2/24 dev t0
    ip -n $A link set t0 up
    ip -n $B link set t0 up
    server 10.58.0.2 || return 1
    fetch "$1" "http://10.58.0.2/hello.txt"
}

t_vxlan() {
    ip -n $A link add t0 type vxlan id 42 local 192.0.2.1 remote 192.0.2.2 dstport 4789 dev vA
    ip -n $B link add t0 type vxlan id 42 local 192.0.2.2 remote 192.0.2.1 dstport 4789 dev vB
    ip -n $A addr add 10.89.0.1/24 dev t0
    ip -n $B addr add 10.89.0.2/24 dev t0
    ip -n $A link set t0 up
    ip -n $B link set t0 up
    server 10.89.0.2 || return 1
    fetch "$1" "http://10.89.0.2/hello.txt"
    expect "$1" 'vxlan.vni == 42 && http' -ge 2
}

k_ah() { # IPsec AH, tunnel mode, HMAC-SHA-256 only: authenticated, not encrypted
    local key=0x$(printf '%064x' 7) n
    ip -n $A addr add 10.51.0.1/32 dev lo
    ip -n $B addr add 10.51.0.2/32 dev lo
    ip -n $A route add 10.51.0.2/32 via 192.0.2.2 src 10.51.0.1
    ip -n $B route add 10.51.0.1/32 via 192.0.2.1 src 10.51.0.2
    for n in $A $B; do
        ip -n $n xfrm state add src 192.0.2.1 dst 192.0.2.2 proto ah spi 0x1001 mode tunnel \
            auth 'hmac(sha256)' "$key" || return 1
        ip -n $n xfrm state add src 192.0.2.2 dst 192.0.2.1 proto ah spi 0x1002 mode tunnel \
            auth 'hmac(sha256)' "$key" || return 1
    done
    ip -n $A xfrm policy add src 10.51.0.1 dst 10.51.0.2 dir out \
        tmpl src 192.0.2.1 dst 192.0.2.2 proto ah mode tunnel
    ip -n $A xfrm policy add src 10.51.0.2 dst 10.51.0.1 dir in \
        tmpl src 192.0.2.2 dst 192.0.2.1 proto ah mode tunnel
    ip -n $B xfrm policy add src 10.51.0.2 dst 10.51.0.1 dir out \
        tmpl src 192.0.2.2 dst 192.0.2.1 proto ah mode tunnel
    ip -n $B xfrm policy add src 10.51.0.1 dst 10.51.0.2 dir in \
        tmpl src 192.0.2.1 dst 192.0.2.2 proto ah mode tunnel
    server 10.51.0.2 || return 1
    fetch "$1" "http://10.51.0.2/hello.txt"
}

# wrap MODE IN OUT: write OUT from IN (an Ethernet pcap of a plain exchange between
# 192.0.2.1 / fd00:6::1 and 192.0.2.2 / fd00:6::2), each packet inside MODE's headers,
# as the kernel's tunnel writes them: ipip (RFC 2003), sit (RFC 4213 3.5), gre (RFC 2784
# and 2890: checksum, key 42, sequence numbers), gretap (Ethernet in GRE, key 42), ah
# (RFC 4302 tunnel mode, ICV HMAC-SHA-256-128 of RFC 4868 over the packet with its
# mutable fields zeroed, 3.3.3.1), gtpu (3GPP TS 29.281: a G-PDU with a sequence number
# and a PDU-session extension header, between 198.51.100.1 and .2 on UDP 2152).
wrap() {
    "$PY" - "$@" <<'PYEOF'
import hashlib, hmac, struct, sys
mode, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
magic, vmaj, vmin, zone, sig, snap, link = struct.unpack("<IHHiIII", data[:24])
assert magic == 0xa1b2c3d4 and link == 1, "a little-endian Ethernet pcap"

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ipv4(proto, a, b, payload, ident, ttl=64, zero_mutable=False):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0,
                    0 if zero_mutable else ttl, proto, 0, a, b)
    if not zero_mutable:
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

A, B = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
KEY = bytes(31) + b"\x07"  # the HMAC key (a test key, nothing secret)
seq = {}
out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, 1)]
at = 24
while at + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack("<IIII", data[at:at + 16])
    frame = data[at + 16:at + 16 + incl]
    at += 16 + incl
    etype = frame[12:14]
    if etype not in (b"\x08\x00", b"\x86\xdd"):
        continue  # ARP, neighbour discovery: not part of the exchange
    ip = frame[14:]
    if etype == b"\x86\xdd":
        if ip[6] != 6:
            continue  # ICMPv6
        up = ip[23] == 1
    else:
        up = ip[15] == 1
    n = seq[up] = seq.get(up, 0) + 1
    a, b = (A, B) if up else (B, A)
    if mode == "ipip":
        outer = ipv4(4, a, b, ip, n)
    elif mode == "sit":
        outer = ipv4(41, a, b, ip, n)
    elif mode == "gre":
        body = struct.pack("!HHHHII", 0xb000, 0x0800, 0, 0, 42, n) + ip
        body = body[:4] + struct.pack("!H", csum(body)) + body[6:]
        outer = ipv4(47, a, b, body, n)
    elif mode == "gretap":
        outer = ipv4(47, a, b, struct.pack("!HHI", 0x2000, 0x6558, 42) + frame, n)
    elif mode == "ah":
        spi = 0x1001 if up else 0x1002
        ah0 = struct.pack("!BBHII", 4, 5, 0, spi, n) + bytes(16)
        icv = hmac.new(KEY, ipv4(51, a, b, ah0 + ip, n, zero_mutable=True) + b"",
                       hashlib.sha256).digest()[:16]
        outer = ipv4(51, a, b, ah0[:12] + icv + ip, n)
    elif mode == "gtpu":
        ext = bytes([1, 0x10 if up else 0x00, 0x09, 0])
        gtp = struct.pack("!BBHIHBB", 0x36, 255, 4 + len(ext) + len(ip),
                          0x1000 if up else 0x2000, n, 0, 0x85) + ext + ip
        udp = struct.pack("!HHHH", 2152, 2152, 8 + len(gtp), 0) + gtp
        outer = ipv4(17, bytes([198, 51, 100, 1 if up else 2]),
                     bytes([198, 51, 100, 2 if up else 1]), udp, n)
    else:
        sys.exit("unknown mode " + mode)
    new = frame[:12] + b"\x08\x00" + outer
    out.append(struct.pack("<IIII", sec, usec, len(new), len(new)) + new)
open(dst, "wb").write(b"".join(out))
PYEOF
}

# plain FILE [6]: the exchange over the veth itself, IPv4 (or IPv6), for wrap
plain() {
    if [ "${2:-4}" = 6 ]; then
        ip -n $A addr add fd00:6::1/64 dev vA nodad
        ip -n $B addr add fd00:6::2/64 dev vB nodad
        server "fd00:6::2" || return 1
        fetch "$1" "http://[fd00:6::2]/hello.txt"
    else
        server 192.0.2.2 || return 1
        fetch "$1" "http://192.0.2.2/hello.txt"
    fi
}

# kernel_or_wrap OUT MODE FILTER KERNEL_FN: the kernel's tunnel when this kernel has
# it, else the same exchange wrapped by python3 (a kernel without ip_gre, sit, ipip or
# xfrm, as in some VMs)
kernel_or_wrap() {
    local out=$1 mode=$2 filter=$3 fn=$4
    if $fn "$out" 2>"$WORK/kernel.log"; then
        say "$mode: the kernel's tunnel"
    else
        say "$mode: no such tunnel in this kernel ($(head -n 1 "$WORK/kernel.log")): wrapped by python3"
        stop_all
        unpair
        pair || return 1
        plain "$WORK/plain.pcap" "$([ "$mode" = sit ] && echo 6 || echo 4)" || return 1
        wrap "$mode" "$WORK/plain.pcap" "$out" || return 1
    fi
    expect "$out" "$filter" -ge 2
}

t_gtpu() { # no kernel GTP-U without a control plane: always wrapped
    plain "$WORK/plain.pcap" || return 1
    wrap gtpu "$WORK/plain.pcap" "$1" || return 1
    expect "$1" 'gtp && http' -ge 2
}

t_sit() { kernel_or_wrap "$1" sit 'ip.proto == 41 && http' k_sit; }
t_ipip() { kernel_or_wrap "$1" ipip 'ip.proto == 4 && http' k_ipip; }
t_gre() { kernel_or_wrap "$1" gre 'gre.key == 42 && gre.flags.checksum == 1 && gre.flags.sequence_number == 1 && http' k_gre; }
t_gretap() { kernel_or_wrap "$1" gretap 'gre.proto == 0x6558 && http' k_gretap; }
t_ah() { kernel_or_wrap "$1" ah 'ah && http' k_ah; }
# ---- main -------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -n "$PY" ] || die "needs python3"
for tool in ip tcpdump tshark curl ethtool; do
    command -v "$tool" >/dev/null || die "needs $tool"
done
WORK=$(mktemp -d)
mkdir -p "$WORK/www"
printf 'Hello through a tunnel!\n' >"$WORK/www/hello.txt"
touch -d '2024-09-02 08:00:00 UTC' "$WORK/www/hello.txt"
chmod -R a+rX "$WORK"

names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")
failed=0
for name in "${names[@]}"; do
    type "t_$name" >/dev/null 2>&1 || die "no capture named '$name' (known: ${ALL[*]})"
    say "recording $name.pcap"
    CHECK_FAILED=0
    pair || die "cannot make the namespaces"
    out=$WORK/$name.pcap
    if "t_$name" "$out" && [ "$CHECK_FAILED" = 0 ]; then
        cp "$out" "$OUT/$name.pcap"
    else
        say "$name: not written"
        failed=1
    fi
    stop_all
    unpair
done
exit $failed
