#!/usr/bin/env python3
"""tests/e2e/dns_tshark.py - httpstep's dns lines against tshark (issue 17, step 0).

For every capture of tests/data/dns/ and every sample whose lesson is a DNS lookup
(samples/*dns*), this reads httpstep's --json and tshark's dns fields (a test-only
oracle) and checks:

  queries    one dns line per lookup: every query tshark shows (dns.flags.response 0) is
             the `frame` of a line, or a copy of an earlier query with the same ID, ports
             and question (a retransmission: one lookup); its name, type, ID, endpoints
             and transport are tshark's
  pairing    every response tshark pairs with a query (dns.response_to) is that line's
             `response_frame`, its rcode (dns.flags.rcode) the line's, its rtt tshark's
             dns.time; a line tshark pairs with nothing has rcode, answers, rtt null
  answers    the answer section's A, AAAA and CNAME records, in order, with their TTLs:
             the first ANCOUNT of dns.resp.type/dns.resp.ttl, the data from dns.a,
             dns.aaaa, dns.cname
  order      lines in the order of their responses, then the unanswered in query order
  conn.dns   each connection's dns is the latest line answered before its first frame
             whose answers hold its server's address (computed here from the lines)
  stats      stats.dns is the number of lines

Exit 0 when all agree, 1 on a difference, 77 (skip) without tshark.
"""
import glob
import json
import os
import shutil
import subprocess
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = os.environ.get("HTTPSTEP", os.path.join(TOP, "build", "httpstep"))
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
TYPES = {1: "A", 5: "CNAME", 28: "AAAA", 16: "TXT", 15: "MX", 2: "NS", 12: "PTR", 65: "HTTPS"}
FIELDS = ["frame.number", "frame.time_epoch", "dns.id", "dns.flags.response", "dns.qry.name",
          "dns.qry.type", "dns.flags.rcode", "dns.count.answers", "dns.resp.type", "dns.resp.ttl",
          "dns.a", "dns.aaaa", "dns.cname", "dns.response_to", "dns.time", "ip.src", "ipv6.src",
          "ip.dst", "ipv6.dst", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport"]

failures = []


def fail(cap, msg):
    failures.append("%s: %s" % (os.path.basename(cap), msg))


def tshark(cap):
    out = subprocess.run(["tshark", "-n", "-r", cap, "-Y", "dns", "-T", "fields",
                          "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
                         + sum((["-e", f] for f in FIELDS), []),
                         capture_output=True, text=True, check=True).stdout
    msgs = []
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        # a TCP segment with two DNS messages: fields aggregate; the captures here have one
        lst = lambda k: [x for x in v.get(k, "").split(",") if x != ""]
        m = {
            "frame": int(v["frame.number"]), "ts": float(v["frame.time_epoch"]),
            "id": int(v["dns.id"], 16), "qr": v["dns.flags.response"] in ("1", "True"),
            "name": lst("dns.qry.name")[0] if lst("dns.qry.name") else "",
            "qtype": int(lst("dns.qry.type")[0]) if lst("dns.qry.type") else None,
            "rcode": int(v["dns.flags.rcode"]) if v.get("dns.flags.rcode") else None,
            "ancount": int(lst("dns.count.answers")[0]) if lst("dns.count.answers") else 0,
            "types": [int(x) for x in lst("dns.resp.type")],
            "ttls": [int(x) for x in lst("dns.resp.ttl")],
            "a": lst("dns.a"), "aaaa": lst("dns.aaaa"), "cname": lst("dns.cname"),
            "response_to": int(v["dns.response_to"]) if v.get("dns.response_to") else None,
            "time": float(v["dns.time"]) if v.get("dns.time") else None,
            "src": v.get("ip.src") or v.get("ipv6.src"), "dst": v.get("ip.dst") or v.get("ipv6.dst"),
            "tcp": bool(v.get("tcp.srcport")),
        }
        m["sport"] = int(v.get("tcp.srcport") or v.get("udp.srcport"))
        m["dport"] = int(v.get("tcp.dstport") or v.get("udp.dstport"))
        msgs.append(m)
    return msgs


def answers_of(m):
    """the answer section's A, AAAA, CNAME records in order, as httpstep writes them"""
    pools = {1: list(m["a"]), 28: list(m["aaaa"]), 5: list(m["cname"])}
    out = []
    for i, t in enumerate(m["types"][:m["ancount"]]):
        if t in pools:
            out.append({"type": TYPES[t], "data": pools[t].pop(0), "ttl": m["ttls"][i]})
    return out


def check(cap):
    run = subprocess.run([BIN, "--json", cap], capture_output=True, text=True)
    if run.returncode != 0:
        fail(cap, "httpstep --json exited %d: %s" % (run.returncode, run.stderr.strip()))
        return 0
    objs = [json.loads(l) for l in run.stdout.splitlines()]
    lines = [o for o in objs if o["type"] == "dns"]
    by_frame = {l["frame"]: l for l in lines}
    msgs = tshark(cap)
    queries = [m for m in msgs if not m["qr"]]
    first = {}  # (id, endpoints, question) -> the first query's frame
    for q in queries:
        k = (q["id"], q["src"], q["sport"], q["dst"], q["dport"], q["name"].lower(), q["qtype"])
        if k in first:
            if q["frame"] in by_frame:
                fail(cap, "frame %d repeats frame %d's query but has its own line"
                     % (q["frame"], first[k]))
            continue
        first[k] = q["frame"]
        l = by_frame.get(q["frame"])
        if l is None:
            fail(cap, "query frame %d (%s) has no dns line" % (q["frame"], q["name"]))
            continue
        want = {"name": q["name"], "qtype": TYPES.get(q["qtype"], "TYPE%d" % q["qtype"]),
                "id": q["id"], "client": {"ip": q["src"], "port": q["sport"]},
                "server": {"ip": q["dst"], "port": q["dport"]},
                "transport": "tcp" if q["tcp"] else "udp"}
        for f, w in want.items():
            if l[f] != w:
                fail(cap, "frame %d: %s %r, tshark %r" % (q["frame"], f, l[f], w))
    if len(first) != len(lines):
        fail(cap, "%d dns lines for %d lookups tshark shows" % (len(lines), len(first)))
    paired = {}
    for r in (m for m in msgs if m["qr"]):
        if r["response_to"] is None or r["response_to"] in paired:
            continue
        paired[r["response_to"]] = r
    for f, l in by_frame.items():
        r = paired.get(f)
        if r is None:
            for k in ("rcode", "answers", "response_frame", "rtt"):
                if l[k] is not None:
                    fail(cap, "frame %d: tshark pairs no response, %s is %r" % (f, k, l[k]))
            continue
        if l["response_frame"] != r["frame"]:
            fail(cap, "frame %d: response_frame %r, tshark %d" % (f, l["response_frame"], r["frame"]))
        if l["rcode"] != RCODES.get(r["rcode"]):
            fail(cap, "frame %d: rcode %r, tshark %r" % (f, l["rcode"], r["rcode"]))
        if l["answers"] != answers_of(r):
            fail(cap, "frame %d: answers %r, tshark %r" % (f, l["answers"], answers_of(r)))
        if abs(l["rtt"] - r["time"]) > 2e-6:
            fail(cap, "frame %d: rtt %r, tshark dns.time %r" % (f, l["rtt"], r["time"]))
    # order: answered lines as their responses come, then the rest as asked
    answered = [l for l in lines if l["response_frame"] is not None]
    rest = [l for l in lines if l["response_frame"] is None]
    if lines != sorted(answered, key=lambda l: l["response_frame"]) + sorted(rest, key=lambda l: l["frame"]):
        fail(cap, "dns lines out of order: %r" % [(l["frame"], l["response_frame"]) for l in lines])
    # conn.dns
    for c in (o for o in objs if o["type"] == "conn"):
        best = None
        for l in answered:
            if l["response_frame"] < c["first_frame"] and any(
                    a["type"] in ("A", "AAAA") and a["data"] == c["server"]["ip"]
                    for a in l["answers"]):
                if best is None or l["frame"] > best:
                    best = l["frame"]
        if c.get("dns") != best:
            fail(cap, "conn %d: dns %r, the lines say %r" % (c["conn"], c.get("dns"), best))
    stats = [o for o in objs if o["type"] == "stats"][-1]
    if stats["dns"] != len(lines):
        fail(cap, "stats.dns %d, %d lines" % (stats["dns"], len(lines)))
    return len(lines)


def main():
    if not shutil.which("tshark"):
        print("no tshark (Debian: apt-get install tshark)")
        return 77
    caps = sorted(glob.glob(os.path.join(TOP, "tests", "data", "dns", "*.pcap")))
    caps += sorted(glob.glob(os.path.join(TOP, "samples", "*dns*.pcap*")))
    n = sum(check(c) for c in caps)
    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print("httpstep's dns lines agree with tshark: %d lookups in %d captures" % (n, len(caps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
