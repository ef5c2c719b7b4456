# SPDX-License-Identifier: Apache-2.0
"""The pod shim: one sandbox per pod, init containers, restarts, OOM, adoption by a restarted agent,
and its exec / attach / port-forward streams spoken directly over POD_DIR/shim.sock."""
import json
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import Server, env_pop, env_push

HERE = os.path.dirname(os.path.abspath(__file__))
T = 30


def mkimage():
    img = tempfile.mkdtemp(prefix="atoll-img-")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
    return img


def wait_node(s):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
        time.sleep(0.2)


@pytest.fixture(scope="module")
def node_server():
    s = Server(node=True, args=["--node-name", "n1"])
    img = mkimage()
    s.image = f"oci:{img}:latest"
    wait_node(s)
    yield s
    s.close()
    subprocess.run(["rm", "-rf", img])


def ctr(name, image, cmd, **kw):
    c = {"name": name, "image": image, "command": ["sh", "-c", cmd]}
    c.update(kw)
    return c


def pod(name, containers, init=(), restart="Never"):
    spec = {"nodeName": "n1", "restartPolicy": restart, "containers": list(containers),
            "terminationGracePeriodSeconds": 2}
    if init:
        spec["initContainers"] = list(init)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def create(s, p):
    code, _, body = s.request("POST", "/api/v1/namespaces/default/pods", p)
    assert code == 201, body
    return json.loads(body)["metadata"]["uid"]


def get(s, name):
    code, _, body = s.request("GET", f"/api/v1/namespaces/default/pods/{name}")
    return json.loads(body) if code == 200 else None


def wait_pod(s, name, pred, timeout=T):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = get(s, name)
        if last and pred(last):
            return last
        time.sleep(0.2)
    raise AssertionError(f"pod {name} never got there: {json.dumps(last)[:3000] if last else None}\n"
                         + s.logtext()[-2000:])


def phase(p):
    return p.get("status", {}).get("phase")


def statuses(p, key="containerStatuses"):
    return {c["name"]: c for c in p.get("status", {}).get(key, [])}


def delete_and_wait(s, name):
    s.request("DELETE", f"/api/v1/namespaces/default/pods/{name}")
    deadline = time.monotonic() + T
    while time.monotonic() < deadline and get(s, name):
        time.sleep(0.2)


def pgrep(marker):
    return subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()


def wait_gone(marker, timeout=T):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pgrep(marker):
        time.sleep(0.2)
    return not pgrep(marker)


def pid_gone(pid, timeout=T):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.2)
    return False


def pod_dir(s, uid):
    """The pod's runtime directory (its shim's socket, state and pid; src/agent/rundir.h)."""
    return os.path.join(s.data_dir, "run", "pods", uid)


def log_dir(s, uid):
    """The pod's directory on disk: its containers' logs."""
    return os.path.join(s.data_dir, "pods", uid)


def logs(s, name, *args):
    return s.kubectl("logs", name, *args).stdout


# ---- one sandbox, many containers ----

def test_two_containers_share_one_sandbox(node_server):
    s = node_server
    uid = create(s, pod("pair", [ctr("a", s.image, "echo a-$(hostname); exec sleep 301"),
                                 ctr("b", s.image, "echo b-$(hostname); while ! ps | grep -q 'sleep 30[1]'; do sleep 0.2; done; "
                                                   "echo sees-a; exec sleep 302")], restart="Always"))
    p = wait_pod(s, "pair", lambda p: phase(p) == "Running" and all(c["ready"] for c in statuses(p).values())
                 and len(statuses(p)) == 2)
    assert [c["status"] for c in p["status"]["conditions"] if c["type"] in ("Ready", "ContainersReady", "Initialized")] \
        == ["True", "True", "True"]
    assert "a-pair" in logs(s, "pair", "-c", "a")
    deadline = time.monotonic() + T
    while time.monotonic() < deadline and "sees-a" not in logs(s, "pair", "-c", "b"):
        time.sleep(0.2)
    out = logs(s, "pair", "-c", "b")
    assert "b-pair" in out and "sees-a" in out  # same host name, one PID namespace
    # One shim, one pod init for both.
    d = pod_dir(s, uid)
    st = json.load(open(os.path.join(d, "state.json")))
    assert set(st["containers"]) == {"a", "b"} and all(c["state"] == "running" for c in st["containers"].values())
    shim_pid = int(open(os.path.join(d, "shim.pid")).read())
    assert open(f"/proc/{shim_pid}/cmdline", "rb").read().split(b"\0")[1] == b"shim"
    # Its log lines are CRI records; the API gives back the plain output.
    rec = open(os.path.join(log_dir(s, uid), "a.log")).readline().split(" ", 3)
    assert rec[1] == "stdout" and rec[2] == "F" and rec[3] == "a-pair\n"
    ts = logs(s, "pair", "-c", "a", "--timestamps")
    assert ts.startswith(rec[0] + " a-pair")
    assert "a-pair" in logs(s, "pair", "-c", "a", "--since=1h")
    assert logs(s, "pair", "-c", "a", "--since-time=2999-01-01T00:00:00Z") == ""
    delete_and_wait(s, "pair")
    assert wait_gone("sleep 30[12]") and pid_gone(shim_pid)


# ---- init containers ----

def test_init_containers_run_in_order_before_the_others(node_server):
    s = node_server
    create(s, pod("inits", [ctr("main", s.image, "echo main-ran")],
                  init=[ctr("i1", s.image, "sleep 1; echo one"), ctr("i2", s.image, "echo two")]))
    p = wait_pod(s, "inits", lambda p: phase(p) == "Succeeded")
    ics = statuses(p, "initContainerStatuses")
    i1, i2 = ics["i1"]["state"]["terminated"], ics["i2"]["state"]["terminated"]
    assert i1["exitCode"] == 0 and i2["exitCode"] == 0 and i1["reason"] == "Completed"
    assert i2["startedAt"] >= i1["finishedAt"]  # RFC 3339 UTC strings sort by time
    main = statuses(p)["main"]["state"]["terminated"]
    assert main["startedAt"] >= i2["finishedAt"] and main["exitCode"] == 0
    assert [c["status"] for c in p["status"]["conditions"] if c["type"] == "Initialized"] == ["True"]
    assert "one" in logs(s, "inits", "-c", "i1") and "main-ran" in logs(s, "inits")
    delete_and_wait(s, "inits")


def test_a_failing_init_container_fails_the_pod(node_server):
    s = node_server
    create(s, pod("badinit", [ctr("main", s.image, "echo never")], init=[ctr("i1", s.image, "exit 2")]))
    p = wait_pod(s, "badinit", lambda p: phase(p) == "Failed")
    assert statuses(p, "initContainerStatuses")["i1"]["state"]["terminated"]["exitCode"] == 2
    main = statuses(p)["main"]
    assert "waiting" in main["state"] and main["restartCount"] == 0
    assert [c["status"] for c in p["status"]["conditions"] if c["type"] == "Initialized"] == ["False"]
    delete_and_wait(s, "badinit")


def test_user_workdir_and_args_over_the_image(node_server):
    s = node_server
    c = {"name": "main", "image": s.image, "command": ["sh", "-c"], "args": ['echo "u=$(id -u):$(id -g) wd=$(pwd) $0"', "arg0"],
         "workingDir": "/tmp/work", "securityContext": {"runAsUser": 1000, "runAsGroup": 1001}}
    p = pod("who", [c])
    p["spec"]["hostAliases"] = [{"ip": "10.1.2.3", "hostnames": ["db.example", "db"]}]
    create(s, p)
    wait_pod(s, "who", lambda p: phase(p) == "Succeeded")
    assert logs(s, "who").strip() == "u=1000:1001 wd=/tmp/work arg0"
    c["args"] = ["grep -h db.example /etc/hosts; grep -c who /etc/hosts"]
    c.pop("securityContext")
    p = pod("hosts", [c])
    p["spec"]["hostAliases"] = [{"ip": "10.1.2.3", "hostnames": ["db.example", "db"]}]
    p["spec"]["hostname"] = "who"
    create(s, p)
    p = wait_pod(s, "hosts", lambda p: phase(p) == "Succeeded")
    assert logs(s, "hosts").split("\n")[:2] == ["10.1.2.3\tdb.example\tdb", "1"]
    assert statuses(p)["main"]["imageID"].startswith(s.image + "@sha256:")
    delete_and_wait(s, "hosts")
    delete_and_wait(s, "who")


# ---- restarts ----

def test_restarts_with_backoff_keep_the_previous_log(node_server):
    s = node_server
    create(s, pod("crashy", [ctr("main", s.image, "echo attempt-$$; exit 1")], restart="Always"))
    p = wait_pod(s, "crashy", lambda p: statuses(p).get("main", {}).get("restartCount", 0) >= 2)
    cs = statuses(p)["main"]
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    assert "attempt-" in logs(s, "crashy", "--previous")
    # Following a container ends with it: the next instance writes a new file.
    assert "attempt-" in s.kubectl("logs", "-f", "crashy", timeout=60).stdout
    p = wait_pod(s, "crashy", lambda p: "waiting" in statuses(p)["main"]["state"])
    assert statuses(p)["main"]["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    # As the kubelet does, the agent tells the story in events.
    evs = json.loads(s.request("GET", "/api/v1/namespaces/default/events")[2])["items"]
    reasons = {e["reason"] for e in evs if e["involvedObject"].get("name") == "crashy"}
    assert {"Pulled", "Created", "Started", "BackOff"} <= reasons, reasons
    delete_and_wait(s, "crashy")


def test_an_image_update_restarts_the_container(node_server, tmp_path):
    s = node_server
    img2 = str(tmp_path / "img2")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img2, "--env", "MARK=two"],
                   check=True, capture_output=True)
    create(s, pod("upd", [ctr("main", s.image, "echo mark=$MARK; exec sleep 305")]))
    p = wait_pod(s, "upd", lambda p: phase(p) == "Running" and statuses(p)["main"]["ready"])
    first = statuses(p)["main"]["state"]["running"]["startedAt"]
    code, _, body = s.request("PATCH", "/api/v1/namespaces/default/pods/upd",
                              {"spec": {"containers": [{"name": "main", "image": f"oci:{img2}:latest"}]}},
                              content_type="application/strategic-merge-patch+json")
    assert code == 200, body
    # Restarted with the new image even with restartPolicy Never, as the kubelet does.
    p = wait_pod(s, "upd", lambda p: statuses(p)["main"]["restartCount"] == 1 and statuses(p)["main"]["ready"])
    cs = statuses(p)["main"]
    assert cs["image"] == f"oci:{img2}:latest" and cs["imageID"].startswith(f"oci:{img2}:latest@")
    assert cs["lastState"]["terminated"]["exitCode"] == 143 and cs["lastState"]["terminated"]["startedAt"] == first
    assert "mark=two" in logs(s, "upd") and "mark=\n" in logs(s, "upd", "--previous")
    delete_and_wait(s, "upd")


def test_a_big_log_is_rotated(node_server):
    s = node_server
    # 12 MiB of 64-byte lines, then a last line: the 10 MiB file is set aside once.
    uid = create(s, pod("chatty", [ctr("main", s.image, "yes 0123456789012345678901234567890123456789012345678901234567890 "
                                                        "| head -n 200000; echo the-end")]))
    wait_pod(s, "chatty", lambda p: phase(p) == "Succeeded", timeout=60)
    assert os.path.getsize(os.path.join(log_dir(s, uid), "main.log.rotated")) <= 10 << 20
    out = s.kubectl("logs", "chatty", "--tail=1").stdout
    assert out == "the-end\n"
    delete_and_wait(s, "chatty")


def test_on_failure_does_not_restart_success(node_server):
    s = node_server
    create(s, pod("once", [ctr("main", s.image, "echo fine")], restart="OnFailure"))
    p = wait_pod(s, "once", lambda p: phase(p) == "Succeeded")
    assert statuses(p)["main"]["restartCount"] == 0
    delete_and_wait(s, "once")


def test_oom_killed(node_server):
    s = node_server
    c = ctr("hog", s.image, 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived')
    c["resources"] = {"limits": {"memory": "32Mi"}}
    create(s, pod("hog", [c]))
    p = wait_pod(s, "hog", lambda p: phase(p) in ("Failed", "Succeeded"), timeout=60)
    t = statuses(p)["hog"]["state"]["terminated"]
    assert t["exitCode"] == 137 and t["reason"] == "OOMKilled", t
    delete_and_wait(s, "hog")


def test_a_dead_sandbox_is_replaced(node_server):
    s = node_server
    uid = create(s, pod("phoenix", [ctr("main", s.image, "echo up; exec sleep 303")], restart="Always"))
    wait_pod(s, "phoenix", lambda p: phase(p) == "Running" and statuses(p)["main"]["ready"])
    d = pod_dir(s, uid)
    shim_pid = int(open(os.path.join(d, "shim.pid")).read())
    init_pid = json.load(open(os.path.join(d, "state.json")))["pid"]
    os.kill(init_pid, signal.SIGKILL)
    # The shim notices, records the end and leaves; the agent starts a new sandbox.
    assert pid_gone(shim_pid)
    deadline = time.monotonic() + T
    new_pid = shim_pid
    while time.monotonic() < deadline and new_pid == shim_pid:
        try:
            new_pid = int(open(os.path.join(d, "shim.pid")).read())
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    assert new_pid != shim_pid
    p = wait_pod(s, "phoenix", lambda p: phase(p) == "Running" and statuses(p)["main"]["ready"])
    assert statuses(p)["main"]["restartCount"] == 1
    assert statuses(p)["main"]["lastState"]["terminated"]["exitCode"] == 137
    # Now the shim itself is killed: no teardown of its own, so the agent removes its cgroups.
    cgroups = json.load(open(os.path.join(d, "state.json")))["cgroups"]
    assert cgroups and all(os.path.isdir(c) for c in cgroups)
    os.kill(new_pid, signal.SIGKILL)
    assert pid_gone(new_pid)
    deadline = time.monotonic() + T
    while time.monotonic() < deadline and any(os.path.isdir(c) for c in cgroups):
        time.sleep(0.2)
    assert not any(os.path.isdir(c) for c in cgroups)
    p = wait_pod(s, "phoenix", lambda p: statuses(p)["main"]["restartCount"] == 2 and statuses(p)["main"]["ready"])
    delete_and_wait(s, "phoenix")
    assert wait_gone("sleep 303")


# ---- the shim's own protocol ----

class ShimConn:
    def __init__(self, d):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(T)
        self.s.connect(os.path.join(d, "shim.sock"))
        self.buf = b""

    def send(self, typ, proc, data):
        self.s.sendall(struct.pack(">IB3xI", len(data), typ, proc) + data)

    def ctl(self, msg):
        self.send(1, 0, json.dumps(msg).encode())

    def frame(self):
        while len(self.buf) < 12 or len(self.buf) < 12 + struct.unpack(">I", self.buf[:4])[0]:
            chunk = self.s.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        n, typ, proc = struct.unpack(">IB3xI", self.buf[:12])
        data, self.buf = self.buf[12:12 + n], self.buf[12 + n:]
        return typ, proc, data

    def call(self, msg):
        self.ctl(msg)
        while True:
            typ, _, data = self.frame()
            if typ == 1:
                return json.loads(data)

    def close(self):
        self.s.close()


def test_exec_attach_and_portforward_streams(node_server):
    s = node_server
    uid = create(s, pod("streams", [ctr("srv", s.image, "nc -ll -p 8082 -e cat & echo ready; while true; do echo pong | nc -l -p 8080; done")]))
    wait_pod(s, "streams", lambda p: phase(p) == "Running")
    d = pod_dir(s, uid)
    # exec: stdin in, stdout and stderr out, the exit status last.
    c = ShimConn(d)
    r = c.call({"op": "exec", "id": "srv", "args": ["sh", "-c", "echo out-$(hostname); cat; echo err >&2; exit 7"],
                "stdin": True, "tty": False})
    assert r["ok"], r
    c.send(2, 1, b"from-stdin\n")
    c.ctl({"op": "close_stdin"})
    out, err, ex = b"", b"", None
    while ex is None:
        f = c.frame()
        assert f, "the shim closed the exec stream early"
        typ, proc, data = f
        if typ == 3:
            out += data
        elif typ == 4:
            err += data
        elif typ == 1:
            ex = json.loads(data)
    assert out == b"out-streams\nfrom-stdin\n" and err == b"err\n" and ex == {"op": "exit", "status": 7}
    c.close()
    # exec with a terminal, resized on the way.
    c = ShimConn(d)
    assert c.call({"op": "exec", "id": "srv", "args": ["sh"], "tty": True, "stdin": True, "rows": 10, "cols": 50})["ok"]
    c.ctl({"op": "resize", "rows": 33, "cols": 77})
    c.send(2, 1, b"stty size; exit 3\n")
    out, ex = b"", None
    while ex is None:
        f = c.frame()
        assert f, "the shim closed the exec stream early"
        if f[0] == 1:
            ex = json.loads(f[2])
        else:
            out += f[2]
    assert b"33 77" in out and ex == {"op": "exit", "status": 3}
    c.close()
    # exec in a container that does not exist is refused on the reply.
    c = ShimConn(d)
    assert not c.call({"op": "exec", "id": "nope", "args": ["true"]})["ok"]
    c.close()
    # portforward: raw bytes to 127.0.0.1:8080 inside the pod's network namespace.
    got = b""
    deadline = time.monotonic() + T
    while time.monotonic() < deadline and b"pong" not in got:
        c = ShimConn(d)
        r = c.call({"op": "portforward", "port": 8080})
        if r["ok"]:
            got = c.buf
            while b"pong" not in got:
                chunk = c.s.recv(4096)
                if not chunk:
                    break
                got += chunk
        c.close()
        if b"pong" not in got:
            time.sleep(0.2)
    assert got == b"pong\n"
    # Many bytes both ways through an echo server, then a half-close: all come back, then EOF.
    blob = os.urandom(300000)
    deadline = time.monotonic() + T
    while True:
        c = ShimConn(d)
        r = c.call({"op": "portforward", "port": 8082})
        if r["ok"] or time.monotonic() > deadline:
            break
        c.close()
        time.sleep(0.2)
    assert r["ok"], r
    c.s.sendall(blob)
    c.s.shutdown(socket.SHUT_WR)
    back = c.buf
    while True:
        chunk = c.s.recv(65536)
        if not chunk:
            break
        back += chunk
    assert back == blob
    c.close()
    c = ShimConn(d)
    r = c.call({"op": "portforward", "port": 8081})
    assert not r["ok"] and "refused" in r["error"].lower()
    c.close()
    # attach: the container's live output.
    c = ShimConn(d)
    assert c.call({"op": "attach", "id": "srv"})["ok"]
    c2 = ShimConn(d)
    assert c2.call({"op": "signal", "id": "srv", "signal": 9})["ok"]
    c2.close()
    ex = None
    while ex is None:
        f = c.frame()
        assert f, "the shim closed the attach stream before the exit"
        if f[0] == 1:
            ex = json.loads(f[2])
    assert ex == {"op": "exit", "signal": 9}
    c.close()
    delete_and_wait(s, "streams")


def ppid(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return [a.decode() for a in f.read().split(b"\0") if a]


@pytest.mark.parametrize("zygote", [True, False])
def test_shims_are_forked_by_the_zygote_or_spawned_without_it(zygote):
    # The agent's zygote (src/shim/shim_zygote.c) forks the shims, which read as if exec'd; without it
    # (ATOLL_NO_ZYGOTE=1, or when it fails) the agent spawns them itself. Either way the pod runs.
    old = env_push({} if zygote else {"ATOLL_NO_ZYGOTE": "1"})
    try:
        s = Server(node=True, args=["--node-name", "n1"])
    finally:
        env_pop(old)
    img = mkimage()
    try:
        wait_node(s)
        uid = create(s, pod("zyg", [ctr("main", f"oci:{img}:latest", "exec sleep 305")]))
        wait_pod(s, "zyg", lambda p: phase(p) == "Running")
        shim = int(open(os.path.join(pod_dir(s, uid), "shim.pid")).read())
        d = os.path.realpath(pod_dir(s, uid))
        assert cmdline(shim) == ["atoll", "shim", "--dir", d, "--data-dir", os.path.realpath(
            os.path.join(s.data_dir, "run", "agent")), "--ready-fd", "3"], cmdline(shim)
        parent = ppid(shim)
        if zygote:
            assert cmdline(parent)[:4] == ["atoll", "shim", "--zygote", "3"], cmdline(parent)[:4]
        else:
            assert cmdline(parent)[1] == "server", cmdline(parent)[:4]
        delete_and_wait(s, "zyg")
        assert pid_gone(shim)
    finally:
        s.close()
        subprocess.run(["rm", "-rf", img])
    # The zygote goes with its agent.
    assert pid_gone(parent)


def test_a_long_data_dir_path(tmp_path):
    # DATA/run/pods/<uid>/shim.sock can be longer than a socket address holds: DATA/run is a plain
    # directory when made before the first start (as where /run is not a tmpfs), not a link to /run.
    data = tmp_path / ("d" * 60)
    data.mkdir()
    (data / "run").mkdir()
    img = mkimage()
    s = Server(data_dir=str(data), node=True, args=["--node-name", "n1"])
    try:
        wait_node(s)
        uid = create(s, pod("longpath", [ctr("main", f"oci:{img}:latest", "echo long-ok; exec sleep 304")]))
        assert len(os.path.join(pod_dir(s, uid), "shim.sock")) > 108
        wait_pod(s, "longpath", lambda p: phase(p) == "Running")
        assert "long-ok" in logs(s, "longpath")
        delete_and_wait(s, "longpath")
        assert wait_gone("sleep 304")
    finally:
        s.close()
        subprocess.run(["rm", "-rf", img])


def test_a_shim_that_cannot_start_says_why(tmp_path):
    from conftest import ATOLL
    d = tmp_path / "pod"
    d.mkdir()
    (d / "sandbox.json").write_text(json.dumps({"hostname": "x", "images": [str(tmp_path / "missing")]}))
    r = subprocess.run([ATOLL, "shim", "--dir", str(d), "--data-dir", str(tmp_path / "agent")],
                       capture_output=True, text=True, timeout=T)
    assert r.returncode == 1
    log = (d / "shim.log").read_text()
    assert "sandbox:" in log and "missing" in log, log
    assert not (d / "shim.sock").exists() and not (d / "shim.pid").exists()


# ---- adoption ----

def test_a_restarted_agent_adopts_running_pods(tmp_path):
    img = mkimage()
    s = Server(node=True, keep_pods=True, args=["--node-name", "n1"])
    marker = f"atoll-adopt-{os.getpid()}-{time.monotonic_ns()}"
    orphan = marker + "-orphan"
    try:
        wait_node(s)
        image = f"oci:{img}:latest"
        uid = create(s, pod("keep", [ctr("main", image, f"sleep 300; : {marker}")], restart="Always"))
        create(s, pod("orphan", [ctr("main", image, f"sleep 300; : {orphan}")], restart="Always"))
        p = wait_pod(s, "keep", lambda p: phase(p) == "Running")
        wait_pod(s, "orphan", lambda p: phase(p) == "Running")
        before = statuses(p)["main"]
        d = pod_dir(s, uid)
        pid_before = json.load(open(os.path.join(d, "state.json")))["containers"]["main"]["pid"]
        procs = pgrep(marker + "$")
        assert len(procs) == 1

        # The agent dies hard: the pods run on.
        s.kill9()
        time.sleep(0.5)
        assert pgrep(marker + "$") == procs and pgrep(orphan)
        # While no agent runs, "orphan" is deleted from the API (a server without a node).
        args = s.args
        s.args = ["--node-name", "n1", "--no-node"]
        s.start()
        s.request("DELETE", "/api/v1/namespaces/default/pods/orphan")
        s.stop()
        s.args = args

        s.start()
        # The orphan's sandbox is stopped; "keep" is adopted, not restarted.
        assert wait_gone(orphan)
        time.sleep(1)
        p = wait_pod(s, "keep", lambda p: phase(p) == "Running" and statuses(p)["main"]["ready"])
        after = statuses(p)["main"]
        assert after["restartCount"] == 0
        assert after["state"]["running"]["startedAt"] == before["state"]["running"]["startedAt"]
        assert pgrep(marker + "$") == procs
        assert json.load(open(os.path.join(d, "state.json")))["containers"]["main"]["pid"] == pid_before
        # And it can still be deleted.
        delete_and_wait(s, "keep")
        assert wait_gone(marker)
    finally:
        s.stop()
        # Whatever a failure left: shims stop their pods on SIGTERM.
        shims = []
        pods = os.path.join(s.data_dir, "run", "pods")
        for uid in os.listdir(pods) if os.path.isdir(pods) else []:
            try:
                shims.append(int(open(os.path.join(pods, uid, "shim.pid")).read()))
                os.kill(shims[-1], signal.SIGTERM)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + T
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in shims):
            time.sleep(0.2)
        s.close()
        subprocess.run(["rm", "-rf", img])
