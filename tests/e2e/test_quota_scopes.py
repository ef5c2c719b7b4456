# SPDX-License-Identifier: Apache-2.0
"""ResourceQuota scopes: BestEffort/NotBestEffort, Terminating/NotTerminating and PriorityClass
quotas count only their pods; invalid scopes are refused as Kubernetes does."""
import json

from test_auth import raw


def pod(name, resources=None, **spec):
    c = {"name": "c", "image": "busybox"}
    if resources:
        c["resources"] = resources
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [c], **spec}}


def quota(name, hard, scopes=None, selector=None):
    spec = {"hard": hard}
    if scopes:
        spec["scopes"] = scopes
    if selector:
        spec["scopeSelector"] = {"matchExpressions": selector}
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name}, "spec": spec}


def create(server, ns, obj, plural="pods"):
    return raw(server, "POST", f"/api/v1/namespaces/{ns}/{plural}", server.token(), obj)


def test_best_effort_and_terminating_scopes(server, ns):
    # At most 2 best-effort pods and 1 pod with a deadline; other pods are not limited by these.
    assert create(server, ns, quota("be", {"pods": "2"}, ["BestEffort"]), "resourcequotas")[0] == 201
    assert create(server, ns, quota("term", {"pods": "1"}, ["Terminating"]), "resourcequotas")[0] == 201
    small = {"requests": {"cpu": "10m", "memory": "10Mi"}}
    assert create(server, ns, pod("be1"))[0] == 201
    assert create(server, ns, pod("be2"))[0] == 201
    code, body = create(server, ns, pod("be3"))
    assert code == 403 and "exceeded quota: be, requested: pods=1, used: pods=2, limited: pods=2" in body["message"]
    for i in range(4):  # not best-effort, no deadline: counted by neither
        assert create(server, ns, pod(f"burst{i}", small))[0] == 201
    assert create(server, ns, pod("t1", small, activeDeadlineSeconds=60))[0] == 201
    code, body = create(server, ns, pod("t2", small, activeDeadlineSeconds=60))
    assert code == 403 and "exceeded quota: term" in body["message"]
    # status.used counts the scope's pods only.
    used = server.kjson("-n", ns, "get", "resourcequota", "be")["status"]["used"]
    assert used["pods"] == "2"
    used = server.kjson("-n", ns, "get", "resourcequota", "term")["status"]["used"]
    assert used["pods"] == "1"


def test_priority_class_scope(server, ns):
    sel = [{"scopeName": "PriorityClass", "operator": "In", "values": ["high"]}]
    assert create(server, ns, quota("high", {"pods": "1", "requests.cpu": "1"}, selector=sel),
                  "resourcequotas")[0] == 201
    res = {"requests": {"cpu": "500m"}}
    assert create(server, ns, pod("h1", res, priorityClassName="high"))[0] == 201
    code, body = create(server, ns, pod("h2", res, priorityClassName="high"))
    assert code == 403 and "exceeded quota: high" in body["message"]
    # Other classes, and pods without one, are not counted (and need not state requests.cpu).
    assert create(server, ns, pod("l1", priorityClassName="low"))[0] == 201
    assert create(server, ns, pod("n1"))[0] == 201


def test_invalid_scopes_refused(server, ns):
    code, body = create(server, ns, quota("bad1", {"requests.cpu": "1"}, ["BestEffort"]), "resourcequotas")
    assert code == 422 and "unsupported scope applied to resource" in json.dumps(body)
    code, body = create(server, ns, quota("bad2", {"pods": "1"}, ["Terminating", "NotTerminating"]),
                        "resourcequotas")
    assert code == 422 and "conflicting scopes" in json.dumps(body)
    code, body = create(server, ns, quota("bad3", {"pods": "1"},
                                          selector=[{"scopeName": "PriorityClass", "operator": "In"}]),
                        "resourcequotas")
    assert code == 422 and "must be at least one value" in json.dumps(body)
    # kubectl's own flag works too.
    server.kubectl("-n", ns, "create", "quota", "ok", "--hard=pods=3", "--scopes=NotTerminating,NotBestEffort")
    assert server.kjson("-n", ns, "get", "quota", "ok")["spec"]["scopes"] == ["NotTerminating", "NotBestEffort"]
