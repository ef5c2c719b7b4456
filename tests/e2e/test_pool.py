# SPDX-License-Identifier: Apache-2.0
"""Resource pools: sandboxes of one namespace share a parent cgroup carrying the namespace's
quota limits, which bind them together and go away with the last of them. Needs root."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from test_run import T, atoll_run, env, find_pid, popen_run, wait_line  # noqa: E402,F401


def cgroups_of(pid):
    with open(f"/proc/{pid}/cgroup") as f:
        return dict(ln.strip().split(":", 2)[1:] for ln in f)


def read(path):
    with open(path) as f:
        return f.read().strip()


def wait_gone(path):
    end = time.monotonic() + T
    while os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.02)
    return not os.path.exists(path)


def test_pool_parent_cgroup(env):
    pool = f"team-{os.getpid()}"
    opts = ["--pool", pool, "--pool-cpus", "1.5", "--pool-memory", "256m"]
    markers = ["71.301", "71.302"]
    procs = [popen_run(env, "sh", "-c", f"echo ready; exec sleep {markers[0]}", opts=opts + ["--memory", "64m"]),
             popen_run(env, "sh", "-c", f"echo ready; exec sleep {markers[1]}", opts=opts)]
    parents = set()
    try:
        for p in procs:
            wait_line(p, "ready")
        cgs = [cgroups_of(find_pid(m)) for m in markers]
        v2 = "" in cgs[0] and len(cgs[0]) == 1
        ctrls = [""] if v2 else ["memory", "cpu"]
        for ctrl in ctrls:
            paths = [cg[ctrl] for cg in cgs]
            # Both under atoll/ns-<pool>/, each in a directory of its own.
            assert all(os.path.dirname(pth) == f"/atoll/ns-{pool}" for pth in paths), paths
            assert paths[0] != paths[1]
            parents.add(f"/sys/fs/cgroup/{ctrl}/atoll/ns-{pool}".replace("//", "/"))
        if v2:
            base = f"/sys/fs/cgroup/atoll/ns-{pool}"
            assert int(read(base + "/memory.max")) == 256 << 20
            assert read(base + "/cpu.max") == "150000 100000"
            assert int(read(f"/sys/fs/cgroup{cgs[0]['']}/memory.max")) == 64 << 20
        else:
            assert int(read(f"/sys/fs/cgroup/memory/atoll/ns-{pool}/memory.limit_in_bytes")) == 256 << 20
            assert int(read(f"/sys/fs/cgroup/cpu/atoll/ns-{pool}/cpu.cfs_quota_us")) == 150000
            assert int(read(f"/sys/fs/cgroup/memory{cgs[0]['memory']}/memory.limit_in_bytes")) == 64 << 20
            # The second has no limit of its own: only the pool's binds it.
            assert int(read(f"/sys/fs/cgroup/memory{cgs[1]['memory']}/memory.limit_in_bytes")) > 256 << 20
        # One sandbox gone: the pool stays for the other.
        procs[0].send_signal(signal.SIGTERM)
        procs[0].communicate(timeout=T)
        for ctrl in ctrls:
            d = f"/sys/fs/cgroup/{ctrl}{cgs[0][ctrl]}".replace("//", "/")
            assert wait_gone(d)
        for d in parents:
            assert os.path.isdir(d)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            p.communicate(timeout=T)
    # The last one gone: the pool's directory is removed too.
    for d in parents:
        assert wait_gone(d), d


def test_pool_memory_limit_binds(env):
    # No limit of its own, but the pool's 32 MiB: the allocation is OOM-killed.
    pool = f"small-{os.getpid()}"
    r = atoll_run(env, "sh", "-c", 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived',
                  opts=["--pool", pool, "--pool-memory", "32m"])
    assert r.returncode == 137
    assert "survived" not in r.stdout
    assert "pool" in r.stderr
    for ctrl in ("memory", "cpu", ""):
        assert wait_gone(f"/sys/fs/cgroup/{ctrl}/atoll/ns-{pool}".replace("//", "/"))


def test_pool_without_limits_and_bad_name(env):
    pool = f"free-{os.getpid()}"
    r = atoll_run(env, "sh", "-c", "echo hi", opts=["--pool", pool])
    assert r.returncode == 0 and r.stdout == "hi\n"
    r = atoll_run(env, "true", opts=["--pool", "Bad_Name"])
    assert r.returncode != 0 and "namespace name" in r.stderr


def test_pods_of_a_namespace_share_its_pool():
    """Through the API: pods of a namespace with a quota run under atoll/ns-<namespace>/."""
    import subprocess
    import tempfile

    from conftest import Server
    from test_auth import atoll

    s = Server(node=True, args=["--node-name", "n1"])
    img = tempfile.mkdtemp(prefix="atoll-img-")
    ns = f"pool-{os.getpid()}"
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "mkimage.py"), img],
                       check=True, capture_output=True)
        deadline = time.monotonic() + T
        while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
            time.sleep(0.2)
        atoll("namespace", "create", ns, "--cpu", "2", "--memory", "1Gi", "--data-dir", s.data_dir)
        markers = ["68.401", "68.402"]
        for i, m in enumerate(markers):
            code, _, body = s.request("POST", f"/api/v1/namespaces/{ns}/pods", {
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"},
                "spec": {"nodeName": "n1", "restartPolicy": "Never",
                         "containers": [{"name": "c", "image": f"oci:{img}:latest",
                                         "command": ["sh", "-c", f"exec sleep {m}"]}]}})
            assert code == 201, body
        cgs = [cgroups_of(find_pid(m)) for m in markers]
        v2 = "" in cgs[0] and len(cgs[0]) == 1
        ctrl = "" if v2 else "memory"
        for cg in cgs:
            # A pod's container sits in its own cgroup below the pod's: atoll/ns-NS/<sandbox>/<container>.
            assert cg[ctrl].endswith("/c") and os.path.dirname(os.path.dirname(cg[ctrl])) == f"/atoll/ns-{ns}", cg
        if v2:
            assert int(read(f"/sys/fs/cgroup/atoll/ns-{ns}/memory.max")) == 1 << 30
            assert read(f"/sys/fs/cgroup/atoll/ns-{ns}/cpu.max") == "200000 100000"
        else:
            assert int(read(f"/sys/fs/cgroup/memory/atoll/ns-{ns}/memory.limit_in_bytes")) == 1 << 30
            assert int(read(f"/sys/fs/cgroup/cpu/atoll/ns-{ns}/cpu.cfs_quota_us")) == 200000
        for i in range(2):
            s.request("DELETE", f"/api/v1/namespaces/{ns}/pods/p{i}?gracePeriodSeconds=0")
        for c in (("",) if v2 else ("memory", "cpu")):
            assert wait_gone(f"/sys/fs/cgroup/{c}/atoll/ns-{ns}".replace("//", "/"))
    finally:
        s.close()
        subprocess.run(["rm", "-rf", img])
