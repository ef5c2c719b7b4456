/* SPDX-License-Identifier: Apache-2.0 */
/* GET of one object and LIST with selectors, pagination and Table output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cryptolib.h"
#include "api/filter.h"
#include "api/object.h"
#include "api/request.h"
#include "lib/jdump.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"
#include "store/store.h"

/* Continue tokens: base64 of {"rv":N,"start":"<last key>"}, opaque to clients. */
static char *continue_encode(int64_t rev, const char *last_key)
{
	json_t *j = json_pack("{s:I,s:s}", "rv", (json_int_t)rev, "start", last_key);
	char *s = jdump(j, JSON_COMPACT, NULL);
	size_t n = strlen(s);
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, (unsigned char *)s, (int)n);
	free(s);
	json_decref(j);
	return out;
}

static char *continue_decode(const char *tok, int64_t *rev)
{
	size_t n = strlen(tok);
	_cleanup_free_ unsigned char *raw = xmalloc(n + 4);
	int m;
	char *start = NULL;

	if (n == 0 || n % 4 || n > 4096)
		return NULL;
	m = EVP_DecodeBlock(raw, (const unsigned char *)tok, (int)n);
	if (m <= 0)
		return NULL;
	while (m > 0 && raw[m - 1] == '\0')
		m--;
	json_t *j = jparse_loadb((char *)raw, (size_t)m, 0, NULL);
	const char *s = json_string_value(json_object_get(j, "start"));
	if (s && json_is_integer(json_object_get(j, "rv"))) {
		start = xstrdup(s);
		*rev = json_integer_value(json_object_get(j, "rv"));
	}
	json_decref(j);
	return start;
}

int crud_get(struct api_call *c)
{
	_cleanup_free_ char *key = obj_key(c->k, c->t.ns, c->t.name);
	struct store_kv kv = { 0 };
	struct atoll_err err = ERR_INIT;

	if (store_get(c->r->srv->store, key, &kv, &err) < 0) {
		if (err.code == 404)
			return reply_error(c->r, 404, "NotFound", "%s \"%s\" not found",
					   c->k->resource, c->t.name);
		return reply_status(c->r, &err, &c->t);
	}
	if (c->table) {
		json_t *o = obj_decode(kv.value->data, kv.value->len, kv.mod_rev);
		char rv[32];
		snprintf(rv, sizeof(rv), "%lld", (long long)kv.mod_rev);
		store_kv_release(&kv);
		json_t *t = render_table(c->k, &o, o ? 1 : 0, rv, req_query(c->r, "includeObject"));
		json_decref(o);
		return reply_json(c->r, 200, t);
	}
	struct buf out = BUF_INIT;
	obj_splice_rv(&out, kv.value->data, kv.value->len, kv.mod_rev);
	store_kv_release(&kv);
	size_t len;
	char *body = buf_detach(&out, &len);
	return reply_raw(c->r, 200, "application/json", body, len);
}

int crud_list(struct api_call *c)
{
	struct api_req *r = c->r;
	struct atoll_err err = ERR_INIT;
	struct filter *f = NULL;
	const char *lim = req_query(r, "limit");
	const char *cont = req_query(r, "continue");
	long long limit = lim ? atoll(lim) : 0;
	_cleanup_free_ char *prefix = obj_key(c->k, *c->t.ns ? c->t.ns : NULL, NULL);
	_cleanup_free_ char *after = NULL;
	int64_t cont_rev = 0;
	char apiv[128];

	if (limit < 0)
		limit = 0;
	if (cont && *cont) {
		after = continue_decode(cont, &cont_rev);
		if (!after || strncmp(after, prefix, strlen(prefix)))
			return reply_error(r, 400, "BadRequest", "continue key is not valid");
	}
	if (filter_from_req(r, &f, &err) < 0)
		return reply_status(r, &err, &c->t);

	struct buf items = BUF_INIT;
	obj_api_version(c->k, apiv, sizeof(apiv));
	buf_addf(&items, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"items\":[", c->k->list_kind, apiv);
	size_t items_start = items.len;
	json_t **objs = NULL;
	size_t nobjs = 0, aobjs = 0, taken = 0;
	int64_t list_rev = 0;
	bool more = false;
	size_t remaining = 0;
	char *last_key = NULL;

	/* Page through the store until `limit` matching items (all when 0). */
	for (int round = 0;; round++) {
		struct store_list l = { 0 };
		size_t want = limit ? (size_t)(limit - (long long)taken) : 0;
		if (f && want && want < 256)
			want = 256; /* filtering drops items: read ahead */
		if (store_list(r->srv->store, prefix, after ? after : "", want, &l, &err) < 0) {
			buf_release(&items);
			filter_free(f);
			free(last_key);
			return reply_status(r, &err, &c->t);
		}
		if (round == 0)
			list_rev = l.rev;
		size_t i;
		for (i = 0; i < l.n; i++) {
			struct store_kv *kv = &l.items[i];
			json_t *o = NULL;
			if (limit && taken == (size_t)limit) {
				more = true;
				break;
			}
			if (f || c->table) {
				o = obj_decode(kv->value->data, kv->value->len, kv->mod_rev);
				if (!o || !filter_match(f, o)) {
					json_decref(o);
					goto next;
				}
			}
			if (c->table) {
				if (nobjs == aobjs) {
					aobjs = aobjs ? 2 * aobjs : 64;
					objs = xrealloc(objs, aobjs * sizeof(*objs));
				}
				objs[nobjs++] = o;
			} else {
				json_decref(o);
				if (items.len > items_start)
					buf_addc(&items, ',');
				obj_splice_rv(&items, kv->value->data, kv->value->len, kv->mod_rev);
			}
			taken++;
		next:
			free(last_key);
			last_key = xstrdup(kv->key);
		}
		bool page_more = l.more || i < l.n;
		if (i < l.n) {
			/* Stopped early: the continue point is the last taken key. */
			free(last_key);
			last_key = xstrdup(i > 0 ? l.items[i - 1].key : (after ? after : ""));
		}
		remaining = l.remaining + (l.n - i);
		store_list_free(&l);
		if (more || !page_more || !limit)
			break;
		if (taken == (size_t)limit) {
			more = true;
			break;
		}
		free(after);
		after = xstrdup(last_key);
	}
	filter_free(f);

	char rv[32];
	snprintf(rv, sizeof(rv), "%lld", (long long)(cont_rev ? cont_rev : list_rev));
	_cleanup_free_ char *ctok = more && last_key ? continue_encode(cont_rev ? cont_rev : list_rev, last_key) : NULL;
	free(last_key);

	if (c->table) {
		buf_release(&items); /* the rows come from objs */
		json_t *t = render_table(c->k, objs, nobjs, rv, req_query(r, "includeObject"));
		for (size_t i = 0; i < nobjs; i++)
			json_decref(objs[i]);
		free(objs);
		if (ctok)
			json_object_set_new(json_object_get(t, "metadata"), "continue", json_string(ctok));
		return reply_json(r, 200, t);
	}
	/*
	 * The items were written straight into the response buffer; metadata
	 * goes after them (key order does not matter in JSON) so a large list
	 * is never copied.
	 */
	buf_adds(&items, "],\"metadata\":{");
	buf_addf(&items, "\"resourceVersion\":\"%s\"", rv);
	if (ctok) {
		buf_addf(&items, ",\"continue\":\"%s\"", ctok);
		if (!req_query(r, "labelSelector") && !req_query(r, "fieldSelector"))
			buf_addf(&items, ",\"remainingItemCount\":%zu", remaining);
	}
	buf_adds(&items, "}}");
	size_t len;
	char *body = buf_detach(&items, &len);
	return reply_raw(r, 200, "application/json", body, len);
}
