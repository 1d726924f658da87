# samples/lab.sh: the helpers that samples/make-samples.sh and tests/data/make-data.sh
# share to record real traffic: processes started under `timeout` and stopped by PID,
# network namespaces, tcpdump/dumpcap captures, and tshark checks of what they recorded.
# Sourced (bash), not run. The sourcing script sets LAB_NAME (its name in messages),
# LIMIT (seconds any server or capture may live) and may set CLIENT_LIMIT (seconds any
# one client may take; default LIMIT). Everything started is stopped on exit.

say() { printf '%s: %s\n' "$LAB_NAME" "$*" >&2; }
die() { say "$*"; exit 1; }

# ---- processes, namespaces, cleanup ---------------------------------------------------
PIDS=()
NSS=()
WORK=

# stop_all: stop every process started so far, newest first
stop_all() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        [ -n "${PIDS[i]}" ] && stop_pid "${PIDS[i]}" TERM
    done
    PIDS=()
}

cleanup() {
    local i
    stop_all
    for i in "${NSS[@]}"; do
        [ -n "$i" ] && ip netns del "$i" 2>/dev/null
    done
    [ -n "$WORK" ] && [ -d "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

# stop_pid PID [SIGNAL]: signal one process we started, wait (bounded) for it, else KILL.
stop_pid() {
    local pid=$1 sig=${2:-TERM} n i
    if kill -0 "$pid" 2>/dev/null; then
        kill -s "$sig" "$pid" 2>/dev/null
        for ((n = 0; n < 50; n++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -s KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    for i in "${!PIDS[@]}"; do
        [ "${PIDS[i]}" = "$pid" ] && PIDS[i]=
    done
    return 0
}

# bg NS LOG CMD...: start CMD in namespace NS in the background, bounded by $LIMIT;
# its PID (the timeout process, which passes signals on) is left in $BG.
BG=
bg() {
    local ns=$1 log=$2
    shift 2
    timeout -s TERM "$LIMIT" ip netns exec "$ns" "$@" >"$log" 2>&1 &
    BG=$!
    PIDS+=("$BG")
}

# run NS CMD...: run a client in namespace NS in the foreground, bounded in time.
run() {
    local ns=$1
    shift
    timeout -s TERM "${CLIENT_LIMIT:-$LIMIT}" ip netns exec "$ns" "$@"
}

ns_new() {
    local ns=$1
    ip netns del "$ns" 2>/dev/null
    ip netns add "$ns" || return 1
    NSS+=("$ns")
    ip -n "$ns" link set lo up
}

ns_del() {
    local ns=$1 i
    ip netns del "$ns" 2>/dev/null
    for i in "${!NSS[@]}"; do
        [ "${NSS[i]}" = "$ns" ] && NSS[i]=
    done
    return 0
}

# veth_pair NS1 IF1 ADDR1 NS2 IF2 ADDR2...: a veth pair between two namespaces made with
# ns_new, IF1 in NS1 with the address ADDR1 (a.b.c.d/len), IF2 in NS2 with the others; up.
veth_pair() {
    local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a
    shift 5
    ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2" || return 1
    ip -n "$ns1" addr add "$a1" dev "$if1" || return 1
    for a in "$@"; do
        ip -n "$ns2" addr add "$a" dev "$if2" || return 1
    done
    ip -n "$ns1" link set "$if1" up && ip -n "$ns2" link set "$if2" up
}

# wait_for FILE TEXT: wait (at most 10 s) until TEXT shows in FILE.
wait_for() {
    local n
    for ((n = 0; n < 100; n++)); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    say "timed out waiting for '$2' in $1:"
    sed 's/^/    /' "$1" >&2
    return 1
}

# wait_port NS PORT: wait (at most 10 s) until something listens on TCP PORT in NS.
wait_port() {
    local n
    for ((n = 0; n < 100; n++)); do
        [ -n "$(ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    say "nothing listens on port $2 in $1"
    return 1
}

# pick NAME... -- ARG...: the captures asked for (ARGs, without .pcap) into the array WANT,
# every NAME when there is no ARG; an ARG that is no NAME is fatal.
WANT=()
pick() {
    local all=() a
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        all+=("$1")
        shift
    done
    [ $# -gt 0 ] && shift
    WANT=()
    if [ $# = 0 ]; then
        WANT=("${all[@]}")
        return 0
    fi
    for a in "$@"; do
        a=${a%.pcap}
        [[ " ${all[*]} " == *" $a "* ]] || die "no capture called '$a' (one of: ${all[*]})"
        WANT+=("$a")
    done
}

# ---- capture --------------------------------------------------------------------------
CAP=
CAPLOG=
# cap_start NS IFACE FILE FILTER [tcpdump options]: tcpdump, default snaplen (262144).
# -B: with that snaplen the default 2 MB ring holds only a few packets, and `-i any`
# (which sees loopback packets twice) drops some of them.
cap_start() {
    local ns=$1 ifc=$2 file=$3 filter=$4
    shift 4
    CAPLOG=$file.log
    bg "$ns" "$file.log" tcpdump -i "$ifc" -B 65536 -U --immediate-mode "$@" -w "$file" "$filter"
    CAP=$BG
    wait_for "$file.log" "listening on"
}

# dumpcap_start NS IFACE FILE FILTER: dumpcap, pcapng.
dumpcap_start() {
    local ns=$1 ifc=$2 file=$3 filter=$4
    CAPLOG=$file.log
    bg "$ns" "$file.log" dumpcap -q -B 64 -i "$ifc" -f "$filter" -w "$file"
    CAP=$BG
    wait_for "$file.log" "Capturing on"
}

# cap_stop: give the last packets (the close) a moment, then SIGINT so the file is complete.
# A capture the kernel dropped packets from fails its checks.
cap_stop() {
    sleep 1
    stop_pid "$CAP" INT
    CAP=
    if grep -Eq "(^|[^0-9])[1-9][0-9]* packets? dropped by kernel|dropped on interface '.*': [0-9]+/[1-9]" \
        "$CAPLOG"; then
        say "check failed: the capture dropped packets:"
        grep -E 'dropped' "$CAPLOG" | sed 's/^/    /' >&2
        CHECK_FAILED=1
    fi
}

# ---- checks ---------------------------------------------------------------------------
# count FILE FILTER [two-pass]: frames tshark shows for a display filter.
count() {
    if [ "${3:-}" = 2 ]; then
        tshark -n -2 -o tcp.reassemble_out_of_order:TRUE -r "$1" -Y "$2" 2>/dev/null | wc -l
    else
        tshark -n -o tcp.reassemble_out_of_order:TRUE -r "$1" -Y "$2" 2>/dev/null | wc -l
    fi
}

# expect FILE FILTER OP N: fail unless (frames matching FILTER) OP N, OP as for test(1).
CHECK_FAILED=0
expect() {
    local got
    got=$(count "$1" "$2" 2)
    if ! test "$got" "$3" "$4"; then
        say "check failed: '$2' matched $got frames, wanted $3 $4"
        CHECK_FAILED=1
    fi
}

# ---- making test captures (tests/data/make-data.sh, tests/data/h2/make-h2-data.sh) ----
# lab_make_captures OUT [NAME...]: the captures named (".pcap" may follow; default: all
# of the caller's ALL array, and no other), each in a network namespace of its own
# (hs-tNAME without dashes): run the caller's t_NAME NS FILE (after its
# lab_before_capture NAME, when it has one), then install FILE as OUT/NAME.pcap when
# t_NAME and its checks passed and the file is under 50 KB. Dies naming the captures
# that failed.
lab_make_captures() {
    local out=$1 f ns tmp rc failed=()
    shift
    pick "${ALL[@]}" -- "$@"
    set -- "${WANT[@]}"
    mkdir -p "$WORK/cap"
    chmod 777 "$WORK/cap"
    for f in "$@"; do
        ns=hs-t${f//-/}
        tmp=$WORK/cap/$f.pcap
        rm -f "$tmp"
        declare -F lab_before_capture >/dev/null && lab_before_capture "$f"
        say "$f.pcap"
        CHECK_FAILED=0
        ns_new "$ns" || { failed+=("$f"); continue; }
        "t_$f" "$ns" "$tmp"
        rc=$?
        stop_all
        ns_del "$ns"
        if [ "$rc" != 0 ] || [ "$CHECK_FAILED" != 0 ] || [ ! -s "$tmp" ]; then
            say "$f.pcap: failed, not installed"
            failed+=("$f")
        elif [ "$(stat -c %s "$tmp")" -gt 50000 ]; then
            say "$f.pcap: over 50 KB, not installed"
            failed+=("$f")
        else
            install -m 0644 "$tmp" "$out/$f.pcap"
            say "$f.pcap: $(stat -c %s "$tmp") bytes"
        fi
    done
    [ ${#failed[@]} = 0 ] || die "FAILED: ${failed[*]}"
}
