/* SPDX-License-Identifier: Apache-2.0 */
/* The public store functions: open/close, reads from memory, writes through the writer. */
#include <string.h>

#include "lib/xalloc.h"
#include "store/store_int.h"

#define STORE_LOG_KEEP    100000
#define STORE_RING_EVENTS 16384
#define STORE_RING_BYTES  (16u << 20)

static void store_free(struct store *s)
{
	writer_stop(s);
	db_close(&s->db);
	ring_release(&s->ring);
	idx_release(&s->idx);
	pthread_rwlock_destroy(&s->lock);
	pthread_mutex_destroy(&s->wlock);
	free(s);
}

struct store *store_open(const struct store_opts *o, struct atoll_err *err)
{
	struct store *s;
	pthread_rwlockattr_t attr;

	if (!o || !o->path || !*o->path) {
		err_set(err, 500, "InternalError", "store: no database path");
		return NULL;
	}
	if (serverlibs_load(err) < 0) /* SQLite is loaded on first use */
		return NULL;
	s = xcalloc(1, sizeof(*s));

	pthread_rwlockattr_init(&attr);
	/* Readers are many and frequent: without this the writer could starve. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	pthread_mutex_init(&s->wlock, NULL);
	idx_init(&s->idx);
	s->log_keep = o->log_keep > 0 ? o->log_keep : STORE_LOG_KEEP;

	if (db_open(&s->db, o->path, o->no_fsync, err) < 0)
		goto fail;
	s->db.crypt = o->crypt;
	if (db_load(&s->db, &s->idx, &s->rev, &s->compacted, err) < 0)
		goto fail;
	ring_init(&s->ring, o->ring_events ? o->ring_events : STORE_RING_EVENTS,
		  o->ring_bytes ? o->ring_bytes : STORE_RING_BYTES, s->rev);
	if (writer_start(s, err) < 0)
		goto fail;
	return s;
fail:
	if (!s->ring.ev)
		ring_init(&s->ring, 1, 0, 0);
	store_free(s);
	return NULL;
}

void store_set_crypt(struct store *s, const struct store_crypt *c)
{
	__atomic_store_n(&s->db.crypt, c, __ATOMIC_RELEASE);
}

void store_close(struct store *s)
{
	if (s)
		store_free(s);
}

int64_t store_revision(struct store *s)
{
	return __atomic_load_n(&s->rev, __ATOMIC_ACQUIRE);
}

void store_kv_release(struct store_kv *kv)
{
	if (!kv)
		return;
	free(kv->key);
	blob_unref(kv->value);
	memset(kv, 0, sizeof(*kv));
}

int store_get(struct store *s, const char *key, struct store_kv *out, struct atoll_err *err)
{
	const struct idx_node *n;

	memset(out, 0, sizeof(*out));
	pthread_rwlock_rdlock(&s->lock);
	n = idx_find(&s->idx, key);
	if (n) {
		out->value = blob_ref(n->value);
		out->create_rev = n->create_rev;
		out->mod_rev = n->mod_rev;
	}
	pthread_rwlock_unlock(&s->lock);
	if (!out->value)
		return err_set(err, 404, "NotFound", "%s not found", key);
	out->key = xstrdup(key);
	return 0;
}

int store_put(struct store *s, const char *key, struct blob *value, int64_t expect,
	      int64_t *rev, struct atoll_err *err)
{
	if (!key || !*key || !value)
		return err_set(err, 400, "BadRequest", "store: put needs a key and a value");
	return writer_submit(s, false, key, value, expect, rev, err);
}

int store_delete(struct store *s, const char *key, int64_t expect, int64_t *rev,
		 struct atoll_err *err)
{
	if (!key || !*key)
		return err_set(err, 400, "BadRequest", "store: delete needs a key");
	return writer_submit(s, true, key, NULL, expect, rev, err);
}

int store_list(struct store *s, const char *prefix, const char *after, size_t limit,
	       struct store_list *out, struct atoll_err *err)
{
	pthread_rwlock_rdlock(&s->lock);
	idx_list(&s->idx, prefix ? prefix : "", after, limit, out);
	out->rev = s->rev;
	pthread_rwlock_unlock(&s->lock);
	return 0;
}

void store_list_free(struct store_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		store_kv_release(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void store_stats(struct store *s, struct store_stats *st)
{
	pthread_rwlock_rdlock(&s->lock);
	st->revision = s->rev;
	st->keys = s->idx.count;
	pthread_rwlock_unlock(&s->lock);
	pthread_mutex_lock(&s->wlock);
	st->watchers = s->nwatchers;
	pthread_mutex_unlock(&s->wlock);
	st->db_bytes = db_bytes(&s->db);
}
