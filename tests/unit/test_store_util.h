/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the store unit tests: a temp data dir and quick writes. */
#ifndef ATOLL_TEST_STORE_UTIL_H
#define ATOLL_TEST_STORE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

struct tdir {
	char dir[64];
	char db[96];
};

static inline void tdir_make(struct tdir *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/atoll-store-XXXXXX");
	if (!mkdtemp(t->dir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(t->db, sizeof(t->db), "%s/store.db", t->dir);
}

static inline void tdir_remove(struct tdir *t)
{
	const char *sfx[] = { "", "-wal", "-shm", "-journal", "-lock" };
	char p[128];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", t->db, sfx[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

static inline struct store *topen(const struct tdir *t, struct store_opts *o)
{
	struct store_opts d = { 0 };
	struct atoll_err err = ERR_INIT;
	struct store *s;

	if (!o)
		o = &d;
	o->path = t->db;
	s = store_open(o, &err);
	if (!s) {
		fprintf(stderr, "store_open: %d %s\n", err.code, err.msg);
		exit(2);
	}
	return s;
}

/* Put a string value; returns the revision, or -(HTTP code) on failure. */
static inline int64_t tput(struct store *s, const char *key, const char *val, int64_t expect)
{
	struct atoll_err err = ERR_INIT;
	struct blob *b = blob_new(val, strlen(val));
	int64_t rev = 0;
	int rc = store_put(s, key, b, expect, &rev, &err);

	blob_unref(b);
	return rc < 0 ? -err.code : rev;
}

static inline int64_t tdel(struct store *s, const char *key, int64_t expect)
{
	struct atoll_err err = ERR_INIT;
	int64_t rev = 0;

	return store_delete(s, key, expect, &rev, &err) < 0 ? -err.code : rev;
}

#endif
