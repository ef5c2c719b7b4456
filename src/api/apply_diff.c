/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fields an update changed, for managedFields: the leaves of the new
 * object's field set whose values differ from the old object's. One walk of
 * both objects side by side, in the order of the field set, instead of
 * building the set and looking every leaf up again from the roots (which
 * dumped each list item's key once per leaf: most of a pod status PATCH's
 * CPU). Leaves whose path the separated form cannot carry (keys with the
 * separator, very long paths) get the answer the lookup from the roots
 * gives them (enum how), so the result is the same leaf for leaf.
 */
#include <string.h>

#include "api/apply_int.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

/*
 * How a leaf's values are found: side by side (FAST); always different
 * (CHANGED: under a list item whose key has the separator, the lookup from
 * the roots stops at the cut key and finds nothing on either side, which
 * counts as a change); from the roots (SLOW: a field key with the
 * separator, or a path near the lookup's buffer size).
 */
enum how { FAST, CHANGED, SLOW };

struct diff {
	const struct api_kind *k;
	const json_t *a_root, *b_root;
	struct buf leaf; /* the leaf path (apply_int.h) of the value at hand */
	json_t *out;
};

static void leaf_cut(struct diff *d, size_t len)
{
	d->leaf.len = len;
	d->leaf.p[len] = '\0';
}

/* Pushes APPLY_SEP+prefix+seg; returns how the leaves under it are found (see above). */
static enum how leaf_push(struct diff *d, const char *prefix, const char *seg, enum how how)
{
	enum how h = how;

	buf_addc(&d->leaf, APPLY_SEP);
	buf_adds(&d->leaf, prefix);
	buf_adds(&d->leaf, seg);
	if (strchr(seg, APPLY_SEP) && h < (*prefix ? SLOW : CHANGED))
		h = *prefix ? SLOW : CHANGED;
	return d->leaf.len >= 1800 ? SLOW : h;
}

static void emit_at(struct diff *d, const char *leaf, const json_t *av, const json_t *bv, enum how how)
{
	if (how == SLOW) {
		av = apply_value_at(d->k, d->a_root, leaf);
		bv = apply_value_at(d->k, d->b_root, leaf);
	}
	if (how == CHANGED || !json_equal(av, bv))
		json_array_append_new(d->out, json_string(leaf));
}

static void emit(struct diff *d, const json_t *av, const json_t *bv, enum how how)
{
	emit_at(d, d->leaf.p, av, bv, how);
}

/* Whether the field set of object v at path has any field (metadata's own are not owned). */
static bool owns_any(const json_t *v, const char *path)
{
	const char *key;
	json_t *cv;

	if (strcmp(path, "metadata"))
		return json_object_size(v) > 0;
	json_object_foreach((json_t *)v, key, cv)
		if (!strcmp(key, "labels") || !strcmp(key, "annotations") || !strcmp(key, "finalizers") ||
		    !strcmp(key, "ownerReferences"))
			return true;
	return false;
}

static void diff_obj(struct diff *d, const json_t *a, const json_t *b, const char *path, enum how how);

/*
 * A list item whose merge key appears more than once: the set holds the last
 * such item's fields at the first one's place, and the values are those of
 * the first match; resolve its leaves from the roots, as the set has them.
 */
static void diff_dup_item(struct diff *d, const json_t *last, const char *path)
{
	json_t *sub = json_is_object(last) ? apply_fields_of(d->k, last, path) : json_object();

	json_object_set_new(sub, ".", json_object());
	if (json_object_size(sub) == 1) {
		emit(d, NULL, NULL, SLOW);
	} else {
		json_t *ls = json_array();
		size_t i;
		json_t *l;
		apply_leaves(sub, d->leaf.p, ls);
		json_array_foreach(ls, i, l)
			emit_at(d, json_string_value(l), NULL, NULL, SLOW);
		json_decref(ls);
	}
	json_decref(sub);
}

/* A list with merge key mk at path: one entry per distinct item key, in first-seen order. */
static void diff_list(struct diff *d, const json_t *a, const json_t *b, const char *path, const char *mk,
		      enum how how)
{
	size_t nb = json_array_size(b), na = json_array_size(a);
	char **bk = xcalloc(nb + 1, sizeof(*bk));
	json_t *last = json_object(), *first_a = json_object();
	size_t i;

	for (i = 0; i < nb; i++) {
		bk[i] = apply_item_key(json_array_get(b, i), mk);
		if (bk[i])
			json_object_set_new(last, bk[i], json_integer((json_int_t)i));
	}
	if (!json_object_size(last)) /* no item to own: the list is a leaf itself */
		emit(d, a, b, how);
	for (i = na; i-- > 0;) {
		_cleanup_free_ char *ak = apply_item_key(json_array_get(a, i), mk);
		if (ak)
			json_object_set_new(first_a, ak, json_integer((json_int_t)i));
	}
	for (i = 0; i < nb; i++) {
		if (!bk[i])
			continue;
		json_t *seen = json_object_get(last, bk[i]);
		if (!seen)
			continue; /* an earlier item with this key took its place */
		size_t li = (size_t)json_integer_value(seen);
		json_t *ai = json_object_get(first_a, bk[i]);
		const json_t *av = ai ? json_array_get(a, (size_t)json_integer_value(ai)) : NULL;
		const json_t *bv = json_array_get(b, i);
		size_t mark = d->leaf.len;
		enum how h = leaf_push(d, "", bk[i], how);
		if (li != i) {
			diff_dup_item(d, json_array_get(b, li), path);
		} else if (json_is_object(bv) && owns_any(bv, path)) {
			diff_obj(d, av, bv, path, h);
			buf_adds(&d->leaf, APPLY_SEP_S ".");
			emit(d, av, bv, h);
		} else {
			emit(d, av, bv, h);
		}
		leaf_cut(d, mark);
		json_object_del(last, bk[i]);
	}
	for (i = 0; i < nb; i++)
		free(bk[i]);
	free(bk);
	json_decref(last);
	json_decref(first_a);
}

/* The fields of object b at path (a: the old value there, any type or NULL). */
static void diff_obj(struct diff *d, const json_t *a, const json_t *b, const char *path, enum how how)
{
	const char *key;
	json_t *cv;
	char cp[512];

	json_object_foreach((json_t *)b, key, cv) {
		if (!*path && (!strcmp(key, "apiVersion") || !strcmp(key, "kind")))
			continue;
		if (!strcmp(path, "metadata") && strcmp(key, "labels") && strcmp(key, "annotations") &&
		    strcmp(key, "finalizers") && strcmp(key, "ownerReferences"))
			continue;
		/* The same (possibly cut) path the field set and the lookups use. */
		snprintf(cp, sizeof(cp), "%s%s%s", path, *path ? "." : "", key);
		const json_t *av = json_object_get(a, key);
		const char *mk = json_is_array(cv) ? apply_merge_key(d->k, cp) : NULL;
		size_t mark = d->leaf.len;
		enum how h = leaf_push(d, "f:", key, how);
		if (strlen(cp) >= 400)
			h = SLOW;
		if (json_is_object(cv)) {
			if (owns_any(cv, cp))
				diff_obj(d, av, cv, cp, h);
			else if (*path || strcmp(key, "metadata"))
				emit(d, av, cv, h);
		} else if (mk) {
			diff_list(d, av, cv, cp, mk, h);
		} else {
			emit(d, av, cv, h);
		}
		leaf_cut(d, mark);
	}
}

void apply_changed_leaves(const struct api_kind *k, const json_t *a, const json_t *b, json_t *out)
{
	struct diff d = { k, a, b, BUF_INIT, out };

	if (!b)
		return;
	diff_obj(&d, a, b, "", FAST);
	buf_release(&d.leaf);
}
