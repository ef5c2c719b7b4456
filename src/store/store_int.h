/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the SQLite store, shared by its files:
 *   index.c   in-memory current state (hash for get, AVL tree for ordered lists)
 *   sqlite.c  database open, schema, load, batch write, event-log reads
 *   checkpoint.c  WAL checkpoints on a thread of their own
 *   writer.c  the writer thread: group commit of queued puts and deletes
 *   watch.c   the ring of recent events, watch cursors and notification
 *   store.c   the public functions that glue these together
 *
 * Locking: s->lock (a writer-preferring rwlock) guards the index, the ring
 * and s->rev together, so a reader sees one revision's state and events.
 * Only the writer thread changes them; it may read the index unlocked.
 */
#ifndef ATOLL_STORE_INT_H
#define ATOLL_STORE_INT_H

#include <pthread.h>
#include "lib/serverlibs.h"

#include "store/crypt.h"
#include "store/store.h"

/* ---- index.c ---- */

struct idx_node {
	char *key;               /* owned */
	struct blob *value;      /* owned reference */
	int64_t create_rev;
	int64_t mod_rev;
	uint64_t hash;
	struct idx_node *hnext;  /* hash chain */
	struct idx_node *left, *right;
	int height;
	size_t size;             /* nodes in this subtree (for counts) */
};

struct idx {
	struct idx_node **buckets;
	size_t nbuckets;         /* power of two */
	size_t count;
	struct idx_node *root;
};

void idx_init(struct idx *ix);
void idx_release(struct idx *ix);
struct idx_node *idx_find(const struct idx *ix, const char *key);
/* Insert or replace; takes a reference to value (caller keeps its own). */
void idx_put(struct idx *ix, const char *key, struct blob *value, int64_t create_rev,
	     int64_t mod_rev);
void idx_del(struct idx *ix, const char *key);
/* Fill a list page (see store_list); caller holds the lock. */
void idx_list(const struct idx *ix, const char *prefix, const char *after, size_t limit,
	      struct store_list *out);

/* ---- watch.c (ring of recent events) ---- */

struct ring_ev {
	int64_t rev;
	enum store_event_type type;
	bool created;
	int64_t create_rev;      /* of the incarnation written (PUT) or deleted */
	char *key;               /* owned */
	struct blob *value;      /* owned reference */
	struct blob *prev;       /* owned reference or NULL */
};

struct ring {
	struct ring_ev *ev;      /* cap slots, ev[rev % cap] */
	size_t cap;
	int64_t first;           /* oldest revision held; first > last when empty */
	int64_t last;
	size_t bytes;            /* value+prev bytes referenced (bounded) */
	size_t max_bytes;
};

void ring_init(struct ring *r, size_t cap, size_t max_bytes, int64_t rev);
void ring_release(struct ring *r);
/* Append the event of revision r->last + 1 (copies the key, refs the blobs). */
void ring_push(struct ring *r, const struct ring_ev *ev);
void ring_ev_release(struct ring_ev *ev);

/* Notify the watchers whose prefix matches one of evs[0..n). */
void watch_notify_all(struct store *s, const struct ring_ev *evs, size_t n);

/* ---- sqlite.c ---- */

struct db {
	sqlite3 *w;              /* writer thread's connection */
	sqlite3_stmt *put, *del, *log, *trim;
	sqlite3_stmt *begin, *commit, *rollback;
	sqlite3 *r;              /* readers' connection (event log), under rlock */
	sqlite3_stmt *read_log;
	pthread_mutex_t rlock;
	char *path;
	int lockfd;              /* flock()ed "<path>-lock": one process per database */
	const struct store_crypt *crypt; /* borrowed, NULL: values go to disk as they are */

	/* checkpoint.c */
	sqlite3 *c;              /* the checkpointer's connection */
	pthread_t ckpt_thread;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cond;   /* wakes the checkpointer */
	pthread_cond_t ckpt_done;   /* its pass ended (state tail) */
	bool ckpt_want, ckpt_stop, ckpt_started;
	int wal_frames;          /* frames in the WAL after the last commit */
	int ckpt_state;          /* atomic: idle, bulk (thread copying), tail (writer's turn) */
};

int db_open(struct db *db, const char *path, bool no_fsync, struct atoll_err *err);
void db_close(struct db *db);
/*
 * Load kv rows into ix (unsealing sealed values); *rev = newest revision,
 * *compacted = newest dropped one.
 */
int db_load(struct db *db, struct idx *ix, int64_t *rev, int64_t *compacted,
	    struct atoll_err *err);
/* One batch: begin, write each event, trim the log to `keep` revisions, commit. */
int db_write_batch(struct db *db, const struct ring_ev *evs, size_t n, int64_t keep,
		   struct atoll_err *err);
/*
 * Read up to max events with from < rev <= to whose key has prefix, into out[].
 * *scanned = the last revision examined (from when none). Returns the count,
 * or -1 with err (410 when revision from+1 is no longer in the log).
 */
int db_read_log(struct db *db, const char *prefix, int64_t from, int64_t to,
		struct store_event *out, int max, int64_t *scanned, struct atoll_err *err);
uint64_t db_bytes(struct db *db);

/* Checkpoints: started by db_open (hooks the writer connection), stopped by db_close. */
int ckpt_start(struct db *db, struct atoll_err *err);
void ckpt_stop(struct db *db);
/* Writer thread, after each batch is acknowledged: the short last step of a checkpoint. */
void ckpt_after_batch(struct db *db);

/* ---- writer.c ---- */

struct wreq;                 /* a queued write, on its caller's stack */

struct writer {
	pthread_t thread;
	pthread_mutex_t mu;      /* guards the queue and each request's done flag */
	pthread_cond_t wake;     /* the writer waits on it for requests */
	struct wreq *head, *tail;
	bool stop;
	bool started;
};

int writer_start(struct store *s, struct atoll_err *err);
void writer_stop(struct store *s);
int writer_submit(struct store *s, bool del, const char *key, struct blob *value,
		  int64_t expect, int64_t *rev, struct atoll_err *err);

/* ---- the store ---- */

struct store {
	pthread_rwlock_t lock;   /* guards idx, ring, rev (see above) */
	struct idx idx;
	struct ring ring;
	int64_t rev;             /* newest committed revision */
	int64_t compacted;       /* newest revision whose event the log dropped */
	int64_t log_keep;        /* revisions kept in the SQLite event log */

	struct db db;
	struct writer wr;

	pthread_mutex_t wlock;   /* guards the watcher list */
	struct store_watch *watchers;
	uint64_t nwatchers;
};

#endif
