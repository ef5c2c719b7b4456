/* SPDX-License-Identifier: Apache-2.0 */
/* Defaulting and pruning of objects by a structural schema. */
#include <string.h>

#include "api/schema.h"
#include "api/schema_int.h"
#include "lib/xalloc.h"

/* ---- defaulting ---- */

static void default_node(const json_t *s, json_t *v);

static void default_object(const json_t *s, json_t *v)
{
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	const json_t *ps;
	const char *key;
	json_t *child;
	void *tmp;

	/* Fill absent fields (and non-nullable nulls) first, then descend. */
	json_object_foreach((json_t *)props, key, ps) {
		if (!json_is_object(ps))
			continue;
		const json_t *def = json_object_get(ps, "default");
		json_t *cur = json_object_get(v, key);
		if (cur && !(json_is_null(cur) && !schema_flag(ps, "nullable")))
			continue;
		if (def)
			json_object_set_new(v, key, json_deep_copy(def));
		else if (cur)
			json_object_del(v, key);
	}
	json_object_foreach_safe(v, tmp, key, child) {
		ps = json_object_get(props, key);
		if (!json_is_object(ps) && json_is_object(addl)) {
			ps = addl;
			/* Map values follow the same null rule as fields. */
			if (json_is_null(child) && !schema_flag(addl, "nullable")) {
				const json_t *def = json_object_get(addl, "default");
				if (!def) {
					json_object_del(v, key);
					continue;
				}
				child = json_deep_copy(def);
				json_object_set_new(v, key, child);
			}
		}
		if (json_is_object(ps))
			default_node(ps, child);
	}
}

static void default_node(const json_t *s, json_t *v)
{
	if (!json_is_object(s))
		return;
	if (json_is_object(v)) {
		default_object(s, v);
	} else if (json_is_array(v)) {
		const json_t *items = json_object_get(s, "items");
		size_t i;
		json_t *e;
		if (!json_is_object(items))
			return;
		/* Null items that are not nullable take the default like fields do. */
		json_array_foreach(v, i, e) {
			if (json_is_null(e) && !schema_flag(items, "nullable") &&
			    json_object_get(items, "default"))
				json_array_set_new(v, i, json_deep_copy(json_object_get(items, "default")));
			default_node(items, json_array_get(v, i));
		}
	}
}

void schema_default(const json_t *schema, json_t *obj)
{
	default_node(schema, obj);
}

/* ---- pruning ---- */

struct prune {
	json_t *out;  /* paths of unknown fields, or NULL */
	bool remove;  /* delete them from the object */
};

static void prune_node(const json_t *s, json_t *v, const char *path, bool root, struct prune *pr);

static void drop(json_t *obj, const char *key, const char *path, struct prune *pr)
{
	if (pr->out) {
		char *p = schema_path_field(path, key);
		json_array_append_new(pr->out, json_string(p));
		free(p);
	}
	if (pr->remove)
		json_object_del(obj, key);
}

/*
 * Under x-kubernetes-preserve-unknown-fields unknown fields stay with all
 * their contents; the fields the schema does know are still pruned inside.
 */
static void prune_object(const json_t *s, json_t *v, const char *path, bool root, struct prune *pr)
{
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	bool preserve = schema_flag(s, "x-kubernetes-preserve-unknown-fields");
	bool embedded = schema_flag(s, "x-kubernetes-embedded-resource");
	const char *key;
	json_t *child;
	void *tmp;

	json_object_foreach_safe(v, tmp, key, child) {
		if ((root || embedded) &&
		    (!strcmp(key, "apiVersion") || !strcmp(key, "kind") || !strcmp(key, "metadata")))
			continue;
		const json_t *ps = json_object_get(props, key);
		const json_t *sub = json_is_object(ps) ? ps : json_is_object(addl) ? addl : NULL;
		if (sub) {
			char *p = schema_path_field(path, key);
			prune_node(sub, child, p, false, pr);
			free(p);
		} else if (!preserve && !json_is_true(addl)) {
			drop(v, key, path, pr);
		}
	}
}

static void prune_node(const json_t *s, json_t *v, const char *path, bool root, struct prune *pr)
{
	if (json_is_object(v)) {
		prune_object(json_is_object(s) ? s : NULL, v, path, root, pr);
	} else if (json_is_array(v)) {
		const json_t *items = json_object_get(s, "items");
		size_t i;
		json_t *e;
		/* Arrays without an item schema keep their items only when preserved. */
		if (!json_is_object(items) && schema_flag(s, "x-kubernetes-preserve-unknown-fields"))
			return;
		json_array_foreach(v, i, e) {
			char *p = schema_path_index(path, i);
			prune_node(json_is_object(items) ? items : NULL, e, p, false, pr);
			free(p);
		}
	}
}

void schema_prune(const json_t *schema, json_t *obj)
{
	struct prune pr = { NULL, true };

	prune_node(schema, obj, "", true, &pr);
}

void schema_unknown_fields(const json_t *schema, const json_t *obj, const char *path,
			   json_t *out_paths)
{
	struct prune pr = { out_paths, false };

	prune_node(schema, (json_t *)obj, path ? path : "", !path || !*path, &pr);
}
