# netns.sh - the network namespace the recorders run in, sourced by gen-capture.sh and
# gen-pairs.sh (bash). The caller defines PROG, MTU, WORK and die/say, and runs itself
# twice: outside (checks, then ns_run) and inside with --in-netns (ns_inner, then its
# servers, clients and tcpdump, each PID added to PIDS).

# root and every tool named, or one line naming what is missing and the Debian packages
# (hint) that bring it
ns_need() {
    local hint=$1 t missing=""
    shift
    [ "$(id -u)" -eq 0 ] || die "needs root (network namespace, tcpdump, nginx)"
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    [ -z "$missing" ] || die "missing tools:$missing (Debian: apt-get install $hint)"
}

# the outer side's end: the inner run stopped by its PID, the namespace and WORK gone
ns_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$INNER_PID" ] && kill -0 "$INNER_PID" 2>/dev/null; then
        kill -TERM "$INNER_PID" 2>/dev/null || true
        wait "$INNER_PID" 2>/dev/null || true
    fi
    ip netns delete "$NS" 2>/dev/null || true
    rm -rf "$WORK"
    exit "$rc"
}

# ns_run NAME SECONDS ARG...: namespace NAME (its loopback up, with MTU $MTU and its
# offloads off so that frames are Ethernet-sized, unless MTU is 0; a wide local port
# range), "bash $0 --in-netns ARG..." run inside it with GEN_WORK=$WORK and killed after
# SECONDS; dies when that run fails. The namespace and WORK go on any exit.
ns_run() {
    NS=$1
    local bound=$2 rc=0
    shift 2
    INNER_PID=""
    trap ns_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ip netns add "$NS" || die "cannot create network namespace '$NS'"
    ip netns exec "$NS" ip link set lo up
    if [ "$MTU" != 0 ]; then
        ip netns exec "$NS" ip link set lo mtu "$MTU"
        ip netns exec "$NS" ethtool -K lo tso off gso off gro off >/dev/null 2>&1 ||
            say "warning: ethtool -K lo failed, frames may exceed the MTU"
    fi
    ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="1024 65000" \
        net.ipv4.tcp_tw_reuse=1 2>/dev/null || true
    timeout -k 10 "$bound" ip netns exec "$NS" env GEN_WORK="$WORK" bash "$0" --in-netns "$@" &
    INNER_PID=$!
    wait "$INNER_PID" || rc=$?
    INNER_PID=""
    [ "$rc" -eq 0 ] || die "recording failed (exit $rc)"
}

# the inner side's end: ns_on_stop (when the caller defines it: tell loops to stop),
# every PID of PIDS stopped in reverse order, then ns_on_exit (its partial files removed)
ns_inner_cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    if declare -F ns_on_stop >/dev/null; then ns_on_stop; fi
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill -TERM "${PIDS[i]}" 2>/dev/null || true
    done
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        wait "${PIDS[i]}" 2>/dev/null || true
    done
    if declare -F ns_on_exit >/dev/null; then ns_on_exit; fi
    exit "$rc"
}

# inside the namespace: WORK from the outer side, PIDS empty, the cleanup trapped
ns_inner() {
    WORK=$GEN_WORK
    PIDS=()
    trap ns_inner_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
