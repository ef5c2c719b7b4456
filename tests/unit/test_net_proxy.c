/* SPDX-License-Identifier: Apache-2.0 */
/* The service proxy's nftables script (net/proxy_render.c) from Services and EndpointSlices. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/proxy.h"
#include "t.h"

static json_t *j(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, 0, &e);

	if (!v)
		fprintf(stderr, "bad test JSON: %s\n", e.text);
	return v;
}

/* The number of times needle occurs in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static const char *SVCS = "["
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"web\"},"
	" \"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.20\","
	"  \"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"},{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"}]}},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"lb\"},"
	" \"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":\"10.96.0.30\",\"sessionAffinity\":\"ClientIP\","
	"  \"ports\":[{\"port\":8080,\"nodePort\":30080}]},"
	" \"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"10.97.0.2\"}]}}},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"empty\"},"
	" \"spec\":{\"clusterIP\":\"10.96.0.40\",\"ports\":[{\"port\":80}]}},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"np\"},"
	" \"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.41\",\"ports\":[{\"port\":81,\"nodePort\":30081,\"protocol\":\"UDP\"}]}},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"loc\"},"
	" \"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.60\",\"externalTrafficPolicy\":\"Local\","
	"  \"internalTrafficPolicy\":\"Local\",\"ports\":[{\"port\":80,\"nodePort\":30090}]}},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"headless\"},"
	" \"spec\":{\"clusterIP\":\"None\",\"ports\":[{\"port\":80}]}},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"ext\"},"
	" \"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}}"
	"]";

static const char *SLICES = "["
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"web-abc\",\"labels\":{\"kubernetes.io/service-name\":\"web\"}},"
	" \"addressType\":\"IPv4\","
	" \"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"},{\"name\":\"dns\",\"port\":5353,\"protocol\":\"UDP\"}],"
	" \"endpoints\":["
	"  {\"addresses\":[\"10.244.0.5\"],\"conditions\":{\"ready\":true}},"
	"  {\"addresses\":[\"10.244.1.6\"],\"conditions\":{\"ready\":true}},"
	"  {\"addresses\":[\"10.244.0.7\"],\"conditions\":{\"ready\":false}}]},"
	"{\"metadata\":{\"namespace\":\"other\",\"name\":\"web-x\",\"labels\":{\"kubernetes.io/service-name\":\"web\"}},"
	" \"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":9999,\"protocol\":\"TCP\"}],"
	" \"endpoints\":[{\"addresses\":[\"10.244.2.2\"]}]},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"lb-1\",\"labels\":{\"kubernetes.io/service-name\":\"lb\"}},"
	" \"addressType\":\"IPv4\",\"ports\":[{\"port\":8080,\"protocol\":\"TCP\"}],"
	" \"endpoints\":[{\"addresses\":[\"10.244.0.9\"],\"conditions\":{\"ready\":true}}]},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"loc-1\",\"labels\":{\"kubernetes.io/service-name\":\"loc\"}},"
	" \"addressType\":\"IPv4\",\"ports\":[{\"port\":8080,\"protocol\":\"TCP\"}],"
	" \"endpoints\":[{\"addresses\":[\"10.244.0.21\"],\"nodeName\":\"n1\"},"
	"  {\"addresses\":[\"10.244.1.22\"],\"nodeName\":\"n2\"}]},"
	"{\"metadata\":{\"namespace\":\"default\",\"name\":\"headless-1\",\"labels\":{\"kubernetes.io/service-name\":\"headless\"}},"
	" \"addressType\":\"IPv4\",\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}],"
	" \"endpoints\":[{\"addresses\":[\"10.244.0.11\"]}]}"
	"]";

int main(void)
{
	json_t *svcs = j(SVCS), *slices = j(SLICES);
	struct net_proxy_cfg cfg = { "10.244.0.0/16", "10.244.0.0/24", NULL, "n1" };
	char *s = net_proxy_render(svcs, slices, &cfg);

	/* Replaced atomically: created, deleted and filled in one script. */
	CHECK(strncmp(s, "table ip atoll-nat {}\ndelete table ip atoll-nat\ntable ip atoll-nat {\n", 67) == 0);
	CHECK(strstr(s, "type nat hook prerouting priority dstnat;") != NULL);
	CHECK(strstr(s, "type nat hook output priority -100;") != NULL);
	/* Pods leaving the pod range are masqueraded; hairpin and same-bridge service traffic too. */
	CHECK(strstr(s, "ip saddr 10.244.0.0/16 ip daddr != 10.244.0.0/16 oifname != \"atoll0\" masquerade\n"));
	CHECK(strstr(s, "ct status dnat ip saddr 10.244.0.0/24 oifname \"atoll0\" masquerade\n"));

	/* web:http: two ready endpoints (the not-ready one and the other namespace's slice left out). */
	CHECK(strstr(s, "ip daddr 10.96.0.20 tcp dport 80 goto s0 comment \"default/web:80\"\n"));
	CHECK(strstr(s, "numgen random mod 2 vmap { 0 : goto s0e0, 1 : goto s0e1 }"));
	CHECK(strstr(s, "meta l4proto tcp dnat to 10.244.0.5:8080\n"));
	CHECK(strstr(s, "meta l4proto tcp dnat to 10.244.1.6:8080\n"));
	CHECK(!strstr(s, "10.244.0.7"));
	CHECK(!strstr(s, "9999"));
	/* web:dns: UDP, matched to the slice port by name. */
	CHECK(strstr(s, "ip daddr 10.96.0.20 udp dport 53 goto s1 "));
	CHECK(strstr(s, "meta l4proto udp dnat to 10.244.0.5:5353\n"));

	/* lb: ClusterIP, the LoadBalancer IP (marked for masquerade) and the node port. */
	CHECK(strstr(s, "ip daddr 10.96.0.30 tcp dport 8080 goto s2 "));
	CHECK(strstr(s, "ip daddr 10.97.0.2 tcp dport 8080 meta mark set meta mark | 0x4000 goto s2 "));
	CHECK(strstr(s, "fib daddr type local tcp dport 30080 meta mark set meta mark | 0x4000 goto s2 "));
	CHECK(strstr(s, "meta mark & 0x4000 == 0x4000 masquerade\n"));
	/* ClientIP affinity: a remembered client goes to its endpoint first. */
	CHECK(strstr(s, "ip saddr @s2e0a goto s2e0\n"));
	CHECK(strstr(s, "type ipv4_addr; flags dynamic,timeout; timeout 10800s;"));
	CHECK(strstr(s, "update @s2e0a { ip saddr } meta l4proto tcp dnat to 10.244.0.9:8080\n"));

	/* No endpoints: refused (not DNATed); headless and ExternalName: no rules. */
	CHECK(strstr(s, "\tchain no-endpoints {\n\t\tip daddr 10.96.0.40 tcp dport 80 reject comment \"default/empty:80\"\n"));
	CHECK(!strstr(s, "ip daddr 10.96.0.40 tcp dport 80 goto"));
	CHECK(strstr(s, "\t\tip daddr 10.96.0.41 udp dport 81 reject comment \"default/np:81\"\n"));
	CHECK(strstr(s, "policy accept;\n\t\tudp dport 30081 reject comment \"default/np:81\"\n\t}"));
	CHECK(strstr(s, "table inet atoll {}\ndelete table inet atoll\ntable inet atoll {\n"));
	CHECK(strstr(s, "\t\tip daddr 10.96.0.40 tcp dport 80 notrack comment \"default/empty:80\"\n"));
	CHECK(strstr(s, "\t\tfib daddr type local udp dport 30081 notrack comment \"default/np:81\"\n"));
	CHECK(strstr(s, "type filter hook prerouting priority raw; policy accept;\n\t\tjump no-endpoints-untracked\n"));
	CHECK(strstr(s, "type filter hook forward priority filter; policy accept;\n\t\tjump no-endpoints\n"));
	CHECK(!strstr(s, "10.244.0.11"));
	/* Traffic policies Local: only this node's endpoint, and no masquerade of external clients. */
	CHECK(strstr(s, "ip daddr 10.96.0.60 tcp dport 80 goto s5l comment \"default/loc:80\"\n"));
	CHECK(strstr(s, "fib daddr type local tcp dport 30090 goto s5l comment \"default/loc:80\"\n"));
	CHECK(strstr(s, "\tchain s5l {\n\t\tnumgen random mod 1 vmap { 0 : goto s5le0 }\n\t}\n"));
	CHECK(strstr(s, "\tchain s5le0 {\n\t\tmeta l4proto tcp dnat to 10.244.0.21:8080\n"));
	CHECK(strstr(s, "\tchain s5 {\n\t\tnumgen random mod 2 vmap"));
	CHECK(!strstr(s, "goto s5 "));
	if (count(s, "goto s") != 16)
		fputs(s, stderr);
	CHECK(count(s, "goto s") == 3 + 3 + 5 + 5);

	/* hostPorts of the node's pods: on any local address, or the given hostIP. */
	json_t *pods = j("[{\"metadata\":{\"namespace\":\"default\",\"name\":\"hp\"},"
			 "\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":8081},"
			 "{\"containerPort\":53,\"hostPort\":5353,\"protocol\":\"UDP\",\"hostIP\":\"192.168.1.5\"},"
			 "{\"containerPort\":90}]}]},\"status\":{\"podIP\":\"10.244.0.8\",\"phase\":\"Running\"}},"
			 "{\"metadata\":{\"namespace\":\"default\",\"name\":\"done\"},"
			 "\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":8082}]}]},"
			 "\"status\":{\"podIP\":\"10.244.0.9\",\"phase\":\"Succeeded\"}},"
			 "{\"metadata\":{\"namespace\":\"default\",\"name\":\"hostnet\"},"
			 "\"spec\":{\"hostNetwork\":true,\"containers\":[{\"ports\":[{\"containerPort\":8083,"
			 "\"hostPort\":8083}]}]},\"status\":{\"podIP\":\"192.168.1.5\",\"phase\":\"Running\"}}]");
	struct net_proxy_cfg hcfg = { "10.244.0.0/16", "10.244.0.0/24", pods, "n1" };
	char *h = net_proxy_render(svcs, slices, &hcfg);
	CHECK(strstr(h, "\t\tjump hostports\n\t\tjump services\n"));
	CHECK(strstr(h, "\t\tfib daddr type local tcp dport 8081 meta mark set meta mark | 0x4000 dnat to 10.244.0.8:80"
			" comment \"default/hp:8081\"\n"));
	CHECK(strstr(h, "\t\tip daddr 192.168.1.5 udp dport 5353 meta mark set meta mark | 0x4000 dnat to 10.244.0.8:53"));
	CHECK(!strstr(h, "dport 90 ") && !strstr(h, "8082") && !strstr(h, "8083"));
	free(h);
	json_decref(pods);

	/* UDP targets, for forgetting flows to endpoints that went: web:dns and np (none). */
	json_t *udp = net_proxy_udp_targets(svcs, slices);
	CHECK(json_object_size(udp) == 2);
	json_t *dns = json_object_get(udp, "10.96.0.20:53");
	CHECK(json_object_size(dns) == 2 && json_object_get(dns, "10.244.0.5:5353") &&
	      json_object_get(dns, "10.244.1.6:5353"));
	CHECK(json_is_object(json_object_get(udp, "10.96.0.41:81")) &&
	      json_object_size(json_object_get(udp, "10.96.0.41:81")) == 0);
	json_decref(udp);

	/* Local policy with no endpoint on this node: dropped, not sent elsewhere. */
	struct net_proxy_cfg n3 = { "10.244.0.0/16", "10.244.0.0/24", NULL, "n3" };
	char *d = net_proxy_render(svcs, slices, &n3);
	CHECK(strstr(d, "\tchain s5l {\n\t\tdrop\n\t}\n"));
	free(d);

	/* Pure: the same input renders the same text (the proxy skips unchanged syncs). */
	char *again = net_proxy_render(svcs, slices, &cfg);
	CHECK_STR(again, s);
	free(again);

	/* Nothing at all: the base chains only. */
	json_t *none = json_array();
	char *e = net_proxy_render(none, none, NULL);
	CHECK(strstr(e, "\tchain services {\n\t}\n}\n") != NULL);
	CHECK(strstr(e, "\tchain no-endpoints {\n\t}\n}\n") != NULL);
	CHECK(strstr(e, "ct status dnat ip saddr 10.244.0.0/16 oifname") != NULL);
	free(e);
	json_decref(none);

	/* Names are kept to safe characters in comments; a bad address is never rendered. */
	json_t *bad = j("[{\"metadata\":{\"namespace\":\"a\\\"b\",\"name\":\"x\"},"
			"\"spec\":{\"clusterIP\":\"10.96.0.50; flush ruleset\",\"ports\":[{\"port\":1}]}}]");
	json_t *bsl = j("[{\"metadata\":{\"namespace\":\"a\\\"b\",\"labels\":{\"kubernetes.io/service-name\":\"x\"}},"
			"\"ports\":[{\"port\":1}],\"endpoints\":[{\"addresses\":[\"1.2.3.4\"]}]}]");
	e = net_proxy_render(bad, bsl, &cfg);
	CHECK(!strstr(e, "flush"));
	CHECK(!strstr(e, "a\"b"));
	free(e);
	json_decref(bad);
	json_decref(bsl);

	free(s);
	json_decref(svcs);
	json_decref(slices);
	return T_DONE();
}
