/* SPDX-License-Identifier: Apache-2.0 */
/* Work that follows a successful write: CRDs change the kinds table. */
#include <string.h>

#include "api/crd.h"
#include "api/object.h"
#include "api/write.h"
#include "lib/xalloc.h"
#include "store/store.h"

/* A CRD's custom resources go with it. */
static void delete_custom_resources(struct store *s, const json_t *crd)
{
	struct atoll_err err = ERR_INIT;
	const json_t *spec = json_object_get(crd, "spec");
	const char *group = json_string_value(json_object_get(spec, "group"));
	const char *plural = obj_str(spec, "names.plural");
	struct store_list l = { 0 };

	if (!group || !plural)
		return;
	_cleanup_free_ char *prefix = xasprintf("%s/%s/", group, plural);
	if (store_list(s, prefix, "", 0, &l, &err) < 0)
		return;
	for (size_t i = 0; i < l.n; i++) {
		int64_t rev;
		store_delete(s, l.items[i].key, STORE_ANY, &rev, &err);
	}
	store_list_free(&l);
}

void write_after(struct api_call *c, const json_t *obj, bool deleted)
{
	if (strcmp(c->k->resource, "customresourcedefinitions") || strcmp(c->k->group, "apiextensions.k8s.io"))
		return;
	crd_sync(obj, deleted);
	if (deleted)
		delete_custom_resources(c->r->srv->store, obj);
	else
		crd_mark_established(c->r->srv->store, obj);
}
