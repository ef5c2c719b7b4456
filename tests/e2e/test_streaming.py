# SPDX-License-Identifier: Apache-2.0
"""kubectl exec, attach, port-forward, cp and logs through the API server and the node's streaming server."""
import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import tempfile
import termios
import time

import pytest

from conftest import ATOLL, Server, free_port

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def s():
    srv = Server(node=True, args=["--node-name", "st1"])
    img = tempfile.mkdtemp(prefix="atoll-img-")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
    srv.image = f"oci:{img}:latest"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and srv.request("GET", "/api/v1/nodes/st1")[0] != 200:
        time.sleep(0.2)
    srv.env = dict(os.environ, KUBECONFIG=srv.kubeconfig)
    yield srv
    srv.close()
    subprocess.run(["rm", "-rf", img])


def make_pod(s, name, cmd, restart="Never", stdin=False, wait_running=True):
    ctr = {"name": "main", "image": s.image, "command": ["sh", "-c", cmd]}
    if stdin:
        ctr["stdin"] = True
    s.request("POST", "/api/v1/namespaces/default/pods",
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
               "spec": {"nodeName": "st1", "restartPolicy": restart, "containers": [ctr]}})
    if wait_running:
        wait_pod(s, name, lambda p: p.get("status", {}).get("phase") == "Running")


def wait_pod(s, name, pred, timeout=30):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        code, _, body = s.request("GET", f"/api/v1/namespaces/default/pods/{name}")
        if code == 200:
            last = json.loads(body)
            if pred(last):
                return last
        time.sleep(0.2)
    raise AssertionError(f"pod {name} never got there: {json.dumps(last)[:2000] if last else None}")


def kubectl_bytes(s, *args, input=None, timeout=60):
    return subprocess.run(["kubectl", *args], input=input, capture_output=True, env=s.env, timeout=timeout)


@pytest.fixture(scope="module")
def sleeper(s):
    make_pod(s, "sleeper", "echo started; exec sleep 3600")
    return "sleeper"


def test_exec_stdout_stderr_and_exit_code(s, sleeper):
    p = s.kubectl("exec", sleeper, "--", "sh", "-c", "echo out; echo err >&2; exit 3", check=False)
    assert p.returncode == 3
    assert p.stdout == "out\n"
    assert "err\n" in p.stderr
    assert "command terminated with exit code 3" in p.stderr
    p = s.kubectl("exec", sleeper, "--", "true", check=False)
    assert p.returncode == 0 and p.stdout == ""


def test_exec_stdin_round_trip(s, sleeper):
    p = s.kubectl("exec", "-i", sleeper, "--", "sh", "-c", "cat; echo done", input="piped-in\nsecond\n")
    assert p.stdout == "piped-in\nsecond\ndone\n"
    # Binary data larger than any one frame, both ways.
    data = os.urandom(300 * 1024)
    p = kubectl_bytes(s, "exec", "-i", sleeper, "--", "sh", "-c", "cat > /tmp/blob; wc -c < /tmp/blob", input=data)
    assert p.returncode == 0 and p.stdout.strip() == str(len(data)).encode()
    p = kubectl_bytes(s, "exec", sleeper, "--", "cat", "/tmp/blob")
    assert p.returncode == 0 and p.stdout == data


def run_under_pty(s, args, on_output, timeout=30):
    """Run kubectl on a pseudo-terminal; on_output(fd, pid, text) may type or resize. Returns (text, status)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["KUBECONFIG"] = s.kubeconfig
        os.execvp("kubectl", ["kubectl", *args])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    d = os.read(fd, 4096)
                except OSError:
                    break
                if not d:
                    break
                out += d
                on_output(fd, pid, out.decode(errors="replace"))
    finally:
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    return out.decode(errors="replace"), status


def test_exec_tty_and_resize(s, sleeper):
    state = {"resized": False}

    def step(fd, pid, text):
        if not state["resized"] and "30 100" in text:
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.kill(pid, signal.SIGWINCH)
            state["resized"] = True
            # The resize travels before the line that asks for the new size.
            time.sleep(0.5)
            os.write(fd, b"go\r")

    text, status = run_under_pty(s, ["exec", "-it", sleeper, "--", "sh", "-c",
                                     "tty; stty size; read x; echo got-$x; stty size"], step)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, text
    assert re.search(r"/dev/pts/\d+", text), text
    assert "30 100" in text and "got-go" in text and "40 120" in text, text


def test_attach_with_stdin(s):
    make_pod(s, "talker", "echo ready; read x; echo got-$x; sleep 1; echo bye", stdin=True)
    p = s.kubectl("attach", "-i", "talker", input="hello\n", timeout=60)
    assert "got-hello" in p.stdout and "bye" in p.stdout


def test_cp_both_ways(s, sleeper, tmp_path):
    src = tmp_path / "up.txt"
    src.write_text("copied up\n")
    s.kubectl("cp", str(src), f"{sleeper}:/tmp/up.txt")
    assert s.kubectl("exec", sleeper, "--", "cat", "/tmp/up.txt").stdout == "copied up\n"
    s.kubectl("exec", sleeper, "--", "sh", "-c", "mkdir -p /tmp/d && echo one > /tmp/d/a && echo two > /tmp/d/b")
    s.kubectl("cp", f"{sleeper}:/tmp/d", str(tmp_path / "down"))
    assert (tmp_path / "down" / "a").read_text() == "one\n"
    assert (tmp_path / "down" / "b").read_text() == "two\n"


def test_port_forward_to_a_pod_loopback_server(s):
    make_pod(s, "web", "mkdir -p /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www")
    port = free_port()
    pf = subprocess.Popen(["kubectl", "port-forward", "pod/web", f"{port}:8080"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=s.env, text=True)
    try:
        deadline = time.monotonic() + 20
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
                    c.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
                    got = b""
                    while True:
                        d = c.recv(4096)
                        if not d:
                            break
                        got += d
                    if b"200" in got.split(b"\r\n", 1)[0]:
                        body = got
            except OSError:
                time.sleep(0.2)
        assert body and b"hello-from-pod" in body, pf.stderr.read() if pf.poll() is not None else body
    finally:
        pf.terminate()
        pf.wait(timeout=10)


def test_logs_options(s):
    make_pod(s, "chatty", "echo one; echo two; echo three; exec sleep 3600")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "three" not in s.kubectl("logs", "chatty").stdout:
        time.sleep(0.2)
    assert s.kubectl("logs", "chatty").stdout == "one\ntwo\nthree\n"
    assert s.kubectl("logs", "chatty", "--tail=2").stdout == "two\nthree\n"
    assert s.kubectl("logs", "chatty", "--limit-bytes=5").stdout == "one\nt"
    ts = s.kubectl("logs", "chatty", "--timestamps").stdout.splitlines()
    assert len(ts) == 3 and all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z (one|two|three)$", l) for l in ts)
    assert s.kubectl("logs", "chatty", "--since=1h").stdout == "one\ntwo\nthree\n"
    assert s.kubectl("logs", "chatty", "--since-time=2099-01-01T00:00:00Z").stdout == ""
    # (kubectl sends sinceTime in whole seconds: finer cuts are in tests/unit/test_crilog.c.)


def test_logs_previous(s):
    make_pod(s, "again", "echo instance-$(cat /proc/uptime | cut -d' ' -f1); exit 1", restart="Always",
             wait_running=False)
    wait_pod(s, "again", lambda p: p.get("status", {}).get("containerStatuses", [{}])[0].get("restartCount", 0) >= 1)
    deadline = time.monotonic() + 20
    prev = ""
    while time.monotonic() < deadline and "instance-" not in prev:
        prev = s.kubectl("logs", "again", "--previous", check=False).stdout
        time.sleep(0.2)
    assert prev.startswith("instance-")
    p = s.kubectl("logs", "chatty", "--previous", check=False)
    assert p.returncode != 0 and "previous terminated container" in p.stderr
    s.kubectl("delete", "pod", "again", "--wait=false")


def test_exec_missing_container_and_forbidden_user(s, sleeper):
    p = s.kubectl("exec", sleeper, "-c", "nope", "--", "true", check=False)
    assert p.returncode != 0 and "container nope is not valid for pod sleeper" in p.stderr
    kc = os.path.join(s.data_dir, "viewer.kubeconfig")
    subprocess.run([ATOLL, "user", "add", "viewer", "--data-dir", s.data_dir, "--kubeconfig-out", kc],
                   check=True, capture_output=True, timeout=60)
    s.kubectl("create", "role", "pod-reader", "--verb=get,list", "--resource=pods,pods/log")
    s.kubectl("create", "rolebinding", "viewer-reads", "--role=pod-reader", "--user=viewer")
    env = dict(os.environ, KUBECONFIG=kc)
    p = subprocess.run(["kubectl", "exec", sleeper, "--", "true"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode != 0
    assert 'User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "default"' in p.stderr
    p = subprocess.run(["kubectl", "logs", sleeper], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0 and "started" in p.stdout


def test_second_node_exec_logs_and_its_token_check(s):
    """A node of its own (not the server's embedded one): logs come from its agent, streams go through it."""
    # Short: pod directories hold Unix sockets, whose paths are limited to 108 bytes.
    d = tempfile.mkdtemp(prefix="atoll-n2-")
    agent = subprocess.Popen([ATOLL, "agent", "--server", s.url, "--token", s.token(),
                              "--ca-file", os.path.join(s.data_dir, "pki", "ca.crt"), "--node-name", "st2",
                              "--data-dir", str(d), "--stream-address", "127.0.0.1", "--stream-port", "0",
                              "--stop-pods-on-exit"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        port = 0
        while time.monotonic() < deadline and not port:
            code, _, body = s.request("GET", "/api/v1/nodes/st2")
            if code == 200:
                port = json.loads(body)["status"].get("daemonEndpoints", {}).get("kubeletEndpoint", {}).get("Port", 0)
            time.sleep(0.2)
        assert port > 0
        s.request("POST", "/api/v1/namespaces/default/pods",
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "far"},
                   "spec": {"nodeName": "st2", "restartPolicy": "Never",
                            "containers": [{"name": "main", "image": s.image,
                                            "command": ["sh", "-c", "echo far-1; echo far-2; exec sleep 3600"]}]}})
        wait_pod(s, "far", lambda p: p.get("status", {}).get("phase") == "Running")
        assert s.kubectl("exec", "far", "--", "sh", "-c", "echo hi-$(hostname)").stdout == "hi-far\n"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and s.kubectl("logs", "far").stdout != "far-1\nfar-2\n":
            time.sleep(0.2)
        assert s.kubectl("logs", "far").stdout == "far-1\nfar-2\n"
        assert s.kubectl("logs", "far", "--tail=1").stdout == "far-2\n"
        # Follow: the first lines arrive while the stream stays open.
        f = subprocess.Popen(["kubectl", "logs", "-f", "far"], stdout=subprocess.PIPE, env=s.env)
        try:
            got = b""
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and got.count(b"\n") < 2:
                r, _, _ = select.select([f.stdout], [], [], 0.5)
                if r:
                    chunk = os.read(f.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    got += chunk
            assert got == b"far-1\nfar-2\n"
            assert f.poll() is None
        finally:
            f.kill()
            f.wait(timeout=10)
        # The node's streaming server wants a token the API server vouches for as system:masters.
        import ssl
        import urllib.request
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        for token in (None, "wrong"):
            req = urllib.request.Request(f"https://127.0.0.1:{port}/containerLogs/default/far/main")
            if token:
                req.add_header("Authorization", "Bearer " + token)
            try:
                urllib.request.urlopen(req, context=ctx, timeout=10)
                code = 200
            except urllib.error.HTTPError as e:
                code = e.code
            assert code == 401
        req = urllib.request.Request(f"https://127.0.0.1:{port}/containerLogs/default/far/main")
        req.add_header("Authorization", "Bearer " + s.token())
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            assert r.read() == b"far-1\nfar-2\n"
        s.kubectl("delete", "pod", "far", "--wait=false")
    finally:
        agent.terminate()
        agent.wait(timeout=30)
        subprocess.run(["rm", "-rf", d])


def test_python_client_exec_and_port_forward(s):
    """The Python client speaks v4.channel.k8s.io: exec, and port-forward with ports in the query."""
    from kubernetes import client, config
    from kubernetes.stream import portforward, stream
    make_pod(s, "pyweb", "mkdir -p /www && echo hello-py > /www/index.html && "
                         "exec httpd -f -p 127.0.0.1:8080 -h /www")
    api = client.CoreV1Api(config.new_client_from_config(s.kubeconfig))
    out = stream(api.connect_get_namespaced_pod_exec, "pyweb", "default", command=["sh", "-c", "echo py-out"],
                 stderr=True, stdin=False, stdout=True, tty=False)
    assert out == "py-out\n"
    pf = portforward(api.connect_get_namespaced_pod_portforward, "pyweb", "default", ports="8080,9999")
    sock = pf.socket(8080)
    sock.settimeout(20)
    sock.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        d = sock.recv(4096)
        if not d:
            break
        data += d
    sock.close()
    assert data.startswith(b"HTTP/1.") and data.endswith(b"hello-py\n")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not pf.error(9999):
        time.sleep(0.1)
    assert "9999" in (pf.error(9999) or "") and "refused" in pf.error(9999)
    pf.socket(9999).close()


def test_plain_spdy_exec_and_port_forward(s, sleeper):
    """kubectl's SPDY path (the fallback when WebSockets fail, and what older clients speak)."""
    env = dict(s.env, KUBECTL_REMOTE_COMMAND_WEBSOCKETS="false", KUBECTL_PORT_FORWARD_WEBSOCKETS="false")
    p = subprocess.run(["kubectl", "exec", sleeper, "--", "sh", "-c", "echo out; echo err >&2; exit 3"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 3 and p.stdout == "out\n" and "err\n" in p.stderr
    data = os.urandom(200 * 1024)
    p = subprocess.run(["kubectl", "exec", "-i", sleeper, "--", "sh", "-c", "cat > /tmp/spdy; cat /tmp/spdy"],
                       input=data, capture_output=True, env=env, timeout=60)
    assert p.returncode == 0 and p.stdout == data
    make_pod(s, "web2", "mkdir -p /www && echo hello-spdy > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www")
    port = free_port()
    pf = subprocess.Popen(["kubectl", "port-forward", "pod/web2", f"{port}:8080"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, text=True)
    try:
        deadline = time.monotonic() + 20
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
                    c.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
                    got = b""
                    while True:
                        d = c.recv(4096)
                        if not d:
                            break
                        got += d
                    if b"200" in got.split(b"\r\n", 1)[0]:
                        body = got
            except OSError:
                time.sleep(0.2)
        assert body and body.endswith(b"hello-spdy\n")
    finally:
        pf.terminate()
        pf.wait(timeout=10)


def test_exec_into_a_stopped_container_is_refused_promptly(s):
    """The node refuses (the container is not running); its answer comes back at once as an error."""
    s.request("POST", "/api/v1/namespaces/default/pods",
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "half"},
               "spec": {"nodeName": "st1", "restartPolicy": "Never",
                        "containers": [{"name": "gone", "image": s.image, "command": ["sh", "-c", "exit 0"]},
                                       {"name": "stays", "image": s.image, "command": ["sh", "-c", "exec sleep 3600"]}]}})
    wait_pod(s, "half", lambda p: any(c.get("name") == "gone" and "terminated" in c.get("state", {})
                                      for c in p.get("status", {}).get("containerStatuses", [])))
    for tty in ([], ["-t"]):
        p = s.kubectl("exec", "half", "-c", "gone", *tty, "--", "true", check=False, timeout=30)
        assert p.returncode != 0 and "not running" in p.stderr
    assert s.kubectl("exec", "half", "-c", "stays", "--", "echo", "ok").stdout == "ok\n"
