/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Serving custom resources: every served version of a CRD becomes a row of
 * the kinds table whose hooks apply the version's structural schema
 * (defaults, pruning, validation) and printer columns. Objects are stored
 * once per group/resource in the storage version.
 */
#include <stdio.h>
#include <string.h>

#include "api/crd.h"
#include "api/kinds.h"
#include "api/object.h"
#include "api/schema.h"
#include "api/table.h"
#include "lib/jparse.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

static const json_t *schema_of(const struct api_kind *k)
{
	return json_object_get(json_object_get(k->crd, "schema"), "openAPIV3Schema");
}

static void cr_defaults(const struct api_kind *k, json_t *obj)
{
	const json_t *s = schema_of(k);

	if (!s)
		return;
	schema_prune(s, obj);
	schema_default(s, obj);
}

static void cr_validate(const struct api_kind *k, const json_t *obj, const json_t *old, json_t *causes)
{
	const json_t *s = schema_of(k);

	if (s)
		schema_validate(s, obj, "", causes);
}

static json_t *cr_columns(const struct api_kind *k)
{
	return crd_table_columns(k->crd);
}

static json_t *cr_row(const struct api_kind *k, const json_t *obj)
{
	json_t *cols = crd_table_columns(k->crd);
	json_t *cells = crd_table_row(k->crd, obj);
	size_t i;
	json_t *c;

	/* Dates print as ages, like the built-in Age column. */
	json_array_foreach(cols, i, c) {
		const char *type = json_string_value(json_object_get(c, "type"));
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *cell = json_array_get(cells, i);
		if (json_is_string(cell) && ((type && !strcmp(type, "date")) || (name && !strcmp(name, "Age")))) {
			char age[32];
			table_age(json_string_value(cell), age, sizeof(age));
			json_array_set_new(cells, i, json_string(age));
		}
	}
	json_decref(cols);
	return cells;
}

static const char *dup_str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? xstrdup(s) : NULL;
}

/* A new row for one version; strings are owned by the row forever (rows are never freed). */
static struct api_kind *row_for(const json_t *spec, const json_t *ver, bool storage)
{
	const json_t *names = json_object_get(spec, "names");
	struct api_kind *k = xcalloc(1, sizeof(*k));
	size_t i;
	json_t *v;

	k->group = dup_str(spec, "group");
	k->version = dup_str(ver, "name");
	k->kind = dup_str(names, "kind");
	k->list_kind = dup_str(names, "listKind");
	if (!k->list_kind)
		k->list_kind = xasprintf("%sList", k->kind ? k->kind : "");
	k->resource = dup_str(names, "plural");
	k->singular = dup_str(names, "singular");
	if (!k->singular)
		k->singular = xstrdup("");
	const char *scope = json_string_value(json_object_get(spec, "scope"));
	k->namespaced = !scope || strcmp(scope, "Cluster");
	json_array_foreach(json_object_get(names, "shortNames"), i, v)
		if (i < 3 && json_is_string(v))
			k->short_names[i] = xstrdup(json_string_value(v));
	json_array_foreach(json_object_get(names, "categories"), i, v)
		if (i < 2 && json_is_string(v))
			k->categories[i] = xstrdup(json_string_value(v));
	json_t *sub = json_object_get(ver, "subresources");
	if (json_object_get(sub, "status"))
		k->subresources |= API_SUB_STATUS;
	if (json_object_get(sub, "scale"))
		k->subresources |= API_SUB_SCALE;
	k->storage_version = storage;
	k->defaults = cr_defaults;
	k->validate = cr_validate;
	k->columns = cr_columns;
	k->row = cr_row;
	k->crd = json_deep_copy(ver);
	return k;
}

void crd_sync(const json_t *crd, bool gone)
{
	const json_t *spec = json_object_get(crd, "spec");
	const char *group = json_string_value(json_object_get(spec, "group"));
	const char *plural = obj_str(spec, "names.plural");
	const char *storage = crd_storage_version(crd);
	size_t i;
	json_t *v;

	if (!group || !plural)
		return;
	kinds_remove_group_resource(group, plural);
	if (gone)
		return;
	json_array_foreach(json_object_get(spec, "versions"), i, v) {
		if (!json_is_true(json_object_get(v, "served")))
			continue;
		const char *name = json_string_value(json_object_get(v, "name"));
		kinds_add(row_for(spec, v, storage && name && !strcmp(name, storage)));
	}
}

int crd_load_all(struct store *s, struct atoll_err *err)
{
	struct store_list l = { 0 };

	if (store_list(s, "apiextensions.k8s.io/customresourcedefinitions/", "", 0, &l, err) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++) {
		json_t *crd = jparse_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		if (crd)
			crd_sync(crd, false);
		json_decref(crd);
	}
	store_list_free(&l);
	return 0;
}

void crd_mark_established(struct store *s, const json_t *crd_in)
{
	struct atoll_err err = ERR_INIT;
	const char *name = obj_name(crd_in);

	if (!name)
		return;
	_cleanup_free_ char *key = xasprintf("apiextensions.k8s.io/customresourcedefinitions//%s", name);
	for (int attempt = 0; attempt < 5; attempt++) {
		struct store_kv kv = { 0 };
		if (store_get(s, key, &kv, &err) < 0)
			return;
		json_t *crd = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
		int64_t rev = kv.mod_rev;
		store_kv_release(&kv);
		if (!crd)
			return;
		json_t *names = json_object_get(json_object_get(crd, "spec"), "names");
		json_t *st = json_object_get(crd, "status");
		if (json_is_object(st) && json_equal(json_object_get(st, "acceptedNames"), names) &&
		    json_array_size(json_object_get(st, "conditions")) >= 2) {
			json_decref(crd);
			return;
		}
		char now[40];
		obj_now(now, sizeof(now));
		crd_status_accept(crd, now);
		int64_t nrev;
		int rc = obj_store_put(s, key, crd, rev, &nrev, &err);
		json_decref(crd);
		if (rc == 0 || err.code != 409)
			return;
	}
}
