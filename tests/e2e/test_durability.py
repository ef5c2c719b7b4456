# SPDX-License-Identifier: Apache-2.0
"""An acknowledged write survives kill -9; concurrent writers lose nothing."""
import concurrent.futures
import json
import os
import signal
import threading
import time

from conftest import Server


def test_acknowledged_writes_survive_kill9():
    s = Server()
    try:
        acked = []
        stop = threading.Event()

        def writer(tid):
            i = 0
            while not stop.is_set() and i < 2000:
                name = f"k{tid}-{i}"
                try:
                    code, _, body = s.request("POST", "/api/v1/namespaces/default/configmaps",
                                              {"apiVersion": "v1", "kind": "ConfigMap",
                                               "metadata": {"name": name}, "data": {"v": name * 3}})
                except OSError:
                    return
                if code == 201:
                    acked.append((name, json.loads(body)["metadata"]["resourceVersion"]))
                i += 1

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        s.proc.send_signal(signal.SIGKILL)   # in the middle of the writes
        s.proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert len(acked) > 20
        s.log.close()
        s.start()
        items = {i["metadata"]["name"]: i for i in s.kjson("get", "cm", "-n", "default")["items"]}
        missing = [n for n, _ in acked if n not in items]
        assert missing == []
        for name, _ in acked:
            assert items[name]["data"]["v"] == name * 3
        # Revisions keep growing after a restart.
        code, _, body = s.request("POST", "/api/v1/namespaces/default/configmaps",
                                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "after"}})
        newest = max(int(rv) for _, rv in acked)
        assert code == 201 and int(json.loads(body)["metadata"]["resourceVersion"]) > newest
    finally:
        s.close()


def test_concurrent_creates_all_acknowledged(server):
    def create(i):
        return server.request("POST", "/api/v1/namespaces/default/configmaps",
                              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cc-{i}"}})[0]

    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        codes = list(ex.map(create, range(200)))
    assert codes == [201] * 200
    names = {i["metadata"]["name"] for i in server.kjson("get", "cm", "-n", "default")["items"]}
    assert all(f"cc-{i}" in names for i in range(200))


def test_sigterm_with_open_watches_exits_cleanly():
    s = Server(node=True, args=["--node-name", "stopper"])
    try:
        import ssl as _ssl
        import socket as _socket
        ctx = _ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = _ssl.CERT_NONE
        conns = []
        for _ in range(5):
            c = ctx.wrap_socket(_socket.create_connection(("127.0.0.1", s.port), timeout=10))
            c.sendall(("GET /api/v1/configmaps?watch=1&timeoutSeconds=60 HTTP/1.1\r\nHost: x\r\n"
                       f"Authorization: Bearer {s.token()}\r\n\r\n").encode())
            assert c.recv(100).startswith(b"HTTP/1.1 200")
            conns.append(c)
        time.sleep(1)  # the node agent's own pod watch is open too
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(timeout=15) == 0, s.logtext()
        for c in conns:
            c.close()
    finally:
        s.close()
