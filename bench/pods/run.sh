#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Pod start latency (create -> Ready, one at a time and BURST at once) and idle-pod
# density with namespace isolation, against `atoll server` with its embedded node; in
# the same run, `crun run` of the same image's command as the container reference.
# usage: SERIAL=10 BURST=50 DENSITY=100 bench/pods/run.sh   (from the repo root, after make)
# PERF_OUT=FILE adds a system-wide perf profile of the burst alone.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ATOLL=${ATOLL_BIN:-$top/build/atoll}
SERIAL=${SERIAL:-10}
BURST=${BURST:-50}
DENSITY=${DENSITY:-100}
PY=/usr/bin/python3
work=$(mktemp -d /tmp/atoll-bench-pods.XXXXXX)
pid=
cleanup() {
	set +e # a failing step (the server's exit status from wait) must not skip the rest
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	# Anything the server could not stop in time (bounded), and its mounts, before the files go:
	# under the data dir and under its runtime directory (DATA/run, a link into /run/atoll).
	run=$(readlink -f "$work/data/run" 2>/dev/null)
	for d in "$work" ${run:+"$run"}; do
		pkill -KILL -f "atoll shim --dir $d/" 2>/dev/null
		grep -o " $d/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	done
	crun delete -f atoll-bench-pods >/dev/null 2>&1 || true
	case "$run" in /run/atoll/*) rm -rf "$run" ;; esac
	[ -n "${cg:-}" ] && rmdir "$cg" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

command -v crun >/dev/null || { echo "bench: crun is not installed" >&2; exit 1; }
$PY "$top/tests/e2e/mkimage.py" "$work/busybox" >/dev/null
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# --stop-pods-on-exit: whatever happens to the benchmark, its pods go with the server.
"$ATOLL" server --data-dir "$work/data" --listen "127.0.0.1:$port" --stop-pods-on-exit --max-pods "$((DENSITY + 100))" \
	${POD_SERVER_ARGS:-} >"$work/server.log" 2>&1 &
pid=$!
# Its own cpuacct cgroup (cgroup v1), so that the bench can count the CPU of processes that exited too.
cg=
if [ -d /sys/fs/cgroup/cpuacct ] && mkdir "/sys/fs/cgroup/cpuacct/atoll-bench-pods.$$" 2>/dev/null; then
	cg=/sys/fs/cgroup/cpuacct/atoll-bench-pods.$$
	echo "$pid" >"$cg/cgroup.procs" && export BENCH_CGROUP="$cg"
fi
i=0
until [ -f "$work/data/kubeconfig" ] && KUBECONFIG="$work/data/kubeconfig" kubectl get --raw /readyz >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "bench: server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
	sleep 0.1
done
$PY "$here/podbench.py" "$work/data/kubeconfig" "oci:$work/busybox:latest" "$SERIAL" "$BURST" "$DENSITY"

# The container reference: crun run of the same command in the same root filesystem.
rootfs=$(ls -d "$work"/data/agent/images/sha256-*/rootfs 2>/dev/null | head -n1)
if [ -n "$rootfs" ] && command -v hyperfine >/dev/null; then
	mkdir -p "$work/bundle"
	cp -a "$rootfs" "$work/bundle/rootfs"
	(cd "$work/bundle" && crun spec && $PY -c '
import json; c = json.load(open("config.json")); c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "true"]; json.dump(c, open("config.json", "w"))')
	cd "$work/bundle"
	unshare -m --propagation private sh -c "umount -l /sys/fs/cgroup/unified 2>/dev/null || true
		hyperfine -N --warmup 2 --runs 20 -n 'crun run (reference)' 'crun run atoll-bench-pods'" | grep -E 'Time|Range|reference'
fi
