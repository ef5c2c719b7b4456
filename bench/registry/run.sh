#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Atoll's registry side by side with Debian's docker-registry (distribution 2.8) on loopback.
# Both serve HTTPS (atoll only speaks TLS; distribution gets a self-signed certificate) and
# store on the same filesystem. Per server and per run:
#   - skopeo push of a 64 MiB-layer image and of a 200-small-layer image into an EMPTY registry
#     (storage wiped, skopeo's blob-info cache removed, so nothing is skipped or mounted)
#   - skopeo pull of both into a fresh OCI directory
#   - 64 MiB blob GET with curl (MB/s), three per run
#   - manifest GETs/s with wrk: by tag at 1 and 8 connections, by digest at 8
#   - RSS idle, after the pushes, and at the end (VmHWM = peak)
#   - the server's CPU time (user+system, from /proc) for every push and pull: less noisy than
#     wall time on a shared machine, and what the server takes from the client's cores
# Atoll is called with credentials (Basic for skopeo, so its token flow runs; Bearer for curl/wrk);
# distribution runs without authentication, as in its default configuration. Both servers run
# side by side and every run alternates between them, so a noisy neighbour hits both alike.
# Usage: RUNS=5 DUR=5 bench/registry/run.sh   (needs skopeo, wrk, curl, docker-registry, openssl)
set -uo pipefail
RUNS=${RUNS:-5}; DUR=${DUR:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ATOLL=${ATOLL_BIN:-$ROOT/build/atoll}
W=$(mktemp -d -t atoll-regbench.XXXXXX)
CACHE=/var/lib/containers/cache/blob-info-cache-v1.boltdb
OUT=$W/results.txt
for t in skopeo wrk curl docker-registry openssl; do
	command -v $t >/dev/null || { echo "missing $t (apt-get install $t)"; exit 1; }
done
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ts() { date +%s.%N; }
el() { echo "$(ts) - $1" | bc; }
log() { echo "$*" | tee -a "$OUT"; }

echo "== building test images in $W"
/usr/bin/python3 - "$W" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
w = sys.argv[1]
def layout(name, layers):
    d = os.path.join(w, name); os.makedirs(d + "/blobs/sha256")
    def put(b):
        h = hashlib.sha256(b).hexdigest()
        open(f"{d}/blobs/sha256/{h}", "wb").write(b)
        return {"digest": "sha256:" + h, "size": len(b)}
    descs, diff = [], []
    for files in layers:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as t:
            for n, data in files.items():
                ti = tarfile.TarInfo(n); ti.size = len(data); ti.mtime = 0
                t.addfile(ti, io.BytesIO(data))
        gz = gzip.compress(raw.getvalue(), compresslevel=1, mtime=0)
        descs.append(dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **put(gz)))
        diff.append("sha256:" + hashlib.sha256(raw.getvalue()).hexdigest())
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": diff}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **put(cfg)),
                      "layers": descs}).encode()
    m = put(man)
    json.dump({"schemaVersion": 2, "manifests": [dict(mediaType="application/vnd.oci.image.manifest.v1+json",
               annotations={"org.opencontainers.image.ref.name": "latest"}, **m)]}, open(d + "/index.json", "w"))
    open(d + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
    open(f"{w}/{name}.manifest", "w").write(m["digest"])
    open(f"{w}/{name}.bigblob", "w").write(max(descs, key=lambda x: x["size"])["digest"])
    print(name, m["digest"], sum(x["size"] for x in descs), "bytes in", len(descs), "layers")
layout("big", [{"random.bin": os.urandom(64 << 20)}, {"bin/busybox": open("/bin/busybox", "rb").read()}])
layout("many", [{f"f{i}/data": os.urandom(4096)} for i in range(200)])
PY

# --- the two servers, both running; runs alternate between them so load drifts hit both --------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$W/dist.key" -out "$W/dist.crt" 2>/dev/null
mkdir -p "$W/distribution-certs"; cp "$W/dist.crt" "$W/distribution-certs/ca.crt"
declare -A PORT PID
PORT[distribution]=$(free_port); PORT[atoll]=$(free_port)
cat > "$W/registry.yml" <<EOC
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $W/dist-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${PORT[distribution]}
  tls:
    certificate: $W/dist.crt
    key: $W/dist.key
EOC
TOK=
stop_srv() { local p=${PID[$1]:-}; [ -n "$p" ] && kill "$p" 2>/dev/null; [ -n "$p" ] && wait "$p" 2>/dev/null; PID[$1]=; }
# (Re)start a server with empty registry storage.
start_srv() {
	stop_srv "$1"
	if [ "$1" = distribution ]; then
		rm -rf "$W/dist-data"; mkdir -p "$W/dist-data"
		docker-registry serve "$W/registry.yml" > "$W/dist.log" 2>&1 & PID[distribution]=$!
		for _ in $(seq 1 200); do curl -sf -o /dev/null --cacert "$W/dist.crt" https://127.0.0.1:${PORT[distribution]}/v2/ && return 0; sleep 0.05; done
		echo "docker-registry did not start"; cat "$W/dist.log"; exit 1
	fi
	rm -rf "$W/atoll-data/registry"
	"$ATOLL" server --data-dir "$W/atoll-data" --listen 127.0.0.1:${PORT[atoll]} --no-node > "$W/atoll.log" 2>&1 & PID[atoll]=$!
	for _ in $(seq 1 200); do [ -f "$W/atoll-data/kubeconfig" ] && curl -sf -o /dev/null -k https://127.0.0.1:${PORT[atoll]}/readyz && break; sleep 0.05; done
	mkdir -p "$W/atoll-certs"; cp "$W/atoll-data/pki/ca.crt" "$W/atoll-certs/ca.crt"
	TOK=$(cat "$W/atoll-data/pki/admin.token")
}
trap 'stop_srv distribution; stop_srv atoll; rm -rf "$W/dist-data" "$W/atoll-data" "$W/pull" "$W/big" "$W/many"' EXIT
rss() { awk '/VmRSS|VmHWM/{printf "%s=%s ", $1, $2}' /proc/${PID[$1]}/status; }
HZ=$(getconf CLK_TCK)
cpu() { awk -v hz=$HZ '{printf "%.3f", ($14+$15)/hz}' /proc/${PID[$1]}/stat; }
SERVERS="distribution atoll"
# Atoll gets credentials (Basic for skopeo, so its token flow runs; Bearer for curl and wrk).
creds() { [ "$1" = atoll ] && echo "--$2-creds x:$TOK"; }
hdrs() { HDR=(); [ "$1" = atoll ] && HDR=(-H "Authorization: Bearer $TOK"); return 0; }
url() { echo "127.0.0.1:${PORT[$1]}/v2/default"; }

push() { # server image
	rm -f "$CACHE"
	local t=$(ts) c=$(cpu $1)
	skopeo copy -q --dest-cert-dir "$W/$1-certs" $(creds $1 dest) oci:$W/$2:latest \
		docker://127.0.0.1:${PORT[$1]}/default/$2:latest >/dev/null || log "$1 push $2 FAILED"
	log "$1 push_$2 $(el $t)"
	log "$1 cpu_push_$2 $(echo "$(cpu $1) - $c" | bc)"
}
pull() {
	rm -rf "$W/pull"; rm -f "$CACHE"
	local t=$(ts) m c=$(cpu $1)
	skopeo copy -q --src-cert-dir "$W/$1-certs" $(creds $1 src) docker://127.0.0.1:${PORT[$1]}/default/$2:latest \
		oci:$W/pull:latest >/dev/null || log "$1 pull $2 FAILED"
	log "$1 pull_$2 $(el $t)"
	log "$1 cpu_pull_$2 $(echo "$(cpu $1) - $c" | bc)"
	m=$(cut -d: -f2 < $W/$2.manifest)
	cmp -s "$W/pull/blobs/sha256/$m" "$W/$2/blobs/sha256/$m" || log "$1 pull_$2 MISMATCH"
}

: > "$OUT"
echo "== servers: distribution :${PORT[distribution]}, atoll :${PORT[atoll]}"
for s in $SERVERS; do start_srv $s; done
sleep 1
for s in $SERVERS; do log "$s rss_idle $(rss $s)"; done
echo "== 64 MiB image: push into an empty registry, pull, blob GET, manifest GETs"
for i in $(seq 1 "$RUNS"); do for s in $SERVERS; do start_srv $s; push $s big; done; done
for s in $SERVERS; do log "$s rss_after_push $(rss $s)"; done
for i in $(seq 1 "$RUNS"); do for s in $SERVERS; do pull $s big; done; done
# Three GETs per run and server: one 64 MiB GET takes ~0.15 s, so a single one mostly measures scheduling.
for i in $(seq 1 "$RUNS"); do for s in $SERVERS; do for _ in 1 2 3; do
	hdrs $s
	log "$s blob_get_MBps $(curl -s -o /dev/null --cacert $W/$s-certs/ca.crt "${HDR[@]}" -w '%{speed_download}' \
		https://$(url $s)/big/blobs/$(cat $W/big.bigblob) | awk '{printf "%.1f", $1/1e6}')"
done; done; done
H='Accept: application/vnd.oci.image.manifest.v1+json'
for s in $SERVERS; do
	hdrs $s
	log "$s manifest_check $(curl -s -o /dev/null --cacert $W/$s-certs/ca.crt "${HDR[@]}" -H "$H" -w '%{http_code}' https://$(url $s)/big/manifests/latest)"
done
for ref in tag digest; do for c in 1 8; do
	[ $ref = digest ] && [ $c = 1 ] && continue
	for i in 1 2 3; do for s in $SERVERS; do
		hdrs $s
		wrk -t$([ $c = 1 ] && echo 1 || echo 2) -c$c -d${DUR}s -H "$H" "${HDR[@]}" \
			https://$(url $s)/big/manifests/$([ $ref = tag ] && echo latest || cat $W/big.manifest) > $W/wrk.out
		grep -q "Non-2xx" $W/wrk.out && log "$s wrk NON-2xx: $(grep Non-2xx $W/wrk.out)"
		log "$s wrk_${ref}_c$c $(awk '/Requests\/sec/{print $2}' $W/wrk.out)"
	done; done
done; done
for s in $SERVERS; do log "$s rss_end $(rss $s)"; done
echo "== 200 small layers: push into an empty registry, pull"
for i in $(seq 1 "$RUNS"); do for s in $SERVERS; do start_srv $s; push $s many; done; done
for i in $(seq 1 "$RUNS"); do for s in $SERVERS; do pull $s many; done; done
for s in $SERVERS; do stop_srv $s; done

echo "== summary (median of runs; ratio = how many times better atoll is, >1 is better)"
/usr/bin/python3 - "$OUT" <<'PY'
import re, statistics, sys
vals = {}
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) < 3:
        continue
    srv, metric = p[0], p[1]
    if metric.startswith("rss"):
        for kv in p[2:]:
            k, v = kv.split("=")
            vals.setdefault((srv, metric + "_" + k.rstrip(":")), []).append(float(v) / 1024)
        continue
    try:
        vals.setdefault((srv, metric), []).append(float(p[2]))
    except ValueError:
        pass
metrics = sorted({m for _, m in vals}, key=lambda m: (m.startswith("rss"), m))
print(f"{'metric':28} {'distribution':>14} {'atoll':>14} {'ratio':>7}")
for m in metrics:
    d, a = vals.get(("distribution", m)), vals.get(("atoll", m))
    if not d or not a:
        continue
    d, a = statistics.median(d), statistics.median(a)
    lower_better = m.startswith(("push", "pull", "rss", "cpu"))
    ratio = (d / a if lower_better else a / d) if a and d else float("nan")
    unit = "s" if m.startswith(("push", "pull", "cpu")) else "MiB" if m.startswith("rss") else ""
    print(f"{m:28} {d:>12.3f}{unit:>2} {a:>12.3f}{unit:>2} {ratio:>7.2f}")
PY
echo "raw results: $OUT"
