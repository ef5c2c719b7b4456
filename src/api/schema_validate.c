/* SPDX-License-Identifier: Apache-2.0 */
/* Validate a JSON value against an OpenAPI v3 (CRD structural) schema. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/kind.h"
#include "api/schema.h"
#include "api/schema_int.h"
#include "lib/xalloc.h"

#define VALBUF 128

static void validate_node(const json_t *s, const json_t *v, const char *path, bool root,
			  json_t *causes);

/* Messages say "<path> in body must...", or "in body must..." at the root. */
#define IN_BODY "%s%sin body"
#define SHOWN(path) ((path) && *(path) ? (path) : ""), ((path) && *(path) ? " " : "")

static void type_cause(json_t *causes, const char *path, const json_t *v, const char *want)
{
	const char *got = schema_type_of(v);

	api_cause(causes, "FieldValueTypeInvalid", path,
		  "Invalid value: \"%s\": " IN_BODY " must be of type %s: \"%s\"",
		  got, SHOWN(path), want, got);
}

static void invalid(json_t *causes, const char *path, const json_t *v, const char *what)
{
	char val[VALBUF];

	api_cause(causes, "FieldValueInvalid", path, "Invalid value: %s: " IN_BODY " %s",
		  schema_fmt_value(v, val, sizeof(val)), SHOWN(path), what);
}

static bool type_matches(const char *type, const json_t *v)
{
	if (!strcmp(type, "object"))
		return json_is_object(v);
	if (!strcmp(type, "array"))
		return json_is_array(v);
	if (!strcmp(type, "string"))
		return json_is_string(v);
	if (!strcmp(type, "integer"))
		return schema_is_integer(v);
	if (!strcmp(type, "number"))
		return json_is_number(v);
	if (!strcmp(type, "boolean"))
		return json_is_boolean(v);
	return true; /* unknown types are the structural check's business */
}

/* Count UTF-8 code points: maxLength counts characters, not bytes. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* YYYY-MM-DD with plausible month and day. */
static bool is_date(const char *s)
{
	if (strlen(s) < 10 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) ||
	    s[7] != '-' || !all_digits(s + 8, 2))
		return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* RFC 3339: date "T" hh:mm:ss[.frac] (Z | +hh:mm | -hh:mm). */
static bool is_date_time(const char *s)
{
	if (!is_date(s) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return false;
	const char *t = s + 11;
	if (strlen(t) < 8 || !all_digits(t, 2) || t[2] != ':' || !all_digits(t + 3, 2) ||
	    t[5] != ':' || !all_digits(t + 6, 2))
		return false;
	if ((t[0] - '0') * 10 + (t[1] - '0') > 23 || t[3] > '5' || t[6] > '6')
		return false;
	t += 8;
	if (*t == '.') {
		t++;
		if (*t < '0' || *t > '9')
			return false;
		while (*t >= '0' && *t <= '9')
			t++;
	}
	if ((*t == 'Z' || *t == 'z') && !t[1])
		return true;
	return (*t == '+' || *t == '-') && strlen(t) == 6 && all_digits(t + 1, 2) && t[3] == ':' &&
	       all_digits(t + 4, 2);
}

static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

static bool is_base64(const char *s)
{
	size_t len = strlen(s), pad = 0;

	if (len % 4)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return false;
	}
	return pad <= 2;
}

/* Known formats are checked; unknown ones pass, as in Kubernetes. */
static void check_format(const char *fmt, const json_t *v, const char *path, json_t *causes)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		bool ok = true;
		if (!strcmp(fmt, "date-time"))
			ok = is_date_time(s);
		else if (!strcmp(fmt, "date"))
			ok = is_date(s) && !s[10];
		else if (!strcmp(fmt, "uuid"))
			ok = is_uuid(s);
		else if (!strcmp(fmt, "byte"))
			ok = is_base64(s);
		if (!ok) /* Kubernetes names the format as the expected type */
			api_cause(causes, "FieldValueInvalid", path,
				  "Invalid value: \"%s\": " IN_BODY " must be of type %s: \"%s\"",
				  s, SHOWN(path), fmt, s);
	} else if (schema_is_integer(v)) {
		double d;
		schema_number(v, &d);
		if (!strcmp(fmt, "int32") && (d < -2147483648.0 || d > 2147483647.0))
			invalid(causes, path, v, "must be of type int32");
		else if (!strcmp(fmt, "int64") && json_is_real(v) &&
			 (d < -9223372036854775808.0 || d >= 9223372036854775808.0))
			invalid(causes, path, v, "must be of type int64");
	}
}

static void check_string(const json_t *s, const json_t *v, const char *path, json_t *causes)
{
	const char *str = json_string_value(v);
	const json_t *k;
	char what[160];

	size_t len = utf8_len(str);
	if (json_is_integer(k = json_object_get(s, "maxLength")) && (json_int_t)len > json_integer_value(k))
		api_cause(causes, "FieldValueTooLong", path, "Too long: may not be more than %lld bytes",
			  (long long)json_integer_value(k));
	if (json_is_integer(k = json_object_get(s, "minLength")) && (json_int_t)len < json_integer_value(k)) {
		snprintf(what, sizeof(what), "should be at least %lld chars long",
			 (long long)json_integer_value(k));
		invalid(causes, path, v, what);
	}
	if (json_is_string(k = json_object_get(s, "pattern"))) {
		char err[128];
		const char *pat = json_string_value(k);
		struct schema_re *re = schema_re_compile(pat, err, sizeof(err));
		if (re) {
			int m = schema_re_match(re, str);
			schema_re_free(re);
			if (m <= 0) {
				char *w = xasprintf(m ? "could not be checked against '%s' in time" :
						    "should match '%s'", pat);
				invalid(causes, path, v, w);
				free(w);
			}
		}
	}
}

static void check_number(const json_t *s, const json_t *v, const char *path, json_t *causes)
{
	double d, lim;
	char what[160], num[32];

	schema_number(v, &d);
	if (schema_number(json_object_get(s, "minimum"), &lim)) {
		bool ex = schema_flag(s, "exclusiveMinimum");
		if (ex ? !(d > lim) : !(d >= lim)) {
			snprintf(what, sizeof(what), "should be greater than %s%s",
				 ex ? "" : "or equal to ", schema_fmt_number(lim, num, sizeof(num)));
			invalid(causes, path, v, what);
		}
	}
	if (schema_number(json_object_get(s, "maximum"), &lim)) {
		bool ex = schema_flag(s, "exclusiveMaximum");
		if (ex ? !(d < lim) : !(d <= lim)) {
			snprintf(what, sizeof(what), "should be less than %s%s",
				 ex ? "" : "or equal to ", schema_fmt_number(lim, num, sizeof(num)));
			invalid(causes, path, v, what);
		}
	}
	if (schema_number(json_object_get(s, "multipleOf"), &lim) && lim > 0) {
		double q = d / lim;
		if (!isfinite(q) || fabs(q - round(q)) > 1e-9) {
			snprintf(what, sizeof(what), "should be a multiple of %s",
				 schema_fmt_number(lim, num, sizeof(num)));
			invalid(causes, path, v, what);
		}
	}
}

/* The key fields of a list-type map item, as an object (owned). */
static json_t *map_key(const json_t *item, const json_t *keys)
{
	json_t *k = json_object();
	const json_t *name;
	size_t i;

	json_array_foreach(keys, i, name) {
		const char *n = json_string_value(name);
		json_t *f = n ? json_object_get(item, n) : NULL;
		if (f)
			json_object_set(k, n, f);
	}
	return k;
}

/*
 * x-kubernetes-list-type set: items are unique; map: items are unique by
 * their x-kubernetes-list-map-keys. Quadratic, bounded by maxItems in
 * practice, as in Kubernetes.
 */
static void check_list_type(const json_t *s, const json_t *v, const char *path, json_t *causes)
{
	const char *lt = json_string_value(json_object_get(s, "x-kubernetes-list-type"));
	const json_t *keys = json_object_get(s, "x-kubernetes-list-map-keys");
	size_t n = json_array_size(v);
	bool map;

	if (!lt || (strcmp(lt, "set") && strcmp(lt, "map")))
		return;
	map = !strcmp(lt, "map");
	if (map && !json_array_size(keys))
		return;
	for (size_t i = 1; i < n; i++) {
		json_t *a = map ? map_key(json_array_get(v, i), keys) : json_incref(json_array_get(v, i));
		for (size_t j = 0; j < i; j++) {
			json_t *b = map ? map_key(json_array_get(v, j), keys) : json_incref(json_array_get(v, j));
			bool dup = json_equal(a, b);
			json_decref(b);
			if (dup) {
				char val[VALBUF];
				char *p = schema_path_index(path, i);
				api_cause(causes, "FieldValueDuplicate", p, "Duplicate value: %s",
					  schema_fmt_value(a, val, sizeof(val)));
				free(p);
				break;
			}
		}
		json_decref(a);
	}
}

static void check_array(const json_t *s, const json_t *v, const char *path, json_t *causes)
{
	size_t n = json_array_size(v);
	const json_t *k;
	char what[160];

	if (json_is_integer(k = json_object_get(s, "maxItems")) && (json_int_t)n > json_integer_value(k))
		api_cause(causes, "FieldValueTooMany", path, "Too many: %zu: must have at most %lld items",
			  n, (long long)json_integer_value(k));
	if (json_is_integer(k = json_object_get(s, "minItems")) && (json_int_t)n < json_integer_value(k)) {
		snprintf(what, sizeof(what), "should have at least %lld items",
			 (long long)json_integer_value(k));
		invalid(causes, path, v, what);
	}
	if (schema_flag(s, "uniqueItems")) {
		/* Quadratic: one reason Kubernetes refuses uniqueItems in CRDs. */
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (json_equal(json_array_get(v, i), json_array_get(v, j))) {
					char val[VALBUF];
					char *p = schema_path_index(path, i);
					api_cause(causes, "FieldValueDuplicate", p, "Duplicate value: %s",
						  schema_fmt_value(json_array_get(v, i), val, sizeof(val)));
					free(p);
					break;
				}
	}
	check_list_type(s, v, path, causes);
	const json_t *items = json_object_get(s, "items");
	if (json_is_object(items))
		for (size_t i = 0; i < n; i++) {
			char *p = schema_path_index(path, i);
			validate_node(items, json_array_get(v, i), p, false, causes);
			free(p);
		}
}

/* apiVersion, kind and metadata are always allowed at an object root. */
static bool resource_key(const char *key)
{
	return !strcmp(key, "apiVersion") || !strcmp(key, "kind") || !strcmp(key, "metadata");
}

static void check_embedded(const json_t *v, const char *path, json_t *causes)
{
	static const char *const keys[] = { "apiVersion", "kind" };

	for (int i = 0; i < 2; i++) {
		const json_t *f = json_object_get(v, keys[i]);
		char *p = schema_path_field(path, keys[i]);
		if (!f || (json_is_string(f) && !*json_string_value(f)))
			api_cause(causes, "FieldValueRequired", p, "Required value: must not be empty");
		else if (!json_is_string(f))
			type_cause(causes, p, f, "string");
		free(p);
	}
	const json_t *m = json_object_get(v, "metadata");
	if (m && !json_is_object(m)) {
		char *p = schema_path_field(path, "metadata");
		type_cause(causes, p, m, "object");
		free(p);
	}
}

static void check_object(const json_t *s, const json_t *v, const char *path, bool root,
			 json_t *causes)
{
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	bool embedded = schema_flag(s, "x-kubernetes-embedded-resource");
	const json_t *k, *child;
	const char *key;
	size_t i, n = json_object_size(v);
	char what[160];

	if (embedded)
		check_embedded(v, path, causes);
	if (json_is_array(k = json_object_get(s, "required")))
		json_array_foreach(k, i, child) {
			if (!json_is_string(child) || json_object_get(v, json_string_value(child)))
				continue;
			char *p = schema_path_field(path, json_string_value(child));
			api_cause(causes, "FieldValueRequired", p, "Required value");
			free(p);
		}
	if (json_is_integer(k = json_object_get(s, "maxProperties")) && (json_int_t)n > json_integer_value(k))
		api_cause(causes, "FieldValueTooMany", path, "Too many: %zu: must have at most %lld items",
			  n, (long long)json_integer_value(k));
	if (json_is_integer(k = json_object_get(s, "minProperties")) && (json_int_t)n < json_integer_value(k)) {
		snprintf(what, sizeof(what), "should have at least %lld properties",
			 (long long)json_integer_value(k));
		invalid(causes, path, v, what);
	}
	json_object_foreach((json_t *)v, key, child) {
		const json_t *ps = json_object_get(props, key);
		char *p = schema_path_field(path, key);
		if (json_is_object(ps))
			validate_node(ps, child, p, false, causes);
		else if (json_is_object(addl))
			validate_node(addl, child, p, false, causes);
		else if (json_is_false(addl) && !((root || embedded) && resource_key(key)))
			api_cause(causes, "FieldValueForbidden", p, "Forbidden: additional property \"%s\" is not allowed", key);
		free(p);
	}
}

/* Validate v against every schema of `list` separately; returns how many pass. */
static size_t count_passing(const json_t *list, const json_t *v, const char *path, bool root,
			    json_t *all_causes)
{
	size_t i, pass = 0;
	const json_t *sub;

	json_array_foreach(list, i, sub) {
		json_t *c = json_array();
		validate_node(sub, v, path, root, c);
		if (!json_array_size(c))
			pass++;
		json_array_extend(all_causes, c);
		json_decref(c);
	}
	return pass;
}

static void check_junctors(const json_t *s, const json_t *v, const char *path, bool root,
			   json_t *causes)
{
	const json_t *k, *sub;
	size_t i;

	if (json_is_array(k = json_object_get(s, "allOf")))
		json_array_foreach(k, i, sub)
			validate_node(sub, v, path, root, causes);
	if (json_is_array(k = json_object_get(s, "anyOf")) && json_array_size(k)) {
		json_t *sc = json_array();
		if (!count_passing(k, v, path, root, sc)) {
			invalid(causes, path, v, "must validate at least one schema (anyOf)");
			json_array_extend(causes, sc);
		}
		json_decref(sc);
	}
	if (json_is_array(k = json_object_get(s, "oneOf")) && json_array_size(k)) {
		json_t *sc = json_array();
		size_t pass = count_passing(k, v, path, root, sc);
		if (pass != 1) {
			invalid(causes, path, v, "must validate one and only one schema (oneOf)");
			if (!pass)
				json_array_extend(causes, sc);
		}
		json_decref(sc);
	}
	if (json_is_object(k = json_object_get(s, "not"))) {
		json_t *sc = json_array();
		validate_node(k, v, path, root, sc);
		if (!json_array_size(sc))
			invalid(causes, path, v, "must not validate the schema (not)");
		json_decref(sc);
	}
}

static void validate_node(const json_t *s, const json_t *v, const char *path, bool root,
			  json_t *causes)
{
	const json_t *k;

	if (!json_is_object(s) || !v)
		return;
	const char *type = json_string_value(json_object_get(s, "type"));
	bool int_or_string = schema_flag(s, "x-kubernetes-int-or-string");
	if (json_is_null(v)) {
		if (schema_flag(s, "nullable"))
			return;
		if (int_or_string)
			type_cause(causes, path, v, "integer or string");
		else if (type)
			type_cause(causes, path, v, type);
		if (int_or_string || type)
			return;
	}
	if (int_or_string) {
		if (!schema_is_integer(v) && !json_is_string(v)) {
			type_cause(causes, path, v, "integer or string");
			return;
		}
	} else if (type && !type_matches(type, v)) {
		type_cause(causes, path, v, type);
		return;
	}
	if (json_is_array(k = json_object_get(s, "enum")) && json_array_size(k)) {
		size_t i;
		const json_t *e;
		bool found = false;
		json_array_foreach(k, i, e)
			if (json_equal(e, v) || (json_is_number(e) && json_is_number(v) &&
						 json_number_value(e) == json_number_value(v))) {
				found = true;
				break;
			}
		if (!found) {
			char val[VALBUF], *list = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&list, &len);
			json_array_foreach(k, i, e) {
				char ev[VALBUF];
				fprintf(f, "%s%s", i ? ", " : "", schema_fmt_value(e, ev, sizeof(ev)));
				if (i >= 31) {
					fputs(", ...", f);
					break;
				}
			}
			fclose(f);
			api_cause(causes, "FieldValueNotSupported", path,
				  "Unsupported value: %s: supported values: %s",
				  schema_fmt_value(v, val, sizeof(val)), list ? list : "");
			free(list);
		}
	}
	if (json_is_string(k = json_object_get(s, "format")))
		check_format(json_string_value(k), v, path, causes);
	if (json_is_string(v))
		check_string(s, v, path, causes);
	else if (json_is_number(v))
		check_number(s, v, path, causes);
	else if (json_is_array(v))
		check_array(s, v, path, causes);
	else if (json_is_object(v))
		check_object(s, v, path, root, causes);
	check_junctors(s, v, path, root, causes);
}

void schema_validate(const json_t *schema, const json_t *obj, const char *path, json_t *causes)
{
	validate_node(schema, obj, path ? path : "", !path || !*path, causes);
}
