#!/usr/bin/env python3
"""The bundled samples: every capture has its lesson (samples/lessons/) and
every lesson its capture; each one decodes with no malformed_http note, its
lesson is read and bound to it (its places exist), its size is in bounds;
and among them are a pcapng, an IPv6, a Linux cooked (-i any) capture, one
on port 8080, one with its TLS keys inside, HTTP/2 inside TLS and in clear
text (h2c), a 101 Upgrade and a server push."""
import json
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("HTTPSTEP") or os.path.join(TOP, "httpstep")
SAMPLES = os.path.join(TOP, "samples")
bad = []


def check(ok, msg):
    if not ok:
        bad.append(msg)
        print("FAIL:", msg)


# each capture's lesson, samples/lessons/STEM.lesson: it is read and bound
# to its capture (its places exist there: tests/e2e/lesson.py checks its
# answers), its title and introduction are in English and Chinese
files = sorted(x for x in os.listdir(SAMPLES) if x.endswith((".pcap", ".pcapng")))
index = {}
for name in files:
    lesson = os.path.join(SAMPLES, "lessons", name.rsplit(".", 1)[0] + ".lesson")
    if not os.path.exists(lesson):
        check(False, "%s has no lesson %s (tests/tools/index2lesson.py makes one from an "
                     "index.tsv line)" % (name, lesson))
        continue
    p = subprocess.run([BIN, "--lesson", lesson, "--text", "--lang", "zh"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, "%s: %s" % (lesson, p.stderr.decode().strip()))
    check(re.search(r"[\u4e00-\u9fff]", p.stdout.decode()) is not None,
          "%s: the Chinese worksheet is not Chinese" % lesson)
    text = open(lesson, encoding="utf-8").read()
    check(re.search(r"^capture \.\./%s$" % re.escape(name), text, re.M) is not None,
          "%s: its capture is not ../%s" % (lesson, name))
    index[name] = text
check(sorted(os.listdir(os.path.join(SAMPLES, "lessons"))) ==
      sorted(n.rsplit(".", 1)[0] + ".lesson" for n in index),
      "samples/lessons/ holds a lesson without its capture")

kinds = set()
for name in files:
    path = os.path.join(SAMPLES, name)
    size = os.path.getsize(path)
    limit = 2 << 20 if "large" in name else 200 << 10
    check(size < limit, "%s is %d bytes (limit %d)" % (name, size, limit))
    out = subprocess.run([BIN, "--json", "-r", path], stdout=subprocess.PIPE, timeout=60)
    check(out.returncode == 0, "%s: httpstep exits %d" % (name, out.returncode))
    lines = [json.loads(l) for l in out.stdout.decode().splitlines()]
    lesson = index.get(name, "").lower()
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
for k in ("pcapng", "ipv6", "cooked", "8080", "keys inside", "h2", "h2c", "push", "upgrade"):
    check(k in kinds, "no sample is %s" % k)
print("%d samples checked" % len(files))
sys.exit(1 if bad else 0)
