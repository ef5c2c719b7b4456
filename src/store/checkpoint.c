/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WAL checkpoints off the commit path. SQLite's automatic checkpoint runs
 * inside a commit and makes that commit (and every write queued behind it)
 * wait for copying pages and an fsync of the database file. Instead, a
 * thread with its own connection runs passive checkpoints, which never block
 * the writer; only if it falls far behind does the writer checkpoint inline.
 */
#include <string.h>

#include "lib/log.h"
#include "store/store_int.h"

#define CKPT_SOFT_FRAMES 1000  /* wake the checkpointer (about 4 MiB of WAL) */
#define CKPT_HARD_FRAMES 20000 /* the writer checkpoints itself (about 80 MiB) */
#define CKPT_MAX_PASSES  64

static int wal_hook(void *arg, sqlite3 *h, const char *dbname, int frames)
{
	struct db *db = arg;

	__atomic_store_n(&db->wal_frames, frames, __ATOMIC_RELAXED);
	if (frames >= CKPT_SOFT_FRAMES) {
		pthread_mutex_lock(&db->ckpt_mu);
		if (!db->ckpt_want) {
			db->ckpt_want = true;
			pthread_cond_signal(&db->ckpt_cond);
		}
		pthread_mutex_unlock(&db->ckpt_mu);
	}
	return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
	struct db *db = arg;

	pthread_mutex_lock(&db->ckpt_mu);
	for (;;) {
		while (!db->ckpt_want && !db->ckpt_stop)
			pthread_cond_wait(&db->ckpt_cond, &db->ckpt_mu);
		if (db->ckpt_stop)
			break;
		db->ckpt_want = false;
		pthread_mutex_unlock(&db->ckpt_mu);
		/*
		 * Each pass copies the frames present when it starts; repeat while
		 * the writer keeps appending, so the WAL can restart from the top.
		 */
		for (int i = 0; i < CKPT_MAX_PASSES; i++) {
			int nlog = 0, ndone = 0;
			int rc = sqlite3_wal_checkpoint_v2(db->c, "main", SQLITE_CHECKPOINT_PASSIVE,
							   &nlog, &ndone);
			if (rc != SQLITE_OK) {
				if (rc != SQLITE_BUSY)
					log_warn("store", "checkpoint: %s", sqlite3_errmsg(db->c));
				break;
			}
			if (ndone >= nlog)
				break;
		}
		pthread_mutex_lock(&db->ckpt_mu);
	}
	pthread_mutex_unlock(&db->ckpt_mu);
	return NULL;
}

int ckpt_start(struct db *db, struct atoll_err *err)
{
	int rc;

	if (sqlite3_open_v2(db->path, &db->c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		return err_set(err, 500, "InternalError", "store: checkpointer: %s",
			       db->c ? sqlite3_errmsg(db->c) : "out of memory");
	sqlite3_busy_timeout(db->c, 1000);
	if (sqlite3_exec(db->w, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL) != SQLITE_OK)
		return err_set(err, 500, "InternalError", "store: %s", sqlite3_errmsg(db->w));
	rc = pthread_create(&db->ckpt_thread, NULL, ckpt_main, db);
	if (rc)
		return err_set(err, 500, "InternalError", "store: checkpointer: %s", strerror(rc));
	db->ckpt_started = true;
	sqlite3_wal_hook(db->w, wal_hook, db);
	return 0;
}

void ckpt_stop(struct db *db)
{
	if (db->ckpt_started) {
		sqlite3_wal_hook(db->w, NULL, NULL);
		pthread_mutex_lock(&db->ckpt_mu);
		db->ckpt_stop = true;
		pthread_cond_signal(&db->ckpt_cond);
		pthread_mutex_unlock(&db->ckpt_mu);
		pthread_join(db->ckpt_thread, NULL);
		db->ckpt_started = false;
	}
	sqlite3_close(db->c);
	db->c = NULL;
}

void ckpt_after_commit(struct db *db)
{
	if (__atomic_load_n(&db->wal_frames, __ATOMIC_RELAXED) < CKPT_HARD_FRAMES)
		return;
	/* Far behind: a passive checkpoint here, between batches, always catches up. */
	if (sqlite3_wal_checkpoint_v2(db->w, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) !=
	    SQLITE_OK)
		log_warn("store", "checkpoint: %s", sqlite3_errmsg(db->w));
	__atomic_store_n(&db->wal_frames, 0, __ATOMIC_RELAXED);
}
