/* SPDX-License-Identifier: Apache-2.0 */
/* Protobuf schema of API groups apps to batch: field number, type, flags, JSON name, message. */
#include "api/protobuf.h"

static const struct pb_field f_apps_Deployment[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "apps.DeploymentSpec" },
	{ 3, PB_MSG, 0, "status", "apps.DeploymentStatus" },
};
static const struct pb_field f_apps_DeploymentCondition[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 4, PB_STR, PB_OZ, "reason", NULL },
	{ 5, PB_STR, PB_OZ, "message", NULL },
	{ 6, PB_TIME, 0, "lastUpdateTime", NULL },
	{ 7, PB_TIME, 0, "lastTransitionTime", NULL },
};
static const struct pb_field f_apps_DeploymentSpec[] = {
	{ 1, PB_I32, 0, "replicas", NULL },
	{ 2, PB_MSG, PB_NUL, "selector", "meta.LabelSelector" },
	{ 3, PB_MSG, 0, "template", "core.PodTemplateSpec" },
	{ 4, PB_MSG, 0, "strategy", "apps.DeploymentStrategy" },
	{ 5, PB_I32, PB_OZ, "minReadySeconds", NULL },
	{ 6, PB_I32, 0, "revisionHistoryLimit", NULL },
	{ 7, PB_BOOL, PB_OZ, "paused", NULL },
	{ 9, PB_I32, 0, "progressDeadlineSeconds", NULL },
};
static const struct pb_field f_apps_DeploymentStatus[] = {
	{ 1, PB_I64, PB_OZ, "observedGeneration", NULL },
	{ 2, PB_I32, PB_OZ, "replicas", NULL },
	{ 3, PB_I32, PB_OZ, "updatedReplicas", NULL },
	{ 4, PB_I32, PB_OZ, "availableReplicas", NULL },
	{ 5, PB_I32, PB_OZ, "unavailableReplicas", NULL },
	{ 6, PB_MSG, PB_REP, "conditions", "apps.DeploymentCondition" },
	{ 7, PB_I32, PB_OZ, "readyReplicas", NULL },
	{ 8, PB_I32, 0, "collisionCount", NULL },
	{ 9, PB_I32, 0, "terminatingReplicas", NULL },
};
static const struct pb_field f_apps_DeploymentStrategy[] = {
	{ 1, PB_STR, PB_OZ, "type", NULL },
	{ 2, PB_MSG, 0, "rollingUpdate", "apps.RollingUpdateDeployment" },
};
static const struct pb_field f_apps_RollingUpdateDeployment[] = {
	{ 1, PB_IOS, 0, "maxUnavailable", NULL },
	{ 2, PB_IOS, 0, "maxSurge", NULL },
};
static const struct pb_field f_authentication_BoundObjectReference[] = {
	{ 1, PB_STR, PB_OZ, "kind", NULL },
	{ 2, PB_STR, PB_OZ, "apiVersion", NULL },
	{ 3, PB_STR, PB_OZ, "name", NULL },
	{ 4, PB_STR, PB_OZ, "uid", NULL },
};
static const struct pb_field f_authentication_SelfSubjectReview[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "status", "authentication.SelfSubjectReviewStatus" },
};
static const struct pb_field f_authentication_SelfSubjectReviewStatus[] = {
	{ 1, PB_MSG, 0, "userInfo", "authentication.UserInfo" },
};
static const struct pb_field f_authentication_TokenRequest[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "authentication.TokenRequestSpec" },
	{ 3, PB_MSG, 0, "status", "authentication.TokenRequestStatus" },
};
static const struct pb_field f_authentication_TokenRequestSpec[] = {
	{ 1, PB_STR, PB_REP|PB_NUL, "audiences", NULL },
	{ 3, PB_MSG, PB_NUL, "boundObjectRef", "authentication.BoundObjectReference" },
	{ 4, PB_I64, PB_NUL, "expirationSeconds", NULL },
};
static const struct pb_field f_authentication_TokenRequestStatus[] = {
	{ 1, PB_STR, 0, "token", NULL },
	{ 2, PB_TIME, 0, "expirationTimestamp", NULL },
};
static const struct pb_field f_authentication_UserInfo[] = {
	{ 1, PB_STR, PB_OZ, "username", NULL },
	{ 2, PB_STR, PB_OZ, "uid", NULL },
	{ 3, PB_STR, PB_REP, "groups", NULL },
	{ 4, PB_STRLIST, PB_MAP, "extra", NULL },
};
static const struct pb_field f_authorization_FieldSelectorAttributes[] = {
	{ 1, PB_STR, PB_OZ, "rawSelector", NULL },
	{ 2, PB_MSG, PB_REP, "requirements", "meta.FieldSelectorRequirement" },
};
static const struct pb_field f_authorization_LabelSelectorAttributes[] = {
	{ 1, PB_STR, PB_OZ, "rawSelector", NULL },
	{ 2, PB_MSG, PB_REP, "requirements", "meta.LabelSelectorRequirement" },
};
static const struct pb_field f_authorization_NonResourceAttributes[] = {
	{ 1, PB_STR, PB_OZ, "path", NULL },
	{ 2, PB_STR, PB_OZ, "verb", NULL },
};
static const struct pb_field f_authorization_NonResourceRule[] = {
	{ 1, PB_STR, PB_REP|PB_NUL, "verbs", NULL },
	{ 2, PB_STR, PB_REP, "nonResourceURLs", NULL },
};
static const struct pb_field f_authorization_ResourceAttributes[] = {
	{ 1, PB_STR, PB_OZ, "namespace", NULL },
	{ 2, PB_STR, PB_OZ, "verb", NULL },
	{ 3, PB_STR, PB_OZ, "group", NULL },
	{ 4, PB_STR, PB_OZ, "version", NULL },
	{ 5, PB_STR, PB_OZ, "resource", NULL },
	{ 6, PB_STR, PB_OZ, "subresource", NULL },
	{ 7, PB_STR, PB_OZ, "name", NULL },
	{ 8, PB_MSG, 0, "fieldSelector", "authorization.FieldSelectorAttributes" },
	{ 9, PB_MSG, 0, "labelSelector", "authorization.LabelSelectorAttributes" },
};
static const struct pb_field f_authorization_ResourceRule[] = {
	{ 1, PB_STR, PB_REP|PB_NUL, "verbs", NULL },
	{ 2, PB_STR, PB_REP, "apiGroups", NULL },
	{ 3, PB_STR, PB_REP, "resources", NULL },
	{ 4, PB_STR, PB_REP, "resourceNames", NULL },
};
static const struct pb_field f_authorization_SelfSubjectAccessReview[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "authorization.SelfSubjectAccessReviewSpec" },
	{ 3, PB_MSG, 0, "status", "authorization.SubjectAccessReviewStatus" },
};
static const struct pb_field f_authorization_SelfSubjectAccessReviewSpec[] = {
	{ 1, PB_MSG, 0, "resourceAttributes", "authorization.ResourceAttributes" },
	{ 2, PB_MSG, 0, "nonResourceAttributes", "authorization.NonResourceAttributes" },
};
static const struct pb_field f_authorization_SelfSubjectRulesReview[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "authorization.SelfSubjectRulesReviewSpec" },
	{ 3, PB_MSG, 0, "status", "authorization.SubjectRulesReviewStatus" },
};
static const struct pb_field f_authorization_SelfSubjectRulesReviewSpec[] = {
	{ 1, PB_STR, PB_OZ, "namespace", NULL },
};
static const struct pb_field f_authorization_SubjectAccessReviewStatus[] = {
	{ 1, PB_BOOL, 0, "allowed", NULL },
	{ 2, PB_STR, PB_OZ, "reason", NULL },
	{ 3, PB_STR, PB_OZ, "evaluationError", NULL },
	{ 4, PB_BOOL, PB_OZ, "denied", NULL },
};
static const struct pb_field f_authorization_SubjectRulesReviewStatus[] = {
	{ 1, PB_MSG, PB_REP|PB_NUL, "resourceRules", "authorization.ResourceRule" },
	{ 2, PB_MSG, PB_REP|PB_NUL, "nonResourceRules", "authorization.NonResourceRule" },
	{ 3, PB_BOOL, 0, "incomplete", NULL },
	{ 4, PB_STR, PB_OZ, "evaluationError", NULL },
};
static const struct pb_field f_autoscalingv1_CrossVersionObjectReference[] = {
	{ 1, PB_STR, 0, "kind", NULL },
	{ 2, PB_STR, 0, "name", NULL },
	{ 3, PB_STR, PB_OZ, "apiVersion", NULL },
};
static const struct pb_field f_autoscalingv1_HorizontalPodAutoscaler[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "autoscalingv1.HorizontalPodAutoscalerSpec" },
	{ 3, PB_MSG, 0, "status", "autoscalingv1.HorizontalPodAutoscalerStatus" },
};
static const struct pb_field f_autoscalingv1_HorizontalPodAutoscalerSpec[] = {
	{ 1, PB_MSG, 0, "scaleTargetRef", "autoscalingv1.CrossVersionObjectReference" },
	{ 2, PB_I32, 0, "minReplicas", NULL },
	{ 3, PB_I32, 0, "maxReplicas", NULL },
	{ 4, PB_I32, 0, "targetCPUUtilizationPercentage", NULL },
};
static const struct pb_field f_autoscalingv1_HorizontalPodAutoscalerStatus[] = {
	{ 1, PB_I64, 0, "observedGeneration", NULL },
	{ 2, PB_TIME, 0, "lastScaleTime", NULL },
	{ 3, PB_I32, 0, "currentReplicas", NULL },
	{ 4, PB_I32, 0, "desiredReplicas", NULL },
	{ 5, PB_I32, 0, "currentCPUUtilizationPercentage", NULL },
};
static const struct pb_field f_autoscalingv1_Scale[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "autoscalingv1.ScaleSpec" },
	{ 3, PB_MSG, 0, "status", "autoscalingv1.ScaleStatus" },
};
static const struct pb_field f_autoscalingv1_ScaleSpec[] = {
	{ 1, PB_I32, PB_OZ, "replicas", NULL },
};
static const struct pb_field f_autoscalingv1_ScaleStatus[] = {
	{ 1, PB_I32, 0, "replicas", NULL },
	{ 2, PB_STR, PB_OZ, "selector", NULL },
};
static const struct pb_field f_autoscalingv2_ContainerResourceMetricSource[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, 0, "target", "autoscalingv2.MetricTarget" },
	{ 3, PB_STR, 0, "container", NULL },
};
static const struct pb_field f_autoscalingv2_ContainerResourceMetricStatus[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, 0, "current", "autoscalingv2.MetricValueStatus" },
	{ 3, PB_STR, 0, "container", NULL },
};
static const struct pb_field f_autoscalingv2_CrossVersionObjectReference[] = {
	{ 1, PB_STR, 0, "kind", NULL },
	{ 2, PB_STR, 0, "name", NULL },
	{ 3, PB_STR, PB_OZ, "apiVersion", NULL },
};
static const struct pb_field f_autoscalingv2_ExternalMetricSource[] = {
	{ 1, PB_MSG, 0, "metric", "autoscalingv2.MetricIdentifier" },
	{ 2, PB_MSG, 0, "target", "autoscalingv2.MetricTarget" },
};
static const struct pb_field f_autoscalingv2_ExternalMetricStatus[] = {
	{ 1, PB_MSG, 0, "metric", "autoscalingv2.MetricIdentifier" },
	{ 2, PB_MSG, 0, "current", "autoscalingv2.MetricValueStatus" },
};
static const struct pb_field f_autoscalingv2_HPAScalingPolicy[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_I32, 0, "value", NULL },
	{ 3, PB_I32, 0, "periodSeconds", NULL },
};
static const struct pb_field f_autoscalingv2_HPAScalingRules[] = {
	{ 1, PB_STR, 0, "selectPolicy", NULL },
	{ 2, PB_MSG, PB_REP, "policies", "autoscalingv2.HPAScalingPolicy" },
	{ 3, PB_I32, 0, "stabilizationWindowSeconds", NULL },
	{ 4, PB_QTY, 0, "tolerance", NULL },
};
static const struct pb_field f_autoscalingv2_HorizontalPodAutoscaler[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "autoscalingv2.HorizontalPodAutoscalerSpec" },
	{ 3, PB_MSG, 0, "status", "autoscalingv2.HorizontalPodAutoscalerStatus" },
};
static const struct pb_field f_autoscalingv2_HorizontalPodAutoscalerBehavior[] = {
	{ 1, PB_MSG, 0, "scaleUp", "autoscalingv2.HPAScalingRules" },
	{ 2, PB_MSG, 0, "scaleDown", "autoscalingv2.HPAScalingRules" },
};
static const struct pb_field f_autoscalingv2_HorizontalPodAutoscalerCondition[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 3, PB_TIME, 0, "lastTransitionTime", NULL },
	{ 4, PB_STR, PB_OZ, "reason", NULL },
	{ 5, PB_STR, PB_OZ, "message", NULL },
};
static const struct pb_field f_autoscalingv2_HorizontalPodAutoscalerSpec[] = {
	{ 1, PB_MSG, 0, "scaleTargetRef", "autoscalingv2.CrossVersionObjectReference" },
	{ 2, PB_I32, 0, "minReplicas", NULL },
	{ 3, PB_I32, 0, "maxReplicas", NULL },
	{ 4, PB_MSG, PB_REP, "metrics", "autoscalingv2.MetricSpec" },
	{ 5, PB_MSG, 0, "behavior", "autoscalingv2.HorizontalPodAutoscalerBehavior" },
};
static const struct pb_field f_autoscalingv2_HorizontalPodAutoscalerStatus[] = {
	{ 1, PB_I64, 0, "observedGeneration", NULL },
	{ 2, PB_TIME, 0, "lastScaleTime", NULL },
	{ 3, PB_I32, PB_OZ, "currentReplicas", NULL },
	{ 4, PB_I32, 0, "desiredReplicas", NULL },
	{ 5, PB_MSG, PB_REP|PB_NUL, "currentMetrics", "autoscalingv2.MetricStatus" },
	{ 6, PB_MSG, PB_REP, "conditions", "autoscalingv2.HorizontalPodAutoscalerCondition" },
};
static const struct pb_field f_autoscalingv2_MetricIdentifier[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, 0, "selector", "meta.LabelSelector" },
};
static const struct pb_field f_autoscalingv2_MetricSpec[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_MSG, 0, "object", "autoscalingv2.ObjectMetricSource" },
	{ 3, PB_MSG, 0, "pods", "autoscalingv2.PodsMetricSource" },
	{ 4, PB_MSG, 0, "resource", "autoscalingv2.ResourceMetricSource" },
	{ 5, PB_MSG, 0, "external", "autoscalingv2.ExternalMetricSource" },
	{ 7, PB_MSG, 0, "containerResource", "autoscalingv2.ContainerResourceMetricSource" },
};
static const struct pb_field f_autoscalingv2_MetricStatus[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_MSG, 0, "object", "autoscalingv2.ObjectMetricStatus" },
	{ 3, PB_MSG, 0, "pods", "autoscalingv2.PodsMetricStatus" },
	{ 4, PB_MSG, 0, "resource", "autoscalingv2.ResourceMetricStatus" },
	{ 5, PB_MSG, 0, "external", "autoscalingv2.ExternalMetricStatus" },
	{ 7, PB_MSG, 0, "containerResource", "autoscalingv2.ContainerResourceMetricStatus" },
};
static const struct pb_field f_autoscalingv2_MetricTarget[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_QTY, 0, "value", NULL },
	{ 3, PB_QTY, 0, "averageValue", NULL },
	{ 4, PB_I32, 0, "averageUtilization", NULL },
};
static const struct pb_field f_autoscalingv2_MetricValueStatus[] = {
	{ 1, PB_QTY, 0, "value", NULL },
	{ 2, PB_QTY, 0, "averageValue", NULL },
	{ 3, PB_I32, 0, "averageUtilization", NULL },
};
static const struct pb_field f_autoscalingv2_ObjectMetricSource[] = {
	{ 1, PB_MSG, 0, "describedObject", "autoscalingv2.CrossVersionObjectReference" },
	{ 2, PB_MSG, 0, "target", "autoscalingv2.MetricTarget" },
	{ 3, PB_MSG, 0, "metric", "autoscalingv2.MetricIdentifier" },
};
static const struct pb_field f_autoscalingv2_ObjectMetricStatus[] = {
	{ 1, PB_MSG, 0, "metric", "autoscalingv2.MetricIdentifier" },
	{ 2, PB_MSG, 0, "current", "autoscalingv2.MetricValueStatus" },
	{ 3, PB_MSG, 0, "describedObject", "autoscalingv2.CrossVersionObjectReference" },
};
static const struct pb_field f_autoscalingv2_PodsMetricSource[] = {
	{ 1, PB_MSG, 0, "metric", "autoscalingv2.MetricIdentifier" },
	{ 2, PB_MSG, 0, "target", "autoscalingv2.MetricTarget" },
};
static const struct pb_field f_autoscalingv2_PodsMetricStatus[] = {
	{ 1, PB_MSG, 0, "metric", "autoscalingv2.MetricIdentifier" },
	{ 2, PB_MSG, 0, "current", "autoscalingv2.MetricValueStatus" },
};
static const struct pb_field f_autoscalingv2_ResourceMetricSource[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, 0, "target", "autoscalingv2.MetricTarget" },
};
static const struct pb_field f_autoscalingv2_ResourceMetricStatus[] = {
	{ 1, PB_STR, 0, "name", NULL },
	{ 2, PB_MSG, 0, "current", "autoscalingv2.MetricValueStatus" },
};
static const struct pb_field f_batch_CronJob[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "batch.CronJobSpec" },
	{ 3, PB_MSG, 0, "status", "batch.CronJobStatus" },
};
static const struct pb_field f_batch_CronJobSpec[] = {
	{ 1, PB_STR, 0, "schedule", NULL },
	{ 2, PB_I64, 0, "startingDeadlineSeconds", NULL },
	{ 3, PB_STR, PB_OZ, "concurrencyPolicy", NULL },
	{ 4, PB_BOOL, 0, "suspend", NULL },
	{ 5, PB_MSG, 0, "jobTemplate", "batch.JobTemplateSpec" },
	{ 6, PB_I32, 0, "successfulJobsHistoryLimit", NULL },
	{ 7, PB_I32, 0, "failedJobsHistoryLimit", NULL },
	{ 8, PB_STR, 0, "timeZone", NULL },
};
static const struct pb_field f_batch_CronJobStatus[] = {
	{ 1, PB_MSG, PB_REP, "active", "core.ObjectReference" },
	{ 4, PB_TIME, 0, "lastScheduleTime", NULL },
	{ 5, PB_TIME, 0, "lastSuccessfulTime", NULL },
};
static const struct pb_field f_batch_Job[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "batch.JobSpec" },
	{ 3, PB_MSG, 0, "status", "batch.JobStatus" },
};
static const struct pb_field f_batch_JobCondition[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
	{ 3, PB_TIME, 0, "lastProbeTime", NULL },
	{ 4, PB_TIME, 0, "lastTransitionTime", NULL },
	{ 5, PB_STR, PB_OZ, "reason", NULL },
	{ 6, PB_STR, PB_OZ, "message", NULL },
};
static const struct pb_field f_batch_JobSpec[] = {
	{ 1, PB_I32, 0, "parallelism", NULL },
	{ 2, PB_I32, 0, "completions", NULL },
	{ 3, PB_I64, 0, "activeDeadlineSeconds", NULL },
	{ 4, PB_MSG, 0, "selector", "meta.LabelSelector" },
	{ 5, PB_BOOL, 0, "manualSelector", NULL },
	{ 6, PB_MSG, 0, "template", "core.PodTemplateSpec" },
	{ 7, PB_I32, 0, "backoffLimit", NULL },
	{ 8, PB_I32, 0, "ttlSecondsAfterFinished", NULL },
	{ 9, PB_STR, 0, "completionMode", NULL },
	{ 10, PB_BOOL, 0, "suspend", NULL },
	{ 11, PB_MSG, 0, "podFailurePolicy", "batch.PodFailurePolicy" },
	{ 12, PB_I32, 0, "backoffLimitPerIndex", NULL },
	{ 13, PB_I32, 0, "maxFailedIndexes", NULL },
	{ 14, PB_STR, 0, "podReplacementPolicy", NULL },
	{ 15, PB_STR, 0, "managedBy", NULL },
	{ 16, PB_MSG, 0, "successPolicy", "batch.SuccessPolicy" },
};
static const struct pb_field f_batch_JobStatus[] = {
	{ 1, PB_MSG, PB_REP, "conditions", "batch.JobCondition" },
	{ 2, PB_TIME, 0, "startTime", NULL },
	{ 3, PB_TIME, 0, "completionTime", NULL },
	{ 4, PB_I32, PB_OZ, "active", NULL },
	{ 5, PB_I32, PB_OZ, "succeeded", NULL },
	{ 6, PB_I32, PB_OZ, "failed", NULL },
	{ 7, PB_STR, PB_OZ, "completedIndexes", NULL },
	{ 8, PB_MSG, 0, "uncountedTerminatedPods", "batch.UncountedTerminatedPods" },
	{ 9, PB_I32, 0, "ready", NULL },
	{ 10, PB_STR, 0, "failedIndexes", NULL },
	{ 11, PB_I32, 0, "terminating", NULL },
};
static const struct pb_field f_batch_JobTemplateSpec[] = {
	{ 1, PB_MSG, 0, "metadata", "meta.ObjectMeta" },
	{ 2, PB_MSG, 0, "spec", "batch.JobSpec" },
};
static const struct pb_field f_batch_PodFailurePolicy[] = {
	{ 1, PB_MSG, PB_REP|PB_NUL, "rules", "batch.PodFailurePolicyRule" },
};
static const struct pb_field f_batch_PodFailurePolicyOnExitCodesRequirement[] = {
	{ 1, PB_STR, 0, "containerName", NULL },
	{ 2, PB_STR, 0, "operator", NULL },
	{ 3, PB_I32, PB_REP|PB_NUL, "values", NULL },
};
static const struct pb_field f_batch_PodFailurePolicyOnPodConditionsPattern[] = {
	{ 1, PB_STR, 0, "type", NULL },
	{ 2, PB_STR, 0, "status", NULL },
};
static const struct pb_field f_batch_PodFailurePolicyRule[] = {
	{ 1, PB_STR, 0, "action", NULL },
	{ 2, PB_MSG, 0, "onExitCodes", "batch.PodFailurePolicyOnExitCodesRequirement" },
	{ 3, PB_MSG, PB_REP, "onPodConditions", "batch.PodFailurePolicyOnPodConditionsPattern" },
};
static const struct pb_field f_batch_SuccessPolicy[] = {
	{ 1, PB_MSG, PB_REP|PB_NUL, "rules", "batch.SuccessPolicyRule" },
};
static const struct pb_field f_batch_SuccessPolicyRule[] = {
	{ 1, PB_STR, 0, "succeededIndexes", NULL },
	{ 2, PB_I32, 0, "succeededCount", NULL },
};
static const struct pb_field f_batch_UncountedTerminatedPods[] = {
	{ 1, PB_STR, PB_REP, "succeeded", NULL },
	{ 2, PB_STR, PB_REP, "failed", NULL },
};

/* Sorted by name: the decoder looks messages up by binary search. */
const struct pb_msg pb_schema_apis_a_b[] = {
	{ "apps.Deployment", f_apps_Deployment, PB_N(f_apps_Deployment) },
	{ "apps.DeploymentCondition", f_apps_DeploymentCondition, PB_N(f_apps_DeploymentCondition) },
	{ "apps.DeploymentSpec", f_apps_DeploymentSpec, PB_N(f_apps_DeploymentSpec) },
	{ "apps.DeploymentStatus", f_apps_DeploymentStatus, PB_N(f_apps_DeploymentStatus) },
	{ "apps.DeploymentStrategy", f_apps_DeploymentStrategy, PB_N(f_apps_DeploymentStrategy) },
	{ "apps.RollingUpdateDeployment", f_apps_RollingUpdateDeployment, PB_N(f_apps_RollingUpdateDeployment) },
	{ "authentication.BoundObjectReference", f_authentication_BoundObjectReference, PB_N(f_authentication_BoundObjectReference) },
	{ "authentication.SelfSubjectReview", f_authentication_SelfSubjectReview, PB_N(f_authentication_SelfSubjectReview) },
	{ "authentication.SelfSubjectReviewStatus", f_authentication_SelfSubjectReviewStatus, PB_N(f_authentication_SelfSubjectReviewStatus) },
	{ "authentication.TokenRequest", f_authentication_TokenRequest, PB_N(f_authentication_TokenRequest) },
	{ "authentication.TokenRequestSpec", f_authentication_TokenRequestSpec, PB_N(f_authentication_TokenRequestSpec) },
	{ "authentication.TokenRequestStatus", f_authentication_TokenRequestStatus, PB_N(f_authentication_TokenRequestStatus) },
	{ "authentication.UserInfo", f_authentication_UserInfo, PB_N(f_authentication_UserInfo) },
	{ "authorization.FieldSelectorAttributes", f_authorization_FieldSelectorAttributes, PB_N(f_authorization_FieldSelectorAttributes) },
	{ "authorization.LabelSelectorAttributes", f_authorization_LabelSelectorAttributes, PB_N(f_authorization_LabelSelectorAttributes) },
	{ "authorization.NonResourceAttributes", f_authorization_NonResourceAttributes, PB_N(f_authorization_NonResourceAttributes) },
	{ "authorization.NonResourceRule", f_authorization_NonResourceRule, PB_N(f_authorization_NonResourceRule) },
	{ "authorization.ResourceAttributes", f_authorization_ResourceAttributes, PB_N(f_authorization_ResourceAttributes) },
	{ "authorization.ResourceRule", f_authorization_ResourceRule, PB_N(f_authorization_ResourceRule) },
	{ "authorization.SelfSubjectAccessReview", f_authorization_SelfSubjectAccessReview, PB_N(f_authorization_SelfSubjectAccessReview) },
	{ "authorization.SelfSubjectAccessReviewSpec", f_authorization_SelfSubjectAccessReviewSpec, PB_N(f_authorization_SelfSubjectAccessReviewSpec) },
	{ "authorization.SelfSubjectRulesReview", f_authorization_SelfSubjectRulesReview, PB_N(f_authorization_SelfSubjectRulesReview) },
	{ "authorization.SelfSubjectRulesReviewSpec", f_authorization_SelfSubjectRulesReviewSpec, PB_N(f_authorization_SelfSubjectRulesReviewSpec) },
	{ "authorization.SubjectAccessReviewStatus", f_authorization_SubjectAccessReviewStatus, PB_N(f_authorization_SubjectAccessReviewStatus) },
	{ "authorization.SubjectRulesReviewStatus", f_authorization_SubjectRulesReviewStatus, PB_N(f_authorization_SubjectRulesReviewStatus) },
	{ "autoscalingv1.CrossVersionObjectReference", f_autoscalingv1_CrossVersionObjectReference, PB_N(f_autoscalingv1_CrossVersionObjectReference) },
	{ "autoscalingv1.HorizontalPodAutoscaler", f_autoscalingv1_HorizontalPodAutoscaler, PB_N(f_autoscalingv1_HorizontalPodAutoscaler) },
	{ "autoscalingv1.HorizontalPodAutoscalerSpec", f_autoscalingv1_HorizontalPodAutoscalerSpec, PB_N(f_autoscalingv1_HorizontalPodAutoscalerSpec) },
	{ "autoscalingv1.HorizontalPodAutoscalerStatus", f_autoscalingv1_HorizontalPodAutoscalerStatus, PB_N(f_autoscalingv1_HorizontalPodAutoscalerStatus) },
	{ "autoscalingv1.Scale", f_autoscalingv1_Scale, PB_N(f_autoscalingv1_Scale) },
	{ "autoscalingv1.ScaleSpec", f_autoscalingv1_ScaleSpec, PB_N(f_autoscalingv1_ScaleSpec) },
	{ "autoscalingv1.ScaleStatus", f_autoscalingv1_ScaleStatus, PB_N(f_autoscalingv1_ScaleStatus) },
	{ "autoscalingv2.ContainerResourceMetricSource", f_autoscalingv2_ContainerResourceMetricSource, PB_N(f_autoscalingv2_ContainerResourceMetricSource) },
	{ "autoscalingv2.ContainerResourceMetricStatus", f_autoscalingv2_ContainerResourceMetricStatus, PB_N(f_autoscalingv2_ContainerResourceMetricStatus) },
	{ "autoscalingv2.CrossVersionObjectReference", f_autoscalingv2_CrossVersionObjectReference, PB_N(f_autoscalingv2_CrossVersionObjectReference) },
	{ "autoscalingv2.ExternalMetricSource", f_autoscalingv2_ExternalMetricSource, PB_N(f_autoscalingv2_ExternalMetricSource) },
	{ "autoscalingv2.ExternalMetricStatus", f_autoscalingv2_ExternalMetricStatus, PB_N(f_autoscalingv2_ExternalMetricStatus) },
	{ "autoscalingv2.HPAScalingPolicy", f_autoscalingv2_HPAScalingPolicy, PB_N(f_autoscalingv2_HPAScalingPolicy) },
	{ "autoscalingv2.HPAScalingRules", f_autoscalingv2_HPAScalingRules, PB_N(f_autoscalingv2_HPAScalingRules) },
	{ "autoscalingv2.HorizontalPodAutoscaler", f_autoscalingv2_HorizontalPodAutoscaler, PB_N(f_autoscalingv2_HorizontalPodAutoscaler) },
	{ "autoscalingv2.HorizontalPodAutoscalerBehavior", f_autoscalingv2_HorizontalPodAutoscalerBehavior, PB_N(f_autoscalingv2_HorizontalPodAutoscalerBehavior) },
	{ "autoscalingv2.HorizontalPodAutoscalerCondition", f_autoscalingv2_HorizontalPodAutoscalerCondition, PB_N(f_autoscalingv2_HorizontalPodAutoscalerCondition) },
	{ "autoscalingv2.HorizontalPodAutoscalerSpec", f_autoscalingv2_HorizontalPodAutoscalerSpec, PB_N(f_autoscalingv2_HorizontalPodAutoscalerSpec) },
	{ "autoscalingv2.HorizontalPodAutoscalerStatus", f_autoscalingv2_HorizontalPodAutoscalerStatus, PB_N(f_autoscalingv2_HorizontalPodAutoscalerStatus) },
	{ "autoscalingv2.MetricIdentifier", f_autoscalingv2_MetricIdentifier, PB_N(f_autoscalingv2_MetricIdentifier) },
	{ "autoscalingv2.MetricSpec", f_autoscalingv2_MetricSpec, PB_N(f_autoscalingv2_MetricSpec) },
	{ "autoscalingv2.MetricStatus", f_autoscalingv2_MetricStatus, PB_N(f_autoscalingv2_MetricStatus) },
	{ "autoscalingv2.MetricTarget", f_autoscalingv2_MetricTarget, PB_N(f_autoscalingv2_MetricTarget) },
	{ "autoscalingv2.MetricValueStatus", f_autoscalingv2_MetricValueStatus, PB_N(f_autoscalingv2_MetricValueStatus) },
	{ "autoscalingv2.ObjectMetricSource", f_autoscalingv2_ObjectMetricSource, PB_N(f_autoscalingv2_ObjectMetricSource) },
	{ "autoscalingv2.ObjectMetricStatus", f_autoscalingv2_ObjectMetricStatus, PB_N(f_autoscalingv2_ObjectMetricStatus) },
	{ "autoscalingv2.PodsMetricSource", f_autoscalingv2_PodsMetricSource, PB_N(f_autoscalingv2_PodsMetricSource) },
	{ "autoscalingv2.PodsMetricStatus", f_autoscalingv2_PodsMetricStatus, PB_N(f_autoscalingv2_PodsMetricStatus) },
	{ "autoscalingv2.ResourceMetricSource", f_autoscalingv2_ResourceMetricSource, PB_N(f_autoscalingv2_ResourceMetricSource) },
	{ "autoscalingv2.ResourceMetricStatus", f_autoscalingv2_ResourceMetricStatus, PB_N(f_autoscalingv2_ResourceMetricStatus) },
	{ "batch.CronJob", f_batch_CronJob, PB_N(f_batch_CronJob) },
	{ "batch.CronJobSpec", f_batch_CronJobSpec, PB_N(f_batch_CronJobSpec) },
	{ "batch.CronJobStatus", f_batch_CronJobStatus, PB_N(f_batch_CronJobStatus) },
	{ "batch.Job", f_batch_Job, PB_N(f_batch_Job) },
	{ "batch.JobCondition", f_batch_JobCondition, PB_N(f_batch_JobCondition) },
	{ "batch.JobSpec", f_batch_JobSpec, PB_N(f_batch_JobSpec) },
	{ "batch.JobStatus", f_batch_JobStatus, PB_N(f_batch_JobStatus) },
	{ "batch.JobTemplateSpec", f_batch_JobTemplateSpec, PB_N(f_batch_JobTemplateSpec) },
	{ "batch.PodFailurePolicy", f_batch_PodFailurePolicy, PB_N(f_batch_PodFailurePolicy) },
	{ "batch.PodFailurePolicyOnExitCodesRequirement", f_batch_PodFailurePolicyOnExitCodesRequirement, PB_N(f_batch_PodFailurePolicyOnExitCodesRequirement) },
	{ "batch.PodFailurePolicyOnPodConditionsPattern", f_batch_PodFailurePolicyOnPodConditionsPattern, PB_N(f_batch_PodFailurePolicyOnPodConditionsPattern) },
	{ "batch.PodFailurePolicyRule", f_batch_PodFailurePolicyRule, PB_N(f_batch_PodFailurePolicyRule) },
	{ "batch.SuccessPolicy", f_batch_SuccessPolicy, PB_N(f_batch_SuccessPolicy) },
	{ "batch.SuccessPolicyRule", f_batch_SuccessPolicyRule, PB_N(f_batch_SuccessPolicyRule) },
	{ "batch.UncountedTerminatedPods", f_batch_UncountedTerminatedPods, PB_N(f_batch_UncountedTerminatedPods) },
};
const size_t pb_schema_apis_a_b_n = PB_N(pb_schema_apis_a_b);
