/* SPDX-License-Identifier: Apache-2.0 */
/* The event loop every in-process controller runs on. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "controllers/loop.h"
#include "lib/log.h"

/* Every loop's thread, so the server can stop them before it closes the store. */
#define MAX_LOOPS 64
static pthread_t threads[MAX_LOOPS];
static int nthreads;
static pthread_mutex_t threads_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stopping;

struct loop_state {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pending;
};

static void wake(void *ctx)
{
	struct loop_state *st = ctx;

	pthread_mutex_lock(&st->mu);
	st->pending = 1;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

static void *run(void *arg)
{
	struct ctl_loop *l = arg;
	struct loop_state st = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	struct atoll_err err = ERR_INIT;
	int64_t from = store_revision(l->store);
	struct store_watch *w = store_watch_open(l->store, l->prefix, from, wake, &st, &err);
	struct timespec last = { 0 };
	bool had_events = false;

	if (!w) {
		log_error(l->name, "cannot watch the store: %s", err.msg);
		return NULL;
	}
	if (l->on_tick)
		l->on_tick(l);
	while (!atomic_load(&stopping)) {
		struct store_event evs[64];
		int n = store_watch_next(w, evs, 64, &err);
		if (n < 0) {
			/* Fell behind: start over from now; the tick resyncs state. */
			log_warn(l->name, "watch lost (%s); resyncing", err.msg);
			store_watch_close(w);
			w = store_watch_open(l->store, l->prefix, store_revision(l->store), wake, &st, &err);
			if (!w)
				return NULL;
			if (l->on_tick)
				l->on_tick(l);
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (l->on_event)
				l->on_event(l, &evs[i]);
			store_event_release(&evs[i]);
		}
		if (n > 0) {
			had_events = true;
			continue;
		}
		/* Drained: tick after a burst of events, and at least once a second. */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (l->on_tick && (had_events || now.tv_sec != last.tv_sec)) {
			last = now;
			had_events = false;
			l->on_tick(l);
			continue;
		}
		pthread_mutex_lock(&st.mu);
		if (!st.pending) {
			struct timespec dl;
			clock_gettime(CLOCK_REALTIME, &dl);
			dl.tv_sec += 1;
			pthread_cond_timedwait(&st.cv, &st.mu, &dl);
		}
		st.pending = 0;
		pthread_mutex_unlock(&st.mu);
	}
	store_watch_close(w);
	return NULL;
}

void ctl_loop_start(struct ctl_loop *l)
{
	pthread_t t;

	pthread_create(&t, NULL, run, l);
	pthread_mutex_lock(&threads_mu);
	if (nthreads < MAX_LOOPS)
		threads[nthreads++] = t;
	else
		pthread_detach(t);
	pthread_mutex_unlock(&threads_mu);
}

void ctl_loops_stop(void)
{
	atomic_store(&stopping, true);
	pthread_mutex_lock(&threads_mu);
	/* Each loop wakes at least once a second and then sees the flag. */
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	nthreads = 0;
	pthread_mutex_unlock(&threads_mu);
}
