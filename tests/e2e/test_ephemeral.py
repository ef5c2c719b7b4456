# SPDX-License-Identifier: Apache-2.0
"""Ephemeral containers: `kubectl debug`, the pods/ephemeralcontainers subresource, its rules and RBAC."""
import json
import os
import re
import subprocess
import time

import pytest

from conftest import ATOLL, image_node
from registry_util import Reg
from test_sidecars import wait_for
from test_streaming import run_under_pty

@pytest.fixture(scope="module")
def s(tmp_path_factory):
    with image_node(node="eph1") as srv:
        # kubectl debug wants a registry reference: the image goes to the embedded registry.
        Reg(srv, tmp_path_factory.mktemp("ephreg")).push(srv.image_dir, "default/busybox:1")
        srv.image = f"127.0.0.1:{srv.port}/default/busybox:1"
        yield srv


def eph(p):
    return {c["name"]: c for c in p.get("status", {}).get("ephemeralContainerStatuses", [])}


@pytest.fixture(scope="module")
def target(s):
    s.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "target"},
         "spec": {"nodeName": "eph1", "containers": [
             {"name": "main", "image": s.image, "command": ["sh", "-c", "exec sleep 3601"]}]}}))
    wait_for(s, "target", lambda p: p.get("status", {}).get("phase") == "Running")
    return "target"


def test_kubectl_debug_interactive_sees_the_target(s, target):
    state = {"typed": False}

    def step(fd, pid, text):
        # Once attached (kubectl's hint is out), run commands in the debug shell and leave.
        if not state["typed"] and "command prompt" in text:
            state["typed"] = True
            time.sleep(0.5)
            os.write(fd, b"ps; echo marker-$((6*7)); exit\r")

    text, status = run_under_pty(s, ["debug", "-it", target, f"--image={s.image}", "--target=main",
                                     "-c", "debugger", "--", "sh"], step, timeout=90)
    assert "marker-42" in text, text
    # Processes are shared in the pod's sandbox: the target's sleep is in the debugger's view.
    assert "sleep 3601" in text, text
    p = wait_for(s, target, lambda p: "terminated" in eph(p).get("debugger", {}).get("state", {}))
    st = eph(p)["debugger"]
    assert st["restartCount"] == 0 and st["ready"] is False
    spec = p["spec"]["ephemeralContainers"][0]
    assert spec["targetContainerName"] == "main" and spec["tty"] is True and spec["stdin"] is True
    assert "marker-42" in s.kubectl("logs", target, "-c", "debugger").stdout
    # Never restarted: a while later it is still the one terminated instance.
    assert eph(s.kjson("get", "pod", target))["debugger"]["restartCount"] == 0


def test_debug_without_tty_status_and_logs(s, target):
    s.kubectl("debug", target, f"--image={s.image}", "-c", "oneshot", "--target=main", "--",
              "sh", "-c", "echo hi-from-oneshot; exit 4")
    wait_for(s, target, lambda p: "terminated" in eph(p).get("oneshot", {}).get("state", {}))
    out = s.kubectl("get", "pod", target, "-o",
                    "jsonpath={range .status.ephemeralContainerStatuses[*]}"
                    "{.name}={.state.terminated.exitCode}{\"\\n\"}{end}").stdout
    assert "oneshot=4" in out.split(), out
    desc = s.kubectl("describe", "pod", target).stdout
    assert "Ephemeral Containers:" in desc and "oneshot:" in desc, desc
    assert s.kubectl("logs", target, "-c", "oneshot").stdout == "hi-from-oneshot\n"
    # kubectl's profiles shape the container (general adds SYS_PTRACE, restricted drops all): both run.
    for prof in ("general", "restricted"):
        s.kubectl("debug", target, f"--image={s.image}", "-c", f"prof-{prof}", f"--profile={prof}", "--",
                  "echo", f"ran-{prof}")
        wait_for(s, target, lambda p: "terminated" in eph(p).get(f"prof-{prof}", {}).get("state", {}))
        assert s.kubectl("logs", target, "-c", f"prof-{prof}").stdout == f"ran-{prof}\n"
    # The pod itself goes on.
    p = s.kjson("get", "pod", target)
    assert p["status"]["phase"] == "Running"
    assert [c["type"] for c in p["status"]["conditions"] if c["status"] == "True" and c["type"] == "Ready"]


def patch_eph(s, name, body, ctype="application/strategic-merge-patch+json"):
    code, _, out = s.request("PATCH", f"/api/v1/namespaces/default/pods/{name}/ephemeralcontainers",
                             body, content_type=ctype)
    return code, json.loads(out)


def test_refused_changes_are_kubernetes_style_422(s, target):
    # One added the plain way (strategic merge adds to the list by name), then what may not be done.
    code, st = patch_eph(s, target, {"spec": {"ephemeralContainers": [
        {"name": "fixed", "image": s.image, "command": ["true"]}]}})
    assert code == 200, st
    code, st = patch_eph(s, target, {"spec": {"ephemeralContainers": [
        {"name": "withport", "image": s.image, "ports": [{"containerPort": 80}]}]}})
    assert code == 422 and st["kind"] == "Status" and st["reason"] == "Invalid", st
    assert st["details"]["kind"] == "Pod" and st["details"]["name"] == target
    assert re.search(r"spec\.ephemeralContainers\[\d+\]\.ports: Forbidden: cannot be set for an Ephemeral "
                     "Container", st["message"]), st
    # A name already used by a regular container.
    code, st = patch_eph(s, target, {"spec": {"ephemeralContainers": [{"name": "main", "image": s.image}]}})
    assert code == 422 and "Duplicate value" in st["message"], st
    # A change to an existing one.
    pod = s.kjson("get", "pod", target)
    ecs = pod["spec"]["ephemeralContainers"]
    changed = json.loads(json.dumps(ecs))
    i = [c["name"] for c in changed].index("fixed")
    changed[i]["command"] = ["sh", "-c", "echo other"]
    code, st = patch_eph(s, target, {"spec": {"ephemeralContainers": changed}},
                         ctype="application/merge-patch+json")
    assert code == 422 and f'spec.ephemeralContainers[{i}]: Forbidden: existing ephemeral containers "fixed" ' \
        'may not be changed' in st["message"], st
    # Removing one, with PUT of the whole pod.
    pod["spec"]["ephemeralContainers"] = [c for c in ecs if c["name"] != "fixed"]
    code, _, out = s.request("PUT", f"/api/v1/namespaces/default/pods/{target}/ephemeralcontainers", pod)
    st = json.loads(out)
    assert code == 422 and 'existing ephemeral containers "fixed" may not be removed' in st["message"], st
    # A target that does not exist.
    code, st = patch_eph(s, target, {"spec": {"ephemeralContainers": [
        {"name": "lost", "image": s.image, "targetContainerName": "nope"}]}})
    assert code == 422 and 'targetContainerName: Not found: "nope"' in st["message"], st
    # Not through the pod itself: an update there leaves them as they were.
    code, _, out = s.request("PATCH", f"/api/v1/namespaces/default/pods/{target}",
                             {"spec": {"ephemeralContainers": None}},
                             content_type="application/merge-patch+json")
    assert code == 200, out
    assert len(json.loads(out)["spec"]["ephemeralContainers"]) == len(ecs)
    # Nor on create.
    p = s.kubectl("create", "-f", "-", check=False, input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "born-with"},
         "spec": {"containers": [{"name": "c", "image": s.image}],
                  "ephemeralContainers": [{"name": "e", "image": s.image}]}}))
    assert p.returncode != 0 and "spec.ephemeralContainers: Forbidden: cannot be set on create" in p.stderr
    # Discovery names it, as Kubernetes' does.
    disc = json.loads(s.kubectl("get", "--raw", "/api/v1").stdout)
    sub = [r for r in disc["resources"] if r["name"] == "pods/ephemeralcontainers"]
    assert sub and sub[0]["kind"] == "Pod" and sorted(sub[0]["verbs"]) == ["get", "patch", "update"]
    # GET of the subresource is the pod.
    code, _, out = s.request("GET", f"/api/v1/namespaces/default/pods/{target}/ephemeralcontainers")
    assert code == 200 and json.loads(out)["kind"] == "Pod"


def test_debug_needs_the_ephemeralcontainers_permission(s, target):
    kc = os.path.join(s.data_dir, "dev.kubeconfig")
    subprocess.run([ATOLL, "user", "add", "dev", "--data-dir", s.data_dir, "--kubeconfig-out", kc],
                   check=True, capture_output=True, timeout=60)
    s.kubectl("create", "role", "pod-editor", "--verb=get,list,watch,patch,update",
              "--resource=pods")
    s.kubectl("create", "rolebinding", "dev-edits", "--role=pod-editor", "--user=dev")
    env = dict(os.environ, KUBECONFIG=kc)
    p = subprocess.run(["kubectl", "debug", target, f"--image={s.image}", "-c", "nope", "--", "true"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode != 0
    assert 'User "dev" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace ' \
           '"default"' in p.stderr, p.stderr
    s.kubectl("create", "role", "pod-debugger", "--verb=patch", "--resource=pods/ephemeralcontainers")
    s.kubectl("create", "rolebinding", "dev-debugs", "--role=pod-debugger", "--user=dev")
    p = subprocess.run(["kubectl", "debug", target, f"--image={s.image}", "-c", "allowed", "--",
                        "echo", "allowed-now"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    wait_for(s, target, lambda p: "terminated" in eph(p).get("allowed", {}).get("state", {}))
    assert s.kubectl("logs", target, "-c", "allowed").stdout == "allowed-now\n"


def test_pod_security_applies_to_added_ephemeral_containers(s):
    s.kubectl("create", "namespace", "guarded")
    s.kubectl("label", "namespace", "guarded", "pod-security.kubernetes.io/enforce=baseline")
    s.kubectl("apply", "-n", "guarded", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "calm"},
         "spec": {"nodeName": "eph1", "containers": [
             {"name": "main", "image": s.image, "command": ["sh", "-c", "exec sleep 3600"]}]}}))
    code, _, out = s.request("PATCH", "/api/v1/namespaces/guarded/pods/calm/ephemeralcontainers",
                             {"spec": {"ephemeralContainers": [
                                 {"name": "root", "image": s.image, "securityContext": {"privileged": True}}]}},
                             content_type="application/strategic-merge-patch+json")
    st = json.loads(out)
    assert code == 403 and st["reason"] == "Forbidden", st
    assert 'violates PodSecurity "baseline:latest"' in st["message"] and '"root"' in st["message"], st
    assert not s.kjson("get", "pod", "-n", "guarded", "calm")["spec"].get("ephemeralContainers")
    s.kubectl("delete", "namespace", "guarded", "--wait=false")


def test_ephemeral_container_mounts_a_pod_volume(s):
    s.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "withvol"},
         "spec": {"nodeName": "eph1", "volumes": [{"name": "work", "emptyDir": {}}],
                  "containers": [{"name": "main", "image": s.image,
                                  "command": ["sh", "-c", "echo made-by-main > /shared/note; exec sleep 3600"],
                                  "volumeMounts": [{"name": "work", "mountPath": "/shared"}]}]}}))
    wait_for(s, "withvol", lambda p: p.get("status", {}).get("phase") == "Running")
    code, st = patch_eph(s, "withvol", {"spec": {"ephemeralContainers": [
        {"name": "reader", "image": s.image, "command": ["cat", "/w/note"],
         "volumeMounts": [{"name": "work", "mountPath": "/w"}]}]}})
    assert code == 200, st
    wait_for(s, "withvol", lambda p: "terminated" in eph(p).get("reader", {}).get("state", {}))
    assert s.kubectl("logs", "withvol", "-c", "reader").stdout == "made-by-main\n"
    s.kubectl("delete", "pod", "withvol", "--wait=false")


def test_not_run_again_in_a_new_sandbox(s):
    """The pod's sandbox dies and is replaced: its app comes back, an ephemeral container that ran does not."""
    s.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "phoenix"},
         "spec": {"nodeName": "eph1", "containers": [
             {"name": "main", "image": s.image, "command": ["sh", "-c", "exec sleep 3602"]}]}}))
    p = wait_for(s, "phoenix", lambda p: p.get("status", {}).get("phase") == "Running")
    code, st = patch_eph(s, "phoenix", {"spec": {"ephemeralContainers": [
        {"name": "once", "image": s.image, "command": ["echo", "ran-once"]}]}})
    assert code == 200, st
    wait_for(s, "phoenix", lambda p: "terminated" in eph(p).get("once", {}).get("state", {}))
    d = os.path.join(s.data_dir, "run", "pods", p["metadata"]["uid"])
    with open(os.path.join(d, "shim.pid")) as f:
        shim_pid = int(f.read())
    with open(os.path.join(d, "state.json")) as f:
        os.kill(json.load(f)["pid"], 9)  # pod init: the whole sandbox goes
    p = wait_for(s, "phoenix", lambda p: {c["name"]: c for c in p["status"].get("containerStatuses", [])}
                 .get("main", {}).get("restartCount") == 1 and
                 "running" in p["status"]["containerStatuses"][0]["state"])
    with open(os.path.join(d, "shim.pid")) as f:
        assert int(f.read()) != shim_pid
    st = eph(p)["once"]
    assert st["restartCount"] == 0 and st["state"]["terminated"]["exitCode"] == 0, st
    with open(os.path.join(d, "state.json")) as f:
        assert "once" not in json.load(f)["containers"]
    s.kubectl("delete", "pod", "phoenix", "--wait=false")
