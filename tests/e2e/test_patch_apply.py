# SPDX-License-Identifier: Apache-2.0
"""kubectl patch of each type, client-side apply, server-side apply with managedFields and conflicts."""
import json

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        env: [{name: A, value: "1"}]
      - name: side
        image: busybox:1.36
"""


def test_patch_types(server, ns):
    server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "p"}, "data": {"a": "1", "b": "2"}})
    server.kubectl("patch", "cm", "p", "-n", ns, "--type=merge", "-p", '{"data":{"a":"10","b":null,"c":"3"}}')
    assert server.kjson("get", "cm", "p", "-n", ns)["data"] == {"a": "10", "c": "3"}
    server.kubectl("patch", "cm", "p", "-n", ns, "--type=json",
                   "-p", '[{"op":"add","path":"/data/d","value":"4"},{"op":"remove","path":"/data/a"}]')
    assert server.kjson("get", "cm", "p", "-n", ns)["data"] == {"c": "3", "d": "4"}
    p = server.kubectl("patch", "cm", "p", "-n", ns, "--type=json",
                       "-p", '[{"op":"test","path":"/data/c","value":"nope"}]', check=False)
    assert p.returncode != 0
    p = server.kubectl("patch", "cm", "p", "-n", ns, "--type=json", "-p", '[{"op":"jump"}]', check=False)
    assert p.returncode != 0


def test_strategic_merge_patch_merges_containers_by_name(server, ns):
    server.kubectl("apply", "--validate=false", "-n", ns, "-f", "-", input=DEPLOY)
    server.kubectl("patch", "deployment", "web", "-n", ns,
                   "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}')
    d = server.kjson("get", "deployment", "web", "-n", ns)
    cs = {c["name"]: c for c in d["spec"]["template"]["spec"]["containers"]}
    assert cs["app"]["image"] == "nginx:1.27" and cs["side"]["image"] == "busybox:1.36"
    assert cs["app"]["env"] == [{"name": "A", "value": "1"}]
    assert d["metadata"]["generation"] == 2


def test_client_side_apply_updates_and_prunes_fields(server, ns):
    server.kubectl("apply", "--validate=false", "-n", ns, "-f", "-", input=DEPLOY)
    changed = DEPLOY.replace("replicas: 2", "replicas: 4").replace('        env: [{name: A, value: "1"}]\n', "")
    server.kubectl("apply", "--validate=false", "-n", ns, "-f", "-", input=changed)
    d = server.kjson("get", "deployment", "web", "-n", ns)
    assert d["spec"]["replicas"] == 4
    app = [c for c in d["spec"]["template"]["spec"]["containers"] if c["name"] == "app"][0]
    assert "env" not in app


def test_server_side_apply_conflicts_and_force(server, ns):
    cm = """apiVersion: v1
kind: ConfigMap
metadata:
  name: ssa
data:
  owned: by-first
"""
    server.kubectl("apply", "--server-side", "--field-manager=first", "-n", ns, "-f", "-", input=cm)
    obj = server.kjson("get", "cm", "ssa", "-n", ns, "--show-managed-fields")
    mf = obj["metadata"]["managedFields"]
    assert mf[0]["manager"] == "first" and mf[0]["operation"] == "Apply"
    assert "f:owned" in mf[0]["fieldsV1"]["f:data"]
    other = cm.replace("by-first", "by-second")
    p = server.kubectl("apply", "--server-side", "--field-manager=second", "-n", ns, "-f", "-",
                       input=other, check=False)
    assert p.returncode != 0 and "conflict" in (p.stderr + p.stdout).lower()
    server.kubectl("apply", "--server-side", "--force-conflicts", "--field-manager=second", "-n", ns, "-f", "-",
                   input=other)
    obj = server.kjson("get", "cm", "ssa", "-n", ns, "--show-managed-fields")
    assert obj["data"]["owned"] == "by-second"
    owners = {e["manager"]: e for e in obj["metadata"]["managedFields"]}
    assert "f:owned" in owners["second"]["fieldsV1"]["f:data"]
    assert "first" not in owners or "f:owned" not in owners["first"]["fieldsV1"].get("f:data", {})


def test_managed_fields_keep_keys_with_a_slash_whole(server, ns):
    # Label and annotation keys have a "/" (example.com/owner): one field each in managedFields, and a
    # conflict on one names it as kube-apiserver does (.metadata.annotations.example.com/owner).
    cm = """apiVersion: v1
kind: ConfigMap
metadata:
  name: slashy
  labels: {app.kubernetes.io/name: web}
  annotations: {example.com/owner: first}
data: {k: v}
"""
    server.kubectl("apply", "--server-side", "--field-manager=first", "-n", ns, "-f", "-", input=cm)
    obj = server.kjson("get", "cm", "slashy", "-n", ns, "--show-managed-fields")
    [e] = [e for e in obj["metadata"]["managedFields"] if e["manager"] == "first"]
    meta = e["fieldsV1"]["f:metadata"]
    assert meta["f:annotations"] == {"f:example.com/owner": {}}, meta
    assert meta["f:labels"] == {"f:app.kubernetes.io/name": {}}, meta
    # An unchanged update takes over nothing: the fields stay first's alone.
    server.kubectl("annotate", "cm", "slashy", "-n", ns, "other=1", "--field-manager=second")
    obj = server.kjson("get", "cm", "slashy", "-n", ns, "--show-managed-fields")
    second = [e for e in obj["metadata"]["managedFields"] if e["manager"] == "second"]
    assert second and "f:example.com/owner" not in second[0]["fieldsV1"]["f:metadata"].get("f:annotations", {})
    p = server.kubectl("apply", "--server-side", "--field-manager=third", "-n", ns, "-f", "-",
                       input=cm.replace("owner: first", "owner: third"), check=False)
    assert p.returncode != 0 and ".metadata.annotations.example.com/owner" in p.stderr, p.stderr


def test_server_side_apply_removes_fields_it_no_longer_applies(server, ns):
    two = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa2\ndata:\n  a: '1'\n  b: '2'\n"
    one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa2\ndata:\n  a: '1'\n"
    server.kubectl("apply", "--server-side", "-n", ns, "-f", "-", input=two)
    server.kubectl("apply", "--server-side", "-n", ns, "-f", "-", input=one)
    assert server.kjson("get", "cm", "ssa2", "-n", ns)["data"] == {"a": "1"}


def test_scale_and_label_annotate(server, ns):
    server.kubectl("apply", "--validate=false", "-n", ns, "-f", "-", input=DEPLOY)
    server.kubectl("scale", "deployment", "web", "-n", ns, "--replicas=5")
    assert server.kjson("get", "deployment", "web", "-n", ns)["spec"]["replicas"] == 5
    code, _, body = server.request("GET", f"/apis/apps/v1/namespaces/{ns}/deployments/web/scale")
    assert code == 200 and json.loads(body)["spec"]["replicas"] == 5
    server.kubectl("label", "deployment", "web", "-n", ns, "tier=front")
    server.kubectl("annotate", "deployment", "web", "-n", ns, "note=hello")
    md = server.kjson("get", "deployment", "web", "-n", ns)["metadata"]
    assert md["labels"]["tier"] == "front" and md["annotations"]["note"] == "hello"
    server.kubectl("label", "deployment", "web", "-n", ns, "tier-")
    assert "tier" not in server.kjson("get", "deployment", "web", "-n", ns)["metadata"]["labels"]
