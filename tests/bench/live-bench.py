#!/usr/bin/env python3
"""live-bench.py - `make bench`: httpstep capturing live at loopback rate.

Usage: tests/bench/live-bench.py [-d SECONDS] [-n ROUNDS] [-B KIB] [-m MODES] [--base BIN] HTTPSTEP

Everything runs inside a network namespace this script creates and deletes:
its loopback gets MTU 1500 with TSO/GSO/GRO off (frames are Ethernet-sized,
as in gen-capture.sh), nginx serves a mix of small, medium and large files
(text gzip'd on the fly, chunked; binary with Content-Length), and wrk loads
it with keep-alive connections on random paths for SECONDS (default 30).

Each round runs, one after the other on the same load (interleaved, so that
drift in the machine's load hits all alike):
  floor   tcpdump -w /dev/null             the floor: libpcap into a file
  stats   httpstep -i lo --stats           reassembly and every stage
  json    httpstep -i lo --json            with content decoding; stdout goes
                                           to a file on tmpfs (/dev/shm), read
                                           for its closing stats line, deleted
  ui      httpstep -i lo in tmux (160x40)  the stepper, following live; a key
                                           ('?', the help) sent every ~0.4 s
                                           and timed until the screen shows it
  ui-base the same with --base BIN       another build of httpstep (the one
                                           before a change), interleaved with ui
                                           in every round: before and after on
                                           the same load, in one run
For each: the packets offered (the namespace's lo rx counter while the
capturer runs: every packet there is port-80 traffic), the rate offered over
the load's duration, what the capturer read, what the kernel dropped
(pcap_stats: tcpdump's 'dropped by kernel', httpstep's stats 'dropped', the
UI's status line), the capturer's CPU (user+sys over the load, from
/proc/PID/stat), its peak RSS (VmHWM) and RSS every 5 s, and the machine's
load (/proc/loadavg before and after, and the busiest processes outside).

Kept up: read == offered and dropped == 0.

Environment: LIVE_SECONDS, LIVE_ROUNDS (default 2), LIVE_BUFFER_KIB (-B for
tcpdump and httpstep alike, default 8192: httpstep's default; 0 gives each
tool its own default, tcpdump's being 2 MiB), LIVE_CONNS=8, LIVE_THREADS=2, LIVE_MIX=mixed
(or 'large': 1 MiB bodies only, the most packets per request), LIVE_MODES.
Needs root and: ip ethtool nginx wrk tcpdump tmux.
Prints Markdown on stdout; progress goes to stderr. Exit 0 when every run
finished (targets are reported, not enforced), 1 on a setup error, 2 on usage.
"""
import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PROG = "live-bench.py"
TARGET_PPS = 88000
KEY_TARGET_MS = 100
HELP_MARK = "closes this help"
TICK = os.sysconf("SC_CLK_TCK")


def say(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def die(msg):
    say(msg)
    sys.exit(1)


# ------------------------------------------------------------------ content
WORDS = ("the a request response header server client body chunk stream segment window "
         "close keep alive gzip content length type cache control date host agent accept "
         "encoding transfer status ok found lorem ipsum dolor sit amet elit sed tempor").split()


def text(n, seed):
    """pseudo-English text of n bytes (gzip makes it ~3x smaller)"""
    rnd = random.Random(seed)
    out, line, size = [], [], 0
    while size < n:
        w = rnd.choice(WORDS)
        if rnd.random() < 0.1:
            w += str(rnd.randrange(10000))
        line.append(w)
        if sum(len(x) + 1 for x in line) >= 72:
            s = " ".join(line) + "\n"
            out.append(s)
            size += len(s)
            line = []
    return "".join(out)[:n].encode()


def make_site(www, mix):
    """the files nginx serves; returns the paths wrk asks for (weighted)"""
    paths = []
    rnd = random.Random(42)

    def put(rel, data, weight):
        p = os.path.join(www, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        paths.extend(["/" + rel] * weight)

    if mix == "large":
        put("l/log.txt", text(1 << 20, 300), 1)
        put("l/video.bin", rnd.randbytes(1 << 20), 1)
        return paths
    for i in range(8):
        put(f"s/page{i}.html", text(1024, i), 3)
        put(f"s/icon{i}.png", rnd.randbytes(1024), 3)
    for i in range(4):
        put(f"m/app{i}.js", text(51200, 100 + i), 2)
        put(f"m/photo{i}.jpg", rnd.randbytes(51200), 2)
    put("l/log.txt", text(1 << 20, 300), 1)
    put("l/video.bin", rnd.randbytes(1 << 20), 1)
    return paths


NGINX_CONF = """worker_processes 1;
daemon off;
user nobody nogroup;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    gzip on;
    gzip_comp_level 1;
    gzip_min_length 512;
    gzip_types text/plain text/css application/javascript;
    server {{
        listen 127.0.0.1:80 backlog=4096;
        root {www};
    }}
}}
"""

WRK_LUA = """local paths = {{{paths}}}
local counter = 0
setup = function(thread) counter = counter + 1; thread:set("id", counter) end
init = function(args) math.randomseed(1000 + (id or 0)) end
request = function()
    local h = {{["User-Agent"] = "wrk-live-bench", ["Accept"] = "*/*"}}
    if math.random() < 0.5 then h["Accept-Encoding"] = "gzip" end
    return wrk.format("GET", paths[math.random(#paths)], h)
end
"""


# ------------------------------------------------------------ /proc readers
def proc_cpu(pid):
    """user+sys seconds of pid (its own, not its children's)"""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return None


def proc_wait(pid):
    """seconds pid spent runnable but waiting for a CPU (/proc/PID/schedstat)"""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def proc_status(pid, key):
    """a kB field of /proc/PID/status (VmRSS, VmHWM), in KiB"""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def lo_rx_packets(ns_pid):
    """the namespace's loopback: packets received (each packet once)"""
    with open(f"/proc/{ns_pid}/net/dev") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name.strip() == "lo":
                return int(rest.split()[1])
    raise RuntimeError("no lo in the namespace's /proc/net/dev")


def has_packet_socket(pid, ns_pid):
    """pid holds an AF_PACKET socket: the capture is open"""
    try:
        with open(f"/proc/{ns_pid}/net/packet") as f:
            inodes = {line.split()[-1] for line in list(f)[1:]}
        for fd in os.listdir(f"/proc/{pid}/fd"):
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
            if link.startswith("socket:[") and link[8:-1] in inodes:
                return True
    except OSError:
        pass
    return False


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def busiest(exclude):
    """the processes using the most CPU right now (over 0.5 s), outside ours"""
    def snap():
        out = {}
        for d in os.listdir("/proc"):
            if d.isdigit() and int(d) not in exclude:
                c = proc_cpu(int(d))
                if c is not None:
                    try:
                        with open(f"/proc/{d}/comm") as f:
                            out[int(d)] = (c, f.read().strip())
                    except OSError:
                        pass
        return out
    a = snap()
    time.sleep(0.5)
    b = snap()
    use = []
    for pid, (c, name) in b.items():
        if pid in a:
            pct = (c - a[pid][0]) / 0.5 * 100
            if pct >= 5:
                use.append((pct, name))
    use.sort(reverse=True)
    return ", ".join(f"{name} {pct:.0f}%" for pct, name in use[:6]) or "nothing over 5%"


# --------------------------------------------------------------- the bench
class Bench:
    def __init__(self, args):
        self.a = args
        self.ns = f"httpstep-live-{os.getpid()}"
        self.work = tempfile.mkdtemp(prefix="httpstep-live.")
        os.chmod(self.work, 0o755)
        self.procs = []          # (Popen) we started, stopped by PID in reverse order
        self.nginx = None
        self.tmux_sock = os.path.join(self.work, "tmux.sock")
        self.results = []
        self.ours = {os.getpid()}

    def nsexec(self, *cmd):
        return ["ip", "netns", "exec", self.ns] + list(cmd)

    def start(self, cmd, **kw):
        p = subprocess.Popen(cmd, **kw)
        self.procs.append(p)
        self.ours.add(p.pid)
        return p

    def stop(self, p, sig=signal.SIGINT, wait=10):
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(wait)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def setup(self):
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        subprocess.run(self.nsexec("ip", "link", "set", "lo", "up", "mtu", "1500"), check=True)
        r = subprocess.run(self.nsexec("ethtool", "-K", "lo", "tso", "off", "gso", "off", "gro",
                                       "off"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            say("warning: ethtool -K lo failed: frames may exceed the MTU")
        www = os.path.join(self.work, "www")
        paths = make_site(www, self.a.mix)
        subprocess.run(["chmod", "-R", "a+rX", www], check=True)
        conf = os.path.join(self.work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(work=self.work, www=www))
        with open(os.path.join(self.work, "load.lua"), "w") as f:
            f.write(WRK_LUA.format(paths=", ".join(f'"{p}"' for p in paths)))
        self.nginx = self.start(self.nsexec("nginx", "-c", conf, "-p", self.work))
        for _ in range(100):
            probe = "import socket; socket.create_connection(('127.0.0.1', 80), 1).close()"
            if subprocess.run(self.nsexec(sys.executable, "-c", probe),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.1)
        # the namespace's /proc/net: nginx's master lives in it
        self.ns_pid = self.nginx.pid
        for _ in range(50):
            try:
                lo_rx_packets(self.ns_pid)
                break
            except (OSError, RuntimeError):
                time.sleep(0.1)

    def cleanup(self):
        subprocess.run(["tmux", "-S", self.tmux_sock, "kill-server"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for p in reversed(self.procs[:]):
            self.stop(p, signal.SIGTERM if p is not self.nginx else signal.SIGQUIT)
        subprocess.run(["ip", "netns", "delete", self.ns], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.work, ignore_errors=True)

    # ------------------------------------------------------------ tmux
    def tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.tmux_sock, "-f", "/dev/null"] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              timeout=20).stdout

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "b")

    # ------------------------------------------------------- capturers
    def buffer_args(self):
        if not self.a.buffer_kib:
            return []
        return ["-B", str(self.a.buffer_kib)]

    def start_capturer(self, mode, out):
        a = self.a
        if mode == "floor":
            cmd = self.nsexec("tcpdump", "-i", "lo", "-nn", "-s", "262144", "-Z", "root",
                              *self.buffer_args(), "-w", "/dev/null", "tcp port 80")
            p = self.start(cmd, stdout=subprocess.DEVNULL, stderr=open(out + ".err", "w"))
            return p, p.pid
        if mode in ("stats", "json"):
            cmd = self.nsexec(a.httpstep, "-i", "lo", "--" + mode, *self.buffer_args())
            p = self.start(cmd, stdout=open(out, "w"), stderr=open(out + ".err", "w"))
            return p, p.pid
        # ui: in tmux, started inside the namespace, the pane's process is httpstep
        self.tmux("kill-server")
        binary = a.base if mode == "ui-base" else a.httpstep
        cmd = " ".join(self.nsexec(binary, "--lang", "en", "-i", "lo", *self.buffer_args()))
        self.tmux("new-session", "-d", "-s", "b", "-x", "160", "-y", "40",
                  f"LANG=C.UTF-8 TERM=xterm-256color exec {cmd}")
        pid = None
        for _ in range(100):
            s = self.tmux("display", "-p", "-t", "b", "#{pane_pid}").strip()
            if s.isdigit():
                pid = int(s)
                break
            time.sleep(0.05)
        if pid is None:
            raise RuntimeError("tmux did not start httpstep")
        # ip netns exec execs: the pane's pid becomes httpstep
        self.ours.add(pid)
        return None, pid

    def run_one(self, mode, rnd):
        a = self.a
        out = os.path.join("/dev/shm" if mode == "json" else self.work, f"{self.ns}-{mode}-{rnd}")
        load_before = loadavg()
        others = busiest(self.ours)
        p, pid = self.start_capturer(mode, out)
        t_open = time.monotonic()
        while not has_packet_socket(pid, self.ns_pid):
            if (p and p.poll() is not None) or time.monotonic() - t_open > 10:
                raise RuntimeError(f"{mode}: the capture did not start ("
                                   + (open(out + ".err").read().strip() if p else "ui") + ")")
            time.sleep(0.02)
        time.sleep(0.5)  # past libpcap's setup (the filter is set after the socket opens)
        rx0 = lo_rx_packets(self.ns_pid)
        cpu0, wait0 = proc_cpu(pid), proc_wait(pid)
        wrk = self.start(self.nsexec("wrk", f"-t{a.threads}", f"-c{a.conns}", f"-d{a.seconds}s",
                                     "--timeout", "5s", "-s", os.path.join(self.work, "load.lua"),
                                     "http://127.0.0.1/"),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t0 = time.monotonic()
        rss_trace, keys = [], []
        next_rss = t0
        next_key = t0 + 1.0
        while wrk.poll() is None:
            now = time.monotonic()
            if now >= next_rss:
                rss_trace.append((round(now - t0), proc_status(pid, "VmRSS")))
                next_rss += 5
            if mode in ("ui", "ui-base") and now >= next_key:
                lat = self.key_probe()
                if lat is not None:
                    keys.extend(lat)
                next_key = time.monotonic() + 0.4
            time.sleep(0.05)
        t1 = time.monotonic()
        wrk_out = wrk.stdout.read()
        self.procs.remove(wrk)
        time.sleep(1.0)  # the capturer reads what the ring still holds
        rx1 = lo_rx_packets(self.ns_pid)
        cpu1, wait1 = proc_cpu(pid), proc_wait(pid)
        hwm = proc_status(pid, "VmHWM")
        rss_trace.append((round(time.monotonic() - t0), proc_status(pid, "VmRSS")))
        res = {"mode": mode, "round": rnd, "offered": rx1 - rx0, "secs": t1 - t0,
               "cpu": (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None,
               "wait": (wait1 - wait0) if wait0 is not None and wait1 is not None else None,
               "hwm": hwm, "rss": rss_trace, "keys": keys, "load_before": load_before,
               "others": others}
        m = re.search(r"Requests/sec:\s*([\d.]+)", wrk_out)
        res["reqs"] = float(m.group(1)) if m else None
        if mode in ("ui", "ui-base"):
            s = self.screen()
            m = re.search(r"live on \S+: (\d+) packets, (\d+) dropped", s)
            res["read"], res["dropped"] = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            self.tmux("send-keys", "-t", "b", "q")
            for _ in range(100):
                if not os.path.exists(f"/proc/{pid}"):
                    break
                time.sleep(0.05)
            self.tmux("kill-server")
        else:
            self.stop(p)
            if mode == "floor":
                err = open(out + ".err").read()
                m1 = re.search(r"(\d+) packets captured", err)
                m2 = re.search(r"(\d+) packets dropped by kernel", err)
                res["read"] = int(m1.group(1)) if m1 else None
                res["dropped"] = int(m2.group(1)) if m2 else None
            else:
                last = ""
                with open(out, "rb") as f:
                    f.seek(0, os.SEEK_END)
                    f.seek(max(0, f.tell() - 4096))
                    tail = f.read().decode("utf-8", "replace").strip().splitlines()
                    last = tail[-1] if tail else ""
                m1 = re.search(r'"frames":(\d+)', last)
                m2 = re.search(r'"dropped":(\d+)', last)
                res["read"] = int(m1.group(1)) if m1 else None
                res["dropped"] = int(m2.group(1)) if m2 else None
                res["exit"] = p.returncode
        for f in (out, out + ".err"):
            if os.path.exists(f):
                os.unlink(f)
        res["load_after"] = loadavg()
        return res

    def key_probe(self):
        """'?' opens the help, 'q' closes it: each timed until the screen shows it"""
        lats = []
        for key, want in (("?", True), ("q", False)):
            t = time.monotonic()
            self.tmux("send-keys", "-t", "b", key)
            while True:
                shown = HELP_MARK in self.screen()
                if shown == want:
                    lats.append((time.monotonic() - t) * 1000)
                    break
                if time.monotonic() - t > 5:
                    if want:
                        return lats      # never opened: do not send 'q' (it would quit)
                    lats.append(5000.0)
                    return lats
        return lats


# ------------------------------------------------------------------ report
def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    f = int(k)
    return xs[f] + (xs[min(f + 1, len(xs) - 1)] - xs[f]) * (k - f)


def report(b, results):
    a = b.a
    label = {"floor": "tcpdump -w /dev/null (floor)", "stats": "httpstep -i lo --stats",
             "json": "httpstep -i lo --json (to tmpfs)", "ui": "httpstep -i lo (UI in tmux)",
             "ui-base": "--base: httpstep -i lo (UI in tmux)"}
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    print("## httpstep live at loopback rate\n")
    print(f"- machine: {os.cpu_count()} CPUs, {cpu}, Linux {os.uname().release}; "
          "the load generator (nginx, wrk) runs on the same CPUs as the capturer")
    print(f"- load: wrk -t{a.threads} -c{a.conns} keep-alive, {a.seconds} s per run, mix "
          f"'{a.mix}', in a network namespace, lo MTU 1500, TSO/GSO/GRO off; "
          f"capture buffer: {str(a.buffer_kib) + ' KiB (-B)' if a.buffer_kib else 'each tool default'}")
    print(f"- rounds: {a.rounds}, modes interleaved; target >= {TARGET_PPS} packets/s offered "
          "with nothing missed or dropped\n")
    print("| mode | round | offered pkts | offered pkts/s | req/s | read | missed | dropped "
          "(pcap_stats) | kept up | CPU % | waited for a CPU % | peak RSS (MiB) | "
          "loadavg before -> after |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|")
    for r in results:
        pps = r["offered"] / r["secs"] if r["secs"] else 0
        missed = (r["offered"] - r["read"]) if r.get("read") is not None else None
        kept = (r.get("read") is not None and r.get("dropped") == 0 and missed is not None
                and missed <= 0)
        cpu = f"{100 * r['cpu'] / r['secs']:.0f}" if r["cpu"] is not None else "-"
        wait = f"{100 * r['wait'] / r['secs']:.0f}" if r["wait"] is not None else "-"
        hwm = f"{r['hwm'] / 1024:.1f}" if r["hwm"] else "-"
        reqs = f"{r['reqs']:.0f}" if r["reqs"] else "-"
        print(f"| {label[r['mode']]} | {r['round']} | {r['offered']} | {pps:.0f} | {reqs} | "
              f"{r.get('read', '-')} | {missed if missed is not None else '-'} | "
              f"{r.get('dropped', '-')} | {'yes' if kept else 'NO'} | {cpu} | {wait} | {hwm} | "
              f"{r['load_before']} -> {r['load_after']} |")
    print("\nCPU %: the capturer's user+sys over the load's duration; waited: the time it "
          "was ready to run but every CPU was taken (/proc/PID/schedstat), the machine's "
          "share of any drop.")
    print("\nBusiest other processes when each run started (CPU % of one core):\n")
    for r in results:
        print(f"- {r['mode']} round {r['round']}: {r['others']}")
    uis = [m for m in ("ui-base", "ui") if any(r["mode"] == m for r in results)]
    if any(r["keys"] for r in results):
        print(f"\n### The UI under that load: a key ('?' opens the help, 'q' closes it) "
              f"until tmux shows the change\n")
        print("| build | presses | min | median | p90 | p99 | max (ms) | within "
              f"{KEY_TARGET_MS} ms | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in uis:
        keys = [k for r in results if r["mode"] == m for k in r["keys"]]
        if not keys:
            continue
        hwm = max((r["hwm"] or 0) for r in results if r["mode"] == m)
        within = sum(1 for k in keys if k <= KEY_TARGET_MS)
        name = f"--base {a.base}" if m == "ui-base" else a.httpstep
        print(f"| {name} | {len(keys)} | {min(keys):.0f} | {statistics.median(keys):.0f} | "
              f"{pct(keys, 90):.0f} | {pct(keys, 99):.0f} | {max(keys):.0f} | "
              f"{within}/{len(keys)} | {hwm / 1024:.1f} |")
    if any(r["keys"] for r in results):
        print("\n(Measured by polling `tmux capture-pane` in a loop: includes tmux's own "
              "delay and the poll's, an upper bound of httpstep's answer.)")
    print("\n### RSS over the run (MiB at seconds since the load started)\n")
    for r in results:
        if r["mode"] == "floor":
            continue
        trace = ", ".join(f"{t}s {v / 1024:.1f}" for t, v in r["rss"] if v)
        print(f"- {r['mode']} round {r['round']}: {trace}")


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    ap.add_argument("httpstep")
    ap.add_argument("-d", "--seconds", type=int, default=int(os.environ.get("LIVE_SECONDS", 30)))
    ap.add_argument("-n", "--rounds", type=int, default=int(os.environ.get("LIVE_ROUNDS", 2)))
    ap.add_argument("-B", "--buffer-kib", type=int,
                    default=int(os.environ.get("LIVE_BUFFER_KIB", 8192)))
    ap.add_argument("-m", "--modes", default=os.environ.get("LIVE_MODES", "floor,stats,json,ui"))
    ap.add_argument("--conns", type=int, default=int(os.environ.get("LIVE_CONNS", 8)))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("LIVE_THREADS", 2)))
    ap.add_argument("--mix", choices=("mixed", "large"), default=os.environ.get("LIVE_MIX", "mixed"))
    ap.add_argument("--base", default=os.environ.get("LIVE_BASE"),
                    help="another httpstep whose UI runs too (mode ui-base, before ui)")
    try:
        a = ap.parse_args()
    except SystemExit as e:
        sys.exit(2 if e.code else 0)
    if a.seconds < 1 or a.rounds < 1 or a.buffer_kib < 0:
        ap.print_usage(sys.stderr)
        sys.exit(2)
    modes = a.modes.split(",")
    if any(m not in ("floor", "stats", "json", "ui", "ui-base") for m in modes):
        die(f"unknown mode in '{a.modes}' (floor, stats, json, ui, ui-base)")
    if a.base:
        a.base = os.path.abspath(a.base)
        if not os.access(a.base, os.X_OK):
            die(f"--base '{a.base}' is not an executable file")
        if "ui" in modes and "ui-base" not in modes:
            modes.insert(modes.index("ui"), "ui-base")
    elif "ui-base" in modes:
        die("mode ui-base needs --base BIN")
    a.httpstep = os.path.abspath(a.httpstep)
    if not os.access(a.httpstep, os.X_OK):
        die(f"'{a.httpstep}' is not an executable file")
    if os.geteuid() != 0:
        die("needs root (network namespace, capture)")
    missing = [t for t in ("ip", "ethtool", "nginx", "wrk", "tcpdump", "tmux")
               if not shutil.which(t)]
    if missing:
        die("missing tools: " + " ".join(missing) +
            " (Debian: apt-get install iproute2 ethtool nginx-light wrk tcpdump tmux)")
    b = Bench(a)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = []
    try:
        b.setup()
        for rnd in range(1, a.rounds + 1):
            for mode in modes:
                r = b.run_one(mode, rnd)
                pps = r["offered"] / r["secs"]
                say(f"round {rnd}/{a.rounds} {mode}: {r['offered']} packets offered "
                    f"({pps:.0f}/s), read {r.get('read')}, dropped {r.get('dropped')}, "
                    f"load {r['load_before']} -> {r['load_after']}")
                results.append(r)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        b.cleanup()
    report(b, results)


if __name__ == "__main__":
    main()
