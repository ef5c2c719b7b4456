# SPDX-License-Identifier: Apache-2.0
"""The node agent: the server's own node registers and stays Ready; `atoll agent` joins another."""
import json
import os
import subprocess
import time

from conftest import ATOLL, Server


def wait_for(fn, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return None


def node(server, name):
    code, _, body = server.request("GET", f"/api/v1/nodes/{name}")
    return json.loads(body) if code == 200 else None


def test_embedded_and_joined_nodes():
    s = Server(node=True, args=["--node-name", "host-a"])
    agent = None
    try:
        n = wait_for(lambda: node(s, "host-a"))
        assert n, s.logtext()
        ready = [c for c in n["status"]["conditions"] if c["type"] == "Ready"][0]
        assert ready["status"] == "True"
        assert int(n["status"]["capacity"]["cpu"]) >= 1 and n["status"]["allocatable"]["memory"].endswith("Ki")
        assert n["metadata"]["labels"]["kubernetes.io/hostname"] == "host-a"
        lease = wait_for(lambda: s.request("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/host-a")[0] == 200)
        assert lease
        out = s.kubectl("get", "nodes").stdout
        assert "host-a" in out and "Ready" in out
        # A second host joins with the server URL and a token.
        agent = subprocess.Popen([ATOLL, "agent", "--server", s.url, "--token", s.token(),
                                  "--ca-file", os.path.join(s.data_dir, "pki", "ca.crt"),
                                  "--node-name", "host-b", "--data-dir", s.data_dir],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert wait_for(lambda: node(s, "host-b"))
        # A bad token is refused and the agent says so.
        bad = subprocess.run([ATOLL, "agent", "--server", s.url, "--token", "wrong", "--node-name", "host-c",
                              "--ca-file", os.path.join(s.data_dir, "pki", "ca.crt")],
                             capture_output=True, text=True, timeout=30)
        assert bad.returncode != 0 and "401" in bad.stderr
    finally:
        if agent:
            agent.terminate()
            agent.wait(timeout=10)
        s.close()
