#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Build small OCI image layouts for tests and benchmarks: a busybox-static
root filesystem as one gzip layer, plus an image config, manifest and index,
all written with tarfile/json/hashlib (no registry, no skopeo).

    mkimage.py DIR [--entrypoint JSON] [--cmd JSON] [--env K=V ...] [--workdir D] [--user U]
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile

BUSYBOX = shutil.which("busybox") or "/bin/busybox"


def _blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return "sha256:" + digest


def _add_file(tar, name, data, mode=0o644, uid=0, gid=0):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = mode
    ti.uid, ti.gid = uid, gid
    tar.addfile(ti, io.BytesIO(data))


def _add_dir(tar, name, mode=0o755, uid=0, gid=0):
    ti = tarfile.TarInfo(name)
    ti.type = tarfile.DIRTYPE
    ti.mode = mode
    ti.uid, ti.gid = uid, gid
    tar.addfile(ti)


def busybox_layer():
    """A tar.gz with busybox, its applets as symlinks, /etc/passwd and friends."""
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True, check=True).stdout.split()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("bin", "etc", "root", "tmp", "home", "var", "data"):
            _add_dir(tar, d, 0o1777 if d == "tmp" else 0o755)
        _add_dir(tar, "home/app", 0o755, 1000, 1000)
        with open(BUSYBOX, "rb") as f:
            _add_file(tar, "bin/busybox", f.read(), 0o755)
        for a in applets:
            if a == "busybox":
                continue
            ti = tarfile.TarInfo("bin/" + a)
            ti.type = tarfile.SYMTYPE
            ti.linkname = "busybox"
            tar.addfile(ti)
        _add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"
                  b"app:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
        _add_file(tar, "etc/group", b"root:x:0:\napp:x:1000:\nnobody:x:65534:\n")
    return raw.getvalue()


def write_layout(layout, layers, config, tag="latest"):
    """layers: list of uncompressed tar bytes. Returns the manifest digest."""
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    descs, diff_ids = [], []
    for raw in layers:
        gz = gzip.compress(raw, compresslevel=1, mtime=0)
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": _blob(layout, gz), "size": len(gz)})
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": config,
                      "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": _blob(layout, cfg), "size": len(cfg)},
                           "layers": descs}).encode()
    mdigest = _blob(layout, manifest)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest,
             "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": tag},
             "platform": {"architecture": "amd64", "os": "linux"}}]}, f)
    return mdigest


def busybox_layout(layout, **config):
    cfg = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
           "Cmd": ["sh"]}
    cfg.update({k: v for k, v in config.items() if v is not None})
    return write_layout(layout, [busybox_layer()], cfg)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--entrypoint")
    ap.add_argument("--cmd")
    ap.add_argument("--env", action="append")
    ap.add_argument("--workdir")
    ap.add_argument("--user")
    a = ap.parse_args()
    cfg = {}
    if a.entrypoint:
        cfg["Entrypoint"] = json.loads(a.entrypoint)
    if a.cmd:
        cfg["Cmd"] = json.loads(a.cmd)
    if a.env:
        cfg["Env"] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + a.env
    if a.workdir:
        cfg["WorkingDir"] = a.workdir
    if a.user:
        cfg["User"] = a.user
    print(busybox_layout(a.dir, **cfg))


if __name__ == "__main__":
    main()
