# SPDX-License-Identifier: Apache-2.0
"""A pod network in miniature for tests, entirely inside network namespaces the test creates:
a "node" namespace holding bridge atoll0 (10.244.0.1/24) and one namespace per "pod" on a veth."""
import os
import subprocess
import tempfile
import time

BUSYBOX = "/usr/bin/busybox"


def sh(*args, check=True, timeout=20, **kw):
    return subprocess.run(list(args), check=check, timeout=timeout, capture_output=True, text=True, **kw)


class PodNet:
    def __init__(self, prefix=None, gateway="10.244.0.1"):
        self.prefix = prefix or f"atp{os.getpid() % 100000}"
        self.node = self.prefix + "n"
        self.gateway = gateway
        self.pods = {}  # name -> (netns, ip)
        self.procs = []
        self.tmp = tempfile.TemporaryDirectory(prefix="atoll-netns-")
        with open(os.path.join(self.tmp.name, "index.html"), "w") as f:
            f.write("ok\n")
        sh("ip", "netns", "add", self.node)
        try:
            self.node_exec("ip", "link", "set", "lo", "up")
            self.node_exec("ip", "link", "add", "atoll0", "type", "bridge")
            self.node_exec("ip", "addr", "add", gateway + "/24", "dev", "atoll0")
            self.node_exec("ip", "link", "set", "atoll0", "up")
            # Bridged pod-to-pod traffic passes the IPv4 hooks (per network namespace).
            self.node_exec("sh", "-c", "echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables")
        except Exception:
            self.close()
            raise

    def node_exec(self, *args, **kw):
        return sh("ip", "netns", "exec", self.node, *args, **kw)

    def add_pod(self, name, ip, veth=None):
        """A pod namespace with ip on eth0; veth names the host end (default: made up)."""
        ns = f"{self.prefix}{name}"
        veth = veth or f"v{self.prefix[-6:]}{name}"[:15]
        sh("ip", "netns", "add", ns)
        self.pods[name] = (ns, ip)
        sh("ip", "-n", self.node, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
        sh("ip", "-n", self.node, "link", "set", veth, "master", "atoll0", "up")
        sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "route", "add", "default", "via", self.gateway)

    def serve_http(self, name, port):
        """busybox httpd in the pod, answering 'ok' on port."""
        ns, _ = self.pods[name]
        p = subprocess.Popen(["ip", "netns", "exec", ns, BUSYBOX, "httpd", "-f", "-p", str(port), "-h",
                              self.tmp.name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(p)
        for _ in range(100):
            if self._get(ns, "127.0.0.1", port, 1):
                return
            time.sleep(0.05)
        raise RuntimeError(f"httpd on {name}:{port} did not start")

    @staticmethod
    def _get(ns, ip, port, timeout):
        # busybox nc rather than wget: this busybox's static wget crashes resolving.
        r = sh("ip", "netns", "exec", ns, BUSYBOX, "nc", "-w", str(timeout), ip, str(port),
               input="GET / HTTP/1.0\r\n\r\n", check=False, timeout=timeout + 10)
        return r.returncode == 0 and r.stdout.startswith("HTTP/1.") and r.stdout.rstrip().endswith("ok")

    def can_connect(self, src, dst_ip, port, timeout=2):
        """True when an HTTP GET from pod src to dst_ip:port gets 'ok' (a dropped SYN times out)."""
        return self._get(self.pods[src][0], dst_ip, port, timeout)

    def ip(self, name):
        return self.pods[name][1]

    def close(self):
        for p in self.procs:
            p.kill()
            p.wait()
        self.procs = []
        for ns, _ in self.pods.values():
            sh("ip", "netns", "del", ns, check=False)
        self.pods = {}
        sh("ip", "netns", "del", self.node, check=False)
        self.tmp.cleanup()
