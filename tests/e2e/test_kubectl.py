# SPDX-License-Identifier: Apache-2.0
"""kubectl workflows: describe, edit, wait, get -o wide, delete with selectors; the Python client's patch."""
import json
import os
import subprocess

from kubernetes import client, config

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.25", ports: [{containerPort: 80}]}]
"""


def test_aggregated_discovery(server):
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    code, headers, body = server.request("GET", "/apis", headers={"Accept": accept})
    doc = json.loads(body)
    assert code == 200 and doc["kind"] == "APIGroupDiscoveryList"
    assert "as=APIGroupDiscoveryList" in headers["Content-Type"]
    apps = [g for g in doc["items"] if g["metadata"]["name"] == "apps"][0]
    deploy = [r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments"][0]
    assert deploy["scope"] == "Namespaced" and "deploy" in deploy["shortNames"]
    assert {s["subresource"] for s in deploy["subresources"]} == {"status", "scale"}


def test_get_wide_and_describe(server, ns):
    server.kubectl("apply", "--validate=false", "-n", ns, "-f", "-", input=DEPLOY)
    out = server.kubectl("get", "deploy", "-n", ns, "-o", "wide").stdout
    header = out.splitlines()[0].split()
    assert header[:5] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] and "IMAGES" in header
    assert "nginx:1.25" in out
    d = server.kubectl("describe", "deploy", "web", "-n", ns).stdout
    assert "Replicas:" in d and "nginx:1.25" in d and "RollingUpdate" in d


def test_edit_with_an_editor(server, ns):
    server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ed"}, "data": {"k": "before"}})
    env = dict(os.environ, KUBECONFIG=server.kubeconfig, KUBE_EDITOR="sed -i s/before/after/")
    p = subprocess.run(["kubectl", "edit", "cm", "ed", "-n", ns], env=env, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    assert server.kjson("get", "cm", "ed", "-n", ns)["data"]["k"] == "after"


def test_wait_for_delete_and_jsonpath(server, ns):
    server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w", "labels": {"x": "y"}}})
    out = server.kubectl("get", "cm", "w", "-n", ns, "-o", "jsonpath={.metadata.labels.x}").stdout
    assert out == "y"
    server.kubectl("delete", "cm", "-n", ns, "-l", "x=y", "--wait=false")
    server.kubectl("wait", "--for=delete", "cm/w", "-n", ns, "--timeout=10s")


def test_python_client_patch_and_delete_collection(server, ns):
    api = client.CoreV1Api(config.new_client_from_config(config_file=server.kubeconfig))
    for i in range(3):
        api.create_namespaced_config_map(ns, {"metadata": {"name": f"py{i}", "labels": {"g": "py"}},
                                              "data": {"a": "1"}})
    api.patch_namespaced_config_map("py0", ns, {"data": {"b": "2"}})
    assert api.read_namespaced_config_map("py0", ns).data == {"a": "1", "b": "2"}
    api.delete_collection_namespaced_config_map(ns, label_selector="g=py")
    left = [c.metadata.name for c in api.list_namespaced_config_map(ns).items if c.metadata.name.startswith("py")]
    assert left == []


def test_python_client_conflict_raises_409(server, ns):
    api = client.CoreV1Api(config.new_client_from_config(config_file=server.kubeconfig))
    api.create_namespaced_config_map(ns, {"metadata": {"name": "cf"}})
    a = api.read_namespaced_config_map("cf", ns)
    b = api.read_namespaced_config_map("cf", ns)
    a.data = {"v": "a"}
    api.replace_namespaced_config_map("cf", ns, a)
    b.data = {"v": "b"}
    try:
        api.replace_namespaced_config_map("cf", ns, b)
        raise AssertionError("stale update succeeded")
    except client.exceptions.ApiException as e:
        assert e.status == 409 and json.loads(e.body)["reason"] == "Conflict"
