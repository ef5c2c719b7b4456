# SPDX-License-Identifier: Apache-2.0
"""ResourceQuota and LimitRange admission in namespaces made by `atoll namespace create`."""
import json
import threading
import time

from test_auth import atoll, raw


def pod(name, resources=None):
    c = {"name": "c", "image": "busybox"}
    if resources:
        c["resources"] = resources
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [c]}}


def test_quota_exact_under_concurrent_creates(server):
    atoll("namespace", "create", "team-q", "--pods", "7", "--cpu", "100", "--memory", "100Gi",
          "--data-dir", server.data_dir)
    results = {}

    def create(i):
        results[i] = raw(server, "POST", "/api/v1/namespaces/team-q/pods", server.token(), pod(f"p{i}"))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    codes = [results[i][0] for i in range(50)]
    assert codes.count(201) == 7 and codes.count(403) == 43, codes
    refused = [results[i][1] for i in range(50) if results[i][0] == 403][0]
    assert refused["reason"] == "Forbidden"
    assert "is forbidden: exceeded quota: quota, requested: pods=1, used: pods=" in refused["message"]
    assert refused["message"].endswith("limited: pods=7")
    assert len(server.kjson("-n", "team-q", "get", "pods")["items"]) == 7
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        used = server.kjson("-n", "team-q", "get", "resourcequota", "quota")["status"]["used"]
        if used.get("pods") == "7":
            break
        time.sleep(0.1)
    assert used["pods"] == "7" and used["requests.cpu"] == "700m" and used["requests.memory"] == "896Mi"
    # The admin sees usage against limits with kubectl describe namespace.
    out = server.kubectl("describe", "namespace", "team-q").stdout
    assert "Resource Quotas" in out and any(line.split() == ["pods", "7", "7"] for line in out.splitlines())
    # Deleting one frees its place.
    # One of the pods that got in (which ones did is up to the race).
    admitted = [f"p{i}" for i in range(50) if results[i][0] == 201]
    server.kubectl("-n", "team-q", "delete", "pod", admitted[0], "--wait=false", "--grace-period=0", "--force")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(server.kjson("-n", "team-q", "get", "pods")["items"]) > 6:
        time.sleep(0.2)
    assert raw(server, "POST", "/api/v1/namespaces/team-q/pods", server.token(), pod("again"))[0] == 201


def test_limit_range_defaults_and_max(server):
    atoll("namespace", "create", "team-l", "--cpu", "2", "--memory", "4Gi", "--data-dir", server.data_dir)
    code, body = raw(server, "POST", "/api/v1/namespaces/team-l/pods", server.token(), pod("d"))
    assert code == 201
    res = body["spec"]["containers"][0]["resources"]
    assert res == {"limits": {"cpu": "500m", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}
    # A request beyond the quota is refused with Kubernetes' message.
    code, body = raw(server, "POST", "/api/v1/namespaces/team-l/pods", server.token(),
                     pod("big", {"requests": {"cpu": "3"}, "limits": {"cpu": "3"}}))
    assert code == 403
    assert body["message"].startswith('pods "big" is forbidden: exceeded quota: quota, requested: ')
    # A LimitRange maximum.
    lr = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "max"},
          "spec": {"limits": [{"type": "Container", "max": {"memory": "1Gi"}}]}}
    server.kubectl("-n", "team-l", "apply", "-f", "-", input=json.dumps(lr))
    code, body = raw(server, "POST", "/api/v1/namespaces/team-l/pods", server.token(),
                     pod("fat", {"limits": {"memory": "2Gi"}}))
    assert code == 403
    assert body["message"] == 'pods "fat" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi'


def test_object_count_quota(server):
    server.kubectl("create", "namespace", "team-n")
    # Every namespace gets the ConfigMap kube-root-ca.crt, which counts as in Kubernetes.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.kubectl("-n", "team-n", "get", "configmap", "kube-root-ca.crt",
                                                         check=False).returncode != 0:
        time.sleep(0.1)
    q = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "objects"},
         "spec": {"hard": {"configmaps": "3", "count/deployments.apps": "1"}}}
    server.kubectl("-n", "team-n", "apply", "-f", "-", input=json.dumps(q))
    for i in range(2):
        server.kubectl("-n", "team-n", "create", "configmap", f"c{i}")
    p = server.kubectl("-n", "team-n", "create", "configmap", "c2", check=False)
    assert p.returncode != 0
    assert ('configmaps "c2" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=3, '
            'limited: configmaps=3') in p.stderr
    server.kubectl("-n", "team-n", "create", "deployment", "d1", "--image=busybox")
    p = server.kubectl("-n", "team-n", "create", "deployment", "d2", "--image=busybox", check=False)
    assert "exceeded quota: objects, requested: count/deployments.apps=1" in p.stderr


def test_allowed_storage_classes(server):
    atoll("namespace", "create", "team-s", "--storage", "10Gi", "--storage-class", "standard",
          "--storage-class", "fast", "--data-dir", server.data_dir)

    def pvc(name, sc, size="1Gi"):
        return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
                "spec": {"storageClassName": sc, "accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": size}}}}

    assert raw(server, "POST", "/api/v1/namespaces/team-s/persistentvolumeclaims", server.token(),
               pvc("a", "fast"))[0] == 201
    code, body = raw(server, "POST", "/api/v1/namespaces/team-s/persistentvolumeclaims", server.token(),
                     pvc("b", "gold"))
    assert code == 403 and body["message"] == ('persistentvolumeclaims "b" is forbidden: storage class "gold" is '
                                               'not allowed in namespace "team-s" (allowed: standard,fast)')
    code, body = raw(server, "POST", "/api/v1/namespaces/team-s/persistentvolumeclaims", server.token(),
                     pvc("c", "standard", "20Gi"))
    assert code == 403 and "exceeded quota: quota, requested: requests.storage=20Gi, used: requests.storage=1Gi, " \
        "limited: requests.storage=10Gi" in body["message"]


def test_controller_created_pods_pass_quota_and_limit_ranges(server):
    """A Deployment cannot get around its namespace's quota: its ReplicaSet's pods are admitted too."""
    atoll("namespace", "create", "team-d", "--pods", "2", "--cpu", "100", "--memory", "100Gi",
          "--data-dir", server.data_dir)
    server.kubectl("-n", "team-d", "create", "deployment", "web", "--image=busybox", "--replicas=4")
    deadline = time.monotonic() + 20
    events = []
    while time.monotonic() < deadline:
        events = [e for e in server.kjson("-n", "team-d", "get", "events")["items"]
                  if e["reason"] == "FailedCreate" and e["involvedObject"]["kind"] == "ReplicaSet"]
        if events and len(server.kjson("-n", "team-d", "get", "pods")["items"]) == 2:
            break
        time.sleep(0.2)
    pods = server.kjson("-n", "team-d", "get", "pods")["items"]
    assert len(pods) == 2
    assert events and "exceeded quota: quota, requested: pods=1, used: pods=2, limited: pods=2" in events[0]["message"]
    # The namespace's LimitRange defaults reached the controller's pods.
    res = pods[0]["spec"]["containers"][0]["resources"]
    assert res["requests"]["cpu"] == "100m" and res["limits"]["memory"] == "512Mi"
    # Still two after a few more controller passes: nothing slipped through.
    time.sleep(2)
    assert len(server.kjson("-n", "team-d", "get", "pods")["items"]) == 2
