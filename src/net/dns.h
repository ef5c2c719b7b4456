/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cluster DNS: the records Kubernetes' DNS specification gives Services,
 * EndpointSlices and Pods (dns_zone.c), the answer to one query
 * (dns_answer.c), and a UDP+TCP server that forwards other names to the
 * host's resolvers (dns_server.c, dns_forward.c). docs/dns.md.
 */
#ifndef ATOLL_DNS_H
#define ATOLL_DNS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define DNS_TTL 5 /* seconds, as CoreDNS' kubernetes plugin */

struct dns_rr {
	char *name;    /* owner, lower case, no trailing dot (owned) */
	uint16_t type; /* DNS_T_A, DNS_T_SRV, DNS_T_PTR, DNS_T_CNAME, DNS_T_NS, DNS_T_SOA */
	uint8_t a[4];  /* A */
	uint16_t prio, weight, port; /* SRV */
	char *target;  /* SRV, PTR, CNAME, NS target (owned) */
};

/* An immutable snapshot of the cluster's names. */
struct dns_zone {
	char *domain;       /* "cluster.local" */
	struct dns_rr *rr;  /* sorted by name, then type */
	size_t n;
	char **names;       /* every name that exists (owners and their ancestors), sorted */
	size_t nnames;
};

/*
 * Build the zone for domain from arrays of Service, EndpointSlice and Pod
 * objects (all borrowed; NULL counts as empty). Returns owned.
 */
struct dns_zone *dns_zone_build(const char *domain, const json_t *services, const json_t *slices,
				const json_t *pods);
void dns_zone_free(struct dns_zone *z);

enum dns_lookup {
	DNS_LOOKUP_FOUND,    /* records (possibly none: NODATA) */
	DNS_LOOKUP_NXDOMAIN, /* in our zones, no such name */
	DNS_LOOKUP_ELSEWHERE /* not ours: forward */
};

/*
 * The records of name (lower case) with type qtype (DNS_T_ANY: all; a CNAME
 * answers every type). Up to max pointers into z go to out, *n says how
 * many.
 */
enum dns_lookup dns_zone_lookup(const struct dns_zone *z, const char *name, uint16_t qtype,
				const struct dns_rr **out, size_t max, size_t *n);

enum dns_verdict { DNS_DROP, DNS_REPLY, DNS_FORWARD };

/*
 * Answer the query in msg (len bytes, untrusted) from z (may be NULL: no
 * cluster names yet) into out (cap bytes); udp says whether the reply must
 * fit the requester's UDP size (else it is truncated, TC set). DNS_REPLY
 * sets *outlen; DNS_FORWARD means the name is not ours (the caller relays the
 * query or answers REFUSED with dns_error_reply).
 */
enum dns_verdict dns_answer(const struct dns_zone *z, const uint8_t *msg, size_t len, bool udp,
			    uint8_t *out, size_t cap, size_t *outlen);

/* A reply with rcode (and the question echoed when it parses). 0 when msg is not a query. */
size_t dns_error_reply(const uint8_t *msg, size_t len, int rcode, uint8_t *out, size_t cap);

/* ---- the server ---- */

struct dns_server;

/*
 * A server with no listeners yet. resolv_conf: the file naming upstream
 * resolvers for other names (NULL: /etc/resolv.conf); without usable ones
 * those names are REFUSED. Returns owned (lives as long as the process).
 */
struct dns_server *dns_server_new(const char *resolv_conf);

/* Serve UDP and TCP on "IP:PORT" (port 0 picks one; the chosen port goes to *port if non-NULL). */
int dns_server_listen(struct dns_server *s, const char *addr, int *port, struct atoll_err *err);

/* Replace the zone (takes z; the old one is freed once no query uses it). */
void dns_server_set_zone(struct dns_server *s, struct dns_zone *z);

/* ---- upstream resolvers (dns_forward.c) ---- */

#define DNS_UPSTREAM_MAX 3

struct dns_upstreams {
	uint32_t ip[DNS_UPSTREAM_MAX]; /* IPv4, network order */
	int n;
};

/* The IPv4 nameservers of a resolv.conf, minus those in skip (network order). */
void dns_upstreams_load(struct dns_upstreams *u, const char *path, const uint32_t *skip, size_t nskip);

/*
 * Relay a query to the upstreams over UDP (2 s each) and put the reply in
 * out; a truncated reply is asked again over TCP when tcp (the client came
 * over TCP and can take it). Returns its length, or 0 when none answered.
 */
size_t dns_forward(const struct dns_upstreams *u, const uint8_t *msg, size_t len, uint8_t *out,
		   size_t cap, bool tcp);

#endif
