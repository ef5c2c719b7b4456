/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's NetworkPolicy loop: caches Pods, Namespaces and
 * NetworkPolicies, compiles the node's ruleset when they change and applies
 * it once the pod bridge exists (so a node without a pod network, or a test
 * server, never touches the host's nftables).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/client.h"
#include "agent/kcache.h"
#include "agent/netsvc.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/net.h"
#include "net/nft.h"
#include "net/policy.h"

struct netpol {
	char *node;
	struct kcache *pods, *nss, *pols, *slices;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool dirty;
	char *applied; /* the ruleset in force, NULL before the first */
};

static void changed(void *ctx)
{
	struct netpol *l = ctx;

	pthread_mutex_lock(&l->mu);
	l->dirty = true;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* Pod-to-pod traffic on one bridge is switched, not routed: br_netfilter shows it to the forward hook. */
static void bridge_nf_on(void)
{
	const char *path = "/proc/sys/net/bridge/bridge-nf-call-iptables";
	char v[8] = "";
	FILE *f = fopen(path, "re");

	if (f) {
		if (!fgets(v, sizeof(v), f))
			v[0] = '\0';
		fclose(f);
	}
	if (v[0] == '1')
		return;
	f = fopen(path, "we");
	if (!f || fputs("1\n", f) < 0)
		log_warn("netpol", "cannot enable %s: policies will miss traffic between pods of this node", path);
	else
		log_info("netpol", "enabled %s", path);
	if (f)
		fclose(f);
}

/*
 * Every node's DNS serves on its bridge address; to policies each is a
 * host-network pod of kube-system labelled k8s-app=kube-dns, as CoreDNS pods
 * are elsewhere, so the usual "allow DNS to kube-dns" egress rules work.
 */
static json_t *node_dns_pod(const char *ip)
{
	return json_pack("{s:{s:s,s:s,s:{s:s}},s:{s:b,s:[{s:s,s:[{s:s,s:i,s:s},{s:s,s:i,s:s}]}]},s:{s:s,s:s}}",
			 "metadata", "name", "node-dns", "namespace", "kube-system", "labels", "k8s-app", "kube-dns",
			 "spec", "hostNetwork", 1, "containers", "name", "dns", "ports", "name", "dns", "containerPort",
			 53, "protocol", "UDP", "name", "dns-tcp", "containerPort", 53, "protocol", "TCP", "status",
			 "podIP", ip, "phase", "Running");
}

/* Compile and apply; false when it must be tried again (no bridge yet, nft refused). */
static bool sync_once(struct netpol *l)
{
	char gw[INET_ADDRSTRLEN];

	if (!net_bridge_ip(gw, sizeof(gw)))
		return false; /* no pod network here (yet) */
	/* No policy and none applied: nothing to compile (most pod changes of a cluster without policies). */
	json_t *pols = kcache_items(l->pols);
	size_t npols = json_array_size(pols);
	json_decref(pols);
	if (!npols && !l->applied)
		return true;
	json_t *pods = kcache_items(l->pods), *slices = kcache_items(l->slices), *sl, *ep, *a;
	size_t i, j, k;
	json_array_append_new(pods, node_dns_pod(gw));
	/* Other nodes' DNS, as they published it (agent/dns.c): the kube-dns Service may send queries there. */
	json_array_foreach(slices, i, sl) {
		const json_t *md = json_object_get(sl, "metadata"), *lb = json_object_get(md, "labels");
		const char *ns = json_string_value(json_object_get(md, "namespace"));
		const char *svc = json_string_value(json_object_get(lb, "kubernetes.io/service-name"));
		const char *by = json_string_value(json_object_get(lb, "endpointslice.kubernetes.io/managed-by"));
		if (!ns || !svc || !by || strcmp(ns, "kube-system") || strcmp(svc, "kube-dns") || strcmp(by, "atoll-agent"))
			continue;
		json_array_foreach(json_object_get(sl, "endpoints"), j, ep)
			json_array_foreach(json_object_get(ep, "addresses"), k, a)
				if (json_is_string(a) && strcmp(json_string_value(a), gw))
					json_array_append_new(pods, node_dns_pod(json_string_value(a)));
	}
	json_decref(slices);
	json_t *in = json_pack("{s:s,s:o,s:o,s:o}", "node", l->node, "pods", pods, "namespaces",
			       kcache_items(l->nss), "networkPolicies", kcache_items(l->pols));
	struct atoll_err err = ERR_INIT;
	char *rules = policy_compile(in, &err);
	size_t npol = json_array_size(json_object_get(in, "networkPolicies"));
	json_decref(in);
	if (!rules) {
		log_error("netpol", "%s", err.msg);
		return true;
	}
	if ((l->applied && !strcmp(rules, l->applied)) || (!l->applied && !npol)) {
		free(rules);
		return true;
	}
	bridge_nf_on();
	if (net_nft_run(rules, &err) < 0) {
		log_error("netpol", "applying the ruleset: %s", err.msg);
		free(rules);
		return false;
	}
	log_info("netpol", "ruleset applied (%zu policies)", npol);
	free(l->applied);
	l->applied = rules;
	return true;
}

static void *run(void *arg)
{
	struct netpol *l = arg;
	bool retry = false;

	for (;;) {
		pthread_mutex_lock(&l->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 2;
		if (!l->dirty)
			pthread_cond_timedwait(&l->cv, &l->mu, &ts);
		bool go = (l->dirty || retry) && kcache_synced(l->pods) && kcache_synced(l->nss) &&
			  kcache_synced(l->pols) && kcache_synced(l->slices);
		if (go)
			l->dirty = false;
		pthread_mutex_unlock(&l->mu);
		if (go)
			retry = !sync_once(l);
	}
	return NULL;
}

void agent_netpol_start(struct kclient *kc, const char *node)
{
	struct netpol *l = xcalloc(1, sizeof(*l)); /* lives as long as the process */
	pthread_t t;

	l->node = xstrdup(node);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	l->pods = kcache_start(kc, "/api/v1/pods", changed, l);
	l->nss = kcache_start(kc, "/api/v1/namespaces", changed, l);
	l->pols = kcache_start(kc, "/apis/networking.k8s.io/v1/networkpolicies", changed, l);
	l->slices = kcache_start(kc, "/apis/discovery.k8s.io/v1/endpointslices", changed, l);
	pthread_create(&t, NULL, run, l);
	pthread_detach(t);
}
