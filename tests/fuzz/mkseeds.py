#!/usr/bin/env python3
"""mkseeds.py OUTDIR CAPTURE... - seed inputs for the libFuzzer harnesses of
tests/fuzz/ (python3 standard library only; seeds.sh calls it).

From each capture (pcap or pcapng) it writes
  OUTDIR/capture/  the capture, cut at a record boundary to 64 KiB
  OUTDIR/packet/   some frames, each behind the link-type byte of fuzz_packet.c
  OUTDIR/tcp/      up to 4 of its connections as fuzz_tcp.c segment records
  OUTDIR/http/     its connections' two streams and delivery order (fuzz_http.c)
  OUTDIR/content/  the TLS hello records it carries
  OUTDIR/dns/      its DNS messages (UDP port 53) and DNS-over-TCP streams
  OUTDIR/h2/       its HTTP/2 connections' streams and delivery order (fuzz_h2.c)
  OUTDIR/inspect/  its HTTP bodies, behind the key and type of fuzz_inspect.c
and then small handwritten seeds (frames of every link type and
encapsulation, HTTP conversations, gzip/deflate/br bodies, DNS messages, forms, multipart
bodies, pictures, header values).
The formats are described at the top of each harness.

Longer than 800 lines: the seeds of every harness, each built by hand from
the formats it reads; one file so that seeds.sh has one entry point.
"""
import gzip
import hashlib
import os
import struct
import sys
import zlib

MAX_SEED = 64 << 10

# fuzz_packet.c's table of link types, by index
PACKET_DLTS = [1, 113, 276, 0, 108, 12, 228, 229, 239, 101, 147]
DLT_INDEX = {dlt: i for i, dlt in enumerate(PACKET_DLTS)}
DLT_INDEX[14] = DLT_INDEX[12]  # DLT_RAW on OpenBSD

SEP = b"\xff\xfe\xfd\xfc"

out_dir = None


def put(kind, data, name=None):
    """write one seed, named by its hash"""
    d = os.path.join(out_dir, kind)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, (name + "-" if name else "") + h), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- reading --

def read_capture(blob):
    """[(linktype, frame bytes)] of a pcap or pcapng file (as much as parses)"""
    frames = []
    if len(blob) < 24:
        return frames
    magic = blob[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        lt = struct.unpack(e + "I", blob[20:24])[0] & 0x0FFFFFFF
        pos = 24
        while pos + 16 <= len(blob):
            caplen = struct.unpack(e + "I", blob[pos + 8:pos + 12])[0]
            if pos + 16 + caplen > len(blob):
                break
            frames.append((lt, blob[pos + 16:pos + 16 + caplen], pos, pos + 16 + caplen))
            pos += 16 + caplen
        return frames
    if magic == b"\x0a\x0d\x0d\x0a":
        pos = 0
        e = "<"
        ifaces = []
        while pos + 12 <= len(blob):
            btype = blob[pos:pos + 4]
            if btype == b"\x0a\x0d\x0d\x0a":
                e = "<" if blob[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                ifaces = []
            btype = struct.unpack(e + "I", blob[pos:pos + 4])[0]
            blen = struct.unpack(e + "I", blob[pos + 4:pos + 8])[0]
            if blen < 12 or pos + blen > len(blob):
                break
            body = blob[pos + 8:pos + blen - 4]
            if btype == 1 and len(body) >= 8:
                ifaces.append(struct.unpack(e + "H", body[:2])[0])
            elif btype == 6 and len(body) >= 20:
                iface, _, _, caplen, _ = struct.unpack(e + "IIIII", body[:20])
                if iface < len(ifaces) and 20 + caplen <= len(body):
                    frames.append((ifaces[iface], body[20:20 + caplen], pos, pos + blen))
            elif btype == 3 and len(body) >= 4 and ifaces:
                frames.append((ifaces[0], body[4:], pos, pos + blen))
            pos += blen
        return frames
    return frames


def cut_capture(blob, frames):
    """the capture, cut after the last record that ends within MAX_SEED"""
    if len(blob) <= MAX_SEED:
        return blob
    end = 0
    for f in frames:
        if f[3] <= MAX_SEED:
            end = max(end, f[3])
    if blob[:4] == b"\x0a\x0d\x0d\x0a" and end == 0:
        return None
    return blob[:end or 24]


def be16(b, o):
    return struct.unpack(">H", b[o:o + 2])[0]


def be32(b, o):
    return struct.unpack(">I", b[o:o + 4])[0]


def ip_packet(b):
    """(src, dst, TCP bytes, TCP length by the IP header) or None"""
    if not b:
        return None
    v = b[0] >> 4
    if v == 4 and len(b) >= 20:
        hl = (b[0] & 15) * 4
        total = be16(b, 2) or len(b)
        if b[9] != 6 or hl < 20 or (be16(b, 6) & 0x3FFF):
            return None
        return b[12:16], b[16:20], b[hl:total], total - hl
    if v == 6 and len(b) >= 40:
        nh, pos = b[6], 40
        plen = be16(b, 4) or len(b) - 40
        left = plen
        for _ in range(8):
            if nh == 6:
                return b[8:24], b[24:40], b[pos:pos + left], left
            if nh in (0, 43, 60) and len(b) >= pos + 2:
                elen = (b[pos + 1] + 1) * 8
                nh, pos, left = b[pos], pos + elen, left - elen
            else:
                return None
    return None


def udp_datagram(b):
    """(source port, destination port, payload) of a UDP/IP packet, or None"""
    if not b:
        return None
    v = b[0] >> 4
    if v == 4 and len(b) >= 28 and b[9] == 17 and not (be16(b, 6) & 0x3FFF):
        u = b[(b[0] & 15) * 4:]
    elif v == 6 and len(b) >= 48 and b[6] == 17:
        u = b[40:]
    else:
        return None
    if len(u) < 8 or be16(u, 4) < 8:
        return None
    return be16(u, 0), be16(u, 2), u[8:be16(u, 4)]


def link_payload(lt, f):
    """the IP packet of a frame, or None"""
    def ether(t, p):
        while t in (0x8100, 0x88A8, 0x9100) and len(p) >= 4:
            t, p = be16(p, 2), p[4:]
        return p if t in (0x0800, 0x86DD) else None
    if lt == 1 and len(f) >= 14:
        return ether(be16(f, 12), f[14:])
    if lt == 113 and len(f) >= 16:
        return ether(be16(f, 14), f[16:])
    if lt == 276 and len(f) >= 20:
        return ether(be16(f, 0), f[20:])
    if lt in (0, 108) and len(f) >= 4:
        return f[4:]
    if lt in (12, 14, 101, 228, 229):
        return f
    if lt == 239 and len(f) >= 4:
        p = 4
        while p + 4 <= len(f):
            tl, tt = struct.unpack("<HH", f[p:p + 4])
            if tl < 4:
                return None
            if tt & 0x7FFF == 9:
                return f[p + 4:p + tl]
            p += (tl + 3) & ~3
    return None


class Seg:
    count = 0

    def __init__(self, src, sport, dst, dport, tcp, tcplen):
        Seg.count += 1
        self.num = Seg.count
        self.src, self.sport, self.dst, self.dport = src, sport, dst, dport
        self.seq, self.ack = be32(tcp, 4), be32(tcp, 8)
        self.flags = tcp[13]
        hl = (tcp[12] >> 4) * 4
        self.len = max(0, tcplen - hl)
        self.payload = tcp[hl:hl + self.len]


def segments(frames):
    out = []
    for lt, f, _, _ in frames:
        ip = link_payload(lt, f)
        r = ip_packet(ip) if ip else None
        if not r:
            continue
        src, dst, tcp, tcplen = r
        if len(tcp) < 20 or (tcp[12] >> 4) < 5:
            continue
        out.append(Seg(src, be16(tcp, 0), dst, be16(tcp, 2), tcp, tcplen))
    return out


def connections(segs):
    """[(client endpoint, [(dir, seg)])] in order of first segment; a SYN on
    a four-tuple that carried data or a FIN already starts a new one"""
    cur, conns = {}, []
    for s in segs:
        a, b = (s.src, s.sport), (s.dst, s.dport)
        key = (a, b) if a < b else (b, a)
        i = cur.get(key)
        if i is None or (s.flags & 0x12 == 0x02 and
                         any(x.len or x.flags & 5 for _, x in conns[i][1])):
            if s.flags & 0x12 == 0x02:
                client = a
            elif s.flags & 0x12 == 0x12:
                client = b
            elif s.dport in (80, 8080, 8000, 3128) or s.sport > s.dport:
                client = a
            else:
                client = b
            cur[key] = i = len(conns)
            conns.append((client, []))
        conns[i][1].append((0 if a == conns[i][0] else 1, s))
    return conns


# ------------------------------------------------------------- fuzz_tcp ----

def tcp_records(conns, h0=0, h1=0, in_capture_order=True):
    """fuzz_tcp.c input for up to 4 connections (their segments in capture
    order, or one connection after the other)"""
    out = bytearray([h0, h1])
    nxt = [[1000, 0xFFFFF000] for _ in range(4)]
    events = []
    for slot, (client, segs) in enumerate(conns[:4]):
        for d, sg in segs:
            events.append((sg, slot, d))
    # in capture order across the connections
    if in_capture_order:
        events.sort(key=lambda e: e[0].num)
    for s, slot, d in events:
        c = d | slot << 1 | 0x40  # 1 ms apart
        n = nxt[slot]
        dseq = (s.seq - n[d]) & 0xFFFFFFFF
        dack = (s.ack - n[1 - d]) & 0xFFFFFFFF
        if dseq < 0x8000 or dseq >= 0xFFFF8000:
            seqb = struct.pack(">H", dseq & 0xFFFF)
        else:
            c |= 0x08
            seqb = struct.pack(">I", s.seq)
        if dack < 0x8000 or dack >= 0xFFFF8000:
            ackb = struct.pack(">H", dack & 0xFFFF)
        else:
            c |= 0x10
            ackb = struct.pack(">I", s.ack)
        plen = min(s.len, 65535)
        cap = len(s.payload[:plen])
        capb = b""
        if cap < plen and cap < 256:  # cut by the snaplen: a caplen byte
            c |= 0x20
            capb = bytes([cap])
        rec = bytes([c, s.flags]) + seqb + ackb
        rec += bytes([plen]) if plen < 255 else b"\xff" + struct.pack(">H", plen)
        rec += capb + s.payload[:cap] + bytes(plen - cap)
        if len(out) + len(rec) > MAX_SEED:
            break
        out += rec
        n[d] = (s.seq + s.len + (1 if s.flags & 2 else 0) + (1 if s.flags & 1 else 0)) & 0xFFFFFFFF
    return bytes(out)


# ------------------------------------------------------------ fuzz_http ----

DATA_CODES = [40, 48, 64, 80, 100, 128, 150, 200, 256, 300, 400, 512, 600, 800, 1000, 1024,
              1200, 1400, 1448, 1460, 1500, 2000, 2048, 3000, 4096, 8192, 16384, 32768, 65536,
              100000, 1000000]
GAP_CODES = [20, 32, 64, 100, 128, 256, 512, 1000, 1460, 4096, 65536]


def data_ops(d, n):
    ops = bytearray()
    while n > 0:
        if n <= 32:
            ops.append(d << 6 | (n - 1))
            break
        if n < DATA_CODES[0]:
            ops.append(d << 6 | 31)
            n -= 32
            continue
        k = max(i for i, v in enumerate(DATA_CODES) if v <= n)
        ops.append(d << 6 | (32 + k))
        n -= DATA_CODES[k]
    return ops


def gap_ops(d, n):
    ops = bytearray()
    while n > 0:
        if n <= 16:
            ops.append(0x80 | d << 5 | (n - 1))
            break
        if n < GAP_CODES[0]:
            ops.append(0x80 | d << 5 | 15)
            n -= 16
            continue
        k = max(i for i, v in enumerate(GAP_CODES) if v <= n)
        ops.append(0x80 | d << 5 | (16 + k))
        n -= GAP_CODES[k]
    return ops


def http_seed(client, server, sched, h0=0, h1=0):
    if SEP in client or SEP in server:
        return None
    return bytes([h0, h1]) + client + SEP + server + SEP + bytes(sched)


def conn_runs(segs, caps=(16 << 10, 44 << 10)):
    """the two streams of a connection, holes as filler, and the order in
    which the segments brought their bytes: (streams, runs, fin, syn, rst)
    where runs are ("data" or "gap", direction, length) and fin[d] says the
    direction ended with a FIN after its last byte"""
    base = [None, None]
    fin_at = [None, None]
    for d, s in segs:
        if s.flags & 2 and base[d] is None:
            base[d] = (s.seq + 1) & 0xFFFFFFFF
    for d, s in segs:
        if base[d] is None and (s.len or s.flags & 1):
            base[d] = s.seq
    streams = [bytearray(), bytearray()]
    have = [bytearray(), bytearray()]  # 1: byte captured
    runs = []
    done = [0, 0]
    syn = any(s.flags & 0x12 == 0x02 for _, s in segs)
    rst = None
    for d, s in segs:
        if base[d] is None:
            continue
        if s.flags & 4:
            rst = d
            break
        off = (s.seq + (1 if s.flags & 2 else 0) - base[d]) & 0xFFFFFFFF
        if off >= 1 << 31:
            continue
        end = min(off + s.len, caps[d])
        if end > len(streams[d]):
            streams[d] += bytes(end - len(streams[d]))
            have[d] += bytes(end - len(have[d]))
        for i, b in enumerate(s.payload[:max(0, end - off)]):
            if not have[d][off + i]:
                streams[d][off + i] = b
                have[d][off + i] = 1
        # deliver what is now in order: captured runs as data
        while done[d] < len(streams[d]) and have[d][done[d]]:
            run = done[d]
            while run < len(streams[d]) and have[d][run]:
                run += 1
            runs.append(("data", d, run - done[d]))
            done[d] = run
        if s.flags & 1:
            fin_at[d] = off + s.len
    # the rest: holes as gaps, data as data
    for d in (0, 1):
        while done[d] < len(streams[d]):
            run = done[d]
            cap = have[d][run]
            while run < len(streams[d]) and have[d][run] == cap:
                run += 1
            runs.append(("data" if cap else "gap", d, run - done[d]))
            done[d] = run
    fin = [fin_at[d] is not None and fin_at[d] == len(streams[d]) for d in (0, 1)]
    return streams, runs, fin, syn, rst


def http_from_conn(segs, caps=(16 << 10, 44 << 10)):
    """a fuzz_http seed of a connection"""
    streams, runs, fin, syn, rst = conn_runs(segs, caps)
    ops = bytearray()
    for kind, d, n in runs:
        ops += (data_ops if kind == "data" else gap_ops)(d, n)
    for d in (0, 1):
        if fin[d]:
            ops.append(0xC0 | d)
    h0 = 1 if syn else 0
    h1 = (1 | (4 if rst == 1 else 0)) if rst is not None else 0
    return http_seed(bytes(streams[0]), bytes(streams[1]), ops, h0, h1)


# -------------------------------------------------- fuzz_h2 (issue 16) ----
# The format is at the top of fuzz_h2.c; these tables mirror its own.

H2_DATA_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 20, 23, 24, 25, 30,
                 32, 33, 40, 48, 50, 60, 64, 80, 100, 127, 128, 150, 200, 255, 256, 300, 400,
                 500, 512, 600, 800, 1000, 1024, 1400, 1460, 1500, 2000, 2048, 3000, 4096,
                 5000, 8192, 10000, 16384, 16393, 20000, 32768, 40000, 65535, 65536, 100000]
H2_GAP_CODES = [1, 2, 3, 5, 8, 9, 10, 16, 20, 24, 32, 50, 64, 100, 128, 200, 256, 500, 1000,
                1460, 4096, 8192, 16384, 16393, 65536, 100000]
H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def h2_ops(kind, d, n):
    codes = H2_DATA_CODES if kind == "data" else H2_GAP_CODES
    ops = bytearray()
    while n > 0:
        k = max(i for i, v in enumerate(codes) if v <= n)
        ops.append((d << 6 | k) if kind == "data" else (0x80 | d << 5 | k))
        n -= codes[k]
    return ops


def h2_seed(client, server, sched, h0=0, h1=0, settings=None):
    if SEP in client or SEP in server:
        return None
    head = bytes([h0, h1])
    if h0 & 3 == 1:
        head += bytes([len(settings)]) + settings
    return head + client + SEP + server + SEP + bytes(sched)


def h2_from_conn(segs):
    """a fuzz_h2 seed of an HTTP/2 connection: prior knowledge, or an Upgrade
    whose HTTP/1.1 heads are left out; None for other connections"""
    streams, runs, fin, _, _ = conn_runs(segs, (44 << 10, 44 << 10))
    c, s = bytes(streams[0]), bytes(streams[1])
    start, skip, settings = 0, [0, 0], None
    if not c.startswith(H2_PREFACE):
        end_c, end_s = c.find(b"\r\n\r\n"), s.find(b"\r\n\r\n")
        if end_c < 0 or end_s < 0 or b"h2c" not in c[:end_c] or not s.startswith(b"HTTP/1.1 101"):
            return None
        for line in c[:end_c].split(b"\r\n"):
            if line.lower().startswith(b"http2-settings:"):
                settings = line.split(b":", 1)[1].strip()[:255]
        start, skip = 1, [end_c + 4, end_s + 4]
    ops, at = bytearray(), [0, 0]
    for kind, d, n in runs:
        cut = max(0, min(n, skip[d] - at[d]))  # the HTTP/1.1 heads are not fed
        at[d] += n
        if n - cut:
            ops += h2_ops(kind, d, n - cut)
    for d in (0, 1):
        if fin[d]:
            ops.append(0xC0 | d)
    return h2_seed(c[skip[0]:], s[skip[1]:], ops, start | 0x10, 0x32, settings or b"")


def h2_frame(t, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([t, flags]) + struct.pack(">I", stream) + payload


def handwritten_h2():
    """conversations of every frame type (HPACK blocks of static entries and literals)"""
    req = bytes.fromhex("828684418cf1e3c2e5f23a6ba0ab90f4ff")      # RFC 7541 C.4.1
    req2 = bytes.fromhex("828684be5886a8eb10649cbf")                 # C.4.2: uses the table
    rsp = bytes.fromhex("88") + bytes.fromhex("5f87497ca589d34d1f")  # :status 200, content-type
    settings = h2_frame(4, 0, 0, struct.pack(">HI", 3, 100) + struct.pack(">HI", 4, 65535))
    ack = h2_frame(4, 1, 0, b"")
    c = (H2_PREFACE + settings + h2_frame(8, 0, 0, struct.pack(">I", 1 << 20)) +
         h2_frame(1, 0x05, 1, req) +
         h2_frame(1, 0x08 | 0x20, 3, bytes([2]) + struct.pack(">IB", 0x80000001, 15) + req2[:5] + b"\0\0") +
         h2_frame(9, 0x04, 3, req2[5:]) +
         h2_frame(0, 0x08, 3, bytes([3]) + b"body" + b"\0\0\0") + ack +
         h2_frame(0, 0x01, 3, b"!") + h2_frame(6, 0, 0, b"pingpong") +
         h2_frame(1, 0x05, 5, req2) + h2_frame(3, 0, 5, struct.pack(">I", 8)) +
         h2_frame(2, 0, 7, struct.pack(">IB", 0, 15)) + h2_frame(0x42, 0x5, 0, b"ext") +
         h2_frame(7, 0, 0, struct.pack(">II", 0, 0) + b"bye"))
    s = (settings + ack + h2_frame(1, 0x04, 1, rsp) +
         h2_frame(5, 0x04, 1, struct.pack(">I", 2) + req) +
         h2_frame(0, 0x01, 1, b"hello") + h2_frame(1, 0x04, 2, rsp) +
         h2_frame(1, 0x04, 3, rsp) + h2_frame(0, 0x01, 2, b"css") +
         h2_frame(1, 0x05, 3, bytes.fromhex("400178017a")) +
         h2_frame(6, 1, 0, b"pingpong") + h2_frame(8, 0, 3, struct.pack(">I", 100)) +
         h2_frame(7, 0, 0, struct.pack(">II", 5, 2) + b"debug"))
    put("h2", h2_seed(c, s, b""), "hw-all")
    put("h2", h2_seed(c[24:], s, b"", 0x04), "hw-all-preface")
    sched = bytearray()
    for i in range(0, max(len(c), len(s)), 7):
        sched += bytes([6, 0x40 | 10])
    put("h2", h2_seed(c, s, sched, 0x20, 0x31), "hw-all-pieces")
    put("h2", h2_seed(c, s, bytes([20, 0x80 | 3, 0x40 | 12, 0xA0 | 9, 0xC0, 0xC1]), 0x08, 0x50), "hw-gaps")
    put("h2", h2_seed(c[40:], s[20:], b"", 0x02), "hw-midstream")
    up = b"AAMAAABkAAQAAP__"
    put("h2", h2_seed(c, s[len(settings) + len(ack):], b"", 0x01 | 0x10, 0x20, up), "hw-upgrade")
    cont = (H2_PREFACE + settings + h2_frame(1, 0, 1, req[:6]) + h2_frame(9, 0, 1, req[6:10]) +
            h2_frame(9, 0x04, 1, req[10:]) + h2_frame(1, 0x01, 1, b"") +
            h2_frame(9, 0x04, 3, req))
    put("h2", h2_seed(cont, settings, b""), "hw-continuation")
    huge = H2_PREFACE + settings + struct.pack(">I", 0xffffff)[1:] + bytes([0, 0]) + struct.pack(">I", 1)
    put("h2", h2_seed(huge + b"\0" * 300 + h2_frame(6, 0, 0, b"pingpong"), b"", b""), "hw-lying")


# -------------------------------------------------------------- framing ----

def ip4(src, dst, tcp, proto=6, frag=0, opts=b"", total=None):
    hl = 20 + len(opts)
    t = hl + len(tcp) if total is None else total
    return (bytes([0x40 | hl // 4, 0]) + struct.pack(">HHHBBH", t, 1, frag, 64, proto, 0) +
            src + dst + opts + tcp)


def ip6(src, dst, tcp):
    return struct.pack(">IHBB", 0x60000000, len(tcp), 6, 64) + src + dst + tcp


def tcp_hdr(sport, dport, seq, ack, flags, payload=b"", opts=b""):
    hl = 20 + len(opts)
    return (struct.pack(">HHIIBBHHH", sport, dport, seq, ack, (hl // 4) << 4, flags, 65535, 0, 0)
            + opts + payload)


def ether(ip, etype=0x0800, tags=b""):
    return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01" + tags + struct.pack(">H", etype) + ip


def pcap(lt, frames):
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, lt))
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", 1600000000 + i, i * 1000, len(f), len(f)) + f
    return bytes(out)


def pcapng(lt, frames):
    def block(t, body):
        body += bytes(-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", t, n) + body + struct.pack("<I", n)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", lt, 0, 262144))
    for i, f in enumerate(frames):
        out += block(6, struct.pack("<IIIII", 0, 0, i * 1000, len(f), len(f)) + f)
    return out


A4, B4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
A6, B6 = bytes(15) + b"\x01", bytes(15) + b"\x02"
REQ = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n"
RSP = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
       b"<p>hello</p>\n")


def conversation(v6=False):
    """a whole short HTTP exchange as TCP segments (IP packets)"""
    a, b = (A6, B6) if v6 else (A4, B4)
    mk = (lambda s, d, t: ip6(s, d, t)) if v6 else (lambda s, d, t: ip4(s, d, t))
    mss = b"\x02\x04\x05\xb4\x01\x03\x03\x07\x04\x02\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00"
    c, s = 1000, 0xFFFFF000
    return [
        mk(a, b, tcp_hdr(40000, 80, c, 0, 0x02, opts=mss)),
        mk(b, a, tcp_hdr(80, 40000, s, c + 1, 0x12, opts=mss)),
        mk(a, b, tcp_hdr(40000, 80, c + 1, s + 1, 0x10)),
        mk(a, b, tcp_hdr(40000, 80, c + 1, s + 1, 0x18, REQ)),
        mk(b, a, tcp_hdr(80, 40000, s + 1, c + 1 + len(REQ), 0x18, RSP)),
        mk(a, b, tcp_hdr(40000, 80, c + 1 + len(REQ), s + 1 + len(RSP), 0x11)),
        mk(b, a, tcp_hdr(80, 40000, s + 1 + len(RSP), c + 2 + len(REQ), 0x11)),
        mk(a, b, tcp_hdr(40000, 80, c + 2 + len(REQ), s + 2 + len(RSP), 0x10)),
    ]


def encapsulations(ip):
    """(link type, frame) for one IP packet in every link layer the tracer reads"""
    v6 = ip[0] >> 4 == 6
    et = 0x86DD if v6 else 0x0800
    af_null = 10 if v6 else 2
    nflog_payload = struct.pack("<HH", 4 + len(ip), 9) + ip
    return [
        (1, ether(ip, et)),
        (1, ether(ip, et, b"\x81\x00\x00\x05")),                       # 802.1Q
        (1, ether(ip, et, b"\x88\xa8\x00\x05\x81\x00\x00\x06")),       # QinQ
        (1, ether(b"\x11\x00\x00\x01" + struct.pack(">H", len(ip) + 2) +
                  (b"\x00\x57" if v6 else b"\x00\x21") + ip, 0x8864)),  # PPPoE
        (1, ether(b"\x00\x01\x00\x40" + b"\x00\x02\x01\x40" + ip, 0x8847)),  # MPLS x2
        (113, b"\x00\x00\x00\x01\x00\x06\x02\x00\x00\x00\x00\x01\x00\x00" + struct.pack(">H", et) + ip),
        (276, struct.pack(">H", et) + b"\x00\x00" + b"\x00\x00\x00\x01" + b"\x00\x01\x00\x06" +
         b"\x02\x00\x00\x00\x00\x01\x00\x00" + ip),
        (0, struct.pack("<I", af_null) + ip),
        (0, struct.pack(">I", af_null) + ip),
        (108, struct.pack(">I", 24 if v6 else 2) + ip),
        (12, ip),
        (101, ip),
        (229 if v6 else 228, ip),
        (239, bytes([10 if v6 else 2, 0, 0, 0]) + struct.pack("<HH", 8, 1) + b"\x08\x00\x00\x03" +
         nflog_payload + bytes(-len(nflog_payload) % 4)),
    ]


def handwritten_packets():
    for v6 in (False, True):
        for ip in conversation(v6)[3:5]:
            for lt, f in encapsulations(ip):
                put("packet", bytes([DLT_INDEX[lt]]) + f, "enc")
    tcp = tcp_hdr(40000, 80, 1, 1, 0x18, b"GET / HTTP/1.0\r\n\r\n")
    e = DLT_INDEX[1]
    # IPv4: options, fragments, bad lengths, TSO total length 0
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp, opts=b"\x01\x01\x01\x00")), "v4opt")
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp, frag=0x2000)), "v4frag")
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp, frag=0x0010)), "v4frag")
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp, total=0)), "v4tso")
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp, total=30)), "v4short")
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp) + bytes(6)), "v4pad")
    put("packet", bytes([e]) + ether(ip4(A4, B4, b"\x00\x35\x00\x35\x00\x08\x00\x00", proto=17)), "udp")
    # IPv6 extension headers: hop-by-hop, routing, destination, atomic fragment, AH
    hbh = b"\x2b\x00\x01\x04\x00\x00\x00\x00"          # next: routing
    rt = b"\x3c\x00\x00\x00\x00\x00\x00\x00"           # next: destination options
    dst = b"\x2c\x00\x01\x04\x00\x00\x00\x00"          # next: fragment
    frag = b"\x33\x00\x00\x00\x00\x00\x00\x01"         # atomic; next: AH
    ah = b"\x06\x01\x00\x00" + bytes(8)                # AH, length 1: 12 bytes; next: TCP
    ext = hbh + rt + dst + frag + ah
    ip = struct.pack(">IHBB", 0x60000000, len(ext) + len(tcp), 0, 64) + A6 + B6 + ext + tcp
    put("packet", bytes([DLT_INDEX[1]]) + ether(ip, 0x86DD), "v6ext")
    ipf = (struct.pack(">IHBB", 0x60000000, 8 + len(tcp), 44, 64) + A6 + B6 +
           b"\x06\x00\x00\x09\x00\x00\x00\x01" + tcp)
    put("packet", bytes([DLT_INDEX[1]]) + ether(ipf, 0x86DD), "v6frag")
    # TCP options: all kinds, a bad one; data offsets past the segment
    opts = (b"\x02\x04\x05\xb4\x01\x03\x03\x0e\x04\x02\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02"
            b"\x05\x0a\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00")
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp_hdr(40000, 80, 1, 0, 0x02, opts=opts))), "tcpopt")
    put("packet", bytes([e]) + ether(ip4(A4, B4, tcp_hdr(40000, 80, 1, 0, 0x02, opts=b"\x02\x09\x05\xb4"))), "tcpopt")
    bad = bytearray(tcp)
    bad[12] = 0xF0
    put("packet", bytes([e]) + ether(ip4(A4, B4, bytes(bad))), "tcpoff")
    bad[12] = 0x40
    put("packet", bytes([e]) + ether(ip4(A4, B4, bytes(bad))), "tcpoff")
    # a frame cut in every header
    full = ether(ip4(A4, B4, tcp_hdr(40000, 80, 1, 1, 0x18, b"GET / HTTP/1.1\r\n", opts=opts)))
    for n in (6, 13, 20, 33, 40, 50, 60, 80):
        put("packet", bytes([e]) + full[:n], "cut")
    put("packet", bytes([DLT_INDEX[147]]) + full, "unsupported")


def handwritten_captures():
    for v6 in (False, True):
        conv = conversation(v6)
        encs = [encapsulations(ip) for ip in conv]
        for k in range(len(encs[0])):
            put("capture", pcap(encs[0][k][0], [e[k][1] for e in encs]), "enc")
        put("capture", pcapng(1, [ether(ip, 0x86DD if v6 else 0x0800) for ip in conv]), "ng")
    # pcapng with two interfaces of different link types, and a simple packet block
    conv = conversation(False)
    def block(t, body):
        body += bytes(-len(body) % 4)
        return struct.pack("<II", t, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    ng = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    ng += block(1, struct.pack("<HHI", 1, 0, 262144)) + block(1, struct.pack("<HHI", 101, 0, 262144))
    for i, ip in enumerate(conv):
        f = ether(ip) if i % 2 == 0 else ip
        ng += block(6, struct.pack("<IIIII", i % 2, 0, i, len(f), len(f)) + f)
    ng += block(3, struct.pack("<I", len(ether(conv[0]))) + ether(conv[0]))
    put("capture", ng, "ng2if")
    # a pcap with a record cut short, and one with a huge caplen
    p = pcap(1, [ether(ip) for ip in conv])
    put("capture", p[:-7], "cut")
    put("capture", p[:24] + struct.pack("<IIII", 0, 0, 0x7FFFFFFF, 60) + bytes(60), "caplen")
    # nanosecond and big-endian headers
    put("capture", struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1) +
        b"".join(struct.pack(">IIII", 1, 5, len(f), len(f)) + f for f in [ether(ip) for ip in conv]), "ns")


def handwritten_tcp():
    # the conversation, then variants: without a handshake, retransmitted,
    # out of order, several connections (and fewer allowed at once)
    conv = conversation(False)
    base = []
    for ip in conv:
        r = ip_packet(ip)
        s = Seg(r[0], be16(r[2], 0), r[1], be16(r[2], 2), r[2], r[3])
        base.append((0 if s.sport == 40000 else 1, s))
    put("tcp", tcp_records([((A4, 40000), base)], 0, 0, False), "conv")
    put("tcp", tcp_records([((A4, 40000), base)], 0x40, 0x01, False), "conv-p80")
    put("tcp", tcp_records([((A4, 40000), base)], 0x80 | 0x22, 0x02, False), "conv-v6-8080")
    put("tcp", tcp_records([((A4, 40000), base[3:])], 0, 0, False), "nohs")
    re = base[:4] + [base[3]] + base[4:]
    put("tcp", tcp_records([((A4, 40000), re)], 0, 0, False), "retrans")
    ooo = base[:3] + [base[4], base[3]] + base[5:]
    put("tcp", tcp_records([((A4, 40000), ooo)], 0, 0, False), "ooo")
    put("tcp", tcp_records([((A4, 40000), base), ((A4, 40000), base)], 0x04, 0, False), "2conns-max1")
    put("tcp", tcp_records([((A4, 40000), base)] * 3, 0x09, 0, False), "3conns")
    # the first copy read back (h1 bit 4), from a changed file (bit 5), one
    # connection followed (bit 6), 1100 more connections (bits 7 and 5)
    ip = conversation(False)[3]
    ip = ip[:-len(REQ)] + REQ.replace(b"index", b"other")
    r = ip_packet(ip)
    other = (0, Seg(r[0], be16(r[2], 0), r[1], be16(r[2], 2), r[2], r[3]))
    re2 = base[:4] + [other] + base[4:]
    put("tcp", tcp_records([((A4, 40000), re2)], 0, 0, False), "retrans-other")
    put("tcp", tcp_records([((A4, 40000), re2)], 0, 0x10, False), "retrans-other-reread")
    put("tcp", tcp_records([((A4, 40000), re2)], 0, 0x30, False), "retrans-other-reread-shift")
    put("tcp", tcp_records([((A4, 40000), base)] * 2, 0, 0x40, False), "only")
    put("tcp", tcp_records([((A4, 40000), base)], 0, 0xA0, False), "many-conns")
    put("tcp", tcp_records([((A4, 40000), base)], 0x04, 0xA0, False), "many-conns-max1")


CHUNKED_RSP = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
               b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n")


def handwritten_http():
    gz = gzip.compress(b"<html>" + b"hello gzip " * 50 + b"</html>\n", mtime=0)
    df = zlib.compress(b"hello deflate\n" * 20)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    rawdf = raw.compress(b"raw deflate\n" * 20) + raw.flush()
    br = bytes.fromhex("0b068068656c6c6f2c20776f726c640a03")
    cases = [
        (REQ, RSP),
        (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", CHUNKED_RSP),
        (b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nHEAD /c HTTP/1.1\r\n\r\n",
         b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
         b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
        (b"POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
         b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
        (b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00",
         b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03\x00\x05\x02\x00\x00\x01\x00"),
        (b"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello",
         b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x02hi"),
        (b"GET / HTTP/1.0\n\n", b"HTTP/1.0 200 OK\nContent-Type: text/plain\n\nuntil the close"),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\nAccept-Encoding: gzip\r\n\r\n",
         b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + str(len(gz)).encode() +
         b"\r\nConnection: keep-alive\r\n\r\n" + gz),
        (b"GET /d HTTP/1.1\r\nHost: a\r\n\r\n",
         b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n" +
         b"%x\r\n" % len(df) + df + b"\r\n0\r\n\r\n"),
        (b"GET /r HTTP/1.1\r\nHost: a\r\n\r\n",
         b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: " + str(len(rawdf)).encode() +
         b"\r\n\r\n" + rawdf),
        (b"GET /b HTTP/1.1\r\nHost: a\r\n\r\n",
         b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: " + str(len(br)).encode() +
         b"\r\n\r\n" + br),
        (b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
         b"3\r\nabc\r\n0\r\n\r\n", b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"),
        (b"\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03" + bytes(32) + b"\x00\x00\x02\x13\x01\x01\x00"
         b"\x00\x00", b"\x16\x03\x03\x00\x04\x02\x00\x00\x00"),
        (b"EHLO example.com\r\nQUIT\r\n", b"220 smtp ready\r\n250 ok\r\n"),
        (b"xx /middle of a body\r\nGET /next HTTP/1.1\r\n\r\n", b"tail of a body\r\nHTTP/1.1 200 OK\r\n\r\n"),
        (b"GET /many-interim HTTP/1.1\r\n\r\n",
         b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" * 70 + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        (b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\nContent-Length: x\r\n\r\nab",
         b"HTTP/1.1 999 Odd\r\nTransfer-Encoding: gzip\r\n\r\nclose-framed"),
        # SOCKS 5 (a password, a name) then HTTP; SOCKS 4a; a SOCKS 5 refusal (issue 13)
        (b"\x05\x02\x00\x02\x01\x01u\x01p\x05\x01\x00\x03\x04host\x00\x50" + REQ,
         b"\x05\x02\x01\x00\x05\x00\x00\x04" + bytes(16) + b"\x9c\x41" + RSP),
        (b"\x04\x01\x00\x50\x00\x00\x00\x01user\x00host.example\x00" + REQ,
         b"\x00\x5a\x00\x50\x7f\x00\x00\x01" + RSP),
        (b"\x05\x01\x00\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x50", b"\x05\x00\x05\x05\x00\x01" + bytes(6)),
    ]
    for i, (c, s) in enumerate(cases):
        # whole, then in small pieces with a gap, with every option bit
        put("http", http_seed(c, s, b""), "hw%02d" % i)
        sched = bytearray()
        for k in range(0, max(len(c), len(s)), 7):
            sched += bytes([0x06, 0x40 | 0x06])
        put("http", http_seed(c, s, sched, 0x01 | 0x10, 0x18), "hw%02d-pieces" % i)
        put("http", http_seed(c, s, bytes([0x02, 0x80 | 0x03, 0x40 | 0x3F, 0xC2, 0xC3, 0xC4, 0xC5]),
                              0xFF, 0x25), "hw%02d-opts" % i)
        put("http", http_seed(c, s, bytes([0x3F, 0xA0 | 0x10, 0x7F, 0xC1, 0xC0]), 0x40, 0x01), "hw%02d-gap" % i)


def handwritten_content():
    text = b"<html><body>" + b"The quick brown fox jumps over the lazy dog. " * 40 + b"</body></html>\n"
    gz = gzip.compress(text, mtime=0)
    zl = zlib.compress(text)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = co.compress(text) + co.flush()
    br_text = bytes.fromhex(
        "1b220700c4e777e9097da002e92514c8dc77db310e5ca6db165c6c015a94868db133a5d94b822541c2f41021"
        "a343fe167a8fa7c38f17f96af3c0b8ddfec3782aadeaff6047a000da848439eb4712")
    br_gz = bytes.fromhex(
        "8b14801f8b0800000000000203cb48cdc9c9d75148afca2c50c8cc2bce4c4955482ae20200bb2389ec1600000003")
    br_empty = bytes.fromhex("06")
    # coding index (fuzz_content.c): 0 gzip, 1 deflate, 2 br, 3 "gzip, br",
    # 4 x-gzip, 5 "deflate, gzip", 6 "identity, br", 7 "br, deflate"
    bodies = [
        (0, gz), (0, gz + b"trailing"), (0, gz[:len(gz) // 2]), (0, gzip.compress(b"", mtime=0)),
        (1, zl), (1, raw), (1, zl[:10]),
        (2, br_text), (2, br_empty), (2, br_text[:20]),
        (3, br_gz),
        (4, gzip.compress(b"x-gzip\n" * 10, mtime=0)),
        (5, gzip.compress(zlib.compress(text), mtime=0)),
        (6, br_text),
        (7, zlib.compress(br_text)),
    ]
    for idx, body in bodies:
        for piece, keep in ((6, 2), (0, 1), (2, 0), (4, 3)):
            put("content", bytes([idx | piece << 3 | keep << 6]) + body, "body")
    for line in (b"GET / HTTP/1.1\r\n", b"HTTP/1.1 200 OK\r\n", b"1a;name=value\r\n",
                 b"OPTIONS * HTTP/1.1\r\n", b"HTTP/1.0 404\n", b"fffffffffffffff\r\n"):
        put("content", bytes([0x30]) + line, "line")


def dns_name(dotted):
    return b"".join(bytes([len(l)]) + l.encode() for l in dotted.split(".") if l) + b"\0"


def dns_msg(ident, flags, qd, an=(), ns=(), ar=()):
    """a DNS message: qd [(name, type)], records [(owner bytes, type, ttl, rdata)]"""
    m = struct.pack(">HHHHHH", ident, flags, len(qd), len(an), len(ns), len(ar))
    for name, t in qd:
        m += dns_name(name) + struct.pack(">HH", t, 1)
    for owner, t, ttl, rd in list(an) + list(ns) + list(ar):
        m += owner + struct.pack(">HHIH", t, 1232 if t == 41 else 1, ttl, len(rd)) + rd
    return m


def handwritten_dns():
    """fuzz_dns.c seeds: byte 0 picks pieces and gaps, the rest is a message or a
    TCP stream of length-prefixed messages"""
    p12, opt = b"\xc0\x0c", (b"\0", 41, 0, b"")
    www = ("www.lesson.test", 1)
    msgs = [
        dns_msg(0x1234, 0x0100, [www]),
        dns_msg(0x1234, 0x8580, [www], [(p12, 1, 300, bytes([10, 77, 0, 1]))], ar=[opt]),
        dns_msg(0xf1d5, 0x8580, [("old.lesson.test", 1)],
                [(p12, 5, 300, b"\x05alias\xc0\x10"), (b"\xc0\x2d", 5, 300, b"\x03www\xc0\x10"),
                 (b"\xc0\x41", 1, 300, bytes([10, 77, 0, 1]))], ar=[opt]),
        dns_msg(0xe3af, 0x8180, [("www.lesson.test", 28)],
                [(p12, 28, 300, bytes([0xfd, 0x77] + [0] * 13 + [1]))]),
        dns_msg(0xa821, 0x8583, [("gone.lesson.test", 1)],
                ns=[(b"\xc0\x11", 6, 600, b"\x02ns\xc0\x11\x0ahostmaster\xc0\x11" +
                     struct.pack(">IIIII", 2024090201, 1200, 180, 1209600, 600))], ar=[opt]),
        dns_msg(0x5653, 0x8780, [("big.lesson.test", 16)]),
        dns_msg(0xe984, 0x8180, [("www.lesson.test", 65534)],
                [(p12, 65534, 5, b"xyz"), (p12, 12, 5, p12)],
                ar=[(b"\0", 41, 0x01008000, b"\x00\x0a\x00\x08" + bytes(8))]),
        dns_msg(1, 0, [("a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61, 1)]),
        dns_msg(2, 0x8000, [("a.test", 1)], [(b"\xc0\x18", 1, 0, bytes(4))]),  # a loop
        dns_msg(3, 0x8000, [("a.test", 1)], [(b"\x01x\xc0\x18", 1, 0, bytes(4))]),
    ]
    for i, m in enumerate(msgs):
        put("dns", bytes([0x03]) + m, "msg%d" % i)
    stream = b"".join(struct.pack(">H", len(m)) + m for m in msgs[:5])
    for mode in (0x00, 0x01, 0x02, 0x03, 0x1A, 0x4B):
        put("dns", bytes([mode]) + stream, "tcp")


def dns_from_frames(frames, name):
    """the DNS messages of a capture (UDP port 53), and its DNS-over-TCP streams"""
    n = 0
    for lt, f, _, _ in frames:
        ip = link_payload(lt, f)
        u = udp_datagram(ip) if ip else None
        if u and 53 in (u[0], u[1]) and n < 64:
            put("dns", bytes([0x03]) + u[2], name)
            n += 1
    for client, segs in connections(segments(frames))[:8]:
        streams = {0: b"", 1: b""}
        nxt = {}
        for d, sg in segs:
            if 53 not in (sg.sport, sg.dport) or not sg.payload:
                continue
            if d in nxt and sg.seq != nxt[d]:
                continue  # a retransmission or a hole: keep what is in order
            streams[d] += sg.payload
            nxt[d] = (sg.seq + len(sg.payload)) & 0xFFFFFFFF
        for d in (0, 1):
            if streams[d]:
                put("dns", bytes([0x02]) + streams[d][:MAX_SEED], name + "-tcp")


# fuzz_inspect.c's Content-Types, by index (7: the key alone)
INSPECT_TYPES = [b"multipart/form-data", b"application/x-www-form-urlencoded", b"text/html",
                 b"image/png", b"application/json", b"text/plain", b"application/octet-stream"]


def inspect_seed(key, ctype, body):
    """key (<= 127 bytes), Content-Type index, body: a fuzz_inspect.c input
    (with the explanation)"""
    key = key[:127]
    return bytes([len(key)]) + key + bytes([ctype | 8]) + body[:MAX_SEED]


def inspect_from_stream(stream, name):
    """each message of a stream with a body: its Content-Type picks the
    index, a multipart boundary is the key"""
    pos = 0
    for _ in range(8):
        end = stream.find(b"\r\n\r\n", pos)
        if end < 0:
            return
        head = stream[pos:end].lower()
        body = stream[end + 4:end + 4 + (16 << 10)]
        ct = 7
        key = b""
        for line in head.split(b"\r\n"):
            if line.startswith(b"content-type:"):
                v = line[13:].strip()
                ct = next((i for i, t in enumerate(INSPECT_TYPES) if v.startswith(t)), 7)
                if b"boundary=" in v:
                    key = v.split(b"boundary=", 1)[1].split(b";")[0].strip(b'" ')
                elif ct == 7:
                    key = v
        if body:
            put("inspect", inspect_seed(key, ct, body), name)
        pos = end + 4


def handwritten_inspect():
    png = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 320, 240)
           + b"\x08\x02\x00\x00\x00")
    multipart = (b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"student\"\r\n\r\n"
                 b"jinqiao\r\n--XyZ  \r\nContent-Disposition: form-data; name=\"f\"; "
                 b"filename=\"a;b.txt\"\r\nContent-Type: text/plain\r\n\r\nline\r\n--XyZx\r\n"
                 b"\r\n--XyZ\nContent-Type: a/b\n\nlf\n--XyZ--\r\nepilogue")
    seeds = [
        (b"XyZ", 0, multipart),
        (b"XyZ", 0, multipart[:len(multipart) // 2]),
        (b"", 1, b"username=jinqiao&password=1234&q=http+step%2Fzh%e4%b8%ad&&=x&a==b"),
        (b"", 2, b"<!DOCTYPE html><html><head><link rel=stylesheet href=/s.css><SCRIPT src=a.js>"
                 b"</script></head><body><img src=b.png><img/><imgx><linkage></body></html>"),
        (b"", 3, png),
        (b"", 7, b"GIF89a\x20\x00\x10\x00\x80\x00\x00"),
        (b"", 6, b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        (b"", 6, b"%PDF-1.7\n" + b"PK\x03\x04"),
        (b"Secure", 5, b"sid=YWJjZA==; Path=/; Secure; HttpOnly; Max-Age=60"),
        (b"q", 5, b"text/html;q=0.9, */*;q=0.1, application/json;q=1.000, x;q=1.5, \"a,b\""),
        (b"chunked", 5, b"gzip, chunked"),
        (b"keep-alive", 5, b"keep-alive, Upgrade"),
        (b"boundary", 7, b"multipart/form-data; x=\"1;boundary=evil\"; boundary=\"a b\"; c"),
        (b"Content-Type", 5, b"Content-Disposition: form-data; name=\"a\"\r\ncontent-type:\ttext/plain \r\n"),
        (b"", 5, b"5d9;ext=1\r\n" + b"x" * 32),
        (b"", 5, b"Basic dGVhY2hlcjpjaGFsaw=="),
        (b"", 5, b"dGVhY2hlcjpjaGFsaw=="),
        (b"-", 0, b"-" * 200),
        (b"b" * 70, 0, b"--" + b"b" * 70 + b"\r\n\r\nx\r\n--" + b"b" * 70 + b"--"),
        (b"b" * 71, 0, b"--" + b"b" * 71 + b"\r\n\r\nx\r\n--" + b"b" * 71 + b"--"),
    ]
    for key, ct, body in seeds:
        put("inspect", inspect_seed(key, ct, body), "hw")
        put("inspect", bytes([0x80 | len(key)]) + key + bytes([ct | 8]) + body, "hw-keyct")
        put("inspect", bytes([len(key)]) + key + bytes([ct]) + body, "hw-readers")


# ------------------------------------------------------------------ main ----

def from_capture(path):
    with open(path, "rb") as f:
        blob = f.read()
    name = os.path.basename(path).split(".")[0][:40]
    frames = read_capture(blob)
    cut = cut_capture(blob, frames)
    if cut:
        put("capture", cut, name)
    # frames: the first few, then every frame with new link or TCP flags
    seen = set()
    for lt, f, _, _ in frames[:400]:
        if lt not in DLT_INDEX:
            continue
        ip = link_payload(lt, f)
        r = ip_packet(ip) if ip else None
        key = (lt, r[2][13] if r and len(r[2]) > 13 else None, len(f) > 200)
        if key in seen or len(seen) >= 8:
            continue
        seen.add(key)
        put("packet", bytes([DLT_INDEX[lt]]) + f[:4096], name)
    dns_from_frames(frames, name)
    conns = connections(segments(frames))
    if not conns:
        return
    seed = tcp_records(conns)
    if len(seed) > 2:
        put("tcp", seed, name)
    for client, segs in conns[:3]:
        s = http_from_conn(segs)
        if s and len(s) > 2 + 2 * len(SEP):
            put("http", s, name)
        s = h2_from_conn(segs)
        if s:
            put("h2", s[:MAX_SEED], name)
        # bodies of each direction, in capture order: inspect seeds
        for d in (0, 1):
            stream = b"".join(sg.payload for dd, sg in segs if dd == d)[:MAX_SEED]
            inspect_from_stream(stream, name)
        # TLS hello records: content seeds
        for d, sg in segs:
            p = sg.payload
            if len(p) > 5 and p[0] == 0x16 and p[1] == 3:
                put("content", bytes([0x02]) + p[:MAX_SEED], name + "-tls")
                break


def main():
    global out_dir
    if len(sys.argv) < 2:
        sys.stderr.write("usage: mkseeds.py OUTDIR [CAPTURE...]\n")
        return 2
    out_dir = sys.argv[1]
    for k in ("capture", "packet", "tcp", "http", "content", "dns", "h2", "inspect"):
        os.makedirs(os.path.join(out_dir, k), exist_ok=True)
    for path in sys.argv[2:]:
        try:
            from_capture(path)
        except Exception as e:  # a capture this reader does not follow
            sys.stderr.write("mkseeds.py: %s: %s\n" % (path, e))
    handwritten_packets()
    handwritten_captures()
    handwritten_tcp()
    handwritten_http()
    handwritten_content()
    handwritten_dns()
    handwritten_h2()
    handwritten_inspect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
