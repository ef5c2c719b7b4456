# SPDX-License-Identifier: Apache-2.0
"""Pods bound to the server's own node run in namespace sandboxes: status, exit codes, logs, restarts, deletion."""
import json
import os
import subprocess
import time

import pytest

from conftest import Server, image_node

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def node_server():
    with image_node() as s:
        yield s


def pod(name, image, cmd, restart="Never"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": "n1", "restartPolicy": restart,
                     "containers": [{"name": "main", "image": image, "command": ["sh", "-c", cmd]}]}}


def wait_pod(s, ns, name, pred, timeout=30):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        code, _, body = s.request("GET", f"/api/v1/namespaces/{ns}/pods/{name}")
        if code == 200:
            last = json.loads(body)
            if pred(last):
                return last
        time.sleep(0.2)
    raise AssertionError(f"pod {name} never got there: {json.dumps(last)[:2000] if last else None}")


def test_pod_runs_to_completion_with_exit_code_and_logs(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods",
              pod("done", s.image, "echo out-line; echo err-line >&2; echo host-$(hostname); exit 3"))
    p = wait_pod(s, "default", "done", lambda p: p.get("status", {}).get("phase") == "Failed")
    st = p["status"]["containerStatuses"][0]["state"]["terminated"]
    assert st["exitCode"] == 3 and st["reason"] == "Error"
    logs = s.kubectl("logs", "done").stdout
    assert "out-line" in logs and "err-line" in logs
    assert "host-done" in logs          # the pod's name is its host name
    # stdout and stderr are separate pipes with no order between them: --tail=1 is the log's last line.
    assert s.kubectl("logs", "done", "--tail=1").stdout.strip() == logs.strip().splitlines()[-1]
    s.request("POST", "/api/v1/namespaces/default/pods", pod("ok", s.image, "exit 0"))
    p = wait_pod(s, "default", "ok", lambda p: p.get("status", {}).get("phase") == "Succeeded")
    assert p["status"]["containerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"


def test_running_pod_is_ready_and_stops_on_delete(node_server):
    s = node_server
    marker = f"atoll-test-{os.getpid()}-{time.monotonic_ns()}"
    s.request("POST", "/api/v1/namespaces/default/pods", pod("long", s.image, f"echo up; sleep 300; : {marker}"))
    p = wait_pod(s, "default", "long", lambda p: p.get("status", {}).get("phase") == "Running" and
                 p["status"]["containerStatuses"][0]["ready"])
    assert [c["status"] for c in p["status"]["conditions"] if c["type"] == "Ready"] == ["True"]
    out = s.kubectl("get", "pod", "long").stdout
    assert "1/1" in out and "Running" in out
    assert subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
    s.kubectl("delete", "pod", "long", "--wait=false")
    # The sandbox goes away: no `atoll run` for this pod remains.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ps = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
        if not ps:
            break
        time.sleep(0.2)
    assert not subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()


def test_restart_policy_always_restarts_with_backoff(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods", pod("crash", s.image, "exit 1", restart="Always"))
    p = wait_pod(s, "default", "crash",
                 lambda p: p.get("status", {}).get("containerStatuses", [{}])[0].get("restartCount", 0) >= 2)
    cs = p["status"]["containerStatuses"][0]
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    s.kubectl("delete", "pod", "crash", "--wait=false")


def test_logs_follow_streams_until_the_container_ends(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods",
              pod("ticker", s.image, "for i in 1 2 3 4 5; do echo tick-$i; sleep 0.3; done"))
    wait_pod(s, "default", "ticker", lambda p: p.get("status", {}).get("phase") in ("Running", "Succeeded"))
    p = s.kubectl("logs", "-f", "ticker", timeout=30)
    assert [l for l in p.stdout.split() if l.startswith("tick-")] == [f"tick-{i}" for i in range(1, 6)]


def test_deployment_pods_run_in_sandboxes(node_server):
    s = node_server
    manifest = f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: app
        image: "{s.image}"
        command: [sh, -c, 'echo started; while true; do sleep 1; done']
"""
    s.kubectl("apply", "-f", "-", input=manifest)
    s.kubectl("rollout", "status", "deploy/web", "--timeout=60s", timeout=90)
    pods = s.kjson("get", "pods", "-l", "app=web")["items"]
    assert len(pods) == 3
    assert all(p["status"]["phase"] == "Running" and p["spec"]["nodeName"] == "n1" for p in pods)
    assert "started" in s.kubectl("logs", "deploy/web").stdout
    s.kubectl("scale", "deploy/web", "--replicas=1")
    s.kubectl("rollout", "status", "deploy/web", "--timeout=60s", timeout=90)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(s.kjson("get", "pods", "-l", "app=web")["items"]) != 1:
        time.sleep(0.2)
    assert len(s.kjson("get", "pods", "-l", "app=web")["items"]) == 1
    s.kubectl("delete", "deploy/web")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and s.kjson("get", "pods", "-l", "app=web")["items"]:
        time.sleep(0.2)
    assert s.kjson("get", "pods", "-l", "app=web")["items"] == []


def test_env_from_configmaps_secrets_and_the_downward_api(node_server):
    s = node_server
    p = pod("envy", s.image, 'echo "A=$A B=$B S=$S NAME=$NAME NS=$NS APP=$APP P_x=$P_x"')
    c = p["spec"]["containers"][0]
    p["metadata"]["labels"] = {"app": "envy"}
    c["env"] = [
        {"name": "A", "value": "plain"},
        {"name": "B", "valueFrom": {"configMapKeyRef": {"name": "envcm", "key": "b"}}},
        {"name": "S", "valueFrom": {"secretKeyRef": {"name": "envsec", "key": "s"}}},
        {"name": "NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
    ]
    c["envFrom"] = [{"configMapRef": {"name": "envcm"}, "prefix": "P_"}]
    s.request("POST", "/api/v1/namespaces/default/pods", p)
    # The ConfigMap is missing: the container waits with CreateContainerConfigError.
    w = wait_pod(s, "default", "envy", lambda p: p.get("status", {}).get("containerStatuses", [{}])[0]
                 .get("state", {}).get("waiting", {}).get("reason") == "CreateContainerConfigError")
    assert w["status"]["phase"] == "Pending"
    s.request("POST", "/api/v1/namespaces/default/configmaps",
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "envcm"}, "data": {"b": "from-cm", "x": "1"}})
    s.request("POST", "/api/v1/namespaces/default/secrets",
              {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "envsec"}, "data": {"s": "c2VjcmV0"}})
    wait_pod(s, "default", "envy", lambda p: p.get("status", {}).get("phase") == "Succeeded")
    out = s.kubectl("logs", "envy").stdout
    assert "A=plain B=from-cm S=secret NAME=envy NS=default APP=envy P_x=1" in out, out


def test_pods_stop_with_the_server(tmp_path):
    # With --stop-pods-on-exit (what the fixtures pass) the node stops its pods when the server exits.
    s = Server(node=True, args=["--node-name", "n1"])
    try:
        img = str(tmp_path / "img")
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
            time.sleep(0.2)
        marker = f"atoll-test-stop-{os.getpid()}-{time.monotonic_ns()}"
        s.request("POST", "/api/v1/namespaces/default/pods", pod("stays", f"oci:{img}:latest", f"sleep 300; : {marker}"))
        wait_pod(s, "default", "stays", lambda p: p.get("status", {}).get("phase") == "Running")
        assert subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
    finally:
        s.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 0:
        time.sleep(0.2)
    assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode != 0
