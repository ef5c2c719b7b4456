/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Group commit: callers of store_put/store_delete queue a request and sleep;
 * one writer thread takes every queued request, checks each condition in
 * queue order against the state as the batch has changed it so far, writes
 * the successful ones in one transaction (one fsync), then publishes them to
 * the index and the watch ring, wakes the callers and notifies watchers.
 */
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store_int.h"

#define WRITER_MAX_BATCH 4096

struct wreq {
	bool del;
	const char *key;         /* borrowed from the caller */
	struct blob *value;      /* borrowed */
	int64_t expect;
	int64_t rev;             /* out */
	int rc;                  /* out */
	struct atoll_err *err;   /* out, may be NULL */
	bool done;               /* under wr->mu */
	pthread_cond_t cond;
	struct wreq *next;
};

/* The state of a key as seen by the batch being built. */
struct kstate {
	bool exists;
	struct blob *value;      /* borrowed */
	int64_t create_rev;
	int64_t mod_rev;
};

/* Keys written earlier in the batch: open addressing over indexes into evs. */
struct overlay {
	size_t *slot;            /* index + 1, 0 = empty */
	size_t cap;
};

static uint64_t ov_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t *ov_find(struct overlay *ov, const struct ring_ev *evs, const char *key)
{
	size_t i = ov_hash(key) & (ov->cap - 1);

	while (ov->slot[i] && strcmp(evs[ov->slot[i] - 1].key, key))
		i = (i + 1) & (ov->cap - 1);
	return &ov->slot[i];
}

static void key_state(struct store *s, struct overlay *ov, const struct ring_ev *evs,
		      const char *key, struct kstate *ks)
{
	size_t *slot = ov_find(ov, evs, key);
	const struct idx_node *n;

	memset(ks, 0, sizeof(*ks));
	if (*slot) {
		const struct ring_ev *e = &evs[*slot - 1];
		if (e->type == STORE_EV_PUT) {
			ks->exists = true;
			ks->value = e->value;
			ks->create_rev = e->create_rev;
			ks->mod_rev = e->rev;
		}
		return;
	}
	/* Only this thread changes the index, so reading it unlocked is safe. */
	n = idx_find(&s->idx, key);
	if (n) {
		ks->exists = true;
		ks->value = n->value;
		ks->create_rev = n->create_rev;
		ks->mod_rev = n->mod_rev;
	}
}

static int check(const struct wreq *r, const struct kstate *ks)
{
	if (!r->del && r->expect == STORE_ABSENT) {
		if (ks->exists)
			return err_set(r->err, 409, "AlreadyExists", "%s already exists", r->key);
		return 0;
	}
	if (r->del && !ks->exists)
		return err_set(r->err, 404, "NotFound", "%s not found", r->key);
	if (r->expect > 0) {
		if (!ks->exists)
			return err_set(r->err, 404, "NotFound", "%s not found", r->key);
		if (ks->mod_rev != r->expect)
			return err_set(r->err, 409, "Conflict",
				       "the object has been modified (revision %lld, expected %lld)",
				       (long long)ks->mod_rev, (long long)r->expect);
	}
	return 0;
}

/* Requests to events; a failed condition only sets its request's error. Returns the count. */
static size_t build_events(struct store *s, struct wreq *reqs, struct ring_ev *evs,
			   struct overlay *ov)
{
	int64_t rev = s->rev;
	size_t n = 0;

	for (struct wreq *r = reqs; r; r = r->next) {
		struct kstate ks;
		key_state(s, ov, evs, r->key, &ks);
		r->rc = check(r, &ks);
		if (r->rc < 0)
			continue;
		struct ring_ev *e = &evs[n];
		e->rev = ++rev;
		e->type = r->del ? STORE_EV_DELETE : STORE_EV_PUT;
		e->created = !ks.exists;
		e->create_rev = ks.exists ? ks.create_rev : e->rev;
		e->key = xstrdup(r->key);
		e->value = blob_ref(r->del ? ks.value : r->value);
		e->prev = blob_ref(ks.value);
		r->rev = e->rev;
		/* Later requests on this key see this event (the slot moves to it). */
		*ov_find(ov, evs, r->key) = ++n;
	}
	return n;
}

static void publish(struct store *s, const struct ring_ev *evs, size_t n)
{
	pthread_rwlock_wrlock(&s->lock);
	for (size_t i = 0; i < n; i++) {
		const struct ring_ev *e = &evs[i];
		if (e->type == STORE_EV_PUT)
			idx_put(&s->idx, e->key, e->value, e->create_rev, e->rev);
		else
			idx_del(&s->idx, e->key);
		ring_push(&s->ring, e);
	}
	__atomic_store_n(&s->rev, evs[n - 1].rev, __ATOMIC_RELEASE);
	if (s->compacted < evs[n - 1].rev - s->log_keep)
		s->compacted = evs[n - 1].rev - s->log_keep;
	pthread_rwlock_unlock(&s->lock);
}

static void run_batch(struct store *s, struct wreq *reqs, size_t nreq, struct ring_ev **evs,
		      size_t *evcap, struct overlay *ov)
{
	struct atoll_err err = ERR_INIT;
	size_t n;

	if (nreq > *evcap) {
		*evcap = nreq;
		*evs = xrealloc(*evs, nreq * sizeof(**evs));
	}
	if (ov->cap < 2 * nreq) {
		while (ov->cap < 2 * nreq)
			ov->cap = ov->cap ? ov->cap * 2 : 64;
		free(ov->slot);
		ov->slot = xmalloc(ov->cap * sizeof(*ov->slot));
	}
	memset(ov->slot, 0, ov->cap * sizeof(*ov->slot));
	n = build_events(s, reqs, *evs, ov);
	if (n && db_write_batch(&s->db, *evs, n, s->log_keep, &err) < 0) {
		log_error("store", "%s", err.msg);
		for (struct wreq *r = reqs; r; r = r->next) {
			if (r->rc < 0)
				continue;
			r->rc = -1;
			if (r->err)
				*r->err = err;
		}
		while (n)
			ring_ev_release(&(*evs)[--n]);
	}
	if (n)
		publish(s, *evs, n);

	/* Wake callers first (their latency), then watchers. */
	pthread_mutex_lock(&s->wr.mu);
	for (struct wreq *r = reqs, *next; r; r = next) {
		next = r->next; /* r may be gone once signalled and unlocked */
		r->done = true;
		pthread_cond_signal(&r->cond);
	}
	pthread_mutex_unlock(&s->wr.mu);
	if (n)
		watch_notify_all(s, *evs, n);
	while (n)
		ring_ev_release(&(*evs)[--n]);
	ckpt_after_batch(&s->db);
}

static void *writer_main(void *arg)
{
	struct store *s = arg;
	struct writer *wr = &s->wr;
	struct ring_ev *evs = NULL;
	struct overlay ov = { NULL, 0 };
	size_t evcap = 0;

	for (;;) {
		struct wreq *reqs, *r, **tail;
		size_t nreq = 0;

		pthread_mutex_lock(&wr->mu);
		while (!wr->head && !wr->stop)
			pthread_cond_wait(&wr->wake, &wr->mu);
		if (!wr->head) {
			pthread_mutex_unlock(&wr->mu);
			break;
		}
		/* Take a bounded prefix of the queue; the rest goes in the next batch. */
		reqs = wr->head;
		for (tail = &reqs; *tail && nreq < WRITER_MAX_BATCH; tail = &(*tail)->next)
			nreq++;
		r = *tail;
		*tail = NULL;
		wr->head = r;
		if (!r)
			wr->tail = NULL;
		pthread_mutex_unlock(&wr->mu);
		run_batch(s, reqs, nreq, &evs, &evcap, &ov);
	}
	free(evs);
	free(ov.slot);
	return NULL;
}

int writer_start(struct store *s, struct atoll_err *err)
{
	struct writer *wr = &s->wr;
	int rc;

	pthread_mutex_init(&wr->mu, NULL);
	pthread_cond_init(&wr->wake, NULL);
	rc = pthread_create(&wr->thread, NULL, writer_main, s);
	if (rc)
		return err_set(err, 500, "InternalError", "store: writer thread: %s", strerror(rc));
	wr->started = true;
	return 0;
}

void writer_stop(struct store *s)
{
	struct writer *wr = &s->wr;

	if (!wr->started)
		return;
	pthread_mutex_lock(&wr->mu);
	wr->stop = true;
	pthread_cond_signal(&wr->wake);
	pthread_mutex_unlock(&wr->mu);
	pthread_join(wr->thread, NULL);
	pthread_cond_destroy(&wr->wake);
	pthread_mutex_destroy(&wr->mu);
	wr->started = false;
}

int writer_submit(struct store *s, bool del, const char *key, struct blob *value,
		  int64_t expect, int64_t *rev, struct atoll_err *err)
{
	struct writer *wr = &s->wr;
	struct wreq r = { .del = del, .key = key, .value = value, .expect = expect, .err = err };

	pthread_cond_init(&r.cond, NULL);
	pthread_mutex_lock(&wr->mu);
	if (wr->tail)
		wr->tail->next = &r;
	else
		wr->head = &r;
	wr->tail = &r;
	pthread_cond_signal(&wr->wake);
	while (!r.done)
		pthread_cond_wait(&r.cond, &wr->mu);
	pthread_mutex_unlock(&wr->mu);
	pthread_cond_destroy(&r.cond);
	if (r.rc == 0 && rev)
		*rev = r.rev;
	return r.rc;
}
