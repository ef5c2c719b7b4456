/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keywords a CRD schema may use, the JSON shape of their values, and the
 * x-kubernetes-list-type / -list-map-keys / -map-type rules.
 */
#include <string.h>

#include "api/schema_int.h"
#include "lib/xalloc.h"

enum { KW_ANY, KW_STRING, KW_NUMBER, KW_COUNT, KW_BOOL, KW_ARRAY, KW_STRINGS, KW_OBJECT,
       KW_SCHEMA, KW_SCHEMAS, KW_SCHEMA_MAP, KW_SCHEMA_OR_BOOL };

struct keyword {
	const char *name;
	int kind;
	bool in_junctor; /* may appear inside allOf/anyOf/oneOf/not */
	const char *junctor_msg; /* why not, when it may not */
};

#define EMPTY "must be empty to be structural"
#define UNDEF "must be undefined to be structural"
#define FALSE "must be false to be structural"

static const struct keyword keywords[] = {
	{ "type", KW_STRING, false, EMPTY },
	{ "format", KW_STRING, true, NULL },
	{ "title", KW_STRING, false, EMPTY },
	{ "description", KW_STRING, false, EMPTY },
	{ "default", KW_ANY, false, UNDEF },
	{ "example", KW_ANY, true, NULL },
	{ "externalDocs", KW_OBJECT, true, NULL },
	{ "maximum", KW_NUMBER, true, NULL },
	{ "exclusiveMaximum", KW_BOOL, true, NULL },
	{ "minimum", KW_NUMBER, true, NULL },
	{ "exclusiveMinimum", KW_BOOL, true, NULL },
	{ "multipleOf", KW_NUMBER, true, NULL },
	{ "maxLength", KW_COUNT, true, NULL },
	{ "minLength", KW_COUNT, true, NULL },
	{ "pattern", KW_STRING, true, NULL },
	{ "maxItems", KW_COUNT, true, NULL },
	{ "minItems", KW_COUNT, true, NULL },
	{ "uniqueItems", KW_BOOL, true, NULL },
	{ "maxProperties", KW_COUNT, true, NULL },
	{ "minProperties", KW_COUNT, true, NULL },
	{ "enum", KW_ARRAY, true, NULL },
	{ "required", KW_STRINGS, true, NULL },
	{ "items", KW_SCHEMA, true, NULL },
	{ "properties", KW_SCHEMA_MAP, true, NULL },
	{ "additionalProperties", KW_SCHEMA_OR_BOOL, false, UNDEF },
	{ "allOf", KW_SCHEMAS, true, NULL },
	{ "anyOf", KW_SCHEMAS, true, NULL },
	{ "oneOf", KW_SCHEMAS, true, NULL },
	{ "not", KW_SCHEMA, true, NULL },
	{ "nullable", KW_BOOL, false, FALSE },
	{ "x-kubernetes-preserve-unknown-fields", KW_BOOL, false, FALSE },
	{ "x-kubernetes-embedded-resource", KW_BOOL, false, FALSE },
	{ "x-kubernetes-int-or-string", KW_BOOL, false, FALSE },
	{ "x-kubernetes-list-type", KW_STRING, false, UNDEF },
	{ "x-kubernetes-list-map-keys", KW_STRINGS, false, EMPTY },
	{ "x-kubernetes-map-type", KW_STRING, true, NULL },
	{ "x-kubernetes-validations", KW_ARRAY, true, NULL }, /* CEL: accepted, not evaluated */
};

/* JSON Schema keywords Kubernetes refuses in CRDs. */
static const char *const unsupported[] = {
	"$ref", "$schema", "id", "definitions", "dependencies", "patternProperties", "additionalItems",
};

static const char *const types[] = { "array", "boolean", "integer", "number", "object", "string" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool str_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static const struct keyword *keyword_find(const char *name)
{
	for (size_t i = 0; i < N(keywords); i++)
		if (!strcmp(keywords[i].name, name))
			return &keywords[i];
	return NULL;
}

/* Is the keyword's value of the right JSON shape? */
static bool kind_ok(int kind, const json_t *v)
{
	size_t i;
	const json_t *e;
	const char *k;

	switch (kind) {
	case KW_STRING: return json_is_string(v);
	case KW_NUMBER: return json_is_number(v);
	case KW_COUNT: return json_is_integer(v) && json_integer_value(v) >= 0;
	case KW_BOOL: return json_is_boolean(v);
	case KW_ARRAY: return json_is_array(v);
	case KW_OBJECT:
	case KW_SCHEMA: return json_is_object(v);
	case KW_SCHEMA_OR_BOOL: return json_is_object(v) || json_is_boolean(v);
	case KW_STRINGS:
	case KW_SCHEMAS:
		if (!json_is_array(v))
			return false;
		json_array_foreach(v, i, e)
			if (kind == KW_STRINGS ? !json_is_string(e) : !json_is_object(e))
				return false;
		return true;
	case KW_SCHEMA_MAP:
		if (!json_is_object(v))
			return false;
		json_object_foreach((json_t *)v, k, e)
			if (!json_is_object(e))
				return false;
		return true;
	default: return true;
	}
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case KW_STRING: return "must be a string";
	case KW_NUMBER: return "must be a number";
	case KW_COUNT: return "must be a non-negative integer";
	case KW_BOOL: return "must be a boolean";
	case KW_ARRAY: return "must be an array";
	case KW_STRINGS: return "must be an array of strings";
	case KW_SCHEMAS: return "must be an array of schemas";
	case KW_SCHEMA_MAP: return "must map names to schemas";
	case KW_SCHEMA_OR_BOOL: return "must be a schema or a boolean";
	default: return "must be an object";
	}
}

/* Checks of one keyword's value beyond its JSON shape. */
static void check_value(const char *key, const json_t *v, const char *path, json_t *causes)
{
	char val[128];

	if (!strcmp(key, "type") && !str_in(json_string_value(v), types, N(types)))
		schema_cause_at(causes, "FieldValueNotSupported", path, key,
				"Unsupported value: \"%s\": supported values: \"array\", \"boolean\", "
				"\"integer\", \"number\", \"object\", \"string\"", json_string_value(v));
	else if (!strcmp(key, "pattern")) {
		char err[128];
		struct schema_re *re = schema_re_compile(json_string_value(v), err, sizeof(err));
		if (!re)
			schema_cause_at(causes, "FieldValueInvalid", path, key,
					"Invalid value: %s: must be a valid regular expression, but isn't: %s",
					schema_fmt_value(v, val, sizeof(val)), err);
		schema_re_free(re);
	} else if (!strcmp(key, "multipleOf") && json_number_value(v) <= 0)
		schema_cause_at(causes, "FieldValueInvalid", path, key,
				"Invalid value: %s: must be greater than zero", schema_fmt_value(v, val, sizeof(val)));
	else if (!strcmp(key, "uniqueItems") && json_is_true(v))
		schema_cause_at(causes, "FieldValueForbidden", path, key, "Forbidden: uniqueItems cannot be "
				"set to true since the runtime complexity becomes quadratic");
	else if (!strcmp(key, "x-kubernetes-preserve-unknown-fields") && json_is_false(v))
		schema_cause_at(causes, "FieldValueInvalid", path, key, "Invalid value: false: must be true or undefined");
}

bool schema_check_keywords(const json_t *s, const char *path, bool in_junctor, json_t *causes)
{
	const char *key;
	const json_t *v;
	char val[128];
	bool ok = true;

	json_object_foreach((json_t *)s, key, v) {
		const struct keyword *kw = keyword_find(key);
		if (!kw) {
			if (str_in(key, unsupported, N(unsupported)))
				schema_cause_at(causes, "FieldValueForbidden", path, key, "Forbidden: %s is not supported", key);
			else
				schema_cause_at(causes, "FieldValueForbidden", path, key,
						"Forbidden: unknown schema keyword \"%s\"", key);
			continue;
		}
		if (in_junctor && !kw->in_junctor) {
			schema_cause_at(causes, "FieldValueForbidden", path, key, "Forbidden: %s", kw->junctor_msg);
			continue;
		}
		if (!strcmp(key, "items") && json_is_array(v)) {
			schema_cause_at(causes, "FieldValueForbidden", path, key,
					"Forbidden: items must be a schema object and not an array");
			ok = false;
			continue;
		}
		if (!kind_ok(kw->kind, v)) {
			schema_cause_at(causes, "FieldValueInvalid", path, key, "Invalid value: %s: %s",
					schema_fmt_value(v, val, sizeof(val)), kind_name(kw->kind));
			if (kw->kind >= KW_SCHEMA)
				ok = false;
			continue;
		}
		check_value(key, v, path, causes);
	}
	return ok;
}

/* Map keys of a list-type map: item properties, scalar, required or defaulted. */
static void check_map_keys(const json_t *keys, const json_t *items, const char *path, json_t *causes)
{
	const json_t *props = json_object_get(items, "properties");
	const json_t *req = json_object_get(items, "required");
	const json_t *k, *r;
	size_t i, j;
	char val[128];

	json_array_foreach(keys, i, k) {
		const char *name = json_string_value(k);
		const json_t *ks = json_object_get(props, name);
		const char *kt = json_string_value(json_object_get(ks, "type"));
		bool required = false, dup = false;
		if (!name)
			continue;
		json_array_foreach(req, j, r)
			required |= json_is_string(r) && !strcmp(json_string_value(r), name);
		for (j = 0; j < i; j++)
			dup |= !strcmp(json_string_value(json_array_get(keys, j)) ?: "", name);
		if (!ks) {
			schema_cause_at(causes, "FieldValueInvalid", path, "x-kubernetes-list-map-keys",
					"Invalid value: %s: entries must all be names of item properties",
					schema_fmt_value(keys, val, sizeof(val)));
			continue;
		}
		if (dup)
			schema_cause_at(causes, "FieldValueInvalid", path, "x-kubernetes-list-map-keys",
					"Invalid value: %s: must not contain duplicate entries",
					schema_fmt_value(keys, val, sizeof(val)));
		if (kt && (!strcmp(kt, "object") || !strcmp(kt, "array"))) {
			char *f = xasprintf("items.properties[%s].type", name);
			schema_cause_at(causes, "FieldValueInvalid", path, f, "Invalid value: \"%s\": must be a "
					"scalar type if parent array's x-kubernetes-list-type is map", kt);
			free(f);
		}
		if (!required && !json_object_get(ks, "default")) {
			char *f = xasprintf("items.properties[%s]", name);
			schema_cause_at(causes, "FieldValueRequired", path, f,
					"Required value: this property is in x-kubernetes-list-map-keys, so it must "
					"have a default or be a required property");
			free(f);
		}
		if (schema_flag(ks, "nullable")) {
			char *f = xasprintf("items.properties[%s].nullable", name);
			schema_cause_at(causes, "FieldValueForbidden", path, f,
					"Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable");
			free(f);
		}
	}
}

void schema_check_list_map(const json_t *s, const char *path, json_t *causes)
{
	const char *type = json_string_value(json_object_get(s, "type"));
	const char *lt = json_string_value(json_object_get(s, "x-kubernetes-list-type"));
	const json_t *keys = json_object_get(s, "x-kubernetes-list-map-keys");
	const char *mt = json_string_value(json_object_get(s, "x-kubernetes-map-type"));
	const json_t *items = json_object_get(s, "items");
	const char *itype = json_string_value(json_object_get(items, "type"));
	static const char *const lts[] = { "atomic", "set", "map" };

	if (mt && (!type || strcmp(type, "object")))
		schema_cause_at(causes, type ? "FieldValueInvalid" : "FieldValueRequired", path, "type",
				"%s%s%smust be object if x-kubernetes-map-type is specified",
				type ? "Invalid value: \"" : "Required value", type ? type : "", type ? "\": " : ": ");
	if (mt && strcmp(mt, "atomic") && strcmp(mt, "granular"))
		schema_cause_at(causes, "FieldValueNotSupported", path, "x-kubernetes-map-type",
				"Unsupported value: \"%s\": supported values: \"atomic\", \"granular\"", mt);
	if (lt && (!type || strcmp(type, "array")))
		schema_cause_at(causes, type ? "FieldValueInvalid" : "FieldValueRequired", path, "type",
				"%s%s%smust be array if x-kubernetes-list-type is specified",
				type ? "Invalid value: \"" : "Required value", type ? type : "", type ? "\": " : ": ");
	if (lt && !str_in(lt, lts, N(lts)))
		schema_cause_at(causes, "FieldValueNotSupported", path, "x-kubernetes-list-type",
				"Unsupported value: \"%s\": supported values: \"atomic\", \"set\", \"map\"", lt);
	if (json_array_size(keys) && (!lt || strcmp(lt, "map")))
		schema_cause_at(causes, lt ? "FieldValueInvalid" : "FieldValueRequired", path, "x-kubernetes-list-type",
				"%s%s%smust be map if x-kubernetes-list-map-keys is non-empty",
				lt ? "Invalid value: \"" : "Required value", lt ? lt : "", lt ? "\": " : ": ");
	if (!lt || !json_is_object(items) || (strcmp(lt, "set") && strcmp(lt, "map")))
		return;
	if (schema_flag(items, "nullable"))
		schema_cause_at(causes, "FieldValueForbidden", path, "items.nullable",
				"Forbidden: cannot be nullable when x-kubernetes-list-type is %s", lt);
	if (!strcmp(lt, "set")) {
		const char *sub_lt = json_string_value(json_object_get(items, "x-kubernetes-list-type"));
		const char *sub_mt = json_string_value(json_object_get(items, "x-kubernetes-map-type"));
		if (itype && !strcmp(itype, "array") && sub_lt && strcmp(sub_lt, "atomic"))
			schema_cause_at(causes, "FieldValueInvalid", path, "items.x-kubernetes-list-type",
					"Invalid value: \"%s\": must be atomic as item of a list with x-kubernetes-list-type=set", sub_lt);
		if (itype && !strcmp(itype, "object") && (!sub_mt || strcmp(sub_mt, "atomic")))
			schema_cause_at(causes, "FieldValueInvalid", path, "items.x-kubernetes-map-type",
					"Invalid value: \"%s\": must be atomic as item of a list with x-kubernetes-list-type=set",
					sub_mt ? sub_mt : "");
		return;
	}
	if (!json_array_size(keys))
		schema_cause_at(causes, "FieldValueRequired", path, "x-kubernetes-list-map-keys",
				"Required value: must not be empty if x-kubernetes-list-type is map");
	if (!itype || strcmp(itype, "object"))
		schema_cause_at(causes, "FieldValueInvalid", path, "items.type", "Invalid value: \"%s\": must be "
				"object if parent array's x-kubernetes-list-type is map", itype ? itype : "");
	else if (json_is_array(keys))
		check_map_keys(keys, items, path, causes);
}
