# SPDX-License-Identifier: Apache-2.0
"""Native sidecar containers (init containers with restartPolicy: Always), driven with real kubectl."""
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import image_node

@pytest.fixture(scope="module")
def s():
    with image_node(node="sc1") as srv:
        yield srv


def ctr(name, image, script, **extra):
    return dict({"name": name, "image": image, "command": ["sh", "-c", script]}, **extra)


def apply(s, obj):
    s.kubectl("apply", "-f", "-", input=json.dumps(obj))


def get(s, name):
    return s.kjson("get", "pod", name)


def wait_for(s, name, pred, timeout=60):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        p = s.kubectl("get", "pod", name, "-o", "json", check=False)
        if p.returncode == 0:
            last = json.loads(p.stdout)
            if pred(last):
                return last
        time.sleep(0.3)
    raise AssertionError(f"pod {name} never got there: {json.dumps(last)[:3000] if last else None}")


def statuses(p, key="containerStatuses"):
    return {c["name"]: c for c in p.get("status", {}).get(key, [])}


def delete(s, name):
    s.kubectl("delete", "pod", name, "--wait=true", "--timeout=60s", check=False)


def test_sidecar_serves_a_file_to_the_app_in_order(s):
    """init-a, then the sidecar (once its startup probe passes), then init-b, then the app."""
    shared = [{"name": "shared", "mountPath": "/shared"}]
    serve = ("echo sidecar >> /shared/order; "
             "while true; do echo from-sidecar > /shared/served.tmp; mv /shared/served.tmp /shared/served; "
             "sleep 0.2; done")
    apply(s, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "served"},
              "spec": {"nodeName": "sc1", "restartPolicy": "Never",
                       "volumes": [{"name": "shared", "emptyDir": {}}],
                       "initContainers": [
                           ctr("init-a", s.image, "echo init-a >> /shared/order", volumeMounts=shared),
                           ctr("server", s.image, serve, volumeMounts=shared, restartPolicy="Always",
                               startupProbe={"exec": {"command": ["test", "-f", "/shared/served"]},
                                             "periodSeconds": 1, "failureThreshold": 30},
                               readinessProbe={"exec": {"command": ["test", "-f", "/shared/served"]},
                                               "periodSeconds": 1}),
                           ctr("init-b", s.image, "test -f /shared/served && echo init-b >> /shared/order",
                               volumeMounts=shared)],
                       "containers": [ctr("app", s.image, "echo app >> /shared/order; cat /shared/served; "
                                          "exec sleep 300", volumeMounts=shared)]}})
    p = wait_for(s, "served", lambda p: any(c["type"] == "Ready" and c["status"] == "True"
                                              for c in p.get("status", {}).get("conditions", [])))
    ics = statuses(p, "initContainerStatuses")
    assert [c["name"] for c in p["status"]["initContainerStatuses"]] == ["init-a", "server", "init-b"]
    side = ics["server"]
    assert side["started"] is True and side["ready"] is True and "running" in side["state"], side
    assert ics["init-a"]["state"]["terminated"]["reason"] == "Completed"
    assert ics["init-b"]["state"]["terminated"]["reason"] == "Completed"
    # Each wrote its name when it started: the order is the start order.
    order = s.kubectl("exec", "served", "-c", "app", "--", "cat", "/shared/order").stdout
    assert order == "init-a\nsidecar\ninit-b\napp\n"
    assert s.kubectl("logs", "served", "-c", "app").stdout == "from-sidecar\n"
    # startedAt (seconds) never goes backwards along the order.
    ts = [ics["init-a"]["state"]["terminated"]["startedAt"], side["state"]["running"]["startedAt"],
          ics["init-b"]["state"]["terminated"]["startedAt"],
          statuses(p)["app"]["state"]["running"]["startedAt"]]
    assert ts == sorted(ts), ts
    out = s.kubectl("get", "pod", "served").stdout
    # READY counts the sidecar beside the app, as kubectl shows for Kubernetes 1.29+.
    assert "Running" in out and " 2/2 " in out, out
    desc = s.kubectl("describe", "pod", "served").stdout
    assert "Init Containers:" in desc and "server:" in desc, desc
    delete(s, "served")


def test_app_waits_for_the_sidecar_startup_probe(s):
    apply(s, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "gated"},
              "spec": {"nodeName": "sc1",
                       "initContainers": [ctr("side", s.image, "exec sleep 300", restartPolicy="Always",
                                              startupProbe={"exec": {"command": ["test", "-f", "/tmp/go"]},
                                                            "periodSeconds": 1, "failureThreshold": 600})],
                       "containers": [ctr("app", s.image, "exec sleep 300")]}})
    # Once the probe has failed at least once, the app has still not been created.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ev = s.kjson("get", "events", "--field-selector", "involvedObject.name=gated,reason=Unhealthy")
        if ev["items"]:
            break
        time.sleep(0.3)
    p = get(s, "gated")
    side = statuses(p, "initContainerStatuses")["side"]
    assert "running" in side["state"] and side["started"] is False, side
    assert statuses(p)["app"]["state"]["waiting"]["reason"] == "PodInitializing"
    assert "Init:0/1" in s.kubectl("get", "pod", "gated").stdout
    s.kubectl("exec", "gated", "-c", "side", "--", "touch", "/tmp/go")
    p = wait_for(s, "gated", lambda p: "running" in statuses(p).get("app", {}).get("state", {}))
    assert statuses(p, "initContainerStatuses")["side"]["started"] is True
    delete(s, "gated")


def test_sidecar_readiness_counts_for_the_pod(s):
    apply(s, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "unready"},
              "spec": {"nodeName": "sc1",
                       "initContainers": [ctr("side", s.image, "exec sleep 300", restartPolicy="Always",
                                              readinessProbe={"exec": {"command": ["test", "-f", "/tmp/ok"]},
                                                              "periodSeconds": 1})],
                       "containers": [ctr("app", s.image, "exec sleep 300")]}})

    def ready(p):
        return [c["status"] for c in p.get("status", {}).get("conditions", []) if c["type"] == "Ready"]

    # The app runs and is ready; the sidecar's failing readiness probe keeps the pod from Ready.
    p = wait_for(s, "unready", lambda p: statuses(p).get("app", {}).get("ready") is True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if s.kjson("get", "events", "--field-selector", "involvedObject.name=unready,reason=Unhealthy")["items"]:
            break
        time.sleep(0.3)
    p = get(s, "unready")
    assert ready(p) == ["False"] and statuses(p, "initContainerStatuses")["side"]["ready"] is False, p["status"]
    assert " 1/2 " in s.kubectl("get", "pod", "unready").stdout
    s.kubectl("exec", "unready", "-c", "side", "--", "touch", "/tmp/ok")
    wait_for(s, "unready", lambda p: ready(p) == ["True"])
    delete(s, "unready")


def test_sidecar_is_restarted_whatever_the_pod_policy(s):
    apply(s, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "flaky"},
              "spec": {"nodeName": "sc1", "restartPolicy": "Never",
                       "initContainers": [ctr("side", s.image, "echo side-up; sleep 1; exit 3",
                                              restartPolicy="Always")],
                       "containers": [ctr("app", s.image, "exec sleep 300")]}})
    p = wait_for(s, "flaky", lambda p: statuses(p, "initContainerStatuses").get("side", {})
                 .get("restartCount", 0) >= 2)
    side = statuses(p, "initContainerStatuses")["side"]
    assert side["lastState"]["terminated"]["exitCode"] == 3
    assert p["status"]["phase"] == "Running"
    app = statuses(p)["app"]
    assert "running" in app["state"] and app["restartCount"] == 0
    assert "side-up" in s.kubectl("logs", "flaky", "-c", "side").stdout
    delete(s, "flaky")


def test_job_completes_while_its_sidecar_runs(s):
    apply(s, {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "withside"},
              "spec": {"backoffLimit": 0, "template": {"spec": {
                  "nodeName": "sc1", "restartPolicy": "Never", "terminationGracePeriodSeconds": 5,
                  "initContainers": [ctr("logship", s.image, "exec sleep 3600", restartPolicy="Always")],
                  "containers": [ctr("work", s.image, "echo worked")]}}}})
    s.kubectl("wait", "--for=condition=complete", "job/withside", "--timeout=90s")
    pods = s.kjson("get", "pods", "-l", "job-name=withside")["items"]
    assert len(pods) == 1
    p = pods[0]
    assert p["status"]["phase"] == "Succeeded"
    assert statuses(p)["work"]["state"]["terminated"]["exitCode"] == 0
    # The sidecar was stopped for the pod to finish: it is terminated, not running.
    side = statuses(p, "initContainerStatuses")["logship"]
    assert "terminated" in side["state"], side
    s.kubectl("delete", "job", "withside", "--cascade=foreground", "--timeout=60s", check=False)


def test_deletion_stops_app_then_sidecars_in_reverse(s):
    # A directory of /tmp the pod's (ID-mapped) users can reach and write.
    out = tempfile.mkdtemp(prefix="atoll-stops-")
    os.chmod(out, 0o777)

    def stopper(name):
        # On SIGTERM, note the name and go; the sleeps are short so the trap runs soon.
        return ctr(name, s.image, f"trap 'echo {name} >> /out/stopped; exit 0' TERM; "
                                  "while true; do sleep 0.1; done",
                   volumeMounts=[{"name": "out", "mountPath": "/out"}])

    first, second = stopper("side-1"), stopper("side-2")
    first["restartPolicy"] = second["restartPolicy"] = "Always"
    # A sidecar's preStop hook runs when its turn to stop comes, before its SIGTERM.
    first["lifecycle"] = {"preStop": {"exec": {"command": ["sh", "-c", "echo side-1-prestop >> /out/stopped"]}}}
    apply(s, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ordered"},
              "spec": {"nodeName": "sc1", "terminationGracePeriodSeconds": 20,
                       "volumes": [{"name": "out", "hostPath": {"path": out}}],
                       "initContainers": [first, second], "containers": [stopper("app")]}})
    wait_for(s, "ordered", lambda p: p.get("status", {}).get("phase") == "Running" and
             all(c.get("ready") for c in p["status"].get("containerStatuses", [])))
    delete(s, "ordered")
    try:
        with open(os.path.join(out, "stopped")) as f:
            assert f.read() == "app\nside-2\nside-1-prestop\nside-1\n"
    finally:
        subprocess.run(["rm", "-rf", out])


def test_restart_policy_validation(s):
    bad_init = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"},
                "spec": {"initContainers": [ctr("i", s.image, "true", restartPolicy="OnFailure")],
                         "containers": [ctr("c", s.image, "true")]}}
    p = s.kubectl("create", "-f", "-", input=json.dumps(bad_init), check=False)
    assert p.returncode != 0
    assert 'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"' \
        in p.stderr, p.stderr
    bad_app = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"},
               "spec": {"containers": [ctr("c", s.image, "true", restartPolicy="Always")]}}
    p = s.kubectl("create", "-f", "-", input=json.dumps(bad_app), check=False)
    assert p.returncode != 0
    assert "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers" in p.stderr
    probe_init = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"},
                  "spec": {"initContainers": [ctr("i", s.image, "true",
                                                  readinessProbe={"exec": {"command": ["true"]}})],
                           "containers": [ctr("c", s.image, "true")]}}
    p = s.kubectl("create", "-f", "-", input=json.dumps(probe_init), check=False)
    assert "may not be set for init containers without restartPolicy=Always" in p.stderr, p.stderr
