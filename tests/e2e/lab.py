#!/usr/bin/env python3
"""Lab mode (issue 19): httpstep --lab on every bundled sample.

1. The answer key (--lab --answers) of every sample, each answer checked
   against tshark's reading of the same capture (the test oracle): the HTTP
   versions, Accept-Language, Last-Modified, the body's bytes, the
   conditional GET and its status, Basic credentials, the status line's
   frame, the segments of a response, the SYN's sequence number, the
   SYN-ACK's acknowledgement, the RTT sample, the smallest window, who sent
   the first FIN; and which questions each sample gets. HTTPS, HTTP/2 and
   DNS (the samples, and tests/data/tls with their key logs, tests/data/h2,
   tests/data/dns): the TLS version and suite the server chose, the SNI, the
   ALPN protocol, the ServerHello's frame, the encrypted request, a TLS 1.2
   certificate's CN; the streams, the streams open at once, a path's
   stream, a :status, an HPACK block's size, a pushed path; a lookup's
   address, TTL and time, an NXDOMAIN, the connection that used it. Each
   asked exactly where tshark sees its fact.
1b. "What comes next?" (build/tests/labnext; also on ../shared/corpus when it
   is beside the repository): after the first FIN, what
   tshark sees next on that connection (the other side's FIN, acknowledging
   it, with or without data before it, or a reset), asked on every
   connection where that is certain; the ServerHello after a ClientHello,
   the frame after a PUSH_PROMISE.
2. The quiz with answers piped in: all right, all wrong, a hint, an answer
   that is not a number, an empty line, the end of input before the last
   question; the score line of each. --lang zh. --seed: the same questions
   in another order, the same on every run. The worksheet has no answers.
3. Errors: --lab without a file, with --json, --answers without --lab.

    tests/e2e/lab.py
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("HTTPSTEP") or os.path.join(TOP, "httpstep")
SAMPLES = os.path.join(TOP, "samples")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(args, inp=None, env=None, code=0):
    e = dict(os.environ, LANG="C.UTF-8")
    e.update(env or {})
    p = subprocess.run([BIN] + args, input=inp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env=e, timeout=60)
    if code is not None and p.returncode != code:
        fail("httpstep %s: exit %d, not %d (%s)" % (" ".join(args), p.returncode, code,
                                                    p.stderr.strip()))
    return p


def key(path, lang="en", seed=None, keylog=None):
    """the answer key: [{q, choices, answer, why, where}]"""
    args = ["--lab", "--answers", "--lang", lang, path]
    if keylog:
        args[:0] = ["--keylog", keylog]
    if seed:
        args[2:2] = ["--seed", str(seed)]
    out = run(args).stdout
    qs = []
    for line in out.splitlines():
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m:
            qs.append({"q": m.group(2), "choices": [], "answer": None})
            continue
        if not qs:
            continue
        m = re.match(r"^   ([a-d])\) (.*)$", line)
        if m and qs[-1]["answer"] is None:
            qs[-1]["choices"].append(m.group(2))
            continue
        m = re.match(r"^   (Answer|答案)[:：] ?(?:([a-d])\) )?(.*)$", line)
        if m:
            qs[-1]["answer"] = m.group(3)
            qs[-1]["letter"] = m.group(2)
            continue
        m = re.match(r"^   (?:Why|原因)[:：] ?(.*)$", line)
        if m:
            qs[-1]["why"] = m.group(1)
    return qs


# each question by what it asks (English)
IDS = [
    ("client_version", r"HTTP version does the client use"),
    ("server_version", r"HTTP version does the server answer"),
    ("accept_language", r"Which language does the browser prefer"),
    ("last_modified", r"last modified at the server"),
    ("content_length", r"bytes of content \(the body\)"),
    ("requests", r"How many HTTP requests did the client send"),
    ("conditional_header", r"is a conditional GET"),
    ("conditional_status", r"answer that conditional GET"),
    ("basic_auth", r"carries Basic credentials"),
    ("status_frame", r"In which frame does the status line"),
    ("response_segments", r"How many TCP segments with data carried"),
    ("syn_seq", r"sequence number \(absolute, as sent\) of the SYN"),
    ("synack_ack", r"acknowledgement number \(absolute\) does the server's SYN-ACK"),
    ("synack_why", r"Why does the SYN-ACK acknowledge"),
    ("rtt_sample", r"its RTT sample"),
    ("min_window", r"smallest receive window"),
    ("retransmissions", r"are retransmissions"),
    ("pipelining", r"how many requests had the client sent before"),
    ("who_closed", r"Who began closing"),
    ("tls_version", r"Which TLS version did the server choose"),
    ("tls_cipher", r"Which cipher suite did the server choose"),
    ("tls_suite_part", r"In the cipher suite \S+, what does the part"),
    ("tls_sni", r"Which server name \(SNI\)"),
    ("tls_sni_why", r"anyone on the path can read the name"),
    ("tls_alpn", r"Which application protocol \(ALPN\)"),
    ("tls_server_hello_frame", r"In which frame does the server's ServerHello"),
    ("tls_url", r"can an eavesdropper read the URL"),
    ("tls_cert_subject", r"certificate on connection \d+ name as its subject"),
    ("h2_streams", r"How many HTTP/2 streams"),
    ("h2_max_open", r"At most how many streams were open"),
    ("h2_stream_id", r"On which stream \(its number\)"),
    ("h2_status", r"Which :status does the server answer"),
    ("h2_hpack", r"HPACK-compressed header block"),
    ("h2_pushed", r"The server pushed a response on stream"),
    ("dns_address", r"Which address did the lookup of"),
    ("dns_ttl", r"may a resolver keep the answer"),
    ("dns_time", r"How long did the lookup of"),
    ("dns_conn", r"Which connection \(its number\) was opened"),
    ("dns_rcode", r"gave no address\. Which response code"),
]
PROTO = {i for i, _ in IDS if i.startswith(("tls_", "h2_", "dns_"))}


def ident(q):
    for i, pat in IDS:
        if re.search(pat, q):
            return i
    return None


FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags.syn",
          "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.seq_raw", "tcp.ack_raw",
          "tcp.len", "tcp.window_size", "tcp.analysis.retransmission", "tcp.analysis.acks_frame",
          "tcp.analysis.ack_rtt", "http.request.method", "http.request.uri",
          "http.request.version", "http.response.version", "http.response.code",
          "http.response_for.uri", "http.content_length_header", "http.last_modified",
          "http.accept_language", "http.authbasic", "http.request.line", "http.request_in",
          "tcp.analysis.out_of_order"]


def tshark_opts(keylog=None):
    return ["-o", "tls.keylog_file:" + keylog] if keylog else []


def frames(path, keylog=None):
    """every frame, as tshark reads it (one pass; the body not reassembled,
    so that a response is at the frame of its status line)"""
    out = subprocess.run(["tshark", "-r", path, "-o", "http.desegment_body:FALSE"] +
                         tshark_opts(keylog) + ["-T", "fields",
                          "-E", "separator=\t"] + [a for f in FIELDS for a in ("-e", f)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         timeout=300).stdout
    rows = []
    for line in out.splitlines():
        v = line.split("\t")
        rows.append({f.split(".", 1)[1] if f.startswith(("tcp.", "http.")) else f: x
                     for f, x in zip(FIELDS, v)})
    return rows


def retransmitted(path):
    """the frames httpstep's transcript notes as retransmissions"""
    out = run(["--json", path]).stdout
    return {int(m) for m in re.findall(r'"kind":"retransmission"[^}]*?"frame":(\d+)', out)} | \
        {int(m) for m in re.findall(r'"frame":(\d+)[^}]*?"kind":"retransmission"', out)}


def check_sample(name, path=None, keylog=None):
    path = path or os.path.join(SAMPLES, name)
    qs = key(path, keylog=keylog)
    got = {}
    for q in qs:
        i = ident(q["q"])
        if not i:
            fail("%s: a question this test does not know: %s" % (name, q["q"]))
            continue
        if i in got:
            fail("%s: %s asked twice" % (name, i))
        got[i] = q
    F = frames(path, keylog)
    syns = [f for f in F if f["flags.syn"] == "1" and f["flags.ack"] == "0"]
    server = {f["stream"]: f["dstport"] for f in syns}
    # sent by the client (a TRACE response echoes a request in its body)
    reqs = [f for f in F if f["request.method"] and not f["response.code"] and
            f["srcport"] != server.get(f["stream"])]
    rsps = [f for f in F if f["response.code"]]
    finals = [f for f in rsps if int(f["response.code"].split(",")[-1]) >= 200]
    # requests and final responses paired in order on each connection (RFC
    # 9112 9.3: tshark pairs pipelined responses with the wrong request)
    pairs = []
    for st in sorted({f["stream"] for f in reqs}, key=int):
        uris = [u for f in reqs if f["stream"] == st for u in f["request.uri"].split(",")]
        rs = [f for f in finals if f["stream"] == st]
        pairs += list(zip(uris, rs))
    n_req = sum(len(r["request.method"].split(",")) for r in reqs)
    cond = [f for f in reqs if "If-Modified-Since" in f["request.line"] or
            "If-None-Match" in f["request.line"]]
    # which questions appear: those whose fact the capture holds
    expect = set()
    if reqs:
        expect |= {"client_version", "requests"}
    if finals:
        expect |= {"server_version", "status_frame"}
        # inside TLS (port 443 in the samples) segments carry records, not the
        # response's bytes: that question is for plain HTTP only
        if not any(f["dstport"] == "443" for f in syns):
            expect.add("response_segments")
    if any(f["accept_language"] for f in F):
        expect.add("accept_language")
    if cond:
        expect |= {"conditional_header", "conditional_status"}
    if any(f["authbasic"] for f in F):
        expect.add("basic_auth")
    if any(f["response.code"] == "200" and f["last_modified"] for f in F):
        expect.add("last_modified")
    if syns and reqs:
        expect |= {"syn_seq", "synack_ack", "synack_why", "rtt_sample", "min_window"}
    for i in expect - set(got):
        fail("%s: no %s question, though the capture holds its fact" % (name, i))
    if "retransmissions" in got and not any(f["analysis.retransmission"] for f in F):
        fail("%s: a retransmissions question, tshark sees none" % name)
    tcp_only = {"syn_seq", "synack_ack", "synack_why", "rtt_sample", "min_window",
                "retransmissions", "who_closed"} | PROTO
    if not reqs and set(got) - tcp_only:
        fail("%s: HTTP questions without an HTTP request: %s" % (name, sorted(set(got) - tcp_only)))
    if syns and not reqs:
        expect |= {"syn_seq", "synack_ack", "synack_why", "min_window"}
        for i in expect - set(got):
            fail("%s: no %s question, though the capture holds its fact" % (name, i))

    def eq(i, want, what=None):
        if i in got and got[i]["answer"] != str(want):
            fail("%s: %s answer %r, tshark: %r%s" % (name, i, got[i]["answer"], want,
                                                     " (%s)" % what if what else ""))

    if reqs:
        eq("client_version", reqs[0]["request.version"].split(",")[0])
        eq("requests", n_req)
    first = [r for r in finals if reqs and r["stream"] == reqs[0]["stream"]]
    if first:
        eq("server_version", first[0]["response.version"].split(",")[-1])
        eq("status_frame", first[0]["frame.number"])
    for i, col in (("content_length", "content_length_header"), ("last_modified", "last_modified")):
        if i not in got:
            continue
        m = re.search(r"(?:for|of) \S+ (\S+?)\??(?: last modified|$)", got[i]["q"])
        uri = m.group(1) if m else None
        rows = [r for u, r in pairs if uri and u.endswith(uri) and r[col]]
        if not rows:
            fail("%s: %s: no response to %s in tshark" % (name, i, uri))
        elif got[i]["answer"] != rows[0][col]:
            fail("%s: %s answer %r, tshark %r" % (name, i, got[i]["answer"], rows[0][col]))
    al = [f["accept_language"] for f in F if f["accept_language"]]
    if al:
        eq("accept_language", re.split(r"[;,]", al[0])[0].strip())
    ab = [f["authbasic"] for f in F if f["authbasic"]]
    if ab:
        eq("basic_auth", ab[0])
    if cond:
        rs = [f for f in rsps if f["request_in"] == cond[0]["frame.number"]]
        if rs:
            eq("conditional_status", rs[0]["response.code"])
        else:
            fail("%s: tshark has no response to frame %s" % (name, cond[0]["frame.number"]))
    if syns:
        stream, port = syns[0]["stream"], syns[0]["dstport"]
        eq("syn_seq", syns[0]["seq_raw"])
        sa = [f for f in F if f["stream"] == stream and f["flags.syn"] == "1" and
              f["flags.ack"] == "1"]
        if sa:
            eq("synack_ack", sa[0]["ack_raw"])
        wins = [int(f["window_size"]) for f in F if f["stream"] == stream and
                f["dstport"] == port and f["flags.reset"] == "0"]
        if wins:
            eq("min_window", min(wins))
        fin = [f for f in F if f["stream"] == stream and f["flags.fin"] == "1"]
        if fin and "who_closed" in got:
            eq("who_closed", "the server" if fin[0]["srcport"] == port else "the client")
        if "rtt_sample" in got:
            m = re.search(r"Frame (\d+) carries", got["rtt_sample"]["q"])
            acks = [f for f in F if f["analysis.acks_frame"] == m.group(1)]
            if not acks:
                fail("%s: tshark has no RTT for frame %s" % (name, m.group(1)))
            else:
                want = round(float(acks[0]["analysis.ack_rtt"]) * 1e6)
                if abs(int(got["rtt_sample"]["answer"]) - want) > 1:
                    fail("%s: rtt_sample %s us, tshark %s us" % (name,
                                                                 got["rtt_sample"]["answer"], want))
        if "response_segments" in got:
            m = re.search(r"carried the response to \S+ (\S+) \(", got["response_segments"]["q"])
            rows = [r for u, r in pairs if u.endswith(m.group(1))]
            st = rows[0]["stream"] if rows else None
            # checked on connections with one response (tshark does not
            # split a connection's segments by message)
            if st is not None and sum(1 for r in finals if r["stream"] == st) == 1:
                start = int(rows[0]["frame.number"])  # after a 100 Continue
                segs = [f for f in F if f["stream"] == st and f["srcport"] == port and
                        int(f["frame.number"]) >= start and f["len"] not in ("", "0") and
                        not f["analysis.retransmission"]]
                # segments tshark calls out of order and httpstep a copy of
                # bytes already seen (httpstep's notes name them)
                ours = retransmitted(path)
                differ = [f for f in segs if f["analysis.out_of_order"] and
                          int(f["frame.number"]) in ours]
                eq("response_segments", len(segs) - len(differ),
                   "%d out of order for tshark, copies for httpstep" % len(differ))
    check_proto(name, path, got, keylog)
    return qs

H2_DECODE = ["-d", "tcp.port==8080,http2", "-d", "tcp.port==8081,http2",
             "-d", "tcp.port==8082,http"]
TLS_VERSIONS = {"0x0304": "TLS 1.3", "0x0303": "TLS 1.2", "0x0302": "TLS 1.1", "0x0301": "TLS 1.0"}
HRR = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
RCODES = {"0": "NOERROR", "1": "FORMERR", "2": "SERVFAIL", "3": "NXDOMAIN", "5": "REFUSED"}


def fields(path, keylog, flt, names, extra=()):
    """tshark's fields of the frames that pass flt, each row a dict of lists"""
    out = subprocess.run(["tshark", "-n", "-r", path] + tshark_opts(keylog) + list(extra) +
                         ["-Y", flt, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
                          "-E", "aggregator=|"] + [a for f in names for a in ("-e", f)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         timeout=300).stdout
    rows = []
    for line in out.splitlines():
        v = line.split("\t")
        rows.append({f: (x.split("|") if x else []) for f, x in zip(names, v)})
    return rows


ALL = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.flags.fin", "tcp.flags.reset",
       "tcp.flags.syn", "tcp.flags.ack", "tcp.len", "tcp.seq_raw", "tcp.ack_raw",
       "tcp.analysis.retransmission", "tcp.analysis.keep_alive", "ip.dst", "ipv6.dst",
       "tls.handshake.type", "tls.handshake.ciphersuite",
       "tls.handshake.extensions.supported_version", "tls.handshake.version",
       "tls.handshake.extensions_alpn_str", "tls.handshake.extensions_server_name",
       "x509sat.uTF8String", "x509sat.printableString", "x509sat.teletexString",
       "tls.handshake.random", "udp.srcport",
       "tls.record.content_type", "tls.record.opaque_type",
       "http2.streamid", "http2.type", "http2.flags", "http2.length",
       "http2.push_promise.promised_stream_id", "http2.headers.path", "http2.headers.status",
       "dns.flags.response", "dns.a", "dns.aaaa", "dns.resp.ttl", "dns.time", "dns.flags.rcode"]
_every = {}


def every(path, keylog):
    """every frame with the fields the checks below read: one tshark run a capture"""
    if (path, keylog) not in _every:
        _every[(path, keylog)] = fields(path, keylog, "frame", ALL, ["-2"] + H2_DECODE)
    return _every[(path, keylog)]


def one(r, f):
    return r[f][0] if r[f] else None


def conn_of(q):
    m = re.search(r"connection (\d+)", q)
    return int(m.group(1)) if m else None


def check_proto(name, path, got, keylog=None):
    """the HTTPS, HTTP/2 and DNS questions against tshark"""
    def eq(i, want, what=""):
        if i in got and got[i]["answer"] != str(want):
            fail("%s: %s answer %r, tshark %r %s" % (name, i, got[i]["answer"], want, what))

    def need(i, cond):
        if cond and i not in got:
            fail("%s: no %s question, though tshark sees its fact" % (name, i))
        if not cond and i in got:
            fail("%s: a %s question, though tshark does not see its fact" % (name, i))

    # --- TLS: the first connection with a ServerHello
    E = every(path, keylog)
    T = [r for r in E if r["tls.handshake.type"]]
    # a ServerHello, not a HelloRetryRequest (RFC 8446 4.1.3: its random is this)
    sh = [t for t in T if "2" in t["tls.handshake.type"] and HRR not in t["tls.handshake.random"]]
    need("tls_version", bool(sh))
    need("tls_server_hello_frame", bool(sh))
    if sh:
        h = sh[0]
        st = h["tcp.stream"][0]
        conn = got.get("tls_version", {}).get("q")
        if conn and conn_of(conn) != int(st) + 1:
            fail("%s: the TLS questions are about connection %s, tshark's first ServerHello is on "
                 "tcp.stream %s" % (name, conn_of(conn), st))
        v = (h["tls.handshake.extensions.supported_version"] or h["tls.handshake.version"])[0]
        eq("tls_version", TLS_VERSIONS.get(v, v))
        # tshark names the frame that completes the ServerHello; the answer is
        # the stage's first frame, and any of its frames is right
        js = run((["--keylog", keylog] if keylog else []) + ["--json", path]).stdout
        frames_sh = []
        for m in re.finditer(r'"conn":%d,[^\n]*"stage":"tls_server_hello","dir":"s2c",'
                             r'"frames":\[([\d,]+)\][^\n]*"messages":\["(\w+)"' % (int(st) + 1), js):
            if m.group(2) == "ServerHello":  # not a HelloRetryRequest
                frames_sh = m.group(1).split(",")
                break
        if h["frame.number"][0] not in frames_sh:
            fail("%s: tshark's ServerHello frame %s is not one of the stage's %s" %
                 (name, h["frame.number"][0], frames_sh))
        elif "tls_server_hello_frame" in got:
            eq("tls_server_hello_frame", frames_sh[0])
        suite = h["tls.handshake.ciphersuite"][0]
        if "tls_cipher" in got and "(%s)" % suite not in got["tls_cipher"]["why"]:
            fail("%s: tls_cipher %r, tshark suite %s" % (name, got["tls_cipher"]["answer"], suite))
        if "tls_suite_part" in got:
            part = re.search(r"what does the part (\S+) say", got["tls_suite_part"]["q"]).group(1)
            if part not in got["tls_cipher"]["answer"]:
                fail("%s: tls_suite_part asks about %s, not in the suite" % (name, part))
        ch = [t for t in T if "1" in t["tls.handshake.type"] and t["tcp.stream"][0] == st]
        sni = ch[0]["tls.handshake.extensions_server_name"] if ch else []
        need("tls_sni", bool(sni))
        need("tls_sni_why", bool(sni))
        if sni:
            eq("tls_sni", sni[0])
        srv = h["tcp.srcport"][0]
        alpn = [a for t in T if t["tcp.stream"][0] == st and t["tcp.srcport"][0] == srv
                for a in t["tls.handshake.extensions_alpn_str"]]
        need("tls_alpn", bool(alpn))
        if alpn:
            eq("tls_alpn", alpn[0])
        cn = [c for t in T if t["tcp.stream"][0] == st and "11" in t["tls.handshake.type"]
              for c in t["x509sat.uTF8String"] + t["x509sat.printableString"] +
              t["x509sat.teletexString"]]
        need("tls_cert_subject", bool(cn) and v != "0x0304")
        if "tls_cert_subject" in got and got["tls_cert_subject"]["answer"] not in cn:
            fail("%s: tls_cert_subject %r, tshark's certificate strings %r" %
                 (name, got["tls_cert_subject"]["answer"], cn))
        # the request (or the client's first record after the handshake) is
        # application data: content type 23
        app = [r for r in E if one(r, "tcp.stream") == st and one(r, "tcp.srcport") != srv and
               "23" in r["tls.record.content_type"] + r["tls.record.opaque_type"]]
        need("tls_url", bool(app))
        if "tls_url" in got:
            f = re.match(r"Frame (\d+)", got["tls_url"]["why"]).group(1)
            if f not in [a["frame.number"][0] for a in app]:
                fail("%s: tls_url names frame %s, which tshark does not see as the client's "
                     "application data" % (name, f))
    # --- HTTP/2: the first connection with HEADERS
    H = [r for r in E if r["http2.type"]]
    hs = [f for f in H if "1" in f["http2.type"]]
    need("h2_streams", bool(hs))
    need("h2_max_open", bool(hs))
    if hs:
        st = hs[0]["tcp.stream"][0]
        syn = [r for r in E if one(r, "tcp.stream") == st and r["tcp.flags.syn"] == ["1"] and
               r["tcp.flags.ack"] == ["0"]]
        client = syn[0]["tcp.srcport"][0] if syn else None
        H = [f for f in H if f["tcp.stream"][0] == st]
        streams, opened, ended, reserved, openmax = set(), {}, {}, set(), 0
        paths, status, hpack, pushed, last = {}, {}, {}, {}, None
        for f in H:
            c = f["tcp.srcport"][0] == client
            prom = list(f["http2.push_promise.promised_stream_id"])
            pp = list(f["http2.headers.path"])
            ss = list(f["http2.headers.status"])
            for sid, ty, fl, ln in zip(f["http2.streamid"], f["http2.type"], f["http2.flags"],
                                       f["http2.length"]):
                sid, ty, fl, ln = int(sid), int(ty), int(fl, 16), int(ln)
                if sid == 0:
                    continue
                if ty == 5:  # PUSH_PROMISE: the promised stream, reserved: not open
                    p = int(prom.pop(0))  # until its HEADERS (RFC 9113 5.1.2)
                    streams.add(p)
                    reserved.add(p)
                    pushed[p] = pp.pop(0) if pp else None
                if ty in (0, 1):
                    if sid not in opened:
                        streams.add(sid)
                        opened[sid] = True
                        # a pushed stream, or stream 1 begun by the server after an
                        # HTTP/1.1 Upgrade: the client's side is closed (RFC 9113 8.4,
                        # RFC 7540 3.2)
                        ended[sid] = {True} if sid in reserved or sid == 1 and not c else set()
                    if ty == 1:
                        block = ln - (5 if fl & 0x20 else 0)
                        if c and pp:
                            paths[pp.pop(0)] = sid
                            hpack[sid] = block
                            last = sid
                        elif not c and ss:
                            status[sid] = ss.pop(0)
                    if fl & 0x1:
                        ended[sid].add(c)
                if ty == 9 and c and hpack.get(sid) is not None and last == sid:
                    hpack[sid] += ln  # CONTINUATION: the rest of the block
                if ty == 3:
                    ended.setdefault(sid, set()).update({True, False})
                openmax = max(openmax, sum(1 for k in opened if len(ended.get(k, ())) < 2))
        eq("h2_streams", len(streams))
        eq("h2_max_open", openmax)
        if "h2_stream_id" in got:
            m = re.search(r"send \S+ (\S+)\?$", got["h2_stream_id"]["q"])
            eq("h2_stream_id", paths.get(m.group(1)))
        if "h2_status" in got:
            sid = int(re.search(r"on stream (\d+)", got["h2_status"]["q"]).group(1))
            eq("h2_status", status.get(sid))
        if "h2_hpack" in got:
            sid = int(re.search(r"on stream (\d+)", got["h2_hpack"]["q"]).group(1))
            eq("h2_hpack", hpack.get(sid))
        need("h2_pushed", bool(pushed))
        if "h2_pushed" in got:
            sid = int(re.search(r"on stream (\d+)", got["h2_pushed"]["q"]).group(1))
            eq("h2_pushed", pushed.get(sid))
        need("h2_status", bool(status))
    # --- DNS
    # DNS on port 53 (multicast DNS, 5353, is not a lookup httpstep follows)
    D = [r for r in E if r["dns.flags.response"] == ["1"] and
         "53" in r["udp.srcport"] + r["tcp.srcport"]]
    addr = [d for d in D if d["dns.a"] or d["dns.aaaa"]]
    for i in ("dns_address", "dns_ttl", "dns_time"):
        need(i, bool(addr))
    need("dns_rcode", any(d["dns.flags.rcode"] != ["0"] for d in D))
    byframe = {d["frame.number"][0]: d for d in D}
    for i in ("dns_address", "dns_ttl"):
        if i in got:
            f = re.match(r"Frame (\d+)", got[i]["why"]).group(1)
            d = byframe.get(f)
            have = (d["dns.a"] + d["dns.aaaa"]) if i == "dns_address" and d else \
                d["dns.resp.ttl"] if d else []
            if got[i]["answer"] not in have:
                fail("%s: %s %r, tshark's response in frame %s: %r" % (name, i, got[i]["answer"],
                                                                        f, have))
    if "dns_time" in got:
        f = re.search(r"to its answer \(frame (\d+)\)", got["dns_time"]["q"]).group(1)
        want = round(float(byframe[f]["dns.time"][0]) * 1e6)
        if abs(int(got["dns_time"]["answer"]) - want) > 1:
            fail("%s: dns_time %s us, tshark %s us" % (name, got["dns_time"]["answer"], want))
    if "dns_rcode" in got:
        f = re.match(r"Frame (\d+)", got["dns_rcode"]["why"]).group(1)
        eq("dns_rcode", RCODES.get(byframe[f]["dns.flags.rcode"][0]))
    if "dns_conn" in got:
        a = got["dns_address"]["answer"]
        f = int(re.match(r"Frame (\d+)", got["dns_address"]["why"]).group(1))
        syn = [r for r in E if r["tcp.flags.syn"] == ["1"] and r["tcp.flags.ack"] == ["0"] and
               int(r["frame.number"][0]) > f and a in r["ip.dst"] + r["ipv6.dst"]]
        eq("dns_conn", int(syn[0]["tcp.stream"][0]) + 1 if syn else None)


def check_data(name, path, keylog):
    """a capture of tests/data: its HTTPS, HTTP/2 and DNS questions only"""
    got = {}
    qs = key(path, keylog=keylog)
    for q in qs:
        i = ident(q["q"])
        if not i:
            fail("%s: a question this test does not know: %s" % (name, q["q"]))
        elif i in got:
            fail("%s: %s asked twice" % (name, i))
        else:
            got[i] = q
    check_proto(name, path, got, keylog)
    return qs


def check_next(name, path, keylog=None, unreadable_ok=False):
    """the "what comes next?" questions (build/tests/labnext) against tshark
    (unreadable_ok: a capture httpstep refuses with its one-line error is skipped)"""
    tool = os.path.join(TOP, os.environ.get("BUILD") or "build", "tests", "labnext")
    args = [tool] + (["-k", keylog] if keylog else []) + [path]
    out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=60)
    if out.returncode:
        if not (unreadable_ok and out.returncode == 1 and out.stderr.count("\n") == 1):
            fail("labnext %s: exit %d %s" % (name, out.returncode, out.stderr.strip()))
        return 0
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    js = run((["--keylog", keylog] if keylog else []) + ["--json", path]).stdout
    # httpstep's connections and their clients (a capture may lack the SYN)
    conns = {int(c): p for c, p in re.findall(
        r'"type":"conn","conn":(\d+),"client":\{"ip":"[^"]*","port":(\d+)\}', js)}
    fins = {int(r[0]): r for r in rows if r[3] == "next_fin"}
    E = every(path, keylog)
    P = [r for r in E if r["tcp.stream"]]
    by = {}
    for f in P:
        by.setdefault(int(f["tcp.stream"][0]), []).append(f)
    n = 0
    for st, pk in sorted(by.items()):
        conn = st + 1
        if conn not in conns:
            continue  # not HTTP (DNS over TCP): the lab keeps no record of it
        client = conns[conn]
        if len(re.findall(r'"type":"stage","conn":%d,' % conn, js)) < 2:
            continue  # the close is its only stage: no step before it to ask from
        fin = [i for i, f in enumerate(pk) if f["tcp.flags.fin"] == ["1"]]
        want = None
        if fin and client:
            i0 = fin[0]
            a = pk[i0]["tcp.srcport"][0]
            past = (int(pk[i0]["tcp.seq_raw"][0]) + int(pk[i0]["tcp.len"][0]) + 1) % 2 ** 32
            data = []
            for f in pk[i0 + 1:]:
                if f["tcp.flags.reset"] == ["1"]:
                    want = ("a reset (RST) ends the connection", f["frame.number"][0])
                    break
                if f["tcp.srcport"][0] == a:
                    continue
                if int(f["tcp.len"][0]) and not f["tcp.analysis.retransmission"] and \
                        not f["tcp.analysis.keep_alive"]:
                    data.append(f)
                if f["tcp.flags.fin"] == ["1"]:
                    acks = f["tcp.flags.ack"] == ["1"] and \
                        ((int(f["tcp.ack_raw"][0]) - past) % 2 ** 32) < 2 ** 31
                    if acks:
                        want = ("sends more data first, then its own FIN", data[0]["frame.number"][0]) \
                            if data else ("acknowledges it and sends its own FIN", None)
                    break
            side = "client" if a == client else "server"
        got = fins.get(conn)
        if want and not got:
            fail("%s: connection %d: no \"what comes next?\" after the first FIN (tshark: %s)" %
                 (name, conn, want[0]))
        if got and not want:
            fail("%s: connection %d: a next_fin question, tshark cannot tell what follows the FIN"
                 % (name, conn))
        if got and want:
            n += 1
            if not got[7].startswith("Frame %s: the %s sends the first FIN" % (pk[fin[0]]["frame.number"][0], side)):
                fail("%s: connection %d: %r, tshark's first FIN is frame %s from the %s" %
                     (name, conn, got[7], pk[fin[0]]["frame.number"][0], side))
            if want[0] not in got[6]:
                fail("%s: connection %d: next_fin %r, tshark: %s" % (name, conn, got[6], want[0]))
            if want[1] and got[5] != want[1]:
                fail("%s: connection %d: next_fin frame %s, tshark %s" % (name, conn, got[5], want[1]))
    # the ServerHello after the ClientHello: its frame
    T = [r for r in E if "2" in r["tls.handshake.type"]]
    for r in rows:
        if r[3] == "next_server_hello":
            sh = [t["frame.number"][0] for t in T if int(t["tcp.stream"][0]) + 1 == int(r[0]) and
                  HRR not in t["tls.handshake.random"]]
            # tshark names the frame that completes the message; the stage
            # begins with the first that carries it
            if not sh or sh[0] not in r[9].split(",") or r[5] != r[9].split(",")[0]:
                fail("%s: next_server_hello frame %s (stage %s), tshark's ServerHello %s" %
                     (name, r[5], r[9], sh))
            n += 1
        if r[3] == "next_push":
            f = re.match(r"Frame (\d+): the server promises stream (\d+)", r[7])
            pp = [r for r in E if r["frame.number"] == [f.group(1)]]
            if not pp or f.group(2) not in pp[0]["http2.push_promise.promised_stream_id"]:
                fail("%s: next_push: tshark sees no promise of stream %s in frame %s" %
                     (name, f.group(2), f.group(1)))
            n += 1
    return n


def right_answers(qs):
    out = []
    for q in qs:
        out.append(q["letter"] if q.get("letter") else q["answer"])
    return out


def wrong_answers(qs):
    out = []
    for q in qs:
        if q.get("letter"):
            out.append("b" if q["letter"] == "a" else "a")
        elif re.fullmatch(r"\d+", q["answer"]):
            out.append(str(int(q["answer"]) * 3 + 1000))
        else:
            out.append(q["answer"] + "x")
    return out


def score(out):
    m = re.search(r"Score: (\d+) of (\d+) right", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_quiz():
    path = os.path.join(SAMPLES, "08-status-codes.pcap")
    qs = key(path)
    n = len(qs)
    p = run(["--lab", "--lang", "en", path], "\n".join(right_answers(qs)) + "\n")
    if score(p.stdout) != (n, n):
        fail("all right: score %s, not %d of %d\n%s" % (score(p.stdout), n, n, p.stdout[-2000:]))
    if p.stdout.count("Right.") != n:
        fail("all right: %d 'Right.' lines, not %d" % (p.stdout.count("Right."), n))
    p = run(["--lab", "--lang", "en", path], "\n".join(wrong_answers(qs)) + "\n")
    if score(p.stdout) != (0, n):
        fail("all wrong: score %s, not 0 of %d" % (score(p.stdout), n))
    if p.stdout.count("Wrong: the answer is") != n:
        fail("all wrong: each wrong answer is told with the right one")
    # case: a header name in other case, a choice by its text, a number with
    # a thousands separator; a hint, an unreadable answer, an empty line
    lines = []
    for i, q in enumerate(qs):
        if i == 0:
            lines += ["hint", "not a number" if not q.get("letter") else "zz"]
        if i == 2:
            lines.append("")
        elif ident(q["q"]) == "conditional_header":
            lines.append(q["answer"].upper())
        elif q.get("letter"):
            lines.append(q["answer"].upper() if i % 2 else q["answer"])
        else:
            lines.append("{:,}".format(int(q["answer"])) if q["answer"].isdigit()
                         else q["answer"])
    p = run(["--lab", "--lang", "en", path], "\n".join(lines) + "\n")
    if score(p.stdout) != (n - 1, n):
        fail("case/hint/skip: score %s, not %d of %d\n%s" % (score(p.stdout), n - 1, n,
                                                               p.stdout[-3000:]))
    if "Hint: look at connection 1, exchange" not in p.stdout and \
            "Hint: look at connection 1, stage" not in p.stdout:
        fail("hint: no 'Hint: look at' line")
    if "Not an answer of this kind" not in p.stdout:
        fail("an unreadable answer is not told so")
    if "Skipped: the answer is" not in p.stdout:
        fail("an empty line does not skip")
    if "(1 with a hint)" not in p.stdout:
        fail("the score does not count the hint")
    # the end of input after three answers
    p = run(["--lab", "--lang", "en", path], "\n".join(right_answers(qs)[:3]) + "\n")
    if score(p.stdout) != (3, n) or ("%d questions not answered" % (n - 3)) not in p.stdout:
        fail("early end: %r" % p.stdout[-300:])
    # the RTT in milliseconds, within the tolerance
    rq = [q for q in qs if ident(q["q"]) == "rtt_sample"][0]
    idx = qs.index(rq)
    ans = ["" for _ in qs]
    ans[idx] = "%.3f ms" % (int(rq["answer"]) / 1000.0)
    p = run(["--lab", "--lang", "en", path], "\n".join(ans) + "\n")
    if score(p.stdout) != (1, n):
        fail("rtt in ms: score %s, not 1 of %d" % (score(p.stdout), n))


def check_zh_seed_sheet():
    path = os.path.join(SAMPLES, "01-classic-get.pcap")
    en = key(path)
    zh = run(["--lab", "--answers", "--lang", "zh", path]).stdout
    if not re.search(r"[\u4e00-\u9fff]", zh):
        fail("--lang zh: no Chinese in the key")
    for word in ("Which", "What", "How many", "Answer:"):
        if word in zh:
            fail("--lang zh: English left in the key: %r" % word)
    qz = run(["--lab", "--lang", "zh", path], "\n" * 40).stdout
    if not re.search(r"得分", qz):
        fail("--lang zh: the quiz's score line is not in Chinese: %r" % qz[-200:])
    s1, s2 = key(path, seed=7), key(path, seed=7)
    if [q["q"] for q in s1] != [q["q"] for q in s2]:
        fail("--seed 7 twice: not the same order")
    if sorted(q["q"] for q in s1) != sorted(q["q"] for q in en):
        fail("--seed 7: not the same questions")
    if [q["q"] for q in s1] == [q["q"] for q in en]:
        fail("--seed 7: the order did not change")
    if [q["q"] for q in key(path)] != [q["q"] for q in en]:
        fail("without --seed: the order changed between runs")
    sheet = run(["--lab", "--text", "--lang", "en", path]).stdout
    if "Answer: ____" not in sheet or "Why:" in sheet or "Where:" in sheet:
        fail("the worksheet holds answers, or no room for them")
    if len(re.findall(r"^\d+\. ", sheet, re.M)) != len(en):
        fail("the worksheet and the key have not the same questions")


def check_errors():
    path = os.path.join(SAMPLES, "01-classic-get.pcap")
    # a capture of no packets: nothing to ask about
    empty = os.path.join(tempfile.mkdtemp(prefix="lab-"), "empty.pcap")
    with open(empty, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for args, code, words in (
            (["--lab"], 1, "--lab needs a capture file"),
            (["--lab", "--json", path], 1, "--lab writes questions"),
            (["--answers", path], 1, "--answers is for --lab"),
            (["--lab", "--seed", "0", path], 1, "invalid --seed"),
            (["--lab", "--text", "--answers", path], 1, "choose one of --text"),
            (["--lab", empty], 2, "no lab questions")):
        p = run(args, "", code=code)
        err = p.stderr.strip()
        if words not in err or "\n" in err:
            fail("httpstep %s: not one line with %r: %r" % (" ".join(args), words, err))


def main():
    if not os.path.exists(BIN):
        print("no binary %s" % BIN)
        sys.exit(1)
    if not shutil.which("tshark"):
        print("tshark is missing")
        sys.exit(77)
    counts, nexts = {}, 0
    for name in sorted(os.listdir(SAMPLES)):
        if name.endswith((".pcap", ".pcapng")):
            counts[name] = len(check_sample(name))
            nexts += check_next(name, os.path.join(SAMPLES, name))
    print("questions per sample:", " ".join("%s=%d" % (k[:2], v) for k, v in counts.items()))
    # HTTPS with key logs, HTTP/2 (cleartext, pushed), DNS
    data = os.path.join(TOP, "tests", "data")
    extra = 0
    for sub in ("tls", "h2", "dns"):
        for name in sorted(os.listdir(os.path.join(data, sub))):
            if not name.endswith((".pcap", ".pcapng")):
                continue
            path = os.path.join(data, sub, name)
            keys = re.sub(r"\.pcap(ng)?$", ".keys", path)
            keys = keys if os.path.exists(keys) else None
            extra += len(check_data(sub + "/" + name, path, keys))
            nexts += check_next(sub + "/" + name, path, keys)
    print("questions in tests/data/{tls,h2,dns}: %d; \"what comes next?\" checked: %d" %
          (extra, nexts))
    # the real captures beside the repository (as tests/e2e/corpus.py finds them)
    corpus = os.path.join(TOP, "..", "shared", "corpus")
    if os.path.isdir(corpus):
        n = 0
        for name in sorted(os.listdir(corpus)):
            if name.endswith((".pcap", ".pcapng")):
                n += check_next(name, os.path.join(corpus, name), unreadable_ok=True)
        print("\"what comes next?\" on the corpus: %d checked against tshark" % n)
    check_quiz()
    check_zh_seed_sheet()
    check_errors()
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)
    print("lab: ok")


if __name__ == "__main__":
    main()
