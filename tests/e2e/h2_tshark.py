#!/usr/bin/env python3
"""h2_tshark.py - the HTTP/2 engine against tshark on the captures of
tests/data/h2/ (made by tests/data/h2/make-h2-data.sh): build/tests/h2dump runs
decode/h2.c over each TCP connection; tshark's http2 dissector reads the same
file. Per connection and direction, all equal:

  - every HTTP/2 frame, in order: stream id, type, length, flags
  - every header block's fields, in wire order: name, value, and how HPACK
    represented it (indexed, literal with/without/never indexing, table index)
  - per stream: :method, :path, :authority, the :status values, the promised
    streams of PUSH_PROMISE, RST_STREAM error codes, DATA bytes less padding

and h2dump raises no note on these well-formed captures. Exit 0 passes, 77 skips
(no tshark, no h2dump), 1 fails with the differences.
"""
import glob
import json
import os
import shutil
import subprocess
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
H2DUMP = os.path.join(TOP, BUILD, "tests", "h2dump")
DECODE = ["-d", "tcp.port==8080,http2", "-d", "tcp.port==8081,http2", "-d", "tcp.port==8082,http"]
TYPES = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING",
         "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"]
ERRORS = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
          "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
          "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY",
          "HTTP_1_1_REQUIRED"]
REPR = [("Indexed Header Field", "indexed"),
        ("Literal Header Field with Incremental Indexing", "literal_incremental"),
        ("Literal Header Field without Indexing", "literal_without_indexing"),
        ("Literal Header Field never Indexed", "literal_never_indexed")]


def skip(why):
    print(why)
    sys.exit(77)


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def unesc(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"t": "\t", "n": "\n"}.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


class Side:
    """what one reader saw of one capture, comparable field by field"""

    def __init__(self):
        self.frames = {}    # (conn, dir) -> [(stream, type, length, flags)]
        self.blocks = {}    # (conn, dir) -> [(stream, [(name, value, repr, index)])]
        self.streams = {}   # (conn, stream) -> dict
        self.notes = []

    def stream(self, conn, sid):
        return self.streams.setdefault((conn, sid), {
            "method": None, "path": None, "authority": None, "status": [],
            "promised": [], "rst": [], "data": [0, 0]})

    def frame(self, conn, d, sid, ftype, length, flags, pad, rst):
        self.frames.setdefault((conn, d), []).append((sid, ftype, length, flags))
        st = self.stream(conn, sid)
        if ftype == "DATA":
            padded = flags & 0x08
            st["data"][0 if d == "c2s" else 1] += length - (pad + 1 if padded else 0)
        if ftype == "RST_STREAM":
            st["rst"].append(rst)

    def block(self, conn, d, sid, fields, promised):
        self.blocks.setdefault((conn, d), []).append((sid, fields))
        st = self.stream(conn, promised or sid)
        for name, value, _, _ in fields:
            if name in (":method", ":path", ":authority"):
                st[name[1:]] = value
            if name == ":status":
                st["status"].append(value)
        if promised:
            self.stream(conn, sid)["promised"].append(promised)


def read_h2dump(path):
    side = Side()
    out = subprocess.run([H2DUMP, path], capture_output=True, text=True, check=True).stdout
    pending = None  # the block whose fields follow
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "field" and pending:
            pending[1].append((unesc(f[5]), unesc(f[6]), f[7], int(f[8])))
            continue
        if pending:
            side.block(*pending[0], pending[1], pending[2])
            pending = None
        if f[0] == "frame":
            conn, d, sid, ftype = int(f[1]), f[2], int(f[3]), f[4]
            side.frame(conn, d, sid, ftype, int(f[5]), int(f[6], 16), int(f[8]),
                       f[10] if f[10] != "-" else None)
        elif f[0] == "block":
            promised = int(f[5])
            pending = ((int(f[1]), f[2], int(f[3])), [], promised)
        elif f[0] == "note":
            side.notes.append(line)
    if pending:
        side.block(*pending[0], pending[1], pending[2])
    return side


def read_tshark(path):
    side = Side()
    out = subprocess.run(["tshark", "-n", "-2", "-r", path] + DECODE +
                         ["-T", "json", "--no-duplicate-keys", "-J", "tcp http2"],
                         capture_output=True, text=True, check=True).stdout
    client = {}  # tcp.stream -> client port (the sender of its first packet)
    open_block = {}  # (conn, dir) -> [stream, fields, promised]
    for pkt in json.loads(out):
        layers = pkt["_source"]["layers"]
        tcp = layers.get("tcp")
        if not tcp:
            continue
        tcp = as_list(tcp)[0]
        ts = int(tcp["tcp.stream"])
        client.setdefault(ts, tcp["tcp.srcport"])
        d = "c2s" if tcp["tcp.srcport"] == client[ts] else "s2c"
        conn = ts + 1
        for layer in as_list(layers.get("http2")):
            for s in as_list(layer.get("http2.stream")):
                if "http2.type" not in s:
                    continue  # the preface ("Magic")
                t = int(s["http2.type"])
                ftype = TYPES[t] if t < len(TYPES) else "0x%02x" % t
                flags = int(s["http2.flags"], 16)
                sid = int(s["http2.streamid"])
                rst = None
                if "http2.rst_stream.error" in s:
                    code = int(s["http2.rst_stream.error"])
                    rst = ERRORS[code] if code < len(ERRORS) else "0x%x" % code
                side.frame(conn, d, sid, ftype, int(s["http2.length"]), flags,
                           int(s.get("http2.pad_length", 0)), rst)
                if ftype not in ("HEADERS", "PUSH_PROMISE", "CONTINUATION"):
                    continue
                if ftype != "CONTINUATION":
                    promised = int(s.get("http2.push_promise.promised_stream_id", 0))
                    open_block[(conn, d)] = [sid, [], promised]
                blk = open_block.get((conn, d))
                for h in as_list(s.get("http2.header")):
                    rep = next((ours for theirs, ours in REPR
                                if h.get("http2.header.repr", "").startswith(theirs)), "?")
                    blk[1].append((h.get("http2.header.name", ""), h.get("http2.header.value", ""),
                                   rep, int(h.get("http2.header.index", 0))))
                if flags & 0x04:  # END_HEADERS
                    side.block(conn, d, blk[0], blk[1], blk[2])
                    del open_block[(conn, d)]
    return side


def compare(name, ours, theirs):
    bad = []
    if ours.notes:
        bad.append("h2dump noted: " + "; ".join(ours.notes[:5]))
    for what in ("frames", "blocks", "streams"):
        a, b = getattr(ours, what), getattr(theirs, what)
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                bad.append("%s %s:\n      h2dump %s\n      tshark %s" %
                           (what, key, str(a.get(key))[:600], str(b.get(key))[:600]))
    counts = (sum(len(v) for v in ours.frames.values()),
              sum(len(v) for v in ours.blocks.values()), len(ours.streams))
    if bad:
        print("FAIL %s: %d differences" % (name, len(bad)))
        for b in bad[:20]:
            print("   ", b)
        return False
    print("ok   %s: %d frames, %d header blocks, %d streams equal" % ((name,) + counts))
    return True


def main():
    if not shutil.which("tshark"):
        skip("no tshark")
    if not os.access(H2DUMP, os.X_OK):
        skip("no %s (make units)" % H2DUMP)
    caps = sorted(glob.glob(os.path.join(TOP, "tests", "data", "h2", "*.pcap")))
    if not caps:
        skip("no captures in tests/data/h2")
    ok = True
    for path in caps:
        ok &= compare(os.path.basename(path), read_h2dump(path), read_tshark(path))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
