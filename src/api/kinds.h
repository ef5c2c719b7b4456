/* SPDX-License-Identifier: Apache-2.0 */
/* Adding and removing run-time kinds (CRDs). Lookups are in kind.h. */
#ifndef ATOLL_KINDS_H
#define ATOLL_KINDS_H

#include "api/kind.h"

/* Register a dynamic row (takes k; never freed). Replaces a row with the same group/version/resource. */
void kinds_add(struct api_kind *k);
/* Unlist every version of group/resource. */
void kinds_remove_group_resource(const char *group, const char *resource);


/* The storage-version row of group/resource (any version), or NULL. */
const struct api_kind *kinds_find_resource(const char *group, const char *resource);
/* The row of a store key "group/resource/ns/name", filling ns and name. */
const struct api_kind *kinds_find_key(const char *key, char *ns, size_t nslen, char *name, size_t namelen);

#endif
