#!/usr/bin/env python3
"""tests/e2e/tls_tshark.py - the TLS engine against tshark on real captures.

For every capture of tests/data/tls/ (made on loopback by make-tls.sh with real clients and
servers, each with its client's key log: NAME.keys, or inside the pcapng), this runs
$BUILD/tests/tlsreplay (the engine alone, through the tracer) and tshark (a test-only
oracle) with the same key log, and checks:

  plaintext  each connection's decrypted application data, each direction, byte for byte
             equal to tshark's `-z follow,tls,yaml`; and every piece tshark shows ends in a
             frame where one of the engine's plaintext pieces ends (the frames of the
             records that carried it)
  http       every HTTP/1.x request line and status line tshark decodes (`-Y http`), in
             order, equal to those read from the engine's plaintext
  facts      the version, cipher suite, server name, ALPN, HRR, resumption and 0-RTT the
             engine reports, against tshark's fields and what make-tls.sh recorded
  named      what is not decrypted says why: TLS 1.0 (version not decrypted), CCM
             (cipher not supported) - tshark decrypts both; without keys, with a wrong
             key, from a capture cut after the handshake: one note each, no plaintext

Exit 0 when all agree, 1 on a difference, 77 (skip) without tshark or editcap.
"""
import base64
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
REPLAY = os.path.join(TOP, BUILD, "tests", "tlsreplay") if not os.path.isabs(BUILD) else \
    os.path.join(BUILD, "tests", "tlsreplay")
DATA = os.path.join(TOP, "tests", "data", "tls")

# what each capture holds: per connection, the facts the engine must report
# (version, suite, alpn, extra facts); None: the same as tshark's (checked below)
EXPECT = {
    "tls13-aes128-gcm.pcapng": [("TLS 1.3", "TLS_AES_128_GCM_SHA256", "http/1.1", (("keys", "pcapng"),))],
    "tls13-aes256-gcm.pcap": [("TLS 1.3", "TLS_AES_256_GCM_SHA384", "http/1.1", ())],
    "tls13-chacha20.pcap": [("TLS 1.3", "TLS_CHACHA20_POLY1305_SHA256", "http/1.1", ())],
    "tls13-h2.pcap": [("TLS 1.3", None, "h2", ())],
    "tls13-resumed.pcap": [("TLS 1.3", None, "http/1.1", (("resumed", "0"),)),
                           ("TLS 1.3", None, "http/1.1", (("resumed", "1"),))],
    "tls13-0rtt.pcap": [("TLS 1.3", None, "", (("resumed", "1"), ("early", "1")))],
    "tls13-keyupdate.pcap": [("TLS 1.3", None, "", ())],
    "tls13-hrr.pcap": [("TLS 1.3", None, "", (("hrr", "1"),))],
    "tls13-ccm.pcap": [("TLS 1.3", "TLS_AES_128_CCM_SHA256", "", (("why_not", "cipher not supported"),))],
    "tls12-ecdhe-rsa-aes128-gcm.pcap": [("TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                         "http/1.1", ())],
    "tls12-ecdhe-ecdsa-aes256-gcm.pcap": [("TLS 1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                                           "http/1.1", ())],
    "tls12-ecdhe-rsa-chacha20.pcap": [("TLS 1.2",
                                       "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                                       "http/1.1", ())],
    "tls12-rsa-aes128-gcm.pcap": [("TLS 1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256", "http/1.1", ())],
    "tls12-cbc-sha-etm.pcap": [("TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "http/1.1",
                                (("etm", "1"),))],
    "tls12-cbc-sha256-mte.pcap": [("TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                                   "http/1.1", (("etm", "0"),))],
    "tls12-cbc-sha384-mte.pcap": [("TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                                   "http/1.1", (("etm", "0"),))],
    "tls12-resumed.pcap": [("TLS 1.2", None, "http/1.1", (("resumed", "0"),)),
                           ("TLS 1.2", None, "http/1.1", (("resumed", "1"),))],
    "tls10.pcap": [("TLS 1.0", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "",
                    (("why_not", "version not decrypted"),))],
}
NOT_DECRYPTED = {"tls13-ccm.pcap": "tls_unsupported", "tls10.pcap": "tls_unsupported"}

problems = []


def problem(cap, what):
    problems.append("%s: %s" % (cap, what))


def run(cmd, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def replay(cap, keys, extra=()):
    cmd = [REPLAY, "-d", "-e"] + list(extra)
    if keys:
        cmd += ["-k", keys]
    rc, out, err = run(cmd + [cap])
    if rc != 0:
        raise RuntimeError("tlsreplay failed (%d): %s" % (rc, err.strip()))
    conns, facts, plain, pieces, notes = {}, {}, {}, {}, {}
    for line in out.splitlines():
        w = line.split(" ")
        if w[0] == "conn":
            conns[int(w[1])] = (w[2], w[3])
        elif w[0] == "tls":
            facts[int(w[1])] = line
        elif w[0] == "plain":
            plain[(int(w[1]), w[2])] = bytes.fromhex(w[3]) if len(w) > 3 else b""
        elif w[0] == "piece":
            m = re.match(r"piece (\d+) (\S+) (\d+)\+(\d+) record=\d+ frames=(\S*)", line)
            pieces.setdefault((int(m.group(1)), m.group(2)), []).append(
                (int(m.group(3)), int(m.group(4)), [int(x) for x in m.group(5).split(",") if x]))
        elif w[0] == "note":
            notes.setdefault(int(w[1]), []).append(w[4].rstrip(":"))
    return conns, facts, plain, pieces, notes


def tshark(args):
    rc, out, err = run(["tshark", "-n"] + args)
    if rc != 0:
        raise RuntimeError("tshark failed: %s" % err.strip())
    return out


def keyopt(keys):
    return ["-o", "tls.keylog_file:" + keys] if keys else []


HTTP_FIELDS = ["http.request.method", "http.request.uri", "http.request.version",
               "http.response.version", "http.response.code", "http.response.phrase"]


def follow_yaml(text, ports):
    """[(frame, srcport, bytes)] of a `-z follow,tls,yaml` block"""
    chunks, frame, data = [], None, None
    for line in text.splitlines() + ["  - packet: 0"]:
        m = re.match(r"\s+- packet: (\d+)", line)
        if m:
            if frame is not None:
                chunks.append((frame, ports.get(frame), base64.b64decode(data)))
            frame, data = int(m.group(1)), ""
        elif re.match(r"\s{6}\S", line) and frame is not None:
            data += line.strip()
    return [c for c in chunks if c[0]]


def tshark_capture(cap, keys, nstreams):
    """({stream: [(frame, srcport, bytes)]} of decrypted application data, {(stream, dir):
    [HTTP start lines]}): one tshark run for the frames' fields and the first stream, one
    more for each further stream"""
    out = tshark(["-r", cap] + keyopt(keys) +
                 ["-T", "fields", "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.srcport",
                  "-e", "tcp.dstport"] + sum([["-e", f] for f in HTTP_FIELDS], []) +
                 ["-z", "follow,tls,yaml,0"])
    ports, lines = {}, {}
    body = out.splitlines()
    i = 0
    while i < len(body) and "\t" in body[i]:
        f = body[i].split("\t")
        i += 1
        if not f[1]:
            continue
        frame, s = int(f[0]), int(f[1])
        ports[frame] = int(f[2])
        if f[4]:
            lines.setdefault((s, "c2s"), []).append("%s %s %s" % (f[4], f[5], f[6]))
        if f[8]:
            lines.setdefault((s, "s2c"), []).append("%s %s %s" % (f[7], f[8], f[9]))
    streams = {0: follow_yaml("\n".join(body[i:]), ports)}
    for s in range(1, nstreams):
        streams[s] = follow_yaml(tshark(["-r", cap] + keyopt(keys) +
                                        ["-q", "-z", "follow,tls,yaml,%d" % s]), ports)
    return streams, lines


def http_lines(data):
    """the start lines of the HTTP/1.x messages in a stream (Content-Length, chunked, or to
    the end)"""
    out, p = [], 0
    while p < len(data):
        end = data.find(b"\r\n\r\n", p)
        if end < 0:
            break
        head = data[p:end].decode("latin-1").split("\r\n")
        if not re.match(r"(HTTP/\d\.\d \d{3}|[A-Z]+ \S+ HTTP/\d\.\d)", head[0]):
            break
        out.append(head[0] if head[0].startswith("HTTP/") is False else head[0])
        hdrs = {h.split(":", 1)[0].lower(): h.split(":", 1)[1].strip() for h in head[1:] if ":" in h}
        p = end + 4
        if "content-length" in hdrs:
            p += int(hdrs["content-length"])
        elif hdrs.get("transfer-encoding", "").lower() == "chunked":
            while True:
                nl = data.find(b"\r\n", p)
                size = int(data[p:nl].split(b";")[0], 16)
                p = nl + 2 + size + 2
                if size == 0:
                    break
        elif head[0].startswith("HTTP/") and not re.match(r"HTTP/\d\.\d (1\d\d|204|304)", head[0]):
            p = len(data)
    return out


def fact(line, key):
    m = re.search(r"\b%s=(.*?)(?= \w+=|$)" % key, line)
    return m.group(1) if m else None


def check_capture(name):
    cap = os.path.join(DATA, name)
    keys = os.path.join(DATA, name.rsplit(".", 1)[0] + ".keys")
    keys = keys if os.path.exists(keys) else None
    conns, facts, plain, pieces, notes = replay(cap, keys)
    streams, lines = tshark_capture(cap, keys, len(conns))
    want = EXPECT.get(name)
    if want is None:
        problem(name, "no expectation in tls_tshark.py")
        return 0
    if len(conns) != len(want) or len(streams) != len(want) or len(facts) != len(want):
        problem(name, "%d connections here, %d for tshark, %d expected" %
                (len(conns), len(streams), len(want)))
        return 0
    checked = 0
    for i, cid in enumerate(sorted(conns)):
        f = facts[cid]
        version, suite, alpn, extra = want[i]
        if fact(f, "version") != version:
            problem(name, "conn %d: version %s, wanted %s" % (cid, fact(f, "version"), version))
        if suite and fact(f, "suite") != suite:
            problem(name, "conn %d: suite %s, wanted %s" % (cid, fact(f, "suite"), suite))
        if fact(f, "alpn") != alpn:
            problem(name, "conn %d: alpn '%s', wanted '%s'" % (cid, fact(f, "alpn"), alpn))
        for k, v in extra:
            if fact(f, k) != v:
                problem(name, "conn %d: %s=%s, wanted %s" % (cid, k, fact(f, k), v))
        if fact(f, "sni") != "localhost":
            problem(name, "conn %d: sni %s" % (cid, fact(f, "sni")))
        client_port = int(conns[cid][0].rsplit(":", 1)[1])
        s = i  # tshark numbers streams by first packet, as the tracer numbers connections
        chunks = streams[s]
        named = name in NOT_DECRYPTED
        if named:
            if fact(f, "decrypted") != "0" or plain.get((cid, "c2s")) or plain.get((cid, "s2c")):
                problem(name, "conn %d: decrypted what it should name" % cid)
            if notes.get(cid, []).count(NOT_DECRYPTED[name]) != 1:
                problem(name, "conn %d: notes %s, wanted one %s" % (cid, notes.get(cid),
                                                                    NOT_DECRYPTED[name]))
            if not chunks:
                problem(name, "tshark decrypts nothing: the capture is not what it should be")
            continue
        if fact(f, "decrypted") != "1" or fact(f, "why_not") != "-":
            problem(name, "conn %d: not decrypted: %s" % (cid, fact(f, "why_not")))
        for d in ("c2s", "s2c"):
            ts = b"".join(c[2] for c in chunks if (c[1] == client_port) == (d == "c2s"))
            mine = plain.get((cid, d), b"")
            if ts != mine:
                problem(name, "conn %d %s: %d plaintext bytes here, %d for tshark%s" %
                        (cid, d, len(mine), len(ts), "" if len(ts) != len(mine) else
                         " (different bytes)"))
            # every tshark piece ends in a frame where one of ours ends
            ends = {}
            for off, ln, frames in pieces.get((cid, d), []):
                ends[off + ln] = frames[-1] if frames else None
            at = 0
            for frame, port, data in chunks:
                if (port == client_port) != (d == "c2s"):
                    continue
                at += len(data)
                if ends.get(at) != frame:
                    problem(name, "conn %d %s: tshark's piece ending at %d is in frame %d, "
                                  "ours in %s" % (cid, d, at, frame, ends.get(at)))
            if alpn != "h2":
                got, tl = http_lines(mine), lines.get((s, d), [])
                if got != tl:
                    problem(name, "conn %d %s: HTTP lines %s, tshark %s" % (cid, d, got, tl))
                checked += len(tl)
    return checked


def mutated_cases(tmp):
    """no keys, a wrong key, a capture cut after the handshake: one note each, nothing
    decrypted, nothing crashes"""
    base = os.path.join(DATA, "tls12-ecdhe-rsa-aes128-gcm.pcap")
    keys = os.path.join(DATA, "tls12-ecdhe-rsa-aes128-gcm.keys")
    ng = os.path.join(DATA, "tls13-aes128-gcm.pcapng")
    cases = []
    # no keys (the pcapng's own block ignored)
    cases.append(("no keys (pcap)", base, None, [], "no key for its client random", "tls_no_keys"))
    cases.append(("no keys (pcapng, -n)", ng, None, ["-n"], "no key for its client random",
                  "tls_no_keys"))
    # a wrong key: the master secret's first digit changed
    with open(keys) as f:
        text = f.read()
    w = text.split(" ")
    w[2] = ("0" if w[2][0] != "0" else "1") + w[2][1:]
    bad = os.path.join(tmp, "wrong.keys")
    with open(bad, "w") as f:
        f.write(" ".join(w))
    cases.append(("wrong key", base, bad, [], "a key that fails authentication",
                  "tls_decrypt_error"))
    # the first 12 frames dropped: the capture starts after the handshake
    cut = os.path.join(tmp, "midstream.pcap")
    rc, out, err = run(["editcap", "-r", base, cut, "13-100000"])
    if rc != 0:
        problem("midstream", "editcap failed: " + err.strip())
    else:
        cases.append(("mid-connection", cut, keys, [], "the handshake was not captured",
                      "tls_no_keys"))
    for what, cap, k, extra, why, note in cases:
        conns, facts, plain, pieces, notes = replay(cap, k, extra)
        for cid, f in facts.items():
            if fact(f, "decrypted") != "0" or fact(f, "why_not") != why:
                problem(what, "decrypted=%s why_not=%s, wanted 0 and '%s'" %
                        (fact(f, "decrypted"), fact(f, "why_not"), why))
            if notes.get(cid, []).count(note) != 1:
                problem(what, "notes %s, wanted one %s" % (notes.get(cid), note))
            if any(plain.get((cid, d)) for d in ("c2s", "s2c")):
                problem(what, "plaintext came out")
        if not facts:
            problem(what, "no TLS connection found")


def main():
    for tool in ("tshark", "editcap"):
        if not shutil.which(tool):
            print("skip: no %s (a test-only oracle: apt-get install tshark)" % tool)
            return 77
    if not os.access(REPLAY, os.X_OK):
        print("tls_tshark.py: %s is missing: make units" % REPLAY)
        return 1
    caps = sorted(f for f in os.listdir(DATA) if ".pcap" in f)
    if not caps:
        print("skip: no captures in tests/data/tls (sudo tests/data/tls/make-tls.sh)")
        return 77
    def one(name):
        try:
            return check_capture(name)
        except (RuntimeError, subprocess.TimeoutExpired, KeyError, ValueError) as e:
            problem(name, str(e))
            return None

    total = 0
    # tshark takes seconds to start: two at a time
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for name, n in zip(caps, pool.map(one, caps)):
            if n is None:
                continue
            total += n
            print("  %-36s %s" % (name, "%d HTTP lines equal" % n if n else "checked"))
    with tempfile.TemporaryDirectory() as tmp:
        mutated_cases(tmp)
    if problems:
        print("tls_tshark.py: %d problems:" % len(problems))
        for p in problems:
            print("  " + p)
        return 1
    print("tls_tshark.py: %d captures, %d HTTP lines equal to tshark's, plaintext equal "
          "byte for byte" % (len(caps), total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
