#!/usr/bin/env python3
"""Lab mode in the UI (issue 19), in a real terminal (tmux, as ui_tmux.py):
L opens the lab on the capture shown; every question of the answer key
(httpstep --lab --answers) answered right, then wrong, then with Tab's
hint (which goes to the stage that holds the answer); the score at the
end; Esc and L again; --lang zh, and a DNS question answered in Chinese
(its hint goes to the lookup, step 0); w turns on "what comes next?": a
step forward asks first, a right and a wrong letter, Enter shows the
stage; before the close, "who sends the first FIN?" then, that FIN told,
what comes after it; the help lists both keys.

    tests/e2e/lab_ui.py
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ui_tmux  # noqa: E402  (its terminal: Term, fail, the binary)

TOP, BIN, SLOW = ui_tmux.TOP, ui_tmux.BIN, ui_tmux.SLOW
failures = ui_tmux.failures
fail = ui_tmux.fail


class Term(ui_tmux.Term):
    def type(self, text):
        """text typed as it is (no key names)"""
        self.tmux("send-keys", "-t", self.name, "-l", text)


def answer_key(path, lang="en"):
    out = subprocess.run([BIN, "--lab", "--answers", "--lang", lang, path],
                         stdout=subprocess.PIPE, text=True, check=True,
                         env=dict(os.environ, LANG="C.UTF-8")).stdout
    qs = []
    for line in out.splitlines():
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m:
            qs.append({"q": m.group(2), "letter": None, "answer": None, "nchoices": 0})
            continue
        if not qs:
            continue
        if re.match(r"^   [a-d]\) ", line):
            qs[-1]["nchoices"] += 1
        m = re.match(r"^   (?:Answer|答案)[:：] ?(?:([a-d])\) )?(.*)$", line)
        if m:
            qs[-1]["letter"], qs[-1]["answer"] = m.group(1), m.group(2)
        m = re.match(r"^   (?:Where|位置)[:：] ?(.*)$", line)
        if m:
            qs[-1]["where"] = m.group(1)
    return qs


def give(t, q, right=True):
    """answer question q in the box"""
    if q["letter"]:
        letter = q["letter"] if right else "ab"[q["letter"] == "a"]
        t.keys(letter)
        return
    a = q["answer"] if right else ("1" + q["answer"] if q["answer"].isdigit() else "x" + q["answer"])
    t.type(a)
    t.keys("Enter")


def short(s):
    return s[:40]


def box_question(s):
    m = re.search(r"Lab: question (\d+) of (\d+)", s)
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_quiz():
    path = "samples/08-status-codes.pcap"
    qs = answer_key(os.path.join(TOP, path))
    n = len(qs)
    t = Term(["--lang", "en", path])
    t.wait(lambda s: "Handshake" in s, "the UI on %s" % path)
    t.keys("L")
    s = t.wait(lambda s: box_question(s) == (1, n), "L: question 1 of %d" % n)
    # every question right, one after the other
    for i, q in enumerate(qs):
        t.wait(lambda s: box_question(s) == (i + 1, n), "question %d on screen" % (i + 1))
        give(t, q, True)
        t.wait(lambda s: "Right." in s, "question %d (%s) answered right" % (i + 1, short(q["q"])))
        t.keys("Enter")
    s = t.wait(lambda s: "Score: %d of %d right" % (n, n) in s, "the score, all right")
    t.keys("Enter")
    t.wait(lambda s: "Lab:" not in s, "Enter closes the score")
    # again: every question wrong
    t.keys("L")
    t.wait(lambda s: box_question(s) == (1, n), "L again: question 1")
    for i, q in enumerate(qs):
        t.wait(lambda s: box_question(s) == (i + 1, n), "question %d on screen" % (i + 1))
        give(t, q, False)
        t.wait(lambda s: "Wrong: the answer is" in s, "question %d answered wrong" % (i + 1))
        t.keys("Enter")
    t.wait(lambda s: "Score: 0 of %d right" % n in s, "the score, all wrong")
    t.keys("Enter")
    # a third time: the hint of each question goes to its stage
    t.keys("L")
    for i, q in enumerate(qs):
        t.wait(lambda s: box_question(s) == (i + 1, n), "question %d on screen" % (i + 1))
        t.keys("Tab")
        where = q["where"]
        s = t.wait(lambda s: "Hint: look at " + where[:60] in s.replace("\n", " ") or
                   "Hint: look at" in s, "the hint of question %d" % (i + 1))
        stage = re.search(r"stage (\d[a-c]?) (.*?), frame", where)
        frame = re.search(r"frame (\d+)", where).group(1)

        def at_place(s):
            # the explanation's title is the stage named, or (the TCP
            # questions) the packet's detail is shown
            return "Lab:" not in s and (
                re.search(r"Step %s \S %s" % (stage.group(1), re.escape(stage.group(2))), s) or
                re.search(r"Frame %s\b" % frame, s))

        # Esc: the box goes, and the place of the answer is on screen
        t.keys("Escape")
        t.wait(at_place, "hint of question %d (%s): at %s" % (i + 1, short(q["q"]), where))
        t.keys("L")
        t.wait(lambda s: box_question(s) == (i + 1, n), "L brings question %d back" % (i + 1))
        give(t, q, True)
        t.wait(lambda s: "Right." in s, "question %d right after the hint" % (i + 1))
        t.keys("Enter")
    t.wait(lambda s: "Score: %d of %d right" % (n, n) in s and "%d of them with a hint" % n in s,
           "the score counts the hints")
    t.keys("Enter", "q")
    code = t.exit_code()
    if code != "0":  # a sanitized build reports a leak or an error here
        fail("the UI after the lab exited with %s" % code)
    t.close()


def check_zh():
    path = "samples/01-classic-get.pcap"
    qs = answer_key(os.path.join(TOP, path), "zh")
    t = Term(["--lang", "zh", path])
    t.wait(lambda s: "握手" in s, "the UI in Chinese")
    t.keys("L")
    t.wait(lambda s: "实验：第 1 题，共 %d 题" % len(qs) in s, "the lab in Chinese")
    give(t, qs[0], True)
    t.wait(lambda s: "正确。" in s, "a right answer in Chinese")
    t.keys("q")  # q is a letter of the answer line here, not quit
    t.keys("Escape", "q")
    t.close()


def next_on(path):
    """the UI on path with "what comes next?" on"""
    t = Term(["--lang", "en", path])
    t.wait(lambda s: "Handshake" in s, "the UI on %s" % path)
    t.keys("w")
    t.wait(lambda s: "what comes next? on" in s, "w turns what comes next on")
    return t


def answer_up_to(path, qs, k):
    """the UI in Chinese on path, its lab's first k questions answered right"""
    n = len(qs)
    t = Term(["--lang", "zh", path])
    t.wait(lambda s: "握手" in s, "the UI in Chinese")
    t.keys("L")
    for i in range(k):
        t.wait(lambda s: "实验：第 %d 题，共 %d 题" % (i + 1, n) in s, "question %d in Chinese" % (i + 1))
        give(t, qs[i], True)
        t.wait(lambda s: "正确。" in s, "question %d right" % (i + 1))
        t.keys("Enter")
    return t


def check_zh_dns():
    """a DNS question in Chinese: the address of the lookup, its hint first"""
    path = "samples/17-dns-lookup.pcap"
    qs = answer_key(os.path.join(TOP, path), "zh")
    n = len(qs)
    k = [i for i, q in enumerate(qs) if "的查询" in q["q"] and "得到了哪个地址" in q["q"]]
    if not k:
        fail("17-dns-lookup: no DNS address question in the Chinese key")
        return
    k = k[0]
    t = answer_up_to(path, qs, k)
    s = t.wait(lambda s: "实验：第 %d 题，共 %d 题" % (k + 1, n) in s and "得到了哪个地址" in s,
               "the DNS question on screen")
    t.keys("Tab")
    where = qs[k]["where"]
    t.wait(lambda s: where in flat(s), "the hint of the DNS question: %s" % where)
    t.keys("Escape")
    # the hint went to step 0, the lookup of www.lesson.test
    t.wait(lambda s: "实验" not in s and "第 0 步 │ DNS 查询" in s and "阶段 1/10" in s,
           "the hint: step 0, the lookup, on screen")
    t.keys("L")
    t.wait(lambda s: "实验：第 %d 题" % (k + 1) in s, "L brings the DNS question back")
    t.type("10.77.1.9")
    t.keys("Enter")
    t.wait(lambda s: "错误：答案是 10.77.1.1" in s, "a wrong address in Chinese")
    t.keys("Escape", "q")
    t.close()
    # again, right
    t = answer_up_to(path, qs, k)
    t.wait(lambda s: "得到了哪个地址" in s, "the DNS question again")
    give(t, qs[k], True)
    t.wait(lambda s: "正确。" in s and "应答的 A 记录是 10.77.1.1" in s.replace("\n", ""),
           "the DNS address right, told in Chinese")
    t.keys("Escape", "q")
    t.close()


def flat(s):
    """the screen's words on one line (a wrapped text whole again)"""
    return " ".join(s.split())


def check_next_fin():
    """before the close of 01: who sends the first FIN, then what follows it"""
    t = next_on("samples/01-classic-get.pcap")
    for _ in range(12):
        t.keys("n")
        time.sleep(0.15 * SLOW)
        s = flat(t.screen())
        if "Who sends the first FIN?" in s:
            break
        if "What comes next?" in s:
            t.keys("a")
            t.wait(lambda s: "Right." in s or "Wrong:" in s, "an answer to an earlier question")
            t.keys("Enter")
            time.sleep(0.15 * SLOW)
    s = flat(t.wait(lambda s: "Who sends the first FIN?" in flat(s),
                    "Connection: close: who sends the first FIN?"))
    m = re.search(r"([a-d])\) the server ", s)
    t.keys(m.group(1))
    t.wait(lambda s: "Right." in s, "the server sends the first FIN")
    t.keys("Enter")
    # the same step's second question: the FIN told, what follows it
    s = flat(t.wait(lambda s: "Frame 10: the server sends the first FIN" in flat(s),
                    "then: the first FIN told (tshark: frame 10, from port 80)"))
    if "Step 7" in s:
        fail("the close is on screen before its questions are answered:\n" + s)
    m = re.search(r"([a-d])\) the client acknowledges it and sends its own FIN", s)
    if not m:
        fail("no choice 'the client acknowledges it and sends its own FIN':\n" + s)
        t.keys("Escape", "q")
        t.close()
        return
    t.keys(m.group(1))
    t.wait(lambda s: "Right. Frame 11: the client's FIN, in a segment that also acknowledges the "
           "first FIN" in flat(s), "the client's FIN+ACK in frame 11 (tshark)")
    t.keys("Enter")
    t.wait(lambda s: "What comes next?" not in s and "Step 7" in s, "Enter shows the close")
    t.keys("q")
    t.close()


def check_next():
    t = next_on("samples/09-methods.pcap")
    # step until a question comes: after HEAD's status line, its headers
    for _ in range(8):
        t.keys("n")
        time.sleep(0.15 * SLOW)
        if "What comes next?" in t.screen():
            break
    s = t.wait(lambda s: "What comes next?" in s, "a step forward asks first")
    if "stage 5/8" not in s:  # 1, 2, 3a, 3b, then 4: the status line
        fail("the first question is not asked on the status line:\n" + s)
    if "The status line has arrived" not in s:
        fail("the first question is not about the status line:\n" + s)
    m = re.search(r"([a-d])\) the response headers, one per line", s)
    wrong = [c for c in "abcd" if c != m.group(1)][0]
    t.keys(wrong)
    s = t.wait(lambda s: "Wrong: the answer is the response headers" in s, "a wrong letter")
    t.keys("Enter")
    s = t.wait(lambda s: "What comes next?" not in s and "Step 5" in s,
               "Enter shows the stage (response headers)")
    # the next step: HEAD's response has no body
    t.keys("n")
    t.keys("n")
    s = t.wait(lambda s: "Does a body" in s, "HEAD: does a body follow?")
    m = re.search(r"([a-d])\) no body", s)
    t.keys(m.group(1))
    t.wait(lambda s: "Right. No: a response to HEAD has no body" in s, "the right letter")
    t.wait(lambda s: "1 of 2 right so far" in s or "What comes next? (1 of 2" in s,
           "the count of what comes next")
    t.keys("n")
    t.wait(lambda s: "What comes next?" not in s, "n shows the stage after a checked answer")
    t.keys("w")
    t.wait(lambda s: "what comes next? off" in s, "w turns it off")
    t.keys("n")
    time.sleep(0.3)
    if "What comes next?" in t.screen():
        fail("a question while what comes next is off")
    # the help lists the keys
    t.keys("?")
    s = t.wait(lambda s: "Keys (q or ? closes this help)" in s, "the help")
    for _ in range(30):
        if re.search(r"^\s*│?\s*L\s+lab: questions", s, re.M) or "lab: questions about" in s:
            break
        t.keys("Down")
        time.sleep(0.05)
        s = t.screen()
    if "lab: questions about" not in s:
        fail("the help has no L key\n" + s)
    for _ in range(30):
        if "what comes next? (on/off)" in s:
            break
        t.keys("Down")
        time.sleep(0.05)
        s = t.screen()
    if "what comes next? (on/off)" not in s:
        fail("the help has no w key\n" + s)
    t.keys("q", "q")
    t.close()


def main():
    if not shutil.which("tmux"):
        print("tmux is missing")
        sys.exit(77)
    tmpdir = ui_tmux.tmpdir = tempfile.mkdtemp(prefix="httpstep-labui-")
    try:
        check_quiz()
        check_zh()
        check_zh_dns()
        check_next()
        check_next_fin()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)
    print("lab_ui: ok")


if __name__ == "__main__":
    main()
