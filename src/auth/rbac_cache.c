/* SPDX-License-Identifier: Apache-2.0 */
/* RBAC state cached from the store, rebuilt when a watch says it changed; the authorizer over it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "api/object.h"
#include "api/selector.h"
#include "auth/rbac_cache.h"
#include "lib/jparse.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

/*
 * An immutable snapshot: readers take a reference and use it without locks
 * (jansson values are only read, never changed, while shared).
 */
#define RBAC_MEMO_SLOTS 1024
#define RBAC_MEMO_LOCKS 16

struct rbac_snap {
	atomic_int refs;
	long gen;         /* the change generation it was built after */
	json_t *croles;   /* name -> effective rules (aggregation applied) */
	json_t *roles;    /* "ns/name" -> rules */
	json_t *crbs;     /* [ClusterRoleBinding] */
	json_t *rbs;      /* ns -> [RoleBinding] */
	/*
	 * "scope\nU:user" or "scope\nG:group" -> [rules arrays] of every binding
	 * naming that subject; scope is the namespace, "" for cluster bindings.
	 * A decision is then a few lookups, however many bindings there are.
	 */
	json_t *index;
	/*
	 * Decisions already taken with these rules, so a user's repeated
	 * requests cost a hash lookup: direct-mapped by a hash of the subject
	 * and the request, under striped locks. Gone with the snapshot.
	 */
	struct decision {
		char *key;  /* owned; NULL: empty slot */
		size_t len;
		bool ok;
	} memo[RBAC_MEMO_SLOTS];
	pthread_mutex_t memo_mu[RBAC_MEMO_LOCKS];
};

static void build_index(struct rbac_snap *s);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t snap_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct rbac_snap *cur;
static struct store_watch *watch;
static atomic_long gen = 1; /* bumped by every change under rbac.authorization.k8s.io/ */
static atomic_bool started;

static void on_change(void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&gen, 1);
}

static void snap_unref(struct rbac_snap *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	json_decref(s->croles);
	json_decref(s->roles);
	json_decref(s->crbs);
	json_decref(s->rbs);
	json_decref(s->index);
	for (size_t i = 0; i < RBAC_MEMO_SLOTS; i++)
		free(s->memo[i].key);
	for (size_t i = 0; i < RBAC_MEMO_LOCKS; i++)
		pthread_mutex_destroy(&s->memo_mu[i]);
	free(s);
}

static void load(struct store *st, const char *res, void (*each)(json_t *obj, void *ctx), void *ctx)
{
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };
	_cleanup_free_ char *prefix = xasprintf(RBAC_GROUP "/%s/", res);

	if (store_list(st, prefix, "", 0, &l, &err) < 0) {
		log_msg(LOG_WARN, "rbac", "listing %s: %s", res, err.msg);
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		json_t *o = jparse_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		if (o)
			each(o, ctx);
		json_decref(o);
	}
	store_list_free(&l);
}

static void add_crole(json_t *o, void *ctx)
{
	json_object_set(ctx, json_string_value(json_object_get(json_object_get(o, "metadata"), "name")), o);
}

static void add_role(json_t *o, void *ctx)
{
	json_t *m = json_object_get(o, "metadata");
	char key[400];

	snprintf(key, sizeof(key), "%s/%s", json_string_value(json_object_get(m, "namespace")),
		 json_string_value(json_object_get(m, "name")));
	json_t *rules = json_object_get(o, "rules");
	json_object_set_new(ctx, key, rules ? json_incref(rules) : json_array());
}

static void add_crb(json_t *o, void *ctx)
{
	json_array_append(ctx, o);
}

static void add_rb(json_t *o, void *ctx)
{
	const char *ns = json_string_value(json_object_get(json_object_get(o, "metadata"), "namespace"));
	json_t *arr = json_object_get(ctx, ns ? ns : "");

	if (!arr) {
		arr = json_array();
		json_object_set_new(ctx, ns ? ns : "", arr);
	}
	json_array_append(arr, o);
}

static void append_unique(json_t *rules, const json_t *more)
{
	size_t i, j;
	json_t *r, *have;

	json_array_foreach(more, i, r) {
		bool dup = false;
		json_array_foreach(rules, j, have)
			if ((dup = json_equal(have, r)))
				break;
		if (!dup)
			json_array_append(rules, r);
	}
}

/*
 * The rules of a ClusterRole with an aggregationRule: as Kubernetes'
 * aggregation controller, the union of the rules of every other
 * ClusterRole a selector matches (the role's own rules are replaced).
 */
static json_t *aggregate(json_t *all, json_t *role)
{
	json_t *rules = json_array();
	json_t *sels = json_object_get(json_object_get(role, "aggregationRule"), "clusterRoleSelectors");
	size_t i;
	json_t *sj;

	json_array_foreach(sels, i, sj) {
		struct atoll_err err = ERR_INIT;
		struct selector *sel = selector_from_json(sj, &err);
		const char *name;
		json_t *other;
		if (!sel)
			continue;
		json_object_foreach(all, name, other) {
			if (other == role || !selector_matches(sel, json_object_get(json_object_get(other, "metadata"), "labels")))
				continue;
			append_unique(rules, json_object_get(other, "rules"));
		}
		selector_free(sel);
	}
	return rules;
}

/* Store the aggregated rules into the ClusterRole, as the controller does (best effort, CAS). */
static void write_back(struct store *st, const char *name, const json_t *rules)
{
	struct atoll_err err = ERR_INIT;
	struct store_kv kv = { 0 };
	_cleanup_free_ char *key = xasprintf(RBAC_GROUP "/clusterroles//%s", name);
	int64_t rev;

	if (store_get(st, key, &kv, &err) < 0)
		return;
	json_t *o = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	if (o && !json_equal(json_object_get(o, "rules"), rules)) {
		size_t len;
		json_object_set(o, "rules", (json_t *)rules);
		char *enc = obj_encode(o, &len);
		struct blob *b = blob_new(enc, len);
		free(enc);
		if (store_put(st, key, b, kv.mod_rev, &rev, &err) < 0)
			log_msg(LOG_DEBUG, "rbac", "aggregating %s: %s", name, err.msg);
		blob_unref(b);
	}
	json_decref(o);
	store_kv_release(&kv);
}

static struct rbac_snap *build(struct store *st)
{
	struct rbac_snap *s = xcalloc(1, sizeof(*s));
	for (size_t i = 0; i < RBAC_MEMO_LOCKS; i++)
		pthread_mutex_init(&s->memo_mu[i], NULL);
	json_t *all = json_object();
	const char *name;
	json_t *role;

	atomic_init(&s->refs, 1);
	s->croles = json_object();
	s->roles = json_object();
	s->crbs = json_array();
	s->rbs = json_object();
	load(st, "clusterroles", add_crole, all);
	load(st, "roles", add_role, s->roles);
	load(st, "clusterrolebindings", add_crb, s->crbs);
	load(st, "rolebindings", add_rb, s->rbs);
	/*
	 * Three passes of aggregation reach roles that aggregate aggregated
	 * roles (admin gathers edit, which gathers view), as the controller's
	 * repeated reconciles do in Kubernetes.
	 */
	for (int pass = 0; pass < 3; pass++) {
		json_t *next = json_object();
		json_object_foreach(all, name, role) {
			json_t *copy = json_copy(role);
			if (json_object_get(role, "aggregationRule"))
				json_object_set_new(copy, "rules", aggregate(all, role));
			json_object_set_new(next, name, copy);
		}
		json_decref(all);
		all = next;
	}
	json_object_foreach(all, name, role) {
		json_t *rules = json_object_get(role, "rules");
		json_object_set_new(s->croles, name, rules ? json_incref(rules) : json_array());
		if (json_object_get(role, "aggregationRule"))
			write_back(st, name, rules);
	}
	json_decref(all);
	return s;
}

void rbac_init(struct store *s)
{
	if (atomic_load(&started))
		return;
	pthread_mutex_lock(&lock);
	if (!atomic_load(&started)) {
		struct atoll_err err = ERR_INIT;
		rbac_defaults_create(s);
		watch = store_watch_open(s, RBAC_GROUP "/", store_revision(s), on_change, NULL, &err);
		if (!watch)
			log_msg(LOG_WARN, "rbac", "watching roles: %s (the cache rebuilds on every request)",
				err.msg);
		atomic_fetch_add(&gen, 1);
		atomic_store(&started, true);
	}
	pthread_mutex_unlock(&lock);
}

/* The current snapshot with a reference, or NULL when it is older than the last change. */
static struct rbac_snap *fresh_ref(long g)
{
	struct rbac_snap *s;

	pthread_rwlock_rdlock(&snap_lock);
	s = cur && cur->gen == g ? cur : NULL;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_rwlock_unlock(&snap_lock);
	return s;
}

static struct rbac_snap *snap_get(struct store *st)
{
	struct rbac_snap *s;

	rbac_init(st);
	if (!watch)
		atomic_fetch_add(&gen, 1); /* no watch: every decision reads the store */
	if ((s = fresh_ref(atomic_load(&gen))))
		return s;
	/* Stale: rebuild once (others wait here, so nobody decides on rules older than its request). */
	pthread_mutex_lock(&lock);
	long g = atomic_load(&gen);
	if (!(s = fresh_ref(g))) {
		/* Drain the events first: the watch notifies again only after it was read. */
		struct store_event ev[64];
		struct atoll_err err = ERR_INIT;
		int n = 64;
		for (int round = 0; watch && n == 64 && round < 100000; round++) {
			n = store_watch_next(watch, ev, 64, &err);
			for (int i = 0; i < n; i++)
				store_event_release(&ev[i]);
			if (n < 0) { /* fell behind: reopen at the current revision */
				store_watch_close(watch);
				watch = store_watch_open(st, RBAC_GROUP "/", store_revision(st), on_change, NULL, &err);
			}
		}
		struct rbac_snap *fresh = build(st), *old;
		build_index(fresh);
		fresh->gen = g;
		atomic_fetch_add(&fresh->refs, 1); /* ours */
		pthread_rwlock_wrlock(&snap_lock);
		old = cur;
		cur = fresh;
		pthread_rwlock_unlock(&snap_lock);
		snap_unref(old);
		s = fresh;
	}
	pthread_mutex_unlock(&lock);
	return s;
}

static const json_t *ref_rules(struct rbac_snap *s, const json_t *ref, const char *ns)
{
	const char *kind = json_string_value(json_object_get(ref, "kind"));
	const char *name = json_string_value(json_object_get(ref, "name"));
	char key[400];

	if (!kind || !name)
		return NULL;
	if (!strcmp(kind, "ClusterRole"))
		return json_object_get(s->croles, name);
	snprintf(key, sizeof(key), "%s/%s", ns, name);
	return json_object_get(s->roles, key);
}

/* Index key of a binding subject ("" when the subject names nobody we know). */
static void subject_key(const json_t *subj, const char *scope, const char *ns, char *out, size_t n)
{
	const char *kind = json_string_value(json_object_get(subj, "kind"));
	const char *name = json_string_value(json_object_get(subj, "name"));
	const char *sns = json_string_value(json_object_get(subj, "namespace"));

	*out = '\0';
	if (!kind || !name)
		return;
	if (!strcmp(kind, "User"))
		snprintf(out, n, "%s\nU:%s", scope, name);
	else if (!strcmp(kind, "Group"))
		snprintf(out, n, "%s\nG:%s", scope, name);
	else if (!strcmp(kind, "ServiceAccount"))
		snprintf(out, n, "%s\nU:system:serviceaccount:%s:%s", scope, sns && *sns ? sns : ns, name);
}

static void index_binding(struct rbac_snap *s, const json_t *b, const char *ns)
{
	const json_t *rules = ref_rules(s, json_object_get(b, "roleRef"), ns);
	size_t i;
	json_t *subj;

	if (!rules)
		return;
	json_array_foreach(json_object_get(b, "subjects"), i, subj) {
		char key[600];
		subject_key(subj, ns, ns, key, sizeof(key));
		if (!*key)
			continue;
		json_t *list = json_object_get(s->index, key);
		if (!list) {
			list = json_array();
			json_object_set_new(s->index, key, list);
		}
		json_array_append(list, (json_t *)rules);
	}
}

static void build_index(struct rbac_snap *s)
{
	const char *ns;
	json_t *arr, *b;
	size_t i;

	s->index = json_object();
	json_array_foreach(s->crbs, i, b)
		index_binding(s, b, "");
	json_object_foreach(s->rbs, ns, arr)
		json_array_foreach(arr, i, b)
			index_binding(s, b, ns);
}

static bool each_list(struct rbac_snap *s, const char *scope, char kind, const char *name,
		      bool (*fn)(const json_t *rules, void *ctx), void *ctx)
{
	char key[600];
	size_t i;
	json_t *rules;

	snprintf(key, sizeof(key), "%s\n%c:%s", scope, kind, name);
	json_array_foreach(json_object_get(s->index, key), i, rules)
		if (fn(rules, ctx))
			return true;
	return false;
}

/* Call fn for the rules of every binding of w (cluster, then ns) until it returns true. */
static bool each_rules(struct rbac_snap *s, const struct rbac_who *w, const char *ns,
		       bool (*fn)(const json_t *rules, void *ctx), void *ctx)
{
	const char *scopes[2] = { "", ns };

	for (int k = 0; k < ((ns && *ns) ? 2 : 1); k++) {
		if (each_list(s, scopes[k], 'U', w->user, fn, ctx))
			return true;
		for (int g = 0; g < w->ngroups; g++)
			if (each_list(s, scopes[k], 'G', w->groups[g], fn, ctx))
				return true;
	}
	return false;
}

static bool allow_fn(const json_t *rules, void *ctx)
{
	return rbac_rules_allow(rules, ctx);
}

/*
 * Everything a decision depends on, NUL-separated, into key; its length
 * (without the final NUL), or 0 when it does not fit (no memo then).
 */
static size_t memo_key(const struct rbac_who *w, const struct authz_attrs *a, char *key, size_t n)
{
	const char *parts[8] = { w->user, a->verb, a->group, a->resource, a->subresource, a->ns, a->name, a->path };
	size_t len = 0;

	for (int i = 0; i < 8 + w->ngroups; i++) {
		const char *p = i < 8 ? parts[i] : w->groups[i - 8];
		size_t l = p ? strlen(p) : 0;
		if (len + l + 2 > n)
			return 0;
		/* A NULL path and an empty one differ: mark which. */
		key[len++] = p ? '+' : '-';
		memcpy(key + len, p ? p : "", l);
		len += l;
		key[len++] = '\0';
	}
	return len - 1;
}

bool rbac_authorize(struct store *st, const struct rbac_who *w, const struct authz_attrs *a)
{
	if (rbac_who_in_group(w, "system:masters")) {
		/* Still rebuild after changes, so aggregated roles are written back soon. */
		long g = atomic_load(&gen);
		struct rbac_snap *s = fresh_ref(g);
		snap_unref(s ? s : snap_get(st));
		return true;
	}
	struct rbac_snap *s = snap_get(st);
	char key[1024];
	size_t klen = memo_key(w, a, key, sizeof(key));
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < klen; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
	struct decision *d = &s->memo[h % RBAC_MEMO_SLOTS];
	pthread_mutex_t *mu = &s->memo_mu[(h / RBAC_MEMO_SLOTS) % RBAC_MEMO_LOCKS];
	int hit = -1;
	if (klen) {
		pthread_mutex_lock(mu);
		if (d->key && d->len == klen && !memcmp(d->key, key, klen))
			hit = d->ok;
		pthread_mutex_unlock(mu);
	}
	bool ok = hit >= 0 ? hit : each_rules(s, w, a->path ? "" : a->ns, allow_fn, (void *)a);
	if (klen && hit < 0) {
		pthread_mutex_lock(mu);
		free(d->key);
		d->key = xmalloc(klen);
		memcpy(d->key, key, klen);
		d->len = klen;
		d->ok = ok;
		pthread_mutex_unlock(mu);
	}
	snap_unref(s);
	return ok;
}

static bool collect_fn(const json_t *rules, void *ctx)
{
	json_array_extend(ctx, (json_t *)rules);
	return false;
}

json_t *rbac_rules_of(struct store *st, const struct rbac_who *w, const char *ns)
{
	json_t *out = json_array();

	if (rbac_who_in_group(w, "system:masters")) {
		json_array_append_new(out, json_pack("{s:[s],s:[s],s:[s]}", "verbs", "*", "apiGroups", "*",
						     "resources", "*"));
		json_array_append_new(out, json_pack("{s:[s],s:[s]}", "verbs", "*", "nonResourceURLs", "*"));
		return out;
	}
	struct rbac_snap *s = snap_get(st);
	each_rules(s, w, ns, collect_fn, out);
	/* Deep copy: the snapshot's values must not gain references from other threads' arrays. */
	json_t *copy = json_deep_copy(out);
	json_decref(out);
	snap_unref(s);
	return copy;
}

json_t *rbac_role_rules(struct store *st, const char *kind, const char *ns, const char *name)
{
	struct rbac_snap *s = snap_get(st);
	json_t *ref = json_pack("{s:s,s:s}", "kind", kind, "name", name);
	const json_t *r = ref_rules(s, ref, ns ? ns : "");
	json_t *out = r ? json_deep_copy(r) : NULL;

	json_decref(ref);
	snap_unref(s);
	return out;
}
