# SPDX-License-Identifier: Apache-2.0
"""CRUD through kubectl and the raw API: create, get, update, delete, conflicts, generateName, errors."""
import base64
import json


CM = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  labels: {{app: demo, tier: {tier}}}
data:
  key: {value}
"""


def apply_cm(server, ns, name, tier="web", value="one"):
    return server.kubectl("apply", "--validate=false", "-n", ns, "-f", "-",
                          input=CM.format(name=name, tier=tier, value=value))


def test_create_get_delete(server, ns):
    apply_cm(server, ns, "a")
    cm = server.kjson("get", "configmap", "a", "-n", ns)
    assert cm["data"] == {"key": "one"}
    md = cm["metadata"]
    assert md["namespace"] == ns and md["uid"] and md["creationTimestamp"].endswith("Z")
    assert int(md["resourceVersion"]) > 0
    out = server.kubectl("get", "configmaps", "-n", ns).stdout
    assert out.split("\n")[0].split()[:2] == ["NAME", "DATA"] or out.split("\n")[0].split()[0] == "NAME"
    assert "a" in out
    server.kubectl("delete", "configmap", "a", "-n", ns)
    p = server.kubectl("get", "configmap", "a", "-n", ns, check=False)
    assert p.returncode != 0 and "NotFound" in p.stderr


def test_update_bumps_resource_version_and_keeps_uid(server, ns):
    apply_cm(server, ns, "b")
    before = server.kjson("get", "configmap", "b", "-n", ns)
    apply_cm(server, ns, "b", value="two")
    after = server.kjson("get", "configmap", "b", "-n", ns)
    assert after["data"]["key"] == "two"
    assert after["metadata"]["uid"] == before["metadata"]["uid"]
    assert int(after["metadata"]["resourceVersion"]) > int(before["metadata"]["resourceVersion"])


def test_stale_update_conflicts(server, ns):
    apply_cm(server, ns, "c")
    cm = server.kjson("get", "configmap", "c", "-n", ns)
    stale = json.loads(json.dumps(cm))
    cm["data"]["key"] = "fresh"
    code, _, _ = server.request("PUT", f"/api/v1/namespaces/{ns}/configmaps/c", cm)
    assert code == 200
    stale["data"]["key"] = "stale"
    code, _, body = server.request("PUT", f"/api/v1/namespaces/{ns}/configmaps/c", stale)
    st = json.loads(body)
    assert code == 409 and st["reason"] == "Conflict"


def test_create_twice_is_already_exists(server, ns):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dup"}}
    assert server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", obj)[0] == 201
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", obj)
    st = json.loads(body)
    assert code == 409 and st["reason"] == "AlreadyExists"
    assert st["details"]["name"] == "dup"


def test_generate_name(server, ns):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "gen-"}}
    names = set()
    for _ in range(3):
        code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", obj)
        assert code == 201
        name = json.loads(body)["metadata"]["name"]
        assert name.startswith("gen-") and len(name) == len("gen-") + 5
        names.add(name)
    assert len(names) == 3


def test_invalid_name_is_422_with_causes(server, ns):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}}
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", obj)
    st = json.loads(body)
    assert code == 422 and st["reason"] == "Invalid"
    assert st["details"]["causes"][0]["field"] == "metadata.name"


def test_missing_namespace_is_404(server):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    code, _, body = server.request("POST", "/api/v1/namespaces/no-such-ns/configmaps", obj)
    assert code == 404 and "no-such-ns" in json.loads(body)["message"]


def test_dry_run_stores_nothing(server, ns):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dry"}}
    code, _, _ = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps?dryRun=All", obj)
    assert code == 201
    assert server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/dry")[0] == 404


def test_pagination(server, ns):
    for i in range(7):
        server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                       {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"p{i}"}})
    seen, cont, pages = [], "", 0
    while pages < 10:
        path = f"/api/v1/namespaces/{ns}/configmaps?limit=3" + (f"&continue={cont}" if cont else "")
        code, _, body = server.request("GET", path)
        lst = json.loads(body)
        assert code == 200 and len(lst["items"]) <= 3
        seen += [i["metadata"]["name"] for i in lst["items"]]
        pages += 1
        cont = lst["metadata"].get("continue")
        if not cont:
            break
    assert sorted(n for n in seen if n.startswith("p")) == [f"p{i}" for i in range(7)]
    assert pages == 3


def test_secret_data_roundtrip(server, ns):
    server.request("POST", f"/api/v1/namespaces/{ns}/secrets",
                   {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "aGVsbG8="}})
    assert server.kjson("get", "secret", "s", "-n", ns)["data"]["k"] == "aGVsbG8="


def test_label_and_field_selectors(server, ns):
    for name, tier in (("s1", "web"), ("s2", "db"), ("s3", "web")):
        server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                       {"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": name, "labels": {"app": "sel", "tier": tier}}})

    def names(*args):
        return sorted(i["metadata"]["name"] for i in server.kjson("get", "cm", "-n", ns, *args)["items"])

    assert names("-l", "tier=web") == ["s1", "s3"]
    assert names("-l", "tier!=web,app=sel") == ["s2"]
    assert names("-l", "tier in (db,cache)") == ["s2"]
    assert names("-l", "tier notin (db),app") == ["s1", "s3"]
    assert names("-l", "!nosuchlabel,app=sel") == ["s1", "s2", "s3"]
    assert names("--field-selector", "metadata.name=s2") == ["s2"]
    assert names("--field-selector", "metadata.name!=s2", "-l", "app=sel") == ["s1", "s3"]
    p = server.kubectl("get", "cm", "-n", ns, "-l", "a in (", check=False)
    assert p.returncode != 0


def test_secret_string_data_goes_into_data(server, ns):
    server.kubectl("apply", "-n", ns, "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sd"},
        "data": {"a": base64.b64encode(b"old").decode(), "b": base64.b64encode(b"kept").decode()},
        "stringData": {"a": "new value", "c": "plain"}}))
    s = server.kjson("get", "secret", "sd", "-n", ns)
    assert "stringData" not in s
    assert {k: base64.b64decode(v).decode() for k, v in s["data"].items()} == {
        "a": "new value", "b": "kept", "c": "plain"}
