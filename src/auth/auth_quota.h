/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Admission of creations against a namespace's LimitRanges (container
 * defaults, min and max) and ResourceQuotas (compute, storage, object
 * counts). Usage is counted from the store plus the creations admitted but
 * not yet answered, under one lock, so concurrent creates never over-commit.
 */
#ifndef ATOLL_AUTH_QUOTA_H
#define ATOLL_AUTH_QUOTA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "api/authz.h"

struct api_req;

/*
 * Admit the creation of obj (borrowed; for pods, LimitRange defaults are
 * written into it and *changed set). false with the 403 message in why.
 * An admitted creation holds a reservation until quota_release(r).
 */
bool quota_admit(struct api_req *r, const struct authz_attrs *a, json_t *obj, bool *changed, char *why, size_t n);
/* The request is answered: drop its reservation and refresh status.used of the quotas it touched. */
void quota_release(struct api_req *r, int code);

/*
 * The same admission for an object a controller creates without an API
 * request: LimitRange defaults are written into obj, then put(ctx) does the
 * write while the quota lock is held (so admissions after it count it).
 * Returns put's result, or -2 with the 403 message in why when refused.
 */
struct store;
int quota_create_internal(struct store *s, const char *ns, const char *group, const char *resource, json_t *obj,
			  int (*put)(void *ctx), void *ctx, char *why, size_t n);

/* auth_quota_scope.c */
/* Whether quota has scopes (spec.scopes or spec.scopeSelector); scoped quotas count pods only. */
bool quota_scoped(const json_t *quota);
/* Whether quota (borrowed) counts obj of resource res in group ("" for core). */
bool quota_covers(const json_t *quota, const char *group, const char *res, const json_t *obj);

/* auth_quota_pool.c */
/*
 * A namespace's resource pool limits (sandbox.h's sb_opts pool_*) from its
 * ResourceQuotas: the smallest hard limits.cpu (milli-CPUs) and
 * limits.memory (bytes) of the unscoped quotas; 0 when none sets one.
 * quotas: an array of ResourceQuota objects or a list with "items" (borrowed).
 */
void quota_pool_limits(const json_t *quotas, long *cpu_milli, long long *memory);

#endif
