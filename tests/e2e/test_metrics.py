# SPDX-License-Identifier: Apache-2.0
"""metrics.k8s.io for `kubectl top`: the agent samples its node's and pods' cgroups and reports them; the
server serves NodeMetrics and PodMetrics (discovery, list, get, label selectors, RBAC like other read-only
resources)."""
import json
import os
import time

import pytest

from conftest import image_node

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def node_server():
    with image_node(env={"ATOLL_METRICS_SECONDS": "1"}) as s:
        yield s


def wait_for(fn, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.3)
    return None


def mem_ki(q):
    assert q.endswith("Ki"), q
    return int(q[:-2])


def test_kubectl_top_pod_and_node(node_server):
    s = node_server
    # Holds about 20 MB in a shell variable, so its working set is clearly above zero.
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "busy", "labels": {"app": "busy"}},
           "spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 1,
                    "containers": [{"name": "hold", "image": s.image, "command": ["sh", "-c",
                                    'x=$(head -c 20000000 /dev/zero | tr "\\0" a); while :; do sleep 1; done']},
                                   {"name": "idle", "image": s.image, "command": ["sleep", "3600"]}]}}
    code, _, body = s.request("POST", "/api/v1/namespaces/default/pods", pod)
    assert code == 201, body

    def metrics():
        code, _, body = s.request("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy")
        if code != 200:
            return None
        m = json.loads(body)
        ctrs = {c["name"]: c["usage"] for c in m["containers"]}
        return m if "hold" in ctrs and mem_ki(ctrs["hold"]["memory"]) > 15000 and "idle" in ctrs else None
    m = wait_for(metrics, timeout=60)
    assert m, s.request("GET", "/apis/metrics.k8s.io/v1beta1/pods")
    assert m["kind"] == "PodMetrics" and m["apiVersion"] == "metrics.k8s.io/v1beta1"
    assert m["metadata"]["namespace"] == "default" and m["window"] and m["timestamp"]
    assert all(c["usage"]["cpu"].endswith("n") for c in m["containers"])

    out = s.kubectl("top", "pod").stdout
    rows = [l.split() for l in out.splitlines()[1:]]
    assert ["busy"] == [r[0] for r in rows], out
    assert out.splitlines()[0].split()[:3] == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert rows[0][2].endswith("Mi") and int(rows[0][2][:-2]) > 0, out
    out = s.kubectl("top", "pod", "busy", "--containers").stdout
    assert "hold" in out and "idle" in out, out
    assert "busy" in s.kubectl("top", "pod", "-l", "app=busy").stdout
    assert "No resources found" in s.kubectl("top", "pod", "-l", "app=other", check=False).stderr

    def node_row():
        out = s.kubectl("top", "node", check=False).stdout
        rows = [l.split() for l in out.splitlines()[1:]]
        return rows if rows and rows[0][0] == "n1" and rows[0][3].endswith("Mi") and int(rows[0][3][:-2]) > 0 \
            else None
    rows = wait_for(node_row)
    assert rows, s.kubectl("top", "node", check=False)
    code, _, body = s.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes/n1")
    assert code == 200 and json.loads(body)["kind"] == "NodeMetrics"
    assert s.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes/nope")[0] == 404

    # Discovery lists the group, as kubectl top needs.
    groups = json.loads(s.request("GET", "/apis")[2])
    assert "metrics.k8s.io" in [g["name"] for g in groups["groups"]]
    s.kubectl("delete", "pod", "busy", "--wait=false")


def test_metrics_rbac(node_server):
    from test_auth import User
    s = node_server
    viewer, nobody = User(s, "metrics-viewer"), User(s, "metrics-nobody")
    s.kubectl("create", "rolebinding", "mv", "--clusterrole=view", "--user=metrics-viewer", "-n", "default")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "seen"},
           "spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 1,
                    "containers": [{"name": "c", "image": s.image, "command": ["sleep", "3600"]}]}}
    assert s.request("POST", "/api/v1/namespaces/default/pods", pod)[0] == 201
    assert wait_for(lambda: s.request("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/seen")[0] == 200,
                    timeout=60)

    def viewer_sees():
        p = viewer.kubectl("top", "pod", "seen", "-n", "default")
        return p if p.returncode == 0 else None
    p = wait_for(viewer_sees)
    assert p and "seen" in p.stdout
    p = nobody.kubectl("top", "pod", "seen", "-n", "default")
    assert p.returncode != 0 and "forbidden" in p.stderr.lower(), p.stderr
    # Nodes are cluster-wide: a namespace's view role does not reach them, and no user may write reports.
    assert "forbidden" in viewer.kubectl("top", "node").stderr.lower()
    p = viewer.kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/n1")
    assert p.returncode != 0
    s.kubectl("delete", "pod", "seen", "--wait=false")
