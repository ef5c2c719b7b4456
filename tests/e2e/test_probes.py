# SPDX-License-Identifier: Apache-2.0
"""Liveness, readiness and startup probes (exec, HTTP, TCP) on the server's own node."""
import json
import time

from test_pods import node_server, wait_pod  # noqa: F401  (the fixture)


def probe_pod(name, image, cmd, **probes):
    c = {"name": "main", "image": image, "command": ["sh", "-c", cmd]}
    c.update(probes)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 1, "containers": [c]}}


def ready(p):
    return any(c["type"] == "Ready" and c["status"] == "True" for c in p.get("status", {}).get("conditions", []))


def running(p):
    cs = p.get("status", {}).get("containerStatuses", [])
    return bool(cs) and "running" in cs[0]["state"]


def events(s, name, reason):
    code, _, body = s.request("GET", "/api/v1/namespaces/default/events")
    return [e for e in json.loads(body)["items"]
            if e["involvedObject"]["name"] == name and e["reason"] == reason]


def test_readiness_exec_probe_flips_ready(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods", probe_pod(
        "rdy", s.image, "sleep 1; touch /tmp/ready; sleep 3; rm /tmp/ready; sleep 3600",
        readinessProbe={"exec": {"command": ["test", "-f", "/tmp/ready"]}, "periodSeconds": 1}))
    # Running but not Ready until the probe passes ...
    p = wait_pod(s, "default", "rdy", running)
    assert not p["status"]["containerStatuses"][0]["ready"] or ready(p)
    p = wait_pod(s, "default", "rdy", ready)
    assert p["status"]["containerStatuses"][0]["ready"]
    # ... and not Ready again when it fails, without a restart.
    p = wait_pod(s, "default", "rdy", lambda p: not ready(p) and running(p))
    assert p["status"]["containerStatuses"][0]["restartCount"] == 0
    assert not p["status"]["containerStatuses"][0]["ready"]
    assert any("Readiness probe failed" in e["message"] for e in events(s, "rdy", "Unhealthy"))
    s.request("DELETE", "/api/v1/namespaces/default/pods/rdy")


def test_liveness_probe_failure_restarts_the_container(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods", probe_pod(
        "live", s.image, "test -f /tmp/seen && sleep 3600; touch /tmp/seen; touch /tmp/alive; sleep 1; "
        "rm /tmp/alive; sleep 3600",
        livenessProbe={"exec": {"command": ["cat", "/tmp/alive"]}, "periodSeconds": 1, "failureThreshold": 2}))
    p = wait_pod(s, "default", "live", lambda p: running(p) and p["status"]["containerStatuses"][0]["restartCount"] >= 1,
                 timeout=60)
    last = p["status"]["containerStatuses"][0]["lastState"]["terminated"]
    assert last["exitCode"] in (137, 143), last
    assert any("Liveness probe failed" in e["message"] for e in events(s, "live", "Unhealthy"))
    assert any("failed liveness probe" in e["message"] for e in events(s, "live", "Killing"))
    s.request("DELETE", "/api/v1/namespaces/default/pods/live")


def test_http_and_tcp_probes_against_a_server_in_the_pod(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods", probe_pod(
        "web", s.image, "mkdir -p /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www",
        ports=[{"name": "http", "containerPort": 8080}],
        readinessProbe={"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 1},
        livenessProbe={"tcpSocket": {"port": 8080}, "periodSeconds": 1},
        startupProbe={"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 1, "failureThreshold": 30}))
    p = wait_pod(s, "default", "web", ready)
    st = p["status"]["containerStatuses"][0]
    assert st["ready"] and st["started"] and st["restartCount"] == 0
    s.request("DELETE", "/api/v1/namespaces/default/pods/web")


def test_http_probe_on_a_missing_path_keeps_the_pod_unready(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods", probe_pod(
        "nopath", s.image, "mkdir -p /www && exec httpd -f -p 8081 -h /www",
        readinessProbe={"httpGet": {"path": "/missing", "port": 8081}, "periodSeconds": 1}))
    wait_pod(s, "default", "nopath", running)
    deadline = time.monotonic() + 20
    ev = []
    while time.monotonic() < deadline and not ev:
        ev = [e for e in events(s, "nopath", "Unhealthy") if "statuscode: 404" in e["message"]]
        time.sleep(0.2)
    assert ev
    p = json.loads(s.request("GET", "/api/v1/namespaces/default/pods/nopath")[2])
    assert not ready(p) and not p["status"]["containerStatuses"][0]["ready"]
    s.request("DELETE", "/api/v1/namespaces/default/pods/nopath")
