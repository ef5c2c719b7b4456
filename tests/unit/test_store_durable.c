/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Store durability: concurrent durable writers are all acknowledged and all
 * there after a reopen; a child killed with SIGKILL mid-write loses no
 * acknowledged write and leaves no torn value.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "t.h"
#include "test_store_util.h"

/* A value that proves itself whole: its key, a padding run, and the padding length at the end. */
static struct blob *make_value(const char *key, int n)
{
	char buf[2048];
	int pad = 100 + n % 900;
	int len = snprintf(buf, sizeof(buf), "{\"key\":\"%s\",\"pad\":\"", key);

	memset(buf + len, 'a' + n % 26, pad);
	len += pad;
	len += snprintf(buf + len, sizeof(buf) - len, "\",\"n\":%d}", pad);
	return blob_new(buf, len);
}

static bool value_intact(const char *key, const struct blob *v)
{
	char head[128], tail[32];
	int hl = snprintf(head, sizeof(head), "{\"key\":\"%s\",\"pad\":\"", key);
	const char *p;
	int pad;

	if (v->len < (size_t)hl || memcmp(v->data, head, hl))
		return false;
	/* The padding is letters, so the first quote after the head ends it. */
	p = strchr(v->data + hl, '"');
	if (!p || sscanf(p, "\",\"n\":%d}", &pad) != 1 || p != v->data + hl + pad)
		return false;
	snprintf(tail, sizeof(tail), "\",\"n\":%d}", pad);
	if (v->len != hl + pad + strlen(tail) || strcmp(p, tail))
		return false;
	for (int i = 0; i < pad; i++)
		if (v->data[hl + i] != v->data[hl])
			return false;
	return true;
}

struct wthread {
	struct store *s;
	int id, count, fails;
	int64_t revs[500];
	int wfd;                 /* pipe for acknowledged keys, or -1 */
	int round;
};

static void *writer_main(void *arg)
{
	struct wthread *w = arg;
	struct atoll_err err = ERR_INIT;
	char key[64], line[80];

	for (int i = 0; i < w->count; i++) {
		snprintf(key, sizeof(key), "r%d/t%d/k%05d", w->round, w->id, i);
		struct blob *v = make_value(key, i);
		int64_t rev = 0;
		int rc = store_put(w->s, key, v, STORE_ABSENT, &rev, &err);
		blob_unref(v);
		if (rc < 0) {
			w->fails++;
			continue;
		}
		if (i < 500)
			w->revs[i] = rev;
		if (w->wfd >= 0) {
			int n = snprintf(line, sizeof(line), "%s\n", key);
			/* One write() under PIPE_BUF is atomic: lines never interleave. */
			if (write(w->wfd, line, n) != n)
				_exit(3);
		}
	}
	return NULL;
}

static void test_concurrent(const struct tdir *t)
{
	struct store *s = topen(t, NULL);
	struct atoll_err err = ERR_INIT;
	static struct wthread w[8];
	static bool seen[4001];
	pthread_t th[8];
	bool ok = true;

	for (int i = 0; i < 8; i++) {
		w[i] = (struct wthread){ .s = s, .id = i, .count = 500, .wfd = -1 };
		pthread_create(&th[i], NULL, writer_main, &w[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		CHECK(w[i].fails == 0);
		/* Every acknowledged write got its own revision. */
		for (int j = 0; j < 500; j++) {
			int64_t r = w[i].revs[j];
			ok &= r >= 1 && r <= 4000 && !seen[r] && (j == 0 || r > w[i].revs[j - 1]);
			if (r >= 1 && r <= 4000)
				seen[r] = true;
		}
	}
	CHECK(ok);
	CHECK(store_revision(s) == 4000);
	store_close(s);

	s = topen(t, NULL);
	CHECK(store_revision(s) == 4000);
	struct store_list l;
	CHECK(store_list(s, "r0/", NULL, 0, &l, &err) == 0);
	CHECK(l.n == 4000);
	for (size_t i = 0; i < l.n; i++)
		ok &= value_intact(l.items[i].key, l.items[i].value);
	CHECK(ok);
	store_list_free(&l);
	store_close(s);
}

/* Racing writers on the same keys: conditions are checked in order inside each batch. */
struct racer {
	struct store *s;
	int created, exists, retries, fails;
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	struct atoll_err err;
	char val[32];

	/* Everyone creates the same keys: exactly one wins each. */
	for (int i = 0; i < 50; i++) {
		snprintf(val, sizeof(val), "race/k%d", i);
		int64_t rc = tput(r->s, val, "mine", STORE_ABSENT);
		if (rc > 0)
			r->created++;
		else if (rc == -409)
			r->exists++;
	}
	/* A counter incremented with read-modify-write and retry on 409 Conflict. */
	for (int i = 0; i < 100; i++) {
		for (int attempt = 0; attempt < 10000; attempt++) {
			struct store_kv kv;
			err = (struct atoll_err)ERR_INIT;
			if (store_get(r->s, "race/counter", &kv, &err) < 0) {
				r->fails++;
				break;
			}
			snprintf(val, sizeof(val), "%d", atoi(kv.value->data) + 1);
			int64_t rc = tput(r->s, "race/counter", val, kv.mod_rev);
			store_kv_release(&kv);
			if (rc > 0)
				break;
			if (rc != -409)
				r->fails++;
			r->retries++;
		}
	}
	return NULL;
}

static void test_races(const struct tdir *t)
{
	struct store_opts o = { .no_fsync = true };
	struct store *s = topen(t, &o);
	struct atoll_err err = ERR_INIT;
	struct racer r[8];
	pthread_t th[8];
	int created = 0, exists = 0, fails = 0, retries = 0;
	struct store_kv kv;

	tput(s, "race/counter", "0", STORE_ABSENT);
	for (int i = 0; i < 8; i++) {
		r[i] = (struct racer){ .s = s };
		pthread_create(&th[i], NULL, racer_main, &r[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		created += r[i].created;
		exists += r[i].exists;
		fails += r[i].fails;
		retries += r[i].retries;
	}
	CHECK(created == 50 && exists == 350 && fails == 0);
	CHECK(store_get(s, "race/counter", &kv, &err) == 0);
	CHECK_STR(kv.value->data, "800");
	store_kv_release(&kv);
	/* 1 + 50 creates + 800 increments: failed conditions use no revision. */
	CHECK(store_revision(s) == 851);
	printf("races: %d conflicts retried\n", retries);
	store_close(s);
}

/* The child: 4 threads create keys until killed; each acknowledged key goes to the pipe. */
static void child_write(const struct tdir *t, int round, int wfd)
{
	struct store *s = topen(t, NULL);
	static struct wthread w[4];
	pthread_t th[4];

	for (int i = 0; i < 4; i++) {
		w[i] = (struct wthread){ .s = s, .id = i, .count = 20000, .wfd = wfd, .round = round };
		pthread_create(&th[i], NULL, writer_main, &w[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	/* Not expected: the parent kills us long before. */
	_exit(0);
}

/* Read acknowledged keys from fd into acks (newline-separated) until `want` lines, EOF or 30 s. */
static int read_acks(int fd, char *acks, size_t cap, size_t *len, int want)
{
	int lines = 0;

	for (int i = 0; i < 3000; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10) < 0 && errno != EINTR)
			break;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t n = read(fd, acks + *len, cap - 1 - *len);
		if (n <= 0)
			return -1; /* EOF */
		for (ssize_t j = 0; j < n; j++)
			lines += acks[*len + j] == '\n';
		*len += n;
		acks[*len] = '\0';
		if (want && lines >= want)
			break;
	}
	return lines;
}

/*
 * Updates and deletes: thread t cycles over its 10 keys; op i is on key
 * i % 10 and, by its phase i / 10, a put (phases 0, 1 mod 3) or a delete
 * (phase 2 mod 3). Each thread acknowledges "t i" in order, so after a kill
 * every key must be as the last acknowledged op left it, or as the one op
 * that was in flight (the next one) made it.
 */
#define MUT_KEYS 10

static bool mut_is_delete(int i)
{
	return (i / MUT_KEYS) % 3 == 2;
}

static void mut_key(char *key, size_t n, int t, int j)
{
	snprintf(key, n, "mut/t%d/k%d", t, j);
}

static void *mutator_main(void *arg)
{
	struct wthread *w = arg;
	struct atoll_err err = ERR_INIT;
	char key[64], line[32];

	for (int i = 0; i < w->count; i++) {
		int64_t rev;
		int rc;
		mut_key(key, sizeof(key), w->id, i % MUT_KEYS);
		if (mut_is_delete(i)) {
			rc = store_delete(w->s, key, STORE_ANY, &rev, &err);
		} else {
			struct blob *v = make_value(key, i);
			rc = store_put(w->s, key, v, STORE_ANY, &rev, &err);
			blob_unref(v);
		}
		if (rc < 0)
			_exit(4);
		int n = snprintf(line, sizeof(line), "%d %d\n", w->id, i);
		if (write(w->wfd, line, n) != n)
			_exit(3);
	}
	return NULL;
}

/* Does the stored state of key (kv, or absent) match what op i left? i < 0: never written. */
static bool mut_state_is(const char *key, const struct store_kv *kv, bool present, int i)
{
	if (i < 0 || mut_is_delete(i))
		return !present;
	if (!present)
		return false;
	struct blob *want = make_value(key, i);
	bool ok = want->len == kv->value->len && !memcmp(want->data, kv->value->data, want->len);
	blob_unref(want);
	return ok;
}

static void test_kill9_updates(const struct tdir *t, unsigned seed)
{
	static char acks[1 << 20];
	struct atoll_err err = ERR_INIT;

	for (int round = 0; round < 2; round++) {
		int fds[2], last[4] = { -1, -1, -1, -1 };
		size_t len = 0;
		int want = 50 + (int)((seed = seed * 1103515245 + 12345) >> 8) % 1000;

		CHECK(pipe(fds) == 0);
		pid_t pid = fork();
		if (pid == 0) {
			struct store *s = topen(t, NULL);
			static struct wthread w[4];
			pthread_t th[4];
			close(fds[0]);
			for (int i = 0; i < 4; i++) {
				w[i] = (struct wthread){ .s = s, .id = i, .count = 1 << 30, .wfd = fds[1] };
				pthread_create(&th[i], NULL, mutator_main, &w[i]);
			}
			for (int i = 0; i < 4; i++)
				pthread_join(th[i], NULL);
			_exit(0);
		}
		close(fds[1]);
		int got = read_acks(fds[0], acks, sizeof(acks), &len, want);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		read_acks(fds[0], acks, sizeof(acks), &len, 0);
		close(fds[0]);
		CHECK(got >= want);

		/* Per thread, acknowledgements come in op order. */
		bool ordered = true;
		for (char *line = acks, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			int th, i;
			if (sscanf(line, "%d %d", &th, &i) != 2 || th < 0 || th > 3) {
				ordered = false;
				continue;
			}
			ordered &= i == last[th] + 1;
			last[th] = i;
		}
		CHECK(ordered);

		struct store *s = topen(t, NULL);
		bool ok = true;
		for (int th = 0; th < 4; th++) {
			for (int j = 0; j < MUT_KEYS; j++) {
				char key[64];
				struct store_kv kv;
				mut_key(key, sizeof(key), th, j);
				bool present = store_get(s, key, &kv, &err) == 0;
				/* The newest acknowledged op on key j, and the op that may have been in flight. */
				int acked = last[th] - ((last[th] - j) % MUT_KEYS + MUT_KEYS) % MUT_KEYS;
				int next = last[th] + 1;
				bool match = mut_state_is(key, &kv, present, acked < 0 ? -1 : acked) ||
					     (next % MUT_KEYS == j && mut_state_is(key, &kv, present, next));
				if (!match)
					fprintf(stderr, "%s: acked op %d, next %d, present %d\n", key, acked,
						next, present);
				ok &= match;
				if (present)
					store_kv_release(&kv);
			}
		}
		CHECK(ok);
		store_close(s);
		/* The next round rewrites from op 0: start from an empty key space. */
		s = topen(t, NULL);
		for (int th = 0; th < 4; th++)
			for (int j = 0; j < MUT_KEYS; j++) {
				char key[64];
				mut_key(key, sizeof(key), th, j);
				store_delete(s, key, STORE_ANY, NULL, &err);
			}
		store_close(s);
	}
}

static void test_kill9(const struct tdir *t)
{
	static char acks[4 << 20];
	struct atoll_err err = ERR_INIT;
	unsigned seed = (unsigned)time(NULL);
	int total = 0;

	for (int round = 0; round < 3; round++) {
		int fds[2];
		size_t len = 0;
		int want = 50 + (int)((seed = seed * 1103515245 + 12345) >> 8) % 1500;

		CHECK(pipe(fds) == 0);
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child_write(t, round, fds[1]);
		}
		close(fds[1]);
		int got = read_acks(fds[0], acks, sizeof(acks), &len, want);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		/* Lines written before the kill are still in the pipe. */
		read_acks(fds[0], acks, sizeof(acks), &len, 0);
		close(fds[0]);
		CHECK(got >= want);

		struct store *s = topen(t, NULL);
		int missing = 0, n = 0;
		for (char *line = acks, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			struct store_kv kv;
			*nl = '\0';
			n++;
			if (store_get(s, line, &kv, &err) < 0 || !value_intact(line, kv.value))
				missing++;
			store_kv_release(&kv);
		}
		CHECK(missing == 0);
		/* Nothing torn anywhere, acknowledged or not. */
		struct store_list l;
		bool ok = true;
		CHECK(store_list(s, "", NULL, 0, &l, &err) == 0);
		for (size_t i = 0; i < l.n; i++)
			ok &= value_intact(l.items[i].key, l.items[i].value);
		CHECK(ok);
		CHECK(l.n >= (size_t)(total + n));
		CHECK(store_revision(s) == (int64_t)l.n);
		total = (int)l.n;
		store_list_free(&l);
		store_close(s);
	}
}

int main(void)
{
	struct tdir t;

	tdir_make(&t);
	test_concurrent(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_races(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_kill9(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_kill9_updates(&t, (unsigned)time(NULL) ^ 0x5bd1e995u);
	tdir_remove(&t);
	return T_DONE();
}
