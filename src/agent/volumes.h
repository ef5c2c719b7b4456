/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod volumes on the node: every entry of spec.volumes is prepared on the
 * host under POD_DIR/volumes/<name> (or found where it already lives: a
 * hostPath, a claim's disk mounted under DATA/volumes/mnt/<pv>), handed to
 * the sandbox as {"host","guest","readonly"} (guest /volumes/<index>, where
 * the sandbox attaches it as an idmapped bind) and bound into each container
 * by pod init from its `mounts` ({"source","target","readonly"}, sources
 * inside the sandbox).
 *
 * Ownership on disk is what the container sees: the sandbox's idmapped
 * binds show on-disk uid N as uid N inside the pod, so files are written as
 * uid 0 with the pod's fsGroup as group when it has one.
 */
#ifndef ATOLL_AGENT_VOLUMES_H
#define ATOLL_AGENT_VOLUMES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct kclient;

/* Where the sandbox attaches volume i: VOL_GUEST_ROOT "/<i>". */
#define VOL_GUEST_ROOT "/volumes"

struct vol_set {
	json_t *sandbox; /* owned: [{"host","guest","readonly"}] for sandbox.json "volumes" */
	json_t *mounts;  /* owned: {container name: [{"source","target","readonly"}]} for pod init */
};

/*
 * Prepare every volume of pod (borrowed; metadata and spec) under
 * pod_dir/volumes (the pod's runtime directory), emptyDirs on disk under
 * disk_dir/volumes; PVC disks live under data_dir/volumes. Fills out (release
 * with vol_set_release). On failure returns -1 with why (a reason as the
 * kubelet words it, e.g. `configmap "x" not found`) and *retry true when
 * waiting may help (a missing ConfigMap, Secret or unbound claim), false for
 * a spec error; what was prepared so far stays for volumes_teardown.
 * kc may be NULL when the pod needs nothing from the API.
 */
int volumes_prepare(struct kclient *kc, const json_t *pod, const char *pod_dir, const char *disk_dir,
		    const char *data_dir, struct vol_set *out, char *why, size_t n, bool *retry);
void vol_set_release(struct vol_set *v);

/* Record why the pod's volumes could not be set up, as the kubelet's FailedMount Warning event. */
void volumes_event(struct kclient *kc, const json_t *pod, const char *why);

/*
 * Rewrite the contents of the pod's configMap, secret, downwardAPI and
 * projected volumes (new data, a fresh token) with the atomic ..data swap,
 * so running containers see the update. Returns 0 or -1 with why.
 */
int volumes_refresh(struct kclient *kc, const json_t *pod, const char *pod_dir, char *why, size_t n);

/*
 * Undo volumes_prepare once the sandbox is gone: unmount memory-backed
 * emptyDirs, release the pod's claim disks (unmounted when no other pod on
 * this node uses them) and remove pod_dir/volumes and disk_dir/volumes.
 */
void volumes_teardown(const char *pod_dir, const char *disk_dir, const char *data_dir);

/*
 * A claim disk for a VM pod: when host is a claim's mount (DATA/volumes/mnt/<pv>)
 * that no other pod on this node uses, unmount it from the host, record the
 * pod uid as its VM user (DATA/volumes/vm/<pv>: other pods wait for it, and
 * preparing this pod's volumes again does not mount it) and return the disk
 * file for a read-write virtio-blk disk (owned). NULL when host is not such
 * a disk or others use it: the VM shares the directory instead (9p).
 * volumes_teardown ends the VM's use.
 */
char *volumes_vm_disk(const char *data_dir, const char *host, const char *pod_uid);

/*
 * Remove the disk files of claim volumes that no longer exist (their
 * reclaim policy was Delete) and that no pod here uses. Call now and then.
 */
void volumes_gc(struct kclient *kc, const char *data_dir);

/* ---- pieces, exposed for unit tests ---- */

/*
 * Whether p is a safe relative path for a subPath or an item path: not
 * empty, not absolute, no ".." component (and, for items, not starting with
 * ".."). Fills why on rejection.
 */
bool vol_path_ok(const char *p, bool item, char *why, size_t n);

/*
 * A subPathExpr with $(VAR) replaced from env (borrowed: "K=V" strings, as
 * env_resolve returns them); "$$" is a literal "$" and unknown references
 * stay as written. Returns owned.
 */
char *vol_expand(const char *expr, const json_t *env);

/* One file of a configMap/secret/downwardAPI/projected volume. */
struct vol_file {
	char *path;          /* owned, relative, checked with vol_path_ok */
	unsigned char *data; /* owned, len bytes and a NUL */
	size_t len;
	mode_t mode;
};

struct vol_payload {
	struct vol_file *f;
	size_t n, cap;
};

/* Add a file (copies path and data); a later file with the same path replaces it. */
void vol_payload_add(struct vol_payload *p, const char *path, const void *data, size_t len, mode_t mode);
void vol_payload_release(struct vol_payload *p);

/*
 * Write p into dir as the kubelet's atomic writer does: the files in a fresh
 * "..<time>" directory, "..data" switched to it by one rename, and a
 * top-level symlink "<first path component>" -> "..data/<component>" each;
 * stale links and the previous generation are removed. Files get p's modes,
 * owner uid 0 and group gid (gid -1: 0). Returns 0 or -errno.
 */
int vol_atomic_write(const char *dir, const struct vol_payload *p, gid_t gid);

/*
 * The files of a configMap or secret source (src: {"name","items",
 * "optional","defaultMode"}) from the object's data (borrowed; for a secret
 * base64 "data", for a configMap "data" and base64 "binaryData"). obj NULL
 * means absent. Returns 0, or -1 with why (missing and not optional, a
 * missing key, a bad path or mode).
 */
int vol_from_data(struct vol_payload *p, const json_t *src, const json_t *obj, bool secret,
		  mode_t default_mode, char *why, size_t n);

/* The files of downwardAPI items (borrowed) for pod (borrowed). Returns 0 or -1 with why. */
int vol_from_downward(struct vol_payload *p, const json_t *items, const json_t *pod, mode_t default_mode,
		      char *why, size_t n);

#endif
