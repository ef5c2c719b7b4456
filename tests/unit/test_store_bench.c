/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Store throughput, by hand: ATOLL_STORE_BENCH=1 build/unit/test_store_bench
 * prints durable creates/s with p50/p99 latency, gets/s, list time and RSS
 * for 10,000 ConfigMap-sized objects. Under `make test-unit` it runs a small
 * version and checks only correctness (no timing assertions).
 */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>

#include "t.h"
#include "test_store_util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static uint64_t count_keys(struct store *s)
{
	struct store_stats st;

	store_stats(s, &st);
	return st.keys;
}

struct job {
	struct store *s;
	int id, nthreads, count;
	double *lat;             /* per-op seconds, count entries */
	long ops;
	int fails;
	double until;
	double interval;         /* paced: seconds between this thread's writes, 0 = flat out */
	const char *prefix;
};

static struct blob *configmap(const char *name)
{
	char buf[1100];
	int n = snprintf(buf, sizeof(buf),
			 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\","
			 "\"namespace\":\"default\"},\"data\":{\"x\":\"",
			 name);
	while (n < 1020)
		buf[n++] = 'x';
	n += snprintf(buf + n, sizeof(buf) - n, "\"}}");
	return blob_new(buf, n);
}

static void *create_main(void *arg)
{
	struct job *j = arg;
	char key[96], name[32];
	double next = now() + j->interval * j->id / j->nthreads;

	for (int i = j->id; i < j->count; i += j->nthreads) {
		snprintf(name, sizeof(name), "cm-%06d", i);
		snprintf(key, sizeof(key), "%s%s", j->prefix, name);
		struct blob *v = configmap(name);
		struct atoll_err err = ERR_INIT;
		double t0 = now();
		if (j->interval) {
			/* Latency counts from the scheduled start, so queueing shows. */
			if (next > t0) {
				struct timespec ts = { 0, (long)((next - t0) * 1e9) };
				nanosleep(&ts, NULL);
			}
			t0 = next;
			next += j->interval;
		}
		if (store_put(j->s, key, v, STORE_ABSENT, NULL, &err) < 0)
			j->fails++;
		j->lat[i] = now() - t0;
		blob_unref(v);
	}
	return NULL;
}

static void *get_main(void *arg)
{
	struct job *j = arg;
	unsigned seed = j->id * 7919 + 1;
	char key[96];

	while (j->ops % 1024 || now() < j->until) {
		seed = seed * 1103515245 + 12345;
		snprintf(key, sizeof(key), "%scm-%06d", j->prefix, (seed >> 8) % j->count);
		struct store_kv kv;
		struct atoll_err err = ERR_INIT;
		if (store_get(j->s, key, &kv, &err) < 0)
			j->fails++;
		store_kv_release(&kv);
		j->ops++;
	}
	return NULL;
}

static void run_creates(struct store *s, const char *prefix, int count, int nthreads, double rate,
			bool report)
{
	double *lat = calloc(count, sizeof(*lat));
	struct job j[64];
	pthread_t th[64];
	int fails = 0;
	double t0 = now(), el;

	for (int i = 0; i < nthreads; i++) {
		j[i] = (struct job){ .s = s, .id = i, .nthreads = nthreads, .count = count,
				     .lat = lat, .prefix = prefix,
				     .interval = rate ? nthreads / rate : 0 };
		pthread_create(&th[i], NULL, create_main, &j[i]);
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		fails += j[i].fails;
	}
	el = now() - t0;
	CHECK(fails == 0);
	qsort(lat, count, sizeof(*lat), cmp_double);
	if (report)
		printf("creates: %d threads%s: %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		       nthreads, rate ? " paced" : "", count / el, lat[count / 2] * 1e3,
		       lat[count * 99 / 100] * 1e3,
		       lat[count - 1] * 1e3);
	free(lat);
}

static void run_gets(struct store *s, const char *prefix, int count, int nthreads, double secs,
		     bool report)
{
	struct job j[16];
	pthread_t th[16];
	long ops = 0;
	int fails = 0;
	double t0 = now();

	for (int i = 0; i < nthreads; i++) {
		j[i] = (struct job){ .s = s, .id = i, .count = count, .prefix = prefix,
				     .until = t0 + secs };
		pthread_create(&th[i], NULL, get_main, &j[i]);
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		ops += j[i].ops;
		fails += j[i].fails;
	}
	CHECK(fails == 0);
	if (report)
		printf("gets: %d threads: %.0f/s\n", nthreads, ops / (now() - t0));
}

int main(void)
{
	bool bench = getenv("ATOLL_STORE_BENCH") != NULL;
	int count = bench ? 10000 : 300;
	struct atoll_err err = ERR_INIT;
	struct store_list l;
	struct tdir t;
	struct store *s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("ATOLL_STORE_BENCH_RSS")) {
		struct store_opts o = { .path = getenv("ATOLL_STORE_BENCH_RSS") };
		s = store_open(&o, &err);
		if (!s)
			return 1;
		printf("rss of a fresh process holding %llu objects: %ld KiB",
		       (unsigned long long)count_keys(s), rss_kib());
		store_list(s, "", NULL, 0, &l, &err);
		printf(", %ld KiB while a list of all of them is held\n", rss_kib());
		store_list_free(&l);
		store_close(s);
		return 0;
	}

	tdir_make(&t);
	s = topen(&t, NULL);
	if (bench)
		printf("rss at open: %ld KiB\n", rss_kib());
	run_creates(s, "core/configmaps/a/", count, 8, 0, bench);
	if (bench) {
		/* A fresh process (exec, not just fork) opening them: what a server would hold. */
		store_close(s);
		pid_t pid = fork();
		if (pid == 0) {
			setenv("ATOLL_STORE_BENCH_RSS", t.db, 1);
			execl("/proc/self/exe", "test_store_bench", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
		s = topen(&t, NULL);
	}
	run_creates(s, "core/configmaps/b/", count, bench ? 64 : 4, 0, bench);
	/* The server's target: 4,000 durable creates/s. */
	run_creates(s, "core/configmaps/c/", count, 32, 4000, bench);
	CHECK(store_revision(s) == 3 * count);

	run_gets(s, "core/configmaps/a/", count, 8, bench ? 2.0 : 0.01, bench);

	double t0 = now();
	int rounds = bench ? 20 : 1;
	for (int i = 0; i < rounds; i++) {
		CHECK(store_list(s, "core/configmaps/a/", NULL, 0, &l, &err) == 0);
		CHECK(l.n == (size_t)count);
		store_list_free(&l);
	}
	if (bench)
		printf("list of %d: %.2f ms\n", count, (now() - t0) / rounds * 1e3);
	t0 = now();
	for (int i = 0; i < rounds; i++) {
		CHECK(store_list(s, "core/configmaps/a/", "core/configmaps/a/cm-005000", 500, &l, &err) == 0);
		CHECK(l.n == (size_t)(count > 5500 ? 500 : 0) || count < 5500);
		store_list_free(&l);
	}
	if (bench)
		printf("list page of 500 at 5000: %.3f ms\n", (now() - t0) / rounds * 1e3);
	store_close(s);

	/* RSS holding `count` objects, measured in a fresh open. */
	s = topen(&t, NULL);
	if (bench)
		printf("rss after reopen holding %d objects: %ld KiB\n", 3 * count, rss_kib());

	/* Writes with 1,000 watchers open. */
	static struct store_watch *w[1000];
	int nw = bench ? 1000 : 10;
	for (int i = 0; i < nw; i++) {
		char p[64];
		snprintf(p, sizeof(p), "core/configmaps/ns%d/", i);
		w[i] = store_watch_open(s, p, store_revision(s), NULL, NULL, &err);
	}
	run_creates(s, "core/configmaps/ns7/", bench ? 4000 : 100, 64, 0, bench);
	for (int i = 0; i < nw; i++)
		store_watch_close(w[i]);
	if (bench)
		printf("rss at end: %ld KiB\n", rss_kib());
	store_close(s);
	tdir_remove(&t);
	return T_DONE();
}
