/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Node lifecycle: a Node whose Lease in kube-node-lease (or, without one,
 * whose Ready heartbeat) is older than the grace period gets its
 * conditions set to Unknown and the node.kubernetes.io/unreachable taints;
 * a Node reporting Ready False gets node.kubernetes.io/not-ready. Pods on a
 * node with such a NoExecute taint are evicted (deleted) at once unless
 * they tolerate it, or after their tolerationSeconds. The taints go when
 * the node is heard from again. Nodes never heard from (no Lease, no
 * heartbeat, e.g. created by hand) are left alone.
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

#define GRACE_SECONDS 40
#define UNREACHABLE "node.kubernetes.io/unreachable"
#define NOT_READY "node.kubernetes.io/not-ready"

/* Tests shorten the grace period with ATOLL_NODE_GRACE_SECONDS. */
static int64_t grace_seconds(void)
{
	const char *e = getenv("ATOLL_NODE_GRACE_SECONDS");
	long v = e ? atol(e) : 0;
	return v > 0 ? v : GRACE_SECONDS;
}

static json_t *find_condition(json_t *node, const char *type)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(json_object_get(node, "status"), "conditions"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", type))
			return c;
	return NULL;
}

/* Last time the node's agent was heard from, or 0. */
static int64_t heard(json_t *node, const struct ctl_list *leases)
{
	for (size_t i = 0; i < leases->n; i++)
		if (!strcmp(obj_name(leases->v[i].obj) ?: "", obj_name(node) ?: ""))
			return ctl_parse_time(obj_str(leases->v[i].obj, "spec.renewTime"));
	return ctl_parse_time(json_string_value(json_object_get(find_condition(node, "Ready"), "lastHeartbeatTime")));
}

/* Make the node's lifecycle taints exactly `want` (NULL: none). Returns true if changed. */
static bool set_taints(json_t *node, const char *want)
{
	json_t *spec = json_object_get(node, "spec");
	json_t *taints = json_object_get(spec, "taints");
	json_t *kept = json_array();
	bool had_noexec = false, had_nosched = false, changed = false;
	size_t i;
	json_t *t;
	char now[64];

	json_array_foreach(taints, i, t) {
		const char *k = json_string_value(json_object_get(t, "key")) ?: "";
		const char *e = json_string_value(json_object_get(t, "effect")) ?: "";
		if (strcmp(k, UNREACHABLE) && strcmp(k, NOT_READY)) {
			json_array_append(kept, t);
			continue;
		}
		if (want && !strcmp(k, want)) {
			json_array_append(kept, t);
			had_noexec |= !strcmp(e, "NoExecute");
			had_nosched |= !strcmp(e, "NoSchedule");
			continue;
		}
		changed = true;
	}
	obj_now(now, sizeof(now));
	if (want && !had_nosched) {
		json_array_append_new(kept, json_pack("{s:s, s:s}", "key", want, "effect", "NoSchedule"));
		changed = true;
	}
	if (want && !had_noexec) {
		json_array_append_new(kept, json_pack("{s:s, s:s, s:s}", "key", want, "effect", "NoExecute",
						      "timeAdded", now));
		changed = true;
	}
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(node, "spec", spec);
	}
	if (json_array_size(kept))
		json_object_set_new(spec, "taints", kept);
	else {
		json_decref(kept);
		json_object_del(spec, "taints");
	}
	return changed;
}

static bool mark_unknown(json_t *node)
{
	static const char *const types[] = { "Ready", "MemoryPressure", "DiskPressure", "PIDPressure" };
	bool changed = false;
	char now[64];

	obj_now(now, sizeof(now));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		json_t *c = find_condition(node, types[i]);
		if (!c || !strcmp(json_string_value(json_object_get(c, "status")) ?: "", "Unknown"))
			continue;
		json_object_set_new(c, "status", json_string("Unknown"));
		json_object_set_new(c, "reason", json_string("NodeStatusUnknown"));
		json_object_set_new(c, "message", json_string("Kubelet stopped posting node status."));
		json_object_set_new(c, "lastTransitionTime", json_string(now));
		changed = true;
	}
	return changed;
}

static void evict(struct store *s, json_t *node, const struct ctl_list *pods)
{
	json_t *taints = json_object_get(json_object_get(node, "spec"), "taints");
	size_t i;
	json_t *t;

	json_array_foreach(taints, i, t) {
		if (strcmp(json_string_value(json_object_get(t, "effect")) ?: "", "NoExecute"))
			continue;
		int64_t added = ctl_parse_time(json_string_value(json_object_get(t, "timeAdded")));
		for (size_t j = 0; j < pods->n; j++) {
			json_t *p = pods->v[j].obj;
			if (strcmp(obj_str(p, "spec.nodeName") ?: "", obj_name(node) ?: "") || !ctl_pod_active(p))
				continue;
			/* The longest tolerationSeconds among tolerations that match; -1: forever. */
			long long allow = -2;
			size_t k;
			json_t *tol;
			json_array_foreach(json_object_get(json_object_get(p, "spec"), "tolerations"), k, tol) {
				json_t *one = json_pack("[O]", tol);
				bool ok = sched_tolerates(one, t);
				json_decref(one);
				if (!ok)
					continue;
				json_t *secs = json_object_get(tol, "tolerationSeconds");
				long long v = json_is_integer(secs) ? json_integer_value(secs) : -1;
				if (v < 0 || allow == -1)
					allow = -1;
				else if (v > allow)
					allow = v;
			}
			if (allow == -1 || (allow >= 0 && ctl_now() < added + allow))
				continue;
			ctl_event(s, p, "Normal", "TaintManagerEviction", "Marking for deletion Pod %s/%s",
				  obj_namespace(p), obj_name(p));
			ctl_delete(s, "", "pods", obj_namespace(p), obj_name(p));
		}
	}
}

static void tick(struct ctl_loop *l)
{
	struct ctl_list nodes, leases, pods = { 0 };
	bool any_noexec = false;

	if (ctl_list(l->store, "core/nodes/", &nodes) < 0)
		return;
	ctl_list(l->store, "coordination.k8s.io/leases/kube-node-lease/", &leases);
	for (size_t i = 0; i < nodes.n; i++) {
		json_t *node = json_deep_copy(nodes.v[i].obj);
		int64_t last = heard(node, &leases);
		json_t *ready = find_condition(node, "Ready");
		const char *rs = json_string_value(json_object_get(ready, "status")) ?: "";
		const char *want = NULL;
		bool changed = false;
		if (!last && !ready) {
			json_decref(node);
			continue; /* never heard from */
		}
		if (last && ctl_now() - last > grace_seconds()) {
			want = UNREACHABLE;
			changed |= mark_unknown(node);
		} else if (!strcmp(rs, "False"))
			want = NOT_READY;
		else if (!strcmp(rs, "Unknown") && !last)
			want = UNREACHABLE;
		changed |= set_taints(node, want);
		if (changed) {
			if (want)
				log_info("nodelifecycle", "node %s: %s", obj_name(node), want);
			ctl_put(l->store, nodes.v[i].key, node, nodes.v[i].rev);
		}
		if (want) {
			json_decref(nodes.v[i].obj);
			nodes.v[i].obj = node;
			any_noexec = true;
		} else
			json_decref(node);
	}
	if (any_noexec && ctl_list(l->store, "core/pods/", &pods) == 0) {
		for (size_t i = 0; i < nodes.n; i++)
			evict(l->store, nodes.v[i].obj, &pods);
		ctl_list_free(&pods);
	}
	ctl_list_free(&leases);
	ctl_list_free(&nodes);
}

static struct ctl_loop loop = {
	.name = "nodelifecycle",
	.prefix = "core/nodes/",
	.on_tick = tick,
};

void ctl_nodelifecycle_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
