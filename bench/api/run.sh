#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# API server benchmark: Atoll against etcd 3.4 side by side, in one run, on
# loopback only; kube-apiserver figures are a baseline measured earlier.
#
# Phases: ready time (fresh data dirs), GET of one object at 1 and 8
# connections, durable creates at 8 connections (checked with a LIST), memory
# idle and holding N objects of 1 KiB, LIST of all of them. The same for etcd
# through its JSON gateway (/v3/kv/range, /v3/kv/put). Then a table.
#
# Environment: ATOLL_BIN (default build/atoll), BENCH_SECONDS (per wrk run,
# default 10), BENCH_READY_RUNS (default 10), BENCH_OBJECTS (default 10000),
# BENCH_RESULTS (file to write "key value" results to, optional),
# BENCH_WAIT_IDLE (seconds to wait, at most, for the CPUs to be >= 70% idle
# before starting; default 0: start at once).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ATOLL=${ATOLL_BIN:-$ROOT/build/atoll}
SECS=${BENCH_SECONDS:-10}
RUNS=${BENCH_READY_RUNS:-10}
NOBJ=${BENCH_OBJECTS:-10000}
PY=/usr/bin/python3
LUA=$HERE/bench.lua
CM_PATH=/api/v1/namespaces/default/configmaps

for tool in wrk etcd curl jq; do
	command -v $tool >/dev/null || { echo "bench/api: $tool is missing (make deps)" >&2; exit 1; }
done
[ -x "$ATOLL" ] || { echo "bench/api: $ATOLL not built (make)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/atoll-bench.XXXXXX")
PIDS=()
declare -A R

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# stop PID: SIGTERM, wait, forget it.
stop() {
	local pid=$1 p keep=()
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${PIDS[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# wait_url URL EXPECT: poll up to 30 s.
wait_url() {
	local i
	for i in $(seq 600); do
		curl -sk --max-time 1 "$1" 2>/dev/null | grep -q "$2" && return 0
		sleep 0.05
	done
	echo "bench/api: $1 never answered" >&2
	exit 1
}

# CPU idle percentage over one second, from /proc/stat.
cpu_idle() {
	local a b
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		split(a, x); split(b, y); t = 0
		for (i = 2; i <= 9; i++) t += y[i] - x[i]
		printf "%.0f", 100 * ((y[5] - x[5]) + (y[6] - x[6])) / t }'
}

# Busy CPU seconds of the whole machine so far, from /proc/stat.
busy_secs() {
	awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}

# CPU seconds used by our reaped children (servers, wrk, curl, ...); call
# it in the main shell, not in $(...): a subshell has no children yet.
our_secs() {
	times >"$TMP/times"
	tail -1 "$TMP/times" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); n += a[1] * 60 + a[2] } printf "%.2f", n }'
}

# rss PID KEY: record VmRSS and VmHWM in MiB.
rss() {
	R[$2_rss]=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' /proc/$1/status)
	R[$2_hwm]=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' /proc/$1/status)
}

# stats KEY VALUES...: min, median, max.
stats() {
	local key=$1
	shift
	read -r R[${key}_min] R[${key}_med] R[${key}_max] < <(printf '%s\n' "$@" | sort -g |
		awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.1f %.1f %.1f\n", v[1], m, v[NR] }')
}

# CPU ticks (user + system) used so far by process PID.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# bench KEY THREADS CONNS URL [VAR=VALUE...]: one wrk run for SECS seconds
# against the server SPID; its "key value" lines land in R[KEY_*], and the
# server's CPU time per request in R[KEY_cpu_us] (steadier than req/s on a
# busy machine).
bench() {
	local key=$1 t=$2 c=$3 url=$4 k v c0
	shift 4
	c0=$(cpu_ticks "$SPID")
	env "$@" wrk -t"$t" -c"$c" -d"${SECS}s" --timeout 5s -s "$LUA" "$url" >"$TMP/$key.wrk" 2>&1 ||
		{ cat "$TMP/$key.wrk" >&2; exit 1; }
	while read -r k v; do
		R[${key}_$k]=$v
	done < <(grep -E '^[a-z0-9_]+ [0-9.]+$' "$TMP/$key.wrk")
	R[${key}_cpu_us]=$(awk -v a="$c0" -v b="$(cpu_ticks "$SPID")" -v n="${R[${key}_requests]}" \
		-v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", n ? (b - a) / hz * 1e6 / n : 0 }')
	printf '  %-14s %9s req/s  p50 %6s us  p99 %6s us  server CPU %4s us/req  errors %s\n' "$key" \
		"${R[${key}_rps]}" "${R[${key}_p50_us]}" "${R[${key}_p99_us]}" "${R[${key}_cpu_us]}" \
		"${R[${key}_errors]}"
}

# load KEY URL VAR=VALUE...: create NOBJ objects with wrk (2 threads, 8
# connections, NOBJ/2 names per thread); records the seconds it took.
load() {
	local key=$1 url=$2 done_dir=$TMP/$1.done pid i t0 t1
	shift 2
	mkdir -p "$done_dir"
	t0=$(date +%s.%N)
	env "$@" BENCH_QUOTA=$((NOBJ / 2)) BENCH_DONE_DIR="$done_dir" BENCH_SIZE=1024 \
		wrk -t2 -c8 -d120s --timeout 5s -s "$LUA" "$url" >"$TMP/$key.wrk" 2>&1 &
	pid=$!
	for i in $(seq 1200); do
		[ "$(ls "$done_dir" | wc -l)" -ge 2 ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	t1=$(date +%s.%N)
	kill -INT $pid 2>/dev/null || true
	wait $pid || true
	R[${key}_secs]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}

# ---------------------------------------------------------------- machine
say "machine"
for i in $(seq "${BENCH_WAIT_IDLE:-0}"); do
	[ "$(cpu_idle)" -ge 70 ] && break
done
R[date]=$(date -u '+%Y-%m-%d %H:%M UTC')
R[cpus]=$(nproc)
R[idle_before]=$(cpu_idle)
R[load_before]=$(cut -d' ' -f1-3 /proc/loadavg)
echo "  ${R[date]}, $(nproc) CPUs, $(uname -r), CPU idle ${R[idle_before]}% over 1 s," \
	"load ${R[load_before]}"
T_START=$(date +%s.%N)
BUSY_START=$(busy_secs)
echo "  atoll: $ATOLL; $(etcd --version | head -1); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"

# ---------------------------------------------------------------- ready
say "ready time: exec to /readyz ok, fresh data dir, $RUNS runs"
ext=() own=() cpu=()
for i in $(seq "$RUNS"); do
	port=$(free_port)
	d=$TMP/ready-$i
	mkdir -p "$d"
	v=$("$HERE/ready.py" "https://127.0.0.1:$port/readyz" ok "$d/log" -- \
		"$ATOLL" server --data-dir "$d/data" --listen "127.0.0.1:$port" --no-node)
	ext+=("$(sed -n 's/^ready_ms //p' <<<"$v")")
	cpu+=("$(sed -n 's/^cpu_ms //p' <<<"$v")")
	own+=("$(sed -n 's/.*ready in \([0-9.]*\) ms.*/\1/p' "$d/log" | head -1)")
	rm -rf "$d"
done
stats atoll_ready "${ext[@]}"
stats atoll_ready_own "${own[@]}"
stats atoll_ready_cpu "${cpu[@]}"
echo "  atoll measured  ms: ${ext[*]}"
echo "  atoll own log   ms: ${own[*]}"
echo "  atoll CPU used  ms: ${cpu[*]}"

etcd_cmd() { # DIR CLIENT_PORT PEER_PORT: sets ECMD
	ECMD=(etcd --name bench --data-dir "$1" \
		--listen-client-urls "http://127.0.0.1:$2" --advertise-client-urls "http://127.0.0.1:$2" \
		--listen-peer-urls "http://127.0.0.1:$3" --initial-advertise-peer-urls "http://127.0.0.1:$3" \
		--initial-cluster "bench=http://127.0.0.1:$3" --log-level error)
}
ext=() cpu=()
for i in $(seq "$RUNS"); do
	cp=$(free_port)
	pp=$(free_port)
	d=$TMP/eready-$i
	mkdir -p "$d"
	etcd_cmd "$d/data" "$cp" "$pp"
	v=$("$HERE/ready.py" "http://127.0.0.1:$cp/health" '"health":"true"' "$d/log" -- "${ECMD[@]}")
	ext+=("$(sed -n 's/^ready_ms //p' <<<"$v")")
	cpu+=("$(sed -n 's/^cpu_ms //p' <<<"$v")")
	rm -rf "$d"
done
stats etcd_ready "${ext[@]}"
stats etcd_ready_cpu "${cpu[@]}"
echo "  etcd measured   ms: ${ext[*]}"
echo "  etcd CPU used   ms: ${cpu[*]}"

# ---------------------------------------------------------------- atoll
start_atoll() { # DIR PORT
	"$ATOLL" server --data-dir "$1" --listen "127.0.0.1:$2" --no-node >>"$1.log" 2>&1 &
	PIDS+=($!)
	APID=$!
	wait_url "https://127.0.0.1:$2/readyz" ok
}

say "Atoll: GET and durable creates"
port=$(free_port)
A=$TMP/atoll-a
start_atoll "$A" "$port"
URL=https://127.0.0.1:$port
TOKEN=$(cat "$A/pki/admin.token")
CURL=(curl -sS --cacert "$A/pki/ca.crt" -H "Authorization: Bearer $TOKEN")
"${CURL[@]}" -o /dev/null -H 'Content-Type: application/json' \
	-d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-get"},"data":{"k":"v"}}' \
	"$URL$CM_PATH"
OBJ_JSON=$("${CURL[@]}" "$URL$CM_PATH/bench-get")
R[get_bytes]=${#OBJ_JSON}
SPID=$APID
bench atoll_get1 1 1 "$URL$CM_PATH/bench-get" BENCH_MODE=get BENCH_TOKEN="$TOKEN" BENCH_PATH="$CM_PATH/bench-get"
bench atoll_get8 2 8 "$URL$CM_PATH/bench-get" BENCH_MODE=get BENCH_TOKEN="$TOKEN" BENCH_PATH="$CM_PATH/bench-get"
bench atoll_create8 2 8 "$URL" BENCH_MODE=create BENCH_TOKEN="$TOKEN" BENCH_PATH="$CM_PATH" BENCH_PREFIX=c
R[atoll_create8_201]=${R[atoll_create8_status_201]:-0}
R[atoll_create8_listed]=$("${CURL[@]}" "$URL$CM_PATH" |
	jq '[.items[].metadata.name | select(startswith("c-"))] | length')
extra=$((R[atoll_create8_listed] - R[atoll_create8_201]))
if [ $extra -ge 0 ] && [ $extra -le 8 ]; then R[atoll_create8_check]=ok; else R[atoll_create8_check]=MISMATCH; fi
echo "  creates answered 201: ${R[atoll_create8_201]}, found by LIST: ${R[atoll_create8_listed]}" \
	"(${R[atoll_create8_check]}: LIST may hold up to 8 more, in flight when wrk stopped)" \
	"(non-2xx: ${R[atoll_create8_status_409]:-0} 409, ${R[atoll_create8_status_429]:-0} 429," \
	"${R[atoll_create8_status_500]:-0} 500)"
grep -E '^[EW]' "$A.log" | sort | uniq -c | sort -rn | head -5 | sed 's/^/  server log: /' || true
stop "$APID"

say "Atoll: memory, $NOBJ ConfigMaps of 1 KiB"
port=$(free_port)
B=$TMP/atoll-b
start_atoll "$B" "$port"
URL=https://127.0.0.1:$port
TOKEN=$(cat "$B/pki/admin.token")
CURL=(curl -sS --cacert "$B/pki/ca.crt" -H "Authorization: Bearer $TOKEN")
sleep 1
rss "$APID" atoll_idle
load atoll_load "$URL" BENCH_MODE=create BENCH_TOKEN="$TOKEN" BENCH_PATH="$CM_PATH" BENCH_PREFIX=m
rss "$APID" atoll_10k
lt=()
for i in 1 2 3; do
	lt+=("$("${CURL[@]}" -o "$TMP/list.json" -w '%{time_total}' "$URL$CM_PATH" | awk '{ printf "%.1f", $1 * 1000 }')")
done
stats atoll_list "${lt[@]}"
R[atoll_list_count]=$(jq '[.items[].metadata.name | select(startswith("m-"))] | length' "$TMP/list.json")
R[atoll_list_mb]=$(stat -c %s "$TMP/list.json" | awk '{ printf "%.1f", $1 / 1048576 }')
rss "$APID" atoll_list
echo "  idle RSS ${R[atoll_idle_rss]} MiB; loaded ${R[atoll_list_count]} in ${R[atoll_load_secs]} s;" \
	"RSS ${R[atoll_10k_rss]} MiB; after LIST ${R[atoll_list_rss]} MiB, peak ${R[atoll_list_hwm]} MiB"
echo "  LIST of all (${R[atoll_list_mb]} MB): ${lt[*]} ms"
stop "$APID"
: >"$B.log"
start_atoll "$B" "$port"
R[atoll_restart_own]=$(sed -n 's/.*ready in \([0-9.]*\) ms.*/\1/p' "$B.log" | head -1)
sleep 1
rss "$APID" atoll_restart
echo "  restart holding them: ready in ${R[atoll_restart_own]} ms (own log), RSS ${R[atoll_restart_rss]} MiB"
stop "$APID"

# ---------------------------------------------------------------- etcd
start_etcd() { # DIR
	local cp pp
	cp=$(free_port)
	pp=$(free_port)
	etcd_cmd "$1" "$cp" "$pp"
	"${ECMD[@]}" >"$1.log" 2>&1 &
	PIDS+=($!)
	EPID=$!
	EURL=http://127.0.0.1:$cp
	wait_url "$EURL/health" '"health":"true"'
}

say "etcd: range one key and durable puts (JSON gateway)"
start_etcd "$TMP/etcd-a"
value=$(printf '%s' "$OBJ_JSON" | base64 -w0)
key=$(printf '/bench/get' | base64 -w0)
curl -sS -o /dev/null -d "{\"key\":\"$key\",\"value\":\"$value\"}" "$EURL/v3/kv/put"
SPID=$EPID
bench etcd_get1 1 1 "$EURL" BENCH_MODE=etcd_get BENCH_KEY=/bench/get
bench etcd_get8 2 8 "$EURL" BENCH_MODE=etcd_get BENCH_KEY=/bench/get
bench etcd_put8 2 8 "$EURL" BENCH_MODE=etcd_put BENCH_PREFIX=p
stop "$EPID"

say "etcd: memory, $NOBJ keys of 1 KiB"
start_etcd "$TMP/etcd-b"
sleep 1
rss "$EPID" etcd_idle
load etcd_load "$EURL" BENCH_MODE=etcd_put BENCH_PREFIX=m
rss "$EPID" etcd_10k
range='{"key":"'$(printf '/bench/m' | base64 -w0)'","range_end":"'$(printf '/bench/n' | base64 -w0)'"}'
lt=()
for i in 1 2 3; do
	lt+=("$(curl -sS -o "$TMP/range.json" -w '%{time_total}' -d "$range" "$EURL/v3/kv/range" |
		awk '{ printf "%.1f", $1 * 1000 }')")
done
stats etcd_list "${lt[@]}"
R[etcd_list_count]=$(jq -r '.count' "$TMP/range.json")
rss "$EPID" etcd_list
echo "  idle RSS ${R[etcd_idle_rss]} MiB; loaded ${R[etcd_list_count]} in ${R[etcd_load_secs]} s;" \
	"RSS ${R[etcd_10k_rss]} MiB; after range ${R[etcd_list_rss]} MiB, peak ${R[etcd_list_hwm]} MiB"
echo "  range of all: ${lt[*]} ms"
stop "$EPID"

our_secs >"$TMP/ours"
R[others_pct]=$(awk -v b0="$BUSY_START" -v b1="$(busy_secs)" -v ours="$(cat "$TMP/ours")" \
	-v t0="$T_START" -v t1="$(date +%s.%N)" -v n="$(nproc)" \
	'BEGIN { v = 100 * (b1 - b0 - ours) / ((t1 - t0) * n); printf "%.0f", v < 0 ? 0 : v }')
R[idle_after]=$(cpu_idle)
R[load_after]=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- table
say "results (Atoll over HTTPS with a bearer token; etcd over plain HTTP)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
row() { printf '%-28s %12s %12s %8s %14s %8s   %s\n' "$@"; }
row metric Atoll "etcd 3.4" "A/etcd" "kube 1.26 (*)" "A/kube" "target"
row "GET 1 conn, req/s" "${R[atoll_get1_rps]}" "${R[etcd_get1_rps]}" \
	"$(ratio "${R[atoll_get1_rps]}" "${R[etcd_get1_rps]}")" - - -
row "GET 8 conns, req/s" "${R[atoll_get8_rps]}" "${R[etcd_get8_rps]}" \
	"$(ratio "${R[atoll_get8_rps]}" "${R[etcd_get8_rps]}")" 4594 \
	"$(ratio "${R[atoll_get8_rps]}" 4594)" ">= 20000"
row "GET 8 conns, p99 ms" "$(ms "${R[atoll_get8_p99_us]}")" "$(ms "${R[etcd_get8_p99_us]}")" \
	"$(ratio "${R[atoll_get8_p99_us]}" "${R[etcd_get8_p99_us]}")" 8.1 \
	"$(ratio "$(ms "${R[atoll_get8_p99_us]}")" 8.1)" -
row "create/put 8 conns, /s" "${R[atoll_create8_rps]}" "${R[etcd_put8_rps]}" \
	"$(ratio "${R[atoll_create8_rps]}" "${R[etcd_put8_rps]}")" 1799 \
	"$(ratio "${R[atoll_create8_rps]}" 1799)" ">= 4000"
row "create/put 8 conns, p99 ms" "$(ms "${R[atoll_create8_p99_us]}")" "$(ms "${R[etcd_put8_p99_us]}")" \
	"$(ratio "${R[atoll_create8_p99_us]}" "${R[etcd_put8_p99_us]}")" 21 \
	"$(ratio "$(ms "${R[atoll_create8_p99_us]}")" 21)" "<= 10"
row "server CPU per GET, us" "${R[atoll_get8_cpu_us]}" "${R[etcd_get8_cpu_us]}" \
	"$(ratio "${R[atoll_get8_cpu_us]}" "${R[etcd_get8_cpu_us]}")" - - -
row "server CPU per create, us" "${R[atoll_create8_cpu_us]}" "${R[etcd_put8_cpu_us]}" \
	"$(ratio "${R[atoll_create8_cpu_us]}" "${R[etcd_put8_cpu_us]}")" - - -
row "RSS idle, MiB" "${R[atoll_idle_rss]}" "${R[etcd_idle_rss]}" \
	"$(ratio "${R[atoll_idle_rss]}" "${R[etcd_idle_rss]}")" "269+47 MB" \
	"$(ratio "${R[atoll_idle_rss]}" 301)" -
row "RSS with $NOBJ x 1 KiB, MiB" "${R[atoll_list_rss]}" "${R[etcd_list_rss]}" \
	"$(ratio "${R[atoll_list_rss]}" "${R[etcd_list_rss]}")" "~500+135 (43k)" - "<= 64"
row "peak RSS (VmHWM), MiB" "${R[atoll_list_hwm]}" "${R[etcd_list_hwm]}" \
	"$(ratio "${R[atoll_list_hwm]}" "${R[etcd_list_hwm]}")" - - -
row "LIST all $NOBJ, ms (median)" "${R[atoll_list_med]}" "${R[etcd_list_med]}" \
	"$(ratio "${R[atoll_list_med]}" "${R[etcd_list_med]}")" - - -
row "ready, ms (median)" "${R[atoll_ready_med]}" "${R[etcd_ready_med]}" \
	"$(ratio "${R[atoll_ready_med]}" "${R[etcd_ready_med]}")" "3000-4000" \
	"$(ratio "${R[atoll_ready_med]}" 3500)" "< 100"
row "CPU used until ready, ms" "${R[atoll_ready_cpu_med]}" "${R[etcd_ready_cpu_med]}" \
	"$(ratio "${R[atoll_ready_cpu_med]}" "${R[etcd_ready_cpu_med]}")" - - -
echo
echo "Ready ms min/median/max: Atoll ${R[atoll_ready_min]}/${R[atoll_ready_med]}/${R[atoll_ready_max]}" \
	"(own log ${R[atoll_ready_own_min]}/${R[atoll_ready_own_med]}/${R[atoll_ready_own_max]})," \
	"etcd ${R[etcd_ready_min]}/${R[etcd_ready_med]}/${R[etcd_ready_max]}"
echo "Creates: ${R[atoll_create8_201]} answered 201, ${R[atoll_create8_listed]} found by LIST" \
	"(${R[atoll_create8_check]}; up to 8 more may have been in flight when wrk stopped)."
echo "Machine: CPU idle ${R[idle_before]}% before, ${R[idle_after]}% after; load ${R[load_before]} ->" \
	"${R[load_after]}; other processes used ~${R[others_pct]}% of all CPUs during the run."
echo "(*) kube-apiserver 1.26 + etcd 3.4: baseline measured earlier on this machine kind, not in this run."
echo "    Its RSS is apiserver + etcd; A/kube for idle RSS compares with their sum (~301 MiB)."

if [ -n "${BENCH_RESULTS:-}" ]; then
	for k in "${!R[@]}"; do
		printf '%s %s\n' "$k" "${R[$k]}"
	done | sort >"$BENCH_RESULTS"
fi
