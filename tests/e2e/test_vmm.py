# SPDX-License-Identifier: Apache-2.0
"""atoll vmm end to end: every bare-metal test guest boots through the same
entry path as Linux and must print PASS and exit 0; the hostile guest must
leave the VMM alive and reporting errors."""
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ATOLL = os.path.join(ROOT, os.environ.get("ATOLL_BIN", "build/atoll"))
GUESTS = os.environ.get("ATOLL_GUEST_DIR") or os.path.join(os.path.dirname(ATOLL), "guest")
if not os.path.isdir(GUESTS):  # e.g. a sanitizer build that did not build guests
    GUESTS = os.path.join(ROOT, "build", "guest")
HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
TIMEOUT = 60


def guest(name):
    path = os.path.join(GUESTS, name + ".bin")
    assert os.path.exists(path), f"{path} missing: run make"
    return path


def vmm(*args, timeout=TIMEOUT, **kw):
    return subprocess.run([ATOLL, "vmm", *args], capture_output=True, text=True,
                          timeout=timeout, **kw)


def test_kvm_available():
    # /dev/kvm is required: no skip.
    assert os.path.exists("/dev/kvm"), "/dev/kvm is missing: the VMM cannot run"
    assert os.access("/dev/kvm", os.R_OK | os.W_OK), "/dev/kvm is not accessible"


def test_hello():
    r = vmm("--kernel", guest("hello"), "--cmdline", "atoll.test=hello")
    assert "ATOLL_GUEST_HELLO" in r.stdout
    assert "PASS hello" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 0
    assert "debug-exit" in r.stderr


def test_i8042_reset_is_clean_exit():
    r = vmm("--kernel", guest("hello"), "--cmdline", "atoll.test=hello atoll.reset=1")
    assert "resetting" in r.stdout
    assert r.returncode == 0 and "i8042" in r.stderr


def test_guest_crash_is_reported():
    r = vmm("--kernel", guest("hello"), "--cmdline", "atoll.test=hello atoll.crash=1")
    assert "crashing" in r.stdout
    assert r.returncode == 124 and "triple fault" in r.stderr


def test_hello_elf():
    # The same guest as an ELF: the vmlinux path (PT_LOAD at p_paddr, entry e_entry).
    r = vmm("--kernel", guest("hello")[:-4] + ".elf", "--cmdline", "atoll.test=hello")
    assert "PASS hello" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 0


def test_guest_status_is_exit_code():
    # Without atoll.test=hello the guest reports FAIL and exits 1 through port 0xf4.
    r = vmm("--kernel", guest("hello"), "--cmdline", "something=else")
    assert "FAIL hello" in r.stdout
    assert r.returncode == 1


def test_hello_json_config_multi_vcpu(tmp_path):
    cfg = {
        "boot-source": {"kernel_image_path": guest("hello"), "boot_args": "atoll.test=hello"},
        "machine-config": {"vcpu_count": 2, "mem_size_mib": 64},
    }
    p = tmp_path / "vm.json"
    p.write_text(json.dumps(cfg))
    r = vmm("--config", str(p))
    assert "PASS hello" in r.stdout, r.stdout + r.stderr
    assert "e820: 100000-4000000 type 1" in r.stdout  # 64 MiB from the file
    assert r.returncode == 0
    # Flags override the file.
    r = vmm("--config", str(p), "--mem", "32")
    assert "e820: 100000-2000000 type 1" in r.stdout
    assert r.returncode == 0


def test_initrd(tmp_path):
    rd = tmp_path / "initrd"
    rd.write_bytes(b"ATOLLRD" + bytes(range(256)) * 1000 + b"ATOLLRD")
    r = vmm("--kernel", guest("hello"), "--cmdline", "atoll.test=hello", "--initrd", str(rd),
            "--mem", "64")
    assert f"{rd.stat().st_size} bytes" in r.stdout, r.stdout + r.stderr
    assert "PASS hello" in r.stdout and r.returncode == 0


def test_smp():
    r = vmm("--kernel", guest("smp"), "--cpus", "3")
    assert "MP table lists 3 processor(s)" in r.stdout, r.stdout + r.stderr
    assert "2 of 2 application processor(s) up" in r.stdout
    assert "PASS smp" in r.stdout and r.returncode == 0


def test_memory_above_the_hole():
    # 5000 MiB: 3 GiB below the MMIO hole, the rest from 4 GiB; memory is only touched lazily.
    r = vmm("--kernel", guest("hello"), "--cmdline", "atoll.test=hello", "--mem", "5000", "--cpus", "32")
    assert "e820: 100000-c0000000 type 1" in r.stdout
    assert "e820: 100000000-178800000 type 1" in r.stdout
    assert "PASS hello" in r.stdout and r.returncode == 0


def test_serial_to_file(tmp_path):
    out = tmp_path / "serial.log"
    r = vmm("--kernel", guest("hello"), "--cmdline", "atoll.test=hello", "--serial", f"file:{out}")
    assert r.returncode == 0
    assert "PASS hello" in out.read_text()
    assert "PASS hello" not in r.stdout


def test_serial_input():
    r = vmm("--kernel", guest("hello"), "--cmdline", "atoll.test=hello atoll.echo=1",
            input="12345678\n")
    assert "serial input: 12345678" in r.stdout, r.stdout + r.stderr
    assert "PASS hello" in r.stdout
    assert r.returncode == 0


def test_bad_arguments(tmp_path):
    r = vmm()
    assert r.returncode == 2 and "no kernel" in r.stderr
    r = vmm("--kernel", guest("hello"), "--cpus", "0")
    assert r.returncode == 2
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a kernel" * 100)
    r = vmm("--kernel", str(junk))
    assert r.returncode == 125 and "neither a bzImage nor an x86-64 ELF" in r.stderr
    r = vmm("--kernel", guest("hello"), "--disk", str(tmp_path / "missing"))
    assert r.returncode == 125
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    r = vmm("--config", str(bad))
    assert r.returncode == 2
    r = vmm("--kernel", guest("hello"), "--serial", "tty:0")
    assert r.returncode == 125 and "want stdio, none or file:PATH" in r.stderr
    r = vmm("--kernel", guest("hello"), "--serial", f"file:{tmp_path}/no/such/dir/x")
    assert r.returncode == 125
    r = vmm("--help")
    assert r.returncode == 0 and "--vsock-uds" in r.stdout


def test_blk(tmp_path):
    rw, ro = tmp_path / "rw.img", tmp_path / "ro.img"
    with open(rw, "wb") as f:
        f.write(b"ATOLLBLK".ljust(1 << 20, b"\0"))
    with open(ro, "wb") as f:
        f.write(b"ATOLLRO".ljust(64 << 10, b"\0"))
    before = ro.read_bytes()
    r = vmm("--kernel", guest("blk"), "--disk", f"{rw},id=atoll-test-disk", "--disk", f"{ro},ro")
    assert "PASS blk" in r.stdout, r.stdout + r.stderr
    assert "disk0 id: atoll-test-disk" in r.stdout
    assert "write to read-only disk fails" in r.stdout
    assert "ok: IRQ 5 arrived through the IOAPIC" in r.stdout
    assert r.returncode == 0
    data = rw.read_bytes()
    assert data[512:522] == b"GUESTWROTE"
    assert all(data[512 + i] == (i * 7 + 3) & 0xff for i in range(10, 1024))
    assert ro.read_bytes() == before


def _tree(root):
    """Every path under root with its kind and contents (or link target)."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isdir(p):
                out[rel] = ("dir", None)
            else:
                out[rel] = ("file", open(p, "rb").read(), os.stat(p).st_mode)
    return out


@pytest.mark.parametrize("how", ["flags", "json"])
def test_p9_shares(tmp_path, how):
    # Two virtio-9p shares: vol0 read-write (with a symlink pointing out of it),
    # ro0 read-only. The guest creates, writes and reads back a file, tries to
    # escape through ".." and the symlink, writes to the read-only share, and
    # sends malformed messages; the host checks what happened on disk.
    rw, ro, outside = tmp_path / "rw", tmp_path / "ro", tmp_path / "outside"
    for d in (rw, ro, outside):
        d.mkdir()
    (outside / "secret").write_text("host secret\n")
    (rw / "escape").symlink_to("../outside")
    (ro / "readme.txt").write_text("read only data\n")
    before_ro, before_out = _tree(ro), _tree(outside)
    before_parent = sorted(os.listdir(tmp_path))
    if how == "flags":
        r = vmm("--kernel", guest("p9"), "--share", f"vol0:{rw}", "--share", f"ro0:{ro}:ro")
    else:
        cfg = {"boot-source": {"kernel_image_path": guest("p9")},
               "shares": [{"tag": "vol0", "path_on_host": str(rw), "is_read_only": False},
                          {"tag": "ro0", "path_on_host": str(ro), "is_read_only": True}]}
        (tmp_path / "vm.json").write_text(json.dumps(cfg))
        r = vmm("--config", str(tmp_path / "vm.json"))
    assert "PASS p9" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 0
    for line in ("Twalk to .. refused", "Twalk through the symlink escape/secret refused",
                 "Tlcreate refused with EROFS", "Twrite refused with EROFS",
                 "device still healthy and answering"):
        assert "ok: " + line in r.stdout
    assert (rw / "hello.txt").read_text() == "written by the p9 guest through virtio-9p\n"
    assert (rw / "sub").is_dir() and not (rw / "tmp").exists() and not (rw / "tmp2").exists()
    assert os.readlink(rw / "evil") == "/etc/passwd"
    st = os.stat(rw / "hello.txt")
    assert st.st_mode & 0o7777 == 0o600 and int(st.st_mtime) == 1000000000 and st.st_nlink == 2
    assert os.path.samefile(rw / "hello.txt", rw / "hello.link")
    assert stat.S_ISFIFO(os.lstat(rw / "fifo").st_mode) and not (rw / "dev").exists()
    # Nothing escaped: the outside directory, the read-only share and the
    # share's parent are exactly as before.
    assert _tree(outside) == before_out
    assert _tree(ro) == before_ro
    assert sorted(os.listdir(tmp_path)) == before_parent + (["vm.json"] if how == "json" else [])
    assert not (tmp_path / "pwned").exists()
    # The reply-less request is logged as a guest problem, once.
    assert "without room for a reply" in r.stderr


def test_p9_bad_shares(tmp_path):
    r = vmm("--kernel", guest("p9"), "--share", "bad/tag:" + str(tmp_path))
    assert r.returncode == 2 and "share tag" in r.stderr
    r = vmm("--kernel", guest("p9"), "--share", "notag")
    assert r.returncode == 2
    r = vmm("--kernel", guest("p9"), "--share", f"a:{tmp_path}", "--share", f"a:{tmp_path}")
    assert r.returncode == 2 and "twice" in r.stderr
    r = vmm("--kernel", guest("p9"), "--share", f"a:{tmp_path}/missing")
    assert r.returncode == 125 and "missing" in r.stderr
    args = []
    for i in range(17):
        args += ["--share", f"t{i}:{tmp_path}"]
    r = vmm("--kernel", guest("p9"), *args)
    assert r.returncode == 2 and "at most 16 shares" in r.stderr


def test_blk_and_rng_from_json(tmp_path):
    rw, ro = tmp_path / "rw.img", tmp_path / "ro.img"
    rw.write_bytes(b"ATOLLBLK".ljust(1 << 20, b"\0"))
    ro.write_bytes(b"ATOLLRO".ljust(64 << 10, b"\0"))
    serial = tmp_path / "serial.log"
    cfg = {
        "boot-source": {"kernel_image_path": guest("blk")},
        "machine-config": {"vcpu_count": 1, "mem_size_mib": 32},
        "drives": [
            {"drive_id": "json-disk", "path_on_host": str(rw), "is_read_only": False},
            {"drive_id": "ro", "path_on_host": str(ro), "is_read_only": True},
        ],
        "entropy": {},
        "serial": f"file:{serial}",
    }
    p = tmp_path / "vm.json"
    p.write_text(json.dumps(cfg))
    r = vmm("--config", str(p))
    out = serial.read_text()
    assert "PASS blk" in out, out + r.stderr
    assert "disk0 id: json-disk" in out
    assert r.returncode == 0
    # The same file booting the rng guest finds the entropy device after the disks.
    r = vmm("--config", str(p), "--kernel", guest("rng"), "--serial", "stdio")
    assert "PASS rng" in r.stdout, r.stdout + r.stderr


def test_rng():
    r = vmm("--kernel", guest("rng"), "--rng")
    assert "PASS rng" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 0


def test_vsock(tmp_path):
    uds = str(tmp_path / "v.sock")
    peer = subprocess.Popen([PY, os.path.join(HERE, "vmm_vsock_peer.py"), uds, "100"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert peer.stdout.readline().strip() == "ready"
        r = vmm("--kernel", guest("vsock"), "--vsock-cid", "3", "--vsock-uds", uds, timeout=120)
        out, _ = peer.communicate(timeout=120)
    finally:
        if peer.poll() is None:
            peer.kill()
            peer.wait()
    assert "PASS vsock" in r.stdout, r.stdout + r.stderr + out
    assert r.returncode == 0
    assert peer.returncode == 0, out
    assert not os.path.exists(uds)  # cleaned up at exit


@pytest.fixture
def netns():
    name = "atvmm" + uuid.uuid4().hex[:8]
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        ns = ["ip", "netns", "exec", name]
        subprocess.run(ns + ["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"], check=True)
        subprocess.run(ns + ["ip", "link", "set", "tap0", "up"], check=True)
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


def test_net(netns):
    resp = subprocess.Popen(netns + [PY, os.path.join(HERE, "vmm_net_responder.py"), "tap0", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert resp.stdout.readline().strip() == "ready"
        r = subprocess.run(netns + [ATOLL, "vmm", "--kernel", guest("net"), "--tap", "tap0",
                                    "--mac", "02:00:00:aa:bb:cc"],
                           capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        resp.kill()
        resp.wait()
    assert "mac 02:00:00:aa:bb:cc" in r.stdout
    assert "PASS net" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 0


def test_hostile_guest(tmp_path, netns):
    disk = tmp_path / "d.img"
    disk.write_bytes(b"ATOLLBLK".ljust(1 << 20, b"\0"))
    r = subprocess.run(netns + [ATOLL, "vmm", "--kernel", guest("evil"), "--disk", str(disk),
                                "--vsock-cid", "3", "--vsock-uds", str(tmp_path / "v.sock"),
                                "--tap", "tap0"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert "PASS evil" in r.stdout, r.stdout + r.stderr
    assert "vsock RX buffer smaller than a header -> DEVICE_NEEDS_RESET" in r.stdout
    assert "net TX chain with a writable buffer -> DEVICE_NEEDS_RESET" in r.stdout
    assert r.returncode == 0  # alive until the guest chose to exit
    errors = [l for l in r.stderr.splitlines() if "guest error" in l and "needs reset" in l]
    assert len(errors) >= 15, r.stderr
    for what in ("loops", "outside guest memory", "indirect", "head index", "avail index"):
        assert any(what in l for l in errors), what


def _api(path, op):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(10)
        s.connect(path)
        s.sendall((json.dumps({"op": op}) + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(4096)
            assert chunk
            buf += chunk
        return json.loads(buf)


def _wait_for(path, text, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return True
        time.sleep(0.05)
    return False


def test_control_socket_and_sandbox(tmp_path):
    api = str(tmp_path / "api.sock")
    disk = tmp_path / "d.img"
    disk.write_bytes(b"\0" * 4096)
    serial = tmp_path / "serial.log"
    p = subprocess.Popen([ATOLL, "vmm", "--kernel", guest("hello"), "--cmdline",
                          "atoll.test=hello atoll.wait=1", "--api-sock", api, "--cpus", "2",
                          "--disk", f"{disk},ro", "--rng", "--serial", f"file:{serial}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(api) and time.monotonic() < deadline:
            time.sleep(0.02)
        st = _api(api, "status")
        assert st["ok"] and st["vcpus"] == 2
        assert [d["type"] for d in st["devices"]] == ["virtio-blk", "virtio-rng"]
        assert st["devices"][0]["base"] == "0xd0000000" and st["devices"][0]["irq"] == 5
        # After set-up the VMM runs under seccomp, without capabilities.
        status = open(f"/proc/{p.pid}/status").read()
        fields = dict(l.split(":", 1) for l in status.splitlines() if ":" in l)
        assert fields["Seccomp"].strip() == "2"
        assert int(fields["CapEff"].strip(), 16) == 0
        assert _wait_for(serial, "tick 1")
        assert _api(api, "pause")["state"] == "paused"
        assert _api(api, "status")["state"] == "paused"
        ticks = serial.read_text().count("tick")
        time.sleep(0.5)  # a running guest ticks every 200 ms; a paused one does not
        assert serial.read_text().count("tick") == ticks
        assert _api(api, "resume")["state"] == "running"
        assert _wait_for(serial, f"tick {ticks + 1}")
        assert _api(api, "stop")["state"] == "exiting"
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0
    assert "stopped through the control socket" in err
    assert not os.path.exists(api)


def test_own_cgroup(tmp_path):
    base = "/sys/fs/cgroup/pids" if os.path.isdir("/sys/fs/cgroup/pids") else "/sys/fs/cgroup"
    cg = os.path.join(base, "atoll-vmm-test-" + uuid.uuid4().hex[:8])
    os.mkdir(cg)
    try:
        api = str(tmp_path / "api.sock")
        p = subprocess.Popen([ATOLL, "vmm", "--kernel", guest("hello"), "--cmdline",
                              "atoll.test=hello atoll.wait=1", "--api-sock", api, "--cgroup", cg,
                              "--serial", "none"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while not os.path.exists(api) and time.monotonic() < deadline:
                time.sleep(0.02)
            procs = open(os.path.join(cg, "cgroup.procs")).read().split()
            assert str(p.pid) in procs
            _api(api, "stop")
            p.communicate(timeout=20)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        assert p.returncode == 0
    finally:
        os.rmdir(cg)


def test_full_linux_guest():
    kernel = os.environ.get("ATOLL_GUEST_KERNEL")
    if not kernel or not os.path.exists(kernel):
        pytest.skip("no hardware virtualization here: the host's kvm is PVM (kvm_pvm), where a stock "
                    "Linux guest is emulated and stops on unsupported instructions; set "
                    "ATOLL_GUEST_KERNEL to a bzImage (make guest-kernel) on a VT-x/AMD-V host")
    r = vmm("--kernel", kernel, "--cmdline", "console=ttyS0 reboot=k panic=-1 quiet", "--mem", "256",
            timeout=120)
    assert "Linux version" in r.stdout or r.returncode == 0


def test_fuzz_briefly():
    if not shutil.which("clang"):
        pytest.fail("clang is needed for the libFuzzer target")
    b = os.path.dirname(os.path.relpath(ATOLL, ROOT)) or "build"
    r = subprocess.run(["make", "-s", f"B={b}", "fuzz-vmm", "FUZZ_SECONDS=5"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    # Both targets ran: the virtqueue/devices one and the 9P message one.
    assert r.stderr.count("Done") >= 2
