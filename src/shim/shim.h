/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod shim: one `atoll shim` process per pod, detached from the agent,
 * that owns the pod's sandbox (one pod init, all of the pod's containers),
 * its network attachment, its log files and its state. The agent, and the
 * agent's streaming server (exec, attach, port-forward), talk to it over a
 * Unix socket in the pod's directory; because the shim outlives the agent, a
 * restarted agent adopts running pods by connecting again.
 *
 * Pod directory (RUN/pods/<uid>/, made by the agent in the node's runtime
 * directory, a tmpfs: agent/rundir.h):
 *   sandbox.json  written by the agent before shim_spawn: see below
 *   shim.sock     the shim's socket
 *   shim.pid      the shim's pid
 *   state.json    written atomically by the shim on every change: see below
 * Log directory (sandbox.json "log_dir", DATA/pods/<uid>/ on disk; the pod
 * directory when absent):
 *   <ctr>.log     a container's output, CRI format, one line each:
 *                 "<RFC3339Nano UTC> <stdout|stderr> <F|P> <bytes>\n"
 *                 (P: a partial line, continued by the next record)
 *   <ctr>.log.1   the previous instance's output (kubectl logs --previous)
 *   <ctr>.log.rotated  the current instance's older output, set aside when
 *                 <ctr>.log passed 10 MiB (readers put it first: crilog_read)
 *   <ctr>.log.1.rotated  the previous instance's, moved along at a restart
 *
 * sandbox.json: {"hostname", "images": [rootfs dirs, mounted at /images/N],
 *   "volumes": [{"host","guest","readonly"}] (visible in the sandbox),
 *   "cpu_milli", "memory" (bytes), "pids", "network": bool,
 *   "namespace" (the pod's Kubernetes namespace, for per-namespace cgroups),
 *   optional "log_dir" (where the containers' logs go),
 *   optional "pool_cpu_milli", "pool_memory" (bytes): the namespace's
 *   ResourceQuota limits.cpu / limits.memory (quota_pool_limits in
 *   auth/auth_quota.h), absent for no limit; sb_opts_pool_from_json
 *   (sandbox/sandbox.h) reads these three into sb_opts}
 *   Added by the shim's implementation: "pod_cidr" (the node's pod range,
 *   with "network": true), "hostAliases" (the pod spec's, added to
 *   /etc/hosts), "isolation" ("vm" or "namespace", the default) and for
 *   VM pods "guest_kernel", "image_disks" and volumes' "disk"
 *   (src/shim/shim_vm.h). Volume N is visible in the sandbox at /volumes/N;
 *   a create's "mounts" source naming a volume's "guest" path (or a path
 *   below it) is pointed there by the shim. POD_DIR/etc is one more volume,
 *   bound into every container at /etc/hosts and /etc/resolv.conf.
 *
 * state.json: {"pid": init pid (a VM pod's: its VMM), "podIP": "10.x.y.z" or absent,
 *   "isolation": "vm" | "namespace",
 *   "containers": {NAME: {"state": "created|running|exited", "pid",
 *   "startedAt", "finishedAt", "exitCode", "signal", "oomKilled",
 *   "restarts"}}}
 *   (state "creating" with an "error" when the create failed: a create of
 *   the same id may be sent again); "cgroups": the sandbox's cgroup
 *   directories while it lives (for cleaning up after a killed shim:
 *   shim_cleanup_after)
 *
 * Wire protocol on shim.sock: the pod init framing (podinit/proto.h). Every
 * connection starts with one control frame, a JSON request with an "op":
 *
 * Control connections (many requests, each answered by one reply frame
 * {"op":"reply","ok":true|false,"error":...,...}):
 *   {"op":"create", container spec as pod init's create, without "proc"}
 *                                  (optional "restarts": the count to start
 *                                  from, for a container carried over from
 *                                  a sandbox that died). A create for a
 *                                  created or exited container replaces it
 *                                  (a new definition, e.g. an image update;
 *                                  its next start counts as a restart)
 *   {"op":"start","id"}            start (or restart) a created/exited container
 *   {"op":"signal","id","signal"}  signal a container's main process
 *   {"op":"state"}                 reply carries "state": the state.json object
 *   {"op":"add_image","path"}      make the image tree at host path visible
 *                                  in the running sandbox (idempotent);
 *                                  the reply's "lower" is where (/images/N)
 *   {"op":"stop","grace_ms"}       stop everything; the shim tears the pod
 *                                  down (network, cgroups) and exits after
 *                                  replying
 * The shim also exits (after the same teardown) when pod init dies, and
 * treats SIGTERM as a stop with a 10 s grace period. Restarting an exited
 * container gives it a fresh writable layer (pod init "remove" + "create").
 *
 * Stream connections (the first request turns the connection into one
 * stream; after its reply only frames of that stream flow):
 *   {"op":"exec","id","args","tty","stdin","rows","cols"}: a new process in
 *     container id; stdin frames (type 2, proc 1) go to it, stdout/stderr
 *     frames (proc 1) come back, control frames {"op":"resize","rows","cols"}
 *     and {"op":"close_stdin"} go to it, and {"op":"exit","status"|"signal"}
 *     comes last, then the shim closes the connection.
 *   {"op":"attach","id","stdin"}: the container's live output (and its stdin
 *     when the container has one); ends with {"op":"exit",...}.
 *   {"op":"portforward","port"}: after the reply the connection carries raw
 *     bytes to and from TCP 127.0.0.1:port inside the pod's network namespace
 *     (in a VM pod, pod init makes the connection and relays it: "connect").
 *     A refused connection is a failed reply.
 * A stream whose reader falls more than 8 MiB behind is dropped (closed):
 * the pod is never held up by a slow client. See docs/shim-protocol.md.
 */
#ifndef ATOLL_SHIM_H
#define ATOLL_SHIM_H

#include <jansson.h>

#include "lib/buf.h"
#include "lib/err.h"

/*
 * Start the shim of the pod whose directory is pod_dir (sandbox.json must be
 * there) and wait until its socket answers. data_dir is the agent's data dir
 * (UID ranges, image cache). Returns 0, or -1 with err.
 */
int shim_spawn(const char *pod_dir, const char *data_dir, struct atoll_err *err);

/*
 * shim_spawn in two halves, so that many shims start at once: begin forks
 * the shim and returns the fd on which it reports readiness (or -1 with err);
 * finish waits for that report and closes the fd.
 */
int shim_spawn_begin(const char *pod_dir, const char *data_dir, struct atoll_err *err);
int shim_spawn_finish(int ready_fd, const char *pod_dir, struct atoll_err *err);
/* Reap the shims this process started that have ended (they are its children while it lives). */
void shim_reap(void);

/* Connect to a pod's shim: a socket fd, or -1 with err (no shim running). */
int shim_connect(const char *pod_dir, struct atoll_err *err);

/*
 * One request on a control connection: sends req (borrowed), returns the
 * reply (owned) when ok, NULL with err when not ok or on a broken connection.
 */
json_t *shim_call(int fd, const json_t *req, struct atoll_err *err);

/*
 * Open a stream connection: connects, sends req (borrowed), reads the reply.
 * Returns the fd ready for stream frames, or -1 with err.
 */
int shim_open_stream(const char *pod_dir, const json_t *req, struct atoll_err *err);

/*
 * Read a CRI log: the container's output from the records in (in, len),
 * appended to out, with "<time> " before each line when timestamps is set
 * (P records continue on the next record of the same stream). Uses whole
 * records only; returns how many bytes of in it consumed.
 */
size_t shim_log_decode(const char *in, size_t len, int timestamps, struct buf *out);
/* The same, leaving out records stamped before since ("YYYY-MM-DDTHH:MM:SS...", UTC; NULL: none). */
size_t shim_log_decode_since(const char *in, size_t len, int timestamps, const char *since, struct buf *out);

/*
 * After a shim was killed (SIGKILL: no teardown): wait briefly for the pod
 * init named in POD_DIR/state.json to go, then remove the sandbox's cgroups
 * listed there (only empty ones can be removed, so this is safe to call for
 * any pod directory whose shim does not answer).
 */
void shim_cleanup_after(const char *pod_dir);

/* `atoll shim`: the shim process itself. */
int cmd_shim(int argc, char **argv);

#endif
