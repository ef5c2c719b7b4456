# SPDX-License-Identifier: Apache-2.0
"""The audit log: one JSON line per request with user, verb, resource, namespace and response code."""
import json
import os

from conftest import Server


def test_audit_log(tmp_path):
    log = tmp_path / "audit.log"
    os.environ["ATOLL_AUDIT_LOG"] = str(log)
    try:
        s = Server()
    finally:
        del os.environ["ATOLL_AUDIT_LOG"]
    try:
        s.kubectl("-n", "default", "create", "configmap", "audited", "--from-literal=a=b")
        s.kubectl("-n", "default", "get", "configmap", "audited")
        s.kubectl("label", "namespace", "default", "pod-security.kubernetes.io/audit=restricted")
        s.kubectl("-n", "default", "run", "loose", "--image=busybox")
        code, _, _ = s.request("GET", "/api/v1/namespaces/default/secrets", token=False)
        assert code == 401
        events = [json.loads(line) for line in log.read_text().splitlines()]
        create = [e for e in events if e["verb"] == "create" and e.get("objectRef", {}).get("resource") == "configmaps"]
        assert create and create[0]["user"]["username"] == "admin" and create[0]["responseStatus"]["code"] == 201
        assert create[0]["objectRef"]["namespace"] == "default" and create[0]["kind"] == "Event"
        get = [e for e in events if e["verb"] == "get" and e.get("objectRef", {}).get("name") == "audited"]
        assert get and get[0]["responseStatus"]["code"] == 200
        pod = [e for e in events if e["verb"] == "create" and e.get("objectRef", {}).get("resource") == "pods"]
        note = pod[0]["annotations"]["pod-security.kubernetes.io/audit-violations"]
        assert note.startswith("restricted:latest: allowPrivilegeEscalation != false")
        denied = [e for e in events if e["responseStatus"]["code"] == 401]
        assert denied and denied[0]["user"]["username"] == "system:anonymous"
        assert denied[0]["objectRef"]["resource"] == "secrets"
    finally:
        s.close()

