/* SPDX-License-Identifier: Apache-2.0 */
/* Per-container cgroup settings from a container's resources, and the scheduler's volume node affinity. */
#include <jansson.h>

#include "agent/resources.h"
#include "controllers/sched_fit.h"
#include "controllers/sched_volumes.h"
#include "lib/xalloc.h"
#include "t.h"

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, 0, &e);

	if (!v)
		fprintf(stderr, "bad test JSON: %s: %s\n", e.text, s);
	return v;
}

static long long num(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return v ? (long long)json_integer_value(v) : -1;
}

static void test_container_cgroup(void)
{
	json_t *c = J("{\"resources\":{\"limits\":{\"memory\":\"32Mi\",\"cpu\":\"500m\"},\"requests\":{\"cpu\":\"100m\"}}}");
	json_t *r = res_ctr_cgroup(c);
	CHECK(num(r, "memory") == 32 << 20);
	CHECK(num(r, "cpu_milli") == 500);
	CHECK(num(r, "cpu_shares") == 102); /* 100m of 1024 shares per cpu */
	CHECK(res_ctr_limit(c, "cpu") == 500 && res_ctr_limit(c, "memory") == 32 << 20);
	json_decref(r);
	json_decref(c);

	/* Requests default to limits; nothing at all is the kubelet's minimum of 2 shares. */
	c = J("{\"resources\":{\"limits\":{\"cpu\":\"2\"}}}");
	r = res_ctr_cgroup(c);
	CHECK(num(r, "memory") == -1 && num(r, "cpu_milli") == 2000 && num(r, "cpu_shares") == 2048);
	json_decref(r);
	json_decref(c);
	c = J("{\"name\":\"x\"}");
	r = res_ctr_cgroup(c);
	CHECK(num(r, "memory") == -1 && num(r, "cpu_milli") == -1 && num(r, "cpu_shares") == 2);
	CHECK(res_ctr_limit(c, "memory") == 0);
	json_decref(r);
	json_decref(c);
	/* A bad quantity is no limit. */
	c = J("{\"resources\":{\"limits\":{\"memory\":\"lots\"}}}");
	CHECK(res_ctr_limit(c, "memory") == 0);
	json_decref(c);
}

static void add(struct ctl_list *l, const char *json)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct ctl_obj){ xstrdup("k"), J(json), 1 };
}

static void test_volume_node_affinity(void)
{
	struct sched_vols v = { .loaded = true };
	json_t *a = J("{\"metadata\":{\"name\":\"host-a\",\"labels\":{\"kubernetes.io/hostname\":\"host-a\"}}}");
	json_t *b = J("{\"metadata\":{\"name\":\"host-b\",\"labels\":{\"kubernetes.io/hostname\":\"host-b\"}}}");
	json_t *pod = J("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"volumes\":["
			"{\"name\":\"d\",\"persistentVolumeClaim\":{\"claimName\":\"data\"}},"
			"{\"name\":\"e\",\"ephemeral\":{}}]}}");
	json_t *plain = J("{\"metadata\":{\"name\":\"q\",\"namespace\":\"ns\"},\"spec\":{\"volumes\":[{\"name\":\"t\",\"emptyDir\":{}}]}}");

	add(&v.pvcs, "{\"metadata\":{\"name\":\"data\",\"namespace\":\"ns\"},\"spec\":{\"volumeName\":\"pv1\"}}");
	add(&v.pvcs, "{\"metadata\":{\"name\":\"p-e\",\"namespace\":\"ns\"},\"spec\":{\"volumeName\":\"pv2\"}}");
	add(&v.pvs, "{\"metadata\":{\"name\":\"pv1\"},\"spec\":{\"nodeAffinity\":{\"required\":{\"nodeSelectorTerms\":"
		    "[{\"matchExpressions\":[{\"key\":\"kubernetes.io/hostname\",\"operator\":\"In\",\"values\":[\"host-a\"]}]}]}}}}");
	add(&v.pvs, "{\"metadata\":{\"name\":\"pv2\"},\"spec\":{}}");
	CHECK(sched_pod_has_claims(pod));
	CHECK(!sched_pod_has_claims(plain));
	CHECK(sched_volumes_fit(&v, pod, a));
	CHECK(!sched_volumes_fit(&v, pod, b));
	CHECK(sched_volumes_fit(&v, plain, b));
	/* The ephemeral volume's claim (<pod>-<volume>) counts too. */
	json_decref(v.pvs.v[1].obj);
	v.pvs.v[1].obj = J("{\"metadata\":{\"name\":\"pv2\"},\"spec\":{\"nodeAffinity\":{\"required\":{\"nodeSelectorTerms\":"
			   "[{\"matchExpressions\":[{\"key\":\"kubernetes.io/hostname\",\"operator\":\"In\",\"values\":[\"host-b\"]}]}]}}}}");
	CHECK(!sched_volumes_fit(&v, pod, a) && !sched_volumes_fit(&v, pod, b));

	int counts[SCHED_NREASONS] = { 0 };
	char msg[256];
	counts[SCHED_VOLUME_NODE] = 1;
	sched_fail_message(counts, 1, msg, sizeof(msg));
	CHECK_STR(msg, "0/1 nodes are available: 1 node(s) didn't match PersistentVolume's node affinity.");
	sched_vols_free(&v);
	json_decref(a);
	json_decref(b);
	json_decref(pod);
	json_decref(plain);
}

int main(void)
{
	test_container_cgroup();
	test_volume_node_affinity();
	return T_DONE();
}
