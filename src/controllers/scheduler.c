/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler: binds Pending pods that have no spec.nodeName to a Node
 * that fits (sched_fit.c), preferring the least loaded one. The binding is
 * written straight to the store (spec.nodeName plus condition PodScheduled)
 * since Pod updates through the API may not change the spec. A pod that
 * fits nowhere gets PodScheduled False and a FailedScheduling event, and is
 * retried whenever pods or nodes change.
 *
 * A pass decides every pending pod first (each decision counts the ones
 * before it) and then writes the bindings several at a time: each write
 * waits for its commit, and the store commits concurrent writes together,
 * so a burst of pods is bound in a few commits rather than one each.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "controllers/sched_fit.h"
#include "controllers/sched_volumes.h"
#include "lib/jparse.h"
#include "lib/jskim.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static bool dirty = true;
static bool waiting;            /* the last pass left pods unscheduled */
static struct ctl_cache pods_cache; /* the loop's thread only */
static json_t *bound_keys;          /* store keys of pods seen bound; the loop's thread only */

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

/* A decided binding: the pod as it will be written (owned until the list takes it). */
struct binding {
	struct ctl_obj *p;
	json_t *copy;
	const char *node; /* borrowed from the node object */
	bool ok;
	int64_t rev;         /* of the binding, when ok */
	struct blob *stored; /* the binding as stored, when ok (owned) */
};

#define BIND_WRITERS 8

struct bind_batch {
	struct store *s;
	struct binding *v;
	size_t n;
	atomic_size_t next;
	bool events; /* second round: the events of the bindings that took */
};

/* The pod with spec.nodeName and condition PodScheduled True (returns owned). */
static json_t *bound_copy(const json_t *pod, const char *node)
{
	json_t *copy = json_deep_copy(pod);
	json_t *st = json_object_get(copy, "status");

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
	return copy;
}

static void *bind_writer(void *arg)
{
	struct bind_batch *b = arg;
	size_t i;

	while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
		struct binding *x = &b->v[i];
		if (!b->events)
			x->ok = ctl_put_keep(b->s, x->p->key, x->copy, x->p->rev, &x->rev, &x->stored) == 0;
		else if (x->ok)
			ctl_event(b->s, x->copy, "Normal", "Scheduled", "Successfully assigned %s/%s to %s",
				  obj_namespace(x->copy), obj_name(x->copy), x->node);
	}
	return NULL;
}

/* Run bind_writer over the batch on up to BIND_WRITERS threads (this one included). */
static void run_writers(struct bind_batch *b)
{
	pthread_t t[BIND_WRITERS];
	int nt = 0;

	atomic_store(&b->next, 0);
	for (; b->n > 1 && nt < BIND_WRITERS && (size_t)nt < b->n - 1; nt++)
		if (pthread_create(&t[nt], NULL, bind_writer, b) != 0)
			break;
	bind_writer(b);
	for (int i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
}

/*
 * Write the decided bindings, several at a time, then their Scheduled events
 * (so that no pod's binding waits for another pod's event); a lost race makes
 * the next pass look again.
 */
static void bind_all(struct store *s, struct binding *v, size_t n)
{
	struct bind_batch b = { .s = s, .v = v, .n = n };

	run_writers(&b);
	b.events = true;
	run_writers(&b);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].ok)
			dirty = true;
		/* The cache has the pod as bound: its status updates then reparse only the status. */
		if (v[i].ok && v[i].stored)
			ctl_cache_seed(&pods_cache, v[i].p->key, v[i].rev, v[i].copy, v[i].stored);
		blob_unref(v[i].stored);
		/* The list owns the copy from now on (node_state and bound point at it). */
		json_decref(v[i].p->obj);
		v[i].p->obj = v[i].copy;
	}
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

/* Decide where p goes (into *out, counted on its node); false when it stays unscheduled. */
static bool schedule(struct store *s, struct ctl_obj *p, struct node_state *nodes, size_t nn,
		     struct bound *all, struct binding *out, struct sched_vols *vols)
{
	int counts[SCHED_NREASONS] = { 0 };
	struct node_state *best = NULL;
	double best_load = 0;
	char msg[512];

	/* Claims missing or not bound yet: no node can take the pod for now. */
	if (!sched_volumes_ready(s, vols, p->obj, msg, sizeof(msg))) {
		unschedulable(s, p, msg);
		return false;
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
		const char *node = obj_name(best->node);
		/* The claims first (before bind_all writes the binding): the provisioner makes their volumes there. */
		sched_volumes_select(s, vols, p->obj, node);
		*out = (struct binding){ .p = p, .copy = bound_copy(p->obj, node), .node = node };
		add_pod(best, out->copy);
		bound_add(all, out->copy);
		return true;
	}
	sched_fail_message(counts, (int)nn, msg, sizeof(msg));
	unschedulable(s, p, msg);
	return false;
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
	/* Listed objects are read-only here (bind and unschedulable copy what they change). */
	if (ctl_list_cached(l->store, "core/pods/", &pods_cache, &pods) < 0) {
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
	waiting = false;
	struct binding *binds = xcalloc(pods.n + 1, sizeof(*binds));
	size_t nbinds = 0;
	struct sched_vols vols = { 0 };
	for (size_t i = 0; i < pods.n; i++) {
		if (!wants_us(pods.v[i].obj))
			continue;
		if (schedule(l->store, &pods.v[i], ns, nodes.n, &all, &binds[nbinds], &vols))
			nbinds++;
		else
			waiting = true;
	}
	bind_all(l->store, binds, nbinds);
	free(binds);
	sched_vols_free(&vols);
	for (size_t i = 0; i < nodes.n; i++)
		free(ns[i].pods);
	free(ns);
	free(all.v);
	ctl_list_free(&pods);
	ctl_list_free(&nodes);
}

/*
 * A pass is needed for a node change, a pod that wants scheduling, or any
 * pod change while pods wait (one may have freed room). Status updates of
 * bound pods, most of a burst's events, need none: each would otherwise
 * cost a pass over every pod.
 */
static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const nodes[] = { "core/nodes/", NULL }, *const pods[] = { "core/pods/", NULL };
	static const char *const claims[] = { "core/persistentvolumeclaims/", "core/persistentvolumes/", NULL };

	(void)l;
	if (dirty || ctl_key_has_prefix(ev->key, nodes)) {
		dirty = true;
		return;
	}
	/* A waiting pod's claim may have been made or bound. */
	if (ctl_key_has_prefix(ev->key, claims)) {
		dirty = waiting;
		return;
	}
	if (!ctl_key_has_prefix(ev->key, pods))
		return;
	if (ev->type != STORE_EV_PUT || ev->created)
		json_object_del(bound_keys, ev->key); /* gone, or a new pod under the name */
	if (waiting || ev->type != STORE_EV_PUT || !ev->value) {
		dirty = dirty || waiting;
		return;
	}
	/* A bound pod stays bound (spec.nodeName is never unset): its status updates need no parse. */
	if (json_object_get(bound_keys, ev->key))
		return;
	/* What wants_us looks at: a pod's whole JSON is several kilobytes to parse. */
	static const char *const paths[] = { "spec.schedulerName", "spec.nodeName", "status.phase",
					     "metadata.deletionTimestamp" };
	json_t *pod = jskim(ev->value->data, ev->value->len, paths, 4);
	if (!pod)
		pod = jparse_loadb(ev->value->data, ev->value->len, 0, NULL);
	dirty = !pod || wants_us(pod);
	if (pod && obj_str(pod, "spec.nodeName"))
		json_object_set_new(bound_keys, ev->key, json_true());
	json_decref(pod);
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
	bound_keys = json_object();
	ctl_loop_start(&loop);
}
