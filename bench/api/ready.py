#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Time from exec of a server to its health URL answering: one run.
#
# usage: ready.py URL EXPECT LOG -- CMD ARGS...
# Starts CMD (stdout+stderr to LOG), polls URL about every millisecond until
# the body contains EXPECT (TLS not verified: only readiness is measured),
# prints "ready_ms X" and "cpu_ms Y" (CPU time CMD's threads had used by
# then, from /proc/PID/task/*/schedstat: on a busy machine this moves much
# less than the wall time), then stops CMD (SIGTERM, then SIGKILL) and waits for it.
# Gives up after 30 s.
import glob
import http.client
import signal
import ssl
import subprocess
import sys
import time
import urllib.parse


def probe(url, ctx):
    u = urllib.parse.urlsplit(url)
    if u.scheme == "https":
        c = http.client.HTTPSConnection(u.hostname, u.port, timeout=1, context=ctx)
    else:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=1)
    try:
        c.request("GET", u.path)
        return c.getresponse().read().decode(errors="replace")
    except OSError:
        return ""
    finally:
        c.close()


def cpu_ms(pid):
    ns = 0
    for f in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(f) as fh:
                ns += int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return ns / 1e6


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.exit("usage: ready.py URL EXPECT LOG -- CMD ARGS...")
    url, expect, log, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[5:]
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with open(log, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        ready = None
        cpu = 0.0
        try:
            while time.monotonic() - t0 < 30 and p.poll() is None:
                if expect in probe(url, ctx):
                    ready = time.monotonic() - t0
                    cpu = cpu_ms(p.pid)
                    break
                time.sleep(0.001)
        finally:
            # Also on Ctrl-C or an exception: never leave the server behind.
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    if ready is None:
        sys.exit("ready.py: %s never answered %r" % (url, expect))
    print("ready_ms %.1f" % (ready * 1000))
    print("cpu_ms %.1f" % cpu)


main()
