/* SPDX-License-Identifier: Apache-2.0 */
/* Server-side apply: field sets, ownership conflicts, merging the applied configuration. */
#include <stdio.h>
#include <string.h>

#include "api/apply.h"
#include "api/apply_int.h"
#include "api/object.h"
#include "api/write.h"
#include "lib/buf.h"
#include "lib/jdump.h"
#include "lib/xalloc.h"

/* The merge key of the list at dotted path, or NULL (atomic list). */
const char *apply_merge_key(const struct api_kind *k, const char *path)
{
	static const char *const common[] = { "metadata.ownerReferences", "uid", "metadata.finalizers", "",
					      NULL };
	for (const char *const *p = common; *p; p += 2)
		if (!strcmp(p[0], path))
			return p[1];
	for (const char *const *p = k->merge_keys; p && *p; p += 2)
		if (!strcmp(p[0], path))
			return p[1];
	return NULL;
}

static void child_path(char *out, size_t n, const char *path, const char *key)
{
	snprintf(out, n, "%s%s%s", path, *path ? "." : "", key);
}

/* "k:{"name":"x"}" for a keyed item, "v:"x"" for a set item. NULL if unkeyable. */
char *apply_item_key(const json_t *item, const char *mk)
{
	if (!*mk) {
		char *v = jdump(item, JSON_COMPACT | JSON_ENCODE_ANY, NULL);
		char *r = xasprintf("v:%s", v);
		free(v);
		return r;
	}
	json_t *kv = json_object_get(item, mk);
	if (!kv)
		return NULL;
	json_t *o = json_pack("{s:O}", mk, kv);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	char *r = xasprintf("k:%s", s);
	free(s);
	json_decref(o);
	return r;
}

/* The field set of a value at path (for an applied configuration). */
json_t *apply_fields_of(const struct api_kind *k, const json_t *v, const char *path)
{
	json_t *set = json_object();
	const char *key;
	json_t *cv;
	char cp[512];

	json_object_foreach((json_t *)v, key, cv) {
		if (!*path && (!strcmp(key, "apiVersion") || !strcmp(key, "kind")))
			continue;
		if (!strcmp(path, "metadata") && strcmp(key, "labels") && strcmp(key, "annotations") &&
		    strcmp(key, "finalizers") && strcmp(key, "ownerReferences"))
			continue; /* name, namespace, uid, ... are not owned */
		child_path(cp, sizeof(cp), path, key);
		_cleanup_free_ char *fk = xasprintf("f:%s", key);
		const char *mk = json_is_array(cv) ? apply_merge_key(k, cp) : NULL;
		if (json_is_object(cv)) {
			json_t *sub = apply_fields_of(k, cv, cp);
			/* metadata itself is not a field anyone owns; only what is inside it. */
			if (!*path && !strcmp(key, "metadata") && json_object_size(sub) == 0)
				json_decref(sub);
			else
				json_object_set_new(set, fk, sub);
		} else if (mk) {
			json_t *items = json_object();
			size_t i;
			json_t *it;
			json_array_foreach(cv, i, it) {
				_cleanup_free_ char *ik = apply_item_key(it, mk);
				if (!ik)
					continue;
				json_t *sub = json_is_object(it) ? apply_fields_of(k, it, cp) : json_object();
				json_object_set_new(sub, ".", json_object());
				json_object_set_new(items, ik, sub);
			}
			json_object_set_new(set, fk, items);
		} else {
			json_object_set_new(set, fk, json_object());
		}
	}
	return set;
}

/* Leaf paths of a set (apply_int.h), appended to out. */
void apply_leaves(const json_t *set, const char *prefix, json_t *out)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)set, key, v) {
		_cleanup_free_ char *p = xasprintf("%s" APPLY_SEP_S "%s", prefix, key);
		if (json_object_size(v) == 0 || (json_object_size(v) == 1 && json_object_get(v, ".")))
			json_array_append_new(out, json_string(p));
		else
			apply_leaves(v, p, out);
	}
}

void apply_leaf_display(const char *leaf, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s", leaf);
	for (char *save, *t = strtok_r(buf, APPLY_SEP_S, &save); t; t = strtok_r(NULL, APPLY_SEP_S, &save)) {
		if (!strncmp(t, "f:", 2)) {
			buf_addc(&b, '.');
			buf_adds(&b, t + 2);
		} else if (!strncmp(t, "k:", 2)) {
			json_t *key = json_loads(t + 2, 0, NULL);
			const char *mk;
			json_t *mv;
			bool first = true;
			buf_addc(&b, '[');
			json_object_foreach(key, mk, mv) {
				char *v = json_dumps(mv, JSON_COMPACT | JSON_ENCODE_ANY);
				buf_addf(&b, "%s%s=%s", first ? "" : ",", mk, v ? v : "");
				free(v);
				first = false;
			}
			buf_addc(&b, ']');
			json_decref(key);
		} else if (!strncmp(t, "v:", 2)) {
			buf_addf(&b, "[=%s]", t + 2);
		} else if (!strncmp(t, "i:", 2)) {
			buf_addf(&b, "[%s]", t + 2);
		}
	}
	snprintf(out, n, "%s", b.len ? b.p : ".");
	buf_release(&b);
}

static bool set_has(const json_t *set, const char *leaf)
{
	char buf[2048];
	const json_t *cur = set;

	snprintf(buf, sizeof(buf), "%s", leaf);
	for (char *save, *t = strtok_r(buf, APPLY_SEP_S, &save); t; t = strtok_r(NULL, APPLY_SEP_S, &save)) {
		cur = json_object_get(cur, t);
		if (!cur)
			return false;
	}
	return true;
}

static void set_remove(json_t *set, const char *leaf)
{
	char buf[2048];
	char *segs[64];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", leaf);
	for (char *save, *t = strtok_r(buf, APPLY_SEP_S, &save); t && n < 64; t = strtok_r(NULL, APPLY_SEP_S, &save))
		segs[n++] = t;
	json_t *chain[65];
	chain[0] = set;
	for (int i = 0; i < n; i++) {
		chain[i + 1] = json_object_get(chain[i], segs[i]);
		if (!chain[i + 1])
			return;
	}
	json_object_del(chain[n - 1], segs[n - 1]);
	/* Drop parents left empty. */
	for (int i = n - 1; i > 0; i--) {
		json_t *c = chain[i];
		if (json_object_size(c) == 0 || (json_object_size(c) == 1 && json_object_get(c, ".") &&
						 strncmp(segs[i - 1], "k:", 2) && strncmp(segs[i - 1], "v:", 2)))
			json_object_del(chain[i - 1], segs[i - 1]);
		else
			break;
	}
}

/* The value at a leaf path in an object (borrowed), or NULL. */
const json_t *apply_value_at(const struct api_kind *k, const json_t *obj, const char *leaf)
{
	char buf[2048];
	char path[512] = "";
	const json_t *cur = obj;

	snprintf(buf, sizeof(buf), "%s", leaf);
	for (char *save, *t = strtok_r(buf, APPLY_SEP_S, &save); t && cur; t = strtok_r(NULL, APPLY_SEP_S, &save)) {
		if (!strncmp(t, "f:", 2)) {
			cur = json_object_get(cur, t + 2);
			char np[512];
			child_path(np, sizeof(np), path, t + 2);
			snprintf(path, sizeof(path), "%s", np);
		} else if (!strncmp(t, "k:", 2) || !strncmp(t, "v:", 2)) {
			const char *mk = apply_merge_key(k, path);
			const json_t *found = NULL;
			size_t i;
			json_t *it;
			json_array_foreach(cur, i, it) {
				_cleanup_free_ char *ik = mk ? apply_item_key(it, mk) : NULL;
				if (ik && !strcmp(ik, t)) {
					found = it;
					break;
				}
			}
			cur = found;
		} else if (!strcmp(t, ".")) {
			break;
		}
	}
	return cur;
}

/* Merge cfg into live (in place), by the same rules the field sets use. */
static void merge_into(const struct api_kind *k, json_t *live, const json_t *cfg, const char *path)
{
	const char *key;
	json_t *cv;
	char cp[512];

	json_object_foreach((json_t *)cfg, key, cv) {
		child_path(cp, sizeof(cp), path, key);
		json_t *lv = json_object_get(live, key);
		const char *mk = json_is_array(cv) ? apply_merge_key(k, cp) : NULL;
		if (json_is_object(cv) && json_is_object(lv)) {
			merge_into(k, lv, cv, cp);
		} else if (mk && json_is_array(lv)) {
			size_t i;
			json_t *it;
			json_array_foreach(cv, i, it) {
				_cleanup_free_ char *ik = apply_item_key(it, mk);
				size_t j;
				json_t *li;
				bool done = false;
				json_array_foreach(lv, j, li) {
					_cleanup_free_ char *lk = ik ? apply_item_key(li, mk) : NULL;
					if (lk && !strcmp(lk, ik)) {
						if (json_is_object(li) && json_is_object(it))
							merge_into(k, li, it, cp);
						else
							json_array_set(lv, j, it);
						done = true;
						break;
					}
				}
				if (!done)
					json_array_append_new(lv, json_deep_copy(it));
			}
		} else {
			json_object_set_new(live, key, json_deep_copy(cv));
		}
	}
}

/* Remove from obj the value at a leaf path (fields this manager gave up). */
static void remove_at(const struct api_kind *k, json_t *obj, const char *leaf)
{
	char buf[2048];
	char *segs[64];
	int n = 0;
	char path[512] = "";

	snprintf(buf, sizeof(buf), "%s", leaf);
	for (char *save, *t = strtok_r(buf, APPLY_SEP_S, &save); t && n < 64; t = strtok_r(NULL, APPLY_SEP_S, &save))
		if (strcmp(t, "."))
			segs[n++] = t;
	json_t *cur = obj;
	for (int i = 0; i < n && cur; i++) {
		bool last = i == n - 1;
		if (!strncmp(segs[i], "f:", 2)) {
			if (last) {
				json_object_del(cur, segs[i] + 2);
				return;
			}
			char np[512];
			child_path(np, sizeof(np), path, segs[i] + 2);
			snprintf(path, sizeof(path), "%s", np);
			cur = json_object_get(cur, segs[i] + 2);
		} else {
			const char *mk = apply_merge_key(k, path);
			size_t j;
			json_t *it;
			json_t *next = NULL;
			json_array_foreach(cur, j, it) {
				_cleanup_free_ char *ik = mk ? apply_item_key(it, mk) : NULL;
				if (ik && !strcmp(ik, segs[i])) {
					if (last) {
						json_array_remove(cur, j);
						return;
					}
					next = it;
					break;
				}
			}
			cur = next;
		}
	}
}

void apply_manager(struct api_req *r, char *out, size_t n)
{
	const char *fm = req_query(r, "fieldManager");
	const char *ua = req_header(r, "User-Agent");

	if (fm && *fm) {
		snprintf(out, n, "%s", fm);
		return;
	}
	size_t len = ua ? strcspn(ua, "/ ") : 0;
	snprintf(out, n, "%.*s", (int)len, len ? ua : "unknown");
}

static void now_ts(char *out, size_t n)
{
	obj_now(out, n);
}

/* Find (or add) the managedFields entry for (manager, operation). */
static json_t *entry_for(json_t *mf, const char *manager, const char *op, const char *apiv)
{
	size_t i;
	json_t *e;
	char ts[40];

	json_array_foreach(mf, i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "manager")) ?: "", manager) &&
		    !strcmp(json_string_value(json_object_get(e, "operation")) ?: "", op))
			return e;
	}
	now_ts(ts, sizeof(ts));
	e = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{}}", "manager", manager, "operation", op, "apiVersion",
		      apiv, "time", ts, "fieldsType", "FieldsV1", "fieldsV1");
	json_array_append_new(mf, e);
	return e;
}

static void drop_empty_entries(json_t *mf)
{
	for (size_t i = json_array_size(mf); i-- > 0;) {
		json_t *e = json_array_get(mf, i);
		if (json_object_size(json_object_get(e, "fieldsV1")) == 0)
			json_array_remove(mf, i);
	}
}

void apply_track_update(struct api_call *c, const json_t *old, json_t *obj)
{
	char manager[128], apiv[128];
	json_t *meta = obj_meta(obj);
	json_t *mf = json_object_get(meta, "managedFields");

	if (!mf && old && json_object_get(json_object_get(old, "metadata"), "managedFields"))
		json_object_set(meta, "managedFields",
				json_deep_copy(json_object_get(json_object_get(old, "metadata"), "managedFields")));
	mf = json_object_get(meta, "managedFields");
	if (!json_is_array(mf)) {
		mf = json_array();
		json_object_set_new(meta, "managedFields", mf);
	}
	apply_manager(c->r, manager, sizeof(manager));
	obj_api_version(c->k, apiv, sizeof(apiv));
	json_t *changed = json_array();
	apply_changed_leaves(c->k, old, obj, changed);
	if (json_array_size(changed)) {
		json_t *e = entry_for(mf, manager, "Update", apiv);
		json_t *fs = json_object_get(e, "fieldsV1");
		size_t i;
		json_t *v, *o;
		json_array_foreach(changed, i, v) {
			const char *l = json_string_value(v);
			/* Ownership moves to this manager. */
			size_t j;
			json_array_foreach(mf, j, o)
				if (o != e)
					set_remove(json_object_get(o, "fieldsV1"), l);
			/* Insert the leaf path into this manager's set. */
			char buf[2048];
			snprintf(buf, sizeof(buf), "%s", l);
			json_t *cur = fs;
			for (char *save, *t = strtok_r(buf, APPLY_SEP_S, &save); t; t = strtok_r(NULL, APPLY_SEP_S, &save)) {
				json_t *nx = json_object_get(cur, t);
				if (!nx) {
					nx = json_object();
					json_object_set_new(cur, t, nx);
				}
				cur = nx;
			}
		}
		char ts[40];
		now_ts(ts, sizeof(ts));
		json_object_set_new(e, "time", json_string(ts));
	}
	json_decref(changed);
	drop_empty_entries(mf);
	if (json_array_size(mf) == 0)
		json_object_del(meta, "managedFields");
}

int apply_handle(struct api_call *c, const json_t *cfg)
{
	struct atoll_err err = ERR_INIT;
	char manager[128], apiv[128];
	const char *force = req_query(c->r, "force");
	bool forced = query_true(force);
	const char *fm = req_query(c->r, "fieldManager");

	if (!json_is_object(cfg))
		return reply_error(c->r, 400, "BadRequest", "the applied configuration must be an object");
	if (!fm || !*fm)
		return reply_error(c->r, 400, "BadRequest",
				   "PATCH requests with the apply content type require fieldManager to be set");
	apply_manager(c->r, manager, sizeof(manager));
	obj_api_version(c->k, apiv, sizeof(apiv));
	json_t *newset = apply_fields_of(c->k, cfg, "");
	json_t *newleaves = json_array();
	apply_leaves(newset, "", newleaves);

	c->retry_conflict = true;
	for (int attempt = 0; attempt < 8; attempt++) {
		int64_t rev = 0;
		json_t *old = write_get_current(c, &rev, &err);
		if (!old && err.code != 404) {
			json_decref(newset);
			json_decref(newleaves);
			return reply_status(c->r, &err, &c->t);
		}
		json_t *obj;
		if (!old) {
			obj = json_deep_copy(cfg);
			json_object_set_new(obj_meta(obj), "managedFields",
					    json_pack("[{s:s,s:s,s:s,s:s,s:s,s:O}]", "manager", manager,
						      "operation", "Apply", "apiVersion", apiv, "time", "",
						      "fieldsType", "FieldsV1", "fieldsV1", newset));
			char ts[40];
			now_ts(ts, sizeof(ts));
			json_object_set_new(json_array_get(json_object_get(obj_meta(obj), "managedFields"), 0),
					    "time", json_string(ts));
			json_decref(newset);
			json_decref(newleaves);
			c->retry_conflict = false;
			return write_object(c, obj, NULL, 0, true);
		}
		obj = json_deep_copy(old);
		json_t *meta = obj_meta(obj);
		json_t *mf = json_object_get(meta, "managedFields");
		if (!json_is_array(mf)) {
			mf = json_array();
			json_object_set_new(meta, "managedFields", mf);
		}
		/* Conflicts: a field we set to a new value that someone else owns. */
		json_t *causes = json_array();
		size_t i, j;
		json_t *l, *e;
		json_array_foreach(newleaves, i, l) {
			const char *leaf = json_string_value(l);
			if (json_equal(apply_value_at(c->k, old, leaf), apply_value_at(c->k, cfg, leaf)))
				continue;
			json_array_foreach(mf, j, e) {
				const char *m = json_string_value(json_object_get(e, "manager"));
				const char *op = json_string_value(json_object_get(e, "operation"));
				if (m && op && !strcmp(m, manager) && !strcmp(op, "Apply"))
					continue;
				if (!set_has(json_object_get(e, "fieldsV1"), leaf))
					continue;
				if (forced) {
					set_remove(json_object_get(e, "fieldsV1"), leaf);
					continue;
				}
				char msg[1200], field[512];
				apply_leaf_display(leaf, field, sizeof(field));
				snprintf(msg, sizeof(msg), "conflict with \"%s\": %s", m ? m : "", field);
				if (op && !strcmp(op, "Update"))
					snprintf(msg, sizeof(msg), "conflict with \"%s\" using %s: %s", m ? m : "",
						 apiv, field);
				json_array_append_new(causes, json_pack("{s:s,s:s,s:s}", "reason", "FieldManagerConflict",
									"message", msg, "field", field));
			}
		}
		if (json_array_size(causes)) {
			json_decref(obj);
			json_decref(old);
			json_decref(newset);
			json_decref(newleaves);
			char msg[1024];
			snprintf(msg, sizeof(msg), "Apply failed with %zu conflict%s: %s",
				 json_array_size(causes), json_array_size(causes) > 1 ? "s" : "",
				 json_string_value(json_object_get(json_array_get(causes, 0), "message")));
			return reply_json(c->r, 409,
					  status_new(409, "Conflict", msg, c->k->group, c->k->resource, c->t.name,
						     causes));
		}
		json_decref(causes);
		/* Fields this manager applied before but not now, and nobody else owns, go. */
		json_t *mine = entry_for(mf, manager, "Apply", apiv);
		json_t *oldleaves = json_array();
		apply_leaves(json_object_get(mine, "fieldsV1"), "", oldleaves);
		json_array_foreach(oldleaves, i, l) {
			const char *leaf = json_string_value(l);
			if (set_has(newset, leaf))
				continue;
			bool shared = false;
			json_array_foreach(mf, j, e)
				if (e != mine && set_has(json_object_get(e, "fieldsV1"), leaf))
					shared = true;
			if (!shared)
				remove_at(c->k, obj, leaf);
		}
		json_decref(oldleaves);
		json_t *cfg_copy = json_deep_copy(cfg);
		json_object_del(cfg_copy, "apiVersion");
		json_object_del(cfg_copy, "kind");
		json_t *cm = json_object_get(cfg_copy, "metadata");
		if (cm) {
			json_object_del(cm, "managedFields");
			json_object_del(cm, "resourceVersion");
		}
		merge_into(c->k, obj, cfg_copy, "");
		json_decref(cfg_copy);
		json_object_set(mine, "fieldsV1", newset);
		char ts[40];
		now_ts(ts, sizeof(ts));
		json_object_set_new(mine, "time", json_string(ts));
		drop_empty_entries(mf);
		int rc = write_object(c, obj, old, rev, false);
		json_decref(old);
		if (rc != 1) {
			json_decref(newset);
			json_decref(newleaves);
			return rc;
		}
	}
	json_decref(newset);
	json_decref(newleaves);
	return reply_error(c->r, 409, "Conflict", "the object kept changing while it was applied; try again");
}
