/* SPDX-License-Identifier: Apache-2.0 */
/* Protobuf schema of core/v1 messages P to Z: field number, type, flags, JSON name, message. */
#include "api/protobuf.h"

static const struct pb_field f_core_PersistentVolumeClaimSpec[] = {
	{ 1, PB_STR, PB_REP, "accessModes", NULL },
	{ 2, PB_MSG, 0, "resources", "core.VolumeResourceRequirements" },
	{ 3, PB_STR, PB_OZ, "volumeName", NULL },
	{ 4, PB_MSG, 0, "selector", "meta.LabelSelector" },
	{ 5, PB_STR, 0, "storageClassName", NULL },
	{ 6, PB_STR, 0, "volumeMode", NULL },
	{ 7, PB_MSG, 0, "dataSource", "core.TypedLocalObjectReference" },
	{ 8, PB_MSG, 0, "dataSourceRef", "core.TypedObjectReference" },
	{ 9, PB_STR, 0, "volumeAttributesClassName", NULL },
};
static const struct pb_field f_core_PersistentVolumeClaimTemplate[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "core.PersistentVolumeClaimSpec" },
};
static const struct pb_field f_core_PersistentVolumeClaimVolumeSource[] = {
	{ 1, PB_STR, 0, "claimName", NULL },
	{ 2, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_PhotonPersistentDiskVolumeSource[] = {
	{ 1, PB_STR, 0, "pdID", NULL },
	{ 2, PB_STR, PB_OZ, "fsType", NULL },
};
static const struct pb_field f_core_Pod[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "core.PodSpec" },
	{ 3, PB_MSG, 0, "status", "core.PodStatus" },
};
static const struct pb_field f_core_PodAffinity[] = {
	{ 1, PB_MSG, PB_REP, "requiredDuringSchedulingIgnoredDuringExecution", "core.PodAffinityTerm" },
	{ 2, PB_MSG, PB_REP, "preferredDuringSchedulingIgnoredDuringExecution", "core.WeightedPodAffinityTerm" },
};
static const struct pb_field f_core_PodAffinityTerm[] = {
	{ 1, PB_MSG, 0, "labelSelector", "meta.LabelSelector" },
	{ 2, PB_STR, PB_REP, "namespaces", NULL },
	{ 3, PB_STR, 0, "topologyKey", NULL },
	{ 4, PB_MSG, 0, "namespaceSelector", "meta.LabelSelector" },
	{ 5, PB_STR, PB_REP, "matchLabelKeys", NULL },
	{ 6, PB_STR, PB_REP, "mismatchLabelKeys", NULL },
};
static const struct pb_field f_core_PodAntiAffinity[] = {
	{ 1, PB_MSG, PB_REP, "requiredDuringSchedulingIgnoredDuringExecution", "core.PodAffinityTerm" },
	{ 2, PB_MSG, PB_REP, "preferredDuringSchedulingIgnoredDuringExecution", "core.WeightedPodAffinityTerm" },
};
static const struct pb_field f_core_PodCertificateProjection[] = {
	{ 1, PB_STR, PB_OZ, "signerName", NULL },
	{ 2, PB_STR, PB_OZ, "keyType", NULL },
	{ 3, PB_I32, 0, "maxExpirationSeconds", NULL },
	{ 4, PB_STR, PB_OZ, "credentialBundlePath", NULL },
	{ 5, PB_STR, PB_OZ, "keyPath", NULL },
	{ 6, PB_STR, PB_OZ, "certificateChainPath", NULL },
	{ 7, PB_STR, PB_MAP, "userAnnotations", NULL },
};
static const struct pb_field f_core_PodCondition[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 3, PB_TIME, 0, "lastProbeTime", NULL },
	{ 4, PB_TIME, 0, "lastTransitionTime", NULL },
	{ 5, PB_STR, PB_OZ, "reason", NULL },
	{ 6, PB_STR, PB_OZ, "message", NULL },
	{ 7, PB_I64, PB_OZ, "observedGeneration", NULL },
};
static const struct pb_field f_core_PodDNSConfig[] = {
	{ 1, PB_STR, PB_REP, "nameservers", NULL },
	{ 2, PB_STR, PB_REP, "searches", NULL },
	{ 3, PB_MSG, PB_REP, "options", "core.PodDNSConfigOption" },
};
static const struct pb_field f_core_PodDNSConfigOption[] = {
	{ 1, PB_STR, PB_OZ, "name", NULL },
	{ 2, PB_STR, 0, "value", NULL },
};
static const struct pb_field f_core_PodExtendedResourceClaimStatus[] = {
	{ 1, PB_MSG, PB_REP|PB_NUL, "requestMappings", "core.ContainerExtendedResourceRequest" },
	{ 2, PB_STR, 0, "resourceClaimName", NULL },
};
static const struct pb_field f_core_PodIP[] = {
	{ 1, PB_STR, 0, "ip", NULL },
};
static const struct pb_field f_core_PodOS[] = {
	{ 1, PB_STR, 0, "name", NULL },
};
static const struct pb_field f_core_PodReadinessGate[] = {
	{ 1, PB_STR, 0, "conditionType", NULL },
};
static const struct pb_field f_core_PodResourceClaim[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 3, PB_STR, 0, "resourceClaimName", NULL },
	{ 4, PB_STR, 0, "resourceClaimTemplateName", NULL },
};
static const struct pb_field f_core_PodResourceClaimStatus[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "resourceClaimName", NULL },
};
static const struct pb_field f_core_PodSchedulingGate[] = {
	{ 1, PB_STR, 0, "name", NULL },
};
static const struct pb_field f_core_PodSecurityContext[] = {
	{ 1, PB_MSG, 0, "seLinuxOptions", "core.SELinuxOptions" },
	{ 2, PB_I64, 0, "runAsUser", NULL },
	{ 3, PB_BOOL, 0, "runAsNonRoot", NULL },
	{ 4, PB_I64, PB_REP, "supplementalGroups", NULL },
	{ 5, PB_I64, 0, "fsGroup", NULL },
	{ 6, PB_I64, 0, "runAsGroup", NULL },
	{ 7, PB_MSG, PB_REP, "sysctls", "core.Sysctl" },
	{ 8, PB_MSG, 0, "windowsOptions", "core.WindowsSecurityContextOptions" },
	{ 9, PB_STR, 0, "fsGroupChangePolicy", NULL },
	{ 10, PB_MSG, 0, "seccompProfile", "core.SeccompProfile" },
	{ 11, PB_MSG, 0, "appArmorProfile", "core.AppArmorProfile" },
	{ 12, PB_STR, 0, "supplementalGroupsPolicy", NULL },
	{ 13, PB_STR, 0, "seLinuxChangePolicy", NULL },
};
static const struct pb_field f_core_PodSpec[] = {
	{ 1, PB_MSG, PB_REP, "volumes", "core.Volume" },
	{ 2, PB_MSG, PB_REP|PB_NUL, "containers", "core.Container" },
	{ 3, PB_STR, PB_OZ, "restartPolicy", NULL },
	{ 4, PB_I64, 0, "terminationGracePeriodSeconds", NULL },
	{ 5, PB_I64, 0, "activeDeadlineSeconds", NULL },
	{ 6, PB_STR, PB_OZ, "dnsPolicy", NULL },
	{ 7, PB_STR, PB_MAP, "nodeSelector", NULL },
	{ 8, PB_STR, PB_OZ, "serviceAccountName", NULL },
	{ 9, PB_STR, PB_OZ, "serviceAccount", NULL },
	{ 10, PB_STR, PB_OZ, "nodeName", NULL },
	{ 11, PB_BOOL, PB_OZ, "hostNetwork", NULL },
	{ 12, PB_BOOL, PB_OZ, "hostPID", NULL },
	{ 13, PB_BOOL, PB_OZ, "hostIPC", NULL },
	{ 14, PB_MSG, 0, "securityContext", "core.PodSecurityContext" },
	{ 15, PB_MSG, PB_REP, "imagePullSecrets", "core.LocalObjectReference" },
	{ 16, PB_STR, PB_OZ, "hostname", NULL },
	{ 17, PB_STR, PB_OZ, "subdomain", NULL },
	{ 18, PB_MSG, 0, "affinity", "core.Affinity" },
	{ 19, PB_STR, PB_OZ, "schedulerName", NULL },
	{ 20, PB_MSG, PB_REP, "initContainers", "core.Container" },
	{ 21, PB_BOOL, 0, "automountServiceAccountToken", NULL },
	{ 22, PB_MSG, PB_REP, "tolerations", "core.Toleration" },
	{ 23, PB_MSG, PB_REP, "hostAliases", "core.HostAlias" },
	{ 24, PB_STR, PB_OZ, "priorityClassName", NULL },
	{ 25, PB_I32, 0, "priority", NULL },
	{ 26, PB_MSG, 0, "dnsConfig", "core.PodDNSConfig" },
	{ 27, PB_BOOL, 0, "shareProcessNamespace", NULL },
	{ 28, PB_MSG, PB_REP, "readinessGates", "core.PodReadinessGate" },
	{ 29, PB_STR, 0, "runtimeClassName", NULL },
	{ 30, PB_BOOL, 0, "enableServiceLinks", NULL },
	{ 31, PB_STR, 0, "preemptionPolicy", NULL },
	{ 32, PB_QTY, PB_MAP, "overhead", NULL },
	{ 33, PB_MSG, PB_REP, "topologySpreadConstraints", "core.TopologySpreadConstraint" },
	{ 34, PB_MSG, PB_REP, "ephemeralContainers", "core.EphemeralContainer" },
	{ 35, PB_BOOL, 0, "setHostnameAsFQDN", NULL },
	{ 36, PB_MSG, 0, "os", "core.PodOS" },
	{ 37, PB_BOOL, 0, "hostUsers", NULL },
	{ 38, PB_MSG, PB_REP, "schedulingGates", "core.PodSchedulingGate" },
	{ 39, PB_MSG, PB_REP, "resourceClaims", "core.PodResourceClaim" },
	{ 40, PB_MSG, 0, "resources", "core.ResourceRequirements" },
	{ 41, PB_STR, 0, "hostnameOverride", NULL },
	{ 42, PB_MSG, 0, "workloadRef", "core.WorkloadReference" },
};
static const struct pb_field f_core_PodStatus[] = {
	{ 1, PB_STR, PB_OZ, "phase", NULL },
	{ 2, PB_MSG, PB_REP, "conditions", "core.PodCondition" },
	{ 3, PB_STR, PB_OZ, "message", NULL },
	{ 4, PB_STR, PB_OZ, "reason", NULL },
	{ 5, PB_STR, PB_OZ, "hostIP", NULL },
	{ 6, PB_STR, PB_OZ, "podIP", NULL },
	{ 7, PB_TIME, 0, "startTime", NULL },
	{ 8, PB_MSG, PB_REP, "containerStatuses", "core.ContainerStatus" },
	{ 9, PB_STR, PB_OZ, "qosClass", NULL },
	{ 10, PB_MSG, PB_REP, "initContainerStatuses", "core.ContainerStatus" },
	{ 11, PB_STR, PB_OZ, "nominatedNodeName", NULL },
	{ 12, PB_MSG, PB_REP, "podIPs", "core.PodIP" },
	{ 13, PB_MSG, PB_REP, "ephemeralContainerStatuses", "core.ContainerStatus" },
	{ 14, PB_STR, PB_OZ, "resize", NULL },
	{ 15, PB_MSG, PB_REP, "resourceClaimStatuses", "core.PodResourceClaimStatus" },
	{ 16, PB_MSG, PB_REP, "hostIPs", "core.HostIP" },
	{ 17, PB_I64, PB_OZ, "observedGeneration", NULL },
	{ 18, PB_MSG, 0, "extendedResourceClaimStatus", "core.PodExtendedResourceClaimStatus" },
	{ 19, PB_QTY, PB_MAP, "allocatedResources", NULL },
	{ 20, PB_MSG, 0, "resources", "core.ResourceRequirements" },
};
static const struct pb_field f_core_PodTemplateSpec[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "core.PodSpec" },
};
static const struct pb_field f_core_PortStatus[] = {
	{ 1, PB_I32, 0, "port", NULL },
	{ 2, PB_STR, 0, "protocol", NULL },
	{ 3, PB_STR, 0, "error", NULL },
};
static const struct pb_field f_core_PortworxVolumeSource[] = {
	{ 1, PB_STR, 0, "volumeID", NULL },
	{ 2, PB_STR, PB_OZ, "fsType", NULL },
	{ 3, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_PreferredSchedulingTerm[] = {
	{ 1, PB_I32, 0, "weight", NULL },
	{ 2, PB_MSG, 0, "preference", "core.NodeSelectorTerm" },
};
static const struct pb_field f_core_Probe[] = {
	{ 1, PB_MSG, PB_INL, "", "core.ProbeHandler" },
	{ 2, PB_I32, PB_OZ, "initialDelaySeconds", NULL },
	{ 3, PB_I32, PB_OZ, "timeoutSeconds", NULL },
	{ 4, PB_I32, PB_OZ, "periodSeconds", NULL },
	{ 5, PB_I32, PB_OZ, "successThreshold", NULL },
	{ 6, PB_I32, PB_OZ, "failureThreshold", NULL },
	{ 7, PB_I64, 0, "terminationGracePeriodSeconds", NULL },
};
static const struct pb_field f_core_ProbeHandler[] = {
	{ 1, PB_MSG, 0, "exec", "core.ExecAction" },
	{ 2, PB_MSG, 0, "httpGet", "core.HTTPGetAction" },
	{ 3, PB_MSG, 0, "tcpSocket", "core.TCPSocketAction" },
	{ 4, PB_MSG, 0, "grpc", "core.GRPCAction" },
};
static const struct pb_field f_core_ProjectedVolumeSource[] = {
	{ 1, PB_MSG, PB_REP|PB_NUL, "sources", "core.VolumeProjection" },
	{ 2, PB_I32, 0, "defaultMode", NULL },
};
static const struct pb_field f_core_QuobyteVolumeSource[] = {
	{ 1, PB_STR, 0, "registry", NULL },
	{ 2, PB_STR, 0, "volume", NULL },
	{ 3, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 4, PB_STR, PB_OZ, "user", NULL },
	{ 5, PB_STR, PB_OZ, "group", NULL },
	{ 6, PB_STR, PB_OZ, "tenant", NULL },
};
static const struct pb_field f_core_RBDVolumeSource[] = {
	{ 1, PB_STR, PB_REP|PB_NUL, "monitors", NULL },
	{ 2, PB_STR, 0, "image", NULL },
	{ 3, PB_STR, PB_OZ, "fsType", NULL },
	{ 4, PB_STR, PB_OZ, "pool", NULL },
	{ 5, PB_STR, PB_OZ, "user", NULL },
	{ 6, PB_STR, PB_OZ, "keyring", NULL },
	{ 7, PB_MSG, 0, "secretRef", "core.LocalObjectReference" },
	{ 8, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_ResourceClaim[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, PB_OZ, "request", NULL },
};
static const struct pb_field f_core_ResourceFieldSelector[] = {
	{ 1, PB_STR, PB_OZ, "containerName", NULL },
	{ 2, PB_STR, 0, "resource", NULL },
	{ 3, PB_QTY, 0, "divisor", NULL },
};
static const struct pb_field f_core_ResourceHealth[] = {
	{ 1, PB_STR, 0, "resourceID", NULL },
	{ 2, PB_STR, PB_OZ, "health", NULL },
};
static const struct pb_field f_core_ResourceQuota[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "core.ResourceQuotaSpec" },
	{ 3, PB_MSG, 0, "status", "core.ResourceQuotaStatus" },
};
static const struct pb_field f_core_ResourceQuotaSpec[] = {
	{ 1, PB_QTY, PB_MAP, "hard", NULL },
	{ 2, PB_STR, PB_REP, "scopes", NULL },
	{ 3, PB_MSG, 0, "scopeSelector", "core.ScopeSelector" },
};
static const struct pb_field f_core_ResourceQuotaStatus[] = {
	{ 1, PB_QTY, PB_MAP, "hard", NULL },
	{ 2, PB_QTY, PB_MAP, "used", NULL },
};
static const struct pb_field f_core_ResourceRequirements[] = {
	{ 1, PB_QTY, PB_MAP, "limits", NULL },
	{ 2, PB_QTY, PB_MAP, "requests", NULL },
	{ 3, PB_MSG, PB_REP, "claims", "core.ResourceClaim" },
};
static const struct pb_field f_core_ResourceStatus[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, PB_REP, "resources", "core.ResourceHealth" },
};
static const struct pb_field f_core_SELinuxOptions[] = {
	{ 1, PB_STR, PB_OZ, "user", NULL },
	{ 2, PB_STR, PB_OZ, "role", NULL },
	{ 3, PB_STR, PB_OZ, "type", NULL },
	{ 4, PB_STR, PB_OZ, "level", NULL },
};
static const struct pb_field f_core_ScaleIOVolumeSource[] = {
	{ 1, PB_STR, 0, "gateway", NULL },
	{ 2, PB_STR, 0, "system", NULL },
	{ 3, PB_MSG, PB_NUL, "secretRef", "core.LocalObjectReference" },
	{ 4, PB_BOOL, PB_OZ, "sslEnabled", NULL },
	{ 5, PB_STR, PB_OZ, "protectionDomain", NULL },
	{ 6, PB_STR, PB_OZ, "storagePool", NULL },
	{ 7, PB_STR, PB_OZ, "storageMode", NULL },
	{ 8, PB_STR, PB_OZ, "volumeName", NULL },
	{ 9, PB_STR, PB_OZ, "fsType", NULL },
	{ 10, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_ScopeSelector[] = {
	{ 1, PB_MSG, PB_REP, "matchExpressions", "core.ScopedResourceSelectorRequirement" },
};
static const struct pb_field f_core_ScopedResourceSelectorRequirement[] = {
	{ 1, PB_STR, 0, "scopeName", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP, "values", NULL },
};
static const struct pb_field f_core_SeccompProfile[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "localhostProfile", NULL },
};
static const struct pb_field f_core_Secret[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_BYTES, PB_MAP, "data", NULL },
	{ 3, PB_STR, PB_OZ, "type", NULL },
	{ 4, PB_STR, PB_MAP, "stringData", NULL },
	{ 5, PB_BOOL, 0, "immutable", NULL },
};
static const struct pb_field f_core_SecretEnvSource[] = {
	{ 1, PB_MSG, PB_INL, "", "core.LocalObjectReference" },
	{ 2, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_SecretKeySelector[] = {
	{ 1, PB_MSG, PB_INL, "", "core.LocalObjectReference" },
	{ 2, PB_STR, 0, "key", NULL },
	{ 3, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_SecretProjection[] = {
	{ 1, PB_MSG, PB_INL, "", "core.LocalObjectReference" },
	{ 2, PB_MSG, PB_REP, "items", "core.KeyToPath" },
	{ 4, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_SecretVolumeSource[] = {
	{ 1, PB_STR, PB_OZ, "secretName", NULL },
	{ 2, PB_MSG, PB_REP, "items", "core.KeyToPath" },
	{ 3, PB_I32, 0, "defaultMode", NULL },
	{ 4, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_SecurityContext[] = {
	{ 1, PB_MSG, 0, "capabilities", "core.Capabilities" },
	{ 2, PB_BOOL, 0, "privileged", NULL },
	{ 3, PB_MSG, 0, "seLinuxOptions", "core.SELinuxOptions" },
	{ 4, PB_I64, 0, "runAsUser", NULL },
	{ 5, PB_BOOL, 0, "runAsNonRoot", NULL },
	{ 6, PB_BOOL, 0, "readOnlyRootFilesystem", NULL },
	{ 7, PB_BOOL, 0, "allowPrivilegeEscalation", NULL },
	{ 8, PB_I64, 0, "runAsGroup", NULL },
	{ 9, PB_STR, 0, "procMount", NULL },
	{ 10, PB_MSG, 0, "windowsOptions", "core.WindowsSecurityContextOptions" },
	{ 11, PB_MSG, 0, "seccompProfile", "core.SeccompProfile" },
	{ 12, PB_MSG, 0, "appArmorProfile", "core.AppArmorProfile" },
};
static const struct pb_field f_core_Service[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "core.ServiceSpec" },
	{ 3, PB_MSG, 0, "status", "core.ServiceStatus" },
};
static const struct pb_field f_core_ServiceAccount[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, PB_REP, "secrets", "core.ObjectReference" },
	{ 3, PB_MSG, PB_REP, "imagePullSecrets", "core.LocalObjectReference" },
	{ 4, PB_BOOL, 0, "automountServiceAccountToken", NULL },
};
static const struct pb_field f_core_ServiceAccountTokenProjection[] = {
	{ 1, PB_STR, PB_OZ, "audience", NULL },
	{ 2, PB_I64, 0, "expirationSeconds", NULL },
	{ 3, PB_STR, 0, "path", NULL },
};
static const struct pb_field f_core_ServicePort[] = {
	{ 1, PB_STR, PB_OZ, "name", NULL },
	{ 2, PB_STR, PB_OZ, "protocol", NULL },
	{ 3, PB_I32, 0, "port", NULL },
	{ 4, PB_IOS, 0, "targetPort", NULL },
	{ 5, PB_I32, PB_OZ, "nodePort", NULL },
	{ 6, PB_STR, 0, "appProtocol", NULL },
};
static const struct pb_field f_core_ServiceSpec[] = {
	{ 1, PB_MSG, PB_REP, "ports", "core.ServicePort" },
	{ 2, PB_STR, PB_MAP, "selector", NULL },
	{ 3, PB_STR, PB_OZ, "clusterIP", NULL },
	{ 4, PB_STR, PB_OZ, "type", NULL },
	{ 5, PB_STR, PB_REP, "externalIPs", NULL },
	{ 7, PB_STR, PB_OZ, "sessionAffinity", NULL },
	{ 8, PB_STR, PB_OZ, "loadBalancerIP", NULL },
	{ 9, PB_STR, PB_REP, "loadBalancerSourceRanges", NULL },
	{ 10, PB_STR, PB_OZ, "externalName", NULL },
	{ 11, PB_STR, PB_OZ, "externalTrafficPolicy", NULL },
	{ 12, PB_I32, PB_OZ, "healthCheckNodePort", NULL },
	{ 13, PB_BOOL, PB_OZ, "publishNotReadyAddresses", NULL },
	{ 14, PB_MSG, 0, "sessionAffinityConfig", "core.SessionAffinityConfig" },
	{ 17, PB_STR, 0, "ipFamilyPolicy", NULL },
	{ 18, PB_STR, PB_REP, "clusterIPs", NULL },
	{ 19, PB_STR, PB_REP, "ipFamilies", NULL },
	{ 20, PB_BOOL, 0, "allocateLoadBalancerNodePorts", NULL },
	{ 21, PB_STR, 0, "loadBalancerClass", NULL },
	{ 22, PB_STR, 0, "internalTrafficPolicy", NULL },
	{ 23, PB_STR, 0, "trafficDistribution", NULL },
};
static const struct pb_field f_core_ServiceStatus[] = {
	{ 1, PB_MSG, 0, "loadBalancer", "core.LoadBalancerStatus" },
	{ 2, PB_MSG, PB_REP, "conditions", "meta.Condition" },
};
static const struct pb_field f_core_SessionAffinityConfig[] = {
	{ 1, PB_MSG, 0, "clientIP", "core.ClientIPConfig" },
};
static const struct pb_field f_core_SleepAction[] = {
	{ 1, PB_I64, 0, "seconds", NULL },
};
static const struct pb_field f_core_StorageOSVolumeSource[] = {
	{ 1, PB_STR, PB_OZ, "volumeName", NULL },
	{ 2, PB_STR, PB_OZ, "volumeNamespace", NULL },
	{ 3, PB_STR, PB_OZ, "fsType", NULL },
	{ 4, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 5, PB_MSG, 0, "secretRef", "core.LocalObjectReference" },
};
static const struct pb_field f_core_Sysctl[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "value", NULL },
};
static const struct pb_field f_core_TCPSocketAction[] = {
	{ 1, PB_IOS, 0, "port", NULL },
	{ 2, PB_STR, PB_OZ, "host", NULL },
};
static const struct pb_field f_core_Toleration[] = {
	{ 1, PB_STR, PB_OZ, "key", NULL },
	{ 2, PB_STR, PB_OZ, "operator", NULL },
	{ 3, PB_STR, PB_OZ, "value", NULL },
	{ 4, PB_STR, PB_OZ, "effect", NULL },
	{ 5, PB_I64, 0, "tolerationSeconds", NULL },
};
static const struct pb_field f_core_TopologySpreadConstraint[] = {
	{ 1, PB_I32, 0, "maxSkew", NULL },
	{ 2, PB_STR, 0, "topologyKey", NULL },
	{ 3, PB_STR, 0, "whenUnsatisfiable", NULL },
	{ 4, PB_MSG, 0, "labelSelector", "meta.LabelSelector" },
	{ 5, PB_I32, 0, "minDomains", NULL },
	{ 6, PB_STR, 0, "nodeAffinityPolicy", NULL },
	{ 7, PB_STR, 0, "nodeTaintsPolicy", NULL },
	{ 8, PB_STR, PB_REP, "matchLabelKeys", NULL },
};
static const struct pb_field f_core_TypedLocalObjectReference[] = {
	{ 1, PB_STR, PB_NUL, "apiGroup", NULL },
	{ 2, PB_STR, 0, "kind", NULL },
	{ 3, PB_STR, 0, "name", NULL },
};
static const struct pb_field f_core_TypedObjectReference[] = {
	{ 1, PB_STR, PB_NUL, "apiGroup", NULL },
	{ 2, PB_STR, 0, "kind", NULL },
	{ 3, PB_STR, 0, "name", NULL },
	{ 4, PB_STR, 0, "namespace", NULL },
};
static const struct pb_field f_core_Volume[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, PB_INL, "", "core.VolumeSource" },
};
static const struct pb_field f_core_VolumeDevice[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "devicePath", NULL },
};
static const struct pb_field f_core_VolumeMount[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 3, PB_STR, 0, "mountPath", NULL },
	{ 4, PB_STR, PB_OZ, "subPath", NULL },
	{ 5, PB_STR, 0, "mountPropagation", NULL },
	{ 6, PB_STR, PB_OZ, "subPathExpr", NULL },
	{ 7, PB_STR, 0, "recursiveReadOnly", NULL },
};
static const struct pb_field f_core_VolumeMountStatus[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "mountPath", NULL },
	{ 3, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 4, PB_STR, 0, "recursiveReadOnly", NULL },
};
static const struct pb_field f_core_VolumeProjection[] = {
	{ 1, PB_MSG, 0, "secret", "core.SecretProjection" },
	{ 2, PB_MSG, 0, "downwardAPI", "core.DownwardAPIProjection" },
	{ 3, PB_MSG, 0, "configMap", "core.ConfigMapProjection" },
	{ 4, PB_MSG, 0, "serviceAccountToken", "core.ServiceAccountTokenProjection" },
	{ 5, PB_MSG, 0, "clusterTrustBundle", "core.ClusterTrustBundleProjection" },
	{ 6, PB_MSG, 0, "podCertificate", "core.PodCertificateProjection" },
};
static const struct pb_field f_core_VolumeResourceRequirements[] = {
	{ 1, PB_QTY, PB_MAP, "limits", NULL },
	{ 2, PB_QTY, PB_MAP, "requests", NULL },
};
static const struct pb_field f_core_VolumeSource[] = {
	{ 1, PB_MSG, 0, "hostPath", "core.HostPathVolumeSource" },
	{ 2, PB_MSG, 0, "emptyDir", "core.EmptyDirVolumeSource" },
	{ 3, PB_MSG, 0, "gcePersistentDisk", "core.GCEPersistentDiskVolumeSource" },
	{ 4, PB_MSG, 0, "awsElasticBlockStore", "core.AWSElasticBlockStoreVolumeSource" },
	{ 5, PB_MSG, 0, "gitRepo", "core.GitRepoVolumeSource" },
	{ 6, PB_MSG, 0, "secret", "core.SecretVolumeSource" },
	{ 7, PB_MSG, 0, "nfs", "core.NFSVolumeSource" },
	{ 8, PB_MSG, 0, "iscsi", "core.ISCSIVolumeSource" },
	{ 9, PB_MSG, 0, "glusterfs", "core.GlusterfsVolumeSource" },
	{ 10, PB_MSG, 0, "persistentVolumeClaim", "core.PersistentVolumeClaimVolumeSource" },
	{ 11, PB_MSG, 0, "rbd", "core.RBDVolumeSource" },
	{ 12, PB_MSG, 0, "flexVolume", "core.FlexVolumeSource" },
	{ 13, PB_MSG, 0, "cinder", "core.CinderVolumeSource" },
	{ 14, PB_MSG, 0, "cephfs", "core.CephFSVolumeSource" },
	{ 15, PB_MSG, 0, "flocker", "core.FlockerVolumeSource" },
	{ 16, PB_MSG, 0, "downwardAPI", "core.DownwardAPIVolumeSource" },
	{ 17, PB_MSG, 0, "fc", "core.FCVolumeSource" },
	{ 18, PB_MSG, 0, "azureFile", "core.AzureFileVolumeSource" },
	{ 19, PB_MSG, 0, "configMap", "core.ConfigMapVolumeSource" },
	{ 20, PB_MSG, 0, "vsphereVolume", "core.VsphereVirtualDiskVolumeSource" },
	{ 21, PB_MSG, 0, "quobyte", "core.QuobyteVolumeSource" },
	{ 22, PB_MSG, 0, "azureDisk", "core.AzureDiskVolumeSource" },
	{ 23, PB_MSG, 0, "photonPersistentDisk", "core.PhotonPersistentDiskVolumeSource" },
	{ 24, PB_MSG, 0, "portworxVolume", "core.PortworxVolumeSource" },
	{ 25, PB_MSG, 0, "scaleIO", "core.ScaleIOVolumeSource" },
	{ 26, PB_MSG, 0, "projected", "core.ProjectedVolumeSource" },
	{ 27, PB_MSG, 0, "storageos", "core.StorageOSVolumeSource" },
	{ 28, PB_MSG, 0, "csi", "core.CSIVolumeSource" },
	{ 29, PB_MSG, 0, "ephemeral", "core.EphemeralVolumeSource" },
	{ 30, PB_MSG, 0, "image", "core.ImageVolumeSource" },
};
static const struct pb_field f_core_VsphereVirtualDiskVolumeSource[] = {
	{ 1, PB_STR, 0, "volumePath", NULL },
	{ 2, PB_STR, PB_OZ, "fsType", NULL },
	{ 3, PB_STR, PB_OZ, "storagePolicyName", NULL },
	{ 4, PB_STR, PB_OZ, "storagePolicyID", NULL },
};
static const struct pb_field f_core_WeightedPodAffinityTerm[] = {
	{ 1, PB_I32, 0, "weight", NULL },
	{ 2, PB_MSG, 0, "podAffinityTerm", "core.PodAffinityTerm" },
};
static const struct pb_field f_core_WindowsSecurityContextOptions[] = {
	{ 1, PB_STR, 0, "gmsaCredentialSpecName", NULL },
	{ 2, PB_STR, 0, "gmsaCredentialSpec", NULL },
	{ 3, PB_STR, 0, "runAsUserName", NULL },
	{ 4, PB_BOOL, 0, "hostProcess", NULL },
};
static const struct pb_field f_core_WorkloadReference[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "podGroup", NULL },
	{ 3, PB_STR, PB_OZ, "podGroupReplicaKey", NULL },
};

/* Sorted by name: the decoder looks messages up by binary search. */
const struct pb_msg pb_schema_core_p_z[] = {
	{ "core.PersistentVolumeClaimSpec", f_core_PersistentVolumeClaimSpec, PB_N(f_core_PersistentVolumeClaimSpec) },
	{ "core.PersistentVolumeClaimTemplate", f_core_PersistentVolumeClaimTemplate, PB_N(f_core_PersistentVolumeClaimTemplate) },
	{ "core.PersistentVolumeClaimVolumeSource", f_core_PersistentVolumeClaimVolumeSource, PB_N(f_core_PersistentVolumeClaimVolumeSource) },
	{ "core.PhotonPersistentDiskVolumeSource", f_core_PhotonPersistentDiskVolumeSource, PB_N(f_core_PhotonPersistentDiskVolumeSource) },
	{ "core.Pod", f_core_Pod, PB_N(f_core_Pod) },
	{ "core.PodAffinity", f_core_PodAffinity, PB_N(f_core_PodAffinity) },
	{ "core.PodAffinityTerm", f_core_PodAffinityTerm, PB_N(f_core_PodAffinityTerm) },
	{ "core.PodAntiAffinity", f_core_PodAntiAffinity, PB_N(f_core_PodAntiAffinity) },
	{ "core.PodCertificateProjection", f_core_PodCertificateProjection, PB_N(f_core_PodCertificateProjection) },
	{ "core.PodCondition", f_core_PodCondition, PB_N(f_core_PodCondition) },
	{ "core.PodDNSConfig", f_core_PodDNSConfig, PB_N(f_core_PodDNSConfig) },
	{ "core.PodDNSConfigOption", f_core_PodDNSConfigOption, PB_N(f_core_PodDNSConfigOption) },
	{ "core.PodExtendedResourceClaimStatus", f_core_PodExtendedResourceClaimStatus, PB_N(f_core_PodExtendedResourceClaimStatus) },
	{ "core.PodIP", f_core_PodIP, PB_N(f_core_PodIP) },
	{ "core.PodOS", f_core_PodOS, PB_N(f_core_PodOS) },
	{ "core.PodReadinessGate", f_core_PodReadinessGate, PB_N(f_core_PodReadinessGate) },
	{ "core.PodResourceClaim", f_core_PodResourceClaim, PB_N(f_core_PodResourceClaim) },
	{ "core.PodResourceClaimStatus", f_core_PodResourceClaimStatus, PB_N(f_core_PodResourceClaimStatus) },
	{ "core.PodSchedulingGate", f_core_PodSchedulingGate, PB_N(f_core_PodSchedulingGate) },
	{ "core.PodSecurityContext", f_core_PodSecurityContext, PB_N(f_core_PodSecurityContext) },
	{ "core.PodSpec", f_core_PodSpec, PB_N(f_core_PodSpec) },
	{ "core.PodStatus", f_core_PodStatus, PB_N(f_core_PodStatus) },
	{ "core.PodTemplateSpec", f_core_PodTemplateSpec, PB_N(f_core_PodTemplateSpec) },
	{ "core.PortStatus", f_core_PortStatus, PB_N(f_core_PortStatus) },
	{ "core.PortworxVolumeSource", f_core_PortworxVolumeSource, PB_N(f_core_PortworxVolumeSource) },
	{ "core.PreferredSchedulingTerm", f_core_PreferredSchedulingTerm, PB_N(f_core_PreferredSchedulingTerm) },
	{ "core.Probe", f_core_Probe, PB_N(f_core_Probe) },
	{ "core.ProbeHandler", f_core_ProbeHandler, PB_N(f_core_ProbeHandler) },
	{ "core.ProjectedVolumeSource", f_core_ProjectedVolumeSource, PB_N(f_core_ProjectedVolumeSource) },
	{ "core.QuobyteVolumeSource", f_core_QuobyteVolumeSource, PB_N(f_core_QuobyteVolumeSource) },
	{ "core.RBDVolumeSource", f_core_RBDVolumeSource, PB_N(f_core_RBDVolumeSource) },
	{ "core.ResourceClaim", f_core_ResourceClaim, PB_N(f_core_ResourceClaim) },
	{ "core.ResourceFieldSelector", f_core_ResourceFieldSelector, PB_N(f_core_ResourceFieldSelector) },
	{ "core.ResourceHealth", f_core_ResourceHealth, PB_N(f_core_ResourceHealth) },
	{ "core.ResourceQuota", f_core_ResourceQuota, PB_N(f_core_ResourceQuota) },
	{ "core.ResourceQuotaSpec", f_core_ResourceQuotaSpec, PB_N(f_core_ResourceQuotaSpec) },
	{ "core.ResourceQuotaStatus", f_core_ResourceQuotaStatus, PB_N(f_core_ResourceQuotaStatus) },
	{ "core.ResourceRequirements", f_core_ResourceRequirements, PB_N(f_core_ResourceRequirements) },
	{ "core.ResourceStatus", f_core_ResourceStatus, PB_N(f_core_ResourceStatus) },
	{ "core.SELinuxOptions", f_core_SELinuxOptions, PB_N(f_core_SELinuxOptions) },
	{ "core.ScaleIOVolumeSource", f_core_ScaleIOVolumeSource, PB_N(f_core_ScaleIOVolumeSource) },
	{ "core.ScopeSelector", f_core_ScopeSelector, PB_N(f_core_ScopeSelector) },
	{ "core.ScopedResourceSelectorRequirement", f_core_ScopedResourceSelectorRequirement, PB_N(f_core_ScopedResourceSelectorRequirement) },
	{ "core.SeccompProfile", f_core_SeccompProfile, PB_N(f_core_SeccompProfile) },
	{ "core.Secret", f_core_Secret, PB_N(f_core_Secret) },
	{ "core.SecretEnvSource", f_core_SecretEnvSource, PB_N(f_core_SecretEnvSource) },
	{ "core.SecretKeySelector", f_core_SecretKeySelector, PB_N(f_core_SecretKeySelector) },
	{ "core.SecretProjection", f_core_SecretProjection, PB_N(f_core_SecretProjection) },
	{ "core.SecretVolumeSource", f_core_SecretVolumeSource, PB_N(f_core_SecretVolumeSource) },
	{ "core.SecurityContext", f_core_SecurityContext, PB_N(f_core_SecurityContext) },
	{ "core.Service", f_core_Service, PB_N(f_core_Service) },
	{ "core.ServiceAccount", f_core_ServiceAccount, PB_N(f_core_ServiceAccount) },
	{ "core.ServiceAccountTokenProjection", f_core_ServiceAccountTokenProjection, PB_N(f_core_ServiceAccountTokenProjection) },
	{ "core.ServicePort", f_core_ServicePort, PB_N(f_core_ServicePort) },
	{ "core.ServiceSpec", f_core_ServiceSpec, PB_N(f_core_ServiceSpec) },
	{ "core.ServiceStatus", f_core_ServiceStatus, PB_N(f_core_ServiceStatus) },
	{ "core.SessionAffinityConfig", f_core_SessionAffinityConfig, PB_N(f_core_SessionAffinityConfig) },
	{ "core.SleepAction", f_core_SleepAction, PB_N(f_core_SleepAction) },
	{ "core.StorageOSVolumeSource", f_core_StorageOSVolumeSource, PB_N(f_core_StorageOSVolumeSource) },
	{ "core.Sysctl", f_core_Sysctl, PB_N(f_core_Sysctl) },
	{ "core.TCPSocketAction", f_core_TCPSocketAction, PB_N(f_core_TCPSocketAction) },
	{ "core.Toleration", f_core_Toleration, PB_N(f_core_Toleration) },
	{ "core.TopologySpreadConstraint", f_core_TopologySpreadConstraint, PB_N(f_core_TopologySpreadConstraint) },
	{ "core.TypedLocalObjectReference", f_core_TypedLocalObjectReference, PB_N(f_core_TypedLocalObjectReference) },
	{ "core.TypedObjectReference", f_core_TypedObjectReference, PB_N(f_core_TypedObjectReference) },
	{ "core.Volume", f_core_Volume, PB_N(f_core_Volume) },
	{ "core.VolumeDevice", f_core_VolumeDevice, PB_N(f_core_VolumeDevice) },
	{ "core.VolumeMount", f_core_VolumeMount, PB_N(f_core_VolumeMount) },
	{ "core.VolumeMountStatus", f_core_VolumeMountStatus, PB_N(f_core_VolumeMountStatus) },
	{ "core.VolumeProjection", f_core_VolumeProjection, PB_N(f_core_VolumeProjection) },
	{ "core.VolumeResourceRequirements", f_core_VolumeResourceRequirements, PB_N(f_core_VolumeResourceRequirements) },
	{ "core.VolumeSource", f_core_VolumeSource, PB_N(f_core_VolumeSource) },
	{ "core.VsphereVirtualDiskVolumeSource", f_core_VsphereVirtualDiskVolumeSource, PB_N(f_core_VsphereVirtualDiskVolumeSource) },
	{ "core.WeightedPodAffinityTerm", f_core_WeightedPodAffinityTerm, PB_N(f_core_WeightedPodAffinityTerm) },
	{ "core.WindowsSecurityContextOptions", f_core_WindowsSecurityContextOptions, PB_N(f_core_WindowsSecurityContextOptions) },
	{ "core.WorkloadReference", f_core_WorkloadReference, PB_N(f_core_WorkloadReference) },
};
const size_t pb_schema_core_p_z_n = PB_N(pb_schema_core_p_z);
