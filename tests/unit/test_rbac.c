/* SPDX-License-Identifier: Apache-2.0 */
/* The RBAC rule matcher: verbs, groups, subresources, names, non-resource URLs, coverage, subjects. */
#include <jansson.h>

#include "auth/rbac.h"
#include "t.h"

static json_t *J(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	if (!j)
		fprintf(stderr, "bad JSON in test: %s\n", s);
	return j;
}

static bool allows(const char *rule, const char *verb, const char *group, const char *res, const char *sub,
		   const char *ns, const char *name)
{
	json_t *r = J(rule);
	struct authz_attrs a = { .verb = verb, .group = group, .resource = res, .subresource = sub,
				 .ns = ns, .name = name };
	bool ok = rbac_rule_allows(r, &a);
	json_decref(r);
	return ok;
}

static bool allows_path(const char *rule, const char *verb, const char *path)
{
	json_t *r = J(rule);
	struct authz_attrs a = { .verb = verb, .path = path };
	bool ok = rbac_rule_allows(r, &a);
	json_decref(r);
	return ok;
}

static bool covers(const char *owner, const char *rule, char *miss, size_t n)
{
	json_t *o = J(owner), *r = J(rule);
	bool ok = rbac_rules_cover(o, r, miss, n);
	json_decref(o);
	json_decref(r);
	return ok;
}

static void test_resources(void)
{
	const char *pods = "{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"list\"]}";

	CHECK(allows(pods, "get", "", "pods", "", "a", "p"));
	CHECK(allows(pods, "list", "", "pods", "", "a", ""));
	CHECK(!allows(pods, "delete", "", "pods", "", "a", "p"));
	CHECK(!allows(pods, "get", "apps", "pods", "", "a", "p"));
	CHECK(!allows(pods, "get", "", "services", "", "a", "p"));
	/* A subresource needs its own grant. */
	CHECK(!allows(pods, "get", "", "pods", "log", "a", "p"));
	const char *log = "{\"apiGroups\":[\"\"],\"resources\":[\"pods/log\"],\"verbs\":[\"get\"]}";
	CHECK(allows(log, "get", "", "pods", "log", "a", "p"));
	CHECK(!allows(log, "get", "", "pods", "", "a", "p"));
	CHECK(!allows(log, "get", "", "pods", "exec", "a", "p"));
	/* Wildcards: "*", "*" slash sub, resource slash "*". */
	const char *all = "{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}";
	CHECK(allows(all, "deletecollection", "apps", "deployments", "scale", "", ""));
	const char *anylog = "{\"apiGroups\":[\"\"],\"resources\":[\"*/log\"],\"verbs\":[\"get\"]}";
	CHECK(allows(anylog, "get", "", "pods", "log", "a", "p"));
	CHECK(!allows(anylog, "get", "", "pods", "", "a", "p"));
	const char *podsub = "{\"apiGroups\":[\"\"],\"resources\":[\"pods/*\"],\"verbs\":[\"get\"]}";
	CHECK(allows(podsub, "get", "", "pods", "status", "a", "p"));
	CHECK(!allows(podsub, "get", "", "pods", "", "a", "p"));
	CHECK(!allows(podsub, "get", "", "podsx", "status", "a", "p"));
}

static void test_names(void)
{
	const char *one = "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\",\"list\",\"create\"],"
			  "\"resourceNames\":[\"open\"]}";

	CHECK(allows(one, "get", "", "configmaps", "", "a", "open"));
	CHECK(!allows(one, "get", "", "configmaps", "", "a", "closed"));
	/* Named rules never match unnamed requests: list and create. */
	CHECK(!allows(one, "list", "", "configmaps", "", "a", ""));
	CHECK(!allows(one, "create", "", "configmaps", "", "a", ""));
}

static void test_non_resource(void)
{
	const char *r = "{\"nonResourceURLs\":[\"/healthz\",\"/apis/*\"],\"verbs\":[\"get\"]}";

	CHECK(allows_path(r, "get", "/healthz"));
	CHECK(!allows_path(r, "post", "/healthz"));
	CHECK(allows_path(r, "get", "/apis/apps/v1"));
	CHECK(!allows_path(r, "get", "/metrics"));
	/* A resource rule never grants a path, and a URL rule never grants a resource. */
	CHECK(!allows_path("{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}", "get", "/metrics"));
	CHECK(!allows(r, "get", "", "pods", "", "a", ""));
}

static void test_cover(void)
{
	const char *owner = "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"],\"verbs\":[\"get\",\"list\"]},"
			    "{\"apiGroups\":[\"apps\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]";
	char miss[300] = "";

	CHECK(covers(owner, "{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}", miss, sizeof(miss)));
	CHECK(covers(owner, "{\"apiGroups\":[\"\"],\"resources\":[\"pods/log\"],\"verbs\":[\"list\"]}", NULL, 0));
	CHECK(covers(owner, "{\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"],\"verbs\":[\"*\"]}", NULL, 0));
	CHECK(!covers(owner, "{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"delete\"]}", miss,
		      sizeof(miss)));
	CHECK_STR(miss, "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}");
	/* A wildcard asked for is covered only by a wildcard held. */
	CHECK(!covers(owner, "{\"apiGroups\":[\"\"],\"resources\":[\"*\"],\"verbs\":[\"get\"]}", NULL, 0));
	CHECK(!covers(owner, "{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"*\"]}", NULL, 0));
	/* Held for all names covers one name; held for one name does not cover all. */
	CHECK(covers(owner, "{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"],"
			    "\"resourceNames\":[\"x\"]}", NULL, 0));
	CHECK(!covers("[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"],\"resourceNames\":[\"x\"]}]",
		      "{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}", NULL, 0));
	CHECK(!covers(owner, "{\"nonResourceURLs\":[\"/metrics\"],\"verbs\":[\"get\"]}", miss, sizeof(miss)));
	CHECK_STR(miss, "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}");
}

static void test_subjects(void)
{
	const char *groups[] = { "devs", "system:authenticated" };
	struct rbac_who alice = { .user = "alice", .groups = groups, .ngroups = 2 };
	struct rbac_who sa = { .user = "system:serviceaccount:team-a:robot", .groups = NULL, .ngroups = 0 };
	json_t *u = J("{\"kind\":\"User\",\"name\":\"alice\"}"), *g = J("{\"kind\":\"Group\",\"name\":\"devs\"}");
	json_t *g2 = J("{\"kind\":\"Group\",\"name\":\"ops\"}");
	json_t *s1 = J("{\"kind\":\"ServiceAccount\",\"name\":\"robot\"}");
	json_t *s2 = J("{\"kind\":\"ServiceAccount\",\"name\":\"robot\",\"namespace\":\"team-a\"}");

	CHECK(rbac_subject_matches(u, &alice, "x"));
	CHECK(rbac_subject_matches(g, &alice, "x"));
	CHECK(!rbac_subject_matches(g2, &alice, "x"));
	CHECK(!rbac_subject_matches(u, &sa, "team-a"));
	/* A ServiceAccount subject without a namespace means the binding's namespace. */
	CHECK(rbac_subject_matches(s1, &sa, "team-a"));
	CHECK(!rbac_subject_matches(s1, &sa, "team-b"));
	CHECK(rbac_subject_matches(s2, &sa, "team-b"));
	CHECK(rbac_who_in_group(&alice, "system:authenticated"));
	json_decref(u);
	json_decref(g);
	json_decref(g2);
	json_decref(s1);
	json_decref(s2);
}

int main(void)
{
	test_resources();
	test_names();
	test_non_resource();
	test_cover();
	test_subjects();
	return T_DONE();
}
