/* SPDX-License-Identifier: Apache-2.0 */
/* Store watches: order and exactly-once from the ring and the log, 410, notify, many watchers. */
#include <pthread.h>
#include <time.h>

#include "t.h"
#include "test_store_util.h"

/* Drain a watcher; checks revs are increasing and > from. Returns events read, or -code. */
static int drain(struct store_watch *w, int64_t *revs, char (*keys)[48], int cap)
{
	struct atoll_err err = ERR_INIT;
	struct store_event ev[5];
	int total = 0;

	for (int round = 0; round < 100000; round++) {
		int n = store_watch_next(w, ev, 5, &err);
		if (n < 0)
			return -err.code;
		for (int i = 0; i < n; i++) {
			if (total < cap) {
				revs[total] = ev[i].rev;
				if (keys)
					snprintf(keys[total], 48, "%s", ev[i].key);
			}
			total++;
			store_event_release(&ev[i]);
		}
		if (n == 0)
			break;
	}
	return total;
}

static bool revs_are(const int64_t *revs, int n, int64_t first, int64_t last)
{
	if (n != last - first + 1)
		return false;
	for (int i = 0; i < n; i++)
		if (revs[i] != first + i)
			return false;
	return true;
}

/* 20 revisions on two prefixes: creates, updates, deletes. */
static void write_history(struct store *s)
{
	char key[48];

	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "%s/k%d", i % 2 ? "b" : "a", i);
		tput(s, key, "v1", STORE_ABSENT);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "%s/k%d", i % 2 ? "b" : "a", i);
		tput(s, key, "v2", STORE_ANY);
	}
	for (int i = 5; i < 10; i++) {
		snprintf(key, sizeof(key), "%s/k%d", i % 2 ? "b" : "a", i);
		tdel(s, key, STORE_ANY);
	}
}

static void test_events(const struct tdir *t, size_t ring_events)
{
	struct store_opts o = { .no_fsync = true, .ring_events = ring_events };
	struct store *s = topen(t, &o);
	struct atoll_err err = ERR_INIT;
	struct store_event ev[32];
	struct store_watch *w;
	int64_t revs[64];
	char keys[64][48];

	write_history(s);
	CHECK(store_revision(s) == 20);

	/* From 0, everything: check each event's fields. */
	w = store_watch_open(s, "", 0, NULL, NULL, &err);
	CHECK(w != NULL);
	int n = store_watch_next(w, ev, 32, &err);
	CHECK(n == 20);
	bool ok = n == 20;
	for (int i = 0; ok && i < n; i++) {
		ok &= ev[i].rev == i + 1;
		if (i < 10)
			ok &= ev[i].type == STORE_EV_PUT && ev[i].created && !ev[i].prev &&
			      !strcmp(ev[i].value->data, "v1");
		else if (i < 15)
			ok &= ev[i].type == STORE_EV_PUT && !ev[i].created && ev[i].prev &&
			      !strcmp(ev[i].prev->data, "v1") && !strcmp(ev[i].value->data, "v2");
		else
			ok &= ev[i].type == STORE_EV_DELETE && !strcmp(ev[i].value->data, "v1");
	}
	CHECK(ok);
	CHECK_STR(ev[0].key, "a/k0");
	CHECK_STR(ev[19].key, "b/k9");
	for (int i = 0; i < n && i < 32; i++)
		store_event_release(&ev[i]);
	CHECK(store_watch_next(w, ev, 32, &err) == 0);
	CHECK(store_watch_rev(w) == 20);

	/* New writes arrive after the old ones, once. */
	tput(s, "a/new", "x", STORE_ANY);
	tput(s, "c/other", "x", STORE_ANY);
	CHECK(drain(w, revs, NULL, 64) == 2 && revs_are(revs, 2, 21, 22));
	store_watch_close(w);

	/* From a middle revision, in small batches. */
	w = store_watch_open(s, "", 7, NULL, NULL, &err);
	n = drain(w, revs, NULL, 64);
	CHECK(n == 15 && revs_are(revs, n, 8, 22));
	store_watch_close(w);

	/* A prefix: only its keys. */
	w = store_watch_open(s, "b/", 0, NULL, NULL, &err);
	n = drain(w, revs, keys, 64);
	CHECK(n == 10);
	ok = n == 10;
	for (int i = 0; ok && i < n; i++)
		ok &= !strncmp(keys[i], "b/", 2) && (i == 0 || revs[i] > revs[i - 1]);
	CHECK(ok);
	CHECK(store_watch_rev(w) == 22);
	store_watch_close(w);
	store_close(s);

	/* After a reopen the ring is empty: all of it comes from the log. */
	s = topen(t, &o);
	w = store_watch_open(s, "", 12, NULL, NULL, &err);
	tput(s, "a/after", "x", STORE_ANY);
	n = drain(w, revs, NULL, 64);
	CHECK(n == 11 && revs_are(revs, n, 13, 23));
	store_watch_close(w);
	store_close(s);
}

static void test_expired(const struct tdir *t)
{
	struct store_opts o = { .no_fsync = true, .ring_events = 8, .log_keep = 10 };
	struct store *s = topen(t, &o);
	struct atoll_err err = ERR_INIT;
	struct store_event ev[4];
	struct store_watch *w, *lag;
	int64_t revs[64];
	char key[32];

	lag = store_watch_open(s, "", 0, NULL, NULL, &err);
	/* A caught-up watcher whose prefix sees nothing is carried along, never expires. */
	struct store_watch *quiet = store_watch_open(s, "quiet/", 0, NULL, NULL, &err);
	for (int i = 0; i < 30; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		tput(s, key, "v", STORE_ANY);
	}
	/* The log keeps revisions 21..30: a cursor at 5 lost events. */
	CHECK(store_watch_open(s, "", 5, NULL, NULL, &err) == NULL);
	CHECK(err.code == 410);
	CHECK_STR(err.reason, "Expired");
	err = (struct atoll_err)ERR_INIT;
	CHECK(store_watch_next(lag, ev, 4, &err) == -1);
	CHECK(err.code == 410);
	store_watch_close(lag);
	/* (The newest batch may still be on its way to the cursor: tput returns first.) */
	CHECK(store_watch_rev(quiet) >= 29);
	CHECK(store_watch_next(quiet, ev, 4, &err) == 0);
	CHECK(store_watch_rev(quiet) == 30);
	tput(s, "quiet/x", "v", STORE_ANY);
	CHECK(drain(quiet, revs, NULL, 64) == 1 && revs[0] == 31);
	store_watch_close(quiet);

	/* 21 is the newest dropped revision: watching after it still works. */
	w = store_watch_open(s, "", 21, NULL, NULL, &err);
	CHECK(w != NULL);
	CHECK(drain(w, revs, NULL, 64) == 10 && revs_are(revs, 10, 22, 31));
	store_watch_close(w);
	store_close(s);

	/* The same holds after a reopen. */
	s = topen(t, &o);
	err = (struct atoll_err)ERR_INIT;
	CHECK(store_watch_open(s, "", 20, NULL, NULL, &err) == NULL && err.code == 410);
	w = store_watch_open(s, "", 25, NULL, NULL, &err);
	CHECK(drain(w, revs, NULL, 64) == 6 && revs_are(revs, 6, 26, 31));
	store_watch_close(w);
	store_close(s);
}

/* A consumer woken by notify while 4 threads write: every revision exactly once. */
struct consumer {
	struct store *s;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int wakes;
	int64_t last;            /* newest rev seen */
	int bad;                 /* out-of-order or duplicate events */
	int64_t want;
};

static void consumer_notify(void *ctx)
{
	struct consumer *c = ctx;

	pthread_mutex_lock(&c->mu);
	c->wakes++;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->mu);
}

static void *consumer_main(void *arg)
{
	struct consumer *c = arg;
	struct atoll_err err = ERR_INIT;
	struct store_watch *w = store_watch_open(c->s, "", 0, consumer_notify, c, &err);
	struct store_event ev[16];
	struct timespec end;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += 60;
	while (c->last < c->want) {
		int n = store_watch_next(w, ev, 16, &err);
		if (n < 0) {
			fprintf(stderr, "next: %d %s\n", err.code, err.msg);
			c->bad++;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].rev != c->last + 1) {
				fprintf(stderr, "got %lld after %lld\n", (long long)ev[i].rev, (long long)c->last);
				c->bad++;
			}
			c->last = ev[i].rev;
			store_event_release(&ev[i]);
		}
		if (n == 16 || c->last >= c->want)
			continue;
		pthread_mutex_lock(&c->mu);
		/* Wait for a notify unless events came in since; time-bounded either way. */
		int rc = 0;
		while (!c->wakes && rc == 0)
			rc = pthread_cond_timedwait(&c->cond, &c->mu, &end);
		c->wakes = 0;
		pthread_mutex_unlock(&c->mu);
		if (rc) {
			fprintf(stderr, "wait: %d last %lld\n", rc, (long long)c->last);
			c->bad++;
			break;
		}
	}
	store_watch_close(w);
	return NULL;
}

struct writer_arg {
	struct store *s;
	int id;
	int fails;
};

static void *writer_main(void *arg)
{
	struct writer_arg *a = arg;
	char key[32];

	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "w%d/k%d", a->id, i % 20);
		if (tput(a->s, key, "value", STORE_ANY) <= 0)
			a->fails++;
	}
	return NULL;
}

static void test_concurrent_watch(const struct tdir *t)
{
	struct store_opts o = { .no_fsync = true, .ring_events = 64 };
	struct store *s = topen(t, &o);
	struct consumer c = { .s = s, .want = 800 };
	struct writer_arg wa[4];
	pthread_t ct, wt[4];

	pthread_mutex_init(&c.mu, NULL);
	pthread_cond_init(&c.cond, NULL);
	pthread_create(&ct, NULL, consumer_main, &c);
	for (int i = 0; i < 4; i++) {
		wa[i] = (struct writer_arg){ .s = s, .id = i };
		pthread_create(&wt[i], NULL, writer_main, &wa[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(wt[i], NULL);
		CHECK(wa[i].fails == 0);
	}
	pthread_join(ct, NULL);
	CHECK(c.bad == 0);
	CHECK(c.last == 800);
	pthread_cond_destroy(&c.cond);
	pthread_mutex_destroy(&c.mu);
	store_close(s);
}

static int notified[1000];

static void count_notify(void *ctx)
{
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_RELAXED);
}

/* 1,000 watchers on 100 prefixes: each is woken for its own prefix and reads only its events. */
static void test_many_watchers(const struct tdir *t)
{
	struct store_opts o = { .no_fsync = true };
	struct store *s = topen(t, &o);
	struct atoll_err err = ERR_INIT;
	static struct store_watch *w[1000];
	struct store_stats st;
	char key[48];
	int64_t revs[64];
	bool ok = true;

	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "core/pods/ns%d/", i % 100);
		w[i] = store_watch_open(s, key, 0, count_notify, &notified[i], &err);
		ok &= w[i] != NULL;
	}
	CHECK(ok);
	store_stats(s, &st);
	CHECK(st.watchers == 1000);
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "core/pods/ns%d/p%d", i % 50, i);
		tput(s, key, "{}", STORE_ABSENT);
	}
	for (int i = 0; i < 1000; i++) {
		int n = drain(w[i], revs, NULL, 64);
		/* Namespaces 0..49 got 6 pods each; 50..99 none and were never woken. */
		ok &= i % 100 < 50 ? n == 6 && notified[i] >= 1 : n == 0 && notified[i] == 0;
		ok &= store_watch_rev(w[i]) == 300;
		store_watch_close(w[i]);
	}
	CHECK(ok);
	store_stats(s, &st);
	CHECK(st.watchers == 0);
	store_close(s);
}

int main(void)
{
	struct tdir t;

	tdir_make(&t);
	test_events(&t, 0);
	tdir_remove(&t);

	/* A ring of 4 events: watchers read mostly from the log. */
	tdir_make(&t);
	test_events(&t, 4);
	tdir_remove(&t);

	tdir_make(&t);
	test_expired(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_concurrent_watch(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_many_watchers(&t);
	tdir_remove(&t);
	return T_DONE();
}
