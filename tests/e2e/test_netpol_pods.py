# SPDX-License-Identifier: Apache-2.0
"""NetworkPolicy and cluster DNS with real pods on the pod network (--pod-network), in a network
namespace of the test's own: a policy lets team-b reach team-a on port 80 only; team-c is refused;
pods resolve Services through kube-dns (10.96.0.10), unless an egress policy forbids it."""
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import Server

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def wait_for(fn, what, timeout=30):
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


@pytest.fixture(scope="module")
def srv():
    s = Server(node=True, netns=True, args=["--pod-network", "--node-name", "n1"])
    img = tempfile.mkdtemp(prefix="atoll-img-")
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True,
                       capture_output=True)
        s.image = f"oci:{img}:latest"
        for ns in ("team-a", "team-b", "team-c"):
            s.kubectl("create", "namespace", ns)
        yield s
    finally:
        s.kubectl("delete", "pod", "--all", "-A", "--wait=true", "--timeout=60s", check=False)
        s.close()
        subprocess.run(["rm", "-rf", img])


def apply(srv, obj):
    srv.kubectl("apply", "-f", "-", input=json.dumps(obj))


def ruleset(srv):
    return subprocess.run([*srv.prefix, "nft", "list", "table", "inet", "atoll-policy"], capture_output=True,
                          text=True).stdout


def wait_rules(srv, text, what):
    try:
        wait_for(lambda: text in ruleset(srv), what)
    except AssertionError as e:
        raise AssertionError(f"{e}\nserver log:\n{srv.logtext()}")


def prober(srv, ns, name, targets):
    """A pod that GETs every target in rounds ("<round> <target>=ok|no" lines); returns its IP.
    Each GET is bounded (busybox timeout: wget's own -T crashes in this busybox)."""
    script = ("i=0; while [ $i -lt 1000 ]; do i=$((i+1)); for t in " + " ".join(targets) + "; do "
              "if timeout 3 wget -q -O - http://$t/ >/dev/null 2>&1; then echo $i $t=ok; else echo $i $t=no; fi; "
              "done; sleep 0.5; done")
    apply(srv, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
                "spec": {"containers": [{"name": "c", "image": srv.image, "command": ["sh", "-c", script]}]}})
    return wait_for(lambda: srv.kjson("-n", ns, "get", "pod", name)["status"].get("phase") == "Running" and
                    srv.kjson("-n", ns, "get", "pod", name)["status"].get("podIP"), f"{ns}/{name} running",
                    timeout=90)


def rounds(srv, ns, name):
    """{round: {target: ok}} from the prober's log."""
    out = {}
    for line in srv.kubectl("-n", ns, "logs", name, check=False).stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit() and "=" in parts[1]:
            t, v = parts[1].rsplit("=", 1)
            out.setdefault(int(parts[0]), {})[t] = v == "ok"
    return out


def probe(srv, ns, name, targets):
    """The first complete round that started after now: {target: reachable}."""
    seen = rounds(srv, ns, name)
    after = max(seen) if seen else 0
    return wait_for(lambda: next((r for n, r in sorted(rounds(srv, ns, name).items())
                                 if n > after and len(r) == len(targets)), None),
                   f"a new round of {ns}/{name}", timeout=60)


@pytest.fixture(scope="module")
def web(srv):
    apply(srv, {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "web", "namespace": "team-a", "labels": {"app": "web"}},
                "spec": {"containers": [{
                    "name": "httpd", "image": srv.image,
                    "ports": [{"name": "http", "containerPort": 80}, {"name": "alt", "containerPort": 8080}],
                    "command": ["sh", "-c", "mkdir -p /tmp/www && echo hi > /tmp/www/index.html && "
                                "httpd -p 8080 -h /tmp/www && exec httpd -f -p 80 -h /tmp/www"]}]}})
    apply(srv, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "team-a"},
                "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]}})
    ip = wait_for(lambda: srv.kjson("-n", "team-a", "get", "pod", "web")["status"].get("podIP"), "web's IP",
                  timeout=90)
    wait_for(lambda: srv.kjson("-n", "team-a", "get", "pod", "web")["status"].get("phase") == "Running",
             "web running", timeout=90)
    return ip


def test_team_b_reaches_team_a_on_port_80_only(srv, web):
    targets = [f"{web}:80", f"{web}:8080"]
    b, c = prober(srv, "team-b", "b", targets), prober(srv, "team-c", "c", targets)
    # Open before any policy.
    assert probe(srv, "team-c", "c", targets) == {targets[0]: True, targets[1]: True}
    apply(srv, {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "from-team-b", "namespace": "team-a"},
                "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{
                    "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-b"}}}],
                    "ports": [{"protocol": "TCP", "port": 80}]}]}})
    wait_rules(srv, f"ip saddr {b} tcp dport 80 accept", "the agent to apply the policy")
    assert probe(srv, "team-b", "b", targets) == {targets[0]: True, targets[1]: False}
    assert probe(srv, "team-c", "c", targets) == {targets[0]: False, targets[1]: False}


def test_pods_resolve_services_through_kube_dns(srv, web):
    # Names through kube-dns (10.96.0.10) and the search path, from the pod's own resolv.conf.
    targets = ["web.team-a:80", "web.team-a.svc.cluster.local:80", f"{web}:80"]
    prober(srv, "team-b", "dns", targets)
    assert probe(srv, "team-b", "dns", targets) == {t: True for t in targets}
    # An egress policy without DNS takes name resolution away, as in Kubernetes.
    apply(srv, {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "no-dns", "namespace": "team-b"},
                "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                         "egress": [{"to": [{"namespaceSelector": {}}], "ports": [{"port": 80}]}]}})
    wait_rules(srv, "team-b/no-dns", "the egress policy")
    assert probe(srv, "team-b", "dns", targets) == {targets[0]: False, targets[1]: False, targets[2]: True}
    # Allowing DNS to kube-dns brings it back.
    apply(srv, {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "dns", "namespace": "team-b"},
                "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{
                    "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                    "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}]}})
    wait_rules(srv, "team-b/dns", "the DNS policy")
    assert probe(srv, "team-b", "dns", targets) == {t: True for t in targets}
