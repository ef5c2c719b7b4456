# SPDX-License-Identifier: Apache-2.0
"""Watch semantics with the real Python client and kubectl: list-then-watch misses nothing and repeats nothing."""
import json
import os
import subprocess
import threading
import time

from kubernetes import client, config, watch


def api(server):
    return client.CoreV1Api(config.new_client_from_config(config_file=server.kubeconfig))


def cm(name, labels=None):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels or {}}}


def test_list_then_watch_sees_every_change_once(server, ns):
    v1 = api(server)
    for i in range(3):
        v1.create_namespaced_config_map(ns, cm(f"pre{i}"))
    lst = v1.list_namespaced_config_map(ns)
    rv = lst.metadata.resource_version
    assert {i.metadata.name for i in lst.items} >= {"pre0", "pre1", "pre2"}

    def writer():
        for i in range(5):
            v1.create_namespaced_config_map(ns, cm(f"w{i}"))
        v1.patch_namespaced_config_map("w0", ns, {"data": {"x": "1"}}) if False else None
        v1.delete_namespaced_config_map("w1", ns)

    t = threading.Thread(target=writer)
    t.start()
    events = []
    w = watch.Watch()
    for ev in w.stream(v1.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=10):
        events.append((ev["type"], ev["object"].metadata.name, int(ev["object"].metadata.resource_version)))
        if len(events) == 6:
            w.stop()
    t.join()
    assert [e[:2] for e in events] == [("ADDED", f"w{i}") for i in range(5)] + [("DELETED", "w1")]
    revs = [e[2] for e in events]
    assert revs == sorted(revs) and len(set(revs)) == len(revs) and revs[0] > int(rv)


def test_watch_resumes_from_revision_after_reconnect(server, ns):
    v1 = api(server)
    v1.create_namespaced_config_map(ns, cm("r0"))
    rv = v1.list_namespaced_config_map(ns).metadata.resource_version
    v1.create_namespaced_config_map(ns, cm("r1"))
    v1.create_namespaced_config_map(ns, cm("r2"))
    # A new watch from the old revision replays exactly what happened since.
    names = []
    w = watch.Watch()
    for ev in w.stream(v1.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=5):
        names.append(ev["object"].metadata.name)
        if len(names) == 2:
            w.stop()
    assert names == ["r1", "r2"]


def test_watch_with_label_selector_turns_relabel_into_delete(server, ns):
    v1 = api(server)
    v1.create_namespaced_config_map(ns, cm("l0", {"watch": "yes"}))
    rv = v1.list_namespaced_config_map(ns).metadata.resource_version
    obj = v1.read_namespaced_config_map("l0", ns)
    obj.metadata.labels = {"watch": "no"}
    v1.replace_namespaced_config_map("l0", ns, obj)
    evs = []
    w = watch.Watch()
    for ev in w.stream(v1.list_namespaced_config_map, ns, resource_version=rv, label_selector="watch=yes",
                       timeout_seconds=5):
        evs.append((ev["type"], ev["object"].metadata.name))
        w.stop()
    assert evs == [("DELETED", "l0")]


def test_too_old_revision_is_410_and_garbage_is_400():
    from conftest import Server
    s = Server(args=["--event-history", "5"])
    try:
        for i in range(20):
            s.request("POST", "/api/v1/namespaces/default/configmaps", cm(f"old{i}"))
        code, _, body = s.request("GET", "/api/v1/configmaps?watch=1&resourceVersion=2&timeoutSeconds=2")
        st = json.loads(body)
        assert code == 410 and st["reason"] == "Expired" and st["code"] == 410
        code, _, _ = s.request("GET", "/api/v1/configmaps?watch=1&resourceVersion=abc&timeoutSeconds=2")
        assert code == 400
    finally:
        s.close()


def test_kubectl_get_watch_prints_new_objects(server, ns):
    env = dict(os.environ, KUBECONFIG=server.kubeconfig)
    p = subprocess.Popen(["kubectl", "get", "cm", "-n", ns, "-w", "--request-timeout=20s"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(1)
        server.request("POST", f"/api/v1/namespaces/{ns}/configmaps", cm("watched"))
        line = ""
        deadline = time.monotonic() + 15
        while "watched" not in line and time.monotonic() < deadline:
            line = p.stdout.readline()
        assert "watched" in line
    finally:
        p.kill()
        p.wait()


def test_bookmarks_when_asked(server, ns):
    # allowWatchBookmarks: a BOOKMARK carries the current revision within the bookmark period.
    code, _, body = server.request(
        "GET", f"/api/v1/namespaces/{ns}/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=4")
    kinds = [json.loads(l)["type"] for l in body.decode().splitlines() if l]
    assert code == 200 and "BOOKMARK" in kinds
