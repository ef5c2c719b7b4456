# SPDX-License-Identifier: Apache-2.0
"""Two nodes, each in a network namespace of the test's own, joined by a veth as two hosts on a
LAN would be: the server's embedded node n1 and an `atoll agent` n2. Each gets its /24; pods on
n2 reach pods on n1 by pod IP (routes via the other node's InternalIP) and through a Service
whose endpoints are on n1."""
import json
import os
import socket
import subprocess
import tempfile
import threading

import pytest

from conftest import ATOLL, Server, netns_add, netns_del, netns_entered, reap_node_dir
from test_net import sh, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


class Relay:
    """TCP from 127.0.0.1:port in namespace src to 127.0.0.1:port in namespace dst (the API server
    listens on loopback, and its certificate names 127.0.0.1)."""

    def __init__(self, src, dst, port):
        self.dst, self.port, self.conns = dst, port, []
        with netns_entered(src):
            self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", port))
        self.ls.listen(64)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            with netns_entered(self.dst):
                u = socket.socket()
            try:
                u.connect(("127.0.0.1", self.port))
            except OSError:
                c.close()
                u.close()
                continue
            self.conns += [c, u]
            threading.Thread(target=self.pipe, args=(c, u), daemon=True).start()
            threading.Thread(target=self.pipe, args=(u, c), daemon=True).start()

    @staticmethod
    def pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        self.ls.close()
        for c in self.conns:
            c.close()


@pytest.fixture(scope="module")
def two():
    n1 = netns_add()
    n2 = netns_add()
    sh("ip", "-n", n1, "link", "add", "atlt-1", "type", "veth", "peer", "name", "atlt-2", "netns", n2)
    sh("ip", "-n", n1, "addr", "add", "192.168.252.1/24", "dev", "atlt-1")
    sh("ip", "-n", n1, "link", "set", "atlt-1", "up")
    sh("ip", "-n", n2, "addr", "add", "192.168.252.2/24", "dev", "atlt-2")
    sh("ip", "-n", n2, "link", "set", "atlt-2", "up")
    img = tempfile.mkdtemp(prefix="atoll-img-")
    d2 = tempfile.TemporaryDirectory(prefix="atoll-agent-")
    srv = relay = agent = None
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True,
                       capture_output=True)
        # n1 names its address; n2 finds its own (its only non-loopback IPv4 address).
        srv = Server(node=True, netns=n1, args=["--pod-network", "--node-name", "n1", "--node-ip", "192.168.252.1"])
        srv.image = f"oci:{img}:latest"
        relay = Relay(n2, n1, srv.port)
        log = open(os.path.join(d2.name, "agent.log"), "wb")
        agent = subprocess.Popen(["nsenter", f"--net=/run/netns/{n2}", ATOLL, "agent", "--server", srv.url, "--token",
                                  srv.token(), "--ca-file", os.path.join(srv.data_dir, "pki", "ca.crt"),
                                  "--node-name", "n2", "--data-dir", d2.name, "--pod-network",
                                  "--stop-pods-on-exit"], stdout=log, stderr=log)
        for n in ("n1", "n2"):
            wait_for(lambda: srv.kubectl("get", "node", n, "-o", "jsonpath={.spec.podCIDR}", check=False).stdout,
                     f"{n}'s podCIDR")
        yield srv
    finally:
        if srv:
            srv.kubectl("delete", "deployment,service,pod", "--all", "--wait=true", "--timeout=60s", check=False)
        if agent:
            agent.terminate()
            agent.wait(timeout=20)
        if relay:
            relay.close()
        if srv:
            srv.close()
        errors = []
        for n in (n2, n1):
            try:
                netns_del(n)
            except AssertionError as e:
                errors.append(e)
        reap_node_dir(d2.name)  # n2's runtime directory (its pods are deleted above)
        d2.cleanup()
        subprocess.run(["rm", "-rf", img])
        if errors:
            raise errors[0]


def pod(name, node, image, cmd, labels=None, restart="Never"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}},
            "spec": {"nodeName": node, "restartPolicy": restart,
                     "containers": [{"name": "c", "image": image, "command": ["sh", "-c", cmd]}]}}


def test_pods_across_nodes(two):
    srv = two
    c1 = srv.kjson("get", "node", "n1")["spec"]["podCIDR"]
    c2 = srv.kjson("get", "node", "n2")["spec"]["podCIDR"]
    assert c1 != c2
    addrs = {n: [a["address"] for a in srv.kjson("get", "node", n)["status"]["addresses"] if a["type"] == "InternalIP"]
             for n in ("n1", "n2")}
    assert addrs == {"n1": ["192.168.252.1"], "n2": ["192.168.252.2"]}
    # Each node routes the other's pod range via the other's InternalIP.
    wait_for(lambda: f"{c2} via 192.168.252.2" in sh("ip", "-n", srv.netns, "route").stdout, "n1's route to n2")

    srv.kubectl("apply", "-f", "-", input=json.dumps(
        pod("web", "n1", srv.image, "mkdir -p /tmp/w && echo hello-from-n1 > /tmp/w/index.html && "
            "exec httpd -f -p 8080 -h /tmp/w", labels={"app": "web"}, restart="Always")))
    srv.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
         "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}))
    web_ip = wait_for(lambda: srv.kjson("get", "pod", "web")["status"].get("podIP"), "the web pod's IP", timeout=90)
    assert web_ip.startswith(c1.rsplit(".", 1)[0] + ".")
    cip = srv.kjson("get", "service", "web")["spec"]["clusterIP"]
    # On n2: by pod IP, then by the Service (DNATed on n2, routed to n1).
    srv.kubectl("apply", "-f", "-", input=json.dumps(
        pod("client", "n2", srv.image,
            f"ok=; for i in $(seq 60); do wget -q -O - http://{web_ip}:8080/ | grep -q hello-from-n1 && ok=1 && break; "
            f"sleep 0.5; done; [ -n \"$ok\" ] || exit 2; "
            f"for i in $(seq 60); do wget -q -O - http://{cip}/ | grep -q hello-from-n1 && exit 0; sleep 0.5; done; "
            f"exit 3")))
    phase = wait_for(lambda: srv.kjson("get", "pod", "client")["status"].get("phase")
                     in ("Succeeded", "Failed") and srv.kjson("get", "pod", "client")["status"]["phase"],
                     "the client on n2", timeout=120)
    # (Logs of pods on other nodes are not served yet: the exit code tells which step failed.)
    st = srv.kjson("get", "pod", "client")["status"]
    assert phase == "Succeeded", json.dumps(st.get("containerStatuses"))
    client_ip = srv.kjson("get", "pod", "client")["status"]["podIP"]
    assert client_ip.startswith(c2.rsplit(".", 1)[0] + ".")
