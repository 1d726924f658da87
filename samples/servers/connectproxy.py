#!/usr/bin/env python3
"""A tiny HTTP proxy that only knows CONNECT (python3 standard library only).

  CONNECT host:port HTTP/1.1   -> "HTTP/1.1 200 Connection established", then the
                                  proxy copies bytes both ways (the tunnel) until a side
                                  closes; a half-close is passed on with shutdown().
  anything else                -> 405 Method Not Allowed

usage: connectproxy.py [--bind ADDR] [--port N]     (default 127.0.0.1 port 3128)
"""
import argparse
import select
import socket
import socketserver
import sys

IDLE_TIMEOUT = 30.0


def connect_target(host, port):
    """Connect to host:port, IPv4 addresses first (so 'localhost' means 127.0.0.1)."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    infos.sort(key=lambda i: 0 if i[0] == socket.AF_INET else 1)
    err = None
    for family, kind, proto, _, addr in infos:
        s = socket.socket(family, kind, proto)
        s.settimeout(5.0)
        try:
            s.connect(addr)
            s.settimeout(None)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return s
        except OSError as e:
            err = e
            s.close()
    raise err or OSError("no address for %s" % host)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        c = self.request
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.settimeout(10.0)
        head = b""
        while b"\r\n\r\n" not in head:
            data = c.recv(4096)
            if not data:
                return
            head += data
            if len(head) > 16384:
                return
        head, rest = head.split(b"\r\n\r\n", 1)
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            body = b"This proxy only does CONNECT.\n"
            c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\n"
                      b"Content-Type: text/plain\r\nContent-Length: %d\r\n"
                      b"Connection: close\r\n\r\n%s" % (len(body), body))
            return
        host, _, port = parts[1].rpartition(":")
        host = host.strip("[]")
        try:
            t = connect_target(host, int(port))
        except (OSError, ValueError) as e:
            body = ("Cannot reach %s: %s\n" % (parts[1], e)).encode()
            c.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            return
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        sys.stderr.write("connectproxy: tunnel to %s\n" % parts[1])
        if rest:
            t.sendall(rest)
        self.relay(c, t)
        t.close()

    @staticmethod
    def relay(a, b):
        a.settimeout(None)
        peer = {a: b, b: a}
        open_ = {a, b}
        while open_:
            r, _, _ = select.select(list(open_), [], [], IDLE_TIMEOUT)
            if not r:
                return
            for s in r:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if data:
                    peer[s].sendall(data)
                else:
                    open_.discard(s)
                    try:
                        peer[s].shutdown(socket.SHUT_WR)
                    except OSError:
                        pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=3128)
    a = ap.parse_args()
    if ":" in a.bind:
        Server.address_family = socket.AF_INET6
    srv = Server((a.bind, a.port), Handler)
    sys.stderr.write("connectproxy: listening on %s port %d\n" % (a.bind, a.port))
    sys.stderr.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    srv.server_close()


if __name__ == "__main__":
    main()
