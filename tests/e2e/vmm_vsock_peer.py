# SPDX-License-Identifier: Apache-2.0
# Host side of the vsock test guest: serve <uds>_1234 and connect to the guest's port 5000.
import os
import socket
import sys
import threading
import time


def serve_1234(path, result, deadline):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    print("ready", flush=True)
    srv.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        c, _ = srv.accept()
        c.settimeout(5)
        data = c.recv(100)
        result["ping"] = data
        c.sendall(b"pong-from-host")
        # Wait for the guest to close its side.
        result["eof"] = c.recv(100) == b""
        c.close()
    except OSError as e:
        result["error1"] = repr(e)
    finally:
        srv.close()


BULK = 100000


def serve_bulk(path, result, deadline):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        c, _ = srv.accept()
        c.settimeout(10)
        c.sendall(bytes((i * 31) & 0xff for i in range(BULK)))
        got = bytearray()
        while len(got) < BULK:
            chunk = c.recv(65536)
            if not chunk:
                break
            got += chunk
        result["bulk_len"] = len(got)
        result["bulk_ok"] = bytes(got) == bytes(((i % 4096) * 7 + 1) & 0xff for i in range(BULK))
        c.sendall(b"bulk-ok")
        result["bulk_eof"] = c.recv(100) == b""
        c.close()
    except OSError as e:
        result["error3"] = repr(e)
    finally:
        srv.close()


def connect_5000(path, result, deadline):
    while time.monotonic() < deadline:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(2)
            s.connect(path)
            s.sendall(b"CONNECT 5000\n")
            line = b""
            while not line.endswith(b"\n"):
                ch = s.recv(1)
                if not ch:
                    raise ConnectionError("closed before OK")
                line += ch
            result["ok"] = line.decode().strip()
            s.sendall(b"hello-guest")
            result["hello"] = s.recv(100)
            s.close()
            return
        except OSError as e:
            result["error2"] = repr(e)
            time.sleep(0.1)


def main():
    uds, timeout = sys.argv[1], float(sys.argv[2])
    deadline = time.monotonic() + timeout
    result = {}
    t1 = threading.Thread(target=serve_1234, args=(uds + "_1234", result, deadline))
    t1.start()
    t3 = threading.Thread(target=serve_bulk, args=(uds + "_1235", result, deadline))
    t3.start()
    while not os.path.exists(uds) and time.monotonic() < deadline:
        time.sleep(0.02)
    t2 = threading.Thread(target=connect_5000, args=(uds, result, deadline))
    t2.start()
    t1.join()
    t2.join()
    t3.join()
    print(result, flush=True)
    ok = result.get("ping") == b"ping-from-guest" and result.get("hello") == b"hello-host" \
        and result.get("ok", "").startswith("OK ") and result.get("bulk_ok")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
