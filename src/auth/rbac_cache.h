/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RBAC authorizer over the store: Roles, ClusterRoles and their
 * bindings, cached in memory and rebuilt after any change under
 * rbac.authorization.k8s.io/ (a store watch marks the cache stale).
 * Threads: every function may be called from any thread at once.
 */
#ifndef ATOLL_RBAC_CACHE_H
#define ATOLL_RBAC_CACHE_H

#include <jansson.h>

#include "auth/rbac.h"

struct store;

/* Once per process: create the default roles when missing and start watching. */
void rbac_init(struct store *s);
void rbac_defaults_create(struct store *s);

/* May w do a? (system:masters always may.) */
bool rbac_authorize(struct store *s, const struct rbac_who *w, const struct authz_attrs *a);
/*
 * Every rule granted to w in namespace ns ("" for cluster bindings only),
 * as an owned array of PolicyRule objects.
 */
json_t *rbac_rules_of(struct store *s, const struct rbac_who *w, const char *ns);
/* The effective rules of a Role ("Role", ns, name) or ClusterRole (owned copy), NULL when absent. */
json_t *rbac_role_rules(struct store *s, const char *kind, const char *ns, const char *name);

#endif
