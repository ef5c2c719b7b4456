/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RBAC v1 rule matching with Kubernetes' semantics: pure functions over
 * PolicyRule and Subject JSON objects (all borrowed), no I/O.
 */
#ifndef ATOLL_RBAC_H
#define ATOLL_RBAC_H

#include <jansson.h>
#include <stdbool.h>

#include "api/authz.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"

/* Who asks: a user name and its groups (borrowed). */
struct rbac_who {
	const char *user;
	const char *const *groups;
	int ngroups;
};

/* Does one PolicyRule allow the request? Resource and non-resource rules alike. */
bool rbac_rule_allows(const json_t *rule, const struct authz_attrs *a);
/* Does any rule of the array allow it? */
bool rbac_rules_allow(const json_t *rules, const struct authz_attrs *a);
/*
 * Do the owner's rules cover everything `rule` grants (escalation check)?
 * A wildcard in `rule` is covered only by a wildcard. On false, writes the
 * first uncovered permission into miss (may be NULL).
 */
bool rbac_rules_cover(const json_t *owner, const json_t *rule, char *miss, size_t n);
/* Does a binding's subject name the caller? ns: the binding's namespace ("" for cluster). */
bool rbac_subject_matches(const json_t *subject, const struct rbac_who *w, const char *ns);
bool rbac_who_in_group(const struct rbac_who *w, const char *group);

#endif
