# SPDX-License-Identifier: Apache-2.0
"""RuntimeClasses: atoll-vm and atoll-namespace exist, pods naming one get its scheduling, unknown ones are refused."""
import json


def pod(name, rc, **spec):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": dict({"runtimeClassName": rc, "containers": [{"name": "c", "image": "busybox"}]}, **spec)}


def test_builtin_classes_listed(server):
    out = server.kubectl("get", "runtimeclass").stdout
    assert "atoll-namespace" in out and "atoll-vm" in out
    rc = server.kjson("get", "runtimeclass", "atoll-vm")
    assert rc["handler"] == "vm"
    assert rc["scheduling"]["nodeSelector"] == {"atoll.dev/runtime-vm": "true"}
    assert server.kjson("get", "runtimeclass", "atoll-namespace")["handler"] == "namespace"
    # kubectl explain knows the kind.
    assert "handler" in server.kubectl("explain", "runtimeclass").stdout


def test_unknown_class_refused(server, ns):
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/pods", pod("p", "nope"))
    st = json.loads(body)
    assert code == 403 and st["reason"] == "Forbidden"
    assert 'RuntimeClass "nope" not found' in st["message"]


def test_vm_class_schedules_only_on_vm_nodes(server, ns):
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/pods", pod("vm", "atoll-vm"))
    assert code == 201, body
    p = server.kjson("get", "pod", "vm", "-n", ns)
    assert p["spec"]["nodeSelector"]["atoll.dev/runtime-vm"] == "true"
    # A pod that asks for the opposite conflicts with the class.
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/pods",
                                   pod("vm2", "atoll-vm", nodeSelector={"atoll.dev/runtime-vm": "false"}))
    assert code == 403 and b"conflict" in body


def test_overhead_and_tolerations_added(server, ns):
    server.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "heavy"},
        "handler": "namespace", "overhead": {"podFixed": {"memory": "40Mi", "cpu": "50m"}},
        "scheduling": {"tolerations": [{"key": "sandbox", "operator": "Exists", "effect": "NoSchedule"}]}}))
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/pods", pod("h", "heavy"))
    assert code == 201, body
    p = server.kjson("get", "pod", "h", "-n", ns)
    assert p["spec"]["overhead"] == {"memory": "40Mi", "cpu": "50m"}
    assert {"key": "sandbox", "operator": "Exists", "effect": "NoSchedule"} in p["spec"]["tolerations"]
    # A pod carrying another overhead is refused, as in Kubernetes.
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/pods",
                                   pod("h2", "heavy", overhead={"memory": "1Mi"}))
    assert code == 403 and b"Overhead" in body
    # The handler cannot change.
    p = server.kubectl("patch", "runtimeclass", "heavy", "--type=merge", "-p", '{"handler":"vm"}', check=False)
    assert p.returncode != 0 and "immutable" in p.stderr
    bad = server.kubectl("create", "-f", "-", check=False, input=json.dumps({
        "apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "bad"}, "handler": "Not_A_Label"}))
    assert bad.returncode != 0 and "handler" in bad.stderr


def test_running_pod_says_which_sandbox_it_got():
    """A pod on this node (namespace isolation) carries the atoll.dev/Sandbox condition."""
    import os
    import subprocess
    import tempfile
    import time
    from conftest import Server
    from test_pods import HERE, wait_pod
    img = tempfile.mkdtemp(prefix="atoll-img-")
    s = Server(node=True, args=["--node-name", "n1"])
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
            time.sleep(0.1)
        p = pod("iso", "atoll-namespace")
        p["spec"]["containers"][0].update(image=f"oci:{img}:latest", command=["sleep", "60"])
        code, _, body = s.request("POST", "/api/v1/namespaces/default/pods", p)
        assert code == 201, body
        got = wait_pod(s, "default", "iso", lambda p: any(
            c["type"] == "atoll.dev/Sandbox" for c in p.get("status", {}).get("conditions", [])))
        c = [c for c in got["status"]["conditions"] if c["type"] == "atoll.dev/Sandbox"][0]
        assert c["status"] == "True" and c["reason"] == "NamespaceIsolation"
        assert "atoll.dev/Sandbox" in s.kubectl("describe", "pod", "iso").stdout
    finally:
        s.close()
        subprocess.run(["rm", "-rf", img])
