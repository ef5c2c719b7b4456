/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deployment controller: one ReplicaSet per distinct pod template, named
 * <deployment>-<pod-template-hash>, with the revision annotations kubectl
 * rollout history/undo read; rolling updates bounded by maxSurge and
 * maxUnavailable, or Recreate; old ReplicaSets pruned past
 * revisionHistoryLimit; status and the Available/Progressing conditions
 * kubectl rollout status waits for. Level-triggered like replicaset.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "api/selector.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define REV_ANN "deployment.kubernetes.io/revision"
#define HASH_LABEL "pod-template-hash"

static bool dirty = true;

/* The template without the pod-template-hash label (owned), to compare templates. */
static json_t *bare_template(const json_t *tmpl)
{
	json_t *t = json_deep_copy(tmpl);
	json_t *labels = json_object_get(json_object_get(t, "metadata"), "labels");

	json_object_del(labels, HASH_LABEL);
	/* kubectl rollout undo sends creationTimestamp: null back with the template. */
	json_object_del(json_object_get(t, "metadata"), "creationTimestamp");
	return t;
}

/* The pod-template-hash: the bare template's hash, salted with the collision count. */
static void template_hash(const json_t *tmpl, long long collisions, char *out, size_t n)
{
	json_t *t = bare_template(tmpl);

	if (collisions) {
		json_t *salted = json_pack("[o, I]", t, (json_int_t)collisions);
		ctl_hash(salted, out, n);
		json_decref(salted);
	} else {
		ctl_hash(t, out, n);
		json_decref(t);
	}
}

/* An int-or-percent of total; round up for surge, down for unavailable. */
static long long int_or_percent(const json_t *v, long long total, long long def, bool up)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v)) {
		long long pct = atoll(json_string_value(v));
		return up ? (pct * total + 99) / 100 : pct * total / 100;
	}
	return up ? (def * total + 99) / 100 : def * total / 100;
}

static long long revision_of(const json_t *rs)
{
	/* Not obj_str: the annotation's name has dots in it. */
	const char *r = json_string_value(json_object_get(
		json_object_get(json_object_get(rs, "metadata"), "annotations"), REV_ANN));
	return r ? atoll(r) : 0;
}

static long long kj_int_or(const json_t *o, const char *field, long long def)
{
	json_t *v = json_object_get(json_object_get(o, "spec"), field);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static long long spec_replicas(const json_t *o)
{
	json_t *v = json_object_get(json_object_get(o, "spec"), "replicas");
	return v ? json_integer_value(v) : 1;
}

static long long status_int(const json_t *o, const char *f)
{
	return json_integer_value(json_object_get(json_object_get(o, "status"), f));
}

/* Available pods of a ReplicaSet, bounded by what it is asked to run. */
static long long rs_available(const json_t *rs)
{
	long long a = status_int(rs, "availableReplicas"), s = spec_replicas(rs);
	return a < s ? a : s;
}

static json_t *annotations(json_t *obj)
{
	json_t *meta = obj_meta(obj);
	json_t *a = json_object_get(meta, "annotations");

	if (!json_is_object(a)) {
		a = json_object();
		json_object_set_new(meta, "annotations", a);
	}
	return a;
}

static void set_rs(struct store *s, const json_t *dep, struct ctl_obj *rs, long long replicas,
		   long long revision, long long deploy_replicas, long long max_surge)
{
	long long was = spec_replicas(rs->obj);
	json_t *copy = json_deep_copy(rs->obj);
	json_t *ann = annotations(copy);
	char buf[32];

	json_object_set_new(json_object_get(copy, "spec"), "replicas", json_integer(replicas));
	if (revision) {
		snprintf(buf, sizeof(buf), "%lld", revision);
		json_object_set_new(ann, REV_ANN, json_string(buf));
	}
	snprintf(buf, sizeof(buf), "%lld", deploy_replicas);
	json_object_set_new(ann, "deployment.kubernetes.io/desired-replicas", json_string(buf));
	snprintf(buf, sizeof(buf), "%lld", deploy_replicas + max_surge);
	json_object_set_new(ann, "deployment.kubernetes.io/max-replicas", json_string(buf));
	if (!json_equal(copy, rs->obj)) {
		json_t *gen = json_object_get(json_object_get(copy, "metadata"), "generation");
		if (spec_replicas(copy) != spec_replicas(rs->obj))
			json_object_set_new(json_object_get(copy, "metadata"), "generation",
					    json_integer(json_integer_value(gen) + 1));
		if (ctl_put(s, rs->key, copy, rs->rev) == 0) {
			if (was != replicas)
				ctl_event(s, dep, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s from %lld to %lld",
					  replicas > was ? "up" : "down", obj_name(rs->obj), was, replicas);
			json_decref(rs->obj);
			rs->obj = copy;
			rs->rev = 0; /* stale now: a second write this pass must not win */
			copy = NULL;
		}
		dirty = true;
	}
	json_decref(copy);
}

static int cmp_revision(const void *a, const void *b)
{
	long long ra = revision_of((*(struct ctl_obj *const *)a)->obj);
	long long rb = revision_of((*(struct ctl_obj *const *)b)->obj);

	return ra < rb ? -1 : ra > rb;
}

static void create_rs(struct store *s, const json_t *dep, const char *hash, long long replicas,
		      long long revision)
{
	json_t *spec = json_object_get(dep, "spec");
	json_t *tmpl = json_deep_copy(json_object_get(spec, "template"));
	json_t *tmeta = obj_meta(tmpl);
	json_t *labels = json_object_get(tmeta, "labels");
	json_t *sel = json_deep_copy(json_object_get(spec, "selector"));
	char buf[32];

	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(tmeta, "labels", labels);
	}
	json_object_set_new(labels, HASH_LABEL, json_string(hash));
	if (!json_is_object(sel))
		sel = json_object();
	json_t *ml = json_object_get(sel, "matchLabels");
	if (!json_is_object(ml)) {
		ml = json_object();
		json_object_set_new(sel, "matchLabels", ml);
	}
	json_object_set_new(ml, HASH_LABEL, json_string(hash));
	json_t *rs = json_pack("{s:{s:s++, s:O, s:{}}, s:{s:I, s:o, s:o}}",
			       "metadata", "name", obj_name(dep), "-", hash, "labels", labels,
			       "annotations",
			       "spec", "replicas", (json_int_t)replicas, "selector", sel, "template", tmpl);
	json_t *ann = json_object_get(json_object_get(rs, "metadata"), "annotations");
	snprintf(buf, sizeof(buf), "%lld", revision);
	json_object_set_new(ann, REV_ANN, json_string(buf));
	json_t *mrs = json_object_get(spec, "minReadySeconds");
	if (mrs)
		json_object_set(json_object_get(rs, "spec"), "minReadySeconds", mrs);
	if (ctl_create(s, "apps", "replicasets", obj_namespace(dep), rs, dep) < 0)
		log_warn("deployment", "creating ReplicaSet %s-%s failed", obj_name(dep), hash);
	else
		ctl_event(s, dep, "Normal", "ScalingReplicaSet", "Scaled up replica set %s from 0 to %lld",
			  obj_name(rs), replicas);
	json_decref(rs);
	dirty = true;
}

static void write_status(struct store *s, struct ctl_obj *d, struct ctl_obj **own, size_t nown,
			 struct ctl_obj *newrs, long long max_unavail, long long collisions)
{
	json_t *dep = d->obj;
	long long want = spec_replicas(dep), total = 0, ready = 0, avail = 0, spec_sum = 0;
	long long updated = newrs ? status_int(newrs->obj, "replicas") : 0;

	for (size_t i = 0; i < nown; i++) {
		total += status_int(own[i]->obj, "replicas");
		ready += status_int(own[i]->obj, "readyReplicas");
		avail += status_int(own[i]->obj, "availableReplicas");
		spec_sum += spec_replicas(own[i]->obj);
	}
	json_t *old = json_object_get(dep, "status");
	json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
	json_object_set(st, "observedGeneration", json_object_get(json_object_get(dep, "metadata"), "generation"));
	if (collisions > 0)
		json_object_set_new(st, "collisionCount", json_integer(collisions));
	json_object_set_new(st, "replicas", json_integer(total));
	json_object_set_new(st, "updatedReplicas", json_integer(updated));
	json_object_set_new(st, "readyReplicas", json_integer(ready));
	json_object_set_new(st, "availableReplicas", json_integer(avail));
	long long unavail = spec_sum - avail;
	json_object_set_new(st, "unavailableReplicas", json_integer(unavail > 0 ? unavail : 0));
	/* kubectl prints zero counts as absent; Kubernetes omits them too. */
	const char *zeros[] = { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
				"unavailableReplicas" };
	for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
		if (json_integer_value(json_object_get(st, zeros[i])) == 0)
			json_object_del(st, zeros[i]);
	if (avail >= want - max_unavail)
		ctl_set_condition(st, "Available", "True", "MinimumReplicasAvailable",
				  "Deployment has minimum availability.");
	else
		ctl_set_condition(st, "Available", "False", "MinimumReplicasUnavailable",
				  "Deployment does not have minimum availability.");
	char msg[512];
	const char *rsname = newrs ? obj_name(newrs->obj) : obj_name(dep);
	bool complete = newrs && updated == want && total == want && avail >= want;
	if (json_is_true(json_object_get(json_object_get(dep, "spec"), "paused"))) {
		/* No progress is expected while paused: the deadline does not run. */
		ctl_set_condition(st, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused");
	} else if (complete) {
		snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has successfully progressed.", rsname);
		ctl_set_condition(st, "Progressing", "True", "NewReplicaSetAvailable", msg);
	} else {
		long long deadline = kj_int_or(dep, "progressDeadlineSeconds", 600);
		const char *reason = NULL;
		int64_t last = 0;
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(st, "conditions"), i, c)
			if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", "Progressing")) {
				reason = json_string_value(json_object_get(c, "reason"));
				last = ctl_parse_time(json_string_value(json_object_get(c, "lastUpdateTime")));
			}
		/* Absent counts are zero (json_equal says NULL differs from NULL). */
		bool progressed = !old || status_int(dep, "updatedReplicas") != updated ||
				  status_int(dep, "availableReplicas") != avail ||
				  status_int(dep, "replicas") != total;
		if (reason && !strcmp(reason, "ProgressDeadlineExceeded") && !progressed) {
			/* stays failed until something moves */
		} else if (!progressed && reason && !strcmp(reason, "ReplicaSetUpdated") && last &&
			   ctl_now() - last > deadline) {
			snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has timed out progressing.", rsname);
			ctl_set_condition(st, "Progressing", "False", "ProgressDeadlineExceeded", msg);
		} else {
			snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" is progressing.", rsname);
			ctl_set_condition(st, "Progressing", "True", "ReplicaSetUpdated", msg);
			if (progressed) {
				char now[64];
				obj_now(now, sizeof(now));
				json_array_foreach(json_object_get(st, "conditions"), i, c)
					if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", "Progressing"))
						json_object_set_new(c, "lastUpdateTime", json_string(now));
			}
		}
		dirty = true; /* the deadline needs time to pass: look again next tick */
	}
	ctl_write_status(s, d, st);
	json_decref(st);
}

/* Adopt an orphan ReplicaSet of dep's namespace that dep's selector picks (as Kubernetes does). */
static bool adopt(struct store *s, struct ctl_obj *rs, const json_t *dep, const struct selector *sel)
{
	if (strcmp(obj_namespace(rs->obj) ?: "", obj_namespace(dep) ?: "") || ctl_terminating(rs->obj) ||
	    !selector_matches(sel, json_object_get(json_object_get(rs->obj, "metadata"), "labels")))
		return false;
	json_t *copy = json_deep_copy(rs->obj);
	json_t *meta = obj_meta(copy);
	json_t *refs = json_object_get(meta, "ownerReferences");
	if (!json_is_array(refs)) {
		refs = json_array();
		json_object_set_new(meta, "ownerReferences", refs);
	}
	json_array_append_new(refs, json_pack("{s:s?, s:s?, s:s?, s:s?, s:b, s:b}",
					      "apiVersion", obj_str(dep, "apiVersion"), "kind", obj_str(dep, "kind"),
					      "name", obj_name(dep), "uid", obj_str(dep, "metadata.uid"),
					      "controller", 1, "blockOwnerDeletion", 1));
	if (ctl_put(s, rs->key, copy, rs->rev) < 0) {
		json_decref(copy);
		dirty = true;
		return false;
	}
	json_decref(rs->obj);
	rs->obj = copy;
	rs->rev = 0; /* stale: later writes this pass must re-read */
	dirty = true;
	return true;
}

static void sync_one(struct store *s, struct ctl_obj *d, struct ctl_list *rss)
{
	json_t *dep = d->obj;
	json_t *spec = json_object_get(dep, "spec");
	const char *uid = obj_str(dep, "metadata.uid");
	const char *ns = obj_namespace(dep);
	long long want = spec_replicas(dep);
	struct ctl_obj **own = xcalloc(rss->n + 1, sizeof(*own));
	struct ctl_obj *newrs = NULL;
	size_t nown = 0;
	long long collisions = -1; /* -1: unchanged */
	long long max_old_rev = 0;

	if (!uid || !ns || ctl_terminating(dep)) {
		free(own);
		return;
	}
	json_t *bare = bare_template(json_object_get(spec, "template"));
	struct atoll_err err = ERR_INIT;
	struct selector *sel = selector_from_json(json_object_get(spec, "selector"), &err);
	for (size_t i = 0; i < rss->n; i++) {
		const char *cuid = ctl_controller_uid(rss->v[i].obj);
		if (!cuid && sel && adopt(s, &rss->v[i], dep, sel))
			cuid = uid;
		if (!cuid || strcmp(cuid, uid))
			continue;
		own[nown++] = &rss->v[i];
		json_t *b = bare_template(json_object_get(json_object_get(rss->v[i].obj, "spec"), "template"));
		if (!newrs && json_equal(b, bare))
			newrs = &rss->v[i];
		json_decref(b);
	}
	json_decref(bare);
	selector_free(sel);
	qsort(own, nown, sizeof(*own), cmp_revision);
	for (size_t i = 0; i < nown; i++)
		if (own[i] != newrs && revision_of(own[i]->obj) > max_old_rev)
			max_old_rev = revision_of(own[i]->obj);

	json_t *strategy = json_object_get(spec, "strategy");
	bool recreate = !strcmp(obj_str(strategy, "type") ?: "", "Recreate");
	json_t *ru = json_object_get(strategy, "rollingUpdate");
	long long surge = recreate ? 0 : int_or_percent(json_object_get(ru, "maxSurge"), want, 25, true);
	long long unavail = recreate ? 0 : int_or_percent(json_object_get(ru, "maxUnavailable"), want, 25, false);
	if (!recreate && surge == 0 && unavail == 0)
		unavail = 1;
	long long old_spec = 0, old_pods = 0;
	for (size_t i = 0; i < nown; i++)
		if (own[i] != newrs) {
			old_spec += spec_replicas(own[i]->obj);
			old_pods += status_int(own[i]->obj, "replicas");
		}
	bool paused = json_is_true(json_object_get(spec, "paused"));

	if (!newrs && !paused) {
		char hash[32];
		long long coll = json_integer_value(json_object_get(json_object_get(dep, "status"), "collisionCount"));
		/* A ReplicaSet of that name that is not ours (or has another template): salt the hash. */
		for (int tries = 0; tries < 16; tries++) {
			template_hash(json_object_get(spec, "template"), coll, hash, sizeof(hash));
			_cleanup_free_ char *rsname = xasprintf("%s-%s", obj_name(dep), hash);
			bool taken = false;
			for (size_t i = 0; i < rss->n; i++)
				taken |= !strcmp(obj_name(rss->v[i].obj) ?: "", rsname) &&
					 !strcmp(obj_namespace(rss->v[i].obj) ?: "", ns);
			if (!taken)
				break;
			coll++;
		}
		collisions = coll;
		long long n;
		if (recreate)
			n = old_spec || old_pods ? 0 : want;
		else if (!old_spec)
			n = want;
		else {
			n = want + surge - old_spec;
			n = n < 0 ? 0 : n > want ? want : n;
		}
		create_rs(s, dep, hash, n, max_old_rev + 1);
	} else if (newrs && !paused) {
		long long newrev = revision_of(newrs->obj) > max_old_rev ? 0 : max_old_rev + 1;
		long long cur = spec_replicas(newrs->obj), target = cur;
		if (recreate) {
			for (size_t i = 0; i < nown; i++)
				if (own[i] != newrs && spec_replicas(own[i]->obj) > 0)
					set_rs(s, dep, own[i], 0, 0, want, 0);
			if (!old_pods)
				target = want;
			set_rs(s, dep, newrs, target, newrev, want, 0);
		} else {
			long long all = old_spec + cur;
			if (cur > want)
				target = want;
			else if (cur < want && all < want + surge)
				target = cur + (want + surge - all < want - cur ? want + surge - all : want - cur);
			set_rs(s, dep, newrs, target, newrev, want, surge);
			all = old_spec + target;
			long long min_avail = want - unavail;
			long long new_unavail = target - rs_available(newrs->obj);
			long long down = all - min_avail - (new_unavail > 0 ? new_unavail : 0);
			/* Old pods that are not available go first: they cost no availability. */
			for (size_t i = 0; i < nown && down > 0; i++) {
				if (own[i] == newrs)
					continue;
				long long sp = spec_replicas(own[i]->obj), bad = sp - rs_available(own[i]->obj);
				if (bad > 0) {
					long long dd = bad < down ? bad : down;
					set_rs(s, dep, own[i], sp - dd, 0, want, surge);
					down -= dd;
				}
			}
			long long total_avail = 0;
			for (size_t i = 0; i < nown; i++)
				total_avail += rs_available(own[i]->obj);
			long long can = total_avail - min_avail;
			for (size_t i = 0; i < nown && down > 0 && can > 0; i++) {
				if (own[i] == newrs)
					continue;
				long long sp = spec_replicas(own[i]->obj);
				long long dd = sp < can ? sp : can;
				dd = dd < down ? dd : down;
				if (dd > 0) {
					set_rs(s, dep, own[i], sp - dd, 0, want, surge);
					down -= dd;
					can -= dd;
				}
			}
		}
	}
	/* Revision history: drop the oldest empty ReplicaSets past the limit. */
	long long limit = kj_int_or(dep, "revisionHistoryLimit", 10);
	long long empty = 0;
	for (size_t i = 0; i < nown; i++)
		if (own[i] != newrs && spec_replicas(own[i]->obj) == 0 && status_int(own[i]->obj, "replicas") == 0)
			empty++;
	for (size_t i = 0; i < nown && empty > limit; i++)
		if (own[i] != newrs && spec_replicas(own[i]->obj) == 0 &&
		    status_int(own[i]->obj, "replicas") == 0) {
			ctl_delete(s, "apps", "replicasets", ns, obj_name(own[i]->obj));
			empty--;
		}
	write_status(s, d, own, nown, newrs, unavail, collisions);
	free(own);
}

static void tick(struct ctl_loop *l)
{
	ctl_sync_owners(l->store, &dirty, "apps/deployments/", "apps/replicasets/", sync_one);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	dirty = true; /* the prefix is apps/: deployments and their ReplicaSets */
}

static struct ctl_loop loop = {
	.name = "deployment",
	.prefix = "apps/",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_deployment_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
