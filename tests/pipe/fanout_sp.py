#!/usr/bin/env python3
"""fanout_sp.py - speaks just enough of NNG's SP/TCP framing to send
lt-fanout's listener crafted messages (tests/pipe/fanout_cluster.sh).

Usage: fanout_sp.py PORT CASE; prints what happened on one line.
Cases: garbage (not SP at all), oversized (a 2 GiB length), badframe (SP
ok, not a wire frame), oldwire (wire version 2), version (hello from lt
9.9.9), truncated (a frame cut short)."""
import socket
import struct
import sys

from fanout_wire import frame, readn

port, case = int(sys.argv[1]), sys.argv[2]


s = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    if case == "garbage":
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 4)
        got = b""
        while True:  # NNG sends its 8-byte SP header, then hangs up
            c = s.recv(100)
            if not c:
                break
            got += c
        print("closed" if len(got) <= 8 else "answered")
        sys.exit(0)
    s.sendall(b"\x00SP\x00\x00\x30\x00\x00")  # REQ v0 (48) talking to REP
    readn(s, 8)
    if case == "oversized":
        s.sendall(struct.pack(">Q", 1 << 31) + b"\x80\x00\x00\x01" + b"x" * 4096)
        try:
            print("closed" if s.recv(100) == b"" else "answered")
        except ConnectionResetError:
            print("closed")
        sys.exit(0)
    hello = b'{"wire":1,"version":"9.9.9","index":-1,"pid":1,"host":"t"}'
    body = {
        "badframe": b"hello, coordinator, this is no frame",
        "oldwire": frame(1, hello, ver=2),
        "version": frame(1, hello),
        "truncated": frame(1, hello)[:-5],
    }[case]
    s.sendall(struct.pack(">Q", len(body) + 4) + b"\x80\x00\x00\x01" + body)
    n = struct.unpack(">Q", readn(s, 8))[0]
    reply = readn(s, n)[4:]
    kind = reply[3] if len(reply) > 3 else -1
    print("refuse" if kind == 3 else "type%d" % kind, reply[20:].decode(errors="replace"))
except (EOFError, ConnectionResetError, socket.timeout) as e:
    print("closed", e)
