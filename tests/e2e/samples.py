#!/usr/bin/env python3
"""The bundled samples: the index lists every capture and every capture is in
the index; each one is a real lesson: it decodes with no malformed_http note,
its --goto place exists, its size is in bounds; and among them are a pcapng,
an IPv6, a Linux cooked (-i any) capture, one on port 8080, one with its TLS
keys inside, HTTP/2 inside TLS and in clear text (h2c), a 101 Upgrade and a
server push."""
import json
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("HTTPSTEP") or os.path.join(TOP, "httpstep")
SAMPLES = os.path.join(TOP, "samples")
STAGES = {"handshake", "request_line", "request_headers", "request_blank_line", "request_body",
          "status_line", "response_headers", "response_blank_line", "response_body", "tunnel",
          "close", "keep_alive", "dns_lookup", "tls_client_hello", "tls_server_hello",
          "tls_client_finished", "encrypted", "h2_preface", "h2_settings", "push_promise",
          "stream_end", "goaway"}
bad = []


def check(ok, msg):
    if not ok:
        bad.append(msg)
        print("FAIL:", msg)


rows = open(os.path.join(SAMPLES, "index.tsv"), encoding="utf-8").read().splitlines()
check(rows[0].split("\t") == ["file", "title", "lesson", "goto", "title_zh", "lesson_zh"],
      "index.tsv header: %r" % rows[0])
index = {}
for n, line in enumerate(rows[1:], 2):
    f = line.split("\t")
    check(len(f) == 6, "index.tsv line %d has %d columns, not 6" % (n, len(f)))
    if len(f) != 6:
        continue
    check(all(x.strip() for x in f), "index.tsv line %d has an empty column" % n)
    check(re.search(r"[\u4e00-\u9fff]", f[4] + f[5]) is not None,
          "index.tsv line %d: the Chinese title and lesson are not Chinese" % n)
    index[f[0]] = f
files = sorted(x for x in os.listdir(SAMPLES) if x.endswith((".pcap", ".pcapng")))
check(sorted(index) == files, "index.tsv lists %s, samples/ has %s" % (sorted(index), files))

kinds = set()
for name in files:
    path = os.path.join(SAMPLES, name)
    size = os.path.getsize(path)
    limit = 2 << 20 if "large" in name else 200 << 10
    check(size < limit, "%s is %d bytes (limit %d)" % (name, size, limit))
    out = subprocess.run([BIN, "--json", "-r", path], stdout=subprocess.PIPE, timeout=60)
    check(out.returncode == 0, "%s: httpstep exits %d" % (name, out.returncode))
    lines = [json.loads(l) for l in out.stdout.decode().splitlines()]
    lesson = index.get(name, [""] * 6)[2].lower()
    malformed = [l for l in lines if l["type"] == "note" and l["kind"] == "malformed_http"]
    check(not malformed or "malformed" in lesson,
          "%s: malformed_http notes: %r" % (name, [m["detail"] for m in malformed]))
    cap = lines[0]
    if name.endswith(".pcapng"):
        kinds.add("pcapng")
    if cap["link_type"] in ("LINUX_SLL", "LINUX_SLL2"):
        kinds.add("cooked")
    for l in lines:
        if l["type"] == "conn":
            if ":" in l["client"]["ip"]:
                kinds.add("ipv6")
            if 8080 in (l["client"]["port"], l["server"]["port"]):
                kinds.add("8080")
        if l["type"] == "conn_end":
            tls = l.get("tls") or {}
            if tls.get("decrypted") and tls.get("keys") == "pcapng":
                kinds.add("keys inside")
            if l.get("protocol") == "h2":
                kinds.add("h2" if tls else "h2c")
        if l["type"] == "exchange" and l.get("pushed"):
            kinds.add("push")
        if l["type"] == "stage" and l["stage"] == "status_line" and l.get("status") == 101:
            kinds.add("upgrade")
    # the lesson's place: EXCHANGE (1-based over the UI's rows: connections in
    # order, their exchanges in order, one row for a connection with none), STAGE
    if name in index:
        go = index[name][3]
        m = re.fullmatch(r"(\d+),(\w+)", go)
        check(m is not None and m.group(2) in STAGES, "%s: goto %r is not EXCHANGE,STAGE" % (name, go))
        if m:
            conns = [l["conn"] for l in lines if l["type"] == "conn"]
            xs = [(l["conn"], l["exchange"]) for l in lines if l["type"] == "exchange"]
            order = []
            for c in conns:
                mine = sorted(x for x in xs if x[0] == c)
                order += mine if mine else [(c, None)]
            k = int(m.group(1))
            check(1 <= k <= len(order), "%s: goto exchange %d of %d" % (name, k, len(order)))
            if 1 <= k <= len(order):
                c, x = order[k - 1]
                have = {l["stage"] for l in lines if l["type"] == "stage" and l["conn"] == c and
                        (l["exchange"] == x or l["exchange"] is None)}
                if m.group(2) == "dns_lookup":  # step 0: not a stage line, the conn's dns link
                    have |= {"dns_lookup" for l in lines if l["type"] == "conn" and
                             l["conn"] == c and l.get("dns") is not None}
                check(m.group(2) in have, "%s: goto %s: no %s there" % (name, go, m.group(2)))
for k in ("pcapng", "ipv6", "cooked", "8080", "keys inside", "h2", "h2c", "push", "upgrade"):
    check(k in kinds, "no sample is %s" % k)
print("%d samples checked" % len(files))
sys.exit(1 if bad else 0)
