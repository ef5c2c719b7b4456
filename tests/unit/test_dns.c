/* SPDX-License-Identifier: Apache-2.0 */
/* Cluster DNS: query parsing with hostile input, the zone built from API objects, answers. */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/dns.h"
#include "net/dns_wire.h"
#include "t.h"

/* A query for name/type; edns adds an OPT record. Returns its length. */
static size_t mkquery(uint8_t *b, const char *name, uint16_t type, bool edns)
{
	struct dns_writer w;
	dns_w_init(&w, b, 512);
	dns_w_u16(&w, 0x1234);
	dns_w_u16(&w, DNS_F_RD);
	dns_w_u16(&w, 1);
	dns_w_u16(&w, 0);
	dns_w_u16(&w, 0);
	dns_w_u16(&w, edns ? 1 : 0);
	dns_w_name(&w, name);
	dns_w_u16(&w, type);
	dns_w_u16(&w, DNS_CLASS_IN);
	if (edns) {
		dns_w_bytes(&w, "", 1);
		dns_w_u16(&w, DNS_T_OPT);
		dns_w_u16(&w, 4096);
		dns_w_u32(&w, 0);
		dns_w_u16(&w, 0);
	}
	return w.len;
}

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_parse(void)
{
	uint8_t b[600];
	struct dns_query q;
	size_t n = mkquery(b, "Web.NS.svc.cluster.local", DNS_T_A, false);

	CHECK(dns_parse_query(b, n, &q) == DNS_R_NOERROR);
	CHECK_STR(q.name, "Web.NS.svc.cluster.local");
	CHECK(q.qtype == DNS_T_A && q.qclass == DNS_CLASS_IN && q.id == 0x1234 && !q.edns);
	CHECK(q.udp_size == 512 && q.qend == n);
	n = mkquery(b, "a.b", DNS_T_SRV, true);
	CHECK(dns_parse_query(b, n, &q) == DNS_R_NOERROR && q.edns && q.udp_size == 4096);
	/* Every truncation of a valid query is refused, never read past. */
	for (size_t k = 0; k < n; k++)
		CHECK(dns_parse_query(b, k, &q) != DNS_R_NOERROR);
	CHECK(dns_parse_query(b, 11, &q) == -1);
	/* Responses are dropped (no reflection), other opcodes are NOTIMP, two questions FORMERR. */
	b[2] |= 0x80;
	CHECK(dns_parse_query(b, n, &q) == -1);
	b[2] = (uint8_t)(2 << 3);
	CHECK(dns_parse_query(b, n, &q) == DNS_R_NOTIMP);
	n = mkquery(b, "a.b", DNS_T_A, false);
	b[5] = 2;
	CHECK(dns_parse_query(b, n, &q) == DNS_R_FORMERR);
	b[5] = 0;
	CHECK(dns_parse_query(b, n, &q) == DNS_R_FORMERR);
	/* A pointer in the question (to itself, or anywhere) is malformed. */
	uint8_t loop[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };
	CHECK(dns_parse_query(loop, sizeof(loop), &q) == DNS_R_FORMERR);
	/* Dots and control bytes inside a label cannot alias another name. */
	uint8_t odd[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', '.', 'b', 1, 0, 0, 0, 1, 0, 1 };
	CHECK(dns_parse_query(odd, sizeof(odd), &q) == DNS_R_NOERROR);
	CHECK_STR(q.name, "a?b.?");
	/* Two OPT records: FORMERR. */
	n = mkquery(b, "a.b", DNS_T_A, true);
	memcpy(b + n, b + n - 11, 11);
	b[11] = 2;
	CHECK(dns_parse_query(b, n + 11, &q) == DNS_R_FORMERR);
	/* A 64-byte label is not a label. */
	uint8_t big[80] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64 };
	CHECK(dns_parse_query(big, sizeof(big), &q) == DNS_R_FORMERR);
}

static void test_read_name_pointers(void)
{
	/* "x" + pointer back to "foo.bar" at offset 0; and a pointer forward (refused). */
	uint8_t m[] = { 3, 'f', 'o', 'o', 3, 'b', 'a', 'r', 0, 1, 'x', 0xc0, 0, 0xc0, 14 };
	char out[DNS_TEXT_MAX];
	size_t off = 9;
	CHECK(dns_read_name(m, sizeof(m), &off, out) == 0);
	CHECK_STR(out, "x.foo.bar");
	CHECK(off == 13);
	off = 13;
	CHECK(dns_read_name(m, sizeof(m), &off, out) < 0);
	/* Names over 255 bytes are refused. */
	uint8_t longname[300];
	size_t k = 0;
	while (k + 11 < sizeof(longname)) {
		longname[k++] = 10;
		memset(longname + k, 'a', 10);
		k += 10;
	}
	longname[k++] = 0;
	off = 0;
	CHECK(dns_read_name(longname, k, &off, out) < 0);
}

static const char *cluster_json =
	"{\"services\":["
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},\"spec\":{\"clusterIP\":\"10.96.0.20\","
	" \"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"},{\"port\":9000,\"protocol\":\"UDP\"}]}},"
	"{\"metadata\":{\"name\":\"db\",\"namespace\":\"shop\"},\"spec\":{\"clusterIP\":\"None\","
	" \"ports\":[{\"name\":\"pg\",\"port\":5432}]}},"
	"{\"metadata\":{\"name\":\"empty\",\"namespace\":\"shop\"},\"spec\":{\"clusterIP\":\"None\"}},"
	"{\"metadata\":{\"name\":\"out\",\"namespace\":\"shop\"},\"spec\":{\"type\":\"ExternalName\","
	" \"externalName\":\"db.example.test\"}}],"
	"\"slices\":["
	"{\"metadata\":{\"name\":\"db-x\",\"namespace\":\"shop\",\"labels\":{\"kubernetes.io/service-name\":\"db\"}},"
	" \"addressType\":\"IPv4\",\"ports\":[{\"name\":\"pg\",\"port\":5432,\"protocol\":\"TCP\"}],"
	" \"endpoints\":[{\"addresses\":[\"10.244.1.5\"],\"hostname\":\"db-0\",\"conditions\":{\"ready\":true}},"
	"  {\"addresses\":[\"10.244.1.6\"]},"
	"  {\"addresses\":[\"10.244.1.7\"],\"conditions\":{\"ready\":false}}]},"
	"{\"metadata\":{\"name\":\"web-x\",\"namespace\":\"other\",\"labels\":{\"kubernetes.io/service-name\":\"db\"}},"
	" \"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"10.244.9.9\"]}]}],"
	"\"pods\":["
	"{\"metadata\":{\"name\":\"p\",\"namespace\":\"shop\"},\"status\":{\"podIP\":\"10.244.1.5\",\"phase\":\"Running\"}},"
	"{\"metadata\":{\"name\":\"q\",\"namespace\":\"shop\"},\"status\":{\"podIP\":\"10.244.1.8\",\"phase\":\"Failed\"}}]}";

static struct dns_zone *zone(void)
{
	json_t *in = json_loads(cluster_json, 0, NULL);
	CHECK(in != NULL);
	struct dns_zone *z = dns_zone_build("cluster.local", json_object_get(in, "services"),
					    json_object_get(in, "slices"), json_object_get(in, "pods"));
	json_decref(in);
	return z;
}

static size_t count(const struct dns_zone *z, const char *name, uint16_t type, enum dns_lookup want)
{
	const struct dns_rr *rr[32];
	size_t n = 99;
	enum dns_lookup got = dns_zone_lookup(z, name, type, rr, 32, &n);
	CHECK(got == want);
	return n;
}

static void test_zone(void)
{
	struct dns_zone *z = zone();
	const struct dns_rr *rr[32];
	size_t n;

	CHECK(dns_zone_lookup(z, "web.shop.svc.cluster.local", DNS_T_A, rr, 32, &n) == DNS_LOOKUP_FOUND);
	CHECK(n == 1 && rr[0]->a[0] == 10 && rr[0]->a[1] == 96 && rr[0]->a[3] == 20);
	CHECK(count(z, "web.shop.svc.cluster.local", DNS_T_AAAA, DNS_LOOKUP_FOUND) == 0);
	CHECK(count(z, "web.shop.svc.cluster.local", DNS_T_SRV, DNS_LOOKUP_FOUND) == 2);
	CHECK(dns_zone_lookup(z, "_http._tcp.web.shop.svc.cluster.local", DNS_T_SRV, rr, 32, &n) == DNS_LOOKUP_FOUND);
	CHECK(n == 1 && rr[0]->port == 80 && !strcmp(rr[0]->target, "web.shop.svc.cluster.local"));
	CHECK(count(z, "_http._udp.web.shop.svc.cluster.local", DNS_T_SRV, DNS_LOOKUP_NXDOMAIN) == 0);
	CHECK(dns_zone_lookup(z, "20.0.96.10.in-addr.arpa", DNS_T_PTR, rr, 32, &n) == DNS_LOOKUP_FOUND);
	CHECK(n == 1 && !strcmp(rr[0]->target, "web.shop.svc.cluster.local"));
	/* Headless: ready (and unset) endpoints only; hostnames or dashed addresses. */
	CHECK(count(z, "db.shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_FOUND) == 2);
	CHECK(count(z, "db-0.db.shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_FOUND) == 1);
	CHECK(count(z, "10-244-1-6.db.shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_FOUND) == 1);
	CHECK(count(z, "10-244-1-7.db.shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_NXDOMAIN) == 0);
	CHECK(dns_zone_lookup(z, "_pg._tcp.db.shop.svc.cluster.local", DNS_T_SRV, rr, 32, &n) == DNS_LOOKUP_FOUND);
	CHECK(n == 2 && rr[0]->weight == 50);
	/* A headless service without endpoints still exists. */
	CHECK(count(z, "empty.shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_FOUND) == 0);
	/* The slice of another namespace's "db" does not leak in. */
	CHECK(count(z, "10-244-9-9.db.shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_NXDOMAIN) == 0);
	/* ExternalName: a CNAME answers any type. */
	CHECK(dns_zone_lookup(z, "out.shop.svc.cluster.local", DNS_T_A, rr, 32, &n) == DNS_LOOKUP_FOUND);
	CHECK(n == 1 && rr[0]->type == DNS_T_CNAME && !strcmp(rr[0]->target, "db.example.test"));
	/* Pods: running ones only. */
	CHECK(count(z, "10-244-1-5.shop.pod.cluster.local", DNS_T_A, DNS_LOOKUP_FOUND) == 1);
	CHECK(count(z, "10-244-1-8.shop.pod.cluster.local", DNS_T_A, DNS_LOOKUP_NXDOMAIN) == 0);
	/* Empty non-terminals exist (NODATA), unknown names do not, other zones are not ours. */
	CHECK(count(z, "shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_FOUND) == 0);
	CHECK(count(z, "svc.cluster.local", DNS_T_A, DNS_LOOKUP_FOUND) == 0);
	CHECK(count(z, "cluster.local", DNS_T_SOA, DNS_LOOKUP_FOUND) == 1);
	CHECK(count(z, "nope.shop.svc.cluster.local", DNS_T_A, DNS_LOOKUP_NXDOMAIN) == 0);
	CHECK(count(z, "web.nope.svc.cluster.local", DNS_T_A, DNS_LOOKUP_NXDOMAIN) == 0);
	CHECK(count(z, "example.com", DNS_T_A, DNS_LOOKUP_ELSEWHERE) == 0);
	CHECK(count(z, "xcluster.local", DNS_T_A, DNS_LOOKUP_ELSEWHERE) == 0);
	CHECK(count(z, "1.1.168.192.in-addr.arpa", DNS_T_PTR, DNS_LOOKUP_ELSEWHERE) == 0);
	CHECK(count(z, "9.9.96.10.in-addr.arpa", DNS_T_PTR, DNS_LOOKUP_NXDOMAIN) == 0);
	CHECK(count(z, "web.shop.svc.cluster.local", DNS_T_ANY, DNS_LOOKUP_FOUND) == 3);
	dns_zone_free(z);
	/* Names that cannot be encoded stay out of the zone. */
	json_t *svcs = json_loads("[{\"metadata\":{\"name\":\"e\",\"namespace\":\"n\"},\"spec\":{\"type\":"
				  "\"ExternalName\",\"externalName\":\"a..b\"}}]", 0, NULL);
	z = dns_zone_build("cluster.local", svcs, NULL, NULL);
	CHECK(count(z, "e.n.svc.cluster.local", DNS_T_A, DNS_LOOKUP_NXDOMAIN) == 0);
	dns_zone_free(z);
	json_decref(svcs);
	CHECK(dns_name_ok("a.b") && dns_name_ok("") && !dns_name_ok("a..b") && !dns_name_ok("a.") && !dns_name_ok(".a"));
}

static void test_answer(void)
{
	struct dns_zone *z = zone();
	uint8_t q[600], out[65536];
	size_t n, len;

	n = mkquery(q, "WEB.shop.svc.cluster.local", DNS_T_A, false);
	CHECK(dns_answer(z, q, n, true, out, sizeof(out), &len) == DNS_REPLY);
	CHECK(u16(out) == 0x1234 && (u16(out + 2) & 0x800f) == 0x8000 && (u16(out + 2) & DNS_F_AA));
	CHECK(u16(out + 2) & DNS_F_RD);
	CHECK(u16(out + 4) == 1 && u16(out + 6) == 1 && u16(out + 8) == 0);
	/* The question comes back as asked, the answer points at it, then the address. */
	CHECK(!memcmp(out + 12, q + 12, n - 12));
	CHECK(u16(out + n) == 0xc00c && u16(out + n + 2) == DNS_T_A && out[len - 1] == 20);
	/* NXDOMAIN and NODATA carry the SOA. */
	n = mkquery(q, "missing.shop.svc.cluster.local", DNS_T_A, true);
	CHECK(dns_answer(z, q, n, true, out, sizeof(out), &len) == DNS_REPLY);
	CHECK((u16(out + 2) & 0xf) == DNS_R_NXDOMAIN && u16(out + 6) == 0 && u16(out + 8) == 1);
	CHECK(u16(out + 10) == 1); /* our OPT */
	n = mkquery(q, "web.shop.svc.cluster.local", DNS_T_AAAA, false);
	CHECK(dns_answer(z, q, n, true, out, sizeof(out), &len) == DNS_REPLY);
	CHECK((u16(out + 2) & 0xf) == DNS_R_NOERROR && u16(out + 6) == 0 && u16(out + 8) == 1);
	/* SRV targets' addresses come as additional records. */
	n = mkquery(q, "_pg._tcp.db.shop.svc.cluster.local", DNS_T_SRV, false);
	CHECK(dns_answer(z, q, n, true, out, sizeof(out), &len) == DNS_REPLY);
	CHECK(u16(out + 6) == 2 && u16(out + 10) == 2);
	/* Not ours: forward; without a zone, cluster names are SERVFAIL. */
	n = mkquery(q, "example.com", DNS_T_A, false);
	CHECK(dns_answer(z, q, n, true, out, sizeof(out), &len) == DNS_FORWARD);
	CHECK(dns_answer(NULL, q, n, true, out, sizeof(out), &len) == DNS_FORWARD);
	n = mkquery(q, "web.shop.svc.cluster.local", DNS_T_A, false);
	CHECK(dns_answer(NULL, q, n, true, out, sizeof(out), &len) == DNS_REPLY);
	CHECK((u16(out + 2) & 0xf) == DNS_R_SERVFAIL);
	/* Garbage: FORMERR when the header reads, else nothing. */
	CHECK(dns_answer(z, q, 5, true, out, sizeof(out), &len) == DNS_DROP);
	CHECK(dns_answer(z, q, 14, true, out, sizeof(out), &len) == DNS_REPLY);
	CHECK((u16(out + 2) & 0xf) == DNS_R_FORMERR && u16(out + 4) == 0);
	CHECK(dns_error_reply(q, n, DNS_R_REFUSED, out, sizeof(out)) == n);
	CHECK((u16(out + 2) & 0xf) == DNS_R_REFUSED);
	dns_zone_free(z);
}

/* A headless service with 200 endpoints: too big for 512 bytes of UDP, fine over TCP. */
static void test_truncation(void)
{
	json_t *svcs = json_loads("[{\"metadata\":{\"name\":\"big\",\"namespace\":\"n\"},"
				  "\"spec\":{\"clusterIP\":\"None\"}}]", 0, NULL);
	json_t *eps = json_array();
	for (int i = 0; i < 200; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "10.244.%d.%d", i / 250, i % 250 + 1);
		json_array_append_new(eps, json_pack("{s:[s]}", "addresses", ip));
	}
	json_t *slices = json_pack("[{s:{s:s,s:s,s:{s:s}},s:s,s:o}]", "metadata", "name", "big-1", "namespace",
				   "n", "labels", "kubernetes.io/service-name", "big", "addressType", "IPv4",
				   "endpoints", eps);
	struct dns_zone *z = dns_zone_build("cluster.local", svcs, slices, NULL);
	uint8_t q[600], out[65536];
	size_t n = mkquery(q, "big.n.svc.cluster.local", DNS_T_A, false), len;

	CHECK(dns_answer(z, q, n, true, out, sizeof(out), &len) == DNS_REPLY);
	CHECK(len <= 512 && (u16(out + 2) & DNS_F_TC) && u16(out + 6) == 0);
	CHECK(dns_answer(z, q, n, false, out, sizeof(out), &len) == DNS_REPLY);
	CHECK(!(u16(out + 2) & DNS_F_TC) && u16(out + 6) == 128); /* capped per answer */
	dns_zone_free(z);
	json_decref(svcs);
	json_decref(slices);
}

static void test_upstreams(void)
{
	char path[] = "/tmp/atoll-resolv-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "# comment\nsearch example.test\nnameserver 192.0.2.1\nnameserver ::1\n"
			   "nameserver 10.96.0.10\nnameserver 0.0.0.0\n  nameserver 192.0.2.2 \n"
			   "nameserver 192.0.2.3\nnameserver 192.0.2.4\nnameserverx 192.0.2.9\n";
	struct dns_upstreams u;
	uint32_t skip;

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	inet_pton(AF_INET, "10.96.0.10", &skip);
	dns_upstreams_load(&u, path, &skip, 1);
	CHECK(u.n == 3);
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &u.ip[0], ip, sizeof(ip));
	CHECK_STR(ip, "192.0.2.1");
	inet_ntop(AF_INET, &u.ip[2], ip, sizeof(ip));
	CHECK_STR(ip, "192.0.2.3");
	unlink(path);
	dns_upstreams_load(&u, "/nonexistent/resolv.conf", NULL, 0);
	CHECK(u.n == 0);
}

int main(void)
{
	test_parse();
	test_read_name_pointers();
	test_zone();
	test_answer();
	test_truncation();
	test_upstreams();
	return T_DONE();
}
