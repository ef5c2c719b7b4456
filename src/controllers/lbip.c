/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LoadBalancer addresses: every Service of type LoadBalancer gets an IP of
 * the pool (atoll server --lb-pool, default NET_LB_POOL) in
 * status.loadBalancer.ingress; the agents' service proxy DNATs it like a
 * ClusterIP. A Service that stops being a LoadBalancer loses the address.
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
static const char *pool = NET_LB_POOL;

void ctl_lbip_pool(const char *cidr)
{
	uint32_t net;
	int plen;

	if (cidr && net_cidr_parse(cidr, &net, &plen) == 0 && plen >= 8 && plen <= 30)
		pool = cidr;
	else
		log_warn("lbip", "--lb-pool %s: not an IPv4 CIDR of /8 to /30; using %s", cidr ? cidr : "", pool);
}

/* The pool address held in svc's status, or NULL (borrowed). */
static const char *held(const json_t *svc, uint32_t net, int plen)
{
	json_t *ing = json_object_get(json_object_get(json_object_get(svc, "status"), "loadBalancer"), "ingress");
	const char *ip = json_string_value(json_object_get(json_array_get(ing, 0), "ip"));
	uint32_t a;
	int pl;
	_cleanup_free_ char *c = ip ? xasprintf("%s/32", ip) : NULL;

	if (!c || net_cidr_parse(c, &a, &pl) < 0 || (a & (0xffffffffu << (32 - plen))) != net)
		return NULL;
	return ip;
}

static bool is_lb(const json_t *svc)
{
	const char *t = obj_str(svc, "spec.type");
	return t && !strcmp(t, "LoadBalancer") && !ctl_terminating(svc);
}

static void set_ingress(struct store *s, const struct ctl_obj *o, const char *ip)
{
	json_t *st = json_object_get(o->obj, "status");
	st = json_is_object(st) ? json_deep_copy(st) : json_object();
	if (ip)
		json_object_set_new(st, "loadBalancer", json_pack("{s:[{s:s,s:s}]}", "ingress", "ip", ip, "ipMode", "VIP"));
	else
		json_object_set_new(st, "loadBalancer", json_object());
	ctl_write_status(s, o, st);
	json_decref(st);
}

static void tick(struct ctl_loop *l)
{
	struct ctl_list svcs;
	uint32_t net;
	int plen;

	if (!dirty)
		return;
	dirty = false;
	if (ctl_list(l->store, "core/services/", &svcs) < 0) {
		dirty = true;
		return;
	}
	net_cidr_parse(pool, &net, &plen);
	uint32_t size = 1u << (32 - plen);
	/* Addresses in use: held LoadBalancer IPs and ClusterIPs that fall in the pool. */
	json_t *used = json_object();
	for (size_t i = 0; i < svcs.n; i++) {
		const char *ip = held(svcs.v[i].obj, net, plen);
		if (ip && is_lb(svcs.v[i].obj))
			json_object_set_new(used, ip, json_true());
		const char *cip = obj_str(svcs.v[i].obj, "spec.clusterIP");
		if (cip)
			json_object_set_new(used, cip, json_true());
	}
	for (size_t i = 0; i < svcs.n; i++) {
		const struct ctl_obj *o = &svcs.v[i];
		const char *ip = held(o->obj, net, plen);
		if (!is_lb(o->obj)) {
			if (ip)
				set_ingress(l->store, o, NULL);
			continue;
		}
		if (ip)
			continue;
		char s[16] = "";
		/* Skip the network, first (gateway-like) and broadcast addresses. */
		for (uint32_t k = 2; k + 1 < size; k++) {
			net_ip_str(net + k, s);
			if (!json_object_get(used, s))
				break;
			s[0] = '\0';
		}
		if (!s[0]) {
			log_warn("lbip", "pool %s is exhausted", pool);
			break;
		}
		json_object_set_new(used, s, json_true());
		set_ingress(l->store, o, s);
		log_info("lbip", "service %s/%s: load balancer IP %s", obj_namespace(o->obj), obj_name(o->obj), s);
	}
	json_decref(used);
	ctl_list_free(&svcs);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	dirty = true;
	tick(l);
}

static struct ctl_loop loop = {
	.name = "lbip",
	.prefix = "core/services/",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_lbip_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
