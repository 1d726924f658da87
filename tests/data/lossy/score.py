#!/usr/bin/env python3
"""score.py - retransmissions and out-of-order segments on a receiver's capture, as
httpstep and tshark count them, against the truth from the sender's capture of the same
connection (issue 14; the pair comes from make-lossy-pair.sh).

usage: score.py SENDER.pcap RECEIVER.pcap [HTTPSTEP]

Truth: every data segment the server sent is in SENDER.pcap, each transmission with its
own IP ID (Linux counts them per connection). A segment is a retransmitted copy when some
of its bytes were sent before; an original otherwise. Each data segment of RECEIVER.pcap
is matched to its transmission by (IP ID, sequence number): a copy is a retransmission; an
original that arrives after bytes that come later in the stream is a late original (out of
order). httpstep: the frames of its `retransmission` and `out_of_order` notes; tshark: the
frames it marks tcp.analysis.retransmission / fast_retransmission /
spurious_retransmission, and tcp.analysis.out_of_order. Prints a Markdown table.
"""
import json
import os
import struct
import subprocess
import sys


def segments(path):
    """Server-to-client data segments: (frame, ipid, seq, len). Ethernet, IPv4, TCP."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xa1b2c3d4, "a little-endian microsecond pcap"
    at, frame, out = 24, 0, []
    while at + 16 <= len(data):
        incl = struct.unpack("<I", data[at + 8:at + 12])[0]
        f = data[at + 16:at + 16 + incl]
        at += 16 + incl
        frame += 1
        if len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6:
            continue
        ip = f[14:]
        ihl = (ip[0] & 15) * 4
        total, ipid = struct.unpack("!HH", ip[2:6])
        tcp = ip[ihl:]
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        plen = total - ihl - (tcp[12] >> 4) * 4
        if sport == 80 and plen > 0:
            out.append((frame, ipid, seq, plen))
    return out


def after(a, b):
    return ((a - b) & 0xffffffff) < 0x80000000 and a != b


def truth(sender, receiver):
    sent, high = {}, None
    for _, ipid, seq, n in sender:
        copy = high is not None and after(high, seq)
        sent[(ipid, seq)] = copy
        end = (seq + n) & 0xffffffff
        if high is None or after(end, high):
            high = end
    retrans, late, high = set(), set(), None
    for frame, ipid, seq, n in receiver:
        if sent.get((ipid, seq)):
            retrans.add(frame)
        elif high is not None and after(high, seq):
            late.add(frame)
        end = (seq + n) & 0xffffffff
        if high is None or after(end, high):
            high = end
    return retrans, late, len(sent), sum(1 for c in sent.values() if c)


def httpstep(binary, cap):
    out = subprocess.run([binary, "--json", "-r", cap], stdout=subprocess.PIPE, check=True)
    retrans, late = set(), set()
    for line in out.stdout.decode().splitlines():
        o = json.loads(line)
        if o.get("type") == "note" and o["kind"] == "retransmission":
            retrans.add(o["frame"])
        if o.get("type") == "note" and o["kind"] == "out_of_order":
            late.add(o["frame"])
    return retrans, late


def tshark(cap, data_frames):
    def frames(flt):
        out = subprocess.run(["tshark", "-n", "-r", cap, "-Y", flt, "-T", "fields", "-e",
                              "frame.number"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return {int(x) for x in out.stdout.split()} & data_frames
    return (frames("tcp.analysis.retransmission || tcp.analysis.fast_retransmission || "
                   "tcp.analysis.spurious_retransmission"),
            frames("tcp.analysis.out_of_order"))


def main():
    snd, rcv = sys.argv[1], sys.argv[2]
    binary = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "httpstep")
    r = segments(rcv)
    t_re, t_late, nsent, ncopies = truth(segments(snd), r)
    data_frames = {f for f, _, _, _ in r}
    rows = [("truth (sender's capture)", t_re, t_late), ("httpstep", *httpstep(binary, rcv)),
            ("tshark", *tshark(rcv, data_frames))]
    print("%s: %d data segments sent (%d copies), %d received" %
          (os.path.basename(rcv), nsent, ncopies, len(r)))
    print()
    print("| | retransmissions | out of order | frames wrong (retr. / o-o-o) |")
    print("|---|---|---|---|")
    for name, re_, late in rows:
        wrong = "" if name.startswith("truth") else "%d / %d" % (len(re_ ^ t_re),
                                                                 len(late ^ t_late))
        print("| %s | %d | %d | %s |" % (name, len(re_), len(late), wrong))
    if os.environ.get("SCORE_VERBOSE"):
        _, h_late = rows[1][1], rows[1][2]
        print("httpstep retr. not in truth:", sorted(rows[1][1] - t_re))
        print("truth retr. missed:", sorted(t_re - rows[1][1]))
        print("httpstep o-o-o not in truth:", sorted(h_late - t_late))
        print("truth o-o-o missed:", sorted(t_late - h_late))


if __name__ == "__main__":
    main()
