/* SPDX-License-Identifier: Apache-2.0 */
/* meta.k8s.io/v1 Table documents for `kubectl get`, from the kind's column hooks. */
#include <string.h>
#include <time.h>

#include "api/request.h"
#include "api/table.h"

static json_t *row_object(json_t *obj, const char *include)
{
	if (include && !strcmp(include, "None"))
		return NULL;
	if (include && !strcmp(include, "Object"))
		return json_incref(obj);
	return json_pack("{s:s,s:s,s:O}", "kind", "PartialObjectMetadata", "apiVersion",
			 "meta.k8s.io/v1", "metadata", json_object_get(obj, "metadata"));
}

static json_t *row_for(const struct api_kind *k, json_t *obj, const char *include)
{
	json_t *cells = k->row ? k->row(k, obj) : table_row_default(obj);
	json_t *row = json_pack("{s:o}", "cells", cells ? cells : json_array());
	json_t *o = row_object(obj, include);

	if (o)
		json_object_set_new(row, "object", o);
	return row;
}

json_t *render_table(const struct api_kind *k, json_t *const *objs, size_t n, const char *rv,
		     const char *include)
{
	json_t *cols = k->columns ? k->columns(k) : table_columns_default();
	json_t *rows = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, row_for(k, objs[i], include));
	return json_pack("{s:s,s:s,s:{s:s},s:o,s:o}", "kind", "Table", "apiVersion",
			 "meta.k8s.io/v1", "metadata", "resourceVersion", rv ? rv : "",
			 "columnDefinitions", cols, "rows", rows);
}

json_t *render_table_one(const struct api_kind *k, json_t *obj, const char *include)
{
	const char *rv = json_string_value(
		json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));

	return render_table(k, &obj, 1, rv, include);
}
