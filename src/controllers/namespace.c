/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespace lifecycle: a namespace marked for deletion is emptied, then its
 * "kubernetes" finalizer is removed and it goes. Runs on each tick while any
 * namespace is terminating, so objects that wait for finalizers are retried.
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

struct empty_ctx {
	struct store *s;
	const char *ns;
	size_t left; /* objects still in the namespace */
};

static int empty_kind(const struct api_kind *k, void *p)
{
	struct empty_ctx *c = p;
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };

	if (!k->namespaced || !k->storage_version)
		return 0;
	_cleanup_free_ char *prefix = obj_key(k, c->ns, NULL);
	if (store_list(c->s, prefix, "", 0, &l, &err) < 0)
		return 0;
	for (size_t i = 0; i < l.n; i++) {
		char ns[256], name[256];
		if (!kinds_find_key(l.items[i].key, ns, sizeof(ns), name, sizeof(name)))
			continue;
		c->left++;
		/* Already marked: wait for its finalizers. */
		if (memmem(l.items[i].value->data, l.items[i].value->len, "\"deletionTimestamp\"", 19))
			continue;
		struct delete_opts o = { .policy = DELETE_BACKGROUND };
		json_t *res = NULL;
		bool gone;
		if (obj_delete(c->s, k, ns, name, &o, &res, &gone, &err) == 0)
			json_decref(res);
	}
	store_list_free(&l);
	return 0;
}

static void finish(struct store *s, const char *key, json_t *nsobj, int64_t rev)
{
	struct atoll_err err = ERR_INIT;
	json_t *spec = json_object_get(nsobj, "spec");
	json_t *fins = json_object_get(spec, "finalizers");
	json_t *kept = json_array();
	size_t i;
	json_t *v;
	int64_t nrev;

	json_array_foreach(fins, i, v)
		if (!json_is_string(v) || strcmp(json_string_value(v), "kubernetes"))
			json_array_append(kept, v);
	bool meta_fins = json_array_size(json_object_get(json_object_get(nsobj, "metadata"), "finalizers")) > 0;
	if (json_array_size(kept) == 0 && !meta_fins) {
		json_decref(kept);
		if (store_delete(s, key, rev, &nrev, &err) < 0 && err.code != 404)
			log_warn("namespace", "deleting %s: %s", key, err.msg);
		return;
	}
	json_object_set_new(spec, "finalizers", kept);
	obj_store_put(s, key, nsobj, rev, &nrev, &err);
}

static void tick(struct ctl_loop *l)
{
	struct atoll_err err = ERR_INIT;
	struct store_list nl = { 0 };

	if (store_list(l->store, "core/namespaces//", "", 0, &nl, &err) < 0)
		return;
	for (size_t i = 0; i < nl.n; i++) {
		struct store_kv *kv = &nl.items[i];
		if (!memmem(kv->value->data, kv->value->len, "\"deletionTimestamp\"", 19))
			continue;
		json_t *o = jparse_loadb(kv->value->data, kv->value->len, 0, NULL);
		const char *name = obj_name(o);
		if (!name) {
			json_decref(o);
			continue;
		}
		struct empty_ctx c = { l->store, name, 0 };
		kinds_foreach(empty_kind, &c);
		if (c.left == 0)
			finish(l->store, kv->key, o, kv->mod_rev);
		json_decref(o);
	}
	store_list_free(&nl);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	/* A namespace just marked for deletion: start at once rather than at the next tick. */
	if (ev->type == STORE_EV_PUT && memmem(ev->value->data, ev->value->len, "\"deletionTimestamp\"", 19))
		tick(l);
}

static struct ctl_loop loop = {
	.name = "namespace",
	.prefix = "core/namespaces/",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_namespace_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
