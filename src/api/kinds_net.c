/* SPDX-License-Identifier: Apache-2.0 */
/* networking.k8s.io/v1: Ingress rules and NetworkPolicy types, as users first get them wrong. */
#include <string.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"

static void check_backend(json_t *causes, const char *f, const json_t *b)
{
	json_t *svc = json_object_get(b, "service");
	char ff[200];

	if (!b) {
		kinds_required(causes, f, NULL);
		return;
	}
	if (!svc && !json_object_get(b, "resource")) {
		kinds_required(causes, f, "one of `service` or `resource` must be specified");
		return;
	}
	if (svc) {
		kinds_fmt(ff, sizeof(ff), "%s.service.name", f);
		if (!kj_str(svc, "name") || !*kj_str(svc, "name"))
			kinds_required(causes, ff, NULL);
		kinds_fmt(ff, sizeof(ff), "%s.service.port", f);
		if (!kj_get(svc, "port.name") && !kj_get(svc, "port.number"))
			kinds_required(causes, ff, "port name or number is required");
	}
}

void kinds_ingress_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			    json_t *causes)
{
	static const char *const types[] = { "Exact", "ImplementationSpecific", "Prefix", NULL };
	json_t *spec = json_object_get(obj, "spec"), *rule, *path;
	size_t i, j;

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	if (json_object_get(spec, "defaultBackend"))
		check_backend(causes, "spec.defaultBackend", json_object_get(spec, "defaultBackend"));
	else if (!json_array_size(json_object_get(spec, "rules")))
		kinds_invalid(causes, "spec.rules", json_object_get(spec, "rules"),
			      "either `defaultBackend` or `rules` must be specified");
	json_array_foreach(json_object_get(spec, "rules"), i, rule) {
		json_t *paths = kj_get(rule, "http.paths");
		char f[200];

		if (kj_get(rule, "http") && !json_array_size(paths)) {
			kinds_fmt(f, sizeof(f), "spec.rules[%zu].http.paths", i);
			kinds_required(causes, f, NULL);
		}
		json_array_foreach(paths, j, path) {
			const char *pt = kj_str(path, "pathType"), *p = kj_str(path, "path");

			kinds_fmt(f, sizeof(f), "spec.rules[%zu].http.paths[%zu].pathType", i, j);
			if (!pt)
				kinds_required(causes, f, "pathType must be specified");
			else if (strcmp(pt, "Exact") && strcmp(pt, "Prefix") &&
				 strcmp(pt, "ImplementationSpecific"))
				kinds_unsupported(causes, f, pt, types);
			kinds_fmt(f, sizeof(f), "spec.rules[%zu].http.paths[%zu].path", i, j);
			if (pt && strcmp(pt, "ImplementationSpecific") && (!p || p[0] != '/'))
				kinds_invalid_str(causes, f, p ? p : "", "must be an absolute path");
			kinds_fmt(f, sizeof(f), "spec.rules[%zu].http.paths[%zu].backend", i, j);
			check_backend(causes, f, json_object_get(path, "backend"));
		}
	}
}

void kinds_networkpolicy_validate(const struct api_kind *k, const json_t *obj,
				  const json_t *old, json_t *causes)
{
	static const char *const types[] = { "Ingress", "Egress", NULL };
	size_t i;
	json_t *t;

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	kinds_check_label_selector(causes, "spec.podSelector", kj_get(obj, "spec.podSelector"));
	json_array_foreach(kj_get(obj, "spec.policyTypes"), i, t) {
		char f[64];

		kinds_fmt(f, sizeof(f), "spec.policyTypes[%zu]", i);
		if (!json_is_string(t) || (strcmp(json_string_value(t), "Ingress") &&
					   strcmp(json_string_value(t), "Egress")))
			kinds_unsupported(causes, f, json_string_value(t) ?: "", types);
	}
}
