#!/usr/bin/env python3
"""Teacher lessons (issue 19): httpstep --lesson.

1. Mistakes: a lesson with one mistake of each kind gives exactly one line
   on standard error, FILE:LINE: what is wrong (its line and its words),
   exit status 2, nothing on standard output.
2. Every bundled lesson (samples/lessons/*.lesson) is read and bound to its
   capture; each of its questions' answers (--answers) equals the fact of
   the capture's --json transcript that CHECKS names for it, and every
   question has a check; the worksheet (--text) has no answers; the intro
   and steps come in Chinese with --lang zh.
3. The UI (tmux, as lab_ui.py): the lesson of 01-classic-get in English and
   in Chinese: its intro, a question answered right, one answered wrong,
   the score at the end; T brings the lesson back after Esc.

    tests/e2e/lesson.py
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ui_tmux  # noqa: E402

TOP, BIN = ui_tmux.TOP, ui_tmux.BIN
failures = ui_tmux.failures
fail = ui_tmux.fail
CAP = os.path.join(TOP, "samples", "01-classic-get.pcap")


def run(args, code=0):
    p = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=dict(os.environ, LANG="C.UTF-8"), timeout=60)
    if code is not None and p.returncode != code:
        fail("httpstep %s: exit %d, not %d (%s)" % (" ".join(args), p.returncode, code,
                                                    p.stderr.strip()))
    return p


HEAD = "httpstep-lesson 1\ncapture %s\ntitle T\nzh T\nintro I\nzh I\n" % CAP
Q = "ask Q?\nzh Q？\n"
# (what, the lesson, its line, the message)
BAD = [
    ("no header", "capture x\n", 1, r"a lesson begins with the line 'httpstep-lesson 1'"),
    ("unknown version", "httpstep-lesson 2\n", 1, r"lesson format '2' is not known"),
    ("unknown directive", HEAD + "step 1\nsya hello\n", 8, r"unknown directive 'sya'"),
    ("missing zh", HEAD + "step 1\nsay hello\nask Q?\nzh Q？\nanswer number 1\n", 8,
     r"'say' has no 'zh' line after it"),
    ("zh without text", HEAD + "zh again\n", 7, r"a second 'zh' for the 'intro' of line 5"),
    ("unknown stage", HEAD + "step 1,statusline\n", 7, r"unknown stage 'statusline'"),
    ("exchange 0", HEAD + "step 0\n", 7, r"exchanges are numbered from 1, not 0"),
    ("goto beyond", HEAD + "step 3,status_line\n", 7,
     r"step 3: the capture has 1 exchange \(1 to 1\)"),
    ("stage absent", HEAD + "step 1,dns_lookup\n", 7, r"exchange 1 has no stage dns_lookup"),
    ("nth beyond", HEAD + "step 1,40\n", 7, r"exchange 1 has \d+ stages \(1 to \d+\)"),
    ("frame beyond", HEAD + "step frame 99\n", 7, r"no stage holds frame 99"),
    ("question without answer", HEAD + "step 1\n" + Q + "say x\nzh x\n", 8,
     r"the question has no answer"),
    ("question without answer at the end", HEAD + "step 1\n" + Q, 8, r"the question has no answer"),
    ("choice answer not a choice", HEAD + "step 1\n" + Q + "choice A\nzh 甲\nchoice B\nzh 乙\n"
     "answer choice C\n", 14, r"the answer 'C' is not among the question's choices"),
    ("one choice", HEAD + "step 1\n" + Q + "choice A\nzh 甲\nanswer choice A\n", 12,
     r"a multiple choice needs 2 to 4 'choice' lines"),
    ("choices, a number", HEAD + "step 1\n" + Q + "choice A\nzh 甲\nchoice B\nzh 乙\n"
     "answer number 3\n", 14, r"the question has choices: its answer is 'answer choice TEXT'"),
    ("two kinds", HEAD + "step 1\n" + Q + "answer number 3\nanswer text x\n", 11,
     r"one kind of answer per question: 'answer text' after 'answer number'"),
    ("bad number", HEAD + "step 1\n" + Q + "answer number 1e5\n", 10, r"'1e5' is not a number"),
    ("unknown unit", HEAD + "step 1\n" + Q + "answer number 3 parsecs\n", 10,
     r"unknown unit 'parsecs'"),
    ("say before step", HEAD + "say x\nzh x\n", 7, r"'say' before the first 'step'"),
    ("no step", HEAD, 6, r"no 'step': a lesson goes to at least one place"),
    ("no capture", "httpstep-lesson 1\ntitle T\nzh T\nintro I\nzh I\nstep 1\n", 6,
     r"'step' before 'capture'"),
    ("unreadable capture", HEAD.replace(CAP, "/nonexistent.pcap") + "step 1\n", 2,
     r"capture '/nonexistent.pcap': "),
    ("continuation without text", HEAD + "step 1\n  more\n", 8,
     r"a line that begins with a space continues a text"),
    ("control character", HEAD + "step 1\nsay a\x01b\nzh x\n", 8,
     r"control character 0x01 in the text"),
    ("not UTF-8", HEAD + "step 1\nsay a\xffb\nzh x\n", 8, r"the text is not UTF-8"),
    ("choice after answer", HEAD + "step 1\n" + Q + "answer text a\nchoice B\n", 11,
     r"'choice' after the question's answer"),
]


def check_bad():
    with tempfile.TemporaryDirectory() as d:
        for what, text, line, msg in BAD:
            path = os.path.join(d, "bad.lesson")
            with open(path, "wb") as f:
                f.write(text.encode("utf-8", "surrogateescape") if "\xff" not in text
                        else text.encode("latin-1", "replace").replace(b"a?b", b"a\xffb"))
            for args in (["--answers"], ["--text"]):
                p = run(["--lesson", path] + args, code=2)
                lines = p.stderr.splitlines()
                want = r"^%s:%d: %s" % (re.escape(path), line, msg)
                if len(lines) != 1 or not re.match(want, lines[0]):
                    fail("%s: stderr %r, not one line like %r" % (what, p.stderr, want))
                if p.stdout:
                    fail("%s: wrote %r on standard output" % (what, p.stdout[:80]))
    # usage mistakes
    one = os.path.join(TOP, "samples", "lessons", "01-classic-get.lesson")
    for args, msg in ((["--lesson", one, "--lab"], "one at a time"),
                      (["--lesson", one, CAP], "the lesson names its capture"),
                      (["--lesson", one, "--json"], "--lesson: with --text"),
                      (["--lesson", one, "--seed", "3", "--text"], "--seed is for --lab")):
        p = run(args, code=1)
        if msg not in p.stderr:
            fail("httpstep %s: %r, not %r" % (" ".join(args), p.stderr, msg))


def check_man_example():
    """the man page's complete lesson is one: it reads, binds and has 3 questions"""
    man = open(os.path.join(TOP, "httpstep.1"), encoding="utf-8").read()
    m = re.search(r"A complete lesson.*?\n\.nf\n(.*?)\n\.fi\n", man, re.S)
    if not m:
        fail("httpstep.1: no complete lesson in LESSONS")
        return
    text = m.group(1).replace("\\-", "-") + "\n"
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "lessons"))
        os.symlink(CAP, os.path.join(d, "01-classic-get.pcap"))
        path = os.path.join(d, "lessons", "example.lesson")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        out, qs = answer_key(path)
        if qs != ["80", "100 bytes", "The server"]:
            fail("the man page's lesson: answers %r (%s)" % (qs, out[:200]))
        zh = run(["--lesson", path, "--text", "--lang", "zh"]).stdout
        if "谁先发送第一个 FIN" not in zh or "帧 10" not in zh and "frame 10" not in zh:
            fail("the man page's lesson in Chinese: %r" % zh[:300])


# ------------------------------------------------------------ the facts --

def facts(path):
    out = run(["--json", path]).stdout
    L = [json.loads(x) for x in out.splitlines()]
    f = {"x": [], "conn": {}, "end": {}, "stats": None, "dns": [], "notes": [], "stages": []}
    for o in L:
        t = o["type"]
        if t == "exchange":
            f["x"].append(o)
        elif t == "conn":
            f["conn"][o["conn"]] = o
        elif t == "conn_end":
            f["end"][o["conn"]] = o
        elif t == "stats":
            f["stats"] = o
        elif t == "dns":
            f["dns"].append(o)
        elif t == "note":
            f["notes"].append(o)
        elif t == "stage":
            f["stages"].append(o)
    # the UI's list: by connection, then exchange (every sample's exchanges)
    f["x"].sort(key=lambda o: (o["conn"], o["exchange"]))
    return f


def X(f, n):
    return f["x"][n - 1]


def hdr(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def first_fin(f, c):
    return {"client": "The client", "server": "The server"}[f["end"][c]["initiator"]]


def sender(f, stage):
    """who sends a connection-wide stage (goaway...): its first one's direction"""
    d = [o["dir"] for o in f["stages"] if o["stage"] == stage][0]
    return {"c2s": "The client", "s2c": "The server"}[d]


def first_after_handshake(f, c):
    """the first stage after the TCP handshake, as 22-h2c's choices name it"""
    st = [o["stage"] for o in f["stages"] if o["conn"] == c and o["stage"] != "handshake"][0]
    return {"h2_preface": "The HTTP/2 preface, PRI * HTTP/2.0",
            "tls_client_hello": "A TLS ClientHello",
            "request_line": "An HTTP/1.1 request with Upgrade: h2c"}.get(st)


def server_cert(f, x):
    """whether the server's TLS handshake on exchange x's connection has a Certificate"""
    c = X(f, x)["conn"]
    hello = [o for o in f["stages"] if o["conn"] == c and o["stage"] == "tls_server_hello"][0]
    return "Yes" if "Certificate" in hello["messages"] else "No"


def same_segment(f):
    first = X(f, 1)["request"]["first_frame"]
    return sum(1 for x in f["x"] if x["request"]["first_frame"] == first)


# each bundled lesson's questions in order: the fact its answer must be
CHECKS = {
    "01-classic-get": [
        lambda f: f["conn"][1]["server"]["port"],
        lambda f: X(f, 1)["request"]["method"],
        lambda f: "%d %s" % (X(f, 1)["response"]["status"], X(f, 1)["response"]["reason"]),
        lambda f: X(f, 1)["response"]["body_length"],
        lambda f: first_fin(f, 1),
    ],
    "02-keep-alive": [
        lambda f: f["stats"]["tcp_conns"],
        lambda f: X(f, 2)["request"]["target"],
        lambda f: first_fin(f, 1),
    ],
    "03-browser-page": [
        lambda f: X(f, 1)["request"]["target"],
        lambda f: X(f, 6)["response"]["status"] if X(f, 6)["request"]["target"] == "/favicon.ico"
        else None,
        lambda f: f["stats"]["tcp_conns"],
    ],
    "04-login-form": [
        lambda f: X(f, 2)["request"]["method"] if X(f, 2)["request"]["body_length"] else None,
        lambda f: X(f, 3)["request"]["method"] if "password=" in X(f, 3)["request"]["target"]
        else None,
    ],
    "05-file-upload": [
        lambda f: f["conn"][1]["server"]["port"],
        lambda f: X(f, 1)["request"]["method"],
    ],
    "06-expect-100-continue": [
        lambda f: X(f, 1)["interim"][0]["status"],
        lambda f: X(f, 1)["response"]["status"],
    ],
    "07-gzip-chunked": [
        lambda f: hdr(X(f, 1)["response"]["headers"], "Content-Encoding"),
        lambda f: "Transfer-Encoding: " + hdr(X(f, 1)["response"]["headers"], "Transfer-Encoding"),
    ],
    "08-status-codes": [
        lambda f: X(f, 1)["response"]["status"] if X(f, 1)["request"]["target"] == "/old" else None,
        lambda f: X(f, 4)["response"]["status"]
        if hdr(X(f, 4)["request"]["headers"], "If-Modified-Since") else None,
        lambda f: "Authorization" if hdr(X(f, 6)["request"]["headers"], "Authorization") else None,
        lambda f: first_fin(f, 1),
    ],
    "09-methods": [
        lambda f: X(f, 1)["request"]["method"],
        lambda f: X(f, 5)["response"]["status"] if X(f, 5)["request"]["method"] == "DELETE"
        else None,
        lambda f: f["conn"][X(f, 7)["conn"]]["server"]["port"]
        if X(f, 7)["request"]["method"] == "CONNECT" else None,
    ],
    "10-pipelining": [
        same_segment,
        lambda f: X(f, 2)["request"]["target"],
    ],
    "11-http10": [
        lambda f: f["stats"]["tcp_conns"] if f["stats"]["exchanges"] == 3 else None,
        lambda f: first_fin(f, 1),
        lambda f: X(f, 3)["request"]["target"],
    ],
    "12-lossy-network": [
        lambda f: X(f, 1)["response"]["body_length"],
        lambda f: first_fin(f, 1),
    ],
    "13-https": [
        lambda f: f["conn"][1]["server"]["port"],
        lambda f: [n for n in f["notes"] if n["kind"] == "tls"][0]["sni"],
    ],
    "14-large-download": [
        lambda f: X(f, 1)["request"]["method"],
        lambda f: X(f, 1)["response"]["body_length"],
    ],
    "15-https-decrypted": [
        lambda f: f["conn"][1]["server"]["port"],
        lambda f: X(f, 2)["request"]["target"],
    ],
    "16-http2": [
        lambda f: f["stats"]["exchanges"] if f["stats"]["tcp_conns"] == 1 else None,
        lambda f: X(f, 1)["response"]["status"] if X(f, 1)["request"]["target"] == "/page.html"
        else None,
    ],
    "19-http-plain-twin": [
        lambda f: f["conn"][1]["server"]["port"],
        lambda f: X(f, 2)["request"]["target"],
        lambda f: X(f, 2)["response"]["body_length"],
        lambda f: first_fin(f, 1),
    ],
    "20-chromium-h2": [
        lambda f: f["end"][1]["tls"]["alpn"],
        lambda f: f["end"][1]["h2"]["streams"],
        lambda f: X(f, 3)["stream"] if X(f, 3)["request"]["target"] == "/script.js" else None,
        lambda f: X(f, 6)["response"]["status"] if X(f, 6)["request"]["target"] == "/favicon.ico"
        else None,
        lambda f: f["end"][2]["exchanges"],
    ],
    "21-chromium-http11": [
        lambda f: f["end"][1]["tls"]["alpn"],
        lambda f: f["stats"]["tcp_conns"],
        lambda f: f["end"][1]["exchanges"],
        lambda f: server_cert(f, 4) if X(f, 4)["conn"] == 3 else None,
        lambda f: X(f, 6)["conn"] if X(f, 6)["request"]["target"] == "/favicon.ico" else None,
    ],
    "22-h2c-prior-knowledge": [
        lambda f: f["conn"][1]["server"]["port"],
        lambda f: first_after_handshake(f, 1),
        lambda f: X(f, 1)["stream"],
        lambda f: X(f, 1)["response"]["body_length"],
    ],
    "23-h2c-upgrade": [
        lambda f: X(f, 1)["interim"][0]["status"],
        lambda f: X(f, 1)["stream"],
        lambda f: f["end"][1]["exchanges"],
    ],
    "24-h2-server-push": [
        lambda f: [x for x in f["x"] if x.get("pushed")][0]["request"]["target"],
        lambda f: "Even" if all(x["stream"] % 2 == 0 for x in f["x"] if x.get("pushed")) else
        "Odd" if all(x["stream"] % 2 for x in f["x"] if x.get("pushed")) else None,
        lambda f: sum(1 for x in f["x"] if not x.get("pushed")),
        lambda f: sender(f, "goaway"),
    ],
    "17-dns-lookup": [
        lambda f: [a["data"] for d in f["dns"] if d["qtype"] == "A" for a in d["answers"]][0],
        lambda f: [a["ttl"] for d in f["dns"] if d["qtype"] == "A" for a in d["answers"]][0],
        lambda f: X(f, 1)["request"]["target"],
    ],
    "18-dns-nxdomain": [
        lambda f: [d["rcode"] for d in f["dns"] if d["name"] == "wwww.lesson.test"][0],
        lambda f: X(f, 1)["response"]["status"] if X(f, 1)["request"]["target"] == "/hello.txt"
        else None,
    ],
}


def answer_key(path, lang="en"):
    out = run(["--lesson", path, "--answers", "--lang", lang]).stdout
    qs = []
    for line in out.splitlines():
        if re.match(r"^\d+\. ", line):
            qs.append(None)
        m = re.match(r"^   (?:Answer|答案)[:：] ?(?:[a-d]\) )?(.*)$", line)
        if m:
            qs[-1] = m.group(1)
    return out, qs


def check_bundled():
    lessons = sorted(glob.glob(os.path.join(TOP, "samples", "lessons", "*.lesson")))
    caps = sorted(os.path.basename(p) for p in glob.glob(os.path.join(TOP, "samples", "*.pcap*")))
    stems = [os.path.basename(p)[:-len(".lesson")] for p in lessons]
    for c in caps:
        if c.rsplit(".", 1)[0] not in stems:
            print("note: %s has no lesson yet" % c)
    for path in lessons:
        stem = os.path.basename(path)[:-len(".lesson")]
        cap = [c for c in caps if c.rsplit(".", 1)[0] == stem]
        if not cap:
            fail("%s: no capture samples/%s.pcap*" % (path, stem))
            continue
        out, qs = answer_key(path)
        checks = CHECKS.get(stem)
        if checks is None or len(checks) != len(qs):
            fail("%s: %d questions, %s checks in CHECKS" % (stem, len(qs),
                                                           len(checks) if checks else "no"))
            continue
        f = facts(os.path.join(TOP, "samples", cap[0]))
        for i, (a, chk) in enumerate(zip(qs, checks)):
            want = chk(f)
            got = re.sub(r" (bytes|s|ms|us)$", "", a or "")
            if want is None or str(want) != got:
                fail("%s question %d: the key says %r, the transcript %r" % (stem, i + 1, a, want))
        sheet = run(["--lesson", path, "--text"]).stdout
        if "Answer: ____" not in sheet or "Why:" in sheet:
            fail("%s: the worksheet shows answers, or no room for them" % stem)
        zh = run(["--lesson", path, "--text", "--lang", "zh"]).stdout
        if not re.search(r"[\u4e00-\u9fff]", zh.split("\n\n")[1]) or "答案：" not in zh:
            fail("%s: the Chinese worksheet is not in Chinese" % stem)
        print("%s: %d questions, each a fact of the transcript" % (stem, len(qs)))


# ------------------------------------------------------------------ UI --

class Term(ui_tmux.Term):
    def type(self, text):
        self.tmux("send-keys", "-t", self.name, "-l", text)


def quiz(path, answers, lang="en"):
    """the lesson not on a terminal: its questions on stdin"""
    p = subprocess.run([BIN, "--lesson", path, "--lang", lang], input="".join(
        a + "\n" for a in answers), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, LANG="C.UTF-8"), timeout=60)
    if p.returncode != 0:
        fail("%s: the quiz exits %d (%s)" % (path, p.returncode, p.stderr.strip()))
    return p.stdout


def check_quiz():
    """every bundled lesson answered from its key scores all; on the first
    one, a hint, a wrong answer, a skip and an input that ends early, in
    English and Chinese"""
    for path in sorted(glob.glob(os.path.join(TOP, "samples", "lessons", "*.lesson"))):
        for lang in ("en", "zh"):
            _, qs = answer_key(path, lang)
            out = quiz(path, qs, lang)
            want = ("Score: %d of %d right." if lang == "en" else "得分：%d 题答对，共 %d 题") % (
                len(qs), len(qs))
            if want not in out:
                fail("%s (%s): its own key does not score all in the quiz: %r" %
                     (os.path.basename(path), lang, out[-300:]))
    path = os.path.join(TOP, "samples", "lessons", "01-classic-get.lesson")
    out = quiz(path, ["hint", "80", "POST", "", "x", "100"])
    for want in ("Step 1 of ", "Question 1 of 5: Which TCP port",
                 "Hint: look at exchange 1, stage", "> Right. The SYN goes to port 80",
                 "Wrong: the answer is GET.", "Skipped: the answer is 200 OK.",
                 "Not an answer of this kind", "Score: 2 of 5 right (1 with a hint); "
                 "1 question not answered."):
        if want not in out:
            fail("the quiz of 01-classic-get: no %r in %r" % (want, out))
    zh = quiz(path, ["提示", "80"], "zh")
    for want in ("第 1 步（共 ", "提示：请看", "> 正确。", "；4 题未作答"):
        if want not in zh:
            fail("the Chinese quiz of 01-classic-get: no %r in %r" % (want, zh))
    # a teacher's long why (its continuation lines joined: over 4 KiB) comes whole
    words = ["w%d" % i for i in range(1500)]
    why = "\n".join("       " + " ".join(words[k:k + 300]) for k in range(0, 1500, 300))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "long.lesson")
        with open(path, "w", encoding="utf-8") as f:
            f.write(HEAD + "step 1\nask Port?\nzh 端口？\nanswer number 80\nwhy long\n" + why +
                    "\nzh 很长\n")
        out = quiz(path, ["80"])
        if "> Right. long w0 w1 " not in out or " w1498 w1499\n" not in out:
            fail("the quiz cuts a long why: %r" % out[-200:])
    print("quiz: every lesson's key scores all on stdin, in English and Chinese")


def check_ui(lang):
    path = "samples/lessons/01-classic-get.lesson"
    zh = lang == "zh"
    t = Term(["--lang", lang, "--lesson", path])
    t.wait(lambda s: ("经典 GET 请求与关闭连接" if zh else "Classic GET, then close") in s,
           "the lesson's intro (%s)" % lang)
    t.keys("Enter")
    t.wait(lambda s: ("服务器在哪个 TCP 端口上监听" if zh else "Which TCP port does the server")
           in s, "step 1's question (%s)" % lang)
    t.type("80")
    t.keys("Enter")
    t.wait(lambda s: ("正确。" if zh else "Right.") in s, "a right answer (%s)" % lang)
    t.keys("Enter")  # no question left: the next step
    t.keys("Enter")
    t.wait(lambda s: ("客户端使用哪种方法" if zh else "Which method does the client use") in s,
           "step 2's question (%s)" % lang)
    t.wait(lambda s: ("请求行" if zh else "Request line") in s, "step 2 at the request line")
    t.type("POST")
    t.keys("Enter")
    t.wait(lambda s: ("错误：答案是 GET" if zh else "Wrong: the answer is GET") in s,
           "a wrong answer (%s)" % lang)
    t.keys("Escape")
    t.wait(lambda s: "Wrong" not in s and "错误" not in s, "Esc hides the lesson")
    t.keys("T")
    t.wait(lambda s: ("第 2 步" in s or "step 2 of 5" in s) if zh else "step 2 of 5" in s,
           "T brings the lesson back at its step")
    if not zh:
        # the lab in between: its own question, then the lesson's again (the
        # answer typed anew; its first answer, wrong, is the one that counts)
        t.keys("L")
        t.wait(lambda s: "Lab: question 1 of" in s and "Wrong" not in s, "L: the lab, its own box")
        t.keys("Escape", "T")
        t.wait(lambda s: "step 2 of 5" in s and "Which method does the client use" in s and
               "Wrong" not in s, "T: the lesson's question again")
        t.type("GET")
        t.keys("Enter")
        t.wait(lambda s: "Right." in s, "the second answer is checked")
    # the rest: step 3 (a choice), 4 (a number), 5 (a choice), the score
    t.keys("Enter", "a", "Enter")
    t.type("100 " + ("字节" if zh else "bytes"))  # a count may carry its unit
    t.keys("Enter")
    t.wait(lambda s: ("正确。" if zh else "Right.") in s, "100 bytes is right (%s)" % lang)
    t.keys("Enter", "b", "Enter")
    t.wait(lambda s: re.search(r"(得分|分数).*4.*5|(得分|分数).*5.*4", s) if zh
           else "Score: 4 of 5 right" in s, "the score (%s)" % lang)
    t.keys("Enter", "q")
    t.close()


def check_ui_frame():
    """a step at a frame: the stage that holds it, its packet under the cursor"""
    t = Term(["--lang", "en", "--lesson", "samples/lessons/10-pipelining.lesson"], 100, 30)
    t.wait(lambda s: "Lesson: Pipelining" in s, "10's lesson opens")
    t.keys("Enter")
    t.wait(lambda s: "stage 2/9" in s and re.search(r"^▶ 4 ", s, re.M) and "frame 4" in s,
           "step frame 4: the request line, frame 4 under the cursor")
    t.keys("q")  # the question waits for a number: q is typed, Esc then q quits
    t.keys("Escape", "q")
    t.close()


def main():
    check_bad()
    check_man_example()
    check_bundled()
    check_quiz()
    if shutil.which("tmux"):
        ui_tmux.tmpdir = tempfile.mkdtemp(prefix="httpstep-lesson.")
        try:
            check_ui("en")
            check_ui("zh")
            check_ui_frame()
        finally:
            shutil.rmtree(ui_tmux.tmpdir, ignore_errors=True)
    else:
        print("lesson.py: no tmux: the UI part is skipped")
    if failures:
        print("lesson.py: %d failure(s)" % len(failures))
        sys.exit(1)
    print("lesson.py: ok")


if __name__ == "__main__":
    main()
