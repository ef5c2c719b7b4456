/* SPDX-License-Identifier: Apache-2.0 */
/* Field selectors: which labels each kind supports, and an object's value for a label. */
#include <stdio.h>
#include <string.h>

#include "api/kinds_common.h"

const char *const kinds_pod_fields[] = {
	"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
	"spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
	"status.nominatedNodeName", NULL,
};
const char *const kinds_event_fields[] = {
	"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
	"involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
	"involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", NULL,
};
const char *const kinds_secret_fields[] = { "type", NULL };
const char *const kinds_node_fields[] = { "spec.unschedulable", NULL };
const char *const kinds_namespace_fields[] = { "status.phase", NULL };
const char *const kinds_replicaset_fields[] = { "status.replicas", NULL };
const char *const kinds_job_fields[] = { "status.successful", NULL };

bool kinds_field_supported(const struct api_kind *k, const char *label)
{
	if (!strcmp(label, "metadata.name") || !strcmp(label, "metadata.namespace"))
		return true;
	for (int i = 0; k->field_labels && k->field_labels[i]; i++)
		if (!strcmp(k->field_labels[i], label))
			return true;
	return false;
}

/* The value as Kubernetes' field set spells it: strings, "true"/"false", decimal numbers. */
static const char *scalar(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	if (json_is_integer(v)) {
		kinds_fmt(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return "";
}

const char *kinds_field_value(const struct api_kind *k, const json_t *obj, const char *label,
			      char *buf, size_t n)
{
	bool v2 = !strcmp(k->group, "events.k8s.io");

	if (!strcmp(k->kind, "Pod") && !strcmp(label, "status.podIPs")) {
		/* Kubernetes matches the primary pod IP here. */
		return scalar(json_object_get(json_array_get(kj_get(obj, "status.podIPs"), 0), "ip"),
			      buf, n);
	}
	if (!strcmp(k->kind, "Pod") && !strcmp(label, "spec.hostNetwork"))
		return json_is_true(kj_get(obj, "spec.hostNetwork")) ? "true" : "false";
	if (!strcmp(k->kind, "Node") && !strcmp(label, "spec.unschedulable"))
		return json_is_true(kj_get(obj, "spec.unschedulable")) ? "true" : "false";
	if (!strcmp(k->kind, "Job") && !strcmp(label, "status.successful"))
		return scalar(kj_get(obj, "status.succeeded"), buf, n);
	if (!strcmp(k->kind, "Event")) {
		if (!strcmp(label, "source"))
			return scalar(kj_get(obj, v2 ? "reportingController" : "source.component"),
				      buf, n);
		if (!strcmp(label, "reportingComponent"))
			return scalar(kj_get(obj, v2 ? "reportingController" : "reportingComponent"),
				      buf, n);
		if (v2 && !strncmp(label, "involvedObject.", 15)) {
			char path[128];

			kinds_fmt(path, sizeof(path), "regarding.%s", label + 15);
			return scalar(kj_get(obj, path), buf, n);
		}
	}
	return scalar(kj_get(obj, label), buf, n);
}
