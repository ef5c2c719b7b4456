/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Garbage collection: blobs that no repository links (layers, manifests) and
 * upload sessions untouched for a day. Safe while pushes run because a blob
 * is only removed when it is older than a grace period: a push links its
 * blobs within seconds of storing them, and a manifest PUT checks its blobs
 * are linked (re-linking an existing blob keeps it).
 */
#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/server.h"
#include "controllers/loop.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"
#include "store/store.h"

#define GC_INTERVAL 3600
#define GC_GRACE    3600

static void sweep_blobs(const char *alg, const struct reg_links *m, time_t cutoff, unsigned *removed)
{
	_cleanup_free_ char *dir = xasprintf("%s/blobs/%s", reg_g.root, alg);
	size_t k;
	char **ents = reg_list_dir(dir, &k);

	for (size_t i = 0; i < k; i++) {
		char key[200];
		snprintf(key, sizeof(key), "%s-%s", alg, ents[i]);
		if (reg_links_has(m, key))
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, ents[i]);
		struct stat sb;
		if (stat(p, &sb) == 0 && sb.st_mtime <= cutoff && unlink(p) == 0)
			(*removed)++;
	}
	reg_free_list(ents, k);
}

void reg_gc(unsigned grace_seconds, unsigned upload_ttl_seconds)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct reg_links m = { 0 };
	unsigned removed = 0, uploads = 0;
	time_t now = time(NULL);

	pthread_mutex_lock(&lock);
	_cleanup_free_ char *repos = xasprintf("%s/repos", reg_g.root);
	reg_links_collect(repos, &m);
	sweep_blobs("sha256", &m, now - (time_t)grace_seconds, &removed);
	sweep_blobs("sha512", &m, now - (time_t)grace_seconds, &removed);
	reg_links_release(&m);

	_cleanup_free_ char *up = xasprintf("%s/uploads", reg_g.root);
	size_t k;
	char **ents = reg_list_dir(up, &k);
	for (size_t i = 0; i < k; i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", up, ents[i]);
		struct stat sb;
		if (stat(p, &sb) == 0 && sb.st_mtime <= now - (time_t)upload_ttl_seconds && unlink(p) == 0)
			uploads++;
	}
	reg_free_list(ents, k);
	pthread_mutex_unlock(&lock);
	if (removed || uploads)
		log_info("registry", "gc: removed %u unreferenced blobs and %u stale upload files", removed,
			 uploads);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

/* Remove DATA/registry/repos/<ns> (its blobs go with the next collection). */
static void remove_ns_repos(const char *ns)
{
	_cleanup_free_ char *dir = xasprintf("%s/repos/%s", reg_g.root, ns);
	struct stat sb;

	if (strchr(ns, '/') || ns[0] == '.' || stat(dir, &sb) < 0)
		return;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	log_info("registry", "removed the repositories of deleted namespace %s", ns);
}

/* Every namespace directory whose namespace the store says is gone (404 only). Returns how many. */
static unsigned gc_namespaces(struct store *s)
{
	_cleanup_free_ char *repos = xasprintf("%s/repos", reg_g.root);
	size_t n;
	char **ns = reg_list_dir(repos, &n);
	unsigned removed = 0;

	for (size_t i = 0; i < n; i++) {
		struct store_kv kv = { 0 };
		struct atoll_err e = { 0 };
		_cleanup_free_ char *key = xasprintf("core/namespaces//%s", ns[i]);
		if (store_get(s, key, &kv, &e) == 0) {
			store_kv_release(&kv);
			continue;
		}
		if (e.code != 404) /* only a namespace known to be gone takes its images along */
			continue;
		remove_ns_repos(ns[i]);
		removed++;
	}
	reg_free_list(ns, n);
	return removed;
}

void reg_gc_namespaces(struct api_server *srv)
{
	gc_namespaces(srv->store);
}

/*
 * While the server runs, a controller loop follows namespace deletions: the
 * loop threads stop before the store closes, so this never races shutdown.
 * Blobs only the namespace held go at a collection with a grace period that
 * covers the store-then-link step of pushes running meanwhile.
 */
#define NS_GC_GRACE 600
#define NS_RESYNC   60

static void ns_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char prefix[] = "core/namespaces//";

	(void)l;
	if (ev->type != STORE_EV_DELETE || strncmp(ev->key, prefix, sizeof(prefix) - 1))
		return;
	remove_ns_repos(ev->key + sizeof(prefix) - 1);
	reg_gc(NS_GC_GRACE, 24 * 3600);
}

static void ns_tick(struct ctl_loop *l)
{
	static time_t last;
	time_t now = time(NULL);

	/* A removal that raced a push (a directory left non-empty) is retried. */
	if (now - last < NS_RESYNC)
		return;
	last = now;
	if (gc_namespaces(l->store))
		reg_gc(NS_GC_GRACE, 24 * 3600);
}

void reg_ns_watch_start(struct api_server *srv)
{
	static struct ctl_loop loop = {
		.name = "registry", .prefix = "core/namespaces/", .on_event = ns_event, .on_tick = ns_tick,
	};

	if (loop.store)
		return;
	loop.store = srv->store;
	ctl_loop_start(&loop);
}

static void *gc_loop(void *arg)
{
	(void)arg;
	for (;;) {
		sleep(GC_INTERVAL);
		reg_gc(GC_GRACE, 24 * 3600);
	}
	return NULL;
}

int reg_gc_start(void)
{
	static bool started;
	pthread_t t;

	if (started)
		return 0;
	if (pthread_create(&t, NULL, gc_loop, NULL))
		return -1;
	pthread_detach(t);
	started = true;
	return 0;
}
