/* SPDX-License-Identifier: Apache-2.0 */
/* ResourceQuota and LimitRange admission: usage from the store plus in-flight reservations. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/object.h"
#include "api/quantity.h"
#include "api/server.h"
#include "auth/auth_quota.h"
#include "lib/jparse.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

/* A creation admitted and not yet answered. */
struct reservation {
	struct api_req *r;
	char ns[64];
	json_t *delta; /* "<quota name>/<key>" -> usage in milli-units (integer) */
	struct reservation *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void refresh(struct store *s, const char *ns);
static struct reservation *pending;

static json_t *load_list(struct store *s, const char *prefix)
{
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };
	json_t *out = json_array();

	if (store_list(s, prefix, "", 0, &l, &err) < 0)
		return out;
	for (size_t i = 0; i < l.n; i++) {
		json_t *o = jparse_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		if (o)
			json_array_append_new(out, o);
	}
	store_list_free(&l);
	return out;
}

static int64_t milli_of(const json_t *v)
{
	struct quantity q;
	struct atoll_err err = ERR_INIT;
	int64_t m = 0;

	if (!json_is_string(v) && !json_is_number(v))
		return 0;
	if (quantity_from_json(v, "", &q, &err) < 0 || quantity_milli(&q, &m) < 0)
		return 0;
	return m;
}

/* Sum of one resources.{requests,limits}.NAME over a pod's containers, in milli-units. */
static int64_t pod_sum(const json_t *pod, const char *kind, const char *name)
{
	size_t i;
	json_t *c;
	int64_t sum = 0;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c)
		sum += milli_of(json_object_get(json_object_get(json_object_get(c, "resources"), kind), name));
	return sum;
}

static bool pod_terminal(const json_t *pod)
{
	const char *ph = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
	return ph && (!strcmp(ph, "Succeeded") || !strcmp(ph, "Failed"));
}

/*
 * What obj of resource/group adds to quota key (milli-units; counts are
 * 1000 per object). -1 when the key does not concern this kind.
 */
static int64_t usage_of(const char *key, const char *group, const char *res, const json_t *obj)
{
	char count[200];
	bool pods = !*group && !strcmp(res, "pods"), pvc = !*group && !strcmp(res, "persistentvolumeclaims");

	snprintf(count, sizeof(count), "count/%s%s%s", res, *group ? "." : "", group);
	if (!strcmp(key, count) || (!*group && !strcmp(key, res)))
		return pods && pod_terminal(obj) ? 0 : 1000;
	if (pods) {
		if (pod_terminal(obj))
			return 0;
		if (!strcmp(key, "cpu") || !strcmp(key, "requests.cpu"))
			return pod_sum(obj, "requests", "cpu");
		if (!strcmp(key, "memory") || !strcmp(key, "requests.memory"))
			return pod_sum(obj, "requests", "memory");
		if (!strcmp(key, "limits.cpu"))
			return pod_sum(obj, "limits", "cpu");
		if (!strcmp(key, "limits.memory"))
			return pod_sum(obj, "limits", "memory");
	}
	if (pvc) {
		const json_t *spec = json_object_get(obj, "spec");
		int64_t st = milli_of(json_object_get(json_object_get(json_object_get(spec, "resources"), "requests"),
						     "storage"));
		const char *sc = json_string_value(json_object_get(spec, "storageClassName"));
		const char *dot = strstr(key, ".storageclass.storage.k8s.io/");
		if (!strcmp(key, "requests.storage"))
			return st;
		if (dot && sc && strlen(sc) == (size_t)(dot - key) && !strncmp(key, sc, strlen(sc))) {
			const char *what = dot + strlen(".storageclass.storage.k8s.io/");
			return !strcmp(what, "requests.storage") ? st : !strcmp(what, "persistentvolumeclaims") ? 1000 : -1;
		}
	}
	return -1;
}

static const char *group_key(const char *g)
{
	return *g ? g : "core";
}

/* Usage of quota's key in ns from the store (objects of resource/group that quota covers). */
static int64_t used_in_store(struct store *s, const char *ns, const json_t *quota, const char *key,
			     const char *group, const char *res)
{
	_cleanup_free_ char *prefix = xasprintf("%s/%s/%s/", group_key(group), res, ns);
	json_t *objs = load_list(s, prefix), *o;
	size_t i;
	int64_t sum = 0;

	json_array_foreach(objs, i, o) {
		if (!quota_covers(quota, group, res, o))
			continue;
		int64_t u = usage_of(key, group, res, o);
		sum += u > 0 ? u : 0;
	}
	json_decref(objs);
	return sum;
}

static void fmt_qty(const char *key, int64_t milli, char *out, size_t n)
{
	struct quantity q;
	bool mem = strstr(key, "memory") || strstr(key, "storage");

	quantity_from_milli(milli, mem ? QUANTITY_BINARY_SI : QUANTITY_DECIMAL_SI, &q);
	quantity_format(&q, out, n);
}

/* LimitRange for containers: defaults filled in, then min and max checked. */
static bool limit_ranges(struct store *s, const char *ns, json_t *pod, bool *changed, char *why, size_t n)
{
	_cleanup_free_ char *prefix = xasprintf("core/limitranges/%s/", ns);
	json_t *lrs = load_list(s, prefix), *lr, *item, *c;
	size_t i, j, k;
	bool ok = true;

	json_array_foreach(lrs, i, lr) {
		json_array_foreach(json_object_get(json_object_get(lr, "spec"), "limits"), j, item) {
			const char *type = json_string_value(json_object_get(item, "type"));
			if (!type || strcmp(type, "Container"))
				continue;
			json_t *def = json_object_get(item, "default"), *defreq = json_object_get(item, "defaultRequest");
			json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), k, c) {
				json_t *res = json_object_get(c, "resources");
				if (!json_is_object(res)) {
					res = json_object();
					json_object_set_new(c, "resources", res);
				}
				static const char *const kinds[] = { "limits", "requests" };
				for (int q = 0; q < 2; q++) {
					/* Requests default to defaultRequest, else to the (defaulted) limit. */
					json_t *src = q == 0 ? def : defreq ? defreq : json_object_get(res, "limits");
					json_t *dst = json_object_get(res, kinds[q]);
					const char *key;
					json_t *val;
					json_object_foreach(src, key, val) {
						if (!json_is_object(dst)) {
							dst = json_object();
							json_object_set_new(res, kinds[q], dst);
						}
						if (!json_object_get(dst, key)) {
							json_object_set(dst, key, val);
							*changed = true;
						}
					}
				}
				const char *key;
				json_t *val;
				json_object_foreach(json_object_get(item, "max"), key, val) {
					json_t *lim = json_object_get(json_object_get(res, "limits"), key);
					if (ok && (!lim || milli_of(lim) > milli_of(val))) {
						snprintf(why, n, lim ? "maximum %s usage per Container is %s, but limit is %s"
								     : "maximum %s usage per Container is %s.  No limit is "
								       "specified", key, json_string_value(val),
							 json_string_value(lim));
						ok = false;
					}
				}
				json_object_foreach(json_object_get(item, "min"), key, val) {
					json_t *req = json_object_get(json_object_get(res, "requests"), key);
					if (ok && (!req || milli_of(req) < milli_of(val))) {
						snprintf(why, n, req ? "minimum %s usage per Container is %s, but request is %s"
								     : "minimum %s usage per Container is %s.  No request is "
								       "specified", key, json_string_value(val),
							 json_string_value(req));
						ok = false;
					}
				}
			}
		}
	}
	json_decref(lrs);
	return ok;
}

/*
 * The namespace's annotation atoll.dev/storage-classes (comma-separated)
 * limits the StorageClasses its claims may name; absent, any is allowed.
 */
static bool storage_class_ok(struct store *s, const char *ns, const json_t *pvc, char *msg, size_t n)
{
	const char *sc = json_string_value(json_object_get(json_object_get(pvc, "spec"), "storageClassName"));
	struct atoll_err err = ERR_INIT;
	struct store_kv kv = { 0 };
	_cleanup_free_ char *key = xasprintf("core/namespaces//%s", ns);

	if (!sc || !*sc || store_get(s, key, &kv, &err) < 0)
		return true;
	json_t *o = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	const char *allowed = json_string_value(json_object_get(json_object_get(json_object_get(o, "metadata"),
										  "annotations"), "atoll.dev/storage-classes"));
	bool ok = !allowed;
	for (const char *p = allowed; p && *p && !ok;) {
		size_t len = strcspn(p, ",");
		ok = len == strlen(sc) && !strncmp(p, sc, len);
		p += len + (p[len] == ',');
	}
	if (!ok)
		snprintf(msg, n, "storage class \"%s\" is not allowed in namespace \"%s\" (allowed: %s)", sc, ns,
			 allowed);
	json_decref(o);
	return ok;
}

/*
 * Whether obj fits every quota of ns, counting what is stored plus the
 * pending reservations; adds what it would use to delta. Call under lock.
 */
static bool fits(struct store *s, const char *ns, const char *group, const char *resource, const json_t *obj,
		 json_t *quotas, json_t *delta, char *msg, size_t n)
{
	bool pods = !*group && !strcmp(resource, "pods");
	size_t i;
	json_t *q;

	json_array_foreach(quotas, i, q) {
		const char *key;
		json_t *hardv;
		/* Scoped quotas count only the pods in their scopes. */
		if (!quota_covers(q, group, resource, obj))
			continue;
		json_object_foreach(json_object_get(json_object_get(q, "spec"), "hard"), key, hardv) {
			int64_t add = usage_of(key, group, resource, obj);
			if (add < 0)
				continue;
			/* Reservations are per quota: two quotas may count one key differently. */
			_cleanup_free_ char *dkey = xasprintf("%s/%s", obj_name(q) ? obj_name(q) : "", key);
			/* Pods must state what a compute quota counts. */
			if (pods && add == 0 && strcmp(key, "pods") && strncmp(key, "count/", 6) && !pod_terminal(obj)) {
				snprintf(msg, n, "failed quota: %s: must specify %s", obj_name(q) ? obj_name(q) : "", key);
				return false;
			}
			int64_t used = used_in_store(s, ns, q, key, group, resource);
			for (struct reservation *p = pending; p; p = p->next)
				if (!strcmp(p->ns, ns))
					used += json_integer_value(json_object_get(p->delta, dkey));
			int64_t hard = milli_of(hardv);
			if (used + add > hard) {
				char rq[64], us[64], li[64];
				fmt_qty(key, add, rq, sizeof(rq));
				fmt_qty(key, used, us, sizeof(us));
				fmt_qty(key, hard, li, sizeof(li));
				snprintf(msg, n, "exceeded quota: %s, requested: %s=%s, used: %s=%s, limited: %s=%s",
					 obj_name(q) ? obj_name(q) : "", key, rq, key, us, key, li);
				return false;
			}
			json_object_set_new(delta, dkey, json_integer(add));
		}
	}
	return true;
}

/* LimitRanges and allowed StorageClasses: the checks before quotas. */
static bool pre_checks(struct store *s, const char *ns, const char *group, const char *resource, json_t *obj,
		       bool *changed, char *msg, size_t n)
{
	if (!*group && !strcmp(resource, "pods") && !limit_ranges(s, ns, obj, changed, msg, n))
		return false;
	if (!*group && !strcmp(resource, "persistentvolumeclaims") && !storage_class_ok(s, ns, obj, msg, n))
		return false;
	return true;
}

static void forbidden(const char *group, const char *resource, const json_t *obj, const char *msg, char *why,
		      size_t n)
{
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	snprintf(why, n, "%s%s%s \"%s\" is forbidden: %s", resource, *group ? "." : "", group, name ? name : "",
		 msg);
}

bool quota_admit(struct api_req *r, const struct authz_attrs *a, json_t *obj, bool *changed, char *why, size_t n)
{
	struct store *s = r->srv->store;
	char msg[768];

	*changed = false;
	if (!a->ns || !*a->ns || strlen(a->ns) >= 64)
		return true;
	if (!pre_checks(s, a->ns, a->group, a->resource, obj, changed, msg, sizeof(msg))) {
		forbidden(a->group, a->resource, obj, msg, why, n);
		return false;
	}
	_cleanup_free_ char *prefix = xasprintf("core/resourcequotas/%s/", a->ns);
	pthread_mutex_lock(&lock);
	json_t *quotas = load_list(s, prefix), *delta = json_object();
	bool ok = fits(s, a->ns, a->group, a->resource, obj, quotas, delta, msg, sizeof(msg));
	if (ok && json_array_size(quotas)) {
		struct reservation *res = xcalloc(1, sizeof(*res));
		res->r = r;
		snprintf(res->ns, sizeof(res->ns), "%s", a->ns);
		res->delta = json_incref(delta);
		res->next = pending;
		pending = res;
	}
	pthread_mutex_unlock(&lock);
	json_decref(delta);
	json_decref(quotas);
	if (!ok)
		forbidden(a->group, a->resource, obj, msg, why, n);
	return ok;
}

int quota_create_internal(struct store *s, const char *ns, const char *group, const char *resource, json_t *obj,
			  int (*put)(void *ctx), void *ctx, char *why, size_t n)
{
	char msg[768];
	bool changed = false;

	if (!ns || !*ns || strlen(ns) >= 64)
		return put(ctx);
	if (!pre_checks(s, ns, group, resource, obj, &changed, msg, sizeof(msg))) {
		forbidden(group, resource, obj, msg, why, n);
		return -2;
	}
	_cleanup_free_ char *prefix = xasprintf("core/resourcequotas/%s/", ns);
	pthread_mutex_lock(&lock);
	json_t *quotas = load_list(s, prefix), *delta = json_object();
	int rc = -2;
	/* The write happens under the lock: an admission after it counts the object from the store. */
	if (fits(s, ns, group, resource, obj, quotas, delta, msg, sizeof(msg))) {
		rc = put(ctx);
		if (rc == 0 && json_array_size(quotas))
			refresh(s, ns);
	} else {
		forbidden(group, resource, obj, msg, why, n);
	}
	pthread_mutex_unlock(&lock);
	json_decref(delta);
	json_decref(quotas);
	return rc;
}

/* The resource (and group) a quota key counts; false for keys this server does not track. */
static bool key_kind(const char *key, char *group, char *res, size_t n)
{
	static const char *const pod_keys[] = { "pods", "cpu", "memory", "requests.cpu", "requests.memory",
						 "limits.cpu", "limits.memory", NULL };
	static const char *const counted[] = { "configmaps", "secrets", "services", "replicationcontrollers",
					       "resourcequotas", NULL };

	*group = '\0';
	for (size_t i = 0; pod_keys[i]; i++)
		if (!strcmp(key, pod_keys[i]))
			return snprintf(res, n, "pods"), true;
	if (!strcmp(key, "requests.storage") || !strcmp(key, "persistentvolumeclaims") ||
	    strstr(key, ".storageclass.storage.k8s.io/"))
		return snprintf(res, n, "persistentvolumeclaims"), true;
	for (size_t i = 0; counted[i]; i++)
		if (!strcmp(key, counted[i]))
			return snprintf(res, n, "%s", key), true;
	if (strncmp(key, "count/", 6))
		return false;
	const char *dot = strchr(key + 6, '.');
	snprintf(res, n, "%.*s", dot ? (int)(dot - key - 6) : (int)strlen(key + 6), key + 6);
	snprintf(group, n, "%s", dot ? dot + 1 : "");
	return true;
}

/* status.used recomputed from the store for every quota of ns (under lock). */
static void refresh(struct store *s, const char *ns)
{
	_cleanup_free_ char *prefix = xasprintf("core/resourcequotas/%s/", ns);
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };

	if (store_list(s, prefix, "", 0, &l, &err) < 0)
		return;
	for (size_t i = 0; i < l.n; i++) {
		json_t *q = jparse_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		json_t *hard = json_object_get(json_object_get(q, "spec"), "hard"), *used = json_object();
		const char *key;
		json_t *v;
		json_object_foreach(hard, key, v) {
			char group[128], res[128], buf[64];
			if (!key_kind(key, group, res, sizeof(res))) {
				/* Counted elsewhere (atoll.dev/registry-storage, by the registry): keep its figure. */
				json_t *had = json_object_get(json_object_get(json_object_get(q, "status"), "used"), key);
				if (had)
					json_object_set(used, key, had);
				continue;
			}
			fmt_qty(key, used_in_store(s, ns, q, key, group, res), buf, sizeof(buf));
			json_object_set_new(used, key, json_string(buf));
		}
		json_t *st = json_pack("{s:O,s:o}", "hard", hard ? hard : json_object(), "used", used);
		if (!json_equal(st, json_object_get(q, "status"))) {
			json_object_set(q, "status", st);
			size_t len;
			char *enc = obj_encode(q, &len);
			struct blob *b = blob_new(enc, len);
			int64_t rev;
			free(enc);
			if (store_put(s, l.items[i].key, b, l.items[i].mod_rev, &rev, &err) < 0)
				log_msg(LOG_DEBUG, "quota", "status of %s: %s", l.items[i].key, err.msg);
			blob_unref(b);
		}
		json_decref(st);
		json_decref(q);
	}
	store_list_free(&l);
}

void quota_release(struct api_req *r, int code)
{
	char ns[64] = "";

	/* Reads neither hold reservations nor change usage: no lock on the hot path. */
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
		return;
	pthread_mutex_lock(&lock);
	for (struct reservation **p = &pending; *p; p = &(*p)->next)
		if ((*p)->r == r) {
			struct reservation *dead = *p;
			*p = dead->next;
			snprintf(ns, sizeof(ns), "%s", dead->ns);
			json_decref(dead->delta);
			free(dead);
			break;
		}
	/* Any successful write in a namespace may change what its quotas count. */
	if (!*ns && code < 300 && strcmp(r->method, "GET") && !r->registry) {
		const char *p = strstr(r->url, "/namespaces/");
		if (p) {
			p += strlen("/namespaces/");
			size_t len = strcspn(p, "/?");
			if (len < sizeof(ns) && p[len] == '/')
				snprintf(ns, sizeof(ns), "%.*s", (int)len, p);
		}
	}
	if (*ns && code < 300)
		refresh(r->srv->store, ns);
	pthread_mutex_unlock(&lock);
}
