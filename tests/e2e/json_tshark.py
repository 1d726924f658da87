#!/usr/bin/env python3
"""tests/e2e/json_tshark.py - httpstep --json on HTTPS and HTTP/2 captures against tshark.

For every capture of tests/data/tls/ (with its key log NAME.keys, or the secrets inside
the pcapng), of tests/data/h2/ and of samples/ with its secrets inside or with h2c, this runs `$HTTPSTEP --json [--keylog NAME.keys]` and
tshark (a test-only oracle, `-o tls.keylog_file:NAME.keys`), and checks, per exchange:

  HTTP/1.1 inside TLS   per connection, the requests in order: method, target, the
                        number of header lines; the responses in order: status, the
                        number of header lines, the body length (Content-Length or the
                        body tshark shows)
  HTTP/2 (h2c, and h2   per connection and stream: :method, :path, :authority, the final
  inside TLS)           :status, the number of regular header fields of the request and
                        of the response, the DATA bytes (less padding) of each direction
                        up to the stream's end (DATA that was in flight when a RST_STREAM
                        ended it arrives after its exchange was written)

and that every connection tshark decrypts is decrypted (conn_end.tls.decrypted) and the
TLS stages are there (tls_client_hello, tls_server_hello). Captures the engine names as
not decrypted (TLS 1.0, CCM) must say so with a note and encrypted stages. Without the
key log, 13-https-like captures must show encrypted stages and a tls_no_keys note.

Exit 0 when all agree, 1 on a difference, 77 (skip) without tshark.
"""
import glob
import json
import os
import shutil
import subprocess
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
HTTPSTEP = os.environ.get("HTTPSTEP", os.path.join(TOP, "httpstep"))
if not os.path.isabs(HTTPSTEP) and "/" in HTTPSTEP:
    HTTPSTEP = os.path.join(os.getcwd(), HTTPSTEP)
H2_DECODE = ["-d", "tcp.port==8080,http2", "-d", "tcp.port==8081,http2",
             "-d", "tcp.port==8082,http"]
# not decrypted by design (tls_tshark.py checks why); tshark decrypts them
NOT_DECRYPTED = {"tls10.pcap": "tls_unsupported", "tls13-ccm.pcap": "tls_unsupported"}


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def walk(d, key):
    """every value of `key` anywhere under d (tshark nests the request line's fields)"""
    out = []
    if isinstance(d, dict):
        for k, v in d.items():
            if k == key:
                out.extend(as_list(v))
            else:
                out.extend(walk(v, key))
    elif isinstance(d, list):
        for v in d:
            out.extend(walk(v, key))
    return out


def httpstep(path, keys, version=2):
    cmd = [HTTPSTEP, "--json", "--json-version", str(version)] + \
        (["--keylog", keys] if keys else []) + [path]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return [json.loads(line) for line in r.stdout.splitlines()]


def tshark(path, keys, extra):
    cmd = ["tshark", "-n", "-2", "-r", path] + extra
    if keys:
        cmd += ["-o", "tls.keylog_file:" + keys]
    cmd += ["-T", "json", "--no-duplicate-keys", "-J", "tcp http http2"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout
    return json.loads(out) if out.strip() else []


def ours_http1(lines):
    """per conn: [requests], [responses] of HTTP/1.x exchanges"""
    req, rsp = {}, {}
    for x in lines:
        if x["type"] != "exchange" or x.get("stream"):
            continue
        c = x["conn"]
        q, r = x["request"], x["response"]
        if q:
            req.setdefault(c, []).append((q["method"], q["target"], len(q["headers"])))
        if r:
            rsp.setdefault(c, []).append((r["status"], len(r["headers"]), r["body_length"]))
    return req, rsp


def theirs_http1(pkts):
    req, rsp = {}, {}
    for p in pkts:
        layers = p["_source"]["layers"]
        tcp = as_list(layers.get("tcp"))
        if not tcp or "http" not in layers:
            continue
        c = int(tcp[0]["tcp.stream"]) + 1
        for h in as_list(layers["http"]):
            if not isinstance(h, dict):
                continue
            m = walk(h, "http.request.method")
            if m:
                req.setdefault(c, []).append((m[0], walk(h, "http.request.uri")[0],
                                              len(walk(h, "http.request.line"))))
            code = walk(h, "http.response.code")
            if code:
                cl = walk(h, "http.content_length")
                body = int(cl[0]) if cl else len(walk(h, "http.file_data")[0]) \
                    if walk(h, "http.file_data") else 0
                rsp.setdefault(c, []).append((int(code[0]), len(walk(h, "http.response.line")),
                                              body))
    return req, rsp


def ours_h2(lines):
    out = {}
    for x in lines:
        if x["type"] != "exchange" or not x.get("stream"):
            continue
        q, r = x["request"], x["response"]
        h2req = q and q["version"] == "HTTP/2"
        out[(x["conn"], x["stream"])] = {
            "method": q["method"] if h2req else None,
            "path": q["target"] if h2req else None,
            "authority": q.get("authority") if h2req else None,
            "status": r["status"] if r else None,
            "qhdrs": len(q["headers"]) if h2req else None,
            "rhdrs": len(r["headers"]) if r else None,
            "data": [q["body_length"] if q else 0, r["body_length"] if r else 0],
        }
    return out


def theirs_h2(pkts):
    out = {}
    client = {}
    blocks = {}  # (conn, dir) -> [stream, promised, fields]
    reset = set()  # streams a RST_STREAM ended: DATA still in flight is no longer theirs

    def st(c, s):
        return out.setdefault((c, s), {"method": None, "path": None, "authority": None,
                                       "status": None, "qhdrs": None, "rhdrs": None,
                                       "data": [0, 0]})

    for p in pkts:
        layers = p["_source"]["layers"]
        tcp = as_list(layers.get("tcp"))
        if not tcp:
            continue
        ts = int(tcp[0]["tcp.stream"])
        client.setdefault(ts, tcp[0]["tcp.srcport"])
        d = 0 if tcp[0]["tcp.srcport"] == client[ts] else 1
        c = ts + 1
        for layer in as_list(layers.get("http2")):
            for s in as_list(layer.get("http2.stream")):
                if "http2.type" not in s:
                    continue
                t, sid = int(s["http2.type"]), int(s["http2.streamid"])
                flags = int(s["http2.flags"], 16)
                if t == 3:
                    reset.add((c, sid))
                if t == 0 and (c, sid) not in reset:
                    pad = int(s.get("http2.pad_length", 0)) + 1 if flags & 0x08 else 0
                    st(c, sid)["data"][d] += int(s["http2.length"]) - pad
                if t not in (1, 5, 9):
                    continue
                if t != 9:
                    blocks[(c, d)] = [sid, int(s.get("http2.push_promise.promised_stream_id", 0)), []]
                blk = blocks.get((c, d))
                if blk is None:
                    continue
                for h in as_list(s.get("http2.header")):
                    blk[2].append((h.get("http2.header.name", ""), h.get("http2.header.value", "")))
                if not flags & 0x04:
                    continue
                sid, promised, fields = blk
                del blocks[(c, d)]
                x = st(c, promised or sid)
                regular = [f for f in fields if not f[0].startswith(":")]
                pseudo = dict(f for f in fields if f[0].startswith(":"))
                if ":method" in pseudo:
                    x["method"], x["path"] = pseudo[":method"], pseudo.get(":path")
                    x["authority"] = pseudo.get(":authority")
                    x["qhdrs"] = len(regular)
                elif ":status" in pseudo and not pseudo[":status"].startswith("1"):
                    x["status"] = int(pseudo[":status"])
                    x["rhdrs"] = len(regular)
    # streams with no header block at all (PRIORITY-only idle streams) are no exchanges
    return {k: v for k, v in out.items() if v["method"] or v["status"] or any(v["data"])}


def check(name, lines, pkts, h2, errs, counts):
    if h2:
        ours, theirs = ours_h2(lines), theirs_h2(pkts)
        for k in sorted(set(ours) | set(theirs)):
            o, t = ours.get(k), theirs.get(k)
            if o is None or t is None:
                errs.append("%s: conn %d stream %d: %s" % (name, k[0], k[1],
                            "not an exchange in httpstep" if o is None else "not in tshark"))
                continue
            for f in t:
                if t[f] is None and f in ("method", "path", "authority", "qhdrs"):
                    continue  # stream 1 of an Upgrade: its request was HTTP/1.1
                if o[f] != t[f]:
                    errs.append("%s: conn %d stream %d: %s %r, tshark %r" % (name, k[0], k[1], f,
                                                                           o[f], t[f]))
        counts[name] = (len(ours), len(theirs))
    else:
        (oq, orr), (tq, tr) = ours_http1(lines), theirs_http1(pkts)
        for what, o, t in (("request", oq, tq), ("response", orr, tr)):
            if o != t:
                errs.append("%s: %ss: httpstep %r, tshark %r" % (name, what, o, t))
        counts[name] = (sum(len(v) for v in oq.values()), sum(len(v) for v in tq.values()))


def tls_facts(name, lines, errs, want_note):
    ends = [x for x in lines if x["type"] == "conn_end" and "tls" in x]
    stages = {x["stage"] for x in lines if x["type"] == "stage"}
    notes = {x["kind"] for x in lines if x["type"] == "note"}
    if not ends:
        errs.append("%s: no TLS connection" % name)
    for need in ("tls_client_hello", "tls_server_hello"):
        if need not in stages:
            errs.append("%s: no %s stage" % (name, need))
    if want_note:
        if want_note not in notes or "encrypted" not in stages:
            errs.append("%s: want a %s note and encrypted stages, got %s" % (name, want_note,
                                                                           sorted(notes)))
        if any(e["tls"]["decrypted"] for e in ends):
            errs.append("%s: decrypted, but it should not be" % name)
    else:
        for e in ends:
            if not e["tls"]["decrypted"]:
                errs.append("%s: conn %d not decrypted: %s" % (name, e["conn"],
                                                               e["tls"]["why_not"]))
        if "encrypted" in stages:
            errs.append("%s: encrypted stages with the keys" % name)


def hello_frames(name, path, keys, lines, errs):
    """the TLS stages' frames against tshark's handshake messages: one
    tls_client_hello per ClientHello (two after a HelloRetryRequest), one
    tls_server_hello per ServerHello (the HelloRetryRequest is one), one
    tls_client_finished per client Finished"""
    cmd = ["tshark", "-r", path, "-Y", "tls.handshake.type", "-T", "fields", "-e",
           "frame.number", "-e", "tcp.srcport", "-e", "tls.handshake.type"]
    if keys:
        cmd[3:3] = ["-o", "tls.keylog_file:" + keys]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    server_ports = {x["server"]["port"] for x in lines if x["type"] == "conn"}
    want = {"tls_client_hello": [], "tls_server_hello": [], "tls_client_finished": []}
    for row in out.splitlines():
        f, port, types = row.split("\t")
        for t in types.split(","):
            if t == "1":
                want["tls_client_hello"].append(int(f))
            elif t == "2":
                want["tls_server_hello"].append(int(f))
            elif t == "20" and int(port) not in server_ports:
                want["tls_client_finished"].append(int(f))
    for kind, frames in want.items():
        got = [x["frames"][-1] for x in lines if x["type"] == "stage" and x["stage"] == kind]
        if got != frames:
            errs.append("%s: %s stages end in frames %s, tshark's messages are in %s" %
                        (name, kind, got, frames))


def v1_counts(name, path, keys, errs):
    """--json-version 1 writes no exchange or note of version 2, and counts
    none either: its counts equal its lines, and the keys change nothing"""
    v1 = httpstep(path, keys, 1)
    per = {}
    for x in v1:
        if x["type"] == "exchange":
            per[x["conn"]] = per.get(x["conn"], 0) + 1
    st = [x for x in v1 if x["type"] == "stats"][-1]
    for k in ("exchange", "note"):
        n = sum(1 for x in v1 if x["type"] == k)
        if st[k + "s"] != n:
            errs.append("%s (version 1): stats.%ss is %d, with %d lines" % (name, k, st[k + "s"], n))
    for x in v1:
        if x["type"] == "conn_end" and x["exchanges"] != per.get(x["conn"], 0):
            errs.append("%s (version 1): conn %d ends with exchanges %d, with %d lines"
                        % (name, x["conn"], x["exchanges"], per.get(x["conn"], 0)))
    if keys and httpstep(path, None, 1) != v1:
        errs.append("%s (version 1): the key log changes the transcript" % name)


def main():
    if not shutil.which("tshark"):
        print("no tshark")
        return 77
    errs, counts = [], {}
    for path in sorted(glob.glob(os.path.join(TOP, "tests", "data", "tls", "*.pcap*"))):
        name = os.path.basename(path)
        keys = os.path.splitext(path)[0] + ".keys"
        keys = keys if os.path.exists(keys) else None
        lines = httpstep(path, keys)
        want_note = NOT_DECRYPTED.get(name)
        tls_facts(name, lines, errs, want_note)
        if want_note:
            continue
        hello_frames(name, path, keys, lines, errs)
        h2 = any(x["type"] == "conn_end" and x.get("protocol") == "h2" for x in lines)
        check(name, lines, tshark(path, keys, []), h2, errs, counts)
        # the same without the keys: what an eavesdropper sees (the pcapng carries them)
        if keys:
            bare = httpstep(path, None)
            tls_facts(name + " (no keys)", bare, errs, "tls_no_keys")
            if any(x["type"] == "exchange" for x in bare):
                errs.append("%s (no keys): exchanges without the keys" % name)
        v1_counts(name, path, keys, errs)
    for path in sorted(glob.glob(os.path.join(TOP, "tests", "data", "h2", "*.pcap"))):
        name = os.path.basename(path)
        lines = httpstep(path, None)
        check(name, lines, tshark(path, None, H2_DECODE), True, errs, counts)
        v1_counts(name, path, None, errs)
    # the bundled samples with their keys inside (HTTPS, h2) and the h2c ones (port 80,
    # which tshark's HTTP dissector hands to HTTP/2 by itself)
    for path in sorted(glob.glob(os.path.join(TOP, "samples", "*.pcap*"))):
        name = "samples/" + os.path.basename(path)
        lines = httpstep(path, None)
        ends = [x for x in lines if x["type"] == "conn_end"]
        if any((x.get("tls") or {}).get("decrypted") for x in ends):
            tls_facts(name, lines, errs, None)
            hello_frames(name, path, None, lines, errs)
            h2 = any(x.get("protocol") == "h2" for x in ends)
            check(name, lines, tshark(path, None, []), h2, errs, counts)
            v1_counts(name, path, None, errs)
        elif any(x.get("protocol") == "h2" for x in ends):
            check(name, lines, tshark(path, None, []), True, errs, counts)
            v1_counts(name, path, None, errs)
    for name, (o, t) in sorted(counts.items()):
        print("%-36s httpstep %3d exchanges, tshark %3d" % (name, o, t))
    for e in errs:
        print("FAIL " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
