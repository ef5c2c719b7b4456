/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Node pod ranges: every Node without spec.podCIDR gets the lowest free /24
 * of the cluster's pod range (spec.podCIDR and spec.podCIDRs), as
 * kube-controller-manager does with --allocate-node-cidrs. A range stays
 * with its node until the node is deleted.
 */
#include <stdio.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/ipam.h"
#include "net/net.h"

static bool dirty = true;

static void tick(struct ctl_loop *l)
{
	struct ctl_list nodes;
	uint32_t base, net;
	int plen, pl;
	bool used[256] = { false };

	if (!dirty)
		return;
	dirty = false;
	if (ctl_list(l->store, "core/nodes/", &nodes) < 0) {
		dirty = true;
		return;
	}
	net_cidr_parse(NET_POD_RANGE, &base, &plen);
	for (size_t i = 0; i < nodes.n; i++) {
		const char *c = obj_str(nodes.v[i].obj, "spec.podCIDR");
		if (c && net_cidr_parse(c, &net, &pl) == 0 && pl == 24 && (net & 0xffff0000u) == base)
			used[(net >> 8) & 0xff] = true;
	}
	for (size_t i = 0; i < nodes.n; i++) {
		json_t *node = nodes.v[i].obj;
		if (obj_str(node, "spec.podCIDR") || ctl_terminating(node))
			continue;
		int k = 0;
		while (k < 256 && used[k])
			k++;
		if (k == 256) {
			log_warn("podcidr", "no free pod range for node %s", obj_name(node));
			break;
		}
		char cidr[24], s[16];
		snprintf(cidr, sizeof(cidr), "%s/24", net_ip_str(base | (uint32_t)k << 8, s));
		json_t *copy = json_deep_copy(node);
		json_t *spec = json_object_get(copy, "spec");
		if (!json_is_object(spec)) {
			spec = json_object();
			json_object_set_new(copy, "spec", spec);
		}
		json_object_set_new(spec, "podCIDR", json_string(cidr));
		json_object_set_new(spec, "podCIDRs", json_pack("[s]", cidr));
		if (ctl_put(l->store, nodes.v[i].key, copy, nodes.v[i].rev) == 0) {
			used[k] = true;
			log_info("podcidr", "node %s: pod range %s", obj_name(node), cidr);
		} else {
			dirty = true; /* raced with another writer: next tick */
		}
		json_decref(copy);
	}
	ctl_list_free(&nodes);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	if (ev->type == STORE_EV_PUT && !memmem(ev->value->data, ev->value->len, "\"podCIDR\"", 9)) {
		dirty = true;
		tick(l);
	}
}

static struct ctl_loop loop = {
	.name = "podcidr",
	.prefix = "core/nodes/",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_podcidr_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
