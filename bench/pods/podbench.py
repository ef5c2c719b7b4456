# SPDX-License-Identifier: Apache-2.0
"""Pod start latency and density against a running `atoll server` with its node.

usage: podbench.py KUBECONFIG IMAGE SERIAL BURST DENSITY
Prints one line per measurement; latencies are create request sent -> the
watch sees condition Ready=True (what `kubectl wait --for=condition=Ready` sees).
"""
import os
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
    for c in (p.status and p.status.conditions) or []:
        if c.type == "Ready" and c.status == "True":
            return True
    return False


class Watcher:
    """Records when each pod of the namespace is first seen Ready."""

    def __init__(self, v1):
        self.v1 = v1
        self.seen = {}
        self.cv = threading.Condition()
        self.stop = False
        rv = v1.list_namespaced_pod(NS).metadata.resource_version
        self.t = threading.Thread(target=self.run, args=(rv,), daemon=True)
        self.t.start()

    def run(self, rv):
        w = watch.Watch()
        while not self.stop:
            for ev in w.stream(self.v1.list_namespaced_pod, NS, resource_version=rv, timeout_seconds=30):
                now = time.monotonic()
                p = ev["object"]
                rv = p.metadata.resource_version
                if ready(p):
                    with self.cv:
                        self.seen.setdefault(p.metadata.name, now)
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

    names = [f"burst-{i}" for i in range(burst)]
    starts = {}

    def create(n):
        starts[n] = time.monotonic()
        v1.create_namespaced_pod(NS, pod(n, image, "sleep 3600"))

    threads = [threading.Thread(target=create, args=(n,)) for n in names]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    done = w.wait(names, 300)
    lat = [d - starts[n] for n, d in zip(names, done)]
    print(f"{burst} at once: create->Ready p50 {1e3 * pct(lat, 50):.0f} ms, p99 {1e3 * pct(lat, 99):.0f} ms, "
          f"all Ready after {1e3 * (max(done) - t0):.0f} ms")
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
        pss, shims, procs = sandbox_pss_kib(os.path.dirname(kubeconfig))
        print(f"density: {density} idle pods Ready; their {procs} processes ({shims} shims) use "
              f"{pss / 1024:.1f} MiB PSS, {pss / 1024 / density:.2f} MiB per pod; host MemAvailable dropped "
              f"{(before - after) / 1024:.0f} MiB ({per / 1024:.2f} MiB per pod, noisy: includes the kernel's "
              f"share and anything else the machine did)")
        delete_all(v1, 300)
    w.stop = True


if __name__ == "__main__":
    main()
