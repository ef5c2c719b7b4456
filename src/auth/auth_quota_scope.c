/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ResourceQuota scopes: which pods a scoped quota counts (spec.scopes and
 * spec.scopeSelector: Terminating, NotTerminating, BestEffort,
 * NotBestEffort, PriorityClass, CrossNamespacePodAffinity), and their
 * validation in Kubernetes' words.
 */
#include <string.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"
#include "auth/auth_quota.h"

static const char *const scopes[] = { "Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
				      "PriorityClass", "CrossNamespacePodAffinity", NULL };

static bool known_scope(const char *s)
{
	for (size_t i = 0; s && scopes[i]; i++)
		if (!strcmp(s, scopes[i]))
			return true;
	return false;
}

/* spec.activeDeadlineSeconds set (and not negative): the pod ends on its own. */
static bool terminating(const json_t *spec)
{
	const json_t *d = json_object_get(spec, "activeDeadlineSeconds");

	return json_is_integer(d) && json_integer_value(d) >= 0;
}

static bool has_cpu_mem(const json_t *list)
{
	return json_object_get(list, "cpu") || json_object_get(list, "memory");
}

/* QoS class BestEffort: no container (init containers too) requests or limits cpu or memory. */
static bool best_effort(const json_t *spec)
{
	static const char *const lists[] = { "containers", "initContainers" };

	for (size_t l = 0; l < 2; l++) {
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(spec, lists[l]), i, c) {
			const json_t *res = json_object_get(c, "resources");
			if (has_cpu_mem(json_object_get(res, "requests")) ||
			    has_cpu_mem(json_object_get(res, "limits")))
				return false;
		}
	}
	return true;
}

/* Any pod (anti-)affinity term reaching other namespaces (namespaces or namespaceSelector). */
static bool cross_ns_affinity(const json_t *spec)
{
	static const char *const kinds[] = { "podAffinity", "podAntiAffinity" };
	const json_t *aff = json_object_get(spec, "affinity");

	for (size_t k = 0; k < 2; k++) {
		const json_t *a = json_object_get(aff, kinds[k]);
		const json_t *req = json_object_get(a, "requiredDuringSchedulingIgnoredDuringExecution");
		const json_t *pref = json_object_get(a, "preferredDuringSchedulingIgnoredDuringExecution");
		size_t i;
		json_t *t;
		json_array_foreach(req, i, t)
			if (json_array_size(json_object_get(t, "namespaces")) || json_object_get(t, "namespaceSelector"))
				return true;
		json_array_foreach(pref, i, t) {
			const json_t *pt = json_object_get(t, "podAffinityTerm");
			if (json_array_size(json_object_get(pt, "namespaces")) || json_object_get(pt, "namespaceSelector"))
				return true;
		}
	}
	return false;
}

static bool in_values(const json_t *values, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(values, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

/*
 * Whether the pod matches one scope; for PriorityClass, with the selector's
 * operator and values (a scope in spec.scopes is an Exists).
 */
static bool pod_in_scope(const json_t *pod, const char *scope, const char *op, const json_t *values)
{
	const json_t *spec = json_object_get(pod, "spec");

	if (!strcmp(scope, "Terminating"))
		return terminating(spec);
	if (!strcmp(scope, "NotTerminating"))
		return !terminating(spec);
	if (!strcmp(scope, "BestEffort"))
		return best_effort(spec);
	if (!strcmp(scope, "NotBestEffort"))
		return !best_effort(spec);
	if (!strcmp(scope, "CrossNamespacePodAffinity"))
		return cross_ns_affinity(spec);
	if (!strcmp(scope, "PriorityClass")) {
		const char *pc = json_string_value(json_object_get(spec, "priorityClassName"));
		bool set = pc && *pc;
		if (!op || !strcmp(op, "Exists"))
			return set;
		if (!strcmp(op, "DoesNotExist"))
			return !set;
		/* A label selector on the class name: NotIn also matches a pod without one. */
		if (!strcmp(op, "In"))
			return set && in_values(values, pc);
		if (!strcmp(op, "NotIn"))
			return !set || !in_values(values, pc);
	}
	return false;
}

bool quota_scoped(const json_t *quota)
{
	const json_t *spec = json_object_get(quota, "spec");

	return json_array_size(json_object_get(spec, "scopes")) ||
	       json_array_size(json_object_get(json_object_get(spec, "scopeSelector"), "matchExpressions"));
}

bool quota_covers(const json_t *quota, const char *group, const char *res, const json_t *obj)
{
	const json_t *spec = json_object_get(quota, "spec");
	size_t i;
	json_t *s;

	if (!quota_scoped(quota))
		return true;
	/* Scopes are about pods; a scoped quota counts nothing else. */
	if (*group || strcmp(res, "pods"))
		return false;
	json_array_foreach(json_object_get(spec, "scopes"), i, s)
		if (!json_is_string(s) || !pod_in_scope(obj, json_string_value(s), NULL, NULL))
			return false;
	json_array_foreach(json_object_get(json_object_get(spec, "scopeSelector"), "matchExpressions"), i, s) {
		const char *name = json_string_value(json_object_get(s, "scopeName"));
		const char *op = json_string_value(json_object_get(s, "operator"));
		if (!name || !pod_in_scope(obj, name, op, json_object_get(s, "values")))
			return false;
	}
	return true;
}

/* Whether a scope may limit quota key: Kubernetes checks its standard names only. */
static bool scope_allows(const char *scope, const char *key)
{
	static const char *const compute[] = { "pods", "cpu", "memory", "requests.cpu", "requests.memory",
					       "limits.cpu", "limits.memory", "ephemeral-storage",
					       "requests.ephemeral-storage", "limits.ephemeral-storage", NULL };
	static const char *const standard[] = { "services", "services.loadbalancers", "services.nodeports",
						"configmaps", "secrets", "persistentvolumeclaims",
						"replicationcontrollers", "resourcequotas", "requests.storage", NULL };
	bool is_compute = false, is_std = !strncmp(key, "hugepages-", 10) || !strncmp(key, "requests.hugepages-", 19);

	for (size_t i = 0; compute[i]; i++)
		is_compute |= !strcmp(key, compute[i]);
	for (size_t i = 0; standard[i]; i++)
		is_std |= !strcmp(key, standard[i]);
	if (!is_compute && !is_std)
		return true;
	return !strcmp(scope, "BestEffort") ? !strcmp(key, "pods") : is_compute;
}

static void check_resources(const json_t *hard, const char *scope, const char *field, const json_t *v,
			    json_t *causes)
{
	const char *key;
	json_t *q;

	json_object_foreach((json_t *)hard, key, q) {
		if (!scope_allows(scope, key)) {
			kinds_invalid(causes, field, v, "unsupported scope applied to resource");
			return;
		}
	}
}

static void check_conflicts(const json_t *set, const char *field, const json_t *v, json_t *causes)
{
	if ((json_object_get(set, "Terminating") && json_object_get(set, "NotTerminating")) ||
	    (json_object_get(set, "BestEffort") && json_object_get(set, "NotBestEffort")))
		kinds_invalid(causes, field, v, "conflicting scopes");
}

static void check_selector(const json_t *spec, const json_t *hard, json_t *causes)
{
	const json_t *sel = json_object_get(spec, "scopeSelector");
	const json_t *exprs = json_object_get(sel, "matchExpressions");
	json_t *set = json_object(), *e;
	size_t i;
	char f[128];

	json_array_foreach(exprs, i, e) {
		const char *name = json_string_value(json_object_get(e, "scopeName"));
		const char *op = json_string_value(json_object_get(e, "operator"));
		size_t nvals = json_array_size(json_object_get(e, "values"));
		snprintf(f, sizeof(f), "spec.scopeSelector.matchExpressions[%zu].scopeName", i);
		if (!known_scope(name)) {
			kinds_invalid(causes, f, json_object_get(e, "scopeName"), "unsupported scope");
			continue;
		}
		check_resources(hard, name, "spec.scopeSelector", sel, causes);
		snprintf(f, sizeof(f), "spec.scopeSelector.matchExpressions[%zu].operator", i);
		if (strcmp(name, "PriorityClass") && (!op || strcmp(op, "Exists")))
			kinds_invalid(causes, f, json_object_get(e, "operator"),
				      "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, "
				      "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
				      "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity");
		if (op && (!strcmp(op, "In") || !strcmp(op, "NotIn"))) {
			snprintf(f, sizeof(f), "spec.scopeSelector.matchExpressions[%zu].values", i);
			if (!nvals)
				kinds_required(causes, f, "must be at least one value when `operator` is 'In' or "
							  "'NotIn' for scope selector");
		} else if (op && (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist"))) {
			snprintf(f, sizeof(f), "spec.scopeSelector.matchExpressions[%zu].values", i);
			if (nvals)
				kinds_invalid(causes, f, json_object_get(e, "values"),
					      "must be no value when `operator` is 'Exist' or 'DoesNotExist' for "
					      "scope selector");
		} else {
			kinds_invalid(causes, f, json_object_get(e, "operator"), "not a valid selector operator");
		}
		json_object_set_new(set, name, json_true());
	}
	check_conflicts(set, "spec.scopeSelector", sel, causes);
	json_decref(set);
}

void kinds_resourcequota_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
				  json_t *causes)
{
	const json_t *spec = json_object_get(obj, "spec");
	const json_t *hard = json_object_get(spec, "hard");
	const json_t *sc = json_object_get(spec, "scopes");
	json_t *set = json_object(), *s;
	size_t i;

	kinds_validate_meta_only(k, obj, old, causes);
	json_array_foreach(sc, i, s) {
		const char *name = json_string_value(s);
		if (!known_scope(name)) {
			kinds_invalid(causes, "spec.scopes", sc, "unsupported scope");
			continue;
		}
		check_resources(hard, name, "spec.scopes", sc, causes);
		json_object_set_new(set, name, json_true());
	}
	check_conflicts(set, "spec.scopes", sc, causes);
	json_decref(set);
	check_selector(spec, hard, causes);
}
