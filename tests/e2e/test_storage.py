# SPDX-License-Identifier: Apache-2.0
"""Persistent storage through kubectl: the default StorageClass, provisioning and binding of
claims, reclaim policies, WaitForFirstConsumer and expansion (the persistentvolume controller).

The server runs without a node here: these tests check the API objects the controller makes;
tests/e2e/test_volumes.py runs pods that use them.
"""
import json
import time


def poll(fn, timeout=20, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(every)
    return None


def get(server, path):
    code, _, body = server.request("GET", path)
    return json.loads(body) if code == 200 else None


def apply(server, obj, ns=None):
    args = ["apply", "-f", "-"] + (["-n", ns] if ns else [])
    server.kubectl(*args, input=json.dumps(obj))


def claim(name, size="1Gi", cls=None, modes=("ReadWriteOnce",)):
    spec = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if cls:
        spec["storageClassName"] = cls
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": spec}


def storage_class(name, **kw):
    sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
          "provisioner": "atoll.dev/local"}
    sc.update(kw)
    return sc


def bound(server, ns, name):
    def check():
        c = get(server, f"/api/v1/namespaces/{ns}/persistentvolumeclaims/{name}")
        return c if c and c.get("status", {}).get("phase") == "Bound" else None
    return poll(check)


def pv(server, name):
    return get(server, f"/api/v1/persistentvolumes/{name}")


def test_default_storage_class(server):
    sc = server.kjson("get", "storageclass", "atoll-local")
    assert sc["provisioner"] == "atoll.dev/local"
    assert sc["reclaimPolicy"] == "Delete"
    assert sc["allowVolumeExpansion"] is True
    assert sc["volumeBindingMode"] == "Immediate"
    assert sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"
    out = server.kubectl("get", "storageclass").stdout
    assert "atoll-local (default)" in out


def test_claim_is_provisioned_bound_and_deleted(server, ns):
    apply(server, claim("data", "1Gi"), ns)
    c = bound(server, ns, "data")
    assert c, server.kubectl("get", "pvc", "-n", ns, "-o", "yaml").stdout
    assert c["spec"]["storageClassName"] == "atoll-local"  # the default class, given afterwards
    vname = c["spec"]["volumeName"]
    assert vname == "pvc-" + c["metadata"]["uid"]
    assert c["status"]["capacity"]["storage"] == "1Gi"
    assert c["status"]["accessModes"] == ["ReadWriteOnce"]
    v = pv(server, vname)
    assert v["status"]["phase"] == "Bound"
    assert v["spec"]["capacity"]["storage"] == "1Gi"
    assert v["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert v["spec"]["storageClassName"] == "atoll-local"
    assert v["spec"]["csi"]["driver"] == "atoll.dev/local"
    assert v["spec"]["csi"]["volumeHandle"] == vname
    ref = v["spec"]["claimRef"]
    assert (ref["namespace"], ref["name"], ref["uid"]) == (ns, "data", c["metadata"]["uid"])
    out = server.kubectl("get", "pvc", "-n", ns, "data").stdout
    assert "Bound" in out and vname in out

    server.kubectl("delete", "pvc", "-n", ns, "data")
    assert poll(lambda: pv(server, vname) is None), "the volume of a deleted claim (policy Delete) stays"


def test_retain_policy_releases(server, ns):
    apply(server, storage_class("keep-" + ns, reclaimPolicy="Retain"))
    apply(server, claim("kept", "100Mi", "keep-" + ns), ns)
    c = bound(server, ns, "kept")
    assert c
    vname = c["spec"]["volumeName"]
    assert pv(server, vname)["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    server.kubectl("delete", "pvc", "-n", ns, "kept")
    v = poll(lambda: (lambda x: x if x and x["status"]["phase"] == "Released" else None)(pv(server, vname)))
    assert v, pv(server, vname)
    assert v["spec"]["claimRef"]["name"] == "kept"
    server.kubectl("delete", "pv", vname)
    server.kubectl("delete", "storageclass", "keep-" + ns)


def test_wait_for_first_consumer(server, ns):
    cls = "late-" + ns
    apply(server, storage_class(cls, volumeBindingMode="WaitForFirstConsumer"))
    apply(server, claim("later", "50Mi", cls), ns)
    time.sleep(1.5)  # give the controller ticks in which it must not bind
    c = get(server, f"/api/v1/namespaces/{ns}/persistentvolumeclaims/later")
    assert c["status"]["phase"] == "Pending" and not c["spec"].get("volumeName")
    evs = get(server, f"/api/v1/namespaces/{ns}/events")["items"]
    assert [e["reason"] for e in evs if e["involvedObject"]["name"] == "later"] == ["WaitForFirstConsumer"]
    # A consumer already placed on a node (no agent runs here, so nothing starts it).
    apply(server, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "user"},
                   "spec": {"nodeName": "node-a", "containers": [{"name": "c", "image": "busybox"}],
                            "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "later"}}]}}, ns)
    c = bound(server, ns, "later")
    assert c
    v = pv(server, c["spec"]["volumeName"])
    term = v["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
    assert term["key"] == "kubernetes.io/hostname" and term["values"] == ["node-a"]
    server.kubectl("delete", "pod", "-n", ns, "user", "--grace-period=0", "--force", check=False)
    server.kubectl("delete", "pvc", "-n", ns, "later")
    server.kubectl("delete", "storageclass", cls)


def test_expansion(server, ns):
    apply(server, claim("grow", "100Mi"), ns)
    c = bound(server, ns, "grow")
    assert c
    vname = c["spec"]["volumeName"]
    server.kubectl("patch", "pvc", "-n", ns, "grow", "--type=merge",
                   "-p", json.dumps({"spec": {"resources": {"requests": {"storage": "300Mi"}}}}))

    def grown():
        x = get(server, f"/api/v1/namespaces/{ns}/persistentvolumeclaims/grow")
        return x if x["status"].get("capacity", {}).get("storage") == "300Mi" else None
    assert poll(grown), get(server, f"/api/v1/namespaces/{ns}/persistentvolumeclaims/grow")
    assert pv(server, vname)["spec"]["capacity"]["storage"] == "300Mi"
    # Shrinking is refused by validation.
    p = server.kubectl("patch", "pvc", "-n", ns, "grow", "--type=merge",
                       "-p", json.dumps({"spec": {"resources": {"requests": {"storage": "10Mi"}}}}),
                       check=False)
    assert p.returncode != 0
    server.kubectl("delete", "pvc", "-n", ns, "grow")


def test_expansion_needs_class_permission(server, ns):
    cls = "fixed-" + ns
    apply(server, storage_class(cls, allowVolumeExpansion=False))
    apply(server, claim("fixed", "100Mi", cls), ns)
    c = bound(server, ns, "fixed")
    assert c
    server.kubectl("patch", "pvc", "-n", ns, "fixed", "--type=merge",
                   "-p", json.dumps({"spec": {"resources": {"requests": {"storage": "200Mi"}}}}))
    time.sleep(1.5)
    assert pv(server, c["spec"]["volumeName"])["spec"]["capacity"]["storage"] == "100Mi"
    server.kubectl("delete", "pvc", "-n", ns, "fixed")
    server.kubectl("delete", "storageclass", cls)


def test_static_volume_binds(server, ns):
    cls = "manual-" + ns
    name = "static-" + ns
    apply(server, {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
                   "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce"],
                            "storageClassName": cls, "hostPath": {"path": "/tmp/" + name}}})
    assert poll(lambda: (pv(server, name) or {}).get("status", {}).get("phase") == "Available")
    # Too big a claim does not take it; a fitting one does.
    apply(server, claim("big", "10Gi", cls), ns)
    apply(server, claim("fits", "1Gi", cls), ns)
    c = bound(server, ns, "fits")
    assert c and c["spec"]["volumeName"] == name
    assert c["status"]["capacity"]["storage"] == "5Gi"
    big = get(server, f"/api/v1/namespaces/{ns}/persistentvolumeclaims/big")
    assert big["status"]["phase"] == "Pending"
    # Its default policy is Retain: the claim's deletion releases it.
    server.kubectl("delete", "pvc", "-n", ns, "fits")
    assert poll(lambda: pv(server, name)["status"]["phase"] == "Released")
    server.kubectl("delete", "pv", name)
    server.kubectl("delete", "pvc", "-n", ns, "big")


def test_claim_in_use_is_protected(server, ns):
    apply(server, claim("busy", "10Mi"), ns)
    c = bound(server, ns, "busy")
    assert c and "kubernetes.io/pvc-protection" in c["metadata"]["finalizers"]
    vname = c["spec"]["volumeName"]
    # A pod placed on a node that never runs it: it uses the claim until it is gone.
    apply(server, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "holder"},
                   "spec": {"nodeName": "node-b", "containers": [{"name": "c", "image": "busybox"}],
                            "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "busy"}}]}}, ns)
    server.kubectl("delete", "pvc", "-n", ns, "busy", "--wait=false")
    time.sleep(1.5)
    c = get(server, f"/api/v1/namespaces/{ns}/persistentvolumeclaims/busy")
    assert c and c["metadata"].get("deletionTimestamp"), "a claim in use went at once"
    assert pv(server, vname)["status"]["phase"] == "Bound"
    assert "Terminating" in server.kubectl("get", "pvc", "-n", ns, "busy").stdout
    server.kubectl("delete", "pod", "-n", ns, "holder", "--grace-period=0", "--force")
    assert poll(lambda: get(server, f"/api/v1/namespaces/{ns}/persistentvolumeclaims/busy") is None)
    assert poll(lambda: pv(server, vname) is None)
