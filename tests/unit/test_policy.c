/* SPDX-License-Identifier: Apache-2.0 */
/* The NetworkPolicy compiler: Kubernetes' semantics, one nftables rule at a time. */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "net/policy.h"
#include "t.h"

/*
 * Pods: a (team-a, app=web, ports http=80 alt=8080), a2 (team-a, app=web, http=8000),
 * b (team-b, app=client), c (team-c, on node n2), d (team-a, Failed), h (host network).
 */
static const char *pods =
	"[{\"metadata\":{\"name\":\"a\",\"namespace\":\"team-a\",\"labels\":{\"app\":\"web\"},"
	"  \"uid\":\"6f0c1e2a-93b4-4c55-8d01-aabbccddeeff\"},"
	"  \"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"ports\":[{\"name\":\"http\",\"containerPort\":80},"
	"   {\"name\":\"alt\",\"containerPort\":8080},{\"name\":\"dns\",\"containerPort\":53,\"protocol\":\"UDP\"}]}]},"
	"  \"status\":{\"podIP\":\"10.244.0.2\",\"phase\":\"Running\"}},"
	" {\"metadata\":{\"name\":\"a2\",\"namespace\":\"team-a\",\"labels\":{\"app\":\"web\"}},"
	"  \"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"ports\":[{\"name\":\"http\",\"containerPort\":8000}]}]},"
	"  \"status\":{\"podIP\":\"10.244.0.6\",\"phase\":\"Running\"}},"
	" {\"metadata\":{\"name\":\"b\",\"namespace\":\"team-b\",\"labels\":{\"app\":\"client\"}},"
	"  \"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\"}]},\"status\":{\"podIP\":\"10.244.0.3\"}},"
	" {\"metadata\":{\"name\":\"c\",\"namespace\":\"team-c\",\"labels\":{\"app\":\"client\"},\"uid\":\"c0ffee00-0000\"},"
	"  \"spec\":{\"nodeName\":\"n2\",\"containers\":[{\"name\":\"c\",\"ports\":[{\"name\":\"http\",\"containerPort\":81}]}]},"
	"  \"status\":{\"podIP\":\"10.244.1.4\"}},"
	" {\"metadata\":{\"name\":\"d\",\"namespace\":\"team-a\",\"labels\":{\"app\":\"web\"}},"
	"  \"spec\":{\"nodeName\":\"n1\"},\"status\":{\"podIP\":\"10.244.0.9\",\"phase\":\"Failed\"}},"
	" {\"metadata\":{\"name\":\"h\",\"namespace\":\"team-a\",\"labels\":{\"app\":\"web\"},\"uid\":\"beef\"},"
	"  \"spec\":{\"nodeName\":\"n1\",\"hostNetwork\":true},\"status\":{\"podIP\":\"192.168.0.10\"}},"
	" {\"metadata\":{\"name\":\"x\",\"namespace\":\"team-a\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeName\":\"n1\"}}]";

static const char *namespaces =
	"[{\"metadata\":{\"name\":\"team-a\",\"labels\":{\"env\":\"prod\"}}},"
	" {\"metadata\":{\"name\":\"team-b\",\"labels\":{\"team\":\"b\",\"env\":\"prod\"}}},"
	" {\"metadata\":{\"name\":\"team-c\"}}]";

/* Compile with the given policies (a JSON array); returns owned text or NULL. */
static char *compile(const char *policies)
{
	json_error_t je;
	json_t *in = json_pack("{s:s,s:o,s:o,s:o}", "node", "n1", "pods", json_loads(pods, 0, &je), "namespaces",
			       json_loads(namespaces, 0, &je), "networkPolicies", json_loads(policies, 0, &je));
	struct atoll_err err = ERR_INIT;
	CHECK(in != NULL);
	char *out = policy_compile(in, &err);
	json_decref(in);
	return out;
}

static bool has(const char *text, const char *line)
{
	bool ok = text && strstr(text, line);
	if (!ok)
		fprintf(stderr, "missing: %s\n--- in ---\n%s\n", line, text ? text : "(null)");
	return ok;
}

static void test_no_policies(void)
{
	char *t = compile("[]");
	/* Source checks at the bridge port of local pod-network pods (veth "atl" + 12 hex digits of the uid). */
	CHECK(has(t, "table bridge atoll-policy\ndelete table bridge atoll-policy\ntable bridge atoll-policy {\n"));
	CHECK(has(t, "\t\tiifname \"atl6f0c1e2a93b4\" ether type ip ip saddr != 10.244.0.2 drop\n"));
	CHECK(has(t, "\t\tiifname \"atl6f0c1e2a93b4\" ether type arp arp saddr ip != { 0.0.0.0, 10.244.0.2 } drop\n"));
	CHECK(!strstr(t, "10.244.1.4 drop") && !strstr(t, "192.168.0.10 drop"));
	CHECK(has(t, "table inet atoll-policy\ndelete table inet atoll-policy\ntable inet atoll-policy {\n"));
	CHECK(has(t, "type filter hook forward priority filter; policy accept;"));
	CHECK(has(t, "ct state established,related accept"));
	CHECK(!strstr(t, "jump"));
	free(t);
}

static void test_ingress_from_namespace_on_port(void)
{
	char *t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-a\"},\"spec\":{"
			  "\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},"
			  "\"ingress\":[{\"from\":[{\"namespaceSelector\":{\"matchLabels\":{\"team\":\"b\"}}}],"
			  "\"ports\":[{\"protocol\":\"TCP\",\"port\":80}]}]}}]");
	/* Local, running, pod-network pods of team-a with app=web: a and a2 (not d, h, x, nor c). */
	CHECK(has(t, "\t\tip daddr { 10.244.0.2, 10.244.0.6 } jump ingress\n"));
	CHECK(has(t, "\t\tip daddr { 10.244.0.2, 10.244.0.6 } ip saddr 10.244.0.3 meta l4proto tcp th dport 80 "
		     "accept comment \"team-a/p ingress[0]\"\n"));
	CHECK(!strstr(t, "jump egress"));
	CHECK(has(t, "\t\tcounter drop\n\t}\n}\n"));
	free(t);
}

static void test_pod_and_namespace_selector_together(void)
{
	/* Both in one peer: pods labelled app=client in namespaces with env=prod (b only). */
	char *t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-a\"},\"spec\":{\"podSelector\":{},"
			  "\"ingress\":[{\"from\":[{\"namespaceSelector\":{\"matchLabels\":{\"env\":\"prod\"}},"
			  "\"podSelector\":{\"matchLabels\":{\"app\":\"client\"}}}]}]}}]");
	CHECK(has(t, "ip daddr { 10.244.0.2, 10.244.0.6 } ip saddr 10.244.0.3 accept"));
	free(t);
	/* Two peers: a podSelector alone means the policy's namespace. */
	t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-a\"},\"spec\":{\"podSelector\":{},"
		    "\"ingress\":[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"client\"}}},"
		    "{\"namespaceSelector\":{\"matchExpressions\":[{\"key\":\"kubernetes.io/metadata.name\","
		    "\"operator\":\"In\",\"values\":[\"team-c\"]}]}}]}]}}]");
	CHECK(has(t, "ip daddr { 10.244.0.2, 10.244.0.6 } ip saddr 10.244.1.4 accept"));
	CHECK(!strstr(t, "10.244.0.3 accept"));
	free(t);
}

static void test_named_ports(void)
{
	/* "http" is 80 in a and 8000 in a2: one rule per number, each for its pods. */
	char *t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-a\"},\"spec\":{"
			  "\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},\"ingress\":[{\"ports\":[{\"port\":\"http\"},"
			  "{\"port\":\"dns\",\"protocol\":\"UDP\"},{\"port\":\"nope\"}]}]}}]");
	CHECK(has(t, "\t\tip daddr 10.244.0.2 meta l4proto tcp th dport 80 accept"));
	CHECK(has(t, "\t\tip daddr 10.244.0.6 meta l4proto tcp th dport 8000 accept"));
	CHECK(has(t, "\t\tip daddr 10.244.0.2 meta l4proto udp th dport 53 accept"));
	free(t);
	/* Egress to a named port: resolved in the destination pods. */
	t = compile("[{\"metadata\":{\"name\":\"e\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
		    "\"policyTypes\":[\"Egress\"],\"egress\":[{\"to\":[{\"namespaceSelector\":{}}],"
		    "\"ports\":[{\"port\":\"http\"}]}]}}]");
	CHECK(has(t, "\t\tip saddr 10.244.0.3 jump egress\n"));
	CHECK(has(t, "\t\tip saddr 10.244.0.3 ip daddr 10.244.0.2 meta l4proto tcp th dport 80 return"));
	CHECK(has(t, "\t\tip saddr 10.244.0.3 ip daddr 10.244.0.6 meta l4proto tcp th dport 8000 return"));
	CHECK(has(t, "\t\tip saddr 10.244.0.3 ip daddr 10.244.1.4 meta l4proto tcp th dport 81 return"));
	free(t);
}

static void test_ports_ranges_protocols(void)
{
	char *t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
			  "\"ingress\":[{\"ports\":[{\"port\":80},{\"port\":8000,\"endPort\":8100},{\"port\":443},"
			  "{\"protocol\":\"UDP\"},{\"protocol\":\"SCTP\",\"port\":9},{\"protocol\":\"ICMP\",\"port\":1}]}]}}]");
	CHECK(has(t, "ip daddr 10.244.0.3 meta l4proto tcp th dport { 80, 8000-8100, 443 } accept"));
	CHECK(has(t, "ip daddr 10.244.0.3 meta l4proto udp accept"));
	CHECK(has(t, "ip daddr 10.244.0.3 meta l4proto sctp th dport 9 accept"));
	CHECK(!strstr(t, "icmp"));
	free(t);
}

static void test_ipblock(void)
{
	char *t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
			  "\"policyTypes\":[\"Ingress\",\"Egress\"],"
			  "\"ingress\":[{\"from\":[{\"ipBlock\":{\"cidr\":\"172.17.5.9/16\",\"except\":[\"172.17.1.0/24\","
			  "\"172.17.2.0/24\"]}},{\"ipBlock\":{\"cidr\":\"fd00::/8\"}}]}],"
			  "\"egress\":[{\"to\":[{\"ipBlock\":{\"cidr\":\"0.0.0.0/0\"}}],\"ports\":[{\"port\":53,\"protocol\":\"UDP\"}]}]}}]");
	CHECK(has(t, "ip daddr 10.244.0.3 ip saddr 172.17.0.0/16 ip saddr != { 172.17.1.0/24, 172.17.2.0/24 } accept"));
	CHECK(!strstr(t, "fd00"));
	CHECK(has(t, "ip saddr 10.244.0.3 ip daddr 0.0.0.0/0 meta l4proto udp th dport 53 return"));
	CHECK(has(t, "\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n"
		     "\t\tct state established,related accept\n\t\tip saddr 10.244.0.3 jump egress\n"));
	free(t);
}

static void test_policy_types(void)
{
	/* Without policyTypes: Ingress, plus Egress when egress rules exist. */
	char *t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
			  "\"egress\":[{}]}}]");
	CHECK(has(t, "ip daddr 10.244.0.3 jump ingress"));
	CHECK(has(t, "ip saddr 10.244.0.3 jump egress"));
	CHECK(has(t, "\t\tip saddr 10.244.0.3 return comment"));
	free(t);
	t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
		    "\"egress\":[]}}]");
	CHECK(!strstr(t, "jump egress"));
	free(t);
	/* Egress only: ingress stays open. */
	t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
		    "\"policyTypes\":[\"Egress\"]}}]");
	CHECK(!strstr(t, "jump ingress") && strstr(t, "jump egress"));
	free(t);
}

static void test_isolation_without_allows(void)
{
	/* Deny all: isolated, no allow; a peer that matches no pod allows nothing either. */
	char *t = compile("[{\"metadata\":{\"name\":\"deny\",\"namespace\":\"team-a\"},\"spec\":{\"podSelector\":{}}},"
			  "{\"metadata\":{\"name\":\"none\",\"namespace\":\"team-a\"},\"spec\":{\"podSelector\":{},"
			  "\"ingress\":[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"ghost\"}}}]}]}}]");
	CHECK(has(t, "ip daddr { 10.244.0.2, 10.244.0.6 } jump ingress"));
	CHECK(has(t, "\tchain ingress {\n\t\tcounter drop\n\t}\n"));
	free(t);
	/* A policy selecting no local pod isolates nothing. */
	t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-c\"},\"spec\":{\"podSelector\":{}}}]");
	CHECK(!strstr(t, "jump"));
	free(t);
	/* An empty rule allows everything. */
	t = compile("[{\"metadata\":{\"name\":\"all\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
		    "\"ingress\":[{}]}}]");
	CHECK(has(t, "\t\tip daddr 10.244.0.3 accept comment \"team-b/all ingress[0]\"\n"));
	free(t);
}

static void test_deterministic_and_bad_input(void)
{
	const char *p1 = "{\"metadata\":{\"name\":\"p1\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
			 "\"ingress\":[{\"ports\":[{\"port\":1}]}]}}";
	const char *p2 = "{\"metadata\":{\"name\":\"p2\",\"namespace\":\"team-a\"},\"spec\":{\"podSelector\":{},"
			 "\"ingress\":[{\"ports\":[{\"port\":2}]}]}}";
	_cleanup_free_ char *a = xasprintf("[%s,%s]", p1, p2), *b = xasprintf("[%s,%s]", p2, p1);
	char *ta = compile(a), *tb = compile(b);
	CHECK(ta && tb && !strcmp(ta, tb));
	free(ta);
	free(tb);
	struct atoll_err err = ERR_INIT;
	json_t *bad = json_pack("{s:i}", "pods", 3);
	CHECK(policy_compile(bad, &err) == NULL && err.code == 422);
	json_decref(bad);
	bad = json_array();
	CHECK(policy_compile(bad, &err) == NULL);
	json_decref(bad);
	/* A policy with a broken selector in a peer allows nothing but still isolates. */
	char *t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
			  "\"ingress\":[{\"from\":[{\"podSelector\":{\"matchExpressions\":[{\"key\":\"a\","
			  "\"operator\":\"Bogus\"}]}}]}]}}]");
	CHECK(has(t, "ip daddr 10.244.0.3 jump ingress"));
	CHECK(has(t, "\tchain ingress {\n\t\tcounter drop\n"));
	free(t);
	/* So do peers or ports that are not lists. */
	t = compile("[{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-b\"},\"spec\":{\"podSelector\":{},"
		    "\"ingress\":[{\"from\":{\"podSelector\":{}}},{\"ports\":\"80\"}]}}]");
	CHECK(has(t, "\tchain ingress {\n\t\tcounter drop\n"));
	free(t);
}

int main(void)
{
	test_no_policies();
	test_ingress_from_namespace_on_port();
	test_pod_and_namespace_selector_together();
	test_named_ports();
	test_ports_ranges_protocols();
	test_ipblock();
	test_policy_types();
	test_isolation_without_allows();
	test_deterministic_and_bad_input();
	return T_DONE();
}
