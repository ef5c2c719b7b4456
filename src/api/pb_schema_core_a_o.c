/* SPDX-License-Identifier: Apache-2.0 */
/* Protobuf schema of core/v1 messages A to O: field number, type, flags, JSON name, message. */
#include "api/protobuf.h"

static const struct pb_field f_core_AWSElasticBlockStoreVolumeSource[] = {
	{ 1, PB_STR, 0, "volumeID", NULL },
	{ 2, PB_STR, PB_OZ, "fsType", NULL },
	{ 3, PB_I32, PB_OZ, "partition", NULL },
	{ 4, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_Affinity[] = {
	{ 1, PB_MSG, 0, "nodeAffinity", "core.NodeAffinity" },
	{ 2, PB_MSG, 0, "podAffinity", "core.PodAffinity" },
	{ 3, PB_MSG, 0, "podAntiAffinity", "core.PodAntiAffinity" },
};
static const struct pb_field f_core_AppArmorProfile[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "localhostProfile", NULL },
};
static const struct pb_field f_core_AzureDiskVolumeSource[] = {
	{ 1, PB_STR, 0, "diskName", NULL },
	{ 2, PB_STR, 0, "diskURI", NULL },
	{ 3, PB_STR, 0, "cachingMode", NULL },
	{ 4, PB_STR, 0, "fsType", NULL },
	{ 5, PB_BOOL, 0, "readOnly", NULL },
	{ 6, PB_STR, 0, "kind", NULL },
};
static const struct pb_field f_core_AzureFileVolumeSource[] = {
	{ 1, PB_STR, 0, "secretName", NULL },
	{ 2, PB_STR, 0, "shareName", NULL },
	{ 3, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_CSIVolumeSource[] = {
	{ 1, PB_STR, 0, "driver", NULL },
	{ 2, PB_BOOL, 0, "readOnly", NULL },
	{ 3, PB_STR, 0, "fsType", NULL },
	{ 4, PB_STR, PB_MAP, "volumeAttributes", NULL },
	{ 5, PB_MSG, 0, "nodePublishSecretRef", "core.LocalObjectReference" },
};
static const struct pb_field f_core_Capabilities[] = {
	{ 1, PB_STR, PB_REP, "add", NULL },
	{ 2, PB_STR, PB_REP, "drop", NULL },
};
static const struct pb_field f_core_CephFSVolumeSource[] = {
	{ 1, PB_STR, PB_REP|PB_NUL, "monitors", NULL },
	{ 2, PB_STR, PB_OZ, "path", NULL },
	{ 3, PB_STR, PB_OZ, "user", NULL },
	{ 4, PB_STR, PB_OZ, "secretFile", NULL },
	{ 5, PB_MSG, 0, "secretRef", "core.LocalObjectReference" },
	{ 6, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_CinderVolumeSource[] = {
	{ 1, PB_STR, 0, "volumeID", NULL },
	{ 2, PB_STR, PB_OZ, "fsType", NULL },
	{ 3, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 4, PB_MSG, 0, "secretRef", "core.LocalObjectReference" },
};
static const struct pb_field f_core_ClientIPConfig[] = {
	{ 1, PB_I32, 0, "timeoutSeconds", NULL },
};
static const struct pb_field f_core_ClusterTrustBundleProjection[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "signerName", NULL },
	{ 3, PB_MSG, 0, "labelSelector", "meta.LabelSelector" },
	{ 4, PB_STR, 0, "path", NULL },
	{ 5, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_ConfigMap[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_STR, PB_MAP, "data", NULL },
	{ 3, PB_BYTES, PB_MAP, "binaryData", NULL },
	{ 4, PB_BOOL, 0, "immutable", NULL },
};
static const struct pb_field f_core_ConfigMapEnvSource[] = {
	{ 1, PB_MSG, PB_INL, "", "core.LocalObjectReference" },
	{ 2, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_ConfigMapKeySelector[] = {
	{ 1, PB_MSG, PB_INL, "", "core.LocalObjectReference" },
	{ 2, PB_STR, 0, "key", NULL },
	{ 3, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_ConfigMapProjection[] = {
	{ 1, PB_MSG, PB_INL, "", "core.LocalObjectReference" },
	{ 2, PB_MSG, PB_REP, "items", "core.KeyToPath" },
	{ 4, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_ConfigMapVolumeSource[] = {
	{ 1, PB_MSG, PB_INL, "", "core.LocalObjectReference" },
	{ 2, PB_MSG, PB_REP, "items", "core.KeyToPath" },
	{ 3, PB_I32, 0, "defaultMode", NULL },
	{ 4, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_Container[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, PB_OZ, "image", NULL },
	{ 3, PB_STR, PB_REP, "command", NULL },
	{ 4, PB_STR, PB_REP, "args", NULL },
	{ 5, PB_STR, PB_OZ, "workingDir", NULL },
	{ 6, PB_MSG, PB_REP, "ports", "core.ContainerPort" },
	{ 7, PB_MSG, PB_REP, "env", "core.EnvVar" },
	{ 8, PB_MSG, 0, "resources", "core.ResourceRequirements" },
	{ 9, PB_MSG, PB_REP, "volumeMounts", "core.VolumeMount" },
	{ 10, PB_MSG, 0, "livenessProbe", "core.Probe" },
	{ 11, PB_MSG, 0, "readinessProbe", "core.Probe" },
	{ 12, PB_MSG, 0, "lifecycle", "core.Lifecycle" },
	{ 13, PB_STR, PB_OZ, "terminationMessagePath", NULL },
	{ 14, PB_STR, PB_OZ, "imagePullPolicy", NULL },
	{ 15, PB_MSG, 0, "securityContext", "core.SecurityContext" },
	{ 16, PB_BOOL, PB_OZ, "stdin", NULL },
	{ 17, PB_BOOL, PB_OZ, "stdinOnce", NULL },
	{ 18, PB_BOOL, PB_OZ, "tty", NULL },
	{ 19, PB_MSG, PB_REP, "envFrom", "core.EnvFromSource" },
	{ 20, PB_STR, PB_OZ, "terminationMessagePolicy", NULL },
	{ 21, PB_MSG, PB_REP, "volumeDevices", "core.VolumeDevice" },
	{ 22, PB_MSG, 0, "startupProbe", "core.Probe" },
	{ 23, PB_MSG, PB_REP, "resizePolicy", "core.ContainerResizePolicy" },
	{ 24, PB_STR, 0, "restartPolicy", NULL },
	{ 25, PB_MSG, PB_REP, "restartPolicyRules", "core.ContainerRestartRule" },
};
static const struct pb_field f_core_ContainerExtendedResourceRequest[] = {
	{ 1, PB_STR, 0, "containerName", NULL },
	{ 2, PB_STR, 0, "resourceName", NULL },
	{ 3, PB_STR, 0, "requestName", NULL },
};
static const struct pb_field f_core_ContainerPort[] = {
	{ 1, PB_STR, PB_OZ, "name", NULL },
	{ 2, PB_I32, PB_OZ, "hostPort", NULL },
	{ 3, PB_I32, 0, "containerPort", NULL },
	{ 4, PB_STR, PB_OZ, "protocol", NULL },
	{ 5, PB_STR, PB_OZ, "hostIP", NULL },
};
static const struct pb_field f_core_ContainerResizePolicy[] = {
	{ 1, PB_STR, 0, "resourceName", NULL },
	{ 2, PB_STR, 0, "restartPolicy", NULL },
};
static const struct pb_field f_core_ContainerRestartRule[] = {
	{ 1, PB_STR, PB_OZ, "action", NULL },
	{ 2, PB_MSG, 0, "exitCodes", "core.ContainerRestartRuleOnExitCodes" },
};
static const struct pb_field f_core_ContainerRestartRuleOnExitCodes[] = {
	{ 1, PB_STR, PB_OZ, "operator", NULL },
	{ 2, PB_I32, PB_REP, "values", NULL },
};
static const struct pb_field f_core_ContainerState[] = {
	{ 1, PB_MSG, 0, "waiting", "core.ContainerStateWaiting" },
	{ 2, PB_MSG, 0, "running", "core.ContainerStateRunning" },
	{ 3, PB_MSG, 0, "terminated", "core.ContainerStateTerminated" },
};
static const struct pb_field f_core_ContainerStateRunning[] = {
	{ 1, PB_TIME, 0, "startedAt", NULL },
};
static const struct pb_field f_core_ContainerStateTerminated[] = {
	{ 1, PB_I32, 0, "exitCode", NULL },
	{ 2, PB_I32, PB_OZ, "signal", NULL },
	{ 3, PB_STR, PB_OZ, "reason", NULL },
	{ 4, PB_STR, PB_OZ, "message", NULL },
	{ 5, PB_TIME, 0, "startedAt", NULL },
	{ 6, PB_TIME, 0, "finishedAt", NULL },
	{ 7, PB_STR, PB_OZ, "containerID", NULL },
};
static const struct pb_field f_core_ContainerStateWaiting[] = {
	{ 1, PB_STR, PB_OZ, "reason", NULL },
	{ 2, PB_STR, PB_OZ, "message", NULL },
};
static const struct pb_field f_core_ContainerStatus[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, 0, "state", "core.ContainerState" },
	{ 3, PB_MSG, 0, "lastState", "core.ContainerState" },
	{ 4, PB_BOOL, 0, "ready", NULL },
	{ 5, PB_I32, 0, "restartCount", NULL },
	{ 6, PB_STR, 0, "image", NULL },
	{ 7, PB_STR, 0, "imageID", NULL },
	{ 8, PB_STR, PB_OZ, "containerID", NULL },
	{ 9, PB_BOOL, 0, "started", NULL },
	{ 10, PB_QTY, PB_MAP, "allocatedResources", NULL },
	{ 11, PB_MSG, 0, "resources", "core.ResourceRequirements" },
	{ 12, PB_MSG, PB_REP, "volumeMounts", "core.VolumeMountStatus" },
	{ 13, PB_MSG, 0, "user", "core.ContainerUser" },
	{ 14, PB_MSG, PB_REP, "allocatedResourcesStatus", "core.ResourceStatus" },
	{ 15, PB_STR, 0, "stopSignal", NULL },
};
static const struct pb_field f_core_ContainerUser[] = {
	{ 1, PB_MSG, 0, "linux", "core.LinuxContainerUser" },
};
static const struct pb_field f_core_DownwardAPIProjection[] = {
	{ 1, PB_MSG, PB_REP, "items", "core.DownwardAPIVolumeFile" },
};
static const struct pb_field f_core_DownwardAPIVolumeFile[] = {
	{ 1, PB_STR, 0, "path", NULL },
	{ 2, PB_MSG, 0, "fieldRef", "core.ObjectFieldSelector" },
	{ 3, PB_MSG, 0, "resourceFieldRef", "core.ResourceFieldSelector" },
	{ 4, PB_I32, 0, "mode", NULL },
};
static const struct pb_field f_core_DownwardAPIVolumeSource[] = {
	{ 1, PB_MSG, PB_REP, "items", "core.DownwardAPIVolumeFile" },
	{ 2, PB_I32, 0, "defaultMode", NULL },
};
static const struct pb_field f_core_EmptyDirVolumeSource[] = {
	{ 1, PB_STR, PB_OZ, "medium", NULL },
	{ 2, PB_QTY, 0, "sizeLimit", NULL },
};
static const struct pb_field f_core_EnvFromSource[] = {
	{ 1, PB_STR, PB_OZ, "prefix", NULL },
	{ 2, PB_MSG, 0, "configMapRef", "core.ConfigMapEnvSource" },
	{ 3, PB_MSG, 0, "secretRef", "core.SecretEnvSource" },
};
static const struct pb_field f_core_EnvVar[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, PB_OZ, "value", NULL },
	{ 3, PB_MSG, 0, "valueFrom", "core.EnvVarSource" },
};
static const struct pb_field f_core_EnvVarSource[] = {
	{ 1, PB_MSG, 0, "fieldRef", "core.ObjectFieldSelector" },
	{ 2, PB_MSG, 0, "resourceFieldRef", "core.ResourceFieldSelector" },
	{ 3, PB_MSG, 0, "configMapKeyRef", "core.ConfigMapKeySelector" },
	{ 4, PB_MSG, 0, "secretKeyRef", "core.SecretKeySelector" },
	{ 5, PB_MSG, 0, "fileKeyRef", "core.FileKeySelector" },
};
static const struct pb_field f_core_EphemeralContainer[] = {
	{ 1, PB_MSG, PB_INL, "", "core.EphemeralContainerCommon" },
	{ 2, PB_STR, PB_OZ, "targetContainerName", NULL },
};
static const struct pb_field f_core_EphemeralContainerCommon[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, PB_OZ, "image", NULL },
	{ 3, PB_STR, PB_REP, "command", NULL },
	{ 4, PB_STR, PB_REP, "args", NULL },
	{ 5, PB_STR, PB_OZ, "workingDir", NULL },
	{ 6, PB_MSG, PB_REP, "ports", "core.ContainerPort" },
	{ 7, PB_MSG, PB_REP, "env", "core.EnvVar" },
	{ 8, PB_MSG, 0, "resources", "core.ResourceRequirements" },
	{ 9, PB_MSG, PB_REP, "volumeMounts", "core.VolumeMount" },
	{ 10, PB_MSG, 0, "livenessProbe", "core.Probe" },
	{ 11, PB_MSG, 0, "readinessProbe", "core.Probe" },
	{ 12, PB_MSG, 0, "lifecycle", "core.Lifecycle" },
	{ 13, PB_STR, PB_OZ, "terminationMessagePath", NULL },
	{ 14, PB_STR, PB_OZ, "imagePullPolicy", NULL },
	{ 15, PB_MSG, 0, "securityContext", "core.SecurityContext" },
	{ 16, PB_BOOL, PB_OZ, "stdin", NULL },
	{ 17, PB_BOOL, PB_OZ, "stdinOnce", NULL },
	{ 18, PB_BOOL, PB_OZ, "tty", NULL },
	{ 19, PB_MSG, PB_REP, "envFrom", "core.EnvFromSource" },
	{ 20, PB_STR, PB_OZ, "terminationMessagePolicy", NULL },
	{ 21, PB_MSG, PB_REP, "volumeDevices", "core.VolumeDevice" },
	{ 22, PB_MSG, 0, "startupProbe", "core.Probe" },
	{ 23, PB_MSG, PB_REP, "resizePolicy", "core.ContainerResizePolicy" },
	{ 24, PB_STR, 0, "restartPolicy", NULL },
	{ 25, PB_MSG, PB_REP, "restartPolicyRules", "core.ContainerRestartRule" },
};
static const struct pb_field f_core_EphemeralVolumeSource[] = {
	{ 1, PB_MSG, 0, "volumeClaimTemplate", "core.PersistentVolumeClaimTemplate" },
};
static const struct pb_field f_core_ExecAction[] = {
	{ 1, PB_STR, PB_REP, "command", NULL },
};
static const struct pb_field f_core_FCVolumeSource[] = {
	{ 1, PB_STR, PB_REP, "targetWWNs", NULL },
	{ 2, PB_I32, 0, "lun", NULL },
	{ 3, PB_STR, PB_OZ, "fsType", NULL },
	{ 4, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 5, PB_STR, PB_REP, "wwids", NULL },
};
static const struct pb_field f_core_FileKeySelector[] = {
	{ 1, PB_STR, 0, "volumeName", NULL },
	{ 2, PB_STR, 0, "path", NULL },
	{ 3, PB_STR, 0, "key", NULL },
	{ 4, PB_BOOL, 0, "optional", NULL },
};
static const struct pb_field f_core_FlexVolumeSource[] = {
	{ 1, PB_STR, 0, "driver", NULL },
	{ 2, PB_STR, PB_OZ, "fsType", NULL },
	{ 3, PB_MSG, 0, "secretRef", "core.LocalObjectReference" },
	{ 4, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 5, PB_STR, PB_MAP, "options", NULL },
};
static const struct pb_field f_core_FlockerVolumeSource[] = {
	{ 1, PB_STR, PB_OZ, "datasetName", NULL },
	{ 2, PB_STR, PB_OZ, "datasetUUID", NULL },
};
static const struct pb_field f_core_GCEPersistentDiskVolumeSource[] = {
	{ 1, PB_STR, 0, "pdName", NULL },
	{ 2, PB_STR, PB_OZ, "fsType", NULL },
	{ 3, PB_I32, PB_OZ, "partition", NULL },
	{ 4, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_GRPCAction[] = {
	{ 1, PB_I32, 0, "port", NULL },
	{ 2, PB_STR, PB_NUL, "service", NULL },
};
static const struct pb_field f_core_GitRepoVolumeSource[] = {
	{ 1, PB_STR, 0, "repository", NULL },
	{ 2, PB_STR, PB_OZ, "revision", NULL },
	{ 3, PB_STR, PB_OZ, "directory", NULL },
};
static const struct pb_field f_core_GlusterfsVolumeSource[] = {
	{ 1, PB_STR, 0, "endpoints", NULL },
	{ 2, PB_STR, 0, "path", NULL },
	{ 3, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_HTTPGetAction[] = {
	{ 1, PB_STR, PB_OZ, "path", NULL },
	{ 2, PB_IOS, 0, "port", NULL },
	{ 3, PB_STR, PB_OZ, "host", NULL },
	{ 4, PB_STR, PB_OZ, "scheme", NULL },
	{ 5, PB_MSG, PB_REP, "httpHeaders", "core.HTTPHeader" },
};
static const struct pb_field f_core_HTTPHeader[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_STR, 0, "value", NULL },
};
static const struct pb_field f_core_HostAlias[] = {
	{ 1, PB_STR, 0, "ip", NULL },
	{ 2, PB_STR, PB_REP, "hostnames", NULL },
};
static const struct pb_field f_core_HostIP[] = {
	{ 1, PB_STR, 0, "ip", NULL },
};
static const struct pb_field f_core_HostPathVolumeSource[] = {
	{ 1, PB_STR, 0, "path", NULL },
	{ 2, PB_STR, 0, "type", NULL },
};
static const struct pb_field f_core_ISCSIVolumeSource[] = {
	{ 1, PB_STR, 0, "targetPortal", NULL },
	{ 2, PB_STR, 0, "iqn", NULL },
	{ 3, PB_I32, 0, "lun", NULL },
	{ 4, PB_STR, PB_OZ, "iscsiInterface", NULL },
	{ 5, PB_STR, PB_OZ, "fsType", NULL },
	{ 6, PB_BOOL, PB_OZ, "readOnly", NULL },
	{ 7, PB_STR, PB_REP, "portals", NULL },
	{ 8, PB_BOOL, PB_OZ, "chapAuthDiscovery", NULL },
	{ 10, PB_MSG, 0, "secretRef", "core.LocalObjectReference" },
	{ 11, PB_BOOL, PB_OZ, "chapAuthSession", NULL },
	{ 12, PB_STR, 0, "initiatorName", NULL },
};
static const struct pb_field f_core_ImageVolumeSource[] = {
	{ 1, PB_STR, PB_OZ, "reference", NULL },
	{ 2, PB_STR, PB_OZ, "pullPolicy", NULL },
};
static const struct pb_field f_core_KeyToPath[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "path", NULL },
	{ 3, PB_I32, 0, "mode", NULL },
};
static const struct pb_field f_core_Lifecycle[] = {
	{ 1, PB_MSG, 0, "postStart", "core.LifecycleHandler" },
	{ 2, PB_MSG, 0, "preStop", "core.LifecycleHandler" },
	{ 3, PB_STR, 0, "stopSignal", NULL },
};
static const struct pb_field f_core_LifecycleHandler[] = {
	{ 1, PB_MSG, 0, "exec", "core.ExecAction" },
	{ 2, PB_MSG, 0, "httpGet", "core.HTTPGetAction" },
	{ 3, PB_MSG, 0, "tcpSocket", "core.TCPSocketAction" },
	{ 4, PB_MSG, 0, "sleep", "core.SleepAction" },
};
static const struct pb_field f_core_LinuxContainerUser[] = {
	{ 1, PB_I64, 0, "uid", NULL },
	{ 2, PB_I64, 0, "gid", NULL },
	{ 3, PB_I64, PB_REP, "supplementalGroups", NULL },
};
static const struct pb_field f_core_LoadBalancerIngress[] = {
	{ 1, PB_STR, PB_OZ, "ip", NULL },
	{ 2, PB_STR, PB_OZ, "hostname", NULL },
	{ 3, PB_STR, 0, "ipMode", NULL },
	{ 4, PB_MSG, PB_REP, "ports", "core.PortStatus" },
};
static const struct pb_field f_core_LoadBalancerStatus[] = {
	{ 1, PB_MSG, PB_REP, "ingress", "core.LoadBalancerIngress" },
};
static const struct pb_field f_core_LocalObjectReference[] = {
	{ 1, PB_STR, PB_OZ, "name", NULL },
};
static const struct pb_field f_core_NFSVolumeSource[] = {
	{ 1, PB_STR, 0, "server", NULL },
	{ 2, PB_STR, 0, "path", NULL },
	{ 3, PB_BOOL, PB_OZ, "readOnly", NULL },
};
static const struct pb_field f_core_Namespace[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "core.NamespaceSpec" },
	{ 3, PB_MSG, 0, "status", "core.NamespaceStatus" },
};
static const struct pb_field f_core_NamespaceCondition[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 4, PB_TIME, 0, "lastTransitionTime", NULL },
	{ 5, PB_STR, PB_OZ, "reason", NULL },
	{ 6, PB_STR, PB_OZ, "message", NULL },
};
static const struct pb_field f_core_NamespaceSpec[] = {
	{ 1, PB_STR, PB_REP, "finalizers", NULL },
};
static const struct pb_field f_core_NamespaceStatus[] = {
	{ 1, PB_STR, PB_OZ, "phase", NULL },
	{ 2, PB_MSG, PB_REP, "conditions", "core.NamespaceCondition" },
};
static const struct pb_field f_core_NodeAffinity[] = {
	{ 1, PB_MSG, 0, "requiredDuringSchedulingIgnoredDuringExecution", "core.NodeSelector" },
	{ 2, PB_MSG, PB_REP, "preferredDuringSchedulingIgnoredDuringExecution", "core.PreferredSchedulingTerm" },
};
static const struct pb_field f_core_NodeSelector[] = {
	{ 1, PB_MSG, PB_REP|PB_NUL, "nodeSelectorTerms", "core.NodeSelectorTerm" },
};
static const struct pb_field f_core_NodeSelectorRequirement[] = {
	{ 1, PB_STR, 0, "key", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_STR, PB_REP, "values", NULL },
};
static const struct pb_field f_core_NodeSelectorTerm[] = {
	{ 1, PB_MSG, PB_REP, "matchExpressions", "core.NodeSelectorRequirement" },
	{ 2, PB_MSG, PB_REP, "matchFields", "core.NodeSelectorRequirement" },
};
static const struct pb_field f_core_ObjectFieldSelector[] = {
	{ 1, PB_STR, PB_OZ, "apiVersion", NULL },
	{ 2, PB_STR, 0, "fieldPath", NULL },
};
static const struct pb_field f_core_ObjectReference[] = {
	{ 1, PB_STR, PB_OZ, "kind", NULL },
	{ 2, PB_STR, PB_OZ, "namespace", NULL },
	{ 3, PB_STR, PB_OZ, "name", NULL },
	{ 4, PB_STR, PB_OZ, "uid", NULL },
	{ 5, PB_STR, PB_OZ, "apiVersion", NULL },
	{ 6, PB_STR, PB_OZ, "resourceVersion", NULL },
	{ 7, PB_STR, PB_OZ, "fieldPath", NULL },
};

/* Sorted by name: the decoder looks messages up by binary search. */
const struct pb_msg pb_schema_core_a_o[] = {
	{ "core.AWSElasticBlockStoreVolumeSource", f_core_AWSElasticBlockStoreVolumeSource, PB_N(f_core_AWSElasticBlockStoreVolumeSource) },
	{ "core.Affinity", f_core_Affinity, PB_N(f_core_Affinity) },
	{ "core.AppArmorProfile", f_core_AppArmorProfile, PB_N(f_core_AppArmorProfile) },
	{ "core.AzureDiskVolumeSource", f_core_AzureDiskVolumeSource, PB_N(f_core_AzureDiskVolumeSource) },
	{ "core.AzureFileVolumeSource", f_core_AzureFileVolumeSource, PB_N(f_core_AzureFileVolumeSource) },
	{ "core.CSIVolumeSource", f_core_CSIVolumeSource, PB_N(f_core_CSIVolumeSource) },
	{ "core.Capabilities", f_core_Capabilities, PB_N(f_core_Capabilities) },
	{ "core.CephFSVolumeSource", f_core_CephFSVolumeSource, PB_N(f_core_CephFSVolumeSource) },
	{ "core.CinderVolumeSource", f_core_CinderVolumeSource, PB_N(f_core_CinderVolumeSource) },
	{ "core.ClientIPConfig", f_core_ClientIPConfig, PB_N(f_core_ClientIPConfig) },
	{ "core.ClusterTrustBundleProjection", f_core_ClusterTrustBundleProjection, PB_N(f_core_ClusterTrustBundleProjection) },
	{ "core.ConfigMap", f_core_ConfigMap, PB_N(f_core_ConfigMap) },
	{ "core.ConfigMapEnvSource", f_core_ConfigMapEnvSource, PB_N(f_core_ConfigMapEnvSource) },
	{ "core.ConfigMapKeySelector", f_core_ConfigMapKeySelector, PB_N(f_core_ConfigMapKeySelector) },
	{ "core.ConfigMapProjection", f_core_ConfigMapProjection, PB_N(f_core_ConfigMapProjection) },
	{ "core.ConfigMapVolumeSource", f_core_ConfigMapVolumeSource, PB_N(f_core_ConfigMapVolumeSource) },
	{ "core.Container", f_core_Container, PB_N(f_core_Container) },
	{ "core.ContainerExtendedResourceRequest", f_core_ContainerExtendedResourceRequest, PB_N(f_core_ContainerExtendedResourceRequest) },
	{ "core.ContainerPort", f_core_ContainerPort, PB_N(f_core_ContainerPort) },
	{ "core.ContainerResizePolicy", f_core_ContainerResizePolicy, PB_N(f_core_ContainerResizePolicy) },
	{ "core.ContainerRestartRule", f_core_ContainerRestartRule, PB_N(f_core_ContainerRestartRule) },
	{ "core.ContainerRestartRuleOnExitCodes", f_core_ContainerRestartRuleOnExitCodes, PB_N(f_core_ContainerRestartRuleOnExitCodes) },
	{ "core.ContainerState", f_core_ContainerState, PB_N(f_core_ContainerState) },
	{ "core.ContainerStateRunning", f_core_ContainerStateRunning, PB_N(f_core_ContainerStateRunning) },
	{ "core.ContainerStateTerminated", f_core_ContainerStateTerminated, PB_N(f_core_ContainerStateTerminated) },
	{ "core.ContainerStateWaiting", f_core_ContainerStateWaiting, PB_N(f_core_ContainerStateWaiting) },
	{ "core.ContainerStatus", f_core_ContainerStatus, PB_N(f_core_ContainerStatus) },
	{ "core.ContainerUser", f_core_ContainerUser, PB_N(f_core_ContainerUser) },
	{ "core.DownwardAPIProjection", f_core_DownwardAPIProjection, PB_N(f_core_DownwardAPIProjection) },
	{ "core.DownwardAPIVolumeFile", f_core_DownwardAPIVolumeFile, PB_N(f_core_DownwardAPIVolumeFile) },
	{ "core.DownwardAPIVolumeSource", f_core_DownwardAPIVolumeSource, PB_N(f_core_DownwardAPIVolumeSource) },
	{ "core.EmptyDirVolumeSource", f_core_EmptyDirVolumeSource, PB_N(f_core_EmptyDirVolumeSource) },
	{ "core.EnvFromSource", f_core_EnvFromSource, PB_N(f_core_EnvFromSource) },
	{ "core.EnvVar", f_core_EnvVar, PB_N(f_core_EnvVar) },
	{ "core.EnvVarSource", f_core_EnvVarSource, PB_N(f_core_EnvVarSource) },
	{ "core.EphemeralContainer", f_core_EphemeralContainer, PB_N(f_core_EphemeralContainer) },
	{ "core.EphemeralContainerCommon", f_core_EphemeralContainerCommon, PB_N(f_core_EphemeralContainerCommon) },
	{ "core.EphemeralVolumeSource", f_core_EphemeralVolumeSource, PB_N(f_core_EphemeralVolumeSource) },
	{ "core.ExecAction", f_core_ExecAction, PB_N(f_core_ExecAction) },
	{ "core.FCVolumeSource", f_core_FCVolumeSource, PB_N(f_core_FCVolumeSource) },
	{ "core.FileKeySelector", f_core_FileKeySelector, PB_N(f_core_FileKeySelector) },
	{ "core.FlexVolumeSource", f_core_FlexVolumeSource, PB_N(f_core_FlexVolumeSource) },
	{ "core.FlockerVolumeSource", f_core_FlockerVolumeSource, PB_N(f_core_FlockerVolumeSource) },
	{ "core.GCEPersistentDiskVolumeSource", f_core_GCEPersistentDiskVolumeSource, PB_N(f_core_GCEPersistentDiskVolumeSource) },
	{ "core.GRPCAction", f_core_GRPCAction, PB_N(f_core_GRPCAction) },
	{ "core.GitRepoVolumeSource", f_core_GitRepoVolumeSource, PB_N(f_core_GitRepoVolumeSource) },
	{ "core.GlusterfsVolumeSource", f_core_GlusterfsVolumeSource, PB_N(f_core_GlusterfsVolumeSource) },
	{ "core.HTTPGetAction", f_core_HTTPGetAction, PB_N(f_core_HTTPGetAction) },
	{ "core.HTTPHeader", f_core_HTTPHeader, PB_N(f_core_HTTPHeader) },
	{ "core.HostAlias", f_core_HostAlias, PB_N(f_core_HostAlias) },
	{ "core.HostIP", f_core_HostIP, PB_N(f_core_HostIP) },
	{ "core.HostPathVolumeSource", f_core_HostPathVolumeSource, PB_N(f_core_HostPathVolumeSource) },
	{ "core.ISCSIVolumeSource", f_core_ISCSIVolumeSource, PB_N(f_core_ISCSIVolumeSource) },
	{ "core.ImageVolumeSource", f_core_ImageVolumeSource, PB_N(f_core_ImageVolumeSource) },
	{ "core.KeyToPath", f_core_KeyToPath, PB_N(f_core_KeyToPath) },
	{ "core.Lifecycle", f_core_Lifecycle, PB_N(f_core_Lifecycle) },
	{ "core.LifecycleHandler", f_core_LifecycleHandler, PB_N(f_core_LifecycleHandler) },
	{ "core.LinuxContainerUser", f_core_LinuxContainerUser, PB_N(f_core_LinuxContainerUser) },
	{ "core.LoadBalancerIngress", f_core_LoadBalancerIngress, PB_N(f_core_LoadBalancerIngress) },
	{ "core.LoadBalancerStatus", f_core_LoadBalancerStatus, PB_N(f_core_LoadBalancerStatus) },
	{ "core.LocalObjectReference", f_core_LocalObjectReference, PB_N(f_core_LocalObjectReference) },
	{ "core.NFSVolumeSource", f_core_NFSVolumeSource, PB_N(f_core_NFSVolumeSource) },
	{ "core.Namespace", f_core_Namespace, PB_N(f_core_Namespace) },
	{ "core.NamespaceCondition", f_core_NamespaceCondition, PB_N(f_core_NamespaceCondition) },
	{ "core.NamespaceSpec", f_core_NamespaceSpec, PB_N(f_core_NamespaceSpec) },
	{ "core.NamespaceStatus", f_core_NamespaceStatus, PB_N(f_core_NamespaceStatus) },
	{ "core.NodeAffinity", f_core_NodeAffinity, PB_N(f_core_NodeAffinity) },
	{ "core.NodeSelector", f_core_NodeSelector, PB_N(f_core_NodeSelector) },
	{ "core.NodeSelectorRequirement", f_core_NodeSelectorRequirement, PB_N(f_core_NodeSelectorRequirement) },
	{ "core.NodeSelectorTerm", f_core_NodeSelectorTerm, PB_N(f_core_NodeSelectorTerm) },
	{ "core.ObjectFieldSelector", f_core_ObjectFieldSelector, PB_N(f_core_ObjectFieldSelector) },
	{ "core.ObjectReference", f_core_ObjectReference, PB_N(f_core_ObjectReference) },
};
const size_t pb_schema_core_a_o_n = PB_N(pb_schema_core_a_o);
