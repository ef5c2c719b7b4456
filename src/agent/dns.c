/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's DNS loop: caches Services, EndpointSlices and Pods, rebuilds
 * the zone when they change, listens on the pod bridge's address once it
 * exists and publishes that address as an endpoint of kube-system/kube-dns.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "agent/client.h"
#include "agent/kcache.h"
#include "agent/netsvc.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/dns.h"
#include "net/net.h"

struct dnsloop {
	struct kclient *kc;
	char *node;
	struct dns_server *srv;
	struct kcache *svcs, *slices, *pods;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool dirty;
	char gw[INET_ADDRSTRLEN]; /* the bridge address we serve on, "" until then */
};

static void changed(void *ctx)
{
	struct dnsloop *l = ctx;

	pthread_mutex_lock(&l->mu);
	l->dirty = true;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/*
 * This node's DNS as an endpoint of the kube-dns Service, so the Service
 * proxy sends 10.96.0.10 here. The Node owns the slice: the garbage collector
 * takes it away with the Node, and no query goes to a node that left.
 */
static int publish(struct dnsloop *l)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *name = xasprintf("kube-dns-%s", l->node);
	_cleanup_free_ char *npath = xasprintf("/api/v1/nodes/%s", l->node);
	json_t *node = NULL;
	int code = kclient_do(l->kc, "GET", npath, NULL, NULL, &node, &err);
	const char *uid = json_string_value(json_object_get(json_object_get(node, "metadata"), "uid"));
	if (code != 200 || !uid) {
		json_decref(node);
		return -1; /* not (again) registered yet */
	}
	_cleanup_free_ char *path = xasprintf("/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/%s"
					      "?fieldManager=atoll-agent&force=true", name);
	json_t *slice = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s,s:s}},s:s,s:[{s:[s],s:{s:b},s:s}],"
				  "s:[{s:s,s:i,s:s},{s:s,s:i,s:s}]}",
				  "apiVersion", "discovery.k8s.io/v1", "kind", "EndpointSlice", "metadata", "name",
				  name, "namespace", "kube-system", "labels", "kubernetes.io/service-name", "kube-dns",
				  "endpointslice.kubernetes.io/managed-by", "atoll-agent", "addressType", "IPv4",
				  "endpoints", "addresses", l->gw, "conditions", "ready", 1, "nodeName", l->node,
				  "ports", "name", "dns", "port", 53, "protocol", "UDP", "name", "dns-tcp", "port", 53,
				  "protocol", "TCP");
	json_object_set_new(json_object_get(slice, "metadata"), "ownerReferences",
			    json_pack("[{s:s,s:s,s:s,s:s}]", "apiVersion", "v1", "kind", "Node", "name", l->node,
				      "uid", uid));
	json_decref(node);
	code = kclient_do(l->kc, "PATCH", path, "application/apply-patch+yaml", slice, NULL, &err);
	json_decref(slice);
	if (code < 200 || code >= 300) {
		log_warn("dns", "publishing %s: %s", name, code < 0 ? err.msg : "refused");
		return -1;
	}
	return 0;
}

/* Whether our slice is in the cache (someone may have deleted it, or the GC with our Node). */
static bool slice_there(struct dnsloop *l, const json_t *slices)
{
	_cleanup_free_ char *name = xasprintf("kube-dns-%s", l->node);
	const json_t *sl;
	size_t i;

	json_array_foreach(slices, i, sl) {
		const json_t *md = json_object_get(sl, "metadata");
		const char *ns = json_string_value(json_object_get(md, "namespace"));
		const char *n = json_string_value(json_object_get(md, "name"));
		if (ns && n && !strcmp(ns, "kube-system") && !strcmp(n, name))
			return true;
	}
	return false;
}

static void *run(void *arg)
{
	struct dnsloop *l = arg;
	bool published = false;
	time_t next_listen = 0; /* after a failed bind (port 53 taken), try again later, quietly */
	int tries = 0;

	for (;;) {
		pthread_mutex_lock(&l->mu);
		if (!l->dirty) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 2;
			pthread_cond_timedwait(&l->cv, &l->mu, &ts);
		}
		bool rebuild = l->dirty && kcache_synced(l->svcs) && kcache_synced(l->slices) &&
			       kcache_synced(l->pods);
		pthread_mutex_unlock(&l->mu);
		if (rebuild) {
			/*
			 * A burst of pod and service changes is one rebuild, not one
			 * each: the zone is built from every object (50 ms later at most).
			 */
			usleep(50 * 1000);
			pthread_mutex_lock(&l->mu);
			l->dirty = false;
			pthread_mutex_unlock(&l->mu);
			json_t *s = kcache_items(l->svcs), *e = kcache_items(l->slices), *p = kcache_items(l->pods);
			dns_server_set_zone(l->srv, dns_zone_build(NET_DOMAIN, s, e, p));
			if (published && !slice_there(l, e))
				published = false;
			json_decref(s);
			json_decref(e);
			json_decref(p);
		}
		char gw[INET_ADDRSTRLEN];
		if (!l->gw[0] && time(NULL) >= next_listen && net_bridge_ip(gw, sizeof(gw))) {
			struct atoll_err err = ERR_INIT;
			_cleanup_free_ char *addr = xasprintf("%s:53", gw);
			if (dns_server_listen(l->srv, addr, NULL, &err) == 0) {
				snprintf(l->gw, sizeof(l->gw), "%s", gw);
			} else {
				if (tries++ % 10 == 0)
					log_warn("dns", "%s; trying again every 30 s", err.msg);
				next_listen = time(NULL) + 30;
			}
		}
		if (l->gw[0] && !published)
			published = publish(l) == 0;
	}
	return NULL;
}

void agent_dns_start(struct kclient *kc, const char *node, const char *const *listen, size_t n)
{
	struct dnsloop *l = xcalloc(1, sizeof(*l)); /* lives as long as the process */
	pthread_t t;

	l->kc = kc;
	l->node = xstrdup(node);
	l->srv = dns_server_new(NULL);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	for (size_t i = 0; i < n; i++) {
		struct atoll_err err = ERR_INIT;
		if (dns_server_listen(l->srv, listen[i], NULL, &err) < 0)
			log_error("dns", "%s", err.msg);
	}
	l->svcs = kcache_start(kc, "/api/v1/services", changed, l);
	l->slices = kcache_start(kc, "/apis/discovery.k8s.io/v1/endpointslices", changed, l);
	l->pods = kcache_start(kc, "/api/v1/pods", changed, l);
	pthread_create(&t, NULL, run, l);
	pthread_detach(t);
}
