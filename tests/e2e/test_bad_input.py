# SPDX-License-Identifier: Apache-2.0
"""Bad input gets a Kubernetes Status with the right code and reason, never a crash."""
import json
import socket
import ssl
import time

from conftest import Server

NS = "/api/v1/namespaces/default/configmaps"


def status(resp):
    code, headers, body = resp
    st = json.loads(body)
    assert st["kind"] == "Status" and st["apiVersion"] == "v1" and st["status"] == "Failure"
    assert st["code"] == code
    return code, st["reason"], st


def test_malformed_json(server):
    code, reason, st = status(server.request("POST", NS, b'{"apiVersion": "v1", "kind": '))
    assert (code, reason) == (400, "BadRequest") and "JSON" in st["message"]


def test_malformed_yaml(server):
    code, reason, _ = status(server.request("POST", NS, b"apiVersion: v1\nkind: [unclosed\n",
                                            content_type="application/yaml"))
    assert (code, reason) == (400, "BadRequest")


def test_yaml_body_accepted(server):
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  n: '1'\n"
    code, _, resp = server.request("POST", NS, body, content_type="application/yaml")
    assert code == 201 and json.loads(resp)["data"] == {"n": "1"}


def test_wrong_kind(server):
    code, reason, _ = status(server.request("POST", NS, {"apiVersion": "v1", "kind": "Secret",
                                                         "metadata": {"name": "x"}}))
    assert (code, reason) == (400, "BadRequest")


def test_deep_nesting(server):
    deep = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":' + b'[' * 5000 + b']' * 5000 + b'}'
    code, reason, _ = status(server.request("POST", NS, deep))
    assert code == 400


def test_body_too_large(server):
    big = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
                      "data": {"x": "a" * (4 << 20)}}).encode()
    code, reason, _ = status(server.request("POST", NS, big))
    assert (code, reason) == (413, "RequestEntityTooLarge")


def test_object_too_large(server):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big2"}, "data": {"x": "a" * (2 << 20)}}
    code, reason, _ = status(server.request("POST", NS, obj))
    assert code in (413, 422)


def test_unsupported_media_types(server):
    code, reason, _ = status(server.request("POST", NS, b"\x00\x01", content_type="application/vnd.kubernetes.protobuf"))
    assert code in (400, 415)
    code, reason, _ = status(server.request("PATCH", NS + "/x", b"{}", content_type="text/plain"))
    assert (code, reason) == (415, "UnsupportedMediaType")


def test_not_acceptable(server):
    code, reason, _ = status(server.request("GET", NS, headers={"Accept": "application/vnd.kubernetes.protobuf"}))
    assert (code, reason) == (406, "NotAcceptable")


def test_unknown_paths_and_methods(server):
    assert status(server.request("GET", "/api/v1/nosuchthings"))[:2] == (404, "NotFound")
    assert status(server.request("GET", "/apis/nosuch.group/v1/things"))[:2] == (404, "NotFound")
    code, reason, _ = status(server.request("PUT", NS, {"apiVersion": "v1", "kind": "ConfigMap"}))
    assert code == 405


def test_bad_query_values(server):
    assert status(server.request("GET", NS + "?labelSelector=a%20in%20("))[0] == 400
    assert status(server.request("GET", NS + "?continue=garbage"))[0] == 400
    assert status(server.request("POST", NS + "?dryRun=Sometimes",
                                 {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}}))[0] == 400
    assert status(server.request("DELETE", NS + "/x", {"propagationPolicy": "Sideways"}))[0] == 400


def test_garbage_bytes_on_the_socket_do_not_hurt(server):
    for junk in (b"\x16\x03\x01\x00\x05hello", b"GET / HTTP/1.1\r\n\r\n", b"\xff" * 4096):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(junk)
            try:
                s.recv(100)
            except OSError:
                pass
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        with ctx.wrap_socket(raw) as s:
            s.sendall(b"BREW /coffee HTCPCP/1.0\r\nHost: x\r\n\r\n")
            s.recv(100)
    assert server.request("GET", "/readyz", token=False)[0] == 200


def test_too_many_requests_in_flight_is_429():
    s = Server(args=["--max-requests-inflight", "2"])
    held = []
    try:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        # Two requests whose bodies never finish hold both slots.
        for _ in range(2):
            raw = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            c = ctx.wrap_socket(raw)
            c.sendall(b"POST " + NS.encode() + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      s.token().encode() + b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
            held.append(c)
        time.sleep(0.3)
        code, headers, body = s.request("GET", NS)
        st = json.loads(body)
        assert code == 429 and st["reason"] == "TooManyRequests" and headers.get("Retry-After") == "1"
    finally:
        for c in held:
            c.close()
        s.close()
