/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WAL checkpoints mostly off the commit path. SQLite's automatic checkpoint
 * runs inside a commit, so every write queued behind it waits for all the
 * page copying and an fsync of the database. Here a thread with its own
 * connection copies the bulk with a passive checkpoint, concurrently with
 * the writer; then the writer, between two batches, checkpoints the little
 * that was added meanwhile, so the checkpoint is complete and the next
 * write starts the WAL over from its beginning (a reused WAL, not a growing
 * one, keeps every commit's fsync cheap). The writer does that last step
 * itself: under load it holds the write lock nearly always, so another
 * thread could only get it by making the writer wait anyway.
 */
#include <string.h>

#include "lib/log.h"
#include "store/store_int.h"

#define CKPT_SOFT_FRAMES 500  /* start a checkpoint (about 2 MiB of WAL) */
#define CKPT_HARD_FRAMES 4000 /* the writer waits for the checkpoint (about 16 MiB) */

enum { CKPT_IDLE, CKPT_BULK, CKPT_TAIL }; /* db->ckpt_state */

static int wal_hook(void *arg, sqlite3 *h, const char *dbname, int frames)
{
	struct db *db = arg;
	int idle = CKPT_IDLE;

	__atomic_store_n(&db->wal_frames, frames, __ATOMIC_RELAXED);
	if (frames >= CKPT_SOFT_FRAMES &&
	    __atomic_compare_exchange_n(&db->ckpt_state, &idle, CKPT_BULK, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&db->ckpt_mu);
		db->ckpt_want = true;
		pthread_cond_signal(&db->ckpt_cond);
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
		int rc = sqlite3_wal_checkpoint_v2(db->c, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warn("store", "checkpoint: %s", sqlite3_errmsg(db->c));
		pthread_mutex_lock(&db->ckpt_mu);
		/* Even after a failure: the writer's pass retries it all. */
		__atomic_store_n(&db->ckpt_state, CKPT_TAIL, __ATOMIC_SEQ_CST);
		pthread_cond_broadcast(&db->ckpt_done);
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
	/* A connection learns the database is in WAL mode only once it reads it. */
	if (sqlite3_exec(db->c, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db->w, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL) != SQLITE_OK)
		return err_set(err, 500, "InternalError", "store: checkpointer: %s",
			       sqlite3_errmsg(db->c));
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

void ckpt_after_batch(struct db *db)
{
	int state = __atomic_load_n(&db->ckpt_state, __ATOMIC_SEQ_CST);

	if (state == CKPT_BULK &&
	    __atomic_load_n(&db->wal_frames, __ATOMIC_RELAXED) >= CKPT_HARD_FRAMES) {
		/* Writes outrun the checkpoint: hold them until its pass ends, so the WAL stays bounded. */
		pthread_mutex_lock(&db->ckpt_mu);
		while (__atomic_load_n(&db->ckpt_state, __ATOMIC_SEQ_CST) == CKPT_BULK && !db->ckpt_stop)
			pthread_cond_wait(&db->ckpt_done, &db->ckpt_mu);
		pthread_mutex_unlock(&db->ckpt_mu);
		state = __atomic_load_n(&db->ckpt_state, __ATOMIC_SEQ_CST);
	}
	if (state != CKPT_TAIL)
		return;
	int rc = sqlite3_wal_checkpoint_v2(db->w, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc != SQLITE_OK)
		log_warn("store", "checkpoint: %s (%d)", sqlite3_errmsg(db->w), rc);
	/* After a failure too: the next commit past the threshold starts another round. */
	__atomic_store_n(&db->ckpt_state, CKPT_IDLE, __ATOMIC_SEQ_CST);
}
