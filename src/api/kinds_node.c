/* SPDX-License-Identifier: Apache-2.0 */
/* RuntimeClass (node.k8s.io/v1): the sandboxes a pod may ask for, atoll-vm and atoll-namespace. */
#include <string.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"

void kinds_runtimeclass_defaults(const struct api_kind *k, json_t *obj)
{
	(void)k;
	(void)obj;
}

void kinds_runtimeclass_validate(const struct api_kind *k, const json_t *obj, const json_t *old, json_t *causes)
{
	json_t *h = json_object_get(obj, "handler");
	size_t i;
	const char *key;
	json_t *v;

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	if (!json_is_string(h) || !*json_string_value(h))
		kinds_required(causes, "handler", NULL);
	else
		kinds_check_dns1123_label(causes, "handler", json_string_value(h));
	json_object_foreach(kj_get(obj, "overhead.podFixed"), key, v) {
		char field[160];
		kinds_fmt(field, sizeof(field), "overhead.podFixed[%s]", key);
		if (!json_is_string(v) || !kinds_quantity_valid(json_string_value(v)))
			kinds_invalid(causes, field, v, "must be a quantity");
	}
	kinds_check_labels(causes, "scheduling.nodeSelector", kj_get(obj, "scheduling.nodeSelector"));
	json_array_foreach(kj_get(obj, "scheduling.tolerations"), i, v) {
		const char *op = json_string_value(json_object_get(v, "operator"));
		char field[80];
		kinds_fmt(field, sizeof(field), "scheduling.tolerations[%zu].operator", i);
		if (op && strcmp(op, "Exists") && strcmp(op, "Equal"))
			kinds_invalid_str(causes, field, op, "must be Exists or Equal");
	}
	if (old)
		kinds_check_immutable(causes, obj, old, "handler");
}
