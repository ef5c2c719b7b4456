# SPDX-License-Identifier: Apache-2.0
"""NetworkPolicy enforcement (docs/network-policy.md) with real TCP traffic between "pods" that are
network namespaces this test creates on a bridge of its own; the ruleset is compiled by
`atoll netpol compile` and loaded with libnftables (--apply) inside the test's node namespace only."""
import json
import subprocess

import pytest

from conftest import ATOLL
from netns_util import PodNet

# name, namespace, labels, ip, container ports
PODS = [
    ("a", "team-a", {"app": "web"}, "10.244.0.2", [{"name": "http", "containerPort": 80},
                                                  {"name": "alt", "containerPort": 8080}]),
    ("a2", "team-a", {"app": "tool"}, "10.244.0.5", []),
    ("b", "team-b", {"app": "client"}, "10.244.0.3", [{"name": "http", "containerPort": 80}]),
    ("c", "team-c", {"app": "client"}, "10.244.0.4", [{"name": "http", "containerPort": 80}]),
]
NAMESPACES = {"team-a": {}, "team-b": {"team": "b"}, "team-c": {"team": "c"}, "kube-system": {}}


def uid(name):
    """A pod uid whose veth, named as the pod network names them (net.h), is atl + its 12 digits."""
    return f"{[p[0] for p in PODS].index(name) + 10:012x}"


def pod_obj(name, ns, labels, ip, ports):
    return {"metadata": {"name": name, "namespace": ns, "labels": labels, "uid": uid(name)},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "ports": ports}]},
            "status": {"phase": "Running", "podIP": ip}}


@pytest.fixture(scope="module")
def net():
    n = PodNet()
    try:
        for name, _ns, _l, ip, _p in PODS:
            n.add_pod(name, ip, veth="atl" + uid(name))
        for name in ("a", "b", "c"):
            n.serve_http(name, 80)
        n.serve_http("a", 8080)
        yield n
    finally:
        n.close()


def apply(net, policies):
    doc = {"node": "n1", "pods": [pod_obj(*p) for p in PODS],
           "namespaces": [{"metadata": {"name": k, "labels": v}} for k, v in NAMESPACES.items()],
           "networkPolicies": policies}
    r = subprocess.run(["ip", "netns", "exec", net.node, ATOLL, "netpol", "compile", "--apply"],
                       input=json.dumps(doc), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return net.node_exec("nft", "list", "table", "inet", "atoll-policy").stdout


def policy(ns, name, spec):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def test_no_policy_allows_everything(net):
    apply(net, [])
    assert net.can_connect("b", net.ip("a"), 80)
    assert net.can_connect("c", net.ip("a"), 8080)
    assert net.can_connect("a", net.ip("b"), 80)


def test_team_b_to_team_a_port_80_only(net):
    rules = apply(net, [policy("team-a", "allow-b-http", {
        "podSelector": {"matchLabels": {"app": "web"}},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "b"}}}],
                     "ports": [{"protocol": "TCP", "port": 80}]}]})])
    assert "allow-b-http" in rules
    assert net.can_connect("b", net.ip("a"), 80)
    assert not net.can_connect("b", net.ip("a"), 8080)   # other port
    assert not net.can_connect("c", net.ip("a"), 80)     # other namespace
    assert not net.can_connect("a2", net.ip("a"), 80)    # same namespace, not allowed either
    # a is isolated for ingress only: it still reaches others, and their replies come back.
    assert net.can_connect("a", net.ip("b"), 80)
    assert net.can_connect("a", net.ip("c"), 80)


def test_named_port_and_pod_selector_in_namespace(net):
    apply(net, [policy("team-a", "named", {
        "podSelector": {"matchLabels": {"app": "web"}},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "c"}},
                               "podSelector": {"matchLabels": {"app": "client"}}}],
                     "ports": [{"port": "alt"}]}]})])
    assert net.can_connect("c", net.ip("a"), 8080)
    assert not net.can_connect("c", net.ip("a"), 80)
    assert not net.can_connect("b", net.ip("a"), 8080)


def test_namespace_default_allows_same_namespace_only(net):
    # What `atoll namespace create` adds unless --allow-from-other-namespaces.
    apply(net, [policy("team-a", "allow-same-namespace", {
        "podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {}}]}]})])
    assert net.can_connect("a2", net.ip("a"), 80)
    assert not net.can_connect("b", net.ip("a"), 80)
    assert not net.can_connect("c", net.ip("a"), 8080)
    assert net.can_connect("b", net.ip("c"), 80)  # other namespaces are untouched


def test_egress_isolation_and_ipblock(net):
    apply(net, [policy("team-b", "egress", {
        "podSelector": {}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "10.244.0.0/24", "except": ["10.244.0.4/32"]}}],
                    "ports": [{"port": 80, "endPort": 81}]}]})])
    assert net.can_connect("b", net.ip("a"), 80)
    assert not net.can_connect("b", net.ip("a"), 8080)
    assert not net.can_connect("b", net.ip("c"), 80)   # excepted
    assert net.can_connect("c", net.ip("b"), 80)       # b's ingress is not isolated; replies pass


def test_deny_all_ingress_then_lifted(net):
    apply(net, [policy("team-c", "deny", {"podSelector": {}, "policyTypes": ["Ingress"]})])
    assert not net.can_connect("a", net.ip("c"), 80)
    assert not net.can_connect("b", net.ip("c"), 80)
    # A second policy adds to the first: allowed if any policy allows.
    apply(net, [policy("team-c", "deny", {"podSelector": {}, "policyTypes": ["Ingress"]}),
                policy("team-c", "from-a", {"podSelector": {}, "ingress": [{"from": [
                    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-a"}}}]}]})])
    assert net.can_connect("a", net.ip("c"), 80)
    assert not net.can_connect("b", net.ip("c"), 80)
    apply(net, [])
    assert net.can_connect("b", net.ip("c"), 80)


def test_every_rule_form_loads(net):
    """nft takes every form the compiler writes: protocols, ranges, overlapping ports, excepts, named ports."""
    rules = apply(net, [
        policy("team-a", "forms", {
            "podSelector": {}, "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.1.0.0/16", "10.1.2.0/24"]}},
                                  {"namespaceSelector": {}, "podSelector": {"matchExpressions": [
                                      {"key": "app", "operator": "In", "values": ["client", "web"]}]}}],
                         "ports": [{"port": 80}, {"port": 80, "endPort": 90}, {"protocol": "UDP"},
                                   {"protocol": "SCTP", "port": 9}, {"port": "http"}, {"port": "alt"}]},
                        {}],
            "egress": [{"to": [{"ipBlock": {"cidr": "10.244.0.3/32"}}], "ports": [{"port": "http"}]},
                       {"ports": [{"port": "http"}, {"protocol": "UDP", "port": 53}]}]})])
    assert "sctp" in rules and "80-90" in rules and "10.1.0.0/16" in rules
    assert net.can_connect("b", net.ip("a"), 80)
    assert net.can_connect("a", net.ip("b"), 80)       # egress to a named port of a peer pod
    apply(net, [])


def test_pods_cannot_borrow_addresses(net):
    """At the bridge ports only the pod's own source address passes (table bridge atoll-policy):
    c, taking b's address, cannot get a UDP datagram to a through as b."""
    apply(net, [])
    listener = subprocess.Popen(
        ["ip", "netns", "exec", net.pods["a"][0], "/usr/bin/python3", "-u", "-c",
         "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('0.0.0.0', 9999))\n"
         "print('ready')\nwhile True:\n    d, a = s.recvfrom(100)\n    print(a[0], d.decode())"],
        stdout=subprocess.PIPE, text=True)
    c_ns = net.pods["c"][0]

    def send(src, word):
        subprocess.run(["ip", "netns", "exec", c_ns, "/usr/bin/python3", "-c",
                        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                        f"s.bind(('{src}', 0))\ns.sendto(b'{word}', ('{net.ip('a')}', 9999))"],
                       check=True, timeout=20)
    try:
        assert listener.stdout.readline().strip() == "ready"
        subprocess.run(["ip", "-n", c_ns, "addr", "add", net.ip("b") + "/32", "dev", "eth0"], check=True)
        send(net.ip("b"), "spoofed")
        send(net.ip("c"), "honest")
        line = listener.stdout.readline().split()
        assert line == [net.ip("c"), "honest"], line
        counters = net.node_exec("nft", "list", "table", "bridge", "atoll-policy").stdout
        assert f'iifname "atl{uid("c")}" ip saddr != {net.ip("c")} drop' in counters
    finally:
        subprocess.run(["ip", "-n", c_ns, "addr", "del", net.ip("b") + "/32", "dev", "eth0"], check=False)
        listener.kill()
        listener.wait()
