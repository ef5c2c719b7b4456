/* SPDX-License-Identifier: Apache-2.0 */
/* Store and object helpers shared by the workload controllers. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "api/delete.h"
#include "api/kinds.h"
#include "api/object.h"
#include "controllers/ctl.h"
#include "lib/log.h"
#include "lib/xalloc.h"

int ctl_list(struct store *s, const char *prefix, struct ctl_list *out)
{
	return ctl_list_cached(s, prefix, NULL, out); /* no cache: every object parsed, and the caller's own */
}

void ctl_list_free(struct ctl_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		json_decref(l->v[i].obj);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *ctl_prefix(const char *group, const char *resource, const char *ns)
{
	if (!ns)
		return xasprintf("%s/%s/", obj_group_key(group), resource);
	return xasprintf("%s/%s/%s/", obj_group_key(group), resource, ns);
}

int ctl_put_keep(struct store *s, const char *key, json_t *obj, int64_t rev, int64_t *nrev, struct blob **stored)
{
	struct atoll_err err = ERR_INIT;
	size_t len;
	int64_t r_;
	char *enc = obj_encode(obj, &len);
	struct blob *b = blob_new(enc, len);
	int r = store_put(s, key, b, rev, nrev ? nrev : &r_, &err);

	free(enc);
	if (stored)
		*stored = r == 0 ? b : NULL;
	if (!stored || r != 0)
		blob_unref(b);
	return r;
}

int ctl_put(struct store *s, const char *key, json_t *obj, int64_t rev)
{
	return ctl_put_keep(s, key, obj, rev, NULL, NULL);
}

static ctl_admit_fn admit;

void ctl_set_admission(ctl_admit_fn fn)
{
	admit = fn;
}

struct put_ctx {
	struct store *s;
	const char *key;
	json_t *obj;
};

static int put_absent(void *arg)
{
	struct put_ctx *c = arg;
	return ctl_put(c->s, c->key, c->obj, STORE_ABSENT);
}

/*
 * Tell the owner why its child could not be made, as Kubernetes' controllers
 * do, but at most every 30 s per owner: controllers retry every second.
 */
static void failed_create(struct store *s, const json_t *owner, const char *why)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static struct { char uid[64]; time_t at; } recent[32];
	const char *uid = obj_str(owner, "metadata.uid");
	time_t now = time(NULL);
	bool emit = true;

	if (!owner || !uid)
		return;
	pthread_mutex_lock(&mu);
	size_t slot = 0;
	for (size_t i = 0; i < sizeof(recent) / sizeof(recent[0]); i++) {
		if (!strcmp(recent[i].uid, uid)) {
			emit = now - recent[i].at >= 30;
			slot = i;
			break;
		}
		if (recent[i].at < recent[slot].at)
			slot = i;
	}
	if (emit) {
		snprintf(recent[slot].uid, sizeof(recent[slot].uid), "%s", uid);
		recent[slot].at = now;
	}
	pthread_mutex_unlock(&mu);
	if (emit)
		ctl_event(s, owner, "Warning", "FailedCreate", "Error creating: %s", why);
}

int ctl_create(struct store *s, const char *group, const char *resource, const char *ns,
	       json_t *obj, const json_t *owner)
{
	const struct api_kind *k = kinds_find_resource(group, resource);
	json_t *meta = obj_meta(obj);
	char buf[64], av[64];

	if (!k)
		return -1;
	obj_api_version(k, av, sizeof(av));
	json_object_set_new(obj, "apiVersion", json_string(av));
	json_object_set_new(obj, "kind", json_string(k->kind));
	if (!json_object_get(meta, "name")) {
		const char *gn = json_string_value(json_object_get(meta, "generateName"));
		char sfx[6];
		ctl_rand_suffix(sfx, 5);
		json_object_set_new(meta, "name", json_sprintf("%s%s", gn ? gn : "", sfx));
	}
	if (ns)
		json_object_set_new(meta, "namespace", json_string(ns));
	obj_uuid(buf, sizeof(buf));
	json_object_set_new(meta, "uid", json_string(buf));
	obj_now(buf, sizeof(buf));
	json_object_set_new(meta, "creationTimestamp", json_string(buf));
	json_object_set_new(meta, "generation", json_integer(1));
	if (owner) {
		json_t *ref = json_pack("{s:s?, s:s?, s:s?, s:s?, s:b, s:b}",
					"apiVersion", obj_str(owner, "apiVersion"),
					"kind", obj_str(owner, "kind"),
					"name", obj_str(owner, "metadata.name"),
					"uid", obj_str(owner, "metadata.uid"),
					"controller", 1, "blockOwnerDeletion", 1);
		json_object_set_new(meta, "ownerReferences", json_pack("[o]", ref));
	}
	if (k->defaults)
		k->defaults(k, obj);
	_cleanup_free_ char *key = obj_key(k, ns, obj_name(obj));
	struct put_ctx pc = { s, key, obj };
	/* Events are not admitted: a refused event would only make another. */
	if (!admit || !ns || !strcmp(resource, "events"))
		return put_absent(&pc);
	char why[1024] = "";
	int rc = admit(s, ns, group, resource, obj, put_absent, &pc, why, sizeof(why));
	if (rc == -2) {
		log_msg(LOG_DEBUG, "controllers", "%s", why);
		failed_create(s, owner, why);
	}
	return rc;
}

static int delete_with(struct store *s, const char *group, const char *resource, const char *ns, const char *name,
		       const struct delete_opts *o);

int ctl_delete(struct store *s, const char *group, const char *resource, const char *ns,
	       const char *name)
{
	struct delete_opts o = { .policy = DELETE_BACKGROUND };

	return delete_with(s, group, resource, ns, name, &o);
}

int ctl_delete_now(struct store *s, const char *group, const char *resource, const char *ns, const char *name)
{
	struct delete_opts o = { .policy = DELETE_BACKGROUND, .has_grace = true, .grace = 0 };

	return delete_with(s, group, resource, ns, name, &o);
}

static int delete_with(struct store *s, const char *group, const char *resource, const char *ns, const char *name,
		       const struct delete_opts *o)
{
	const struct api_kind *k = kinds_find_resource(group, resource);
	struct atoll_err err = ERR_INIT;
	json_t *res = NULL;
	bool gone;

	if (!k || obj_delete(s, k, ns, name, o, &res, &gone, &err) < 0)
		return -1;
	json_decref(res);
	return 0;
}

const char *ctl_controller_uid(const json_t *obj)
{
	size_t i;
	json_t *ref;

	json_array_foreach(json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), i, ref)
		if (json_is_true(json_object_get(ref, "controller")))
			return json_string_value(json_object_get(ref, "uid"));
	return NULL;
}

bool ctl_terminating(const json_t *obj)
{
	return json_object_get(json_object_get(obj, "metadata"), "deletionTimestamp") != NULL;
}

const char *ctl_condition(const json_t *obj, const char *type)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(json_object_get(obj, "status"), "conditions"), i, c) {
		const char *t = json_string_value(json_object_get(c, "type"));
		if (t && !strcmp(t, type))
			return json_string_value(json_object_get(c, "status"));
	}
	return NULL;
}

bool ctl_pod_ready(const json_t *pod)
{
	const char *r = ctl_condition(pod, "Ready");

	return r && !strcmp(r, "True") && !ctl_pod_finished(pod);
}

bool ctl_pod_finished(const json_t *pod)
{
	const char *ph = obj_str(pod, "status.phase");

	return ph && (!strcmp(ph, "Succeeded") || !strcmp(ph, "Failed"));
}

bool ctl_pod_active(const json_t *pod)
{
	return !ctl_pod_finished(pod) && !ctl_terminating(pod);
}

void ctl_set_condition(json_t *status, const char *type, const char *cstatus, const char *reason,
		       const char *message)
{
	json_t *conds = json_object_get(status, "conditions");
	json_t *c = NULL, *it;
	size_t i;
	char now[64];

	obj_now(now, sizeof(now));
	if (!json_is_array(conds)) {
		conds = json_array();
		json_object_set_new(status, "conditions", conds);
	}
	json_array_foreach(conds, i, it) {
		const char *t = json_string_value(json_object_get(it, "type"));
		if (t && !strcmp(t, type))
			c = it;
	}
	if (!c) {
		c = json_object();
		json_object_set_new(c, "type", json_string(type));
		json_array_append_new(conds, c);
	}
	const char *old = json_string_value(json_object_get(c, "status"));
	const char *oldreason = json_string_value(json_object_get(c, "reason"));
	if (!old || strcmp(old, cstatus))
		json_object_set_new(c, "lastTransitionTime", json_string(now));
	/* lastUpdateTime changes with the reason only, so steady state writes nothing. */
	if (!oldreason || !reason || strcmp(oldreason, reason))
		json_object_set_new(c, "lastUpdateTime", json_string(now));
	json_object_set_new(c, "status", json_string(cstatus));
	if (reason)
		json_object_set_new(c, "reason", json_string(reason));
	if (message)
		json_object_set_new(c, "message", json_string(message));
}

void ctl_write_status(struct store *s, const struct ctl_obj *o, json_t *status)
{
	json_t *old = json_object_get(o->obj, "status");

	if (old && json_equal(old, status))
		return;
	json_t *copy = json_deep_copy(o->obj);
	json_object_set(copy, "status", status);
	ctl_put(s, o->key, copy, o->rev);
	json_decref(copy);
}

void ctl_event(struct store *s, const json_t *obj, const char *type, const char *reason,
	       const char *fmt, ...)
{
	char msg[1024], now[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	obj_now(now, sizeof(now));
	const char *ns = obj_namespace(obj);
	json_t *ev = json_pack("{s:{s:s}, s:{s:s?, s:s?, s:s?, s:s?, s:s?}, s:s, s:s, s:s, s:{s:s},"
			       " s:s, s:s, s:i}",
			       "metadata", "generateName", "atoll-",
			       "involvedObject", "apiVersion", obj_str(obj, "apiVersion"),
			       "kind", obj_str(obj, "kind"), "name", obj_name(obj), "namespace", ns,
			       "uid", obj_str(obj, "metadata.uid"),
			       "type", type, "reason", reason, "message", msg,
			       "source", "component", "atoll-controllers",
			       "firstTimestamp", now, "lastTimestamp", now, "count", 1);
	if (!ev)
		return;
	json_object_set_new(json_object_get(ev, "metadata"), "generateName",
			    json_sprintf("%s.", obj_name(obj) ? obj_name(obj) : "obj"));
	ctl_create(s, "", "events", ns ? ns : "default", ev, NULL);
	json_decref(ev);
}

void ctl_rand_suffix(char *out, size_t n)
{
	static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char r[64];

	if (n > sizeof(r))
		n = sizeof(r);
	if (getrandom(r, n, 0) != (ssize_t)n)
		for (size_t i = 0; i < n; i++)
			r[i] = (unsigned char)rand();
	for (size_t i = 0; i < n; i++)
		out[i] = alpha[r[i] % (sizeof(alpha) - 1)];
	out[n] = 0;
}

int64_t ctl_now(void)
{
	return (int64_t)time(NULL);
}

int64_t ctl_parse_time(const char *s)
{
	struct tm tm = { 0 };

	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

json_t *ctl_pod_from_template(const json_t *tmpl)
{
	json_t *pod = json_object();
	json_t *meta = json_object();
	json_t *v;

	if ((v = json_object_get(json_object_get(tmpl, "metadata"), "labels")))
		json_object_set_new(meta, "labels", json_deep_copy(v));
	if ((v = json_object_get(json_object_get(tmpl, "metadata"), "annotations")))
		json_object_set_new(meta, "annotations", json_deep_copy(v));
	json_object_set_new(pod, "metadata", meta);
	v = json_object_get(tmpl, "spec");
	json_object_set_new(pod, "spec", v ? json_deep_copy(v) : json_object());
	return pod;
}

bool ctl_key_has_prefix(const char *key, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (!strncmp(key, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}

void ctl_hash(const json_t *v, char *out, size_t n)
{
	static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	uint32_t h = 2166136261u;
	char dec[16];
	size_t i;

	for (const char *p = s ? s : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	free(s);
	snprintf(dec, sizeof(dec), "%u", h);
	for (i = 0; dec[i] && i + 1 < n; i++)
		out[i] = alpha[(unsigned char)(dec[i] + i) % (sizeof(alpha) - 1)];
	out[i] = 0;
}

void ctl_sync_owners(struct store *s, bool *dirty, const char *owner_prefix, const char *child_prefix,
		     ctl_sync_fn sync)
{
	struct ctl_list owners, children;

	if (dirty && !*dirty)
		return;
	if (dirty)
		*dirty = false;
	if (ctl_list(s, owner_prefix, &owners) < 0) {
		if (dirty)
			*dirty = true;
		return;
	}
	if (!owners.n) {
		ctl_list_free(&owners);
		return;
	}
	if (ctl_list(s, child_prefix, &children) < 0) {
		if (dirty)
			*dirty = true;
		ctl_list_free(&owners);
		return;
	}
	for (size_t i = 0; i < owners.n; i++)
		sync(s, &owners.v[i], &children);
	ctl_list_free(&owners);
	ctl_list_free(&children);
}
