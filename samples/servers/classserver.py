#!/usr/bin/env python3
"""A small HTTP/1.1 server for the httpstep samples (python3 standard library only).

It shows, on the wire, what a static file server does not:
  GET  /login                     a login form (method="post")
  GET  /login?username=..&...     the same form sent by GET: the password is in the URL
  POST /login                     the form sent by POST (application/x-www-form-urlencoded)
  POST /upload                    a multipart/form-data upload (Expect: 100-continue is
                                  answered with 100 Continue by http.server itself)
  POST /echo                      any body, Content-Length or chunked; says what it read
  PUT, DELETE /any/path           stores / forgets the body in memory (201, 204)
  HEAD, GET /any/path             a stored body, else a file under --root, else 404
  OPTIONS *, OPTIONS /path        200 with Allow
  TRACE /path                     echoes the request it received as message/http
Request bodies may be chunked (Transfer-Encoding: chunked).

usage: classserver.py [--bind ADDR] [--port N] [--root DIR] [--http10]
"""
import argparse
import html
import os
import socket
import sys
import urllib.parse
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ALLOW = "GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE"
MAX_BODY = 4 * 1024 * 1024

LOGIN_FORM = """<!DOCTYPE html>
<html><head><title>Class login</title></head>
<body>
<h1>Class login</h1>
<form method="post" action="/login">
  <label>User name <input name="username"></label>
  <label>Password <input name="password" type="password"></label>
  <button>Log in</button>
</form>
</body></html>
"""

UPLOAD_FORM = """<!DOCTYPE html>
<html><head><title>Hand in homework</title></head>
<body>
<h1>Hand in homework</h1>
<form method="post" action="/upload" enctype="multipart/form-data">
  <input name="student"> <input name="homework" type="file"> <button>Send</button>
</form>
</body></html>
"""


class Handler(BaseHTTPRequestHandler):
    server_version = "classserver/1.0"
    disable_nagle_algorithm = True  # headers and body leave at once (no delayed-ACK stall)
    store = {}

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        sys.stderr.write("classserver: %s\n" % (fmt % args))

    # ---- helpers -------------------------------------------------------
    def read_body(self):
        """The request body: Content-Length or chunked (trailers skipped)."""
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            out = bytearray()
            while True:
                line = self.rfile.readline(1024)
                if not line:
                    break
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                if len(out) + size > MAX_BODY:
                    raise ValueError("body too large")
                out += self.rfile.read(size)
                self.rfile.readline(1024)  # CRLF after the chunk data
            return bytes(out)
        n = int(self.headers.get("Content-Length", "0") or "0")
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n > 0 else b""

    def reply(self, code, body=b"", ctype="text/plain; charset=utf-8", extra=(), head=False):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        if code not in (204, 304):
            if body or ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head and code not in (204, 304):
            self.wfile.write(body)

    def static(self, head=False):
        path = urllib.parse.urlsplit(self.path).path
        if path in self.store:
            ctype, body = self.store[path]
            return self.reply(200, body, ctype, head=head)
        root = self.server.root
        if root:
            rel = os.path.normpath(urllib.parse.unquote(path)).lstrip("/")
            if rel in ("", "."):
                rel = "index.html"
            full = os.path.join(root, rel)
            if not rel.startswith("..") and os.path.isfile(full):
                with open(full, "rb") as f:
                    body = f.read()
                ctype = {".html": "text/html; charset=utf-8", ".css": "text/css",
                         ".js": "text/javascript", ".png": "image/png",
                         ".txt": "text/plain; charset=utf-8"}.get(
                             os.path.splitext(full)[1], "application/octet-stream")
                return self.reply(200, body, ctype, head=head)
        return self.reply(404, "404 Not Found: %s\n" % path, head=head)

    # ---- methods -------------------------------------------------------
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/login":
            if url.query:
                form = urllib.parse.parse_qs(url.query)
                return self.welcome(form)
            return self.reply(200, LOGIN_FORM, "text/html; charset=utf-8")
        if url.path == "/upload":
            return self.reply(200, UPLOAD_FORM, "text/html; charset=utf-8")
        return self.static()

    def do_HEAD(self):
        return self.static(head=True)

    def welcome(self, form):
        user = form.get("username", ["?"])[0]
        page = ("<!DOCTYPE html>\n<html><body><h1>Welcome, %s!</h1>"
                "<p>Your password went over the network in plain text.</p></body></html>\n"
                % html.escape(user))
        return self.reply(200, page, "text/html; charset=utf-8")

    def do_POST(self):
        try:
            body = self.read_body()
        except ValueError as e:
            self.close_connection = True
            return self.reply(413, "%s\n" % e, extra=[("Connection", "close")])
        path = urllib.parse.urlsplit(self.path).path
        ctype = self.headers.get("Content-Type", "")
        if path == "/login":
            return self.welcome(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
        if path == "/upload" and ctype.startswith("multipart/form-data"):
            msg = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body)
            lines = ["Thank you! The server received:"]
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                fname = part.get_filename()
                data = part.get_payload(decode=True) or b""
                if fname:
                    lines.append("  file %s = %s (%d bytes, %s)"
                                 % (name, fname, len(data), part.get_content_type()))
                else:
                    lines.append("  field %s = %s" % (name, data.decode("utf-8", "replace")))
            return self.reply(200, "\n".join(lines) + "\n")
        return self.reply(200, "Received %d bytes (%s).\n"
                          % (len(body), self.headers.get("Transfer-Encoding") or
                             "Content-Length: %s" % self.headers.get("Content-Length", "0")))

    def do_PUT(self):
        try:
            body = self.read_body()
        except ValueError as e:
            self.close_connection = True
            return self.reply(413, "%s\n" % e, extra=[("Connection", "close")])
        path = urllib.parse.urlsplit(self.path).path
        existed = path in self.store
        self.store[path] = (self.headers.get("Content-Type", "application/octet-stream"), body)
        if existed:
            return self.reply(204)
        return self.reply(201, "Created %s (%d bytes)\n" % (path, len(body)),
                          extra=[("Location", path)])

    def do_DELETE(self):
        path = urllib.parse.urlsplit(self.path).path
        if self.store.pop(path, None) is None:
            return self.reply(404, "404 Not Found: %s\n" % path)
        return self.reply(204)

    def do_OPTIONS(self):
        self.send_response(200)
        self.send_header("Allow", ALLOW)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_TRACE(self):
        echo = self.raw_requestline
        for k, v in self.headers.items():
            echo += ("%s: %s\r\n" % (k, v)).encode("latin-1", "replace")
        echo += b"\r\n"
        return self.reply(200, echo, "message/http")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--root", default=None, help="folder of static files for GET and HEAD")
    ap.add_argument("--http10", action="store_true", help="answer as HTTP/1.0 (close after each)")
    a = ap.parse_args()
    Handler.protocol_version = "HTTP/1.0" if a.http10 else "HTTP/1.1"
    if ":" in a.bind:
        Server.address_family = socket.AF_INET6
    srv = Server((a.bind, a.port), Handler)
    srv.root = a.root
    sys.stderr.write("classserver: listening on %s port %d\n" % (a.bind, a.port))
    sys.stderr.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    srv.server_close()


if __name__ == "__main__":
    main()
