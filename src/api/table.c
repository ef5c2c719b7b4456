/* SPDX-License-Identifier: Apache-2.0 */
/* Table output helpers: columns, kubectl-style ages, selector and list formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/kind.h"
#include "api/table.h"
#include "lib/buf.h"
#include "lib/jdump.h"
#include "lib/xalloc.h"

json_t *table_columns(const struct table_col *cols, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:i}", "name", cols[i].name,
						   "type", cols[i].type, "format",
						   cols[i].format ? cols[i].format : "",
						   "description", cols[i].desc ? cols[i].desc : "",
						   "priority", cols[i].priority));
	return a;
}

#define NAME_DESC "Name must be unique within a namespace. More info: " \
	"https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
#define AGE_DESC "CreationTimestamp is a timestamp representing the server time when this " \
	"object was created."

json_t *table_columns_default(void)
{
	static const struct table_col cols[] = {
		{ "Name", "string", "name", NAME_DESC, 0 },
		{ "Age", "date", "", AGE_DESC, 0 },
	};

	return TABLE_COLUMNS(cols);
}

json_t *table_row_default(const json_t *obj)
{
	return json_pack("[s,o]", table_name(obj), table_age_cell(obj));
}

json_t *table_columns_created(void)
{
	static const struct table_col cols[] = {
		{ "Name", "string", "name", NAME_DESC, 0 },
		{ "Created At", "date", "", AGE_DESC, 0 },
	};

	return TABLE_COLUMNS(cols);
}

json_t *table_row_created(const json_t *obj)
{
	const char *ts = json_string_value(json_object_get(json_object_get(obj, "metadata"),
							   "creationTimestamp"));

	return json_pack("[s,s]", table_name(obj), ts ? ts : "");
}

long long table_parse_time(const char *s)
{
	struct tm tm = { 0 };
	const char *p;
	long long t;
	int off = 0;

	if (!s || !(p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((*p == '+' || *p == '-') && strlen(p) >= 6) {
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 + ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
		if (*p == '+')
			off = -off;
	}
	t = (long long)timegm(&tm);
	return t + off;
}

void table_duration(long long seconds, char *out, size_t n)
{
	long long m = seconds / 60, h = seconds / 3600, d = h / 24, y = d / 365;

	if (seconds < -1)
		snprintf(out, n, "<invalid>");
	else if (seconds < 0)
		snprintf(out, n, "0s");
	else if (seconds < 60 * 2)
		snprintf(out, n, "%llds", seconds);
	else if (m < 10 && seconds % 60)
		snprintf(out, n, "%lldm%llds", m, seconds % 60);
	else if (m < 60 * 3)
		snprintf(out, n, "%lldm", m);
	else if (h < 8 && m % 60)
		snprintf(out, n, "%lldh%lldm", h, m % 60);
	else if (h < 48)
		snprintf(out, n, "%lldh", h);
	else if (h < 24 * 8 && h % 24)
		snprintf(out, n, "%lldd%lldh", d, h % 24);
	else if (h < 24 * 365 * 2)
		snprintf(out, n, "%lldd", d);
	else if (h < 24 * 365 * 8 && d % 365)
		snprintf(out, n, "%lldy%lldd", y, d % 365);
	else
		snprintf(out, n, "%lldy", y);
}

void table_age(const char *rfc3339, char *out, size_t n)
{
	long long t = table_parse_time(rfc3339);

	if (t < 0) {
		snprintf(out, n, "<unknown>");
		return;
	}
	table_duration((long long)time(NULL) - t, out, n);
}

json_t *table_age_cell(const json_t *obj)
{
	char age[32];

	table_age(json_string_value(json_object_get(json_object_get(obj, "metadata"),
						    "creationTimestamp")), age, sizeof(age));
	return json_string(age);
}

const char *table_name(const json_t *obj)
{
	const char *s = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));

	return s ? s : "";
}

json_t *table_str_or_none(const char *s)
{
	return json_string(s && *s ? s : "<none>");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends "k=v" pairs sorted by key, as labels.Set.String() does. */
static void add_map(struct buf *b, const json_t *map)
{
	size_t n = json_object_size(map), i = 0;
	const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)map, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s=%s", b->len ? "," : "", keys[i],
			 json_string_value(json_object_get(map, keys[i])) ?: "");
	free(keys);
}

char *table_map_string(const json_t *map)
{
	struct buf b = BUF_INIT;

	add_map(&b, map);
	if (!b.len)
		buf_adds(&b, "<none>");
	return buf_detach(&b, NULL);
}

char *table_selector_string(const json_t *sel)
{
	struct buf b = BUF_INIT;
	size_t i, j;
	json_t *e, *v;

	add_map(&b, json_object_get(sel, "matchLabels"));
	json_array_foreach(json_object_get(sel, "matchExpressions"), i, e) {
		const char *key = json_string_value(json_object_get(e, "key")) ?: "";
		const char *op = json_string_value(json_object_get(e, "operator")) ?: "";

		if (b.len)
			buf_addc(&b, ',');
		if (!strcmp(op, "Exists")) {
			buf_adds(&b, key);
		} else if (!strcmp(op, "DoesNotExist")) {
			buf_addf(&b, "!%s", key);
		} else {
			buf_addf(&b, "%s %s (", key, !strcmp(op, "NotIn") ? "notin" : "in");
			json_array_foreach(json_object_get(e, "values"), j, v)
				buf_addf(&b, "%s%s", j ? "," : "", json_string_value(v) ?: "");
			buf_addc(&b, ')');
		}
	}
	if (!b.len)
		buf_adds(&b, "<none>");
	return buf_detach(&b, NULL);
}

static char *join_containers(const json_t *podspec, const char *field)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(podspec, "containers"), i, c)
		buf_addf(&b, "%s%s", i ? "," : "",
			 json_string_value(json_object_get(c, field)) ?: "");
	return buf_detach(&b, NULL);
}

char *table_container_names(const json_t *podspec)
{
	return join_containers(podspec, "name");
}

char *table_container_images(const json_t *podspec)
{
	return join_containers(podspec, "image");
}

/* ---- whole tables ---- */

json_t *table_jsonpath(const json_t *obj, const char *path)
{
	const json_t *cur = obj;
	const char *p = path;

	/* kubectl's printer columns accept "{.a.b}" and ".a.b"; we take both. */
	if (*p == '{')
		p++;
	while (cur && *p && *p != '}') {
		if (*p == '.') {
			size_t n;

			p++;
			n = strcspn(p, ".[}");
			cur = json_object_getn(cur, p, n);
			p += n;
		} else if (*p == '[') {
			char *end;
			long i = strtol(p + 1, &end, 10);

			if (*end != ']')
				return NULL;
			cur = json_array_get(cur, i < 0 ? json_array_size(cur) + (size_t)i : (size_t)i);
			p = end + 1;
		} else {
			return NULL;
		}
	}
	return (json_t *)cur;
}

static json_t *crd_columns(const json_t *pcs)
{
	json_t *cols = table_columns_default();
	size_t i;
	json_t *c;

	/* NAME first, then the declared columns; AGE only when none is declared. */
	json_array_remove(cols, 1);
	json_array_foreach(pcs, i, c) {
		const char *type = json_string_value(json_object_get(c, "type"));

		json_array_append_new(cols, json_pack("{s:s,s:s,s:s,s:s,s:I}",
			"name", json_string_value(json_object_get(c, "name")) ?: "",
			"type", type ? type : "string",
			"format", json_string_value(json_object_get(c, "format")) ?: "",
			"description", json_string_value(json_object_get(c, "description")) ?: "",
			"priority", (json_int_t)json_integer_value(json_object_get(c, "priority"))));
	}
	return cols;
}

static json_t *crd_row(const json_t *pcs, const json_t *obj)
{
	json_t *row = json_pack("[s]", table_name(obj));
	size_t i;
	json_t *c;

	json_array_foreach(pcs, i, c) {
		const char *type = json_string_value(json_object_get(c, "type")) ?: "string";
		json_t *v = table_jsonpath(obj, json_string_value(json_object_get(c, "jsonPath")) ?: "");

		if (!v || json_is_null(v)) {
			json_array_append_new(row, json_null());
		} else if (!strcmp(type, "date") && json_is_string(v)) {
			char age[32];

			table_age(json_string_value(v), age, sizeof(age));
			json_array_append_new(row, json_string(age));
		} else if (json_is_string(v) || json_is_number(v) || json_is_boolean(v)) {
			json_array_append(row, v);
		} else {
			char *s = jdump(v, JSON_COMPACT, NULL);

			json_array_append_new(row, json_string(s ? s : ""));
			free(s);
		}
	}
	return row;
}

json_t *table_build(const struct api_kind *k, const json_t *objs, const char *include,
		    const char *rv, const char *cont)
{
	json_t *pcs = k->crd ? json_object_get(k->crd, "additionalPrinterColumns") : NULL;
	json_t *rows = json_array(), *meta = json_object(), *table;
	size_t i;
	json_t *o;

	if (!json_array_size(pcs))
		pcs = NULL;
	json_array_foreach(objs, i, o) {
		json_t *cells = pcs ? crd_row(pcs, o) : k->row ? k->row(k, o) : table_row_default(o);
		json_t *row = json_pack("{s:o}", "cells", cells);

		if (include && !strcmp(include, "Object"))
			json_object_set(row, "object", o);
		else if (!include || strcmp(include, "None")) {
			json_t *pom = json_pack("{s:s,s:s}", "kind", "PartialObjectMetadata",
						"apiVersion", "meta.k8s.io/v1");
			json_t *m = json_object_get(o, "metadata");

			json_object_set_new(pom, "metadata", m ? json_incref(m) : json_object());
			json_object_set_new(row, "object", pom);
		}
		json_array_append_new(rows, row);
	}
	if (rv)
		json_object_set_new(meta, "resourceVersion", json_string(rv));
	if (cont && *cont)
		json_object_set_new(meta, "continue", json_string(cont));
	table = json_pack("{s:s,s:s,s:o,s:o,s:o}", "kind", "Table", "apiVersion", "meta.k8s.io/v1",
			  "metadata", meta, "columnDefinitions",
			  pcs ? crd_columns(pcs) : k->columns ? k->columns(k)
			  : table_columns_default(), "rows", rows);
	return table;
}
