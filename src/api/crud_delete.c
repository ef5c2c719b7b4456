/* SPDX-License-Identifier: Apache-2.0 */
/* DELETE of one object and DELETE of a collection. */
#include <stdlib.h>
#include <string.h>

#include "api/delete.h"
#include "api/filter.h"
#include "api/object.h"
#include "api/write.h"
#include "lib/xalloc.h"
#include "store/store.h"

static int parse_opts(struct api_call *c, struct delete_opts *o, json_t **body, struct atoll_err *err)
{
	*body = NULL;
	if (c->r->body.len) {
		*body = req_body_json(c);
		if (!*body)
			return -2; /* already answered */
	}
	if (delete_opts_parse(*body, req_query(c->r, "propagationPolicy"), o, err) < 0)
		return -1;
	if (c->dry_run)
		o->dry_run = true;
	/* ?gracePeriodSeconds=N, as in the body's DeleteOptions (the body wins). */
	const char *g = req_query(c->r, "gracePeriodSeconds");
	if (g && !o->has_grace) {
		char *end;
		long long v = strtoll(g, &end, 10);
		if (!*g || *end)
			return err_set(err, 400, "BadRequest", "gracePeriodSeconds: invalid value \"%s\"", g);
		o->has_grace = true;
		o->grace = v < 0 ? 0 : v;
	}
	return 0;
}

int crud_delete(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	struct delete_opts o;
	json_t *body, *result = NULL;
	bool gone = false;
	int rc = parse_opts(c, &o, &body, &err);

	if (rc == -2)
		return 0;
	if (rc < 0 || obj_delete(c->r->srv->store, c->k, c->t.ns, c->t.name, &o, &result, &gone, &err) < 0) {
		json_decref(body);
		return reply_status(c->r, &err, &c->t);
	}
	json_decref(body);
	if (!o.dry_run)
		write_after(c, result, gone);
	/* 200 when the object is gone, 202 when deletion waits for finalizers. */
	return reply_json(c->r, gone ? 200 : 202, result);
}

int crud_delete_collection(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	struct delete_opts o;
	struct filter *f = NULL;
	json_t *body;
	_cleanup_free_ char *prefix = obj_key(c->k, *c->t.ns ? c->t.ns : NULL, NULL);
	struct store_list l = { 0 };
	int rc = parse_opts(c, &o, &body, &err);

	if (rc == -2)
		return 0;
	if (rc < 0 || filter_from_req(c->r, &f, &err) < 0 ||
	    store_list(c->r->srv->store, prefix, "", 0, &l, &err) < 0) {
		json_decref(body);
		filter_free(f);
		return reply_status(c->r, &err, &c->t);
	}
	json_t *items = json_array();
	for (size_t i = 0; i < l.n; i++) {
		json_t *obj = obj_decode(l.items[i].value->data, l.items[i].value->len, l.items[i].mod_rev);
		if (!obj || !filter_match(f, obj)) {
			json_decref(obj);
			continue;
		}
		json_t *res = NULL;
		bool gone;
		struct atoll_err e2 = ERR_INIT;
		const char *ns = obj_namespace(obj);
		if (obj_delete(c->r->srv->store, c->k, ns ? ns : "", obj_name(obj), &o, &res, &gone, &e2) == 0) {
			if (!o.dry_run)
				write_after(c, res, gone);
			json_array_append_new(items, res);
		}
		json_decref(obj);
	}
	store_list_free(&l);
	filter_free(f);
	json_decref(body);
	char apiv[128];
	obj_api_version(c->k, apiv, sizeof(apiv));
	return reply_json(c->r, 200, json_pack("{s:s,s:s,s:{},s:o}", "kind", c->k->list_kind,
					       "apiVersion", apiv, "metadata", "items", items));
}
