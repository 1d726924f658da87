#!/usr/bin/env python3
"""mkseeds_tls.py OUTDIR CAPTURE... - seeds for the TLS harnesses of
tests/fuzz/ (python3 standard library only; seeds.sh calls it):

  OUTDIR/tls/     fuzz_tls.c commands: RFC 8448's conversation as recorded,
                  TLS 1.3 and 1.2 conversations whose protected records the
                  harness seals (HRR, 0-RTT, KeyUpdate, ChaCha20, CBC with
                  encrypt-then-MAC, keys that come late), and the TLS
                  connections of the captures as they were recorded
  OUTDIR/keylog/  key log texts: good, commented, malformed, and those of
                  tests/data/tls/*.keys
  OUTDIR/pcapng/  pcapng files with Decryption Secrets Blocks: handwritten
                  (both byte orders, two sections) and the captures that
                  carry them
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkseeds  # noqa: E402  (its capture readers and put())

RANDOM = bytes.fromhex("cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7")
SR = bytes.fromhex("53525352" * 8)  # fuzz_tls.c's TLS 1.2 server random

# RFC 8448 section 3: its records as sent, from tests/unit/test_tls.c (whose
# unit test decrypts them exactly)
R8448_ORDER = [(0, "ch"), (1, "sh"), (1, "flight"), (0, "cfin"), (1, "nst"), (0, "capp"),
               (1, "sapp"), (0, "calert"), (1, "salert")]


def r8448_records():
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit", "test_tls.c")
    with open(src) as f:
        text = f.read()
    out = []
    for d, name in R8448_ORDER:
        m = re.search(r"static const char r8448_%s_rec\[\] =((?:\s*\"[^\"]*\")+);" % name, text)
        out.append((d, "".join(re.findall(r'"([^"]*)"', m.group(1)))))
    return out


def hx(s):
    return bytes.fromhex(s.replace(" ", ""))


def u16(v):
    return struct.pack(">H", v)


def u24(v):
    return struct.pack(">I", v)[1:]


def data(d, b, a=15):
    """op 0: bytes fed in pieces of 1 + a*97"""
    out = bytearray()
    for i in range(0, len(b), 65535):
        part = b[i:i + 65535]
        out += bytes([d | 0 << 1 | a << 4]) + u16(len(part)) + part
    return bytes(out)


def seal13(d, key, typ, content, pad=0, chacha=False):
    return bytes([d | 1 << 1 | (1 if chacha else 0) << 4, key, typ, pad]) + u16(len(content)) + content


def seal12(d, suite_index, typ, content):
    return bytes([d | 2 << 1 | suite_index << 4, typ]) + u16(len(content)) + content


def op(d, o, a=0):
    return bytes([d | o << 1 | a << 4])


def ext(t, b):
    return u16(t) + u16(len(b)) + b


def hs(t, b):
    return bytes([t]) + u24(len(b)) + b


def record(t, b, v=0x0303):
    return bytes([t]) + u16(v) + u16(len(b)) + b


def client_hello(suites, tls13=True, early=False, etm=False, alpn=b"h2"):
    e = ext(0, u16(12) + b"\x00" + u16(9) + b"localhost")
    e += ext(16, u16(len(alpn) + 10) + bytes([len(alpn)]) + alpn + b"\x08http/1.1")
    if tls13:
        e += ext(43, b"\x04\x03\x04\x03\x03")
        e += ext(51, u16(36) + u16(0x1d) + u16(32) + bytes(range(32)))
        e += ext(45, b"\x01\x01")
    if etm:
        e += ext(22, b"")
    if early:
        e += ext(42, b"")
        e += ext(41, u16(10) + u16(4) + b"tick" + bytes(4) + u16(33) + b"\x20" + bytes(32))
    body = u16(0x0303) + RANDOM + b"\x00" + u16(2 * len(suites)) + b"".join(u16(s) for s in suites)
    body += b"\x01\x00" + u16(len(e)) + e
    return hs(1, body)


def server_hello(suite, tls13=True, random=bytes(range(32)), psk=False, hrr=False, etm=False):
    e = b""
    if tls13:
        e += ext(43, u16(0x0304))
        e += ext(51, u16(0x1d) if hrr else u16(0x1d) + u16(32) + bytes(32))
        if psk:
            e += ext(41, u16(0))
    if etm:
        e += ext(22, b"")
    if hrr:
        random = hx("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
    body = u16(0x0303) + random + b"\x00" + u16(suite) + b"\x00" + u16(len(e)) + e
    return hs(2, body)


CCS = record(20, b"\x01")
REQ = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
RSP = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
H2 = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def tls13(chacha=False, early=False, accept=True, hrr=False, key_update=False, late=False):
    suite = 0x1303 if chacha else 0x1301
    s = bytearray(b"\xff" if late else b"")
    s += data(0, record(22, client_hello([0x1301, 0x1303], early=early), 0x0301))
    if early:
        s += data(0, CCS) + seal13(0, 0, 23, REQ[:10], chacha=chacha)
        s += seal13(0, 0, 23, REQ[10:], 3, chacha=chacha)
    if hrr:
        s += data(1, record(22, server_hello(suite, hrr=True)))
        s += data(0, record(22, client_hello([0x1301, 0x1303])))
    s += data(1, record(22, server_hello(suite, psk=early)) + CCS)
    ee = ext(16, u16(3) + b"\x02h2") + (ext(42, b"") if early and accept else b"")
    flight = hs(8, u16(len(ee)) + ee)
    if not early:
        flight += hs(11, b"\x00" + u24(0)) + hs(15, u16(0x0804) + u16(2) + b"\xaa\xbb")
    flight += hs(20, bytes(32))
    s += seal13(1, 2, 22, flight, chacha=chacha)
    if late:
        s += op(0, 6)
    if early and accept:
        s += seal13(0, 0, 22, hs(5, b""), chacha=chacha)
    s += seal13(0, 1, 22, hs(20, bytes(32)), 5, chacha=chacha)
    s += seal13(0, 3, 23, H2 + REQ, chacha=chacha)
    s += seal13(1, 4, 22, hs(4, bytes(4) + bytes(4) + b"\x01\x00" + u16(4) + b"abcd" + u16(0)),
                chacha=chacha)
    s += seal13(1, 4, 23, RSP, chacha=chacha)
    if key_update:
        s += seal13(1, 4, 22, hs(24, b"\x01"), chacha=chacha) + op(1, 5)
        s += seal13(1, 4, 23, RSP, chacha=chacha)
    s += seal13(0, 3, 21, b"\x01\x00", chacha=chacha) + op(0, 4)
    s += seal13(1, 4, 21, b"\x01\x00", chacha=chacha) + op(1, 4)
    return bytes(s)


def tls12(si, suite, etm=False, late=False):
    s = bytearray(b"\xff" if late else b"")
    s += data(0, record(22, client_hello([suite], tls13=False, etm=etm), 0x0301))
    s += data(1, record(22, server_hello(suite, tls13=False, random=SR, etm=etm) +
                        hs(11, u24(0)) + hs(14, b"")))
    s += data(0, record(22, hs(16, b"\x20" + bytes(32))) + CCS)
    s += seal12(0, si, 22, hs(20, bytes(12)))
    if late:
        s += op(0, 6)
    s += data(1, CCS) + seal12(1, si, 22, hs(20, bytes(12)))
    s += seal12(0, si, 23, REQ) + seal12(1, si, 23, RSP[:7]) + seal12(1, si, 23, RSP[7:])
    s += seal12(1, si, 21, b"\x01\x00") + op(1, 4)
    return bytes(s)


def tls_seeds(captures):
    r8448 = r8448_records()
    conv = bytearray()
    for d, h in r8448:
        conv += data(d, hx(h))
    mkseeds.put("tls", bytes(conv), "rfc8448")
    conv = bytearray()
    for d, h in r8448:
        conv += data(d, hx(h), 0)
    mkseeds.put("tls", bytes(conv), "rfc8448-bytes")
    mkseeds.put("tls", tls13(), "tls13")
    mkseeds.put("tls", tls13(chacha=True, key_update=True), "tls13-chacha-keyupdate")
    mkseeds.put("tls", tls13(hrr=True), "tls13-hrr")
    mkseeds.put("tls", tls13(early=True), "tls13-0rtt")
    mkseeds.put("tls", tls13(early=True, accept=False), "tls13-0rtt-rejected")
    mkseeds.put("tls", tls13(late=True), "tls13-late-keys")
    for si, suite in enumerate([0xc02f, 0xc030, 0xcca8, 0xc013]):
        mkseeds.put("tls", tls12(si, suite), "tls12-%04x" % suite)
    mkseeds.put("tls", tls12(4, 0xc013, etm=True), "tls12-etm")
    mkseeds.put("tls", tls12(0, 0xc02f, late=True), "tls12-late-keys")
    # the TLS connections of captures, as recorded (both directions)
    for path in captures:
        try:
            with open(path, "rb") as f:
                blob = f.read()
            conns = mkseeds.connections(mkseeds.segments(mkseeds.read_capture(blob)))
        except Exception as e:  # a capture this reader does not follow
            sys.stderr.write("mkseeds_tls.py: %s: %s\n" % (path, e))
            continue
        for client, segs in conns[:4]:
            s = bytearray()
            for d, sg in segs:
                if sg.payload:
                    s += data(d, sg.payload)
            if s and len(s) < mkseeds.MAX_SEED and s[3] in (0x16, 0x17, 0x80):
                mkseeds.put("tls", bytes(s), os.path.basename(path))


KEYLOG = (b"# SSL/TLS secrets log file, generated by NSS\n"
          b"CLIENT_RANDOM " + RANDOM.hex().encode() + b" " + bytes(range(48)).hex().encode() + b"\n"
          b"CLIENT_HANDSHAKE_TRAFFIC_SECRET " + RANDOM.hex().encode() + b" " + b"ab" * 32 + b"\r\n"
          b"SERVER_TRAFFIC_SECRET_0\t" + RANDOM.hex().encode() + b"\t" + b"cd" * 48 + b"\n"
          b"UNKNOWN_LABEL x y\n"
          b"CLIENT_RANDOM " + b"00" * 32 + b" " + b"zz" * 48 + b"\n"
          b"EXPORTER_SECRET " + b"11" * 32 + b" " + b"22" * 32)


def block(t, body, be=False):
    e = ">" if be else "<"
    body += bytes(-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(e + "II", t, n) + body + struct.pack(e + "I", n)


def shb(be=False):
    e = ">" if be else "<"
    return block(0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1), be)


def dsb(text, be=False, kind=0x544C534B):
    e = ">" if be else "<"
    return block(0x0A, struct.pack(e + "II", kind, len(text)) + text, be)


def pcapng_seeds(captures, keylogs):
    e = struct.pack("<HHI", 1, 0, 262144)
    pkt = struct.pack("<IIIII", 0, 0, 0, 60, 60) + bytes(60)
    mkseeds.put("pcapng", shb() + block(1, e) + dsb(KEYLOG) + block(6, pkt), "le")
    mkseeds.put("pcapng", shb(True) + block(1, struct.pack(">HHI", 1, 0, 262144), True) +
                dsb(KEYLOG, True) + dsb(b"WG", True, 0x57474B4C), "be")
    mkseeds.put("pcapng", shb() + dsb(KEYLOG[:100]) + shb(True) + dsb(KEYLOG[100:], True),
                "two-sections")
    for path in captures:
        with open(path, "rb") as f:
            blob = f.read()
        if blob[:4] == b"\x0a\x0d\x0d\x0a" and len(blob) <= mkseeds.MAX_SEED:
            mkseeds.put("pcapng", blob, os.path.basename(path))
    for text in [KEYLOG] + keylogs:
        mkseeds.put("keylog", bytes([128]) + text, "keylog")
        mkseeds.put("keylog", bytes([37]) + text, "keylog-cut")


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: mkseeds_tls.py OUTDIR [FILE...]\n")
        return 2
    mkseeds.out_dir = sys.argv[1]
    for k in ("tls", "keylog", "pcapng"):
        os.makedirs(os.path.join(mkseeds.out_dir, k), exist_ok=True)
    captures = [p for p in sys.argv[2:] if ".pcap" in p]
    keylogs = []
    for p in sys.argv[2:]:
        if p.endswith(".keys"):
            with open(p, "rb") as f:
                keylogs.append(f.read()[:mkseeds.MAX_SEED - 1])
    tls_seeds(captures)
    pcapng_seeds(captures, keylogs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
