#!/usr/bin/env python3
# bodysrv.py - an HTTP/1.1 server on 127.0.0.1 that answers every request
# 200 "ok" (keep-alive) and appends "METHOD PATH LENGTH SHA256" of each
# request's body to --log, one line per request, for fanout_binbody.sh.
# It proves which bytes a server received, which lt-target's /echo cannot
# (it writes the body as a JSON string, invalid UTF-8 replaced).  Bodies
# with Content-Length or chunked; the port goes to --port-file.
import argparse
import hashlib
import http.server
import os
import threading

lock = threading.Lock()
args = None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def answer(self):
        b = self.body()
        line = "%s %s %d %s\n" % (self.command, self.path, len(b),
                                  hashlib.sha256(b).hexdigest())
        with lock:
            with open(args.log, "a") as f:
                f.write(line)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    do_GET = do_POST = do_PUT = answer

    def log_message(self, *a):
        pass


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
