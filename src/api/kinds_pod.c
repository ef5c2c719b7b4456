/* SPDX-License-Identifier: Apache-2.0 */
/* Pods and pod specs: Kubernetes' defaults, validation and update rules. */
#include <stdio.h>
#include <string.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"
#include "lib/xalloc.h"

/* ---- defaults ---- */

/* Always for ":latest" or no tag, else IfNotPresent (digests count as tags). */
static const char *default_pull_policy(const char *image)
{
	const char *last = strrchr(image, '/');
	const char *tag;

	if (strchr(image, '@'))
		return "IfNotPresent";
	last = last ? last + 1 : image;
	tag = strchr(last, ':');
	if (!tag || !strcmp(tag + 1, "latest"))
		return "Always";
	return "IfNotPresent";
}

static void probe_defaults(json_t *p)
{
	if (!json_is_object(p))
		return;
	kj_default_int(p, "timeoutSeconds", 1);
	kj_default_int(p, "periodSeconds", 10);
	kj_default_int(p, "successThreshold", 1);
	kj_default_int(p, "failureThreshold", 3);
	if (json_is_object(json_object_get(p, "httpGet")))
		kj_default_str(json_object_get(p, "httpGet"), "scheme", "HTTP");
}

static void container_defaults(json_t *c)
{
	const char *image = json_string_value(json_object_get(c, "image"));
	size_t i;
	json_t *port, *env;

	if (!json_is_object(c))
		return;
	if (image)
		kj_default_str(c, "imagePullPolicy", default_pull_policy(image));
	kj_default_str(c, "terminationMessagePath", "/dev/termination-log");
	kj_default_str(c, "terminationMessagePolicy", "File");
	kj_obj(c, "resources");
	json_array_foreach(json_object_get(c, "ports"), i, port)
		kj_default_str(port, "protocol", "TCP");
	json_array_foreach(json_object_get(c, "env"), i, env) {
		json_t *fr = kj_get(env, "valueFrom.fieldRef");

		if (json_is_object(fr))
			kj_default_str(fr, "apiVersion", "v1");
	}
	probe_defaults(json_object_get(c, "livenessProbe"));
	probe_defaults(json_object_get(c, "readinessProbe"));
	probe_defaults(json_object_get(c, "startupProbe"));
}

static void volume_defaults(json_t *v)
{
	json_t *src;

	if ((src = json_object_get(v, "configMap")) && json_is_object(src))
		kj_default_int(src, "defaultMode", 0644);
	if ((src = json_object_get(v, "secret")) && json_is_object(src))
		kj_default_int(src, "defaultMode", 0644);
	if ((src = json_object_get(v, "downwardAPI")) && json_is_object(src))
		kj_default_int(src, "defaultMode", 0644);
	if ((src = json_object_get(v, "projected")) && json_is_object(src))
		kj_default_int(src, "defaultMode", 0644);
	if ((src = json_object_get(v, "hostPath")) && json_is_object(src))
		kj_default_str(src, "type", "");
}

void kinds_podspec_defaults(json_t *spec)
{
	static const char *const lists[] = { "containers", "initContainers", "ephemeralContainers" };
	size_t i;
	json_t *c;

	if (!json_is_object(spec))
		return;
	kj_default_str(spec, "restartPolicy", "Always");
	kj_default_str(spec, "dnsPolicy", "ClusterFirst");
	kj_default_int(spec, "terminationGracePeriodSeconds", 30);
	kj_default_str(spec, "schedulerName", "default-scheduler");
	kj_obj(spec, "securityContext");
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		json_array_foreach(json_object_get(spec, lists[l]), i, c)
			container_defaults(c);
	json_array_foreach(json_object_get(spec, "volumes"), i, c)
		volume_defaults(c);
}

void kinds_podtemplate_defaults(json_t *tmpl)
{
	if (json_is_object(tmpl))
		kinds_podspec_defaults(kj_obj(tmpl, "spec"));
}

/* QoS class as Kubernetes computes it from cpu and memory requests and limits. */
static const char *qos_class(const json_t *spec)
{
	static const char *const res[] = { "cpu", "memory" };
	bool any = false, guaranteed = true;
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(spec, "containers"), i, c) {
		json_t *lim = kj_get(c, "resources.limits"), *req = kj_get(c, "resources.requests");

		for (int r = 0; r < 2; r++) {
			json_t *l = json_object_get(lim, res[r]), *q = json_object_get(req, res[r]);

			if (l || q)
				any = true;
			if (!l || (q && !json_equal(l, q)))
				guaranteed = false;
		}
	}
	if (!any)
		return "BestEffort";
	return guaranteed ? "Guaranteed" : "Burstable";
}

static void add_toleration(json_t *spec, const char *key)
{
	json_t *tols = json_object_get(spec, "tolerations");
	size_t i;
	json_t *t;

	if (!json_is_array(tols)) {
		tols = json_array();
		json_object_set_new(spec, "tolerations", tols);
	}
	json_array_foreach(tols, i, t) {
		const char *k = json_string_value(json_object_get(t, "key"));
		const char *eff = json_string_value(json_object_get(t, "effect"));

		if ((k && !strcmp(k, key)) || (!k && (!eff || !strcmp(eff, "NoExecute"))))
			return;
	}
	json_array_append_new(tols, json_pack("{s:s,s:s,s:s,s:i}", "key", key, "operator", "Exists",
					      "effect", "NoExecute", "tolerationSeconds", 300));
}

/* Pods (not templates): a resource with a limit and no request requests its limit. */
static void requests_from_limits(json_t *spec)
{
	static const char *const lists[] = { "containers", "initContainers" };
	size_t i;
	json_t *c;

	for (size_t l = 0; l < 2; l++) {
		json_array_foreach(json_object_get(spec, lists[l]), i, c) {
			json_t *lim = kj_get(c, "resources.limits"), *req;
			const char *name;
			json_t *v;

			if (!json_object_size(lim))
				continue;
			req = kj_obj(kj_obj(c, "resources"), "requests");
			json_object_foreach(lim, name, v)
				if (!json_object_get(req, name))
					json_object_set(req, name, v);
		}
	}
}

void kinds_pod_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec"), *status;

	kinds_podspec_defaults(spec);
	requests_from_limits(spec);
	if (json_is_true(json_object_get(spec, "hostNetwork"))) {
		size_t i, j;
		json_t *c, *p;

		/* With the host's network a container port is a host port. */
		json_array_foreach(json_object_get(spec, "containers"), i, c)
			json_array_foreach(json_object_get(c, "ports"), j, p)
				if (json_object_get(p, "containerPort"))
					kj_default_int(p, "hostPort", kj_int(p, "containerPort", 0));
	}
	kj_default_bool(spec, "enableServiceLinks", true);
	/* What the priority, service-account and toleration admission plugins add. */
	kj_default_int(spec, "priority", 0);
	kj_default_str(spec, "preemptionPolicy", "PreemptLowerPriority");
	kj_default_str(spec, "serviceAccountName", "default");
	kj_default_str(spec, "serviceAccount", json_string_value(json_object_get(spec,
									  "serviceAccountName")));
	add_toleration(spec, "node.kubernetes.io/not-ready");
	add_toleration(spec, "node.kubernetes.io/unreachable");
	status = kj_obj(obj, "status");
	kj_default_str(status, "phase", "Pending");
	kj_default_str(status, "qosClass", qos_class(spec));
}

/* ---- validation ---- */

static void check_port_number(json_t *causes, const char *f, const json_t *v, bool zero_ok)
{
	long long n;

	if (!json_is_integer(v)) {
		kinds_invalid(causes, f, v, "must be an integer");
		return;
	}
	n = json_integer_value(v);
	if ((zero_ok && n == 0) || (n >= 1 && n <= 65535))
		return;
	kinds_invalid(causes, f, v, "must be between 1 and 65535, inclusive");
}

static void check_protocol(json_t *causes, const char *f, const json_t *port)
{
	static const char *const protos[] = { "SCTP", "TCP", "UDP", NULL };
	const char *p = json_string_value(json_object_get(port, "protocol"));

	if (!p)
		kinds_required(causes, f, NULL);
	else if (strcmp(p, "TCP") && strcmp(p, "UDP") && strcmp(p, "SCTP"))
		kinds_unsupported(causes, f, p, protos);
}

/* An IANA service name, as container port names must be: [-a-z0-9]+, a letter, no "--". */
static void check_port_name(json_t *causes, const char *f, const char *s)
{
	bool letter = false;

	if (strlen(s) > 15)
		kinds_invalid_str(causes, f, s, "must be no more than 15 characters");
	for (const char *c = s; *c; c++) {
		if (*c >= 'a' && *c <= 'z')
			letter = true;
		else if (!(*c >= '0' && *c <= '9') && *c != '-') {
			kinds_invalid_str(causes, f, s, "must contain only alpha-numerics and '-'");
			return;
		}
	}
	if (strstr(s, "--"))
		kinds_invalid_str(causes, f, s, "must not contain consecutive hyphens");
	if (!letter)
		kinds_invalid_str(causes, f, s, "must contain at least one letter (a-z)");
	if (*s == '-' || (*s && s[strlen(s) - 1] == '-'))
		kinds_invalid_str(causes, f, s, "must not begin or end with a hyphen");
}

static void check_resource_list(json_t *causes, const char *f, const json_t *list)
{
	const char *name;
	json_t *v;
	char ff[320];

	json_object_foreach((json_t *)list, name, v) {
		const char *s = json_string_value(v);
		double q;

		kinds_fmt(ff, sizeof(ff), "%s[%s]", f, name);
		if (json_is_integer(v) || json_is_real(v))
			q = json_number_value(v);
		else if (!s || !kinds_quantity_value(s, &q)) {
			kinds_invalid(causes, ff, v,
				      "quantities must match the regular expression "
				      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
			continue;
		}
		if (q < 0)
			kinds_invalid(causes, ff, v, "must be greater than or equal to 0");
	}
}

static double quantity_of(const json_t *v)
{
	double q = 0;

	if (json_is_number(v))
		return json_number_value(v);
	kinds_quantity_value(json_string_value(v), &q);
	return q;
}

static void check_resources(json_t *causes, const char *f, const json_t *res)
{
	json_t *lim = json_object_get(res, "limits"), *req = json_object_get(res, "requests");
	const char *name;
	json_t *v;
	char ff[320];

	kinds_fmt(ff, sizeof(ff), "%s.limits", f);
	check_resource_list(causes, ff, lim);
	kinds_fmt(ff, sizeof(ff), "%s.requests", f);
	check_resource_list(causes, ff, req);
	json_object_foreach(req, name, v) {
		json_t *l = json_object_get(lim, name);
		char d[256];
		_cleanup_free_ char *ls = json_is_string(l) ? xstrdup(json_string_value(l))
							    : json_dumps(l, JSON_ENCODE_ANY);

		if (!l || quantity_of(v) <= quantity_of(l))
			continue;
		kinds_fmt(ff, sizeof(ff), "%s.requests[%s]", f, name);
		kinds_fmt(d, sizeof(d), "must be less than or equal to %s limit of %s", name, ls);
		kinds_invalid(causes, ff, v, d);
	}
}

/* A probe or lifecycle hook names exactly one handler. */
static void check_handler(json_t *causes, const char *f, const json_t *h, bool probe)
{
	static const char *const kinds[] = { "exec", "httpGet", "tcpSocket", "grpc", "sleep" };
	int n = 0;

	if (!h)
		return;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		n += json_object_get(h, kinds[i]) ? 1 : 0;
	if (n == 0)
		kinds_required(causes, f, "must specify a handler type");
	else if (n > 1)
		kinds_forbidden(causes, f, "may not specify more than 1 handler type");
	if (probe && json_object_get(h, "timeoutSeconds") && kj_int(h, "timeoutSeconds", 0) < 1) {
		char ff[340];

		kinds_fmt(ff, sizeof(ff), "%s.timeoutSeconds", f);
		kinds_invalid(causes, ff, json_object_get(h, "timeoutSeconds"),
			      "must be greater than or equal to 1");
	}
}

static void check_container(json_t *causes, const char *f, const json_t *c,
			    const json_t *volumes, json_t *names)
{
	static const char *const pulls[] = { "Always", "IfNotPresent", "Never", NULL };
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *pull = json_string_value(json_object_get(c, "imagePullPolicy"));
	const char *image = json_string_value(json_object_get(c, "image"));
	char ff[320];
	size_t i;
	json_t *p;

	kinds_fmt(ff, sizeof(ff), "%s.name", f);
	if (!name || !*name)
		kinds_required(causes, ff, NULL);
	else if (kinds_check_dns1123_label(causes, ff, name)) {
		if (json_object_get(names, name))
			kinds_duplicate(causes, ff, json_object_get(c, "name"));
		json_object_set_new(names, name, json_true());
	}
	kinds_fmt(ff, sizeof(ff), "%s.image", f);
	if (!image || !*image)
		kinds_required(causes, ff, NULL);
	else if (image[0] == ' ' || image[strlen(image) - 1] == ' ')
		kinds_invalid_str(causes, ff, image, "must not have leading or trailing whitespace");
	kinds_fmt(ff, sizeof(ff), "%s.imagePullPolicy", f);
	if (pull && strcmp(pull, "Always") && strcmp(pull, "IfNotPresent") && strcmp(pull, "Never"))
		kinds_unsupported(causes, ff, pull, pulls);
	json_array_foreach(json_object_get(c, "ports"), i, p) {
		const char *pn = json_string_value(json_object_get(p, "name"));

		kinds_fmt(ff, sizeof(ff), "%s.ports[%zu].containerPort", f, i);
		if (!json_object_get(p, "containerPort"))
			kinds_required(causes, ff, NULL);
		else
			check_port_number(causes, ff, json_object_get(p, "containerPort"), false);
		if (json_object_get(p, "hostPort")) {
			kinds_fmt(ff, sizeof(ff), "%s.ports[%zu].hostPort", f, i);
			check_port_number(causes, ff, json_object_get(p, "hostPort"), true);
		}
		kinds_fmt(ff, sizeof(ff), "%s.ports[%zu].protocol", f, i);
		check_protocol(causes, ff, p);
		if (pn) {
			kinds_fmt(ff, sizeof(ff), "%s.ports[%zu].name", f, i);
			check_port_name(causes, ff, pn);
		}
	}
	json_array_foreach(json_object_get(c, "env"), i, p) {
		const char *en = json_string_value(json_object_get(p, "name"));

		kinds_fmt(ff, sizeof(ff), "%s.env[%zu].name", f, i);
		if (!en || !*en)
			kinds_required(causes, ff, NULL);
		else if (strchr(en, '='))
			kinds_invalid_str(causes, ff, en, "a valid environment variable name must "
					  "consist only of printable ASCII characters other than '='");
	}
	json_array_foreach(json_object_get(c, "volumeMounts"), i, p) {
		const char *vn = json_string_value(json_object_get(p, "name"));
		bool found = false;
		size_t j;
		json_t *v;

		kinds_fmt(ff, sizeof(ff), "%s.volumeMounts[%zu].name", f, i);
		json_array_foreach(volumes, j, v)
			if (vn && json_equal(json_object_get(v, "name"), json_object_get(p, "name")))
				found = true;
		if (!vn || !*vn)
			kinds_required(causes, ff, NULL);
		else if (!found)
			kinds_cause(causes, "FieldValueNotFound", ff, "Not found: \"%s\"", vn);
		kinds_fmt(ff, sizeof(ff), "%s.volumeMounts[%zu].mountPath", f, i);
		if (!json_string_length(json_object_get(p, "mountPath")))
			kinds_required(causes, ff, NULL);
	}
	kinds_fmt(ff, sizeof(ff), "%s.resources", f);
	check_resources(causes, ff, json_object_get(c, "resources"));
	static const char *const probes[] = { "livenessProbe", "readinessProbe", "startupProbe" };
	for (size_t n = 0; n < 3; n++) {
		kinds_fmt(ff, sizeof(ff), "%s.%s", f, probes[n]);
		check_handler(causes, ff, json_object_get(c, probes[n]), true);
	}
	kinds_fmt(ff, sizeof(ff), "%s.lifecycle.postStart", f);
	check_handler(causes, ff, kj_get(c, "lifecycle.postStart"), false);
	kinds_fmt(ff, sizeof(ff), "%s.lifecycle.preStop", f);
	check_handler(causes, ff, kj_get(c, "lifecycle.preStop"), false);
}

static void check_volumes(json_t *causes, const char *field, const json_t *volumes)
{
	json_auto_t *names = json_object();
	char ff[320];
	size_t i;
	json_t *v;

	json_array_foreach(volumes, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		int sources = (int)json_object_size(v) - (json_object_get(v, "name") ? 1 : 0);

		kinds_fmt(ff, sizeof(ff), "%s.volumes[%zu]", field, i);
		if (sources == 0)
			kinds_required(causes, ff, "must specify a volume type");
		else if (sources > 1)
			kinds_forbidden(causes, ff, "may not specify more than 1 volume type");
		kinds_fmt(ff, sizeof(ff), "%s.volumes[%zu].name", field, i);
		if (!name || !*name) {
			kinds_required(causes, ff, NULL);
			continue;
		}
		if (!kinds_check_dns1123_label(causes, ff, name))
			continue;
		if (json_object_get(names, name))
			kinds_duplicate(causes, ff, json_object_get(v, "name"));
		json_object_set_new(names, name, json_true());
	}
}

void kinds_podspec_validate(const json_t *spec, const char *field, json_t *causes)
{
	static const char *const restarts[] = { "Always", "OnFailure", "Never", NULL };
	static const char *const dns[] = { "ClusterFirstWithHostNet", "ClusterFirst", "Default",
					   "None", NULL };
	static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers" };
	json_auto_t *names = json_object();
	json_t *volumes = json_object_get(spec, "volumes");
	const char *s;
	char ff[320];
	size_t i;
	json_t *c;

	kinds_fmt(ff, sizeof(ff), "%s.containers", field);
	if (!json_array_size(json_object_get(spec, "containers")))
		kinds_required(causes, ff, NULL);
	check_volumes(causes, field, volumes);
	for (size_t l = 0; l < 3; l++) {
		json_array_foreach(json_object_get(spec, lists[l]), i, c) {
			kinds_fmt(ff, sizeof(ff), "%s.%s[%zu]", field, lists[l], i);
			/* Names are unique among all three kinds. */
			check_container(causes, ff, c, volumes, names);
			if (l == 2)
				kinds_check_ephemeral(causes, ff, c, spec);
			else
				kinds_check_restart_policy(causes, ff, c, l == 0);
		}
	}
	kinds_fmt(ff, sizeof(ff), "%s.restartPolicy", field);
	s = json_string_value(json_object_get(spec, "restartPolicy"));
	if (s && strcmp(s, "Always") && strcmp(s, "OnFailure") && strcmp(s, "Never"))
		kinds_unsupported(causes, ff, s, restarts);
	kinds_fmt(ff, sizeof(ff), "%s.dnsPolicy", field);
	s = json_string_value(json_object_get(spec, "dnsPolicy"));
	if (s && strcmp(s, "ClusterFirstWithHostNet") && strcmp(s, "ClusterFirst") &&
	    strcmp(s, "Default") && strcmp(s, "None"))
		kinds_unsupported(causes, ff, s, dns);
	kinds_fmt(ff, sizeof(ff), "%s.terminationGracePeriodSeconds", field);
	if (kj_int(spec, "terminationGracePeriodSeconds", 0) < 0)
		kinds_invalid(causes, ff, json_object_get(spec, "terminationGracePeriodSeconds"),
			      "must be greater than or equal to 0");
	kinds_fmt(ff, sizeof(ff), "%s.activeDeadlineSeconds", field);
	if (json_object_get(spec, "activeDeadlineSeconds") &&
	    kj_int(spec, "activeDeadlineSeconds", 0) < 1)
		kinds_invalid(causes, ff, json_object_get(spec, "activeDeadlineSeconds"),
			      "must be between 1 and 2147483647, inclusive");
	if ((s = json_string_value(json_object_get(spec, "serviceAccountName"))) && *s) {
		kinds_fmt(ff, sizeof(ff), "%s.serviceAccountName", field);
		kinds_check_dns1123_subdomain(causes, ff, s);
	}
	kinds_fmt(ff, sizeof(ff), "%s.nodeSelector", field);
	kinds_check_labels(causes, ff, json_object_get(spec, "nodeSelector"));
}

void kinds_podtemplate_validate(const json_t *tmpl, const char *field, json_t *causes)
{
	char ff[320];

	kinds_fmt(ff, sizeof(ff), "%s.metadata.labels", field);
	kinds_check_labels(causes, ff, kj_get(tmpl, "metadata.labels"));
	kinds_fmt(ff, sizeof(ff), "%s.metadata.annotations", field);
	kinds_check_annotations(causes, ff, kj_get(tmpl, "metadata.annotations"));
	kinds_fmt(ff, sizeof(ff), "%s.spec", field);
	kinds_podspec_validate(json_object_get(tmpl, "spec"), ff, causes);
}

/*
 * A pod's spec is fixed once created, except container images, the active
 * deadline, added tolerations and the grace period. Compare both specs with
 * those fields blanked out.
 */
static json_t *mutable_masked(const json_t *spec)
{
	static const char *const lists[] = { "containers", "initContainers" };
	json_t *m = json_deep_copy(spec);
	size_t i;
	json_t *c;

	if (!m)
		return json_object();
	for (size_t l = 0; l < 2; l++)
		json_array_foreach(json_object_get(m, lists[l]), i, c)
			json_object_del(c, "image");
	json_object_del(m, "activeDeadlineSeconds");
	json_object_del(m, "tolerations");
	json_object_del(m, "ephemeralContainers"); /* kinds_check_ephemeral_update */
	json_object_del(m, "terminationGracePeriodSeconds");
	return m;
}

static void check_pod_update(const json_t *obj, const json_t *old, json_t *causes)
{
	json_auto_t *a = mutable_masked(json_object_get(obj, "spec"));
	json_auto_t *b = mutable_masked(json_object_get(old, "spec"));
	json_t *otols = kj_get(old, "spec.tolerations"), *ntols = kj_get(obj, "spec.tolerations");
	size_t i, j;
	json_t *t, *u;

	json_array_foreach(otols, i, t) {
		bool kept = false;

		json_array_foreach(ntols, j, u)
			kept = kept || json_equal(t, u);
		if (!kept) {
			kinds_forbidden(causes, "spec.tolerations",
					"existing toleration can not be modified except its "
					"tolerationSeconds");
			break;
		}
	}
	if (json_equal(a, b))
		return;
	kinds_forbidden(causes, "spec",
			"pod updates may not change fields other than "
			"`spec.containers[*].image`,`spec.initContainers[*].image`,"
			"`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
			"tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if "
			"it was previously negative)");
}

void kinds_pod_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			json_t *causes)
{
	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	kinds_podspec_validate(json_object_get(obj, "spec"), "spec", causes);
	if (old) {
		check_pod_update(obj, old, causes);
		kinds_check_ephemeral_update(causes, json_object_get(obj, "spec"), json_object_get(old, "spec"));
	} else if (json_array_size(kj_get(obj, "spec.ephemeralContainers"))) {
		kinds_forbidden(causes, "spec.ephemeralContainers", "cannot be set on create");
	}
}
