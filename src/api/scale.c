/* SPDX-License-Identifier: Apache-2.0 */
/* The scale subresource (autoscaling/v1 Scale) over spec.replicas. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "api/request.h"
#include "api/schema.h"
#include "api/write.h"

/* "a=b,c=d" from a LabelSelector's matchLabels. */
static void selector_string(const json_t *sel, char *out, size_t n)
{
	const char *key;
	json_t *v;
	size_t used = 0;

	out[0] = '\0';
	json_object_foreach(json_object_get(sel, "matchLabels"), key, v) {
		int w = snprintf(out + used, n - used, "%s%s=%s", used ? "," : "", key,
				 json_string_value(v) ? json_string_value(v) : "");
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/* The scale paths: a CRD's subresources.scale, else spec.replicas / status.replicas. */
static const char *scale_path(const struct api_kind *k, const char *which, const char *dflt)
{
	const char *p = NULL;

	if (k->crd)
		p = json_string_value(json_object_get(json_object_get(json_object_get(k->crd, "subresources"), "scale"), which));
	return p ? p : dflt;
}

static json_int_t int_at(const json_t *obj, const char *path)
{
	json_t *v = schema_jsonpath_get(obj, path);
	json_int_t n = json_integer_value(v);

	json_decref(v);
	return n;
}

json_t *scale_view(const struct api_kind *k, const json_t *obj)
{
	const json_t *meta = json_object_get(obj, "metadata");
	char sel[1024];

	const char *selpath = scale_path(k, "labelSelectorPath", NULL);
	if (selpath) {
		json_t *sv = schema_jsonpath_get(obj, selpath);
		snprintf(sel, sizeof(sel), "%s", json_is_string(sv) ? json_string_value(sv) : "");
		json_decref(sv);
	} else {
		selector_string(json_object_get(json_object_get(obj, "spec"), "selector"), sel, sizeof(sel));
	}
	return json_pack("{s:s,s:s,s:{s:O,s:O,s:O,s:O,s:O},s:{s:I},s:{s:I,s:s}}", "kind", "Scale",
			 "apiVersion", "autoscaling/v1", "metadata", "name",
			 json_object_get(meta, "name"), "namespace", json_object_get(meta, "namespace"),
			 "uid", json_object_get(meta, "uid"), "resourceVersion",
			 json_object_get(meta, "resourceVersion"), "creationTimestamp",
			 json_object_get(meta, "creationTimestamp"), "spec", "replicas",
			 int_at(obj, scale_path(k, "specReplicasPath", ".spec.replicas")),
			 "status", "replicas",
			 int_at(obj, scale_path(k, "statusReplicasPath", ".status.replicas")),
			 "selector", sel);
}

int scale_handle(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	int64_t rev;
	json_t *obj = write_get_current(c, &rev, &err);

	if (!obj)
		return reply_status(c->r, &err, &c->t);
	if (!strcmp(c->r->method, "GET")) {
		c->r->verb = "get";
		json_t *s = scale_view(c->k, obj);
		json_decref(obj);
		return reply_json(c->r, 200, s);
	}
	if (strcmp(c->r->method, "PUT") && strcmp(c->r->method, "PATCH")) {
		json_decref(obj);
		return reply_error(c->r, 405, "MethodNotAllowed", "the scale subresource supports get, update and patch");
	}
	c->r->verb = !strcmp(c->r->method, "PUT") ? "update" : "patch";
	json_t *body = req_body_json(c);
	if (!body) {
		json_decref(obj);
		return 0;
	}
	/* PUT carries a Scale; a patch names spec.replicas the same way. */
	json_t *rep = json_object_get(json_object_get(body, "spec"), "replicas");
	if (!json_is_integer(rep) || json_integer_value(rep) < 0) {
		json_decref(body);
		json_decref(obj);
		json_t *causes = json_pack("[{s:s,s:s,s:s}]", "reason", "FieldValueInvalid", "message",
					   "Invalid value: must be greater than or equal to 0", "field",
					   "spec.replicas");
		return reply_invalid(c->r, "Scale", c->t.name, causes);
	}
	const char *rv = json_string_value(json_object_get(json_object_get(body, "metadata"), "resourceVersion"));
	int64_t expect = rev;
	if (rv && *rv)
		expect = strtoll(rv, NULL, 10);
	if (schema_jsonpath_set(obj, scale_path(c->k, "specReplicasPath", ".spec.replicas"), rep) < 0) {
		json_decref(body);
		json_decref(obj);
		return reply_error(c->r, 500, "InternalError", "cannot set the replicas path of %s", c->k->resource);
	}
	json_decref(body);
	/* Write the parent object, then answer with its Scale view. */
	json_t *old = json_deep_copy(obj);
	c->scale_reply = true;
	int rc = write_object(c, obj, old, expect, false);
	json_decref(old);
	return rc;
}
