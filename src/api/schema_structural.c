/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Is a CRD's openAPIV3Schema structural and within what Kubernetes accepts:
 * every node typed, logical junctors limited to value validation on fields
 * specified outside them, metadata restricted to name and generateName,
 * x-kubernetes-* extensions where they make sense, and defaults that
 * validate and carry no unknown fields.
 */
#include <string.h>

#include "api/kind.h"
#include "api/schema.h"
#include "api/schema_int.h"
#include "lib/xalloc.h"

enum level { LVL_ROOT, LVL_FIELD, LVL_ITEM };

/* Why defaults are not allowed below here, or NULL. */
struct walk {
	json_t *causes;
	const char *no_default;
};

static void check_node(const json_t *s, const char *path, enum level lvl, struct walk *w);
static void check_junctor(const json_t *j, const json_t *outer, const char *path, struct walk *w);

/* {type: <type>} and nothing else. */
static bool only_type(const json_t *s, const char *type)
{
	const char *t = json_string_value(json_object_get(s, "type"));

	return json_object_size(s) == 1 && t && !strcmp(t, type);
}

/* anyOf: [{type: integer}, {type: string}], the int-or-string idiom. */
static bool int_or_string_any_of(const json_t *any_of)
{
	return json_array_size(any_of) == 2 && only_type(json_array_get(any_of, 0), "integer") &&
	       only_type(json_array_get(any_of, 1), "string");
}

/* A default must validate against its node and carry no unknown fields. */
static void check_default(const json_t *s, const char *path, struct walk *w)
{
	const json_t *def = json_object_get(s, "default");
	const json_t *u;
	size_t i;

	if (!def)
		return;
	if (w->no_default) {
		schema_cause_at(w->causes, "FieldValueForbidden", path, "default", "Forbidden: must not be set %s",
				w->no_default);
		return;
	}
	char *dpath = schema_path_field(path, "default");
	schema_validate(s, def, dpath, w->causes);
	json_t *unknown = json_array();
	schema_unknown_fields(s, def, "", unknown);
	json_array_foreach(unknown, i, u)
		schema_cause_at(w->causes, "FieldValueForbidden", dpath, json_string_value(u),
				"Forbidden: must not have unknown fields");
	json_decref(unknown);
	free(dpath);
}

/*
 * At the root and in embedded resources, apiVersion and kind are strings and
 * metadata an object; at the root metadata may only constrain name and
 * generateName.
 */
static void check_resource_meta(const json_t *props, const char *path, enum level lvl, struct walk *w)
{
	static const char *const str_keys[] = { "apiVersion", "kind" };
	const json_t *m = json_object_get(props, "metadata");
	const char *key;
	const json_t *v;

	for (int i = 0; i < 2; i++) {
		const json_t *p = json_object_get(props, str_keys[i]);
		const char *t = json_string_value(json_object_get(p, "type"));
		if (p && (!t || strcmp(t, "string"))) {
			char *f = xasprintf("properties[%s].type", str_keys[i]);
			schema_cause_at(w->causes, "FieldValueInvalid", path, f, "Invalid value: \"%s\": must be string",
					t ? t : "");
			free(f);
		}
	}
	if (!m)
		return;
	const char *t = json_string_value(json_object_get(m, "type"));
	if (!t || strcmp(t, "object"))
		schema_cause_at(w->causes, "FieldValueInvalid", path, "properties[metadata].type",
				"Invalid value: \"%s\": must be object", t ? t : "");
	if (lvl != LVL_ROOT)
		return;
	bool bad = false;
	json_object_foreach((json_t *)m, key, v) {
		if (!strcmp(key, "properties") && json_is_object(v)) {
			const char *k2;
			const json_t *v2;
			json_object_foreach((json_t *)v, k2, v2)
				bad |= strcmp(k2, "name") && strcmp(k2, "generateName");
		} else if (strcmp(key, "type") && strcmp(key, "default")) {
			bad = true;
		}
	}
	if (bad)
		schema_cause_at(w->causes, "FieldValueForbidden", path, "properties[metadata]", "Forbidden: must "
				"not specify anything other than name and generateName, but metadata is implicitly specified");
}

/* The junctors of a structural node; the int-or-string idioms are exempt. */
static void check_junctors_of(const json_t *s, const char *path, struct walk *w)
{
	static const char *const lists[] = { "allOf", "anyOf", "oneOf" };
	const json_t *e, *all_of = json_object_get(s, "allOf");
	bool skip_any_of = int_or_string_any_of(json_object_get(s, "anyOf"));
	bool skip_first_all_of = int_or_string_any_of(json_object_get(json_array_get(all_of, 0), "anyOf"));
	size_t i;

	for (int l = 0; l < 3; l++) {
		const json_t *arr = json_object_get(s, lists[l]);
		if (!json_is_array(arr) || (l == 1 && skip_any_of))
			continue;
		char *lp = schema_path_field(path, lists[l]);
		json_array_foreach(arr, i, e) {
			char *p = schema_path_index(lp, i);
			if (l == 0 && i == 0 && skip_first_all_of) {
				/* allOf[0] = {anyOf: int-or-string, ...}: check the rest of it only. */
				json_t *rest = json_deep_copy(e);
				json_object_del(rest, "anyOf");
				check_junctor(rest, s, p, w);
				json_decref(rest);
			} else {
				check_junctor(e, s, p, w);
			}
			free(p);
		}
		free(lp);
	}
	if (json_is_object(e = json_object_get(s, "not"))) {
		char *p = schema_path_field(path, "not");
		check_junctor(e, s, p, w);
		free(p);
	}
}

/*
 * A node inside a junctor: value validations only, on fields and items the
 * structural node `outer` specifies as well.
 */
static void check_junctor(const json_t *j, const json_t *outer, const char *path, struct walk *w)
{
	static const char *const lists[] = { "allOf", "anyOf", "oneOf" };
	const json_t *props = json_object_get(j, "properties"), *v;
	const json_t *oprops = json_object_get(outer, "properties");
	const json_t *oaddl = json_object_get(outer, "additionalProperties");
	const char *key;

	if (!json_is_object(j)) {
		schema_cause_at(w->causes, "FieldValueInvalid", path, NULL, "Invalid value: must be a schema object");
		return;
	}
	if (!schema_check_keywords(j, path, true, w->causes))
		return;
	json_object_foreach((json_t *)props, key, v) {
		char *pp = schema_path_field(path, "properties");
		char *p = schema_path_key(pp, key);
		const json_t *o = json_object_get(oprops, key);
		if (!o && json_is_object(oaddl))
			o = oaddl;
		if (!strcmp(key, "metadata"))
			api_cause(w->causes, "FieldValueForbidden", p, "Forbidden: must not be specified in a nested context");
		else if (!o)
			api_cause(w->causes, "FieldValueRequired", p, "Required value: must be specified "
				  "outside of allOf, anyOf, oneOf and not as well");
		else
			check_junctor(v, o, p, w);
		free(p);
		free(pp);
	}
	if (json_is_object(v = json_object_get(j, "items"))) {
		char *p = schema_path_field(path, "items");
		const json_t *oitems = json_object_get(outer, "items");
		if (!json_is_object(oitems))
			api_cause(w->causes, "FieldValueRequired", p, "Required value: must be specified "
				  "outside of allOf, anyOf, oneOf and not as well");
		else
			check_junctor(v, oitems, p, w);
		free(p);
	}
	for (int l = 0; l < 3; l++) {
		const json_t *arr = json_object_get(j, lists[l]), *e;
		size_t i;
		char *lp = schema_path_field(path, lists[l]);
		json_array_foreach(arr, i, e) {
			char *p = schema_path_index(lp, i);
			check_junctor(e, outer, p, w);
			free(p);
		}
		free(lp);
	}
	if (json_is_object(v = json_object_get(j, "not"))) {
		char *p = schema_path_field(path, "not");
		check_junctor(v, outer, p, w);
		free(p);
	}
}

/* type, and the keywords whose meaning depends on it. */
static void check_type(const json_t *s, const char *path, enum level lvl, struct walk *w)
{
	static const char *const empty_msg[] = { "must not be empty at the root",
		"must not be empty for specified object fields", "must not be empty for specified array items" };
	const char *type = json_string_value(json_object_get(s, "type"));
	bool int_or_string = schema_flag(s, "x-kubernetes-int-or-string");
	bool preserve = schema_flag(s, "x-kubernetes-preserve-unknown-fields");
	bool embedded = schema_flag(s, "x-kubernetes-embedded-resource");
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	const json_t *items = json_object_get(s, "items");
	json_t *c = w->causes;

	if (embedded && (!type || strcmp(type, "object")))
		schema_cause_at(c, type ? "FieldValueInvalid" : "FieldValueRequired", path, "type",
				"%s%s%smust be object if x-kubernetes-embedded-resource is true",
				type ? "Invalid value: \"" : "Required value", type ? type : "", type ? "\": " : ": ");
	else if (!type && !int_or_string && !preserve)
		schema_cause_at(c, "FieldValueRequired", path, "type", "Required value: %s", empty_msg[lvl]);
	if (lvl == LVL_ROOT && type && strcmp(type, "object"))
		schema_cause_at(c, "FieldValueInvalid", path, "type", "Invalid value: \"%s\": must be object at the root", type);
	if (int_or_string && type)
		schema_cause_at(c, "FieldValueForbidden", path, "type",
				"Forbidden: must be empty if x-kubernetes-int-or-string is true");
	if (int_or_string && preserve)
		schema_cause_at(c, "FieldValueInvalid", path, "x-kubernetes-preserve-unknown-fields",
				"Invalid value: true: must be false if x-kubernetes-int-or-string is true");
	if (int_or_string && embedded)
		schema_cause_at(c, "FieldValueInvalid", path, "x-kubernetes-embedded-resource",
				"Invalid value: true: must be false if x-kubernetes-int-or-string is true");
	if (embedded && !preserve && !json_object_size(props))
		schema_cause_at(c, "FieldValueRequired", path, "properties", "Required value: must not be empty if "
				"x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields");
	if (lvl == LVL_ROOT && schema_flag(s, "nullable"))
		schema_cause_at(c, "FieldValueForbidden", path, "nullable", "Forbidden: nullable cannot be true at the root");
	if (addl) {
		if (lvl == LVL_ROOT)
			schema_cause_at(c, "FieldValueForbidden", path, "additionalProperties",
					"Forbidden: must not be used at the root");
		else if (embedded)
			schema_cause_at(c, "FieldValueForbidden", path, "additionalProperties",
					"Forbidden: must not be used if x-kubernetes-embedded-resource is set");
		if (json_object_size(props) && !json_is_true(addl))
			schema_cause_at(c, "FieldValueForbidden", path, "additionalProperties",
					"Forbidden: additionalProperties and properties are mutual exclusive");
		if (preserve)
			schema_cause_at(c, "FieldValueForbidden", path, "additionalProperties",
					"Forbidden: must be undefined if x-kubernetes-preserve-unknown-fields is true");
	}
	if (type && strcmp(type, "object") && (props || addl))
		schema_cause_at(c, "FieldValueForbidden", path, props ? "properties" : "additionalProperties",
				"Forbidden: must only be used if type is object");
	if (type && !strcmp(type, "array") && !items)
		schema_cause_at(c, "FieldValueRequired", path, "items", "Required value: must be specified");
	if (items && type && strcmp(type, "array"))
		schema_cause_at(c, "FieldValueForbidden", path, "items", "Forbidden: must only be used if type is array");
}

static void check_node(const json_t *s, const char *path, enum level lvl, struct walk *w)
{
	if (!json_is_object(s)) {
		schema_cause_at(w->causes, "FieldValueInvalid", path, NULL, "Invalid value: must be a schema object");
		return;
	}
	if (!schema_check_keywords(s, path, false, w->causes))
		return;
	bool embedded = schema_flag(s, "x-kubernetes-embedded-resource");
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	const json_t *items = json_object_get(s, "items");

	check_type(s, path, lvl, w);
	schema_check_list_map(s, path, w->causes);
	check_default(s, path, w);
	if (lvl == LVL_ROOT || embedded)
		check_resource_meta(props, path, lvl, w);

	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)props, key, v) {
		char *pp = schema_path_field(path, "properties");
		char *p = schema_path_key(pp, key);
		struct walk sub = *w;
		if (lvl == LVL_ROOT && (!strcmp(key, "metadata") || !strcmp(key, "apiVersion") || !strcmp(key, "kind"))) {
			static const char *const why[] = { "in top-level metadata", "in top-level apiVersion",
							   "in top-level kind" };
			sub.no_default = why[key[0] == 'a' ? 1 : key[0] == 'k' ? 2 : 0];
		}
		check_node(v, p, LVL_FIELD, &sub);
		free(p);
		free(pp);
	}
	if (json_is_object(addl)) {
		char *p = schema_path_field(path, "additionalProperties");
		check_node(addl, p, LVL_FIELD, w);
		free(p);
	}
	if (json_is_object(items)) {
		char *p = schema_path_field(path, "items");
		check_node(items, p, LVL_ITEM, w);
		free(p);
	}
	check_junctors_of(s, path, w);
}

int schema_check_structural_at(const json_t *openAPIV3Schema, const char *path, json_t *causes)
{
	size_t before = json_array_size(causes);
	struct walk w = { causes, NULL };

	if (!openAPIV3Schema) {
		api_cause(causes, "FieldValueRequired", path, "Required value: schemas are required");
		return 1;
	}
	check_node(openAPIV3Schema, path ? path : "", LVL_ROOT, &w);
	return (int)(json_array_size(causes) - before);
}

int schema_check_structural(const json_t *openAPIV3Schema, json_t *causes)
{
	return schema_check_structural_at(openAPIV3Schema, "", causes);
}
