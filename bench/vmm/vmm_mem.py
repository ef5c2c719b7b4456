# SPDX-License-Identifier: Apache-2.0
"""Print an idle atoll vmm's RSS split into guest memory touched and the VMM
itself, then stop it through the control socket. usage: vmm_mem.py PID API MiB"""
import json
import os
import socket
import sys
import time


def main():
    pid, api, mib = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    deadline = time.monotonic() + 10
    while not os.path.exists(api) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # let the guest reach its idle loop
    status = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status") if ":" in l)
    guest_kb, cur = 0, None
    for line in open(f"/proc/{pid}/smaps"):
        head = line.split()
        if "-" in head[0] and len(head) >= 5:
            lo, hi = (int(x, 16) for x in head[0].split("-"))
            cur = (hi - lo) == mib << 20
        elif cur and head[0] == "Rss:":
            guest_kb += int(head[1])
    hwm = int(status["VmHWM"].split()[0])
    print(f"VmHWM {hwm} kB; guest memory touched {guest_kb} kB; "
          f"VMM without guest memory {hwm - guest_kb} kB ({(hwm - guest_kb) / 1024:.2f} MiB)")
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(api)
        s.sendall(b'{"op":"stop"}\n')
        print("stop:", json.loads(s.recv(4096)))


if __name__ == "__main__":
    main()
