# SPDX-License-Identifier: Apache-2.0
# Host side of the net test guest: answer ATOLL-PING frames on a TAP with ATOLL-PONG.
# Runs inside the test's network namespace; exits after one answer or a timeout.
import socket
import sys
import time

ETH_P_ALL = 0x0003


def main():
    ifname, timeout = sys.argv[1], float(sys.argv[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.settimeout(0.5)
    print("ready", flush=True)
    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline and answered < 3:
        try:
            f = s.recv(65536)
        except socket.timeout:
            continue
        if len(f) >= 24 and f[12:14] == b"\x88\xb5" and f[14:24] == b"ATOLL-PING":
            src = f[6:12]
            reply = src + b"\x02\x00\x00\x00\x00\x99" + b"\x88\xb5" + b"ATOLL-PONG"
            s.send(reply.ljust(60, b"\0"))
            answered += 1
            print("answered", flush=True)
    return 0 if answered else 1


if __name__ == "__main__":
    sys.exit(main())
