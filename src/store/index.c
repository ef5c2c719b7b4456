/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's current state in memory: each key is one node that sits both
 * in a hash table (O(1) get) and in an AVL tree with subtree sizes (ordered
 * pages and O(log n) counts for list's `remaining`). Not locked here: the
 * caller holds store->lock.
 */
#include <string.h>

#include "lib/xalloc.h"
#include "store/store_int.h"

#define IDX_MIN_BUCKETS 1024
#define IDX_MAX_DEPTH 96 /* AVL height bound for any count that fits in memory */

static uint64_t idx_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

void idx_init(struct idx *ix)
{
	memset(ix, 0, sizeof(*ix));
	ix->nbuckets = IDX_MIN_BUCKETS;
	ix->buckets = xcalloc(ix->nbuckets, sizeof(*ix->buckets));
}

static void node_free(struct idx_node *n)
{
	free(n->key);
	blob_unref(n->value);
	free(n);
}

void idx_release(struct idx *ix)
{
	for (size_t i = 0; i < ix->nbuckets; i++) {
		struct idx_node *n = ix->buckets[i], *next;
		for (; n; n = next) {
			next = n->hnext;
			node_free(n);
		}
	}
	free(ix->buckets);
	memset(ix, 0, sizeof(*ix));
}

struct idx_node *idx_find(const struct idx *ix, const char *key)
{
	uint64_t h = idx_hash(key);
	struct idx_node *n = ix->buckets[h & (ix->nbuckets - 1)];

	for (; n; n = n->hnext)
		if (n->hash == h && !strcmp(n->key, key))
			return n;
	return NULL;
}

static void hash_grow(struct idx *ix)
{
	size_t nb = ix->nbuckets * 2;
	struct idx_node **b = xcalloc(nb, sizeof(*b));

	for (size_t i = 0; i < ix->nbuckets; i++) {
		struct idx_node *n = ix->buckets[i], *next;
		for (; n; n = next) {
			next = n->hnext;
			n->hnext = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(ix->buckets);
	ix->buckets = b;
	ix->nbuckets = nb;
}

/* ---- AVL tree keyed by strcmp order ---- */

static int height(const struct idx_node *n)
{
	return n ? n->height : 0;
}

static size_t size(const struct idx_node *n)
{
	return n ? n->size : 0;
}

static void fix(struct idx_node *n)
{
	int hl = height(n->left), hr = height(n->right);

	n->height = (hl > hr ? hl : hr) + 1;
	n->size = size(n->left) + size(n->right) + 1;
}

static struct idx_node *rot_right(struct idx_node *n)
{
	struct idx_node *l = n->left;

	n->left = l->right;
	l->right = n;
	fix(n);
	fix(l);
	return l;
}

static struct idx_node *rot_left(struct idx_node *n)
{
	struct idx_node *r = n->right;

	n->right = r->left;
	r->left = n;
	fix(n);
	fix(r);
	return r;
}

static struct idx_node *balance(struct idx_node *n)
{
	int d;

	fix(n);
	d = height(n->left) - height(n->right);
	if (d > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rot_left(n->left);
		return rot_right(n);
	}
	if (d < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rot_right(n->right);
		return rot_left(n);
	}
	return n;
}

static struct idx_node *tree_insert(struct idx_node *t, struct idx_node *n)
{
	if (!t) {
		n->left = n->right = NULL;
		fix(n);
		return n;
	}
	if (strcmp(n->key, t->key) < 0)
		t->left = tree_insert(t->left, n);
	else
		t->right = tree_insert(t->right, n);
	return balance(t);
}

/* Unlink the leftmost node of t into *min; returns the new subtree. */
static struct idx_node *tree_take_min(struct idx_node *t, struct idx_node **min)
{
	if (!t->left) {
		*min = t;
		return t->right;
	}
	t->left = tree_take_min(t->left, min);
	return balance(t);
}

static struct idx_node *tree_remove(struct idx_node *t, const char *key)
{
	int c;

	if (!t)
		return NULL;
	c = strcmp(key, t->key);
	if (c < 0) {
		t->left = tree_remove(t->left, key);
	} else if (c > 0) {
		t->right = tree_remove(t->right, key);
	} else {
		struct idx_node *l = t->left, *r = t->right, *m;
		if (!r)
			return l;
		/* Nodes keep their identity (the hash points at them): relink the successor. */
		r = tree_take_min(r, &m);
		m->left = l;
		m->right = r;
		return balance(m);
	}
	return balance(t);
}

void idx_put(struct idx *ix, const char *key, struct blob *value, int64_t create_rev,
	     int64_t mod_rev)
{
	struct idx_node *n = idx_find(ix, key);

	if (n) {
		blob_unref(n->value);
		n->value = blob_ref(value);
		n->create_rev = create_rev;
		n->mod_rev = mod_rev;
		return;
	}
	n = xcalloc(1, sizeof(*n));
	n->key = xstrdup(key);
	n->value = blob_ref(value);
	n->create_rev = create_rev;
	n->mod_rev = mod_rev;
	n->hash = idx_hash(key);
	if (ix->count + 1 > ix->nbuckets)
		hash_grow(ix);
	n->hnext = ix->buckets[n->hash & (ix->nbuckets - 1)];
	ix->buckets[n->hash & (ix->nbuckets - 1)] = n;
	ix->root = tree_insert(ix->root, n);
	ix->count++;
}

void idx_del(struct idx *ix, const char *key)
{
	uint64_t h = idx_hash(key);
	struct idx_node **pp = &ix->buckets[h & (ix->nbuckets - 1)], *n;

	for (; (n = *pp); pp = &n->hnext)
		if (n->hash == h && !strcmp(n->key, key))
			break;
	if (!n)
		return;
	*pp = n->hnext;
	ix->root = tree_remove(ix->root, key);
	ix->count--;
	node_free(n);
}

/* ---- ordered pages ---- */

static bool has_prefix(const char *s, const char *prefix, size_t plen)
{
	return !strncmp(s, prefix, plen);
}

/* Is key at or past the list's start: key >= prefix and key > after? */
static bool past_start(const char *key, const char *prefix, const char *after)
{
	return strcmp(key, prefix) >= 0 && (!after || strcmp(key, after) > 0);
}

/* Number of keys for which below(key) holds; below must be monotone in key order. */
static size_t count_below(const struct idx_node *t, const char *a, size_t alen,
			  bool (*below)(const char *key, const char *a, size_t alen))
{
	size_t c = 0;

	while (t) {
		if (below(t->key, a, alen)) {
			c += size(t->left) + 1;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return c;
}

static bool below_or_eq(const char *key, const char *a, size_t alen)
{
	return strcmp(key, a) <= 0;
}

/* Keys before the end of the prefix range: smaller than prefix, or carrying it. */
static bool below_prefix_end(const char *key, const char *prefix, size_t plen)
{
	return has_prefix(key, prefix, plen) || strcmp(key, prefix) < 0;
}

void idx_list(const struct idx *ix, const char *prefix, const char *after, size_t limit,
	      struct store_list *out)
{
	const struct idx_node *stack[IDX_MAX_DEPTH], *t = ix->root, *n;
	size_t plen = strlen(prefix), cap = 0, sp = 0;

	memset(out, 0, sizeof(*out));
	if (after && !*after)
		after = NULL;
	/* Seek: stack holds the path of nodes past the start whose left we entered. */
	while (t) {
		if (past_start(t->key, prefix, after)) {
			stack[sp++] = t;
			t = t->left;
		} else {
			t = t->right;
		}
	}
	while (sp) {
		n = stack[--sp];
		if (!has_prefix(n->key, prefix, plen))
			break;
		if (limit && out->n == limit) {
			out->more = true;
			break;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : (limit && limit < 64 ? limit : 64);
			out->items = xrealloc(out->items, cap * sizeof(*out->items));
		}
		struct store_kv *kv = &out->items[out->n++];
		kv->key = xstrdup(n->key);
		kv->value = blob_ref(n->value);
		kv->create_rev = n->create_rev;
		kv->mod_rev = n->mod_rev;
		for (t = n->right; t; t = t->left)
			stack[sp++] = t;
	}
	if (out->more) {
		const char *last = out->items[out->n - 1].key;
		out->remaining = count_below(ix->root, prefix, plen, below_prefix_end) -
				 count_below(ix->root, last, strlen(last), below_or_eq);
	}
}
