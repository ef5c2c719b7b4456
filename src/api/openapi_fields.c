/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Server-side field validation: the fields of an object that its kind's
 * schema does not declare, for fieldValidation=Strict (an error) or Warn
 * (warnings), which kubectl 1.32 relies on instead of validating itself.
 */
#include <stdbool.h>
#include <string.h>

#include "api/openapi.h"
#include "api/openapi_int.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

#define MAX_UNKNOWN 64 /* report at most this many, as a bound on the walk's output */

/* Report unknown fields into out (when non-NULL); remove them from v when prune. */
static void walk(const char *type, json_t *v, struct buf *path, json_t *out, int depth, bool prune);

/* Object v of table type t: every key must be a field of t. */
static void walk_type(const struct oa_type *t, json_t *v, struct buf *path, json_t *out,
		      int depth, bool prune)
{
	const char *key;
	json_t *child;
	void *tmp;

	if (t->scalar || !json_is_object(v))
		return;
	json_object_foreach_safe(v, tmp, key, child) {
		const struct oa_field *f;
		size_t len = path->len;

		for (f = t->fields; f->name; f++)
			if (!strcmp(f->name[0] == '!' ? f->name + 1 : f->name, key))
				break;
		buf_addf(path, "%s%s", len ? "." : "", key);
		if (!f->name) {
			if (out && json_array_size(out) < MAX_UNKNOWN)
				json_array_append_new(out, json_string(path->p));
			if (prune)
				json_object_del(v, key);
		} else {
			walk(f->type, child, path, out, depth + 1, prune);
		}
		path->len = len;
		path->p[len] = 0;
	}
}

static void walk(const char *type, json_t *v, struct buf *path, json_t *out, int depth, bool prune)
{
	const char *at = strchr(type, '@');
	_cleanup_free_ char *base = at ? xstrndup(type, (size_t)(at - type)) : xstrdup(type);
	const struct oa_type *t;

	if (depth > 32)
		return;
	if (!strncmp(base, "[]", 2)) {
		size_t i;
		json_t *e;

		json_array_foreach(v, i, e) {
			size_t len = path->len;

			buf_addf(path, "[%zu]", i);
			walk(base + 2, e, path, out, depth + 1, prune);
			path->len = len;
			path->p[len] = 0;
		}
		return;
	}
	if (!strncmp(base, "map:", 4)) {
		const char *key;
		json_t *e;

		if (oa_is_scalar(base + 4))
			return;
		json_object_foreach(v, key, e) {
			size_t len = path->len;

			buf_addf(path, "[%s]", key);
			walk(base + 4, e, path, out, depth + 1, prune);
			path->len = len;
			path->p[len] = 0;
		}
		return;
	}
	if (oa_is_scalar(base) || !(t = oa_type_find(base)))
		return;
	walk_type(t, v, path, out, depth, prune);
}

json_t *openapi_unknown_fields(const struct api_kind *k, const json_t *obj)
{
	_cleanup_free_ char *name = NULL;
	const struct oa_type *t;
	struct buf path = BUF_INIT;
	json_t *out, *copy;

	if (k->crd)
		return NULL;
	name = oa_kind_schema_name(k);
	if (!(t = oa_type_find(name)))
		return NULL;
	out = json_array();
	/*
	 * status is written by Atoll's own controllers and agent; leave it out so
	 * a re-applied `kubectl get -o yaml` never fails on a status field.
	 */
	copy = json_deep_copy(obj);
	json_object_del(copy, "status");
	walk_type(t, copy, &path, out, 0, false);
	json_decref(copy);
	buf_release(&path);
	return out;
}

void openapi_prune_unknown(const struct api_kind *k, json_t *obj)
{
	_cleanup_free_ char *name = NULL;
	const struct oa_type *t;
	struct buf path = BUF_INIT;

	if (k->crd)
		return;
	name = oa_kind_schema_name(k);
	if (!(t = oa_type_find(name)))
		return;
	/* status is left alone, as above: the agent and controllers own it. */
	json_t *status = json_incref(json_object_get(obj, "status"));
	json_object_del(obj, "status");
	walk_type(t, obj, &path, NULL, 0, true);
	if (status)
		json_object_set_new(obj, "status", status);
	buf_release(&path);
}
