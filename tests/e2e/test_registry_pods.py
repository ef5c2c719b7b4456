# SPDX-License-Identifier: Apache-2.0
"""Pods run images from the embedded registry: their own namespace's with the node's credentials, another
namespace's only with an imagePullSecret that allows it."""
import base64
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import Server
from registry_util import Reg
from test_pods import HERE, wait_pod


@pytest.fixture(scope="module")
def node_reg(tmp_path_factory):
    s = Server(node=True, args=["--node-name", "n1"])
    tmp = tmp_path_factory.mktemp("regpods")
    img = tempfile.mkdtemp(prefix="atoll-img-")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
    reg = Reg(s, tmp)
    reg.push(img, "default/bb:1")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and s.request("GET", "/api/v1/nodes/n1")[0] != 200:
        time.sleep(0.1)
    yield s
    s.close()
    subprocess.run(["rm", "-rf", img])


def pod(name, image, secrets=()):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": "Never", "imagePullSecrets": [{"name": n} for n in secrets],
                     "containers": [{"name": "c", "image": image, "command": ["sh", "-c", "echo from-registry"]}]}}


def test_pod_runs_an_image_of_its_own_namespace(node_reg):
    s = node_reg
    image = f"127.0.0.1:{s.port}/default/bb:1"
    s.request("POST", "/api/v1/namespaces/default/pods", pod("own", image))
    p = wait_pod(s, "default", "own", lambda p: p.get("status", {}).get("phase") == "Succeeded", timeout=60)
    assert p["status"]["containerStatuses"][0]["imageID"].startswith(image.split(":1")[0])
    assert "from-registry" in s.kubectl("logs", "own").stdout


def test_other_namespace_image_needs_a_pull_secret(node_reg):
    s = node_reg
    s.kubectl("create", "namespace", "team-b")
    image = f"127.0.0.1:{s.port}/default/bb:1"
    s.request("POST", "/api/v1/namespaces/team-b/pods", pod("theirs", image))
    p = wait_pod(s, "team-b", "theirs", lambda p: p.get("status", {}).get("containerStatuses", [{}])[0]
                 .get("state", {}).get("waiting", {}).get("reason") == "ErrImagePull", timeout=60)
    msg = p["status"]["containerStatuses"][0]["state"]["waiting"]["message"]
    assert "401" in msg or "denied" in msg.lower() or "unauthorized" in msg.lower(), msg
    # A docker-registry secret with a token that may read default's images lets it run.
    s.kubectl("-n", "team-b", "create", "secret", "docker-registry", "pull", f"--docker-server=127.0.0.1:{s.port}",
              "--docker-username=admin", f"--docker-password={s.token()}")
    s.request("POST", "/api/v1/namespaces/team-b/pods", pod("withsecret", image, secrets=["pull"]))
    wait_pod(s, "team-b", "withsecret", lambda p: p.get("status", {}).get("phase") == "Succeeded", timeout=60)
    assert "from-registry" in s.kubectl("-n", "team-b", "logs", "withsecret").stdout
