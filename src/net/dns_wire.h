/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DNS message format (RFC 1035 section 4, EDNS0 from RFC 6891): parsing a
 * query that arrives from an untrusted peer, and writing a response. Pure
 * functions over byte buffers; no allocation.
 */
#ifndef ATOLL_DNS_WIRE_H
#define ATOLL_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HDR_LEN   12
#define DNS_NAME_MAX  255  /* wire length, RFC 1035 2.3.4 */
#define DNS_TEXT_MAX  256  /* dotted text without the trailing dot, plus NUL */
#define DNS_UDP_MIN   512
#define DNS_UDP_OURS  1232 /* our EDNS payload size (the DNS flag day 2020 value) */

enum dns_type {
	DNS_T_NONE = 0, /* ours: marks a name that exists without records */
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12,
	DNS_T_AAAA = 28, DNS_T_SRV = 33, DNS_T_OPT = 41, DNS_T_ANY = 255,
};
enum dns_rcode {
	DNS_R_NOERROR = 0, DNS_R_FORMERR = 1, DNS_R_SERVFAIL = 2, DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4, DNS_R_REFUSED = 5,
};
#define DNS_CLASS_IN 1
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080

struct dns_query {
	uint16_t id;
	uint16_t flags;       /* as received */
	char name[DNS_TEXT_MAX]; /* the question's name, dotted, case kept, "" for the root */
	uint16_t qtype, qclass;
	size_t qend;          /* offset just past the question in the message */
	bool edns;            /* an OPT record came along */
	uint16_t udp_size;    /* the requester's UDP payload size (512 without EDNS) */
};

/*
 * Parse a query (msg borrowed, len bytes). Returns DNS_R_NOERROR, or an rcode
 * to answer with (FORMERR, NOTIMP) when the header was readable; -1 when the
 * message must be dropped (shorter than a header, or a response).
 * Label bytes outside printable ASCII, and dots inside a label, come out as
 * '?' so that the dotted form never aliases another name.
 */
int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q);

/*
 * Read the name at *off of msg (compression pointers followed, bounded) into
 * out as dotted text; *off moves past the name as it sits in place.
 * Returns 0 or -1 when malformed.
 */
int dns_read_name(const uint8_t *msg, size_t len, size_t *off, char out[DNS_TEXT_MAX]);

/* A response under construction in a caller buffer; `over` once it did not fit. */
struct dns_writer {
	uint8_t *p;
	size_t cap, len;
	bool over;
};

void dns_w_init(struct dns_writer *w, uint8_t *p, size_t cap);
void dns_w_u16(struct dns_writer *w, uint16_t v);
void dns_w_u32(struct dns_writer *w, uint32_t v);
void dns_w_bytes(struct dns_writer *w, const void *p, size_t n);
/* A dotted name as labels; a label over 63 bytes or a name over 255 sets over. */
void dns_w_name(struct dns_writer *w, const char *name);
/* Patch a 16-bit value at offset off (already written). */
void dns_w_put16(struct dns_writer *w, size_t off, uint16_t v);

/* Whether a dotted name can go on the wire: labels of 1 to 63 bytes, 255 bytes in all. */
bool dns_name_ok(const char *name);

/* Lower-case ASCII copy (n includes the NUL room). */
void dns_lower(char *dst, const char *src, size_t n);

#endif
