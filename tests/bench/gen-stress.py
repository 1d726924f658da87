#!/usr/bin/env python3
"""gen-stress.py - synthetic captures for httpstep's memory-cap benchmark.

Writes two classic pcap files (Ethernet, IPv4, TCP) into OUTDIR:

  conns-100k.pcap   CONNS TCP connections that are all open at once: each
                    gets SYN, SYN-ACK, ACK and a small HTTP GET; only after
                    every connection is open do the responses come (200 with
                    a small body), then each connection closes (FIN both ways).
  header-10mb.pcap  one connection whose request carries a HEADER_BYTES header
                    block: a request line, then many header lines and no blank
                    line until the very end, sent in MSS-sized segments that
                    the server acknowledges; the server then answers 431 and
                    closes.

Sequence and acknowledgment numbers are consistent; IPv4 and TCP checksums
are computed.  Addresses come from 198.18.0.0/15 (RFC 2544, for benchmarks).
Python 3 standard library only.

Usage: gen-stress.py [-o OUTDIR] [--conns N] [--header-bytes N]
"""

import argparse
import array
import os
import struct
import sys

MSS = 1448
SERVER_IP = bytes([198, 19, 0, 1])
SERVER_PORT = 80
MAC_CLIENT = bytes.fromhex("020000000001")
MAC_SERVER = bytes.fromhex("020000000002")

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def csum(data):
    """RFC 1071 Internet checksum, as stored bytes (native-order trick)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(array.array("H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return struct.pack("=H", ~s & 0xFFFF)


class PcapWriter:
    """Classic pcap, microsecond timestamps, DLT_EN10MB."""

    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.usec = 1_700_000_000 * 1_000_000
        self.packets = 0

    def write(self, frame, step_usec=1):
        self.usec += step_usec
        sec, usec = divmod(self.usec, 1_000_000)
        self.f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
        self.f.write(frame)
        self.packets += 1

    def close(self):
        self.f.close()


class Conn:
    """One TCP connection; tracks both sides' next sequence numbers."""

    def __init__(self, out, client_ip, client_port, isn_c, isn_s):
        self.out = out
        self.cip, self.cport = client_ip, client_port
        self.seq = {"c": isn_c, "s": isn_s}     # next sequence number to send
        self.ip_id = {"c": 1, "s": 1}

    def send(self, side, flags, payload=b"", step_usec=1):
        if side == "c":
            src, dst, sport, dport = self.cip, SERVER_IP, self.cport, SERVER_PORT
            smac, dmac, peer = MAC_CLIENT, MAC_SERVER, "s"
        else:
            src, dst, sport, dport = SERVER_IP, self.cip, SERVER_PORT, self.cport
            smac, dmac, peer = MAC_SERVER, MAC_CLIENT, "c"
        seq = self.seq[side]
        ack = self.seq[peer] if flags & ACK else 0
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                          65535, 0, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        tcp = tcp[:16] + csum(pseudo + tcp + payload) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                         self.ip_id[side] & 0xFFFF, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + csum(ip) + ip[12:]
        self.ip_id[side] += 1
        self.out.write(dmac + smac + b"\x08\x00" + ip + tcp + payload, step_usec)
        self.seq[side] = (seq + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF

    def handshake(self):
        self.send("c", SYN)
        self.send("s", SYN | ACK)
        self.send("c", ACK)

    def close(self):
        self.send("c", FIN | ACK)
        self.send("s", FIN | ACK)
        self.send("c", ACK)


def client_addr(i):
    """i-th client: 60000 ports per address, addresses from 198.18.0.1 up."""
    host, port = divmod(i, 60000)
    host += 1
    return bytes([198, 18, (host >> 8) & 0xFF, host & 0xFF]), 1024 + port


def gen_conns(path, n):
    out = PcapWriter(path)
    conns = []
    for i in range(n):
        ip, port = client_addr(i)
        c = Conn(out, ip, port, (i * 2654435761) & 0xFFFFFFFF, (i * 40503 + 7) & 0xFFFFFFFF)
        c.handshake()
        c.send("c", PSH | ACK, b"GET /item/%d HTTP/1.1\r\nHost: bench.test\r\n"
                               b"User-Agent: gen-stress\r\n\r\n" % i)
        conns.append(c)
    for i, c in enumerate(conns):
        body = b'{"id":%d}\n' % i
        c.send("s", PSH | ACK, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               b"Content-Length: %d\r\n\r\n" % len(body) + body)
        c.close()
    out.close()
    return out.packets


def gen_header(path, header_bytes):
    out = PcapWriter(path)
    c = Conn(out, bytes([198, 18, 0, 1]), 40000, 1000, 5000000)
    c.handshake()
    parts = [b"GET /big-header HTTP/1.1\r\nHost: bench.test\r\n"]
    size, k = len(parts[0]), 0
    while header_bytes - 2 - size > 200:             # a filler line is < 120 bytes
        line = b"X-Filler-%06d: %s\r\n" % (k, b"v" * (40 + k % 60))
        parts.append(line)
        size += len(line)
        k += 1
    pad = header_bytes - 2 - size                    # last line fills up exactly
    if pad > 0:
        parts.append(b"X-Pad: " + b"v" * max(0, pad - 9) + b"\r\n")
        k += 1
    parts.append(b"\r\n")
    req = b"".join(parts)
    acked = True
    for seg in range(0, len(req), MSS):
        c.send("c", ACK | (PSH if seg + MSS >= len(req) else 0), req[seg:seg + MSS])
        acked = not acked
        if acked:                                    # delayed ACK: every other segment
            c.send("s", ACK)
    if not acked:
        c.send("s", ACK)
    c.send("s", PSH | ACK, b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                           b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    c.send("s", FIN | ACK)
    c.send("c", FIN | ACK)
    c.send("s", ACK)
    out.close()
    return out.packets, len(req), k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--outdir", default=".", help="directory for the pcaps (default .)")
    ap.add_argument("--conns", type=int, default=100_000, help="concurrent connections")
    ap.add_argument("--header-bytes", type=int, default=10 * 1024 * 1024,
                    help="size of the request header block, request line to blank line")
    a = ap.parse_args()
    if not 1 <= a.conns <= 60000 * 65000 or a.header_bytes < 256:
        ap.error("--conns must be 1..3900000000 and --header-bytes >= 256")
    os.makedirs(a.outdir, exist_ok=True)

    p = os.path.join(a.outdir, "conns-100k.pcap")
    n = gen_conns(p, a.conns)
    print(f"{p}: {a.conns} concurrent connections, {n} packets, {os.path.getsize(p)} bytes")
    p = os.path.join(a.outdir, "header-10mb.pcap")
    n, size, lines = gen_header(p, a.header_bytes)
    print(f"{p}: 1 connection, request head {size} bytes in {lines} header lines, "
          f"{n} packets, {os.path.getsize(p)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
