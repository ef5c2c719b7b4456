/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ConfigMaps and Secrets behind volumes, read through a cache of a few
 * seconds: a burst of pods that mount the same object (every pod mounts its
 * namespace's kube-root-ca.crt) costs one request, not one each. The kubelet
 * too serves these from a cache; an update still reaches running pods at the
 * next refresh (volumes_refresh), at most this much later. Absent objects are
 * not remembered: a pod waiting for one sees it as soon as it exists.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/volumes_int.h"
#include "lib/xalloc.h"

#define SOURCE_TTL_MS 2000
#define SOURCE_SLOTS  64

struct source {
	char key[512];  /* ns/resource/name */
	int64_t at_ms;  /* when it was read (CLOCK_MONOTONIC) */
	json_t *obj;    /* owned */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct source slots[SOURCE_SLOTS]; /* direct-mapped by the key's hash */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

json_t *vol_get_source(struct kclient *kc, const char *ns, const char *resource, const char *name)
{
	char key[512];

	if ((size_t)snprintf(key, sizeof(key), "%s/%s/%s", ns, resource, name) >= sizeof(key))
		return vol_get(kc, ns, resource, name);
	struct source *s = &slots[hash(key) % SOURCE_SLOTS];
	json_t *copy = NULL;
	pthread_mutex_lock(&mu);
	if (s->obj && !strcmp(s->key, key) && now_ms() - s->at_ms < SOURCE_TTL_MS)
		copy = json_deep_copy(s->obj); /* callers own and may change what they get */
	pthread_mutex_unlock(&mu);
	if (copy)
		return copy;
	json_t *obj = vol_get(kc, ns, resource, name);
	if (!obj)
		return NULL;
	pthread_mutex_lock(&mu);
	json_decref(s->obj);
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->at_ms = now_ms();
	s->obj = json_deep_copy(obj);
	pthread_mutex_unlock(&mu);
	return obj;
}
