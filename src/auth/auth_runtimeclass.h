/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RuntimeClass admission of Kubernetes: a pod naming a RuntimeClass gets
 * its overhead and its scheduling (node selector, tolerations), and a pod
 * naming a class that does not exist is refused.
 */
#ifndef ATOLL_AUTH_RUNTIMECLASS_H
#define ATOLL_AUTH_RUNTIMECLASS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct store;

/*
 * Admit pod (modified in place; *changed set when it was): false with the
 * 403 message in why when its RuntimeClass is missing or conflicts with it.
 */
bool runtimeclass_admit(struct store *s, json_t *pod, bool *changed, char *why, size_t n);

/* Merge the RuntimeClass rc (borrowed) into pod; false with why on a conflict. Pure, for tests. */
bool runtimeclass_apply(const json_t *rc, json_t *pod, bool *changed, char *why, size_t n);

#endif
