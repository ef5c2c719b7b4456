/* SPDX-License-Identifier: Apache-2.0 */
/* List, then watch from the list's revision; one thread per cached collection. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/kcache.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define MAX_LISTENERS 4

struct kcache {
	struct kcache *next; /* all caches, so loops share one per collection */
	struct kclient *kc;
	char *path;
	struct {
		kcache_changed_fn fn;
		void *ctx;
	} on[MAX_LISTENERS];
	int non;
	pthread_mutex_t mu;
	json_t *objs; /* "ns/name" -> object */
	char rv[32];
	bool synced, relist;
	unsigned long events; /* seen by on_event, for spotting streams that end at once */
};

static pthread_mutex_t all_mu = PTHREAD_MUTEX_INITIALIZER;
static struct kcache *all;

static void notify(struct kcache *c)
{
	pthread_mutex_lock(&all_mu);
	int n = c->non;
	pthread_mutex_unlock(&all_mu);
	for (int i = 0; i < n; i++)
		c->on[i].fn(c->on[i].ctx);
}

static void key_of(const json_t *obj, char *out, size_t n)
{
	const json_t *md = json_object_get(obj, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));

	snprintf(out, n, "%s/%s", ns ? ns : "", name ? name : "");
}

static int on_event(const char *type, json_t *obj, void *ctx)
{
	struct kcache *c = ctx;
	char key[600];
	const char *rv = json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));

	c->events++;
	if (!strcmp(type, "ERROR")) {
		c->relist = true; /* 410 Gone and friends: start over */
		return 1;
	}
	pthread_mutex_lock(&c->mu);
	if (rv)
		snprintf(c->rv, sizeof(c->rv), "%s", rv);
	bool changed = true;
	key_of(obj, key, sizeof(key));
	if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED"))
		json_object_set(c->objs, key, obj);
	else if (!strcmp(type, "DELETED"))
		json_object_del(c->objs, key);
	else
		changed = false; /* BOOKMARK */
	pthread_mutex_unlock(&c->mu);
	if (changed)
		notify(c);
	return 0;
}

static int list(struct kcache *c)
{
	struct atoll_err err = ERR_INIT;
	json_t *l = NULL;
	int code = kclient_do(c->kc, "GET", c->path, NULL, NULL, &l, &err);

	if (code != 200 || !json_is_array(json_object_get(l, "items"))) {
		log_warn("agent", "listing %s: %s", c->path, code < 0 ? err.msg : "unexpected answer");
		json_decref(l);
		return -1;
	}
	json_t *objs = json_object(), *it;
	size_t i;
	char key[600];
	json_array_foreach(json_object_get(l, "items"), i, it) {
		key_of(it, key, sizeof(key));
		json_object_set(objs, key, it);
	}
	const char *rv = json_string_value(json_object_get(json_object_get(l, "metadata"), "resourceVersion"));
	pthread_mutex_lock(&c->mu);
	json_decref(c->objs);
	c->objs = objs;
	snprintf(c->rv, sizeof(c->rv), "%s", rv ? rv : "");
	c->synced = true;
	pthread_mutex_unlock(&c->mu);
	json_decref(l);
	notify(c);
	return 0;
}

static void *run(void *arg)
{
	struct kcache *c = arg;
	const char *sep = strchr(c->path, '?') ? "&" : "?";

	for (;;) {
		if (list(c) < 0) {
			sleep(1);
			continue;
		}
		c->relist = false;
		/* Watch until an error asks for a new list; a stream that just ends resumes. */
		for (int fails = 0; !c->relist && fails < 3;) {
			char rv[32];
			pthread_mutex_lock(&c->mu);
			snprintf(rv, sizeof(rv), "%s", c->rv);
			pthread_mutex_unlock(&c->mu);
			_cleanup_free_ char *w = xasprintf("%s%swatch=1&allowWatchBookmarks=true&timeoutSeconds=300"
							   "&resourceVersion=%s", c->path, sep, rv);
			struct atoll_err err = ERR_INIT;
			unsigned long before = c->events;
			/* A stream that fails, or ends without a single event, counts as a failure: no busy loop. */
			if (kclient_watch(c->kc, w, on_event, c, &err) < 0 || c->events == before) {
				fails++;
				sleep(1);
			} else {
				fails = 0;
			}
		}
	}
	return NULL;
}

struct kcache *kcache_start(struct kclient *kc, const char *path, kcache_changed_fn fn, void *ctx)
{
	struct kcache *c;
	pthread_t t;

	pthread_mutex_lock(&all_mu);
	for (c = all; c; c = c->next) {
		if (c->kc == kc && !strcmp(c->path, path) && c->non < MAX_LISTENERS) {
			c->on[c->non].fn = fn;
			c->on[c->non].ctx = ctx;
			c->non++;
			pthread_mutex_unlock(&all_mu);
			fn(ctx); /* it may have listed already */
			return c;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->kc = kc;
	c->path = xstrdup(path);
	c->on[0].fn = fn;
	c->on[0].ctx = ctx;
	c->non = 1;
	c->objs = json_object();
	pthread_mutex_init(&c->mu, NULL);
	c->next = all;
	all = c;
	pthread_mutex_unlock(&all_mu);
	pthread_create(&t, NULL, run, c);
	pthread_detach(t);
	return c;
}

json_t *kcache_items(struct kcache *c)
{
	json_t *a = json_array(), *v;
	const char *k;

	pthread_mutex_lock(&c->mu);
	json_object_foreach(c->objs, k, v)
		json_array_append(a, v);
	pthread_mutex_unlock(&c->mu);
	return a;
}

bool kcache_synced(struct kcache *c)
{
	pthread_mutex_lock(&c->mu);
	bool s = c->synced;
	pthread_mutex_unlock(&c->mu);
	return s;
}
