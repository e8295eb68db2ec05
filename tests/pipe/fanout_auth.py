#!/usr/bin/env python3
"""fanout_auth.py - plays a worker's side of lt-fanout's run-token
challenge-response over plain SP/TCP (tests/pipe/fanout_tls.sh), then
acts as a man in the middle who captured that exchange and replays it.

Usage: fanout_auth.py PORT TOKEN; prints one line per step:
  legit ack|refuse TEXT    the real handshake (the test's positive control)
  replay ack|refuse TEXT   the captured CHALLENGE and AUTH sent again on a
                           new connection
  again ack|refuse TEXT    the captured AUTH sent again on the first one"""
import hashlib
import hmac
import json
import os
import socket
import struct
import sys

from fanout_wire import frame, readn

port, token = int(sys.argv[1]), sys.argv[2].encode()
CHALLENGE, AUTH, ACK, REFUSE = 8, 9, 6, 3


class Conn:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.s.sendall(b"\x00SP\x00\x00\x30\x00\x00")  # REQ v0 to REP
        readn(self.s, 8)
        self.rid = 0x80000001

    def call(self, body):
        self.s.sendall(struct.pack(">Q", len(body) + 4) + struct.pack(">I", self.rid) + body)
        self.rid += 1
        n = struct.unpack(">Q", readn(self.s, 8))[0]
        return readn(self.s, n)[4:]


def show(step, reply):
    t = reply[3]
    text = reply[20:].decode(errors="replace")
    print(step, "ack" if t == ACK else "refuse " + text if t == REFUSE else "type%d %s" % (t, text))


a = Conn()
wn = os.urandom(16)
chal = frame(CHALLENGE, json.dumps({"nonce": wn.hex()}).encode())
r = a.call(chal)
cn = bytes.fromhex(json.loads(r[20:])["nonce"])
mac = hmac.new(token, b"lt-fanout/1 worker\n" + cn + wn, hashlib.sha256).hexdigest()
auth = frame(AUTH, json.dumps({"nonce": cn.hex(), "wnonce": wn.hex(), "mac": mac}).encode())
show("legit", a.call(auth))
b = Conn()
b.call(chal)  # the replayed challenge gets a fresh nonce...
show("replay", b.call(auth))  # ...so the captured answer is stale
show("again", a.call(auth))
