/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering Services and EndpointSlices into the nftables script of the service proxy. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "net/net.h"
#include "net/proxy.h"

static const char *str(const json_t *o, const char *k1, const char *k2)
{
	const json_t *v = json_object_get(o, k1);

	if (k2)
		v = json_object_get(v, k2);
	return json_string_value(v);
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;

	return s && inet_pton(AF_INET, s, &a) == 1;
}

/* nft's protocol keyword, or NULL for what the proxy does not carry. */
static const char *proto_kw(const char *p)
{
	if (!p || !strcmp(p, "TCP"))
		return "tcp";
	if (!strcmp(p, "UDP"))
		return "udp";
	if (!strcmp(p, "SCTP"))
		return "sctp";
	return NULL;
}

/* Names inside comments: keep to what object names may hold. */
static void add_safe(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_addc(b, (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr("-./:_", *s) ? *s : '_');
}

struct ep {
	const char *ip;
	json_int_t port;
};

/*
 * Ready endpoints of the service port (name, proto) of svc in slices,
 * dedup'd; only those on node when node is non-NULL. Returns the count.
 */
static size_t endpoints(const json_t *svc, const json_t *slices, const char *pname, const char *proto,
			const char *node, struct ep *out, size_t max)
{
	const char *ns = str(svc, "metadata", "namespace"), *name = str(svc, "metadata", "name");
	size_t n = 0, i, j, k;
	json_t *sl, *p, *e;

	if (!ns || !name)
		return 0;
	json_array_foreach(slices, i, sl) {
		const char *sns = str(sl, "metadata", "namespace");
		const char *owner = json_string_value(json_object_get(json_object_get(json_object_get(sl, "metadata"),
									       "labels"), "kubernetes.io/service-name"));
		const char *at = json_string_value(json_object_get(sl, "addressType"));
		if (!sns || !owner || strcmp(sns, ns) || strcmp(owner, name) || (at && strcmp(at, "IPv4")))
			continue;
		json_array_foreach(json_object_get(sl, "ports"), j, p) {
			const char *qn = json_string_value(json_object_get(p, "name"));
			const char *qp = json_string_value(json_object_get(p, "protocol"));
			json_int_t port = json_integer_value(json_object_get(p, "port"));
			if (strcmp(qn ? qn : "", pname) || strcmp(qp ? qp : "TCP", proto) || port <= 0 || port > 65535)
				continue;
			json_array_foreach(json_object_get(sl, "endpoints"), k, e) {
				json_t *ready = json_object_get(json_object_get(e, "conditions"), "ready");
				const char *ip = json_string_value(json_array_get(json_object_get(e, "addresses"), 0));
				const char *on = json_string_value(json_object_get(e, "nodeName"));
				if (json_is_false(ready) || !is_ipv4(ip) || (node && (!on || strcmp(on, node))))
					continue;
				bool dup = false;
				for (size_t m = 0; m < n; m++)
					dup |= !strcmp(out[m].ip, ip) && out[m].port == port;
				if (!dup && n < max)
					out[n++] = (struct ep){ ip, port };
			}
		}
	}
	return n;
}

/* The addresses a service answers on besides node ports: ClusterIP, externalIPs, LoadBalancer ingress. */
static size_t service_ips(const json_t *svc, const char **out, bool *external, size_t max)
{
	const json_t *spec = json_object_get(svc, "spec");
	size_t n = 0, i;
	json_t *v;
	const char *cip = str(spec, "clusterIP", NULL);

	if (is_ipv4(cip) && n < max)
		external[n] = false, out[n++] = cip;
	json_array_foreach(json_object_get(spec, "externalIPs"), i, v)
		if (is_ipv4(json_string_value(v)) && n < max)
			external[n] = true, out[n++] = json_string_value(v);
	json_array_foreach(json_object_get(json_object_get(json_object_get(svc, "status"), "loadBalancer"), "ingress"),
			   i, v)
		if (is_ipv4(str(v, "ip", NULL)) && n < max)
			external[n] = true, out[n++] = str(v, "ip", NULL);
	return n;
}

#define MAX_EPS 1024
#define MAX_IPS 16

/* One service port: its rules in the services chain (into svcs) and its chains (into chains). */
struct render {
	struct buf svcs;   /* rules of the services chain */
	struct buf chains; /* per-service and per-endpoint chains and sets */
	struct buf noep;   /* service addresses without endpoints (rejected) */
	struct buf noport; /* node ports without endpoints (rejected) */
	/*
	 * The same, untracked: a conntrack entry made while a Service has no
	 * endpoints would keep a UDP client's later datagrams from being DNATed
	 * once it has some (the entry lives on as long as the client sends).
	 */
	struct buf notrack;
	const char *node;  /* this node, for the traffic policies Local (NULL: unknown) */
};

/*
 * Chain base choosing among the n endpoints at random (or the client's
 * last one, with affinity), each in chain base+"e"+K. No endpoints: drop.
 */
static void lb_chain(struct buf *chains, const char *base, const struct ep *eps, size_t n, const char *kw,
		     bool aff, json_int_t tmo)
{
	buf_addf(chains, "\tchain %s {\n", base);
	if (n == 0) {
		buf_adds(chains, "\t\tdrop\n\t}\n");
		return;
	}
	if (aff)
		for (size_t j = 0; j < n; j++)
			buf_addf(chains, "\t\tip saddr @%se%zua goto %se%zu\n", base, j, base, j);
	buf_addf(chains, "\t\tnumgen random mod %zu vmap {", n);
	for (size_t j = 0; j < n; j++)
		buf_addf(chains, "%s %zu : goto %se%zu", j ? "," : "", j, base, j);
	buf_adds(chains, " }\n\t}\n");
	for (size_t j = 0; j < n; j++) {
		if (aff)
			buf_addf(chains, "\tset %se%zua {\n\t\ttype ipv4_addr; flags dynamic,timeout; timeout %llds;\n\t}\n",
				 base, j, (long long)tmo);
		buf_addf(chains, "\tchain %se%zu {\n\t\t", base, j);
		if (aff)
			buf_addf(chains, "update @%se%zua { ip saddr } ", base, j);
		buf_addf(chains, "meta l4proto %s dnat to %s:%lld\n\t}\n", kw, eps[j].ip, (long long)eps[j].port);
	}
}

static void render_port(struct render *r, const json_t *svc, const json_t *sp, const json_t *slices, int id)
{
	struct buf *svcs = &r->svcs, *chains = &r->chains;
	const char *proto = str(sp, "protocol", NULL);
	const char *kw = proto_kw(proto);
	const char *pname = str(sp, "name", NULL);
	json_int_t port = json_integer_value(json_object_get(sp, "port"));
	json_int_t nport = json_integer_value(json_object_get(sp, "nodePort"));
	const json_t *spec = json_object_get(svc, "spec");
	const char *type = str(spec, "type", NULL);
	/* Renders run one at a time (the proxy thread, tests). */
	static struct ep eps[MAX_EPS], leps[MAX_EPS];
	const char *ips[MAX_IPS];
	bool ext[MAX_IPS];

	if (!kw || port <= 0 || port > 65535)
		return;
	bool has_np = nport > 0 && nport <= 65535 && type &&
		      (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer"));
	size_t nip = service_ips(svc, ips, ext, MAX_IPS);
	if (nip == 0 && !has_np)
		return; /* headless: DNS hands out the endpoints themselves */
	size_t n = endpoints(svc, slices, pname ? pname : "", proto ? proto : "TCP", NULL, eps, MAX_EPS);
	/* Traffic policy Local: only this node's endpoints, and external clients keep their address. */
	const char *etp = str(spec, "externalTrafficPolicy", NULL), *itp = str(spec, "internalTrafficPolicy", NULL);
	bool elocal = r->node && etp && !strcmp(etp, "Local");
	bool ilocal = r->node && itp && !strcmp(itp, "Local");
	size_t nl = elocal || ilocal ? endpoints(svc, slices, pname ? pname : "", proto ? proto : "TCP", r->node,
						 leps, MAX_EPS) : 0;
	struct buf c = BUF_INIT;
	buf_adds(&c, "comment \"");
	add_safe(&c, str(svc, "metadata", "namespace"));
	buf_addc(&c, '/');
	add_safe(&c, str(svc, "metadata", "name"));
	buf_addf(&c, ":%lld\"", (long long)port);
	if (n == 0) {
		/* Refused at once, as kube-proxy does, rather than left to time out. */
		for (size_t i = 0; i < nip; i++) {
			buf_addf(&r->noep, "\t\tip daddr %s %s dport %lld reject %s\n", ips[i], kw, (long long)port, c.p);
			buf_addf(&r->notrack, "\t\tip daddr %s %s dport %lld notrack %s\n", ips[i], kw,
				 (long long)port, c.p);
		}
		if (has_np) {
			buf_addf(&r->noport, "\t\t%s dport %lld reject %s\n", kw, (long long)nport, c.p);
			buf_addf(&r->notrack, "\t\tfib daddr type local %s dport %lld notrack %s\n", kw, (long long)nport,
				 c.p);
		}
		buf_release(&c);
		return;
	}

	for (size_t i = 0; i < nip; i++) {
		bool local = ext[i] ? elocal : ilocal;
		buf_addf(svcs, "\t\tip daddr %s %s dport %lld %sgoto s%d%s %s\n", ips[i], kw, (long long)port,
			 ext[i] && !local ? "meta mark set meta mark | " NET_MASQ_MARK " " : "", id, local ? "l" : "", c.p);
	}
	if (has_np)
		buf_addf(svcs, "\t\tfib daddr type local %s dport %lld %sgoto s%d%s %s\n", kw, (long long)nport,
			 elocal ? "" : "meta mark set meta mark | " NET_MASQ_MARK " ", id, elocal ? "l" : "", c.p);
	buf_release(&c);

	/* sessionAffinity ClientIP: a set per endpoint of the clients it served recently. */
	bool aff = str(spec, "sessionAffinity", NULL) && !strcmp(str(spec, "sessionAffinity", NULL), "ClientIP");
	json_int_t tmo = json_integer_value(json_object_get(json_object_get(json_object_get(spec,
							"sessionAffinityConfig"), "clientIP"), "timeoutSeconds"));
	if (tmo <= 0)
		tmo = 10800;
	char base[24];
	snprintf(base, sizeof(base), "s%d", id);
	lb_chain(chains, base, eps, n, kw, aff, tmo);
	if (elocal || ilocal) {
		snprintf(base, sizeof(base), "s%dl", id);
		lb_chain(chains, base, leps, nl, kw, aff, tmo);
	}
}

/* hostPorts of the node's pods: the node's addresses (or hostIP) DNATed to the pod. */
static void render_hostports(struct buf *out, const json_t *pods)
{
	size_t i, j, k;
	json_t *pod, *c, *p;

	json_array_foreach(pods, i, pod) {
		const char *ip = str(json_object_get(pod, "status"), "podIP", NULL);
		const char *phase = str(json_object_get(pod, "status"), "phase", NULL);
		/* A hostNetwork pod listens on the node itself: nothing to forward. */
		if (!is_ipv4(ip) || (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) ||
		    json_is_true(json_object_get(json_object_get(pod, "spec"), "hostNetwork")))
			continue;
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), j, c)
			json_array_foreach(json_object_get(c, "ports"), k, p) {
				json_int_t hp = json_integer_value(json_object_get(p, "hostPort"));
				json_int_t cp = json_integer_value(json_object_get(p, "containerPort"));
				const char *kw = proto_kw(str(p, "protocol", NULL));
				const char *hip = str(p, "hostIP", NULL);
				if (!kw || hp <= 0 || hp > 65535 || cp <= 0 || cp > 65535)
					continue;
				if (is_ipv4(hip) && strcmp(hip, "0.0.0.0"))
					buf_addf(out, "\t\tip daddr %s ", hip);
				else
					buf_adds(out, "\t\tfib daddr type local ");
				buf_addf(out, "%s dport %lld meta mark set meta mark | " NET_MASQ_MARK " dnat to %s:%lld"
					 " comment \"", kw, (long long)hp, ip, (long long)cp);
				add_safe(out, str(pod, "metadata", "namespace"));
				buf_addc(out, '/');
				add_safe(out, str(pod, "metadata", "name"));
				buf_addf(out, ":%lld\"\n", (long long)hp);
			}
	}
}

json_t *net_proxy_udp_targets(const json_t *services, const json_t *slices)
{
	json_t *out = json_object();
	static struct ep eps[MAX_EPS];
	size_t i, j;
	json_t *svc, *sp;

	json_array_foreach(services, i, svc) {
		const char *ips[MAX_IPS];
		bool ext[MAX_IPS];
		size_t nip = service_ips(svc, ips, ext, MAX_IPS);
		json_array_foreach(json_object_get(json_object_get(svc, "spec"), "ports"), j, sp) {
			const char *proto = str(sp, "protocol", NULL), *pname = str(sp, "name", NULL);
			json_int_t port = json_integer_value(json_object_get(sp, "port"));
			if (!proto || strcmp(proto, "UDP") || port <= 0 || port > 65535)
				continue;
			size_t n = endpoints(svc, slices, pname ? pname : "", proto, NULL, eps, MAX_EPS);
			for (size_t k = 0; k < nip; k++) {
				char key[32];
				snprintf(key, sizeof(key), "%s:%lld", ips[k], (long long)port);
				json_t *set = json_object();
				for (size_t m = 0; m < n; m++) {
					char ep[32];
					snprintf(ep, sizeof(ep), "%s:%lld", eps[m].ip, (long long)eps[m].port);
					json_object_set_new(set, ep, json_true());
				}
				json_object_set_new(out, key, set);
			}
		}
	}
	return out;
}

char *net_proxy_render(const json_t *services, const json_t *slices, const struct net_proxy_cfg *cfg)
{
	struct buf out = BUF_INIT;
	struct render r = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, cfg ? cfg->node : NULL };
	const char *range = cfg && cfg->pod_range ? cfg->pod_range : NET_POD_RANGE;
	const char *local = cfg && cfg->node_cidr ? cfg->node_cidr : range;
	size_t i, j;
	json_t *svc, *sp;
	int id = 0;

	json_array_foreach(services, i, svc) {
		const char *type = str(json_object_get(svc, "spec"), "type", NULL);
		if (type && !strcmp(type, "ExternalName"))
			continue;
		json_array_foreach(json_object_get(json_object_get(svc, "spec"), "ports"), j, sp)
			render_port(&r, svc, sp, slices, id++);
	}
	/* Create, delete and fill in one transaction: the tables are replaced atomically. */
	buf_adds(&out, "table ip " NET_NFT_TABLE " {}\ndelete table ip " NET_NFT_TABLE "\n");
	buf_adds(&out, "table ip " NET_NFT_TABLE " {\n");
	buf_adds(&out, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		       "\t\tjump hostports\n\t\tjump services\n\t}\n");
	buf_adds(&out, "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
		       "\t\tjump hostports\n\t\tjump services\n\t}\n");
	buf_adds(&out, "\tchain hostports {\n");
	render_hostports(&out, cfg ? cfg->pods : NULL);
	buf_adds(&out, "\t}\n");
	buf_addf(&out, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
		       "\t\tmeta mark & " NET_MASQ_MARK " == " NET_MASQ_MARK " masquerade\n"
		       "\t\tct status dnat ip saddr %s oifname \"" NET_BRIDGE "\" masquerade\n"
		       "\t\tip saddr %s ip daddr != %s oifname != \"" NET_BRIDGE "\" masquerade\n\t}\n",
		 local, range, range);
	buf_adds(&out, "\tchain services {\n");
	buf_add(&out, r.svcs.p, r.svcs.len);
	buf_adds(&out, "\t}\n");
	buf_add(&out, r.chains.p, r.chains.len);
	buf_adds(&out, "}\n");
	/* Filtering: services without endpoints are refused (forwarded, local and node ports). */
	buf_adds(&out, "table inet " NET_NFT_FILTER " {}\ndelete table inet " NET_NFT_FILTER "\n");
	buf_adds(&out, "table inet " NET_NFT_FILTER " {\n");
	buf_adds(&out, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
		       "\t\tjump no-endpoints\n\t}\n");
	buf_adds(&out, "\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n"
		       "\t\tjump no-endpoints\n\t}\n");
	buf_adds(&out, "\tchain raw-prerouting {\n\t\ttype filter hook prerouting priority raw; policy accept;\n"
		       "\t\tjump no-endpoints-untracked\n\t}\n");
	buf_adds(&out, "\tchain raw-output {\n\t\ttype filter hook output priority raw; policy accept;\n"
		       "\t\tjump no-endpoints-untracked\n\t}\n");
	buf_adds(&out, "\tchain no-endpoints-untracked {\n");
	buf_add(&out, r.notrack.p, r.notrack.len);
	buf_adds(&out, "\t}\n");
	buf_adds(&out, "\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n");
	buf_add(&out, r.noport.p, r.noport.len);
	buf_adds(&out, "\t}\n\tchain no-endpoints {\n");
	buf_add(&out, r.noep.p, r.noep.len);
	buf_adds(&out, "\t}\n}\n");
	buf_release(&r.svcs);
	buf_release(&r.chains);
	buf_release(&r.noep);
	buf_release(&r.noport);
	buf_release(&r.notrack);
	return buf_detach(&out, NULL);
}
