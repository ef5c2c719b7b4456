/* SPDX-License-Identifier: Apache-2.0 */
/* Encryption at rest, offline: count values by key, rewrite them under the primary, prune keys. */
#include <string.h>

#include "lib/xalloc.h"
#include "store/store_int.h"

static int fail(sqlite3 *h, struct atoll_err *err, const char *what)
{
	return err_set(err, 500, "InternalError", "store: %s: %s", what,
		       h ? sqlite3_errmsg(h) : "out of memory");
}

/* Count one stored value (NULL: none) of key into u. */
static void count(const struct store_crypt *c, const char *key, const void *p, size_t n,
		  struct crypt_usage *u)
{
	char name[CRYPT_NAME_MAX];
	int i;

	if (!crypt_sealed(p, n)) {
		if (crypt_wants(c, key))
			u->clear++;
		return;
	}
	i = crypt_key_name(p, n, name) < 0 ? -1 : crypt_find_key(c, name);
	if (i < 0)
		u->unknown++;
	else
		u->rows[i]++;
}

static int scan(sqlite3 *h, const struct store_crypt *c, struct crypt_usage *u,
		struct atoll_err *err)
{
	static const char sql[] = "SELECT key, value, NULL FROM kv"
				  " UNION ALL SELECT key, value, prev FROM log";
	sqlite3_stmt *st;
	int rc;

	memset(u, 0, sizeof(*u));
	u->rows = xcalloc(c->nkeys ? c->nkeys : 1, sizeof(*u->rows));
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(h, err, "scan");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		for (int col = 1; col <= 2; col++) {
			if (sqlite3_column_type(st, col) == SQLITE_NULL)
				continue;
			const void *p = sqlite3_column_blob(st, col);
			count(c, key, p ? p : "", (size_t)sqlite3_column_bytes(st, col), u);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(h, err, "scan");
	return 0;
}

void crypt_usage_release(struct crypt_usage *u)
{
	if (u) {
		free(u->rows);
		memset(u, 0, sizeof(*u));
	}
}

int crypt_db_usage(const char *db_path, const struct store_crypt *c, struct crypt_usage *u,
		   struct atoll_err *err)
{
	sqlite3 *h = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
	if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fail(h, err, db_path);
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, 10000);
	rc = scan(h, c, u, err);
	sqlite3_close(h);
	return rc;
}

/* Whether a stored value differs from what a write would store now. */
static bool stale(const struct store_crypt *c, const char *key, const void *p, size_t n)
{
	char name[CRYPT_NAME_MAX];

	if (!crypt_sealed(p, n))
		return crypt_wants(c, key);
	return crypt_key_name(p, n, name) < 0 || strcmp(name, c->keys[0].name);
}

/* The value to store in place of column col of the row, or NULL to keep it (or on error). */
static struct blob *reseal(const struct store_crypt *c, sqlite3_stmt *st, int col,
			   const char *key, bool *bad, struct atoll_err *err)
{
	const void *p = sqlite3_column_blob(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	struct blob *clear, *out;

	if (sqlite3_column_type(st, col) == SQLITE_NULL || !stale(c, key, p ? p : "", n))
		return NULL;
	clear = crypt_unseal(c, key, p ? p : "", n, err);
	if (!clear) {
		*bad = true;
		return NULL;
	}
	out = crypt_seal(c, key, clear->data, clear->len, err);
	memset(clear->data, 0, clear->len);
	blob_unref(clear);
	if (!out)
		*bad = true;
	return out;
}

/*
 * Rewrite the stale values of one table (inside the caller's transaction).
 * The ids are gathered first: updating rows while a SELECT walks the same
 * table is not something SQLite promises to handle.
 */
static int rewrite_table(sqlite3 *h, const struct store_crypt *c, const char *table,
			 const char *id, bool has_prev, size_t *rows, struct atoll_err *err)
{
	char *sel = xasprintf("SELECT %s, key, value, %s FROM %s", id, has_prev ? "prev" : "NULL",
			      table);
	char *one = xasprintf("SELECT %s, key, value, %s FROM %s WHERE %s = ?1", id,
			      has_prev ? "prev" : "NULL", table, id);
	char *upd = xasprintf("UPDATE %s SET value = coalesce(?2, value)%s WHERE %s = ?1", table,
			      has_prev ? ", prev = coalesce(?3, prev)" : "", id);
	sqlite3_stmt *st = NULL, *st1 = NULL, *up = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0;
	int rc = -1;
	bool bad = false;

	if (sqlite3_prepare_v2(h, sel, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, one, -1, &st1, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, upd, -1, &up, NULL) != SQLITE_OK) {
		fail(h, err, table);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 1);
		bool want = false;
		for (int col = 2; col <= 3 && !want; col++) {
			const void *p = sqlite3_column_blob(st, col);
			want = sqlite3_column_type(st, col) != SQLITE_NULL &&
			       stale(c, key, p ? p : "", (size_t)sqlite3_column_bytes(st, col));
		}
		if (!want)
			continue;
		if (nids == cap)
			ids = xrealloc(ids, (cap = cap ? 2 * cap : 256) * sizeof(*ids));
		ids[nids++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		rc = fail(h, err, table);
		goto out;
	}
	rc = -1;
	for (size_t i = 0; i < nids; i++) {
		sqlite3_bind_int64(st1, 1, ids[i]);
		if (sqlite3_step(st1) != SQLITE_ROW) {
			fail(h, err, table);
			goto out;
		}
		const char *key = (const char *)sqlite3_column_text(st1, 1);
		struct blob *v = reseal(c, st1, 2, key, &bad, err);
		struct blob *p = bad ? NULL : reseal(c, st1, 3, key, &bad, err);
		if (!bad) {
			sqlite3_bind_int64(up, 1, ids[i]);
			if (v)
				sqlite3_bind_blob64(up, 2, v->data, v->len, SQLITE_STATIC);
			if (p)
				sqlite3_bind_blob64(up, 3, p->data, p->len, SQLITE_STATIC);
			if (sqlite3_step(up) != SQLITE_DONE)
				bad = fail(h, err, table) < 0;
			sqlite3_reset(up);
			sqlite3_clear_bindings(up);
		}
		blob_unref(v);
		blob_unref(p);
		sqlite3_reset(st1);
		if (bad)
			goto out;
		(*rows)++;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(st1);
	sqlite3_finalize(up);
	free(ids);
	free(sel);
	free(one);
	free(upd);
	return rc;
}

static int exec(sqlite3 *h, const char *sql, struct atoll_err *err)
{
	return sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(h, err, sql);
}

int crypt_db_rewrite(const char *db_path, const struct store_crypt *c, size_t *rows,
		     struct atoll_err *err)
{
	struct db db;
	int rc;

	*rows = 0;
	if (!c->nkeys)
		return err_set(err, 400, "BadRequest", "no encryption key");
	if (db_open(&db, db_path, false, err) < 0)
		return -1;
	/* Overwrite freed space, so the old bytes do not linger in free pages. */
	rc = exec(db.w, "PRAGMA secure_delete=ON", err);
	if (rc == 0)
		rc = exec(db.w, "BEGIN IMMEDIATE", err);
	if (rc == 0)
		rc = rewrite_table(db.w, c, "kv", "create_rev", false, rows, err);
	if (rc == 0)
		rc = rewrite_table(db.w, c, "log", "rev", true, rows, err);
	if (rc == 0)
		rc = exec(db.w, "COMMIT", err);
	if (rc < 0 && !sqlite3_get_autocommit(db.w))
		sqlite3_exec(db.w, "ROLLBACK", NULL, NULL, NULL);
	/* Copy the WAL into the database and empty it: no old frames stay behind. */
	if (rc == 0 && sqlite3_wal_checkpoint_v2(db.w, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
						 NULL) != SQLITE_OK)
		rc = fail(db.w, err, "checkpoint");
	db_close(&db);
	return rc;
}

int crypt_db_prune(const char *db_path, struct store_crypt *c, const char *ring_path,
		   size_t *dropped, struct atoll_err *err)
{
	struct crypt_usage u;
	struct db db;
	size_t keep = 1;
	int rc;

	*dropped = 0;
	if (db_open(&db, db_path, false, err) < 0)
		return -1;
	rc = scan(db.w, c, &u, err);
	if (rc == 0) {
		/* The primary always stays: the next write needs it. */
		for (size_t i = 1; i < c->nkeys; i++) {
			if (u.rows[i])
				c->keys[keep++] = c->keys[i];
			else
				(*dropped)++;
		}
		memset(&c->keys[keep], 0, (c->nkeys - keep) * sizeof(*c->keys));
		c->nkeys = keep;
		if (*dropped)
			rc = crypt_ring_save(c, ring_path, err);
	}
	crypt_usage_release(&u);
	db_close(&db);
	return rc;
}
