# SPDX-License-Identifier: Apache-2.0
"""1,000 concurrent watches on one server, all served, all see an event; the server keeps few threads."""
import json
import os
import resource
import selectors
import socket
import ssl
import time

N = 1000


def threads_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def test_thousand_watches(server, ns):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    ctx = ssl.create_default_context(cafile=os.path.join(server.data_dir, "pki", "ca.crt"))
    ctx.check_hostname = False
    token = server.token()
    sel = selectors.DefaultSelector()
    conns = []
    try:
        req = (f"GET /api/v1/namespaces/{ns}/configmaps?watch=1&timeoutSeconds=60 HTTP/1.1\r\n"
               f"Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n").encode()
        for _ in range(N):
            s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=20))
            s.sendall(req)
            conns.append(s)
        # Every watch is answered with 200 and a chunked stream.
        for s in conns:
            head = b""
            while b"\r\n\r\n" not in head:
                head += s.recv(4096)
            assert head.startswith(b"HTTP/1.1 200")
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, {"buf": head.split(b"\r\n\r\n", 1)[1]})
        code, _, metrics = server.request("GET", "/metrics")
        assert f"apiserver_registered_watchers {N}" in metrics.decode()
        threads = threads_of(server.proc.pid)
        assert 0 < threads < 100          # a thread pool, not a thread per watch
        server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                       {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fanout"}})
        seen = set()
        deadline = time.monotonic() + 30
        while len(seen) < N and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                try:
                    data = key.fileobj.recv(65536)
                except ssl.SSLWantReadError:
                    continue
                key.data["buf"] += data
                if b'"name":"fanout"' in key.data["buf"] and b'"ADDED"' in key.data["buf"]:
                    seen.add(key.fileobj.fileno())
        assert len(seen) == N
    finally:
        for s in conns:
            s.close()
        sel.close()
