# SPDX-License-Identifier: Apache-2.0
"""Encryption at rest: Secrets never reach the data dir in cleartext, read back unchanged,
survive restarts and kill -9, and move to a new key with rotate, rewrite and prune."""
import base64
import json
import os
import signal
import stat
import subprocess
import threading
import time

from conftest import ATOLL, Server


def atoll(*args, check=True):
    p = subprocess.run([ATOLL, *args], capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"atoll {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def data_files(data_dir):
    """Every file under the data dir: the store (database, WAL; the event log is a table in it),
    the key ring, PKI, logs."""
    for root, _, files in os.walk(data_dir):
        for f in files:
            yield os.path.join(root, f)


def disk_has(data_dir, needle):
    """What `grep -a -l needle -r DATA` would list (relative paths)."""
    found = []
    for path in data_files(data_dir):
        try:
            with open(path, "rb") as f:
                if needle in f.read():
                    found.append(os.path.relpath(path, data_dir))
        except OSError:
            pass
    return found


def markers(value):
    """The marker as it could appear on disk: raw, and base64 as Secret data holds it."""
    return [value.encode(), base64.b64encode(value.encode()).rstrip(b"=")]


def create_secret(s, name, value, ns="default"):
    s.kubectl("create", "secret", "generic", name, "-n", ns, f"--from-literal=pw={value}")


def secret_value(s, name, ns="default"):
    obj = s.kjson("get", "secret", name, "-n", ns)
    return base64.b64decode(obj["data"]["pw"]).decode()


def key_names(data_dir):
    with open(os.path.join(data_dir, "encryption-keys")) as f:
        return [line.split()[1] for line in f if line.startswith("aesgcm ")]


def test_secrets_encrypted_on_disk_and_read_unchanged():
    s = Server()
    try:
        ring = os.path.join(s.data_dir, "encryption-keys")
        assert stat.S_IMODE(os.stat(ring).st_mode) == 0o600
        assert key_names(s.data_dir) == ["key1"]
        marker = "MARKER-" + os.urandom(6).hex()
        create_secret(s, "db-pass", marker)
        # Through apply too (its last-applied annotation repeats the data), and a ConfigMap
        # as a control: not in the list, so stored as is.
        s.kubectl("apply", "-f", "-", input=json.dumps({
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sd", "namespace": "default"},
            "data": {"pw": base64.b64encode((marker + "-sd").encode()).decode()}}))
        control = "CONTROL-" + os.urandom(6).hex()
        s.kubectl("create", "configmap", "plain", f"--from-literal=v={control}")
        assert secret_value(s, "db-pass") == marker
        assert secret_value(s, "sd") == marker + "-sd"
        for m in markers(marker):
            assert disk_has(s.data_dir, m) == []
        assert disk_has(s.data_dir, control.encode()) != []
        assert disk_has(s.data_dir, b"k8s:enc:aesgcm:v1:key1:") != []

        # A watch from before the writes, after a restart, reads the on-disk event log.
        rv0 = "1"
        s.restart()
        assert secret_value(s, "db-pass") == marker
        code, _, body = s.request("GET", f"/api/v1/namespaces/default/secrets?watch=1&resourceVersion={rv0}"
                                         "&timeoutSeconds=1")
        assert code == 200
        events = [json.loads(line) for line in body.splitlines() if line.strip()]
        added = [e["object"] for e in events if e["type"] == "ADDED" and e["object"]["metadata"]["name"] == "db-pass"]
        assert added and base64.b64decode(added[0]["data"]["pw"]).decode() == marker
        # Updates keep working and stay sealed.
        v2 = base64.b64encode((marker + "-v2").encode()).decode()
        s.kubectl("patch", "secret", "db-pass", "-p", json.dumps({"data": {"pw": v2}}))
        assert secret_value(s, "db-pass") == marker + "-v2"
        for m in markers(marker + "-v2"):
            assert disk_has(s.data_dir, m) == []
    finally:
        s.close()


def test_rotate_rewrite_prune():
    s = Server()
    try:
        old = "OLD-" + os.urandom(6).hex()
        create_secret(s, "old", old)
        # Rotating while the server runs is safe: it keeps its keys until restarted.
        out = atoll("encryption", "rotate", "--data-dir", s.data_dir).stdout
        assert "key2" in out
        assert key_names(s.data_dir) == ["key2", "key1"]
        s.restart()
        assert secret_value(s, "old") == old          # old key still decrypts
        new = "NEW-" + os.urandom(6).hex()
        create_secret(s, "new", new)
        assert secret_value(s, "new") == new
        s.stop()
        st = atoll("encryption", "status", "--data-dir", s.data_dir).stdout
        lines = {ln.split()[0]: ln for ln in st.splitlines() if ln.startswith("key")}
        assert "primary" in lines["key2"] and " 0 values" not in lines["key2"]
        assert " 0 values" not in lines["key1"]
        # key1 is still used: prune keeps it.
        atoll("encryption", "prune", "--data-dir", s.data_dir)
        assert key_names(s.data_dir) == ["key2", "key1"]
        assert "rewrote" in atoll("encryption", "rewrite", "--data-dir", s.data_dir).stdout
        assert disk_has(s.data_dir, b"k8s:enc:aesgcm:v1:key1:") == []
        atoll("encryption", "prune", "--data-dir", s.data_dir)
        assert key_names(s.data_dir) == ["key2"]
        s.start()
        assert secret_value(s, "old") == old
        assert secret_value(s, "new") == new
        for m in markers(old) + markers(new):
            assert disk_has(s.data_dir, m) == []
        # rewrite and prune refuse while the server runs.
        p = atoll("encryption", "rewrite", "--data-dir", s.data_dir, check=False)
        assert p.returncode != 0 and "in use" in p.stderr
    finally:
        s.close()


def test_missing_key_refuses_to_start():
    s = Server()
    try:
        create_secret(s, "x", "X-" + os.urandom(4).hex())
        s.stop()
        atoll("encryption", "rotate", "--data-dir", s.data_dir)
        ring = os.path.join(s.data_dir, "encryption-keys")
        with open(ring) as f:
            lines = [ln for ln in f if not ln.startswith("aesgcm key1 ")]
        with open(ring, "w") as f:
            f.writelines(lines)
        try:
            s.start()
            started = True
        except RuntimeError as e:
            started = False
            assert "key1" in str(e)
        assert not started
    finally:
        s.close()


def test_kill9_keeps_acknowledged_secrets():
    s = Server()
    try:
        acked = []
        stop = threading.Event()

        def writer(tid):
            for i in range(2000):
                if stop.is_set():
                    return
                name = f"s{tid}-{i}"
                try:
                    code, _, _ = s.request("POST", "/api/v1/namespaces/default/secrets",
                                           {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                                            "data": {"pw": base64.b64encode(("KILL-" + name).encode()).decode()}})
                except OSError:
                    return
                if code == 201:
                    acked.append(name)

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(3)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < 30 and time.monotonic() < deadline:
            time.sleep(0.01)
        s.proc.send_signal(signal.SIGKILL)          # in the middle of the writes
        s.proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert len(acked) >= 30
        s.log.close()
        s.start()
        items = {i["metadata"]["name"]: i for i in s.kjson("get", "secrets", "-n", "default")["items"]}
        for name in acked:
            assert base64.b64decode(items[name]["data"]["pw"]).decode() == "KILL-" + name
        assert disk_has(s.data_dir, base64.b64encode(b"KILL-s0-")[:8]) == []
    finally:
        s.close()


def test_sighup_reloads_keys():
    s = Server()
    try:
        old = "HUP-OLD-" + os.urandom(6).hex()
        create_secret(s, "old", old)
        atoll("encryption", "rotate", "--data-dir", s.data_dir)
        s.proc.send_signal(signal.SIGHUP)
        # The reload is logged once it is done; wait for that line (bounded).
        deadline = time.monotonic() + 30
        while "key2 encrypts" not in s.logtext() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "key2 encrypts" in s.logtext()
        assert s.proc.poll() is None                 # SIGHUP does not stop the server
        new = "HUP-NEW-" + os.urandom(6).hex()
        create_secret(s, "new", new)
        assert disk_has(s.data_dir, b"k8s:enc:aesgcm:v1:key2:") != []
        assert secret_value(s, "old") == old and secret_value(s, "new") == new
        for m in markers(old) + markers(new):
            assert disk_has(s.data_dir, m) == []
        # A broken key ring is refused; the server keeps the keys it has.
        ring = os.path.join(s.data_dir, "encryption-keys")
        os.rename(ring, ring + ".saved")
        with open(ring, "w") as f:
            f.write("aesgcm broken\n")
        os.chmod(ring, 0o600)
        s.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while "key ring not reloaded" not in s.logtext() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "key ring not reloaded" in s.logtext()
        os.rename(ring + ".saved", ring)
        create_secret(s, "newer", new + "-2")
        assert secret_value(s, "newer") == new + "-2"
        s.restart()
        assert secret_value(s, "old") == old and secret_value(s, "newer") == new + "-2"
    finally:
        s.close()
