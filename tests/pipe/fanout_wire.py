"""fanout_wire.py - what the test peers fanout_sp.py and fanout_auth.py
share: an lt-fanout wire frame (lib/fanout/wire.h) and reading exactly n
bytes from a socket.  Imported, not run."""
import struct


def frame(t, payload, ver=1, worker=0xFFFFFFFF):
    return b"LT" + bytes([ver, t]) + struct.pack(">IQI", worker, 0, len(payload)) + payload


def readn(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError("closed")
        b += c
    return b
