# SPDX-License-Identifier: Apache-2.0
"""End-to-end tests of `atoll run` with namespace isolation, and of pod init's
protocol (several containers, init containers, exec with a pty, signals, stop).
Needs root. Images are busybox OCI layouts built by mkimage.py."""
import json
import os
import pty
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import mkimage  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ATOLL = os.environ.get("ATOLL_BIN", os.path.join(ROOT, "build", "atoll"))
INIT = os.path.join(os.path.dirname(ATOLL), "atoll-init")
T = 60  # seconds: the bound on every command


@pytest.fixture(scope="module")
def env():
    with tempfile.TemporaryDirectory(prefix="atoll-run-") as d:
        img = os.path.join(d, "busybox")
        mkimage.busybox_layout(img)
        cfg = os.path.join(d, "configured")
        mkimage.busybox_layout(cfg, Entrypoint=["/bin/sh", "-c"],
                               Cmd=['echo "foo=$FOO"; pwd; id -u; id -g'],
                               Env=["PATH=/bin", "FOO=fromimage"], WorkingDir="/srv/app", User="1000:1000")
        data = os.path.join(d, "data")
        os.mkdir(data)
        yield {"dir": d, "img": "oci:" + img, "cfg": "oci:" + cfg, "data": data, "layout": img}


def atoll_run(env, *args, image=None, opts=(), timeout=T, **kw):
    cmd = [ATOLL, "run", "--isolation", "namespace", "--data-dir", env["data"], *opts, image or env["img"]]
    if args:
        cmd += ["--", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def popen_run(env, *args, opts=()):
    cmd = [ATOLL, "run", "--isolation", "namespace", "--data-dir", env["data"], *opts, env["img"], "--", *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_line(p, want, timeout=T):
    """Read p.stdout lines until one contains want (bounded by timeout)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            line = p.stdout.readline()
            if want in line:
                return line
            if not line:
                break
    raise AssertionError(f"never saw {want!r}")


def find_pid(marker, timeout=T):
    """The host pid of the process whose argv contains marker."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    if marker.encode() in f.read().split(b"\0"):
                        return int(p)
            except OSError:
                pass
        time.sleep(0.05)
    raise AssertionError(f"no process with {marker}")


# ---- exit codes and output ----

def test_exit_code_and_stdout(env):
    r = atoll_run(env, "sh", "-c", "echo hello; exit 3")
    assert r.returncode == 3
    assert r.stdout == "hello\n"


def test_stdout_stderr_separate(env):
    r = atoll_run(env, "sh", "-c", "echo out; echo err >&2; echo out2")
    assert r.returncode == 0
    assert r.stdout == "out\nout2\n"
    assert r.stderr == "err\n"


def test_killed_by_signal_is_128_plus(env):
    r = atoll_run(env, "sh", "-c", "kill -9 $$")
    assert r.returncode == 137


def test_command_not_found_is_127(env):
    r = atoll_run(env, "/no/such/program")
    assert r.returncode == 127
    assert "no/such/program" in r.stderr


def test_large_output_is_complete(env):
    r = atoll_run(env, "sh", "-c", "seq 1 200000")
    assert r.returncode == 0
    assert r.stdout.splitlines()[-1] == "200000"
    assert len(r.stdout.splitlines()) == 200000


def test_says_which_isolation(env):
    cmd = [ATOLL, "run", "--data-dir", env["data"], env["img"], "--", "true"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=T)
    assert r.returncode == 0
    assert "isolation namespace" in r.stderr


def test_vm_without_kernel_fails_clearly(env):
    cmd = [ATOLL, "run", "--isolation", "vm", "--data-dir", env["data"], env["img"], "--", "true"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=T)
    if os.path.exists("/sys/module/kvm_pvm") or not os.path.exists("/dev/kvm"):
        assert r.returncode == 125
        assert "--guest-kernel" in r.stderr


def test_vm_prepares_erofs_and_initramfs(env):
    """The VM path up to the VMM: an erofs image of the root filesystem and an initramfs
    holding pod init. No guest kernel runs on this host, so the VM itself cannot come up."""
    env = _fresh_data(env)
    cmd = [ATOLL, "run", "--isolation", "vm", "--guest-kernel", "/nonexistent/vmlinux", "--data-dir", env["data"],
           env["img"], "--", "true"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=T)
    assert r.returncode == 125
    assert "did not come up" in r.stderr
    images = os.path.join(env["data"], "images")
    erofs = [os.path.join(images, d, "rootfs.erofs") for d in os.listdir(images)
             if os.path.exists(os.path.join(images, d, "rootfs.erofs"))]
    assert len(erofs) == 1
    with open(erofs[0], "rb") as f:
        f.seek(1024)
        assert f.read(4) == bytes.fromhex("e2e1f5e0")  # erofs superblock magic
    with open(os.path.join(env["data"], "vm", "initrd.cpio"), "rb") as f:
        data = f.read()
    assert data.startswith(b"070701")
    with open(INIT, "rb") as f:
        assert f.read() in data


def test_init_leaves_an_initramfs_root(env):
    """Booted by a kernel from an initramfs (no arguments, PID 1, a ramfs/tmpfs root), pod init
    re-runs itself from a tmpfs mounted over it, so that container roots can pivot_root away.
    Emulated with a tmpfs root in fresh mount and PID namespaces; init then waits on vsock."""
    root = tempfile.mkdtemp(dir=env["dir"])
    subprocess.run(["mount", "-t", "tmpfs", "atoll-test", root], check=True, timeout=T)
    p = None
    try:
        import shutil
        shutil.copy(INIT, os.path.join(root, "init"))
        p = subprocess.Popen(["unshare", "-m", "-p", "-f", "--propagation", "private", "chroot", root, "/init"],
                             stderr=subprocess.DEVNULL)
        end = time.monotonic() + T
        pid = None
        while time.monotonic() < end and pid is None:
            for c in open(f"/proc/{p.pid}/task/{p.pid}/children").read().split():
                env_ = open(f"/proc/{c}/environ", "rb").read().split(b"\0")
                if b"ATOLL_INIT_SWITCHED=1" in env_:
                    pid = int(c)
            time.sleep(0.05)
        assert pid, "pod init did not re-run itself"
        end = time.monotonic() + T
        mounts = ""
        while time.monotonic() < end and " /run " not in mounts:
            mounts = open(f"/proc/{pid}/mountinfo").read()
            time.sleep(0.05)
        rootline = [ln for ln in mounts.splitlines() if ln.split()[4] == "/"][0]
        assert " - tmpfs root " in rootline
        assert " /proc " in mounts and " /dev/pts " in mounts
    finally:
        if p:
            # First PID 1 of the namespace (unshare's child; that ends the namespace), then unshare.
            for c in open(f"/proc/{p.pid}/task/{p.pid}/children").read().split():
                os.kill(int(c), signal.SIGKILL)
            p.kill()
            p.wait(timeout=T)
        subprocess.run(["umount", "-l", root], timeout=T)


def test_timings(env):
    r = atoll_run(env, "true", opts=["--timings"])
    assert r.returncode == 0
    for phase in ("image prepare", "sandbox create", "init ready", "command start", "exit"):
        assert phase in r.stderr


# ---- image config and overrides ----

def test_image_config_honoured(env):
    r = atoll_run(env, image=env["cfg"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["foo=fromimage", "/srv/app", "1000", "1000"]


def test_command_line_overrides_config(env):
    r = atoll_run(env, 'echo "foo=$FOO bar=$BAR"; pwd; id -u', image=env["cfg"],
                  opts=["--env", "FOO=x", "-e", "BAR=y", "-w", "/tmp", "-u", "0"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["foo=x", "bar=y", "/tmp", "0"]


def test_user_by_name(env):
    r = atoll_run(env, "sh", "-c", "id -un; echo $HOME", opts=["-u", "app"])
    assert r.stdout.split() == ["app", "/home/app"]


def test_rootfs_is_writable_and_fresh(env):
    r = atoll_run(env, "sh", "-c", "echo x > /etc/marker && cat /etc/marker")
    assert r.stdout == "x\n"
    r = atoll_run(env, "sh", "-c", "test -e /etc/marker && echo leaked || echo fresh")
    assert r.stdout == "fresh\n"


# ---- volumes ----

def test_volume_written_and_read_back(env):
    vol = tempfile.mkdtemp(dir=env["dir"])
    r = atoll_run(env, "sh", "-c", "echo persisted > /data/v/f; ls -ln /data/v/f", opts=["-v", f"{vol}:/data/v"])
    assert r.returncode == 0, r.stderr
    with open(os.path.join(vol, "f")) as f:
        assert f.read() == "persisted\n"
    # Root in the sandbox writes as root on the volume (an idmapped mount), not as the mapped uid.
    assert os.stat(os.path.join(vol, "f")).st_uid == 0
    r = atoll_run(env, "cat", "/data/v/f", opts=["-v", f"{vol}:/data/v"])
    assert r.stdout == "persisted\n"
    r = atoll_run(env, "sh", "-c", "echo no > /data/v/g", opts=["-v", f"{vol}:/data/v:ro"])
    assert r.returncode != 0
    assert not os.path.exists(os.path.join(vol, "g"))


# ---- signals ----

def test_sigterm_is_forwarded(env):
    p = popen_run(env, "sh", "-c", 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done')
    try:
        wait_line(p, "ready")
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=T)
        assert p.returncode == 7
        assert "got-term" in out
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=T)


def test_sigterm_default_action(env):
    p = popen_run(env, "sh", "-c", "echo ready; exec sleep 100")
    try:
        wait_line(p, "ready")
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=T)
        assert p.returncode == 128 + signal.SIGTERM
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=T)


# ---- limits ----

def test_memory_limit_oom(env):
    r = atoll_run(env, "sh", "-c", 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived',
                  opts=["--memory", "32m"])
    assert r.returncode == 137
    assert "out-of-memory" in r.stderr
    assert "survived" not in r.stdout
    # The host (this test process and a new sandbox) is fine.
    assert atoll_run(env, "true").returncode == 0


def test_pids_limit(env):
    r = atoll_run(env, "sh", "-c", "for i in $(seq 1 40); do sleep 5 & done; echo done",
                  opts=["--pids-limit", "10"])
    assert "can't fork: Resource temporarily unavailable" in r.stderr
    assert r.returncode != 0


def test_limits_seen_from_host(env):
    marker = "66.321"
    p = popen_run(env, "sh", "-c", f"echo ready; exec sleep {marker}",
                  opts=["--cpus", "0.5", "--memory", "48m", "--pids-limit", "64"])
    try:
        wait_line(p, "ready")
        pid = find_pid(marker)
        with open(f"/proc/{pid}/cgroup") as f:
            paths = dict(ln.strip().split(":", 2)[1:] for ln in f)
        if "" in paths and len(paths) == 1:  # pure cgroup v2
            base = "/sys/fs/cgroup" + paths[""]
            assert open(base + "/cpu.max").read().split()[0] == "50000"
            assert int(open(base + "/memory.max").read()) == 48 << 20
            assert int(open(base + "/pids.max").read()) == 64
        else:
            assert int(open(f"/sys/fs/cgroup/cpu{paths['cpu']}/cpu.cfs_quota_us").read()) == 50000
            assert int(open(f"/sys/fs/cgroup/memory{paths['memory']}/memory.limit_in_bytes").read()) == 48 << 20
            assert int(open(f"/sys/fs/cgroup/pids{paths['pids']}/pids.max").read()) == 64
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=T)
    # The sandbox's cgroups are removed once it is gone (by a reaper, after atoll run returned).
    for ctrl, path in paths.items():
        if "atoll/" in path:
            d = f"/sys/fs/cgroup/{ctrl}{path}" if ctrl else "/sys/fs/cgroup" + path
            end = time.monotonic() + T
            while os.path.exists(d) and time.monotonic() < end:
                time.sleep(0.02)
            assert not os.path.exists(d)


# ---- isolation ----

def test_sees_only_its_own_processes(env):
    r = atoll_run(env, "ps", "-o", "pid,args")
    lines = [ln.split(None, 1) for ln in r.stdout.splitlines()[1:]]
    assert lines[0] == ["1", "atoll-init --fd 3 --old-root /.oldroot"]
    # Pod init, perhaps a short-lived child of it finishing an unmount, and ps itself.
    for pid, args in lines:
        assert args.startswith("atoll-init") or args.startswith("ps "), lines
    r = atoll_run(env, "sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '")
    assert "atoll run" not in r.stdout  # nothing of the host side is visible


def test_orphans_are_reaped(env):
    # The inner shell exits at once; its background sleep is left to pod init, which reaps it.
    r = atoll_run(env, "sh", "-c", 'sh -c "sleep 0.1 &"; sleep 0.6; ps -o stat,comm')
    assert r.returncode == 0
    states = [ln.split()[0] for ln in r.stdout.splitlines()[1:]]
    assert states and not any(st.startswith("Z") for st in states), r.stdout


def test_cannot_see_host_files(env):
    secret = os.path.join("/tmp", f"atoll-secret-{os.getpid()}")
    with open(secret, "w") as f:
        f.write("secret")
    try:
        r = atoll_run(env, "sh", "-c", f"cat {secret} 2>&1; ls /")
        assert "secret" not in r.stdout.replace(f"atoll-secret-{os.getpid()}", "")
        assert "usr" not in r.stdout.split()  # the busybox image has no /usr; the host has
    finally:
        os.unlink(secret)


def test_not_root_on_host_and_sandboxes_isolated(env):
    marker = "77.123"
    p = popen_run(env, "sh", "-c", f"echo ready; exec sleep {marker}")
    try:
        wait_line(p, "ready")
        pid = find_pid(marker)
        with open(f"/proc/{pid}/status") as f:
            uids = [ln for ln in f if ln.startswith("Uid:")][0].split()[1:]
        assert all(int(u) >= 100000 for u in uids), uids  # root inside, a mapped uid outside
        r = atoll_run(env, "ps", "-o", "args")
        assert marker not in r.stdout  # another sandbox is invisible
        assert "sleep" not in r.stdout
    finally:
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=T)


def test_hardening(env):
    script = ("grep -c ' /proc/keys ' /proc/self/mountinfo; "
              "echo 1 > /proc/sysrq-trigger 2>/dev/null && echo sysrq-writable; "
              "mount -t tmpfs x /mnt 2>/dev/null && echo mounted; "
              "unshare -U true 2>/dev/null && echo unshared; "
              "grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status; grep Seccomp: /proc/self/status")
    r = atoll_run(env, "sh", "-c", script)
    out = r.stdout
    assert out.split("\n")[0].strip() == "1"  # masked by a bind of /dev/null
    for bad in ("sysrq-writable", "mounted", "unshared"):
        assert bad not in out
    capeff = int([ln for ln in out.splitlines() if ln.startswith("CapEff")][0].split()[1], 16)
    assert capeff & (1 << 21) == 0  # no CAP_SYS_ADMIN
    assert capeff & (1 << 0)  # CAP_CHOWN kept
    assert "NoNewPrivs:\t1" in out
    assert "Seccomp:\t2" in out


def test_twenty_sandboxes_at_once(env):
    procs = [popen_run(env, "sh", "-c", f"echo n{i}; hostname") for i in range(20)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=T * 2)
        outs.append((p.returncode, out, err))
    for i, (rc, out, err) in enumerate(outs):
        assert rc == 0, err
        assert out.split()[0] == f"n{i}"


def test_concurrent_first_runs_share_one_preparation(env):
    env = _fresh_data(env)
    procs = [popen_run(env, "cat", "/etc/group") for _ in range(6)]
    for p in procs:
        out, err = p.communicate(timeout=T * 2)
        assert p.returncode == 0, err
        assert "app:x:1000:" in out
    images = os.path.join(env["data"], "images")
    prepared = [d for d in os.listdir(images) if d.startswith("sha256-") and not d.endswith(".lock")]
    assert len(prepared) == 1
    assert sorted(os.listdir(os.path.join(images, prepared[0]))) == ["ok", "rootfs"]


# ---- interactive ----

def test_interactive_tty(env):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(ATOLL, [ATOLL, "run", "--isolation", "namespace", "--data-dir", env["data"], "-it",
                         env["img"], "--", "sh"])
    out = b""
    try:
        os.write(fd, b"echo $((6*7)); tty; exit 5\n")
        end = time.monotonic() + T
        while time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.5)
            if not r:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        _, st = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(st) == 5
    assert b"42" in out
    assert b"/dev/pts/" in out


def test_interactive_tty_resize(env):
    import fcntl
    import termios
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(ATOLL, [ATOLL, "run", "--isolation", "namespace", "--data-dir", env["data"], "-it",
                         env["img"], "--", "sh"])
    out = b""
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.write(fd, b"stty size\n")
        end = time.monotonic() + T
        while b"24 80" not in out and time.monotonic() < end:
            if select.select([fd], [], [], 0.5)[0]:
                out += os.read(fd, 4096)
        # The terminal changes size: atoll gets SIGWINCH and resizes the pod's pty.
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        time.sleep(0.3)
        os.write(fd, b"stty size; exit\n")
        while time.monotonic() < end:
            if not select.select([fd], [], [], 0.5)[0]:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        _, st = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(st) == 0
    assert b"24 80" in out
    assert b"40 100" in out


def test_interactive_stdin_pipe(env):
    cmd = [ATOLL, "run", "--isolation", "namespace", "--data-dir", env["data"], "-i", env["img"], "--", "cat"]
    r = subprocess.run(cmd, input="line1\nline2\n", capture_output=True, text=True, timeout=T)
    assert r.returncode == 0
    assert r.stdout == "line1\nline2\n"


def test_interactive_large_stdin_through_cat(env):
    """Megabytes both ways at once: neither side may block the other."""
    data = os.urandom(3 << 20)
    cmd = [ATOLL, "run", "--isolation", "namespace", "--data-dir", env["data"], "-i", env["img"], "--", "cat"]
    r = subprocess.run(cmd, input=data, capture_output=True, timeout=T)
    assert r.returncode == 0
    assert r.stdout == data


# ---- broken images ----

def _broken_copy(env, name):
    import shutil
    d = os.path.join(env["dir"], name)
    shutil.copytree(env["layout"], d)
    return d


def _layer_blob(layout):
    with open(os.path.join(layout, "index.json")) as f:
        mdig = json.load(f)["manifests"][0]["digest"].split(":")[1]
    with open(os.path.join(layout, "blobs", "sha256", mdig)) as f:
        return os.path.join(layout, "blobs", "sha256", json.load(f)["layers"][0]["digest"].split(":")[1])


def _fresh_data(env):
    # A prepared image is cached by manifest digest; damage must be seen on first preparation.
    return {**env, "data": tempfile.mkdtemp(dir=env["dir"])}


def test_truncated_layer_is_a_clear_error(env):
    d = _broken_copy(env, "truncated")
    env = _fresh_data(env)
    blob = _layer_blob(d)
    size = os.path.getsize(blob)
    with open(blob, "r+b") as f:
        f.truncate(size // 2)
    r = atoll_run(env, "true", image="oci:" + d)
    assert r.returncode == 125
    assert "truncated" in r.stderr


def test_corrupt_layer_is_a_clear_error(env):
    d = _broken_copy(env, "corrupt")
    env = _fresh_data(env)
    blob = _layer_blob(d)
    with open(blob, "r+b") as f:
        f.seek(100)
        f.write(b"garbage!")
    r = atoll_run(env, "true", image="oci:" + d)
    assert r.returncode == 125
    assert "digest mismatch" in r.stderr


def test_not_a_layout_is_a_clear_error(env):
    r = atoll_run(env, "true", image="oci:" + env["dir"])
    assert r.returncode == 125
    assert "not an OCI image layout" in r.stderr


def test_unknown_tag_is_a_clear_error(env):
    r = atoll_run(env, "true", image=env["img"] + ":nope")
    assert r.returncode == 125
    assert "no manifest for tag 'nope'" in r.stderr


# ---- pod init protocol: several containers, init containers, exec, pty, signals, stop ----

class Pod:
    """Pod init in a private mount and PID namespace on the host, driven over a Unix socket."""

    def __init__(self, tmp):
        self.path = os.path.join(tmp, "init.sock")
        self.p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "-p", "-f", "-u", "-n",
                                   INIT, "--unix", self.path], stderr=subprocess.PIPE)
        end = time.monotonic() + T
        self.s = None
        while time.monotonic() < end:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.path)
                self.s = s
                break
            except OSError:
                s.close()
                time.sleep(0.02)
        assert self.s, "pod init did not listen"
        self.s.settimeout(T)
        self.buf = b""
        self.seq = 100
        self.out = {}
        self.exits = {}
        self.events = []
        assert self.ctl_next()["op"] == "ready"

    def send(self, msg):
        self.seq += 1
        msg["seq"] = self.seq
        data = json.dumps(msg).encode()
        self.s.sendall(struct.pack(">IB3xI", len(data), 1, 0) + data)
        return self.seq

    def stdin(self, proc, data):
        self.s.sendall(struct.pack(">IB3xI", len(data), 2, proc) + data)

    def frame(self):
        while len(self.buf) < 12 or len(self.buf) < 12 + struct.unpack(">I", self.buf[:4])[0]:
            chunk = self.s.recv(65536)
            assert chunk, "pod init closed the connection"
            self.buf += chunk
        n, typ, proc = struct.unpack(">IB3xI", self.buf[:12])
        data, self.buf = self.buf[12:12 + n], self.buf[12 + n:]
        return typ, proc, data

    def frame_into_out(self):
        typ, proc, data = self.frame()
        if typ == 1:
            m = json.loads(data)
            if m["op"] == "exit":
                self.exits[m["proc"]] = m
            self.events.append(m)
        else:
            self.out[proc] = self.out.get(proc, b"") + data

    def ctl_next(self):
        while True:
            typ, proc, data = self.frame()
            if typ == 1:
                m = json.loads(data)
                if m["op"] == "exit":
                    self.exits[m["proc"]] = m
                self.events.append(m)
                return m
            self.out.setdefault(proc, b"")
            self.out[proc] += data

    def call(self, msg):
        seq = self.send(msg)
        while True:
            m = self.ctl_next()
            if m.get("op") == "reply" and m["seq"] == seq:
                return m

    def reply_for(self, seq):
        """The reply to seq, whether it was already read or is still to come."""
        end = time.monotonic() + T
        while time.monotonic() < end:
            for m in self.events:
                if m.get("op") == "reply" and m.get("seq") == seq:
                    return m
            self.ctl_next()
        raise AssertionError(f"no reply to {seq}")

    def wait_exit(self, proc):
        end = time.monotonic() + T
        while proc not in self.exits and time.monotonic() < end:
            self.ctl_next()
        return self.exits[proc]

    def close(self):
        try:
            self.s.close()
        finally:
            try:
                self.p.wait(timeout=T)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=T)


@pytest.fixture
def pod(env):
    # The unpacked tree from the cache serves as the read-only lower layer.
    assert atoll_run(env, "true").returncode == 0
    images = os.path.join(env["data"], "images")
    lower = [os.path.join(images, d, "rootfs") for d in sorted(os.listdir(images))
             if d.startswith("sha256-") and os.path.isdir(os.path.join(images, d, "rootfs"))][0]
    with tempfile.TemporaryDirectory(dir=env["dir"]) as tmp:
        p = Pod(tmp)
        p.lower = lower
        yield p
        p.close()


def test_podinit_init_containers_then_app_and_exec(pod):
    base = {"lower": pod.lower, "env": ["PATH=/bin"], "cwd": "/"}
    r = pod.call({**base, "op": "create", "id": "setup", "init": True, "proc": 1,
                  "args": ["sh", "-c", "sleep 0.2; echo init-done > /tmp/x; echo setup"]})
    assert r["ok"], r
    assert pod.call({**base, "op": "create", "id": "app", "proc": 2, "hostname": "podhost",
                     "args": ["sh", "-c", "echo app $(hostname); exec sleep 100"]})["ok"]
    pod.send({"op": "start", "id": "setup"})
    app_seq = pod.send({"op": "start", "id": "app"})
    # app starts only after setup finished: setup's exit event comes before app's start reply.
    end = time.monotonic() + T
    while time.monotonic() < end:
        m = pod.ctl_next()
        if m.get("op") == "reply" and m["seq"] == app_seq:
            break
    assert m["ok"]
    assert pod.exits[1]["status"] == 0
    # The containers have separate root filesystems.
    r = pod.call({"op": "exec", "id": "app", "proc": 3, "args": ["sh", "-c", "cat /tmp/x 2>&1; echo $HOSTNAME; ls /"],
                  "env": ["PATH=/bin"]})
    assert r["ok"], r
    assert pod.wait_exit(3)["status"] == 1 or pod.exits[3]["status"] == 0
    assert b"init-done" not in pod.out.get(3, b"")
    # ... and each is the image, not the host: the busybox image has no /usr, no /lib.
    listing = pod.out[3].split()
    assert b"bin" in listing and b"usr" not in listing and b"lib" not in listing
    assert b"setup" in pod.out[1]
    # exec with a pty, then resize it and read the size back.
    assert pod.call({"op": "exec", "id": "app", "proc": 4, "tty": True, "stdin": True, "rows": 10, "cols": 50,
                     "args": ["sh"], "env": ["PATH=/bin"]})["ok"]
    assert pod.call({"op": "resize", "proc": 4, "rows": 33, "cols": 77})["ok"]
    pod.stdin(4, b"stty size; tty; exit 9\n")
    assert pod.wait_exit(4)["status"] == 9
    assert b"33 77" in pod.out[4]
    assert b"/dev/pts/" in pod.out[4]
    # signal, stats, then stop with a grace period
    st = pod.call({"op": "stats"})
    assert any(p["proc"] == 2 for p in st["procs"])
    end = time.monotonic() + T  # app's first line, before it is signalled
    while b"app podhost" not in pod.out.get(2, b"") and time.monotonic() < end:
        pod.frame_into_out()
    wait_seq = pod.send({"op": "wait", "proc": 2})
    assert pod.call({"op": "signal", "proc": 2, "signal": 15})["ok"]
    assert pod.wait_exit(2)["signal"] == 15
    m = pod.reply_for(wait_seq)
    assert m["ok"] and m["signal"] == 15
    # A wait for a process that has already exited is answered from the recent exits.
    r = pod.call({"op": "wait", "proc": 1})
    assert r["ok"] and r["status"] == 0
    assert b"app podhost" in pod.out[2]
    assert pod.call({"op": "stop", "grace_ms": 1000})["ok"]


def test_podinit_failed_init_container_blocks_app(pod):
    base = {"lower": pod.lower, "env": ["PATH=/bin"]}
    assert pod.call({**base, "op": "create", "id": "bad", "init": True, "proc": 1, "args": ["false"]})["ok"]
    assert pod.call({**base, "op": "create", "id": "app", "proc": 2, "args": ["true"]})["ok"]
    pod.send({"op": "start", "id": "bad"})
    r = pod.call({"op": "start", "id": "app"})
    assert not r["ok"]
    assert "init container bad failed" in r["error"]


def test_podinit_remove_gives_a_fresh_container(pod):
    base = {"lower": pod.lower, "env": ["PATH=/bin"]}
    assert pod.call({**base, "op": "create", "id": "c", "proc": 1,
                     "args": ["sh", "-c", "cat /mark 2>/dev/null || echo fresh; echo used > /mark"]})["ok"]
    assert pod.call({"op": "start", "id": "c"})["ok"]
    assert pod.wait_exit(1)["status"] == 0
    # An ended container is not started twice, and a running one is not removed.
    r = pod.call({"op": "start", "id": "c"})
    assert not r["ok"] and "already started" in r["error"]
    assert pod.call({"op": "remove", "id": "c"})["ok"]
    assert not pod.call({"op": "remove", "id": "c"})["ok"]
    # The same id again: a new writable layer, so the file written before is gone.
    assert pod.call({**base, "op": "create", "id": "c", "proc": 2,
                     "args": ["sh", "-c", "cat /mark 2>/dev/null || echo fresh; exec sleep 100"]})["ok"]
    assert pod.call({"op": "start", "id": "c"})["ok"]
    end = time.monotonic() + T
    while b"fresh" not in pod.out.get(2, b"") and time.monotonic() < end:
        pod.frame_into_out()
    assert pod.out[1] == b"fresh\n" and pod.out[2] == b"fresh\n"
    r = pod.call({"op": "remove", "id": "c"})
    assert not r["ok"] and "running" in r["error"]
    assert pod.call({"op": "stop", "grace_ms": 0})["ok"]


def test_podinit_stop_escalates_to_sigkill(pod):
    base = {"lower": pod.lower, "env": ["PATH=/bin"]}
    assert pod.call({**base, "op": "create", "id": "stubborn", "proc": 1,
                     "args": ["sh", "-c", "trap '' TERM; echo up; while :; do sleep 0.05; done"]})["ok"]
    assert pod.call({"op": "start", "id": "stubborn"})["ok"]
    end = time.monotonic() + T
    while b"up" not in pod.out.get(1, b"") and time.monotonic() < end:
        pod.frame_into_out()
    r = pod.call({"op": "stop", "grace_ms": 300})
    assert r["ok"]
    assert pod.exits[1]["signal"] == 9


def test_podinit_ends_on_a_malformed_frame(pod):
    base = {"lower": pod.lower, "env": ["PATH=/bin"]}
    assert pod.call({**base, "op": "create", "id": "victim", "proc": 1, "args": ["sleep", "100"]})["ok"]
    assert pod.call({"op": "start", "id": "victim"})["ok"]
    pod.s.sendall(struct.pack(">IB3xI", 5 << 20, 1, 0))  # longer than any frame may be
    end = time.monotonic() + T
    while time.monotonic() < end:
        try:
            if not pod.s.recv(65536):
                break
        except OSError:
            break
    assert pod.p.wait(timeout=T) is not None  # init (and with it the pod) is gone


def test_podinit_rejects_bad_messages(pod):
    assert not pod.call({"op": "frobnicate"})["ok"]
    assert not pod.call({"op": "create", "id": "../x", "lower": pod.lower, "proc": 1, "args": ["true"]})["ok"]
    assert not pod.call({"op": "create", "id": "nolower", "proc": 1, "args": ["true"]})["ok"]
    assert not pod.call({"op": "signal", "proc": 99, "signal": 9})["ok"]


# ---- registry pulls (a loopback registry with the bearer-token flow, written here) ----

class _RegistryHandler(__import__("http.server").server.BaseHTTPRequestHandler):
    layout = None
    token = "t0ken-for-test"
    port = 0
    token_requests = []

    def log_message(self, *a):
        pass

    def _send(self, code, body=b"", ctype="application/octet-stream", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        from urllib.parse import urlparse, parse_qs
        u = urlparse(self.path)
        if u.path == "/token":
            _RegistryHandler.token_requests.append(parse_qs(u.query))
            return self._send(200, json.dumps({"token": self.token}).encode(), "application/json")
        if self.headers.get("Authorization") != "Bearer " + self.token:
            realm = f"http://127.0.0.1:{self.port}/token"
            return self._send(401, b"{}", "application/json", [(
                "WWW-Authenticate", f'Bearer realm="{realm}",service="atoll-test",scope="repository:x:pull"')])
        parts = u.path.split("/")
        # /v2/<ns>/<name>/(manifests|blobs)/<ref>
        if len(parts) != 6 or parts[1] != "v2":
            return self._send(404)
        repo, kind, ref = parts[2] + "/" + parts[3], parts[4], parts[5]
        with open(os.path.join(self.layout, "index.json")) as f:
            idx = json.load(f)["manifests"][0]
        if kind == "manifests" and not ref.startswith("sha256:"):
            if ref != "latest":
                return self._send(404)
            ref = idx["digest"]
        path = os.path.join(self.layout, "blobs", "sha256", ref.split(":")[1])
        if not os.path.exists(path):
            return self._send(404)
        with open(path, "rb") as f:
            data = f.read()
        if repo == "team/bad" and kind == "blobs" and len(data) > 10000:
            data = data[:5000] + b"X" + data[5001:]  # one corrupted byte in the layer
        self._send(200, data, idx["mediaType"] if kind == "manifests" else "application/octet-stream")


@pytest.fixture(scope="module")
def registry(env):
    import http.server
    import threading
    _RegistryHandler.layout = env["layout"]
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RegistryHandler)
    _RegistryHandler.port = srv.server_address[1]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    t.join(timeout=T)


def test_pull_from_registry_with_token(env, registry):
    env = _fresh_data(env)
    r = atoll_run(env, "sh", "-c", "echo pulled", image=f"{registry}/team/busybox:latest")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "pulled\n"
    assert _RegistryHandler.token_requests, "the token flow was not used"
    # A second run uses the local store and cache.
    r = atoll_run(env, "true", image=f"{registry}/team/busybox:latest")
    assert r.returncode == 0, r.stderr


def test_pull_corrupt_layer_is_refused(env, registry):
    env = _fresh_data(env)
    r = atoll_run(env, "true", image=f"{registry}/team/bad:latest")
    assert r.returncode == 125
    assert "digest mismatch" in r.stderr


def test_pull_unknown_tag(env, registry):
    env = _fresh_data(env)
    r = atoll_run(env, "true", image=f"{registry}/team/busybox:nope")
    assert r.returncode == 125
    assert "404" in r.stderr


# ---- interoperability with real tools: skopeo layouts, the distribution registry ----

def test_layout_written_by_skopeo(env):
    d = os.path.join(env["dir"], "skopeo-layout")
    subprocess.run(["skopeo", "copy", "-q", f"oci:{env['layout']}:latest", f"oci:{d}:v2"], check=True, timeout=T)
    r = atoll_run(env, "sh", "-c", "echo via-skopeo", image=f"oci:{d}:v2")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "via-skopeo\n"


def test_pull_from_distribution_registry(env):
    import shutil
    import socket as sk
    if not shutil.which("docker-registry"):
        pytest.fail("docker-registry (Debian package docker-registry) is not installed")
    s = sk.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    root = tempfile.mkdtemp(dir=env["dir"])
    cfg = os.path.join(root, "config.yml")
    with open(cfg, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
                f"storage:\n  filesystem:\n    rootdirectory: {root}/data\n"
                f"http:\n  addr: 127.0.0.1:{port}\n")
    reg = subprocess.Popen(["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + T
        while time.monotonic() < end:
            try:
                sk.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        subprocess.run(["skopeo", "copy", "-q", "--dest-tls-verify=false", f"oci:{env['layout']}:latest",
                        f"docker://127.0.0.1:{port}/team/busybox:1"], check=True, timeout=T)
        env = _fresh_data(env)
        r = atoll_run(env, "sh", "-c", "echo from-distribution", image=f"127.0.0.1:{port}/team/busybox:1")
        assert r.returncode == 0, r.stderr
        assert r.stdout == "from-distribution\n"
    finally:
        reg.terminate()
        reg.wait(timeout=T)
