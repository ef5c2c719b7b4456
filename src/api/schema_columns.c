/* SPDX-License-Identifier: Apache-2.0 */
/* Table columns and cells of custom resources, from additionalPrinterColumns. */
#include <stdio.h>
#include <string.h>

#include "api/schema.h"
#include "api/schema_int.h"
#include "lib/jdump.h"

/* The columns of a version: its additionalPrinterColumns, else Age. */
static json_t *version_columns(const json_t *version)
{
	const json_t *cols = json_object_get(version, "additionalPrinterColumns");

	if (json_is_array(cols))
		return json_incref((json_t *)cols);
	return json_pack("[{s:s,s:s,s:s,s:s}]", "name", "Age", "type", "date", "jsonPath",
			 ".metadata.creationTimestamp", "description",
			 "CreationTimestamp is a timestamp representing the server time when this object was created.");
}

json_t *crd_table_columns(const json_t *version)
{
	json_t *cols = version_columns(version), *out, *c;
	size_t i;

	out = json_pack("[{s:s,s:s,s:s,s:s,s:i}]", "name", "Name", "type", "string", "format", "name",
			"description", "Name must be unique within a namespace.", "priority", 0);
	json_array_foreach(cols, i, c) {
		const json_t *prio = json_object_get(c, "priority");
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:I}",
			"name", json_string_value(json_object_get(c, "name")) ?: "",
			"type", json_string_value(json_object_get(c, "type")) ?: "string",
			"format", json_string_value(json_object_get(c, "format")) ?: "",
			"description", json_string_value(json_object_get(c, "description")) ?: "",
			"priority", json_is_integer(prio) ? json_integer_value(prio) : (json_int_t)0));
	}
	json_decref(cols);
	return out;
}

/* One cell: the first match of the column's path, shaped by its type. */
static json_t *cell(const json_t *obj, const json_t *col)
{
	const char *type = json_string_value(json_object_get(col, "type")) ?: "string";
	const char *path = json_string_value(json_object_get(col, "jsonPath"));
	json_t *v = schema_jsonpath_get(obj, path);
	json_t *out = NULL;

	/* Paths with [*] or filters give an array of matches. */
	if (v && schema_jsonpath_check(path, 0) < 0) {
		json_t *first = json_incref(json_array_get(v, 0));
		json_decref(v);
		v = first;
	}
	if (!v || json_is_null(v))
		out = json_null();
	else if (!strcmp(type, "string"))
		out = json_is_string(v) ? json_incref(v) : NULL; /* others: below */
	else if (!strcmp(type, "integer"))
		out = json_is_integer(v) ? json_incref(v) :
		      json_is_real(v) && json_real_value(v) > -9.2e18 && json_real_value(v) < 9.2e18 ?
		      json_integer((json_int_t)json_real_value(v)) : json_null();
	else if (!strcmp(type, "number"))
		out = json_is_number(v) ? json_incref(v) : json_null();
	else if (!strcmp(type, "boolean"))
		out = json_is_boolean(v) ? json_incref(v) : json_null();
	else if (!strcmp(type, "date"))
		out = json_is_string(v) ? json_incref(v) : json_null();
	else
		out = json_null();
	/* Non-string values in a string column print as compact JSON. */
	if (!strcmp(type, "string") && v && !json_is_string(v) && !json_is_null(v)) {
		char *d = jdump(v, JSON_COMPACT | JSON_ENCODE_ANY, NULL);
		json_decref(out);
		out = json_string(d ? d : "");
		free(d);
	}
	json_decref(v);
	return out;
}

json_t *crd_table_row(const json_t *version, const json_t *obj)
{
	json_t *cols = version_columns(version), *c;
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	json_t *row = json_pack("[s]", name ? name : "");
	size_t i;

	json_array_foreach(cols, i, c)
		json_array_append_new(row, cell(obj, c));
	json_decref(cols);
	return row;
}
