# SPDX-License-Identifier: Apache-2.0
"""Tenancy: users by client certificate and token, RBAC with the default roles, can-i, whoami,
ServiceAccount tokens, escalation prevention, aggregated roles, `atoll namespace create`."""
import base64
import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from kubernetes import client, config

from conftest import ATOLL


def atoll(*args, check=True):
    p = subprocess.run([ATOLL, *args], capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"atoll {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


class User:
    def __init__(self, server, name, *extra):
        self.server = server
        self.name = name
        self.kubeconfig = os.path.join(server.data_dir, f"{name}.kubeconfig")
        atoll("user", "add", name, "--data-dir", server.data_dir, "--kubeconfig-out", self.kubeconfig, *extra)

    def kubectl(self, *args, check=False, input=None):
        env = dict(os.environ, KUBECONFIG=self.kubeconfig)
        p = subprocess.run(["kubectl", *args], capture_output=True, text=True, env=env, timeout=60, input=input)
        if check and p.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} as {self.name} failed:\n{p.stdout}\n{p.stderr}")
        return p

    def can(self, *args):
        return self.kubectl("auth", "can-i", *args).stdout.strip()


def raw(server, method, path, token=None, body=None):
    ctx = ssl.create_default_context(cafile=os.path.join(server.data_dir, "pki", "ca.crt"))
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.url + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


@pytest.fixture(scope="module")
def team(server):
    """team-a with alice (admin, client cert), bob (edit, token), carol (view, client cert); team-b empty."""
    users = {"alice": User(server, "alice", "--group", "devs"), "bob": User(server, "bob", "--token"),
             "carol": User(server, "carol")}
    out = atoll("namespace", "create", "team-a", "--cpu", "4", "--memory", "8Gi", "--pods", "10",
                "--owner", "alice", "--editor", "bob", "--viewer", "carol", "--data-dir", server.data_dir).stdout
    assert "namespace/team-a created" in out and "rolebinding/viewer-carol (view) created" in out
    server.kubectl("create", "namespace", "team-b")
    server.kubectl("-n", "team-b", "create", "configmap", "secret-plans", "--from-literal=a=b")
    return users


def test_namespace_create_objects(server, team):
    quota = server.kjson("-n", "team-a", "get", "resourcequota", "quota")
    assert quota["spec"]["hard"]["pods"] == "10" and quota["spec"]["hard"]["requests.memory"] == "8Gi"
    assert server.kjson("-n", "team-a", "get", "limitrange", "defaults")["spec"]["limits"][0]["type"] == "Container"
    rb = server.kjson("-n", "team-a", "get", "rolebinding", "owner-alice")
    assert rb["roleRef"]["name"] == "admin" and rb["subjects"][0]["name"] == "alice"
    np = server.kjson("-n", "team-a", "get", "networkpolicy", "allow-same-namespace")
    assert np["spec"]["policyTypes"] == ["Ingress"] and np["spec"]["ingress"] == [{"from": [{"podSelector": {}}]}]
    ns = server.kjson("get", "namespace", "team-a")
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "baseline"
    # Running it again changes nothing and succeeds.
    assert "unchanged" in atoll("namespace", "create", "team-a", "--data-dir", server.data_dir).stdout


def test_default_cluster_roles(server, team):
    names = server.kubectl("get", "clusterroles", "-o", "name").stdout.split()
    for r in ("cluster-admin", "admin", "edit", "view"):
        assert f"clusterrole.rbac.authorization.k8s.io/{r}" in names


def test_whoami(server, team):
    out = team["alice"].kubectl("auth", "whoami", "-o", "json", check=True).stdout
    info = json.loads(out)["status"]["userInfo"]
    assert info["username"] == "alice" and "devs" in info["groups"] and "system:authenticated" in info["groups"]
    info = json.loads(team["bob"].kubectl("auth", "whoami", "-o", "json", check=True).stdout)["status"]["userInfo"]
    assert info["username"] == "bob"
    info = json.loads(server.kubectl("auth", "whoami", "-o", "json").stdout)["status"]["userInfo"]
    assert info["username"] == "admin" and "system:masters" in info["groups"]


def test_roles_allow_and_forbid(server, team):
    alice, bob, carol = team["alice"], team["bob"], team["carol"]
    # Everyone may read team-a; nobody may read team-b.
    for u in (alice, bob, carol):
        assert u.kubectl("-n", "team-a", "get", "pods").returncode == 0
        p = u.kubectl("-n", "team-b", "get", "configmaps")
        assert p.returncode != 0
        assert (f'configmaps is forbidden: User "{u.name}" cannot list resource "configmaps" in API group "" '
                f'in the namespace "team-b"') in p.stderr
    # bob edits, carol only views.
    assert bob.kubectl("-n", "team-a", "create", "configmap", "c1", "--from-literal=x=1").returncode == 0
    p = carol.kubectl("-n", "team-a", "create", "configmap", "c2", "--from-literal=x=1")
    assert p.returncode != 0 and ('User "carol" cannot create resource "configmaps" in API group "" in the '
                                  'namespace "team-a"') in p.stderr
    p = carol.kubectl("-n", "team-a", "get", "secrets")
    assert 'secrets is forbidden: User "carol" cannot list resource "secrets"' in p.stderr
    p = carol.kubectl("-n", "team-a", "delete", "configmap", "c1")
    assert 'configmaps "c1" is forbidden: User "carol" cannot delete resource "configmaps"' in p.stderr
    # Cluster-scoped and group-qualified messages.
    p = bob.kubectl("get", "nodes")
    assert 'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope' \
        in p.stderr
    p = carol.kubectl("-n", "team-a", "create", "deployment", "d", "--image=nginx")
    assert 'deployments.apps is forbidden: User "carol" cannot create resource "deployments" in API group ' \
        '"apps" in the namespace "team-a"' in p.stderr
    # Non-resource URLs: discovery yes, metrics no.
    assert carol.kubectl("get", "--raw", "/version").returncode == 0
    p = carol.kubectl("get", "--raw", "/metrics")
    assert 'forbidden: User "carol" cannot get path "/metrics"' in p.stderr


def test_python_client_forbidden(server, team):
    api = client.CoreV1Api(config.new_client_from_config(team["carol"].kubeconfig))
    assert api.list_namespaced_pod("team-a").items == []
    with pytest.raises(client.exceptions.ApiException) as e:
        api.list_namespaced_config_map("team-b")
    assert e.value.status == 403 and json.loads(e.value.body)["reason"] == "Forbidden"


def test_can_i_truthful(server, team):
    samples = [("get", "pods"), ("create", "pods"), ("delete", "configmaps"), ("list", "secrets"),
               ("create", "roles"), ("create", "rolebindings"), ("get", "pods/log"), ("create", "pods/exec"),
               ("update", "deployments.apps"), ("list", "nodes")]
    for u in team.values():
        for verb, res in samples:
            answer = u.can(verb, res, "-n", "team-a")
            assert answer in ("yes", "no")
            # The authorizer's real decision for the same request, by doing it (dry run for writes).
            path = {"pods": "/api/v1/namespaces/team-a/pods", "configmaps": "/api/v1/namespaces/team-a/configmaps",
                    "secrets": "/api/v1/namespaces/team-a/secrets",
                    "roles": "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles",
                    "rolebindings": "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings",
                    "deployments.apps": "/apis/apps/v1/namespaces/team-a/deployments",
                    "nodes": "/api/v1/nodes"}.get(res)
            if path and verb in ("get", "list"):
                p = u.kubectl("get", "--raw", path)
                real = "no" if "Forbidden" in p.stderr or "forbidden" in p.stderr else "yes"
                assert real == answer, (u.name, verb, res, p.stderr)
    assert team["carol"].can("get", "pods", "-n", "team-a") == "yes"
    assert team["carol"].can("create", "pods", "-n", "team-a") == "no"
    assert team["bob"].can("create", "pods/exec", "-n", "team-a") == "yes"
    assert team["bob"].can("create", "roles", "-n", "team-a") == "no"
    assert team["alice"].can("create", "roles", "-n", "team-a") == "yes"
    assert team["alice"].can("get", "pods", "-n", "team-b") == "no"
    assert server.kubectl("auth", "can-i", "delete", "nodes").stdout.strip() == "yes"


def test_can_i_list(server, team):
    out = team["carol"].kubectl("auth", "can-i", "--list", "-n", "team-a", check=True).stdout
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip() and not line.startswith(" ")}
    assert "[get list watch]" in lines["pods"] and "secrets" not in lines
    assert "deployments.apps" in lines
    out = team["carol"].kubectl("auth", "can-i", "--list", "-n", "team-b", check=True).stdout
    assert "pods " not in out and "selfsubjectaccessreviews.authorization.k8s.io" in out


def test_subject_access_review(server, team):
    sar = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
           "spec": {"user": "bob", "resourceAttributes": {"namespace": "team-a", "verb": "delete",
                                                          "resource": "pods"}}}
    code, body = raw(server, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", server.token(), sar)
    assert code == 201 and body["status"]["allowed"] is True
    sar["spec"]["user"] = "carol"
    code, body = raw(server, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", server.token(), sar)
    assert code == 201 and body["status"]["allowed"] is False
    # carol may not ask about others.
    api = client.AuthorizationV1Api(config.new_client_from_config(team["carol"].kubeconfig))
    with pytest.raises(client.exceptions.ApiException) as e:
        api.create_subject_access_review(sar)
    msg = json.loads(e.value.body)["message"]
    assert e.value.status == 403 and 'User "carol" cannot create resource "subjectaccessreviews"' in msg


def test_client_certificate_from_another_ca_rejected(server, team, tmp_path):
    # A kubeconfig whose certificate comes from a different CA authenticates nobody.
    other = tmp_path / "other"
    other.mkdir()
    atoll("user", "add", "x", "--data-dir", str(other), "--kubeconfig-out", str(tmp_path / "kc"), check=False)
    (other / "pki").mkdir(exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(other / "pki" / "ca.key"), "-out", str(other / "pki" / "ca.crt"), "-days", "1",
                    "-subj", "/CN=evil-ca"], check=True, capture_output=True)
    atoll("user", "add", "mallory", "--group", "system:masters", "--data-dir", str(other), "--server", server.url,
          "--kubeconfig-out", str(tmp_path / "kc"))
    # Trust our server's CA but present the foreign client certificate.
    kc = (tmp_path / "kc").read_text()
    ours = base64.b64encode(open(os.path.join(server.data_dir, "pki", "ca.crt"), "rb").read()).decode()
    kc = "\n".join(f"    certificate-authority-data: {ours}" if "certificate-authority-data" in line else line
                   for line in kc.splitlines())
    (tmp_path / "kc").write_text(kc)
    p = subprocess.run(["kubectl", "--kubeconfig", str(tmp_path / "kc"), "get", "pods"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode != 0 and ("Unauthorized" in p.stderr or "certificate" in p.stderr)


def test_service_account_token(server, team):
    server.kubectl("-n", "team-a", "create", "serviceaccount", "robot")
    server.kubectl("-n", "team-a", "create", "rolebinding", "robot-view", "--clusterrole=view",
                   "--serviceaccount=team-a:robot")
    tok = server.kubectl("-n", "team-a", "create", "token", "robot").stdout.strip()
    assert tok.count(".") == 2
    claims = json.loads(base64.urlsafe_b64decode(tok.split(".")[1] + "=="))
    assert claims["sub"] == "system:serviceaccount:team-a:robot" and claims["exp"] > time.time()
    assert claims["kubernetes.io"]["serviceaccount"]["name"] == "robot"
    code, body = raw(server, "GET", "/api/v1/namespaces/team-a/pods", tok)
    assert code == 200 and body["kind"] == "PodList"
    code, body = raw(server, "GET", "/api/v1/namespaces/team-b/pods", tok)
    assert code == 403 and 'User "system:serviceaccount:team-a:robot" cannot list' in body["message"]
    code, body = raw(server, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", tok,
                     {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
    assert code == 201 and "system:serviceaccounts:team-a" in body["status"]["userInfo"]["groups"]
    # A token for another audience is not for the API server.
    other = server.kubectl("-n", "team-a", "create", "token", "robot", "--audience", "vault").stdout.strip()
    assert raw(server, "GET", "/api/v1/namespaces/team-a/pods", other)[0] == 401
    # Forged: signature of another token, claims changed.
    h, c, s = tok.split(".")
    forged = json.loads(base64.urlsafe_b64decode(c + "=="))
    forged["sub"] = "system:serviceaccount:kube-system:admin"
    c2 = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    assert raw(server, "GET", "/api/v1/namespaces/team-a/pods", f"{h}.{c2}.{s}")[0] == 401
    assert raw(server, "GET", "/api/v1/namespaces/team-a/pods", "garbage.token.here")[0] == 401
    # Deleting the ServiceAccount voids its tokens.
    server.kubectl("-n", "team-a", "delete", "serviceaccount", "robot")
    assert raw(server, "GET", "/api/v1/namespaces/team-a/pods", tok)[0] == 401


def test_expired_token_rejected(server, team):
    """A token signed with the real key but past its expiry is refused (signed here with cryptography)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    server.kubectl("-n", "team-a", "create", "serviceaccount", "old")
    tok = server.kubectl("-n", "team-a", "create", "token", "old").stdout.strip()
    assert raw(server, "GET", "/api/v1/namespaces/team-a/pods", tok)[0] in (200, 403)
    claims = json.loads(base64.urlsafe_b64decode(tok.split(".")[1] + "=="))
    with open(os.path.join(server.data_dir, "pki", "sa.key"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)

    def sign(cl):
        enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
        head = enc({"alg": "ES256", "typ": "JWT"}) + "." + enc(cl)
        r, s = decode_dss_signature(key.sign(head.encode(), ec.ECDSA(hashes.SHA256())))
        sig = base64.urlsafe_b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode().rstrip("=")
        return head + "." + sig

    assert raw(server, "GET", "/version", sign(claims))[0] == 200  # our signature is accepted...
    claims["exp"] = int(time.time()) - 10
    assert raw(server, "GET", "/version", sign(claims))[0] == 401  # ...but not after expiry


def test_bound_pod_token(server, team):
    server.kubectl("-n", "team-a", "create", "serviceaccount", "runner")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "namespace": "team-a"},
           "spec": {"serviceAccountName": "runner", "containers": [{"name": "c", "image": "busybox"}]}}
    server.kubectl("apply", "-f", "-", input=json.dumps(pod))
    tok = server.kubectl("-n", "team-a", "create", "token", "runner", "--bound-object-kind", "Pod",
                         "--bound-object-name", "p1").stdout.strip()
    claims = json.loads(base64.urlsafe_b64decode(tok.split(".")[1] + "=="))
    assert claims["kubernetes.io"]["pod"]["name"] == "p1"
    assert raw(server, "GET", "/version", tok)[0] == 200
    server.kubectl("-n", "team-a", "delete", "pod", "p1", "--grace-period=0", "--force", "--wait=false")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.kubectl("-n", "team-a", "get", "pod", "p1",
                                                         check=False).returncode == 0:
        time.sleep(0.2)
    assert raw(server, "GET", "/version", tok)[0] == 401


def test_escalation_prevented(server, team):
    alice, bob = team["alice"], team["bob"]
    # An admin of team-a may make roles from what she holds...
    assert alice.kubectl("-n", "team-a", "create", "role", "pod-reader", "--verb=get",
                         "--resource=pods").returncode == 0
    assert alice.kubectl("-n", "team-a", "create", "rolebinding", "dave-view", "--clusterrole=view",
                         "--user=dave").returncode == 0
    # ...but not more, nor bind what she lacks.
    p = alice.kubectl("-n", "team-a", "create", "role", "node-reader", "--verb=get", "--resource=nodes")
    assert p.returncode != 0 and "is attempting to grant RBAC permissions not currently held" in p.stderr
    p = alice.kubectl("-n", "team-a", "create", "rolebinding", "me-root", "--clusterrole=cluster-admin",
                      "--user=bob")
    assert p.returncode != 0 and "is attempting to grant RBAC permissions not currently held" in p.stderr
    assert bob.can("get", "nodes") == "no"
    # An editor may not touch RBAC at all.
    p = bob.kubectl("-n", "team-a", "create", "role", "r", "--verb=get", "--resource=pods")
    assert 'User "bob" cannot create resource "roles" in API group "rbac.authorization.k8s.io"' in p.stderr
    # With the bind verb on cluster-admin, the binding is allowed.
    server.kubectl("create", "clusterrole", "bind-ca", "--verb=bind", "--resource=clusterroles",
                   "--resource-name=cluster-admin")
    server.kubectl("create", "clusterrolebinding", "alice-bind-ca", "--clusterrole=bind-ca", "--user=alice")
    assert alice.kubectl("-n", "team-a", "create", "rolebinding", "ok-root", "--clusterrole=cluster-admin",
                         "--user=erin").returncode == 0


def test_aggregated_cluster_role(server, team):
    carol = team["carol"]
    assert carol.can("list", "secrets", "-n", "team-a") == "no"
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "secrets-view", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
            "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]}
    server.kubectl("apply", "-f", "-", input=json.dumps(role))
    assert carol.can("list", "secrets", "-n", "team-a") == "yes"
    assert carol.kubectl("-n", "team-a", "get", "secrets").returncode == 0
    # As the aggregation controller does, the rules are written into view (and edit, admin).
    for name in ("view", "edit", "admin"):
        rules = server.kjson("get", "clusterrole", name)["rules"]
        assert {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]} in rules, name
    assert carol.can("list", "secrets", "-n", "team-b") == "no"
    server.kubectl("delete", "clusterrole", "secrets-view")
    assert carol.can("list", "secrets", "-n", "team-a") == "no"


def test_resource_names_and_subresources(server, team):
    server.kubectl("create", "namespace", "team-c")
    server.kubectl("-n", "team-c", "create", "configmap", "open", "--from-literal=a=1")
    server.kubectl("-n", "team-c", "create", "configmap", "closed", "--from-literal=a=1")
    server.kubectl("-n", "team-c", "create", "role", "one-cm", "--verb=get", "--resource=configmaps",
                   "--resource-name=open")
    server.kubectl("-n", "team-c", "create", "role", "logs", "--verb=get", "--resource=pods/log")
    server.kubectl("-n", "team-c", "create", "rolebinding", "carol-one", "--role=one-cm", "--user=carol")
    server.kubectl("-n", "team-c", "create", "rolebinding", "carol-logs", "--role=logs", "--user=carol")
    carol = team["carol"]
    assert carol.kubectl("-n", "team-c", "get", "configmap", "open").returncode == 0
    p = carol.kubectl("-n", "team-c", "get", "configmap", "closed")
    assert 'configmaps "closed" is forbidden' in p.stderr
    assert "forbidden" in carol.kubectl("-n", "team-c", "get", "configmaps").stderr
    assert carol.can("get", "pods", "--subresource=log", "-n", "team-c") == "yes"
    assert carol.can("get", "pods", "-n", "team-c") == "no"


def test_unauthenticated(server, team):
    assert raw(server, "GET", "/api/v1/namespaces", None)[0] == 401
    assert raw(server, "GET", "/api/v1/namespaces", "not-a-token")[0] == 401


def test_pod_security_baseline(server, team):
    bad = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad", "namespace": "team-a"},
           "spec": {"hostNetwork": True, "volumes": [{"name": "h", "hostPath": {"path": "/"}}],
                    "containers": [{"name": "c", "image": "busybox", "securityContext": {"privileged": True}}]}}
    p = team["bob"].kubectl("apply", "-f", "-", input=json.dumps(bad))
    assert p.returncode != 0
    assert ('pods "bad" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), '
            'privileged (container "c" must not set securityContext.privileged=true), hostPath volumes '
            '(volume "h")') in p.stderr
    # A plain pod is fine; the same privileged pod is fine where no level is enforced.
    assert team["bob"].kubectl("-n", "team-a", "run", "plain", "--image=busybox").returncode == 0
    bad["metadata"]["namespace"] = "team-b"
    assert server.kubectl("apply", "-f", "-", input=json.dumps(bad), check=False).returncode == 0
    # warn=restricted: allowed, with a warning.
    server.kubectl("label", "namespace", "team-b", "pod-security.kubernetes.io/warn=restricted")
    p = server.kubectl("-n", "team-b", "run", "warned", "--image=busybox")
    assert 'would violate PodSecurity "restricted:latest"' in p.stderr


def test_local_subject_access_review(server, team):
    body = {"apiVersion": "authorization.k8s.io/v1", "kind": "LocalSubjectAccessReview",
            "metadata": {"namespace": "team-a"},
            "spec": {"user": "carol", "resourceAttributes": {"verb": "list", "resource": "pods"}}}
    api = client.AuthorizationV1Api(config.new_client_from_config(team["alice"].kubeconfig))
    out = api.create_namespaced_local_subject_access_review("team-a", body)
    assert out.status.allowed is True and out.spec.resource_attributes.namespace == "team-a"
    body["spec"]["resourceAttributes"]["verb"] = "delete"
    assert api.create_namespaced_local_subject_access_review("team-a", body).status.allowed is False
    # An admin of team-a may not ask in team-b.
    body["metadata"]["namespace"] = "team-b"
    with pytest.raises(client.exceptions.ApiException) as e:
        api.create_namespaced_local_subject_access_review("team-b", body)
    assert e.value.status == 403


def test_impersonation(server, team):
    # The admin may act as anyone; the decision is then the impersonated user's.
    p = server.kubectl("--as=carol", "-n", "team-a", "get", "secrets", check=False)
    assert 'secrets is forbidden: User "carol" cannot list resource "secrets"' in p.stderr
    assert server.kubectl("--as=carol", "-n", "team-a", "auth", "can-i", "list", "pods").stdout.strip() == "yes"
    info = json.loads(server.kubectl("--as=dave", "--as-group=devs", "auth", "whoami", "-o", "json").stdout)
    assert info["status"]["userInfo"]["username"] == "dave"
    assert "devs" in info["status"]["userInfo"]["groups"]
    # Others need the impersonate verb.
    p = team["alice"].kubectl("--as=bob", "-n", "team-a", "get", "pods")
    assert 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the ' \
        'cluster scope' in p.stderr
    server.kubectl("create", "clusterrole", "as-bob", "--verb=impersonate", "--resource=users",
                   "--resource-name=bob")
    server.kubectl("create", "clusterrolebinding", "alice-as-bob", "--clusterrole=as-bob", "--user=alice")
    assert team["alice"].kubectl("--as=bob", "-n", "team-a", "get", "pods").returncode == 0
    assert "forbidden" in team["alice"].kubectl("--as=carol", "-n", "team-a", "get", "pods").stderr


def test_escalation_by_patch_prevented(server, team):
    alice = team["alice"]
    alice.kubectl("-n", "team-a", "create", "role", "patchme", "--verb=get", "--resource=pods", check=True)
    p = alice.kubectl("-n", "team-a", "patch", "role", "patchme", "--type=merge", "-p",
                      '{"rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["get"]}]}')
    assert "is attempting to grant RBAC permissions not currently held" in p.stderr
    p = alice.kubectl("-n", "team-a", "patch", "role", "patchme", "--type=json", "-p",
                      '[{"op":"add","path":"/rules/0/resources/-","value":"nodes"}]')
    assert p.returncode != 0 and "forbidden" in p.stderr
    assert alice.kubectl("-n", "team-a", "patch", "role", "patchme", "--type=merge", "-p",
                         '{"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}').returncode == 0
    # Adding a subject to a binding of a role alice does not hold is refused too.
    server.kubectl("create", "clusterrole", "node-reader", "--verb=get", "--resource=nodes")
    server.kubectl("-n", "team-a", "create", "rolebinding", "root-b", "--clusterrole=node-reader", "--user=root")
    p = alice.kubectl("-n", "team-a", "patch", "rolebinding", "root-b", "--type=merge", "-p",
                      '{"subjects":[{"kind":"User","name":"bob","apiGroup":"rbac.authorization.k8s.io"}]}')
    assert "is attempting to grant RBAC permissions not currently held" in p.stderr


def test_token_review(server, team):
    server.kubectl("-n", "team-a", "create", "serviceaccount", "reviewed")
    tok = server.kubectl("-n", "team-a", "create", "token", "reviewed").stdout.strip()
    review = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": tok}}
    code, body = raw(server, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", server.token(), review)
    assert code == 201 and body["status"]["authenticated"] is True
    assert body["status"]["user"]["username"] == "system:serviceaccount:team-a:reviewed"
    review["spec"]["token"] = tok[:-4] + "AAAA"
    code, body = raw(server, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", server.token(), review)
    assert code == 201 and body["status"]["authenticated"] is False
    # Only those allowed to create tokenreviews may ask.
    code, body = raw(server, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", tok, review)
    assert code == 403


def test_decisions_follow_binding_changes(server, team):
    """Decisions are remembered per set of rules: a new or removed binding changes them at once."""
    dave = User(server, "dave")
    for _ in range(3):  # the same request, decided (and remembered) several times
        assert dave.kubectl("-n", "team-b", "get", "configmaps").returncode != 0
    server.kubectl("-n", "team-b", "create", "rolebinding", "dave-view", "--clusterrole=view", "--user=dave")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and dave.kubectl("-n", "team-b", "get", "configmaps").returncode != 0:
        time.sleep(0.1)
    assert dave.kubectl("-n", "team-b", "get", "configmaps").returncode == 0
    server.kubectl("-n", "team-b", "delete", "rolebinding", "dave-view")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and dave.kubectl("-n", "team-b", "get", "configmaps").returncode == 0:
        time.sleep(0.1)
    assert dave.kubectl("-n", "team-b", "get", "configmaps").returncode != 0
