#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The cost of authorization and admission: API GET and create throughput of a
# user bound through RBAC (RoleBinding to the edit ClusterRole) in a cluster
# holding 1,000 RoleBindings, against the same requests as cluster-admin, in
# one run, interleaved, on loopback. Target: within 10%.
# Environment: ATOLL_BIN, BENCH_SECONDS (per wrk run, default 5), BENCH_ROUNDS (default 3),
# BENCH_BINDINGS (default 1000).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ATOLL=${ATOLL_BIN:-$ROOT/build/atoll}
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
NB=${BENCH_BINDINGS:-1000}
PY=/usr/bin/python3
LUA=$ROOT/bench/api/bench.lua
command -v wrk >/dev/null || { echo "bench/rbac: wrk is missing (make deps)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/atoll-bench-rbac.XXXXXX")
pid=
cleanup() { set +e; [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ATOLL" server --data-dir "$TMP/d" --listen "127.0.0.1:$port" --no-node >"$TMP/server.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [ -f "$TMP/d/kubeconfig" ] && KUBECONFIG=$TMP/d/kubeconfig kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.1; done
export KUBECONFIG=$TMP/d/kubeconfig
URL=https://127.0.0.1:$port
ADMIN=$(cat "$TMP/d/pki/admin.token")
"$ATOLL" user add bencher --token --data-dir "$TMP/d" --server "$URL" --kubeconfig-out "$TMP/bencher.kubeconfig" >/dev/null
USER_TOKEN=$(KUBECONFIG=$TMP/bencher.kubeconfig kubectl config view --raw -o jsonpath='{.users[0].user.token}')

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# 1,000 RoleBindings over 50 namespaces (other users), and the one that lets our user work in "bench".
$PY - "$NB" <<'PYEOF' | kubectl apply -f - >/dev/null
import json, sys
n = int(sys.argv[1])
items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"ns-{i}"}} for i in range(50)]
items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bench"}})
for i in range(n):
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                  "metadata": {"name": f"rb-{i}", "namespace": f"ns-{i % 50}"},
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                  "subjects": [{"kind": "User", "name": f"user-{i}", "apiGroup": "rbac.authorization.k8s.io"}]})
items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
              "metadata": {"name": "bencher-edit", "namespace": "bench"},
              "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
              "subjects": [{"kind": "User", "name": "bencher", "apiGroup": "rbac.authorization.k8s.io"}]})
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PYEOF
kubectl -n bench create configmap target --from-literal=k=v >/dev/null
echo "RoleBindings in the cluster: $(kubectl get rolebindings -A --no-headers | wc -l)"
# The user may get and create in "bench", and nothing elsewhere.
[ "$(KUBECONFIG=$TMP/bencher.kubeconfig kubectl auth can-i create configmaps -n bench)" = yes ]
[ "$(KUBECONFIG=$TMP/bencher.kubeconfig kubectl auth can-i get configmaps -n ns-1 2>/dev/null || true)" = no ]

run() { # who token mode path prefix: prints requests/s; fails unless every answer was a success
	local out
	out=$(BENCH_MODE=$3 BENCH_TOKEN=$2 BENCH_PATH=$4 BENCH_PREFIX=$5 \
		wrk -t2 -c8 -d"${SECS}s" -s "$LUA" "$URL$4" 2>/dev/null)
	if echo "$out" | awk '$1 ~ /^status_/ && $1 != "status_200" && $1 != "status_201" {bad=1} END {exit !bad}'; then
		echo "bench/rbac: $1 $3 got failures: $(echo "$out" | grep status_ | tr '\n' ' ')" >&2
		exit 1
	fi
	echo "$out" | awk '$1=="rps"{print $2}'
}
declare -A SUM
for r in $(seq "$ROUNDS"); do
	for who in admin user; do
		tok=$ADMIN; [ $who = user ] && tok=$USER_TOKEN
		g=$(run $who "$tok" get /api/v1/namespaces/bench/configmaps/target g)
		c=$(run $who "$tok" create /api/v1/namespaces/bench/configmaps "c$who$r")
		echo "round $r $who: GET ${g}/s, create ${c}/s"
		SUM[$who-get]=$(echo "${SUM[$who-get]:-0} + $g" | bc)
		SUM[$who-create]=$(echo "${SUM[$who-create]:-0} + $c" | bc)
	done
done
for k in get create; do
	a=${SUM[admin-$k]}; u=${SUM[user-$k]}
	printf '%-7s cluster-admin %8.0f/s  RBAC user %8.0f/s  user/admin %.3f\n' "$k" \
		"$(echo "$a / $ROUNDS" | bc -l)" "$(echo "$u / $ROUNDS" | bc -l)" "$(echo "$u / $a" | bc -l)"
done
