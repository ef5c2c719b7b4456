/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Swagger 2.0 as protocol buffers: client-go asks /openapi/v2 only for
 * "application/com.github.proto-openapi.spec.v2@v1.0+protobuf" (gnostic's
 * openapi.v2.Document), and kubectl needs it to validate `kind: List` files.
 * We encode the subset of the document we generate, field numbers per
 * gnostic's OpenAPIv2.proto; extension values travel as JSON, which is YAML.
 */
#include <stdint.h>
#include <string.h>

#include "api/openapi_int.h"
#include "lib/buf.h"
#include "lib/jdump.h"
#include "lib/xalloc.h"

enum { PB_VARINT = 0, PB_LEN = 2 };

static void pb_varint(struct buf *b, uint64_t v)
{
	while (v >= 0x80) {
		buf_addc(b, (char)(v | 0x80));
		v >>= 7;
	}
	buf_addc(b, (char)v);
}

static void pb_key(struct buf *b, unsigned field, unsigned wire)
{
	pb_varint(b, (uint64_t)field << 3 | wire);
}

static void pb_bytes(struct buf *b, unsigned field, const char *p, size_t n)
{
	pb_key(b, field, PB_LEN);
	pb_varint(b, n);
	buf_add(b, p, n);
}

static void pb_str(struct buf *b, unsigned field, const char *s)
{
	if (s && *s)
		pb_bytes(b, field, s, strlen(s));
}

static void pb_bool(struct buf *b, unsigned field, bool v)
{
	if (v) {
		pb_key(b, field, PB_VARINT);
		pb_varint(b, 1);
	}
}

/* Appends sub as a length-delimited field and releases it. */
static void pb_sub(struct buf *b, unsigned field, struct buf *sub)
{
	pb_bytes(b, field, sub->p, sub->len);
	buf_release(sub);
}

static void pb_json_str(struct buf *b, unsigned field, const json_t *o, const char *key)
{
	pb_str(b, field, json_string_value(json_object_get(o, key)));
}

static void pb_str_array(struct buf *b, unsigned field, const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			pb_bytes(b, field, json_string_value(v), json_string_length(v));
}

/* NamedAny{name=1, value=2 Any{yaml=2}} for every "x-" key of o. */
static void pb_extensions(struct buf *b, unsigned field, const json_t *o)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		struct buf named = BUF_INIT, any = BUF_INIT;
		char *yaml;

		if (strncmp(key, "x-", 2))
			continue;
		yaml = jdump(v, JSON_COMPACT | JSON_ENCODE_ANY, NULL);
		pb_str(&any, 2, yaml);
		free(yaml);
		pb_str(&named, 1, key);
		pb_sub(&named, 2, &any);
		pb_sub(b, field, &named);
	}
}

static void pb_schema(struct buf *b, const json_t *s);

/* Schema as a sub-message in field. */
static void pb_schema_field(struct buf *b, unsigned field, const json_t *s)
{
	struct buf sub = BUF_INIT;

	pb_schema(&sub, s);
	pb_sub(b, field, &sub);
}

static void pb_schema(struct buf *b, const json_t *s)
{
	json_t *ap = json_object_get(s, "additionalProperties");
	json_t *items = json_object_get(s, "items");
	json_t *props = json_object_get(s, "properties");
	const char *type = json_string_value(json_object_get(s, "type"));
	size_t i;
	json_t *v;

	pb_json_str(b, 1, s, "$ref");
	pb_json_str(b, 2, s, "format");
	pb_json_str(b, 4, s, "description");
	pb_bool(b, 16, json_is_true(json_object_get(s, "uniqueItems")));
	pb_str_array(b, 19, json_object_get(s, "required"));
	if (json_is_object(ap)) {
		struct buf sub = BUF_INIT;

		pb_schema_field(&sub, 1, ap);
		pb_sub(b, 21, &sub);
	}
	if (type) {
		struct buf sub = BUF_INIT;

		pb_str(&sub, 1, type);
		pb_sub(b, 22, &sub);
	}
	if (json_is_object(items)) {
		struct buf sub = BUF_INIT;

		pb_schema_field(&sub, 1, items);
		pb_sub(b, 23, &sub);
	}
	json_array_foreach(json_object_get(s, "allOf"), i, v)
		pb_schema_field(b, 24, v);
	if (json_is_object(props)) {
		struct buf sub = BUF_INIT;
		const char *name;

		json_object_foreach(props, name, v) {
			struct buf named = BUF_INIT;

			pb_str(&named, 1, name);
			pb_schema_field(&named, 2, v);
			pb_sub(&sub, 1, &named);
		}
		pb_sub(b, 25, &sub);
	}
	pb_extensions(b, 31, s);
}

/* ParametersItem{parameter=1 Parameter{body=1 | non_body=2 NonBodyParameter}} */
static void pb_parameter(struct buf *b, unsigned field, const json_t *p)
{
	const char *in = json_string_value(json_object_get(p, "in")) ?: "";
	struct buf param = BUF_INIT, item = BUF_INIT, sub = BUF_INIT;

	if (!strcmp(in, "body")) {
		pb_json_str(&sub, 1, p, "description");
		pb_json_str(&sub, 2, p, "name");
		pb_str(&sub, 3, in);
		pb_bool(&sub, 4, json_is_true(json_object_get(p, "required")));
		pb_schema_field(&sub, 5, json_object_get(p, "schema"));
		pb_sub(&param, 1, &sub);
	} else {
		struct buf nonbody = BUF_INIT;
		bool path = !strcmp(in, "path");

		/* Query and path sub-schemas share 1-4; type and uniqueItems differ. */
		pb_bool(&sub, 1, json_is_true(json_object_get(p, "required")));
		pb_str(&sub, 2, in);
		pb_json_str(&sub, 3, p, "description");
		pb_json_str(&sub, 4, p, "name");
		pb_json_str(&sub, path ? 5 : 6, p, "type");
		pb_bool(&sub, path ? 19 : 20, json_is_true(json_object_get(p, "uniqueItems")));
		pb_sub(&nonbody, path ? 4 : 3, &sub);
		pb_sub(&param, 2, &nonbody);
	}
	pb_sub(&item, 1, &param);
	pb_sub(b, field, &item);
}

static void pb_operation(struct buf *b, unsigned field, const json_t *op)
{
	struct buf o = BUF_INIT, resps = BUF_INIT;
	const char *code;
	size_t i;
	json_t *v;

	pb_str_array(&o, 1, json_object_get(op, "tags"));
	pb_json_str(&o, 3, op, "description");
	pb_json_str(&o, 5, op, "operationId");
	pb_str_array(&o, 6, json_object_get(op, "produces"));
	pb_str_array(&o, 7, json_object_get(op, "consumes"));
	json_array_foreach(json_object_get(op, "parameters"), i, v)
		pb_parameter(&o, 8, v);
	json_object_foreach(json_object_get(op, "responses"), code, v) {
		struct buf named = BUF_INIT, value = BUF_INIT, resp = BUF_INIT;

		pb_json_str(&resp, 1, v, "description");
		if (json_object_get(v, "schema")) {
			struct buf item = BUF_INIT;

			pb_schema_field(&item, 1, json_object_get(v, "schema"));
			pb_sub(&resp, 2, &item);
		}
		pb_sub(&value, 1, &resp);
		pb_str(&named, 1, code);
		pb_sub(&named, 2, &value);
		pb_sub(&resps, 1, &named);
	}
	pb_sub(&o, 9, &resps);
	pb_str_array(&o, 10, json_object_get(op, "schemes"));
	pb_extensions(&o, 13, op);
	pb_sub(b, field, &o);
}

static void pb_path_item(struct buf *b, const json_t *item)
{
	static const struct { const char *verb; unsigned field; } ops[] = {
		{ "get", 2 }, { "put", 3 }, { "post", 4 }, { "delete", 5 }, { "patch", 8 },
	};
	size_t i;
	json_t *v;

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if ((v = json_object_get(item, ops[k].verb)))
			pb_operation(b, ops[k].field, v);
	json_array_foreach(json_object_get(item, "parameters"), i, v)
		pb_parameter(b, 9, v);
	pb_extensions(b, 10, item);
}

char *oa_v2_protobuf(const json_t *doc, size_t *len)
{
	struct buf b = BUF_INIT, info = BUF_INIT, paths = BUF_INIT, defs = BUF_INIT;
	const char *name;
	json_t *v;

	pb_json_str(&b, 1, doc, "swagger");
	pb_json_str(&info, 1, json_object_get(doc, "info"), "title");
	pb_json_str(&info, 2, json_object_get(doc, "info"), "version");
	pb_sub(&b, 2, &info);
	json_object_foreach(json_object_get(doc, "paths"), name, v) {
		struct buf named = BUF_INIT, item = BUF_INIT;

		pb_path_item(&item, v);
		pb_str(&named, 1, name);
		pb_sub(&named, 2, &item);
		pb_sub(&paths, 2, &named);
	}
	pb_sub(&b, 8, &paths);
	json_object_foreach(json_object_get(doc, "definitions"), name, v) {
		struct buf named = BUF_INIT;

		pb_str(&named, 1, name);
		pb_schema_field(&named, 2, v);
		pb_sub(&defs, 1, &named);
	}
	pb_sub(&b, 9, &defs);
	return buf_detach(&b, len);
}
