/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the CRD schema code. Input: schema JSON, a NUL byte,
 * object JSON; without a NUL, a JSON array [schema, object], or else the one
 * value as both. Every entry point runs on them; none may crash or leak.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *parse(const uint8_t *p, size_t n)
{
	return json_loadb((const char *)p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

/* Some string of v (depth-first), to use as a JSONPath. */
static const char *some_string(const json_t *v, int depth)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_string(v))
		return json_string_value(v);
	if (depth > 8)
		return NULL;
	json_object_foreach((json_t *)v, key, child) {
		if (key[0] == '.')
			return key;
		const char *s = some_string(child, depth + 1);
		if (s)
			return s;
	}
	json_array_foreach(v, i, child) {
		const char *s = some_string(child, depth + 1);
		if (s)
			return s;
	}
	return NULL;
}

/* The raw bytes as a JSONPath and as a pattern, against a fixed object. */
static void raw_strings(const uint8_t *data, size_t size)
{
	static const char fixed[] = "{\"spec\":{\"a\":[{\"n\":1,\"t\":\"x\"},{\"n\":2}],\"b.c\":\"d\"}}";
	char text[513];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, data, n);
	text[n] = '\0';
	json_t *obj = json_loads(fixed, 0, NULL);
	json_t *v = schema_jsonpath_get(obj, text);
	json_decref(v);
	json_t *one = json_integer(1);
	schema_jsonpath_set(obj, text, one);
	json_decref(one);
	json_decref(obj);

	json_t *pat = json_stringn(text, n);
	if (pat) {
		json_t *schema = json_pack("{s:s,s:o}", "type", "string", "pattern", pat);
		json_t *causes = json_array(), *str = json_string("some value 123");
		schema_validate(schema, str, "x", causes);
		schema_check_structural(schema, causes);
		json_decref(str);
		json_decref(causes);
		json_decref(schema);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *schema = NULL, *obj = NULL;
	const uint8_t *nul = memchr(data, 0, size);

	raw_strings(data, size);
	if (nul) {
		schema = parse(data, (size_t)(nul - data));
		obj = parse(nul + 1, size - (size_t)(nul - data) - 1);
	} else {
		json_t *all = parse(data, size);
		if (json_is_array(all) && json_array_size(all) == 2) {
			schema = json_incref(json_array_get(all, 0));
			obj = json_incref(json_array_get(all, 1));
		} else if (all) {
			schema = json_incref(all);
			obj = json_incref(all);
		}
		json_decref(all);
	}
	if (!schema || !obj)
		goto out;

	json_t *causes = json_array(), *paths = json_array();
	schema_check_structural(schema, causes);
	schema_check_structural_at(schema, "spec.versions[0].schema.openAPIV3Schema", causes);
	schema_validate(schema, obj, "", causes);
	schema_validate(schema, obj, "spec", causes);
	schema_unknown_fields(schema, obj, "", paths);

	/* The mutating entry points work on copies (obj may be schema). */
	json_t *copy = json_deep_copy(obj);
	schema_default(schema, copy);
	schema_prune(schema, copy);
	schema_validate(schema, copy, "", causes);
	json_decref(copy);

	copy = json_deep_copy(obj);
	crd_default(copy);
	crd_validate(copy, causes);
	crd_storage_version(copy);
	crd_version(copy, "v1");
	crd_validate_update(copy, obj, causes);
	crd_status_accept(copy, "2024-01-01T00:00:00Z");
	crd_status_accept(copy, NULL);
	json_decref(copy);
	/* schema doubles as a CRD version with additionalPrinterColumns. */
	json_t *cols = crd_table_columns(schema), *row = crd_table_row(schema, obj);
	json_decref(cols);
	json_decref(row);

	const char *path = some_string(schema, 0);
	if (path) {
		json_t *v = schema_jsonpath_get(obj, path);
		json_decref(v);
		schema_jsonpath_check(path, 1);
		copy = json_deep_copy(obj);
		json_t *val = json_integer(1);
		schema_jsonpath_set(copy, path, val);
		json_decref(val);
		json_decref(copy);
	}
	/* Every cause must serialize: messages are valid UTF-8. */
	char *d = json_dumps(causes, JSON_COMPACT);
	if (!d)
		abort();
	free(d);
	json_decref(paths);
	json_decref(causes);
out:
	json_decref(schema);
	json_decref(obj);
	return 0;
}
