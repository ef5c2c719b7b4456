/* SPDX-License-Identifier: Apache-2.0 */
/* Store basics: CRUD with conditions and error codes, ordered lists, revisions across reopen. */
#include <sys/stat.h>

#include "t.h"
#include "test_store_util.h"

static void test_crud(const struct tdir *t)
{
	struct store *s = topen(t, NULL);
	struct atoll_err err = ERR_INIT;
	struct store_kv kv;

	CHECK(store_revision(s) == 0);
	{
		/* One process per database. */
		struct store_opts o = { .path = t->db };
		CHECK(store_open(&o, &err) == NULL);
		CHECK(err.code == 500 && strstr(err.msg, "in use"));
		err = (struct atoll_err)ERR_INIT;
	}
	CHECK(store_get(s, "core/configmaps/default/a", &kv, &err) == -1);
	CHECK(err.code == 404);
	CHECK_STR(err.reason, "NotFound");

	CHECK(tput(s, "core/configmaps/default/a", "{\"v\":1}", STORE_ABSENT) == 1);
	CHECK(tput(s, "core/configmaps/default/a", "{\"v\":9}", STORE_ABSENT) == -409);
	err = (struct atoll_err)ERR_INIT;
	{
		struct blob *b = blob_new("x", 1);
		CHECK(store_put(s, "core/configmaps/default/a", b, STORE_ABSENT, NULL, &err) == -1);
		CHECK(err.code == 409);
		CHECK_STR(err.reason, "AlreadyExists");
		blob_unref(b);
	}
	CHECK(store_get(s, "core/configmaps/default/a", &kv, &err) == 0);
	CHECK_STR(kv.key, "core/configmaps/default/a");
	CHECK_STR(kv.value->data, "{\"v\":1}");
	CHECK(kv.value->len == 7);
	CHECK(kv.create_rev == 1 && kv.mod_rev == 1);
	store_kv_release(&kv);

	/* Compare-and-swap on mod_rev. */
	CHECK(tput(s, "core/configmaps/default/a", "{\"v\":2}", 1) == 2);
	CHECK(tput(s, "core/configmaps/default/a", "{\"v\":3}", 1) == -409);
	err = (struct atoll_err)ERR_INIT;
	{
		struct blob *b = blob_new("x", 1);
		CHECK(store_put(s, "core/configmaps/default/a", b, 1, NULL, &err) == -1);
		CHECK_STR(err.reason, "Conflict");
		CHECK(store_put(s, "core/configmaps/default/nope", b, 7, NULL, &err) == -1);
		CHECK(err.code == 404);
		CHECK_STR(err.reason, "NotFound");
		blob_unref(b);
	}
	CHECK(store_get(s, "core/configmaps/default/a", &kv, &err) == 0);
	CHECK_STR(kv.value->data, "{\"v\":2}");
	CHECK(kv.create_rev == 1 && kv.mod_rev == 2);
	store_kv_release(&kv);

	/* Unconditional put creates, then replaces. */
	CHECK(tput(s, "core/configmaps/default/b", "b1", STORE_ANY) == 3);
	CHECK(tput(s, "core/configmaps/default/b", "b2", STORE_ANY) == 4);

	/* Delete: wrong revision, missing key, then right revision. */
	CHECK(tdel(s, "core/configmaps/default/a", 1) == -409);
	CHECK(tdel(s, "core/configmaps/default/zz", STORE_ANY) == -404);
	CHECK(tdel(s, "core/configmaps/default/a", 2) == 5);
	CHECK(store_get(s, "core/configmaps/default/a", &kv, &err) == -1 && err.code == 404);
	CHECK(tdel(s, "core/configmaps/default/a", STORE_ANY) == -404);
	/* Failed writes do not use up revisions. */
	CHECK(store_revision(s) == 5);

	/* A new incarnation gets a new create_rev. */
	CHECK(tput(s, "core/configmaps/default/a", "again", STORE_ABSENT) == 6);
	CHECK(store_get(s, "core/configmaps/default/a", &kv, &err) == 0);
	CHECK(kv.create_rev == 6 && kv.mod_rev == 6);
	store_kv_release(&kv);

	/* Empty values and binary bytes survive. */
	CHECK(tput(s, "core/configmaps/default/empty", "", STORE_ANY) == 7);
	CHECK(store_get(s, "core/configmaps/default/empty", &kv, &err) == 0);
	CHECK(kv.value->len == 0 && kv.value->data[0] == '\0');
	store_kv_release(&kv);
	{
		struct blob *b = blob_new("a\0b", 3);
		CHECK(store_put(s, "bin", b, STORE_ANY, NULL, &err) == 0);
		blob_unref(b);
	}
	/* A large value (3 MiB, like a big Secret) goes through the log and overflow pages. */
	{
		size_t big = 3 << 20;
		char *p = malloc(big);
		for (size_t i = 0; i < big; i++)
			p[i] = 'a' + i % 23;
		struct blob *b = blob_new(p, big);
		CHECK(store_put(s, "big", b, STORE_ABSENT, NULL, &err) == 0);
		CHECK(store_delete(s, "big", STORE_ANY, NULL, &err) == 0);
		CHECK(store_put(s, "big", b, STORE_ABSENT, NULL, &err) == 0);
		blob_unref(b);
		store_close(s);
		s = topen(t, NULL);
		CHECK(store_get(s, "big", &kv, &err) == 0);
		CHECK(kv.value->len == big && !memcmp(kv.value->data, p, big));
		store_kv_release(&kv);
		CHECK(store_delete(s, "big", STORE_ANY, NULL, &err) == 0);
		free(p);
	}
	store_close(s);

	s = topen(t, NULL);
	CHECK(store_revision(s) == 12);
	CHECK(store_get(s, "bin", &kv, &err) == 0);
	CHECK(kv.value->len == 3 && !memcmp(kv.value->data, "a\0b", 3));
	store_kv_release(&kv);
	CHECK(store_get(s, "core/configmaps/default/b", &kv, &err) == 0);
	CHECK_STR(kv.value->data, "b2");
	CHECK(kv.create_rev == 3 && kv.mod_rev == 4);
	store_kv_release(&kv);
	CHECK(store_get(s, "core/configmaps/default/a", &kv, &err) == 0);
	CHECK_STR(kv.value->data, "again");
	CHECK(kv.create_rev == 6 && kv.mod_rev == 6);
	store_kv_release(&kv);
	/* The revision survives a reopen even when the newest write was a delete. */
	CHECK(tdel(s, "bin", STORE_ANY) == 13);
	store_close(s);
	s = topen(t, NULL);
	CHECK(store_revision(s) == 13);
	CHECK(tput(s, "x", "y", STORE_ANY) == 14);
	struct store_stats st;
	store_stats(s, &st);
	CHECK(st.revision == 14 && st.keys == 4 && st.db_bytes > 0 && st.watchers == 0);
	store_close(s);
}

static void test_list(const struct tdir *t)
{
	struct store_opts o = { .no_fsync = true };
	struct store *s = topen(t, &o);
	struct atoll_err err = ERR_INIT;
	struct store_list l;
	char key[64];
	int perm[50];

	/* Insert in a scrambled order. */
	for (int i = 0; i < 50; i++)
		perm[i] = (i * 37) % 50;
	for (int i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "core/configmaps/ns1/x%03d", perm[i]);
		CHECK(tput(s, key, key, STORE_ABSENT) > 0);
	}
	for (int i = 29; i >= 0; i--) {
		snprintf(key, sizeof(key), "core/configmaps/ns2/y%02d", i);
		tput(s, key, key, STORE_ABSENT);
	}
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "core/pods/ns1/p%d", i);
		tput(s, key, key, STORE_ABSENT);
	}
	tput(s, "core/configmaps/ns10/z", "z", STORE_ABSENT);

	CHECK(store_list(s, "core/configmaps/ns1/", NULL, 0, &l, &err) == 0);
	CHECK(l.n == 50 && !l.more && l.rev == store_revision(s));
	bool ordered = true;
	for (size_t i = 0; i < l.n; i++) {
		snprintf(key, sizeof(key), "core/configmaps/ns1/x%03zu", i);
		ordered &= !strcmp(l.items[i].key, key) && !strcmp(l.items[i].value->data, key);
	}
	CHECK(ordered);
	store_list_free(&l);

	CHECK(store_list(s, "core/configmaps/", NULL, 0, &l, &err) == 0);
	CHECK(l.n == 81);
	CHECK_STR(l.items[50].key, "core/configmaps/ns10/z");
	CHECK_STR(l.items[51].key, "core/configmaps/ns2/y00");
	store_list_free(&l);
	CHECK(store_list(s, "", NULL, 0, &l, &err) == 0 && l.n == 91);
	store_list_free(&l);
	CHECK(store_list(s, "core/secrets/", NULL, 0, &l, &err) == 0 && l.n == 0 && !l.more);
	store_list_free(&l);

	/* Pages of 7 under a prefix: every key once, in order, with `more` and `remaining`. */
	char after[64] = "";
	int seen = 0, pages = 0;
	bool ok = true;
	for (; pages < 20; pages++) {
		CHECK(store_list(s, "core/configmaps/ns1/", after, 7, &l, &err) == 0);
		for (size_t i = 0; i < l.n; i++) {
			snprintf(key, sizeof(key), "core/configmaps/ns1/x%03d", seen++);
			ok &= !strcmp(l.items[i].key, key);
		}
		ok &= l.more == (seen < 50);
		ok &= l.remaining == (size_t)(l.more ? 50 - seen : 0);
		if (l.n)
			snprintf(after, sizeof(after), "%s", l.items[l.n - 1].key);
		bool more = l.more;
		store_list_free(&l);
		if (!more)
			break;
	}
	CHECK(ok);
	CHECK(seen == 50 && pages == 7);

	/* `after` outside the prefix: before it starts at the prefix, past it yields nothing. */
	CHECK(store_list(s, "core/configmaps/ns2/", "core/configmaps/ns1/x010", 3, &l, &err) == 0);
	CHECK(l.n == 3 && l.more && l.remaining == 27);
	CHECK_STR(l.items[0].key, "core/configmaps/ns2/y00");
	store_list_free(&l);
	CHECK(store_list(s, "core/configmaps/ns1/", "core/configmaps/ns2/", 3, &l, &err) == 0);
	CHECK(l.n == 0 && !l.more);
	store_list_free(&l);
	/* `after` need not exist. */
	CHECK(store_list(s, "core/configmaps/ns1/", "core/configmaps/ns1/x0105", 0, &l, &err) == 0);
	CHECK(l.n == 39);
	CHECK_STR(l.items[0].key, "core/configmaps/ns1/x011");
	store_list_free(&l);
	store_close(s);
}

/* Random puts and deletes against a plain array model exercise the tree's rebalancing. */
static void test_list_model(const struct tdir *t)
{
	struct store_opts o = { .no_fsync = true };
	struct store *s = topen(t, &o);
	struct atoll_err err = ERR_INIT;
	enum { NKEYS = 600 };
	static bool live[NKEYS];
	unsigned seed = 12345;
	char key[32];
	bool ok = true;

	for (int i = 0; i < 4000; i++) {
		seed = seed * 1103515245 + 12345;
		int k = (seed >> 8) % NKEYS;
		snprintf(key, sizeof(key), "m/%04d", k);
		if ((seed >> 20) % 3 == 0) {
			int64_t r = tdel(s, key, STORE_ANY);
			ok &= live[k] ? r > 0 : r == -404;
			live[k] = false;
		} else {
			ok &= tput(s, key, key, STORE_ANY) > 0;
			live[k] = true;
		}
		if (i % 500 == 0 || i == 3999) {
			struct store_list l;
			size_t j = 0;
			store_list(s, "m/", NULL, 0, &l, &err);
			for (int m = 0; m < NKEYS; m++) {
				if (!live[m])
					continue;
				snprintf(key, sizeof(key), "m/%04d", m);
				ok &= j < l.n && !strcmp(l.items[j].key, key);
				j++;
			}
			ok &= j == l.n;
			store_list_free(&l);
		}
	}
	CHECK(ok);
	/* The same state after a reopen: every put, replace and delete reached the disk. */
	int64_t rev = store_revision(s);
	store_close(s);
	s = topen(t, &o);
	CHECK(store_revision(s) == rev);
	struct store_list l;
	size_t j = 0;
	store_list(s, "m/", NULL, 0, &l, &err);
	for (int m = 0; m < NKEYS; m++) {
		if (!live[m])
			continue;
		snprintf(key, sizeof(key), "m/%04d", m);
		ok &= j < l.n && !strcmp(l.items[j].key, key) && !strcmp(l.items[j].value->data, key);
		j++;
	}
	CHECK(ok && j == l.n);
	store_list_free(&l);
	store_close(s);
}

/* Checkpoints keep the WAL small: 8,000 writes of 1 KiB would leave ~100 MiB in it without. */
static void test_wal_bounded(const struct tdir *t)
{
	struct store_opts o = { .no_fsync = true };
	struct store *s = topen(t, &o);
	char key[48], val[1024], wal[128];
	struct stat st;
	bool ok = true;

	memset(val, 'v', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	for (int i = 0; i < 8000; i++) {
		snprintf(key, sizeof(key), "core/configmaps/default/cm%05d", i);
		ok &= tput(s, key, val, STORE_ABSENT) > 0;
	}
	CHECK(ok);
	snprintf(wal, sizeof(wal), "%s-wal", t->db);
	CHECK(stat(wal, &st) == 0 && st.st_size < (60 << 20));
	if (st.st_size >= (60 << 20))
		fprintf(stderr, "WAL: %lld bytes\n", (long long)st.st_size);
	store_close(s);
}

int main(void)
{
	struct tdir t;

	tdir_make(&t);
	test_crud(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_list(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_list_model(&t);
	tdir_remove(&t);

	tdir_make(&t);
	test_wal_bounded(&t);
	tdir_remove(&t);
	return T_DONE();
}
