/* SPDX-License-Identifier: Apache-2.0 */
/* The table of built-in kinds: names as discovery shows them, subresources, merge keys, hooks. */
#include <string.h>

#include "api/kinds_hooks.h"
#include "api/kinds_common.h"
#include "registry/registry.h"

/*
 * Strategic-merge keys, as Kubernetes' patchMergeKey tags. Paths name object
 * fields from the root; a list's element fields continue the path without an
 * index ("spec.containers.ports" is the ports of every container).
 */
#define META_KEYS "metadata.ownerReferences", "uid"
#define CONTAINER_KEYS(c) \
	c, "name", c ".ports", "containerPort", c ".env", "name", \
	c ".volumeMounts", "mountPath", c ".volumeDevices", "devicePath"
#define PODSPEC_KEYS(p) \
	CONTAINER_KEYS(p ".containers"), CONTAINER_KEYS(p ".initContainers"), \
	CONTAINER_KEYS(p ".ephemeralContainers"), \
	p ".volumes", "name", p ".imagePullSecrets", "name", p ".hostAliases", "ip", \
	p ".topologySpreadConstraints", "topologyKey", p ".resourceClaims", "name", \
	p ".schedulingGates", "name"
#define COND_KEYS "status.conditions", "type"

static const char *const pod_keys[] = {
	META_KEYS, PODSPEC_KEYS("spec"), COND_KEYS, "status.podIPs", "ip", "status.hostIPs", "ip",
	NULL,
};
static const char *const template_keys[] = {
	META_KEYS, PODSPEC_KEYS("spec.template.spec"), COND_KEYS, NULL,
};
static const char *const cronjob_keys[] = {
	META_KEYS, PODSPEC_KEYS("spec.jobTemplate.spec.template.spec"), NULL,
};
static const char *const service_keys[] = {
	META_KEYS, "spec.ports", "port", COND_KEYS, NULL,
};
static const char *const node_keys[] = {
	META_KEYS, "status.addresses", "type", COND_KEYS, NULL,
};
static const char *const sa_keys[] = { META_KEYS, "secrets", "name", NULL };
static const char *const cond_keys[] = { META_KEYS, COND_KEYS, NULL };
static const char *const meta_keys[] = { META_KEYS, NULL };

#define ROW(g, v, k, res, sing, ns) \
	.group = g, .version = v, .kind = k, .list_kind = k "List", .resource = res, \
	.singular = sing, .namespaced = ns, .storage_version = true

#define HOOKS(x) .defaults = kinds_##x##_defaults, .validate = kinds_##x##_validate
#define PRINT(x) .columns = kinds_##x##_columns, .row = kinds_##x##_row

/* ---- core/v1 ---- */
static const struct api_kind k_namespace = {
	ROW("", "v1", "Namespace", "namespaces", "namespace", false),
	.short_names = { "ns" }, .subresources = API_SUB_STATUS,
	HOOKS(namespace), PRINT(namespace), .merge_keys = cond_keys,
	.field_labels = kinds_namespace_fields,
};
static const struct api_kind k_pod = {
	ROW("", "v1", "Pod", "pods", "pod", true),
	.short_names = { "po" }, .categories = { "all" }, .subresources = API_SUB_STATUS,
	HOOKS(pod), PRINT(pod), .merge_keys = pod_keys,
	.field_labels = kinds_pod_fields,
};
static const struct api_kind k_service = {
	ROW("", "v1", "Service", "services", "service", true),
	.short_names = { "svc" }, .categories = { "all" }, .subresources = API_SUB_STATUS,
	HOOKS(service), PRINT(service), .merge_keys = service_keys,
};
static const struct api_kind k_endpoints = {
	ROW("", "v1", "Endpoints", "endpoints", "endpoints", true),
	.short_names = { "ep" }, HOOKS(endpoints), PRINT(endpoints), .merge_keys = meta_keys,
};
static const struct api_kind k_configmap = {
	ROW("", "v1", "ConfigMap", "configmaps", "configmap", true),
	.short_names = { "cm" }, HOOKS(configmap), PRINT(configmap), .merge_keys = meta_keys,
};
static const struct api_kind k_secret = {
	ROW("", "v1", "Secret", "secrets", "secret", true),
	HOOKS(secret), PRINT(secret), .merge_keys = meta_keys,
	.field_labels = kinds_secret_fields,
};
static const struct api_kind k_serviceaccount = {
	ROW("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true),
	.short_names = { "sa" }, HOOKS(serviceaccount), PRINT(serviceaccount),
	.merge_keys = sa_keys,
};
static const struct api_kind k_node = {
	ROW("", "v1", "Node", "nodes", "node", false),
	.short_names = { "no" }, .subresources = API_SUB_STATUS,
	HOOKS(node), PRINT(node), .merge_keys = node_keys,
	.field_labels = kinds_node_fields,
};
static const struct api_kind k_event = {
	ROW("", "v1", "Event", "events", "event", true),
	.short_names = { "ev" }, HOOKS(event), PRINT(event), .merge_keys = meta_keys,
	.field_labels = kinds_event_fields,
};
static const struct api_kind k_pv = {
	ROW("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", false),
	.short_names = { "pv" }, .subresources = API_SUB_STATUS,
	HOOKS(pv), PRINT(pv), .merge_keys = meta_keys,
};
static const struct api_kind k_pvc = {
	ROW("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim",
	    true),
	.short_names = { "pvc" }, .subresources = API_SUB_STATUS,
	HOOKS(pvc), PRINT(pvc), .merge_keys = cond_keys,
};
static const struct api_kind k_resourcequota = {
	ROW("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true),
	.short_names = { "quota" }, .subresources = API_SUB_STATUS,
	.validate = kinds_resourcequota_validate, PRINT(resourcequota), .merge_keys = meta_keys,
};
static const struct api_kind k_limitrange = {
	ROW("", "v1", "LimitRange", "limitranges", "limitrange", true),
	.short_names = { "limits" }, .validate = kinds_validate_meta_only, PRINT(created),
	.merge_keys = meta_keys,
};

/* ---- apps/v1 ---- */
static const struct api_kind k_deployment = {
	ROW("apps", "v1", "Deployment", "deployments", "deployment", true),
	.short_names = { "deploy" }, .categories = { "all" },
	.subresources = API_SUB_STATUS | API_SUB_SCALE,
	HOOKS(deployment), PRINT(deployment), .merge_keys = template_keys,
};
static const struct api_kind k_replicaset = {
	ROW("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true),
	.short_names = { "rs" }, .categories = { "all" },
	.subresources = API_SUB_STATUS | API_SUB_SCALE,
	HOOKS(replicaset), PRINT(replicaset), .merge_keys = template_keys,
	.field_labels = kinds_replicaset_fields,
};
static const struct api_kind k_statefulset = {
	ROW("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true),
	.short_names = { "sts" }, .categories = { "all" },
	.subresources = API_SUB_STATUS | API_SUB_SCALE,
	HOOKS(statefulset), PRINT(statefulset), .merge_keys = template_keys,
};
/* As in Kubernetes, DaemonSets have no scale subresource. */
static const struct api_kind k_daemonset = {
	ROW("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true),
	.short_names = { "ds" }, .categories = { "all" }, .subresources = API_SUB_STATUS,
	HOOKS(daemonset), PRINT(daemonset), .merge_keys = template_keys,
};

/* ---- batch/v1 ---- */
static const struct api_kind k_job = {
	ROW("batch", "v1", "Job", "jobs", "job", true),
	.categories = { "all" }, .subresources = API_SUB_STATUS,
	HOOKS(job), PRINT(job), .merge_keys = template_keys,
	.field_labels = kinds_job_fields,
};
static const struct api_kind k_cronjob = {
	ROW("batch", "v1", "CronJob", "cronjobs", "cronjob", true),
	.short_names = { "cj" }, .categories = { "all" }, .subresources = API_SUB_STATUS,
	HOOKS(cronjob), PRINT(cronjob), .merge_keys = cronjob_keys,
};

/* ---- the other groups ---- */
static const struct api_kind k_lease = {
	ROW("coordination.k8s.io", "v1", "Lease", "leases", "lease", true),
	.validate = kinds_validate_meta_only, PRINT(lease), .merge_keys = meta_keys,
};
static const struct api_kind k_endpointslice = {
	ROW("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true),
	.validate = kinds_validate_meta_only, PRINT(endpointslice), .merge_keys = meta_keys,
};
/* Kubernetes serves events.k8s.io events from the core storage, so "ev" names both. */
static const struct api_kind k_event2 = {
	ROW("events.k8s.io", "v1", "Event", "events", "event", true),
	.short_names = { "ev" }, HOOKS(event), PRINT(event), .merge_keys = meta_keys,
	.field_labels = kinds_event_fields,
};
static const struct api_kind k_storageclass = {
	ROW("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", false),
	.short_names = { "sc" }, HOOKS(storageclass), PRINT(storageclass),
	.merge_keys = meta_keys,
};
static const struct api_kind k_networkpolicy = {
	ROW("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true),
	.short_names = { "netpol" }, .validate = kinds_networkpolicy_validate,
	PRINT(networkpolicy),
	.merge_keys = meta_keys,
};
static const struct api_kind k_ingress = {
	ROW("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true),
	.short_names = { "ing" }, .subresources = API_SUB_STATUS,
	.validate = kinds_ingress_validate, PRINT(ingress), .merge_keys = meta_keys,
};

#define RBAC "rbac.authorization.k8s.io"
static const struct api_kind k_role = {
	ROW(RBAC, "v1", "Role", "roles", "role", true),
	.validate = kinds_role_validate, PRINT(created), .merge_keys = meta_keys,
};
static const struct api_kind k_clusterrole = {
	ROW(RBAC, "v1", "ClusterRole", "clusterroles", "clusterrole", false),
	.validate = kinds_role_validate, PRINT(created), .merge_keys = meta_keys,
};
static const struct api_kind k_rolebinding = {
	ROW(RBAC, "v1", "RoleBinding", "rolebindings", "rolebinding", true),
	.validate = kinds_rolebinding_validate, PRINT(rolebinding), .merge_keys = meta_keys,
};
static const struct api_kind k_clusterrolebinding = {
	ROW(RBAC, "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false),
	.validate = kinds_rolebinding_validate, PRINT(rolebinding), .merge_keys = meta_keys,
};
static const struct api_kind k_crd = {
	ROW("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions",
	    "customresourcedefinition", false),
	.short_names = { "crd", "crds" }, .categories = { "api-extensions" },
	.subresources = API_SUB_STATUS, HOOKS(crd), PRINT(created), .merge_keys = meta_keys,
};

/* ---- kinds kubectl's create commands use beyond the core set ---- */
static const struct api_kind k_pdb = {
	ROW("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true),
	.short_names = { "pdb" }, .subresources = API_SUB_STATUS,
	.validate = kinds_validate_meta_only, .merge_keys = cond_keys,
};
static const struct api_kind k_priorityclass = {
	ROW("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false),
	.short_names = { "pc" }, .validate = kinds_validate_meta_only, .merge_keys = meta_keys,
};

static const struct api_kind k_runtimeclass = {
	ROW("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "runtimeclass", false),
	HOOKS(runtimeclass), PRINT(runtimeclass), .merge_keys = meta_keys,
};

/* The embedded registry's repositories, read-only (src/registry/reg_kind.c). */
static const struct api_kind k_image = {
	ROW("", "v1", "Image", "images", "image", true),
	.read_only = true, .validate = kinds_validate_meta_only, .merge_keys = meta_keys,
	.columns = registry_image_columns, .row = registry_image_row,
};

/*
 * metrics.k8s.io, as metrics-server serves it: rows for discovery and RBAC
 * only; the router answers these from the agents' reports (metrics_api.c).
 */
static const struct api_kind k_nodemetrics = {
	ROW("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", "", false),
	.read_only = true, .validate = kinds_validate_meta_only, .merge_keys = meta_keys,
};
static const struct api_kind k_podmetrics = {
	ROW("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", "", true),
	.read_only = true, .validate = kinds_validate_meta_only, .merge_keys = meta_keys,
};

const struct api_kind *const kinds_builtin[] = {
	&k_namespace, &k_pod, &k_service, &k_endpoints, &k_configmap, &k_secret,
	&k_serviceaccount, &k_node, &k_event, &k_pv, &k_pvc, &k_resourcequota, &k_limitrange,
	&k_deployment, &k_replicaset, &k_statefulset, &k_daemonset,
	&k_job, &k_cronjob,
	&k_lease, &k_endpointslice, &k_event2, &k_storageclass, &k_networkpolicy, &k_ingress,
	&k_role, &k_clusterrole, &k_rolebinding, &k_clusterrolebinding,
	&k_crd, &k_pdb, &k_priorityclass, &k_runtimeclass, &k_image,
	&k_nodemetrics, &k_podmetrics,
	NULL,
};

const struct api_kind *kinds_builtin_find(const char *group, const char *version,
					  const char *resource)
{
	for (int i = 0; kinds_builtin[i]; i++) {
		const struct api_kind *k = kinds_builtin[i];

		if (!strcmp(k->group, group) && !strcmp(k->version, version) &&
		    !strcmp(k->resource, resource))
			return k;
	}
	return NULL;
}

const struct api_kind *kinds_builtin_find_kind(const char *group, const char *version,
					       const char *kind)
{
	for (int i = 0; kinds_builtin[i]; i++) {
		const struct api_kind *k = kinds_builtin[i];

		if (!strcmp(k->group, group) && !strcmp(k->version, version) &&
		    !strcmp(k->kind, kind))
			return k;
	}
	return NULL;
}

const char *kinds_merge_key(const struct api_kind *k, const char *path)
{
	for (int i = 0; k->merge_keys && k->merge_keys[i]; i += 2)
		if (!strcmp(k->merge_keys[i], path))
			return k->merge_keys[i + 1];
	return NULL;
}
