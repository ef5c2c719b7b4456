/* SPDX-License-Identifier: Apache-2.0 */
/* meta.k8s.io/v1 Table documents for `kubectl get`, from the kind's column hooks. */
#include <string.h>
#include <time.h>

#include "api/request.h"

static json_t *default_columns(void)
{
	return json_pack("[{s:s,s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:s,s:i}]",
			 "name", "Name", "type", "string", "format", "name", "description",
			 "Name must be unique within a namespace.", "priority", 0,
			 "name", "Age", "type", "string", "format", "", "description",
			 "Time since the object was created.", "priority", 0);
}

/* kubectl's short human durations: 45s, 3m2s, 5h, 3d4h, 2y. */
static void age_string(const char *ts, char *out, size_t n)
{
	struct tm tm = { 0 };

	if (!ts || !strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(out, n, "<unknown>");
		return;
	}
	long long d = (long long)(time(NULL) - timegm(&tm));
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(out, n, "%llds", d);
	else if (d < 600)
		snprintf(out, n, "%lldm%llds", d / 60, d % 60);
	else if (d < 3 * 3600)
		snprintf(out, n, "%lldm", d / 60);
	else if (d < 8 * 3600)
		snprintf(out, n, "%lldh%lldm", d / 3600, (d % 3600) / 60);
	else if (d < 48 * 3600)
		snprintf(out, n, "%lldh", d / 3600);
	else if (d < 8 * 86400)
		snprintf(out, n, "%lldd%lldh", d / 86400, (d % 86400) / 3600);
	else if (d < 365 * 86400)
		snprintf(out, n, "%lldd", d / 86400);
	else
		snprintf(out, n, "%lldy", d / (365 * 86400));
}

static json_t *default_row(const json_t *obj)
{
	const json_t *meta = json_object_get(obj, "metadata");
	char age[32];

	age_string(json_string_value(json_object_get(meta, "creationTimestamp")), age, sizeof(age));
	return json_pack("[s,s]", json_string_value(json_object_get(meta, "name")) ?: "", age);
}

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
	json_t *cells = k->row ? k->row(k, obj) : default_row(obj);
	json_t *row = json_pack("{s:o}", "cells", cells ? cells : json_array());
	json_t *o = row_object(obj, include);

	if (o)
		json_object_set_new(row, "object", o);
	return row;
}

json_t *render_table(const struct api_kind *k, json_t *const *objs, size_t n, const char *rv,
		     const char *include)
{
	json_t *cols = k->columns ? k->columns(k) : default_columns();
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
