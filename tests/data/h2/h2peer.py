#!/usr/bin/python3
"""h2peer.py - a small HTTP/2 server and client on python3-h2, for the test
captures of make-h2-data.sh (Debian's /usr/bin/python3 and python3-h2).

  h2peer.py server PORT ROOT   h2c by prior knowledge or by HTTP/1.1 Upgrade;
                               GET serves ROOT's files (sent in 4 KiB DATA
                               frames as the peer's window allows, a little at
                               a time, so that a client can cancel); POST
                               answers with the size of what it received
  h2peer.py client PORT        Upgrade (GET /index.html is stream 1), then
                               GET /big.bin on stream 3, cancelled with
                               RST_STREAM (CANCEL) after its first DATA, and a
                               POST on stream 5 whose DATA is padded; then
                               GOAWAY and close
Both stop by themselves (the server after SERVE_SECONDS without a request).
"""
import os
import select
import socket
import sys
import time

import h2.config
import h2.connection
import h2.errors
import h2.events

SERVE_SECONDS = 20
CHUNK = 4096


def read_head(sock, buf=b""):
    """bytes up to the end of an HTTP/1.1 head, and what came after"""
    while b"\r\n\r\n" not in buf:
        more = sock.recv(65536)
        if not more:
            raise EOFError("connection closed inside an HTTP/1.1 head")
        buf += more
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def head_fields(head):
    fields = {}
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return fields


# ------------------------------------------------------------------ server --

class Responder:
    """the server side of one connection"""

    def __init__(self, sock, root):
        self.sock, self.root = sock, root
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.requests = {}   # stream -> (method, path, body length)
        self.sending = {}    # stream -> bytes left to send

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def start(self):
        first = self.sock.recv(65536)
        if first.startswith(b"PRI * HTTP/2.0"):
            self.conn.initiate_connection()
            self.flush()
            self.handle(self.conn.receive_data(first))
            return
        head, rest = read_head(self.sock, first)
        fields = head_fields(head)
        method, path = head.split(" ")[:2]
        if fields.get("upgrade", "").lower() != "h2c":
            self.sock.sendall(b"HTTP/1.1 505 HTTP Version Not Supported\r\n"
                              b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            raise EOFError("not h2c")
        self.sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\n"
                          b"Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
        self.conn.initiate_upgrade_connection(fields["http2-settings"])
        self.flush()
        self.requests[1] = (method, path, 0)
        self.respond(1)
        if rest:
            self.handle(self.conn.receive_data(rest))

    def handle(self, events):
        for ev in events:
            if isinstance(ev, h2.events.RequestReceived):
                h = dict(ev.headers)
                self.requests[ev.stream_id] = (h[":method"], h[":path"], 0)
            elif isinstance(ev, h2.events.DataReceived):
                m, p, n = self.requests[ev.stream_id]
                self.requests[ev.stream_id] = (m, p, n + len(ev.data))
                self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                self.respond(ev.stream_id)
            elif isinstance(ev, h2.events.StreamReset):
                self.sending.pop(ev.stream_id, None)
            elif isinstance(ev, h2.events.ConnectionTerminated):
                raise EOFError("GOAWAY")
        self.flush()

    def respond(self, stream):
        method, path, got = self.requests[stream]
        if method == "POST":
            body = ("received %d bytes\n" % got).encode()
            ctype = "text/plain"
        else:
            name = os.path.join(self.root, path.lstrip("/").split("?")[0] or "index.html")
            if not os.path.isfile(name):
                self.conn.send_headers(stream, [(":status", "404"), ("content-length", "0")],
                                       end_stream=True)
                return
            with open(name, "rb") as f:
                body = f.read()
            ctype = "text/html" if name.endswith(".html") else "application/octet-stream"
        self.conn.send_headers(stream, [(":status", "200"), ("content-type", ctype),
                                        ("content-length", str(len(body))),
                                        ("server", "h2peer")])
        self.sending[stream] = body

    def pump(self):
        """one DATA frame per stream, as the windows allow"""
        for stream in sorted(self.sending):
            body = self.sending[stream]
            room = min(self.conn.local_flow_control_window(stream), CHUNK, len(body))
            if room <= 0 and body:
                continue
            try:
                self.conn.send_data(stream, body[:room], end_stream=room == len(body))
            except h2.exceptions.StreamClosedError:
                self.sending.pop(stream)
                continue
            self.sending[stream] = body[room:]
            if room == len(body):
                self.sending.pop(stream)
        self.flush()

    def run(self):
        self.start()
        while True:
            self.pump()
            r, _, _ = select.select([self.sock], [], [], 0.02 if self.sending else 5)
            if r:
                data = self.sock.recv(65536)
                if not data:
                    return
                self.handle(self.conn.receive_data(data))
            elif not self.sending:
                return


def serve(port, root):
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", port))
    lst.listen(8)
    print("listening on %d" % port, flush=True)
    while True:
        r, _, _ = select.select([lst], [], [], SERVE_SECONDS)
        if not r:
            return
        sock, _ = lst.accept()
        try:
            Responder(sock, root).run()
        except (EOFError, ConnectionError, h2.exceptions.ProtocolError) as e:
            print("connection ended: %s" % e, flush=True)
        finally:
            sock.close()


# ------------------------------------------------------------------ client --

def client(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = h2.connection.H2Connection(
        h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    settings = conn.initiate_upgrade_connection()
    sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                 b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                 b"HTTP2-Settings: %s\r\nUser-Agent: h2peer\r\n\r\n" % (port, settings))
    head, rest = read_head(sock)
    if not head.startswith("HTTP/1.1 101"):
        raise SystemExit("no 101: " + head.split("\r\n")[0])
    sock.sendall(conn.data_to_send())
    ended, reset_sent, posted = set(), False, False
    authority = "127.0.0.1:%d" % port
    pending = [rest] if rest else []
    deadline = time.time() + 10
    while time.time() < deadline:
        data = pending.pop() if pending else sock.recv(65536)
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.StreamEnded):
                ended.add(ev.stream_id)
            elif isinstance(ev, h2.events.StreamReset):
                ended.add(ev.stream_id)
            elif isinstance(ev, h2.events.DataReceived):
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                if ev.stream_id == 3 and not reset_sent:
                    conn.reset_stream(3, error_code=h2.errors.ErrorCodes.CANCEL)
                    ended.add(3)
                    reset_sent = True
        if 1 in ended and 3 not in ended and not conn.streams.get(3):
            conn.send_headers(3, [(":method", "GET"), (":scheme", "http"),
                                  (":authority", authority), (":path", "/big.bin")],
                              end_stream=True)
        if reset_sent and not posted:
            conn.send_headers(5, [(":method", "POST"), (":scheme", "http"),
                                  (":authority", authority), (":path", "/echo"),
                                  ("content-type", "text/plain")])
            conn.send_data(5, b"x" * 100, end_stream=True, pad_length=20)
            posted = True
        sock.sendall(conn.data_to_send())
        if {1, 3, 5} <= ended:
            break
    conn.close_connection()
    sock.sendall(conn.data_to_send())
    time.sleep(0.2)
    sock.close()
    print("streams ended: %s" % sorted(ended))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "server":
        serve(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "client":
        client(int(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
