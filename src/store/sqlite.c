/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite side of the store: schema, loading the state at open, writing
 * one batch as one transaction, and reading the event log for watchers that
 * start before the in-memory ring. WAL mode, synchronous=FULL: a commit is
 * fsynced before the writer acknowledges it, and a crash at any point leaves
 * whole transactions only.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store_int.h"

#define STORE_SCHEMA_VERSION 1

static const char schema[] =
	/*
	 * Rows are addressed by create_rev, which names one incarnation of a
	 * key; the in-memory index knows it, so no index on key is kept (one
	 * B-tree fewer to write per commit). Keys are unique by construction.
	 */
	"CREATE TABLE IF NOT EXISTS kv ("
	"  create_rev INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  value BLOB NOT NULL,"
	"  mod_rev INTEGER NOT NULL);"
	/* One row per revision: type 0 put, 1 delete; value is the new (put) or last (delete) one. */
	"CREATE TABLE IF NOT EXISTS log ("
	"  rev INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  value BLOB NOT NULL,"
	"  prev BLOB);";

static int db_fail(sqlite3 *h, struct atoll_err *err, const char *what)
{
	return err_set(err, 500, "InternalError", "store: %s: %s", what,
		       h ? sqlite3_errmsg(h) : "out of memory");
}

static int db_exec(sqlite3 *h, const char *sql, struct atoll_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, 500, "InternalError", "store: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int db_prep(sqlite3 *h, const char *sql, sqlite3_stmt **st, struct atoll_err *err)
{
	if (sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return db_fail(h, err, sql);
	return 0;
}

static int64_t query_int(sqlite3 *h, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int db_conn(const char *path, sqlite3 **h, struct atoll_err *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

	if (sqlite3_open_v2(path, h, flags, NULL) != SQLITE_OK) {
		db_fail(*h, err, path);
		sqlite3_close(*h);
		*h = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*h, 10000);
	return 0;
}

/*
 * Two servers on one database would hand out the same revisions. A lock
 * file, not the database itself: closing any descriptor of the database
 * would drop SQLite's own POSIX locks on it.
 */
static int db_lock(struct db *db, const char *path, struct atoll_err *err)
{
	char *lp = xasprintf("%s-lock", path);

	db->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (db->lockfd < 0) {
		err_set(err, 500, "InternalError", "store: %s: %s", lp, strerror(errno));
	} else if (flock(db->lockfd, LOCK_EX | LOCK_NB) < 0) {
		err_set(err, 500, "InternalError", "store: %s: %s", lp,
			errno == EWOULDBLOCK ? "in use by another process" : strerror(errno));
		close(db->lockfd);
		db->lockfd = -1;
	}
	free(lp);
	return db->lockfd < 0 ? -1 : 0;
}

int db_open(struct db *db, const char *path, bool no_fsync, struct atoll_err *err)
{
	memset(db, 0, sizeof(*db));
	db->lockfd = -1;
	pthread_mutex_init(&db->rlock, NULL);
	pthread_mutex_init(&db->ckpt_mu, NULL);
	pthread_cond_init(&db->ckpt_cond, NULL);
	pthread_cond_init(&db->ckpt_done, NULL);
	db->path = xstrdup(path);
	if (db_lock(db, path, err) < 0 || db_conn(path, &db->w, err) < 0)
		goto fail;
	if (db_exec(db->w, "PRAGMA journal_mode=WAL", err) < 0 ||
	    db_exec(db->w, no_fsync ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL", err) < 0 ||
	    /* Keep the WAL file from growing without bound after a burst. */
	    db_exec(db->w, "PRAGMA journal_size_limit=67108864", err) < 0 ||
	    db_exec(db->w, "PRAGMA cache_size=-4096", err) < 0 ||
	    db_exec(db->w, schema, err) < 0)
		goto fail;
	/* The schema's version, for a future migration to recognize. */
	if (query_int(db->w, "PRAGMA user_version", 0) > STORE_SCHEMA_VERSION) {
		err_set(err, 500, "InternalError", "store: schema version %lld is newer than %d",
			(long long)query_int(db->w, "PRAGMA user_version", 0), STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (db_exec(db->w, "PRAGMA user_version=1", err) < 0)
		goto fail;
	if (db_prep(db->w, "INSERT INTO kv(create_rev, key, value, mod_rev) VALUES(?1, ?2, ?3, ?4)"
		    " ON CONFLICT(create_rev) DO UPDATE SET value = excluded.value,"
		    " mod_rev = excluded.mod_rev", &db->put, err) < 0 ||
	    db_prep(db->w, "DELETE FROM kv WHERE create_rev = ?1", &db->del, err) < 0 ||
	    db_prep(db->w, "INSERT INTO log(rev, key, type, created, value, prev)"
		    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &db->log, err) < 0 ||
	    db_prep(db->w, "DELETE FROM log WHERE rev <= ?1", &db->trim, err) < 0 ||
	    db_prep(db->w, "BEGIN IMMEDIATE", &db->begin, err) < 0 ||
	    db_prep(db->w, "COMMIT", &db->commit, err) < 0 ||
	    db_prep(db->w, "ROLLBACK", &db->rollback, err) < 0)
		goto fail;
	if (db_conn(path, &db->r, err) < 0 ||
	    db_exec(db->r, "PRAGMA cache_size=-1024", err) < 0 ||
	    db_prep(db->r, "SELECT rev, key, type, created, value, prev FROM log"
		    " WHERE rev > ?1 AND rev <= ?2 ORDER BY rev", &db->read_log, err) < 0)
		goto fail;
	if (ckpt_start(db, err) < 0)
		goto fail;
	return 0;
fail:
	err_wrap(err, "open %s", path);
	db_close(db);
	return -1;
}

void db_close(struct db *db)
{
	sqlite3_stmt *st[] = { db->put, db->del, db->log, db->trim, db->begin, db->commit,
			       db->rollback, db->read_log };

	ckpt_stop(db);
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db->r);
	sqlite3_close(db->w);
	pthread_mutex_destroy(&db->rlock);
	pthread_mutex_destroy(&db->ckpt_mu);
	pthread_cond_destroy(&db->ckpt_cond);
	pthread_cond_destroy(&db->ckpt_done);
	if (db->lockfd >= 0)
		close(db->lockfd);
	free(db->path);
	memset(db, 0, sizeof(*db));
	db->lockfd = -1;
}

/* The key ring in use; store_set_crypt may swap it while readers and the writer run. */
static const struct store_crypt *ring_of(const struct db *db)
{
	return __atomic_load_n(&db->crypt, __ATOMIC_ACQUIRE);
}

/*
 * A value column in cleartext: sealed values are unsealed (crypt.h). NULL
 * for SQL NULL, or with *bad set and err filled when unsealing fails.
 */
static struct blob *col_value(const struct db *db, sqlite3_stmt *st, int col, const char *key,
			      bool *bad, struct atoll_err *err)
{
	const void *p;
	size_t n;
	struct blob *b;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	p = sqlite3_column_blob(st, col);
	n = (size_t)sqlite3_column_bytes(st, col);
	if (!p || !crypt_sealed(p, n))
		return blob_new(p ? p : "", n);
	b = crypt_unseal(ring_of(db), key, p, n, err);
	if (!b)
		*bad = true;
	return b;
}

int db_load(struct db *db, struct idx *ix, int64_t *rev, int64_t *compacted,
	    struct atoll_err *err)
{
	sqlite3_stmt *st;
	int64_t maxmod = 0, rc;
	size_t stale = 0;
	bool bad = false;

	if (sqlite3_prepare_v2(db->w, "SELECT key, value, create_rev, mod_rev FROM kv", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(db->w, err, "load");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const void *raw = sqlite3_column_blob(st, 1);
		size_t rlen = (size_t)sqlite3_column_bytes(st, 1);
		char name[CRYPT_NAME_MAX];
		bool sealed = raw && crypt_sealed(raw, rlen);
		/* Not as a write would store it now: sealed with an older key, or cleartext. */
		if (sealed ? crypt_key_name(raw, rlen, name) < 0 || !ring_of(db) ||
				     strcmp(name, ring_of(db)->keys[0].name)
			   : crypt_wants(ring_of(db), key))
			stale++;
		struct blob *v = col_value(db, st, 1, key, &bad, err);
		if (bad)
			break;
		int64_t mod = sqlite3_column_int64(st, 3);
		idx_put(ix, key, v, sqlite3_column_int64(st, 2), mod);
		blob_unref(v);
		if (mod > maxmod)
			maxmod = mod;
	}
	sqlite3_finalize(st);
	if (bad)
		return -1;
	if (rc != SQLITE_DONE)
		return db_fail(db->w, err, "load");
	if (stale)
		log_warn("store", "%zu objects are not stored under the primary encryption key;"
			 " `atoll encryption rewrite` (server stopped) re-encrypts them", stale);
	/* The log keeps at least the newest revision, deletes included. */
	*rev = query_int(db->w, "SELECT max(rev) FROM log", 0);
	if (*rev < maxmod)
		*rev = maxmod;
	*compacted = query_int(db->w, "SELECT min(rev) FROM log", *rev + 1) - 1;
	return 0;
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static void bind_blob(sqlite3_stmt *st, int i, const struct blob *b)
{
	if (b)
		sqlite3_bind_blob64(st, i, b->data, b->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* The bytes that go to disk for value b of key: sealed when its resource is encrypted. */
static struct blob *at_rest(const struct db *db, const char *key, struct blob *b,
			    struct atoll_err *err)
{
	const struct store_crypt *c = ring_of(db);

	if (!b || !crypt_wants(c, key))
		return blob_ref(b);
	return crypt_seal(c, key, b->data, b->len, err);
}

static int write_one(struct db *db, const struct ring_ev *e, struct atoll_err *err)
{
	/* A delete's prev is its value; do not store it twice. */
	struct blob *v = at_rest(db, e->key, e->value, err), *prev = NULL;
	int rc = -1;

	if (!v || (e->type == STORE_EV_PUT && e->prev && !(prev = at_rest(db, e->key, e->prev, err))))
		goto out;
	if (e->type == STORE_EV_PUT) {
		sqlite3_bind_int64(db->put, 1, e->create_rev);
		sqlite3_bind_text(db->put, 2, e->key, -1, SQLITE_STATIC);
		bind_blob(db->put, 3, v);
		sqlite3_bind_int64(db->put, 4, e->rev);
		if (step_reset(db->put) < 0)
			goto sqlfail;
	} else {
		sqlite3_bind_int64(db->del, 1, e->create_rev);
		if (step_reset(db->del) < 0)
			goto sqlfail;
	}
	sqlite3_bind_int64(db->log, 1, e->rev);
	sqlite3_bind_text(db->log, 2, e->key, -1, SQLITE_STATIC);
	sqlite3_bind_int(db->log, 3, e->type == STORE_EV_PUT ? 0 : 1);
	sqlite3_bind_int(db->log, 4, e->created);
	bind_blob(db->log, 5, v);
	bind_blob(db->log, 6, prev);
	if (step_reset(db->log) < 0)
		goto sqlfail;
	rc = 0;
	goto out;
sqlfail:
	db_fail(db->w, err, "write");
out:
	blob_unref(v);
	blob_unref(prev);
	return rc;
}

int db_write_batch(struct db *db, const struct ring_ev *evs, size_t n, int64_t keep,
		   struct atoll_err *err)
{
	if (step_reset(db->begin) < 0)
		return db_fail(db->w, err, "begin");
	for (size_t i = 0; i < n; i++)
		if (write_one(db, &evs[i], err) < 0)
			goto fail;
	sqlite3_bind_int64(db->trim, 1, evs[n - 1].rev - keep);
	if (step_reset(db->trim) < 0 || step_reset(db->commit) < 0) {
		db_fail(db->w, err, "write");
		goto fail;
	}
	return 0;
fail:
	if (!sqlite3_get_autocommit(db->w))
		step_reset(db->rollback);
	return -1;
}

int db_read_log(struct db *db, const char *prefix, int64_t from, int64_t to,
		struct store_event *out, int max, int64_t *scanned, struct atoll_err *err)
{
	sqlite3_stmt *st = db->read_log;
	size_t plen = strlen(prefix);
	int n = 0, rc = SQLITE_DONE;
	bool gap = false, bad = false;

	*scanned = from;
	if (from >= to || max <= 0)
		return 0;
	pthread_mutex_lock(&db->rlock);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t rev = sqlite3_column_int64(st, 0);
		const char *key = (const char *)sqlite3_column_text(st, 1);
		/* Revisions are dense; a hole means the log was trimmed past us. */
		if (rev != *scanned + 1) {
			gap = true;
			break;
		}
		*scanned = rev;
		if (strncmp(key, prefix, plen))
			continue;
		struct store_event *e = &out[n++];
		e->rev = rev;
		e->type = sqlite3_column_int(st, 2) ? STORE_EV_DELETE : STORE_EV_PUT;
		e->created = sqlite3_column_int(st, 3);
		e->key = xstrdup(key);
		e->value = col_value(db, st, 4, key, &bad, err);
		e->prev = e->type == STORE_EV_DELETE ? blob_ref(e->value)
			: bad ? NULL : col_value(db, st, 5, key, &bad, err);
		if (bad)
			break;
	}
	/* When unsealing failed, err says why; the failed event (counted in n) goes with the rest. */
	if (!bad && rc != SQLITE_ROW && rc != SQLITE_DONE)
		db_fail(db->r, err, "read log");
	else if (!bad && (gap || *scanned == from)) /* nothing in (from, to] at all: trimmed too */
		err_set(err, 410, "Expired", "too old resource version: %lld", (long long)from);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	pthread_mutex_unlock(&db->rlock);
	if (bad || (rc != SQLITE_ROW && rc != SQLITE_DONE) || gap || *scanned == from) {
		while (n > 0)
			store_event_release(&out[--n]);
		return -1;
	}
	return n;
}

uint64_t db_bytes(struct db *db)
{
	struct stat st;
	uint64_t n = 0;
	char *wal;

	if (!stat(db->path, &st))
		n += (uint64_t)st.st_size;
	wal = xasprintf("%s-wal", db->path);
	if (!stat(wal, &st))
		n += (uint64_t)st.st_size;
	free(wal);
	return n;
}
