# SPDX-License-Identifier: Apache-2.0
"""Real pods on the pod network, in a network namespace of the test's own: a Deployment behind a
LoadBalancer Service, a client pod that reaches it by its ClusterIP, pod IPs in pod status, and the
LoadBalancer IP reachable from the node and from a network the node routes."""
import json
import os
import subprocess
import tempfile

import pytest

from conftest import Server, netns_add, netns_del
from test_net import sh, wait_for, wget

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


@pytest.fixture(scope="module")
def srv():
    s = Server(node=True, netns=True, args=["--pod-network", "--node-name", "n1"])
    img = tempfile.mkdtemp(prefix="atoll-img-")
    client = None
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True,
                       capture_output=True)
        s.image = f"oci:{img}:latest"
        s.cidr = wait_for(lambda: s.kubectl("get", "node", "n1", "-o", "jsonpath={.spec.podCIDR}",
                                            check=False).stdout, "the node's podCIDR")
        client = netns_add()
        sh("ip", "-n", s.netns, "link", "add", "atlt-s", "type", "veth", "peer", "name", "atlt-c", "netns", client)
        sh("ip", "-n", s.netns, "addr", "add", "192.168.251.1/30", "dev", "atlt-s")
        sh("ip", "-n", s.netns, "link", "set", "atlt-s", "up")
        sh("ip", "-n", client, "addr", "add", "192.168.251.2/30", "dev", "atlt-c")
        sh("ip", "-n", client, "link", "set", "atlt-c", "up")
        sh("ip", "-n", client, "route", "add", "10.97.0.0/16", "via", "192.168.251.1")
        s.client = client
        yield s
    finally:
        s.kubectl("delete", "deployment,service,pod", "--all", "--wait=true", "--timeout=60s", check=False)
        if client:
            netns_del(client)
        s.close()
        subprocess.run(["rm", "-rf", img])


def test_deployment_behind_a_service(srv):
    base = srv.cidr.rsplit(".", 1)[0] + "."
    srv.kubectl("apply", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{
                      "name": "httpd", "image": srv.image, "ports": [{"containerPort": 8080}],
                      "command": ["sh", "-c", "mkdir -p /tmp/www && echo served-by-$(hostname) > "
                                  "/tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
         "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                  "ports": [{"port": 80, "targetPort": 8080}]}}]}))

    def running_ips():
        items = srv.kjson("get", "pods", "-l", "app=web")["items"]
        ips = [p["status"].get("podIP") for p in items if p["status"].get("phase") == "Running"]
        return ips if len(ips) == 2 and all(ips) else None
    ips = wait_for(running_ips, "two web pods with IPs", timeout=90)
    # Pod IPs come from the node's range, one each.
    assert all(ip.startswith(base) for ip in ips) and len(set(ips)) == 2
    pod = srv.kjson("get", "pods", "-l", "app=web")["items"][0]
    assert pod["status"]["podIPs"] == [{"ip": pod["status"]["podIP"]}]
    wait_for(lambda: len([a for e in srv.kjson("get", "endpointslices", "-l", "kubernetes.io/service-name=web")
                          ["items"] for a in e.get("endpoints", [])]) == 2, "two endpoints", timeout=60)
    svc = srv.kjson("get", "service", "web")
    cip = svc["spec"]["clusterIP"]

    # A client pod reaches the Deployment through the ClusterIP (bounded retries inside the pod).
    srv.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
         "spec": {"restartPolicy": "Never", "containers": [{
             "name": "c", "image": srv.image,
             "command": ["sh", "-c", f"for i in $(seq 60); do wget -q -O - http://{cip}/ && exit 0; "
                                     "sleep 0.5; done; exit 1"]}]}}))
    phase = wait_for(lambda: srv.kjson("get", "pod", "client")["status"].get("phase")
                     in ("Succeeded", "Failed") and srv.kjson("get", "pod", "client")["status"]["phase"],
                     "the client pod to finish", timeout=90)
    logs = srv.kubectl("logs", "client").stdout
    assert phase == "Succeeded", logs
    assert "served-by-web-" in logs
    client_ip = srv.kjson("get", "pod", "client")["status"]["podIP"]
    assert client_ip.startswith(base) and client_ip not in ips

    # The LoadBalancer IP: from the node, and from a network the node routes.
    lb = wait_for(lambda: srv.kjson("get", "service", "web").get("status", {}).get("loadBalancer", {})
                  .get("ingress", [{}])[0].get("ip"), "a LoadBalancer IP")

    def node_run(*argv, check=True, timeout=30):
        return sh(*srv.prefix, "busybox", *argv, check=check, timeout=timeout)

    def client_run(*argv, check=True, timeout=30):
        return sh("ip", "netns", "exec", srv.client, "busybox", *argv, check=check, timeout=timeout)
    assert "served-by-web-" in wait_for(lambda: wget(node_run, f"http://{lb}/"), "the LB IP from the node")
    assert "served-by-web-" in wait_for(lambda: wget(client_run, f"http://{lb}/"), "the LB IP from outside")
    nport = svc["spec"]["ports"][0]["nodePort"]
    assert "served-by-web-" in wget(client_run, f"http://192.168.251.1:{nport}/")


def test_host_port(srv):
    srv.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hp"},
         "spec": {"containers": [{
             "name": "c", "image": srv.image, "ports": [{"containerPort": 8080, "hostPort": 8081}],
             "command": ["sh", "-c", "mkdir -p /tmp/w && echo on-host-port > /tmp/w/index.html && "
                                     "exec httpd -f -p 8080 -h /tmp/w"]}]}}))

    def client_run(*argv, check=True, timeout=30):
        return sh("ip", "netns", "exec", srv.client, "busybox", *argv, check=check, timeout=timeout)
    # From a network the node routes, on the node's address.
    assert wait_for(lambda: wget(client_run, "http://192.168.251.1:8081/"), "the host port",
                    timeout=90) == "on-host-port\n"
    srv.kubectl("delete", "pod", "hp")
    wait_for(lambda: "dport 8081" not in sh("ip", "netns", "exec", srv.netns, "nft", "list", "chain", "ip",
                                            "atoll-nat", "hostports").stdout, "the host port to go")


def test_pod_files_and_release(srv):
    srv.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "files"},
         "spec": {"restartPolicy": "Never", "containers": [{
             "name": "c", "image": srv.image,
             "command": ["sh", "-c", "cat /etc/resolv.conf /etc/hosts; ip -4 addr show eth0; echo done; "
                                     "exec sleep 300"]}]}}))
    out = wait_for(lambda: "done" in srv.kubectl("logs", "files", check=False).stdout and
                   srv.kubectl("logs", "files").stdout, "the pod's output", timeout=90)
    ip = srv.kjson("get", "pod", "files")["status"]["podIP"]
    assert "nameserver 10.96.0.10" in out and "search default.svc.cluster.local" in out
    assert f"{ip}\tfiles" in out and f"inet {ip}/24" in out
    # The shim leases under the agent's data dir; the lease goes with the pod.
    lease = os.path.join(srv.data_dir, "run", "agent", "net", "leases", ip)
    with open(lease) as f:
        assert f.read().strip() == srv.kjson("get", "pod", "files")["metadata"]["uid"]
    srv.kubectl("delete", "pod", "files")
    wait_for(lambda: not os.path.exists(lease), "the lease to go")
