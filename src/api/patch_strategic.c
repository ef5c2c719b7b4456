/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strategic merge patch as Kubernetes applies it to built-in kinds: lists
 * merge by a patch merge key named per field path, with the $patch,
 * $retainKeys, $deleteFromPrimitiveList and $setElementOrder directives.
 */
#include <string.h>

#include "api/patch.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

#define DIRECTIVE        "$patch"
#define RETAIN_KEYS      "$retainKeys"
#define DELETE_PRIM_PFX  "$deleteFromPrimitiveList/"
#define SET_ORDER_PFX    "$setElementOrder/"

struct smp {
	const char *const *keys;
	struct buf path;          /* dotted path of the value being merged */
	struct atoll_err *err;
};

/* ObjectMeta's merge lists, shared by every kind. */
static const char *const meta_keys[] = {
	"metadata.finalizers", "",
	"metadata.ownerReferences", "uid",
	NULL,
};

static bool has_prefix(const char *s, const char *pfx)
{
	return !strncmp(s, pfx, strlen(pfx));
}

/* The merge key of the list at the current path: "" for a set of primitives, NULL if atomic. */
static const char *merge_key(const struct smp *s)
{
	for (const char *const *k = s->keys; k && k[0] && k[1]; k += 2)
		if (!strcmp(k[0], s->path.p))
			return k[1];
	for (const char *const *k = meta_keys; k[0]; k += 2)
		if (!strcmp(k[0], s->path.p))
			return k[1];
	return NULL;
}

static size_t path_push(struct smp *s, const char *key)
{
	size_t old = s->path.len;

	if (old)
		buf_addc(&s->path, '.');
	buf_adds(&s->path, key);
	return old;
}

static void path_pop(struct smp *s, size_t old)
{
	s->path.len = old;
	s->path.p[old] = '\0';
}

static json_t *smp_map(struct smp *s, json_t *orig, const json_t *patch);
static json_t *smp_list(struct smp *s, json_t *orig, const json_t *patch, const char *key);
static json_t *apply_order(json_t *merged, const json_t *order, const json_t *live, const char *key);

/*
 * A value that enters the object from the patch: merged into an empty value
 * so nulls and directives do not end up stored. Returns owned or NULL.
 */
static json_t *smp_new(struct smp *s, const json_t *v)
{
	if (json_is_object(v))
		return smp_map(s, NULL, v);
	if (!json_is_array(v))
		return json_deep_copy(v);
	const char *key = merge_key(s);
	if (key)
		return smp_list(s, json_array(), v, key);
	json_t *out = json_array();
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		json_t *c = smp_new(s, item);
		if (!c) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, c);
	}
	return out;
}

/* The merge key's value in item (borrowed), or NULL. */
static json_t *key_of(const json_t *item, const char *key)
{
	return json_is_object(item) ? json_object_get(item, key) : NULL;
}

/* Index of item in list by merge key (maps) or value (primitives), or -1. */
static long find_in(const json_t *list, const json_t *item, const char *key)
{
	size_t i;
	json_t *v;
	json_t *kv = key && *key ? key_of(item, key) : NULL;

	json_array_foreach(list, i, v) {
		if (key && *key) {
			json_t *ok = key_of(v, key);
			if (kv && ok && json_equal(kv, ok))
				return (long)i;
		} else if (json_equal(v, item)) {
			return (long)i;
		}
	}
	return -1;
}

/* 0 when list elements may merge; maps and primitives do not mix, lists of lists never. */
static int check_elements(struct smp *s, const json_t *a, const json_t *b, bool *maps)
{
	int seen = 0;  /* 1 maps, 2 primitives */
	const json_t *lists[2] = { a, b };

	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *v;
		json_array_foreach(lists[l], i, v) {
			if (json_is_array(v))
				return err_set(s->err, 422, "Invalid", "%s: lists of lists are not supported",
					       s->path.p);
			int kind = json_is_object(v) ? 1 : 2;
			if (seen && seen != kind)
				return err_set(s->err, 422, "Invalid", "%s: list elements of mismatched types",
					       s->path.p);
			seen = kind;
		}
	}
	*maps = seen == 1;
	return 0;
}

/* Merge patch list into orig (taken). key "" merges primitives as a set. */
static json_t *smp_list(struct smp *s, json_t *orig, const json_t *patch, const char *key)
{
	bool maps = false;
	size_t i;
	json_t *item;

	if (check_elements(s, orig, patch, &maps) < 0)
		goto fail;
	if (!maps && *key && json_array_size(orig) + json_array_size(patch)) {
		err_set(s->err, 422, "Invalid", "%s: list items must be objects with merge key %s",
			s->path.p, key);
		goto fail;
	}
	if (!maps) {
		json_t *out = json_array();
		json_array_foreach(orig, i, item)
			if (find_in(out, item, NULL) < 0)
				json_array_append(out, item);
		json_array_foreach(patch, i, item)
			if (find_in(out, item, NULL) < 0)
				json_array_append_new(out, json_deep_copy(item));
		out = apply_order(out, patch, orig, NULL);
		json_decref(orig);
		return out;
	}
	if (!*key) {
		err_set(s->err, 422, "Invalid", "%s: cannot merge lists without merge key", s->path.p);
		goto fail;
	}
	/* Directives first: deletions by key, or replacement of the whole list. */
	bool replace = false;
	json_array_foreach(patch, i, item) {
		json_t *d = json_object_get(item, DIRECTIVE);
		if (!d)
			continue;
		const char *dv = json_string_value(d);
		if (dv && !strcmp(dv, "delete")) {
			json_t *kv = key_of(item, key);
			if (!kv) {
				err_set(s->err, 422, "Invalid", "%s[%zu]: does not contain declared merge key: %s",
					s->path.p, i, key);
				goto fail;
			}
			for (size_t j = json_array_size(orig); j-- > 0;) {
				json_t *ok = key_of(json_array_get(orig, j), key);
				if (ok && json_equal(ok, kv))
					json_array_remove(orig, j);
			}
		} else if (dv && !strcmp(dv, "replace")) {
			replace = true;
		} else if (dv && !strcmp(dv, "merge")) {
			err_set(s->err, 422, "Invalid", "%s: merging lists cannot yet be specified in the patch",
				s->path.p);
			goto fail;
		} else {
			err_set(s->err, 400, "BadRequest", "%s[%zu]: unknown patch type in $patch", s->path.p, i);
			goto fail;
		}
	}
	if (replace)
		json_array_clear(orig);
	json_t *live = json_copy(orig), *plist = json_array();
	json_array_foreach(patch, i, item) {
		if (json_object_get(item, DIRECTIVE))
			continue;
		json_t *merged;
		long at = replace ? -1 : find_in(orig, item, key);
		if (!replace && !key_of(item, key)) {
			err_set(s->err, 422, "Invalid", "%s[%zu]: does not contain declared merge key: %s",
				s->path.p, i, key);
			goto fail_order;
		}
		if (at >= 0) {
			merged = smp_map(s, json_incref(json_array_get(orig, (size_t)at)), item);
			if (!merged)
				goto fail_order;
			json_array_set_new(orig, (size_t)at, merged);
		} else {
			if (!(merged = smp_new(s, item)))
				goto fail_order;
			json_array_append_new(orig, merged);
		}
		json_array_append(plist, item);
	}
	/*
	 * As Kubernetes: items the patch names follow the patch order, the
	 * others keep their live order, and new items go in front of them.
	 */
	if (!replace)
		orig = apply_order(orig, plist, live, key);
	json_decref(live);
	json_decref(plist);
	return orig;
fail_order:
	json_decref(live);
	json_decref(plist);
fail:
	json_decref(orig);
	return NULL;
}

/* Stable sort of items by their index in order (missing ones last). */
static json_t *sort_by(const json_t *items, const json_t *order, const char *key)
{
	json_t *out = json_array();
	size_t n = json_array_size(items);
	long *idx = xcalloc(n ? n : 1, sizeof(*idx));
	bool *used = xcalloc(n ? n : 1, sizeof(*used));

	for (size_t i = 0; i < n; i++) {
		idx[i] = find_in(order, json_array_get(items, i), key);
		if (idx[i] < 0)
			idx[i] = (long)json_array_size(order);
	}
	for (size_t k = 0; k < n; k++) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!used[i] && (best == n || idx[i] < idx[best]))
				best = i;
		used[best] = true;
		json_array_append(out, json_array_get(items, best));
	}
	free(idx);
	free(used);
	return out;
}

/*
 * Order a merged list as $setElementOrder asks: items named in order follow
 * it; the others (server-only) keep their place relative to them as in the
 * live list. Takes merged.
 */
static json_t *apply_order(json_t *merged, const json_t *order, const json_t *live, const char *key)
{
	json_t *in = json_array(), *rest = json_array();
	size_t i;
	json_t *v;

	json_array_foreach(merged, i, v)
		json_array_append(find_in(order, v, key) >= 0 ? in : rest, v);
	json_decref(merged);
	json_t *right = sort_by(in, order, key), *left = sort_by(rest, live, key);
	json_decref(in);
	json_decref(rest);

	json_t *out = json_array();
	size_t li = 0, ri = 0, ln = json_array_size(left), rn = json_array_size(right);
	while (li < ln || ri < rn) {
		bool take_left;
		if (li >= ln) {
			take_left = false;
		} else if (ri >= rn) {
			take_left = true;
		} else {
			long a = find_in(live, json_array_get(left, li), key);
			long b = find_in(live, json_array_get(right, ri), key);
			take_left = a >= 0 && b >= 0 && a < b;
		}
		json_array_append(out, take_left ? json_array_get(left, li++) : json_array_get(right, ri++));
	}
	json_decref(left);
	json_decref(right);
	return out;
}

/* The patch list must name its items in the same relative order as the directive. */
static int check_order(struct smp *s, const json_t *plist, const json_t *order, const char *key)
{
	size_t pi = 0, oi = 0, pn = json_array_size(plist), on = json_array_size(order);

	while (pi < pn && oi < on) {
		const json_t *p = json_array_get(plist, pi);
		if (json_object_get(p, DIRECTIVE)) {
			pi++;
			continue;
		}
		const json_t *o = json_array_get(order, oi);
		bool eq = key && *key ? key_of(p, key) && key_of(o, key) &&
					json_equal(key_of(p, key), key_of(o, key))
				      : json_equal(p, o);
		if (eq)
			pi++;
		oi++;
	}
	while (pi < pn && json_object_get(json_array_get(plist, pi), DIRECTIVE))
		pi++;
	if (pi < pn)
		return err_set(s->err, 400, "BadRequest",
			       "%s: the order in the patch list doesn't match the $setElementOrder list",
			       s->path.p);
	return 0;
}

/* Merge the list named by a $setElementOrder/<field> directive, then order it. */
static int set_order(struct smp *s, json_t *orig, const json_t *patch, const char *field,
		     const json_t *order)
{
	json_t *live = json_object_get(orig, field);
	json_t *plist = json_object_get(patch, field);
	size_t i;
	json_t *v;

	if (!json_is_array(order) || (plist && !json_is_array(plist)))
		return err_set(s->err, 400, "BadRequest", "%s: invalid $setElementOrder list", field);
	if (live && !json_is_array(live))
		return err_set(s->err, 422, "Invalid", "%s: $setElementOrder on a value that is not a list",
			       field);
	size_t old = path_push(s, field);
	const char *key = merge_key(s);
	int rc = -1;
	json_array_foreach(order, i, v) {
		if (key && *key && !key_of(v, key)) {
			err_set(s->err, 400, "BadRequest", "%s: $setElementOrder item %zu lacks merge key %s",
				s->path.p, i, key);
			goto out;
		}
	}
	if (!live && !plist) {
		rc = 0;
		goto out;
	}
	if (check_order(s, plist, order, key) < 0)
		goto out;
	json_t *live_copy = live ? json_copy(live) : json_array();
	json_t *merged;
	if (!plist)
		merged = json_copy(live_copy);
	else if (!live || !key)
		merged = smp_new(s, plist);
	else /* smp_list edits its list in place: give it its own, keep live_copy as the order. */
		merged = smp_list(s, json_copy(live_copy), plist, key);
	if (merged) {
		json_object_set_new(orig, field, apply_order(merged, order, live_copy, key));
		rc = 0;
	}
	json_decref(live_copy);
out:
	path_pop(s, old);
	return rc;
}

static int retain_keys(struct smp *s, json_t *orig, const json_t *patch, const json_t *keep)
{
	size_t i;
	json_t *v;
	const char *k;
	void *tmp;

	if (!json_is_array(keep))
		return err_set(s->err, 400, "BadRequest", "%s: invalid patch: $retainKeys must be a list",
			       s->path.p);
	json_array_foreach(keep, i, v)
		if (!json_is_string(v))
			return err_set(s->err, 400, "BadRequest",
				       "%s: invalid patch: $retainKeys must be a list of strings", s->path.p);
	/* Every field the patch sets must be retained. */
	json_object_foreach((json_t *)patch, k, v) {
		if (json_is_null(v) || !strcmp(k, RETAIN_KEYS) || !strcmp(k, DIRECTIVE) ||
		    has_prefix(k, DELETE_PRIM_PFX) || has_prefix(k, SET_ORDER_PFX))
			continue;
		bool found = false;
		json_t *name;
		json_array_foreach(keep, i, name)
			found = found || !strcmp(json_string_value(name), k);
		if (!found)
			return err_set(s->err, 400, "BadRequest",
				       "%s: invalid patch: field %.100s is not in $retainKeys", s->path.p, k);
	}
	json_object_foreach_safe(orig, tmp, k, v) {
		bool found = false;
		json_t *name;
		json_array_foreach(keep, i, name)
			found = found || !strcmp(json_string_value(name), k);
		if (!found)
			json_object_del(orig, k);
	}
	return 0;
}

/* Remove from orig[field] (a list) every element the patch list names. */
static void delete_primitives(json_t *orig, const char *field, const json_t *del)
{
	json_t *list = json_object_get(orig, field);

	if (!json_is_array(list) || !json_is_array(del))
		return;
	for (size_t j = json_array_size(list); j-- > 0;)
		if (find_in(del, json_array_get(list, j), NULL) >= 0)
			json_array_remove(list, j);
}

/* Merge patch (an object) into orig (taken; NULL for none). */
static json_t *smp_map(struct smp *s, json_t *orig, const json_t *patch)
{
	const char *k;
	json_t *v;

	json_t *d = json_object_get(patch, DIRECTIVE);
	if (d) {
		const char *dv = json_string_value(d);
		json_decref(orig);
		if (dv && !strcmp(dv, "delete"))
			return json_object();
		if (!dv || strcmp(dv, "replace")) {
			err_set(s->err, 400, "BadRequest", "%s: unknown patch type in $patch", s->path.p);
			return NULL;
		}
		json_t *rest = json_copy((json_t *)patch);
		json_object_del(rest, DIRECTIVE);
		json_t *out = smp_map(s, NULL, rest);
		json_decref(rest);
		return out;
	}
	if (!json_is_object(orig)) {
		json_decref(orig);
		orig = json_object();
	}
	json_t *keep = json_object_get(patch, RETAIN_KEYS);
	if (keep && retain_keys(s, orig, patch, keep) < 0)
		goto fail;
	json_object_foreach((json_t *)patch, k, v) {
		if (has_prefix(k, SET_ORDER_PFX) && set_order(s, orig, patch, k + strlen(SET_ORDER_PFX), v) < 0)
			goto fail;
	}
	json_object_foreach((json_t *)patch, k, v) {
		if (!strcmp(k, RETAIN_KEYS) || has_prefix(k, SET_ORDER_PFX))
			continue;
		char *ordkey = xasprintf(SET_ORDER_PFX "%s", k);
		bool ordered = json_object_get(patch, ordkey) != NULL;
		free(ordkey);
		if (ordered)
			continue;  /* merged together with its order */
		if (has_prefix(k, DELETE_PRIM_PFX)) {
			const char *field = k + strlen(DELETE_PRIM_PFX);
			if (json_is_null(v))
				json_object_del(orig, field);
			else
				delete_primitives(orig, field, v);
			continue;
		}
		if (json_is_null(v)) {
			json_object_del(orig, k);
			continue;
		}
		size_t old = path_push(s, k);
		json_t *cur = json_object_get(orig, k), *nv;
		if (json_is_object(cur) && json_is_object(v)) {
			nv = smp_map(s, json_incref(cur), v);
		} else if (json_is_array(cur) && json_is_array(v)) {
			const char *key = merge_key(s);
			nv = key ? smp_list(s, json_copy(cur), v, key) : smp_new(s, v);
		} else {
			nv = smp_new(s, v);
		}
		path_pop(s, old);
		if (!nv)
			goto fail;
		json_object_set_new(orig, k, nv);
	}
	return orig;
fail:
	json_decref(orig);
	return NULL;
}

json_t *patch_strategic(const json_t *orig, const json_t *patch, const char *const *merge_keys,
			struct atoll_err *err)
{
	if (!json_is_object(patch)) {
		err_set(err, 400, "BadRequest", "strategic merge patch must be a JSON object");
		return NULL;
	}
	if (orig && !json_is_object(orig)) {
		err_set(err, 422, "Invalid", "strategic merge patch applies to JSON objects only");
		return NULL;
	}
	struct smp s = { .keys = merge_keys, .err = err };
	buf_init(&s.path);
	json_t *out = smp_map(&s, orig ? json_deep_copy(orig) : NULL, patch);
	buf_release(&s.path);
	return out;
}
