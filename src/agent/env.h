/* SPDX-License-Identifier: Apache-2.0 */
/* A container's environment as the kubelet builds it: env, envFrom, valueFrom. */
#ifndef ATOLL_AGENT_ENV_H
#define ATOLL_AGENT_ENV_H

#include <jansson.h>
#include <stddef.h>

struct kclient;

/*
 * The container's variables as "K=V" strings (returns an owned JSON array),
 * from envFrom (ConfigMaps and Secrets, with prefix) then env (values,
 * configMapKeyRef, secretKeyRef, fieldRef), later entries winning. A missing
 * non-optional source returns NULL with the reason in why, as the kubelet's
 * CreateContainerConfigError.
 */
json_t *env_resolve(struct kclient *kc, const json_t *pod, const json_t *container, char *why, size_t n);

#endif
