/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A list+watch cache of one collection (an informer, in client-go's words):
 * a thread lists, then watches from the list's resourceVersion, resumes
 * after a stream ends and lists again after errors (410 Gone).
 */
#ifndef ATOLL_AGENT_KCACHE_H
#define ATOLL_AGENT_KCACHE_H

#include <jansson.h>
#include <stdbool.h>

struct kclient;
struct kcache;

/* Called from the cache's thread after every change (and after each full list). */
typedef void (*kcache_changed_fn)(void *ctx);

/*
 * Start caching the collection at path ("/api/v1/services"; a query such as
 * "?fieldSelector=..." may follow). kc is borrowed for the process's life.
 * A second start for the same kc and path shares the first cache (and fn
 * joins its listeners, called once at once). Returns a cache that lives as
 * long as the process.
 */
struct kcache *kcache_start(struct kclient *kc, const char *path, kcache_changed_fn fn, void *ctx);

/* The objects now in the cache, as a new array (returns owned). */
json_t *kcache_items(struct kcache *c);

/* True once the first list has arrived. */
bool kcache_synced(struct kcache *c);

#endif
