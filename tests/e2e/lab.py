#!/usr/bin/env python3
"""Lab mode (issue 19): httpstep --lab on every bundled sample.

1. The answer key (--lab --answers) of every sample, each answer checked
   against tshark's reading of the same capture (the test oracle): the HTTP
   versions, Accept-Language, Last-Modified, the body's bytes, the
   conditional GET and its status, Basic credentials, the status line's
   frame, the segments of a response, the SYN's sequence number, the
   SYN-ACK's acknowledgement, the RTT sample, the smallest window, who sent
   the first FIN; and which questions each sample gets.
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
import subprocess
import sys

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


def key(path, lang="en", seed=None):
    """the answer key: [{q, choices, answer, why, where}]"""
    args = ["--lab", "--answers", "--lang", lang, path]
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
]


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


def frames(path):
    """every frame, as tshark reads it (one pass; the body not reassembled,
    so that a response is at the frame of its status line)"""
    out = subprocess.run(["tshark", "-r", path, "-o", "http.desegment_body:FALSE", "-T", "fields",
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


def check_sample(name):
    path = os.path.join(SAMPLES, name)
    qs = key(path)
    got = {}
    for q in qs:
        i = ident(q["q"])
        if not i:
            fail("%s: a question this test does not know: %s" % (name, q["q"]))
            continue
        if i in got:
            fail("%s: %s asked twice" % (name, i))
        got[i] = q
    F = frames(path)
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
                "retransmissions", "who_closed"}
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
    return qs


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
    for args, code, words in (
            (["--lab"], 1, "--lab needs a capture file"),
            (["--lab", "--json", path], 1, "--lab writes questions"),
            (["--answers", path], 1, "--answers is for --lab"),
            (["--lab", "--seed", "0", path], 1, "invalid --seed"),
            (["--lab", "--text", "--answers", path], 1, "choose one of --text"),
            (["--lab", os.path.join(TOP, "tests", "data", "dns", "dns-dig.pcap")], 2,
             "no lab questions")):
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
    counts = {}
    for name in sorted(os.listdir(SAMPLES)):
        if name.endswith((".pcap", ".pcapng")):
            counts[name] = len(check_sample(name))
    print("questions per sample:", " ".join("%s=%d" % (k[:2], v) for k, v in counts.items()))
    check_quiz()
    check_zh_seed_sheet()
    check_errors()
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)
    print("lab: ok")


if __name__ == "__main__":
    main()
