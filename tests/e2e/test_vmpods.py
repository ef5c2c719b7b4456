# SPDX-License-Identifier: Apache-2.0
"""VM pods: a pod whose RuntimeClass is atoll-vm runs as a micro-VM through `atoll shim` and `atoll vmm`.

This host's /dev/kvm is PVM, where no full Linux guest boots, so the node is forced to offer VM isolation
with ATOLL_NODE_VM=1 (a test-only knob) and boots a small test guest of our own in place of a kernel: it
runs and exits without ever starting pod init. What the shim made for the VM (its configuration, disks,
TAP, vsock socket, cgroup) and how the pod reports the failed boot are what these tests check. The
end-to-end boot of a real VM pod runs where hardware virtualization exists and skips here, saying why.
pod init's port-forward relay (the "connect" request VM pods use) is tested on pod init directly."""
import json
import os
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import ATOLL, Server
from test_shim import create, get, wait_pod

HERE = os.path.dirname(os.path.abspath(__file__))
INIT = os.path.join(os.path.dirname(ATOLL), "atoll-init")
TEST_GUEST = os.path.join(os.path.dirname(ATOLL), "guest", "hello.bin")
T = 30


def mkimage():
    img = tempfile.mkdtemp(prefix="atoll-img-")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
    return img


def hw_virt():
    """As sandbox_hw_virt(): /dev/kvm with VT-x or AMD-V, not PVM."""
    mods = "/sys/module"
    return (os.path.exists("/dev/kvm") and not os.path.exists(f"{mods}/kvm_pvm")
            and (os.path.exists(f"{mods}/kvm_intel") or os.path.exists(f"{mods}/kvm_amd")))


def vm_server(args=(), netns=False):
    """A server whose node offers VM isolation and boots the test guest as its 'kernel'."""
    os.environ["ATOLL_NODE_VM"] = "1"
    try:
        s = Server(node=True, netns=netns, args=["--node-name", "n1", "--guest-kernel", TEST_GUEST, *args])
    finally:
        del os.environ["ATOLL_NODE_VM"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
        time.sleep(0.2)
    return s


@pytest.fixture(scope="module")
def img():
    d = mkimage()
    yield f"oci:{d}:latest"
    subprocess.run(["rm", "-rf", d])


@pytest.fixture(scope="module")
def vs(img):
    s = vm_server()
    s.image = img
    yield s
    s.close()


def pod(name, image, rc=None, limits=None, volumes=(), mounts=()):
    c = {"name": "c", "image": image, "command": ["sh", "-c", "echo up; exec sleep 300"]}
    if limits:
        c["resources"] = {"limits": limits}
    if mounts:
        c["volumeMounts"] = list(mounts)
    spec = {"nodeName": "n1", "restartPolicy": "Never", "containers": [c], "terminationGracePeriodSeconds": 2}
    if rc:
        spec["runtimeClassName"] = rc
    if volumes:
        spec["volumes"] = list(volumes)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def waiting(p):
    cs = p.get("status", {}).get("containerStatuses") or [{}]
    return cs[0].get("state", {}).get("waiting") or {}


def events(s, name):
    code, _, body = s.request("GET", "/api/v1/namespaces/default/events")
    assert code == 200
    return [e for e in json.loads(body)["items"] if e["involvedObject"].get("name") == name]


def delete_and_wait(s, name):
    s.request("DELETE", f"/api/v1/namespaces/default/pods/{name}")
    deadline = time.monotonic() + T
    while time.monotonic() < deadline and get(s, name):
        time.sleep(0.2)
    assert not get(s, name)


def cgroup_dirs(uid):
    """The cgroup directories a VM pod's VMM would have, wherever they are."""
    found = []
    for root, dirs, _ in os.walk("/sys/fs/cgroup"):
        if "atoll" not in root and root != "/sys/fs/cgroup" and root.count("/") > 3:
            dirs[:] = []
            continue
        found += [os.path.join(root, d) for d in dirs if d.startswith("vm-" + uid[:24])]
    return found


def read_json(path):
    with open(path) as f:
        return json.load(f)


def wait_file(path, timeout=T):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not os.path.exists(path):
        time.sleep(0.1)
    assert os.path.exists(path), path


def shim_gone(d, timeout=T):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and os.path.exists(os.path.join(d, "shim.pid")):
        time.sleep(0.1)
    return not os.path.exists(os.path.join(d, "shim.pid"))


# ---- what the shim makes for a VM, and a guest that never starts pod init ----

def test_vm_pod_that_cannot_boot_reports_why_and_cleans_up(vs):
    uid = create(vs, pod("vm1", vs.image, rc="atoll-vm", limits={"cpu": "1500m", "memory": "64Mi"}))
    d = os.path.realpath(os.path.join(vs.data_dir, "run", "pods", uid))
    p = wait_pod(vs, "vm1", lambda p: waiting(p).get("reason") == "CreatePodSandboxError")
    msg = waiting(p)["message"]
    # Not a hang: the VMM ended and the pod says so, with the VMM's own last word.
    assert "the VM did not boot: atoll vmm exited with status" in msg and "before pod init answered" in msg, msg
    assert msg.endswith("before pod init answered: exit 1: guest wrote 1 to the debug-exit port") or \
        msg.endswith("before pod init answered: exit 0: guest wrote 0 to the debug-exit port"), msg
    ev = [e for e in events(vs, "vm1") if e["reason"] == "FailedCreatePodSandBox"]
    assert ev and ev[0]["type"] == "Warning" and "the VM did not boot" in ev[0]["message"]

    # The VMM's configuration: sized from the limits, the image as a read-only erofs disk, the pod's /etc
    # as a read-only 9p share, pod init's vsock socket, and the initramfs holding pod init.
    cfg = read_json(os.path.join(d, "vm.json"))
    assert cfg["machine-config"] == {"vcpu_count": 2, "mem_size_mib": 64 + 64}
    assert cfg["boot-source"]["kernel_image_path"] == TEST_GUEST
    assert "rdinit=/init" in cfg["boot-source"]["boot_args"] and "reboot=k" in cfg["boot-source"]["boot_args"]
    [disk] = cfg["drives"]
    assert disk["drive_id"] == "img0" and disk["is_read_only"] is True
    assert disk["path_on_host"].endswith("/rootfs.erofs") and os.path.getsize(disk["path_on_host"]) > 0
    with open(disk["path_on_host"], "rb") as f:
        f.seek(1024)
        assert f.read(4) == struct.pack("<I", 0xE0F5E1E2), "not an erofs image"
    # Directory volumes (here the service account token's) are 9p shares; the pod's /etc comes last.
    sb = read_json(os.path.join(d, "sandbox.json"))
    assert cfg["shares"] == [{"tag": f"vol{i}", "path_on_host": v["host"], "is_read_only": v["readonly"]}
                             for i, v in enumerate(sb["volumes"])] + \
        [{"tag": "etc", "path_on_host": os.path.join(d, "etc"), "is_read_only": True}]
    assert cfg["vsock"] == {"guest_cid": 3, "uds_path": os.path.join(d, "vm.vsock")}
    assert "network-interfaces" not in cfg
    with open(cfg["boot-source"]["initrd_path"], "rb") as f:
        cpio = f.read()
    assert cpio.startswith(b"070701") and b"init\0" in cpio and b"TRAILER!!!" in cpio
    with open(INIT, "rb") as f:
        assert f.read() in cpio
    # The VMM really ran the guest: it logged why the VM ended.
    with open(os.path.join(d, "vmm.log")) as f:
        assert "to the debug-exit port" in f.read()
    with open(os.path.join(d, "shim.log")) as f:
        assert "atoll vmm" in f.read()
    # Nothing stays behind: no VMM, no cgroup, no vsock socket, no shim.
    assert shim_gone(d)
    assert not os.path.exists(os.path.join(d, "vm.vsock"))
    assert not cgroup_dirs(uid)
    out = subprocess.run(["pgrep", "-f", f"vmm --config {d}/vm.json"], capture_output=True, text=True).stdout
    assert not out.strip()
    delete_and_wait(vs, "vm1")


def test_isolation_follows_runtimeclass_and_node_default(vs):
    # atoll-namespace on a VM node: a namespace sandbox that runs; the condition and an event say so.
    create(vs, pod("ns1", vs.image, rc="atoll-namespace"))
    p = wait_pod(vs, "ns1", lambda p: p["status"].get("phase") == "Running")
    [cond] = [c for c in p["status"]["conditions"] if c["type"] == "atoll.dev/Sandbox"]
    assert cond["reason"] == "NamespaceIsolation"
    assert any(e["reason"] == "SandboxCreated" and "namespace isolation" in e["message"] for e in events(vs, "ns1"))
    # No RuntimeClass: the node's default, which is vm on a node that offers it.
    create(vs, pod("dflt", vs.image))
    p = wait_pod(vs, "dflt", lambda p: waiting(p).get("reason") == "CreatePodSandboxError")
    assert "the VM did not boot" in waiting(p)["message"]
    delete_and_wait(vs, "ns1")
    delete_and_wait(vs, "dflt")


def test_vm_class_on_a_node_without_vm_isolation(img):
    # Scheduled there by hand (nodeName): the agent refuses clearly rather than running it another way.
    s = Server(node=True, args=["--node-name", "n1"])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
            time.sleep(0.2)
        if hw_virt():
            pytest.skip("this host has hardware virtualization: every node offers VM isolation")
        create(s, pod("novm", img, rc="atoll-vm"))
        p = wait_pod(s, "novm", lambda p: waiting(p).get("reason") == "CreatePodSandboxError")
        assert "this node has no VM isolation" in waiting(p)["message"]
        assert any(e["reason"] == "FailedCreatePodSandBox" for e in events(s, "novm"))
    finally:
        s.close()


def test_vm_pod_volumes_are_disks_and_shares(vs):
    vols = [{"name": "scratch", "emptyDir": {}},
            {"name": "cfg", "configMap": {"name": "vmcfg"}}]
    code, _, body = vs.request("POST", "/api/v1/namespaces/default/configmaps",
                               {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "vmcfg"},
                                "data": {"k": "v"}})
    assert code == 201, body
    uid = create(vs, pod("vmvol", vs.image, rc="atoll-vm", volumes=vols,
                         mounts=[{"name": "scratch", "mountPath": "/scratch"},
                                 {"name": "cfg", "mountPath": "/cfg"}]))
    d = os.path.realpath(os.path.join(vs.data_dir, "run", "pods", uid))
    wait_pod(vs, "vmvol", lambda p: waiting(p).get("reason") == "CreatePodSandboxError")
    cfg = read_json(os.path.join(d, "vm.json"))
    sb = read_json(os.path.join(d, "sandbox.json"))
    # Directory volumes are 9p shares with the tags pod init mounts at /volumes/N, then /etc.
    want = [{"tag": f"vol{i}", "path_on_host": v["host"], "is_read_only": v["readonly"]}
            for i, v in enumerate(sb["volumes"])]
    want.append({"tag": "etc", "path_on_host": os.path.join(d, "etc"), "is_read_only": True})
    assert cfg["shares"] == want and len(want) >= 3
    assert sb["isolation"] == "vm" and sb["image_disks"][0].endswith("rootfs.erofs")
    assert shim_gone(d)
    delete_and_wait(vs, "vmvol")


def mounts_under(d):
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f if line.split()[4].startswith(d)]


def test_vm_pod_takes_a_claim_disk_as_a_block_device(vs):
    code, _, body = vs.request("POST", "/api/v1/namespaces/default/persistentvolumeclaims",
                               {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "vmdisk"},
                                "spec": {"accessModes": ["ReadWriteOnce"],
                                         "resources": {"requests": {"storage": "32Mi"}}}})
    assert code == 201, body
    vol = [{"name": "data", "persistentVolumeClaim": {"claimName": "vmdisk"}}]
    m = [{"name": "data", "mountPath": "/data"}]
    uid = create(vs, pod("vmpvc", vs.image, rc="atoll-vm", volumes=vol, mounts=m))
    d = os.path.realpath(os.path.join(vs.data_dir, "run", "pods", uid))
    wait_pod(vs, "vmpvc", lambda p: waiting(p).get("reason") == "CreatePodSandboxError")
    pv = vs.kjson("get", "pvc", "vmdisk")["spec"]["volumeName"]
    img = os.path.join(vs.data_dir, "volumes", pv + ".img")
    cfg = read_json(os.path.join(d, "vm.json"))
    disks = [x for x in cfg["drives"] if x["path_on_host"] == img]
    assert len(disks) == 1 and disks[0]["is_read_only"] is False and disks[0]["drive_id"].startswith("vol"), cfg
    # Only the guest mounts it: the host has let it go, and a namespace pod wanting the claim waits.
    mnt = os.path.join(vs.data_dir, "volumes", "mnt")
    assert not mounts_under(mnt)
    create(vs, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nspvc"},
                "spec": {"nodeName": "n1", "restartPolicy": "Never", "runtimeClassName": "atoll-namespace",
                         "volumes": vol, "containers": [{"name": "c", "image": vs.image, "volumeMounts": m,
                                                         "command": ["sh", "-c", "echo ok > /data/f; cat /data/f"]}]}})
    p = wait_pod(vs, "nspvc", lambda p: "attached to the VM of pod" in waiting(p).get("message", ""))
    # The VM pod gone, the disk is the host's again and intact.
    delete_and_wait(vs, "vmpvc")
    p = wait_pod(vs, "nspvc", lambda p: p["status"].get("phase") in ("Succeeded", "Failed"), timeout=60)
    assert p["status"]["phase"] == "Succeeded"
    assert vs.kubectl("logs", "nspvc").stdout.strip() == "ok"
    delete_and_wait(vs, "nspvc")


# ---- the network: a TAP on the node's bridge ----

def test_vm_pod_gets_a_tap_on_the_bridge(img):
    s = vm_server(args=["--pod-network"], netns=True)
    try:
        deadline = time.monotonic() + T
        while time.monotonic() < deadline and not s.kjson("get", "node", "n1")["spec"].get("podCIDR"):
            time.sleep(0.2)
        cidr = s.kjson("get", "node", "n1")["spec"]["podCIDR"]
        uid = create(s, pod("vmnet", img, rc="atoll-vm"))
        d = os.path.realpath(os.path.join(s.data_dir, "run", "pods", uid))
        wait_pod(s, "vmnet", lambda p: waiting(p).get("reason") == "CreatePodSandboxError")
        cfg = read_json(os.path.join(d, "vm.json"))
        [nic] = cfg["network-interfaces"]
        tap = "atl" + uid.replace("-", "")[:12]
        assert nic["host_dev_name"] == tap and nic["guest_mac"].startswith("02:a7:")
        # The VMM opened the TAP (it fails before the guest runs otherwise) and the guest ran.
        with open(os.path.join(d, "vmm.log")) as f:
            assert "debug-exit" in f.read()
        # The pod's /etc files name its address, as for a namespace pod.
        with open(os.path.join(d, "etc", "hosts")) as f:
            hosts = f.read()
        prefix = cidr.rsplit(".", 1)[0]
        assert f"{prefix}." in hosts and "vmnet" in hosts
        with open(os.path.join(d, "etc", "resolv.conf")) as f:
            assert "nameserver" in f.read()
        # After the failed boot: the TAP and the address lease are gone.
        assert shim_gone(d)
        links = subprocess.run(["ip", "-n", s.netns, "-o", "link"], capture_output=True, text=True).stdout
        assert tap not in links
        leases = os.path.join(s.data_dir, "run", "agent", "net", "leases")
        for f in os.listdir(leases) if os.path.isdir(leases) else []:
            with open(os.path.join(leases, f)) as fh:
                assert uid not in fh.read()
        delete_and_wait(s, "vmnet")
    finally:
        s.close()


# ---- a real VM pod, where a guest kernel can boot ----

def test_vm_pod_runs_end_to_end(img):
    kernel = os.environ.get("ATOLL_GUEST_KERNEL")
    if not hw_virt() or not kernel:
        pytest.skip("no hardware virtualization here: the host's kvm is PVM (kvm_pvm), where a stock "
                    "Linux guest stops on a KVM emulation failure; set ATOLL_GUEST_KERNEL to a kernel from "
                    "make guest-kernel on a VT-x/AMD-V host")
    s = Server(node=True, args=["--node-name", "n1", "--guest-kernel", kernel])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
            time.sleep(0.2)
        create(s, pod("real", img, rc="atoll-vm"))
        p = wait_pod(s, "real", lambda p: p["status"].get("phase") == "Running", timeout=60)
        [cond] = [c for c in p["status"]["conditions"] if c["type"] == "atoll.dev/Sandbox"]
        assert cond["reason"] == "VMIsolation"
        deadline = time.monotonic() + T
        while time.monotonic() < deadline and "up" not in s.kubectl("logs", "real").stdout:
            time.sleep(0.2)
        assert "up" in s.kubectl("logs", "real").stdout
        # The guest has its own kernel: uname inside differs from the host's release or not, but exec works.
        out = s.kubectl("exec", "real", "--", "sh", "-c", "echo in-vm; cat /proc/1/cmdline | tr '\\0' ' '")
        assert "in-vm" in out.stdout
        delete_and_wait(s, "real")
    finally:
        s.close()


# ---- pod init's relay for port-forward into a VM ----

class Init:
    """pod init on the host (its own mount and PID namespaces, the host's network), over a Unix socket."""

    def __init__(self, tmp, own_net=False):
        path = os.path.join(tmp, "init.sock")
        ns = ["-n", "-u"] if own_net else []
        self.p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "-p", "-f", *ns, INIT, "--unix", path],
                                  stderr=subprocess.PIPE)
        self.s = None
        end = time.monotonic() + T
        while time.monotonic() < end and not self.s:
            c = socket.socket(socket.AF_UNIX)
            try:
                c.connect(path)
                self.s = c
            except OSError:
                c.close()
                time.sleep(0.02)
        assert self.s, "pod init did not listen"
        self.s.settimeout(T)
        self.buf = b""
        self.seq = 0
        assert self.next()[2]["op"] == "ready"

    def send(self, msg, typ=1, proc=0):
        if typ == 1:
            self.seq += 1
            msg["seq"] = self.seq
            msg = json.dumps(msg).encode()
        self.s.sendall(struct.pack(">IB3xI", len(msg), typ, proc) + msg)
        return self.seq

    def next(self):
        while len(self.buf) < 12 or len(self.buf) < 12 + struct.unpack(">I", self.buf[:4])[0]:
            chunk = self.s.recv(65536)
            assert chunk, "pod init closed the connection"
            self.buf += chunk
        n, typ, proc = struct.unpack(">IB3xI", self.buf[:12])
        data, self.buf = self.buf[12:12 + n], self.buf[12 + n:]
        return typ, proc, json.loads(data) if typ == 1 else data

    def pid(self):
        """pod init's pid: the child unshare forked."""
        with open(f"/proc/{self.p.pid}/task/{self.p.pid}/children") as f:
            return int(f.read().split()[0])

    def call(self, msg):
        seq = self.send(msg)
        while True:
            typ, _, m = self.next()
            if typ == 1 and m.get("seq") == seq:
                return m

    def close(self):
        self.s.close()
        self.p.wait(timeout=T)


def test_podinit_connect_relays_a_tcp_connection():
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(1)
    port = lsn.getsockname()[1]
    got = {}

    def echo():
        c, _ = lsn.accept()
        c.settimeout(T)
        data = b""
        while True:
            b = c.recv(65536)
            if not b:
                break
            data += b
        got["data"] = data
        c.sendall(b"answer:" + str(len(data)).encode())
        c.close()

    t = threading.Thread(target=echo)
    t.start()
    with tempfile.TemporaryDirectory() as tmp:
        init = Init(tmp)
        try:
            seq = init.send({"op": "connect", "proc": 7, "port": port})
            typ, _, m = init.next()
            assert m == {"op": "reply", "seq": seq, "ok": True}
            payload = os.urandom(200000)
            for i in range(0, len(payload), 65536):
                init.send(payload[i:i + 65536], typ=2, proc=7)
            init.send({"op": "close_stdin", "proc": 7})
            out, ev = b"", None
            while ev is None:
                typ, proc, m = init.next()
                if typ == 3 and proc == 7:
                    out += m
                elif typ == 1 and m.get("op") == "exit" and m.get("proc") == 7:
                    ev = m
            t.join(timeout=T)
            assert got["data"] == payload
            assert out == b"answer:200000" and ev["status"] == 0
            # A refused port is a failed reply; the process number is free again.
            free = socket.socket()
            free.bind(("127.0.0.1", 0))
            closed_port = free.getsockname()[1]
            free.close()
            seq = init.send({"op": "connect", "proc": 7, "port": closed_port})
            typ, _, m = init.next()
            assert m["seq"] == seq and m["ok"] is False and "refused" in m["error"].lower()
        finally:
            init.close()
            lsn.close()


def test_podinit_setup_configures_eth0_hostname_and_refuses_bad_mounts():
    # What a VM's pod init does with the shim's setup, here in a network namespace of the test's own (a
    # veth with the MAC the shim would have given the VM's virtio-net device).
    with tempfile.TemporaryDirectory() as tmp:
        init = Init(tmp, own_net=True)
        try:
            pid = init.pid()
            ns = ["nsenter", "-t", str(pid), "-n"]
            subprocess.run([*ns, "ip", "link", "add", "virt0", "address", "02:a7:00:00:00:42", "type", "veth",
                            "peer", "name", "virt1"], check=True)
            subprocess.run([*ns, "ip", "link", "set", "virt1", "up"], check=True)
            r = init.call({"op": "setup", "hostname": "vm-host", "mounts": [],
                           "net": {"mac": "02:a7:00:00:00:42", "address": "10.250.0.5", "prefix": 24,
                                   "gateway": "10.250.0.1", "mtu": 1400}})
            assert r["ok"] is True, r
            link = subprocess.run([*ns, "ip", "-o", "link", "show", "eth0"], capture_output=True, text=True).stdout
            assert "mtu 1400" in link and "02:a7:00:00:00:42" in link and ",UP" in link, link
            addr = subprocess.run([*ns, "ip", "-o", "-4", "addr", "show", "eth0"], capture_output=True, text=True).stdout
            assert "10.250.0.5/24" in addr, addr
            route = subprocess.run([*ns, "ip", "route"], capture_output=True, text=True).stdout
            assert "default via 10.250.0.1 dev eth0" in route, route
            host = subprocess.run(["nsenter", "-t", str(pid), "-u", "hostname"], capture_output=True, text=True).stdout
            assert host.strip() == "vm-host"
            # Disks are found by their virtio serial; none here. Targets must be absolute and plain.
            r = init.call({"op": "setup", "mounts": [{"type": "disk", "serial": "img0", "fstype": "erofs",
                                                      "target": "/images/0", "readonly": True}]})
            assert r["ok"] is False and "no virtio disk with serial img0" in r["error"], r
            r = init.call({"op": "setup", "mounts": [{"type": "9p", "tag": "vol0", "target": "../x"}]})
            assert r["ok"] is False and "bad mount" in r["error"], r
            r = init.call({"op": "setup", "mounts": [], "net": {"mac": "02:a7:00:00:00:43", "address": "10.250.0.6",
                                                               "prefix": 24, "gateway": "10.250.0.1"}})
            assert r["ok"] is False and "no network interface with MAC 02:a7:00:00:00:43" in r["error"], r
        finally:
            init.close()
