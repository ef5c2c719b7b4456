/* SPDX-License-Identifier: Apache-2.0 */
/* Per-kind hooks of the built-in kinds, referenced by the table in kinds_builtin.c. */
#ifndef ATOLL_KINDS_HOOKS_H
#define ATOLL_KINDS_HOOKS_H

#include "api/kind.h"

#define KINDS_HOOKS(x) \
	void kinds_##x##_defaults(const struct api_kind *k, json_t *obj); \
	void kinds_##x##_validate(const struct api_kind *k, const json_t *obj, \
				  const json_t *old, json_t *causes)
#define KINDS_PRINT(x) \
	json_t *kinds_##x##_columns(const struct api_kind *k); \
	json_t *kinds_##x##_row(const struct api_kind *k, const json_t *obj)

/* defaults + validate (kinds_core.c, kinds_pod.c, kinds_apps.c, kinds_batch.c, kinds_misc.c) */
KINDS_HOOKS(pod);
KINDS_HOOKS(runtimeclass);
KINDS_HOOKS(service);
KINDS_HOOKS(namespace);
KINDS_HOOKS(configmap);
KINDS_HOOKS(secret);
KINDS_HOOKS(serviceaccount);
KINDS_HOOKS(node);
KINDS_HOOKS(pv);
KINDS_HOOKS(pvc);
KINDS_HOOKS(deployment);
KINDS_HOOKS(replicaset);
KINDS_HOOKS(statefulset);
KINDS_HOOKS(daemonset);
KINDS_HOOKS(job);
KINDS_HOOKS(cronjob);
KINDS_HOOKS(event);
KINDS_HOOKS(endpoints);
KINDS_HOOKS(storageclass);
KINDS_HOOKS(crd);

/* ResourceQuota scopes (src/auth/auth_quota_scope.c): validation only */
void kinds_resourcequota_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
				  json_t *causes);

/* RBAC (kinds_rbac.c): validation only */
void kinds_role_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			 json_t *causes);
void kinds_rolebinding_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
				json_t *causes);

/* networking (kinds_net.c): validation only */
void kinds_ingress_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			    json_t *causes);
void kinds_networkpolicy_validate(const struct api_kind *k, const json_t *obj,
				  const json_t *old, json_t *causes);

/* Table printers (kinds_print_*.c) */
KINDS_PRINT(pod);
KINDS_PRINT(service);
KINDS_PRINT(namespace);
KINDS_PRINT(configmap);
KINDS_PRINT(secret);
KINDS_PRINT(serviceaccount);
KINDS_PRINT(node);
KINDS_PRINT(event);
KINDS_PRINT(pv);
KINDS_PRINT(pvc);
KINDS_PRINT(endpoints);
KINDS_PRINT(resourcequota);
KINDS_PRINT(deployment);
KINDS_PRINT(replicaset);
KINDS_PRINT(statefulset);
KINDS_PRINT(daemonset);
KINDS_PRINT(job);
KINDS_PRINT(cronjob);
KINDS_PRINT(lease);
KINDS_PRINT(endpointslice);
KINDS_PRINT(storageclass);
KINDS_PRINT(runtimeclass);
KINDS_PRINT(networkpolicy);
KINDS_PRINT(ingress);
KINDS_PRINT(rolebinding);
/* NAME + CREATED AT, Kubernetes' table for kinds without a printer */
KINDS_PRINT(created);

#endif
