# SPDX-License-Identifier: Apache-2.0
"""The embedded registry with the real podman: login with a token, push and pull round trips,
TLS verified against the server's CA, a multi-arch index. Podman runs as root in a store of the
test's own (vfs, --root/--runroot under the test's directory, no systemd); it never runs a container."""
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from registry_util import OCI_INDEX, Reg, atoll, image_manifest, make_image, sha256, user_token, write_layout

pytestmark = pytest.mark.skipif(shutil.which("podman") is None, reason="podman is not installed")


class Podman:
    """podman with its own storage, configuration and auth file under dir."""

    def __init__(self, dir):
        self.dir = str(dir)
        for d in ("root", "tmp", "home"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        # Podman wants its run root shorter than 50 characters.
        self.run = tempfile.mkdtemp(prefix="apm-")
        self.conf = os.path.join(self.dir, "registries.conf")
        with open(self.conf, "w") as f:
            f.write("")  # no search registries, no mirrors: names are used as written
        self.auth = os.path.join(self.dir, "auth.json")
        with open(self.auth, "w") as f:
            f.write('{"auths": {}}')  # podman wants REGISTRY_AUTH_FILE to exist
        self.env = dict(os.environ, CONTAINERS_REGISTRIES_CONF=self.conf, REGISTRY_AUTH_FILE=self.auth,
                        TMPDIR=os.path.join(self.dir, "tmp"), HOME=os.path.join(self.dir, "home"),
                        XDG_RUNTIME_DIR=self.run)

    def __call__(self, *args, check=True, timeout=300):
        cmd = ["podman", "--root", os.path.join(self.dir, "root"), "--runroot", self.run,
               "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file",
               "--tmpdir", os.path.join(self.dir, "tmp"), *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=self.env)
        if check and p.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return p

    def close(self):
        shutil.rmtree(self.run, ignore_errors=True)

    def inspect(self, ref):
        return json.loads(self("image", "inspect", ref).stdout)[0]


@pytest.fixture
def reg(server, tmp_path):
    return Reg(server, tmp_path)


@pytest.fixture
def podman(tmp_path):
    pm = Podman(tmp_path / "podman-a")
    p = pm("info", "--format", "{{.Store.GraphDriverName}}", check=False)
    if p.returncode != 0:
        pm.close()
        pytest.fail(f"podman does not work here: {p.stderr}")
    yield pm
    pm.close()


def test_podman_login_push_pull(server, reg, podman, tmp_path, request):
    src = str(tmp_path / "src")
    make_image(src, [{"bin/a": os.urandom(200_000)}, {"etc/b": b"podman\n" * 500}])
    podman("pull", "-q", f"oci:{src}:latest")
    img = json.loads(podman("images", "--format", "json").stdout)[0]
    name = img["Names"][0]
    # Login with the API token (stored in the test's auth file), TLS verified with the server's CA.
    podman("login", "--cert-dir", reg.certs, "-u", "x", "-p", server.token(), reg.host)
    digestfile = os.path.join(podman.dir, "digest")
    podman("push", "-q", "--cert-dir", reg.certs, "--digestfile", digestfile, name, f"{reg.host}/default/pm:1.0")
    with open(digestfile) as f:
        pushed = f.read().strip()
    st, h, body = reg.request("GET", "/v2/default/pm/manifests/1.0",
                              headers={"Accept": "application/vnd.oci.image.manifest.v1+json, "
                                                 "application/vnd.docker.distribution.manifest.v2+json"})
    assert st == 200 and h["docker-content-digest"] == pushed and sha256(body) == pushed

    # Pull into a second, empty store: the same image (its ID is the config digest, which names the
    # uncompressed layers' digests, checked by podman as it unpacks).
    other = Podman(tmp_path / "podman-b")
    request.addfinalizer(other.close)
    other("login", "--cert-dir", reg.certs, "-u", "x", "-p", server.token(), reg.host)
    other("pull", "-q", "--cert-dir", reg.certs, f"{reg.host}/default/pm:1.0")
    a, b = podman.inspect(name), other.inspect(f"{reg.host}/default/pm:1.0")
    assert a["Id"] == b["Id"] and a["RootFS"]["Layers"] == b["RootFS"]["Layers"]
    assert b["Digest"] == pushed
    # By digest too.
    other("pull", "-q", "--cert-dir", reg.certs, f"{reg.host}/default/pm@{pushed}")

    # Logged out: the registry wants credentials again.
    other("logout", reg.host)
    p = other("pull", "-q", "--cert-dir", reg.certs, f"{reg.host}/default/pm:1.0", check=False)
    assert p.returncode != 0 and "unauthorized" in p.stderr.lower(), p.stderr
    # A wrong password does not log in.
    p = other("login", "--cert-dir", reg.certs, "-u", "x", "-p", "not-a-token", reg.host, check=False)
    assert p.returncode != 0


def test_podman_tls_verified(server, reg, podman, tmp_path):
    """Without the CA podman refuses the server; with it in a certs.d-style directory it talks."""
    p = podman("login", "-u", "x", "-p", server.token(), reg.host, check=False)
    assert p.returncode != 0 and ("x509" in p.stderr or "certificate" in p.stderr), p.stderr
    certsd = tmp_path / "certs.d" / reg.host
    certsd.mkdir(parents=True)
    shutil.copy(os.path.join(reg.certs, "ca.crt"), certsd / "ca.crt")
    podman("login", "--tls-verify=true", "--cert-dir", str(certsd), "-u", "x", "-p", server.token(), reg.host)


def test_podman_user_namespaces(server, reg, podman, tmp_path):
    """A user made with `atoll user add --token` pushes into its namespace and not into another's."""
    tok = user_token(server, "pmuser")
    atoll("namespace", "create", "reg-pm", "--owner", "pmuser", "--data-dir", server.data_dir)
    src = str(tmp_path / "src")
    make_image(src, [{"f": os.urandom(10_000)}])
    podman("pull", "-q", f"oci:{src}:latest")
    name = json.loads(podman("images", "--format", "json").stdout)[0]["Names"][0]
    podman("login", "--cert-dir", reg.certs, "-u", "pmuser", "-p", tok, reg.host)
    podman("push", "-q", "--cert-dir", reg.certs, name, f"{reg.host}/reg-pm/app:1")
    p = podman("push", "-q", "--cert-dir", reg.certs, name, f"{reg.host}/default/app:1", check=False)
    assert p.returncode != 0 and ("denied" in p.stderr.lower() or "unauthorized" in p.stderr.lower()), p.stderr


def test_podman_pull_multi_arch(server, reg, podman, tmp_path):
    src = str(tmp_path / "src")
    _, amd = image_manifest(src, [{"x": b"amd64 " + os.urandom(1000)}], "amd64")
    _, arm = image_manifest(src, [{"x": b"arm64 " + os.urandom(1000)}], "arm64")
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [amd, arm]}).encode()
    with open(os.path.join(src, "blobs", "sha256", sha256(index)[7:]), "wb") as f:
        f.write(index)
    write_layout(src, [({"mediaType": OCI_INDEX, "digest": sha256(index), "size": len(index)}, "latest")])
    reg.push(src, "default/pm-multi:1", extra=("--all",))
    podman("login", "--cert-dir", reg.certs, "-u", "x", "-p", server.token(), reg.host)
    ref = f"{reg.host}/default/pm-multi:1"
    podman("pull", "-q", "--cert-dir", reg.certs, "--arch", "arm64", ref)
    got = podman.inspect(ref)
    # Pulled through the index: the image carries the index's digest and its own.
    assert got["Architecture"] == "arm64" and got["Digest"] == sha256(index)
    assert f"{reg.host}/default/pm-multi@{arm['digest']}" in got["RepoDigests"]
    podman("pull", "-q", "--cert-dir", reg.certs, "--arch", "amd64", ref)
    got = podman.inspect(ref)
    assert got["Architecture"] == "amd64" and f"{reg.host}/default/pm-multi@{amd['digest']}" in got["RepoDigests"]
    # Both stayed in the store, as two images.
    ids = {i["Id"] for i in json.loads(podman("images", "--format", "json").stdout)}
    assert len(ids) == 2
