# SPDX-License-Identifier: Apache-2.0
"""A stand-in upstream resolver for tests (run inside a test network namespace), on UDP and TCP
port 53 of IP: A queries get 192.0.2.53; names starting with "drop." get nothing; names starting
with "big." get a truncated (TC) answer over UDP and 192.0.2.54 over TCP. python3 dns_upstream.py IP"""
import socket
import struct
import sys
import threading


def answer(q, tcp):
    end = 12
    while end < len(q) and q[end]:
        end += 1 + q[end]
    question = q[12:end + 5]
    if q[12:17] == b"\x04drop":
        return None
    if q[12:16] == b"\x03big" and not tcp:
        return q[:2] + struct.pack(">HHHHH", 0x8380, 1, 0, 0, 0) + question
    ip = "192.0.2.54" if q[12:16] == b"\x03big" else "192.0.2.53"
    hdr = q[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
    return hdr + question + b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)


def serve_tcp(ip):
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((ip, 53))
    t.listen(8)
    for _ in range(1000):
        c, _ = t.accept()
        with c:
            c.settimeout(5)
            try:
                n = struct.unpack(">H", c.recv(2))[0]
                q = b""
                while len(q) < n:
                    q += c.recv(n - len(q))
                a = answer(q, True)
                if a:
                    c.sendall(struct.pack(">H", len(a)) + a)
            except (OSError, struct.error):
                pass


threading.Thread(target=serve_tcp, args=(sys.argv[1],), daemon=True).start()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
for _ in range(10000):
    q, peer = s.recvfrom(4096)
    if len(q) >= 12:
        a = answer(q, False)
        if a:
            s.sendto(a, peer)
