/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cluster's DNS records, after Kubernetes' DNS-based service discovery
 * specification: Services (A, SRV, PTR, CNAME for ExternalName), headless
 * Services' ready endpoints (A per endpoint, hostname records), pods
 * (a-b-c-d.ns.pod), built from API objects into one sorted, immutable table.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "net/dns.h"
#include "net/dns_wire.h"

struct zb {
	struct dns_rr *rr;
	size_t n, cap;
	const char *domain;
};

static struct dns_rr *add(struct zb *b, uint16_t type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct dns_rr *add(struct zb *b, uint16_t type, const char *fmt, ...)
{
	va_list ap;
	char *name;

	va_start(ap, fmt);
	if (vasprintf(&name, fmt, ap) < 0)
		abort();
	va_end(ap);
	dns_lower(name, name, strlen(name) + 1);
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->rr = xrealloc(b->rr, b->cap * sizeof(*b->rr));
	}
	struct dns_rr *r = &b->rr[b->n++];
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->type = type;
	return r;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool ipv4(const char *s, uint8_t a[4])
{
	struct in_addr in;

	if (!s || inet_pton(AF_INET, s, &in) != 1)
		return false;
	memcpy(a, &in, 4);
	return true;
}

static const char *proto(const json_t *port)
{
	const char *p = str(port, "protocol");
	if (!p || !strcmp(p, "TCP"))
		return "tcp";
	if (!strcmp(p, "UDP"))
		return "udp";
	return !strcmp(p, "SCTP") ? "sctp" : NULL;
}

static void add_ptr(struct zb *b, const uint8_t a[4], const char *target)
{
	struct dns_rr *r = add(b, DNS_T_PTR, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
	r->target = xstrdup(target);
	dns_lower(r->target, r->target, strlen(r->target) + 1);
}

static void add_srv(struct zb *b, const char *owner, const json_t *port, int weight, const char *target)
{
	const char *pn = str(port, "name"), *pr = proto(port);
	json_int_t num = json_integer_value(json_object_get(port, "port"));
	if (!pr || num <= 0 || num > 65535)
		return;
	/* _name._proto.svc... for named ports; every port also at the service name itself. */
	for (int named = 0; named < 2; named++) {
		if (named && (!pn || !*pn))
			break;
		struct dns_rr *r = named ? add(b, DNS_T_SRV, "_%s._%s.%s", pn, pr, owner)
					 : add(b, DNS_T_SRV, "%s", owner);
		r->prio = 0;
		r->weight = (uint16_t)weight;
		r->port = (uint16_t)num;
		r->target = xstrdup(target);
		dns_lower(r->target, r->target, strlen(r->target) + 1);
	}
}

static void service(struct zb *b, const json_t *svc, const json_t *slices)
{
	const json_t *md = json_object_get(svc, "metadata"), *spec = json_object_get(svc, "spec");
	const char *ns = str(md, "namespace"), *name = str(md, "name");
	const char *type = str(spec, "type"), *cip = str(spec, "clusterIP");
	uint8_t a[4];

	if (!ns || !name)
		return;
	_cleanup_free_ char *base = xasprintf("%s.%s.svc.%s", name, ns, b->domain);
	if (type && !strcmp(type, "ExternalName")) {
		const char *ext = str(spec, "externalName");
		if (ext && *ext)
			add(b, DNS_T_CNAME, "%s", base)->target = xstrdup(ext);
		return;
	}
	json_t *ports = json_object_get(spec, "ports");
	size_t i, j, k;
	json_t *p;
	if (cip && strcmp(cip, "None")) {
		if (!ipv4(cip, a))
			return;
		memcpy(add(b, DNS_T_A, "%s", base)->a, a, 4);
		add_ptr(b, a, base);
		json_array_foreach(ports, i, p)
			add_srv(b, base, p, 100, base);
		return;
	}
	/* Headless: one record per ready endpoint address, from the Service's slices. */
	add(b, DNS_T_NONE, "%s", base); /* the name exists even with no endpoint ready */
	size_t nready = 0;
	for (int pass = 0; pass < 2; pass++) {
		json_t *sl;
		json_array_foreach(slices, i, sl) {
			const json_t *smd = json_object_get(sl, "metadata");
			const char *owner = str(json_object_get(smd, "labels"), "kubernetes.io/service-name");
			const char *at = str(sl, "addressType");
			if (!owner || strcmp(owner, name) || !str(smd, "namespace") || strcmp(str(smd, "namespace"), ns) ||
			    (at && strcmp(at, "IPv4")))
				continue;
			json_t *ep;
			json_array_foreach(json_object_get(sl, "endpoints"), j, ep) {
				json_t *ready = json_object_get(json_object_get(ep, "conditions"), "ready");
				if (ready && !json_is_true(ready))
					continue; /* unset means ready (EndpointConditions) */
				json_t *addr;
				json_array_foreach(json_object_get(ep, "addresses"), k, addr) {
					if (!ipv4(json_string_value(addr), a))
						continue;
					if (pass == 0) {
						nready++;
						continue;
					}
					char host[64];
					const char *h = str(ep, "hostname");
					if (h && *h)
						snprintf(host, sizeof(host), "%s", h);
					else
						snprintf(host, sizeof(host), "%u-%u-%u-%u", a[0], a[1], a[2], a[3]);
					_cleanup_free_ char *fq = xasprintf("%s.%s", host, base);
					memcpy(add(b, DNS_T_A, "%s", base)->a, a, 4);
					memcpy(add(b, DNS_T_A, "%s", fq)->a, a, 4);
					if (h && *h)
						add_ptr(b, a, fq);
					int w = (int)(100 / (nready ? nready : 1));
					size_t m;
					json_array_foreach(json_object_get(sl, "ports"), m, p)
						add_srv(b, base, p, w ? w : 1, fq);
				}
			}
		}
	}
}

static void pod(struct zb *b, const json_t *p)
{
	const char *ns = str(json_object_get(p, "metadata"), "namespace");
	const json_t *st = json_object_get(p, "status");
	uint8_t a[4];

	if (!ns || !ipv4(str(st, "podIP"), a))
		return;
	const char *phase = str(st, "phase");
	if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
		return; /* its IP may already belong to another pod */
	memcpy(add(b, DNS_T_A, "%u-%u-%u-%u.%s.pod.%s", a[0], a[1], a[2], a[3], ns, b->domain)->a, a, 4);
}

static int rr_cmp(const void *x, const void *y)
{
	const struct dns_rr *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return memcmp(a->a, b->a, 4) ? memcmp(a->a, b->a, 4)
				     : strcmp(a->target ? a->target : "", b->target ? b->target : "");
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool same_rr(const struct dns_rr *a, const struct dns_rr *b)
{
	return !rr_cmp(a, b) && a->port == b->port && a->weight == b->weight;
}

/* Under the domain: the owner and its ancestors down to the domain. Elsewhere: the owner. */
static void collect_names(struct dns_zone *z, size_t *cap)
{
	size_t dl = strlen(z->domain);

	for (size_t i = 0; i < z->n; i++) {
		const char *n = z->rr[i].name;
		size_t l = strlen(n);
		bool under = l > dl && n[l - dl - 1] == '.' && !strcmp(n + l - dl, z->domain);
		for (const char *p = n; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
			if (z->nnames == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				z->names = xrealloc(z->names, *cap * sizeof(char *));
			}
			z->names[z->nnames++] = xstrdup(p);
			if (!under || !strcmp(p, z->domain))
				break;
		}
	}
	qsort(z->names, z->nnames, sizeof(char *), str_cmp);
	size_t o = 0;
	for (size_t i = 0; i < z->nnames; i++) {
		if (o && !strcmp(z->names[o - 1], z->names[i]))
			free(z->names[i]);
		else
			z->names[o++] = z->names[i];
	}
	z->nnames = o;
}

struct dns_zone *dns_zone_build(const char *domain, const json_t *services, const json_t *slices,
				const json_t *pods)
{
	struct zb b = { .domain = domain };
	struct dns_zone *z = xcalloc(1, sizeof(*z));
	size_t i, cap = 0;
	json_t *o;

	z->domain = xstrdup(domain);
	dns_lower(z->domain, z->domain, strlen(z->domain) + 1);
	b.domain = z->domain;
	add(&b, DNS_T_SOA, "%s", z->domain);
	add(&b, DNS_T_NS, "%s", z->domain)->target = xasprintf("ns.dns.%s", z->domain);
	json_array_foreach(services, i, o)
		service(&b, o, slices);
	json_array_foreach(pods, i, o)
		pod(&b, o);
	qsort(b.rr, b.n, sizeof(*b.rr), rr_cmp);
	/*
	 * Two slices naming one address, or a port listed twice, would repeat a
	 * record; names that cannot go on the wire (a 70-byte hostname in a
	 * hand-written slice, an odd externalName) are left out.
	 */
	size_t k = 0;
	for (i = 0; i < b.n; i++) {
		if ((k && same_rr(&b.rr[k - 1], &b.rr[i])) || !dns_name_ok(b.rr[i].name) ||
		    (b.rr[i].target && !dns_name_ok(b.rr[i].target))) {
			free(b.rr[i].name);
			free(b.rr[i].target);
		} else {
			b.rr[k++] = b.rr[i];
		}
	}
	z->rr = b.rr;
	z->n = k;
	collect_names(z, &cap);
	return z;
}

void dns_zone_free(struct dns_zone *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < z->n; i++) {
		free(z->rr[i].name);
		free(z->rr[i].target);
	}
	for (size_t i = 0; i < z->nnames; i++)
		free(z->names[i]);
	free(z->rr);
	free(z->names);
	free(z->domain);
	free(z);
}

/* Reverse names of the Service and pod ranges are ours: NXDOMAIN when unknown. */
static bool our_reverse(const char *name)
{
	unsigned o[4];
	char rest[32];

	if (sscanf(name, "%u.%u.%u.%u.%31s", &o[3], &o[2], &o[1], &o[0], rest) != 5 ||
	    strcmp(rest, "in-addr.arpa"))
		return false;
	if (o[0] != 10 || o[1] > 255 || o[2] > 255 || o[3] > 255)
		return false;
	return (o[1] >= 96 && o[1] < 112) || o[1] == 244;
}

static bool ours(const struct dns_zone *z, const char *name)
{
	size_t l = strlen(name), dl = strlen(z->domain);

	if (!strcmp(name, z->domain))
		return true;
	if (l > dl && name[l - dl - 1] == '.' && !strcmp(name + l - dl, z->domain))
		return true;
	return our_reverse(name);
}

enum dns_lookup dns_zone_lookup(const struct dns_zone *z, const char *name, uint16_t qtype,
				const struct dns_rr **out, size_t max, size_t *n)
{
	*n = 0;
	if (!ours(z, name))
		return DNS_LOOKUP_ELSEWHERE;
	size_t lo = 0, hi = z->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(z->rr[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	bool cname = false;
	for (size_t i = lo; i < z->n && !strcmp(z->rr[i].name, name); i++)
		if (z->rr[i].type == DNS_T_CNAME)
			cname = true;
	for (size_t i = lo; i < z->n && !strcmp(z->rr[i].name, name) && *n < max; i++) {
		uint16_t t = z->rr[i].type;
		if (t != DNS_T_NONE && (qtype == DNS_T_ANY || t == qtype || (cname && t == DNS_T_CNAME)))
			out[(*n)++] = &z->rr[i];
	}
	if (*n || (lo < z->n && !strcmp(z->rr[lo].name, name)))
		return DNS_LOOKUP_FOUND;
	char *const *hit = bsearch(&name, z->names, z->nnames, sizeof(char *), str_cmp);
	return hit ? DNS_LOOKUP_FOUND : DNS_LOOKUP_NXDOMAIN;
}
