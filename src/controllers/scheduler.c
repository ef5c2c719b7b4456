/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler: binds Pending pods that have no spec.nodeName to a Node
 * that fits (sched_fit.c), preferring the least loaded one. The binding is
 * written straight to the store (spec.nodeName plus condition PodScheduled)
 * since Pod updates through the API may not change the spec. A pod that
 * fits nowhere gets PodScheduled False and a FailedScheduling event, and is
 * retried whenever pods or nodes change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "controllers/sched_fit.h"
#include "controllers/sched_volumes.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static bool dirty = true;

struct node_state {
	json_t *node;         /* borrowed from the node list */
	struct sched_res used;
	const json_t **pods;  /* bound pods, borrowed */
	size_t npods, cap;
};

static void add_pod(struct node_state *n, const json_t *pod)
{
	struct sched_res r;

	sched_pod_requests(pod, &r);
	n->used.cpu_milli += r.cpu_milli;
	n->used.mem_bytes += r.mem_bytes;
	n->used.pods++;
	if (n->npods == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 8;
		n->pods = xrealloc(n->pods, n->cap * sizeof(*n->pods));
	}
	n->pods[n->npods++] = pod;
}

/* Lower is better: the larger of the cpu and memory fractions in use, then the pod count. */
static double load(const struct node_state *n)
{
	struct sched_res a;
	double c = 0, m = 0;

	sched_node_allocatable(n->node, &a);
	if (a.cpu_milli > 0 && a.cpu_milli != INT64_MAX)
		c = (double)n->used.cpu_milli / (double)a.cpu_milli;
	if (a.mem_bytes > 0 && a.mem_bytes != INT64_MAX)
		m = (double)n->used.mem_bytes / (double)a.mem_bytes;
	return (c > m ? c : m) + (double)n->used.pods / 1e6;
}

static bool wants_us(const json_t *pod)
{
	const char *sn = obj_str(pod, "spec.schedulerName");

	return (!sn || !strcmp(sn, "default-scheduler")) && !obj_str(pod, "spec.nodeName") &&
	       ctl_pod_active(pod);
}

static bool bind(struct store *s, struct ctl_obj *p, struct node_state *n)
{
	json_t *copy = json_deep_copy(p->obj);
	json_t *st = json_object_get(copy, "status");
	const char *node = obj_name(n->node);

	json_object_set_new(json_object_get(copy, "spec"), "nodeName", json_string(node));
	if (!json_is_object(st)) {
		st = json_object();
		json_object_set_new(copy, "status", st);
	}
	ctl_set_condition(st, "PodScheduled", "True", NULL, NULL);
	json_t *c;
	size_t i;
	json_array_foreach(json_object_get(st, "conditions"), i, c) {
		const char *t = json_string_value(json_object_get(c, "type"));
		if (t && !strcmp(t, "PodScheduled")) {
			json_object_del(c, "reason");
			json_object_del(c, "message");
			json_object_del(c, "lastUpdateTime");
		}
	}
	if (!json_object_get(st, "phase"))
		json_object_set_new(st, "phase", json_string("Pending"));
	if (ctl_put(s, p->key, copy, p->rev) == 0) {
		add_pod(n, copy); /* copy lives in the list from now on */
		json_decref(p->obj);
		p->obj = copy;
		ctl_event(s, copy, "Normal", "Scheduled", "Successfully assigned %s/%s to %s",
			  obj_namespace(copy), obj_name(copy), node);
		return true;
	}
	json_decref(copy);
	dirty = true;
	return false;
}

static void unschedulable(struct store *s, struct ctl_obj *p, const char *msg)
{
	json_t *old = json_object_get(p->obj, "status");
	json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
	const char *was = NULL;
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(st, "conditions"), i, c) {
		const char *t = json_string_value(json_object_get(c, "type"));
		if (t && !strcmp(t, "PodScheduled"))
			was = json_string_value(json_object_get(c, "message"));
	}
	bool same = was && !strcmp(was, msg);
	ctl_set_condition(st, "PodScheduled", "False", "Unschedulable", msg);
	json_array_foreach(json_object_get(st, "conditions"), i, c)
		json_object_del(c, "lastUpdateTime"); /* pods' conditions have none */
	if (!json_object_get(st, "phase"))
		json_object_set_new(st, "phase", json_string("Pending"));
	if (!same) {
		ctl_write_status(s, p, st);
		ctl_event(s, p->obj, "Warning", "FailedScheduling", "%s", msg);
	}
	json_decref(st);
}

/* Every pod bound so far (borrowed), for pod affinity across nodes. */
struct bound {
	const json_t **v;
	size_t n, cap;
};

static void bound_add(struct bound *b, const json_t *pod)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n++] = pod;
}

static void schedule(struct store *s, struct ctl_obj *p, struct node_state *nodes, size_t nn,
		     struct bound *all, struct sched_vols *vols)
{
	int counts[SCHED_NREASONS] = { 0 };
	struct node_state *best = NULL;
	double best_load = 0;
	char msg[512];

	/* Claims missing or not bound yet: no node can take the pod for now. */
	if (!sched_volumes_ready(s, vols, p->obj, msg, sizeof(msg))) {
		unschedulable(s, p, msg);
		return;
	}
	for (size_t i = 0; i < nn; i++) {
		enum sched_reason r = sched_fit(p->obj, nodes[i].node, &nodes[i].used, nodes[i].pods,
						nodes[i].npods, all->v, all->n);
		if (r == SCHED_FIT && !sched_volumes_fit(vols, p->obj, nodes[i].node))
			r = SCHED_VOLUME_NODE;
		if (r != SCHED_FIT) {
			counts[r]++;
			continue;
		}
		double l = load(&nodes[i]);
		if (!best || l < best_load) {
			best = &nodes[i];
			best_load = l;
		}
	}
	if (best) {
		/* The claims first: the provisioner makes their volumes on the chosen node. */
		sched_volumes_select(s, vols, p->obj, obj_name(best->node));
		if (bind(s, p, best))
			bound_add(all, p->obj);
		return;
	}
	sched_fail_message(counts, (int)nn, msg, sizeof(msg));
	unschedulable(s, p, msg);
}

static void tick(struct ctl_loop *l)
{
	struct ctl_list nodes, pods;

	if (!dirty)
		return;
	dirty = false;
	if (ctl_list(l->store, "core/nodes/", &nodes) < 0) {
		dirty = true;
		return;
	}
	if (ctl_list(l->store, "core/pods/", &pods) < 0) {
		ctl_list_free(&nodes);
		dirty = true;
		return;
	}
	struct node_state *ns = xcalloc(nodes.n + 1, sizeof(*ns));
	struct bound all = { 0 };
	for (size_t i = 0; i < nodes.n; i++)
		ns[i].node = nodes.v[i].obj;
	for (size_t i = 0; i < pods.n; i++) {
		const char *nn = obj_str(pods.v[i].obj, "spec.nodeName");
		if (!nn || ctl_pod_finished(pods.v[i].obj))
			continue;
		for (size_t j = 0; j < nodes.n; j++)
			if (!strcmp(obj_name(ns[j].node) ?: "", nn))
				add_pod(&ns[j], pods.v[i].obj);
		bound_add(&all, pods.v[i].obj);
	}
	struct sched_vols vols = { 0 };
	for (size_t i = 0; i < pods.n; i++)
		if (wants_us(pods.v[i].obj))
			schedule(l->store, &pods.v[i], ns, nodes.n, &all, &vols);
	sched_vols_free(&vols);
	for (size_t i = 0; i < nodes.n; i++)
		free(ns[i].pods);
	free(ns);
	free(all.v);
	ctl_list_free(&pods);
	ctl_list_free(&nodes);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	/* Claims and volumes too: a pod may wait for its claim's binding. */
	static const char *const pfx[] = { "core/pods/", "core/nodes/", "core/persistentvolumeclaims/",
					   "core/persistentvolumes/", NULL };

	if (ctl_key_has_prefix(ev->key, pfx))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "scheduler",
	.prefix = "core/",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_scheduler_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
