# SPDX-License-Identifier: Apache-2.0
"""CRD lifecycle: served at once, schema validation and defaults, printer columns, subresources, versions."""
import json
import time

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.size, statusReplicasPath: .status.size}
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Size, type: integer, jsonPath: .spec.size}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [color]
            properties:
              color: {type: string, enum: [red, green, blue]}
              size: {type: integer, minimum: 1, maximum: 10, default: 3}
              name: {type: string, maxLength: 5, pattern: '^[a-z]+$'}
              port: {x-kubernetes-int-or-string: true}
              tags: {type: array, items: {type: string}, maxItems: 2}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
              note: {type: string, nullable: true}
          status:
            type: object
            properties:
              size: {type: integer}
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""


def widget(objname, **spec):
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": objname}, "spec": spec}


def setup_crd(server):
    server.kubectl("apply", "--validate=false", "-f", "-", input=CRD)
    server.kubectl("wait", "--for=condition=established", "crd/widgets.example.com", "--timeout=10s")


def test_crd_serves_resources_at_once(server, ns):
    setup_crd(server)
    assert "widgets" in server.kubectl("api-resources", "--api-group=example.com").stdout
    code, _, body = server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets", widget("w1", color="red"))
    assert code == 201, body
    obj = json.loads(body)
    assert obj["spec"]["size"] == 3          # defaulted
    out = server.kubectl("get", "wg", "-n", ns).stdout
    # With printer columns, the columns are Name and those (no Age), as in Kubernetes.
    assert out.split()[:3] == ["NAME", "COLOR", "SIZE"] and "red" in out
    # categories: `kubectl get all` lists it
    assert "widget.example.com/w1" in server.kubectl("get", "all", "-n", ns).stdout


def test_schema_validation_errors(server, ns):
    setup_crd(server)
    bad = widget("bad", color="pink", size=11, name="TOO-LONG", tags=["a", "b", "c"])
    code, _, body = server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets", bad)
    st = json.loads(body)
    assert code == 422 and st["reason"] == "Invalid"
    fields = {c["field"] for c in st["details"]["causes"]}
    assert {"spec.color", "spec.size", "spec.name", "spec.tags"} <= fields
    code, _, body = server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets",
                                   {"apiVersion": "example.com/v1", "kind": "Widget",
                                    "metadata": {"name": "nocolor"}, "spec": {}})
    assert code == 422 and "spec.color" in body.decode()
    code, _, _ = server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets",
                                widget("ios", color="red", port="http", note=None))
    assert code == 201
    code, _, _ = server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets",
                                widget("ioi", color="red", port=8080))
    assert code == 201


def test_pruning_and_strict_field_validation(server, ns):
    setup_crd(server)
    obj = widget("pr", color="blue", bogus=1, extra={"anything": {"goes": True}})
    code, _, body = server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets", obj)
    got = json.loads(body)
    assert code == 201 and "bogus" not in got["spec"] and got["spec"]["extra"]["anything"]["goes"] is True
    obj["metadata"]["name"] = "strict"
    code, _, body = server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets?fieldValidation=Strict", obj)
    assert code == 400 and 'unknown field "spec.bogus"' in json.loads(body)["message"]


def test_status_and_scale_subresources(server, ns):
    setup_crd(server)
    server.request("POST", f"/apis/example.com/v1/namespaces/{ns}/widgets", widget("sub", color="green"))
    # The main resource ignores status; /status ignores everything else.
    cur = server.kjson("get", "widget", "sub", "-n", ns)
    cur["status"] = {"size": 7}
    cur["spec"]["color"] = "red"
    code, _, body = server.request("PUT", f"/apis/example.com/v1/namespaces/{ns}/widgets/sub/status", cur)
    assert code == 200
    after = server.kjson("get", "widget", "sub", "-n", ns)
    assert after["status"] == {"size": 7} and after["spec"]["color"] == "green"
    server.kubectl("scale", "widget", "sub", "-n", ns, "--replicas=5")
    code, _, body = server.request("GET", f"/apis/example.com/v1/namespaces/{ns}/widgets/sub/scale")
    sc = json.loads(body)
    assert sc["spec"]["replicas"] == 5 and sc["status"]["replicas"] == 7


def test_second_version_served_and_crd_delete_removes_resources(fresh_server):
    s = fresh_server
    setup_crd(s)
    s.request("POST", "/apis/example.com/v1/namespaces/default/widgets", widget("v", color="red"))
    code, _, body = s.request("GET", "/apis/example.com/v1beta1/namespaces/default/widgets/v")
    assert code == 200 and json.loads(body)["spec"]["color"] == "red"
    s.kubectl("delete", "crd", "widgets.example.com")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and s.request("GET", "/apis/example.com/v1/namespaces/default/widgets")[0] != 404:
        time.sleep(0.1)
    assert s.request("GET", "/apis/example.com/v1/namespaces/default/widgets")[0] == 404
    # Recreated: empty, and served again.
    setup_crd(s)
    code, _, body = s.request("GET", "/apis/example.com/v1/namespaces/default/widgets")
    assert code == 200 and json.loads(body)["items"] == []


def test_crds_survive_restart(fresh_server):
    s = fresh_server
    setup_crd(s)
    s.request("POST", "/apis/example.com/v1/namespaces/default/widgets", widget("keep", color="blue"))
    s.restart()
    code, _, body = s.request("GET", "/apis/example.com/v1/namespaces/default/widgets/keep")
    assert code == 200 and json.loads(body)["spec"]["color"] == "blue"


def test_invalid_crd_refused(server):
    code, _, body = server.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "wrong.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "things", "kind": "Thing"},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": {"type": "object"}}}]}})
    assert code == 422 and "metadata.name" in body.decode()
