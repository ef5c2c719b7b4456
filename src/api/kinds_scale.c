/* SPDX-License-Identifier: Apache-2.0 */
/* The scale subresource: autoscaling/v1 Scale views of workloads, and applying them. */
#include <stdlib.h>
#include <string.h>

#include "api/kinds_common.h"
#include "api/table.h"

json_t *kinds_scale_get(const struct api_kind *k, const json_t *obj)
{
	json_t *meta = json_object_get(obj, "metadata"), *smeta = json_object();
	static const char *const keep[] = { "name", "namespace", "uid", "resourceVersion",
					    "creationTimestamp" };
	char *sel = table_selector_string(kj_get(obj, "spec.selector"));
	json_t *scale;

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (json_object_get(meta, keep[i]))
			json_object_set(smeta, keep[i], json_object_get(meta, keep[i]));
	scale = json_pack("{s:s,s:s,s:o,s:{s:I},s:{s:I,s:s}}", "kind", "Scale", "apiVersion",
			  "autoscaling/v1", "metadata", smeta, "spec", "replicas",
			  (json_int_t)kj_int(obj, "spec.replicas", 1), "status", "replicas",
			  (json_int_t)kj_int(obj, "status.replicas", 0), "selector",
			  strcmp(sel, "<none>") ? sel : "");
	free(sel);
	return scale;
}

int kinds_scale_set(json_t *obj, const json_t *scale, json_t *causes)
{
	json_t *r = kj_get(scale, "spec.replicas");

	if (!r) {
		kinds_required(causes, "spec.replicas", NULL);
		return -1;
	}
	if (!json_is_integer(r) || json_integer_value(r) < 0) {
		kinds_invalid(causes, "spec.replicas", r, "must be greater than or equal to 0");
		return -1;
	}
	json_object_set(kj_obj(obj, "spec"), "replicas", r);
	return 0;
}
