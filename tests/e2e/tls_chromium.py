#!/usr/bin/env python3
"""tests/e2e/tls_chromium.py - a real browser's HTTPS, decrypted, against tshark.

In a network namespace of its own (on its loopback), nginx serves a small page (HTML, a
style sheet, a script, an image) over TLS with a self-signed certificate, HTTP/2 and
HTTP/1.1 (ALPN). Debian's headless Chromium loads it three times, with its key log
(SSLKEYLOGFILE and --ssl-key-log-file) written to a file: as it comes (HTTP/2, TLS 1.3),
with --disable-http2 (HTTP/1.1), and from a port that speaks TLS 1.2 only (HTTP/2, the
CLIENT_RANDOM master secret); tcpdump captures each load. Then, per capture:

  decrypted   `httpstep --json --keylog K` decrypts every TLS connection
              (conn_end.tls.decrypted, no `encrypted` stage), with the TLS stages
  exchanges   every exchange equals tshark's (`-o tls.keylog_file:K`, a test-only
              oracle) field by field, as json_tshark.py compares them (HTTP/2: per
              stream; HTTP/1.1: per connection, in order), and the page's four files
              are among them
  protocol    HTTP/2 or HTTP/1.1 (conn_end.protocol) and the TLS version, as asked
  key lines   the explanations (--md, in English and in Chinese) name the key log line
              that decrypted each part, and each line named holds that label

KEEP=1 keeps the temporary folder (captures, key logs). Needs root (ip netns), chromium, nginx, tcpdump, tshark, openssl; exit 77 without them.
Bounded: every process runs under `timeout` and is stopped by its PID; the namespace and
the temporary folder are removed at the end.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import json_tshark  # noqa: E402  (the comparison with tshark)

HTTPSTEP = json_tshark.HTTPSTEP
PORT = 8443                      # TLS 1.2 and 1.3
PORT12 = 8444                    # TLS 1.2 only
HOST = "class.test"
FILES = {"/": "index.html", "/style.css": "style.css", "/app.js": "app.js",
         "/dot.png": "dot.png"}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63f8cfc0f01f0005000201a5a1d6e80000000049454e44ae426082")


def skip(why):
    print(why)
    sys.exit(77)


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def site(tmp):
    www = os.path.join(tmp, "www")
    os.makedirs(os.path.join(tmp, "logs"))
    os.makedirs(www)
    write(os.path.join(www, "index.html"),
          "<!DOCTYPE html>\n<html><head><title>HTTPS class</title>\n"
          "<link rel=\"stylesheet\" href=\"/style.css\">\n<script src=\"/app.js\"></script>\n"
          "<link rel=\"icon\" href=\"data:,\">\n</head>\n"
          "<body><h1>Hello, HTTPS!</h1><img src=\"/dot.png\" alt=\"dot\"></body></html>\n")
    write(os.path.join(www, "style.css"), "body { font-family: sans-serif; }\n" * 20)
    write(os.path.join(www, "app.js"), "document.title += ' (script ran)';\n")
    write(os.path.join(www, "dot.png"), PNG)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=" + HOST,
                    "-keyout", os.path.join(tmp, "key.pem"), "-out",
                    os.path.join(tmp, "cert.pem")], check=True, capture_output=True, timeout=30)
    conf = os.path.join(tmp, "nginx.conf")
    write(conf, """daemon off;
master_process off;
pid %(t)s/nginx.pid;
error_log %(t)s/logs/error.log notice;
events { worker_connections 64; }
http {
    types { text/html html; text/css css; application/javascript js; image/png png; }
    default_type application/octet-stream;
    access_log %(t)s/logs/access.log;
    client_body_temp_path %(t)s/body;
    proxy_temp_path %(t)s/proxy;
    fastcgi_temp_path %(t)s/fastcgi;
    uwsgi_temp_path %(t)s/uwsgi;
    scgi_temp_path %(t)s/scgi;
    keepalive_timeout 30s;
    server {
        listen 127.0.0.1:%(p)d ssl http2;
        server_name %(h)s;
        ssl_certificate %(t)s/cert.pem;
        ssl_certificate_key %(t)s/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        root %(t)s/www;
    }
    server {
        listen 127.0.0.1:%(p12)d ssl http2;
        server_name %(h)s;
        ssl_certificate %(t)s/cert.pem;
        ssl_certificate_key %(t)s/key.pem;
        ssl_protocols TLSv1.2;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305;
        root %(t)s/www;
    }
}
""" % {"t": tmp, "p": PORT, "p12": PORT12, "h": HOST})
    return conf


class Proc:
    """a process started here, stopped by its PID"""

    def __init__(self, argv, out, err):
        self.p = subprocess.Popen(argv, stdout=out, stderr=err)

    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            os.kill(self.p.pid, sig)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait()


def wait_for(pred, secs):
    end = time.time() + secs
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def load(ns, tmp, name, h2, port):
    """one page load by Chromium, captured: (capture, key log)"""
    cap = os.path.join(tmp, name + ".pcap")
    keys = os.path.join(tmp, name + ".keys")
    err = open(os.path.join(tmp, name + ".tcpdump.err"), "w+")
    dump = Proc(["ip", "netns", "exec", ns, "timeout", "90", "tcpdump", "-i", "lo", "-U",
                 "-s", "0", "-w", cap, "tcp", "port", str(port)], subprocess.DEVNULL, err)
    try:
        if not wait_for(lambda: "listening on" in open(err.name).read(), 15):
            raise RuntimeError("tcpdump did not start: " + open(err.name).read().strip())
        argv = ["ip", "netns", "exec", ns, "env", "SSLKEYLOGFILE=" + keys, "HOME=" + tmp,
                "timeout", "60", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--ignore-certificate-errors",
                "--user-data-dir=" + os.path.join(tmp, "profile-" + name),
                "--host-resolver-rules=MAP %s 127.0.0.1" % HOST,
                "--ssl-key-log-file=" + keys, "--virtual-time-budget=3000", "--dump-dom",
                "https://%s:%d/" % (HOST, port)]
        if not h2:
            argv.insert(argv.index("--disable-gpu"), "--disable-http2")
        r = subprocess.run(argv, capture_output=True, text=True, timeout=90)
        if "Hello, HTTPS!" not in r.stdout:
            raise RuntimeError("chromium (%s) did not load the page: exit %d: %s" %
                               (name, r.returncode, r.stderr.strip()[-600:]))
        time.sleep(1)  # the connection's last packets
    finally:
        dump.stop(signal.SIGINT)
        err.close()
    if not os.path.exists(keys) or not os.path.getsize(keys):
        raise RuntimeError("chromium (%s) wrote no key log" % name)
    return cap, keys


def key_lines(keys):
    with open(keys) as f:
        return {i + 1: line.split(" ", 1)[0] for i, line in enumerate(f)}


def explanations(name, cap, keys, errs):
    """--md in both languages: each secret named with its file and line, and
    that line holds that label"""
    labels = key_lines(keys)
    pats = {"en": re.compile(r"the ([A-Z_0-9]+)(?: master secret)? from (\S+) line (\d+)"),
            "zh": re.compile(r"(\S+)\s*第\s*(\d+)\s*行的(?:主秘密)?\s*([A-Z_0-9]+)")}
    for lang, pat in pats.items():
        r = subprocess.run([HTTPSTEP, "--md", "-", "--lang", lang, "--keylog", keys, cap],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            errs.append("%s: --md --lang %s: exit %d: %s" % (name, lang, r.returncode,
                                                             r.stderr.strip()))
            continue
        # one line, without Markdown's escapes and no-break spaces ("line\xa03")
        text = re.sub(r"\s*\n\s*", " ", r.stdout).replace("\\_", "_").replace("\xa0", " ")
        seen = set()
        for m in pat.finditer(text):
            label, path, line = (m.group(1), m.group(2), m.group(3)) if lang == "en" else \
                (m.group(3), m.group(1), m.group(2))
            if not path.endswith(keys):
                continue
            seen.add(label)
            if labels.get(int(line)) != label:
                errs.append("%s (%s): %s named at line %s of the key log, which holds %s" %
                            (name, lang, label, line, labels.get(int(line))))
        want = {"SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"}
        if "CLIENT_RANDOM" in set(labels.values()) and not want & set(labels.values()):
            want = {"CLIENT_RANDOM"}  # TLS 1.2
        if not want <= seen:
            errs.append("%s (%s): the explanations name %s, not %s" %
                        (name, lang, sorted(seen), sorted(want - seen)))
        print("%-8s %s: the explanations name %d key log labels by line" %
              (name, lang, len(seen)))


def compare(name, cap, keys, h2, version, errs):
    lines = json_tshark.httpstep(cap, keys)
    json_tshark.tls_facts(name, lines, errs, None)
    json_tshark.hello_frames(name, cap, keys, lines, errs)
    counts = {}
    json_tshark.check(name, lines, json_tshark.tshark(cap, keys, []), h2, errs, counts)
    # a connection Chromium opened ahead and never used carries a handshake
    # only (protocol "tls", decrypted as well)
    protos = {x.get("protocol") for x in lines if x["type"] == "conn_end"} - {"tls"}
    versions = {x["tls"]["version"] for x in lines if x["type"] == "conn_end" and "tls" in x}
    if versions != {version}:
        errs.append("%s: TLS versions %s, want %s" % (name, sorted(map(str, versions)), version))
    want = "h2" if h2 else "http/1.1"
    if protos != {want}:
        errs.append("%s: connections of %s, want %s only" % (name, sorted(map(str, protos)),
                                                               want))
    targets = {x["request"]["target"] for x in lines
               if x["type"] == "exchange" and x.get("request")}
    if not set(FILES) <= targets:
        errs.append("%s: the page's files %s not all among the exchanges %s" %
                    (name, sorted(FILES), sorted(targets)))
    ours, theirs = counts.get(name, (0, 0))
    conns = sum(1 for x in lines if x["type"] == "conn_end")
    print("%-8s %d TLS connection(s), httpstep %d exchanges, tshark %d" %
          (name, conns, ours, theirs))


def main():
    if os.geteuid() != 0:
        skip("needs root (ip netns)")
    for tool in ("ip", "chromium", "nginx", "tcpdump", "tshark", "openssl", "timeout"):
        if not shutil.which(tool):
            skip("no " + tool)
    tmp = tempfile.mkdtemp(prefix="httpstep-chromium-")
    os.chmod(tmp, 0o755)
    ns = "hs-chrome-%d" % os.getpid()
    server = None
    errs = []
    try:
        conf = site(tmp)
        subprocess.run(["ip", "netns", "add", ns], check=True, timeout=10)
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True, timeout=10)
        server = Proc(["ip", "netns", "exec", ns, "timeout", "240", "nginx", "-c", conf, "-p",
                       tmp], subprocess.DEVNULL, subprocess.DEVNULL)
        up = wait_for(lambda: subprocess.run(
            ["ip", "netns", "exec", ns, "ss", "-Htln", "sport", "=", str(PORT12)],
            capture_output=True, text=True, timeout=10).stdout.strip() != "", 15)
        if not up:
            raise RuntimeError("nginx did not start: " +
                               open(os.path.join(tmp, "logs", "error.log")).read()[-400:])
        for name, h2, port, version in (("h2", True, PORT, "TLS 1.3"),
                                        ("http1.1", False, PORT, "TLS 1.3"),
                                        ("tls1.2", True, PORT12, "TLS 1.2")):
            cap, keys = load(ns, tmp, name, h2, port)
            compare(name, cap, keys, h2, version, errs)
            explanations(name, cap, keys, errs)
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        errs.append(str(e))
    finally:
        if server:
            server.stop()
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)
        if os.environ.get("KEEP"):  # KEEP=1: the captures and key logs stay, to look at
            print("kept in " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for e in errs:
        print("FAIL " + e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
