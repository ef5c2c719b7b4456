/* SPDX-License-Identifier: Apache-2.0 */
/* JSON Pointer, JSON Patch (RFC 6902), JSON Merge Patch (RFC 7386) and helpers. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "api/patch.h"
#include "lib/xalloc.h"

/* ---- JSON Pointer (RFC 6901) ---- */

struct ptr_tok {
	char *s;      /* unescaped, owned */
	size_t len;
};

struct ptr {
	size_t n;
	struct ptr_tok *t;
};

static void ptr_free(struct ptr *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->t[i].s);
	free(p->t);
	p->t = NULL;
	p->n = 0;
}

/* Split "/a/b~1c" into tokens; -1 when it does not start with '/' or has a bad '~' escape. */
static int ptr_parse(const char *s, size_t len, struct ptr *p)
{
	p->n = 0;
	p->t = NULL;
	if (len == 0)
		return 0;
	if (s[0] != '/')
		return -1;
	size_t i = 1;
	for (;;) {
		size_t start = i;
		while (i < len && s[i] != '/')
			i++;
		char *tok = xmalloc(i - start + 1);
		size_t n = 0;
		for (size_t j = start; j < i; j++) {
			if (s[j] != '~') {
				tok[n++] = s[j];
			} else if (j + 1 < i && (s[j + 1] == '0' || s[j + 1] == '1')) {
				tok[n++] = s[++j] == '0' ? '~' : '/';
			} else {
				free(tok);
				ptr_free(p);
				return -1;
			}
		}
		tok[n] = '\0';
		p->t = xrealloc(p->t, (p->n + 1) * sizeof(*p->t));
		p->t[p->n++] = (struct ptr_tok){ tok, n };
		if (i >= len)
			return 0;
		i++;
	}
}

/* An array index: "0" or digits without a leading zero. */
static bool ptr_index(const struct ptr_tok *t, size_t *idx)
{
	if (t->len == 0 || t->len > 9 || (t->len > 1 && t->s[0] == '0'))
		return false;
	size_t v = 0;
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return false;
		v = v * 10 + (size_t)(t->s[i] - '0');
	}
	*idx = v;
	return true;
}

static bool tok_is(const struct ptr_tok *t, const char *s)
{
	return t->len == strlen(s) && !memcmp(t->s, s, t->len);
}

/* The value at the first n tokens, or NULL. Borrowed. */
static json_t *ptr_walk(json_t *v, const struct ptr *p, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		size_t idx;
		if (json_is_object(v))
			v = json_object_getn(v, p->t[i].s, p->t[i].len);
		else if (json_is_array(v) && ptr_index(&p->t[i], &idx))
			v = json_array_get(v, idx);
		else
			v = NULL;
	}
	return v;
}

json_t *patch_pointer_get(const json_t *doc, const char *s)
{
	struct ptr p;

	if (!doc || !s || ptr_parse(s, strlen(s), &p) < 0)
		return NULL;
	json_t *v = ptr_walk((json_t *)doc, &p, p.n);
	ptr_free(&p);
	return v;
}

/* ---- equality, sizes, depth ---- */

bool patch_json_equal(const json_t *a, const json_t *b)
{
	if (!a || !b)
		return a == b;
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_object(a)) {
		const char *k;
		size_t kl;
		json_t *v;
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_keylen_foreach((json_t *)a, k, kl, v) {
			if (!patch_json_equal(v, json_object_getn(b, k, kl)))
				return false;
		}
		return true;
	}
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!patch_json_equal(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	return json_equal(a, b);
}

/* Nodes in v, counting stops past limit. */
static size_t node_count(const json_t *v, size_t limit)
{
	size_t n = 1;
	const char *k;
	json_t *c;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c) {
			n += node_count(c, limit);
			if (n > limit)
				return n;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c) {
			n += node_count(c, limit);
			if (n > limit)
				return n;
		}
	}
	return n;
}

int json_depth_ok(const json_t *v, int max)
{
	const char *k;
	json_t *c;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return 1;
	if (max <= 0)
		return 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c)
			if (!json_depth_ok(c, max - 1))
				return 0;
	} else {
		json_array_foreach(v, i, c)
			if (!json_depth_ok(c, max - 1))
				return 0;
	}
	return 1;
}

/* ---- JSON Patch ---- */

struct jp {
	json_t *root;          /* the working document, owned */
	size_t op;             /* index of the operation, for messages */
	const char *opname;
	size_t copied;         /* nodes copied so far */
	struct atoll_err *err;
};

static int jp_fail(struct jp *j, const char *what, const char *path)
{
	return err_set(j->err, 422, "Invalid", "jsonpatch operation %zu (%s): %s: \"%.200s\"", j->op,
		       j->opname, what, path);
}

/* Insert or set v (taken) at p. */
static int jp_add(struct jp *j, const struct ptr *p, json_t *v, const char *path)
{
	if (p->n == 0) {
		json_decref(j->root);
		j->root = v;
		return 0;
	}
	json_t *parent = ptr_walk(j->root, p, p->n - 1);
	const struct ptr_tok *last = &p->t[p->n - 1];
	size_t idx;
	if (json_is_object(parent)) {
		if (json_object_setn_new(parent, last->s, last->len, v) < 0)
			return jp_fail(j, "invalid key", path);
		return 0;
	}
	if (json_is_array(parent)) {
		if (tok_is(last, "-")) {
			json_array_append_new(parent, v);
			return 0;
		}
		if (ptr_index(last, &idx) && idx <= json_array_size(parent)) {
			json_array_insert_new(parent, idx, v);
			return 0;
		}
		json_decref(v);
		return jp_fail(j, "array index out of bounds", path);
	}
	json_decref(v);
	return jp_fail(j, "parent does not exist", path);
}

/* Detach the value at p; *out (if non-NULL) receives it, owned. */
static int jp_remove(struct jp *j, const struct ptr *p, json_t **out, const char *path)
{
	if (p->n == 0)
		return jp_fail(j, "cannot remove the whole document", path);
	json_t *parent = ptr_walk(j->root, p, p->n - 1);
	const struct ptr_tok *last = &p->t[p->n - 1];
	json_t *v = NULL;
	size_t idx;
	if (json_is_object(parent)) {
		v = json_object_getn(parent, last->s, last->len);
		if (v) {
			json_incref(v);
			json_object_deln(parent, last->s, last->len);
		}
	} else if (json_is_array(parent) && ptr_index(last, &idx)) {
		v = json_array_get(parent, idx);
		if (v) {
			json_incref(v);
			json_array_remove(parent, idx);
		}
	}
	if (!v)
		return jp_fail(j, "path does not exist", path);
	if (out)
		*out = v;
	else
		json_decref(v);
	return 0;
}

static int jp_replace(struct jp *j, const struct ptr *p, json_t *v, const char *path)
{
	if (p->n == 0) {
		json_decref(j->root);
		j->root = v;
		return 0;
	}
	json_t *parent = ptr_walk(j->root, p, p->n - 1);
	const struct ptr_tok *last = &p->t[p->n - 1];
	size_t idx;
	if (json_is_object(parent) && json_object_getn(parent, last->s, last->len)) {
		json_object_setn_new(parent, last->s, last->len, v);
		return 0;
	}
	if (json_is_array(parent) && ptr_index(last, &idx) && idx < json_array_size(parent)) {
		json_array_set_new(parent, idx, v);
		return 0;
	}
	json_decref(v);
	return jp_fail(j, "path does not exist", path);
}

/* Read a string member as (pointer, length); NULL when absent or not a string. */
static const char *member_str(const json_t *o, const char *key, size_t *len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

static int jp_op(struct jp *j, const json_t *op)
{
	size_t plen = 0, flen = 0;
	const char *name = json_string_value(json_object_get(op, "op"));
	const char *path = member_str(op, "path", &plen);
	const char *from = member_str(op, "from", &flen);
	json_t *value = json_object_get(op, "value");
	struct ptr p = { 0 }, f = { 0 };
	int rc = -1;

	j->opname = name ? name : "?";
	if (!name)
		return err_set(j->err, 422, "Invalid", "jsonpatch operation %zu: missing \"op\"", j->op);
	bool is_add = !strcmp(name, "add"), is_rm = !strcmp(name, "remove"),
	     is_rep = !strcmp(name, "replace"), is_mv = !strcmp(name, "move"),
	     is_cp = !strcmp(name, "copy"), is_test = !strcmp(name, "test");
	if (!is_add && !is_rm && !is_rep && !is_mv && !is_cp && !is_test)
		return err_set(j->err, 422, "Invalid", "jsonpatch operation %zu: unexpected op \"%.64s\"",
			       j->op, name);
	if (!path)
		return err_set(j->err, 422, "Invalid", "jsonpatch operation %zu (%s): missing \"path\"",
			       j->op, name);
	if (ptr_parse(path, plen, &p) < 0)
		return jp_fail(j, "malformed JSON pointer", path);
	if ((is_add || is_rep || is_test) && !value) {
		err_set(j->err, 422, "Invalid", "jsonpatch operation %zu (%s): missing \"value\"", j->op, name);
		goto out;
	}
	if (is_mv || is_cp) {
		if (!from) {
			err_set(j->err, 422, "Invalid", "jsonpatch operation %zu (%s): missing \"from\"", j->op,
				name);
			goto out;
		}
		if (ptr_parse(from, flen, &f) < 0) {
			jp_fail(j, "malformed JSON pointer", from);
			goto out;
		}
	}

	if (is_add) {
		rc = jp_add(j, &p, json_deep_copy(value), path);
	} else if (is_rm) {
		rc = jp_remove(j, &p, NULL, path);
	} else if (is_rep) {
		rc = jp_replace(j, &p, json_deep_copy(value), path);
	} else if (is_test) {
		json_t *cur = ptr_walk(j->root, &p, p.n);
		if (!cur)
			jp_fail(j, "path does not exist", path);
		else if (!patch_json_equal(cur, value))
			err_set(j->err, 409, "Conflict", "jsonpatch operation %zu (test): value at \"%.200s\" differs",
				j->op, path);
		else
			rc = 0;
	} else if (is_mv) {
		json_t *v;
		if (!ptr_walk(j->root, &f, f.n)) {
			jp_fail(j, "\"from\" does not exist", from);
		} else if (plen == flen && !memcmp(path, from, plen)) {
			rc = 0;
		} else if (plen > flen && !memcmp(path, from, flen) && path[flen] == '/') {
			jp_fail(j, "cannot move a value into one of its children", path);
		} else if (jp_remove(j, &f, &v, from) == 0) {
			rc = jp_add(j, &p, v, path);
		}
	} else {
		json_t *src = ptr_walk(j->root, &f, f.n);
		if (!src) {
			jp_fail(j, "\"from\" does not exist", from);
		} else {
			j->copied += node_count(src, PATCH_MAX_COPY_NODES);
			if (j->copied > PATCH_MAX_COPY_NODES)
				err_set(j->err, 422, "Invalid",
					"jsonpatch: copy operations exceed %d copied values", PATCH_MAX_COPY_NODES);
			else
				rc = jp_add(j, &p, json_deep_copy(src), path);
		}
	}
out:
	ptr_free(&p);
	ptr_free(&f);
	return rc;
}

json_t *patch_json(const json_t *doc, const json_t *patch, struct atoll_err *err)
{
	size_t i;
	json_t *op;

	if (!json_is_array(patch)) {
		err_set(err, 400, "BadRequest", "json patch must be a JSON array of operations");
		return NULL;
	}
	if (json_array_size(patch) > PATCH_MAX_OPS) {
		err_set(err, 422, "Invalid", "the allowed maximum operations in a JSON patch is %d, got %zu",
			PATCH_MAX_OPS, json_array_size(patch));
		return NULL;
	}
	json_array_foreach(patch, i, op) {
		if (!json_is_object(op)) {
			err_set(err, 400, "BadRequest", "json patch operation %zu is not a JSON object", i);
			return NULL;
		}
	}
	struct jp j = { .root = doc ? json_deep_copy(doc) : json_null(), .err = err };
	json_array_foreach(patch, i, op) {
		j.op = i;
		if (jp_op(&j, op) < 0) {
			json_decref(j.root);
			return NULL;
		}
	}
	return j.root;
}

/* ---- JSON Merge Patch ---- */

/* Merge patch into target (taken, edited in place; NULL for none). Returns owned. */
static json_t *merge(json_t *target, const json_t *patch)
{
	const char *k;
	size_t kl;
	json_t *v;

	if (!json_is_object(patch)) {
		json_decref(target);
		return json_deep_copy(patch);
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = json_object();
	}
	json_object_keylen_foreach((json_t *)patch, k, kl, v) {
		if (json_is_null(v)) {
			json_object_deln(target, k, kl);
			continue;
		}
		json_t *cur = json_incref(json_object_getn(target, k, kl));
		json_object_setn_new(target, k, kl, merge(cur, v));
	}
	return target;
}

json_t *patch_merge(const json_t *doc, const json_t *patch, struct atoll_err *err)
{
	if (!patch) {
		err_set(err, 400, "BadRequest", "missing merge patch");
		return NULL;
	}
	return merge(doc ? json_deep_copy(doc) : NULL, patch);
}

/* ---- dispatch ---- */

enum patch_type patch_type_from_content_type(const char *ct)
{
	static const struct { const char *ct; enum patch_type t; } tab[] = {
		{ "application/json-patch+json", PATCH_JSON },
		{ "application/merge-patch+json", PATCH_MERGE },
		{ "application/strategic-merge-patch+json", PATCH_STRATEGIC },
		{ "application/apply-patch+yaml", PATCH_APPLY },
		{ "application/apply-patch+cbor", PATCH_APPLY },
	};
	if (!ct)
		return PATCH_NONE;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	size_t n = strcspn(ct, "; \t");
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strlen(tab[i].ct) == n && !strncasecmp(ct, tab[i].ct, n))
			return tab[i].t;
	return PATCH_NONE;
}

json_t *patch_apply(enum patch_type type, const json_t *doc, const json_t *patch,
		    const char *const *merge_keys, struct atoll_err *err)
{
	switch (type) {
	case PATCH_JSON:
		return patch_json(doc, patch, err);
	case PATCH_MERGE:
		return patch_merge(doc, patch, err);
	case PATCH_STRATEGIC:
		return patch_strategic(doc, patch, merge_keys, err);
	default:
		err_set(err, 415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
			"accepted media types include: application/json-patch+json, "
			"application/merge-patch+json, application/strategic-merge-patch+json");
		return NULL;
	}
}
