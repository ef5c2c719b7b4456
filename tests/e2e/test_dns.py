# SPDX-License-Identifier: Apache-2.0
"""Cluster DNS (docs/dns.md): the node agent answers over UDP and TCP on a loopback test port."""
import json
import socket
import struct
import time

import pytest

from conftest import Server, free_port
from dns_util import addrs, build_query, parse, query

D = "cluster.local"


@pytest.fixture(scope="module")
def dns():
    port = free_port()
    s = Server(node=True, args=["--node-name", "n1", "--dns-listen", f"127.0.0.1:{port}"])
    s.dns_port = port
    try:
        wait_answer(s, f"kubernetes.default.svc.{D}", lambda r: addrs(r) == ["10.96.0.1"])
        yield s
    finally:
        s.close()


def wait_answer(s, name, pred, qtype="A", timeout=30):
    """Ask until pred(reply) holds (the agent's caches follow the API a moment later)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            last = query(s.dns_port, name, qtype)
            if pred(last):
                return last
        except (OSError, AssertionError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{name} {qtype}: last reply {last}\n{s.logtext()}")


def apply(s, obj):
    s.kubectl("apply", "-f", "-", input=json.dumps(obj))


def test_kube_dns_service_exists(dns):
    svc = dns.kjson("-n", "kube-system", "get", "service", "kube-dns")
    assert svc["spec"]["clusterIP"] == "10.96.0.10"
    assert {(p["port"], p["protocol"]) for p in svc["spec"]["ports"]} == {(53, "UDP"), (53, "TCP")}
    r = wait_answer(dns, f"kube-dns.kube-system.svc.{D}", lambda r: addrs(r) == ["10.96.0.10"])
    assert r["aa"] and r["rcode"] == "NOERROR"


def test_service_a_udp_and_tcp(dns):
    dns.kubectl("create", "namespace", "dns-a")
    apply(dns, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "dns-a"},
                "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
    ip = dns.kjson("-n", "dns-a", "get", "service", "web")["spec"]["clusterIP"]
    name = f"web.dns-a.svc.{D}"
    wait_answer(dns, name, lambda r: addrs(r) == [ip])
    # Case does not matter, and the question comes back as asked.
    r = query(dns.dns_port, name.upper())
    assert addrs(r) == [ip]
    r = query(dns.dns_port, name, tcp=True)
    assert addrs(r) == [ip] and r["rcode"] == "NOERROR"
    # SRV for the named port, and for every port at the service name.
    r = query(dns.dns_port, f"_http._tcp.{name}", "SRV")
    assert [v for _, t, v in r["answer"]] == [(0, 100, 80, name)]
    assert ("web.dns-a.svc." + D, 1, ip) in r["additional"]
    # The service exists but has no AAAA: NODATA, not NXDOMAIN.
    r = query(dns.dns_port, name, "AAAA")
    assert r["rcode"] == "NOERROR" and r["answer"] == [] and r["authority"][0][1] == 6
    # PTR for the ClusterIP.
    rev = ".".join(reversed(ip.split("."))) + ".in-addr.arpa"
    r = query(dns.dns_port, rev, "PTR")
    assert [v for _, t, v in r["answer"]] == [name]


def test_missing_names_are_nxdomain(dns):
    for name in (f"nope.dns-a.svc.{D}", f"web.nope.svc.{D}", f"x.y.{D}", f"web.dns-a.svc.{D}.dns-a.svc.{D}"):
        r = query(dns.dns_port, name)
        assert r["rcode"] == "NXDOMAIN", name
        assert r["aa"] and r["authority"] and r["authority"][0][1] == 6  # SOA, for negative caching
    # A namespace with services exists as a name: NODATA.
    r = query(dns.dns_port, f"dns-a.svc.{D}")
    assert r["rcode"] == "NOERROR" and r["answer"] == []
    r = query(dns.dns_port, "1.0.96.10.in-addr.arpa".replace("1.0.96", "250.255.111"), "PTR")
    assert r["rcode"] == "NXDOMAIN"


def test_headless_service_endpoints(dns):
    dns.kubectl("create", "namespace", "dns-h")
    apply(dns, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "dns-h"},
                "spec": {"clusterIP": "None", "ports": [{"name": "pg", "port": 5432}]}})
    # Selectorless: the endpoints are ours to write (the pod network is not needed for DNS).
    apply(dns, {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": "db-1", "namespace": "dns-h",
                             "labels": {"kubernetes.io/service-name": "db"}},
                "addressType": "IPv4",
                "endpoints": [{"addresses": ["10.244.0.11"], "hostname": "db-0", "conditions": {"ready": True}},
                              {"addresses": ["10.244.0.12"], "hostname": "db-1", "conditions": {"ready": True}},
                              {"addresses": ["10.244.0.13"], "conditions": {"ready": False}}],
                "ports": [{"name": "pg", "port": 5432, "protocol": "TCP"}]})
    name = f"db.dns-h.svc.{D}"
    r = wait_answer(dns, name, lambda r: addrs(r) == ["10.244.0.11", "10.244.0.12"])
    assert r["rcode"] == "NOERROR"
    r = query(dns.dns_port, f"db-1.{name}")
    assert addrs(r) == ["10.244.0.12"]
    r = query(dns.dns_port, f"_pg._tcp.{name}", "SRV")
    targets = sorted(v[3] for _, t, v in r["answer"])
    assert targets == [f"db-0.{name}", f"db-1.{name}"]
    assert sorted(v for _, t, v in r["additional"] if t == 1) == ["10.244.0.11", "10.244.0.12"]
    # The not-ready endpoint has no name.
    r = query(dns.dns_port, f"10-244-0-13.{name}")
    assert r["rcode"] == "NXDOMAIN"
    # Deleting the slice takes the addresses away (NODATA: the service still exists).
    dns.kubectl("-n", "dns-h", "delete", "endpointslice", "db-1")
    wait_answer(dns, name, lambda r: r["rcode"] == "NOERROR" and addrs(r) == [])


def test_external_name_is_cname(dns):
    apply(dns, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext", "namespace": "default"},
                "spec": {"type": "ExternalName", "externalName": "db.example.test"}})
    r = wait_answer(dns, f"ext.default.svc.{D}", lambda r: r["answer"])
    assert r["answer"][0][1:] == (5, "db.example.test")


def test_pod_a_record(dns):
    dns.kubectl("create", "namespace", "dns-p")
    # Bound to a node that does not exist, so no agent runs it; the status is ours to set.
    apply(dns, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "dns-p"},
                "spec": {"nodeName": "elsewhere", "containers": [{"name": "c", "image": "busybox"}]}})
    code, _, body = dns.request("PATCH", "/api/v1/namespaces/dns-p/pods/p/status",
                                {"status": {"phase": "Running", "podIP": "10.244.3.7",
                                            "podIPs": [{"ip": "10.244.3.7"}]}},
                                content_type="application/merge-patch+json")
    assert code == 200, body
    wait_answer(dns, f"10-244-3-7.dns-p.pod.{D}", lambda r: addrs(r) == ["10.244.3.7"])
    r = query(dns.dns_port, f"10-244-3-8.dns-p.pod.{D}")
    assert r["rcode"] == "NXDOMAIN"


def test_bad_packets_do_not_hurt(dns):
    garbage = [b"", b"\x00", b"\x12\x34" + b"\x00" * 9, b"\xff" * 64,
               # a question name that points at itself
               struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01",
               # a label running past the end
               struct.pack(">HHHHHH", 8, 0x0100, 1, 0, 0, 0) + b"\x3fabc",
               # two questions
               build_query(f"web.dns-a.svc.{D}")[1][:5] + b"\x02" + build_query(f"web.dns-a.svc.{D}")[1][6:]]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1)
        for g in garbage:
            s.sendto(g, ("127.0.0.1", dns.dns_port))
        # The malformed queries with a readable header get FORMERR; the rest are dropped.
        got = []
        for _ in range(len(garbage)):
            try:
                got.append(parse(s.recv(65535)))
            except socket.timeout:
                break
    assert got and all(r["rcode"] == "FORMERR" for r in got)
    # TCP: a length prefix promising more than comes, then a close.
    with socket.create_connection(("127.0.0.1", dns.dns_port), timeout=2) as c:
        c.sendall(b"\xff\xff\x00")
    r = query(dns.dns_port, f"kubernetes.default.svc.{D}", tcp=True)
    assert addrs(r) == ["10.96.0.1"]


def test_statefulset_style_hostname_subdomain(dns):
    """A pod with hostname and subdomain behind a headless Service of that name: the endpoints
    controller writes the hostname into the EndpointSlice, and DNS answers host.subdomain.ns.svc."""
    dns.kubectl("create", "namespace", "dns-s")
    apply(dns, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "sub", "namespace": "dns-s"},
                "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"name": "pg", "port": 5432}]}})
    apply(dns, {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "db-0", "namespace": "dns-s", "labels": {"app": "db"}},
                "spec": {"nodeName": "elsewhere", "hostname": "db-0", "subdomain": "sub",
                         "containers": [{"name": "c", "image": "busybox"}]}})
    code, _, body = dns.request("PATCH", "/api/v1/namespaces/dns-s/pods/db-0/status",
                                {"status": {"phase": "Running", "podIP": "10.244.4.2", "podIPs": [{"ip": "10.244.4.2"}],
                                            "conditions": [{"type": "Ready", "status": "True"}]}},
                                content_type="application/merge-patch+json")
    assert code == 200, body
    wait_answer(dns, f"db-0.sub.dns-s.svc.{D}", lambda r: addrs(r) == ["10.244.4.2"])
    r = query(dns.dns_port, f"sub.dns-s.svc.{D}")
    assert addrs(r) == ["10.244.4.2"]
    r = query(dns.dns_port, f"_pg._tcp.sub.dns-s.svc.{D}", "SRV")
    assert [v[2:] for _, t, v in r["answer"]] == [(5432, f"db-0.sub.dns-s.svc.{D}")]
