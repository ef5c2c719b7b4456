/* SPDX-License-Identifier: Apache-2.0 */
/* Deletion with preconditions, finalizers and propagation policies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/delete.h"
#include "api/object.h"
#include "lib/xalloc.h"
#include "store/store.h"

int delete_opts_parse(const json_t *body, const char *qpolicy, struct delete_opts *o,
		      struct atoll_err *err)
{
	const char *p = qpolicy;

	memset(o, 0, sizeof(*o));
	if (body && json_is_object(body)) {
		const char *bp = json_string_value(json_object_get(body, "propagationPolicy"));
		if (bp)
			p = bp;
		json_t *orphan = json_object_get(body, "orphanDependents");
		if (json_is_true(orphan) && !p)
			p = "Orphan";
		json_t *pre = json_object_get(body, "preconditions");
		o->uid = json_string_value(json_object_get(pre, "uid"));
		o->rv = json_string_value(json_object_get(pre, "resourceVersion"));
		json_t *dr = json_object_get(body, "dryRun");
		if (json_array_size(dr))
			o->dry_run = true;
		json_t *g = json_object_get(body, "gracePeriodSeconds");
		if (json_is_integer(g)) {
			o->has_grace = true;
			o->grace = json_integer_value(g) < 0 ? 0 : json_integer_value(g);
		}
	}
	if (!p || !*p)
		o->policy = DELETE_DEFAULT;
	else if (!strcmp(p, "Background"))
		o->policy = DELETE_BACKGROUND;
	else if (!strcmp(p, "Foreground"))
		o->policy = DELETE_FOREGROUND;
	else if (!strcmp(p, "Orphan"))
		o->policy = DELETE_ORPHAN;
	else
		return err_set(err, 400, "BadRequest",
			       "propagationPolicy: Unsupported value: \"%s\": supported values: "
			       "\"Foreground\", \"Background\", \"Orphan\"", p);
	return 0;
}

static void add_finalizer(json_t *meta, const char *f)
{
	json_t *fs = json_object_get(meta, "finalizers");
	size_t i;
	json_t *v;

	if (!json_is_array(fs)) {
		fs = json_array();
		json_object_set_new(meta, "finalizers", fs);
	}
	json_array_foreach(fs, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), f))
			return;
	json_array_append_new(fs, json_string(f));
}

/*
 * Pods bound to a node are deleted gracefully, as in Kubernetes: marked with
 * deletionTimestamp (now + the grace period) and deletionGracePeriodSeconds,
 * and removed by the node once their containers have stopped (it deletes
 * with grace 0). A shorter grace period may follow; 0 deletes at once.
 * Returns whether obj was marked (meta updated) rather than to be deleted.
 */
static bool pod_graceful(const struct api_kind *k, json_t *obj, const struct delete_opts *o, json_t *meta)
{
	const json_t *spec = json_object_get(obj, "spec");
	const char *phase = json_string_value(json_object_get(json_object_get(obj, "status"), "phase"));
	json_t *tg = json_object_get(spec, "terminationGracePeriodSeconds");
	long long grace = o->has_grace ? o->grace : json_is_integer(tg) ? json_integer_value(tg) : 30;

	if (k->group[0] || strcmp(k->resource, "pods"))
		return false;
	const char *node = json_string_value(json_object_get(spec, "nodeName"));
	if (!node || !*node || grace <= 0 || (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))))
		return false;
	json_t *cur = json_object_get(meta, "deletionGracePeriodSeconds");
	if (json_object_get(meta, "deletionTimestamp") && json_is_integer(cur) && json_integer_value(cur) <= grace)
		return true; /* already going, as fast or faster: nothing changes */
	time_t at = time(NULL) + (time_t)grace;
	struct tm tm;
	char ts[40];
	gmtime_r(&at, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(meta, "deletionTimestamp", json_string(ts));
	json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(grace));
	return true;
}

int obj_delete(struct store *s, const struct api_kind *k, const char *ns, const char *name,
	       const struct delete_opts *o, json_t **result, bool *gone, struct atoll_err *err)
{
	_cleanup_free_ char *key = obj_key(k, ns, name);

	for (int attempt = 0; attempt < 16; attempt++) {
		struct store_kv kv = { 0 };
		if (store_get(s, key, &kv, err) < 0) {
			if (err->code == 404)
				err_set(err, 404, "NotFound", "%s \"%s\" not found", k->resource, name);
			return -1;
		}
		json_t *obj = obj_decode(kv.value->data, kv.value->len, kv.mod_rev);
		int64_t rev = kv.mod_rev;
		store_kv_release(&kv);
		if (!obj)
			return err_set(err, 500, "InternalError", "stored object %s is corrupt", key);
		json_t *meta = obj_meta(obj);
		const char *uid = json_string_value(json_object_get(meta, "uid"));
		if (o->uid && strcmp(o->uid, uid ? uid : "")) {
			err_set(err, 409, "Conflict",
				"Precondition failed: UID in precondition: %s, UID in object meta: %s",
				o->uid, uid ? uid : "");
			json_decref(obj);
			return -1;
		}
		if (o->rv && atoll(o->rv) != rev) {
			err_set(err, 409, "Conflict",
				"Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %lld",
				o->rv, (long long)rev);
			json_decref(obj);
			return -1;
		}
		if (o->policy == DELETE_FOREGROUND)
			add_finalizer(meta, "foregroundDeletion");
		else if (o->policy == DELETE_ORPHAN)
			add_finalizer(meta, "orphan");
		bool pending = json_array_size(json_object_get(meta, "finalizers")) > 0;
		bool graceful = pod_graceful(k, obj, o, meta);
		/* A Namespace waits for its contents: spec.finalizers ["kubernetes"]. */
		if (!strcmp(k->resource, "namespaces") && !k->group[0]) {
			if (json_array_size(json_object_get(json_object_get(obj, "spec"), "finalizers")))
				pending = true;
			json_t *st = json_object_get(obj, "status");
			if (!json_is_object(st)) {
				st = json_object();
				json_object_set_new(obj, "status", st);
			}
			json_object_set_new(st, "phase", json_string("Terminating"));
		}
		if (o->dry_run) {
			*result = obj;
			*gone = !pending && !graceful;
			return 0;
		}
		int rc;
		int64_t nrev;
		if (graceful) {
			rc = obj_store_put(s, key, obj, rev, &nrev, err);
			pending = true;
		} else if (pending) {
			if (!json_object_get(meta, "deletionTimestamp")) {
				char now[40];
				obj_now(now, sizeof(now));
				json_object_set_new(meta, "deletionTimestamp", json_string(now));
				json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(0));
			}
			rc = obj_store_put(s, key, obj, rev, &nrev, err);
		} else {
			rc = store_delete(s, key, rev, &nrev, err);
		}
		if (rc == 0) {
			char rv[32];
			snprintf(rv, sizeof(rv), "%lld", (long long)(pending ? nrev : rev));
			json_object_set_new(meta, "resourceVersion", json_string(rv));
			*result = obj;
			*gone = !pending;
			return 0;
		}
		json_decref(obj);
		if (err->code != 409)
			return -1;
		/* Raced with another writer: read again and retry. */
	}
	return err_set(err, 409, "Conflict", "too many concurrent changes to %s \"%s\"", k->resource, name);
}
