#!/usr/bin/env python3
"""The stepper UI in a real terminal: tmux drives the binary (send-keys) and
reads the screen (capture-pane), as tig's tests do.

On every bundled sample, at 80x24: step from the first stage to the last and
back, checking after each key that the stepper row, the explanation's title
and the highlighted bytes are those of the stage the --json transcript lists
at that place. Then N/P across exchanges, / finding a header, a resize in the
middle of a session, --lang zh, a capture without HTTP, the picker, 200x50
screens, and q restoring the terminal. Screens that are stable are compared
with tests/golden/ui/*.txt (tests/golden/update.sh rewrites them).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("HTTPSTEP") or os.path.join(TOP, "httpstep")
GOLDEN = os.path.join(TOP, "tests", "golden", "ui")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SLOW = 3.0 if "san" in BIN else 1.0   # sanitizer builds are slower

# the explanation pane's title for each stage (English)
TITLES = {
    "handshake": "Handshake", "request_line": "Request line", "request_headers": "Request headers",
    "request_blank_line": "Blank line", "request_body": "Request body", "status_line": "Status line",
    "response_headers": "Response headers", "response_blank_line": "Blank line",
    "response_body": "Response body", "tunnel": "Tunnel", "close": "Close", "keep_alive": "Keep-alive",
}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


class Term:
    """One tmux session running httpstep."""
    n = 0

    def __init__(self, args, w=80, h=24, env=None):
        Term.n += 1
        self.name = "hs%d" % Term.n
        self.sock = os.path.join(tmpdir, self.name + ".sock")  # a server each: no races
        e = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
        e.update(env or {})
        envs = " ".join("%s=%s" % (k, v) for k, v in e.items())
        self.done_file = os.path.join(tmpdir, self.name + ".exit")
        cmd = "cd %s && env %s %s %s; echo $? > %s; sleep 30" % (
            TOP, envs, BIN, " ".join(args), self.done_file)
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(w), "-y", str(h), cmd)

    def tmux(self, *a):
        return subprocess.run(["tmux", "-S", self.sock, "-f", "/dev/null"] + list(a),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=20).stdout

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", self.name]
        if escapes:
            args.insert(2, "-e")
        return self.tmux(*args)

    def keys(self, *k):
        self.tmux("send-keys", "-t", self.name, *k)

    def wait(self, pred, what, timeout=10.0):
        end = time.time() + timeout * SLOW
        s = ""
        while time.time() < end:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.02)
        fail("%s (screen was:\n%s)" % (what, s))
        return s

    def resize(self, w, h):
        self.tmux("resize-window", "-t", self.name, "-x", str(w), "-y", str(h))

    def exit_code(self, timeout=5.0):
        end = time.time() + timeout * SLOW
        while time.time() < end:
            if os.path.exists(self.done_file):
                code = open(self.done_file).read().strip()
                if code:  # the shell creates the file, then writes it
                    return code
            time.sleep(0.05)
        return None

    def close(self):
        self.tmux("kill-server")


def transcript(path):
    out = subprocess.run([BIN, "--json", "-r", path], stdout=subprocess.PIPE, check=True).stdout
    return [json.loads(l) for l in out.decode().splitlines()]


def title_of(screen):
    m = re.search(r"Step (\d) \S (.+?)\s*$", screen, re.M)
    return (int(m.group(1)), m.group(2).strip()) if m else None


def position(screen):
    m = re.search(r"exchange (\d+)/(\d+)", screen)
    return int(m.group(1)) if m else None


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def highlighted(line_with_escapes):
    """The text drawn with the highlight colors (black on yellow) or reverse."""
    out, on, fg, bg, rev = [], False, None, None, False
    i = 0
    s = line_with_escapes
    while i < len(s):
        m = SGR.match(s, i)
        if m:
            codes = [c for c in m.group(1).split(";") if c] or ["0"]
            k = 0
            while k < len(codes):
                c = codes[k]
                if c == "0":
                    fg = bg = None
                    rev = False
                elif c == "7":
                    rev = True
                elif c == "27":
                    rev = False
                elif c.startswith("3") and len(c) == 2:
                    fg = c
                elif c.startswith("4") and len(c) == 2:
                    bg = c
                elif c in ("38", "48") and k + 2 < len(codes) and codes[k + 1] == "5":
                    v = codes[k + 2]
                    if c == "38":
                        fg = "3" + v if len(v) == 1 else v
                    else:
                        bg = "4" + v if len(v) == 1 else v
                    k += 2
                k += 1
            on = bg in ("43", "103") or rev
            i = m.end()
            continue
        if on:
            out.append(s[i])
        i += 1
    return "".join(out)


def step_sample(path, stages, goto):
    """Step through every stage of a sample with n, then back with p."""
    t = Term(["--lang", "en", "--goto", goto, path])
    want = [(s["step"], TITLES[s["stage"]]) for s in stages]
    s = t.wait(lambda s: title_of(s) is not None, "%s: the UI shows a stage" % path)
    t.keys("b")  # the bytes as text: a stage's bytes are one highlighted run
    s = t.wait(lambda s: "Bytes (text)" in s, "%s: b shows the bytes as text" % path)
    if title_of(s) != want[0]:
        fail("%s: opened at %r, want %r" % (path, title_of(s), want[0]))
    for i in range(1, len(want)):
        t.keys("n")
        prev = s
        s = t.wait(lambda s: s != prev and title_of(s) == want[i],
                   "%s: stage %d/%d after n should be %r" % (path, i + 1, len(want), want[i]))
        if failures:
            break
        cur = stages[i]
        # the stepper row marks the current step: the number is drawn highlighted
        esc = t.screen(escapes=True)
        step_row = [l for l in esc.splitlines() if "Handshake" in l and "Body" in l]
        if step_row and str(cur["step"]) not in highlighted(step_row[0]):
            fail("%s: stage %d: the stepper row does not highlight step %d" % (path, i + 1, cur["step"]))
        # the bytes pane highlights the stage's bytes (text that is in it)
        if cur["stage"] in ("request_line", "status_line"):
            hl = "".join(highlighted(l) for l in esc.splitlines())
            needle = cur.get("method") or cur.get("version")
            if needle and needle not in hl:
                fail("%s: stage %d (%s): %r is not highlighted" % (path, i + 1, cur["stage"], needle))
    for i in range(len(want) - 2, -1, -1):
        if failures:
            break
        t.keys("p")
        prev = s
        s = t.wait(lambda s: s != prev and title_of(s) == want[i],
                   "%s: stage %d back with p should be %r" % (path, i + 1, want[i]))
    t.keys("q")
    code = t.exit_code()
    if code != "0":
        fail("%s: q did not end httpstep with status 0 (%r)" % (path, code))
    t.close()


def golden(name, screen):
    path = os.path.join(GOLDEN, name + ".txt")
    if UPDATE:
        os.makedirs(GOLDEN, exist_ok=True)
        open(path, "w").write(screen)
        return
    if not os.path.exists(path):
        fail("missing golden screen %s (run tests/golden/update.sh)" % path)
        return
    want = open(path).read()
    if want != screen:
        import difflib
        d = "".join(list(difflib.unified_diff(want.splitlines(True), screen.splitlines(True),
                                              "expected", "got"))[:40])
        fail("screen %s differs:\n%s" % (name, d))


def main():
    global tmpdir
    if not shutil.which("tmux"):
        print("tmux is not installed")
        return 77
    tmpdir = tempfile.mkdtemp(prefix="httpstep-ui.")
    try:
        samples = []
        for line in open(os.path.join(TOP, "samples", "index.tsv")).read().splitlines()[1:]:
            f = line.split("\t")
            samples.append(("samples/" + f[0], f[3]))
        # 1. every sample, every connection's stages, forward and back
        for path, _ in samples:
            lines = transcript(os.path.join(TOP, path))
            conns = [l["conn"] for l in lines if l["type"] == "conn"]
            stages = [l for l in lines if l["type"] == "stage"]
            # in the UI's order: connection by connection
            ordered = [s for c in conns for s in stages if s["conn"] == c]
            step_sample(path, ordered, "1,handshake" if ordered[0]["stage"] == "handshake" else "1")
            if failures:
                return 1
        print("stepped through every stage of %d samples" % len(samples))

        # 2. N/P across exchanges, and search
        t = Term(["--lang", "en", "samples/08-status-codes.pcap"])
        t.wait(lambda s: position(s) == 1, "08: opens at exchange 1")
        t.keys("N")
        t.wait(lambda s: position(s) == 2, "08: N goes to exchange 2")
        t.keys("N", "N")
        t.wait(lambda s: position(s) == 4, "08: N N goes to exchange 4")
        t.keys("P")
        t.wait(lambda s: position(s) == 3, "08: P goes back to exchange 3")
        t.keys("/", "WWW-Authenticate", "Enter")
        s = t.wait(lambda s: position(s) == 5, "08: / finds the header WWW-Authenticate in exchange 5")
        t.keys("/", "Enter")
        t.wait(lambda s: "WWW-Authenticate" in s or position(s) in (5,),
               "08: / then Enter repeats the search")
        # 3. resize in the middle of a session, then back
        t.resize(120, 40)
        t.wait(lambda s: len(s.splitlines()[0]) > 80 or "exchange" in s, "08: redraws at 120x40")
        t.resize(80, 24)
        s = t.wait(lambda s: "exchange" in s and title_of(s) is not None, "08: redraws at 80x24")
        if any(len(l) > 80 for l in s.splitlines()):
            fail("08: a line is wider than 80 columns after the resize")
        t.resize(50, 12)
        t.wait(lambda s: "make it larger" in s, "a too small window says so")
        t.resize(80, 24)
        t.wait(lambda s: title_of(s) is not None, "08: back to 80x24")
        t.keys("q")
        if t.exit_code() != "0":
            fail("08: q after the resizes did not end httpstep with status 0")
        t.close()

        # 4. Chinese
        t = Term(["--lang", "zh", "samples/01-classic-get.pcap"])
        t.wait(lambda s: re.search(r"[\u4e00-\u9fff]", s) is not None, "--lang zh shows Chinese")
        t.keys("q")
        t.close()

        # 5. a capture without HTTP: a clear message, not empty panes
        t = Term(["--lang", "en", "tests/data/not-http.pcap", "-p", "8"])
        t.wait(lambda s: "No HTTP" in s or "no HTTP" in s, "a capture without HTTP says so")
        t.keys("q")
        t.close()

        # 6. the picker lists the samples and opens one
        t = Term(["--lang", "en"])
        t.wait(lambda s: "Bundled samples" in s and "Classic GET" in s, "the picker lists the samples")
        t.keys("Enter")
        t.wait(lambda s: "01-classic-get" in s and title_of(s) is not None, "the picker opens a sample")
        t.keys("q")
        t.close()

        # 6b. the help scrolls to its last line at 80x24 and back; q closes it
        t = Term(["--lang", "en", "samples/01-classic-get.pcap"])
        t.wait(lambda s: title_of(s) is not None, "01 opens")
        t.keys("?")
        t.wait(lambda s: "next stage" in s and "Packet marks" not in s, "? opens the help at its top")
        t.keys("End")
        t.wait(lambda s: "Packet marks" in s and "quit" in s and "next stage" not in s,
               "End scrolls the help to its last line")
        t.keys("Home")
        t.wait(lambda s: "next stage" in s, "Home scrolls the help back to its top")
        t.keys("q")
        t.wait(lambda s: "Keys (q or ? closes" not in s and title_of(s) is not None, "q closes the help")
        t.keys("q")
        if t.exit_code() != "0":
            fail("help: q after the help did not end httpstep with status 0")
        t.close()

        # 7. stable full screens (tig's way)
        for name, args, w, h, keys in [
            ("classic-80x24-status", ["--goto", "1,status_line", "samples/01-classic-get.pcap"], 80, 24, []),
            ("classic-200x50-headers", ["--goto", "1,request_headers", "samples/01-classic-get.pcap"],
             200, 50, []),
            ("gzip-80x24-decoded", ["--goto", "1,response_body", "samples/07-gzip-chunked.pcap"], 80, 24,
             ["b", "b"]),
            ("help-80x24", ["samples/01-classic-get.pcap"], 80, 24, ["?"]),
        ]:
            t = Term(["--lang", "en", "--mono"] + args, w, h)
            s = t.wait(lambda s: title_of(s) is not None, "%s: the UI starts" % name)
            for k in keys:
                prev = t.screen()
                t.keys(k)
                s = t.wait(lambda s: s != prev, "%s: key %s changes the screen" % (name, k))
            time.sleep(0.2 * SLOW)
            golden(name, t.screen())
            t.keys("q")
            t.close()

        # 8. q restores the terminal: the shell's screen comes back (no curses left over)
        t = Term(["--lang", "en", "samples/01-classic-get.pcap"])
        t.wait(lambda s: title_of(s) is not None, "the UI starts")
        t.keys("q")
        code = t.exit_code()
        s = t.screen()
        if code != "0" or "Packets" in s:
            fail("q did not restore the terminal (exit %r)" % code)
        t.close()
    finally:
        for f in os.listdir(tmpdir):
            if f.endswith(".sock"):
                subprocess.run(["tmux", "-S", os.path.join(tmpdir, f), "kill-server"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmpdir, ignore_errors=True)
    if failures:
        print("%d UI checks failed" % len(failures))
        return 1
    print("UI checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
