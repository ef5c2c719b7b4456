# SPDX-License-Identifier: Apache-2.0
"""Pod volumes on the server's own node: emptyDir shared by containers, ConfigMap and Secret files
with their modes, the downward API, projected service-account tokens the API server accepts, a
missing ConfigMap that appears later, and a claim whose data outlives its pod."""
import base64
import glob
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import Server, image_node, run_dir

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def node_server():
    with image_node() as s:
        yield s
        # Pods go first, so their volumes (tmpfs, disks) are released before the data dir is removed.
        s.kubectl("delete", "pods", "--all", "-A", "--wait=false", check=False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (json.loads(s.request("GET", "/api/v1/pods")[2])["items"] or
                                               mounts_under(s.data_dir)):
            time.sleep(0.3)
        s.stop()
        # Whatever a failed test left mounted under the data dir (a bug to report, not to leak).
        left = mounts_under(s.data_dir)
        for m in sorted(left, reverse=True):
            subprocess.run(["umount", "-l", m])
    assert not left, f"mounts left behind: {left}"


def tmpfs(path):
    """Whether path is on a tmpfs: the file system of the longest mount point above it."""
    best, fstype = "", ""
    real = os.path.realpath(path)
    with open("/proc/self/mounts") as f:
        for line in f:
            mp, t = line.split()[1], line.split()[2]
            if (real == mp or real.startswith(mp.rstrip("/") + "/")) and len(mp) >= len(best):
                best, fstype = mp, t
    return fstype == "tmpfs"


def mounts_under(d):
    """Mounts under data dir d and under its node's runtime directory (secrets, memory emptyDirs)."""
    roots = (d + "/", run_dir(d) + "/")
    with open("/proc/self/mounts") as f:
        return [line.split()[1] for line in f if line.split()[1].startswith(roots)]


def post(s, path, obj):
    code, _, body = s.request("POST", path, obj)
    assert code in (200, 201), body


def wait_pod(s, ns, name, pred, timeout=60):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        code, _, body = s.request("GET", f"/api/v1/namespaces/{ns}/pods/{name}")
        if code == 200:
            last = json.loads(body)
            if pred(last):
                return last
        time.sleep(0.2)
    raise AssertionError(f"pod {name} never got there: {json.dumps(last.get('status')) if last else None}\n"
                         + s.logtext()[-1500:])


def finished(p):
    return p.get("status", {}).get("phase") in ("Succeeded", "Failed")


def wait_gone(s, ns, name, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if s.request("GET", f"/api/v1/namespaces/{ns}/pods/{name}")[0] == 404:
            return
        time.sleep(0.2)
    raise AssertionError(f"pod {name} was not deleted")


def ctr(name, image, cmd, mounts, **extra):
    c = {"name": name, "image": image, "command": ["sh", "-c", cmd], "volumeMounts": mounts}
    c.update(extra)
    return c


def pod(name, containers, volumes, **spec):
    sp = {"nodeName": "n1", "restartPolicy": "Never", "containers": containers, "volumes": volumes}
    sp.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}}, "spec": sp}


def logs(s, name, container):
    return s.kubectl("logs", name, "-c", container).stdout


def test_empty_dir_shared_by_two_containers(node_server):
    s = node_server
    writer = ctr("writer", s.image, "id -u; echo from-writer > /shared/msg; ls -ld /shared",
                 [{"name": "shared", "mountPath": "/shared"}], securityContext={"runAsUser": 1000})
    reader = ctr("reader", s.image,
                 "i=0; while [ ! -s /shared/msg ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; cat /shared/msg",
                 [{"name": "shared", "mountPath": "/shared"}])
    mem = ctr("mem", s.image, "dd if=/dev/zero of=/m/big bs=1024 count=4096 2>&1; ls -l /m/big",
              [{"name": "mem", "mountPath": "/m"}])
    post(s, "/api/v1/namespaces/default/pods",
         pod("share", [writer, reader, mem], [{"name": "shared", "emptyDir": {}},
                                               {"name": "mem", "emptyDir": {"medium": "Memory",
                                                                            "sizeLimit": "1Mi"}}]))
    p = wait_pod(s, "default", "share", finished)
    out = logs(s, "share", "writer")
    assert out.splitlines()[0] == "1000", out  # a non-root user writes the emptyDir
    assert logs(s, "share", "reader").strip() == "from-writer"
    # The memory-backed one holds no more than its sizeLimit.
    assert "No space left" in logs(s, "share", "mem"), logs(s, "share", "mem")
    s.kubectl("delete", "pod", "share")
    wait_gone(s, "default", "share")


def test_configmap_secret_downward_files(node_server):
    s = node_server
    post(s, "/api/v1/namespaces/default/configmaps",
         {"metadata": {"name": "app-config"}, "data": {"app.conf": "color=blue\n", "other": "x"}})
    post(s, "/api/v1/namespaces/default/secrets",
         {"metadata": {"name": "app-secret"}, "data": {"password": base64.b64encode(b"hunter2").decode()}})
    cmd = ("cat /etc/cfg/conf/app.conf; stat -L -c 'cfg %a' /etc/cfg/conf/app.conf; ls /etc/cfg;"
           "cat /etc/sec/password; echo; stat -L -c 'sec %a %u' /etc/sec/password;"
           "cat /etc/info/labels; echo; cat /etc/info/name; echo; cat /etc/one.conf;"
           "touch /etc/cfg/x 2>/dev/null && echo writable || echo read-only")
    c = ctr("main", s.image, cmd, [{"name": "cfg", "mountPath": "/etc/cfg"},
                                   {"name": "sec", "mountPath": "/etc/sec"},
                                   {"name": "info", "mountPath": "/etc/info"},
                                   {"name": "cfg", "mountPath": "/etc/one.conf", "subPath": "conf/app.conf"}])
    vols = [{"name": "cfg", "configMap": {"name": "app-config",
                                         "items": [{"key": "app.conf", "path": "conf/app.conf", "mode": 0o600}]}},
            {"name": "sec", "secret": {"secretName": "app-secret", "defaultMode": 0o400}},
            {"name": "info", "downwardAPI": {"items": [
                {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}}]}}]
    post(s, "/api/v1/namespaces/default/pods", pod("files", [c], vols))
    p = wait_pod(s, "default", "files", finished)
    out = logs(s, "files", "main")
    assert p["status"]["phase"] == "Succeeded", out
    lines = out.splitlines()
    assert lines[0] == "color=blue"
    assert lines[1] == "cfg 600"
    assert "conf" in lines[2] and "other" not in out  # only the listed item
    assert "hunter2" in out and "sec 400 0" in out
    assert 'app="files"' in out and "\nfiles\n" in out
    assert out.count("color=blue") == 2  # the subPath mount of one key
    assert lines[-1] == "read-only"
    s.kubectl("delete", "pod", "files")
    wait_gone(s, "default", "files")


def test_missing_configmap_waits_then_runs(node_server):
    s = node_server
    c = ctr("main", s.image, "cat /etc/late/k", [{"name": "late", "mountPath": "/etc/late"}])
    post(s, "/api/v1/namespaces/default/pods", pod("waits", [c], [{"name": "late", "configMap": {"name": "late"}}]))

    def waiting(p):
        for cs in p.get("status", {}).get("containerStatuses", []):
            w = cs.get("state", {}).get("waiting", {})
            if 'configmap "late" not found' in w.get("message", ""):
                return True
        return False
    p = wait_pod(s, "default", "waits", waiting)
    assert p["status"]["phase"] == "Pending"
    assert p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    evs = json.loads(s.request("GET", "/api/v1/namespaces/default/events")[2])["items"]
    assert any(e["involvedObject"].get("name") == "waits" and e["reason"] == "FailedMount" and
               'configmap "late" not found' in e["message"] for e in evs), evs
    post(s, "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "late"}, "data": {"k": "arrived"}})
    wait_pod(s, "default", "waits", lambda p: p.get("status", {}).get("phase") == "Succeeded", timeout=90)
    assert logs(s, "waits", "main").strip() == "arrived"
    s.kubectl("delete", "pod", "waits")
    wait_gone(s, "default", "waits")


def test_projected_token_is_accepted_by_the_api_server(node_server):
    s = node_server
    proj = {"name": "tok", "projected": {"sources": [
        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}}]}}]}}
    c = ctr("main", s.image, "echo T=$(cat /var/run/secrets/tokens/token); echo N=$(cat /var/run/secrets/tokens/namespace);"
            "sleep 60",
            [{"name": "tok", "mountPath": "/var/run/secrets/tokens"}])
    post(s, "/api/v1/namespaces/default/pods", pod("tokens", [c], [proj]))
    wait_pod(s, "default", "tokens", lambda p: p.get("status", {}).get("phase") == "Running")
    deadline = time.monotonic() + 20
    out = ""
    while time.monotonic() < deadline and "N=" not in out:
        out = logs(s, "tokens", "main")
        time.sleep(0.3)
    vals = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    token, ns = vals.get("T"), vals.get("N")
    assert token and ns == "default", out
    who = s.kubectl("--token", token, "auth", "whoami", "-o", "json")
    assert json.loads(who.stdout)["status"]["userInfo"]["username"] == "system:serviceaccount:default:default"
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["kubernetes.io"]["pod"]["name"] == "tokens"
    s.kubectl("delete", "pod", "tokens", "--grace-period=1")
    wait_gone(s, "default", "tokens")
    # Bound to the pod: gone with it.
    p = s.kubectl("--token", token, "auth", "whoami", check=False)
    assert p.returncode != 0


def test_claim_data_outlives_the_pod(node_server):
    s = node_server
    post(s, "/api/v1/namespaces/default/persistentvolumeclaims",
         {"metadata": {"name": "keep"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                  "resources": {"requests": {"storage": "32Mi"}}}})
    vol = [{"name": "data", "persistentVolumeClaim": {"claimName": "keep"}}]
    m = [{"name": "data", "mountPath": "/data"}]
    post(s, "/api/v1/namespaces/default/pods",
         pod("first", [ctr("main", s.image, "echo persisted > /data/f; df -k /data | tail -1", m,
                           securityContext={"runAsUser": 1000})], vol))
    p = wait_pod(s, "default", "first", finished)
    out = logs(s, "first", "main")
    assert p["status"]["phase"] == "Succeeded", out
    total_k = int(out.split()[1])
    assert 16 * 1024 < total_k <= 32 * 1024  # the filesystem is the claim's size
    # A finished pod holds no disk: it is unmounted before the pod is deleted.
    mnt = os.path.join(s.data_dir, "volumes", "mnt")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and mounts_under(mnt):
        time.sleep(0.2)
    assert not mounts_under(mnt)
    s.kubectl("delete", "pod", "first")
    wait_gone(s, "default", "first")
    post(s, "/api/v1/namespaces/default/pods", pod("second", [ctr("main", s.image, "cat /data/f", m)], vol))
    p = wait_pod(s, "default", "second", finished)
    assert logs(s, "second", "main").strip() == "persisted"
    s.kubectl("delete", "pod", "second")
    wait_gone(s, "default", "second")
    vname = s.kjson("get", "pvc", "keep")["spec"]["volumeName"]
    img = os.path.join(s.data_dir, "volumes", vname + ".img")
    assert os.path.exists(img)
    s.kubectl("delete", "pvc", "keep")
    # The volume (policy Delete) goes, and then the node removes its disk.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and os.path.exists(img):
        time.sleep(0.5)
    assert not os.path.exists(img)


def test_fs_group_read_only_and_host_path(node_server, tmp_path):
    s = node_server
    post(s, "/api/v1/namespaces/default/secrets",
         {"metadata": {"name": "grp-secret"}, "data": {"k": base64.b64encode(b"group-readable").decode()}})
    host = tmp_path / "host"
    host.mkdir()
    host.chmod(0o777)  # the pod's user is not root: the host directory must let it write
    (host / "from-host").write_text("hello-host")
    cmd = ("cat /s/k; echo; stat -L -c '%a %g' /s/k; touch /ro/x 2>/dev/null && echo ro-writable || echo ro-refused;"
           "touch /rw/x && echo rw-ok; stat -c '%g' /rw/x; cat /h/from-host; echo; echo pod > /h/from-pod")
    c = ctr("main", s.image, cmd, [{"name": "sec", "mountPath": "/s"},
                                   {"name": "scratch", "mountPath": "/ro", "readOnly": True},
                                   {"name": "scratch", "mountPath": "/rw"},
                                   {"name": "host", "mountPath": "/h"}],
            securityContext={"runAsUser": 1000, "runAsGroup": 2000})
    post(s, "/api/v1/namespaces/default/pods",
         pod("grp", [c], [{"name": "sec", "secret": {"secretName": "grp-secret", "defaultMode": 0o400}},
                          {"name": "scratch", "emptyDir": {}},
                          {"name": "host", "hostPath": {"path": str(host), "type": "Directory"}}],
             securityContext={"fsGroup": 2000}))
    p = wait_pod(s, "default", "grp", finished)
    out = logs(s, "grp", "main")
    assert p["status"]["phase"] == "Succeeded", out
    lines = out.splitlines()
    # 0400 for the owner, and group read for the pod's fsGroup, which the container runs as.
    assert lines[0] == "group-readable" and lines[1] == "440 2000", out
    assert lines[2] == "ro-refused" and lines[3] == "rw-ok", out
    assert lines[4] == "2000", out  # new files in an fsGroup emptyDir take its group (setgid)
    assert lines[5] == "hello-host"
    assert (host / "from-pod").read_text() == "pod\n"
    assert (host / "from-pod").stat().st_uid == 1000  # idmapped: the pod's uid is the file's uid
    s.kubectl("delete", "pod", "grp")
    wait_gone(s, "default", "grp")


def test_retained_disk_outlives_its_volume(node_server):
    s = node_server
    post(s, "/apis/storage.k8s.io/v1/storageclasses",
         {"metadata": {"name": "keep-disks"}, "provisioner": "atoll.dev/local", "reclaimPolicy": "Retain"})
    for name, cls in (("kept", "keep-disks"), ("dropped", "atoll-local")):
        post(s, "/api/v1/namespaces/default/persistentvolumeclaims",
             {"metadata": {"name": name}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": cls,
                                                   "resources": {"requests": {"storage": "16Mi"}}}})
    post(s, "/api/v1/namespaces/default/pods",
         pod("once", [ctr("main", s.image, "echo kept > /k/f; echo dropped > /d/f",
                          [{"name": "k", "mountPath": "/k"}, {"name": "d", "mountPath": "/d"}])],
             [{"name": "k", "persistentVolumeClaim": {"claimName": "kept"}},
              {"name": "d", "persistentVolumeClaim": {"claimName": "dropped"}}]))
    p = wait_pod(s, "default", "once", finished)
    assert p["status"]["phase"] == "Succeeded"
    kept = s.kjson("get", "pvc", "kept")["spec"]["volumeName"]
    dropped = s.kjson("get", "pvc", "dropped")["spec"]["volumeName"]
    s.kubectl("delete", "pod", "once")
    wait_gone(s, "default", "once")
    s.kubectl("delete", "pvc", "kept")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and s.kjson("get", "pv", kept)["status"]["phase"] != "Released":
        time.sleep(0.3)
    s.kubectl("delete", "pv", kept)
    # Then a Delete volume goes: once the node has removed its disk, it has also looked at the
    # retained one (whose volume was deleted earlier) and must have kept it.
    s.kubectl("delete", "pvc", "dropped")
    gone = os.path.join(s.data_dir, "volumes", dropped + ".img")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and os.path.exists(gone):
        time.sleep(0.5)
    assert not os.path.exists(gone)
    assert os.path.exists(os.path.join(s.data_dir, "volumes", kept + ".img")), "a retained disk was removed"
    s.kubectl("delete", "storageclass", "keep-disks")


def test_configmap_update_reaches_a_running_container(node_server):
    s = node_server
    post(s, "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "live"}, "data": {"k": "v1"}})
    c = ctr("main", s.image, "i=0; while [ $i -lt 200 ]; do echo \"seen=$(cat /cfg/k) tok=$(md5sum < /t/token)\";"
            "sleep 0.5; i=$((i+1)); done",
            [{"name": "cfg", "mountPath": "/cfg"}, {"name": "tok", "mountPath": "/t"}])
    tok = {"name": "tok", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}
    post(s, "/api/v1/namespaces/default/pods",
         pod("live", [c], [{"name": "cfg", "configMap": {"name": "live"}}, tok]))
    wait_pod(s, "default", "live", lambda p: p.get("status", {}).get("phase") == "Running")
    s.kubectl("patch", "configmap", "live", "--type=merge", "-p", json.dumps({"data": {"k": "v2"}}))
    # The agent rewrites such volumes every minute; the container sees the ..data swap.
    deadline = time.monotonic() + 90
    out = ""
    while time.monotonic() < deadline and "seen=v2" not in out:
        time.sleep(1)
        out = logs(s, "live", "main")
    assert "seen=v1" in out and "seen=v2" in out, out[-500:]
    # The refresh that brought v2 kept the token: it is far from 80% of its hour.
    assert len({line.split("tok=")[1] for line in out.splitlines() if "tok=" in line}) == 1, out[-500:]
    s.kubectl("delete", "pod", "live", "--grace-period=1")
    wait_gone(s, "default", "live")


def test_ephemeral_volume_lives_and_dies_with_its_pod(node_server):
    s = node_server
    tmpl = {"metadata": {"labels": {"kind": "scratch"}},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "16Mi"}}}}
    post(s, "/api/v1/namespaces/default/pods",
         pod("eph", [ctr("main", s.image, "echo x > /scratch/f && df -k /scratch | tail -1",
                         [{"name": "scratch", "mountPath": "/scratch"}])],
             [{"name": "scratch", "ephemeral": {"volumeClaimTemplate": tmpl}}]))
    p = wait_pod(s, "default", "eph", finished)
    out = logs(s, "eph", "main")
    assert p["status"]["phase"] == "Succeeded", out
    assert 8 * 1024 < int(out.split()[1]) <= 16 * 1024
    c = s.kjson("get", "pvc", "eph-scratch")
    assert c["metadata"]["labels"] == {"kind": "scratch"}
    ref = c["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["uid"]) == ("Pod", "eph", p["metadata"]["uid"])
    vname = c["spec"]["volumeName"]
    s.kubectl("delete", "pod", "eph")
    wait_gone(s, "default", "eph")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (s.request("GET", "/api/v1/namespaces/default/persistentvolumeclaims/eph-scratch")[0] != 404
                                           or s.request("GET", f"/api/v1/persistentvolumes/{vname}")[0] != 404):
        time.sleep(0.3)
    assert s.request("GET", f"/api/v1/persistentvolumes/{vname}")[0] == 404


def test_ephemeral_volume_refuses_a_foreign_claim(node_server):
    s = node_server
    post(s, "/api/v1/namespaces/default/persistentvolumeclaims",
         {"metadata": {"name": "thief-data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                       "resources": {"requests": {"storage": "8Mi"}}}})
    tmpl = {"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "8Mi"}}}}
    post(s, "/api/v1/namespaces/default/pods",
         pod("thief", [ctr("main", s.image, "true", [{"name": "data", "mountPath": "/d"}])],
             [{"name": "data", "ephemeral": {"volumeClaimTemplate": tmpl}}]))

    def refused(p):
        for cs in p.get("status", {}).get("containerStatuses", []):
            if "pod is not owner" in cs.get("state", {}).get("waiting", {}).get("message", ""):
                return True
        return False
    wait_pod(s, "default", "thief", refused)
    s.kubectl("delete", "pod", "thief")
    wait_gone(s, "default", "thief")
    s.kubectl("delete", "pvc", "thief-data")


def test_read_write_once_pod_claim_has_one_user(node_server):
    s = node_server
    post(s, "/api/v1/namespaces/default/persistentvolumeclaims",
         {"metadata": {"name": "solo"}, "spec": {"accessModes": ["ReadWriteOncePod"],
                                                  "resources": {"requests": {"storage": "8Mi"}}}})
    vol = [{"name": "d", "persistentVolumeClaim": {"claimName": "solo"}}]
    m = [{"name": "d", "mountPath": "/d"}]
    post(s, "/api/v1/namespaces/default/pods", pod("solo-a", [ctr("main", s.image, "echo a > /d/f; sleep 120", m)], vol))
    wait_pod(s, "default", "solo-a", lambda p: p.get("status", {}).get("phase") == "Running")
    post(s, "/api/v1/namespaces/default/pods", pod("solo-b", [ctr("main", s.image, "cat /d/f", m)], vol))

    def blocked(p):
        return any("ReadWriteOncePod" in cs.get("state", {}).get("waiting", {}).get("message", "")
                   for cs in p.get("status", {}).get("containerStatuses", []))
    wait_pod(s, "default", "solo-b", blocked)
    s.kubectl("delete", "pod", "solo-a", "--grace-period=1")
    wait_pod(s, "default", "solo-b", finished, timeout=120)
    assert logs(s, "solo-b", "main").strip() == "a"
    s.kubectl("delete", "pod", "solo-b")
    wait_gone(s, "default", "solo-b")
    s.kubectl("delete", "pvc", "solo")


def test_volumes_survive_an_agent_restart_and_go_with_their_pods(tmp_path):
    img = tempfile.mkdtemp(prefix="atoll-img-")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
    image = f"oci:{img}:latest"
    s = Server(node=True, keep_pods=True, args=["--node-name", "n1"])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
            time.sleep(0.2)
        post(s, "/api/v1/namespaces/default/persistentvolumeclaims",
             {"metadata": {"name": "kept"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                      "resources": {"requests": {"storage": "8Mi"}}}})
        vols = [{"name": "d", "persistentVolumeClaim": {"claimName": "kept"}},
                {"name": "m", "emptyDir": {"medium": "Memory"}}]
        m = [{"name": "d", "mountPath": "/d"}, {"name": "m", "mountPath": "/m"}]
        for name in ("stay", "orphan"):
            post(s, "/api/v1/namespaces/default/pods",
                 pod(name, [ctr("main", image, f"echo {name} > /m/x; sleep 300", m)], vols))
            wait_pod(s, "default", name, lambda p: p.get("status", {}).get("phase") == "Running")
        # One disk and two memory emptyDirs. The service account volumes are in memory too (as the kubelet's),
        # in the pods' directories on the node's runtime tmpfs, without a mount each.
        assert len(mounts_under(s.data_dir)) == 3, mounts_under(s.data_dir)
        sa = glob.glob(os.path.join(run_dir(s.data_dir), "pods", "*", "volumes", "kube-api-access-*"))
        assert len(sa) == 2 and all(tmpfs(d) for d in sa), sa
        s.kill9()
        # While no agent runs, "orphan" goes from the API (a server without its node).
        args = s.args
        s.args = ["--node-name", "n1", "--no-node"]
        s.start()
        s.request("DELETE", "/api/v1/namespaces/default/pods/orphan?gracePeriodSeconds=0")
        s.stop()
        s.args = args
        s.start()
        # The new agent stops the orphan and releases its volumes; the disk stays for "stay".
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(mounts_under(s.data_dir)) != 2:
            time.sleep(0.3)
        assert len(mounts_under(s.data_dir)) == 2, mounts_under(s.data_dir)
        wait_pod(s, "default", "stay", lambda p: p.get("status", {}).get("phase") == "Running")
        s.kubectl("delete", "pod", "stay", "--grace-period=1")
        wait_gone(s, "default", "stay")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and mounts_under(s.data_dir):
            time.sleep(0.3)
        assert not mounts_under(s.data_dir)
    finally:
        s.kubectl("delete", "pods", "--all", "--grace-period=0", "--force", check=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and mounts_under(s.data_dir):
            time.sleep(0.3)
        s.stop()
        for mp in sorted(mounts_under(s.data_dir), reverse=True):
            subprocess.run(["umount", "-l", mp])
        s.close()
        subprocess.run(["rm", "-rf", img])
