#!/usr/bin/env python3
"""socksproxy.py - a small SOCKS 4, 4a and 5 proxy (CONNECT only, no authentication)
for the test captures: tests/data/make-data.sh runs it in a network namespace.

    socksproxy.py --bind 127.0.0.1 --port 1080 [--once N]

Each client gets a thread that reads the SOCKS request, connects to the target,
answers, then copies bytes both ways until either side closes. --once N: exit
after N clients.
"""
import argparse
import socket
import struct
import threading


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        more = s.recv(n - len(data))
        if not more:
            raise EOFError("the client closed during the SOCKS handshake")
        data += more
    return data


def recv_until_nul(s, limit=255):
    data = b""
    while True:
        c = recv_exact(s, 1)
        if c == b"\0":
            return data
        data += c
        if len(data) > limit:
            raise ValueError("a SOCKS 4 string is too long")


def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def socks4(c):
    cmd, port = struct.unpack("!BH", recv_exact(c, 3))
    ip = recv_exact(c, 4)
    recv_until_nul(c)  # user id
    host = socket.inet_ntoa(ip)
    if ip[:3] == b"\0\0\0" and ip[3] != 0:  # 4a: the name follows
        host = recv_until_nul(c).decode("ascii", "replace")
    if cmd != 1:
        c.sendall(b"\0\x5b" + b"\0" * 6)
        return None
    try:
        t = socket.create_connection((host, port), timeout=10)
    except OSError:
        c.sendall(b"\0\x5b" + b"\0" * 6)
        return None
    c.sendall(b"\0\x5a" + struct.pack("!H", port) + socket.inet_aton(t.getpeername()[0]))
    return t


def socks5(c):
    n = recv_exact(c, 1)[0]
    methods = recv_exact(c, n)
    if 0 not in methods:
        c.sendall(b"\x05\xff")
        return None
    c.sendall(b"\x05\x00")
    ver, cmd, _, atyp = recv_exact(c, 4)
    if atyp == 1:
        host = socket.inet_ntoa(recv_exact(c, 4))
    elif atyp == 3:
        host = recv_exact(c, recv_exact(c, 1)[0]).decode("ascii", "replace")
    elif atyp == 4:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16))
    else:
        return None
    port = struct.unpack("!H", recv_exact(c, 2))[0]
    if ver != 5 or cmd != 1:
        c.sendall(b"\x05\x07\x00\x01" + b"\0" * 6)
        return None
    try:
        t = socket.create_connection((host, port), timeout=10)
    except OSError:
        c.sendall(b"\x05\x05\x00\x01" + b"\0" * 6)
        return None
    addr, bport = t.getsockname()[:2]
    c.sendall(b"\x05\x00\x00\x01" + socket.inet_aton(addr) + struct.pack("!H", bport))
    return t


def serve(c):
    try:
        ver = recv_exact(c, 1)[0]
        t = socks4(c) if ver == 4 else socks5(c) if ver == 5 else None
        if t is None:
            c.close()
            return
        threading.Thread(target=pipe, args=(t, c), daemon=True).start()
        pipe(c, t)
    except (OSError, EOFError, ValueError):
        c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=1080)
    ap.add_argument("--once", type=int, default=0)
    a = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.bind, a.port))
    s.listen(16)
    served = 0
    workers = []
    while not a.once or served < a.once:
        c, _ = s.accept()
        th = threading.Thread(target=serve, args=(c,))
        th.start()
        workers.append(th)
        served += 1
    for th in workers:
        th.join(timeout=15)


if __name__ == "__main__":
    main()
