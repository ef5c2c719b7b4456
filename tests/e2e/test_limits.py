# SPDX-License-Identifier: Apache-2.0
"""Per-container resource limits: each container has its own cgroup below the pod's, with its memory
and cpu limits and cpu shares from its requests; one container going past its memory limit is
OOMKilled and restarted alone; status.qosClass and `kubectl describe` show the resources."""
import json
import os
import time

import pytest

from conftest import image_node
from test_shim import get, wait_pod

HERE = os.path.dirname(os.path.abspath(__file__))
T = 60


@pytest.fixture(scope="module")
def node_server():
    with image_node() as s:
        yield s


def ctr(name, image, cmd, limits=None, requests=None):
    c = {"name": name, "image": image, "command": ["sh", "-c", cmd]}
    if limits or requests:
        c["resources"] = {k: v for k, v in (("limits", limits), ("requests", requests)) if v}
    return c


def create(s, name, containers, restart="Always"):
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
         "spec": {"nodeName": "n1", "restartPolicy": restart, "containers": containers,
                  "terminationGracePeriodSeconds": 1}}
    code, _, body = s.request("POST", "/api/v1/namespaces/default/pods", p)
    assert code == 201, body
    return json.loads(body)


def statuses(p):
    return {c["name"]: c for c in p.get("status", {}).get("containerStatuses", [])}


def delete_and_wait(s, name):
    s.request("DELETE", f"/api/v1/namespaces/default/pods/{name}")
    deadline = time.monotonic() + T
    while time.monotonic() < deadline and get(s, name):
        time.sleep(0.2)


def pod_cgroups(s, uid):
    """The sandbox's cgroup directories on the host, from the shim's state.json."""
    with open(os.path.join(s.data_dir, "run", "pods", uid, "state.json")) as f:
        return json.load(f)["cgroups"]


def read(path):
    with open(path) as f:
        return f.read().strip()


def test_a_container_past_its_memory_limit_is_oom_killed_alone(node_server):
    s = node_server
    hog = ctr("hog", s.image, 'echo start; x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived; sleep 1000',
              limits={"memory": "32Mi", "cpu": "500m"})
    calm = ctr("calm", s.image, "echo calm; sleep 1000", limits={"memory": "64Mi", "cpu": "250m"},
               requests={"cpu": "100m", "memory": "16Mi"})
    uid = create(s, "twins", [hog, calm])["metadata"]["uid"]
    p = wait_pod(s, "twins", lambda p: statuses(p).get("hog", {}).get("restartCount", 0) >= 1 and
                 statuses(p)["hog"].get("lastState", {}).get("terminated"), timeout=T)
    st = statuses(p)
    t = st["hog"]["lastState"]["terminated"]
    assert t["exitCode"] == 137 and t["reason"] == "OOMKilled", t
    assert st["calm"]["restartCount"] == 0 and "running" in st["calm"]["state"], st["calm"]
    assert p["status"]["qosClass"] == "Burstable"

    # Inside the pod: the container sits in a cgroup of its own, named after it.
    own = s.kubectl("exec", "twins", "-c", "calm", "--", "cat", "/proc/self/cgroup").stdout
    lines = {l.split(":")[1]: l.split(":", 2)[2] for l in own.splitlines() if l.count(":") >= 2}
    assert lines.get("memory") == "/calm" and lines.get("cpu") == "/calm", own
    # ... and sees its own limits there.
    quota = s.kubectl("exec", "twins", "-c", "calm", "--", "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us").stdout
    assert quota.strip() == "25000", quota

    # On the host: below the pod's directories, each container's limits; the pod has their sum.
    dirs = pod_cgroups(s, uid)
    mem = next(d for d in dirs if "/memory/" in d)
    cpu = next(d for d in dirs if "/cpu/" in d)
    assert int(read(f"{mem}/hog/memory.limit_in_bytes")) == 32 << 20
    assert int(read(f"{mem}/calm/memory.limit_in_bytes")) == 64 << 20
    assert int(read(f"{mem}/memory.limit_in_bytes")) == 96 << 20
    assert read(f"{cpu}/calm/cpu.cfs_quota_us") == "25000"
    assert read(f"{cpu}/hog/cpu.cfs_quota_us") == "50000"
    assert read(f"{cpu}/cpu.cfs_quota_us") == "75000"
    assert read(f"{cpu}/calm/cpu.shares") == "102"          # requests.cpu 100m
    assert read(f"{cpu}/hog/cpu.shares") == "512"           # requests default to limits

    out = s.kubectl("describe", "pod", "twins").stdout
    assert "Limits:" in out and "32Mi" in out and "250m" in out and "Requests:" in out, out
    assert "QoS Class:" in out and "Burstable" in out
    delete_and_wait(s, "twins")
    # The pod's cgroups (and its containers') are removed with it.
    deadline = time.monotonic() + T
    while time.monotonic() < deadline and any(os.path.exists(d) for d in dirs):
        time.sleep(0.2)
    assert not any(os.path.exists(d) for d in dirs)


def test_qos_classes(node_server):
    s = node_server
    g = create(s, "guaranteed", [ctr("a", s.image, "sleep 1000", limits={"memory": "32Mi", "cpu": "100m"})])
    b = create(s, "besteffort", [ctr("a", s.image, "sleep 1000")])
    assert g["status"]["qosClass"] == "Guaranteed"
    assert b["status"]["qosClass"] == "BestEffort"
    p = wait_pod(s, "besteffort", lambda p: statuses(p).get("a", {}).get("state", {}).get("running"), timeout=T)
    # A container without a cpu request gets the kubelet's minimum shares.
    own = s.kubectl("exec", "besteffort", "--", "cat", "/sys/fs/cgroup/cpu/cpu.shares").stdout
    assert own.strip() == "2", own
    assert p["status"]["qosClass"] == "BestEffort"
    delete_and_wait(s, "guaranteed")
    delete_and_wait(s, "besteffort")
