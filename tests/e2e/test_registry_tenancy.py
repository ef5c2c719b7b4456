# SPDX-License-Identifier: Apache-2.0
"""The registry with several users and namespaces: pushes limited to one's own namespaces, storage
quotas, namespaces deleted while the server runs, and early 401s on uploads with bodies."""
import base64
import json
import os
import socket
import ssl
import subprocess
import time

import pytest
import yaml

from registry_util import Reg, atoll, blobs_of, error_code, make_image, sha256, user_token

QUOTA_KEY = "atoll.dev/registry-storage"


@pytest.fixture
def reg(server, tmp_path):
    return Reg(server, tmp_path)


def test_push_only_into_own_namespace(server, reg, tmp_path):
    """A non-admin user pushes into the namespace it owns; another team's namespace is refused."""
    dana = user_token(server, "dana")
    erin = user_token(server, "erin")
    atoll("namespace", "create", "reg-dana", "--owner", "dana", "--data-dir", server.data_dir)
    atoll("namespace", "create", "reg-erin", "--owner", "erin", "--data-dir", server.data_dir)
    src = str(tmp_path / "src")
    make_image(src, [{"f": os.urandom(20_000)}])

    reg.push(src, "reg-dana/app:1", password=dana)
    dst = str(tmp_path / "dst")
    reg.skopeo("copy", "--quiet", "--src-creds", "x:" + dana, "--src-cert-dir", reg.certs,
               f"docker://{reg.host}/reg-dana/app:1", f"oci:{dst}:1")
    assert blobs_of(dst) == blobs_of(src)

    p = reg.push(src, "reg-erin/app:1", password=dana, check=False)
    assert p.returncode != 0 and ("denied" in p.stderr.lower() or "unauthorized" in p.stderr.lower()), p.stderr
    # Directly: authenticated but not allowed is 403 DENIED, with RBAC's message.
    st, _, body = reg.request("POST", "/v2/reg-erin/app/blobs/uploads/", auth=reg.basic(dana))
    assert st == 403 and error_code(body) == "DENIED"
    assert "dana" in json.loads(body)["errors"][0]["message"]
    st, _, body = reg.request("GET", "/v2/reg-dana/app/tags/list", auth=reg.basic(erin))
    assert st == 403 and error_code(body) == "DENIED"
    # The token endpoint grants nothing there, so a token-flow client gets 401 at use.
    st, _, body = reg.request("GET", "/v2/token?scope=repository:reg-erin/app:pull,push", auth=reg.basic(dana))
    tok = json.loads(body)["token"]
    st, _, body = reg.request("POST", "/v2/reg-erin/app/blobs/uploads/", auth="Bearer " + tok)
    assert st == 401 and error_code(body) == "UNAUTHORIZED"
    # The catalog shows dana only what dana may pull.
    st, _, body = reg.request("GET", "/v2/_catalog", auth=reg.basic(dana))
    repos = json.loads(body)["repositories"]
    assert "reg-dana/app" in repos and not [r for r in repos if r.startswith("reg-erin/")]
    # Erin's own push still works.
    reg.push(src, "reg-erin/app:1", password=erin)


def quota(server, ns, hard):
    server.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "registry", "namespace": ns},
        "spec": {"hard": {QUOTA_KEY: hard}}}))


def test_storage_quota(server, reg, tmp_path):
    server.kubectl("create", "namespace", "reg-quota")
    quota(server, "reg-quota", "20000")
    a, b, c = os.urandom(8000), os.urandom(8000), os.urandom(8000)
    reg.upload("reg-quota/one", a)
    reg.upload("reg-quota/two", b)
    # The same bytes again are stored once and cost nothing ...
    reg.upload("reg-quota/one", a)
    # ... new ones beyond the hard limit are refused: monolithic, with the announced length ...
    st, _, body = reg.request("POST", f"/v2/reg-quota/one/blobs/uploads/?digest={sha256(c)}", body=c)
    assert st == 403 and error_code(body) == "DENIED"
    msg = json.loads(body)["errors"][0]["message"]
    assert "exceeded quota: registry" in msg and f"used: {QUOTA_KEY}=16000" in msg and f"{QUOTA_KEY}=20000" in msg
    # ... a chunk in a session ...
    st, h, _ = reg.request("POST", "/v2/reg-quota/one/blobs/uploads/")
    assert st == 202
    st, _, body = reg.request("PATCH", h["location"], body=c)
    assert st == 403 and error_code(body) == "DENIED"
    # ... and a chunk without a length (chunked transfer encoding): held to the room left.
    st, h, _ = reg.request("POST", "/v2/reg-quota/one/blobs/uploads/")
    st, _, body = reg.request("PATCH", h["location"], body=iter([c[:4000], c[4000:]]))
    assert st == 403 and error_code(body) == "DENIED"
    # Nothing refused was stored.
    st, _, _ = reg.request("HEAD", f"/v2/reg-quota/one/blobs/{sha256(c)}")
    assert st == 404
    # skopeo shows the reason.
    src = str(tmp_path / "src")
    make_image(src, [{"big": os.urandom(30_000)}])
    p = reg.push(src, "reg-quota/app:1", check=False)
    assert p.returncode != 0 and "exceeded quota" in p.stderr, p.stderr
    # Raising the quota lets the push through; the use is reported in the quota's status.
    quota(server, "reg-quota", "1Mi")
    reg.push(src, "reg-quota/app:1")
    q = server.kjson("get", "resourcequota", "registry", "-n", "reg-quota")
    total = 16000 + sum(len(x) for x in blobs_of(src).values())
    assert q["status"]["hard"][QUOTA_KEY] == "1Mi"
    assert q["status"]["used"][QUOTA_KEY] == str(total)
    # Another write in the namespace refreshes the quota's other figures and keeps the registry's.
    server.kubectl("create", "configmap", "touch", "-n", "reg-quota")
    q = server.kjson("get", "resourcequota", "registry", "-n", "reg-quota")
    assert q["status"]["used"][QUOTA_KEY] == str(total)
    # Other namespaces are not limited by it.
    reg.upload("default/free", c)


def test_deleted_namespace_cleaned_while_running(server, reg, tmp_path):
    server.kubectl("create", "namespace", "reg-live")
    src = str(tmp_path / "src")
    make_image(src, [{"f": os.urandom(30_000)}])
    reg.push(src, "reg-live/app:1")
    reg.push(src, "default/live-stays:1")
    repos = os.path.join(server.data_dir, "registry", "repos", "reg-live")
    assert os.path.isdir(repos)
    server.kubectl("delete", "namespace", "reg-live", "--timeout=60s")
    deadline = time.monotonic() + 60
    while os.path.exists(repos):
        assert time.monotonic() < deadline, "the deleted namespace's repositories are still there"
        time.sleep(0.2)
    st, _, body = reg.request("GET", "/v2/reg-live/app/manifests/1")
    assert st == 404 and error_code(body) == "MANIFEST_UNKNOWN"
    # Pushing into it again is refused (the namespace is gone) ...
    p = reg.push(src, "reg-live/app:1", check=False)
    assert p.returncode != 0 and "namespace reg-live does not exist" in p.stderr
    # ... and the other namespace's copy of the same blobs is intact.
    dst = str(tmp_path / "dst")
    reg.pull("default/live-stays:1", dst)
    assert blobs_of(dst) == blobs_of(src)


def test_early_401_with_body(server, reg):
    """An upload with a body and no credentials: a clean 401, then the client carries on."""
    data = os.urandom(3_000_000)
    path = f"/v2/default/early/blobs/uploads/?digest={sha256(data)}"
    body_file = os.path.join(reg.certs, "body.bin")
    with open(body_file, "wb") as f:
        f.write(data)
    base = f"https://{reg.host}"
    # curl: the 401 with its challenge, and the next request on the same curl run works.
    p = subprocess.run(["curl", "-sS", "--cacert", os.path.join(reg.certs, "ca.crt"), "-X", "POST",
                        "--data-binary", "@" + body_file, "-H", "Content-Type: application/octet-stream",
                        "-D", "-", "-o", os.path.join(reg.certs, "out1"), base + path,
                        "--next", "--cacert", os.path.join(reg.certs, "ca.crt"), "-u", "x:" + server.token(),
                        "-w", "%{http_code}", "-o", os.path.join(reg.certs, "out2"), base + "/v2/"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("HTTP/1.1 401") and "www-authenticate: bearer" in p.stdout.lower()
    assert p.stdout.endswith("200")
    with open(os.path.join(reg.certs, "out1")) as f:
        assert error_code(f.read()) == "UNAUTHORIZED"
    # A client that writes its whole body before it reads (no Expect: 100-continue) gets the 401 after
    # the body, on a connection that stays open for its next request.
    ctx = ssl.create_default_context(cafile=os.path.join(reg.certs, "ca.crt"))
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=20),
                        server_hostname="127.0.0.1")
    small = data[:1_000_000]

    def response():
        got = b""
        for _ in range(1000):
            if b"\r\n\r\n" in got:
                head, _, body = got.partition(b"\r\n\r\n")
                n = int([h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0])
                if len(body) >= n:
                    return head, body[:n]
            b = s.recv(65536)
            assert b, got
            got += b
        raise AssertionError(got[:200])
    s.sendall((f"POST /v2/default/early/blobs/uploads/?digest={sha256(small)} HTTP/1.1\r\n"
               f"Host: {reg.host}\r\nContent-Length: {len(small)}\r\n\r\n").encode() + small)
    head, body = response()
    assert head.startswith(b"HTTP/1.1 401") and error_code(body) == "UNAUTHORIZED"
    s.sendall(f"GET /v2/ HTTP/1.1\r\nHost: {reg.host}\r\nAuthorization: {reg.basic()}\r\n\r\n".encode())
    head, body = response()
    assert head.startswith(b"HTTP/1.1 200") and body == b"{}"
    s.close()
    # Nothing was stored, and the same upload with credentials works.
    st, _, _ = reg.request("HEAD", f"/v2/default/early/blobs/{sha256(data)}")
    assert st == 404
    assert reg.upload("default/early", data) == sha256(data)


def test_client_certificate_user(server, reg, tmp_path):
    """A user made with `atoll user add` (a client certificate) pushes with the certificate alone."""
    kc = os.path.join(server.data_dir, "cert-user.kubeconfig")
    atoll("user", "add", "cert-user", "--data-dir", server.data_dir, "--kubeconfig-out", kc)
    atoll("namespace", "create", "reg-cert", "--owner", "cert-user", "--data-dir", server.data_dir)
    with open(kc) as f:
        u = yaml.safe_load(f)["users"][0]["user"]
    certs = tmp_path / "user-certs"
    certs.mkdir()
    (certs / "ca.crt").write_bytes(open(os.path.join(reg.certs, "ca.crt"), "rb").read())
    (certs / "client.cert").write_bytes(base64.b64decode(u["client-certificate-data"]))
    (certs / "client.key").write_bytes(base64.b64decode(u["client-key-data"]))
    src = str(tmp_path / "src")
    make_image(src, [{"f": os.urandom(5000)}])
    reg.skopeo("copy", "--quiet", "--dest-cert-dir", str(certs), f"oci:{src}:latest",
               f"docker://{reg.host}/reg-cert/app:1")
    p = reg.skopeo("copy", "--quiet", "--dest-cert-dir", str(certs), f"oci:{src}:latest",
                   f"docker://{reg.host}/default/cert-app:1", check=False)
    assert p.returncode != 0 and ("403" in p.stderr or "denied" in p.stderr.lower()), p.stderr
    # Without the certificate (and without credentials) it is 401 as before.
    st, _, _ = reg.request("GET", "/v2/reg-cert/app/tags/list", auth=False)
    assert st == 401
