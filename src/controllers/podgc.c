/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod garbage collection: pods bound to a Node that no longer exists are
 * deleted once the node has been missing for a quarantine period (40 s, as
 * Kubernetes; a node object re-created in time saves them), so their
 * controllers replace them elsewhere. Tests may shorten the quarantine with
 * ATOLL_PODGC_QUARANTINE_SECONDS.
 */
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/log.h"

static int64_t quarantine = 40;
static json_t *orphans; /* pod uid -> first time seen orphaned; only the loop's thread */

static bool node_exists(const struct ctl_list *nodes, const char *name)
{
	for (size_t i = 0; i < nodes->n; i++)
		if (!strcmp(obj_name(nodes->v[i].obj) ?: "", name))
			return true;
	return false;
}

static bool node_event = true;

/* Only a node that comes or goes matters: a status update (every few seconds, and on
   each burst of pod starts) must not cost a parse of every pod. */
static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	if (ev->created || ev->type == STORE_EV_DELETE)
		node_event = true;
}

static void tick(struct ctl_loop *l)
{
	struct ctl_list nodes, pods;
	static int64_t last_scan;

	/* Listing every pod is the cost: do it when nodes change, orphans wait, or every 10 s. */
	if (!node_event && !json_object_size(orphans) && ctl_now() - last_scan < 10)
		return;
	node_event = false;
	last_scan = ctl_now();
	json_t *seen = json_object();

	static const char *const node_fields[] = { "metadata.name" };
	if (ctl_list_skim(l->store, "core/nodes/", node_fields, 1, &nodes) < 0) {
		json_decref(seen);
		return;
	}
	/* The four fields read below: a pod's whole JSON is several kilobytes to parse. */
	static const char *const fields[] = { "spec.nodeName", "metadata.uid", "metadata.name", "metadata.namespace" };
	if (ctl_list_skim(l->store, "core/pods/", fields, 4, &pods) < 0) {
		ctl_list_free(&nodes);
		json_decref(seen);
		return;
	}
	for (size_t i = 0; i < pods.n; i++) {
		json_t *p = pods.v[i].obj;
		const char *node = obj_str(p, "spec.nodeName");
		const char *uid = obj_str(p, "metadata.uid");
		if (!node || !uid || node_exists(&nodes, node))
			continue;
		json_t *since = json_object_get(orphans, uid);
		int64_t t = since ? json_integer_value(since) : ctl_now();
		json_object_set_new(seen, uid, json_integer(t));
		if (ctl_now() - t < quarantine)
			continue;
		log_info("podgc", "deleting pod %s/%s: node %s is gone", obj_namespace(p), obj_name(p), node);
		ctl_delete_now(l->store, "", "pods", obj_namespace(p), obj_name(p)); /* no node will finish it */
	}
	json_decref(orphans);
	orphans = seen; /* pods no longer orphaned drop out */
	ctl_list_free(&pods);
	ctl_list_free(&nodes);
}

static struct ctl_loop loop = {
	.name = "podgc",
	.prefix = "core/nodes/",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_podgc_start(struct store *s)
{
	const char *q = getenv("ATOLL_PODGC_QUARANTINE_SECONDS");

	if (q && atoll(q) >= 0 && *q)
		quarantine = atoll(q);
	orphans = json_object();
	loop.store = s;
	ctl_loop_start(&loop);
}
