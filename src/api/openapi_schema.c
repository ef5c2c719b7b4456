/* SPDX-License-Identifier: Apache-2.0 */
/* OpenAPI schemas from the schema table: v3 components and v2 definitions, with their closure. */
#include <stdbool.h>
#include <string.h>

#include "api/openapi_int.h"
#include "api/openapi_types.h"
#include "lib/xalloc.h"

static json_t *scalar_schema(const char *t)
{
	if (!strcmp(t, "string"))
		return json_pack("{s:s}", "type", "string");
	if (!strcmp(t, "integer"))
		return json_pack("{s:s,s:s}", "type", "integer", "format", "int32");
	if (!strcmp(t, "int64"))
		return json_pack("{s:s,s:s}", "type", "integer", "format", "int64");
	if (!strcmp(t, "boolean"))
		return json_pack("{s:s}", "type", "boolean");
	if (!strcmp(t, "number"))
		return json_pack("{s:s,s:s}", "type", "number", "format", "double");
	if (!strcmp(t, "byte"))
		return json_pack("{s:s,s:s}", "type", "string", "format", "byte");
	if (!strcmp(t, "object"))
		return json_pack("{s:s}", "type", "object");
	return NULL;
}

static json_t *ref(const struct oa_style *st, const char *name)
{
	json_t *r = json_object();

	json_object_set_new(r, "$ref", json_sprintf("%s%s", st->ref_prefix, name));
	return r;
}

/* The schema of a type string (see openapi_types.h); *merge_key gets "@key" if any. */
static json_t *type_schema(const struct oa_style *st, const char *type, bool property,
			   const char *desc)
{
	const char *at = strchr(type, '@');
	_cleanup_free_ char *base = at ? xstrndup(type, (size_t)(at - type)) : xstrdup(type);
	json_t *s;

	if (!strncmp(base, "[]", 2)) {
		s = json_pack("{s:s,s:o}", "type", "array", "items",
			      type_schema(st, base + 2, false, NULL));
		if (at) {
			json_object_set_new(s, "x-kubernetes-patch-merge-key", json_string(at + 1));
			json_object_set_new(s, "x-kubernetes-patch-strategy", json_string("merge"));
			json_object_set_new(s, "x-kubernetes-list-type", json_string("map"));
			json_object_set_new(s, "x-kubernetes-list-map-keys",
					    json_pack("[s]", at + 1));
		}
	} else if (!strncmp(base, "map:", 4)) {
		s = json_pack("{s:s,s:o}", "type", "object", "additionalProperties",
			      type_schema(st, base + 4, false, NULL));
	} else if ((s = scalar_schema(base))) {
		/* done */
	} else if (property && st->v3) {
		/* v3 ignores siblings of $ref, so Kubernetes wraps it to keep the description. */
		s = json_pack("{s:[o],s:{}}", "allOf", ref(st, base), "default");
	} else {
		s = ref(st, base);
	}
	if (desc)
		json_object_set_new(s, "description", json_string(desc));
	return s;
}

json_t *oa_schema_of(const struct oa_style *st, const struct oa_type *t)
{
	json_t *s, *props, *req;

	if (t->scalar) {
		s = json_loads(t->scalar, 0, NULL);
		json_object_set_new(s, "description", json_string(t->desc));
		return s;
	}
	s = json_pack("{s:s,s:s}", "description", t->desc, "type", "object");
	props = json_object();
	req = json_array();
	for (const struct oa_field *f = t->fields; f->name; f++) {
		const char *name = f->name[0] == '!' ? f->name + 1 : f->name;

		if (f->name[0] == '!')
			json_array_append_new(req, json_string(name));
		json_object_set_new(props, name, type_schema(st, f->type, true, f->desc));
	}
	json_object_set_new(s, "properties", props);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	return s;
}

/* The type references of a type string, appended to names (a JSON array). */
static void type_refs(const char *type, json_t *names)
{
	const char *at = strchr(type, '@');
	_cleanup_free_ char *base = at ? xstrndup(type, (size_t)(at - type)) : xstrdup(type);
	const char *p = base;

	if (!strncmp(p, "[]", 2))
		p += 2;
	if (!strncmp(p, "map:", 4))
		p += 4;
	if (!oa_is_scalar(p))
		json_array_append_new(names, json_string(p));
}

bool oa_is_scalar(const char *t)
{
	static const char *const scalars[] = { "string", "integer", "int64", "boolean", "number",
					       "byte", "object" };

	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (!strcmp(t, scalars[i]))
			return true;
	return false;
}

void oa_add_closure(const struct oa_style *st, json_t *schemas, const char *root)
{
	json_t *todo = json_pack("[s]", root);

	/* Bounded: every name is added to schemas once, and the table is finite. */
	while (json_array_size(todo)) {
		_cleanup_free_ char *name = xstrdup(json_string_value(json_array_get(todo, 0)));
		const struct oa_type *t;

		json_array_remove(todo, 0);
		if (json_object_get(schemas, name) || !(t = oa_type_find(name)))
			continue;
		json_object_set_new(schemas, name, oa_schema_of(st, t));
		for (const struct oa_field *f = t->fields; f && f->name; f++)
			type_refs(f->type, todo);
	}
	json_decref(todo);
}
