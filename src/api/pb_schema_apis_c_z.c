/* SPDX-License-Identifier: Apache-2.0 */
/* Protobuf schema of meta/v1 and API groups certificates to scheduling: field number, type, flags, JSON name, message. */
#include "api/protobuf.h"

static const struct pb_field f_certificates_CertificateSigningRequest[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "certificates.CertificateSigningRequestSpec" },
	{ 3, PB_MSG, 0, "status", "certificates.CertificateSigningRequestStatus" },
};
static const struct pb_field f_certificates_CertificateSigningRequestCondition[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, PB_OZ, "reason", NULL },
	{ 3, PB_STR, PB_OZ, "message", NULL },
	{ 4, PB_TIME, 0, "lastUpdateTime", NULL },
	{ 5, PB_TIME, 0, "lastTransitionTime", NULL },
	{ 6, PB_STR, 0, "status", NULL },
};
static const struct pb_field f_certificates_CertificateSigningRequestSpec[] = {
	{ 1, PB_BYTES, PB_NUL, "request", NULL },
	{ 2, PB_STR, PB_OZ, "username", NULL },
	{ 3, PB_STR, PB_OZ, "uid", NULL },
	{ 4, PB_STR, PB_REP, "groups", NULL },
	{ 5, PB_STR, PB_REP, "usages", NULL },
	{ 6, PB_STRLIST, PB_MAP, "extra", NULL },
	{ 7, PB_STR, 0, "signerName", NULL },
	{ 8, PB_I32, 0, "expirationSeconds", NULL },
};
static const struct pb_field f_certificates_CertificateSigningRequestStatus[] = {
	{ 1, PB_MSG, PB_REP, "conditions", "certificates.CertificateSigningRequestCondition" },
	{ 2, PB_BYTES, PB_OZ, "certificate", NULL },
};
static const struct pb_field f_meta_Condition[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 3, PB_I64, PB_OZ, "observedGeneration", NULL },
	{ 4, PB_TIME, 0, "lastTransitionTime", NULL },
	{ 5, PB_STR, 0, "reason", NULL },
	{ 6, PB_STR, 0, "message", NULL },
};
static const struct pb_field f_meta_DeleteOptions[] = {
	{ 1, PB_I64, 0, "gracePeriodSeconds", NULL },
	{ 2, PB_MSG, 0, "preconditions", "meta.Preconditions" },
	{ 3, PB_BOOL, 0, "orphanDependents", NULL },
	{ 4, PB_STR, 0, "propagationPolicy", NULL },
	{ 5, PB_STR, PB_REP, "dryRun", NULL },
	{ 6, PB_BOOL, 0, "ignoreStoreReadErrorWithClusterBreakingPotential", NULL },
};
static const struct pb_field f_meta_FieldSelectorRequirement[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP, "values", NULL },
};
static const struct pb_field f_meta_LabelSelector[] = {
	{ 1, PB_STR, PB_MAP, "matchLabels", NULL },
	{ 2, PB_MSG, PB_REP, "matchExpressions", "meta.LabelSelectorRequirement" },
};
static const struct pb_field f_meta_LabelSelectorRequirement[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP, "values", NULL },
};
static const struct pb_field f_meta_ManagedFieldsEntry[] = {
	{ 1, PB_STR, PB_OZ, "manager", NULL },
	{ 2, PB_STR, PB_OZ, "operation", NULL },
	{ 3, PB_STR, PB_OZ, "apiVersion", NULL },
	{ 4, PB_TIME, 0, "time", NULL },
	{ 6, PB_STR, PB_OZ, "fieldsType", NULL },
	{ 7, PB_RAW, 0, "fieldsV1", NULL },
	{ 8, PB_STR, PB_OZ, "subresource", NULL },
};
static const struct pb_field f_meta_ObjectMeta[] = {
	{ 1, PB_STR, PB_OZ, "name", NULL },
	{ 2, PB_STR, PB_OZ, "generateName", NULL },
	{ 3, PB_STR, PB_OZ, "namespace", NULL },
	{ 4, PB_STR, PB_OZ, "selfLink", NULL },
	{ 5, PB_STR, PB_OZ, "uid", NULL },
	{ 6, PB_STR, PB_OZ, "resourceVersion", NULL },
	{ 7, PB_I64, PB_OZ, "generation", NULL },
	{ 8, PB_TIME, 0, "creationTimestamp", NULL },
	{ 9, PB_TIME, 0, "deletionTimestamp", NULL },
	{ 10, PB_I64, 0, "deletionGracePeriodSeconds", NULL },
	{ 11, PB_STR, PB_MAP, "labels", NULL },
	{ 12, PB_STR, PB_MAP, "annotations", NULL },
	{ 13, PB_MSG, PB_REP, "ownerReferences", "meta.OwnerReference" },
	{ 14, PB_STR, PB_REP, "finalizers", NULL },
	{ 17, PB_MSG, PB_REP, "managedFields", "meta.ManagedFieldsEntry" },
};
static const struct pb_field f_meta_OwnerReference[] = {
	{ 1, PB_STR, 0, "kind", NULL },
	{ 3, PB_STR, 0, "name", NULL },
	{ 4, PB_STR, 0, "uid", NULL },
	{ 5, PB_STR, 0, "apiVersion", NULL },
	{ 6, PB_BOOL, 0, "controller", NULL },
	{ 7, PB_BOOL, 0, "blockOwnerDeletion", NULL },
};
static const struct pb_field f_meta_Preconditions[] = {
	{ 1, PB_STR, 0, "uid", NULL },
	{ 2, PB_STR, 0, "resourceVersion", NULL },
};
static const struct pb_field f_networking_HTTPIngressPath[] = {
	{ 1, PB_STR, PB_OZ, "path", NULL },
	{ 2, PB_MSG, 0, "backend", "networking.IngressBackend" },
	{ 3, PB_STR, PB_NUL, "pathType", NULL },
};
static const struct pb_field f_networking_HTTPIngressRuleValue[] = {
	{ 1, PB_MSG, PB_REP|PB_NUL, "paths", "networking.HTTPIngressPath" },
};
static const struct pb_field f_networking_Ingress[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "networking.IngressSpec" },
	{ 3, PB_MSG, 0, "status", "networking.IngressStatus" },
};
static const struct pb_field f_networking_IngressBackend[] = {
	{ 3, PB_MSG, 0, "resource", "core.TypedLocalObjectReference" },
	{ 4, PB_MSG, 0, "service", "networking.IngressServiceBackend" },
};
static const struct pb_field f_networking_IngressLoadBalancerIngress[] = {
	{ 1, PB_STR, PB_OZ, "ip", NULL },
	{ 2, PB_STR, PB_OZ, "hostname", NULL },
	{ 4, PB_MSG, PB_REP, "ports", "networking.IngressPortStatus" },
};
static const struct pb_field f_networking_IngressLoadBalancerStatus[] = {
	{ 1, PB_MSG, PB_REP, "ingress", "networking.IngressLoadBalancerIngress" },
};
static const struct pb_field f_networking_IngressPortStatus[] = {
	{ 1, PB_I32, 0, "port", NULL },
	{ 2, PB_STR, 0, "protocol", NULL },
	{ 3, PB_STR, 0, "error", NULL },
};
static const struct pb_field f_networking_IngressRule[] = {
	{ 1, PB_STR, PB_OZ, "host", NULL },
	{ 2, PB_MSG, PB_INL, "", "networking.IngressRuleValue" },
};
static const struct pb_field f_networking_IngressRuleValue[] = {
	{ 1, PB_MSG, 0, "http", "networking.HTTPIngressRuleValue" },
};
static const struct pb_field f_networking_IngressServiceBackend[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, 0, "port", "networking.ServiceBackendPort" },
};
static const struct pb_field f_networking_IngressSpec[] = {
	{ 1, PB_MSG, 0, "defaultBackend", "networking.IngressBackend" },
	{ 2, PB_MSG, PB_REP, "tls", "networking.IngressTLS" },
	{ 3, PB_MSG, PB_REP, "rules", "networking.IngressRule" },
	{ 4, PB_STR, 0, "ingressClassName", NULL },
};
static const struct pb_field f_networking_IngressStatus[] = {
	{ 1, PB_MSG, 0, "loadBalancer", "networking.IngressLoadBalancerStatus" },
};
static const struct pb_field f_networking_IngressTLS[] = {
	{ 1, PB_STR, PB_REP, "hosts", NULL },
	{ 2, PB_STR, PB_OZ, "secretName", NULL },
};
static const struct pb_field f_networking_ServiceBackendPort[] = {
	{ 1, PB_STR, PB_OZ, "name", NULL },
	{ 2, PB_I32, PB_OZ, "number", NULL },
};
static const struct pb_field f_policy_Eviction[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "deleteOptions", "meta.DeleteOptions" },
};
static const struct pb_field f_policy_PodDisruptionBudget[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "policy.PodDisruptionBudgetSpec" },
	{ 3, PB_MSG, 0, "status", "policy.PodDisruptionBudgetStatus" },
};
static const struct pb_field f_policy_PodDisruptionBudgetSpec[] = {
	{ 1, PB_IOS, 0, "minAvailable", NULL },
	{ 2, PB_MSG, 0, "selector", "meta.LabelSelector" },
	{ 3, PB_IOS, 0, "maxUnavailable", NULL },
	{ 4, PB_STR, 0, "unhealthyPodEvictionPolicy", NULL },
};
static const struct pb_field f_policy_PodDisruptionBudgetStatus[] = {
	{ 1, PB_I64, PB_OZ, "observedGeneration", NULL },
	{ 2, PB_TIME, PB_MAP, "disruptedPods", NULL },
	{ 3, PB_I32, 0, "disruptionsAllowed", NULL },
	{ 4, PB_I32, 0, "currentHealthy", NULL },
	{ 5, PB_I32, 0, "desiredHealthy", NULL },
	{ 6, PB_I32, 0, "expectedPods", NULL },
	{ 7, PB_MSG, PB_REP, "conditions", "meta.Condition" },
};
static const struct pb_field f_rbac_AggregationRule[] = {
	{ 1, PB_MSG, PB_REP, "clusterRoleSelectors", "meta.LabelSelector" },
};
static const struct pb_field f_rbac_ClusterRole[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, PB_REP|PB_NUL, "rules", "rbac.PolicyRule" },
	{ 3, PB_MSG, 0, "aggregationRule", "rbac.AggregationRule" },
};
static const struct pb_field f_rbac_ClusterRoleBinding[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, PB_REP, "subjects", "rbac.Subject" },
	{ 3, PB_MSG, 0, "roleRef", "rbac.RoleRef" },
};
static const struct pb_field f_rbac_PolicyRule[] = {
	{ 1, PB_STR, PB_REP|PB_NUL, "verbs", NULL },
	{ 2, PB_STR, PB_REP, "apiGroups", NULL },
	{ 3, PB_STR, PB_REP, "resources", NULL },
	{ 4, PB_STR, PB_REP, "resourceNames", NULL },
	{ 5, PB_STR, PB_REP, "nonResourceURLs", NULL },
};
static const struct pb_field f_rbac_Role[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, PB_REP|PB_NUL, "rules", "rbac.PolicyRule" },
};
static const struct pb_field f_rbac_RoleBinding[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, PB_REP, "subjects", "rbac.Subject" },
	{ 3, PB_MSG, 0, "roleRef", "rbac.RoleRef" },
};
static const struct pb_field f_rbac_RoleRef[] = {
	{ 1, PB_STR, 0, "apiGroup", NULL },
	{ 2, PB_STR, 0, "kind", NULL },
	{ 3, PB_STR, 0, "name", NULL },
};
static const struct pb_field f_rbac_Subject[] = {
	{ 1, PB_STR, 0, "kind", NULL },
	{ 2, PB_STR, PB_OZ, "apiGroup", NULL },
	{ 3, PB_STR, 0, "name", NULL },
	{ 4, PB_STR, PB_OZ, "namespace", NULL },
};
static const struct pb_field f_scheduling_PriorityClass[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_I32, 0, "value", NULL },
	{ 3, PB_BOOL, PB_OZ, "globalDefault", NULL },
	{ 4, PB_STR, PB_OZ, "description", NULL },
	{ 5, PB_STR, 0, "preemptionPolicy", NULL },
};

/* Sorted by name: the decoder looks messages up by binary search. */
const struct pb_msg pb_schema_apis_c_z[] = {
	{ "certificates.CertificateSigningRequest", f_certificates_CertificateSigningRequest, PB_N(f_certificates_CertificateSigningRequest) },
	{ "certificates.CertificateSigningRequestCondition", f_certificates_CertificateSigningRequestCondition, PB_N(f_certificates_CertificateSigningRequestCondition) },
	{ "certificates.CertificateSigningRequestSpec", f_certificates_CertificateSigningRequestSpec, PB_N(f_certificates_CertificateSigningRequestSpec) },
	{ "certificates.CertificateSigningRequestStatus", f_certificates_CertificateSigningRequestStatus, PB_N(f_certificates_CertificateSigningRequestStatus) },
	{ "meta.Condition", f_meta_Condition, PB_N(f_meta_Condition) },
	{ "meta.DeleteOptions", f_meta_DeleteOptions, PB_N(f_meta_DeleteOptions) },
	{ "meta.FieldSelectorRequirement", f_meta_FieldSelectorRequirement, PB_N(f_meta_FieldSelectorRequirement) },
	{ "meta.LabelSelector", f_meta_LabelSelector, PB_N(f_meta_LabelSelector) },
	{ "meta.LabelSelectorRequirement", f_meta_LabelSelectorRequirement, PB_N(f_meta_LabelSelectorRequirement) },
	{ "meta.ManagedFieldsEntry", f_meta_ManagedFieldsEntry, PB_N(f_meta_ManagedFieldsEntry) },
	{ "meta.ObjectMeta", f_meta_ObjectMeta, PB_N(f_meta_ObjectMeta) },
	{ "meta.OwnerReference", f_meta_OwnerReference, PB_N(f_meta_OwnerReference) },
	{ "meta.Preconditions", f_meta_Preconditions, PB_N(f_meta_Preconditions) },
	{ "networking.HTTPIngressPath", f_networking_HTTPIngressPath, PB_N(f_networking_HTTPIngressPath) },
	{ "networking.HTTPIngressRuleValue", f_networking_HTTPIngressRuleValue, PB_N(f_networking_HTTPIngressRuleValue) },
	{ "networking.Ingress", f_networking_Ingress, PB_N(f_networking_Ingress) },
	{ "networking.IngressBackend", f_networking_IngressBackend, PB_N(f_networking_IngressBackend) },
	{ "networking.IngressLoadBalancerIngress", f_networking_IngressLoadBalancerIngress, PB_N(f_networking_IngressLoadBalancerIngress) },
	{ "networking.IngressLoadBalancerStatus", f_networking_IngressLoadBalancerStatus, PB_N(f_networking_IngressLoadBalancerStatus) },
	{ "networking.IngressPortStatus", f_networking_IngressPortStatus, PB_N(f_networking_IngressPortStatus) },
	{ "networking.IngressRule", f_networking_IngressRule, PB_N(f_networking_IngressRule) },
	{ "networking.IngressRuleValue", f_networking_IngressRuleValue, PB_N(f_networking_IngressRuleValue) },
	{ "networking.IngressServiceBackend", f_networking_IngressServiceBackend, PB_N(f_networking_IngressServiceBackend) },
	{ "networking.IngressSpec", f_networking_IngressSpec, PB_N(f_networking_IngressSpec) },
	{ "networking.IngressStatus", f_networking_IngressStatus, PB_N(f_networking_IngressStatus) },
	{ "networking.IngressTLS", f_networking_IngressTLS, PB_N(f_networking_IngressTLS) },
	{ "networking.ServiceBackendPort", f_networking_ServiceBackendPort, PB_N(f_networking_ServiceBackendPort) },
	{ "policy.Eviction", f_policy_Eviction, PB_N(f_policy_Eviction) },
	{ "policy.PodDisruptionBudget", f_policy_PodDisruptionBudget, PB_N(f_policy_PodDisruptionBudget) },
	{ "policy.PodDisruptionBudgetSpec", f_policy_PodDisruptionBudgetSpec, PB_N(f_policy_PodDisruptionBudgetSpec) },
	{ "policy.PodDisruptionBudgetStatus", f_policy_PodDisruptionBudgetStatus, PB_N(f_policy_PodDisruptionBudgetStatus) },
	{ "rbac.AggregationRule", f_rbac_AggregationRule, PB_N(f_rbac_AggregationRule) },
	{ "rbac.ClusterRole", f_rbac_ClusterRole, PB_N(f_rbac_ClusterRole) },
	{ "rbac.ClusterRoleBinding", f_rbac_ClusterRoleBinding, PB_N(f_rbac_ClusterRoleBinding) },
	{ "rbac.PolicyRule", f_rbac_PolicyRule, PB_N(f_rbac_PolicyRule) },
	{ "rbac.Role", f_rbac_Role, PB_N(f_rbac_Role) },
	{ "rbac.RoleBinding", f_rbac_RoleBinding, PB_N(f_rbac_RoleBinding) },
	{ "rbac.RoleRef", f_rbac_RoleRef, PB_N(f_rbac_RoleRef) },
	{ "rbac.Subject", f_rbac_Subject, PB_N(f_rbac_Subject) },
	{ "scheduling.PriorityClass", f_scheduling_PriorityClass, PB_N(f_scheduling_PriorityClass) },
};
const size_t pb_schema_apis_c_z_n = PB_N(pb_schema_apis_c_z);

/*
 * Top-level kinds a request body may carry: apiVersion, kind, message.
 * A NULL apiVersion matches any: typed clients send DeleteOptions in the
 * group version of the resource they delete.
 */
const struct pb_kind pb_schema_kinds[] = {
	{ "v1", "ConfigMap", "core.ConfigMap" },
	{ "v1", "Namespace", "core.Namespace" },
	{ "v1", "Pod", "core.Pod" },
	{ "v1", "ResourceQuota", "core.ResourceQuota" },
	{ "v1", "Secret", "core.Secret" },
	{ "v1", "Service", "core.Service" },
	{ "v1", "ServiceAccount", "core.ServiceAccount" },
	{ NULL, "DeleteOptions", "meta.DeleteOptions" },
	{ "apps/v1", "Deployment", "apps.Deployment" },
	{ "batch/v1", "Job", "batch.Job" },
	{ "batch/v1", "CronJob", "batch.CronJob" },
	{ "rbac.authorization.k8s.io/v1", "Role", "rbac.Role" },
	{ "rbac.authorization.k8s.io/v1", "ClusterRole", "rbac.ClusterRole" },
	{ "rbac.authorization.k8s.io/v1", "RoleBinding", "rbac.RoleBinding" },
	{ "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "rbac.ClusterRoleBinding" },
	{ "networking.k8s.io/v1", "Ingress", "networking.Ingress" },
	{ "policy/v1", "PodDisruptionBudget", "policy.PodDisruptionBudget" },
	{ "policy/v1", "Eviction", "policy.Eviction" },
	{ "scheduling.k8s.io/v1", "PriorityClass", "scheduling.PriorityClass" },
	{ "authentication.k8s.io/v1", "TokenRequest", "authentication.TokenRequest" },
	{ "authentication.k8s.io/v1", "SelfSubjectReview", "authentication.SelfSubjectReview" },
	{ "authorization.k8s.io/v1", "SelfSubjectAccessReview", "authorization.SelfSubjectAccessReview" },
	{ "authorization.k8s.io/v1", "SelfSubjectRulesReview", "authorization.SelfSubjectRulesReview" },
	{ "certificates.k8s.io/v1", "CertificateSigningRequest", "certificates.CertificateSigningRequest" },
	{ "autoscaling/v1", "HorizontalPodAutoscaler", "autoscalingv1.HorizontalPodAutoscaler" },
	{ "autoscaling/v1", "Scale", "autoscalingv1.Scale" },
	{ "autoscaling/v2", "HorizontalPodAutoscaler", "autoscalingv2.HorizontalPodAutoscaler" },
};
const size_t pb_schema_kinds_n = PB_N(pb_schema_kinds);
