#!/usr/bin/env python3
"""The stepper UI in a real terminal: tmux drives the binary (send-keys) and
reads the screen (capture-pane), as tig's tests do.

On every bundled sample, at 80x24: step from the first stage to the last and
back, checking after each key that the stepper row, the explanation's title
and the highlighted bytes are those of the stage the --json transcript lists
at that place. Then N/P across exchanges, / finding a header, a resize in the
middle of a session, --lang zh, a capture without HTTP, the picker, the help,
and q restoring the terminal. Issue 14's cases: frames on the ladder and a
packet's detail, labels, the layout, --mono focus, autoplay, one numbering,
HTTP/2 streams in colours of their own (and their ids without colours),
the search, the list, the status bar, sizes, live, robustness, and the lab
questions of tests/e2e/lab_questions.tsv. Screens that are stable are
compared with tests/golden/ui/*.txt (tests/golden/update.sh rewrites them).

    tests/e2e/ui_tmux.py [CASE ...]     (no case: all of them)

Longer than 800 lines: one case per part of the screen and per key group,
sharing the terminal driver at the top.
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
if "/" in BIN:  # a path as given from where this was started (cases may run elsewhere)
    BIN = os.path.abspath(BIN)
GOLDEN = os.path.join(TOP, "tests", "golden", "ui")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SLOW = 3.0 if "san" in BIN else 1.0   # sanitizer builds are slower

# the explanation pane's title for each stage (English)
TITLES = {
    "handshake": "Handshake", "request_line": "Request line", "request_headers": "Request headers",
    "request_blank_line": "Blank line", "request_body": "Request body", "status_line": "Status line",
    "response_headers": "Response headers", "response_blank_line": "Blank line",
    "response_body": "Response body", "tunnel": "Tunnel", "close": "Close", "keep_alive": "Keep-alive",
    "tls_client_hello": "TLS ClientHello", "tls_server_hello": "TLS ServerHello",
    "tls_client_finished": "TLS client Finished", "encrypted": "Encrypted",
    "h2_preface": "HTTP/2 preface", "h2_settings": "HTTP/2 settings", "push_promise": "Push promise",
    "stream_end": "Stream end", "goaway": "GOAWAY",
}

failures = []
current = {"case": ""}  # the case running, named in the summary of failures


def fail(msg):
    failures.append("%s: %s" % (current["case"], msg) if current["case"] else msg)
    print("FAIL:", msg)


def summary_lines(limit=20, width=160):
    """The failed checks, a line each (their first line, cut), for the end of
    the output: tests/run.sh shows only the last 30 lines of a failed test"""
    out = []
    for f in failures[:limit]:
        first = f.strip().splitlines()[0] if f.strip() else "(empty)"
        first = re.sub(r"\s*\(screen was:$", "", first)  # the screen is printed above
        out.append("  - " + (first if len(first) <= width else first[:width - 1] + "…"))
    if len(failures) > limit:
        out.append("  ... and %d more (above)" % (len(failures) - limit))
    return out


class Term:
    """One tmux session running httpstep."""
    n = 0

    def __init__(self, args, w=80, h=24, env=None, trap_hup=False, cwd=None):
        Term.n += 1
        self.name = "hs%d" % Term.n
        self.sock = os.path.join(tmpdir, self.name + ".sock")  # a server each: no races
        e = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
        e.update(env or {})
        envs = " ".join("%s=%s" % (k, v) for k, v in e.items())
        self.done_file = os.path.join(tmpdir, self.name + ".exit")
        cmd = "%scd %s && env %s %s %s; echo $? > %s; sleep 30" % (
            "trap '' HUP; " if trap_hup else "", cwd or TOP, envs, BIN, " ".join(args),
            self.done_file)
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

    def settle(self, what, quiet=0.3, timeout=5.0):
        """the screen once it has stayed the same for `quiet` seconds (a
        loaded machine draws late: a fixed sleep compared half-drawn screens)"""
        end = time.time() + timeout * SLOW
        last, since = self.screen(), time.time()
        while time.time() < end:
            time.sleep(0.05)
            s = self.screen()
            if s != last:
                last, since = s, time.time()
            elif time.time() - since >= quiet * SLOW:
                return s
        fail("%s (it kept changing for %.0f s)" % (what, timeout * SLOW))
        return last

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


def transcript(path, extra=()):
    out = subprocess.run([BIN, "--json", "-r", path] + list(extra), stdout=subprocess.PIPE,
                         check=True).stdout
    return [json.loads(l) for l in out.decode().splitlines()]


def title_of(screen):
    """(step, title) of the explanation pane ("Step 3b │ Blank line": 3; an
    HTTP/2 stage's " │ stream 3" after it is left out); bytes that stayed
    encrypted have no step: (None, "Encrypted")"""
    m = re.search(r"Step (\d)[a-f]? \S (.+?)(?: \S stream \d+)?\s*$", screen, re.M)
    if m:
        return (int(m.group(1)), m.group(2).strip())
    if re.search(r"^ Encrypted\s*$", screen, re.M):
        return (None, "Encrypted")
    return None


def stage_number(screen):
    """the explanation's number of the stage: "3b" """
    m = re.search(r"Step (\d[a-f]?) \S ", screen)
    return m.group(1) if m else None


def expected_title(stage, last_interim):
    """the explanation's title of a --json stage: an interim response's by its status"""
    if stage.get("interim"):
        if stage["stage"] == "status_line":
            return "%d %s" % (stage["status"], stage.get("reason") or "")
        return "%s: %s" % (last_interim, TITLES[stage["stage"]])
    return TITLES[stage["stage"]]


def position(screen):
    m = re.search(r"exchange (\d+)/(\d+)", screen)
    return int(m.group(1)) if m else None


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def cells(line_with_escapes):
    """(character, foreground, background, reverse) for each character of a
    line with escapes (colours as SGR codes: "35", "43", or a 256-colour
    index; None: the terminal's default)"""
    out, fg, bg, rev = [], None, None, False
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
                elif c == "39":
                    fg = None
                elif c == "49":
                    bg = None
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
            i = m.end()
            continue
        out.append((s[i], fg, bg, rev))
        i += 1
    return out


def highlighted(line_with_escapes):
    """The text drawn with the highlight colors (black on yellow) or reverse."""
    return "".join(ch for ch, _, bg, rev in cells(line_with_escapes) if bg in ("43", "103") or rev)


def step_sample(path, stages, goto, extra=(), w=80, h=24):
    """Step through every stage of a sample with n, then back with p."""
    t = Term(["--lang", "en", "--goto", goto, path] + list(extra), w, h)
    want, interim = [], ""
    for st in stages:
        if st["stage"] == "status_line" and st.get("interim"):
            interim = "%d %s" % (st["status"], st.get("reason") or "")
        want.append((st["step"], expected_title(st, interim)))
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
        if step_row and cur["step"] and str(cur["step"]) not in highlighted(step_row[0]):
            fail("%s: stage %d: the stepper row does not highlight step %d" % (path, i + 1, cur["step"]))
        # the bytes pane highlights the stage's bytes (text that is in it)
        if cur["stage"] in ("request_line", "status_line") and cur.get("length"):
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


# ---------------------------------------------------------------- helpers --

def pcap_tcp(path):
    """frame number -> (seq, ack, window, payload length) of every TCP segment
    of a pcap file (Ethernet or Linux cooked, IPv4 or IPv6): the oracle for
    the absolute numbers the packet detail shows"""
    import struct
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    link = struct.unpack(e + "I", data[20:24])[0]
    off, frame, out = 24, 0, {}
    while off + 16 <= len(data):
        incl = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        frame += 1
        p = {1: 14, 113: 16, 0: 4}.get(link)
        if p is None:
            continue
        ver = pkt[p] >> 4
        if ver == 4:
            ihl = (pkt[p] & 15) * 4
            total = struct.unpack(">H", pkt[p + 2:p + 4])[0]
            proto, t, iplen = pkt[p + 9], p + ihl, total - ihl
        elif ver == 6:
            proto, t = pkt[p + 6], p + 40
            iplen = struct.unpack(">H", pkt[p + 4:p + 6])[0]
        else:
            continue
        if proto != 6:
            continue
        seq, ack = struct.unpack(">II", pkt[t + 4:t + 12])
        hl = (pkt[t + 12] >> 4) * 4
        win = struct.unpack(">H", pkt[t + 14:t + 16])[0]
        out[frame] = (seq, ack, win, iplen - hl)
    return out


def explanation(screen):
    """the explanation pane's text: from its title to the timing row"""
    lines = screen.splitlines()
    for i, l in enumerate(lines):
        if re.match(r"^.(Step \d|Frame \d|What happens)", l):
            body = []
            for m in lines[i + 1:]:
                if m.startswith(" Timing"):
                    break
                body.append(m.rstrip(" …").strip())
            return " ".join(body)
    return ""


def bytes_text(screen):
    """the bytes pane's rows joined as one text (a wrapped line continues
    on the next row)"""
    lines = screen.splitlines()
    for i, l in enumerate(lines):
        k = l.find("Bytes (")
        if k > 0:
            out = []
            for m in lines[i + 1:]:
                if re.match(r"^.(Step \d|Frame \d|What happens)", m):
                    break
                out.append(m[k - 1:].rstrip())
            return "".join(out)
    return ""


def explanation_rows(screen):
    """the explanation pane's height: its title to the timing row"""
    lines = screen.splitlines()
    for i, l in enumerate(lines):
        if re.match(r"^.(Step \d|Frame \d)", l):
            for k in range(i + 1, len(lines)):
                if lines[k].startswith(" Timing"):
                    return k - i
    return 0


def start(args, w=80, h=24, what="the UI starts", env=None):
    t = Term(["--lang", "en"] + args, w, h, env)
    t.wait(lambda s: title_of(s) is not None, "%s: %s" % (" ".join(args), what))
    return t


def proc_child(shell_pid):
    """the pid of the httpstep a tmux pane's shell runs"""
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                st = open("/proc/%s/stat" % d).read()
            except OSError:
                continue
            fields = st[st.rindex(")") + 2:].split()
            if fields[1] == str(shell_pid) and "httpstep" in st[:st.rindex(")")]:
                return int(d)
    return None


def alive(pid):
    try:
        st = open("/proc/%d/stat" % pid).read()
    except OSError:
        return False
    return st[st.rindex(")") + 2] != "Z"


# ------------------------------------------------------------------ cases --

def case_steps():
    samples = [("samples/" + f, None) for f in sorted(os.listdir(os.path.join(TOP, "samples")))
               if f.endswith((".pcap", ".pcapng"))]
    # every sample, every connection's stages, forward and back
    for path, _ in samples:
        lines = transcript(os.path.join(TOP, path))
        conns = [l["conn"] for l in lines if l["type"] == "conn"]
        stages = [l for l in lines if l["type"] == "stage"]
        # in the UI's order: connection by connection
        ordered = [s for c in conns for s in stages if s["conn"] == c]
        step_sample(path, ordered, "1,handshake" if ordered[0]["stage"] == "handshake" else "1")
        if failures:
            return
    print("stepped through every stage of %d samples" % len(samples))


def case_nav():
    # N/P across exchanges, and search
    t = Term(["--lang", "en", "samples/08-status-codes.pcap"])
    t.wait(lambda s: position(s) == 1, "08: opens at exchange 1")
    t.keys("N")
    t.wait(lambda s: position(s) == 2, "08: N goes to exchange 2")
    t.keys("N", "N")
    t.wait(lambda s: position(s) == 4, "08: N N goes to exchange 4")
    t.keys("P")
    t.wait(lambda s: position(s) == 3, "08: P goes back to exchange 3")
    t.keys("/", "WWW-Authenticate", "Enter")
    t.wait(lambda s: position(s) == 5, "08: / finds the header WWW-Authenticate in exchange 5")
    t.keys("/", "Enter")
    t.wait(lambda s: "WWW-Authenticate" in s or position(s) in (5,),
           "08: / then Enter repeats the search")
    # resize in the middle of a session, then back
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


def case_zh():
    t = Term(["--lang", "zh", "samples/01-classic-get.pcap"])
    t.wait(lambda s: re.search(r"[\u4e00-\u9fff]", s) is not None, "--lang zh shows Chinese")
    t.keys("q")
    t.close()


def case_nohttp():
    # a capture without HTTP: a clear message, not empty panes
    t = Term(["--lang", "en", "tests/data/not-http.pcap", "-p", "8"])
    t.wait(lambda s: "No HTTP" in s or "no HTTP" in s, "a capture without HTTP says so")
    t.keys("q")
    t.close()


def case_picker():
    t = Term(["--lang", "en"])
    t.wait(lambda s: "Bundled samples" in s and "Classic GET" in s, "the picker lists the samples")
    t.keys("Enter")
    t.wait(lambda s: "01-classic-get" in s and "Lesson: Classic GET, then close" in s,
           "the picker opens a sample on its lesson")
    t.keys("Escape")
    t.wait(lambda s: title_of(s) is not None, "Esc: the sample's stage under the lesson")
    t.keys("q")
    t.close()


def case_help():
    # the help scrolls to its last line at 80x24 and back; q closes it
    t = Term(["--lang", "en", "samples/01-classic-get.pcap"])
    t.wait(lambda s: title_of(s) is not None, "01 opens")
    t.keys("?")
    t.wait(lambda s: "next stage" in s and "Packet marks" not in s, "? opens the help at its top")
    t.keys("End")
    t.wait(lambda s: "Packet marks" in s and "next stage" not in s,
           "End scrolls the help to its last line")
    t.keys("Home")
    t.wait(lambda s: "next stage" in s, "Home scrolls the help back to its top")
    t.keys("q")
    t.wait(lambda s: "Keys (q or ? closes" not in s and title_of(s) is not None, "q closes the help")
    t.keys("q")
    if t.exit_code() != "0":
        fail("help: q after the help did not end httpstep with status 0")
    t.close()


GOLDEN_SCREENS = [
    # name, arguments, width, height, keys
    ("classic-80x24-status", ["--goto", "1,status_line", "samples/01-classic-get.pcap"], 80, 24, []),
    ("classic-200x50-headers", ["--goto", "1,request_headers", "samples/01-classic-get.pcap"],
     200, 50, []),
    ("gzip-80x24-decoded", ["--goto", "1,response_body", "samples/07-gzip-chunked.pcap"], 80, 24,
     ["b", "b"]),
    ("help-80x24", ["samples/01-classic-get.pcap"], 80, 24, ["?"]),
    # issue 14: the three sizes, a packet's detail, a 1xx, and the list's columns
    ("classic-80x24-headers", ["--goto", "1,request_headers", "samples/01-classic-get.pcap"], 80, 24,
     []),
    ("classic-60x20-headers", ["--goto", "1,request_headers", "samples/01-classic-get.pcap"], 60, 20,
     []),
    ("classic-120x40-headers", ["--goto", "1,request_headers", "samples/01-classic-get.pcap"], 120,
     40, []),
    ("classic-80x24-synack", ["samples/01-classic-get.pcap"], 80, 24, ["Tab", "Down", "Enter"]),
    ("continue-120x40-interim", ["--goto", "1,status_line", "samples/06-expect-100-continue.pcap"],
     120, 40, []),
    ("status-80x24-list", ["--goto", "2,status_line", "samples/08-status-codes.pcap"], 80, 24, []),
    ("status-60x20-list", ["--goto", "2,status_line", "samples/08-status-codes.pcap"], 60, 20, []),
    ("lossy-120x40-body", ["--goto", "1,response_body", "samples/12-lossy-network.pcap"], 120, 40,
     []),
]


def case_golden():
    # stable full screens (tig's way)
    for name, args, w, h, keys in GOLDEN_SCREENS:
        t = Term(["--lang", "en", "--mono"] + args, w, h)
        s = t.wait(lambda s: title_of(s) is not None, "%s: the UI starts" % name)
        for k in keys:
            prev = t.screen()
            t.keys(k)
            s = t.wait(lambda s: s != prev, "%s: key %s changes the screen" % (name, k))
        golden(name, t.settle("%s: the screen settles" % name))
        t.keys("q")
        t.close()


def case_restore():
    # q restores the terminal: the shell's screen comes back (no curses left over)
    t = Term(["--lang", "en", "samples/01-classic-get.pcap"])
    t.wait(lambda s: title_of(s) is not None, "the UI starts")
    t.keys("q")
    code = t.exit_code()
    s = t.screen()
    if code != "0" or "Packets" in s:
        fail("q did not restore the terminal (exit %r)" % code)
    t.close()


def case_ladder():
    """frames on the ladder, seq/ack at 80 columns, a packet's detail"""
    path = "samples/01-classic-get.pcap"
    tcp = pcap_tcp(os.path.join(TOP, path))
    t = start([path])
    s = t.screen()
    rows = [l for l in s.splitlines() if re.match(r"^.\s*\d+\s+\d+\.\d{3}m?s\s*\S", l)]
    frames = [int(re.match(r"^.\s*(\d+)", l).group(1)) for l in rows]
    if frames[:4] != [1, 2, 3, 4]:
        fail("ladder: no frame-number column at 80x24 (rows %r)" % rows[:4])
    if "1:93 a1" not in s or "SYN,ACK 0 a1" not in s:
        fail("ladder: relative seq/ack are not on the arrows at 80 columns:\n%s" % s)
    # the cursor: Tab to the ladder, Down to the SYN-ACK, Enter shows its detail
    t.keys("Tab", "Down", "Enter")
    seq, ack, win, _ = tcp[2]
    s = t.wait(lambda s: "Frame 2" in explanation(s), "ladder: Enter shows frame 2's detail")
    text = explanation(s)
    for want in ["SYN ACK", "Seq 0 (absolute %d)" % seq, "Ack 1 (absolute %d) = the client's ISN %d + 1"
                 % (ack, tcp[1][0]), "Window %s bytes" % format(win, ","), "Options: MSS",
                 "RTT sample", "1 Handshake"]:
        if want not in text:
            fail("ladder: frame 2's detail lacks %r:\n%s" % (want, text))
    # Down moves the detail with the cursor: frame 4 carries the request's stages
    t.keys("Down", "Down")
    s = t.wait(lambda s: "Frame 4" in explanation(s), "ladder: Down moves the detail to frame 4")
    text = explanation(s)
    for want in ["92 bytes of payload", "Seq 1 (absolute %d): bytes 1 to 92" % tcp[4][0],
                 "Carries: 2 Request line, 3a Request headers, 3b Blank line"]:
        if want not in text:
            fail("ladder: frame 4's detail lacks %r:\n%s" % (want, text))
    # Esc closes it; a stage change too
    t.keys("Escape")
    t.wait(lambda s: title_of(s) == (1, "Handshake"), "ladder: Esc closes the detail")
    t.keys("q")
    t.close()
    # a lossy download: the marks and the rule that set them; the smallest
    # window and the throughput
    t = start(["--goto", "1,response_body", "samples/12-lossy-network.pcap"], 120, 40)
    t.keys("Tab")
    for _ in range(80):
        s = t.screen()
        if re.search(r"^▶\s*\d+\s+[\d.]+m?s │.*│R", s, re.M):
            break
        t.keys("Down")
        time.sleep(0.02)
    t.keys("Enter")
    s = t.wait(lambda s: "retransmission:" in explanation(s),
               "ladder: a retransmitted packet's detail says so, with its rule")
    text = explanation(s)
    for want in ["R, retransmission: its TSval", "the segment after the hole", "(decided by the "
                 "timestamps, RFC 7323)", "No RTT sample from a retransmission",
                 "smallest window client", "Server: ", "bit/s"]:
        if want not in text:
            fail("ladder: the retransmission's detail lacks %r:\n%s" % (want, text))
    # the rule's values are the frame's: its TSval, and the TSval of the frame it names
    m = re.search(r"Frame (\d+),.*?its TSval (\d+) is newer than the TSval (\d+) of frame (\d+)",
                  text)
    if m and shutil.which("tshark"):
        cap = os.path.join(TOP, "samples", "12-lossy-network.pcap")
        ts = {}
        for fr in (m.group(1), m.group(4)):
            out = subprocess.run(["tshark", "-r", cap, "-Y", "frame.number==" + fr, "-T", "fields",
                                  "-e", "tcp.options.timestamp.tsval"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            ts[fr] = out.stdout.strip()
        if ts[m.group(1)] != m.group(2) or ts[m.group(4)] != m.group(3):
            fail("ladder: the rule's TSvals are not tshark's: %s" % ts)
    t.keys("q")
    t.close()


def ladder_rows(t):
    """the ladder's rows now: frame -> (its text, the colour of its arrow
    head, {"s3": colour of the id in its label})"""
    rows = {}
    for raw in t.screen(escapes=True).splitlines():
        cs = cells(raw)
        text = "".join(c[0] for c in cs)
        m = re.match(r"^.\s*(\d+)\s+[\d.]+m?s │", text)
        if not m:
            continue
        rail = text.index("│")
        end = text.index("│", rail + 1) if "│" in text[rail + 1:] else len(text)
        head = [c[1] for c in cs[rail:end] if c[0] in "▶◀"]
        ids = {}
        for mm in re.finditer(r"(?<=[ +(])s\d+(?=[:+ )])", text[rail:end]):
            ids[mm.group(0)] = cs[rail + mm.start()][1]
        rows[int(m.group(1))] = (text[rail:end], head[0] if head else None, ids)
    return rows


def case_streams():
    """HTTP/2 (issue 16): a colour per stream on the ladder and in the list,
    the same for a stream everywhere, two streams in two colours, a packet of
    several streams naming each in its colour, the connection's own packets
    in none of them; on an 8-colour terminal too; without colours the ids"""
    js = transcript(os.path.join(TOP, "samples", "16-http2.pcapng"))
    only = {}  # frame -> its one stream, for frames carrying stages of one stream
    for l in js:
        if l["type"] == "stage" and l.get("stream"):
            for f in l["frames"]:
                only.setdefault(f, set()).add(l["stream"])
    for term, w, h in (("xterm-256color", 80, 24), ("xterm", 60, 20)):
        t = Term(["--lang", "en", "--goto", "2,request_line", "samples/16-http2.pcapng"], w, h,
                 env={"TERM": term})
        t.wait(lambda s: title_of(s) is not None, "streams: the UI starts (%s)" % term)
        t.keys("Tab")
        t.settle("streams: the ladder")
        rows = ladder_rows(t)
        colour = {}  # stream -> the colours of its rows (not highlighted)
        for f, (text, head, ids) in rows.items():
            sset = only.get(f)
            if sset and len(sset) == 1 and head not in (None, "30"):
                colour.setdefault(next(iter(sset)), set()).add(head)
        if len(colour) < 2:
            fail("streams %s %dx%d: rows of fewer than two streams in colour: %r" % (term, w, h, rows))
        for sid, c in colour.items():
            if len(c) != 1:
                fail("streams %s: stream %d's rows in several colours %r" % (term, sid, c))
        firsts = [next(iter(c)) for c in colour.values()]
        if len(set(firsts)) != len(firsts):
            fail("streams %s %dx%d: two streams share a colour: %r" % (term, w, h, colour))
        for f, (text, head, ids) in rows.items():
            if f not in only and head in firsts and "SYN" not in text:
                fail("streams %s: frame %d of no stream in a stream's colour %r" % (term, f, head))
            for sid, fg in ids.items():
                if int(sid[1:]) in colour and fg != "30" and fg not in colour[int(sid[1:])]:
                    fail("streams %s: %s in the label of frame %d is %r, its rows %r"
                         % (term, sid, f, fg, colour[int(sid[1:])]))
        # the list's marker: "s3 " in stream 3's colour
        for raw in t.screen(escapes=True).splitlines():
            cs = cells(raw)
            text = "".join(c[0] for c in cs)
            m = re.search(r" s(\d+) /", text)
            if m and int(m.group(1)) in colour and cs[m.start() + 1][1] not in (None, "30"):
                if cs[m.start() + 1][1] not in colour[int(m.group(1))]:
                    fail("streams %s: the list's s%s is %r, its ladder rows %r"
                         % (term, m.group(1), cs[m.start() + 1][1], colour[int(m.group(1))]))
        t.keys("q")
        t.close()
    # a packet of several streams (server push): every id, each in its colour,
    # the arrow in the first one's
    t = start(["tests/data/h2/h2c-nghttp-push.pcap"])
    t.keys("Tab", "Home", *["Down"] * 7)
    t.wait(lambda s: re.search(r"^▶\s*8 ", s, re.M), "streams: the cursor on frame 8")
    t.keys("Up")
    t.settle("streams: frame 8 off the cursor")
    text, head, ids = ladder_rows(t).get(8, ("", None, {}))
    if sorted(ids) != ["s13", "s15", "s2", "s4"]:
        fail("streams: frame 8 (push promises and responses) names %r, want s2 s4 s13 s15:\n%s"
             % (sorted(ids), text))
    elif len(set(ids.values())) != 4 or head != ids["s2"]:
        fail("streams: frame 8's ids in colours %r, its arrow %r (the first's, s2)" % (ids, head))
    t.keys("q")
    t.close()
    # without colours: the ids on the rows, no colour at all
    for extra, env in (([], {"NO_COLOR": "1"}), (["--mono"], {})):
        t = Term(["--lang", "en", "--goto", "2,request_line"] + extra + ["samples/16-http2.pcapng"],
                 80, 24, env=env)
        t.wait(lambda s: title_of(s) is not None, "streams: the UI starts without colours")
        t.keys("Tab")
        t.settle("streams: the ladder without colours")
        rows = ladder_rows(t)
        if any(head not in (None,) for _, head, _ in rows.values()):
            fail("streams %r: colours without colours" % (extra or env))
        if not any("s3:" in text for text, _, _ in rows.values()) or \
                not any("s5:" in text for text, _, _ in rows.values()):
            fail("streams %r: the stream ids are not on the ladder:\n%s" % (extra or env, t.screen()))
        t.keys("q")
        t.close()


def case_labels():
    """a segment labelled with all its stages; 100 Continue; pipelined requests"""
    t = start(["--goto", "5,status_line", "samples/08-status-codes.pcap"], 200, 50)
    s = t.screen()
    if "Status+Resp.hdr+Blank+Body+Keep-alive" not in s and \
            "Status line + Response headers + Blank line + Response body" not in s:
        fail("labels: the 401's one segment is not labelled with all its stages:\n%s" % s)
    t.keys("q")
    t.close()
    t = start(["--goto", "1,status_line", "samples/06-expect-100-continue.pcap"], 120, 40)
    s = t.screen()
    if title_of(s) != (4, "100 Continue"):
        fail("labels: the interim status line is titled %r, not '100 Continue'" % (title_of(s),))
    if "4 100 + Status" not in s:
        fail("labels: the step bar does not name the 1xx:\n%s" % s)
    t.keys("q")
    t.close()
    t = start(["--goto", "1,request_line", "samples/10-pipelining.pcap"], 200, 50)
    s = t.screen()
    if not re.search(r"PSH,ACK seq=1 ack=1 len=169 2 requests", s):
        fail("labels: the segment with two pipelined requests does not say so:\n%s" % s)
    t.keys("q")
    t.close()


def case_layout():
    """the explanation gets the rows a one-exchange list does not need"""
    t = start(["samples/01-classic-get.pcap"])
    s = t.screen()
    n = explanation_rows(s)
    if n < 8:
        fail("layout: the explanation has %d rows at 80x24 with a one-exchange list, want 8" % n)
    lines = s.splitlines()
    if not (lines[1].lstrip("▶ ").startswith("#") and re.match(r"^ 1 ", lines[2]) and
            "Handshake" in lines[3]):
        fail("layout: the list does not shrink to its one row:\n%s" % s)
    t.keys("q")
    t.close()


def case_mono():
    """the focused pane is visible without colors"""
    t = start(["--mono", "samples/01-classic-get.pcap"])
    s = t.screen()
    marked = [l for l in s.splitlines() if l.startswith("▶")]
    if len(marked) != 1 or not marked[0][1:].startswith("#"):
        fail("mono: the focused list is not marked (%r)" % marked)
    t.keys("Tab")
    s = t.wait(lambda s: any(l.startswith("▶Packets") for l in s.splitlines()),
               "mono: Tab moves the focus mark to the ladder")
    t.keys("Tab", "Tab")
    s = t.wait(lambda s: any(l.startswith("▶Step") for l in s.splitlines()),
               "mono: the focus mark reaches the explanation")
    t.keys("q")
    t.close()


def case_autoplay():
    """autoplay scrolls a long explanation and gives it time to be read"""
    t = start(["--goto", "1,handshake", "samples/01-classic-get.pcap"])
    for _ in range(5):  # 0.3 s a page: the shortest step, scaled for the text
        t.keys("+")
    t.keys("a")
    first = explanation(t.screen())[:60]
    t0 = time.time()
    scrolled, moved = None, None
    while time.time() - t0 < 20 * SLOW:
        s = t.screen()
        if title_of(s) != (1, "Handshake"):
            moved = time.time() - t0
            break
        if scrolled is None and explanation(s)[:60] != first:
            scrolled = time.time() - t0
        time.sleep(0.05)
    if scrolled is None:
        fail("autoplay: the handshake's explanation was not scrolled before the next stage")
    if moved is None or moved < 1.0:
        fail("autoplay: the next stage came after %s s, not the time to read a long text" % moved)
    t.keys("q")
    t.close()


def case_numbering():
    """3a/3b/3c alike in the title and the step bar; the bar names a body;
    opening an exchange lands on its first stage"""
    t = start(["--goto", "1,request_body", "samples/05-file-upload.pcap"], 120, 40)
    s = t.screen()
    if stage_number(s) != "3c" or "3c Headers + body" not in s:
        fail("numbering: a request body is not 3c in the title and the bar:\n%s" % s)
    t.keys("p")
    s = t.wait(lambda s: stage_number(s) == "3b", "numbering: the blank line before it is 3b")
    if "3b Headers + body" not in s:
        fail("numbering: the bar's step 3 is not 3b on the blank line")
    t.keys("q")
    t.close()
    # 03: exchange 2 shares connection 1; exchange 3 opens connection 2
    t = start(["samples/03-browser-page.pcapng"], 120, 40)
    t.keys("Down")
    s = t.wait(lambda s: position(s) == 2, "numbering: Down selects exchange 2")
    t.wait(lambda s: title_of(s) == (2, "Request line"), "numbering: exchange 2 opens at its request line")
    t.keys("Down")
    t.wait(lambda s: position(s) == 3 and title_of(s) == (1, "Handshake"),
           "numbering: the first exchange of connection 2 opens at its handshake")
    t.keys("N")
    t.wait(lambda s: position(s) == 4 and title_of(s) == (1, "Handshake"),
           "numbering: N to a connection's first exchange lands on its handshake")
    t.keys("q")
    t.close()


def many_connections_pcap(path, n):
    """n HTTP connections on loopback, one exchange each (for the search)"""
    import struct
    out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]

    def seg(ts, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0, 64, 6, 0,
                         bytes(src), bytes(dst))
        frame = b"\0" * 12 + b"\x08\x00" + ip + tcp + payload
        out.append(struct.pack("<IIII", int(ts), int((ts % 1) * 1e6), len(frame), len(frame)) + frame)

    c, sv = [10, 0, 0, 1], [10, 0, 0, 2]
    ts = 1700000000.0
    for i in range(n):
        port = 1024 + i
        q = b"GET /item/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i
        r = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: s%d\r\n\r\nok" % i
        seg(ts, c, sv, port, 80, 100, 0, 0x02); ts += 1e-4
        seg(ts, sv, c, 80, port, 500, 101, 0x12); ts += 1e-4
        seg(ts, c, sv, port, 80, 101, 501, 0x10); ts += 1e-4
        seg(ts, c, sv, port, 80, 101, 501, 0x18, q); ts += 1e-4
        seg(ts, sv, c, 80, port, 501, 101 + len(q), 0x18, r); ts += 1e-4
        seg(ts, c, sv, port, 80, 101 + len(q), 501 + len(r), 0x11); ts += 1e-4
        seg(ts, sv, c, 80, port, 501 + len(r), 102 + len(q), 0x11); ts += 1e-4
        seg(ts, c, sv, port, 80, 102 + len(q), 502 + len(r), 0x10); ts += 1e-4
    open(path, "wb").write(b"".join(out))


def case_search():
    """search lands on the stage that holds the match, highlights it, keeps
    the place while it looks, and never freezes the screen"""
    t = start(["--goto", "3,status_line", "samples/08-status-codes.pcap"])
    t.keys("/", "WWW-Authenticate", "Enter")
    s = t.wait(lambda s: position(s) == 5 and title_of(s) is not None and
               title_of(s)[1] == "Response headers",
               "search: a response header's match lands on the response headers of exchange 5")
    t.keys("b")  # text: the match is drawn apart from the stage's highlight
    t.wait(lambda s: "Bytes (text)" in s, "search: b shows the bytes as text")
    esc = t.screen(escapes=True)
    if not re.search(r"\x1b\[4m(\x1b\[[0-9;]*m)*WWW-Authenticate", esc):
        fail("search: the match is not highlighted (underlined) in the bytes")
    t.keys("Escape")
    # a search that finds nothing keeps the place
    t.keys("/", "no-such-text", "Enter")
    s = t.wait(lambda s: "not in any exchange" in s, "search: a search with no match says so")
    if position(s) != 5 or title_of(s) != (5, "Response headers"):
        fail("search: a search with no match lost the place (%r, %r)" % (position(s), title_of(s)))
    t.keys("q")
    t.close()
    # 20,000 connections (enough that a search lasts seconds on a quiet machine):
    # the search shows its progress, keys answer, Esc stops it
    big = os.path.join(tmpdir, "many.pcap")
    many_connections_pcap(big, 20000)
    t = Term(["--lang", "en", "--goto", "2", big], 80, 24)
    t.wait(lambda s: position(s) == 2 and "20,000 TCP" in s and title_of(s) is not None,
           "search: the capture of 20,000 connections loads", 30)
    t.keys("/", "no-such-header", "Enter")
    s = t.wait(lambda s: "searching for 'no-such-header'" in s, "search: it shows its progress", 5)
    t0 = time.time()
    t.keys("N")
    t.wait(lambda s: position(s) == 3, "search: keys answer while it searches", 2)
    if time.time() - t0 > 0.5 * SLOW:
        fail("search: N took %.2f s during a search" % (time.time() - t0))
    t.keys("Escape")
    s = t.wait(lambda s: "search stopped" in s, "search: Esc stops it")
    if position(s) != 3 or title_of(s) is None:
        fail("search: Esc lost the place")
    # and finds a header in a far connection, at its response headers
    t.keys("/", "s19999", "Enter")
    t.wait(lambda s: position(s) == 20000 and title_of(s) == (5, "Response headers"),
           "search: a header of connection 20,000 is found, at its response headers", 60)
    t.keys("q")
    t.close()


def case_list():
    """labelled columns, connections named, the wire's reason, 1xx, sizes"""
    t = start(["--goto", "2", "samples/08-status-codes.pcap"])
    s = t.screen()
    head = s.splitlines()[1]
    for col in ["#", "conn", "method", "target", "status", "body", "decoded", "time"]:
        if col not in head:
            fail("list: no %r column heading in %r" % (col, head))
    rows = [l for l in s.splitlines()[2:6] if re.match(r"^ \d+\s+\d+\s", l)]
    if len(rows) < 3 or not all(re.match(r"^ \d+\s+1\s+GET", l) for l in rows):
        fail("list: every row does not name its connection:\n%s" % "\n".join(rows))
    if "302 Moved Temporarily" not in s:
        fail("list: the 302's reason is not the wire's 'Moved Temporarily':\n%s" % s)
    t.keys("q")
    t.close()
    t = start(["samples/06-expect-100-continue.pcap"])
    if not re.search(r"100\S201 Created", t.screen()):
        fail("list: the 1xx before the 201 is not shown")
    t.keys("q")
    t.close()
    # sizes never cut: a megabyte and a half is "1.5 MB" (not "1499.9 k")
    t = start(["samples/14-large-download.pcap"])
    s = t.screen()
    if not re.search(r" 1\.5 MB +1\.5 MB ", s):
        fail("list: the 1,499,908-byte body is not '1.5 MB':\n%s" % s)
    t.keys("q")
    t.close()
    t = start(["samples/13-https.pcap"])
    if "1 TCP connection, 1 with HTTP(S)" not in t.screen():
        fail("list: the number of TCP connections is not shown")
    t.keys("q")
    t.close()
    # a request nobody answered: "—", not a time of 0
    t = Term(["--lang", "en", "tests/data/midstream.pcap"], 80, 24)
    s = t.wait(lambda s: "exchange" in s, "list: midstream.pcap opens")
    for l in s.splitlines()[2:8]:
        if "no answer" in l and not l.rstrip().endswith("—"):
            fail("list: an unanswered request shows a time: %r" % l)
        if re.search(r"\b0us\b|\b0µs\b", l) and "no answer" in l:
            fail("list: 0us where nothing answered: %r" % l)
    t.keys("q")
    t.close()


def case_status():
    """retransmissions, out of order and gaps apart; a body's completeness"""
    t = start(["samples/12-lossy-network.pcap"])
    s = t.screen()
    if not re.search(r"\d+ retransmissions?, \d+ segments? out of order", s):
        fail("status: retransmissions and out-of-order segments are not counted apart:\n%s" % s)
    t.keys("q")
    t.close()
    body = [l for l in transcript(os.path.join(TOP, "samples", "14-large-download.pcap"))
            if l["type"] == "stage" and l["stage"] == "response_body"][0]["length"]
    t = start(["--goto", "1,response_body", "samples/14-large-download.pcap"])
    t.wait(lambda s: "body: {0:,} of {0:,} bytes, whole".format(body) in s,
           "status: the body says it arrived whole")
    t.keys("q")
    t.close()


def case_sizes():
    """80x24 keeps the server's port, the counter and q quit; 60 columns keep
    the ladder's time column; a long path gives way to the counter"""
    t = start(["samples/01-classic-get.pcap"])
    s = t.screen()
    lines = s.splitlines()
    if ":80" not in [l for l in lines if "Packets" in l][0]:
        fail("sizes: the server's port is not in the ladder's title at 80x24")
    if not re.search(r"exchange 1/1 \S stage 1/\d+", lines[0]):
        fail("sizes: the exchange/stage counter is not whole at 80x24: %r" % lines[0])
    if "q quit" not in lines[-1]:
        fail("sizes: 'q quit' is not in the footer at 80x24: %r" % lines[-1])
    t.keys("q")
    t.close()
    for w in (60, 62, 64):
        t = start(["--goto", "1,request_headers", "samples/01-classic-get.pcap"], w, 20)
        s = t.screen()
        for l in s.splitlines():
            if re.search(r"\d\.\d{3}ms │", l) and not re.match(r"^.\s*\d+\s+\d+\.\d{3}ms │", l):
                fail("sizes: at %d columns a ladder row is overwritten: %r" % (w, l))
        t.keys("q")
        t.close()
    # an installed sample's long path
    deep = os.path.join(tmpdir, "usr", "local", "share", "httpstep", "samples", "lessons")
    os.makedirs(deep, exist_ok=True)
    path = os.path.join(deep, "01-classic-get.pcap")
    shutil.copy(os.path.join(TOP, "samples", "01-classic-get.pcap"), path)
    t = start([path])
    top = t.screen().splitlines()[0]
    if not re.search(r"exchange 1/1 \S stage 1/\d+", top) or "01-classic-get.pcap" not in top:
        fail("sizes: a long path pushes the counter off the title: %r" % top)
    t.keys("q")
    t.close()


def case_live():
    """the picker's port and filter; nothing matching; the new-stage counter"""
    if os.geteuid() != 0:
        print("live: skipped (not root)")
        return
    t = Term(["--lang", "en"], 100, 30)
    t.wait(lambda s: "Bundled samples" in s, "live: the picker starts")
    # the interfaces come after the samples, loopback first
    nsamples = len([f for f in os.listdir(os.path.join(TOP, "samples"))
                    if f.endswith((".pcap", ".pcapng"))])
    for _ in range(nsamples):
        t.keys("Down")
    s = t.wait(lambda s: "Filter: (tcp port 80) or (udp port 53)" in s and "p: another port" in s,
               "live: the picker shows the filter of lo and how to change the port")
    t.keys("p", "8", "0", "0", "0", "Enter")
    t.wait(lambda s: "Filter: (tcp port 8000) or (udp port 53)" in s, "live: p then a port changes the filter")
    t.keys("Enter")
    s = t.wait(lambda s: "listening on lo, (tcp port 8000) or (udp port 53): no packets yet" in s,
               "live: nothing matching says what is listened to")
    if "Reading the capture" in s:
        fail("live: 'Reading the capture' on a live interface")
    t.keys("q")
    t.close()
    # the new-stage counter after g
    import socket
    import http.server
    import threading
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    port = srv.server_address[1]
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    saved = os.path.join(tmpdir, "live.pcap")
    try:
        t = Term(["--lang", "en", "-i", "lo", "-p", str(port), "-w", saved], 100, 30)
        t.wait(lambda s: "listening on lo, (tcp port %d) or (udp port 53): no packets yet" % port in s,
               "live: listening on the server's port")
        t.keys("g")
        t.wait(lambda s: "0 new stages" in s, "live: g stops following")
        import urllib.request
        for _ in range(2):
            urllib.request.urlopen("http://127.0.0.1:%d/README.md" % port, timeout=5).read()
        time.sleep(1.0)
        t.wait(lambda s: re.search(r"(\d+) new stages", s) and int(re.search(r"(\d+) new stages", s).group(1)) > 0,
               "live: new stages are counted")
        s = t.settle("live: the count of new stages settles")
        shown = int(re.search(r"(\d+) new stages", s).group(1))
        t.keys("q")
        t.exit_code()
        t.close()
        lines = transcript(saved)
        want = len([l for l in lines if l["type"] == "stage"])
        if shown != want:
            fail("live: %d new stages shown after g, the capture has %d" % (shown, want))
    finally:
        srv.shutdown()


def run_lab(table):
    """replay each lab question's keys from launch; the answer must be on
    screen, at most three keys after reaching its stage; print the table"""
    rows = []
    for line in open(table).read().splitlines():
        if not line or line.startswith("#") or line.startswith("id\t"):
            continue
        qid, lab, sample, question, to_stage, after, answer = line.split("\t")
        keys = [k for k in to_stage.split() if k != "-"]
        more = [k for k in after.split() if k != "-"]
        if len(more) > 3:
            fail("lab %s: %d keys after its stage, the target is at most 3" % (qid, len(more)))
        t = start(["samples/" + sample], what="lab %s starts" % qid)
        for k in keys + more:
            prev = t.screen()
            t.keys(k)
            t.wait(lambda s: s != prev, "lab %s: key %s changes the screen" % (qid, k), 3)
        found = None
        end = time.time() + 3 * SLOW
        while time.time() < end and not found:
            s = t.screen()
            joined = " ".join(l.strip() for l in s.splitlines())
            found = re.search(answer, s) or re.search(answer, explanation(s)) or \
                re.search(answer, joined) or re.search(answer, bytes_text(s))
            if not found:
                time.sleep(0.05)
        if not found:
            fail("lab %s (%s): %r is not on screen after %s:\n%s"
                 % (qid, question, answer, " ".join(keys + more) or "launch", s))
        rows.append((qid, lab, sample, question, " ".join(keys) or "-", " ".join(more) or "-",
                     len(keys) + len(more), len(more)))
        t.keys("q")
        t.close()
    print("| id | lab | sample | question | keys to its stage | then | keys | after stage |")
    print("|---|---|---|---|---|---|---:|---:|")
    for r in rows:
        print("| %s | %s | %s | %s | %s | %s | %d | %d |" % r)


def case_lab():
    """the lab questions of tests/e2e/lab_questions.tsv"""
    run_lab(os.path.join(TOP, "tests", "e2e", "lab_questions.tsv"))


def case_robust():
    """the terminal going away, signals, and options"""
    for ignore in (False, True):
        # ignore: a hang-up ignored (nohup), so the read error must end it
        t = Term(["--lang", "en", "samples/01-classic-get.pcap"], 80, 24, trap_hup=ignore)
        t.wait(lambda s: title_of(s) is not None, "robust: the UI starts")
        shell = int(t.tmux("list-panes", "-F", "#{pane_pid}").split()[0])
        pid = proc_child(shell)
        t.close()  # the terminal goes away
        # (a loaded machine and a sanitizer build's exit, its leak scan
        # included, have taken over 9 s: the bound only costs time on failure)
        end = time.time() + 10 * SLOW
        while time.time() < end and pid and alive(pid):
            time.sleep(0.05)
        if pid and alive(pid):
            fail("robust: httpstep still runs after its terminal went away (hang-up %s)"
                 % ("ignored" if ignore else "delivered"))
            os.kill(pid, 9)
        try:
            os.kill(shell, 9)
        except OSError:
            pass
    # SIGTERM in the picker ends it at once
    t = Term(["--lang", "en"])
    t.wait(lambda s: "Bundled samples" in s, "robust: the picker starts")
    shell = int(t.tmux("list-panes", "-F", "#{pane_pid}").split()[0])
    pid = proc_child(shell)
    t0 = time.time()
    os.kill(pid, 15)
    # httpstep's own exit, not the shell's writing of its status after it
    # (that waits for a CPU too on a busy machine)
    while alive(pid) and time.time() - t0 < 2 * SLOW:
        time.sleep(0.01)
    took = time.time() - t0
    code = t.exit_code(5)
    if code is None or took > 0.5 * SLOW:
        fail("robust: SIGTERM in the picker took %.2f s (exit %r)" % (took, code))
    t.close()
    # errors that are one line, before any screen
    for args, want, code in [
        (["--goto", "99", "samples/08-status-codes.pcap"],
         "httpstep: --goto 99: 'samples/08-status-codes.pcap' has 10 exchanges (1 to 10)", "1"),
        (["mycapture"], "httpstep: 'mycapture': No such file or directory", "2"),
        (["samples/01-classic-get.pcap", "samples/02-keep-alive.pcap"],
         "httpstep: one capture at a time: 'samples/02-keep-alive.pcap'", "1"),
    ]:
        t = Term(["--lang", "en"] + args)
        c = t.exit_code(5)
        s = t.screen()
        if c != code or want not in s or "Packets" in s or "Bundled samples" in s:
            fail("robust: %s: want %r and exit %s, got exit %r:\n%s" % (args, want, code, c, s))
        t.close()
    for args, want in [(["-c", "0", "samples/01-classic-get.pcap"], "invalid count '0'"),
                       (["--max-conns", "0", "samples/01-classic-get.pcap"], "invalid --max-conns '0'")]:
        p = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 1 or want not in p.stderr:
            fail("robust: %s: exit %d, %r" % (args, p.returncode, p.stderr))
    p = subprocess.run([BIN, "-n", "--json", "samples/01-classic-get.pcap"], cwd=TOP,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0 or '"type":"exchange"' not in p.stdout:
        fail("robust: -n is not accepted: %r" % p.stderr)
    p = subprocess.run([BIN, "-D"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if os.geteuid() == 0 and (p.returncode != 0 or not re.match(r"1\.\S+\n", p.stdout)):
        fail("robust: -D does not list the interfaces: %r %r" % (p.stdout, p.stderr))
    if os.geteuid() == 0:
        p = subprocess.run([BIN, "-i", "lo", "-s", "96", "--json", "--duration", "0.3"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if '"snaplen":96' not in p.stdout:
            fail("robust: -s 96 does not set the live snaplen: %r %r" % (p.stdout, p.stderr))
    # a pipe is as live as an interface: lines come before the end of input
    import struct
    import select
    data = open(os.path.join(TOP, "samples", "08-status-codes.pcap"), "rb").read()
    off, recs = 24, []
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    p = subprocess.Popen([BIN, "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    p.stdin.write(data[:24] + b"".join(recs[:len(recs) // 2]))
    p.stdin.flush()
    got, end = b"", time.time() + 3 * SLOW
    while time.time() < end and got.count(b'"type":"exchange"') < 2:
        r, _, _ = select.select([p.stdout], [], [], 0.1)
        if r:
            b = os.read(p.stdout.fileno(), 65536)
            if not b:
                break
            got += b
    p.stdin.close()
    p.wait()
    if got.count(b'"type":"exchange"') < 2:
        fail("robust: --json from a pipe wrote %d exchange lines before the end of its input"
             % got.count(b'"type":"exchange"'))


def case_https():
    """HTTPS decrypted with a key log, and HTTP/2 (h2 in TLS, h2c with a
    cancelled stream and streams at once): every stage forward and back, the
    list's lock and stream numbers, the plaintext in the bytes pane, the
    ladder's stream ids, 60x20, and the ASCII mark without UTF-8"""
    walks = [("tests/data/tls/tls13-h2.pcap", ["--keylog", "tests/data/tls/tls13-h2.keys"]),
             ("tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.pcap",
              ["--keylog", "tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys"]),
             ("tests/data/h2/h2c-upgrade-rst.pcap", []),
             ("samples/13-https.pcap", [])]
    for path, keys in walks:
        lines = transcript(os.path.join(TOP, path), [os.path.join(TOP, k) if k.endswith(".keys")
                                                      else k for k in keys])
        stages = [l for l in lines if l["type"] == "stage"]
        step_sample(path, stages, "1,handshake", keys)
        if failures:
            return
    # the list: a lock and the stream before the target; the title names the stream
    t = start(["tests/data/tls/tls13-h2.pcap", "--keylog", "tests/data/tls/tls13-h2.keys"])
    s = t.screen()
    for want in ("\U0001f512 s1 /hello.txt", "\U0001f512 s3 /two-kb.txt"):
        if want not in s:
            fail("https: the list does not show %r:\n%s" % (want, s))
    for _ in range(4):  # handshake, ClientHello, ServerHello, Finished, preface
        t.keys("n")
    s = t.wait(lambda s: stage_number(s) == "1e", "https: n reaches the HTTP/2 preface (1e)")
    if "PRI * HT" not in s:
        fail("https: the preface's bytes are not the decrypted plaintext:\n%s" % s)
    t.keys("n", "n")
    s = t.wait(lambda s: title_of(s) == (2, "Request line"), "https: the request line")
    if not re.search(r"Step 2 \S Request line \S stream 1", s):
        fail("https: the title does not name stream 1:\n%s" % s)
    t.close()
    # the ladder at 120 columns: stream ids beside the stages of a segment
    t = start(["tests/data/h2/h2c-upgrade-rst.pcap"], 120, 30)
    seen = False
    for _ in range(20):  # until frame 17 is in view: stream 3 ends as stream 5 begins
        t.keys("n")
        time.sleep(0.1)
        if "s3:7+s5:2+3a" in t.screen():
            seen = True
            break
    if not seen:
        fail("h2: the ladder never shows streams 3 and 5 in one segment:\n%s" % t.screen())
    t.close()
    # at 80 columns an HTTP/2 segment's streams win over its sequence numbers
    t = start(["tests/data/h2/h2c-upgrade-rst.pcap"])
    for _ in range(8):
        t.keys("n")
    t.wait(lambda s: "PSH,ACK s3:2+3a" in s and "s3:4+5" in s,
           "h2 at 80x24: the ladder names streams ('PSH,ACK s3:2+3a')")
    t.close()
    # 60x20 and no UTF-8: the list's mark in letters, the explanation still there
    t = Term(["--lang", "en", "tests/data/tls/tls13-h2.pcap", "--keylog",
              "tests/data/tls/tls13-h2.keys"], 60, 20, {"LANG": "C"})
    s = t.wait(lambda s: "TLS s1 /he" in s, "https at 60x20 without UTF-8: 'TLS s1' in the list")
    t.keys("n")
    s = t.wait(lambda s: stage_number(s) == "1b" and "ClientHello" in s,
               "https at 60x20: n shows the ClientHello")
    t.keys("q")
    if t.exit_code() != "0":
        fail("https at 60x20: q did not end httpstep with status 0")
    # a malformed key log line: the status line names the file and the line,
    # and the secrets of the pcapng still decrypt
    bad = os.path.join(tmpdir, "bad.keys")
    with open(bad, "w") as f:
        f.write("# a comment\nCLIENT_RANDOM 00\n")
    t = start(["--keylog", bad, "samples/15-https-decrypted.pcapng"], 100, 30)
    t.wait(lambda s: "'%s' line 2:" % bad in s and "/style.css" in s,
           "https: a malformed key log line is named in the status line")
    t.close()


def case_dns():
    # step 0 (issue 17): the lookup before the handshake, its lane on the ladder, its
    # explanation; p from the handshake goes back to it, --goto to the handshake stays there
    for w, h in ((80, 24), (60, 20)):
        t = start(["--goto", "1,dns_lookup", "samples/17-dns-lookup.pcap"], w, h)
        s = t.wait(lambda s: title_of(s) == (0, "DNS lookup"),
                   "17 at %dx%d: --goto 1,dns_lookup opens step 0" % (w, h))
        rows = s.splitlines()
        if any(len(l) > w for l in rows):
            fail("17 at %dx%d: a line is wider than the screen" % (w, h))
        lane = [l for l in rows if "A?" in l and ("10.77.1.53" in l or "10.77" in l)]
        if not lane:
            fail("17 at %dx%d: the query's arrow to the resolver is not on the ladder:\n%s"
                 % (w, h, s))
        if "www.lesson.test A? 10.77.1.1 (TTL 300 s)" not in explanation(s).replace("\n", " "):
            fail("17 at %dx%d: the explanation does not open with the lookup:\n%s" % (w, h, s))
        t.keys("n")
        t.wait(lambda s: title_of(s) == (1, "Handshake"), "17: n from step 0 goes to the handshake")
        t.keys("p")
        t.wait(lambda s: title_of(s) == (0, "DNS lookup"), "17: p from the handshake goes to step 0")
        t.keys("q")
        t.close()
    t = start(["--goto", "1,handshake", "samples/17-dns-lookup.pcap"])
    t.wait(lambda s: title_of(s) == (1, "Handshake"), "17: --goto 1,handshake stays at the handshake")
    t.keys("q")
    t.close()
    # 18: the connection's step 0 also tells the mistyped name's NXDOMAIN before it
    t = start(["--goto", "1,dns_lookup", "samples/18-dns-nxdomain.pcap"], 120, 60)
    t.wait(lambda s: "wwww.lesson.test" in s and "NXDOMAIN" in s,
           "18: step 0 tells the NXDOMAIN of wwww.lesson.test")
    t.keys("q")
def case_export():
    """E writes the selected exchange as HTML and SVG in the current directory
    (issue 18): the status line names the files; the HTML parses, the SVG is
    XML with one arrow per packet of the exchange; an unwritable name is a
    one-line message, not a broken screen"""
    import html.parser
    import xml.etree.ElementTree as ET
    work = tempfile.mkdtemp(dir=tmpdir)
    cap = os.path.join(TOP, "samples", "04-login-form.pcap")
    lines = transcript(cap)
    stages = [o for o in lines if o.get("type") == "stage"]
    xs = sorted((o for o in lines if o.get("type") == "exchange"),
                key=lambda o: (o["conn"], o["exchange"]))
    second = xs[1]  # the list's row 2: rows go by connection, then exchange
    t = Term(["--lang", "en", "--goto", "2", cap], cwd=work)
    t.wait(lambda s: title_of(s) is not None, "export: the UI shows a stage")
    t.keys("E")
    names = ["04-login-form-x2.html", "04-login-form-x2.svg"]
    t.wait(lambda s: "exchange 2 written to %s and %s" % tuple(names) in s,
           "export: E says which files it wrote")
    paths = [os.path.join(work, n) for n in names]
    if not all(os.path.exists(p) for p in paths):
        fail("export: the files are not in the current directory: %s" % os.listdir(work))
        t.close()
        return

    class Html(html.parser.HTMLParser):
        VOID = {"meta", "br", "hr", "img", "link", "input", "col", "wbr", "area", "base",
                "source", "path", "line", "rect", "circle", "polyline", "polygon", "ellipse", "use",
                "stop"}

        def __init__(self):
            super().__init__()
            self.stack, self.errors, self.seen = [], [], set()

        def handle_starttag(self, tag, attrs):
            self.seen.add(tag)
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_startendtag(self, tag, attrs):
            self.seen.add(tag)

        def handle_endtag(self, tag):
            if tag in self.VOID:
                return
            if not self.stack or self.stack[-1] != tag:
                self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else ""))
            else:
                self.stack.pop()

    h = Html()
    h.feed(open(paths[0], encoding="utf-8").read())
    h.close()
    if h.errors or h.stack or not {"html", "body", "svg"} <= h.seen:
        fail("export: the HTML does not parse: %s, left open %s, tags %s"
             % (h.errors[:3], h.stack, sorted(h.seen)[:10]))
    page = open(paths[0], encoding="utf-8").read()
    want = "%s %s" % (second["request"]["method"], second["request"]["target"])
    if want not in page:
        fail("export: the HTML does not hold exchange 2's request line %r" % want)
    try:
        root = ET.parse(paths[1]).getroot()
        pkts = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "pkt"]
        frames = sorted(int(g.get("data-frame")) for g in pkts)
        close = [o for o in stages if o["conn"] == second["conn"] and o["stage"] == "close"]
        if not root.tag.endswith("svg") or not pkts:
            fail("export: the SVG has no ladder (%s, %d arrows)" % (root.tag, len(pkts)))
        elif close and close[0]["frames"][-1] not in frames:
            fail("export: the SVG's ladder lacks the close's last ACK, frame %d (has %s)"
                 % (close[0]["frames"][-1], frames))
    except ET.ParseError as e:
        fail("export: the SVG is not XML: %s" % e)
    # a name that cannot be written: a directory in its place
    os.remove(paths[0])
    os.mkdir(paths[0])
    t.keys("E")
    s = t.wait(lambda s: "export failed: cannot write" in s, "export: an unwritable file says why")
    if title_of(s) is None:
        fail("export: the screen is broken after a failed export:\n%s" % s)
    t.keys("q")
    if t.exit_code() != "0":
        fail("export: the UI did not quit cleanly after exporting")
    t.close()


CASES = ["steps", "nav", "zh", "nohttp", "picker", "help", "golden", "restore", "ladder", "labels",
         "layout", "mono", "autoplay", "numbering", "search", "list", "status", "sizes", "live",
         "robust", "lab", "https", "dns", "export", "streams"]


def main():
    global tmpdir
    if not shutil.which("tmux"):
        print("tmux is not installed")
        return 77
    tmpdir = tempfile.mkdtemp(prefix="httpstep-ui.")
    chosen = sys.argv[1:] or CASES
    try:
        for c in chosen:
            n = len(failures)
            current["case"] = c
            try:
                globals()["case_" + c]()
            except Exception as e:  # a broken case is a failed check, and the others still run
                fail("%s raised %s: %s" % (c, type(e).__name__, e))
            print("%s: %s" % (c, "ok" if len(failures) == n else "FAILED"))
            if c == "steps" and failures:
                break
    finally:
        for f in os.listdir(tmpdir):
            if f.endswith(".sock"):
                subprocess.run(["tmux", "-S", os.path.join(tmpdir, f), "kill-server"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmpdir, ignore_errors=True)
    if failures:
        print("failed checks:")
        for line in summary_lines():
            print(line)
        print("%d UI checks failed" % len(failures))
        return 1
    print("UI checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
