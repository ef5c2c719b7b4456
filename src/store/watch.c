/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watching: a ring of the most recent events shared by every watcher (the
 * blobs are referenced, never copied), and watchers that are plain cursors
 * into it. A cursor older than the ring reads the SQLite event log first;
 * one older than the log gets 410 Gone. After each commit the writer wakes
 * the watchers whose prefix saw an event, at most once until they read.
 */
#include <string.h>

#include "lib/xalloc.h"
#include "store/store_int.h"

struct store_watch {
	struct store *s;
	char *prefix;            /* owned */
	size_t plen;
	/*
	 * Events up to here were delivered or skipped. Atomic: the writer moves
	 * an idle, caught-up cursor past batches it has no key in, so quiet
	 * watchers neither fall out of the log nor report stale bookmarks.
	 */
	int64_t cursor;
	store_notify_fn notify;
	void *ctx;
	int pending;             /* atomic: notified and not read since */
	struct store_watch *prev, *next; /* s->watchers, under s->wlock */
};

/* ---- the ring ---- */

void ring_init(struct ring *r, size_t cap, size_t max_bytes, int64_t rev)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->ev = xcalloc(cap, sizeof(*r->ev));
	r->max_bytes = max_bytes;
	r->first = rev + 1;
	r->last = rev;
}

static size_t ev_bytes(const struct ring_ev *e)
{
	return (e->value ? e->value->len : 0) + (e->prev ? e->prev->len : 0);
}

void ring_ev_release(struct ring_ev *e)
{
	free(e->key);
	blob_unref(e->value);
	blob_unref(e->prev);
	memset(e, 0, sizeof(*e));
}

static struct ring_ev *ring_at(const struct ring *r, int64_t rev)
{
	return &r->ev[(uint64_t)rev % r->cap];
}

static void ring_drop_oldest(struct ring *r)
{
	struct ring_ev *e = ring_at(r, r->first);

	r->bytes -= ev_bytes(e);
	ring_ev_release(e);
	r->first++;
}

void ring_release(struct ring *r)
{
	while (r->first <= r->last)
		ring_drop_oldest(r);
	free(r->ev);
	memset(r, 0, sizeof(*r));
}

void ring_push(struct ring *r, const struct ring_ev *ev)
{
	struct ring_ev *e;
	size_t nb = ev_bytes(ev);

	/* Bounded by count and by pinned bytes, so old versions cannot hold much memory. */
	while (r->first <= r->last &&
	       ((size_t)(r->last - r->first + 1) >= r->cap || r->bytes + nb > r->max_bytes))
		ring_drop_oldest(r);
	if (r->first > r->last)
		r->first = ev->rev;
	r->last = ev->rev;
	e = ring_at(r, ev->rev);
	*e = *ev;
	e->key = xstrdup(ev->key);
	blob_ref(e->value);
	blob_ref(e->prev);
	r->bytes += nb;
}

/* ---- watchers ---- */

static int64_t cur_get(const struct store_watch *w)
{
	return __atomic_load_n(&w->cursor, __ATOMIC_SEQ_CST);
}

static void cur_set(struct store_watch *w, int64_t rev)
{
	__atomic_store_n(&w->cursor, rev, __ATOMIC_SEQ_CST);
}

static bool key_matches(const struct store_watch *w, const char *key)
{
	return !strncmp(key, w->prefix, w->plen);
}

struct store_watch *store_watch_open(struct store *s, const char *prefix, int64_t from_rev,
				     store_notify_fn notify, void *ctx, struct atoll_err *err)
{
	struct store_watch *w;
	int64_t compacted;

	pthread_rwlock_rdlock(&s->lock);
	compacted = s->compacted;
	pthread_rwlock_unlock(&s->lock);
	if (from_rev < compacted) {
		err_set(err, 410, "Expired", "too old resource version: %lld (%lld)",
			(long long)from_rev, (long long)compacted);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->s = s;
	w->prefix = xstrdup(prefix ? prefix : "");
	w->plen = strlen(w->prefix);
	w->cursor = from_rev;
	w->notify = notify;
	w->ctx = ctx;
	pthread_mutex_lock(&s->wlock);
	w->next = s->watchers;
	if (w->next)
		w->next->prev = w;
	s->watchers = w;
	s->nwatchers++;
	pthread_mutex_unlock(&s->wlock);
	return w;
}

void store_watch_close(struct store_watch *w)
{
	struct store *s;

	if (!w)
		return;
	s = w->s;
	pthread_mutex_lock(&s->wlock);
	if (w->prev)
		w->prev->next = w->next;
	else
		s->watchers = w->next;
	if (w->next)
		w->next->prev = w->prev;
	s->nwatchers--;
	pthread_mutex_unlock(&s->wlock);
	free(w->prefix);
	free(w);
}

int64_t store_watch_rev(struct store_watch *w)
{
	return cur_get(w);
}

void store_event_release(struct store_event *ev)
{
	if (!ev)
		return;
	free(ev->key);
	blob_unref(ev->value);
	blob_unref(ev->prev);
	memset(ev, 0, sizeof(*ev));
}

/*
 * Copy matching ring events after the cursor. Returns the count, or -1 when
 * the ring no longer holds revision cursor+1 (*log_to is then the newest
 * revision to read from the log). Caller holds s->lock.
 */
static int ring_read(struct store_watch *w, struct store_event *out, int max, int64_t *log_to)
{
	const struct ring *r = &w->s->ring;
	int64_t from = cur_get(w);
	int n = 0;

	if (from + 1 < r->first) {
		*log_to = r->first - 1;
		return -1;
	}
	/* Stores may undo a concurrent skip by the writer; that only re-scans non-matching events. */
	for (int64_t rev = from + 1; rev <= r->last && n < max; rev++) {
		const struct ring_ev *e = ring_at(r, rev);
		cur_set(w, rev);
		if (!key_matches(w, e->key))
			continue;
		struct store_event *o = &out[n++];
		o->rev = e->rev;
		o->type = e->type;
		o->created = e->created;
		o->key = xstrdup(e->key);
		o->value = blob_ref(e->value);
		o->prev = blob_ref(e->prev);
	}
	return n;
}

int store_watch_next(struct store_watch *w, struct store_event *out, int max, struct atoll_err *err)
{
	struct store *s = w->s;
	int n = 0;

	/* Clear before reading: a commit after this point notifies again. */
	__atomic_store_n(&w->pending, 0, __ATOMIC_SEQ_CST);
	/* Each round moves the cursor; the bound only guards a writer lapping the ring. */
	for (int round = 0; round < 16 && n < max; round++) {
		int64_t log_to = 0, scanned;
		int got;

		pthread_rwlock_rdlock(&s->lock);
		int64_t from = cur_get(w);
		if (from >= s->rev) {
			pthread_rwlock_unlock(&s->lock);
			break;
		}
		got = ring_read(w, out + n, max - n, &log_to);
		pthread_rwlock_unlock(&s->lock);
		if (got >= 0) {
			n += got;
			break;
		}
		got = db_read_log(&s->db, w->prefix, from, log_to, out + n, max - n, &scanned, err);
		if (got < 0) {
			while (n > 0)
				store_event_release(&out[--n]);
			return -1;
		}
		cur_set(w, scanned);
		n += got;
	}
	return n;
}

static bool batch_matches(const struct store_watch *w, const struct ring_ev *evs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (key_matches(w, evs[i].key))
			return true;
	return false;
}

void watch_notify_all(struct store *s, const struct ring_ev *evs, size_t n)
{
	/*
	 * Under wlock, so store_watch_close() returning means no more calls.
	 * A watcher already notified and not yet read is skipped cheaply.
	 */
	pthread_mutex_lock(&s->wlock);
	for (struct store_watch *w = s->watchers; w; w = w->next) {
		if (__atomic_load_n(&w->pending, __ATOMIC_SEQ_CST))
			continue;
		if (!batch_matches(w, evs, n)) {
			int64_t caught_up = evs[0].rev - 1;
			__atomic_compare_exchange_n(&w->cursor, &caught_up, evs[n - 1].rev, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			continue;
		}
		if (w->notify && !__atomic_exchange_n(&w->pending, 1, __ATOMIC_SEQ_CST))
			w->notify(w->ctx);
	}
	pthread_mutex_unlock(&s->wlock);
}
