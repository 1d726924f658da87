#!/usr/bin/env python3
"""A lossy Ethernet cable between two network namespaces, for kernels without netem.

It makes one TAP device in each namespace (Linux TUN/TAP, python3 standard library only)
and copies Ethernet frames between them like a wire. Frames from the server side to the
client side are delayed by D milliseconds (as `netem delay D`); each TCP segment that
carries data is dropped with probability L (as `netem loss L%`), or with probability R held
back and sent just after the next frame, so that two neighbours swap places. (netem's own
`reorder R%` sends the chosen packet at once, ahead of everything in the delay line: a jump
of a whole window, which makes a capture hard to read.) ARP, handshake and close segments
are only delayed. Frames from the client side pass at once. A fixed --seed makes the
choices the same on every run.

usage: lossywire.py --client-ns NS --client-dev DEV --server-ns NS --server-dev DEV
                    [--loss 3] [--reorder 10] [--delay-ms 10] [--seed 1] [--ready FILE]
Needs root (setns, /dev/net/tun). Stop it with SIGTERM or SIGINT.
"""
import argparse
import ctypes
import errno
import fcntl
import heapq
import os
import random
import select
import signal
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def open_tap(ns, dev):
    """Open (create) TAP device dev inside network namespace ns; return its fd."""
    libc = ctypes.CDLL(None, use_errno=True)
    nsfd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(nsfd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (ns, os.strerror(err)))
    finally:
        os.close(nsfd)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", dev.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def tcp_payload_len(frame):
    """Bytes of TCP payload in an Ethernet frame, or -1 when it is not TCP over IP."""
    if len(frame) < 14:
        return -1
    etype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if etype == 0x0800 and len(ip) >= 20 and ip[9] == 6:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if len(ip) < ihl + 13:
            return -1
        thl = (ip[ihl + 12] >> 4) * 4
        return total - ihl - thl
    if etype == 0x86DD and len(ip) >= 40 and ip[6] == 6:
        plen = struct.unpack("!H", ip[4:6])[0]
        if len(ip) < 40 + 13:
            return -1
        thl = (ip[40 + 12] >> 4) * 4
        return plen - thl
    return -1


def put(fd, frame):
    """Write a frame to a TAP device; a device that is down (EIO) drops it, as a cable
    into a port that is off would."""
    try:
        os.write(fd, frame)
    except OSError as e:
        if e.errno not in (errno.EIO, errno.ENOBUFS):
            raise


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--client-ns", required=True)
    ap.add_argument("--client-dev", required=True)
    ap.add_argument("--server-ns", required=True)
    ap.add_argument("--server-dev", required=True)
    ap.add_argument("--loss", type=float, default=3.0, help="percent")
    ap.add_argument("--reorder", type=float, default=10.0, help="percent")
    ap.add_argument("--delay-ms", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ready", help="file to create once both devices exist")
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rng = random.Random(a.seed)
    cfd = open_tap(a.client_ns, a.client_dev)
    sfd = open_tap(a.server_ns, a.server_dev)
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("ready\n")
    queue = []  # (due time, sequence, frame) for the server -> client direction
    seq = 0
    held = None  # (deadline, frame): a data segment waiting for its neighbour to pass it
    hold_max = a.delay_ms / 1000.0 + 0.005
    stats = {"dropped": 0, "reordered": 0, "delayed": 0}
    try:
        while True:
            now = time.monotonic()
            if held and held[0] <= now:  # no neighbour came: let it go
                seq += 1
                heapq.heappush(queue, (now, seq, held[1]))
                held = None
            while queue and queue[0][0] <= now:
                put(cfd, heapq.heappop(queue)[2])
            due = [q[0] for q in queue[:1]] + ([held[0]] if held else [])
            wait = max(0.0, min(due) - now) if due else 1.0
            r, _, _ = select.select([cfd, sfd], [], [], wait)
            if cfd in r:
                put(sfd, os.read(cfd, 65536))
            if sfd in r:
                frame = os.read(sfd, 65536)
                now = time.monotonic()
                data = tcp_payload_len(frame) > 0
                if data and rng.random() * 100 < a.loss:
                    stats["dropped"] += 1
                    continue
                if data and not held and rng.random() * 100 < a.reorder:
                    stats["reordered"] += 1
                    held = (now + hold_max, frame)
                    continue
                stats["delayed"] += 1
                seq += 1
                heapq.heappush(queue, (now + a.delay_ms / 1000.0, seq, frame))
                if held:  # the held segment follows its neighbour
                    seq += 1
                    heapq.heappush(queue, (now + a.delay_ms / 1000.0, seq, held[1]))
                    held = None
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        sys.stderr.write("lossywire: %(dropped)d dropped, %(reordered)d reordered, "
                         "%(delayed)d delayed\n" % stats)


if __name__ == "__main__":
    main()
