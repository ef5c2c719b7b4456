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
