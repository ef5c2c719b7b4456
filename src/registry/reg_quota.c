/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-namespace registry storage quota: a ResourceQuota of the namespace
 * with spec.hard["atoll.dev/registry-storage"] bounds the bytes of the blobs
 * and manifests its repositories hold (each blob counted once per
 * namespace). Uploads that would pass it are refused with 403 DENIED, the
 * bytes of uploads still running are reserved under one lock so concurrent
 * pushes never over-commit, and the use is written to the quota's
 * status.used after each change.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/object.h"
#include "api/quantity.h"
#include "api/server.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"
#include "store/store.h"

/* Bytes reserved by an upload that is still running. */
struct resv {
	const struct reg_req *owner;
	char ns[64];
	uint64_t bytes;
	struct resv *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct resv *resvs;

/* The smallest hard limit on the key among ns's quotas (bytes); false when none sets one. */
static bool ns_limit(struct store *s, const char *ns, uint64_t *limit, char *qname, size_t n)
{
	_cleanup_free_ char *prefix = xasprintf("core/resourcequotas/%s/", ns);
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };
	bool found = false;

	if (store_list(s, prefix, "", 0, &l, &err) < 0)
		return false;
	for (size_t i = 0; i < l.n; i++) {
		/* Most quotas say nothing about the registry: skip them unparsed. */
		if (!memmem(l.items[i].value->data, l.items[i].value->len, REG_QUOTA_KEY, strlen(REG_QUOTA_KEY)))
			continue;
		json_t *q = json_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		json_t *v = json_object_get(json_object_get(json_object_get(q, "spec"), "hard"), REG_QUOTA_KEY);
		struct quantity qt;
		int64_t bytes;
		if (v && quantity_from_json(v, REG_QUOTA_KEY, &qt, &err) == 0 && quantity_value(&qt, &bytes) == 0 &&
		    (!found || (uint64_t)(bytes < 0 ? 0 : bytes) < *limit)) {
			*limit = bytes < 0 ? 0 : (uint64_t)bytes;
			snprintf(qname, n, "%s", obj_name(q) ? obj_name(q) : "");
			found = true;
		}
		json_decref(q);
	}
	store_list_free(&l);
	return found;
}

/* Distinct bytes linked in ns; *has: whether digest (may be NULL or "") is one of them. */
static uint64_t usage(const char *ns, const char *digest, bool *has)
{
	_cleanup_free_ char *dir = xasprintf("%s/repos/%s", reg_g.root, ns);
	struct reg_links s = { 0 };
	uint64_t total = 0;

	reg_links_collect(dir, &s);
	for (size_t i = 0; i < s.n; i++) {
		if (i && !strcmp(s.v[i], s.v[i - 1]))
			continue; /* linked by several repositories, or as layer and manifest: stored once */
		char d[200];
		snprintf(d, sizeof(d), "%s", s.v[i]);
		char *dash = strchr(d, '-');
		if (!dash)
			continue;
		*dash = ':';
		if (!reg_digest_valid(d))
			continue;
		if (digest && !strcmp(d, digest))
			*has = true;
		_cleanup_free_ char *bp = reg_blob_path(d);
		struct stat sb;
		if (stat(bp, &sb) == 0)
			total += (uint64_t)sb.st_size;
	}
	reg_links_release(&s);
	return total;
}

uint64_t reg_ns_usage(const char *ns)
{
	bool has = false;

	return usage(ns, NULL, &has);
}

int reg_quota_admit(struct api_req *r, struct reg_req *st, uint64_t add)
{
	uint64_t limit = 0, reserved = 0;
	char qname[256] = "";

	st->quota_room = UINT64_MAX;
	if (!ns_limit(r->srv->store, st->ns, &limit, qname, sizeof(qname)))
		return 0;
	pthread_mutex_lock(&lock);
	bool has = false;
	uint64_t used = usage(st->ns, st->digest, &has);
	if (has) /* bytes the namespace holds already cost nothing more */
		add = 0;
	struct resv *mine = NULL;
	for (struct resv *p = resvs; p; p = p->next) {
		if (p->owner == st)
			mine = p;
		else if (!strcmp(p->ns, st->ns))
			reserved += p->bytes;
	}
	used += reserved;
	if (used + add > limit) {
		pthread_mutex_unlock(&lock);
		return reg_error(r, 403, "DENIED",
				 "pushing to %s is forbidden: exceeded quota: %s, requested: %s=%" PRIu64
				 ", used: %s=%" PRIu64 ", limited: %s=%" PRIu64,
				 st->repo, qname, REG_QUOTA_KEY, add, REG_QUOTA_KEY, used, REG_QUOTA_KEY, limit), 1;
	}
	if (!mine) {
		mine = xcalloc(1, sizeof(*mine));
		mine->owner = st;
		snprintf(mine->ns, sizeof(mine->ns), "%s", st->ns);
		mine->next = resvs;
		resvs = mine;
	}
	mine->bytes = add;
	/*
	 * Bytes that arrive without a Content-Length are held to what is left;
	 * bytes that must hash to a digest the namespace holds cost nothing.
	 */
	st->quota_room = has ? UINT64_MAX : limit - used;
	pthread_mutex_unlock(&lock);
	return 0;
}

void reg_quota_release(const struct reg_req *st)
{
	pthread_mutex_lock(&lock);
	for (struct resv **p = &resvs; *p; p = &(*p)->next)
		if ((*p)->owner == st) {
			struct resv *dead = *p;
			*p = dead->next;
			free(dead);
			break;
		}
	pthread_mutex_unlock(&lock);
}

void reg_quota_report(struct api_req *r, const char *ns)
{
	_cleanup_free_ char *prefix = xasprintf("core/resourcequotas/%s/", ns);
	struct store *s = r->srv->store;
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };
	char used[64];

	if (store_list(s, prefix, "", 0, &l, &err) < 0)
		return;
	bool any = false;
	for (size_t i = 0; i < l.n && !any; i++)
		any = memmem(l.items[i].value->data, l.items[i].value->len, REG_QUOTA_KEY, strlen(REG_QUOTA_KEY));
	if (any) {
		struct quantity q;
		quantity_from_milli((int64_t)reg_ns_usage(ns) * 1000, QUANTITY_BINARY_SI, &q);
		quantity_format(&q, used, sizeof(used));
	}
	for (size_t i = 0; i < l.n && any; i++) {
		json_t *q = json_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		json_t *hard = json_object_get(json_object_get(q, "spec"), "hard");
		if (!json_object_get(hard, REG_QUOTA_KEY)) {
			json_decref(q);
			continue;
		}
		json_t *status = json_object_get(q, "status");
		if (!json_is_object(status)) {
			status = json_object();
			json_object_set_new(q, "status", status);
		}
		json_object_set(status, "hard", hard);
		json_t *u = json_object_get(status, "used");
		if (!json_is_object(u)) {
			u = json_object();
			json_object_set_new(status, "used", u);
		}
		const char *old = json_string_value(json_object_get(u, REG_QUOTA_KEY));
		if (!old || strcmp(old, used)) {
			json_object_set_new(u, REG_QUOTA_KEY, json_string(used));
			int64_t rev;
			/* A concurrent write wins; the next registry change writes the use again. */
			if (obj_store_put(s, l.items[i].key, q, l.items[i].mod_rev, &rev, &err) < 0)
				log_msg(LOG_DEBUG, "registry", "quota status of %s: %s", l.items[i].key, err.msg);
		}
		json_decref(q);
	}
	store_list_free(&l);
}
