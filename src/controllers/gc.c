/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Garbage collector: objects whose owners (metadata.ownerReferences) are
 * gone are deleted; owners deleted with propagationPolicy Foreground wait
 * for their dependents ("foregroundDeletion" finalizer); with Orphan, their
 * dependents lose the owner reference ("orphan" finalizer).
 *
 * Each pass scans all objects once: simple and correct at the scale this
 * control plane targets; an owner index is the next step if it shows up in
 * profiles.
 */
#include <stdio.h>
#include <string.h>

#include "api/delete.h"
#include "api/kinds.h"
#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/loop.h"
#include "lib/jparse.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static bool dirty = true; /* only touched by the loop's thread */

struct owner_state {
	const char *uid;
	bool exists;
	bool foreground, orphan; /* owner is being deleted this way */
	bool seen;
};

static bool has_finalizer(const json_t *meta, const char *f)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(meta, "finalizers"), i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), f))
			return true;
	return false;
}

static void put_object(struct store *s, const char *key, json_t *obj, int64_t rev)
{
	struct atoll_err err = ERR_INIT;
	int64_t nrev;

	if (obj_store_put(s, key, obj, rev, &nrev, &err) < 0)
		dirty = true; /* raced: the next pass retries */
}

static void remove_finalizer(json_t *meta, const char *f)
{
	json_t *fs = json_object_get(meta, "finalizers");
	json_t *kept = json_array();
	size_t i;
	json_t *v;

	json_array_foreach(fs, i, v)
		if (!json_is_string(v) || strcmp(json_string_value(v), f))
			json_array_append(kept, v);
	if (json_array_size(kept))
		json_object_set_new(meta, "finalizers", kept);
	else {
		json_decref(kept);
		json_object_del(meta, "finalizers");
	}
}

static void pass(struct ctl_loop *l)
{
	struct atoll_err err = ERR_INIT;
	struct store_list all = { 0 };

	if (!dirty)
		return;
	dirty = false;
	if (store_list(l->store, "", "", 0, &all, &err) < 0) {
		dirty = true;
		return;
	}
	/*
	 * Nothing to collect unless some object names an owner or waits on a
	 * GC finalizer: a byte search finds out without parsing anything.
	 */
	bool work = false;
	for (size_t i = 0; i < all.n && !work; i++) {
		const struct blob *b = all.items[i].value;
		work = memmem(b->data, b->len, "\"ownerReferences\"", 17) ||
		       memmem(b->data, b->len, "\"foregroundDeletion\"", 20) ||
		       memmem(b->data, b->len, "\"orphan\"", 8);
	}
	if (!work) {
		store_list_free(&all);
		return;
	}
	/* uid -> index into all.items */
	json_t *uids = json_object();
	json_t **objs = xcalloc(all.n ? all.n : 1, sizeof(*objs));
	for (size_t i = 0; i < all.n; i++) {
		objs[i] = jparse_loadb(all.items[i].value->data, all.items[i].value->len, 0, NULL);
		const char *uid = obj_str(objs[i], "metadata.uid");
		if (uid)
			json_object_set_new(uids, uid, json_integer((json_int_t)i));
	}
	/* For owners being deleted in foreground: do they still have dependents? */
	json_t *has_dependents = json_object();
	for (size_t i = 0; i < all.n; i++) {
		json_t *meta = json_object_get(objs[i], "metadata");
		json_t *refs = json_object_get(meta, "ownerReferences");
		if (!json_array_size(refs))
			continue;
		size_t j;
		json_t *ref;
		json_t *kept = json_array();
		bool changed = false, orphaned_all = true, any_alive = false;
		json_array_foreach(refs, j, ref) {
			const char *ouid = json_string_value(json_object_get(ref, "uid"));
			json_t *oi = ouid ? json_object_get(uids, ouid) : NULL;
			if (!oi) { /* owner gone */
				changed = true;
				continue;
			}
			json_t *ometa = json_object_get(objs[json_integer_value(oi)], "metadata");
			bool deleting = json_object_get(ometa, "deletionTimestamp") != NULL;
			if (deleting && has_finalizer(ometa, "orphan")) {
				changed = true; /* drop the reference, keep the object */
				continue;
			}
			orphaned_all = false;
			json_array_append(kept, ref);
			if (deleting && has_finalizer(ometa, "foregroundDeletion"))
				json_object_set_new(has_dependents, ouid, json_true());
			else
				any_alive = true;
		}
		char ns[256], name[256];
		const struct api_kind *k = kinds_find_key(all.items[i].key, ns, sizeof(ns), name, sizeof(name));
		if (!k) {
			json_decref(kept);
			continue;
		}
		bool owners_gone = json_array_size(kept) == 0 && !orphaned_all;
		(void)owners_gone;
		if (json_array_size(kept) == 0) {
			/* Every owner gone (delete) or orphaning us (just drop the references). */
			bool all_orphaning = true;
			json_array_foreach(refs, j, ref) {
				const char *ouid = json_string_value(json_object_get(ref, "uid"));
				if (!ouid || !json_object_get(uids, ouid))
					all_orphaning = false;
			}
			if (all_orphaning) {
				json_object_del(meta, "ownerReferences");
				put_object(l->store, all.items[i].key, objs[i], all.items[i].mod_rev);
			} else if (!json_object_get(meta, "deletionTimestamp")) {
				struct delete_opts o = { .policy = DELETE_BACKGROUND };
				json_t *res = NULL;
				bool gone;
				if (obj_delete(l->store, k, ns, name, &o, &res, &gone, &err) == 0)
					json_decref(res);
				dirty = true;
			}
		} else if (!any_alive && !json_object_get(meta, "deletionTimestamp")) {
			/* Only foreground-deleting owners left: delete this dependent first. */
			struct delete_opts o = { .policy = DELETE_FOREGROUND };
			json_t *res = NULL;
			bool gone;
			if (obj_delete(l->store, k, ns, name, &o, &res, &gone, &err) == 0)
				json_decref(res);
			dirty = true;
		} else if (changed) {
			json_object_set(meta, "ownerReferences", kept);
			put_object(l->store, all.items[i].key, objs[i], all.items[i].mod_rev);
		}
		json_decref(kept);
	}
	/* Owners waiting on finalizers we handle. */
	for (size_t i = 0; i < all.n; i++) {
		json_t *meta = json_object_get(objs[i], "metadata");
		if (!json_object_get(meta, "deletionTimestamp"))
			continue;
		const char *uid = obj_str(objs[i], "metadata.uid");
		bool fg = has_finalizer(meta, "foregroundDeletion");
		bool orphan = has_finalizer(meta, "orphan");
		if (!fg && !orphan)
			continue;
		if (fg && uid && json_object_get(has_dependents, uid))
			continue; /* dependents still there */
		/* Orphaning is done above in this same pass; drop the finalizers. */
		remove_finalizer(meta, "foregroundDeletion");
		remove_finalizer(meta, "orphan");
		char ns[256], name[256];
		const struct api_kind *k = kinds_find_key(all.items[i].key, ns, sizeof(ns), name, sizeof(name));
		if (k && json_array_size(json_object_get(meta, "finalizers")) == 0) {
			int64_t nrev;
			if (store_delete(l->store, all.items[i].key, all.items[i].mod_rev, &nrev, &err) < 0)
				dirty = true;
		} else {
			put_object(l->store, all.items[i].key, objs[i], all.items[i].mod_rev);
		}
		dirty = true;
	}
	for (size_t i = 0; i < all.n; i++)
		json_decref(objs[i]);
	free(objs);
	json_decref(uids);
	json_decref(has_dependents);
	store_list_free(&all);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	/* Deletions, and objects with owners or GC finalizers, can need work. */
	if (ev->type == STORE_EV_DELETE ||
	    memmem(ev->value->data, ev->value->len, "\"ownerReferences\"", 17) ||
	    memmem(ev->value->data, ev->value->len, "\"deletionTimestamp\"", 19))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "gc",
	.prefix = "",
	.on_event = on_event,
	.on_tick = pass,
};

void ctl_gc_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
