/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers the workload controllers share: listing objects with their
 * revisions, compare-and-swap writes, creating owned children that look
 * like API-created objects, conditions, events and pod state.
 */
#ifndef ATOLL_CTL_H
#define ATOLL_CTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct ctl_obj {
	char *key;    /* owned */
	json_t *obj;  /* owned */
	int64_t rev;  /* mod_rev when listed */
};

struct ctl_list {
	struct ctl_obj *v;
	size_t n;
};

/* Every object under prefix ("apps/deployments/" or ".../ns/"). Returns 0 or -1. */
int ctl_list(struct store *s, const char *prefix, struct ctl_list *out);
void ctl_list_free(struct ctl_list *l);

/* Parsed objects of one prefix kept between listings (ctl_cache.c); one thread only. */
struct ctl_cache {
	json_t *map; /* key -> [mod_rev, object] */
};
/*
 * ctl_list, reusing the objects that kept their revision since the last call
 * with the same cache. The listed objects are shared with the cache: read-only.
 * With c NULL it is ctl_list.
 */
int ctl_list_cached(struct store *s, const char *prefix, struct ctl_cache *c, struct ctl_list *out);
void ctl_cache_clear(struct ctl_cache *c);
/*
 * What the caller just wrote (obj, whose encoding is stored, at rev), so the
 * next listing neither parses it nor, once its status changed, its spec
 * again. obj becomes shared with the cache: read-only from now on.
 */
void ctl_cache_seed(struct ctl_cache *c, const char *key, int64_t rev, json_t *obj, const struct blob *stored);
/*
 * ctl_list of only the given dotted paths of each object (lib/jskim.h): for
 * a pass that reads a few fields of every pod. The objects are partial:
 * never write them back.
 */
int ctl_list_skim(struct store *s, const char *prefix, const char *const *paths, size_t npaths,
		  struct ctl_list *out);

/* Store prefix of a resource in a namespace (ns NULL: all). group "" is core. Returns owned. */
char *ctl_prefix(const char *group, const char *resource, const char *ns);

/* Replace key with obj if its mod_rev is still rev (borrows obj). Returns 0, or -1 (raced / gone). */
int ctl_put(struct store *s, const char *key, json_t *obj, int64_t rev);
/* ctl_put that also gives the new revision and, when it took, the stored value (owned reference). */
int ctl_put_keep(struct store *s, const char *key, json_t *obj, int64_t rev, int64_t *nrev, struct blob **stored);

/*
 * Create obj (borrowed; metadata.name or generateName set by the caller) as
 * group/resource in ns, filling uid, creationTimestamp, generation, the
 * kind's defaults and, when owner is non-NULL, a controller ownerReference
 * to it. Namespaced objects pass the admission set with ctl_set_admission
 * (LimitRange, ResourceQuota); a refusal becomes a FailedCreate event on the
 * owner. Returns 0 (409 when it exists), -1, or -2 when admission refused it.
 */
int ctl_create(struct store *s, const char *group, const char *resource, const char *ns,
	       json_t *obj, const json_t *owner);

/*
 * The admission of controller writes (the server sets it to the quota
 * admission): runs put(ctx) when obj may be created, else returns -2 with why.
 */
typedef int (*ctl_admit_fn)(struct store *s, const char *ns, const char *group, const char *resource, json_t *obj,
			    int (*put)(void *ctx), void *ctx, char *why, size_t n);
void ctl_set_admission(ctl_admit_fn fn);

/* Delete with Kubernetes semantics (finalizers, background propagation). Returns 0 or -1. */
int ctl_delete(struct store *s, const char *group, const char *resource, const char *ns,
	       const char *name);

/* Delete at once, with no grace period (pods of nodes that are gone). */
int ctl_delete_now(struct store *s, const char *group, const char *resource, const char *ns, const char *name);

/* The uid of obj's controller ownerReference, or NULL (borrowed). */
const char *ctl_controller_uid(const json_t *obj);
bool ctl_terminating(const json_t *obj);

/* Pod state as controllers see it. */
bool ctl_pod_ready(const json_t *pod);      /* condition Ready True */
bool ctl_pod_finished(const json_t *pod);   /* phase Succeeded or Failed */
bool ctl_pod_active(const json_t *pod);     /* neither finished nor terminating */

/*
 * Set status.conditions[type] (status must be an object), keeping
 * lastTransitionTime unless the status value changes.
 */
void ctl_set_condition(json_t *status, const char *type, const char *cstatus, const char *reason,
		       const char *message);
const char *ctl_condition(const json_t *obj, const char *type); /* its status, or NULL */

/*
 * Write the object's new status if it differs from the stored one: obj is
 * the listed object (borrowed), status the new value (borrowed).
 */
void ctl_write_status(struct store *s, const struct ctl_obj *o, json_t *status);

/* Record an Event about obj (type "Normal"/"Warning"). */
void ctl_event(struct store *s, const json_t *obj, const char *type, const char *reason,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A new Pod (owned) from a pod template (borrowed): its labels, annotations and spec. */
json_t *ctl_pod_from_template(const json_t *tmpl);

/* Whether key starts with one of the NULL-terminated prefixes (for on_event filters). */
bool ctl_key_has_prefix(const char *key, const char *const *prefixes);

/* A short, stable hash of a JSON value (FNV-1a over its canonical form) in name-safe letters. */
void ctl_hash(const json_t *v, char *out, size_t n);

/* n random lowercase alphanumerics (Kubernetes' generateName alphabet) into out[n+1]. */
void ctl_rand_suffix(char *out, size_t n);

/* Current wall time in seconds, and RFC 3339 parsing (0 when unparsable). */
int64_t ctl_now(void);
int64_t ctl_parse_time(const char *rfc3339);

/*
 * The usual tick of an owner controller: list the owners under owner_prefix
 * and their possible children under child_prefix, then sync each owner.
 * With a dirty flag (NULL: always run), skips when clean and sets it again
 * when a list fails, so the next tick retries.
 */
typedef void (*ctl_sync_fn)(struct store *s, struct ctl_obj *owner, struct ctl_list *children);
void ctl_sync_owners(struct store *s, bool *dirty, const char *owner_prefix, const char *child_prefix,
		     ctl_sync_fn sync);

#endif
