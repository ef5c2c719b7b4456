# SPDX-License-Identifier: Apache-2.0
"""Container lifecycle hooks: postStart before the probes, preStop before SIGTERM, failures as events."""
import json
import os
import subprocess
import time

from test_pods import node_server, wait_pod  # noqa: F401  (the fixture)
from test_probes import events, ready, running


def hook_pod(name, image, cmd, lifecycle, **extra):
    c = {"name": "main", "image": image, "command": ["sh", "-c", cmd], "lifecycle": lifecycle}
    c.update(extra)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 10, "containers": [c]}}


def sh(cmd):
    return {"exec": {"command": ["sh", "-c", cmd]}}


def test_post_start_runs_before_probes_and_pre_stop_before_sigterm(node_server):
    s = node_server
    main = ("trap 'if test -f /tmp/prestop; then echo saw-prestop; else echo no-prestop; fi; exit 0' TERM; "
            "echo started; while :; do sleep 0.2; done")
    s.request("POST", "/api/v1/namespaces/default/pods", hook_pod(
        "hooks", s.image, main, {"postStart": sh("echo post > /tmp/poststart"),
                                 "preStop": sh("echo hook > /tmp/prestop")},
        readinessProbe={"exec": {"command": ["test", "-f", "/tmp/poststart"]}, "periodSeconds": 1}))
    # Ready only once the postStart hook has written its file.
    wait_pod(s, "default", "hooks", ready)
    env = dict(os.environ, KUBECONFIG=s.kubeconfig)
    follow = subprocess.Popen(["kubectl", "logs", "-f", "hooks"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "started" not in s.kubectl("logs", "hooks").stdout:
            time.sleep(0.1)
        s.request("DELETE", "/api/v1/namespaces/default/pods/hooks")
        out, _ = follow.communicate(timeout=30)
    finally:
        follow.kill()
    # The TERM trap found the preStop hook's file: the hook ran first.
    assert "saw-prestop" in out, out


def test_failed_post_start_hook_kills_the_container(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods", hook_pod(
        "badpost", s.image, "sleep 3600", {"postStart": sh("echo nope >&2; exit 7")}))
    p = wait_pod(s, "default", "badpost",
                 lambda p: p.get("status", {}).get("containerStatuses", [{}])[0].get("restartCount", 0) >= 1,
                 timeout=60)
    assert p["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] in (137, 143)
    ev = events(s, "badpost", "FailedPostStartHook")
    assert ev and "PostStartHook failed" in ev[0]["message"], ev
    s.request("DELETE", "/api/v1/namespaces/default/pods/badpost")


def test_pre_stop_sleep_and_http_hooks_are_accepted(node_server):
    s = node_server
    s.request("POST", "/api/v1/namespaces/default/pods", hook_pod(
        "sleepy", s.image, "mkdir -p /www && exec httpd -f -p 8082 -h /www",
        {"preStop": {"sleep": {"seconds": 1}}, "postStart": {"httpGet": {"path": "/", "port": 8082}}}))
    wait_pod(s, "default", "sleepy", running)
    s.request("DELETE", "/api/v1/namespaces/default/pods/sleepy")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and s.request("GET", "/api/v1/namespaces/default/pods/sleepy")[0] == 200:
        time.sleep(0.2)
    assert s.request("GET", "/api/v1/namespaces/default/pods/sleepy")[0] == 404
    assert not events(s, "sleepy", "FailedPreStopHook")
