#!/bin/bash
# make-dns.sh: record the DNS test captures in tests/data/dns/ (issue 17) from real clients
# and a real resolver, and write tshark's reading of each next to it (NAME.tshark).
#
#   sudo tests/data/make-dns.sh              remake all of them
#   sudo tests/data/make-dns.sh dns-dig      remake only those named (without .pcap)
#
# Each capture gets two network namespaces of its own joined by a veth pair: the client
# (hs-dnsc: 10.77.0.2, fd77::2 for dns-dig) and the servers (hs-dnss): dnsmasq as the
# resolver on 10.77.0.53 and fd77::53 (no upstream: --no-resolv --no-hosts, local data
# only, NXDOMAIN for other names under lesson.test), a second dnsmasq authoritative for
# lesson.test on 10.77.0.55 (its NXDOMAIN carries the zone's SOA), a silent "server" on
# 10.77.0.54 (reads queries, never answers), and samples/servers/classserver.py on
# 10.77.0.1:80. Names: www.lesson.test (A 10.77.0.1, AAAA fd77::1),
# alias.lesson.test -> www (CNAME), old.lesson.test -> alias -> www (a chain),
# big.lesson.test (a TXT too big for 512 bytes: TC), gone.lesson.test (NXDOMAIN).
#
# The client resolves through /etc/netns/hs-dnsc/resolv.conf, which `ip netns exec`
# mounts over /etc/resolv.conf for its command only: the host's resolver is never
# touched, and the client namespace has no route off the veth, so nothing leaves the
# machine. tcpdump records the client's side of the veth. Every process runs under
# `timeout` and is stopped by PID; namespaces, /etc/netns/hs-dnsc and the temporary
# folder are removed on exit. Needs root, iproute2, dnsmasq, dig (bind9-dnsutils),
# tcpdump, tshark, curl, python3. Not part of `make check`; the captures are committed.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${DATA_OUT:-$HERE/dns}
SERVERS=$HERE/../../samples/servers
LIMIT=40
CLIENT_LIMIT=15
PY=$(command -v python3 || true)
ALL=(dns-curl dns-retry dns-dig)

NS_C=hs-dnsc
NS_S=hs-dnss
NETNS_ETC=/etc/netns/$NS_C

LAB_NAME=make-dns
# shellcheck source=samples/lab.sh
. "$HERE/../../samples/lab.sh"

cleanup_dns() {
    cleanup
    rm -rf "$NETNS_ETC"
    rmdir /etc/netns 2>/dev/null
    return 0
}
trap cleanup_dns EXIT

# ---- the lab ----------------------------------------------------------------------------
net_up() { # the two namespaces and the veth between them
    ns_new "$NS_C" || return 1
    ns_new "$NS_S" || return 1
    ip link add hs-dnsc0 netns "$NS_C" type veth peer name hs-dnss0 netns "$NS_S" || return 1
    ip -n "$NS_C" addr add 10.77.0.2/24 dev hs-dnsc0
    local a
    for a in 10.77.0.1 10.77.0.53 10.77.0.54 10.77.0.55; do
        ip -n "$NS_S" addr add "$a/24" dev hs-dnss0
    done
    ip -n "$NS_S" addr add fd77::1/64 dev hs-dnss0 nodad
    ip -n "$NS_S" addr add fd77::53/64 dev hs-dnss0 nodad
    ip -n "$NS_C" link set hs-dnsc0 up
    ip -n "$NS_S" link set hs-dnss0 up
}

# resolv NAMESERVER...: the client's resolv.conf (one try of one second per server)
resolv() {
    local s
    mkdir -p "$NETNS_ETC"
    {
        for s in "$@"; do
            echo "nameserver $s"
        done
        echo "options timeout:1 attempts:1"
    } >"$NETNS_ETC/resolv.conf"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$NETNS_ETC/hosts"
}

BIG_TXT=
servers_up() { # the resolver, the authoritative server, the silent one, the web server
    local dnsmasq=(dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts
        --bind-interfaces --user=nobody --group=nogroup --pid-file= --log-queries
        --log-facility=- --host-record=www.lesson.test,10.77.0.1,fd77::1
        --cname=alias.lesson.test,www.lesson.test --cname=old.lesson.test,alias.lesson.test
        "--txt-record=big.lesson.test,$BIG_TXT")
    bg "$NS_S" "$WORK/resolver.log" "${dnsmasq[@]}" --listen-address=10.77.0.53 \
        --listen-address=fd77::53 --local-ttl=300 --local=/lesson.test/
    bg "$NS_S" "$WORK/auth.log" "${dnsmasq[@]}" --listen-address=10.77.0.55 \
        --auth-zone=lesson.test --auth-server=ns.lesson.test,10.77.0.55 \
        --auth-soa=2024090201,hostmaster.lesson.test
    bg "$NS_S" "$WORK/silent.log" "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.54", 53))
print("silent: listening", flush=True)
while True:
    s.recvfrom(4096)
'
    bg "$NS_S" "$WORK/http.log" "$PY" "$SERVERS/classserver.py" --bind 10.77.0.1 --port 80 \
        --root "$WORK/www"
    wait_for "$WORK/resolver.log" "cleared cache" || return 1
    wait_for "$WORK/auth.log" "cleared cache" || return 1
    wait_for "$WORK/silent.log" "silent: listening" || return 1
    wait_port "$NS_S" 80
}

make_files() {
    mkdir -p "$WORK/www"
    printf '<!DOCTYPE html>\n<title>Lesson</title>\n<p>The name became an address first.</p>\n' \
        >"$WORK/www/index.html"
    find "$WORK/www" -exec touch -d '2024-09-02 08:00:00 UTC' {} +
    chmod -R a+rX "$WORK"
    # four strings of 200 bytes: over 512 bytes, so a reply without EDNS is truncated
    BIG_TXT=$("$PY" -c "print(','.join(('lesson-%02d-' % i) * 20 for i in range(4)))")
}

# dig in the client namespace: one try, two seconds
qdig() {
    run "$NS_C" dig +tries=1 +time=2 "$@" >>"$WORK/client.log" 2>&1
}

# ---- the captures -----------------------------------------------------------------------
FILTER="udp port 53 or tcp port 53 or tcp port 80"

t_dns-curl() { # curl resolves www.lesson.test (A and AAAA) through the resolver, then GET /
    resolv 10.77.0.53
    cap_start "$NS_C" hs-dnsc0 "$1" "$FILTER" || return 1
    run "$NS_C" curl -sS -o /dev/null --max-time 10 http://www.lesson.test/
    cap_stop
    expect "$1" 'dns.flags.response == 0 && dns.qry.name == "www.lesson.test"' -ge 1
    expect "$1" 'dns.flags.response == 1 && dns.a == 10.77.0.1' -ge 1
    expect "$1" 'http.request && ip.dst == 10.77.0.1' -eq 1
    expect "$1" 'http.response.code == 200' -eq 1
}

t_dns-retry() { # the first server is silent: the same queries go to the second after 1 s
    resolv 10.77.0.54 10.77.0.53
    cap_start "$NS_C" hs-dnsc0 "$1" "$FILTER" || return 1
    run "$NS_C" curl -sS -o /dev/null --max-time 10 http://old.lesson.test/
    cap_stop
    expect "$1" 'dns && ip.dst == 10.77.0.54' -ge 1
    expect "$1" 'ip.src == 10.77.0.54' -eq 0
    expect "$1" 'dns.flags.response == 1 && dns.cname == "alias.lesson.test"' -ge 1
    expect "$1" 'http.response.code == 200' -eq 1
}

t_dns-dig() { # dig and getent: A, AAAA over IPv6, a CNAME chain, NXDOMAIN (twice: the
    # resolver's and the authoritative server's, with its SOA), an unknown type, DNS over
    # TCP, and a truncated UDP reply that dig asks again over TCP
    ip -n "$NS_C" addr add fd77::2/64 dev hs-dnsc0 nodad
    resolv 10.77.0.53
    cap_start "$NS_C" hs-dnsc0 "$1" "$FILTER" || return 1
    qdig @10.77.0.53 www.lesson.test A
    qdig @fd77::53 www.lesson.test AAAA
    qdig @10.77.0.53 old.lesson.test A
    run "$NS_C" getent hosts gone.lesson.test >>"$WORK/client.log" 2>&1
    qdig @10.77.0.55 gone.lesson.test A
    qdig @10.77.0.53 www.lesson.test TYPE65534
    qdig @10.77.0.53 +tcp www.lesson.test A
    qdig @10.77.0.53 +noedns big.lesson.test TXT
    cap_stop
    expect "$1" 'ipv6 && dns.aaaa == fd77::1' -eq 1
    expect "$1" 'dns.count.answers == 3 && dns.cname == "www.lesson.test"' -eq 1
    expect "$1" 'dns.flags.rcode == 3' -ge 2
    expect "$1" 'dns.flags.rcode == 3 && dns.soa.mname == "ns.lesson.test"' -eq 1
    expect "$1" 'dns.qry.type == 65534' -eq 2
    expect "$1" 'dns.flags.truncated == 1' -eq 1
    expect "$1" 'tcp.port == 53 && dns.flags.response == 1' -eq 2
    expect "$1" 'dns.opt' -ge 4
}

main() {
    local f missing=() failed=() t
    case "${1:-}" in -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
    [ "$(id -u)" = 0 ] || die "needs root (network namespaces, tcpdump): sudo $0 $*"
    for t in ip timeout dnsmasq dig getent tcpdump tshark capinfos curl python3 ss; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ ${#missing[@]} = 0 ] || die "missing tools: ${missing[*]}" \
        "(Debian: apt-get install iproute2 dnsmasq-base bind9-dnsutils tcpdump tshark curl python3)"
    [ -e "$NETNS_ETC" ] && die "$NETNS_ETC exists: another run? (remove it if not)"
    pick "${ALL[@]}" -- "$@"
    WORK=$(mktemp -d /tmp/httpstep-dns.XXXXXX) || die "mktemp failed"
    chmod 755 "$WORK"
    mkdir -p "$OUT"
    make_files
    for f in "${WANT[@]}"; do
        local tmp=$WORK/cap/$f.pcap rc
        mkdir -p "$WORK/cap"
        chmod 777 "$WORK/cap"
        rm -f "$tmp" "$WORK"/*.log
        say "$f.pcap"
        CHECK_FAILED=0
        if net_up && servers_up; then
            "t_$f" "$tmp"
            rc=$?
        else
            rc=1
        fi
        stop_all
        ns_del "$NS_C"
        ns_del "$NS_S"
        if [ "$rc" != 0 ] || [ "$CHECK_FAILED" != 0 ] || [ ! -s "$tmp" ]; then
            say "$f.pcap: failed, not installed"
            [ -s "$WORK/client.log" ] && sed 's/^/    /' "$WORK/client.log" >&2
            failed+=("$f")
        elif [ "$(stat -c %s "$tmp")" -gt 50000 ]; then
            say "$f.pcap: over 50 KB, not installed"
            failed+=("$f")
        else
            install -m 0644 "$tmp" "$OUT/$f.pcap"
            if ! sh "$HERE/dns/oracle.sh" "$OUT/$f.pcap" >"$OUT/$f.tshark" \
                2>"$WORK/oracle.log"; then
                sed 's/^/    /' "$WORK/oracle.log" >&2
                failed+=("$f")
            fi
            say "$f.pcap: $(stat -c %s "$tmp") bytes, $(wc -l <"$OUT/$f.tshark") DNS messages"
        fi
    done
    [ ${#failed[@]} = 0 ] || die "FAILED: ${failed[*]}"
}

main "$@"
