# SPDX-License-Identifier: Apache-2.0
"""Pod start latency and density against a running `atoll server` with its node.

usage: podbench.py KUBECONFIG IMAGE SERIAL BURST DENSITY
Prints one line per measurement (for the burst also the CPU each pod cost and
the median pod's milestones); latencies are create request sent -> the
watch sees condition Ready=True (what `kubectl wait --for=condition=Ready` sees).
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

from kubernetes import client, config, watch

NS = "bench"


def pod(name, image, cmd):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"bench": "1"}},
            "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 0,
                     "containers": [{"name": "main", "image": image, "command": ["sh", "-c", cmd]}]}}


def ready(p):
    """p is the pod as parsed JSON (the watch is read raw: the client's model classes cost
    milliseconds of CPU per event, which the burst would otherwise compete with)."""
    for c in p.get("status", {}).get("conditions", []):
        if c.get("type") == "Ready" and c.get("status") == "True":
            return True
    return False


def first_seen(p):
    """The milestones of a pod's start this event shows: scheduled, a container running, Ready."""
    st = p.get("status", {})
    out = []
    if p.get("spec", {}).get("nodeName"):
        out.append("scheduled")
    if any("running" in c.get("state", {}) for c in st.get("containerStatuses", [])):
        out.append("running")
    if ready(p):
        out.append("ready")
    return out


class Watcher:
    """Records when each pod of the namespace is first seen Ready."""

    def __init__(self, v1):
        self.v1 = v1
        self.seen = {}
        self.milestones = {}
        self.cv = threading.Condition()
        self.stop = False
        rv = v1.list_namespaced_pod(NS).metadata.resource_version
        self.t = threading.Thread(target=self.run, args=(rv,), daemon=True)
        self.t.start()

    def run(self, rv):
        while not self.stop:
            resp = self.v1.list_namespaced_pod(NS, watch=True, resource_version=rv, timeout_seconds=30,
                                               allow_watch_bookmarks=False, _preload_content=False)
            for line in resp:
                now = time.monotonic()
                ev = json.loads(line)
                p = ev["object"]
                rv = p["metadata"]["resourceVersion"]
                name = p["metadata"]["name"]
                with self.cv:
                    for m in first_seen(p):
                        self.milestones.setdefault((name, m), now)
                    if ready(p):
                        self.seen.setdefault(name, now)
                        self.cv.notify_all()
                if self.stop:
                    return

    def wait(self, names, timeout):
        end = time.monotonic() + timeout
        with self.cv:
            while not all(n in self.seen for n in names):
                left = end - time.monotonic()
                if left <= 0:
                    missing = [n for n in names if n not in self.seen]
                    raise RuntimeError(f"{len(missing)} pods not Ready after {timeout} s: {missing[:5]}")
                self.cv.wait(left)
        return [self.seen[n] for n in names]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def delete_all(v1, timeout=120):
    v1.delete_collection_namespaced_pod(NS, label_selector="bench=1", grace_period_seconds=0)
    end = time.monotonic() + timeout
    while v1.list_namespaced_pod(NS).items and time.monotonic() < end:
        time.sleep(0.2)


def mem_available_kib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


def shim_marker(data_dir):
    """What the command lines of the node's shims name: their pod directories are in its runtime
    directory, DATA/run (a link into /run; src/agent/rundir.h)."""
    return os.path.realpath(os.path.join(data_dir, "run")) + "/"


def sandbox_pss_kib(marker):
    """PSS of every pod process: the shims whose command line names marker, and their descendants."""
    parent, cmd = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd[int(d)] = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
    roots = {p for p, c in cmd.items() if c.startswith("atoll shim") and marker in c}
    members, changed = set(roots), True
    while changed:
        changed = False
        for p, pp in parent.items():
            if pp in members and p not in members:
                members.add(p)
                changed = True
    total = 0
    for p in members:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total, len(roots), len(members)


def cgroup_ms():
    """Exact CPU (ms) so far from cgroup v1 cpuacct, which also counts processes that have exited: the
    server's own cgroup (run.sh puts it in BENCH_CGROUP: the server, its shims and their short-lived
    helpers) and the bench namespace's pool of sandboxes (atoll/ns-bench, every pod's). None without."""
    cg = os.environ.get("BENCH_CGROUP")
    if not cg:
        return None
    out = []
    for d in (cg, f"/sys/fs/cgroup/cpuacct/atoll/ns-{NS}"):
        try:
            with open(os.path.join(d, "cpuacct.usage")) as f:
                out.append(int(f.read()) / 1e6)
        except FileNotFoundError:
            out.append(0.0)  # the pool goes with the namespace's last sandbox and comes back with the next
        except (OSError, ValueError):
            return None
    return out


def cpu_ms(data_dir):
    """CPU time (ms) so far of the server, of the pods' shims and of everything in their sandboxes."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, cmd, cpu = {}, {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd[int(d)] = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parent[int(d)] = int(st[1])
        cpu[int(d)] = (int(st[11]) + int(st[12]) + int(st[13]) + int(st[14])) * 1000 / tick
        # Small processes use less than a clock tick each: their schedstat runtimes (ns) are exact.
        try:
            ns = 0
            for t in os.listdir(f"/proc/{d}/task"):
                with open(f"/proc/{d}/task/{t}/schedstat") as f:
                    ns += int(f.read().split()[0])
            cpu[int(d)] = max(cpu[int(d)], ns / 1e6)
        except (OSError, ValueError, IndexError):
            pass
    out = {"server (with its node agent)": 0, "shims": 0, "sandboxes": 0}
    def is_atoll(c, sub, marker):
        w = c.split()
        return len(w) > 1 and w[0].endswith("atoll") and w[1] == sub and marker in c
    shims = {p for p, c in cmd.items() if is_atoll(c, "shim", shim_marker(data_dir))}
    for p, c in cmd.items():
        if is_atoll(c, "server", data_dir):
            out["server (with its node agent)"] += cpu[p]
        elif p in shims:
            out["shims"] += cpu[p]
        else:
            q, hops = parent.get(p), 0
            while q and q not in shims and hops < 8:
                q, hops = parent.get(q), hops + 1
            if q in shims:
                out["sandboxes"] += cpu[p]
    return out


def main():
    kubeconfig, image, serial, burst, density = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    config.load_kube_config(kubeconfig)
    v1 = client.CoreV1Api()
    v1.create_namespace({"metadata": {"name": NS}})
    # The default ServiceAccount is made by a controller; pods wait for it otherwise.
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if any(sa.metadata.name == "default" for sa in v1.list_namespaced_service_account(NS).items):
            break
        time.sleep(0.05)
    w = Watcher(v1)

    # Warm-up: the image is unpacked into the node's cache once.
    t = time.monotonic()
    v1.create_namespaced_pod(NS, pod("warm", image, "sleep 3600"))
    w.wait(["warm"], 120)
    print(f"warm-up pod (image unpack) {1e3 * (time.monotonic() - t):.0f} ms")
    delete_all(v1)

    lat = []
    for i in range(serial):
        name = f"one-{i}"
        t = time.monotonic()
        v1.create_namespaced_pod(NS, pod(name, image, "sleep 3600"))
        lat.append(w.wait([name], 60)[0] - t)
    print(f"one at a time ({serial} pods): create->Ready p50 {1e3 * pct(lat, 50):.0f} ms, "
          f"p99 {1e3 * pct(lat, 99):.0f} ms, max {1e3 * max(lat):.0f} ms")
    delete_all(v1)
    # The kernel tears the deleted pods' network namespaces down in the background for a while:
    # let it finish, so the burst is measured on its own.
    time.sleep(3)

    names = [f"burst-{i}" for i in range(burst)]
    starts, created = {}, {}

    def create(n):
        starts[n] = time.monotonic()
        v1.create_namespaced_pod(NS, pod(n, image, "sleep 3600"), _preload_content=False).read()
        created[n] = time.monotonic()

    threads = [threading.Thread(target=create, args=(n,)) for n in names]
    marker = os.path.dirname(kubeconfig)
    cpu0, self0, cg0 = cpu_ms(marker), time.process_time(), cgroup_ms()
    # PERF_OUT=FILE: a system-wide profile (perf record -a -g) of the burst alone.
    prof = None
    if os.environ.get("PERF_OUT"):
        prof = subprocess.Popen(["perf", "record", "-q", "-a", "-g", "-F", "2000", "-o", os.environ["PERF_OUT"]])
        time.sleep(0.5)  # perf's start-up is not the burst's
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    done = w.wait(names, 300)
    if prof:
        prof.send_signal(signal.SIGINT)
        prof.wait(30)
    lat = [d - starts[n] for n, d in zip(names, done)]
    print(f"{burst} at once: create->Ready p50 {1e3 * pct(lat, 50):.0f} ms, p99 {1e3 * pct(lat, 99):.0f} ms, "
          f"all Ready after {1e3 * (max(done) - t0):.0f} ms")
    cpu1, self1, cg1 = cpu_ms(marker), time.process_time(), cgroup_ms()
    print("  CPU per pod during the burst: " + ", ".join(f"{k} {(cpu1[k] - cpu0[k]) / burst:.1f} ms" for k in cpu0)
          + f", this client {1e3 * (self1 - self0) / burst:.1f} ms")
    if cg0 and cg1 and len(cg0) == len(cg1) == 2:
        print(f"  the same from cgroups (exited processes too): server cgroup {(cg1[0] - cg0[0]) / burst:.1f} ms, "
              f"sandboxes {(cg1[1] - cg0[1]) / burst:.1f} ms")
    # Where the time went: the median pod's milestones, each from the create request.
    parts = [("created", [created[n] - starts[n] for n in names])]
    for m in ("scheduled", "running", "ready"):
        xs = [w.milestones[(n, m)] - starts[n] for n in names if (n, m) in w.milestones]
        if xs:
            parts.append((m, xs))
    print("  median milestones after create: " + ", ".join(f"{m} {1e3 * pct(xs, 50):.0f} ms" for m, xs in parts))
    delete_all(v1)

    if density > 0:
        time.sleep(2)
        before = mem_available_kib()
        names = [f"idle-{i}" for i in range(density)]
        for i in range(0, density, 25):
            chunk = names[i:i + 25]
            for n in chunk:
                v1.create_namespaced_pod(NS, pod(n, image, "sleep 3600"))
            w.wait(chunk, 300)
        time.sleep(2)
        after = mem_available_kib()
        per = (before - after) / density
        pss, shims, procs = sandbox_pss_kib(shim_marker(os.path.dirname(kubeconfig)))
        print(f"density: {density} idle pods Ready; their {procs} processes ({shims} shims) use "
              f"{pss / 1024:.1f} MiB PSS, {pss / 1024 / density:.2f} MiB per pod; host MemAvailable dropped "
              f"{(before - after) / 1024:.0f} MiB ({per / 1024:.2f} MiB per pod, noisy: includes the kernel's "
              f"share and anything else the machine did)")
        # What the idle pods cost the host's CPUs: the node keeps watching them (probes, status).
        c0, t0 = cpu_ms(os.path.dirname(kubeconfig)), time.monotonic()
        time.sleep(5)
        c1, el = cpu_ms(os.path.dirname(kubeconfig)), time.monotonic() - t0
        print(f"idle: with {density} pods, " + ", ".join(f"{k} {100 * (c1[k] - c0[k]) / 1e3 / el:.1f}% of a CPU"
                                                        for k in c0))
        delete_all(v1, 300)
    w.stop = True


if __name__ == "__main__":
    main()
