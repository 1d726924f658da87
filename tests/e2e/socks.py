#!/usr/bin/env python3
"""socks.py - SOCKS 4, 4a and 5 (issue 13), against tshark and against
captures this test writes itself.

1. tests/data/socks5.pcap and socks4a.pcap (curl through
   samples/servers/socksproxy.py, made by tests/data/make-data.sh): for each
   proxy connection, the socks stages' version, target, port and verdict
   equal tshark's SOCKS dissector's, the reply is in the frame tshark names,
   and the HTTP inside has the request targets tshark finds on that stream.
2. Handwritten connections (a pcap written here, with the standard library):
   SOCKS 5 with a user name and password, the client sending its request
   before the proxy's answer; a SOCKS 5 refusal (code 5); a SOCKS 4
   rejection (0x5b); no acceptable method (0xff); a greeting cut by the end
   of the capture. Each gives the stages, the note and the explanation the
   facts call for, in English and in Chinese, and the password never
   appears in an explanation.

Needs tshark for part 1 (skipped without it); part 2 always runs.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
HTTPSTEP = os.environ.get("HTTPSTEP", os.path.join(TOP, "build", "httpstep"))
fails = []


def check(ok, what):
    if not ok:
        fails.append(what)
        print("FAIL:", what)


def run_json(path, *extra):
    out = subprocess.run([HTTPSTEP, "--json", *extra, path], capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0:
        fails.append("%s: exit %d: %s" % (path, out.returncode, out.stderr.strip()))
        return []
    return [json.loads(l) for l in out.stdout.splitlines()]


def md(path, lang):
    with tempfile.NamedTemporaryFile(suffix=".md") as f:
        r = subprocess.run([HTTPSTEP, "--lang", lang, "--md", f.name, path],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            fails.append("%s --md: exit %d %s" % (path, r.returncode, r.stderr.strip()))
            return ""
        return open(f.name, encoding="utf-8").read()


# ---------------------------------------------------------------- tshark --

def tshark_streams(path):
    fields = ["frame.number", "tcp.stream", "tcp.srcport", "socks.version", "socks.command",
              "socks.dst", "socks.remote_name", "socks.v4a_dns_name", "socks.dstport",
              "socks.results"]
    r = subprocess.run(["tshark", "-r", path, "-Y", "socks", "-T", "fields"] +
                       sum((["-e", f] for f in fields), []), capture_output=True, text=True,
                       timeout=60)
    streams = {}
    for line in r.stdout.splitlines():
        v = dict(zip(fields, line.split("\t")))
        s = streams.setdefault(v["tcp.stream"], {"frames": [], "port": None, "target": None,
                                                   "result": None, "result_frame": None,
                                                   "version": None, "client_port": None})
        s["frames"].append(int(v["frame.number"]))
        if s["client_port"] is None:
            s["client_port"] = int(v["tcp.srcport"])
        if s["version"] is None and v["socks.version"] in ("4", "5"):
            s["version"] = v["socks.version"]
        if v["socks.command"] and s["target"] is None:
            t = v["socks.v4a_dns_name"] or v["socks.remote_name"] or v["socks.dst"]
            if t:
                s["target"] = t
        if v["socks.dstport"] and s["port"] is None:
            s["port"] = int(v["socks.dstport"])
        if v["socks.results"] and s["result"] is None:
            s["result"] = int(v["socks.results"])
            s["result_frame"] = int(v["frame.number"])
    uris = subprocess.run(["tshark", "-r", path, "-Y", "http.request", "-T", "fields",
                           "-e", "tcp.srcport", "-e", "http.request.uri"],
                          capture_output=True, text=True, timeout=60).stdout.splitlines()
    by_port = {}
    for l in uris:
        p, u = l.split("\t")
        by_port.setdefault(int(p), []).append(u)
    return streams, by_port


def against_tshark():
    if not shutil.which("tshark"):
        print("tshark missing: part 1 skipped")
        return 0
    n = 0
    for name in ("socks5", "socks4a"):
        path = os.path.join(TOP, "tests", "data", name + ".pcap")
        lines = run_json(path)
        conns = {l["conn"]: l for l in lines if l["type"] == "conn"}
        streams, uris = tshark_streams(path)
        check(len(streams) == 2, "%s: tshark sees %d SOCKS streams" % (name, len(streams)))
        for st in streams.values():
            conn = [c for c in conns.values() if c["client"]["port"] == st["client_port"]]
            check(len(conn) == 1, "%s: the connection from port %s" % (name, st["client_port"]))
            if not conn:
                continue
            cid = conn[0]["conn"]
            stg = [l for l in lines if l["type"] == "stage" and l["conn"] == cid and
                   l["stage"] == "socks"]
            check([s["dir"] for s in stg] == ["c2s", "s2c"],
                  "%s conn %d: socks stages %s" % (name, cid, [s["dir"] for s in stg]))
            if len(stg) != 2:
                continue
            k = stg[1]["socks"]
            ver = k["version"][0]
            check(ver == st["version"], "%s conn %d: version %s, tshark %s" %
                  (name, cid, k["version"], st["version"]))
            check(k["target"] == st["target"], "%s conn %d: target %s, tshark %s" %
                  (name, cid, k["target"], st["target"]))
            check(k["port"] == st["port"], "%s conn %d: port %s, tshark %s" %
                  (name, cid, k["port"], st["port"]))
            granted = st["result"] == (0 if ver == "5" else 90)
            check(k["granted"] == granted, "%s conn %d: granted %s, tshark result %s" %
                  (name, cid, k["granted"], st["result"]))
            check(st["result_frame"] in stg[1]["frames"],
                  "%s conn %d: the reply frame %s not in %s" %
                  (name, cid, st["result_frame"], stg[1]["frames"]))
            check(max(stg[1]["frames"]) == st["result_frame"],
                  "%s conn %d: the reply ends in frame %s, tshark %s" %
                  (name, cid, max(stg[1]["frames"]), st["result_frame"]))
            xs = [l["request"]["target"] for l in lines if l["type"] == "exchange" and
                  l["conn"] == cid and l["request"]]
            want = uris.get(st["client_port"], [])
            check(xs == want, "%s conn %d: requests %s, tshark %s" % (name, cid, xs, want))
            n += 1
        # version 1 has neither the socks stage nor its note (a version-2 kind)
        v1 = run_json(path, "--json-version", "1")
        check(not any(l.get("stage") == "socks" for l in v1), name + ": a socks stage in v1")
        check(not any(l.get("kind") == "socks" for l in v1), name + ": a socks note in v1 (a version-2 kind)")
    # HTTPS through the proxy, decrypted with curl's key log: the requests
    # and statuses tshark reads with the same keys
    path = os.path.join(TOP, "tests", "data", "socks5-tls.pcap")
    keys = os.path.join(TOP, "tests", "data", "socks5-tls.keys")
    lines = run_json(path, "--keylog", keys)
    reqs = subprocess.run(["tshark", "-r", path, "-o", "tls.keylog_file:" + keys, "-Y",
                           "http.request", "-T", "fields", "-e", "http.request.uri"],
                          capture_output=True, text=True, timeout=60).stdout.split()
    # the response ends with the connection (HTTP/1.0, no length), which
    # tshark's HTTP never ends: its status line from the decrypted stream
    follow = subprocess.run(["tshark", "-r", path, "-o", "tls.keylog_file:" + keys, "-q", "-z",
                             "follow,tls,ascii,0"], capture_output=True, text=True,
                            timeout=60).stdout.splitlines()
    codes = [l.split()[1] for l in follow if l.startswith("HTTP/1.")]
    xs = [l for l in lines if l["type"] == "exchange"]
    got = ([x["request"]["target"] for x in xs], [str(x["response"]["status"]) for x in xs])
    check(got == (reqs, codes), "socks5-tls: exchanges %s, tshark %s" % (got, (reqs, codes)))
    kinds = [l["stage"] for l in lines if l["type"] == "stage"]
    check(kinds[:5] == ["handshake", "socks", "socks", "tls_client_hello", "tls_server_hello"],
          "socks5-tls: the stages begin %s" % kinds[:5])
    check(all(l.get("tls") for l in lines if l["type"] == "stage" and
              l["stage"].startswith(("request", "status", "response"))),
          "socks5-tls: an HTTP stage not marked tls")
    return n + 1


# ----------------------------------------------------------- handwritten --

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(tcp) + len(payload))
    c = csum(pseudo + tcp + payload)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 1, 0x4000, 64, 6,
                     0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + tcp + payload


class Conn:
    """one TCP connection's packets, with sequence numbers kept"""

    def __init__(self, out, cport, sport=1080):
        self.out, self.cport, self.sport = out, cport, sport
        self.c, self.s = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        self.cseq, self.sseq = 1000, 5000
        self.send(True, b"", 0x02)
        self.send(False, b"", 0x12)
        self.send(True, b"", 0x10)

    def send(self, client, data, flags=0x18):
        if client:
            self.out.append(packet(self.c, self.s, self.cport, self.sport, self.cseq,
                                   self.sseq if flags != 0x02 else 0, flags, data))
            self.cseq += len(data) + (1 if flags & 0x03 else 0)
        else:
            self.out.append(packet(self.s, self.c, self.sport, self.cport, self.sseq,
                                   self.cseq, flags, data))
            self.sseq += len(data) + (1 if flags & 0x03 else 0)

    def close(self):
        self.send(True, b"", 0x11)
        self.send(False, b"", 0x11)
        self.send(True, b"", 0x10)


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 1700000000, i * 1000, len(p), len(p)) + p)


REQ = b"GET /inside.txt HTTP/1.1\r\nHost: www.example.test\r\n\r\n"
RSP = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"


def handwritten(tmp):
    pkts = []
    # 1: SOCKS 5, user and password, the request sent before the answers
    c = Conn(pkts, 40001)
    c.send(True, b"\x05\x02\x00\x02")
    c.send(False, b"\x05\x02")
    c.send(True, b"\x01\x05alice\x06s3cr3t" + b"\x05\x01\x00\x03\x10www.example.test\x00\x50")
    c.send(False, b"\x01\x00" + b"\x05\x00\x00\x01\x0a\x00\x00\x02\x9c\x41")
    c.send(True, REQ)
    c.send(False, RSP)
    c.close()
    # 2: SOCKS 5 refused: connection refused (5)
    c = Conn(pkts, 40002)
    c.send(True, b"\x05\x01\x00")
    c.send(False, b"\x05\x00")
    c.send(True, b"\x05\x01\x00\x01\xc0\x00\x02\x07\x00\x50")
    c.send(False, b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
    c.close()
    # 3: SOCKS 4 rejected (0x5b)
    c = Conn(pkts, 40003)
    c.send(True, b"\x04\x01\x00\x50\xc0\x00\x02\x07bob\x00")
    c.send(False, b"\x00\x5b\x00\x00\x00\x00\x00\x00")
    c.close()
    # 4: SOCKS 5, no acceptable method
    c = Conn(pkts, 40004)
    c.send(True, b"\x05\x01\x02")
    c.send(False, b"\x05\xff")
    c.close()
    # 5: a SOCKS 5 request cut by the end of the capture
    c = Conn(pkts, 40005)
    c.send(True, b"\x05\x01\x00")
    c.send(False, b"\x05\x00")
    c.send(True, b"\x05\x01\x00\x03\x10www.exa")
    path = os.path.join(tmp, "socks-cases.pcap")
    write_pcap(path, pkts)

    lines = run_json(path)
    conn_of = {l["client"]["port"]: l["conn"] for l in lines if l["type"] == "conn"}
    check(sorted(conn_of) == [40001, 40002, 40003, 40004, 40005],
          "handwritten: connections %s" % sorted(conn_of))

    def stages(port):
        return [l for l in lines if l["type"] == "stage" and l["conn"] == conn_of.get(port)]

    def notes(port):
        return [l for l in lines if l["type"] == "note" and l["conn"] == conn_of.get(port)]

    s1 = [s for s in stages(40001) if s["stage"] == "socks"]
    check(len(s1) == 2, "case 1: two socks stages")
    if len(s1) == 2:
        k = s1[1]["socks"]
        check(k == {"version": "5", "command": "connect", "target": "www.example.test",
                    "port": 80, "by_name": True, "reply": "succeeded", "granted": True},
              "case 1: %s" % k)
        check(s1[0]["length"] == 4 + 14 + 23, "case 1: client handshake bytes %d" %
              s1[0]["length"])
        check(s1[1]["length"] == 2 + 2 + 10, "case 1: proxy handshake bytes %d" % s1[1]["length"])
    xs = [l for l in lines if l["type"] == "exchange" and l["conn"] == conn_of.get(40001)]
    check(len(xs) == 1 and xs[0]["request"]["target"] == "/inside.txt" and
          xs[0]["response"]["status"] == 200, "case 1: the HTTP inside")
    rl = [s for s in stages(40001) if s["stage"] == "request_line"]
    check(len(rl) == 1 and rl[0]["offset"] == 41, "case 1: the request line's offset")
    s2 = [s for s in stages(40002) if s["stage"] == "socks"]
    check(len(s2) == 2 and s2[1]["socks"]["granted"] is False and
          s2[1]["socks"]["reply"] == "connection refused" and
          s2[1]["socks"]["target"] == "192.0.2.7", "case 2: %s" % [s.get("socks") for s in s2])
    check(any(n["kind"] == "socks" and "refused" in n["detail"] for n in notes(40002)),
          "case 2: a refusal note")
    s3 = [s for s in stages(40003) if s["stage"] == "socks"]
    check(len(s3) == 2 and s3[1]["socks"]["granted"] is False and
          s3[1]["socks"]["version"] == "4", "case 3: %s" % [s.get("socks") for s in s3])
    s4 = [s for s in stages(40004) if s["stage"] == "socks"]
    check(len(s4) == 2 and s4[1]["socks"]["granted"] is False, "case 4: %s" % s4)
    s5 = [s for s in stages(40005) if s["stage"] == "socks"]
    check(len(s5) == 2 and s5[1]["socks"]["granted"] is False and
          s5[1]["socks"]["reply"] is None, "case 5: %s" % [s.get("socks") for s in s5])
    check(any(n["kind"] == "socks" and "did not finish" in n["detail"] for n in notes(40005)),
          "case 5: an unfinished handshake note")
    for l in lines:
        if l["type"] in ("exchange", "stage") and l["conn"] != conn_of.get(40001):
            check(l.get("stage") in ("handshake", "socks", "close"),
                  "a refused connection has a %s stage" % l.get("stage"))

    en, zh = md(path, "en"), md(path, "zh")
    en = " ".join(en.split())      # the lines are wrapped at 80 columns
    zh = zh.replace("\n", "")
    for want in ("sent the user alice and a password of 6 bytes in clear text",
                 "The client sent the name www.example.test, not an address",
                 "The proxy answers with code 0, \"succeeded\"",
                 "The proxy refuses with code 5, \"connection refused\"",
                 "The proxy refuses with code 91, \"request rejected or failed\"",
                 "accepted none of the ways to authenticate",
                 "Here the client speaks HTTP through it"):
        check(want in en, "English: missing %r" % want)
    for want in ("用户 alice 和一个 6 字节的密码", "代理以代码 5（“连接被拒绝”）拒绝",
                 "代理以代码 0（“成功”）作答", "客户端提供的认证方式代理一种也不接受"):
        check(want in zh, "Chinese: missing %r" % want)
    for text, lang in ((en, "en"), (zh, "zh")):
        prose = text.split("```")[::2]  # outside the hex dumps
        check(not any("s3cr3t" in p for p in prose), lang + ": the password in the prose")


def main():
    if not os.access(HTTPSTEP, os.X_OK):
        print("no httpstep at", HTTPSTEP)
        return 1
    n = against_tshark()
    with tempfile.TemporaryDirectory() as tmp:
        handwritten(tmp)
    print("socks: %d proxy connections equal to tshark; handwritten cases checked" % n)
    if fails:
        print("%d failures:" % len(fails))
        for f in fails:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
