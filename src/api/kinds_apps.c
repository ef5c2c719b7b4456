/* SPDX-License-Identifier: Apache-2.0 */
/* apps/v1 workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet defaults and validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"

/* ---- shared by every controller with a selector and a pod template ---- */

static bool expr_matches(const json_t *req, const json_t *labels)
{
	const char *key = kj_str(req, "key"), *op = kj_str(req, "operator");
	json_t *have = key ? json_object_get(labels, key) : NULL;
	json_t *vals = json_object_get(req, "values");
	bool in = false;
	size_t i;
	json_t *v;

	if (!key || !op)
		return false;
	json_array_foreach(vals, i, v)
		in = in || (have && json_equal(have, v));
	if (!strcmp(op, "In"))
		return in;
	if (!strcmp(op, "NotIn"))
		return !in;
	if (!strcmp(op, "Exists"))
		return have != NULL;
	if (!strcmp(op, "DoesNotExist"))
		return have == NULL;
	return false;
}

/* Whether a metav1.LabelSelector selects labels; an empty selector selects everything. */
bool kinds_selector_matches(const json_t *sel, const json_t *labels)
{
	const char *key;
	size_t i;
	json_t *v;

	json_object_foreach(json_object_get(sel, "matchLabels"), key, v)
		if (!json_equal(json_object_get(labels, key), v))
			return false;
	json_array_foreach(json_object_get(sel, "matchExpressions"), i, v)
		if (!expr_matches(v, labels))
			return false;
	return true;
}

static bool selector_empty(const json_t *sel)
{
	return !json_object_size(json_object_get(sel, "matchLabels")) &&
	       !json_array_size(json_object_get(sel, "matchExpressions"));
}

static void check_replicas(json_t *causes, const json_t *spec, const char *key)
{
	json_t *r = json_object_get(spec, key);
	char f[64];

	kinds_fmt(f, sizeof(f), "spec.%s", key);
	if (r && (!json_is_integer(r) || json_integer_value(r) < 0))
		kinds_invalid(causes, f, r, "must be greater than or equal to 0");
}

/*
 * Checks selector, template and template restart policy; `what` names the
 * kind in Kubernetes' wording ("deployment").
 */
static void check_workload(const struct api_kind *k, const json_t *obj, const json_t *old,
			   const char *what, json_t *causes)
{
	static const char *const always[] = { "Always", NULL };
	json_t *spec = json_object_get(obj, "spec");
	json_t *sel = json_object_get(spec, "selector");
	json_t *tmpl = json_object_get(spec, "template");
	const char *rp = kj_str(tmpl, "spec.restartPolicy");

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	if (!sel || json_is_null(sel)) {
		kinds_required(causes, "spec.selector", NULL);
	} else if (selector_empty(sel)) {
		char d[64];

		kinds_fmt(d, sizeof(d), "empty selector is invalid for %s", what);
		kinds_invalid(causes, "spec.selector", sel, d);
	} else {
		kinds_check_label_selector(causes, "spec.selector", sel);
		if (!kinds_selector_matches(sel, kj_get(tmpl, "metadata.labels")))
			kinds_invalid(causes, "spec.template.metadata.labels",
				      kj_get(tmpl, "metadata.labels"),
				      "`selector` does not match template `labels`");
	}
	if (!json_is_object(tmpl) || !json_is_object(json_object_get(tmpl, "spec")))
		kinds_required(causes, "spec.template", NULL);
	else if (json_array_size(json_object_get(spec, "volumeClaimTemplates"))) {
		/* A StatefulSet's claim templates are volumes its containers may mount. */
		json_auto_t *t = json_deep_copy(tmpl);
		json_t *ts = json_object_get(t, "spec");
		json_t *vols = json_object_get(ts, "volumes");
		size_t i;
		json_t *ct;

		if (!json_is_array(vols)) {
			vols = json_array();
			json_object_set_new(ts, "volumes", vols);
		}
		json_array_foreach(json_object_get(spec, "volumeClaimTemplates"), i, ct) {
			const char *n = kj_str(ct, "metadata.name");
			if (n)
				json_array_append_new(vols, json_pack("{s:s,s:{s:s}}", "name", n,
								      "persistentVolumeClaim", "claimName", n));
		}
		kinds_podtemplate_validate(t, "spec.template", causes);
	} else
		kinds_podtemplate_validate(tmpl, "spec.template", causes);
	if (rp && strcmp(rp, "Always"))
		kinds_unsupported(causes, "spec.template.spec.restartPolicy", rp, always);
	if (kj_int(spec, "minReadySeconds", 0) < 0)
		kinds_invalid(causes, "spec.minReadySeconds", json_object_get(spec, "minReadySeconds"),
			      "must be greater than or equal to 0");
	if (kj_int(spec, "revisionHistoryLimit", 0) < 0)
		kinds_invalid(causes, "spec.revisionHistoryLimit",
			      json_object_get(spec, "revisionHistoryLimit"),
			      "must be greater than or equal to 0");
	if (old)
		kinds_check_immutable(causes, obj, old, "spec.selector");
}

/* ---- Deployment ---- */

/* An IntOrString count or percentage: -1 when malformed, else its value (percent or count). */
static long long intstr_value(const json_t *v, bool *percent)
{
	const char *s = json_string_value(v);
	char *end;
	long long n;

	*percent = false;
	if (json_is_integer(v))
		return json_integer_value(v);
	if (!s || !*s)
		return -1;
	n = strtoll(s, &end, 10);
	if (end == s || strcmp(end, "%"))
		return -1;
	*percent = true;
	return n;
}

static void check_rolling(json_t *causes, const json_t *ru, const char *field)
{
	json_t *mu = json_object_get(ru, "maxUnavailable"), *ms = json_object_get(ru, "maxSurge");
	bool pu = false, ps = false;
	long long u = mu ? intstr_value(mu, &pu) : 1, s = ms ? intstr_value(ms, &ps) : 1;
	char f[128];

	kinds_fmt(f, sizeof(f), "%s.maxUnavailable", field);
	if (mu && u < 0)
		kinds_invalid(causes, f, mu, "a valid percent string must be a numeric string "
			      "followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
			      "validation is '[0-9]+%')");
	else if (pu && u > 100)
		kinds_invalid(causes, f, mu, "must not be greater than 100%");
	else if (mu && ms && u == 0 && s == 0)
		kinds_invalid(causes, f, mu, "may not be 0 when `maxSurge` is 0");
	kinds_fmt(f, sizeof(f), "%s.maxSurge", field);
	if (ms && s < 0)
		kinds_invalid(causes, f, ms, "a valid percent string must be a numeric string "
			      "followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
			      "validation is '[0-9]+%')");
}

void kinds_deployment_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec"), *strategy = kj_obj(spec, "strategy");

	kj_default_int(spec, "replicas", 1);
	kj_default_str(strategy, "type", "RollingUpdate");
	if (!strcmp(kj_str(strategy, "type"), "RollingUpdate")) {
		json_t *ru = kj_obj(strategy, "rollingUpdate");

		kj_default_str(ru, "maxUnavailable", "25%");
		kj_default_str(ru, "maxSurge", "25%");
	}
	kj_default_int(spec, "revisionHistoryLimit", 10);
	kj_default_int(spec, "progressDeadlineSeconds", 600);
	kinds_podtemplate_defaults(kj_obj(spec, "template"));
}

void kinds_deployment_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			       json_t *causes)
{
	static const char *const types[] = { "Recreate", "RollingUpdate", NULL };
	json_t *spec = json_object_get(obj, "spec");
	const char *type = kj_str(spec, "strategy.type");

	check_workload(k, obj, old, "deployment", causes);
	check_replicas(causes, spec, "replicas");
	if (type && strcmp(type, "Recreate") && strcmp(type, "RollingUpdate"))
		kinds_unsupported(causes, "spec.strategy.type", type, types);
	if (type && !strcmp(type, "Recreate") && kj_get(spec, "strategy.rollingUpdate"))
		kinds_forbidden(causes, "spec.strategy.rollingUpdate",
				"may not be specified when strategy `type` is 'Recreate'");
	check_rolling(causes, kj_get(spec, "strategy.rollingUpdate"), "spec.strategy.rollingUpdate");
	if (json_object_get(spec, "progressDeadlineSeconds") &&
	    kj_int(spec, "progressDeadlineSeconds", 0) <= kj_int(spec, "minReadySeconds", 0))
		kinds_invalid(causes, "spec.progressDeadlineSeconds",
			      json_object_get(spec, "progressDeadlineSeconds"),
			      "must be greater than minReadySeconds");
}

/* ---- ReplicaSet ---- */

void kinds_replicaset_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec");

	kj_default_int(spec, "replicas", 1);
	kinds_podtemplate_defaults(kj_obj(spec, "template"));
}

void kinds_replicaset_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			       json_t *causes)
{
	check_workload(k, obj, old, "replicaset", causes);
	check_replicas(causes, json_object_get(obj, "spec"), "replicas");
}

/* ---- StatefulSet ---- */

void kinds_statefulset_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec"), *us = kj_obj(spec, "updateStrategy");
	json_t *ret = kj_obj(spec, "persistentVolumeClaimRetentionPolicy");
	size_t i;
	json_t *pvc;

	kj_default_int(spec, "replicas", 1);
	kj_default_str(spec, "podManagementPolicy", "OrderedReady");
	kj_default_str(us, "type", "RollingUpdate");
	if (!strcmp(kj_str(us, "type"), "RollingUpdate"))
		kj_default_int(kj_obj(us, "rollingUpdate"), "partition", 0);
	kj_default_int(spec, "revisionHistoryLimit", 10);
	kj_default_str(ret, "whenDeleted", "Retain");
	kj_default_str(ret, "whenScaled", "Retain");
	json_array_foreach(json_object_get(spec, "volumeClaimTemplates"), i, pvc) {
		kj_default_str(kj_obj(pvc, "spec"), "volumeMode", "Filesystem");
		kj_default_str(kj_obj(pvc, "status"), "phase", "Pending");
	}
	kinds_podtemplate_defaults(kj_obj(spec, "template"));
}

/* Only these spec fields of a StatefulSet may change. */
static json_t *sts_masked(const json_t *spec)
{
	static const char *const mutable[] = { "replicas", "ordinals", "template", "updateStrategy",
					       "persistentVolumeClaimRetentionPolicy",
					       "minReadySeconds", "revisionHistoryLimit" };
	json_t *m = spec ? json_deep_copy(spec) : json_object();

	for (size_t i = 0; i < sizeof(mutable) / sizeof(mutable[0]); i++)
		json_object_del(m, mutable[i]);
	return m;
}

void kinds_statefulset_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
				json_t *causes)
{
	static const char *const policies[] = { "OrderedReady", "Parallel", NULL };
	json_t *spec = json_object_get(obj, "spec");
	const char *pmp = kj_str(spec, "podManagementPolicy");

	check_workload(k, obj, old, "statefulset", causes);
	check_replicas(causes, spec, "replicas");
	if (pmp && strcmp(pmp, "OrderedReady") && strcmp(pmp, "Parallel"))
		kinds_unsupported(causes, "spec.podManagementPolicy", pmp, policies);
	if (old) {
		json_auto_t *a = sts_masked(spec);
		json_auto_t *b = sts_masked(json_object_get(old, "spec"));

		if (!json_equal(a, b))
			kinds_forbidden(causes, "spec", "updates to statefulset spec for fields other "
					"than 'replicas', 'ordinals', 'template', 'updateStrategy', "
					"'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
					"are forbidden");
	}
}

/* ---- DaemonSet ---- */

void kinds_daemonset_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec"), *us = kj_obj(spec, "updateStrategy");

	kj_default_str(us, "type", "RollingUpdate");
	if (!strcmp(kj_str(us, "type"), "RollingUpdate")) {
		json_t *ru = kj_obj(us, "rollingUpdate");

		kj_default_int(ru, "maxUnavailable", 1);
		kj_default_int(ru, "maxSurge", 0);
	}
	kj_default_int(spec, "revisionHistoryLimit", 10);
	kinds_podtemplate_defaults(kj_obj(spec, "template"));
}

void kinds_daemonset_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			      json_t *causes)
{
	static const char *const types[] = { "OnDelete", "RollingUpdate", NULL };
	const char *type = kj_str(obj, "spec.updateStrategy.type");

	check_workload(k, obj, old, "daemonset", causes);
	if (type && strcmp(type, "OnDelete") && strcmp(type, "RollingUpdate"))
		kinds_unsupported(causes, "spec.updateStrategy.type", type, types);
	check_rolling(causes, kj_get(obj, "spec.updateStrategy.rollingUpdate"),
		      "spec.updateStrategy.rollingUpdate");
}
