# SPDX-License-Identifier: Apache-2.0
"""The registry's HTTP API endpoint by endpoint: uploads, mount, manifests, referrers, tags, catalog, errors."""
import json
import os
import subprocess

import pytest

from registry_util import OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZ, OCI_MANIFEST, Reg, error_code, sha256


@pytest.fixture
def reg(server, tmp_path):
    return Reg(server, tmp_path)


def manifest_for(reg, repo, layer=b"layer", config=b"{}", **extra):
    l, c = reg.upload(repo, layer), reg.upload(repo, config)
    m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
         "config": {"mediaType": OCI_CONFIG, "digest": c, "size": len(config)},
         "layers": [{"mediaType": OCI_LAYER_GZ, "digest": l, "size": len(layer)}]}
    m.update(extra)
    return m


def test_ping(reg):
    st, h, body = reg.request("GET", "/v2/")
    assert st == 200 and h["docker-distribution-api-version"] == "registry/2.0"
    st, h, body = reg.request("GET", "/v2/", auth=False)
    assert st == 401 and error_code(body) == "UNAUTHORIZED"
    assert h["www-authenticate"] == f'Bearer realm="https://{reg.host}/v2/token",service="atoll"'


def test_chunked_upload(reg):
    data = os.urandom(300_000)
    d = sha256(data)
    st, h, _ = reg.request("POST", "/v2/default/chunk/blobs/uploads/")
    assert st == 202 and h["range"] == "0-0"
    loc, uuid = h["location"], h["docker-upload-uuid"]
    assert loc.endswith(uuid)
    st, h, _ = reg.request("PATCH", loc, body=data[:100_000],
                           headers={"Content-Range": "0-99999", "Content-Type": "application/octet-stream"})
    assert st == 202 and h["range"] == "0-99999"
    # Out of order: 416 with where the session stands.
    st, h, _ = reg.request("PATCH", loc, body=data[200_000:],
                           headers={"Content-Range": "200000-299999", "Content-Type": "application/octet-stream"})
    assert st == 416 and h["range"] == "0-99999" and error_code(_) == "BLOB_UPLOAD_INVALID"
    st, h, _ = reg.request("GET", loc)
    assert st == 204 and h["range"] == "0-99999" and h["docker-upload-uuid"] == uuid
    st, h, _ = reg.request("PATCH", loc, body=data[100_000:200_000],
                           headers={"Content-Range": "100000-199999", "Content-Type": "application/octet-stream"})
    assert st == 202 and h["range"] == "0-199999"
    # The last chunk rides on the closing PUT.
    st, h, _ = reg.request("PUT", f"{loc}?digest={d}", body=data[200_000:],
                           headers={"Content-Type": "application/octet-stream"})
    assert st == 201 and h["docker-content-digest"] == d and h["location"] == f"/v2/default/chunk/blobs/{d}"
    st, h, body = reg.request("GET", f"/v2/default/chunk/blobs/{d}")
    assert st == 200 and body == data and h["docker-content-digest"] == d
    st, h, body = reg.request("HEAD", f"/v2/default/chunk/blobs/{d}")
    assert st == 200 and h["content-length"] == str(len(data)) and body == b""
    st, h, body = reg.request("GET", f"/v2/default/chunk/blobs/{d}", headers={"Range": "bytes=1000-1999"})
    assert st == 206 and body == data[1000:2000] and h["content-range"] == f"bytes 1000-1999/{len(data)}"
    st, h, body = reg.request("GET", f"/v2/default/chunk/blobs/{d}", headers={"Range": "bytes=-10"})
    assert st == 206 and body == data[-10:]
    st, h, _ = reg.request("GET", f"/v2/default/chunk/blobs/{d}", headers={"Range": "bytes=999999-"})
    assert st == 416
    # The session is over.
    st, _, body = reg.request("GET", loc)
    assert st == 404 and error_code(body) == "BLOB_UPLOAD_UNKNOWN"


def test_upload_cancel_and_unknown(reg):
    st, h, _ = reg.request("POST", "/v2/default/cancel/blobs/uploads/")
    loc = h["location"]
    st, _, _ = reg.request("DELETE", loc)
    assert st == 204
    st, _, body = reg.request("PATCH", loc, body=b"x")
    assert st == 404 and error_code(body) == "BLOB_UPLOAD_UNKNOWN"
    # A session belongs to its repository.
    st, h, _ = reg.request("POST", "/v2/default/cancel/blobs/uploads/")
    other = h["location"].replace("/default/cancel/", "/default/elsewhere/")
    st, _, body = reg.request("PUT", other + "?digest=" + sha256(b""), body=b"")
    assert st == 404 and error_code(body) == "BLOB_UPLOAD_UNKNOWN"


def test_digest_mismatch_not_visible(reg, server):
    data = b"actual bytes"
    wrong = sha256(b"other bytes")
    st, _, body = reg.request("POST", f"/v2/default/bad/blobs/uploads/?digest={wrong}", body=data)
    assert st == 400 and error_code(body) == "DIGEST_INVALID"
    st, _, body = reg.request("HEAD", f"/v2/default/bad/blobs/{wrong}")
    assert st == 404
    assert not os.path.exists(os.path.join(server.data_dir, "registry", "blobs", "sha256", wrong[7:]))
    st, _, body = reg.request("POST", "/v2/default/bad/blobs/uploads/?digest=sha256:xyz", body=data)
    assert st == 400 and error_code(body) == "DIGEST_INVALID"
    st, _, body = reg.request("GET", "/v2/default/bad/blobs/md5:abc")
    assert st == 400 and error_code(body) == "DIGEST_INVALID"
    st, _, body = reg.request("GET", f"/v2/default/bad/blobs/{sha256(b'never')}")
    assert st == 404 and error_code(body) == "BLOB_UNKNOWN"
    # sha512 digests work too.
    import hashlib
    d512 = "sha512:" + hashlib.sha512(data).hexdigest()
    st, h, _ = reg.request("POST", f"/v2/default/bad/blobs/uploads/?digest={d512}", body=data)
    assert st == 201 and h["docker-content-digest"] == d512


def test_chunked_digest_checked(reg, server):
    """The digest of a chunked upload (hashed as the chunks arrive) is still checked, whatever the order."""
    a, b = os.urandom(70_000), os.urandom(50_000)
    for chunks, digest, ok in (([a, b], sha256(b + a), False), ([a, b], sha256(a + b), True)):
        st, h, _ = reg.request("POST", "/v2/default/chunky/blobs/uploads/")
        loc = h["location"]
        for c in chunks:
            st, h, _ = reg.request("PATCH", loc, body=c)
            assert st == 202
            loc = h["location"]
        st, _, body = reg.request("PUT", f"{loc}?digest={digest}")
        assert st == (201 if ok else 400), body
        if not ok:
            assert error_code(body) == "DIGEST_INVALID"
    # A chunk written past the running hash (here: straight into the session file) is not trusted to it.
    st, h, _ = reg.request("POST", "/v2/default/chunky/blobs/uploads/")
    loc = h["location"]
    st, h, _ = reg.request("PATCH", loc, body=a)
    with open(os.path.join(server.data_dir, "registry", "uploads", h["docker-upload-uuid"]), "ab") as f:
        f.write(b"sneaked in")
    st, _, body = reg.request("PUT", f"{loc}?digest={sha256(a)}")
    assert st == 400 and error_code(body) == "DIGEST_INVALID"


def test_cross_repo_mount(reg):
    d = reg.upload("default/mount-src", b"shared layer")
    st, h, _ = reg.request("POST", f"/v2/default/mount-dst/blobs/uploads/?mount={d}&from=default/mount-src")
    assert st == 201 and h["docker-content-digest"] == d
    st, _, body = reg.request("GET", f"/v2/default/mount-dst/blobs/{d}")
    assert st == 200 and body == b"shared layer"
    # Not in the source: an ordinary session instead.
    other = sha256(b"not there")
    st, h, _ = reg.request("POST", f"/v2/default/mount-dst/blobs/uploads/?mount={other}&from=default/mount-src")
    assert st == 202 and "docker-upload-uuid" in h


def test_manifest_errors(reg):
    repo = "default/mani"
    good = manifest_for(reg, repo)
    missing = dict(good, layers=[{"mediaType": OCI_LAYER_GZ, "digest": sha256(b"absent"), "size": 6}])
    st, _, body = reg.put_manifest(repo, "x", missing)
    assert st == 400 and error_code(body) == "MANIFEST_BLOB_UNKNOWN"
    assert json.loads(body)["errors"][0]["detail"]["digest"] == sha256(b"absent")
    st, _, body = reg.put_manifest(repo, "x", b"{not json")
    assert st == 400 and error_code(body) == "MANIFEST_INVALID"
    st, _, body = reg.put_manifest(repo, "x", dict(good, schemaVersion=1))
    assert st == 400 and error_code(body) == "MANIFEST_INVALID"
    st, _, body = reg.put_manifest(repo, "x", good, mt="application/x-unknown")
    assert st in (400, 415) and error_code(body) == "MANIFEST_INVALID"
    st, _, body = reg.put_manifest(repo, "x", good, mt=OCI_INDEX)  # mediaType field disagrees
    assert st == 400 and error_code(body) == "MANIFEST_INVALID"
    st, _, body = reg.put_manifest(repo, sha256(b"something else"), good)
    assert st == 400 and error_code(body) == "DIGEST_INVALID"
    st, _, body = reg.put_manifest(repo, "bad:tag!", good)
    assert st == 400
    big = dict(good, annotations={"pad": "x" * (4 << 20)})
    st, _, body = reg.put_manifest(repo, "big", big)
    assert st == 413 and error_code(body) == "SIZE_INVALID"
    st, _, body = reg.request("GET", f"/v2/{repo}/manifests/nope")
    assert st == 404 and error_code(body) == "MANIFEST_UNKNOWN"
    st, _, body = reg.request("GET", "/v2/default/UPPER/manifests/x")
    assert st == 400 and error_code(body) == "NAME_INVALID"
    st, _, body = reg.request("GET", "/v2/justone/manifests/x")
    assert st == 400 and error_code(body) == "NAME_INVALID"

    body = json.dumps(good).encode()
    st, h, _ = reg.put_manifest(repo, "1", body)
    assert st == 201 and h["docker-content-digest"] == sha256(body)
    for ref in ("1", sha256(body)):
        st, h, got = reg.request("GET", f"/v2/{repo}/manifests/{ref}", headers={"Accept": OCI_MANIFEST})
        assert st == 200 and got == body and h["content-type"] == OCI_MANIFEST
        st, h, got = reg.request("HEAD", f"/v2/{repo}/manifests/{ref}")
        assert st == 200 and got == b"" and h["content-length"] == str(len(body))
    # Docker schema 2 manifests are accepted and served with their type.
    dm = dict(good, mediaType="application/vnd.docker.distribution.manifest.v2+json")
    st, _, _ = reg.put_manifest(repo, "docker", dm, mt="application/vnd.docker.distribution.manifest.v2+json")
    assert st == 201
    st, h, _ = reg.request("GET", f"/v2/{repo}/manifests/docker")
    assert h["content-type"] == "application/vnd.docker.distribution.manifest.v2+json"
    # Delete by tag removes the tag only; by digest removes the manifest.
    st, _, _ = reg.request("DELETE", f"/v2/{repo}/manifests/1")
    assert st == 202
    st, _, _ = reg.request("GET", f"/v2/{repo}/manifests/{sha256(body)}")
    assert st == 200
    st, _, _ = reg.request("DELETE", f"/v2/{repo}/manifests/{sha256(body)}")
    assert st == 202
    st, _, body = reg.request("DELETE", f"/v2/{repo}/manifests/{sha256(body)}")
    assert st == 404 and error_code(body) == "MANIFEST_UNKNOWN"


def test_referrers(reg):
    repo = "default/refs"
    subject_body = json.dumps(manifest_for(reg, repo)).encode()
    st, _, _ = reg.put_manifest(repo, "v1", subject_body)
    subject = {"mediaType": OCI_MANIFEST, "digest": sha256(subject_body), "size": len(subject_body)}
    empty = reg.upload(repo, b"{}")
    made = []
    for at in ("application/vnd.example.sbom", "application/vnd.example.sig"):
        art = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": at,
               "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
               "layers": [], "subject": subject, "annotations": {"kind": at}}
        b = json.dumps(art).encode()
        st, h, _ = reg.put_manifest(repo, sha256(b), b)
        assert st == 201 and h["oci-subject"] == subject["digest"]
        made.append(sha256(b))
    st, h, body = reg.request("GET", f"/v2/{repo}/referrers/{subject['digest']}")
    assert st == 200 and h["content-type"] == OCI_INDEX
    idx = json.loads(body)
    assert sorted(m["digest"] for m in idx["manifests"]) == sorted(made)
    assert {m["annotations"]["kind"] for m in idx["manifests"]} == {"application/vnd.example.sbom",
                                                                     "application/vnd.example.sig"}
    st, h, body = reg.request("GET", f"/v2/{repo}/referrers/{subject['digest']}?artifactType=application/vnd.example.sig")
    assert h["oci-filters-applied"] == "artifactType"
    assert [m["artifactType"] for m in json.loads(body)["manifests"]] == ["application/vnd.example.sig"]
    # Deleting a referrer removes it from the list; an unknown subject has none.
    st, _, _ = reg.request("DELETE", f"/v2/{repo}/manifests/{made[0]}")
    st, _, body = reg.request("GET", f"/v2/{repo}/referrers/{subject['digest']}")
    assert [m["digest"] for m in json.loads(body)["manifests"]] == [made[1]]
    st, _, body = reg.request("GET", f"/v2/{repo}/referrers/{sha256(b'none')}")
    assert st == 200 and json.loads(body)["manifests"] == []


def test_tags_pagination_and_catalog(reg):
    repo = "default/paged"
    body = json.dumps(manifest_for(reg, repo)).encode()
    names = [f"t{i:02d}" for i in range(7)]
    for t in names:
        assert reg.put_manifest(repo, t, body)[0] == 201
    st, _, b = reg.request("GET", f"/v2/{repo}/tags/list")
    assert json.loads(b) == {"name": repo, "tags": names}
    got, path, pages = [], f"/v2/{repo}/tags/list?n=3", 0
    while path and pages < 10:
        st, h, b = reg.request("GET", path)
        assert st == 200
        got += json.loads(b)["tags"]
        link = h.get("link")
        path = link[1:link.index(">")] if link else None
        pages += 1
    assert got == names and pages == 3
    st, _, b = reg.request("GET", f"/v2/{repo}/tags/list?n=2&last=t04")
    assert json.loads(b)["tags"] == ["t05", "t06"]
    st, _, b = reg.request("GET", "/v2/default/never-pushed/tags/list")
    assert st == 404 and error_code(b) == "NAME_UNKNOWN"
    st, _, b = reg.request("GET", "/v2/_catalog")
    assert st == 200 and repo in json.loads(b)["repositories"]
    st, h, b = reg.request("GET", "/v2/_catalog?n=1")
    assert len(json.loads(b)["repositories"]) == 1 and "link" in h


def test_upload_limit_env(tmp_path):
    from conftest import Server
    os.environ["ATOLL_REGISTRY_MAX_UPLOAD"] = "1000"
    try:
        s = Server()
    finally:
        del os.environ["ATOLL_REGISTRY_MAX_UPLOAD"]
    try:
        reg = Reg(s, tmp_path)
        st, _, body = reg.request("POST", f"/v2/default/lim/blobs/uploads/?digest={sha256(b'x' * 2000)}",
                                  body=b"x" * 2000)
        assert st == 413 and error_code(body) == "SIZE_INVALID"
        st, h, _ = reg.request("POST", "/v2/default/lim/blobs/uploads/")
        st, _, body = reg.request("PATCH", h["location"], body=b"y" * 1500)
        assert st == 413 and error_code(body) == "SIZE_INVALID"
        assert reg.upload("default/lim", b"z" * 900)
    finally:
        s.close()


def test_curl_error_codes(server, reg):
    """The spec's error JSON as curl sees it."""
    def curl(*args):
        p = subprocess.run(["curl", "-s", "--cacert", os.path.join(reg.certs, "ca.crt"), "-w", "\n%{http_code}",
                            *args], capture_output=True, text=True, timeout=30)
        body, code = p.stdout.rsplit("\n", 1)
        return int(code), body
    base = f"https://{reg.host}/v2"
    code, body = curl(f"{base}/default/app/tags/list")
    assert code == 401 and error_code(body) == "UNAUTHORIZED"
    code, body = curl("-u", "x:" + server.token(), f"{base}/default/curl/blobs/{sha256(b'q')}")
    assert code == 404 and error_code(body) == "BLOB_UNKNOWN"
    code, body = curl("-u", "x:" + server.token(), f"{base}/default/curl/manifests/none")
    assert code == 404 and error_code(body) == "MANIFEST_UNKNOWN"
    code, body = curl("-u", "x:" + server.token(), "-X", "PUT", "-H", f"Content-Type: {OCI_MANIFEST}",
                      "--data-binary", "[]", f"{base}/default/curl/manifests/x")
    assert code == 400 and error_code(body) == "MANIFEST_INVALID"
    code, body = curl("-u", "x:" + server.token(), "-X", "POST", f"{base}/missing-ns/app/blobs/uploads/")
    assert code == 404 and error_code(body) == "NAME_UNKNOWN"
    code, body = curl("-u", "x:" + server.token(), f"{base}/default/curl/unknown-endpoint")
    assert code == 404
