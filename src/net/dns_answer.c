/* SPDX-License-Identifier: Apache-2.0 */
/* One DNS query in, one response out: authoritative answers for the cluster's names. */
#include <stdio.h>
#include <string.h>

#include "net/dns.h"
#include "net/dns_wire.h"
#include "net/net.h"

#define MAX_RR 128

/* An RR; the owner is a pointer to the question (offset 12) when it is the question's name. */
static void w_rr(struct dns_writer *w, const struct dns_zone *z, const struct dns_rr *r, const char *qname)
{
	if (!strcmp(r->name, qname))
		dns_w_u16(w, 0xc000 | DNS_HDR_LEN);
	else
		dns_w_name(w, r->name);
	dns_w_u16(w, r->type);
	dns_w_u16(w, DNS_CLASS_IN);
	dns_w_u32(w, DNS_TTL);
	size_t at = w->len;
	dns_w_u16(w, 0);
	switch (r->type) {
	case DNS_T_A:
		dns_w_bytes(w, r->a, 4);
		break;
	case DNS_T_SRV:
		dns_w_u16(w, r->prio);
		dns_w_u16(w, r->weight);
		dns_w_u16(w, r->port);
		dns_w_name(w, r->target);
		break;
	case DNS_T_SOA: {
		char mname[DNS_TEXT_MAX], rname[DNS_TEXT_MAX];
		snprintf(mname, sizeof(mname), "ns.dns.%s", z->domain);
		snprintf(rname, sizeof(rname), "hostmaster.%s", z->domain);
		dns_w_name(w, mname);
		dns_w_name(w, rname);
		dns_w_u32(w, 1);     /* serial: answers are always current */
		dns_w_u32(w, 7200);  /* refresh */
		dns_w_u32(w, 1800);  /* retry */
		dns_w_u32(w, 86400); /* expire */
		dns_w_u32(w, DNS_TTL); /* negative answers are cached this long (RFC 2308) */
		break;
	}
	default: /* PTR, CNAME, NS */
		dns_w_name(w, r->target);
		break;
	}
	if (!w->over)
		dns_w_put16(w, at, (uint16_t)(w->len - at - 2));
}

static void w_header(struct dns_writer *w, const struct dns_query *q, int rcode, bool aa, bool tc,
		     int qd, int an, int ns, int ar)
{
	uint16_t f = DNS_F_QR | DNS_F_RA | (q->flags & DNS_F_RD) | (uint16_t)rcode;
	if (aa)
		f |= DNS_F_AA;
	if (tc)
		f |= DNS_F_TC;
	dns_w_u16(w, q->id);
	dns_w_u16(w, f);
	dns_w_u16(w, (uint16_t)qd);
	dns_w_u16(w, (uint16_t)an);
	dns_w_u16(w, (uint16_t)ns);
	dns_w_u16(w, (uint16_t)ar);
}

static void w_opt(struct dns_writer *w)
{
	dns_w_bytes(w, "", 1);
	dns_w_u16(w, DNS_T_OPT);
	dns_w_u16(w, DNS_UDP_OURS);
	dns_w_u32(w, 0);
	dns_w_u16(w, 0);
}

size_t dns_error_reply(const uint8_t *msg, size_t len, int rcode, uint8_t *out, size_t cap)
{
	struct dns_query q;
	struct dns_writer w;
	int rc = dns_parse_query(msg, len, &q);

	if (rc < 0)
		return 0;
	dns_w_init(&w, out, cap);
	bool echo = rc == DNS_R_NOERROR;
	w_header(&w, &q, rcode, false, false, echo, 0, 0, echo && q.edns);
	if (echo) {
		dns_w_bytes(&w, msg + DNS_HDR_LEN, q.qend - DNS_HDR_LEN);
		if (q.edns)
			w_opt(&w);
	}
	return w.over ? 0 : w.len;
}

static size_t lookup_all(const struct dns_zone *z, const char *name, uint16_t type,
			 const struct dns_rr **out, size_t max)
{
	size_t n = 0;
	if (dns_zone_lookup(z, name, type, out, max, &n) != DNS_LOOKUP_FOUND)
		return 0;
	return n;
}

enum dns_verdict dns_answer(const struct dns_zone *z, const uint8_t *msg, size_t len, bool udp,
			    uint8_t *out, size_t cap, size_t *outlen)
{
	struct dns_query q;
	char name[DNS_TEXT_MAX];
	int rc = dns_parse_query(msg, len, &q);

	*outlen = 0;
	if (rc < 0)
		return DNS_DROP;
	if (rc > 0) {
		*outlen = dns_error_reply(msg, len, rc, out, cap);
		return *outlen ? DNS_REPLY : DNS_DROP;
	}
	dns_lower(name, q.name, sizeof(name));
	if (!z) {
		size_t l = strlen(name), dl = strlen(NET_DOMAIN);
		if (l >= dl && !strcmp(name + l - dl, NET_DOMAIN)) {
			*outlen = dns_error_reply(msg, len, DNS_R_SERVFAIL, out, cap);
			return *outlen ? DNS_REPLY : DNS_DROP;
		}
		return DNS_FORWARD;
	}
	const struct dns_rr *an[MAX_RR], *ad[MAX_RR];
	size_t nan = 0, nad = 0;
	enum dns_lookup lk = dns_zone_lookup(z, name, q.qtype, an, MAX_RR, &nan);
	if (lk == DNS_LOOKUP_ELSEWHERE)
		return DNS_FORWARD;
	if (q.qclass != DNS_CLASS_IN && q.qclass != DNS_T_ANY) {
		*outlen = dns_error_reply(msg, len, DNS_R_REFUSED, out, cap);
		return *outlen ? DNS_REPLY : DNS_DROP;
	}
	/* Follow a CNAME that stays inside the zone, once. */
	if (nan == 1 && an[0]->type == DNS_T_CNAME && q.qtype != DNS_T_CNAME && q.qtype != DNS_T_ANY) {
		char t[DNS_TEXT_MAX];
		dns_lower(t, an[0]->target, sizeof(t));
		nan += lookup_all(z, t, q.qtype, an + 1, MAX_RR - 1);
	}
	/* Addresses of SRV targets go in the additional section. */
	for (size_t i = 0; i < nan && nad < MAX_RR; i++)
		if (an[i]->type == DNS_T_SRV)
			nad += lookup_all(z, an[i]->target, DNS_T_A, ad + nad, MAX_RR - nad);
	bool nx = lk == DNS_LOOKUP_NXDOMAIN;
	const struct dns_rr *soa = NULL;
	size_t nsoa = 0;
	if (!nan)
		nsoa = lookup_all(z, z->domain, DNS_T_SOA, &soa, 1);
	size_t limit = !udp ? cap : q.edns ? (q.udp_size < DNS_UDP_OURS ? q.udp_size : DNS_UDP_OURS) : DNS_UDP_MIN;
	if (limit > cap)
		limit = cap;
	struct dns_writer w;
	dns_w_init(&w, out, limit);
	w_header(&w, &q, nx ? DNS_R_NXDOMAIN : DNS_R_NOERROR, true, false, 1, (int)nan, (int)nsoa,
		 (int)nad + q.edns);
	dns_w_bytes(&w, msg + DNS_HDR_LEN, q.qend - DNS_HDR_LEN);
	for (size_t i = 0; i < nan; i++)
		w_rr(&w, z, an[i], name);
	if (nsoa)
		w_rr(&w, z, soa, name);
	for (size_t i = 0; i < nad; i++)
		w_rr(&w, z, ad[i], name);
	if (q.edns)
		w_opt(&w);
	if (w.over) {
		/* Too big for UDP: the question alone, TC set, and the client asks again over TCP. */
		dns_w_init(&w, out, limit);
		w_header(&w, &q, DNS_R_NOERROR, true, true, 1, 0, 0, q.edns);
		dns_w_bytes(&w, msg + DNS_HDR_LEN, q.qend - DNS_HDR_LEN);
		if (q.edns)
			w_opt(&w);
		if (w.over)
			return DNS_DROP;
	}
	*outlen = w.len;
	return DNS_REPLY;
}
