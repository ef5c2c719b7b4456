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
