# SPDX-License-Identifier: Apache-2.0
"""Finalizers, ownerReferences and garbage collection with each propagation policy; namespace deletion."""
import json
import time


def poll(fn, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return True
        time.sleep(0.1)
    return False


def create(server, ns, name, owner=None, finalizers=None):
    md = {"name": name}
    if owner:
        md["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap", "name": owner["metadata"]["name"],
                                  "uid": owner["metadata"]["uid"], "blockOwnerDeletion": True}]
    if finalizers:
        md["finalizers"] = finalizers
    code, _, body = server.request("POST", f"/api/v1/namespaces/{ns}/configmaps",
                                   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": md})
    assert code == 201, body
    return json.loads(body)


def exists(server, ns, name):
    return server.request("GET", f"/api/v1/namespaces/{ns}/configmaps/{name}")[0] == 200


def delete(server, ns, name, policy=None):
    body = {"kind": "DeleteOptions", "apiVersion": "v1"}
    if policy:
        body["propagationPolicy"] = policy
    return server.request("DELETE", f"/api/v1/namespaces/{ns}/configmaps/{name}", body)


def test_finalizer_holds_deletion_until_removed(server, ns):
    create(server, ns, "held", finalizers=["example.com/hold"])
    code, _, body = delete(server, ns, "held")
    assert code == 202
    obj = server.kjson("get", "cm", "held", "-n", ns)
    assert obj["metadata"]["deletionTimestamp"]
    server.kubectl("patch", "cm", "held", "-n", ns, "--type=json",
                   "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
    assert poll(lambda: not exists(server, ns, "held"))


def test_background_deletes_dependents(server, ns):
    owner = create(server, ns, "bg-owner")
    create(server, ns, "bg-dep", owner)
    assert delete(server, ns, "bg-owner", "Background")[0] == 200
    assert poll(lambda: not exists(server, ns, "bg-dep"))


def test_orphan_keeps_dependents_without_owner(server, ns):
    owner = create(server, ns, "or-owner")
    create(server, ns, "or-dep", owner)
    delete(server, ns, "or-owner", "Orphan")
    assert poll(lambda: not exists(server, ns, "or-owner"))
    dep = server.kjson("get", "cm", "or-dep", "-n", ns)
    assert "ownerReferences" not in dep["metadata"]


def test_foreground_deletes_dependents_first(server, ns):
    owner = create(server, ns, "fg-owner")
    create(server, ns, "fg-dep", owner, finalizers=["example.com/slow"])
    code, _, body = delete(server, ns, "fg-owner", "Foreground")
    assert code == 202
    # The owner waits, marked, while its dependent exists.
    time.sleep(1)
    owner_now = server.kjson("get", "cm", "fg-owner", "-n", ns)
    assert "foregroundDeletion" in owner_now["metadata"]["finalizers"]
    assert poll(lambda: "deletionTimestamp" in server.kjson("get", "cm", "fg-dep", "-n", ns)["metadata"])
    server.kubectl("patch", "cm", "fg-dep", "-n", ns, "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
    assert poll(lambda: not exists(server, ns, "fg-dep"))
    assert poll(lambda: not exists(server, ns, "fg-owner"))


def test_delete_preconditions(server, ns):
    create(server, ns, "pre")
    body = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "not-the-uid"}}
    code, _, resp = server.request("DELETE", f"/api/v1/namespaces/{ns}/configmaps/pre", body)
    assert code == 409 and json.loads(resp)["reason"] == "Conflict"
    assert exists(server, ns, "pre")


def test_namespace_deletion_empties_it_first(server):
    server.kubectl("create", "namespace", "doomed", check=False)
    if server.request("GET", "/api/v1/namespaces/doomed")[0] != 200:
        server.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                      "metadata": {"name": "doomed"}})
    for i in range(3):
        create(server, "doomed", f"c{i}")
    create(server, "doomed", "slow", finalizers=["example.com/slow"])
    code, _, body = server.request("DELETE", "/api/v1/namespaces/doomed")
    assert code == 202
    ns = server.kjson("get", "namespace", "doomed")
    assert ns["status"]["phase"] == "Terminating"
    assert poll(lambda: not exists(server, "doomed", "c0"))
    # Creating in a terminating namespace is forbidden.
    code, _, body = server.request("POST", "/api/v1/namespaces/doomed/configmaps",
                                   {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "late"}})
    assert code == 403
    server.kubectl("patch", "cm", "slow", "-n", "doomed", "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
    assert poll(lambda: server.request("GET", "/api/v1/namespaces/doomed")[0] == 404)
