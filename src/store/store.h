/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage interface the API server is written against. Backends: SQLite
 * (embedded default, src/store/sqlite*.c) and, later, etcd. Nothing above
 * this header knows which one runs.
 *
 * Model (etcd-like): a flat, ordered key space of JSON values; every write
 * bumps one global revision (int64, starting at 1) and the object's
 * mod_revision becomes that revision. The API layer uses the revision as
 * resourceVersion. Keys look like "<group>/<resource>/<namespace>/<name>"
 * ("core" for the legacy group, empty namespace for cluster-scoped objects),
 * e.g. "core/configmaps/default/app" or "core/namespaces//default"; a list
 * or watch is a key prefix such as "core/configmaps/default/".
 *
 * Values are immutable, refcounted blobs so the store, its watch ring and
 * any number of watchers share them without copying.
 *
 * Threads: every function may be called from any thread at once.
 * Durability: a write returns only after its transaction is on disk (fsync);
 * concurrent writers are batched into one transaction (group commit).
 */
#ifndef ATOLL_STORE_H
#define ATOLL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* Immutable refcounted bytes; data is NUL-terminated (len excludes it). */
struct blob {
	int refs;        /* atomic */
	size_t len;
	char data[];
};

struct blob *blob_new(const void *data, size_t len); /* returns owned, refs=1 */
struct blob *blob_ref(struct blob *b);               /* returns b, refs+1 */
void blob_unref(struct blob *b);                     /* NULL-safe */

struct store;
struct store_crypt; /* store/crypt.h */

struct store_opts {
	const char *path;   /* SQLite: database file, e.g. DATA/store.db */
	bool no_fsync;      /* tests of throughput only; never in production */
	/* Tuning, 0 for the defaults (mostly for tests): */
	int64_t log_keep;   /* revisions kept in the on-disk event log (100000) */
	size_t ring_events; /* events kept in memory for watchers (16384) */
	size_t ring_bytes;  /* value bytes the in-memory ring may pin (16 MiB) */
	/*
	 * Encryption at rest (store/crypt.h), NULL for none; borrowed, must
	 * outlive the store. Values under its prefixes are sealed on their way
	 * to disk (objects and event log); sealed values are unsealed on load
	 * and on event-log reads, whatever the prefixes.
	 */
	const struct store_crypt *crypt;
};

/* Opens (creating if needed). Returns owned store, NULL with err set. */
struct store *store_open(const struct store_opts *o, struct atoll_err *err);
/* Close every watch first; no put/delete may be in flight. */
void store_close(struct store *s);
/*
 * Use another key ring from now on (after `atoll encryption rotate`): the
 * next writes seal with its primary key. Borrowed; a write or read in
 * flight may still use the previous ring, so keep every ring until
 * store_close.
 */
void store_set_crypt(struct store *s, const struct store_crypt *c);

/* Current global revision (the newest committed one). */
int64_t store_revision(struct store *s);

/* One key's value. */
struct store_kv {
	char *key;          /* owned */
	struct blob *value; /* owned reference */
	int64_t create_rev; /* revision that created this incarnation of the key */
	int64_t mod_rev;    /* revision of the last write */
};
void store_kv_release(struct store_kv *kv);

/*
 * Read the current value. Returns 0, or -1 with err 404 NotFound when the
 * key does not exist.
 */
int store_get(struct store *s, const char *key, struct store_kv *out, struct atoll_err *err);

/* Write conditions (like etcd's transactions). */
#define STORE_ANY      (-1) /* write whatever is there */
#define STORE_ABSENT   0    /* create: the key must not exist (else 409 AlreadyExists) */
/* > 0: the key's mod_rev must equal this (else 409 Conflict; 404 if absent) */

/*
 * Create or replace key with value, if `expect` holds. On success *rev is
 * the new revision (also the key's mod_rev). Borrows value.
 */
int store_put(struct store *s, const char *key, struct blob *value, int64_t expect,
	      int64_t *rev, struct atoll_err *err);

/*
 * Delete key if `expect` holds (STORE_ANY or a mod_rev; STORE_ABSENT acts
 * as ANY). 404 when absent.
 */
int store_delete(struct store *s, const char *key, int64_t expect, int64_t *rev,
		 struct atoll_err *err);

/*
 * List keys under prefix in key order, starting strictly after `after`
 * (NULL or "" for the start), at most `limit` items (0 = no limit).
 * *more is set when items remain; *rev is the revision the list reflects.
 * Returns 0 and an owned array in *items (free with store_list_free).
 */
struct store_list {
	struct store_kv *items;
	size_t n;
	bool more;
	int64_t rev;
	size_t remaining; /* items left after this page (approximate is fine) */
};
int store_list(struct store *s, const char *prefix, const char *after, size_t limit,
	       struct store_list *out, struct atoll_err *err);
void store_list_free(struct store_list *l);

/* Watching. Events come in revision order, each revision exactly once. */
enum store_event_type { STORE_EV_PUT, STORE_EV_DELETE };
struct store_event {
	int64_t rev;
	enum store_event_type type;
	bool created;        /* PUT that created the key (ADDED vs MODIFIED) */
	char *key;           /* owned by the event */
	struct blob *value;  /* PUT: new value; DELETE: the last value before deletion */
	struct blob *prev;   /* previous value, NULL when created (DELETE: same as value) */
};

/*
 * A watch cursor reads the events after a revision for keys under a prefix.
 * It never blocks; the notify callback (called from the writer's thread right
 * after a commit, keep it short: typically it wakes a connection) says when
 * new events may be there. from_rev: deliver events with rev > from_rev.
 * Returns NULL with err 410 Gone (reason "Expired") when from_rev is older
 * than the oldest revision the store still keeps events for.
 *
 * Notify contract: it is called only for commits with a key under the
 * prefix, and at most once between two store_watch_next calls; so after a
 * wake, call store_watch_next until it returns fewer than max (events that
 * are already there at open need a first call without a wake). notify runs
 * on the writer thread, under the store's watcher-list lock: it must not
 * write (store_put/store_delete would wait for itself), open or close watches,
 * and store_watch_close must not be called while holding a lock that notify
 * takes; once store_watch_close returns it is never called again. One
 * thread at a time per cursor; different cursors are independent.
 */
struct store_watch;
typedef void (*store_notify_fn)(void *ctx);
struct store_watch *store_watch_open(struct store *s, const char *prefix, int64_t from_rev,
				     store_notify_fn notify, void *ctx, struct atoll_err *err);
/*
 * Take up to max pending events into out[] (caller frees each with
 * store_event_release). Returns the count (0 when none), or -1 with err
 * 410 when the watcher fell so far behind that events were dropped. A
 * cursor behind the in-memory ring reads the on-disk event log (a few
 * milliseconds); only when that is trimmed too does it get 410.
 */
int store_watch_next(struct store_watch *w, struct store_event *out, int max, struct atoll_err *err);
/*
 * Newest revision this cursor has seen (for bookmarks). A watcher with no
 * unread events is carried along by the writer, so this stays current
 * even when nothing under its prefix changes.
 */
int64_t store_watch_rev(struct store_watch *w);
void store_watch_close(struct store_watch *w);
void store_event_release(struct store_event *ev);

/* Stats for /metrics. */
struct store_stats {
	int64_t revision;
	uint64_t keys;
	uint64_t db_bytes;
	uint64_t watchers;
};
void store_stats(struct store *s, struct store_stats *st);

#endif
