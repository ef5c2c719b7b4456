/* SPDX-License-Identifier: Apache-2.0 */
/* Scheduler fit predicates: resources, node selection, taints, anti-affinity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/quantity.h"
#include "api/selector.h"
#include "controllers/sched_fit.h"

static const char *const reason_text[SCHED_NREASONS] = {
	[SCHED_FIT] = "fit",
	[SCHED_UNSCHEDULABLE] = "node(s) were unschedulable",
	[SCHED_SELECTOR] = "node(s) didn't match Pod's node affinity/selector",
	[SCHED_TAINT] = "node(s) had untolerated taint",
	[SCHED_ANTI_AFFINITY] = "node(s) didn't match pod anti-affinity rules",
	[SCHED_AFFINITY] = "node(s) didn't match pod affinity rules",
	[SCHED_PODS] = "Too many pods",
	[SCHED_CPU] = "Insufficient cpu",
	[SCHED_MEMORY] = "Insufficient memory",
	[SCHED_VOLUME_NODE] = "node(s) didn't match PersistentVolume's node affinity",
};

const char *sched_reason_text(enum sched_reason r)
{
	return r < SCHED_NREASONS ? reason_text[r] : "unknown";
}

static json_t *jget(const json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	return b ? json_object_get(v, b) : v;
}

static int64_t qty(const json_t *v, bool milli, int64_t def)
{
	struct quantity q;
	struct atoll_err err = ERR_INIT;
	int64_t out;

	if (!json_is_string(v) || quantity_parse(json_string_value(v), &q, &err) < 0)
		return def;
	if ((milli ? quantity_milli(&q, &out) : quantity_value(&q, &out)) < 0)
		return INT64_MAX;
	return out;
}

static void container_sum(const json_t *containers, struct sched_res *sum, bool max)
{
	size_t i;
	json_t *c;

	json_array_foreach(containers, i, c) {
		json_t *req = jget(c, "resources", "requests");
		int64_t cpu = qty(json_object_get(req, "cpu"), true, 0);
		int64_t mem = qty(json_object_get(req, "memory"), false, 0);
		if (max) {
			sum->cpu_milli = cpu > sum->cpu_milli ? cpu : sum->cpu_milli;
			sum->mem_bytes = mem > sum->mem_bytes ? mem : sum->mem_bytes;
		} else {
			sum->cpu_milli += cpu;
			sum->mem_bytes += mem;
		}
	}
}

void sched_pod_requests(const json_t *pod, struct sched_res *out)
{
	struct sched_res init = { 0 };
	json_t *spec = json_object_get(pod, "spec");

	memset(out, 0, sizeof(*out));
	container_sum(json_object_get(spec, "containers"), out, false);
	container_sum(json_object_get(spec, "initContainers"), &init, true);
	if (init.cpu_milli > out->cpu_milli)
		out->cpu_milli = init.cpu_milli;
	if (init.mem_bytes > out->mem_bytes)
		out->mem_bytes = init.mem_bytes;
	out->pods = 1;
}

void sched_node_allocatable(const json_t *node, struct sched_res *out)
{
	json_t *a = jget(node, "status", "allocatable");

	if (!json_is_object(a) || !json_object_size(a))
		a = jget(node, "status", "capacity");
	out->cpu_milli = qty(json_object_get(a, "cpu"), true, INT64_MAX);
	out->mem_bytes = qty(json_object_get(a, "memory"), false, INT64_MAX);
	out->pods = qty(json_object_get(a, "pods"), false, 110);
}

static bool str_eq(const json_t *v, const char *s)
{
	const char *a = json_string_value(v);

	return a ? !strcmp(a, s ? s : "") : (!s || !*s);
}

bool sched_tolerates(const json_t *tolerations, const json_t *taint)
{
	size_t i;
	json_t *t;
	const char *tkey = json_string_value(json_object_get(taint, "key"));
	const char *tval = json_string_value(json_object_get(taint, "value"));
	const char *teff = json_string_value(json_object_get(taint, "effect"));

	json_array_foreach(tolerations, i, t) {
		const char *eff = json_string_value(json_object_get(t, "effect"));
		const char *key = json_string_value(json_object_get(t, "key"));
		const char *op = json_string_value(json_object_get(t, "operator"));
		if (eff && *eff && (!teff || strcmp(eff, teff)))
			continue;
		if (key && *key && (!tkey || strcmp(key, tkey)))
			continue;
		if (op && !strcmp(op, "Exists"))
			return true; /* an empty key with Exists tolerates everything */
		if ((!key || !*key))
			continue; /* Equal needs a key */
		if (str_eq(json_object_get(t, "value"), tval))
			return true;
	}
	return false;
}

bool sched_taints_ok(const json_t *pod, const json_t *node)
{
	json_t *tols = jget(pod, "spec", "tolerations");
	size_t i;
	json_t *taint;

	json_array_foreach(jget(node, "spec", "taints"), i, taint) {
		const char *eff = json_string_value(json_object_get(taint, "effect"));
		if (eff && !strcmp(eff, "PreferNoSchedule"))
			continue;
		if (!sched_tolerates(tols, taint))
			return false;
	}
	return true;
}

static bool in_values(const json_t *values, const char *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(values, i, x)
		if (v && json_is_string(x) && !strcmp(json_string_value(x), v))
			return true;
	return false;
}

static bool requirement_holds(const json_t *req, const char *value, bool present)
{
	const char *op = json_string_value(json_object_get(req, "operator"));
	json_t *values = json_object_get(req, "values");

	if (!op)
		return false;
	if (!strcmp(op, "In"))
		return present && in_values(values, value);
	if (!strcmp(op, "NotIn"))
		return !present || !in_values(values, value);
	if (!strcmp(op, "Exists"))
		return present;
	if (!strcmp(op, "DoesNotExist"))
		return !present;
	if (!strcmp(op, "Gt") || !strcmp(op, "Lt")) {
		if (!present || json_array_size(values) != 1)
			return false;
		char *end;
		long long have = strtoll(value, &end, 10);
		if (*end)
			return false;
		long long lim = strtoll(json_string_value(json_array_get(values, 0)) ?: "", &end, 10);
		return !strcmp(op, "Gt") ? have > lim : have < lim;
	}
	return false;
}

bool sched_term_matches(const json_t *term, const json_t *node)
{
	json_t *labels = jget(node, "metadata", "labels");
	json_t *exprs = json_object_get(term, "matchExpressions");
	json_t *fields = json_object_get(term, "matchFields");
	size_t i;
	json_t *r;

	if (!json_array_size(exprs) && !json_array_size(fields))
		return false; /* an empty term matches nothing */
	json_array_foreach(exprs, i, r) {
		json_t *v = json_object_get(labels, json_string_value(json_object_get(r, "key")) ?: "");
		if (!requirement_holds(r, json_string_value(v), v != NULL))
			return false;
	}
	json_array_foreach(fields, i, r) {
		const char *key = json_string_value(json_object_get(r, "key"));
		if (!key || strcmp(key, "metadata.name"))
			return false;
		if (!requirement_holds(r, json_string_value(jget(node, "metadata", "name")), true))
			return false;
	}
	return true;
}

bool sched_node_matches(const json_t *pod, const json_t *node)
{
	json_t *labels = jget(node, "metadata", "labels");
	const char *k;
	json_t *v;

	json_object_foreach(jget(pod, "spec", "nodeSelector"), k, v) {
		json_t *have = json_object_get(labels, k);
		if (!have || !json_equal(have, v))
			return false;
	}
	json_t *na = jget(jget(pod, "spec", "affinity"), "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution");
	if (!na)
		return true;
	json_t *terms = json_object_get(na, "nodeSelectorTerms");
	size_t i;
	json_array_foreach(terms, i, v)
		if (sched_term_matches(v, node))
			return true;
	return false;
}

static bool ns_listed(const json_t *term, const char *own_ns, const char *ns)
{
	json_t *nss = json_object_get(term, "namespaces");

	if (!json_array_size(nss))
		return own_ns && ns && !strcmp(own_ns, ns);
	return in_values(nss, ns);
}

/* Does a required term (hostname topology only) of a pod in term_ns select other? */
static bool term_selects(const json_t *term, const char *term_ns, const json_t *other)
{
	struct atoll_err err = ERR_INIT;

	if (!str_eq(json_object_get(term, "topologyKey"), "kubernetes.io/hostname"))
		return false; /* only hostname topology: one node is one domain */
	if (!ns_listed(term, term_ns, json_string_value(jget(other, "metadata", "namespace"))))
		return false;
	struct selector *sel = selector_from_json(json_object_get(term, "labelSelector"), &err);
	bool m = sel && selector_matches(sel, jget(other, "metadata", "labels"));
	selector_free(sel);
	return m;
}

static json_t *required_terms(const json_t *pod, const char *kind)
{
	return jget(jget(jget(pod, "spec", "affinity"), kind, NULL),
		    "requiredDuringSchedulingIgnoredDuringExecution", NULL);
}

bool sched_anti_affinity_ok(const json_t *pod, const json_t *const *node_pods, size_t n)
{
	const char *own_ns = json_string_value(jget(pod, "metadata", "namespace"));
	size_t i;
	json_t *t;

	json_array_foreach(required_terms(pod, "podAntiAffinity"), i, t)
		for (size_t j = 0; j < n; j++)
			if (term_selects(t, own_ns, node_pods[j]))
				return false;
	/* Symmetry: pods already there may refuse this one. */
	for (size_t j = 0; j < n; j++) {
		const char *ns = json_string_value(jget(node_pods[j], "metadata", "namespace"));
		json_array_foreach(required_terms(node_pods[j], "podAntiAffinity"), i, t)
			if (term_selects(t, ns, pod))
				return false;
	}
	return true;
}

bool sched_affinity_ok(const json_t *pod, const json_t *const *node_pods, size_t n,
		       const json_t *const *all_pods, size_t nall)
{
	const char *own_ns = json_string_value(jget(pod, "metadata", "namespace"));
	size_t i;
	json_t *t;

	json_array_foreach(required_terms(pod, "podAffinity"), i, t) {
		bool here = false, anywhere = false;
		for (size_t j = 0; j < n && !here; j++)
			here = term_selects(t, own_ns, node_pods[j]);
		if (here)
			continue;
		for (size_t j = 0; j < nall && !anywhere; j++)
			anywhere = all_pods[j] != pod && term_selects(t, own_ns, all_pods[j]);
		/* The first pod of a group that selects itself may go anywhere. */
		if (anywhere || !term_selects(t, own_ns, pod))
			return false;
	}
	return true;
}

enum sched_reason sched_fit(const json_t *pod, const json_t *node, const struct sched_res *used,
			    const json_t *const *node_pods, size_t n, const json_t *const *all_pods, size_t nall)
{
	struct sched_res want, alloc;

	if (json_is_true(jget(node, "spec", "unschedulable")))
		return SCHED_UNSCHEDULABLE;
	if (!sched_node_matches(pod, node))
		return SCHED_SELECTOR;
	if (!sched_taints_ok(pod, node))
		return SCHED_TAINT;
	if (!sched_anti_affinity_ok(pod, node_pods, n))
		return SCHED_ANTI_AFFINITY;
	if (!sched_affinity_ok(pod, node_pods, n, all_pods, nall))
		return SCHED_AFFINITY;
	sched_pod_requests(pod, &want);
	sched_node_allocatable(node, &alloc);
	if (used->pods + 1 > alloc.pods)
		return SCHED_PODS;
	if (want.cpu_milli && used->cpu_milli + want.cpu_milli > alloc.cpu_milli)
		return SCHED_CPU;
	if (want.mem_bytes && used->mem_bytes + want.mem_bytes > alloc.mem_bytes)
		return SCHED_MEMORY;
	return SCHED_FIT;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(reason_text[*(const int *)a], reason_text[*(const int *)b]);
}

void sched_fail_message(const int counts[SCHED_NREASONS], int nodes, char *out, size_t n)
{
	int order[SCHED_NREASONS], k = 0;
	size_t len;

	for (int r = 1; r < SCHED_NREASONS; r++)
		if (counts[r])
			order[k++] = r;
	qsort(order, (size_t)k, sizeof(int), cmp_text); /* kube-scheduler sorts them too */
	len = (size_t)snprintf(out, n, "0/%d nodes are available", nodes);
	if (!nodes && len < n)
		len += (size_t)snprintf(out + len, n - len, ": no nodes available to schedule pods");
	for (int i = 0; i < k && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%d %s", i ? ", " : ": ", counts[order[i]],
					reason_text[order[i]]);
	if (len < n)
		snprintf(out + len, n - len, ".");
}
