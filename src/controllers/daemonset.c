/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DaemonSet controller: one pod per eligible Node (nodeSelector, required
 * node affinity, taints against the template's tolerations plus the ones
 * every daemon pod gets), bound with spec.nodeName; pods on nodes that are
 * gone or no longer eligible are deleted; template changes roll out with
 * maxUnavailable (RollingUpdate) or wait for deletions (OnDelete).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "controllers/sched_fit.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define HASH_LABEL "controller-revision-hash"

static bool dirty = true;

/* The tolerations Kubernetes adds to every daemon pod. */
static void add_daemon_tolerations(json_t *spec)
{
	static const struct { const char *key, *effect; } t[] = {
		{ "node.kubernetes.io/not-ready", "NoExecute" },
		{ "node.kubernetes.io/unreachable", "NoExecute" },
		{ "node.kubernetes.io/disk-pressure", "NoSchedule" },
		{ "node.kubernetes.io/memory-pressure", "NoSchedule" },
		{ "node.kubernetes.io/pid-pressure", "NoSchedule" },
		{ "node.kubernetes.io/unschedulable", "NoSchedule" },
	};
	json_t *tols = json_object_get(spec, "tolerations");

	if (!json_is_array(tols)) {
		tols = json_array();
		json_object_set_new(spec, "tolerations", tols);
	}
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *taint = json_pack("{s:s, s:s}", "key", t[i].key, "effect", t[i].effect);
		if (!sched_tolerates(tols, taint))
			json_array_append_new(tols, json_pack("{s:s, s:s, s:s}", "key", t[i].key,
							      "operator", "Exists", "effect", t[i].effect));
		json_decref(taint);
	}
}

static json_t *daemon_pod(const json_t *ds, const char *hash)
{
	json_t *pod = ctl_pod_from_template(json_object_get(json_object_get(ds, "spec"), "template"));
	json_t *meta = json_object_get(pod, "metadata");
	json_t *labels = json_object_get(meta, "labels");

	if (!labels) {
		labels = json_object();
		json_object_set_new(meta, "labels", labels);
	}
	json_object_set_new(labels, HASH_LABEL, json_string(hash));
	json_object_set_new(labels, "pod-template-generation",
			    json_sprintf("%lld", (long long)json_integer_value(
						 json_object_get(json_object_get(ds, "metadata"), "generation"))));
	json_object_set_new(meta, "generateName", json_sprintf("%s-", obj_name(ds)));
	add_daemon_tolerations(json_object_get(pod, "spec"));
	return pod;
}

static bool eligible(const json_t *pod, const json_t *node)
{
	return sched_node_matches(pod, node) && sched_taints_ok(pod, node);
}

static void sync_one(struct store *s, struct ctl_obj *dso, struct ctl_list *nodes, struct ctl_list *pods)
{
	json_t *ds = dso->obj;
	const char *uid = obj_str(ds, "metadata.uid"), *ns = obj_namespace(ds);
	char hash[16];

	if (!uid || !ns || ctl_terminating(ds))
		return;
	ctl_hash(json_object_get(json_object_get(ds, "spec"), "template"), hash, sizeof(hash));
	json_t *proto = daemon_pod(ds, hash);
	json_t *strategy = json_object_get(json_object_get(ds, "spec"), "updateStrategy");
	bool on_delete = !strcmp(obj_str(strategy, "type") ?: "", "OnDelete");
	json_t *mu = json_object_get(json_object_get(strategy, "rollingUpdate"), "maxUnavailable");
	long long desired = 0, current = 0, ready = 0, updated = 0, misscheduled = 0, unavailable = 0;

	/* First pass: counts; pods to delete on ineligible or vanished nodes. */
	json_t **old_ready = xcalloc(pods->n + 1, sizeof(*old_ready));
	size_t nold_ready = 0;
	for (size_t i = 0; i < pods->n; i++) {
		json_t *p = pods->v[i].obj;
		const char *cuid = ctl_controller_uid(p);
		if (!cuid || strcmp(cuid, uid) || !ctl_pod_active(p))
			continue;
		const char *nn = obj_str(p, "spec.nodeName");
		bool ok = false;
		for (size_t j = 0; nn && j < nodes->n; j++)
			if (!strcmp(obj_name(nodes->v[j].obj) ?: "", nn))
				ok = eligible(proto, nodes->v[j].obj);
		if (!ok) {
			misscheduled++;
			ctl_delete(s, "", "pods", ns, obj_name(p));
			dirty = true;
		}
	}
	for (size_t j = 0; j < nodes->n; j++) {
		json_t *node = nodes->v[j].obj;
		if (!eligible(proto, node))
			continue;
		desired++;
		json_t *mine = NULL;
		for (size_t i = 0; i < pods->n; i++) {
			json_t *p = pods->v[i].obj;
			const char *cuid = ctl_controller_uid(p);
			if (!cuid || strcmp(cuid, uid) || ctl_terminating(p) ||
			    strcmp(obj_str(p, "spec.nodeName") ?: "", obj_name(node) ?: ""))
				continue;
			if (ctl_pod_finished(p)) {
				ctl_delete(s, "", "pods", ns, obj_name(p)); /* daemons always run: replace it */
				dirty = true;
				continue;
			}
			if (mine) {
				ctl_delete(s, "", "pods", ns, obj_name(p)); /* one per node */
				dirty = true;
				continue;
			}
			mine = p;
		}
		if (!mine) {
			json_t *pod = json_deep_copy(proto);
			json_object_set_new(json_object_get(pod, "spec"), "nodeName", json_string(obj_name(node)));
			ctl_create(s, "", "pods", ns, pod, ds);
			json_decref(pod);
			unavailable++;
			dirty = true;
			continue;
		}
		current++;
		bool is_ready = ctl_pod_ready(mine);
		ready += is_ready;
		bool fresh = !strcmp(obj_str(mine, "metadata.labels." HASH_LABEL) ?: "", hash);
		updated += fresh;
		if (!is_ready)
			unavailable++;
		if (!fresh && !on_delete) {
			if (!is_ready) {
				ctl_delete(s, "", "pods", ns, obj_name(mine)); /* costs no availability */
				dirty = true;
			} else
				old_ready[nold_ready++] = mine;
		}
	}
	long long max_unavail = json_is_integer(mu) ? json_integer_value(mu) :
				json_is_string(mu) ? (atoll(json_string_value(mu)) * desired) / 100 : 1;
	if (max_unavail < 1)
		max_unavail = 1;
	for (size_t i = 0; i < nold_ready && unavailable < max_unavail; i++) {
		ctl_delete(s, "", "pods", ns, obj_name(old_ready[i]));
		unavailable++;
		dirty = true;
	}
	json_t *old = json_object_get(ds, "status");
	json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
	json_object_set_new(st, "desiredNumberScheduled", json_integer(desired));
	json_object_set_new(st, "currentNumberScheduled", json_integer(current));
	json_object_set_new(st, "numberMisscheduled", json_integer(misscheduled));
	json_object_set_new(st, "numberReady", json_integer(ready));
	json_object_set_new(st, "numberAvailable", json_integer(ready));
	json_object_set_new(st, "numberUnavailable", json_integer(desired - ready));
	json_object_set_new(st, "updatedNumberScheduled", json_integer(updated));
	json_object_set(st, "observedGeneration", json_object_get(json_object_get(ds, "metadata"), "generation"));
	if (!ready)
		json_object_del(st, "numberAvailable");
	if (desired == ready)
		json_object_del(st, "numberUnavailable");
	ctl_write_status(s, dso, st);
	json_decref(st);
	json_decref(proto);
	free(old_ready);
}

static void tick(struct ctl_loop *l)
{
	struct ctl_list dss, nodes, pods;

	if (!dirty)
		return;
	dirty = false;
	if (ctl_list(l->store, "apps/daemonsets/", &dss) < 0) {
		dirty = true;
		return;
	}
	if (!dss.n) {
		ctl_list_free(&dss);
		return;
	}
	ctl_list(l->store, "core/nodes/", &nodes);
	ctl_list(l->store, "core/pods/", &pods);
	for (size_t i = 0; i < dss.n; i++)
		sync_one(l->store, &dss.v[i], &nodes, &pods);
	ctl_list_free(&dss);
	ctl_list_free(&nodes);
	ctl_list_free(&pods);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const pfx[] = { "apps/daemonsets/", "core/pods/", "core/nodes/", NULL };

	if (ctl_key_has_prefix(ev->key, pfx))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "daemonset",
	.prefix = "",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_daemonset_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
