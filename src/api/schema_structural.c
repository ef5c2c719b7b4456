/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Is a CRD's openAPIV3Schema structural and within what Kubernetes accepts:
 * every node typed, known keywords only, logical junctors limited to value
 * validation, x-kubernetes-* extensions used where they make sense, and
 * defaults that validate and carry no unknown fields.
 */
#include <stdio.h>
#include <string.h>

#include "api/kind.h"
#include "api/schema.h"
#include "api/schema_int.h"
#include "lib/xalloc.h"

enum { KW_ANY, KW_STRING, KW_NUMBER, KW_COUNT, KW_BOOL, KW_ARRAY, KW_STRINGS, KW_OBJECT,
       KW_SCHEMA, KW_SCHEMAS, KW_SCHEMA_MAP, KW_SCHEMA_OR_BOOL };

struct keyword {
	const char *name;
	int kind;
	bool value_only; /* may appear inside allOf/anyOf/oneOf/not */
};

static const struct keyword keywords[] = {
	{ "type", KW_STRING, false },
	{ "format", KW_STRING, true },
	{ "title", KW_STRING, true },
	{ "description", KW_STRING, false },
	{ "default", KW_ANY, false },
	{ "example", KW_ANY, true },
	{ "externalDocs", KW_OBJECT, true },
	{ "maximum", KW_NUMBER, true },
	{ "exclusiveMaximum", KW_BOOL, true },
	{ "minimum", KW_NUMBER, true },
	{ "exclusiveMinimum", KW_BOOL, true },
	{ "multipleOf", KW_NUMBER, true },
	{ "maxLength", KW_COUNT, true },
	{ "minLength", KW_COUNT, true },
	{ "pattern", KW_STRING, true },
	{ "maxItems", KW_COUNT, true },
	{ "minItems", KW_COUNT, true },
	{ "uniqueItems", KW_BOOL, true },
	{ "maxProperties", KW_COUNT, true },
	{ "minProperties", KW_COUNT, true },
	{ "enum", KW_ARRAY, true },
	{ "required", KW_STRINGS, true },
	{ "items", KW_SCHEMA, true },
	{ "properties", KW_SCHEMA_MAP, true },
	{ "additionalProperties", KW_SCHEMA_OR_BOOL, false },
	{ "allOf", KW_SCHEMAS, true },
	{ "anyOf", KW_SCHEMAS, true },
	{ "oneOf", KW_SCHEMAS, true },
	{ "not", KW_SCHEMA, true },
	{ "nullable", KW_BOOL, false },
	{ "x-kubernetes-preserve-unknown-fields", KW_BOOL, false },
	{ "x-kubernetes-embedded-resource", KW_BOOL, false },
	{ "x-kubernetes-int-or-string", KW_BOOL, false },
	{ "x-kubernetes-list-type", KW_STRING, false },
	{ "x-kubernetes-list-map-keys", KW_STRINGS, false },
	{ "x-kubernetes-map-type", KW_STRING, false },
	{ "x-kubernetes-validations", KW_ARRAY, false }, /* CEL: accepted, not evaluated */
};

/* JSON Schema keywords Kubernetes refuses in CRDs. */
static const char *const unsupported[] = {
	"$ref", "$schema", "id", "definitions", "dependencies", "patternProperties", "additionalItems",
};

static const char *const types[] = { "array", "boolean", "integer", "number", "object", "string" };

static void check_node(const json_t *s, const char *path, bool root, json_t *causes);
static void check_junctor(const json_t *j, const json_t *outer, const char *path, json_t *causes);

static const struct keyword *keyword_find(const char *name)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(keywords[i].name, name))
			return &keywords[i];
	return NULL;
}

static bool str_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* Emit a cause for field `path`.`key` (`key` may be NULL for path itself). */
#define CAUSE(reason, key, ...) do { \
	char *f_ = (key) ? schema_path_field(path, (key)) : xstrdup(path); \
	api_cause(causes, (reason), f_, __VA_ARGS__); \
	free(f_); \
} while (0)

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
	case KW_OBJECT: return json_is_object(v);
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

/*
 * Known keywords with values of the right shape. Returns false if the node
 * is too broken to look at further.
 */
static bool check_keywords(const json_t *s, const char *path, bool junctor, bool int_or_string,
			   json_t *causes)
{
	const char *key;
	const json_t *v;
	char val[128];
	bool ok = true;

	json_object_foreach((json_t *)s, key, v) {
		const struct keyword *kw = keyword_find(key);
		if (!kw) {
			if (str_in(key, unsupported, sizeof(unsupported) / sizeof(unsupported[0])))
				CAUSE("FieldValueForbidden", key, "Forbidden: %s is not supported", key);
			else
				CAUSE("FieldValueForbidden", key, "Forbidden: unknown schema keyword \"%s\"", key);
			continue;
		}
		if (junctor && !kw->value_only &&
		    !(int_or_string && !strcmp(key, "type") && json_is_string(v) &&
		      (!strcmp(json_string_value(v), "integer") || !strcmp(json_string_value(v), "string")))) {
			CAUSE("FieldValueForbidden", key,
			      "Forbidden: must not be used inside allOf, anyOf, oneOf or not");
			continue;
		}
		if (!strcmp(key, "items") && json_is_array(v)) {
			CAUSE("FieldValueForbidden", key, "Forbidden: items must be a schema object and not an array");
			ok = false;
			continue;
		}
		if (!kind_ok(kw->kind, v)) {
			CAUSE("FieldValueInvalid", key, "Invalid value: %s: %s",
			      schema_fmt_value(v, val, sizeof(val)), kind_name(kw->kind));
			if (kw->kind >= KW_SCHEMA)
				ok = false;
			continue;
		}
		if (!strcmp(key, "type") && !str_in(json_string_value(v), types, 6))
			CAUSE("FieldValueNotSupported", key, "Unsupported value: \"%s\": supported values: "
			      "\"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"",
			      json_string_value(v));
		if (!strcmp(key, "pattern")) {
			regex_t re;
			char err[128];
			if (schema_regex_compile(&re, json_string_value(v), err, sizeof(err)) < 0)
				CAUSE("FieldValueInvalid", key, "Invalid value: %s: must be a valid regular expression, but isn't: %s",
				      schema_fmt_value(v, val, sizeof(val)), err);
			else
				regfree(&re);
		}
		if (!strcmp(key, "multipleOf") && json_number_value(v) <= 0)
			CAUSE("FieldValueInvalid", key, "Invalid value: %s: must be greater than zero",
			      schema_fmt_value(v, val, sizeof(val)));
		if (!strcmp(key, "uniqueItems") && json_is_true(v))
			CAUSE("FieldValueForbidden", key,
			      "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
		if (!strcmp(key, "x-kubernetes-preserve-unknown-fields") && json_is_false(v))
			CAUSE("FieldValueInvalid", key, "Invalid value: false: must be true or undefined");
	}
	return ok;
}

/* x-kubernetes-list-type, -list-map-keys and -map-type. */
static void check_list_map(const json_t *s, const char *type, const char *path, json_t *causes)
{
	const char *lt = json_string_value(json_object_get(s, "x-kubernetes-list-type"));
	const json_t *keys = json_object_get(s, "x-kubernetes-list-map-keys");
	const char *mt = json_string_value(json_object_get(s, "x-kubernetes-map-type"));
	const json_t *items = json_object_get(s, "items");
	const char *itype = json_string_value(json_object_get(items, "type"));

	if (lt) {
		static const char *const lts[] = { "atomic", "set", "map" };
		if (!str_in(lt, lts, 3))
			CAUSE("FieldValueNotSupported", "x-kubernetes-list-type",
			      "Unsupported value: \"%s\": supported values: \"atomic\", \"set\", \"map\"", lt);
		else if (!type || strcmp(type, "array"))
			CAUSE("FieldValueInvalid", "x-kubernetes-list-type",
			      "Invalid value: \"%s\": must only be used if type is array", lt);
		else if (!strcmp(lt, "set") && itype && !strcmp(itype, "object") &&
			 strcmp(json_string_value(json_object_get(items, "x-kubernetes-map-type")) ?: "", "atomic"))
			CAUSE("FieldValueInvalid", "items.type", "Invalid value: \"object\": "
			      "must be a scalar type or an atomic map if x-kubernetes-list-type is set");
		else if (!strcmp(lt, "map")) {
			if (!itype || strcmp(itype, "object"))
				CAUSE("FieldValueInvalid", "items.type", "Invalid value: \"%s\": "
				      "must be object if x-kubernetes-list-type is map", itype ? itype : "");
			if (!json_array_size(keys))
				CAUSE("FieldValueRequired", "x-kubernetes-list-map-keys",
				      "Required value: must not be empty if x-kubernetes-list-type is map");
		}
	}
	if (keys && (!lt || strcmp(lt, "map")))
		CAUSE("FieldValueForbidden", "x-kubernetes-list-map-keys",
		      "Forbidden: must only be used if x-kubernetes-list-type is map");
	if (keys && lt && !strcmp(lt, "map") && json_is_array(keys)) {
		const json_t *props = json_object_get(items, "properties");
		const json_t *req = json_object_get(items, "required");
		const json_t *k;
		size_t i;
		json_array_foreach(keys, i, k) {
			const char *name = json_string_value(k);
			const json_t *ks = json_object_get(props, name ? name : "");
			const char *kt = json_string_value(json_object_get(ks, "type"));
			char *f = schema_path_index("x-kubernetes-list-map-keys", i);
			bool required = false;
			size_t j;
			const json_t *r;
			json_array_foreach(req, j, r)
				if (json_is_string(r) && name && !strcmp(json_string_value(r), name))
					required = true;
			if (!ks)
				CAUSE("FieldValueInvalid", f, "Invalid value: \"%s\": entries must all be names of item properties",
				      name ? name : "");
			else if (!kt || !strcmp(kt, "object") || !strcmp(kt, "array"))
				CAUSE("FieldValueInvalid", f, "Invalid value: \"%s\": must be a scalar-typed property", name);
			else if (!required && !json_object_get(ks, "default"))
				CAUSE("FieldValueRequired", f, "Required value: \"%s\": map keys must be required or have a default",
				      name);
			free(f);
		}
	}
	if (mt) {
		if (strcmp(mt, "granular") && strcmp(mt, "atomic"))
			CAUSE("FieldValueNotSupported", "x-kubernetes-map-type",
			      "Unsupported value: \"%s\": supported values: \"granular\", \"atomic\"", mt);
		else if (!type || strcmp(type, "object"))
			CAUSE("FieldValueInvalid", "x-kubernetes-map-type",
			      "Invalid value: \"%s\": must only be used if type is object", mt);
	}
}

/* A default must validate against its node and carry no unknown fields. */
static void check_default(const json_t *s, const char *path, bool root, json_t *causes)
{
	const json_t *def = json_object_get(s, "default");
	char *dpath;

	if (!def)
		return;
	if (root) {
		CAUSE("FieldValueForbidden", "default", "Forbidden: must not be set at the root");
		return;
	}
	dpath = schema_path_field(path, "default");
	schema_validate(s, def, dpath, causes);
	json_t *unknown = json_array();
	schema_unknown_fields(s, def, "", unknown);
	size_t i;
	const json_t *u;
	json_array_foreach(unknown, i, u) {
		char *f = schema_path_field(dpath, json_string_value(u));
		api_cause(causes, "FieldValueForbidden", f, "Forbidden: must not have unknown fields");
		free(f);
	}
	json_decref(unknown);
	free(dpath);
}

/* metadata at the root: only name and generateName, strings, value validations. */
static void check_root_metadata(const json_t *m, const char *path, json_t *causes)
{
	static const char *const allowed[] = { "type", "properties" };
	static const char *const str_allowed[] = { "type", "pattern", "maxLength", "minLength",
						   "enum", "format", "description", "title" };
	const char *key, *k2;
	const json_t *v, *v2;
	bool bad = false;

	json_object_foreach((json_t *)m, key, v) {
		if (!str_in(key, allowed, 2))
			bad = true;
		else if (!strcmp(key, "type") && (!json_is_string(v) || strcmp(json_string_value(v), "object")))
			bad = true;
		else if (!strcmp(key, "properties")) {
			json_object_foreach((json_t *)v, k2, v2) {
				if (strcmp(k2, "name") && strcmp(k2, "generateName")) {
					bad = true;
					continue;
				}
				const char *t = json_string_value(json_object_get(v2, "type"));
				const char *k3;
				const json_t *v3;
				if (!t || strcmp(t, "string"))
					bad = true;
				json_object_foreach((json_t *)v2, k3, v3)
					if (!str_in(k3, str_allowed, 8))
						bad = true;
				if (!bad) {
					char *pp = schema_path_field(path, "properties");
					char *p = schema_path_key(pp, k2);
					check_node(v2, p, false, causes);
					free(p);
					free(pp);
				}
			}
		}
	}
	if (bad)
		CAUSE("FieldValueForbidden", NULL, "Forbidden: must not specify anything other than name and "
		      "generateName, but metadata is implicitly specified");
}

static void check_junctors_of(const json_t *s, const char *path, json_t *causes)
{
	static const char *const lists[] = { "allOf", "anyOf", "oneOf" };
	const json_t *e;
	size_t i;

	for (int l = 0; l < 3; l++) {
		const json_t *arr = json_object_get(s, lists[l]);
		if (!json_is_array(arr))
			continue;
		char *lp = schema_path_field(path, lists[l]);
		json_array_foreach(arr, i, e) {
			char *p = schema_path_index(lp, i);
			check_junctor(e, s, p, causes);
			free(p);
		}
		free(lp);
	}
	if (json_is_object(e = json_object_get(s, "not"))) {
		char *p = schema_path_field(path, "not");
		check_junctor(e, s, p, causes);
		free(p);
	}
}

/*
 * A node inside a junctor: value validations only, and only on fields the
 * structural node `outer` specifies too.
 */
static void check_junctor(const json_t *j, const json_t *outer, const char *path, json_t *causes)
{
	if (!json_is_object(j)) {
		CAUSE("FieldValueInvalid", NULL, "Invalid value: must be a schema object");
		return;
	}
	if (!check_keywords(j, path, true, schema_flag(outer, "x-kubernetes-int-or-string"), causes))
		return;
	const json_t *props = json_object_get(j, "properties");
	const json_t *oprops = json_object_get(outer, "properties");
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)props, key, v) {
		char *pp = schema_path_field(path, "properties");
		char *p = schema_path_key(pp, key);
		const json_t *o = json_object_get(oprops, key);
		if (!o && json_is_object(json_object_get(outer, "additionalProperties")))
			o = json_object_get(outer, "additionalProperties");
		if (!o)
			api_cause(causes, "FieldValueForbidden", p,
				  "Forbidden: must not specify a field that is not specified outside of allOf, anyOf, oneOf or not");
		else
			check_junctor(v, o, p, causes);
		free(p);
		free(pp);
	}
	if (json_is_object(v = json_object_get(j, "items"))) {
		char *p = schema_path_field(path, "items");
		if (!json_is_object(json_object_get(outer, "items")))
			api_cause(causes, "FieldValueForbidden", p,
				  "Forbidden: must not specify items that are not specified outside of allOf, anyOf, oneOf or not");
		else
			check_junctor(v, json_object_get(outer, "items"), p, causes);
		free(p);
	}
	/* Nested junctors constrain the same outer node. */
	static const char *const lists[] = { "allOf", "anyOf", "oneOf" };
	for (int l = 0; l < 3; l++) {
		const json_t *arr = json_object_get(j, lists[l]), *e;
		size_t i;
		json_array_foreach(arr, i, e) {
			char *lp = schema_path_field(path, lists[l]);
			char *p = schema_path_index(lp, i);
			check_junctor(e, outer, p, causes);
			free(p);
			free(lp);
		}
	}
	if (json_is_object(v = json_object_get(j, "not"))) {
		char *p = schema_path_field(path, "not");
		check_junctor(v, outer, p, causes);
		free(p);
	}
}

static void check_node(const json_t *s, const char *path, bool root, json_t *causes)
{
	if (!json_is_object(s)) {
		CAUSE("FieldValueInvalid", NULL, "Invalid value: must be a schema object");
		return;
	}
	bool int_or_string = schema_flag(s, "x-kubernetes-int-or-string");
	bool preserve = schema_flag(s, "x-kubernetes-preserve-unknown-fields");
	bool embedded = schema_flag(s, "x-kubernetes-embedded-resource");
	if (!check_keywords(s, path, false, int_or_string, causes))
		return;
	const char *type = json_string_value(json_object_get(s, "type"));
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	const json_t *items = json_object_get(s, "items");

	if (root && (!type || strcmp(type, "object")))
		CAUSE("FieldValueInvalid", "type", "Invalid value: \"%s\": must be object at the root",
		      type ? type : "");
	else if (int_or_string && type)
		CAUSE("FieldValueForbidden", "type", "Forbidden: must be empty if x-kubernetes-int-or-string is true");
	else if (!type && !int_or_string && !preserve)
		CAUSE("FieldValueRequired", "type", "Required value: must not be empty for specified fields");
	if (root && embedded)
		CAUSE("FieldValueInvalid", "x-kubernetes-embedded-resource", "Invalid value: true: must be false at the root");
	if (root && int_or_string)
		CAUSE("FieldValueInvalid", "x-kubernetes-int-or-string", "Invalid value: true: must be false at the root");
	if (root && schema_flag(s, "nullable"))
		CAUSE("FieldValueInvalid", "nullable", "Invalid value: true: must be false at the root");
	if (embedded && (!type || strcmp(type, "object")))
		CAUSE("FieldValueInvalid", "type", "Invalid value: \"%s\": must be object if "
		      "x-kubernetes-embedded-resource is true", type ? type : "");
	if (embedded && !preserve && !json_object_size(props))
		CAUSE("FieldValueRequired", "properties", "Required value: must not be empty if "
		      "x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields");
	if (preserve && addl)
		CAUSE("FieldValueForbidden", "additionalProperties",
		      "Forbidden: must be undefined if x-kubernetes-preserve-unknown-fields is true");
	if (props && addl && !json_is_true(addl))
		CAUSE("FieldValueForbidden", "additionalProperties",
		      "Forbidden: additionalProperties and properties are mutual exclusive");
	if (type && strcmp(type, "object") && (props || addl))
		CAUSE("FieldValueForbidden", props ? "properties" : "additionalProperties",
		      "Forbidden: must only be used if type is object");
	if (type && !strcmp(type, "array") && !items)
		CAUSE("FieldValueRequired", "items", "Required value: must be specified");
	if (items && type && strcmp(type, "array"))
		CAUSE("FieldValueForbidden", "items", "Forbidden: must only be used if type is array");
	check_list_map(s, type, path, causes);
	check_default(s, path, root, causes);

	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)props, key, v) {
		char *pp = schema_path_field(path, "properties");
		char *p = schema_path_key(pp, key);
		if (root && !strcmp(key, "metadata"))
			check_root_metadata(v, p, causes);
		else if (root && (!strcmp(key, "apiVersion") || !strcmp(key, "kind")) &&
			 strcmp(json_string_value(json_object_get(v, "type")) ?: "", "string"))
			api_cause(causes, "FieldValueInvalid", p, "Invalid value: must be of type string");
		else
			check_node(v, p, false, causes);
		free(p);
		free(pp);
	}
	if (json_is_object(addl)) {
		char *p = schema_path_field(path, "additionalProperties");
		check_node(addl, p, false, causes);
		free(p);
	}
	if (json_is_object(items)) {
		char *p = schema_path_field(path, "items");
		check_node(items, p, false, causes);
		free(p);
	}
	check_junctors_of(s, path, causes);
}

int schema_check_structural_at(const json_t *openAPIV3Schema, const char *path, json_t *causes)
{
	size_t before = json_array_size(causes);

	if (!openAPIV3Schema) {
		api_cause(causes, "FieldValueRequired", path, "Required value: schemas are required");
		return 1;
	}
	check_node(openAPIV3Schema, path ? path : "", true, causes);
	return (int)(json_array_size(causes) - before);
}

int schema_check_structural(const json_t *openAPIV3Schema, json_t *causes)
{
	return schema_check_structural_at(openAPIV3Schema, "", causes);
}
