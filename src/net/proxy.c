/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's network loop: wait for the node's podCIDR, prepare the node,
 * then resync routes and the proxy table whenever Services, EndpointSlices
 * or Nodes change. Watches only wake the loop; each sync lists everything
 * afresh, so a missed event or a restarted watch cannot leave stale rules.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/client.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/conntrack.h"
#include "net/host.h"
#include "net/ipam.h"
#include "net/net.h"
#include "net/nft.h"
#include "net/proxy.h"

#define RESYNC_SECONDS 30
#define LEASE_GC_AGE 120 /* seconds */

struct netloop {
	struct kclient *kc;
	char *node;
	char *pods_dir;  /* the sandboxes' data dir, where the shims lease addresses */
	time_t last_gc;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool dirty;
	bool retry;    /* the last sync failed: try again soon */
	char cidr[32];
	char *applied; /* the last script nft accepted */
	json_t *nodes; /* node name -> "podCIDR InternalIP" as last seen */
	json_t *hostports; /* pod uid -> hostport_key() of pods with hostPorts */
};

static void wake(struct netloop *l)
{
	pthread_mutex_lock(&l->mu);
	l->dirty = true;
	pthread_cond_signal(&l->cond);
	pthread_mutex_unlock(&l->mu);
}

static int on_event(const char *type, json_t *obj, void *ctx)
{
	if (strcmp(type, "BOOKMARK"))
		wake(ctx);
	return 0;
}

/* InternalIP of a Node object (borrowed) or "". */
static const char *node_ip(const json_t *n)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(json_object_get(n, "status"), "addresses"), i, a)
		if (!strcmp(json_string_value(json_object_get(a, "type")) ?: "", "InternalIP"))
			return json_string_value(json_object_get(a, "address")) ?: "";
	return "";
}

/*
 * Nodes change every heartbeat; routes only care about a node's podCIDR
 * and InternalIP, so only a change of those (or a node coming or going)
 * wakes the loop.
 */
static int on_node_event(const char *type, json_t *obj, void *ctx)
{
	struct netloop *l = ctx;
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	const char *cidr = json_string_value(json_object_get(json_object_get(obj, "spec"), "podCIDR"));
	bool changed;

	if (!name || !strcmp(type, "BOOKMARK"))
		return 0;
	_cleanup_free_ char *key = xasprintf("%s %s", cidr ? cidr : "", node_ip(obj));
	pthread_mutex_lock(&l->mu);
	const char *old = json_string_value(json_object_get(l->nodes, name));
	if (!strcmp(type, "DELETED")) {
		changed = true;
		json_object_del(l->nodes, name);
	} else {
		changed = !old || strcmp(old, key);
		json_object_set_new(l->nodes, name, json_string(key));
	}
	pthread_mutex_unlock(&l->mu);
	if (changed)
		wake(l);
	return 0;
}

/* A pod's hostPorts and IP as "ip proto:host>container ..." (owned), or NULL without hostPorts. */
static char *hostport_key(const json_t *pod)
{
	struct buf b = BUF_INIT;
	size_t i, j;
	json_t *c, *p;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c)
		json_array_foreach(json_object_get(c, "ports"), j, p)
			if (json_integer_value(json_object_get(p, "hostPort")) > 0)
				buf_addf(&b, " %s:%lld>%lld", json_string_value(json_object_get(p, "protocol")) ?: "TCP",
					 (long long)json_integer_value(json_object_get(p, "hostPort")),
					 (long long)json_integer_value(json_object_get(p, "containerPort")));
	if (!b.len)
		return NULL;
	const json_t *st = json_object_get(pod, "status");
	_cleanup_free_ char *ports = buf_detach(&b, NULL);
	return xasprintf("%s %s%s", json_string_value(json_object_get(st, "podIP")) ?: "-",
			 json_string_value(json_object_get(st, "phase")) ?: "-", ports);
}

/* Pods change all the time; only their hostPorts (and IPs) matter here. */
static int on_pod_event(const char *type, json_t *obj, void *ctx)
{
	struct netloop *l = ctx;
	const char *uid = json_string_value(json_object_get(json_object_get(obj, "metadata"), "uid"));
	bool changed;

	if (!uid || !strcmp(type, "BOOKMARK"))
		return 0;
	_cleanup_free_ char *key = strcmp(type, "DELETED") ? hostport_key(obj) : NULL;
	pthread_mutex_lock(&l->mu);
	const char *old = json_string_value(json_object_get(l->hostports, uid));
	changed = key ? !old || strcmp(old, key) : old != NULL;
	if (key)
		json_object_set_new(l->hostports, uid, json_string(key));
	else
		json_object_del(l->hostports, uid);
	pthread_mutex_unlock(&l->mu);
	if (changed)
		wake(l);
	return 0;
}

struct watch {
	struct netloop *l;
	const char *path;
	kclient_event_fn fn;
};

static void *watch_thread(void *arg)
{
	struct watch *w = arg;

	for (;;) {
		struct atoll_err err = ERR_INIT;
		if (kclient_watch(w->l->kc, w->path, w->fn, w->l, &err) < 0)
			sleep(1);
		wake(w->l); /* a new watch may have missed changes: resync */
	}
	return NULL;
}

/* The items of a list (owned), or NULL. */
static json_t *list(struct netloop *l, const char *path)
{
	struct atoll_err err = ERR_INIT;
	json_t *out = NULL;
	int code = kclient_do(l->kc, "GET", path, NULL, NULL, &out, &err);

	if (code != 200) {
		json_decref(out);
		log_warn("net", "listing %s: %s", path, code < 0 ? err.msg : "refused");
		return NULL;
	}
	json_t *items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	return json_is_array(items) ? items : (json_decref(items), NULL);
}

static bool pod_here(const char *uid, void *ctx)
{
	size_t i;
	json_t *p;

	json_array_foreach((json_t *)ctx, i, p)
		if (!strcmp(json_string_value(json_object_get(json_object_get(p, "metadata"), "uid")) ?: "", uid))
			return true;
	return false;
}

static void pod_gone(const char *data_dir, const char *uid, void *ctx)
{
	log_info("net", "releasing the address of pod %s, which is gone", uid);
	net_pod_detach(data_dir, uid);
}

/*
 * Addresses of pods that went without a detach (their shim died with the
 * host, say). Young leases are left: their pod may not be listed yet.
 */
static void gc_leases(struct netloop *l, json_t *pods)
{
	net_ipam_gc(l->pods_dir, LEASE_GC_AGE, pod_here, pod_gone, pods);
}

/* A UDP flow DNATed to an endpoint its service no longer has. */
static bool udp_stale(const struct net_ct_flow *f, void *ctx)
{
	char a[16], key[32], ep[32];

	if (f->rsrc == f->dst && f->rsport == f->dport)
		return false; /* not DNATed */
	snprintf(key, sizeof(key), "%s:%u", net_ip_str(f->dst, a), f->dport);
	json_t *eps = json_object_get(ctx, key);
	if (!eps)
		return false; /* not a service's */
	snprintf(ep, sizeof(ep), "%s:%u", net_ip_str(f->rsrc, a), f->rsport);
	return !json_object_get(eps, ep);
}

static void flush_udp(const json_t *svcs, const json_t *slices)
{
	json_t *targets = net_proxy_udp_targets(svcs, slices);

	if (json_object_size(targets)) {
		int n = net_ct_flush_udp(udp_stale, targets);
		if (n > 0)
			log_debug("net", "%d UDP flows to removed endpoints forgotten", n);
		else if (n < 0)
			log_debug("net", "conntrack: %s", strerror(-n));
	}
	json_decref(targets);
}

static void sync_once(struct netloop *l)
{
	json_t *svcs = list(l, "/api/v1/services");
	json_t *slices = list(l, "/apis/discovery.k8s.io/v1/endpointslices");
	json_t *nodes = list(l, "/api/v1/nodes");
	_cleanup_free_ char *ppath = xasprintf("/api/v1/pods?fieldSelector=spec.nodeName%%3D%s", l->node);
	json_t *pods = list(l, ppath);

	if (nodes)
		net_host_routes(nodes, l->node);
	if (svcs && slices && pods) {
		struct net_proxy_cfg cfg = { NET_POD_RANGE, l->cidr, pods, l->node };
		char *script = net_proxy_render(svcs, slices, &cfg);
		if (!l->applied || strcmp(l->applied, script)) {
			struct atoll_err err = ERR_INIT;
			if (net_nft_run(script, &err) < 0) {
				log_error("net", "service rules: %s", err.msg);
				free(script);
				script = NULL;
				l->retry = true;
			}
			free(l->applied);
			l->applied = script;
			if (script)
				flush_udp(svcs, slices);
		} else {
			free(script);
		}
	} else {
		l->retry = true;
	}
	json_decref(svcs);
	json_decref(slices);
	json_decref(nodes);
	if (pods && time(NULL) - l->last_gc >= RESYNC_SECONDS) {
		l->last_gc = time(NULL);
		gc_leases(l, pods);
	}
	json_decref(pods);
}

/* This node's spec.podCIDR (waits for the podcidr controller). */
static void wait_cidr(struct netloop *l)
{
	_cleanup_free_ char *path = xasprintf("/api/v1/nodes/%s", l->node);

	for (int tries = 0;; tries++) {
		struct atoll_err err = ERR_INIT;
		json_t *n = NULL;
		int code = kclient_do(l->kc, "GET", path, NULL, NULL, &n, &err);
		const char *c = json_string_value(json_object_get(json_object_get(n, "spec"), "podCIDR"));
		if (code == 200 && c) {
			pthread_mutex_lock(&l->mu);
			snprintf(l->cidr, sizeof(l->cidr), "%s", c);
			pthread_mutex_unlock(&l->mu);
			json_decref(n);
			return;
		}
		json_decref(n);
		if (tries % 30 == 29)
			log_warn("net", "node %s has no podCIDR yet", l->node);
		usleep(200 * 1000);
	}
}

static void *main_thread(void *arg)
{
	struct netloop *l = arg;
	static struct watch w[4];
	const char *paths[4] = {
		"/api/v1/services?watch=1&timeoutSeconds=300",
		"/apis/discovery.k8s.io/v1/endpointslices?watch=1&timeoutSeconds=300",
		"/api/v1/nodes?watch=1&timeoutSeconds=300",
		/* lives as long as the process, as the watch does */
		xasprintf("/api/v1/pods?watch=1&timeoutSeconds=300&fieldSelector=spec.nodeName%%3D%s", l->node),
	};
	static const kclient_event_fn fns[4] = { on_event, on_event, on_node_event, on_pod_event };
	pthread_t t;

	wait_cidr(l);
	for (;;) {
		struct atoll_err err = ERR_INIT;
		if (net_host_setup(l->cidr, &err) == 0)
			break;
		log_error("net", "node network: %s; retrying", err.msg);
		sleep(5);
	}
	log_info("net", "node %s: pods on %s in %s", l->node, NET_BRIDGE, l->cidr);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct watch){ l, paths[i], fns[i] };
		pthread_create(&t, NULL, watch_thread, &w[i]);
		pthread_detach(t);
	}
	for (;;) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += l->retry ? 1 : RESYNC_SECONDS;
		l->retry = false;
		pthread_mutex_lock(&l->mu);
		while (!l->dirty && pthread_cond_timedwait(&l->cond, &l->mu, &until) != ETIMEDOUT)
			;
		l->dirty = false;
		pthread_mutex_unlock(&l->mu);
		sync_once(l);
		/* Bursts of changes (a Deployment scaling) make one sync, not hundreds. */
		usleep(100 * 1000);
	}
	return NULL;
}

void net_agent_start(struct kclient *kc, const char *node, const char *run_dir)
{
	struct netloop *l = xcalloc(1, sizeof(*l)); /* lives as long as the process */
	pthread_t t;

	l->kc = kc;
	l->node = xstrdup(node);
	l->pods_dir = xasprintf("%s/agent", run_dir); /* as src/agent/pods.c hands to the shims */
	l->dirty = true;
	l->nodes = json_object();
	l->hostports = json_object();
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cond, NULL);
	pthread_create(&t, NULL, main_thread, l);
	pthread_detach(t);
}
