# SPDX-License-Identifier: Apache-2.0
"""The node agent's DNS and NetworkPolicy loops, end to end: `atoll server` runs inside a network
namespace this test creates, holding bridge atoll0 (10.244.0.1/24) and namespace "pods" on veths.
The agent serves DNS on the bridge address and applies policies with nftables in that namespace only.
The API Pods bound to the node run real sandboxes; their IPs are the test pods' (set in status)
until the pod network (branch net) attaches sandboxes itself."""
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import ATOLL, free_port
from netns_util import PodNet, sh

HERE = os.path.dirname(os.path.abspath(__file__))
PODS = [("a", "team-a", "10.244.0.2"), ("b", "team-b", "10.244.0.3"), ("c", "team-c", "10.244.0.4")]
UPSTREAM = "10.244.0.53"  # a stand-in for the host's resolver (dns_upstream.py)


class NetnsServer:
    """`atoll server` inside net.node; kubectl and curl run there too."""

    def __init__(self, net):
        self.net = net
        self.tmp = tempfile.TemporaryDirectory(prefix="atoll-test-")
        self.dir = self.tmp.name
        self.port = free_port()
        self.log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen(["ip", "netns", "exec", net.node, ATOLL, "server", "--data-dir", self.dir,
                                      "--listen", f"127.0.0.1:{self.port}", "--node-name", "n1",
                                      "--stop-pods-on-exit"],
                                     stdout=self.log, stderr=self.log)
        for _ in range(200):
            r = net.node_exec("curl", "-sk", f"https://127.0.0.1:{self.port}/readyz", check=False)
            if r.stdout == "ok" and os.path.exists(os.path.join(self.dir, "kubeconfig")):
                break
            if self.proc.poll() is not None:
                self.fail("exited")
            time.sleep(0.1)
        else:
            self.fail("did not become ready")

    def fail(self, why):
        text = self.logtext()
        self.close()
        raise RuntimeError(f"server {why}: {text}")

    def logtext(self):
        with open(os.path.join(self.dir, "server.log"), "rb") as f:
            return f.read().decode(errors="replace")[-12000:]

    def kubectl(self, *args, input=None, check=True):
        r = self.net.node_exec("kubectl", "--kubeconfig", os.path.join(self.dir, "kubeconfig"), *args,
                               input=input, check=False, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"kubectl {args}: {r.stdout}{r.stderr}\nserver log:\n{self.logtext()}")
        return r

    def apply(self, obj):
        self.kubectl("apply", "-f", "-", input=json.dumps(obj))

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        self.tmp.cleanup()


def wait_for(pred, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.25)
    raise AssertionError("timed out waiting for " + what)


@pytest.fixture(scope="module")
def env():
    net = PodNet()
    srv = None
    img = tempfile.mkdtemp(prefix="atoll-img-")
    # `ip netns exec` shows /etc/netns/NAME/resolv.conf as /etc/resolv.conf: the server's upstream
    # resolver is then a stand-in in the test's own namespaces, and nothing leaves the machine.
    etc = f"/etc/netns/{net.node}"
    try:
        os.makedirs(etc)
        with open(os.path.join(etc, "resolv.conf"), "w") as f:
            f.write(f"nameserver {UPSTREAM}\n")
        for name, _ns, ip in PODS:
            net.add_pod(name, ip)
            net.serve_http(name, 80)
        net.serve_http("a", 8080)
        net.add_pod("up", UPSTREAM)
        net.procs.append(subprocess.Popen(["ip", "netns", "exec", net.pods["up"][0], "/usr/bin/python3",
                                           os.path.join(HERE, "dns_upstream.py"), UPSTREAM]))
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True,
                       capture_output=True)
        srv = NetnsServer(net)
        for name, ns, ip in PODS:
            srv.kubectl("create", "namespace", ns, check=False)
            srv.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns,
                                                                       "labels": {"app": name}},
                       "spec": {"nodeName": "n1", "containers": [
                           {"name": "main", "image": f"oci:{img}:latest", "command": ["sleep", "3600"],
                            "ports": [{"name": "http", "containerPort": 80}]}]}})
            srv.kubectl("-n", ns, "patch", "pod", name, "--subresource=status", "--type=merge", "-p",
                        json.dumps({"status": {"podIP": ip, "podIPs": [{"ip": ip}]}}))
        yield net, srv
    finally:
        if srv:
            srv.close()
        net.close()
        subprocess.run(["rm", "-rf", img, etc])
        try:
            os.rmdir("/etc/netns")  # only when nothing else is there
        except OSError:
            pass


def ruleset(net):
    return net.node_exec("nft", "list", "table", "inet", "atoll-policy", check=False).stdout


def dns(net, pod, name, timeout=3, tcp=False):
    """Ask the node's DNS (10.244.0.1:53) from inside pod's namespace."""
    ns, _ = net.pods[pod]
    r = sh("ip", "netns", "exec", ns, "/usr/bin/python3", os.path.join(HERE, "dns_util.py"), net.gateway, "53",
           name, "A", str(timeout), "tcp" if tcp else "udp", check=False, timeout=timeout + 20)
    return json.loads(r.stdout) if r.stdout.strip() else {"error": r.stderr}


def test_dns_on_the_bridge_and_kube_dns_endpoint(env):
    net, srv = env
    wait_for(lambda: dns(net, "b", "kubernetes.default.svc.cluster.local").get("addrs") == ["10.96.0.1"],
             "DNS on 10.244.0.1:53")
    r = dns(net, "b", "nope.default.svc.cluster.local")
    assert r["rcode"] == "NXDOMAIN"
    # Other names go to the host's resolver (here the stand-in); when it does not answer: REFUSED.
    r = dns(net, "b", "example.com", timeout=10)
    assert r.get("addrs") == ["192.0.2.53"], r
    r = dns(net, "b", "drop.example.com", timeout=10)
    assert r.get("rcode") == "REFUSED", r
    # Truncated upstream answers: passed on over UDP (the client retries over TCP), and over TCP
    # asked again over TCP upstream.
    r = dns(net, "b", "big.example.com", timeout=10)
    assert r.get("tc") and r.get("addrs") == [], r
    r = dns(net, "b", "big.example.com", timeout=10, tcp=True)
    assert r.get("addrs") == ["192.0.2.54"] and not r.get("tc"), r
    wait_for(lambda: srv.kubectl("-n", "kube-system", "get", "endpointslice", "kube-dns-n1", check=False)
             .returncode == 0, "the kube-dns EndpointSlice")
    sl = json.loads(srv.kubectl("-n", "kube-system", "get", "endpointslice", "kube-dns-n1", "-o", "json").stdout)
    assert sl["endpoints"][0]["addresses"] == ["10.244.0.1"]
    assert sl["metadata"]["labels"]["kubernetes.io/service-name"] == "kube-dns"
    node_uid = json.loads(srv.kubectl("get", "node", "n1", "-o", "json").stdout)["metadata"]["uid"]
    assert sl["metadata"]["ownerReferences"][0]["uid"] == node_uid
    # Deleted by someone, it comes back.
    srv.kubectl("-n", "kube-system", "delete", "endpointslice", "kube-dns-n1")
    wait_for(lambda: srv.kubectl("-n", "kube-system", "get", "endpointslice", "kube-dns-n1", check=False)
             .returncode == 0, "the kube-dns EndpointSlice again")


def test_policy_team_b_to_team_a_port_80_only(env):
    net, srv = env
    assert net.can_connect("c", "10.244.0.2", 80)
    srv.apply({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "from-team-b", "namespace": "team-a"},
               "spec": {"podSelector": {}, "ingress": [{
                   "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-b"}}}],
                   "ports": [{"port": "http"}]}]}})
    wait_for(lambda: "from-team-b" in ruleset(net), "the agent to apply the policy")
    assert net.can_connect("b", "10.244.0.2", 80)
    assert not net.can_connect("b", "10.244.0.2", 8080)
    assert not net.can_connect("c", "10.244.0.2", 80)
    srv.kubectl("-n", "team-a", "delete", "networkpolicy", "from-team-b")
    wait_for(lambda: "from-team-b" not in ruleset(net), "the agent to drop the policy")
    assert net.can_connect("c", "10.244.0.2", 80)


def test_dns_needs_an_egress_allow(env):
    net, srv = env
    name = "kubernetes.default.svc.cluster.local"
    # Egress from team-c only to the cluster DNS (the usual kube-dns selector) and to team-a.
    srv.apply({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "egress", "namespace": "team-c"},
               "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
                   {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                    "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]},
                   {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-a"}}}]}]}})
    wait_for(lambda: "team-c/egress" in ruleset(net), "the egress policy")
    assert dns(net, "c", name).get("addrs") == ["10.96.0.1"]
    assert net.can_connect("c", "10.244.0.2", 80)
    assert not net.can_connect("c", "10.244.0.3", 80)
    # Without the DNS rule, DNS is denied like anything else.
    srv.apply({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "egress", "namespace": "team-c"},
               "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
                   {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-a"}}}]}]}})
    wait_for(lambda: "ports" not in ruleset(net) and "dport 53" not in ruleset(net), "the narrower policy")
    assert "error" in dns(net, "c", name, timeout=2)
    srv.kubectl("-n", "team-c", "delete", "networkpolicy", "egress")
    wait_for(lambda: "team-c/egress" not in ruleset(net), "the policy to go")
    assert dns(net, "c", name).get("addrs") == ["10.96.0.1"]


def test_namespace_create_isolates_unless_asked(env):
    net, srv = env
    r = net.node_exec(ATOLL, "namespace", "create", "team-x", "--data-dir", srv.dir, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    r = net.node_exec(ATOLL, "namespace", "create", "team-y", "--allow-from-other-namespaces",
                      "--data-dir", srv.dir, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert srv.kubectl("-n", "team-x", "get", "networkpolicy", "allow-same-namespace", check=False).returncode == 0
    assert srv.kubectl("-n", "team-y", "get", "networkpolicy", "allow-same-namespace", check=False).returncode != 0
    # Move pod b's address into team-x (a new pod there), keep c as the outsider.
    net.add_pod("x1", "10.244.0.7")
    net.serve_http("x1", 80)
    net.add_pod("x2", "10.244.0.8")
    for name, ip in (("x1", "10.244.0.7"), ("x2", "10.244.0.8")):
        srv.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "team-x"},
                   "spec": {"nodeName": "n1", "containers": [{"name": "main", "image": "oci:/nonexistent"}]}})
        srv.kubectl("-n", "team-x", "patch", "pod", name, "--subresource=status", "--type=merge", "-p",
                    json.dumps({"status": {"podIP": ip}}))
    wait_for(lambda: "team-x/allow-same-namespace" in ruleset(net) and "10.244.0.8" in ruleset(net),
             "the namespace's default policy")
    assert net.can_connect("x2", "10.244.0.7", 80)
    assert not net.can_connect("c", "10.244.0.7", 80)


def test_kube_dns_slice_goes_with_the_node(env):
    """Last in the module: deleting the Node takes its DNS endpoint away (garbage collection), and
    the agent puts both back when it registers again."""
    net, srv = env
    uid = json.loads(srv.kubectl("get", "node", "n1", "-o", "json").stdout)["metadata"]["uid"]
    srv.kubectl("delete", "node", "n1", "--wait=false")

    def slice_owner():
        r = srv.kubectl("-n", "kube-system", "get", "endpointslice", "kube-dns-n1", "-o", "json", check=False)
        return json.loads(r.stdout)["metadata"]["ownerReferences"][0]["uid"] if r.returncode == 0 else None
    wait_for(lambda: slice_owner() != uid, "the old slice to go", timeout=60)
    wait_for(lambda: slice_owner() not in (None, uid), "a slice owned by the new Node", timeout=60)
