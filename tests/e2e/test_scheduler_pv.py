# SPDX-License-Identifier: Apache-2.0
"""The scheduler and PersistentVolumes on two nodes: a WaitForFirstConsumer claim gets the node the scheduler
chose (volume.kubernetes.io/selected-node) and its volume that node's affinity; later pods of the claim follow
the volume to its node; an Immediate local volume is pinned to its first pod's node; when the volume's node is
gone, a pod of the claim stays Pending with Kubernetes' FailedScheduling message."""
import json
import os
import signal
import subprocess
import tempfile

from conftest import ATOLL, Server, env_pop, env_push, reap_node_dir
from test_node import node, wait_for
from test_pods import HERE


def pod(name, img, claim, node_selector=None):
    spec = {"terminationGracePeriodSeconds": 1, "restartPolicy": "Never",
            "containers": [{"name": "c", "image": f"oci:{img}:latest",
                            "command": ["sh", "-c", "echo hi > /data/f; sleep 3600"],
                            "volumeMounts": [{"name": "d", "mountPath": "/data"}]}],
            "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": claim}}]}
    if node_selector:
        spec["nodeSelector"] = {"kubernetes.io/hostname": node_selector}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def claim(name, cls=None):
    c = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Mi"}}}}
    if cls:
        c["spec"]["storageClassName"] = cls
    return c


def get(s, path):
    code, _, body = s.request("GET", path)
    return json.loads(body) if code == 200 else None


def create(s, path, obj):
    code, _, body = s.request("POST", path, obj)
    assert code == 201, body


def running_on(s, name):
    p = get(s, f"/api/v1/namespaces/default/pods/{name}")
    cs = (p or {}).get("status", {}).get("containerStatuses", [])
    return p["spec"]["nodeName"] if cs and "running" in cs[0]["state"] else None


def affinity_nodes(pv):
    terms = pv["spec"].get("nodeAffinity", {}).get("required", {}).get("nodeSelectorTerms", [])
    return [v for t in terms for e in t.get("matchExpressions", []) for v in e.get("values", [])]


def shim_pids(data_dir):
    """The shims an agent started (their pod directories name them)."""
    pids = []
    pods = os.path.join(data_dir, "run", "pods")
    for uid in os.listdir(pods) if os.path.isdir(pods) else []:
        try:
            with open(os.path.join(pods, uid, "shim.pid")) as f:
                pids.append(int(f.read().strip()))
        except (OSError, ValueError):
            pass
    return pids


def stop_shims(data_dir):
    """SIGTERM is a shim's stop: it tears its pod down (sandbox, cgroups, network) and exits."""
    pids = shim_pids(data_dir)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in pids), timeout=30)


def test_pods_follow_their_volumes_node():
    env_keys = {"ATOLL_LEASE_RENEW_SECONDS": "1", "ATOLL_NODE_GRACE_SECONDS": "5"}
    old = env_push(env_keys)
    img = tempfile.mkdtemp(prefix="atoll-img-")
    a_dir = tempfile.mkdtemp(prefix="atoll-node-a-")
    s = agent = None
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
        s = Server(node=True, args=["--node-name", "host-s"])
        agent = subprocess.Popen([ATOLL, "agent", "--server", s.url, "--token", s.token(),
                                  "--ca-file", os.path.join(s.data_dir, "pki", "ca.crt"),
                                  "--node-name", "host-a", "--data-dir", a_dir],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(a_dir, "agent.log"), "wb"))
        assert wait_for(lambda: node(s, "host-s") and node(s, "host-a"))
        create(s, "/apis/storage.k8s.io/v1/storageclasses",
               {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "late"},
                "provisioner": "atoll.dev/local", "volumeBindingMode": "WaitForFirstConsumer"})
        create(s, "/api/v1/namespaces/default/persistentvolumeclaims", claim("late-data", "late"))
        create(s, "/api/v1/namespaces/default/persistentvolumeclaims", claim("now-data"))

        # The first pod of the late claim is sent to host-a: the claim records that choice, and its volume is
        # made there.
        create(s, "/api/v1/namespaces/default/pods", pod("first", img, "late-data", "host-a"))
        assert wait_for(lambda: running_on(s, "first") == "host-a", timeout=60), \
            get(s, "/api/v1/namespaces/default/pods/first")
        c = get(s, "/api/v1/namespaces/default/persistentvolumeclaims/late-data")
        assert c["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == "host-a"
        assert affinity_nodes(get(s, f"/api/v1/persistentvolumes/{c['spec']['volumeName']}")) == ["host-a"]

        # An Immediate local volume is bound at once, without a node, and pinned where its first pod runs.
        create(s, "/api/v1/namespaces/default/pods", pod("imm", img, "now-data", "host-a"))
        assert wait_for(lambda: running_on(s, "imm") == "host-a", timeout=60)
        vname = get(s, "/api/v1/namespaces/default/persistentvolumeclaims/now-data")["spec"]["volumeName"]
        assert wait_for(lambda: affinity_nodes(get(s, f"/api/v1/persistentvolumes/{vname}")) == ["host-a"])

        # A second pod of each claim, with no node asked for: host-s is the emptier node, but the volumes
        # live on host-a.
        create(s, "/api/v1/namespaces/default/pods", pod("second", img, "late-data"))
        create(s, "/api/v1/namespaces/default/pods", pod("imm2", img, "now-data"))
        assert wait_for(lambda: running_on(s, "second") == "host-a", timeout=60), \
            get(s, "/api/v1/namespaces/default/pods/second")
        assert wait_for(lambda: running_on(s, "imm2") == "host-a", timeout=60)
        # A pod without volumes still goes to the emptier host-s.
        free = pod("free", img, "x")
        free["spec"]["volumes"] = [{"name": "d", "emptyDir": {}}]
        create(s, "/api/v1/namespaces/default/pods", free)
        assert wait_for(lambda: running_on(s, "free") == "host-s", timeout=60)

        # host-a is gone: its agent dies and its Node is deleted. A new pod of the claim cannot run anywhere.
        agent.send_signal(signal.SIGKILL)
        agent.wait(timeout=10)
        agent = None
        s.kubectl("delete", "node", "host-a", "--wait=false")
        assert wait_for(lambda: node(s, "host-a") is None, timeout=30)
        create(s, "/api/v1/namespaces/default/pods", pod("third", img, "late-data"))
        msg = "node(s) didn't match PersistentVolume's node affinity"

        def failed():
            evs = get(s, "/api/v1/namespaces/default/events")["items"]
            return [e for e in evs if e["involvedObject"]["name"] == "third" and e["reason"] == "FailedScheduling"]
        evs = wait_for(failed, timeout=30)
        assert evs and msg in evs[0]["message"], evs
        assert evs[0]["message"] == f"0/1 nodes are available: 1 {msg}."
        p = get(s, "/api/v1/namespaces/default/pods/third")
        assert p["status"]["phase"] == "Pending" and not p["spec"].get("nodeName")
        cond = [c for c in p["status"]["conditions"] if c["type"] == "PodScheduled"][0]
        assert cond["status"] == "False" and cond["reason"] == "Unschedulable" and msg in cond["message"]
        out = s.kubectl("describe", "pod", "third").stdout
        assert "FailedScheduling" in out and msg in out
    finally:
        if agent:
            agent.kill()
            agent.wait()
        stop_shims(a_dir)
        reap_node_dir(a_dir)  # its mounts and runtime directory
        if s:
            s.close()
        env_pop(old)
        subprocess.run(["rm", "-rf", img, a_dir])


def test_a_missing_or_unbound_claim_keeps_the_pod_pending(server=None):
    s = Server()
    try:
        nodes = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {
            "kubernetes.io/hostname": "n1"}}, "status": {"allocatable": {"cpu": "2", "memory": "1Gi", "pods": "10"}}}
        create(s, "/api/v1/nodes", nodes)
        create(s, "/api/v1/namespaces/default/pods", pod("lonely", "/nonexistent", "nope"))

        def cond():
            p = get(s, "/api/v1/namespaces/default/pods/lonely")
            cs = [c for c in p.get("status", {}).get("conditions", []) if c["type"] == "PodScheduled"]
            return cs[0] if cs and cs[0]["status"] == "False" else None
        c = wait_for(cond)
        assert c and c["message"] == 'persistentvolumeclaim "nope" not found', c
        # The claim appears (and is provisioned at once, Immediate): the pod is scheduled.
        create(s, "/api/v1/namespaces/default/persistentvolumeclaims", claim("nope"))
        assert wait_for(lambda: get(s, "/api/v1/namespaces/default/pods/lonely")["spec"].get("nodeName") == "n1")
    finally:
        s.close()
