/* SPDX-License-Identifier: Apache-2.0 */
/* Scheduler fit predicates: requests, selectors, affinity, taints, anti-affinity, messages. */
#include <jansson.h>

#include "controllers/sched_fit.h"
#include "t.h"

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, 0, &e);

	if (!v)
		fprintf(stderr, "bad test JSON: %s: %s\n", e.text, s);
	return v;
}

static void test_requests(void)
{
	json_t *pod = J("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"64Mi\"}}},"
			"{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}],"
			"\"initContainers\":[{\"resources\":{\"requests\":{\"cpu\":\"2\",\"memory\":\"1Mi\"}}}]}}");
	struct sched_res r;

	sched_pod_requests(pod, &r);
	CHECK(r.cpu_milli == 2000); /* the init container's 2 cpus outweigh 1.25 */
	CHECK(r.mem_bytes == 64 << 20);
	CHECK(r.pods == 1);
	json_decref(pod);

	json_t *node = J("{\"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"1Gi\",\"pods\":\"3\"}}}");
	sched_node_allocatable(node, &r);
	CHECK(r.cpu_milli == 4000 && r.mem_bytes == 1 << 30 && r.pods == 3);
	json_decref(node);
}

static void test_fit_resources(void)
{
	json_t *node = J("{\"metadata\":{\"name\":\"n\"},\"status\":{\"allocatable\":{\"cpu\":\"2\",\"memory\":\"1Gi\",\"pods\":\"2\"}}}");
	json_t *pod = J("{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1500m\",\"memory\":\"512Mi\"}}}]}}");
	json_t *free_pod = J("{\"spec\":{\"containers\":[{}]}}");
	struct sched_res used = { 0 };

	CHECK(sched_fit(pod, node, &used, NULL, 0, NULL, 0) == SCHED_FIT);
	used.cpu_milli = 600;
	CHECK(sched_fit(pod, node, &used, NULL, 0, NULL, 0) == SCHED_CPU);
	used.cpu_milli = 500;
	CHECK(sched_fit(pod, node, &used, NULL, 0, NULL, 0) == SCHED_FIT);
	used.mem_bytes = 600 << 20;
	CHECK(sched_fit(pod, node, &used, NULL, 0, NULL, 0) == SCHED_MEMORY);
	/* A pod with no requests always fits resources, but not past the pod count. */
	used.cpu_milli = 2000;
	used.pods = 1;
	CHECK(sched_fit(free_pod, node, &used, NULL, 0, NULL, 0) == SCHED_FIT);
	used.pods = 2;
	CHECK(sched_fit(free_pod, node, &used, NULL, 0, NULL, 0) == SCHED_PODS);
	json_decref(node);
	json_decref(pod);
	json_decref(free_pod);
}

static void test_selectors(void)
{
	json_t *node = J("{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"ssd\",\"cores\":\"8\"}}}");
	struct sched_res used = { 0 };
	json_t *p;

	p = J("{\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"}}}");
	CHECK(sched_node_matches(p, node));
	json_decref(p);
	p = J("{\"spec\":{\"nodeSelector\":{\"disk\":\"hdd\"}}}");
	CHECK(!sched_node_matches(p, node));
	CHECK(sched_fit(p, node, &used, NULL, 0, NULL, 0) == SCHED_SELECTOR);
	json_decref(p);
	/* Terms are ORed; expressions within a term ANDed. */
	p = J("{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	      "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"disk\",\"operator\":\"In\",\"values\":[\"hdd\"]}]},"
	      "{\"matchExpressions\":[{\"key\":\"cores\",\"operator\":\"Gt\",\"values\":[\"4\"]},"
	      "{\"key\":\"gpu\",\"operator\":\"DoesNotExist\"}]}]}}}}}");
	CHECK(sched_node_matches(p, node));
	json_decref(p);
	p = J("{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	      "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"cores\",\"operator\":\"Lt\",\"values\":[\"4\"]}]},"
	      "{\"matchExpressions\":[{\"key\":\"disk\",\"operator\":\"NotIn\",\"values\":[\"ssd\"]}]}]}}}}}");
	CHECK(!sched_node_matches(p, node));
	json_decref(p);
	p = J("{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	      "{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n1\"]}]}]}}}}}");
	CHECK(sched_node_matches(p, node));
	json_decref(p);
	/* An empty term list matches no node. */
	p = J("{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
	      "{\"nodeSelectorTerms\":[{}]}}}}}");
	CHECK(!sched_node_matches(p, node));
	json_decref(p);
	json_decref(node);
}

static void test_taints(void)
{
	json_t *node = J("{\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"value\":\"db\",\"effect\":\"NoSchedule\"},"
			 "{\"key\":\"soft\",\"effect\":\"PreferNoSchedule\"}]}}");
	json_t *unsched = J("{\"spec\":{\"unschedulable\":true}}");
	struct sched_res used = { 0 };
	json_t *p;

	p = J("{\"spec\":{}}");
	CHECK(!sched_taints_ok(p, node));
	CHECK(sched_fit(p, node, &used, NULL, 0, NULL, 0) == SCHED_TAINT);
	CHECK(sched_fit(p, unsched, &used, NULL, 0, NULL, 0) == SCHED_UNSCHEDULABLE);
	json_decref(p);
	p = J("{\"spec\":{\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"db\",\"effect\":\"NoSchedule\"}]}}");
	CHECK(sched_taints_ok(p, node));
	json_decref(p);
	p = J("{\"spec\":{\"tolerations\":[{\"key\":\"dedicated\",\"value\":\"web\"}]}}");
	CHECK(!sched_taints_ok(p, node));
	json_decref(p);
	p = J("{\"spec\":{\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\"}]}}");
	CHECK(sched_taints_ok(p, node));
	json_decref(p);
	p = J("{\"spec\":{\"tolerations\":[{\"operator\":\"Exists\"}]}}");
	CHECK(sched_taints_ok(p, node));
	json_decref(p);
	p = J("{\"spec\":{\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]}}");
	CHECK(!sched_taints_ok(p, node));
	json_decref(p);
	json_decref(node);
	json_decref(unsched);
}

static void test_anti_affinity(void)
{
	json_t *p = J("{\"metadata\":{\"namespace\":\"a\"},\"spec\":{\"affinity\":{\"podAntiAffinity\":"
		      "{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{\"matchLabels\":"
		      "{\"app\":\"db\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}}}");
	json_t *same = J("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"db\"}}}");
	json_t *other_ns = J("{\"metadata\":{\"namespace\":\"b\",\"labels\":{\"app\":\"db\"}}}");
	json_t *other = J("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"web\"}}}");
	const json_t *on_node[2];

	on_node[0] = other;
	on_node[1] = other_ns;
	CHECK(sched_anti_affinity_ok(p, on_node, 2));
	on_node[1] = same;
	CHECK(!sched_anti_affinity_ok(p, on_node, 2));
	json_t *node = J("{\"metadata\":{\"name\":\"n\"}}");
	struct sched_res used = { 0 };
	CHECK(sched_fit(p, node, &used, on_node, 2, NULL, 0) == SCHED_ANTI_AFFINITY);
	json_decref(node);
	json_decref(p);
	json_decref(same);
	json_decref(other_ns);
	json_decref(other);
}

static void test_symmetric_anti_affinity_and_affinity(void)
{
	json_t *incoming = J("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"web\"}},\"spec\":{}}");
	json_t *picky = J("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"db\"}},\"spec\":{\"affinity\":"
			  "{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":"
			  "{\"matchLabels\":{\"app\":\"web\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}}}");
	const json_t *on_node[1] = { picky };

	/* The pod already there refuses web pods, though the web pod has no rules of its own. */
	CHECK(!sched_anti_affinity_ok(incoming, on_node, 1));
	json_decref(incoming);

	json_t *follower = J("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"cache\"}},\"spec\":{\"affinity\":"
			     "{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":"
			     "{\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}}}");
	json_t *self = J("{\"metadata\":{\"namespace\":\"a\",\"labels\":{\"app\":\"db\"}},\"spec\":{\"affinity\":"
			 "{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":"
			 "{\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}}}}");
	const json_t *all[1] = { picky };
	CHECK(sched_affinity_ok(follower, on_node, 1, all, 1));  /* a db pod is on this node */
	CHECK(!sched_affinity_ok(follower, NULL, 0, all, 1));    /* not on this one */
	CHECK(!sched_affinity_ok(follower, NULL, 0, NULL, 0));   /* no db anywhere, and it is no db */
	CHECK(sched_affinity_ok(self, NULL, 0, NULL, 0));        /* first of its own group */
	CHECK(!sched_affinity_ok(self, NULL, 0, all, 1));        /* the group exists elsewhere */
	json_t *node = J("{\"metadata\":{\"name\":\"n\"}}");
	struct sched_res used = { 0 };
	CHECK(sched_fit(follower, node, &used, NULL, 0, all, 1) == SCHED_AFFINITY);
	json_decref(node);
	json_decref(follower);
	json_decref(self);
	json_decref(picky);
}

static void test_message(void)
{
	int counts[SCHED_NREASONS] = { 0 };
	char msg[256];

	counts[SCHED_CPU] = 2;
	counts[SCHED_SELECTOR] = 1;
	sched_fail_message(counts, 3, msg, sizeof(msg));
	CHECK_STR(msg, "0/3 nodes are available: 2 Insufficient cpu, "
		       "1 node(s) didn't match Pod's node affinity/selector.");
	int none[SCHED_NREASONS] = { 0 };
	sched_fail_message(none, 0, msg, sizeof(msg));
	CHECK_STR(msg, "0/0 nodes are available: no nodes available to schedule pods.");
}

int main(void)
{
	test_requests();
	test_fit_resources();
	test_selectors();
	test_taints();
	test_anti_affinity();
	test_symmetric_anti_affinity_and_affinity();
	test_message();
	return T_DONE();
}
