/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dropping undeclared fields of built-in kinds, through their OpenAPI v3
 * schemas (reporting them for fieldValidation is openapi_unknown_fields()).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "api/openapi.h"
#include "api/strict.h"
#include "lib/xalloc.h"

#define MAX_DEPTH 64

/* Follow "$ref" and single-element "allOf" wrappers to the schema itself. */
static const json_t *resolve(const json_t *schemas, const json_t *s)
{
	for (int hops = 0; s && hops < 8; hops++) {
		const char *ref = json_string_value(json_object_get(s, "$ref"));
		const json_t *all = json_object_get(s, "allOf");
		if (!ref && json_array_size(all) == 1)
			ref = json_string_value(json_object_get(json_array_get(all, 0), "$ref"));
		if (!ref)
			return s;
		const char *slash = strrchr(ref, '/');
		s = json_object_get(schemas, slash ? slash + 1 : ref);
	}
	return s;
}

/* Report unknown fields into out (when non-NULL); drop them from v when prune. */
static void walk(const json_t *schemas, const json_t *s, json_t *v, const char *path, json_t *out,
		 int depth, bool prune)
{
	s = resolve(schemas, s);
	if (!s || depth > MAX_DEPTH || json_is_true(json_object_get(s, "x-kubernetes-preserve-unknown-fields")))
		return;
	if (json_is_array(v)) {
		const json_t *items = json_object_get(s, "items");
		size_t i;
		json_t *it;
		if (!items)
			return;
		json_array_foreach(v, i, it) {
			char p[1024];
			snprintf(p, sizeof(p), "%s[%zu]", path, i);
			walk(schemas, items, it, p, out, depth + 1, prune);
		}
		return;
	}
	if (!json_is_object(v))
		return;
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	const char *key;
	json_t *cv;
	void *tmp;
	json_object_foreach_safe(v, tmp, key, cv) {
		char p[1024];
		snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "", key);
		const json_t *ps = props ? json_object_get(props, key) : NULL;
		if (ps) {
			walk(schemas, ps, cv, p, out, depth + 1, prune);
		} else if (json_is_object(addl)) {
			walk(schemas, addl, cv, p, out, depth + 1, prune);
		} else if (props && !json_is_true(addl)) {
			if (out)
				json_array_append_new(out, json_string(p));
			if (prune)
				json_object_del(v, key);
		}
		/* no properties declared: free-form, anything goes */
	}
}

static void run(const struct api_kind *k, json_t *obj, json_t *out, bool prune)
{
	json_t *doc = openapi_v3_gv(k->group, k->version);
	const json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	_cleanup_free_ char *name = oa_kind_schema_name(k);
	const json_t *s = name ? json_object_get(schemas, name) : NULL;

	if (s)
		walk(schemas, s, obj, "", out, 0, prune);
	json_decref(doc);
}

void strict_prune(const struct api_kind *k, json_t *obj)
{
	run(k, obj, NULL, true);
}
