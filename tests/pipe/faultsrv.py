#!/usr/bin/env python3
# faultsrv.py - an HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose,
# for tests/pipe/faults.sh and run_secret.sh.  The path picks the fault:
#   /ok          200 "ok" (keep-alive)
#   /authhdr     200 with Authorization and X-Api-Token response headers
#   /garbage     a garbage status line
#   /http09      a body with no status line (HTTP/0.9)
#   /bigheader   one 1 MB header line
#   /hugeheaders 2,000 header lines of 100 bytes (under libcurl 8's
#                300 KB for all headers)
#   /bigstatus   status code 999999999999
#   /stall       reads the request, never answers
#   /closehdr    headers promising 100 bytes, then close
#   /endless     an endless chunked body
#   /slowloris   the response one byte a second
#   /die         holds each request; when --die-after N are held, the
#                whole server exits at once (a target dying with
#                requests in flight)
# Requests are counted by path once their headers are read, and whether
# they carried Authorization ("auth:PATH"); the counts go to --counts as
# JSON at SIGTERM or at /die.
import argparse
import json
import os
import signal
import socket
import socketserver
import threading
import time

counts = {}
lock = threading.Lock()
held = [0]
args = None


def dump():
    with lock:
        data = json.dumps(counts)
    if args.counts:
        tmp = args.counts + ".tmp"
        with open(tmp, "w") as f:
            f.write(data)
        os.rename(tmp, args.counts)


def count(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1


class Handler(socketserver.BaseRequestHandler):
    def read_head(self, buf):
        while b"\r\n\r\n" not in buf:
            d = self.request.recv(65536)
            if not d:
                return None, b""
            buf += d
        head, rest = buf.split(b"\r\n\r\n", 1)
        return head.decode("latin-1"), rest

    def handle(self):
        s = self.request
        buf = b""
        while True:
            head, buf = self.read_head(buf)
            if head is None:
                return
            lines = head.split("\r\n")
            path = lines[0].split(" ")[1].split("?")[0]
            hdrs = {}
            for ln in lines[1:]:
                k, _, v = ln.partition(":")
                hdrs[k.strip().lower()] = v.strip()
            n = int(hdrs.get("content-length", "0"))
            while len(buf) < n:
                d = s.recv(65536)
                if not d:
                    return
                buf += d
            buf = buf[n:]
            count(path)
            if "authorization" in hdrs:
                count("auth:" + path)
            if not self.reply(s, path):
                return

    def reply(self, s, path):
        if path == "/authhdr":
            s.sendall(b"HTTP/1.1 200 OK\r\nAuthorization: Bearer abc123xyz\r\n"
                      b"X-Api-Token: t0ps3cret\r\nContent-Length: 2\r\n"
                      b"\r\nok")
            return True
        elif path == "/garbage":
            s.sendall(b"GARBAGE!\r\n\r\n")
        elif path == "/http09":
            s.sendall(b"hello from nineteen ninety-one\n")
        elif path == "/bigheader":
            s.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1 << 20) +
                      b"\r\nContent-Length: 2\r\n\r\nok")
        elif path == "/hugeheaders":
            h = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 90)
                         for i in range(2000))
            s.sendall(b"HTTP/1.1 200 OK\r\n" + h +
                      b"Content-Length: 2\r\n\r\nok")
        elif path == "/bigstatus":
            s.sendall(b"HTTP/1.1 999999999999 Huge\r\n"
                      b"Content-Length: 2\r\n\r\nok")
        elif path == "/stall":
            while s.recv(4096):
                pass
        elif path == "/closehdr":
            s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab")
        elif path == "/endless":
            s.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                      b"\r\n")
            chunk = b"400\r\n" + b"c" * 1024 + b"\r\n"
            try:
                while True:
                    s.sendall(chunk)
                    time.sleep(0.01)
            except OSError:
                pass
        elif path == "/slowloris":
            try:
                for ch in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
                    s.sendall(bytes([ch]))
                    time.sleep(1)
            except OSError:
                pass
        elif path == "/die":
            with lock:
                held[0] += 1
                go = held[0] >= args.die_after
            if go:
                time.sleep(0.2)
                dump()
                os._exit(0)
            while s.recv(4096):
                pass
        else:
            s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            return True
        return False


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--counts")
    p.add_argument("--die-after", type=int, default=1)
    args = p.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)

    def term(signum, frame):
        dump()
        os._exit(0)

    signal.signal(signal.SIGTERM, term)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
