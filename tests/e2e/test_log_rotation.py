# SPDX-License-Identifier: Apache-2.0
"""kubectl logs across a log rotation: the part set aside is read too (tail, since, whole, --previous)."""
import json
import os
import subprocess
import tempfile
import time

import pytest

from conftest import ATOLL, Server

HERE = os.path.dirname(os.path.abspath(__file__))
LINES = 110000  # 105-byte records: about 11.5 MB, so the 10 MiB file is set aside once per instance


@pytest.fixture(scope="module")
def s():
    srv = Server(node=True, args=["--node-name", "lr1"])
    img = tempfile.mkdtemp(prefix="atoll-img-")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mkimage.py"), img], check=True, capture_output=True)
    srv.image = f"oci:{img}:latest"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and srv.request("GET", "/api/v1/nodes/lr1")[0] != 200:
        time.sleep(0.2)
    yield srv
    srv.close()
    subprocess.run(["rm", "-rf", img])


def lines(s, *args):
    return s.kubectl("logs", "rot", *args, timeout=120).stdout.splitlines()


def writer_script():
    """Two instances, each writing LINES numbered lines: the first ("a") fails, the second ("b") stays."""
    return ("p=a; [ -f /data/ran ] && p=b; touch /data/ran; "
            f"awk -v p=$p 'BEGIN {{ for (i = 1; i <= {LINES}; i++) "
            "printf \"%s-%06d-%s\\n\", p, i, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" }'; "
            "[ $p = a ] && exit 1; exec sleep 300")


def run_writer(s, node):
    script = writer_script()
    s.kubectl("apply", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "rot"},
         "spec": {"nodeName": node, "restartPolicy": "OnFailure",
                  "volumes": [{"name": "data", "emptyDir": {}}],
                  "containers": [{"name": "main", "image": s.image, "command": ["sh", "-c", script],
                                  "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}}))
    deadline = time.monotonic() + 120
    got = []
    while time.monotonic() < deadline:
        p = s.kjson("get", "pod", "rot")
        cs = p.get("status", {}).get("containerStatuses", [{}])[0]
        if cs.get("restartCount") == 1 and "running" in cs.get("state", {}):
            got = lines(s, "--tail=1")
            if got and got[0].startswith(f"b-{LINES:06d}-"):
                break
        time.sleep(0.5)
    assert got and got[0].startswith(f"b-{LINES:06d}-"), got


def check_logs(s):
    # The current file alone holds about LINES/11 lines: these reach back into the part set aside.
    tail = lines(s, "--tail=50000")
    assert len(tail) == 50000
    assert tail[0].startswith(f"b-{LINES - 49999:06d}-") and tail[-1].startswith(f"b-{LINES:06d}-")
    whole = lines(s)
    assert len(whole) == LINES and whole[0].startswith("b-000001-")
    assert len(lines(s, "--since=1h")) == LINES
    # Following with a tail starts in the part set aside; the byte limit (64-byte lines) ends the stream.
    follow = lines(s, "-f", "--tail=50000", f"--limit-bytes={50000 * 64}")
    assert follow == tail
    # --previous: the failed first instance, both of its parts.
    prev = lines(s, "--previous")
    assert len(prev) == LINES and prev[0].startswith("a-000001-") and prev[-1].startswith(f"a-{LINES:06d}-")
    assert lines(s, "--previous", "--tail=2")[0].startswith(f"a-{LINES - 1:06d}-")


def test_logs_read_across_rotation_and_previous(s):
    run_writer(s, "lr1")
    uid = s.kjson("get", "pod", "rot")["metadata"]["uid"]
    d = os.path.join(s.data_dir, "pods", uid)
    assert os.path.getsize(os.path.join(d, "main.log.rotated")) > 0
    assert os.path.getsize(os.path.join(d, "main.log.1.rotated")) > 0
    check_logs(s)
    s.kubectl("delete", "pod", "rot", "--wait=true", "--timeout=60s", check=False)


def test_same_through_a_node_agent(s):
    """A node of its own: its agent renders the logs (/containerLogs) and the server passes them on."""
    d = tempfile.mkdtemp(prefix="atoll-lr2-")  # short: pod directories hold Unix sockets
    agent = subprocess.Popen([ATOLL, "agent", "--server", s.url, "--token", s.token(),
                              "--ca-file", os.path.join(s.data_dir, "pki", "ca.crt"), "--node-name", "lr2",
                              "--data-dir", d, "--stream-address", "127.0.0.1", "--stream-port", "0",
                              "--stop-pods-on-exit"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            code, _, body = s.request("GET", "/api/v1/nodes/lr2")
            if code == 200 and json.loads(body)["status"].get("daemonEndpoints", {}) \
                    .get("kubeletEndpoint", {}).get("Port", 0):
                break
            time.sleep(0.2)
        run_writer(s, "lr2")
        check_logs(s)
        s.kubectl("delete", "pod", "rot", "--wait=true", "--timeout=60s", check=False)
    finally:
        agent.terminate()
        agent.wait(timeout=30)
        subprocess.run(["rm", "-rf", d])
