/* SPDX-License-Identifier: Apache-2.0 */
/* ServiceAccount admission of pods: the kube-api-access token volume in every container. */
#ifndef ATOLL_AUTH_SA_ADMIT_H
#define ATOLL_AUTH_SA_ADMIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct store;

/* Add the service account volume and mounts to pod (in place; *changed when it did). Never refuses today. */
bool sa_admit(struct store *s, const char *ns, json_t *pod, bool *changed, char *why, size_t n);

/* The projected volume named name (owned): token, ca.crt, namespace. */
json_t *sa_token_volume(const char *name);

/*
 * Admission of an object a controller creates (the ctl_admit_fn of
 * src/controllers/ctl.h): for pods RuntimeClass and ServiceAccount, then
 * LimitRanges and quotas (quota_create_internal), which does the write.
 */
int auth_admit_internal(struct store *s, const char *ns, const char *group, const char *resource, json_t *obj,
			int (*put)(void *ctx), void *ctx, char *why, size_t n);

#endif
