#!/usr/bin/env python3
"""Live capture on loopback: real servers and clients, started here and
stopped by PID, every step bounded in time.

- python3 http.server and nginx on free ports on 127.0.0.1 and ::1;
  `httpstep -i lo -p PORT --json -c N -w FILE` while curl sends a GET, a POST
  and several URLs on one keep-alive connection: every exchange appears with
  its method, target and status, each line as soon as it is complete; and the
  JSON replayed from the -w file equals the live JSON.
- headless chromium loads a page with sub-resources from nginx: all of its
  requests appear, on their parallel connections.
- the UI in tmux during live traffic shows a new exchange and follows it; and
  on the same traffic, the UI's list and `--json` hold the same exchanges.
- privilege drop: after opening the interface, the process runs as the -Z user.
Needs root (to capture); skips otherwise.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("HTTPSTEP") or os.path.join(TOP, "httpstep")
SLOW = 3 if "san" in BIN else 1
failures = []
procs = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def free_port():
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.bind(("::", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_port(host, port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def curl(*args):
    return subprocess.run(["curl", "-s", "--max-time", "10"] + list(args), timeout=20,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def capture(port, count, wfile, clients, extra=()):
    """Run httpstep live until `count` exchanges, while clients() runs."""
    args = [BIN, "-i", "lo", "-p", str(port), "--json", "-c", str(count), "--duration",
            str(30 * SLOW)] + list(extra)
    if wfile:
        args += ["-w", wfile]
    hs = start(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # the capture line comes first, flushed at once: then it is listening
    first = hs.stdout.readline()
    if not first.startswith('{"type":"capture"'):
        fail("live: no capture line first (%r, %s)" % (first, hs.stderr.read() if hs.poll() else ""))
        stop(hs)
        return []
    time.sleep(0.3)
    clients()
    try:
        out, err = hs.communicate(timeout=40 * SLOW)
    except subprocess.TimeoutExpired:
        stop(hs)
        fail("live: httpstep did not stop after %d exchanges" % count)
        return []
    if hs.returncode != 0:
        fail("live: httpstep exited %d: %s" % (hs.returncode, err.strip()))
    return [json.loads(first)] + [json.loads(l) for l in out.splitlines()]


def exchanges(lines):
    return [((l["request"] or {}).get("method"), (l["request"] or {}).get("target"),
             (l["response"] or {}).get("status"), l["conn"]) for l in lines if l["type"] == "exchange"]


def nginx(tmp, port):
    root = os.path.join(tmp, "www")
    os.makedirs(root)
    open(os.path.join(root, "page.html"), "w").write(
        "<!DOCTYPE html><html><head><title>live</title><link rel=stylesheet href=style.css>"
        "<script src=app.js></script></head><body><h1>Hello</h1><img src=a.png><img src=b.png>"
        "</body></html>\n")
    open(os.path.join(root, "style.css"), "w").write("h1 { color: navy; }\n")
    open(os.path.join(root, "app.js"), "w").write("document.title = 'live!';\n")
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cf000000030101005fe5c3"
                        "a00000000049454e44ae426082")
    for n in ("a.png", "b.png", "favicon.ico"):
        open(os.path.join(root, n), "wb").write(png)
    conf = os.path.join(tmp, "nginx.conf")
    open(conf, "w").write("""
user root;
worker_processes 1;
pid %s/nginx.pid;
error_log %s/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %s/body;
    proxy_temp_path %s/proxy;
    fastcgi_temp_path %s/fcgi;
    uwsgi_temp_path %s/uwsgi;
    scgi_temp_path %s/scgi;
    types { text/html html; text/css css; application/javascript js; image/png png; }
    server {
        listen 127.0.0.1:%d;
        listen [::1]:%d;
        root %s;
        keepalive_timeout 2s;
    }
}
""" % ((tmp,) * 7 + (port, port, root)))
    return start(["nginx", "-p", tmp, "-c", conf, "-g", "daemon off;"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    if os.geteuid() != 0:
        print("live capture needs root (run make check as root)")
        return 77
    for tool in ("curl", "nginx"):
        if not shutil.which(tool):
            print("%s is not installed" % tool)
            return 77
    tmp = tempfile.mkdtemp(prefix="httpstep-live.")
    os.chmod(tmp, 0o755)
    try:
        # 1. python3 http.server on 127.0.0.1 and ::1
        port = free_port()
        www = os.path.join(tmp, "py")
        os.makedirs(www)
        open(os.path.join(www, "a.txt"), "w").write("alpha\n")
        open(os.path.join(www, "b.txt"), "w").write("bravo\n")
        py = start([sys.executable, "-m", "http.server", str(port), "--bind", "::", "-d", www],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_port("127.0.0.1", port):
            fail("python http.server did not start")
            return 1
        wfile = os.path.join(tmp, "live.pcap")

        def clients():
            curl("http://127.0.0.1:%d/a.txt" % port)
            curl("-d", "username=jinqiao&password=1234", "http://[::1]:%d/form" % port)
            curl("http://127.0.0.1:%d/a.txt" % port, "http://127.0.0.1:%d/b.txt" % port,
                 "http://127.0.0.1:%d/nothere" % port)

        live = capture(port, 5, wfile, clients)
        got = [(m, t, s) for m, t, s, _ in exchanges(live)]
        want = [("GET", "/a.txt", 200), ("POST", "/form", 501), ("GET", "/a.txt", 200),
                ("GET", "/b.txt", 200), ("GET", "/nothere", 404)]
        if got != want:
            fail("python http.server: exchanges %r, want %r" % (got, want))
        if live and live[-1]["type"] != "stats":
            fail("live: the last line is not the stats line")
        # the same JSON from the saved file (but the capture line's source, and stats)
        rep = subprocess.run([BIN, "-r", wfile, "-p", str(port), "--json", "-c", "5"],
                             stdout=subprocess.PIPE, timeout=30).stdout.decode()
        rep = [json.loads(l) for l in rep.splitlines()]
        strip = lambda ls: [l for l in ls if l["type"] not in ("capture", "stats")]
        if strip(rep) != strip(live):
            fail("the JSON replayed from -w differs from the live JSON (%d vs %d lines)"
                 % (len(strip(rep)), len(strip(live))))
        stop(py)

        # 2. nginx, IPv4 and IPv6, keep-alive
        port = free_port()
        ng = nginx(tmp, port)
        if not wait_port("127.0.0.1", port):
            fail("nginx did not start")
            return 1

        def clients2():
            curl("http://127.0.0.1:%d/page.html" % port, "http://127.0.0.1:%d/style.css" % port)
            curl("-6", "http://[::1]:%d/app.js" % port)

        live = capture(port, 3, None, clients2)
        got = [(m, t, s) for m, t, s, _ in exchanges(live)]
        want = [("GET", "/page.html", 200), ("GET", "/style.css", 200), ("GET", "/app.js", 200)]
        if got != want:
            fail("nginx: exchanges %r, want %r" % (got, want))
        conns = {c for _, _, _, c in exchanges(live)}
        if len(conns) != 2:
            fail("nginx: the keep-alive pair should share a connection (%d connections)" % len(conns))

        # 3. headless chromium: the page and its sub-resources on parallel connections
        chrome = shutil.which("chromium") or shutil.which("chromium-browser")
        if chrome:
            prof = tempfile.mkdtemp(dir=tmp)

            def browser():
                subprocess.run(["timeout", str(60 * SLOW), chrome, "--headless", "--no-sandbox",
                                "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", "--user-data-dir=" + prof, "--dump-dom",
                                "http://127.0.0.1:%d/page.html" % port],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            live = capture(port, 6, None, browser)
            targets = sorted(t for _, t, _, _ in exchanges(live))
            for t in ("/page.html", "/style.css", "/app.js", "/a.png", "/b.png"):
                if t not in targets:
                    fail("chromium: %s does not appear (got %r)" % (t, targets))
            if len({c for _, _, _, c in exchanges(live)}) < 2:
                fail("chromium: expected several parallel connections")
        else:
            print("chromium is not installed: its part is not run")

        # 4. the UI in tmux follows a new exchange
        if shutil.which("tmux"):
            sock = os.path.join(tmp, "tmux.sock")
            tm = lambda *a: subprocess.run(["tmux", "-S", sock, "-f", "/dev/null"] + list(a),
                                           stdout=subprocess.PIPE, text=True, timeout=20).stdout
            tm("new-session", "-d", "-s", "live", "-x", "100", "-y", "30",
               "cd %s && LANG=C.UTF-8 TERM=xterm-256color %s -i lo -p %d --lang en; sleep 30"
               % (TOP, BIN, port))
            end = time.time() + 10 * SLOW
            while time.time() < end and "live on lo" not in tm("capture-pane", "-p", "-t", "live"):
                time.sleep(0.1)
            curl("http://127.0.0.1:%d/style.css" % port)
            s = ""
            end = time.time() + 10 * SLOW
            while time.time() < end:
                s = tm("capture-pane", "-p", "-t", "live")
                if "/style.css" in s and "Step" in s:
                    break
                time.sleep(0.1)
            if "/style.css" not in s:
                fail("the live UI does not show the new exchange:\n" + s)
            curl("http://127.0.0.1:%d/app.js" % port)
            end = time.time() + 10 * SLOW
            while time.time() < end:
                s = tm("capture-pane", "-p", "-t", "live")
                if "/app.js" in s and "exchange 2/2" in s:
                    break
                time.sleep(0.1)
            if "exchange 2/2" not in s:
                fail("the live UI does not follow to the newest exchange:\n" + s)
            if "httpstep │ interface lo" not in s.splitlines()[0]:
                fail("the live UI's title does not name the interface:\n" + s)
            tm("send-keys", "-t", "live", "q")
            time.sleep(0.5)
            tm("kill-server")

            sock = os.path.join(tmp, "tmux2.sock")  # a server of its own: the last one is ending
            # 4b. one pipeline: on the same live traffic the UI and --json list the
            # same exchanges (a filter expression, no -p: HTTP is found by its first
            # bytes in both; a connection that is not HTTP shows in neither)
            tm("new-session", "-d", "-s", "same", "-x", "120", "-y", "40",
               "cd %s && LANG=C.UTF-8 TERM=xterm-256color %s -i lo --lang en tcp port %d; sleep 30"
               % (TOP, BIN, port))
            end = time.time() + 10 * SLOW
            while time.time() < end and "live on lo" not in tm("capture-pane", "-p", "-t", "same"):
                time.sleep(0.1)
            jp = start([BIN, "-i", "lo", "--json", "--duration", str(8 * SLOW), "tcp port %d" % port],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            jp.stdout.readline()  # the capture line: the interface is open
            curl("http://127.0.0.1:%d/page.html" % port, "http://127.0.0.1:%d/style.css" % port)
            curl("-I", "http://127.0.0.1:%d/app.js" % port)
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                raw.sendall(b"\x00\x01 not http\r\n\r\n")  # nginx closes it: no HTTP
                try:
                    raw.recv(100)
                except OSError:
                    pass
            curl("-d", "a=1", "http://127.0.0.1:%d/form" % port)
            try:
                out, _ = jp.communicate(timeout=20 * SLOW)
            except subprocess.TimeoutExpired:
                jp.kill()
                out, _ = jp.communicate()
            lines = [json.loads(l) for l in out.splitlines() if l.strip()]
            want = [(m, t) for m, t, _, _ in exchanges(lines)]
            tm("send-keys", "-t", "same", "z")  # the list, zoomed: every row
            rows = []
            end = time.time() + 10 * SLOW
            while time.time() < end:
                s = tm("capture-pane", "-p", "-t", "same")
                rows = []
                for line in s.splitlines()[1:]:
                    m = re.match(r"\s*\d+\s+(?:\d+|│)\s+(?:\S+ (?:→|->) \S+\s+)?([A-Z]+)\s+(\S+)", line)
                    if m:
                        rows.append((m.group(1), m.group(2)))
                if len(rows) >= len(want):
                    break
                time.sleep(0.2)
            if len(want) != 4 or sorted(rows) != sorted(want):
                fail("the live UI and --json list different exchanges: UI %r, JSON %r\n%s"
                     % (rows, want, s))
            tm("send-keys", "-t", "same", "q")
            time.sleep(0.5)
            tm("kill-server")
        stop(ng)

        # 5. Ctrl-C: the stats line is written and the -w file is a whole capture
        port = free_port()
        py = start([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", www],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port("127.0.0.1", port)
        wfile = os.path.join(tmp, "interrupted.pcap")
        hs = start([BIN, "-i", "lo", "-p", str(port), "--json", "-w", wfile], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, text=True)
        hs.stdout.readline()
        time.sleep(0.3)
        curl("http://127.0.0.1:%d/a.txt" % port)
        time.sleep(0.5 * SLOW)
        hs.send_signal(signal.SIGINT)
        try:
            out, _ = hs.communicate(timeout=10 * SLOW)
            lines = [json.loads(l) for l in out.splitlines()]
            if not lines or lines[-1]["type"] != "stats" or hs.returncode != 0:
                fail("Ctrl-C: no stats line at the end, or exit %s" % hs.returncode)
            if not any(l["type"] == "exchange" for l in lines):
                fail("Ctrl-C: the exchange before it is missing")
            rep = subprocess.run([BIN, "-r", wfile, "-p", str(port), "--stats"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, timeout=30)
            if rep.returncode != 0 or json.loads(rep.stdout)["exchanges"] != 1:
                fail("Ctrl-C: the -w file is not a whole capture: %s" % rep.stderr.decode().strip())
        except subprocess.TimeoutExpired:
            fail("Ctrl-C did not stop a live capture")
        stop(py)

        # 6. privilege drop: after opening the interface, the -Z user's uid
        hs = start([BIN, "-i", "lo", "-p", str(free_port()), "-Z", "nobody", "--json",
                    "--duration", str(5 * SLOW)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        hs.stdout.readline()  # the capture line: the interface is open
        uid = None
        for line in open("/proc/%d/status" % hs.pid):
            if line.startswith("Uid:"):
                uid = line.split()[1:3]
        stop(hs)
        import pwd
        nobody = str(pwd.getpwnam("nobody").pw_uid)
        if uid != [nobody, nobody]:
            fail("-Z nobody: the process runs as uid %r, want %s" % (uid, nobody))
        # under sudo: SUDO_UID/SUDO_GID
        env = dict(os.environ, SUDO_UID=nobody, SUDO_GID=str(pwd.getpwnam("nobody").pw_gid))
        hs = start([BIN, "-i", "lo", "-p", str(free_port()), "--json", "--duration", str(5 * SLOW)],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        hs.stdout.readline()
        for line in open("/proc/%d/status" % hs.pid):
            if line.startswith("Uid:"):
                uid = line.split()[1:3]
        stop(hs)
        if uid != [nobody, nobody]:
            fail("SUDO_UID: the process runs as uid %r, want %s" % (uid, nobody))
    finally:
        for p in procs:
            stop(p)
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        return 1
    print("live checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
