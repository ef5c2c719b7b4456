/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kinds registry: the static built-in rows plus rows CRDs add at run
 * time. Dynamic rows are never freed (requests may still hold them); a
 * removed CRD's rows are only unlisted.
 */
#include <pthread.h>
#include <string.h>

#include "api/kind.h"
#include "api/kinds.h"
#include "lib/xalloc.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct api_kind **dyn;     /* owned rows */
static bool *dyn_active;
static size_t ndyn, adyn;

static int eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

const struct api_kind *kinds_find(const char *group, const char *version, const char *resource)
{
	const struct api_kind *found = NULL;

	for (size_t i = 0; kinds_builtin[i]; i++) {
		const struct api_kind *k = kinds_builtin[i];
		if (eq(k->group, group) && eq(k->version, version) && eq(k->resource, resource))
			return k;
	}
	pthread_rwlock_rdlock(&lock);
	for (size_t i = 0; i < ndyn && !found; i++)
		if (dyn_active[i] && eq(dyn[i]->group, group) && eq(dyn[i]->version, version) &&
		    eq(dyn[i]->resource, resource))
			found = dyn[i];
	pthread_rwlock_unlock(&lock);
	return found;
}

const struct api_kind *kinds_find_kind(const char *group, const char *version, const char *kind)
{
	const struct api_kind *found = NULL;

	for (size_t i = 0; kinds_builtin[i]; i++) {
		const struct api_kind *k = kinds_builtin[i];
		if (eq(k->group, group) && eq(k->version, version) && eq(k->kind, kind))
			return k;
	}
	pthread_rwlock_rdlock(&lock);
	for (size_t i = 0; i < ndyn && !found; i++)
		if (dyn_active[i] && eq(dyn[i]->group, group) && eq(dyn[i]->version, version) &&
		    eq(dyn[i]->kind, kind))
			found = dyn[i];
	pthread_rwlock_unlock(&lock);
	return found;
}

int kinds_foreach(int (*fn)(const struct api_kind *k, void *ctx), void *ctx)
{
	int rc = 0;

	for (size_t i = 0; kinds_builtin[i] && !rc; i++)
		rc = fn(kinds_builtin[i], ctx);
	if (rc)
		return rc;
	pthread_rwlock_rdlock(&lock);
	for (size_t i = 0; i < ndyn && !rc; i++)
		if (dyn_active[i])
			rc = fn(dyn[i], ctx);
	pthread_rwlock_unlock(&lock);
	return rc;
}

void kinds_add(struct api_kind *k)
{
	pthread_rwlock_wrlock(&lock);
	for (size_t i = 0; i < ndyn; i++) {
		if (dyn_active[i] && eq(dyn[i]->group, k->group) && eq(dyn[i]->version, k->version) &&
		    eq(dyn[i]->resource, k->resource))
			dyn_active[i] = false; /* replaced by the new definition */
	}
	if (ndyn == adyn) {
		adyn = adyn ? adyn * 2 : 16;
		dyn = xrealloc(dyn, adyn * sizeof(*dyn));
		dyn_active = xrealloc(dyn_active, adyn * sizeof(*dyn_active));
	}
	dyn[ndyn] = k;
	dyn_active[ndyn++] = true;
	pthread_rwlock_unlock(&lock);
}

void kinds_remove_group_resource(const char *group, const char *resource)
{
	pthread_rwlock_wrlock(&lock);
	for (size_t i = 0; i < ndyn; i++)
		if (eq(dyn[i]->group, group) && eq(dyn[i]->resource, resource))
			dyn_active[i] = false;
	pthread_rwlock_unlock(&lock);
}

struct by_resource {
	const char *group, *resource;
	const struct api_kind *found;
};

static int match_resource(const struct api_kind *k, void *p)
{
	struct by_resource *b = p;

	if (eq(k->group, b->group) && eq(k->resource, b->resource) &&
	    (!b->found || k->storage_version))
		b->found = k;
	return 0;
}

const struct api_kind *kinds_find_resource(const char *group, const char *resource)
{
	struct by_resource b = { group, resource, NULL };

	kinds_foreach(match_resource, &b);
	return b.found;
}

const struct api_kind *kinds_find_key(const char *key, char *ns, size_t nslen, char *name, size_t namelen)
{
	char group[128], resource[128];
	const char *p = key, *s;

	/* group/resource/namespace/name */
	if (!(s = strchr(p, '/')) || (size_t)(s - p) >= sizeof(group))
		return NULL;
	memcpy(group, p, (size_t)(s - p));
	group[s - p] = '\0';
	p = s + 1;
	if (!(s = strchr(p, '/')) || (size_t)(s - p) >= sizeof(resource))
		return NULL;
	memcpy(resource, p, (size_t)(s - p));
	resource[s - p] = '\0';
	p = s + 1;
	if (!(s = strchr(p, '/')) || (size_t)(s - p) >= nslen || strlen(s + 1) >= namelen)
		return NULL;
	memcpy(ns, p, (size_t)(s - p));
	ns[s - p] = '\0';
	strcpy(name, s + 1);
	return kinds_find_resource(strcmp(group, "core") ? group : "", resource);
}
