/* SPDX-License-Identifier: Apache-2.0 */
/* rbac.authorization.k8s.io/v1: rules need verbs, bindings need a fixed roleRef. */
#include <string.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"

static void check_rules(json_t *causes, const json_t *obj, bool cluster)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(obj, "rules"), i, r) {
		char f[64];
		bool urls = json_array_size(json_object_get(r, "nonResourceURLs")) > 0;

		kinds_fmt(f, sizeof(f), "rules[%zu].verbs", i);
		if (!json_array_size(json_object_get(r, "verbs")))
			kinds_required(causes, f, "verbs must contain at least one value");
		if (urls && !cluster) {
			kinds_fmt(f, sizeof(f), "rules[%zu].nonResourceURLs", i);
			kinds_invalid(causes, f, json_object_get(r, "nonResourceURLs"),
				      "namespaced rules cannot apply to non-resource URLs");
		} else if (urls && json_array_size(json_object_get(r, "resources"))) {
			kinds_fmt(f, sizeof(f), "rules[%zu].nonResourceURLs", i);
			kinds_invalid(causes, f, json_object_get(r, "nonResourceURLs"),
				      "rules cannot apply to both regular resources and non-resource "
				      "URLs");
		} else if (!urls && !json_array_size(json_object_get(r, "resources"))) {
			kinds_fmt(f, sizeof(f), "rules[%zu].resources", i);
			kinds_required(causes, f, "resource rules must supply at least one resource");
		}
		if (!urls && !json_is_array(json_object_get(r, "apiGroups"))) {
			kinds_fmt(f, sizeof(f), "rules[%zu].apiGroups", i);
			kinds_required(causes, f, "resource rules must supply at least one api group");
		}
	}
}

void kinds_role_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			 json_t *causes)
{
	kinds_check_meta(k, obj, old, KINDS_NAME_PATH, causes);
	check_rules(causes, obj, !k->namespaced);
}

void kinds_rolebinding_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
				json_t *causes)
{
	static const char *const role_kinds[] = { "Role", "ClusterRole", NULL };
	static const char *const cluster_kinds[] = { "ClusterRole", NULL };
	static const char *const subject_kinds[] = { "ServiceAccount", "User", "Group", NULL };
	json_t *ref = json_object_get(obj, "roleRef");
	const char *rk = kj_str(ref, "kind"), *group = kj_str(ref, "apiGroup");
	size_t i;
	json_t *s;

	kinds_check_meta(k, obj, old, KINDS_NAME_PATH, causes);
	if (!group || strcmp(group, "rbac.authorization.k8s.io")) {
		static const char *const groups[] = { "rbac.authorization.k8s.io", NULL };

		kinds_unsupported(causes, "roleRef.apiGroup", group ? group : "", groups);
	}
	if (!rk)
		kinds_required(causes, "roleRef.kind", NULL);
	else if (k->namespaced && strcmp(rk, "Role") && strcmp(rk, "ClusterRole"))
		kinds_unsupported(causes, "roleRef.kind", rk, role_kinds);
	else if (!k->namespaced && strcmp(rk, "ClusterRole"))
		kinds_unsupported(causes, "roleRef.kind", rk, cluster_kinds);
	if (!kj_str(ref, "name") || !*kj_str(ref, "name"))
		kinds_required(causes, "roleRef.name", NULL);
	json_array_foreach(json_object_get(obj, "subjects"), i, s) {
		const char *sk = kj_str(s, "kind"), *name = kj_str(s, "name");
		char f[64];

		kinds_fmt(f, sizeof(f), "subjects[%zu].name", i);
		if (!name || !*name)
			kinds_required(causes, f, NULL);
		kinds_fmt(f, sizeof(f), "subjects[%zu].kind", i);
		if (!sk || (strcmp(sk, "ServiceAccount") && strcmp(sk, "User") &&
			    strcmp(sk, "Group"))) {
			kinds_unsupported(causes, f, sk ? sk : "", subject_kinds);
		} else if (!strcmp(sk, "ServiceAccount") && !k->namespaced &&
			   !(kj_str(s, "namespace") && *kj_str(s, "namespace"))) {
			kinds_fmt(f, sizeof(f), "subjects[%zu].namespace", i);
			kinds_required(causes, f, NULL);
		}
	}
	if (old && !json_equal(ref, json_object_get(old, "roleRef")))
		kinds_invalid(causes, "roleRef", ref, "cannot change roleRef");
}
