# SPDX-License-Identifier: Apache-2.0
"""Pods reach the API server in-cluster: the kubernetes Service, the service account volume, and a token
bound to its pod. Everything runs in a network namespace the test makes."""
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import Server, free_port, netns_add, netns_del
from test_pods import HERE, wait_pod

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")
SA = "/var/run/secrets/kubernetes.io/serviceaccount"


@pytest.fixture(scope="module")
def srv():
    ns = netns_add()
    port = free_port()
    img = tempfile.mkdtemp(prefix="atoll-img-")
    s = None
    try:
        # The node's address (a veth pair inside the namespace), where the server listens besides loopback.
        for cmd in (["link", "add", "atlt-d0", "type", "veth", "peer", "name", "atlt-d1"],
                    ["addr", "add", "192.168.252.1/24", "dev", "atlt-d0"],
                    ["link", "set", "atlt-d0", "up"], ["link", "set", "atlt-d1", "up"]):
            subprocess.run(["ip", "-n", ns, *cmd], check=True)
        s = Server(node=True, netns=ns, port=port,
                   args=["--pod-network", "--node-name", "n1", "--listen", f"0.0.0.0:{port}"])
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
        s.image = f"oci:{img}:latest"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not s.kubectl("get", "node", "n1", "-o", "jsonpath={.spec.podCIDR}",
                                                             check=False).stdout:
            time.sleep(0.2)
        yield s
    finally:
        if s:
            s.kubectl("delete", "pod", "--all", "--wait=true", "--timeout=60s", check=False)
            s.close()
        netns_del(ns)
        subprocess.run(["rm", "-rf", img])


def test_kubernetes_service_has_the_server_as_endpoint(srv):
    ep = srv.kjson("get", "endpoints", "kubernetes")
    assert ep["subsets"][0]["addresses"][0]["ip"] == "192.168.252.1"
    assert ep["subsets"][0]["ports"][0]["port"] == srv.port
    ca = srv.kjson("get", "configmap", "kube-root-ca.crt")["data"]["ca.crt"]
    assert ca == open(os.path.join(srv.data_dir, "pki", "ca.crt")).read()


def test_pod_talks_to_the_api_with_its_service_account(srv):
    review = json.dumps({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
    cmd = (f"cat {SA}/namespace; echo; cat {SA}/token; echo; "
           f"test \"$(cat {SA}/ca.crt | head -1)\" = '-----BEGIN CERTIFICATE-----' && echo ca-ok; "
           f"echo host=$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT; "
           f"wget -q -O- --no-check-certificate --header \"Authorization: Bearer $(cat {SA}/token)\" "
           f"--header 'Content-Type: application/json' --post-data '{review}' "
           "https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/apis/authentication.k8s.io/v1/selfsubjectreviews;"
           " echo; sleep 3600")
    code, _, body = srv.request("POST", "/api/v1/namespaces/default/pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
        "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
                 "containers": [{"name": "c", "image": srv.image, "command": ["sh", "-c", cmd]}]}})
    assert code == 201, body
    p = wait_pod(srv, "default", "client", lambda p: "review" in srv.kubectl("logs", "client", check=False).stdout
                 or "SelfSubjectReview" in srv.kubectl("logs", "client", check=False).stdout, timeout=60)
    vols = [v["name"] for v in p["spec"]["volumes"]]
    assert any(v.startswith("kube-api-access-") for v in vols), vols
    lines = srv.kubectl("logs", "client").stdout.splitlines()
    assert lines[0] == "default" and "ca-ok" in lines and "host=10.96.0.1:443" in lines
    token = lines[1]
    out = json.loads([l for l in lines if "SelfSubjectReview" in l][0])
    assert out["status"]["userInfo"]["username"] == "system:serviceaccount:default:default"
    # The token is bound to its pod: accepted while the pod lives, refused once it is gone.
    code, _, _ = srv.request("GET", "/api", token=False, headers={"Authorization": "Bearer " + token})
    assert code == 200
    srv.kubectl("delete", "pod", "client", "--wait=true", "--timeout=60s")
    code, _, _ = srv.request("GET", "/api", token=False, headers={"Authorization": "Bearer " + token})
    assert code == 401


def test_automount_off_leaves_the_pod_alone(srv):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "noauto"},
           "spec": {"automountServiceAccountToken": False,
                    "containers": [{"name": "c", "image": srv.image, "command": ["sleep", "1"]}]}}
    code, _, body = srv.request("POST", "/api/v1/namespaces/default/pods", pod)
    assert code == 201
    assert not json.loads(body)["spec"].get("volumes")
