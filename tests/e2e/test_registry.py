# SPDX-License-Identifier: Apache-2.0
"""The embedded OCI registry with the real skopeo: push/pull round trips, multi-arch, delete, GC, kill -9."""
import json
import os
import signal
import socket
import ssl
import time

import pytest

from conftest import Server
from registry_util import (OCI_INDEX, Reg, blobs_of, error_code, image_manifest, make_image, sha256,
                           write_layout)


@pytest.fixture
def reg(server, tmp_path):
    return Reg(server, tmp_path)


def test_push_pull_round_trip(server, reg, tmp_path):
    src = str(tmp_path / "src")
    digest = make_image(src, [{"bin/a": os.urandom(300_000)}, {"etc/b": b"hello\n" * 1000}])
    reg.push(src, "default/app:1.0")
    dst = str(tmp_path / "dst")
    reg.pull("default/app:1.0", dst)
    # Byte for byte: every blob (layers, config, manifest) comes back identical.
    assert blobs_of(dst) == blobs_of(src)
    with open(os.path.join(dst, "index.json")) as f:
        assert json.load(f)["manifests"][0]["digest"] == digest

    out = json.loads(reg.skopeo("inspect", "--creds", "x:" + server.token(), "--cert-dir", reg.certs,
                                f"docker://{reg.host}/default/app:1.0").stdout)
    assert out["Digest"] == digest and out["RepoTags"] == ["1.0"]
    tags = json.loads(reg.skopeo("list-tags", "--creds", "x:" + server.token(), "--cert-dir", reg.certs,
                                 f"docker://{reg.host}/default/app").stdout)
    assert tags["Tags"] == ["1.0"]

    # The blobs are stored once however many repositories hold them.
    store = os.path.join(server.data_dir, "registry", "blobs", "sha256")
    before = set(os.listdir(store))
    assert set(blobs_of(src)) <= before
    reg.push(src, "default/copy:1.0")
    assert set(os.listdir(store)) == before


def test_multi_arch_index(server, reg, tmp_path):
    src = str(tmp_path / "src")
    _, amd = image_manifest(src, [{"x": os.urandom(1000)}], "amd64")
    _, arm = image_manifest(src, [{"x": os.urandom(1000)}], "arm64")
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [amd, arm]}).encode()
    path = os.path.join(src, "blobs", "sha256", sha256(index)[7:])
    with open(path, "wb") as f:
        f.write(index)
    write_layout(src, [({"mediaType": OCI_INDEX, "digest": sha256(index), "size": len(index)}, "latest")])
    reg.push(src, "default/multi:1", extra=("--all",))
    st, h, body = reg.request("GET", "/v2/default/multi/manifests/1", headers={"Accept": OCI_INDEX})
    assert st == 200 and h["content-type"] == OCI_INDEX and body == index
    assert h["docker-content-digest"] == sha256(index)
    dst = str(tmp_path / "dst")
    reg.pull("default/multi:1", dst, extra=("--all",))
    assert blobs_of(dst) == blobs_of(src)


def test_wrong_credentials(server, reg, tmp_path):
    src = str(tmp_path / "src")
    make_image(src, [{"f": b"x"}])
    p = reg.push(src, "default/creds:1", password="not-the-token", check=False)
    assert p.returncode != 0 and "unauthorized" in p.stderr.lower()
    for auth in (None, reg.basic("wrong"), "Bearer wrong", "Bearer a.b"):
        st, h, body = reg.request("GET", "/v2/default/creds/tags/list", auth=auth or False)
        assert st == 401 and error_code(body) == "UNAUTHORIZED"
        assert h["www-authenticate"].startswith(f'Bearer realm="https://{reg.host}/v2/token"')
        assert 'scope="repository:default/creds:pull"' in h["www-authenticate"]
    st, h, _ = reg.request("GET", "/v2/token?scope=repository:default/creds:pull", auth=reg.basic("bad"))
    assert st == 401


def test_push_into_missing_namespace_refused(server, reg, tmp_path):
    src = str(tmp_path / "src")
    make_image(src, [{"f": b"y"}])
    p = reg.push(src, "no-such-ns/app:1", check=False)
    assert p.returncode != 0 and "namespace no-such-ns does not exist" in p.stderr
    st, _, body = reg.request("POST", "/v2/no-such-ns/app/blobs/uploads/")
    assert st == 404 and error_code(body) == "NAME_UNKNOWN"


def test_token_flow(server, reg, tmp_path):
    st, _, body = reg.request("GET", "/v2/token?service=atoll&scope=repository:default/tok:pull,push")
    assert st == 200
    tok = json.loads(body)
    assert tok["token"] == tok["access_token"] and tok["expires_in"] > 0
    bearer = "Bearer " + tok["token"]
    d = reg.upload("default/tok", b"token flow")  # with Basic
    st, _, body = reg.request("GET", f"/v2/default/tok/blobs/{d}", auth=bearer)
    assert st == 200 and body == b"token flow"
    # The token is scoped: another repository is out of reach, and so is delete.
    st, _, body = reg.request("GET", f"/v2/default/other/blobs/{d}", auth=bearer)
    assert st == 401 and error_code(body) == "UNAUTHORIZED"
    st, _, _ = reg.request("DELETE", f"/v2/default/tok/blobs/{d}", auth=bearer)
    assert st == 401
    # A tampered token is refused.
    head, sig = tok["token"].split(".")
    st, _, _ = reg.request("GET", f"/v2/default/tok/blobs/{d}", auth="Bearer " + head + "." + sig[::-1])
    assert st == 401
    # The API token works as a bearer too.
    st, _, _ = reg.request("GET", f"/v2/default/tok/blobs/{d}", auth="Bearer " + server.token())
    assert st == 200


def test_delete_then_gc(fresh_server, tmp_path):
    reg = Reg(fresh_server, tmp_path)
    src = str(tmp_path / "src")
    digest = make_image(src, [{"big": os.urandom(200_000)}])
    reg.push(src, "default/gone:1")
    blobs = set(blobs_of(src))
    store = os.path.join(fresh_server.data_dir, "registry", "blobs", "sha256")
    assert blobs <= set(os.listdir(store))
    reg.skopeo("delete", "--creds", "x:" + fresh_server.token(), "--cert-dir", reg.certs,
               f"docker://{reg.host}/default/gone:1")
    st, _, body = reg.request("GET", f"/v2/default/gone/manifests/{digest}")
    assert st == 404 and error_code(body) == "MANIFEST_UNKNOWN"
    for b in blobs - {digest[7:]}:
        st, _, _ = reg.request("DELETE", f"/v2/default/gone/blobs/sha256:{b}")
        assert st == 202
    fresh_server.restart()  # the collector runs at start
    assert not blobs & set(os.listdir(store))


def _stream_upload(server, path, first, total, auth):
    """Send a PATCH whose body never completes; returns the open socket."""
    ctx = ssl.create_default_context(cafile=os.path.join(server.data_dir, "pki", "ca.crt"))
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=10),
                        server_hostname="127.0.0.1")
    s.sendall((f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAuthorization: {auth}\r\n"
               f"Content-Type: application/octet-stream\r\nContent-Length: {total}\r\n\r\n").encode())
    s.sendall(first)
    return s


def test_kill9_during_upload_then_clean_push(fresh_server, tmp_path):
    reg = Reg(fresh_server, tmp_path)
    src = str(tmp_path / "src")
    make_image(src, [{"data": os.urandom(2_000_000)}])
    layer = max(blobs_of(src).items(), key=lambda kv: len(kv[1]))
    st, h, _ = reg.request("POST", "/v2/default/k9/blobs/uploads/")
    assert st == 202
    # Half of the layer is on its way when the server dies.
    s = _stream_upload(fresh_server, h["location"], layer[1][:1_000_000], len(layer[1]), reg.basic())
    deadline = time.monotonic() + 10
    up = os.path.join(fresh_server.data_dir, "registry", "uploads", h["docker-upload-uuid"])
    while os.path.getsize(up) < 500_000 and time.monotonic() < deadline:
        time.sleep(0.05)
    fresh_server.proc.send_signal(signal.SIGKILL)
    fresh_server.proc.wait()
    s.close()
    fresh_server.log.close()
    fresh_server.start()
    # Nothing half-written is visible ...
    assert not os.path.exists(os.path.join(fresh_server.data_dir, "registry", "blobs", "sha256", layer[0]))
    st, _, _ = reg.request("HEAD", f"/v2/default/k9/blobs/sha256:{layer[0]}")
    assert st == 404
    # ... and the session still says how far it got (resumable), or a clean push just works.
    st, h2, _ = reg.request("GET", h["location"])
    assert st == 204 and h2["range"].startswith("0-")
    reg.push(src, "default/k9:1")
    dst = str(tmp_path / "dst")
    reg.pull("default/k9:1", dst)
    assert blobs_of(dst) == blobs_of(src)


def test_registry_survives_restart(fresh_server, tmp_path):
    reg = Reg(fresh_server, tmp_path)
    src = str(tmp_path / "src")
    make_image(src, [{"f": os.urandom(5000)}])
    reg.push(src, "default/keep:1")
    st, _, body = reg.request("GET", "/v2/token?scope=repository:default/keep:pull")
    tok = json.loads(body)["token"]
    fresh_server.restart()
    dst = str(tmp_path / "dst")
    reg.pull("default/keep:1", dst)
    assert blobs_of(dst) == blobs_of(src)
    # The signing key persists, so tokens survive a restart until they expire.
    st, _, _ = reg.request("GET", "/v2/default/keep/tags/list", auth="Bearer " + tok)
    assert st == 200


def test_second_server_unaffected(server, tmp_path):
    """Two servers, two data dirs: each registry has only its own content."""
    other = Server()
    try:
        a, b = Reg(server, tmp_path / "a"), Reg(other, tmp_path / "b")
        d = a.upload("default/iso", b"only on a")
        st, _, _ = b.request("HEAD", f"/v2/default/iso/blobs/{d}")
        assert st == 404
    finally:
        other.close()


def test_images_visible_with_kubectl(server, reg, tmp_path):
    """Each repository is a read-only Image in its namespace (needs the `images` kind in the API)."""
    if server.kubectl("api-resources", check=False).stdout.find("images") < 0:
        pytest.skip("the API does not serve the images kind")
    src = str(tmp_path / "src")
    digest = make_image(src, [{"f": os.urandom(10_000)}])
    reg.push(src, "default/shown:1.0")
    reg.push(src, "default/shown:latest")
    img = server.kjson("get", "image", "shown", "-n", "default")
    assert img["spec"]["repository"] == "default/shown"
    assert {t["name"]: t["digest"] for t in img["status"]["tags"]} == {"1.0": digest, "latest": digest}
    assert img["status"]["size"] == sum(len(b) for b in blobs_of(src).values())
    out = server.kubectl("get", "images", "-n", "default").stdout
    assert "shown" in out and "1.0,latest" in out and digest[:19] in out
    p = server.kubectl("delete", "image", "shown", "-n", "default", check=False)
    assert p.returncode != 0
    reg.skopeo("delete", "--creds", "x:" + server.token(), "--cert-dir", reg.certs,
               f"docker://{reg.host}/default/shown:1.0")
    assert server.kubectl("get", "image", "shown", "-n", "default", check=False).returncode != 0


def test_deleted_namespace_takes_its_images(fresh_server, tmp_path):
    reg = Reg(fresh_server, tmp_path)
    fresh_server.kubectl("create", "namespace", "reg-gone")
    src = str(tmp_path / "src")
    make_image(src, [{"f": os.urandom(50_000)}])
    reg.push(src, "reg-gone/app:1")
    reg.push(src, "default/stays:1")
    only = str(tmp_path / "only")
    make_image(only, [{"g": os.urandom(50_000)}])
    reg.push(only, "reg-gone/only:1")
    fresh_server.kubectl("delete", "namespace", "reg-gone", "--timeout=60s")
    deadline = time.monotonic() + 60
    while fresh_server.kubectl("get", "namespace", "reg-gone", check=False).returncode == 0:
        assert time.monotonic() < deadline, "namespace not deleted"
        time.sleep(0.2)
    fresh_server.restart()  # the collector runs at start
    root = os.path.join(fresh_server.data_dir, "registry")
    assert not os.path.exists(os.path.join(root, "repos", "reg-gone"))
    assert not set(blobs_of(only)) & set(os.listdir(os.path.join(root, "blobs", "sha256")))
    st, _, _ = reg.request("GET", "/v2/reg-gone/app/manifests/1")
    assert st == 404
    # Blobs still used by another namespace stay.
    dst = str(tmp_path / "dst")
    reg.pull("default/stays:1", dst)
    assert blobs_of(dst) == blobs_of(src)
