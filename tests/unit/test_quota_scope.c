/* SPDX-License-Identifier: Apache-2.0 */
/* ResourceQuota scopes (which pods a quota counts, validation) and resource pool limits from quotas. */
#include <jansson.h>

#include "t.h"
#include "api/kinds_hooks.h"
#include "api/kinds.h"
#include "auth/auth_quota.h"

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j) {
		fprintf(stderr, "bad JSON in test: %s: %s\n", text, e.text);
		exit(2);
	}
	return j;
}

/* Whether the quota whose spec is spec_text covers the pod whose spec is pod_text. */
static bool covers(const char *spec_text, const char *pod_text)
{
	json_t *q = json_pack("{s:o}", "spec", J(spec_text)), *p = json_pack("{s:o}", "spec", J(pod_text));
	bool r = quota_covers(q, "", "pods", p);

	json_decref(q);
	json_decref(p);
	return r;
}

#define BE "{\"containers\":[{\"name\":\"c\"}]}"
#define BURST "{\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]}"
#define INIT_LIMITS "{\"containers\":[{\"name\":\"c\"}],\"initContainers\":[{\"name\":\"i\",\"resources\":{\"limits\":{\"memory\":\"1Gi\"}}}]}"
#define TERM "{\"activeDeadlineSeconds\":30,\"containers\":[{\"name\":\"c\"}]}"
#define HIGH "{\"priorityClassName\":\"high\",\"containers\":[{\"name\":\"c\"}]}"
#define LOW "{\"priorityClassName\":\"low\",\"containers\":[{\"name\":\"c\"}]}"
#define XNS "{\"containers\":[{\"name\":\"c\"}],\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"topologyKey\":\"k\",\"namespaceSelector\":{}}]}}}"

static void test_covers(void)
{
	/* Unscoped: everything, pods or not. */
	CHECK(covers("{\"hard\":{\"pods\":\"1\"}}", BE));
	json_t *q = J("{\"spec\":{\"scopes\":[\"BestEffort\"]}}"), *cm = J("{\"data\":{}}");
	CHECK(!quota_covers(q, "", "configmaps", cm));
	CHECK(quota_scoped(q));
	json_decref(q);
	q = J("{\"spec\":{\"hard\":{\"configmaps\":\"1\"}}}");
	CHECK(quota_covers(q, "", "configmaps", cm) && !quota_scoped(q));
	json_decref(q);
	json_decref(cm);

	CHECK(covers("{\"scopes\":[\"BestEffort\"]}", BE));
	CHECK(!covers("{\"scopes\":[\"BestEffort\"]}", BURST));
	CHECK(!covers("{\"scopes\":[\"BestEffort\"]}", INIT_LIMITS));
	CHECK(covers("{\"scopes\":[\"NotBestEffort\"]}", BURST));
	CHECK(covers("{\"scopes\":[\"NotBestEffort\"]}", INIT_LIMITS));
	CHECK(!covers("{\"scopes\":[\"NotBestEffort\"]}", BE));
	CHECK(covers("{\"scopes\":[\"Terminating\"]}", TERM));
	CHECK(!covers("{\"scopes\":[\"Terminating\"]}", BE));
	CHECK(covers("{\"scopes\":[\"NotTerminating\"]}", BE));
	CHECK(!covers("{\"scopes\":[\"NotTerminating\"]}", TERM));
	/* All scopes must match. */
	CHECK(covers("{\"scopes\":[\"Terminating\",\"BestEffort\"]}", TERM));
	CHECK(!covers("{\"scopes\":[\"NotTerminating\",\"BestEffort\"]}", TERM));
	/* PriorityClass through the selector. */
	const char *in = "{\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"PriorityClass\",\"operator\":\"In\",\"values\":[\"high\",\"x\"]}]}}";
	const char *notin = "{\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"PriorityClass\",\"operator\":\"NotIn\",\"values\":[\"high\"]}]}}";
	const char *exists = "{\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"PriorityClass\",\"operator\":\"Exists\"}]}}";
	const char *dne = "{\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"PriorityClass\",\"operator\":\"DoesNotExist\"}]}}";
	CHECK(covers(in, HIGH) && !covers(in, LOW) && !covers(in, BE));
	CHECK(!covers(notin, HIGH) && covers(notin, LOW) && covers(notin, BE));
	CHECK(covers(exists, HIGH) && covers(exists, LOW) && !covers(exists, BE));
	CHECK(!covers(dne, HIGH) && covers(dne, BE));
	CHECK(covers("{\"scopes\":[\"PriorityClass\"]}", LOW) && !covers("{\"scopes\":[\"PriorityClass\"]}", BE));
	/* Scopes and selector together. */
	CHECK(!covers("{\"scopes\":[\"NotBestEffort\"],\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"PriorityClass\",\"operator\":\"In\",\"values\":[\"high\"]}]}}", HIGH));
	CHECK(covers("{\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"CrossNamespacePodAffinity\",\"operator\":\"Exists\"}]}}", XNS));
	CHECK(!covers("{\"scopeSelector\":{\"matchExpressions\":[{\"scopeName\":\"CrossNamespacePodAffinity\",\"operator\":\"Exists\"}]}}", BE));
}

/* The messages of validating a ResourceQuota with spec_text, joined by '|'. */
static char *validate(const char *spec_text)
{
	const struct api_kind *k = kinds_find_resource("", "resourcequotas");
	json_t *obj = json_pack("{s:s,s:s,s:{s:s,s:s},s:o}", "apiVersion", "v1", "kind", "ResourceQuota",
				"metadata", "name", "q", "namespace", "default", "spec", J(spec_text));
	json_t *causes = json_array(), *c;
	size_t i;
	static char out[2048];

	out[0] = '\0';
	if (k && k->validate)
		k->validate(k, obj, NULL, causes);
	else
		snprintf(out, sizeof(out), "no validate hook");
	json_array_foreach(causes, i, c) {
		const char *m = json_string_value(json_object_get(c, "message"));
		strncat(out, m ? m : "?", sizeof(out) - strlen(out) - 2);
		strncat(out, "|", sizeof(out) - strlen(out) - 1);
	}
	json_decref(causes);
	json_decref(obj);
	return out;
}

static void test_validate(void)
{
	CHECK_STR(validate("{\"hard\":{\"pods\":\"5\"},\"scopes\":[\"BestEffort\",\"NotTerminating\"]}"), "");
	CHECK_STR(validate("{\"hard\":{\"requests.cpu\":\"5\",\"limits.memory\":\"1Gi\"},\"scopes\":[\"NotBestEffort\"]}"), "");
	CHECK(strstr(validate("{\"hard\":{\"requests.cpu\":\"5\"},\"scopes\":[\"BestEffort\"]}"),
		     "unsupported scope applied to resource"));
	CHECK(strstr(validate("{\"hard\":{\"services\":\"5\"},\"scopes\":[\"NotTerminating\"]}"),
		     "unsupported scope applied to resource"));
	CHECK(strstr(validate("{\"hard\":{\"pods\":\"5\"},\"scopes\":[\"Sometimes\"]}"), "unsupported scope"));
	CHECK(strstr(validate("{\"hard\":{\"pods\":\"5\"},\"scopes\":[\"Terminating\",\"NotTerminating\"]}"),
		     "conflicting scopes"));
	CHECK(strstr(validate("{\"hard\":{\"pods\":\"5\"},\"scopeSelector\":{\"matchExpressions\":["
			      "{\"scopeName\":\"BestEffort\",\"operator\":\"Exists\"},"
			      "{\"scopeName\":\"NotBestEffort\",\"operator\":\"Exists\"}]}}"), "conflicting scopes"));
	CHECK_STR(validate("{\"hard\":{\"pods\":\"5\"},\"scopeSelector\":{\"matchExpressions\":["
			   "{\"scopeName\":\"PriorityClass\",\"operator\":\"In\",\"values\":[\"high\"]}]}}"), "");
	CHECK(strstr(validate("{\"hard\":{\"pods\":\"5\"},\"scopeSelector\":{\"matchExpressions\":["
			      "{\"scopeName\":\"PriorityClass\",\"operator\":\"In\"}]}}"), "must be at least one value"));
	CHECK(strstr(validate("{\"hard\":{\"pods\":\"5\"},\"scopeSelector\":{\"matchExpressions\":["
			      "{\"scopeName\":\"PriorityClass\",\"operator\":\"Exists\",\"values\":[\"a\"]}]}}"),
		     "must be no value"));
	CHECK(strstr(validate("{\"hard\":{\"pods\":\"5\"},\"scopeSelector\":{\"matchExpressions\":["
			      "{\"scopeName\":\"Terminating\",\"operator\":\"In\",\"values\":[\"a\"]}]}}"),
		     "must be 'Exist'"));
	CHECK(strstr(validate("{\"hard\":{\"pods\":\"5\"},\"scopeSelector\":{\"matchExpressions\":["
			      "{\"scopeName\":\"PriorityClass\",\"operator\":\"Near\",\"values\":[\"a\"]}]}}"),
		     "not a valid selector operator"));
}

static void test_pool_limits(void)
{
	long cpu;
	long long mem;
	json_t *l = J("{\"items\":["
		      "{\"spec\":{\"hard\":{\"limits.cpu\":\"4\",\"limits.memory\":\"8Gi\",\"pods\":\"10\"}}},"
		      "{\"spec\":{\"hard\":{\"limits.cpu\":\"1500m\"}}},"
		      "{\"spec\":{\"hard\":{\"limits.memory\":\"1Gi\"},\"scopes\":[\"NotTerminating\"]}},"
		      "{\"spec\":{\"hard\":{\"requests.memory\":\"1Mi\"}}}]}");

	quota_pool_limits(l, &cpu, &mem);
	CHECK(cpu == 1500 && mem == 8LL << 30);
	quota_pool_limits(json_object_get(l, "items"), &cpu, &mem);
	CHECK(cpu == 1500 && mem == 8LL << 30);
	json_decref(l);
	l = J("[{\"spec\":{\"hard\":{\"pods\":\"3\"}}}]");
	quota_pool_limits(l, &cpu, &mem);
	CHECK(cpu == 0 && mem == 0);
	json_decref(l);
	quota_pool_limits(NULL, &cpu, &mem);
	CHECK(cpu == 0 && mem == 0);
}

int main(void)
{
	test_covers();
	test_validate();
	test_pool_limits();
	return T_DONE();
}
