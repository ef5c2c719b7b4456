/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listing a prefix without parsing again what did not change. A controller
 * that lists all pods on every pass (the scheduler, for each burst of pod
 * events) would otherwise parse every pod's JSON each time: O(pods) per
 * event. The cache keeps each object parsed at its revision, like an
 * informer's store; a listed object is shared with the cache, so callers
 * treat it as read-only (deep-copy before changing it).
 */
#include "controllers/ctl.h"
#include "lib/jparse.h"
#include "lib/jskim.h"
#include "lib/xalloc.h"

static int list_parsed(struct store *s, const char *prefix, struct ctl_cache *c, const char *const *paths,
		       size_t npaths, struct ctl_list *out)
{
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };

	out->v = NULL;
	out->n = 0;
	if (store_list(s, prefix, "", 0, &l, &err) < 0)
		return -1;
	/*
	 * Entries are [rev, obj, json text]; the new map holds only what is still
	 * there. A changed object is parsed reusing the members whose text is the
	 * same as before (jskim_reparse): when a pod's status changes its spec,
	 * half of it, is not parsed again. The text kept for that costs a fraction
	 * of what the parsed object does.
	 */
	json_t *map = c ? json_object() : NULL;
	out->v = xcalloc(l.n ? l.n : 1, sizeof(*out->v));
	for (size_t i = 0; i < l.n; i++) {
		const char *key = l.items[i].key;
		int64_t rev = l.items[i].mod_rev;
		json_t *e = c && c->map ? json_object_get(c->map, key) : NULL;
		if (!e || json_integer_value(json_array_get(e, 0)) != rev) {
			const struct blob *b = l.items[i].value;
			json_t *o = paths ? jskim(b->data, b->len, paths, npaths) : NULL;
			json_t *was = json_array_get(e, 2);
			if (!o && was)
				o = jskim_reparse(b->data, b->len, json_string_value(was), json_string_length(was),
						  json_array_get(e, 1));
			else if (!o)
				o = jparse_loadb(b->data, b->len, 0, NULL);
			if (!o)
				continue;
			if (!c) {
				out->v[out->n++] = (struct ctl_obj){ xstrdup(key), o, rev };
				continue;
			}
			e = json_pack("[I,o,o]", (json_int_t)rev, o, json_stringn_nocheck(b->data, b->len));
			json_object_set_new(map, key, e);
		} else {
			json_object_set(map, key, e);
		}
		out->v[out->n].key = xstrdup(key);
		out->v[out->n].obj = json_incref(json_array_get(e, 1));
		out->v[out->n].rev = rev;
		out->n++;
	}
	if (c) {
		json_decref(c->map);
		c->map = map;
	}
	store_list_free(&l);
	return 0;
}

int ctl_list_cached(struct store *s, const char *prefix, struct ctl_cache *c, struct ctl_list *out)
{
	return list_parsed(s, prefix, c, NULL, 0, out);
}

int ctl_list_skim(struct store *s, const char *prefix, const char *const *paths, size_t npaths,
		  struct ctl_list *out)
{
	return list_parsed(s, prefix, NULL, paths, npaths, out);
}

void ctl_cache_seed(struct ctl_cache *c, const char *key, int64_t rev, json_t *obj, const struct blob *stored)
{
	if (!c->map)
		c->map = json_object();
	json_object_set_new(c->map, key, json_pack("[I,O,o]", (json_int_t)rev, obj,
						   json_stringn_nocheck(stored->data, stored->len)));
}

void ctl_cache_clear(struct ctl_cache *c)
{
	json_decref(c->map);
	c->map = NULL;
}
