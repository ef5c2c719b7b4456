# SPDX-License-Identifier: Apache-2.0
"""The server starts, serves health, version, discovery and metrics, and refuses strangers."""
import json


def test_health_endpoints(server):
    for path in ("/healthz", "/livez", "/readyz"):
        code, _, body = server.request("GET", path, token=False)
        assert code == 200 and body == b"ok"


def test_unauthenticated_is_401_status(server):
    code, _, body = server.request("GET", "/api/v1/namespaces", token=False)
    st = json.loads(body)
    assert code == 401
    assert st["kind"] == "Status" and st["reason"] == "Unauthorized" and st["code"] == 401


def test_version_and_discovery(server):
    v = json.loads(server.kubectl("version", "-o", "json").stdout)
    assert v["serverVersion"]["major"] == "1"
    out = server.kubectl("api-resources").stdout
    for name in ("configmaps", "namespaces", "deployments"):
        assert name in out
    code, _, body = server.request("GET", "/apis")
    groups = [g["name"] for g in json.loads(body)["groups"]]
    assert "apps" in groups


def test_default_namespaces(server):
    names = [n["metadata"]["name"] for n in server.kjson("get", "namespaces")["items"]]
    for n in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert n in names


def test_metrics(server):
    server.kubectl("get", "namespaces")
    code, _, body = server.request("GET", "/metrics")
    text = body.decode()
    assert code == 200
    assert 'apiserver_request_total{verb="list",resource="namespaces",code="200"}' in text
    assert "apiserver_registered_watchers" in text
    assert "apiserver_storage_size_bytes" in text
