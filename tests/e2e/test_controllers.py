# SPDX-License-Identifier: Apache-2.0
"""Workload controllers and the scheduler against the real server, driven by kubectl.

There is no node agent here: tests create Node objects and play the kubelet
by patching pod status, then check what the controllers make of it.
"""
import json
import os
import ssl
import threading
import time
import urllib.parse
import urllib.request


def poll(fn, timeout=15, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(every)
    return None


def apply(server, ns, obj):
    server.kubectl("apply", "-n", ns, "-f", "-", input=json.dumps(obj))


def get(server, path):
    """GET through the API directly (much faster than a kubectl process per poll)."""
    code, _, body = server.request("GET", path)
    return json.loads(body) if code == 200 else None


def pods(server, ns, selector=None):
    q = "?labelSelector=" + urllib.parse.quote(selector) if selector else ""
    return get(server, f"/api/v1/namespaces/{ns}/pods{q}")["items"]


def live(items):
    return [p for p in items if not p["metadata"].get("deletionTimestamp")]


def make_ready(server, ns, pod, ip="10.0.0.5"):
    status = {"status": {"phase": "Running", "podIP": ip,
                         "conditions": [{"type": "Ready", "status": "True"}]}}
    server.request("PATCH", f"/api/v1/namespaces/{ns}/pods/{pod['metadata']['name']}/status",
                   json.dumps(status).encode(), content_type="application/merge-patch+json")


def ready_all(server, ns, selector=None):
    """Play the kubelet: mark every live pod not yet ready as Running and Ready."""
    n = 0
    for i, p in enumerate(live(pods(server, ns, selector))):
        conds = {c["type"]: c["status"] for c in p.get("status", {}).get("conditions", [])}
        if conds.get("Ready") != "True":
            make_ready(server, ns, p, f"10.0.0.{10 + i}")
            n += 1
    return n


def deployment(name, image="busybox:1", replicas=3, strategy=None):
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
         "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{"name": "c", "image": image}]}}}}
    if strategy:
        d["spec"]["strategy"] = strategy
    return d


def rolled_out(server, ns, name):
    """kubectl rollout status's test for a Deployment, read through the API."""
    d = get(server, f"/apis/apps/v1/namespaces/{ns}/deployments/{name}")
    st, want = d.get("status", {}), d["spec"]["replicas"]
    return (st.get("observedGeneration", 0) >= d["metadata"]["generation"] and
            st.get("updatedReplicas", 0) >= want and st.get("replicas", 0) <= st.get("updatedReplicas", 0) and
            st.get("availableReplicas", 0) >= st.get("updatedReplicas", 0))


def rollout(server, ns, name, timeout=30):
    """Drive a rollout to completion by readying pods, then check kubectl rollout status agrees."""
    def done():
        ready_all(server, ns, f"app={name}")
        return rolled_out(server, ns, name)
    assert poll(done, timeout, 0.1), server.kjson("get", "deployment", name, "-n", ns)
    server.kubectl("rollout", "status", f"deployment/{name}", "-n", ns, "--timeout=10s")


def rs_of(server, ns, name):
    return [r for r in get(server, f"/apis/apps/v1/namespaces/{ns}/replicasets")["items"]
            if r["metadata"]["name"].startswith(name + "-")]


def test_replicaset_creates_adopts_and_counts(server, ns):
    orphan = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "orphan", "labels": {"app": "rs1"}},
              "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}
    apply(server, ns, orphan)
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs1"},
          "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "rs1"}},
                   "template": {"metadata": {"labels": {"app": "rs1"}},
                                "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}}}
    apply(server, ns, rs)
    assert poll(lambda: len(live(pods(server, ns, "app=rs1"))) == 3)
    items = live(pods(server, ns, "app=rs1"))
    names = sorted(p["metadata"]["name"] for p in items)
    assert "orphan" in names
    for p in items:
        assert p["metadata"]["ownerReferences"][0]["name"] == "rs1"
        assert p["metadata"]["ownerReferences"][0]["controller"] is True
        if p["metadata"]["name"] != "orphan":
            assert len(p["metadata"]["name"]) == len("rs1-") + 5
    ready_all(server, ns, "app=rs1")
    assert poll(lambda: get(server, f"/apis/apps/v1/namespaces/{ns}/replicasets/rs1")["status"].get("readyReplicas") == 3)
    server.kubectl("scale", "rs", "rs1", "-n", ns, "--replicas=1")
    assert poll(lambda: len(live(pods(server, ns, "app=rs1"))) == 1)
    # A deleted pod is replaced.
    p = live(pods(server, ns, "app=rs1"))[0]
    server.kubectl("delete", "pod", p["metadata"]["name"], "-n", ns, "--wait=false")
    assert poll(lambda: [q for q in live(pods(server, ns, "app=rs1"))
                         if q["metadata"]["name"] != p["metadata"]["name"]])


def test_deployment_rollout_scale_and_undo(server, ns):
    apply(server, ns, deployment("web"))
    rollout(server, ns, "web")
    d = server.kjson("get", "deployment", "web", "-n", ns)
    st = d["status"]
    assert st["observedGeneration"] == d["metadata"]["generation"]
    assert st["replicas"] == st["updatedReplicas"] == st["readyReplicas"] == st["availableReplicas"] == 3
    conds = {c["type"]: c for c in st["conditions"]}
    assert conds["Available"]["status"] == "True"
    assert conds["Progressing"]["reason"] == "NewReplicaSetAvailable"
    rs1 = rs_of(server, ns, "web")
    assert len(rs1) == 1
    hash1 = rs1[0]["metadata"]["labels"]["pod-template-hash"]
    assert rs1[0]["metadata"]["name"] == "web-" + hash1
    assert rs1[0]["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"

    # Rolling update: never more than replicas + maxSurge (1) pods, never fewer than 3 - 0 available.
    server.kubectl("set", "image", "deployment/web", "c=busybox:2", "-n", ns)
    seen_max = 0

    def done():
        nonlocal seen_max
        seen_max = max(seen_max, len(live(pods(server, ns, "app=web"))))
        ready_all(server, ns, "app=web")
        return rolled_out(server, ns, "web")
    assert poll(done, 40, 0.1)
    server.kubectl("rollout", "status", "deployment/web", "-n", ns, "--timeout=10s")
    assert seen_max <= 4
    rss = {r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]: r for r in rs_of(server, ns, "web")}
    assert set(rss) == {"1", "2"}, [(r["metadata"]["name"], r["metadata"].get("annotations"), r["spec"]["template"]["spec"]["containers"][0]["image"]) for r in rs_of(server, ns, "web")]
    assert rss["2"]["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox:2"
    assert poll(lambda: all(p["spec"]["containers"][0]["image"] == "busybox:2"
                            for p in live(pods(server, ns, "app=web"))))

    # Paused: template changes wait for resume.
    server.kubectl("rollout", "pause", "deployment/web", "-n", ns)
    server.kubectl("set", "image", "deployment/web", "c=busybox:3", "-n", ns)
    c = poll(lambda: {c["type"]: c for c in get(server, f"/apis/apps/v1/namespaces/{ns}/deployments/web")
                      ["status"]["conditions"]}["Progressing"]["reason"] == "DeploymentPaused")
    assert c and len(rs_of(server, ns, "web")) == 2
    server.kubectl("rollout", "undo", "deployment/web", "-n", ns, check=False)  # refused while paused
    server.kubectl("set", "image", "deployment/web", "c=busybox:2", "-n", ns)
    server.kubectl("rollout", "resume", "deployment/web", "-n", ns)
    rollout(server, ns, "web")
    assert len(rs_of(server, ns, "web")) == 2

    # Scale up and down.
    server.kubectl("scale", "deployment/web", "--replicas=5", "-n", ns)
    rollout(server, ns, "web")
    assert len(live(pods(server, ns, "app=web"))) == 5
    server.kubectl("scale", "deployment/web", "--replicas=2", "-n", ns)
    assert poll(lambda: len(live(pods(server, ns, "app=web"))) == 2)
    rollout(server, ns, "web")

    # Undo goes back to revision 1's template, which becomes revision 3.
    server.kubectl("rollout", "undo", "deployment/web", "-n", ns)
    rollout(server, ns, "web")
    d = server.kjson("get", "deployment", "web", "-n", ns)
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox:1"
    rs = {r["metadata"]["name"]: r for r in rs_of(server, ns, "web")}
    assert rs["web-" + hash1]["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    assert rs["web-" + hash1]["spec"]["replicas"] == 2
    assert poll(lambda: all(p["spec"]["containers"][0]["image"] == "busybox:1"
                            for p in live(pods(server, ns, "app=web"))))
    hist = server.kubectl("rollout", "history", "deployment/web", "-n", ns).stdout
    assert "2" in hist and "3" in hist


def test_deployment_recreate(server, ns):
    apply(server, ns, deployment("rec", replicas=2, strategy={"type": "Recreate"}))
    rollout(server, ns, "rec")
    server.kubectl("set", "image", "deployment/rec", "c=busybox:2", "-n", ns)

    def no_mix():
        images = {p["spec"]["containers"][0]["image"] for p in live(pods(server, ns, "app=rec"))}
        assert len(images) <= 1, images  # Recreate never runs old and new together
        ready_all(server, ns, "app=rec")
        return images == {"busybox:2"} and rolled_out(server, ns, "rec")
    assert poll(no_mix, 30, 0.1)


def test_deployment_scale_to_zero_and_back(server, ns):
    apply(server, ns, deployment("zero", replicas=2))
    rollout(server, ns, "zero")
    server.kubectl("scale", "deployment/zero", "--replicas=0", "-n", ns)
    assert poll(lambda: not live(pods(server, ns, "app=zero")))
    rollout(server, ns, "zero")
    server.kubectl("scale", "deployment/zero", "--replicas=2", "-n", ns)
    rollout(server, ns, "zero")
    assert len(live(pods(server, ns, "app=zero"))) == 2


def node(name, cpu="2", memory="4Gi", labels=None, taints=None):
    n = {"apiVersion": "v1", "kind": "Node",
         "metadata": {"name": name, "labels": dict({"kubernetes.io/hostname": name}, **(labels or {}))},
         "spec": {},
         "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
                    "capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
                    "conditions": [{"type": "Ready", "status": "True"}]}}
    if taints:
        n["spec"]["taints"] = taints
    return n


def create_node(server, n):
    server.kubectl("apply", "-f", "-", input=json.dumps(n))
    # Status is a subresource: write it the way the kubelet does.
    server.kubectl("patch", "node", n["metadata"]["name"], "--subresource=status", "--type=merge",
                   "-p", json.dumps({"status": n["status"]}))


def pod(name, cpu=None, node_selector=None, tolerations=None, labels=None, anti=None):
    c = {"name": "c", "image": "busybox:1"}
    if cpu:
        c["resources"] = {"requests": {"cpu": cpu}}
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}},
         "spec": {"containers": [c]}}
    if node_selector:
        p["spec"]["nodeSelector"] = node_selector
    if tolerations:
        p["spec"]["tolerations"] = tolerations
    if anti:
        p["spec"]["affinity"] = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": anti}, "topologyKey": "kubernetes.io/hostname"}]}}
    return p


def node_of(server, ns, name):
    return get(server, f"/api/v1/namespaces/{ns}/pods/{name}")["spec"].get("nodeName")


def test_scheduler(fresh_server):
    server, ns = fresh_server, "default"
    create_node(server, node("small", cpu="1", labels={"disk": "hdd"}))
    create_node(server, node("big", cpu="4", labels={"disk": "ssd"}))
    create_node(server, node("tainted", cpu="8", taints=[{"key": "dedicated", "value": "db",
                                                           "effect": "NoSchedule"}]))
    # Requests: 3 cpus fit only on big (tainted is excluded by its taint).
    apply(server, ns, pod("p-cpu", cpu="3"))
    assert poll(lambda: node_of(server, ns, "p-cpu")) == "big"
    p = server.kjson("get", "pod", "p-cpu", "-n", ns)
    assert {c["type"]: c["status"] for c in p["status"]["conditions"]}["PodScheduled"] == "True"
    # Now big has 1 cpu left and small 1: a 2-cpu pod fits nowhere.
    apply(server, ns, pod("p-nofit", cpu="2"))

    def failed():
        p = get(server, f"/api/v1/namespaces/{ns}/pods/p-nofit")
        c = {c["type"]: c for c in p.get("status", {}).get("conditions", [])}.get("PodScheduled")
        return c and c["status"] == "False" and c
    c = poll(failed)
    assert c["reason"] == "Unschedulable"
    assert c["message"].startswith("0/3 nodes are available: ")
    assert "2 Insufficient cpu" in c["message"] and "1 node(s) had untolerated taint" in c["message"]
    evs = server.kjson("get", "events", "-n", ns, "--field-selector", "involvedObject.name=p-nofit")["items"]
    assert any(e["reason"] == "FailedScheduling" and "0/3 nodes are available" in e["message"] for e in evs)
    # Freeing cpu lets it through.
    server.kubectl("delete", "pod", "p-cpu", "-n", ns, "--wait=false")
    server.kubectl("patch", "pod", "p-cpu", "-n", ns, "--subresource=status", "--type=merge",
                   "-p", '{"status":{"phase":"Succeeded"}}', check=False)
    assert poll(lambda: node_of(server, ns, "p-nofit")) == "big"
    # nodeSelector.
    apply(server, ns, pod("p-sel", node_selector={"disk": "hdd"}))
    assert poll(lambda: node_of(server, ns, "p-sel")) == "small"
    # Tolerations open the tainted node (and it is the emptiest).
    apply(server, ns, pod("p-tol", cpu="5", tolerations=[{"key": "dedicated", "operator": "Equal",
                                                          "value": "db", "effect": "NoSchedule"}]))
    assert poll(lambda: node_of(server, ns, "p-tol")) == "tainted"
    # Anti-affinity on hostname spreads pods with the same label over distinct nodes.
    for i in range(3):
        apply(server, ns, pod(f"spread-{i}", labels={"app": "spread"}, anti={"app": "spread"},
                              tolerations=[{"operator": "Exists"}]))
    got = [poll(lambda i=i: node_of(server, ns, f"spread-{i}")) for i in range(3)]
    assert sorted(got) == ["big", "small", "tainted"]
    apply(server, ns, pod("spread-3", labels={"app": "spread"}, anti={"app": "spread"},
                          tolerations=[{"operator": "Exists"}]))
    c = poll(lambda: (lambda p: {c["type"]: c for c in p.get("status", {}).get("conditions", [])}.get(
        "PodScheduled"))(get(server, f"/api/v1/namespaces/{ns}/pods/spread-3")))
    assert c["status"] == "False" and "3 node(s) didn't match pod anti-affinity rules" in c["message"]


def test_endpoints_follow_ready_pods(server, ns):
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"tier": "front"}},
           "spec": {"selector": {"app": "ep"}, "ports": [{"name": "http", "port": 80, "targetPort": "web"},
                                                          {"name": "metrics", "port": 9090}]}}
    apply(server, ns, svc)
    for i in range(2):
        p = pod(f"ep-{i}", labels={"app": "ep"})
        p["spec"]["containers"][0]["ports"] = [{"name": "web", "containerPort": 8080}]
        apply(server, ns, p)
    apply(server, ns, pod("other", labels={"app": "other"}))

    def eps():
        r = server.kubectl("get", "endpoints", "web", "-n", ns, "-o", "json", check=False)
        return json.loads(r.stdout) if r.returncode == 0 else None
    assert poll(eps)
    assert not eps().get("subsets")  # no pod has an IP yet
    make_ready(server, ns, {"metadata": {"name": "ep-0"}}, "10.0.0.1")
    server.kubectl("patch", "pod", "ep-1", "-n", ns, "--subresource=status", "--type=merge",
                   "-p", '{"status":{"phase":"Running","podIP":"10.0.0.2"}}')
    make_ready(server, ns, {"metadata": {"name": "other"}}, "10.0.0.3")

    def subsets():
        e = eps()
        s = e.get("subsets") or []
        return s if s and s[0].get("addresses") and s[0].get("notReadyAddresses") else None
    s = poll(subsets)
    assert s, eps()
    assert [a["ip"] for a in s[0]["addresses"]] == ["10.0.0.1"]
    assert s[0]["addresses"][0]["targetRef"]["name"] == "ep-0"
    assert [a["ip"] for a in s[0]["notReadyAddresses"]] == ["10.0.0.2"]
    assert sorted((p["name"], p["port"]) for p in s[0]["ports"]) == [("http", 8080), ("metrics", 9090)]
    assert eps()["metadata"]["labels"]["tier"] == "front"

    def slice_():
        items = server.kjson("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=web")["items"]
        return items[0] if len(items) == 1 and len(items[0].get("endpoints") or []) == 2 else None
    sl = poll(slice_)
    assert sl and sl["addressType"] == "IPv4"
    assert sl["metadata"]["ownerReferences"][0]["kind"] == "Service"
    ready = {e["targetRef"]["name"]: e["conditions"]["ready"] for e in sl["endpoints"]}
    assert ready == {"ep-0": True, "ep-1": False}
    # ep-1 becomes ready, ep-0 goes away.
    make_ready(server, ns, {"metadata": {"name": "ep-1"}}, "10.0.0.2")
    server.kubectl("delete", "pod", "ep-0", "-n", ns, "--wait=false")
    assert poll(lambda: [a["ip"] for s in (eps().get("subsets") or []) for a in s.get("addresses", [])] == ["10.0.0.2"])
    assert poll(lambda: [e["addresses"] for e in (server.kjson("get", "endpointslices", "-n", ns)["items"][0]
                                                 .get("endpoints") or [])] == [["10.0.0.2"]])
    # Deleting the Service removes both.
    server.kubectl("delete", "service", "web", "-n", ns)
    assert poll(lambda: eps() is None)
    assert poll(lambda: not server.kjson("get", "endpointslices", "-n", ns)["items"])


def set_phase(server, ns, name, phase):
    server.request("PATCH", f"/api/v1/namespaces/{ns}/pods/{name}/status",
                   json.dumps({"status": {"phase": phase}}).encode(), content_type="application/merge-patch+json")


def job(name, completions=None, parallelism=None, backoff=None, ttl=None):
    j = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
         "spec": {"template": {"spec": {"restartPolicy": "Never",
                                        "containers": [{"name": "c", "image": "busybox:1"}]}}}}
    for k, v in (("completions", completions), ("parallelism", parallelism), ("backoffLimit", backoff),
                 ("ttlSecondsAfterFinished", ttl)):
        if v is not None:
            j["spec"][k] = v
    return j


def job_pods(server, ns, name, phase=None):
    items = live(pods(server, ns, f"batch.kubernetes.io/job-name={name}"))
    return [p for p in items if phase is None or p.get("status", {}).get("phase", "Pending") == phase]


def test_job_completions_and_parallelism(server, ns):
    apply(server, ns, job("work", completions=3, parallelism=2))
    assert poll(lambda: len(job_pods(server, ns, "work")) == 2)
    time.sleep(0.3)
    assert len(job_pods(server, ns, "work")) == 2  # parallelism caps what runs at once
    p = job_pods(server, ns, "work")
    assert p[0]["metadata"]["name"].startswith("work-")
    assert p[0]["metadata"]["ownerReferences"][0]["kind"] == "Job"
    assert p[0]["spec"]["restartPolicy"] == "Never"
    st = poll(lambda: get(server, f"/apis/batch/v1/namespaces/{ns}/jobs/work").get("status", {}).get("active") == 2)
    assert st
    for q in p:
        set_phase(server, ns, q["metadata"]["name"], "Succeeded")
    # One more pod for the third completion, not two.
    assert poll(lambda: len(job_pods(server, ns, "work", "Pending")) == 1)
    time.sleep(0.3)
    assert len(job_pods(server, ns, "work", "Pending")) == 1
    set_phase(server, ns, job_pods(server, ns, "work", "Pending")[0]["metadata"]["name"], "Succeeded")
    server.kubectl("wait", "--for=condition=complete", "job/work", "-n", ns, "--timeout=15s")
    st = server.kjson("get", "job", "work", "-n", ns)["status"]
    assert st["succeeded"] == 3 and not st.get("active") and st["completionTime"]


def test_job_backoff_limit(server, ns):
    apply(server, ns, job("flaky", backoff=1))
    for i in range(2):
        assert poll(lambda: job_pods(server, ns, "flaky", "Pending"))
        set_phase(server, ns, job_pods(server, ns, "flaky", "Pending")[0]["metadata"]["name"], "Failed")
    server.kubectl("wait", "--for=condition=failed", "job/flaky", "-n", ns, "--timeout=15s")
    st = server.kjson("get", "job", "flaky", "-n", ns)["status"]
    assert st["failed"] == 2
    c = {c["type"]: c for c in st["conditions"]}["Failed"]
    assert c["reason"] == "BackoffLimitExceeded"
    time.sleep(0.3)
    assert not job_pods(server, ns, "flaky", "Pending")


def test_job_ttl_after_finished(server, ns):
    apply(server, ns, job("brief", ttl=0))
    assert poll(lambda: job_pods(server, ns, "brief"))
    set_phase(server, ns, job_pods(server, ns, "brief")[0]["metadata"]["name"], "Succeeded")
    assert poll(lambda: server.kubectl("get", "job", "brief", "-n", ns, check=False).returncode != 0)
    assert poll(lambda: not pods(server, ns, "batch.kubernetes.io/job-name=brief"))


def test_cronjob_creates_jobs_on_schedule():
    import os
    from conftest import Server
    # A minute of schedule per 0.5 s of real time: "*/1 * * * *" fires about twice a second.
    os.environ["ATOLL_CRONJOB_CLOCK_SPEED"] = "120"
    try:
        server = Server()
    finally:
        del os.environ["ATOLL_CRONJOB_CLOCK_SPEED"]
    try:
        ns = "default"
        cj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick"},
              "spec": {"schedule": "*/1 * * * *", "concurrencyPolicy": "Forbid",
                       "successfulJobsHistoryLimit": 2,
                       "jobTemplate": {"metadata": {"labels": {"from": "cron"}},
                                       "spec": {"template": {"spec": {
                                           "restartPolicy": "Never",
                                           "containers": [{"name": "c", "image": "busybox:1"}]}}}}}}
        apply(server, ns, cj)
        jobs = lambda: get(server, f"/apis/batch/v1/namespaces/{ns}/jobs?labelSelector=from%3Dcron")["items"]
        first = poll(jobs, 10)
        assert first and len(first) == 1
        j = first[0]
        assert j["metadata"]["name"].startswith("tick-")
        assert j["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
        assert "batch.kubernetes.io/cronjob-scheduled-timestamp" in j["metadata"]["annotations"]
        assert poll(lambda: get(server, f"/apis/batch/v1/namespaces/{ns}/cronjobs/tick").get("status", {}).get("active"))
        # Forbid: no second Job while the first runs.
        time.sleep(1.5)
        assert len(jobs()) == 1
        # Finish each job's pod; new runs follow, and only 2 finished ones are kept.
        def finish_all():
            for p in live(pods(server, ns)):
                if p.get("status", {}).get("phase", "Pending") == "Pending":
                    set_phase(server, ns, p["metadata"]["name"], "Succeeded")
            done = [x for x in jobs() if any(c["type"] == "Complete" and c["status"] == "True"
                                             for c in x.get("status", {}).get("conditions", []))]
            return len(done) >= 2 and done
        assert poll(finish_all, 20, 0.3)
        time.sleep(1)
        finish_all()
        assert poll(lambda: len([x for x in jobs() if x.get("status", {}).get("succeeded")]) <= 2, 10)
        st = server.kjson("get", "cronjob", "tick", "-n", ns)["status"]
        assert st["lastScheduleTime"] and st["lastSuccessfulTime"]
    finally:
        server.close()


def test_default_service_account_everywhere(server, ns):
    assert poll(lambda: server.kubectl("get", "sa", "default", "-n", ns, check=False).returncode == 0)
    assert poll(lambda: server.kubectl("get", "sa", "default", "-n", "kube-system", check=False).returncode == 0)
    server.kubectl("delete", "sa", "default", "-n", ns)
    assert poll(lambda: server.kubectl("get", "sa", "default", "-n", ns, check=False).returncode == 0)


def lease(name, renew):
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name, "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": renew}}


def utc(offset=0):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() + offset))


def test_node_lifecycle_unreachable_and_eviction(fresh_server):
    server, ns = fresh_server, "default"
    create_node(server, node("lost"))
    # Its agent last renewed the lease two minutes ago.
    server.kubectl("apply", "-f", "-", input=json.dumps(lease("lost", utc(-120))))
    unreachable = {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}
    # "plain" gets the API's default 300 s toleration of unreachable, as in Kubernetes.
    for name, tols in (("plain", None), ("zero", [dict(unreachable, tolerationSeconds=0)]),
                       ("short", [dict(unreachable, tolerationSeconds=1)]),
                       ("forever", [unreachable])):
        p = pod(name, tolerations=tols)
        p["spec"]["nodeName"] = "lost"
        apply(server, ns, p)

    def state():
        n = get(server, "/api/v1/nodes/lost")
        ready = {c["type"]: c for c in n["status"]["conditions"]}["Ready"]
        taints = {(t["key"], t["effect"]) for t in n["spec"].get("taints", [])}
        return n if ready["status"] == "Unknown" and ("node.kubernetes.io/unreachable", "NoExecute") in taints else None
    n = poll(state)
    assert n, server.kjson("get", "node", "lost")
    assert {c["type"]: c for c in n["status"]["conditions"]}["Ready"]["reason"] == "NodeStatusUnknown"
    names = lambda: {p["metadata"]["name"] for p in live(pods(server, ns))}
    assert poll(lambda: "zero" not in names())
    assert poll(lambda: "short" not in names())
    time.sleep(1.2)
    assert "forever" in names() and "plain" in names()
    # The agent comes back: the taints go.
    server.kubectl("apply", "-f", "-", input=json.dumps(lease("lost", utc())))
    assert poll(lambda: not get(server, "/api/v1/nodes/lost")["spec"].get("taints"))


def test_daemonset_one_pod_per_node(fresh_server):
    server, ns = fresh_server, "default"
    create_node(server, node("a"))
    create_node(server, node("b"))
    create_node(server, node("c", taints=[{"key": "gpu", "value": "yes", "effect": "NoSchedule"}]))
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
          "spec": {"selector": {"matchLabels": {"app": "agent"}},
                   "template": {"metadata": {"labels": {"app": "agent"}},
                                "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}}}
    apply(server, ns, ds)
    on_nodes = lambda: sorted(p["spec"].get("nodeName", "") for p in live(pods(server, ns, "app=agent")))
    assert poll(lambda: on_nodes() == ["a", "b"]), on_nodes()
    create_node(server, node("d"))
    assert poll(lambda: on_nodes() == ["a", "b", "d"]), on_nodes()
    server.kubectl("delete", "node", "b")
    assert poll(lambda: on_nodes() == ["a", "d"]), on_nodes()

    def rolled():
        ready_all(server, ns, "app=agent")
        d = get(server, f"/apis/apps/v1/namespaces/{ns}/daemonsets/agent")
        st = d.get("status", {})
        return (st.get("observedGeneration", 0) >= d["metadata"]["generation"] and
                st.get("updatedNumberScheduled", 0) >= st.get("desiredNumberScheduled", 1) and
                st.get("numberAvailable", 0) >= st.get("desiredNumberScheduled", 1))
    assert poll(rolled, 20, 0.1)
    server.kubectl("rollout", "status", "ds/agent", "-n", ns, "--timeout=10s")
    st = server.kjson("get", "ds", "agent", "-n", ns)["status"]
    assert st["desiredNumberScheduled"] == st["numberReady"] == st["updatedNumberScheduled"] == 2
    server.kubectl("set", "image", "ds/agent", "c=busybox:2", "-n", ns)
    assert poll(rolled, 20, 0.1)
    server.kubectl("rollout", "status", "ds/agent", "-n", ns, "--timeout=10s")
    images = {p["spec"]["nodeName"]: p["spec"]["containers"][0]["image"] for p in live(pods(server, ns, "app=agent"))}
    assert images == {"a": "busybox:2", "d": "busybox:2"}


def test_statefulset_ordered_with_claims(server, ns):
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
           "spec": {"replicas": 3, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                    "template": {"metadata": {"labels": {"app": "db"}},
                                 "spec": {"containers": [{"name": "c", "image": "busybox:1",
                                                          "volumeMounts": [{"name": "data", "mountPath": "/d"}]}]}},
                    "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                              "spec": {"accessModes": ["ReadWriteOnce"],
                                                       "resources": {"requests": {"storage": "1Gi"}}}}]}}
    apply(server, ns, sts)
    names = lambda: sorted(p["metadata"]["name"] for p in live(pods(server, ns, "app=db")))
    assert poll(lambda: names() == ["db-0"])
    time.sleep(0.3)
    assert names() == ["db-0"]  # db-1 waits for db-0 to be running and ready
    p0 = server.kjson("get", "pod", "db-0", "-n", ns)
    assert p0["spec"]["hostname"] == "db-0" and p0["spec"]["subdomain"] == "db"
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}} in p0["spec"]["volumes"]
    assert p0["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] == "db-0"
    for want in (["db-0", "db-1"], ["db-0", "db-1", "db-2"]):
        ready_all(server, ns, "app=db")
        assert poll(lambda: names() == want), names()
    claims = sorted(c["metadata"]["name"] for c in server.kjson("get", "pvc", "-n", ns)["items"])
    assert claims == ["data-db-0", "data-db-1", "data-db-2"]

    def rolled():
        ready_all(server, ns, "app=db")
        d = get(server, f"/apis/apps/v1/namespaces/{ns}/statefulsets/db")
        st = d.get("status", {})
        return (st.get("observedGeneration", 0) >= d["metadata"]["generation"] and
                st.get("readyReplicas", 0) >= d["spec"]["replicas"] and
                st.get("updateRevision") == st.get("currentRevision"))
    assert poll(rolled, 20, 0.1)
    server.kubectl("rollout", "status", "sts/db", "-n", ns, "--timeout=10s")
    # Update: pods are replaced from the highest ordinal down. The order of their creation is the order
    # of the watch's ADDED events (polling could see two new pods at once).
    rv = json.loads(server.request("GET", f"/api/v1/namespaces/{ns}/pods")[2])["metadata"]["resourceVersion"]
    order = []

    def watch_adds():
        ctx = ssl.create_default_context(cafile=os.path.join(server.data_dir, "pki", "ca.crt"))
        req = urllib.request.Request(f"{server.url}/api/v1/namespaces/{ns}/pods?watch=1&resourceVersion={rv}"
                                     "&labelSelector=app%3Ddb&timeoutSeconds=40",
                                     headers={"Authorization": "Bearer " + server.token()})
        with urllib.request.urlopen(req, context=ctx, timeout=45) as r:
            for line in r:
                ev = json.loads(line)
                o = ev["object"]
                if ev["type"] == "ADDED" and o["spec"]["containers"][0]["image"] == "busybox:2":
                    order.append(o["metadata"]["name"])
                if len(order) == 3:
                    return

    watcher = threading.Thread(target=watch_adds, daemon=True)
    watcher.start()
    server.kubectl("set", "image", "sts/db", "c=busybox:2", "-n", ns)
    assert poll(lambda: rolled() and len(order) == 3, 30, 0.1), order
    watcher.join(timeout=5)
    server.kubectl("rollout", "status", "sts/db", "-n", ns, "--timeout=10s")
    assert order == ["db-2", "db-1", "db-0"]
    # Scale down removes the highest ordinals; the claims stay.
    server.kubectl("scale", "sts/db", "--replicas=1", "-n", ns)
    assert poll(lambda: names() == ["db-0"]), names()
    assert len(server.kjson("get", "pvc", "-n", ns)["items"]) == 3
    # The headless Service's endpoints name the pod for DNS.
    apply(server, ns, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
                       "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}})
    ep = poll(lambda: (get(server, f"/api/v1/namespaces/{ns}/endpoints/db") or {}).get("subsets"))
    assert ep and ep[0]["addresses"][0]["hostname"] == "db-0"


def test_job_on_failure_restarts_count_against_backoff(server, ns):
    j = job("restarts", backoff=2)
    j["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    apply(server, ns, j)
    p = poll(lambda: job_pods(server, ns, "restarts"))
    status = {"status": {"phase": "Running", "containerStatuses": [
        {"name": "c", "image": "busybox:1", "imageID": "", "ready": False, "restartCount": 3,
         "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}
    server.request("PATCH", f"/api/v1/namespaces/{ns}/pods/{p[0]['metadata']['name']}/status",
                   json.dumps(status).encode(), content_type="application/merge-patch+json")
    server.kubectl("wait", "--for=condition=failed", "job/restarts", "-n", ns, "--timeout=15s")
    assert poll(lambda: not job_pods(server, ns, "restarts"))


def test_deployment_progress_deadline(server, ns):
    d = deployment("stuck", replicas=1)
    d["spec"]["progressDeadlineSeconds"] = 1
    apply(server, ns, d)

    def exceeded():
        st = get(server, f"/apis/apps/v1/namespaces/{ns}/deployments/stuck").get("status", {})
        c = {c["type"]: c for c in st.get("conditions", [])}.get("Progressing")
        return c and c["status"] == "False" and c
    c = poll(exceeded, 10)
    assert c and c["reason"] == "ProgressDeadlineExceeded"
    p = server.kubectl("rollout", "status", "deployment/stuck", "-n", ns, "--timeout=5s", check=False)
    assert p.returncode != 0 and "exceeded its progress deadline" in p.stderr


def test_indexed_job(server, ns):
    j = job("idx", completions=3, parallelism=3)
    j["spec"]["completionMode"] = "Indexed"
    apply(server, ns, j)
    assert poll(lambda: len(job_pods(server, ns, "idx")) == 3)
    by_index = {p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]: p
                for p in job_pods(server, ns, "idx")}
    assert sorted(by_index) == ["0", "1", "2"]
    p1 = by_index["1"]
    assert p1["metadata"]["name"].startswith("idx-1-") and p1["spec"]["hostname"] == "idx-1"
    env = {e["name"]: e for e in p1["spec"]["containers"][0]["env"]}
    assert "JOB_COMPLETION_INDEX" in env
    # Index 1 fails: it is retried under the same index; 0 and 2 succeed.
    set_phase(server, ns, by_index["1"]["metadata"]["name"], "Failed")
    set_phase(server, ns, by_index["0"]["metadata"]["name"], "Succeeded")
    set_phase(server, ns, by_index["2"]["metadata"]["name"], "Succeeded")
    retry = poll(lambda: job_pods(server, ns, "idx", "Pending"))
    assert retry and [p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for p in retry] == ["1"]
    assert poll(lambda: get(server, f"/apis/batch/v1/namespaces/{ns}/jobs/idx")["status"].get("completedIndexes") == "0,2")
    set_phase(server, ns, retry[0]["metadata"]["name"], "Succeeded")
    server.kubectl("wait", "--for=condition=complete", "job/idx", "-n", ns, "--timeout=15s")
    assert get(server, f"/apis/batch/v1/namespaces/{ns}/jobs/idx")["status"]["completedIndexes"] == "0-2"


def test_adoption_and_release(server, ns):
    apply(server, ns, deployment("keep", replicas=2))
    rollout(server, ns, "keep")
    before = {p["metadata"]["name"] for p in live(pods(server, ns, "app=keep"))}
    rs_before = [r["metadata"]["name"] for r in rs_of(server, ns, "keep")]
    server.kubectl("delete", "deployment", "keep", "-n", ns, "--cascade=orphan")
    assert poll(lambda: all(not r["metadata"].get("ownerReferences") for r in rs_of(server, ns, "keep")))
    # A new Deployment with the same template adopts the ReplicaSet and its pods.
    apply(server, ns, deployment("keep", replicas=2))
    assert poll(lambda: all(r["metadata"].get("ownerReferences", [{}])[0].get("kind") == "Deployment"
                            for r in rs_of(server, ns, "keep")))
    rollout(server, ns, "keep")
    assert [r["metadata"]["name"] for r in rs_of(server, ns, "keep")] == rs_before
    assert {p["metadata"]["name"] for p in live(pods(server, ns, "app=keep"))} == before
    # A pod relabelled out of the selector is released and replaced.
    victim = sorted(before)[0]
    server.kubectl("label", "pod", victim, "-n", ns, "app=debug", "--overwrite")
    assert poll(lambda: not get(server, f"/api/v1/namespaces/{ns}/pods/{victim}")["metadata"].get("ownerReferences"))
    assert poll(lambda: len(live(pods(server, ns, "app=keep"))) == 2)
    assert get(server, f"/api/v1/namespaces/{ns}/pods/{victim}") is not None


def test_pods_of_deleted_nodes_are_collected():
    import os
    from conftest import Server
    os.environ["ATOLL_PODGC_QUARANTINE_SECONDS"] = "1"
    try:
        server = Server()
    finally:
        del os.environ["ATOLL_PODGC_QUARANTINE_SECONDS"]
    try:
        ns = "default"
        create_node(server, node("doomed"))
        apply(server, ns, deployment("moved", replicas=1))
        assert poll(lambda: [p for p in live(pods(server, ns, "app=moved")) if p["spec"].get("nodeName") == "doomed"])
        first = live(pods(server, ns, "app=moved"))[0]["metadata"]["name"]
        create_node(server, node("spare"))
        server.kubectl("delete", "node", "doomed")
        # The pod goes after the quarantine; its ReplicaSet's replacement lands on the spare node.
        assert poll(lambda: [p for p in live(pods(server, ns, "app=moved"))
                             if p["metadata"]["name"] != first and p["spec"].get("nodeName") == "spare"], 15)
        assert poll(lambda: first not in {p["metadata"]["name"] for p in pods(server, ns, "app=moved")})
    finally:
        server.close()


def test_old_events_expire():
    import os
    from conftest import Server
    os.environ["ATOLL_EVENT_TTL_SECONDS"] = "2"
    try:
        server = Server()
    finally:
        del os.environ["ATOLL_EVENT_TTL_SECONDS"]
    try:
        ns = "default"
        old = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
        ev = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "stale"},
              "involvedObject": {"kind": "Pod", "name": "x", "namespace": ns},
              "reason": "Test", "message": "old", "type": "Normal",
              "firstTimestamp": old, "lastTimestamp": old}
        apply(server, ns, ev)
        fresh = dict(ev, metadata={"name": "fresh"})
        fresh["lastTimestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
        apply(server, ns, fresh)
        assert poll(lambda: get(server, f"/api/v1/namespaces/{ns}/events/stale") is None, 10)
        assert get(server, f"/api/v1/namespaces/{ns}/events/fresh") is not None
    finally:
        server.close()
