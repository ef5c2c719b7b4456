# SPDX-License-Identifier: Apache-2.0
"""Helpers for the registry tests: OCI layouts built on the fly, raw HTTPS requests, skopeo."""
import base64
import gzip
import hashlib
import http.client
import io
import json
import os
import shutil
import ssl
import subprocess
import tarfile

from conftest import ATOLL

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"


def sha256(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def tar_layer(files):
    """A gzip'd tar of {name: bytes}; mtime fixed so the bytes are reproducible."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        for name, data in files.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
    return raw.getvalue(), gzip.compress(raw.getvalue(), compresslevel=1, mtime=0)


def put_blob(layout, data):
    d = sha256(data)
    path = os.path.join(layout, "blobs", "sha256", d[7:])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return {"digest": d, "size": len(data)}


def image_manifest(layout, layers, arch="amd64"):
    """Stores the layers (list of {name: bytes}) and a config; returns (manifest bytes, descriptor)."""
    descs, diff_ids = [], []
    for files in layers:
        raw, gz = tar_layer(files)
        descs.append(dict(mediaType=OCI_LAYER_GZ, **put_blob(layout, gz)))
        diff_ids.append(sha256(raw))
    config = json.dumps({"architecture": arch, "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    cdesc = dict(mediaType=OCI_CONFIG, **put_blob(layout, config))
    man = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": cdesc,
                      "layers": descs}).encode()
    mdesc = dict(mediaType=OCI_MANIFEST, **put_blob(layout, man))
    mdesc["platform"] = {"architecture": arch, "os": "linux"}
    return man, mdesc


def write_layout(layout, entries):
    """entries: list of (descriptor, tag)."""
    os.makedirs(layout, exist_ok=True)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    ms = []
    for desc, tag in entries:
        d = dict(desc)
        d["annotations"] = {"org.opencontainers.image.ref.name": tag}
        ms.append(d)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": ms}, f)


def make_image(layout, layers, tag="latest"):
    """An OCI layout with one image; returns the manifest digest."""
    man, desc = image_manifest(layout, layers)
    desc.pop("platform")
    write_layout(layout, [(desc, tag)])
    return desc["digest"]


def blobs_of(layout):
    root = os.path.join(layout, "blobs", "sha256")
    out = {}
    for n in os.listdir(root):
        with open(os.path.join(root, n), "rb") as f:
            out[n] = f.read()
    return out


class Reg:
    """Talks to the registry of a test server."""

    def __init__(self, server, tmp):
        self.server = server
        self.certs = os.path.join(str(tmp), "certs")
        os.makedirs(self.certs, exist_ok=True)
        shutil.copy(os.path.join(server.data_dir, "pki", "ca.crt"), os.path.join(self.certs, "ca.crt"))
        self.host = f"127.0.0.1:{server.port}"
        self.ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.crt"))

    def basic(self, password=None):
        pw = self.server.token() if password is None else password
        return "Basic " + base64.b64encode(f"user:{pw}".encode()).decode()

    def request(self, method, path, body=None, headers=None, auth=True, timeout=60):
        """Returns (status, headers dict with lower-case keys, body bytes)."""
        h = dict(headers or {})
        if auth is True:
            h["Authorization"] = self.basic()
        elif auth:
            h["Authorization"] = auth
        c = http.client.HTTPSConnection("127.0.0.1", self.server.port, context=self.ctx, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def skopeo(self, *args, creds=True, check=True, timeout=300):
        env = dict(os.environ)
        cmd = ["skopeo", "--registries-conf", "/dev/null", *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        if check and p.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return p

    def push(self, layout, ref, tag="latest", password=None, check=True, extra=()):
        pw = self.server.token() if password is None else password
        return self.skopeo("copy", "--quiet", *extra, "--dest-creds", "x:" + pw, "--dest-cert-dir",
                           self.certs, f"oci:{layout}:{tag}", f"docker://{self.host}/{ref}", check=check)

    def pull(self, ref, layout, tag="latest", check=True, extra=()):
        return self.skopeo("copy", "--quiet", *extra, "--src-creds", "x:" + self.server.token(),
                           "--src-cert-dir", self.certs, f"docker://{self.host}/{ref}",
                           f"oci:{layout}:{tag}", check=check)

    def upload(self, repo, data):
        """Monolithic blob upload; returns the digest."""
        d = sha256(data)
        st, h, b = self.request("POST", f"/v2/{repo}/blobs/uploads/?digest={d}", body=data,
                                headers={"Content-Type": "application/octet-stream"})
        assert st == 201, (st, b)
        return d

    def put_manifest(self, repo, ref, doc, mt=OCI_MANIFEST):
        body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        return self.request("PUT", f"/v2/{repo}/manifests/{ref}", body=body, headers={"Content-Type": mt})


def error_code(body):
    return json.loads(body)["errors"][0]["code"]


def atoll(*args):
    p = subprocess.run([ATOLL, *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"atoll {' '.join(args)} failed:\n{p.stdout}\n{p.stderr}"
    return p


def user_token(server, name):
    """A token user made with `atoll user add --token`; returns the token."""
    kc = os.path.join(server.data_dir, f"{name}.kubeconfig")
    atoll("user", "add", name, "--token", "--data-dir", server.data_dir, "--kubeconfig-out", kc)
    with open(os.path.join(server.data_dir, "pki", "tokens.csv")) as f:
        for line in f:
            tok, user = line.split(",")[:2]
            if user == name:
                return tok
    raise AssertionError(f"no token for {name}")
