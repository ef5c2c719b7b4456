/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ReplicaSet controller: keeps spec.replicas active pods (named
 * <rs>-<5 random chars>) from the template, adopts matching orphan pods,
 * and reports replica counts from the pods' status. Level-triggered: any
 * ReplicaSet or Pod event marks the state dirty and the next tick
 * reconciles every ReplicaSet against a fresh listing.
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

static bool dirty = true;

/* Deletion order: unscheduled, then not ready, then newest first. */
static int pod_rank(const json_t *p)
{
	if (!obj_str(p, "spec.nodeName"))
		return 0;
	if (!ctl_pod_ready(p))
		return 1;
	return 2;
}

static int cmp_delete_order(const void *a, const void *b)
{
	const json_t *pa = *(json_t *const *)a, *pb = *(json_t *const *)b;
	int ra = pod_rank(pa), rb = pod_rank(pb);

	if (ra != rb)
		return ra - rb;
	const char *ta = obj_str(pa, "metadata.creationTimestamp");
	const char *tb = obj_str(pb, "metadata.creationTimestamp");
	return -strcmp(ta ? ta : "", tb ? tb : "");
}

static bool pod_available(const json_t *pod, long long min_ready)
{
	if (!ctl_pod_ready(pod))
		return false;
	if (min_ready <= 0)
		return true;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "conditions"), i, c) {
		const char *t = json_string_value(json_object_get(c, "type"));
		if (t && !strcmp(t, "Ready")) {
			int64_t since = ctl_parse_time(json_string_value(json_object_get(c, "lastTransitionTime")));
			if (!since)
				return true;
			if (ctl_now() - since < min_ready) {
				dirty = true; /* re-check on a later tick */
				return false;
			}
		}
	}
	return true;
}

static void adopt(struct store *s, struct ctl_obj *p, const json_t *rs)
{
	json_t *copy = json_deep_copy(p->obj);
	json_t *meta = obj_meta(copy);
	json_t *refs = json_object_get(meta, "ownerReferences");

	if (!json_is_array(refs)) {
		refs = json_array();
		json_object_set_new(meta, "ownerReferences", refs);
	}
	json_array_append_new(refs, json_pack("{s:s?, s:s?, s:s?, s:s?, s:b, s:b}",
					      "apiVersion", obj_str(rs, "apiVersion"),
					      "kind", obj_str(rs, "kind"), "name", obj_name(rs),
					      "uid", obj_str(rs, "metadata.uid"),
					      "controller", 1, "blockOwnerDeletion", 1));
	if (ctl_put(s, p->key, copy, p->rev) == 0) {
		json_decref(p->obj);
		p->obj = copy; /* counted as ours from now on */
		p->rev = 0;
	} else {
		json_decref(copy);
		dirty = true;
	}
}

/* Drop our controller reference from a pod that no longer matches the selector. */
static void release(struct store *s, struct ctl_obj *p, const char *uid)
{
	json_t *copy = json_deep_copy(p->obj);
	json_t *meta = json_object_get(copy, "metadata");
	json_t *refs = json_object_get(meta, "ownerReferences");

	for (size_t i = 0; i < json_array_size(refs); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(refs, i), "uid")) ?: "", uid)) {
			json_array_remove(refs, i);
			break;
		}
	if (!json_array_size(refs))
		json_object_del(meta, "ownerReferences");
	if (ctl_put(s, p->key, copy, p->rev) < 0)
		dirty = true;
	json_decref(copy);
}

static void sync_one(struct store *s, struct ctl_obj *rso, struct ctl_list *pods)
{
	json_t *rs = rso->obj;
	const char *uid = obj_str(rs, "metadata.uid");
	const char *ns = obj_namespace(rs);
	struct atoll_err err = ERR_INIT;
	struct selector *sel = selector_from_json(json_object_get(json_object_get(rs, "spec"), "selector"), &err);
	long long want = json_integer_value(json_object_get(json_object_get(rs, "spec"), "replicas"));
	long long min_ready = json_integer_value(json_object_get(json_object_get(rs, "spec"), "minReadySeconds"));
	json_t **active = xcalloc(pods->n + 1, sizeof(*active));
	size_t nactive = 0;
	long long ready = 0, available = 0, labeled = 0;
	const json_t *tlabels = json_object_get(json_object_get(json_object_get(json_object_get(rs, "spec"), "template"), "metadata"), "labels");

	if (!json_object_get(json_object_get(rs, "spec"), "replicas"))
		want = 1;
	if (!sel || !uid || !ns) {
		selector_free(sel);
		free(active);
		return;
	}
	size_t nsl = strlen(ns);
	for (size_t i = 0; i < pods->n; i++) {
		struct ctl_obj *p = &pods->v[i];
		const char *pns = obj_namespace(p->obj);
		if (!pns || strlen(pns) != nsl || strcmp(pns, ns))
			continue;
		const char *cuid = ctl_controller_uid(p->obj);
		json_t *labels = json_object_get(json_object_get(p->obj, "metadata"), "labels");
		if (!cuid && !ctl_terminating(p->obj) && !ctl_pod_finished(p->obj) && !ctl_terminating(rs) &&
		    selector_matches(sel, labels)) {
			adopt(s, p, rs);
			cuid = uid;
			labels = json_object_get(json_object_get(p->obj, "metadata"), "labels"); /* p->obj was replaced */
		}
		if (!cuid || strcmp(cuid, uid) || !ctl_pod_active(p->obj))
			continue;
		if (!selector_matches(sel, labels)) {
			release(s, p, uid); /* relabelled out of the set: no longer ours */
			continue;
		}
		active[nactive++] = p->obj;
		bool fully = true;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)tlabels, k, v) {
			json_t *pv = json_object_get(labels, k);
			if (!pv || !json_equal(pv, v))
				fully = false;
		}
		labeled += fully;
		ready += ctl_pod_ready(p->obj);
		available += pod_available(p->obj, min_ready);
	}
	selector_free(sel);
	if (!ctl_terminating(rs)) {
		long long diff = want - (long long)nactive;
		if (diff > 0) {
			json_t *tmpl = json_object_get(json_object_get(rs, "spec"), "template");
			for (long long i = 0; i < diff && i < 500; i++) {
				json_t *pod = ctl_pod_from_template(tmpl);
				json_object_set_new(json_object_get(pod, "metadata"), "generateName",
						    json_sprintf("%s-", obj_name(rs)));
				if (ctl_create(s, "", "pods", ns, pod, rs) < 0)
					log_warn("replicaset", "creating a pod for %s/%s failed", ns, obj_name(rs));
				else
					ctl_event(s, rs, "Normal", "SuccessfulCreate", "Created pod: %s", obj_name(pod));
				json_decref(pod);
			}
			dirty = true;
		} else if (diff < 0) {
			qsort(active, nactive, sizeof(*active), cmp_delete_order);
			for (long long i = 0; i < -diff; i++)
				if (ctl_delete(s, "", "pods", ns, obj_name(active[i])) == 0)
					ctl_event(s, rs, "Normal", "SuccessfulDelete", "Deleted pod: %s",
						  obj_name(active[i]));
			dirty = true;
		}
	}
	json_t *st = json_deep_copy(json_object_get(rs, "status"));
	if (!json_is_object(st)) {
		json_decref(st);
		st = json_object();
	}
	json_object_set_new(st, "replicas", json_integer((json_int_t)nactive));
	json_object_set_new(st, "fullyLabeledReplicas", json_integer(labeled));
	json_object_set_new(st, "readyReplicas", json_integer(ready));
	json_object_set_new(st, "availableReplicas", json_integer(available));
	json_object_set(st, "observedGeneration", json_object_get(json_object_get(rs, "metadata"), "generation"));
	ctl_write_status(s, rso, st);
	json_decref(st);
	free(active);
}

static void tick(struct ctl_loop *l)
{
	ctl_sync_owners(l->store, &dirty, "apps/replicasets/", "core/pods/", sync_one);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const pfx[] = { "apps/replicasets/", "core/pods/", NULL };

	if (ctl_key_has_prefix(ev->key, pfx))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "replicaset",
	.prefix = "",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_replicaset_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
