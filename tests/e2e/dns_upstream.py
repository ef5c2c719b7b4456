# SPDX-License-Identifier: Apache-2.0
"""A stand-in upstream resolver for tests (run inside a test network namespace): answers A queries
with 192.0.2.53, except names starting with "drop." which it ignores. python3 dns_upstream.py IP"""
import socket
import struct
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
for _ in range(10000):
    q, peer = s.recvfrom(4096)
    if len(q) < 12:
        continue
    end = 12
    while end < len(q) and q[end]:
        end += 1 + q[end]
    question = q[12:end + 5]
    if q[12:17] == b"\x04drop":
        continue
    hdr = q[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
    answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton("192.0.2.53")
    s.sendto(hdr + question + answer, peer)
