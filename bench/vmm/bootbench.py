# SPDX-License-Identifier: Apache-2.0
"""Time a VMM from process start to the first guest serial output and to exit,
and take its peak RSS from wait4(). Runs the commands interleaved, N rounds,
and prints min/median/max per command and ratios against the first one.

usage: bootbench.py RUNS MARKER NAME=CMD... (CMD is split on spaces)
"""
import os
import selectors
import tempfile
import statistics
import subprocess
import sys
import time


def one(cmd, marker, timeout=60):
    # Peak RSS through GNU time, which fork()s: ru_maxrss of a child that Python
    # vfork()+exec()s would start from Python's own RSS.
    rss_file = tempfile.NamedTemporaryFile(prefix="bootbench-", delete=False)
    rss_file.close()
    cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file.name] + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf, t_first, t_marker = b"", None, None
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        chunk = os.read(p.stdout.fileno(), 65536)
        now = time.monotonic()
        if not chunk:
            break
        if t_first is None:
            t_first = now
        buf += chunk
        if t_marker is None and marker in buf:
            t_marker = now
    _, status, _ = os.wait4(p.pid, 0)
    t_exit = time.monotonic()
    p.stdout.close()
    with open(rss_file.name) as f:
        lines = f.read().split()
    os.unlink(rss_file.name)
    rss_kb = int(lines[-1])
    if t_marker is None:
        raise RuntimeError(f"{cmd[0]}: marker not seen; output {buf[:200]!r}")
    return {"first": (t_first - t0) * 1e3, "marker": (t_marker - t0) * 1e3,
            "exit": (t_exit - t0) * 1e3, "rss": rss_kb / 1024.0,
            "status": os.waitstatus_to_exitcode(status)}  # GNU time passes it through


def fmt(xs, unit):
    return f"{min(xs):.1f} / {statistics.median(xs):.1f} / {max(xs):.1f} {unit}"


def main():
    runs, marker = int(sys.argv[1]), sys.argv[2].encode()
    cmds = []
    for a in sys.argv[3:]:
        name, cmd = a.split("=", 1)
        cmds.append((name, cmd.split()))
    res = {name: [] for name, _ in cmds}
    for name, cmd in cmds:  # one warm-up each (page cache)
        one(cmd, marker)
    for _ in range(runs):
        for name, cmd in cmds:
            res[name].append(one(cmd, marker))
    print(f"| command | start -> first serial output | start -> exit | peak RSS | exit status |")
    print(f"|---|---|---|---|---|")
    for name, _ in cmds:
        r = res[name]
        print(f"| {name} | {fmt([x['marker'] for x in r], 'ms')} | {fmt([x['exit'] for x in r], 'ms')} "
              f"| {fmt([x['rss'] for x in r], 'MiB')} | {sorted(set(x['status'] for x in r))} |")
    base = cmds[0][0]
    for name, _ in cmds[1:]:
        m0 = statistics.median(x["marker"] for x in res[base])
        m1 = statistics.median(x["marker"] for x in res[name])
        r0 = statistics.median(x["rss"] for x in res[base])
        r1 = statistics.median(x["rss"] for x in res[name])
        print(f"\nmedian ratio {name} / {base}: first output {m1 / m0:.1f}x slower, "
              f"peak RSS {r1 / r0:.1f}x larger")


if __name__ == "__main__":
    main()
