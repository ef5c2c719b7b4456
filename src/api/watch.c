/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watch streams. Each watch is a store cursor plus an output buffer. The
 * content reader drains the cursor; when it is empty it suspends the
 * connection, and the store's commit notification resumes it. A ticker
 * resumes watches whose timeout or bookmark is due.
 */
#include "lib/jdump.h"
#include "lib/serverlibs.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/filter.h"
#include "api/object.h"
#include "api/request.h"
#include "api/watch.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

#define BOOKMARK_EVERY 10 /* seconds between bookmarks, when asked for */

#define MEMO_SLOTS 256 /* filtered watches: the keys judged lately (add_filtered_event) */

struct memo {
	uint64_t hash; /* of the key, 0 when free */
	bool match;    /* the key's last value matched the filter */
};

struct api_watch {
	pthread_mutex_t mu;
	struct MHD_Connection *conn;
	struct store_watch *sw;
	const struct api_kind *k;
	struct filter *f;
	bool table;
	char *include;
	bool bookmarks;
	bool suspended, pending, closed, ending;
	struct buf out;
	size_t off;
	time_t deadline, next_bookmark;
	struct api_watch *next, *prev;
	struct memo *memo; /* MEMO_SLOTS when filtered, else NULL */
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct api_watch *watches;
static int nwatches;

int watch_count(void)
{
	return nwatches;
}

static void notify(void *ctx)
{
	struct api_watch *w = ctx;

	pthread_mutex_lock(&w->mu);
	w->pending = true;
	if (w->suspended && !w->closed) {
		w->suspended = false;
		MHD_resume_connection(w->conn);
	}
	pthread_mutex_unlock(&w->mu);
}

static void add_event(struct api_watch *w, const char *type, const struct blob *v, int64_t rev)
{
	if (w->table) {
		json_t *o = obj_decode(v->data, v->len, rev);
		if (!o)
			return;
		json_t *t = render_table_one(w->k, o, w->include);
		json_decref(o);
		char *s = jdump(t, JSON_COMPACT | JSON_PRESERVE_ORDER, NULL);
		json_decref(t);
		buf_addf(&w->out, "{\"type\":\"%s\",\"object\":%s}\n", type, s);
		free(s);
		return;
	}
	buf_addf(&w->out, "{\"type\":\"%s\",\"object\":", type);
	obj_splice_rv(&w->out, v->data, v->len, rev);
	buf_adds(&w->out, "}\n");
}

static bool blob_matches(const struct filter *f, const struct blob *b)
{
	if (!f)
		return true;
	if (!b)
		return false;
	json_t *o = filter_load(f, b->data, b->len);
	bool m = o && filter_match(f, o);
	json_decref(o);
	return m;
}

/*
 * Whether a filtered watch matched a key's value: an event's previous value
 * is the value of this watch's last event on the key, judged then; judging
 * it again would cost a second parse of the object per event. Slots are by
 * a 64-bit hash of the key, updated on every event, so a slot that names
 * the key holds the judgement of the key's previous value.
 */
static uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h | 1; /* 0 marks a free slot */
}

static void add_filtered_event(struct api_watch *w, const struct store_event *ev)
{
	uint64_t h = key_hash(ev->key);
	struct memo *m = &w->memo[h % MEMO_SLOTS];
	bool known = m->hash == h;

	if (ev->type == STORE_EV_DELETE) {
		if (known ? m->match : blob_matches(w->f, ev->value))
			add_event(w, "DELETED", ev->value, ev->rev);
		m->hash = 0;
		return;
	}
	bool now = blob_matches(w->f, ev->value);
	bool before = ev->created ? false : known ? m->match : blob_matches(w->f, ev->prev);
	m->hash = h;
	m->match = now;
	if (now && !before)
		add_event(w, "ADDED", ev->value, ev->rev);
	else if (now)
		add_event(w, "MODIFIED", ev->value, ev->rev);
	else if (before)
		add_event(w, "DELETED", ev->value, ev->rev);
}

static void add_store_event(struct api_watch *w, const struct store_event *ev)
{
	if (w->f) {
		add_filtered_event(w, ev);
		return;
	}
	const char *type = ev->type == STORE_EV_DELETE ? "DELETED" : ev->created ? "ADDED" : "MODIFIED";
	add_event(w, type, ev->value, ev->rev);
}

static void add_bookmark(struct api_watch *w, int64_t rev, bool initial_end)
{
	char apiv[128];

	obj_api_version(w->k, apiv, sizeof(apiv));
	buf_addf(&w->out,
		 "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":\"%s\","
		 "\"metadata\":{\"resourceVersion\":\"%lld\"%s}}}\n",
		 w->k->kind, apiv, (long long)rev,
		 initial_end ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "");
}

static void add_error(struct api_watch *w, const struct atoll_err *e)
{
	json_t *st = status_new(e->code, e->reason, e->msg, NULL, NULL, NULL, NULL);
	char *s = jdump(st, JSON_COMPACT | JSON_PRESERVE_ORDER, NULL);

	json_decref(st);
	buf_addf(&w->out, "{\"type\":\"ERROR\",\"object\":%s}\n", s);
	free(s);
}

static ssize_t copy_out(struct api_watch *w, char *dst, size_t max)
{
	size_t n = w->out.len - w->off;

	if (n > max)
		n = max;
	memcpy(dst, w->out.p + w->off, n);
	w->off += n;
	if (w->off == w->out.len) {
		buf_reset(&w->out);
		w->off = 0;
	}
	return (ssize_t)n;
}

static ssize_t watch_read(void *cls, uint64_t pos, char *dst, size_t max)
{
	struct api_watch *w = cls;
	struct store_event evs[64];
	ssize_t ret;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (w->out.len > w->off) {
			ret = copy_out(w, dst, max);
			break;
		}
		time_t now = time(NULL);
		if (w->ending || now >= w->deadline) {
			ret = MHD_CONTENT_READER_END_OF_STREAM;
			break;
		}
		w->pending = false;
		struct atoll_err err = ERR_INIT;
		int n = store_watch_next(w->sw, evs, 64, &err);
		if (n < 0) {
			add_error(w, &err);
			w->ending = true;
			continue;
		}
		for (int i = 0; i < n; i++) {
			add_store_event(w, &evs[i]);
			store_event_release(&evs[i]);
		}
		if (n > 0)
			continue;
		if (w->bookmarks && now >= w->next_bookmark) {
			add_bookmark(w, store_watch_rev(w->sw), false);
			w->next_bookmark = now + BOOKMARK_EVERY;
			continue;
		}
		if (w->pending)
			continue;
		w->suspended = true;
		MHD_suspend_connection(w->conn);
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&w->mu);
	return ret;
}

static void watch_free(void *cls)
{
	struct api_watch *w = cls;

	pthread_mutex_lock(&w->mu);
	w->closed = true;
	pthread_mutex_unlock(&w->mu);
	/* After close returns the store calls notify no more. */
	store_watch_close(w->sw);
	pthread_mutex_lock(&list_mu);
	if (w->prev)
		w->prev->next = w->next;
	else
		watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	nwatches--;
	pthread_mutex_unlock(&list_mu);
	filter_free(w->f);
	free(w->memo);
	free(w->include);
	buf_release(&w->out);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

static void *ticker(void *arg)
{
	for (;;) {
		sleep(1);
		time_t now = time(NULL);
		pthread_mutex_lock(&list_mu);
		for (struct api_watch *w = watches; w; w = w->next) {
			pthread_mutex_lock(&w->mu);
			bool due = now >= w->deadline || (w->bookmarks && now >= w->next_bookmark);
			if (due && w->suspended && !w->closed) {
				w->suspended = false;
				MHD_resume_connection(w->conn);
			}
			pthread_mutex_unlock(&w->mu);
		}
		pthread_mutex_unlock(&list_mu);
	}
	return NULL;
}

void watch_shutdown(void)
{
	pthread_mutex_lock(&list_mu);
	for (struct api_watch *w = watches; w; w = w->next) {
		pthread_mutex_lock(&w->mu);
		w->ending = true;
		if (w->suspended && !w->closed) {
			w->suspended = false;
			MHD_resume_connection(w->conn);
		}
		pthread_mutex_unlock(&w->mu);
	}
	pthread_mutex_unlock(&list_mu);
}

void watch_ticker_start(void)
{
	pthread_t t;

	pthread_create(&t, NULL, ticker, NULL);
	pthread_detach(t);
}

/* Synthetic ADDED events for what exists now; returns the revision they reflect. */
static int initial_events(struct api_call *c, struct api_watch *w, const char *prefix, int64_t *rev,
			  struct atoll_err *err)
{
	struct store_list l = { 0 };

	if (store_list(c->r->srv->store, prefix, "", 0, &l, err) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++)
		if (blob_matches(w->f, l.items[i].value))
			add_event(w, "ADDED", l.items[i].value, l.items[i].mod_rev);
	*rev = l.rev;
	store_list_free(&l);
	return 0;
}

int watch_start(struct api_call *c)
{
	struct api_req *r = c->r;
	struct atoll_err err = ERR_INIT;
	const char *rvs = req_query(r, "resourceVersion");
	const char *tos = req_query(r, "timeoutSeconds");
	const char *bm = req_query(r, "allowWatchBookmarks");
	const char *sie = req_query(r, "sendInitialEvents");
	_cleanup_free_ char *prefix = obj_key(c->k, *c->t.ns ? c->t.ns : NULL, NULL);
	struct api_watch *w = xcalloc(1, sizeof(*w));
	int64_t from = 0;
	long timeout = tos ? atol(tos) : 1800;

	if (timeout <= 0 || timeout > 3600)
		timeout = 1800;
	pthread_mutex_init(&w->mu, NULL);
	buf_init(&w->out);
	w->conn = r->conn;
	w->k = c->k;
	w->table = c->table;
	w->include = xstrdup(req_query(r, "includeObject") ? req_query(r, "includeObject") : "");
	w->bookmarks = query_true(bm);
	w->deadline = time(NULL) + timeout;
	w->next_bookmark = time(NULL) + 2; /* first one soon, then every BOOKMARK_EVERY */
	if (filter_from_req(r, &w->f, &err) < 0)
		goto fail;
	if (w->f)
		w->memo = xcalloc(MEMO_SLOTS, sizeof(*w->memo));
	bool initial = !rvs || !*rvs || !strcmp(rvs, "0") || query_true(sie);
	if (initial) {
		if (initial_events(c, w, prefix, &from, &err) < 0)
			goto fail;
		if (query_true(sie))
			add_bookmark(w, from, true);
	} else {
		char *end;
		from = strtoll(rvs, &end, 10);
		if (*end || from < 0) {
			err_set(&err, 400, "BadRequest", "invalid resourceVersion \"%s\"", rvs);
			goto fail;
		}
	}
	w->sw = store_watch_open(r->srv->store, prefix, from, notify, w, &err);
	if (!w->sw) {
		if (err.code == 410)
			err_set(&err, 410, "Expired", "too old resource version: %lld (%lld)",
				(long long)from, (long long)store_revision(r->srv->store));
		goto fail;
	}
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, watch_read, w, watch_free);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
	pthread_mutex_lock(&list_mu);
	w->next = watches;
	if (watches)
		watches->prev = w;
	watches = w;
	nwatches++;
	pthread_mutex_unlock(&list_mu);
	r->watch = w;
	r->verb = "watch";
	metrics_observe("watch", c->k->resource, 200, 0);
	enum MHD_Result ok = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return ok == MHD_YES ? 0 : -1;
fail:
	filter_free(w->f);
	free(w->memo);
	free(w->include);
	buf_release(&w->out);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return reply_status(r, &err, &c->t);
}
