/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the volume files (src/agent/volumes*.c). */
#ifndef ATOLL_AGENT_VOLUMES_INT_H
#define ATOLL_AGENT_VOLUMES_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct kclient;
struct vol_payload;

/* GET /api/v1/namespaces/ns/resource/name: the object (owned), or NULL when absent or unreadable. */
json_t *vol_get(struct kclient *kc, const char *ns, const char *resource, const char *name);
/* vol_get for the ConfigMaps and Secrets volumes show, through a cache of a few seconds (volumes_source.c). */
json_t *vol_get_source(struct kclient *kc, const char *ns, const char *resource, const char *name);

/*
 * The files of a projected volume (src: its "projected" object, borrowed):
 * configMap, secret, downwardAPI and serviceAccountToken sources, the last
 * minted by TokenRequest bound to the pod, or kept from the volume's
 * directory dir while younger than 80% of its life (as the kubelet rotates
 * them). Returns 0 or -1 with why.
 */
int vol_projected(struct kclient *kc, const json_t *pod, const json_t *src, const char *dir,
		  struct vol_payload *p, char *why, size_t n);

/*
 * The disk of claim (in pod's namespace): once the claim is bound, its
 * volume's disk file DATA/volumes/<pv>.img is created (sparse, ext4) or
 * grown to the volume's capacity, loop-mounted on DATA/volumes/mnt/<pv> and
 * recorded as used by this pod (in vdir/..disks). *host gets the directory
 * to hand to the sandbox (owned). Returns 0, or -1 with why and *retry when
 * the claim is missing or not bound yet. An ephemeral volume's claim must
 * be owned by the pod.
 */
int vol_disk_attach(struct kclient *kc, const json_t *pod, const char *claim, bool ephemeral, const char *vdir,
		    const char *data_dir, char **host, char *why, size_t n, bool *retry);

/*
 * Create (sparse file, mkfs.ext4), grow (file and filesystem) and mount the
 * disk DATA/volumes/<pv>.img of bytes capacity on mnt (an existing
 * directory). Callers hold the volumes lock. Returns 0 or -1 with why.
 */
int vol_disk_mount(const char *data_dir, const char *pv, long long bytes, const char *mnt, char *why, size_t n);

/* Drop the pod's uses of disks recorded in vdir; unmount the ones no pod uses any more. */
void vol_disk_release_all(const char *vdir, const char *data_dir);

#endif
