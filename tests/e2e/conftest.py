# SPDX-License-Identifier: Apache-2.0
"""Fixtures: each test module gets its own `atoll server` on a free loopback port and data dir.

Server(netns=True) runs the server (and kubectl, and request()) inside a network namespace the
test makes and deletes, so tests of pod networking never touch the host's network."""
import contextlib
import ctypes
import glob
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ATOLL = os.environ.get("ATOLL_BIN") or os.path.join(ROOT, "build", "atoll")


_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


@contextlib.contextmanager
def netns_entered(name):
    """Run the body's sockets in network namespace name, or the one at path name when it starts
    with "/" (None: stay); only this thread moves."""
    if not name:
        yield
        return
    here = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open(name if name.startswith("/") else f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + name)
        try:
            yield
        finally:
            if _libc.setns(here, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(here)
        os.close(there)


def netns_add():
    """A new network namespace with lo up; returns its name (delete with netns_del)."""
    name = "atoll-t-" + os.urandom(4).hex()
    subprocess.run(["ip", "netns", "add", name], check=True)
    subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True)
    return name


def netns_del(name):
    """Kill what still runs in the namespace, delete it, and check it is gone."""
    pids = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
    subprocess.run(["ip", "netns", "del", name], check=True)
    left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert name not in left.split(), f"network namespace {name} is left"
    assert not pids, f"processes left in {name}: {pids}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_dir(data_dir):
    """The node's runtime directory: data_dir/run, a link to a directory under /run (src/agent/rundir.h),
    resolved."""
    return os.path.realpath(os.path.join(data_dir, "run"))


def reap_node_dir(data_dir):
    """What a node that died (agent and shims killed) leaves under its data dir and on the host: kill its
    shims, take down its mounts, remove its sandboxes' cgroups (state.json lists them) once their pod
    init is gone, as the agent's shim_cleanup_after would, and its runtime directory under /run."""
    roots = sorted({data_dir, run_dir(data_dir)})
    for r in roots:
        subprocess.run(["pkill", "-KILL", "-f", f"atoll shim --dir {r}/"], check=False)
    with open("/proc/mounts") as f:
        mine = [line.split()[1] for line in f if any(line.split()[1].startswith(r + "/") for r in roots)]
    for m in sorted(mine, reverse=True):
        subprocess.run(["umount", "-l", m], check=False)
    dirs = []
    for st in glob.glob(os.path.join(run_dir(data_dir), "pods", "*", "state.json")):
        try:
            with open(st) as f:
                dirs += [d for d in json.load(f).get("cgroups", [])
                         if d.startswith("/sys/fs/cgroup/") and "/atoll/" in d and ".." not in d]
        except (OSError, ValueError):
            continue
    end = time.monotonic() + 5
    for d in dirs:
        # Deepest first: the containers' cgroups inside the sandbox's. Busy ones get a few tries.
        for sub in sorted((r for r, _, _ in os.walk(d)), key=len, reverse=True):
            while True:
                try:
                    os.rmdir(sub)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > end:
                        break
                    time.sleep(0.05)
    if run_dir(data_dir).startswith("/run/atoll/"):
        shutil.rmtree(run_dir(data_dir), ignore_errors=True)


def env_push(env):
    """Set env's variables in os.environ (servers and agents started now inherit them); returns what
    env_pop needs to put the old values back."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    return old


def env_pop(old):
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@contextlib.contextmanager
def image_node(env=None, node="n1"):
    """A server with its node (named node), up and registered, and the busybox test image as s.image (its
    OCI layout at s.image_dir). env: extra environment for the server only (os.environ is restored once it
    has started)."""
    old = env_push(env or {})
    try:
        s = Server(node=True, args=["--node-name", node])
    finally:
        env_pop(old)
    img = tempfile.mkdtemp(prefix="atoll-img-")
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mkimage.py"),
                        img], check=True, capture_output=True)
        s.image, s.image_dir = f"oci:{img}:latest", img
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and s.request("GET", f"/api/v1/nodes/{node}")[0] != 200:
            time.sleep(0.2)
        yield s
    finally:
        s.close()
        subprocess.run(["rm", "-rf", img])


class Server:
    """A running `atoll server`; stop() kills it (gracefully or with SIGKILL)."""

    def __init__(self, data_dir=None, port=None, args=(), node=False, keep_pods=False, netns=False):
        # Pods outlive their node agent (a restarted one adopts them); tests stop them with the
        # server unless they test exactly that.
        self.args = list(args) + (["--no-node"] if not node else [] if keep_pods else ["--stop-pods-on-exit"])
        # netns: True makes (and close() deletes) one; a name uses the caller's.
        self.own_netns = netns is True
        self.netns = netns_add() if netns is True else netns or None
        # Commands that must see the server's network run with this prefix. Not `ip netns exec`:
        # it remounts /sys, which hides the cgroup hierarchies the pods' sandboxes need.
        self.prefix = ["nsenter", f"--net=/run/netns/{self.netns}"] if self.netns else []
        self.tmp = None
        if data_dir is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="atoll-test-")
            data_dir = self.tmp.name
        self.data_dir = data_dir
        self.port = port or free_port()
        self.proc = None
        self.start()

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    @property
    def kubeconfig(self):
        return os.path.join(self.data_dir, "kubeconfig")

    def start(self):
        self.log = open(os.path.join(self.data_dir, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [*self.prefix, ATOLL, "server", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}",
             *self.args],
            stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 20
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("atoll server exited: " + self.logtext())
            try:
                with netns_entered(self.netns), \
                        urllib.request.urlopen(self.url + "/readyz", context=ctx, timeout=2) as r:
                    if r.read() == b"ok" and os.path.exists(self.kubeconfig):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("atoll server did not become ready: " + self.logtext())

    def logtext(self):
        try:
            with open(os.path.join(self.data_dir, "server.log"), "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.log.close()

    def kill9(self):
        self.stop(signal.SIGKILL)

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        self.stop()
        if self.tmp:
            self.reap()
        if self.netns and self.own_netns:
            netns_del(self.netns)
            self.netns = None
        if self.tmp:
            self.tmp.cleanup()

    def reap(self):
        """After a server that could not stop its pods (it crashed, or was killed): stop what is left of
        them, so the data dir can go."""
        reap_node_dir(self.data_dir)

    def kubectl(self, *args, input=None, check=True, timeout=60):
        env = dict(os.environ, KUBECONFIG=self.kubeconfig)
        p = subprocess.run([*self.prefix, "kubectl", *args], input=input, capture_output=True, text=True, env=env,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return p

    def kjson(self, *args):
        return json.loads(self.kubectl(*args, "-o", "json").stdout)

    def token(self):
        with open(os.path.join(self.data_dir, "pki", "admin.token")) as f:
            return f.read().strip()

    def request(self, method, path, body=None, content_type="application/json", headers=None, token=True):
        """Raw HTTPS request; returns (status, headers, body bytes)."""
        ctx = ssl.create_default_context(cafile=os.path.join(self.data_dir, "pki", "ca.crt"))
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + self.token())
        if data is not None:
            req.add_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with netns_entered(self.netns), urllib.request.urlopen(req, context=ctx, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def fresh_server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def ns(server, request):
    """A namespace of the test's own, deleted afterwards."""
    name = "t-" + request.node.name.lower().replace("_", "-")[:40].strip("-")
    server.kubectl("create", "namespace", name, check=False)
    if server.kubectl("get", "namespace", name, check=False).returncode != 0:
        server.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                      "metadata": {"name": name}})
    yield name
    server.kubectl("delete", "namespace", name, "--wait=false", check=False)
