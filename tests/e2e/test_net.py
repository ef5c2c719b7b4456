# SPDX-License-Identifier: Apache-2.0
"""Pod networking in a network namespace of the test's own: a server with --pod-network, "pods"
made by hand (busybox in a new user+net namespace, attached with `atoll net attach` as a pod's
shim does), pod-to-pod traffic over the bridge, a Service's ClusterIP, LoadBalancer IP and node
port DNATed by the agent's nftables rules, routes to other nodes' pod ranges."""
import json
import os
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import ATOLL, Server, netns_add, netns_del, netns_entered

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def wait_for(fn, what, timeout=30):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def sh(*args, check=True, timeout=30):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


class Pod:
    """A stand-in pod: argv run by busybox in a new user and network namespace, attached to the bridge."""

    def __init__(self, srv, cidr, uid, *argv, stdout=None):
        self.srv, self.uid = srv, uid
        # nsenter and unshare both exec, so the pid is the process in the pod's namespaces.
        self.proc = subprocess.Popen([*srv.prefix, "unshare", "-Urn", "busybox", *argv], stdout=stdout)
        try:
            # unshare makes both namespaces in one call: a new user namespace means a new network one.
            wait_for(lambda: os.readlink(f"/proc/{self.proc.pid}/ns/user") != os.readlink("/proc/self/ns/user"),
                     "the pod's namespaces")
            self.ip = sh(*srv.prefix, ATOLL, "net", "attach", "--data-dir", srv.data_dir, "--cidr", cidr,
                         "--uid", uid, "--pid", str(self.proc.pid)).stdout.strip()
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise

    def run(self, *argv, check=True, timeout=30):
        """busybox argv in the pod's network namespace."""
        return sh("nsenter", "-t", str(self.proc.pid), "-n", "busybox", *argv, check=check, timeout=timeout)

    def close(self):
        sh(*self.srv.prefix, ATOLL, "net", "detach", "--data-dir", self.srv.data_dir, "--uid", self.uid)
        self.proc.kill()
        self.proc.wait()


def wget(runner, url):
    """The body at url, or None. (busybox wget -T crashes in Debian's busybox: the timeout is ours.)"""
    try:
        p = runner("wget", "-q", "-O", "-", url, check=False, timeout=5)
    except subprocess.TimeoutExpired:
        return None
    return p.stdout if p.returncode == 0 else None


@pytest.fixture(scope="module")
def net():
    srv = Server(node=True, netns=True, args=["--pod-network"])
    www = tempfile.TemporaryDirectory(prefix="atoll-www-")
    os.chmod(www.name, 0o755)
    with open(os.path.join(www.name, "index.html"), "w") as f:
        f.write("hello from b\n")
    pods = []
    client = None
    try:
        node = wait_for(lambda: srv.kjson("get", "nodes")["items"], "the node")[0]["metadata"]["name"]
        cidr = wait_for(lambda: srv.kjson("get", "node", node)["spec"].get("podCIDR"), "the node's podCIDR")
        wait_for(lambda: "atoll0" in sh("ip", "-n", srv.netns, "link").stdout, "the bridge")
        a = Pod(srv, cidr, "pod-a", "sleep", "600")
        pods.append(a)
        b = Pod(srv, cidr, "pod-b", "httpd", "-f", "-p", "8080", "-h", www.name)
        pods.append(b)
        # A client network that the node routes: a second namespace on a veth, like a LAN.
        client = netns_add()
        sh("ip", "-n", srv.netns, "link", "add", "atlt-s", "type", "veth", "peer", "name", "atlt-c", "netns", client)
        sh("ip", "-n", srv.netns, "addr", "add", "192.168.250.1/30", "dev", "atlt-s")
        sh("ip", "-n", srv.netns, "link", "set", "atlt-s", "up")
        sh("ip", "-n", client, "addr", "add", "192.168.250.2/30", "dev", "atlt-c")
        sh("ip", "-n", client, "link", "set", "atlt-c", "up")
        sh("ip", "-n", client, "route", "add", "10.97.0.0/16", "via", "192.168.250.1")
        yield {"srv": srv, "cidr": cidr, "node": node, "a": a, "b": b, "client": client}
    finally:
        for p in pods:
            p.close()
        if client:
            netns_del(client)
        srv.close()
        www.cleanup()


def test_pods_get_addresses_on_the_bridge(net):
    srv, a, b = net["srv"], net["a"], net["b"]
    base = net["cidr"].rsplit(".", 1)[0]
    assert a.ip.startswith(base + ".") and b.ip.startswith(base + ".") and a.ip != b.ip
    eth = a.run("ip", "-4", "addr", "show", "eth0").stdout
    assert f"inet {a.ip}/24" in eth
    assert f"default via {base}.1" in a.run("ip", "route").stdout
    # Leases are files holding the pod's uid, so a restarted agent keeps them.
    with open(os.path.join(srv.data_dir, "net", "leases", a.ip)) as f:
        assert f.read().strip() == "pod-a"
    # Attaching again is idempotent: same address.
    again = sh(*srv.prefix, ATOLL, "net", "attach", "--data-dir", srv.data_dir, "--cidr", net["cidr"],
               "--uid", "pod-a", "--pid", str(a.proc.pid)).stdout.strip()
    assert again == a.ip
    # A process without a network namespace of its own (here the server) is refused: its "eth0"
    # would be the node's.
    links = sh("ip", "-n", srv.netns, "-o", "link").stdout.count("\n")
    bad = sh(*srv.prefix, ATOLL, "net", "attach", "--data-dir", srv.data_dir, "--cidr", net["cidr"],
             "--uid", "not-a-pod", "--pid", str(srv.proc.pid), check=False)
    assert bad.returncode != 0 and "shares this network namespace" in bad.stderr
    assert sh("ip", "-n", srv.netns, "-o", "link").stdout.count("\n") == links
    leases = os.path.join(srv.data_dir, "net", "leases")
    assert all(open(os.path.join(leases, f)).read().strip() != "not-a-pod"
               for f in os.listdir(leases) if not f.startswith("."))


def test_pod_to_pod(net):
    a, b = net["a"], net["b"]
    a.run("ping", "-c", "1", "-W", "3", b.ip)
    assert wget(a.run, f"http://{b.ip}:8080/") == "hello from b\n"


def test_service_clusterip_loadbalancer_nodeport(net):
    srv, a, b, client = net["srv"], net["a"], net["b"], net["client"]
    srv.kubectl("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
         "spec": {"type": "LoadBalancer", "ports": [{"port": 80, "targetPort": 8080}]}},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "web-1", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
         "addressType": "IPv4", "ports": [{"port": 8080, "protocol": "TCP"}],
         "endpoints": [{"addresses": [b.ip], "conditions": {"ready": True}}]}]}))
    svc = srv.kjson("get", "service", "web")
    cip = svc["spec"]["clusterIP"]
    nport = svc["spec"]["ports"][0]["nodePort"]
    lb = wait_for(lambda: srv.kjson("get", "service", "web").get("status", {}).get("loadBalancer", {})
                  .get("ingress", [{}])[0].get("ip"), "a LoadBalancer IP")
    assert lb.startswith("10.97.")
    # From another pod, through the bridge and the node's DNAT.
    assert wait_for(lambda: wget(a.run, f"http://{cip}/"), "the ClusterIP from a pod") == "hello from b\n"
    # Hairpin: the endpoint reaches itself through its service.
    assert wget(b.run, f"http://{cip}/") == "hello from b\n"
    # From the node itself.
    def node_run(*argv, check=True, timeout=30):
        return sh(*srv.prefix, "busybox", *argv, check=check, timeout=timeout)

    assert wget(node_run, f"http://{cip}/") == "hello from b\n"
    # From a network the node routes: the LoadBalancer IP and the node port.
    def client_run(*argv, check=True, timeout=30):
        return sh("ip", "netns", "exec", client, "busybox", *argv, check=check, timeout=timeout)

    assert wait_for(lambda: wget(client_run, f"http://{lb}/"), "the LoadBalancer IP") == "hello from b\n"
    assert wget(client_run, f"http://192.168.250.1:{nport}/") == "hello from b\n"
    rules = sh("ip", "netns", "exec", srv.netns, "nft", "list", "table", "ip", "atoll-nat").stdout
    assert f"ip daddr {cip} tcp dport 80" in rules and f"dnat to {b.ip}:8080" in rules
    # Without endpoints the DNAT goes and connections are refused (not left to time out).
    srv.kubectl("delete", "endpointslice", "web-1")
    wait_for(lambda: cip not in sh("ip", "netns", "exec", srv.netns, "nft", "list", "table", "ip",
                                   "atoll-nat").stdout, "the rules to go")
    refused = a.run("wget", "-q", "-O", "-", f"http://{cip}/", check=False, timeout=20)
    assert refused.returncode != 0 and "refused" in refused.stderr.lower(), refused.stderr
    refused = client_run("wget", "-q", "-O", "-", f"http://192.168.250.1:{nport}/", check=False, timeout=20)
    assert refused.returncode != 0 and "refused" in refused.stderr.lower(), refused.stderr
    srv.kubectl("delete", "service", "web")
    wait_for(lambda: cip not in sh("ip", "netns", "exec", srv.netns, "nft", "list", "table", "inet",
                                   "atoll").stdout, "the reject rules to go")


def test_load_balancing_and_session_affinity(net):
    srv, a, b = net["srv"], net["a"], net["b"]
    www = tempfile.TemporaryDirectory(prefix="atoll-www-")
    os.chmod(www.name, 0o755)
    with open(os.path.join(www.name, "index.html"), "w") as f:
        f.write("hello from c\n")
    c = Pod(srv, net["cidr"], "pod-c2", "httpd", "-f", "-p", "8080", "-h", www.name)
    try:
        for name, affinity in (("spread", "None"), ("sticky", "ClientIP")):
            srv.kubectl("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": [
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                 "spec": {"sessionAffinity": affinity, "ports": [{"port": 80, "targetPort": 8080}]}},
                {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                 "metadata": {"name": name + "-1", "namespace": "default",
                              "labels": {"kubernetes.io/service-name": name}},
                 "addressType": "IPv4", "ports": [{"port": 8080, "protocol": "TCP"}],
                 "endpoints": [{"addresses": [b.ip]}, {"addresses": [c.ip]}]}]}))
        spread = srv.kjson("get", "service", "spread")["spec"]["clusterIP"]
        sticky = srv.kjson("get", "service", "sticky")["spec"]["clusterIP"]
        wait_for(lambda: wget(a.run, f"http://{sticky}/"), "the services")
        # Random choice: both endpoints answer within a few dozen requests (all from one: 2^-39).
        seen = set()
        for _ in range(40):
            seen.add(wget(a.run, f"http://{spread}/"))
            if len(seen) == 2:
                break
        assert seen == {"hello from b\n", "hello from c\n"}
        # ClientIP affinity: one client keeps its endpoint.
        first = wget(a.run, f"http://{sticky}/")
        assert all(wget(a.run, f"http://{sticky}/") == first for _ in range(10))
    finally:
        c.close()
        www.cleanup()
        srv.kubectl("delete", "service", "spread", "sticky", check=False)
        srv.kubectl("delete", "endpointslice", "spread-1", "sticky-1", check=False)


def test_external_traffic_policy_local(net):
    srv, b, client = net["srv"], net["b"], net["client"]
    items = []
    for name, on in (("here", net["node"]), ("elsewhere", "some-other-node")):
        items += [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
             "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local",
                      "ports": [{"port": 80, "targetPort": 8080}]}},
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": name + "-1", "namespace": "default",
                          "labels": {"kubernetes.io/service-name": name}},
             "addressType": "IPv4", "ports": [{"port": 8080, "protocol": "TCP"}],
             "endpoints": [{"addresses": [b.ip], "nodeName": on}]}]
    srv.kubectl("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    try:
        def lb_ip(name):
            return srv.kjson("get", "service", name).get("status", {}).get("loadBalancer", {}) \
                .get("ingress", [{}])[0].get("ip")
        here = wait_for(lambda: lb_ip("here"), "a LoadBalancer IP")

        def client_run(*argv, check=True, timeout=30):
            return sh("ip", "netns", "exec", client, "busybox", *argv, check=check, timeout=timeout)
        assert wait_for(lambda: wget(client_run, f"http://{here}/"), "the local endpoint") == "hello from b\n"
        # The endpoint saw the client's own address: the flow was not masqueraded.
        ct = sh(*srv.prefix, "grep", f"dst={here} ", "/proc/net/nf_conntrack", check=False).stdout
        assert f"src={b.ip} dst=192.168.250.2 " in ct, ct
        # Without an endpoint on this node the external traffic is dropped here.
        wait_for(lambda: "drop" in sh("ip", "netns", "exec", srv.netns, "nft", "list", "table", "ip",
                                      "atoll-nat").stdout, "the drop rule")
    finally:
        srv.kubectl("delete", "service", "here", "elsewhere", check=False)
        srv.kubectl("delete", "endpointslice", "here-1", "elsewhere-1", check=False)


def test_udp_service(net):
    srv, a = net["srv"], net["a"]
    u = Pod(srv, net["cidr"], "pod-udp", "sleep", "600")
    # Busybox's nc has no UDP here: the endpoint and the client are sockets of ours in the pods' namespaces.
    with netns_entered(f"/proc/{u.proc.pid}/ns/net"):
        server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with netns_entered(f"/proc/{a.proc.pid}/ns/net"):
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        server.bind(("0.0.0.0", 5353))
        server.settimeout(1)
        client.settimeout(1)
        srv.kubectl("apply", "-f", "-", input=json.dumps(
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "udp", "namespace": "default"},
             "spec": {"ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 5353}]}}))
        cip = srv.kjson("get", "service", "udp")["spec"]["clusterIP"]
        # A client that sends before there are endpoints (refused) gets through once there are:
        # no conntrack entry is left from its early datagrams to keep it from being DNATed.
        wait_for(lambda: f"ip daddr {cip} udp dport 53 reject" in sh(
            "ip", "netns", "exec", srv.netns, "nft", "list", "table", "inet", "atoll").stdout, "the reject")
        client.sendto(b"early", (cip, 53))
        srv.kubectl("apply", "-f", "-", input=json.dumps(
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "udp-1", "namespace": "default", "labels": {"kubernetes.io/service-name": "udp"}},
             "addressType": "IPv4", "ports": [{"name": "dns", "port": 5353, "protocol": "UDP"}],
             "endpoints": [{"addresses": [u.ip], "conditions": {"ready": True}}]}))

        def roundtrip():
            client.sendto(b"ping", (cip, 53))
            try:
                data, peer = server.recvfrom(100)
            except socket.timeout:
                return None
            server.sendto(b"pong:" + data, peer)
            try:
                reply, frm = client.recvfrom(100)
            except socket.timeout:
                return None
            return reply, frm
        try:
            reply, frm = wait_for(roundtrip, "a datagram through the service")
        except AssertionError:
            print("conntrack:", sh(*srv.prefix, "grep", "udp", "/proc/net/nf_conntrack", check=False).stdout)
            raise
        # The answer comes back from the service address, as the client expects.
        assert reply == b"pong:ping" and frm == (cip, 53)

        # The endpoint moves: the same client (same flow) follows it, its old conntrack entry gone.
        u2 = Pod(srv, net["cidr"], "pod-udp2", "sleep", "600")
        with netns_entered(f"/proc/{u2.proc.pid}/ns/net"):
            server2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        server2.bind(("0.0.0.0", 5353))
        server2.settimeout(1)
        try:
            srv.kubectl("patch", "endpointslice", "udp-1", "--type=merge", "-p", json.dumps(
                {"endpoints": [{"addresses": [u2.ip], "conditions": {"ready": True}}]}))

            def moved():
                client.sendto(b"again", (cip, 53))
                try:
                    return server2.recvfrom(100)[0]
                except socket.timeout:
                    return None
            assert wait_for(moved, "the datagrams to reach the new endpoint") == b"again"
        finally:
            server2.close()
            u2.close()
    finally:
        server.close()
        client.close()
        u.close()
        srv.kubectl("delete", "service", "udp", check=False)
        srv.kubectl("delete", "endpointslice", "udp-1", check=False)


def test_routes_to_other_nodes(net):
    srv = net["srv"]
    srv.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "remote"}}))
    srv.kubectl("patch", "node", "remote", "--subresource=status", "--type=merge", "-p", json.dumps(
        {"status": {"addresses": [{"type": "InternalIP", "address": "192.168.250.2"}]}}))
    cidr = wait_for(lambda: srv.kjson("get", "node", "remote")["spec"].get("podCIDR"), "the remote podCIDR")
    assert cidr != net["cidr"] and cidr.startswith("10.244.") and cidr.endswith(".0/24")
    assert srv.kjson("get", "node", "remote")["spec"]["podCIDRs"] == [cidr]
    route = f"{cidr} via 192.168.250.2"
    wait_for(lambda: route in sh("ip", "-n", srv.netns, "route").stdout, "the route to the remote pods")
    srv.kubectl("delete", "node", "remote")
    wait_for(lambda: route not in sh("ip", "-n", srv.netns, "route").stdout, "the route to go")


def test_detach_releases(net):
    srv = net["srv"]
    p = Pod(srv, net["cidr"], "pod-c", "sleep", "600")
    lease = os.path.join(srv.data_dir, "net", "leases", p.ip)
    assert os.path.exists(lease)
    links = sh("ip", "-n", srv.netns, "-o", "link").stdout.count("master atoll0")
    p.close()
    assert not os.path.exists(lease)
    assert sh("ip", "-n", srv.netns, "-o", "link").stdout.count("master atoll0") == links - 1
