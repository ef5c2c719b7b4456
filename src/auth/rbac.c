/* SPDX-License-Identifier: Apache-2.0 */
/* RBAC rule matching: verbs, groups, resources/subresources, names, non-resource URLs. */
#include <stdio.h>
#include <string.h>

#include "auth/rbac.h"

static bool has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		const char *x = json_string_value(v);
		if (x && (!strcmp(x, "*") || !strcmp(x, s)))
			return true;
	}
	return false;
}

static bool resource_matches(const json_t *arr, const char *res, const char *sub)
{
	char combined[160];
	size_t i;
	json_t *v;

	snprintf(combined, sizeof(combined), "%s%s%s", res, *sub ? "/" : "", sub);
	json_array_foreach(arr, i, v) {
		const char *x = json_string_value(v);
		size_t l = x ? strlen(x) : 0;
		if (!x)
			continue;
		if (!strcmp(x, "*") || !strcmp(x, combined))
			return true;
		if (!*sub)
			continue;
		/* A rule "*" slash "log" matches any log; "pods" slash "*" any subresource of pods. */
		if (!strncmp(x, "*/", 2) && !strcmp(x + 2, sub))
			return true;
		if (l > 2 && !strcmp(x + l - 2, "/*") && strlen(res) == l - 2 && !strncmp(x, res, l - 2))
			return true;
	}
	return false;
}

static bool url_matches(const json_t *arr, const char *path)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		const char *x = json_string_value(v);
		size_t l = x ? strlen(x) : 0;
		if (!x)
			continue;
		if (!strcmp(x, "*") || !strcmp(x, path))
			return true;
		if (l && x[l - 1] == '*' && !strncmp(x, path, l - 1))
			return true;
	}
	return false;
}

bool rbac_rule_allows(const json_t *rule, const struct authz_attrs *a)
{
	if (!has(json_object_get(rule, "verbs"), a->verb))
		return false;
	if (a->path) /* a non-resource request */
		return url_matches(json_object_get(rule, "nonResourceURLs"), a->path);
	if (!has(json_object_get(rule, "apiGroups"), a->group ? a->group : ""))
		return false;
	if (!resource_matches(json_object_get(rule, "resources"), a->resource,
			      a->subresource ? a->subresource : ""))
		return false;
	const json_t *names = json_object_get(rule, "resourceNames");
	if (!json_array_size(names))
		return true;
	/* A rule limited by name never matches a request without one (list, create). */
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v)
		if (a->name && *a->name && json_string_value(v) && !strcmp(json_string_value(v), a->name))
			return true;
	return false;
}

bool rbac_rules_allow(const json_t *rules, const struct authz_attrs *a)
{
	size_t i;
	json_t *r;

	json_array_foreach(rules, i, r)
		if (rbac_rule_allows(r, a))
			return true;
	return false;
}

/* A rule's list, or one empty string when it has none (so the product is not empty). */
static size_t count_or_one(const json_t *arr)
{
	size_t n = json_array_size(arr);
	return n ? n : 1;
}

static const char *item(const json_t *arr, size_t i)
{
	const char *s = json_string_value(json_array_get(arr, i));
	return s ? s : "";
}

/* Split "pods/log" into resource and subresource. */
static void split_res(const char *combined, char *res, size_t rn, char *sub, size_t sn)
{
	const char *slash = strchr(combined, '/');

	snprintf(res, rn, "%.*s", slash ? (int)(slash - combined) : (int)strlen(combined), combined);
	snprintf(sub, sn, "%s", slash ? slash + 1 : "");
}

bool rbac_rules_cover(const json_t *owner, const json_t *rule, char *miss, size_t n)
{
	const json_t *verbs = json_object_get(rule, "verbs"), *urls = json_object_get(rule, "nonResourceURLs");
	const json_t *groups = json_object_get(rule, "apiGroups"), *res = json_object_get(rule, "resources");
	const json_t *names = json_object_get(rule, "resourceNames");

	for (size_t v = 0; v < json_array_size(verbs); v++) {
		const char *verb = item(verbs, v);
		for (size_t u = 0; u < json_array_size(urls); u++) {
			struct authz_attrs a = { .verb = verb, .path = item(urls, u) };
			if (!rbac_rules_allow(owner, &a)) {
				if (miss)
					snprintf(miss, n, "{NonResourceURLs:[\"%s\"], Verbs:[\"%s\"]}", a.path, verb);
				return false;
			}
		}
		for (size_t g = 0; g < json_array_size(groups); g++)
			for (size_t r = 0; r < json_array_size(res); r++)
				for (size_t k = 0; k < count_or_one(names); k++) {
					char rs[96], sub[64];
					split_res(item(res, r), rs, sizeof(rs), sub, sizeof(sub));
					struct authz_attrs a = { .verb = verb, .group = item(groups, g),
								 .resource = rs, .subresource = sub,
								 .name = item(names, k) };
					if (rbac_rules_allow(owner, &a))
						continue;
					if (miss && *a.name)
						snprintf(miss, n, "{APIGroups:[\"%s\"], Resources:[\"%s\"], "
							 "ResourceNames:[\"%s\"], Verbs:[\"%s\"]}",
							 a.group, item(res, r), a.name, verb);
					else if (miss)
						snprintf(miss, n, "{APIGroups:[\"%s\"], Resources:[\"%s\"], "
							 "Verbs:[\"%s\"]}", a.group, item(res, r), verb);
					return false;
				}
	}
	return true;
}

bool rbac_who_in_group(const struct rbac_who *w, const char *group)
{
	for (int i = 0; i < w->ngroups; i++)
		if (!strcmp(w->groups[i], group))
			return true;
	return false;
}

bool rbac_subject_matches(const json_t *s, const struct rbac_who *w, const char *ns)
{
	const char *kind = json_string_value(json_object_get(s, "kind"));
	const char *name = json_string_value(json_object_get(s, "name"));

	if (!kind || !name)
		return false;
	if (!strcmp(kind, "User"))
		return !strcmp(name, w->user);
	if (!strcmp(kind, "Group"))
		return rbac_who_in_group(w, name);
	if (!strcmp(kind, "ServiceAccount")) {
		const char *sns = json_string_value(json_object_get(s, "namespace"));
		char want[400];
		snprintf(want, sizeof(want), "system:serviceaccount:%s:%s", sns && *sns ? sns : ns, name);
		return !strcmp(want, w->user);
	}
	return false;
}
