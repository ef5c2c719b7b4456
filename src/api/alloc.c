/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Service ClusterIPs (10.96.0.0/12) and NodePorts (30000-32767). The set in
 * use is read from the stored Services; a mutex makes allocation in this
 * process atomic, and the few addresses handed out but not yet committed
 * are remembered so two creates racing cannot get the same one.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "api/alloc.h"
#include "api/object.h"
#include "lib/jparse.h"
#include "store/store.h"

#define IP_BASE  0x0a600000u /* 10.96.0.0 */
#define IP_COUNT (1u << 20)  /* /12 */
#define PORT_MIN 30000
#define PORT_MAX 32767
#define RECENT   64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint32_t recent_ips[RECENT];
static int recent_ports[RECENT];
static unsigned nrecent_ip, nrecent_port;

struct used {
	json_t *ips;   /* object used as a set: "10.96.0.10" -> true */
	json_t *ports; /* "30080" -> true */
};

static void collect(struct store *s, struct used *u)
{
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };

	u->ips = json_object();
	u->ports = json_object();
	if (store_list(s, "core/services/", "", 0, &l, &err) < 0)
		return;
	for (size_t i = 0; i < l.n; i++) {
		json_t *o = jparse_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		json_t *spec = json_object_get(o, "spec");
		const char *ip = json_string_value(json_object_get(spec, "clusterIP"));
		if (ip)
			json_object_set_new(u->ips, ip, json_true());
		size_t j;
		json_t *p;
		json_array_foreach(json_object_get(spec, "ports"), j, p) {
			json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
			if (np) {
				char k[16];
				snprintf(k, sizeof(k), "%lld", (long long)np);
				json_object_set_new(u->ports, k, json_true());
			}
		}
		json_decref(o);
	}
	store_list_free(&l);
}

static int ip_used(const struct used *u, uint32_t ip)
{
	char s[INET_ADDRSTRLEN];
	struct in_addr a = { htonl(ip) };

	for (unsigned i = 0; i < nrecent_ip && i < RECENT; i++)
		if (recent_ips[i] == ip)
			return 1;
	inet_ntop(AF_INET, &a, s, sizeof(s));
	return json_object_get(u->ips, s) != NULL;
}

static int port_used(const struct used *u, int port)
{
	char k[16];

	for (unsigned i = 0; i < nrecent_port && i < RECENT; i++)
		if (recent_ports[i] == port)
			return 1;
	snprintf(k, sizeof(k), "%d", port);
	return json_object_get(u->ports, k) != NULL;
}

static uint32_t rnd32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = 12345;
	return v;
}

static int alloc_ip(struct used *u, json_t *spec, struct atoll_err *err)
{
	const char *want = json_string_value(json_object_get(spec, "clusterIP"));
	struct in_addr a;
	char s[INET_ADDRSTRLEN];

	if (want && !strcmp(want, "None"))
		return 0;
	if (want && *want) {
		if (inet_pton(AF_INET, want, &a) != 1 || (ntohl(a.s_addr) & ~(IP_COUNT - 1)) != IP_BASE)
			return err_set(err, 422, "Invalid",
				       "spec.clusterIPs: Invalid value: \"%s\": provided IP is not in the valid range. "
				       "The range of valid IPs is %s", want, ALLOC_SERVICE_CIDR);
		if (ip_used(u, ntohl(a.s_addr)))
			return err_set(err, 422, "Invalid",
				       "spec.clusterIPs: Invalid value: \"%s\": provided IP is already allocated", want);
		recent_ips[nrecent_ip++ % RECENT] = ntohl(a.s_addr);
	} else {
		uint32_t ip = 0;
		/* Random probing skips the network, .0.1 (the kubernetes Service) and broadcast. */
		for (int tries = 0; tries < 4096; tries++) {
			uint32_t cand = IP_BASE + 2 + rnd32() % (IP_COUNT - 3);
			/* The default LoadBalancer pool (NET_LB_POOL, 10.97.0.0/16) lies in the range: leave it. */
			if ((cand & 0xffff0000u) == 0x0a610000u)
				continue;
			if (!ip_used(u, cand)) {
				ip = cand;
				break;
			}
		}
		if (!ip)
			return err_set(err, 422, "Invalid", "spec.clusterIPs: Internal error: no free cluster IP");
		recent_ips[nrecent_ip++ % RECENT] = ip;
		a.s_addr = htonl(ip);
		inet_ntop(AF_INET, &a, s, sizeof(s));
		json_object_set_new(spec, "clusterIP", json_string(s));
	}
	json_object_set_new(spec, "clusterIPs", json_pack("[O]", json_object_get(spec, "clusterIP")));
	return 0;
}

static int alloc_ports(struct used *u, json_t *spec, struct atoll_err *err)
{
	const char *type = json_string_value(json_object_get(spec, "type"));
	size_t i;
	json_t *p;

	if (!type || (strcmp(type, "NodePort") && strcmp(type, "LoadBalancer")))
		return 0;
	json_array_foreach(json_object_get(spec, "ports"), i, p) {
		json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
		if (np) {
			if (np < PORT_MIN || np > PORT_MAX)
				return err_set(err, 422, "Invalid",
					       "spec.ports[%zu].nodePort: Invalid value: %lld: provided port is not in the "
					       "valid range. The range of valid ports is %d-%d",
					       i, (long long)np, PORT_MIN, PORT_MAX);
			if (port_used(u, (int)np))
				return err_set(err, 422, "Invalid",
					       "spec.ports[%zu].nodePort: Invalid value: %lld: provided port is already allocated",
					       i, (long long)np);
			recent_ports[nrecent_port++ % RECENT] = (int)np;
			continue;
		}
		int port = 0;
		for (int tries = 0; tries < 4096 && !port; tries++) {
			int cand = PORT_MIN + (int)(rnd32() % (PORT_MAX - PORT_MIN + 1));
			if (!port_used(u, cand))
				port = cand;
		}
		if (!port)
			return err_set(err, 422, "Invalid", "spec.ports[%zu].nodePort: Internal error: no free node port", i);
		recent_ports[nrecent_port++ % RECENT] = port;
		json_object_set_new(p, "nodePort", json_integer(port));
	}
	return 0;
}

int alloc_service(struct store *s, json_t *svc, struct atoll_err *err)
{
	json_t *spec = json_object_get(svc, "spec");
	const char *type = json_string_value(json_object_get(spec, "type"));
	struct used u;
	int rc = 0;

	if (!json_is_object(spec) || (type && !strcmp(type, "ExternalName")))
		return 0;
	pthread_mutex_lock(&mu);
	collect(s, &u);
	if (alloc_ip(&u, spec, err) < 0 || alloc_ports(&u, spec, err) < 0)
		rc = -1;
	pthread_mutex_unlock(&mu);
	json_decref(u.ips);
	json_decref(u.ports);
	return rc;
}
