/* SPDX-License-Identifier: Apache-2.0 */
/* DNS wire format: strict, bounded parsing of queries and writing of responses. */
#include <string.h>

#include "net/dns_wire.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int dns_read_name(const uint8_t *msg, size_t len, size_t *off, char out[DNS_TEXT_MAX])
{
	size_t pos = *off, o = 0, wire = 0;
	size_t end = 0;     /* where the name ends in place (set at the first pointer) */
	size_t floor = pos; /* pointers must go strictly backwards from here: no loops */
	int jumps = 0;

	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++jumps > 32)
				return -1;
			size_t to = (size_t)((l & 0x3f) << 8 | msg[pos + 1]);
			if (!end)
				end = pos + 2;
			if (to >= floor)
				return -1;
			floor = to;
			pos = to;
			continue;
		}
		if (l & 0xc0)
			return -1; /* the 0x40 and 0x80 label types are obsolete or unused */
		if (l == 0) {
			pos++;
			break;
		}
		wire += (size_t)l + 1;
		if (wire + 1 > DNS_NAME_MAX || pos + 1 + l > len)
			return -1;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			uint8_t c = msg[pos + 1 + i];
			out[o++] = (c <= 0x20 || c >= 0x7f || c == '.') ? '?' : (char)c;
		}
		pos += 1 + (size_t)l;
	}
	out[o] = '\0';
	*off = end ? end : pos;
	return 0;
}

/* Skip one resource record at *off; fills its type and class. */
static int skip_rr(const uint8_t *msg, size_t len, size_t *off, uint16_t *type, uint16_t *cls,
		   bool *root)
{
	char name[DNS_TEXT_MAX];
	size_t pos = *off;

	if (dns_read_name(msg, len, &pos, name) < 0 || len - pos < 10)
		return -1;
	*root = name[0] == '\0';
	*type = get16(msg + pos);
	*cls = get16(msg + pos + 2);
	size_t rdlen = get16(msg + pos + 8);
	pos += 10;
	if (len - pos < rdlen)
		return -1;
	*off = pos + rdlen;
	return 0;
}

int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q)
{
	memset(q, 0, sizeof(*q));
	q->udp_size = DNS_UDP_MIN;
	if (len < DNS_HDR_LEN)
		return -1;
	q->id = get16(msg);
	q->flags = get16(msg + 2);
	if (q->flags & DNS_F_QR)
		return -1; /* never answer a response: no reflection loops */
	if (((q->flags >> 11) & 0xf) != 0)
		return DNS_R_NOTIMP;
	uint16_t qd = get16(msg + 4), an = get16(msg + 6), ns = get16(msg + 8), ar = get16(msg + 10);
	if (qd != 1)
		return DNS_R_FORMERR;
	size_t pos = DNS_HDR_LEN;
	/* The question is the first name: nothing before it to point at. */
	for (size_t l = pos; l < len && msg[l]; l += 1 + (size_t)msg[l])
		if (msg[l] & 0xc0)
			return DNS_R_FORMERR;
	if (dns_read_name(msg, len, &pos, q->name) < 0 || len - pos < 4)
		return DNS_R_FORMERR;
	q->qtype = get16(msg + pos);
	q->qclass = get16(msg + pos + 2);
	pos += 4;
	q->qend = pos;
	uint16_t type, cls;
	bool root;
	for (unsigned i = 0; i < (unsigned)an + ns; i++)
		if (skip_rr(msg, len, &pos, &type, &cls, &root) < 0)
			return DNS_R_FORMERR;
	for (unsigned i = 0; i < ar; i++) {
		if (skip_rr(msg, len, &pos, &type, &cls, &root) < 0)
			return DNS_R_FORMERR;
		if (type != DNS_T_OPT)
			continue;
		if (q->edns || !root)
			return DNS_R_FORMERR; /* RFC 6891 6.1.1: one OPT, owned by the root */
		q->edns = true;
		q->udp_size = cls < DNS_UDP_MIN ? DNS_UDP_MIN : cls;
	}
	return DNS_R_NOERROR;
}

void dns_w_init(struct dns_writer *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->over = false;
}

void dns_w_bytes(struct dns_writer *w, const void *p, size_t n)
{
	if (w->over || w->cap - w->len < n) {
		w->over = true;
		return;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

void dns_w_u16(struct dns_writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	dns_w_bytes(w, b, 2);
}

void dns_w_u32(struct dns_writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	dns_w_bytes(w, b, 4);
}

void dns_w_put16(struct dns_writer *w, size_t off, uint16_t v)
{
	if (off + 2 <= w->len) {
		w->p[off] = (uint8_t)(v >> 8);
		w->p[off + 1] = (uint8_t)v;
	}
}

void dns_w_name(struct dns_writer *w, const char *name)
{
	size_t total = 1;

	while (*name) {
		size_t l = strcspn(name, ".");
		if (l == 0 || l > 63 || (total += l + 1) > DNS_NAME_MAX) {
			w->over = true;
			return;
		}
		uint8_t lb = (uint8_t)l;
		dns_w_bytes(w, &lb, 1);
		dns_w_bytes(w, name, l);
		name += l;
		if (*name == '.')
			name++;
	}
	dns_w_bytes(w, "", 1);
}

bool dns_name_ok(const char *name)
{
	size_t total = 1;

	while (*name) {
		size_t l = strcspn(name, ".");
		if (l == 0 || l > 63 || (total += l + 1) > DNS_NAME_MAX)
			return false;
		name += l;
		if (*name == '.' && !*++name)
			return false; /* a trailing dot: an empty last label */
	}
	return true;
}

void dns_lower(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; n && i < n - 1 && src[i]; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] - 'A' + 'a') : src[i];
	if (n)
		dst[i] = '\0';
}
