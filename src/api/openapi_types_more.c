/* SPDX-License-Identifier: Apache-2.0 */
/* Schema table: apps, batch, and the smaller groups (coordination ... apiextensions). */
#include "api/openapi_types.h"

#define STATUS_RO "Read-only; written by the system."
#define F_REPLICAS { "replicas", "integer", "Number of desired pods. Defaults to 1." }
#define F_SELECTOR { "!selector", META("LabelSelector"), "Label query over pods that should " \
	"match the replica count. It must match the pod template's labels." }
#define F_TEMPLATE { "!template", CORE("PodTemplateSpec"), "The object that describes the pod " \
	"that will be created." }
#define F_MINREADY { "minReadySeconds", "integer", "Minimum number of seconds for which a " \
	"newly created pod should be ready without any of its container crashing, for it to " \
	"be considered available." }
#define F_HISTORY { "revisionHistoryLimit", "integer", "The number of old revisions to " \
	"retain to allow rollback. Defaults to 10." }
#define F_OBSGEN { "observedGeneration", "int64", "The generation observed by the " \
	"controller." }
#define NETV1(x) "io.k8s.api.networking.v1." x
#define RBACV1(x) "io.k8s.api.rbac.v1." x
#define APIEXT(x) "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1." x

/* Conditions of workloads: the same shape under each kind's own name. */
#define WORKLOAD_CONDITION(var, name) \
	OA_TYPE(var, name, "The state of the object in one aspect.", \
		{ "!type", "string", "Type of condition." }, \
		{ "!status", "string", "True, False or Unknown." }, \
		{ "lastUpdateTime", TIME, "The last time this condition was updated." }, \
		{ "lastTransitionTime", TIME, "Last time the condition transitioned." }, \
		{ "lastProbeTime", TIME, "Last time the condition was checked." }, \
		{ "reason", "string", "The reason for the condition's last transition." }, \
		{ "message", "string", "A human readable message with details." })

/* ---- apps/v1 ---- */

OA_TYPE(t_deploy, APPS("Deployment"), "Deployment enables declarative updates for Pods and "
	"ReplicaSets.",
	TYPEMETA,
	{ "spec", APPS("DeploymentSpec"), "Specification of the desired behavior of the "
	  "Deployment." },
	{ "status", APPS("DeploymentStatus"), "Most recently observed status of the Deployment. "
	  STATUS_RO });

OA_TYPE(t_deployspec, APPS("DeploymentSpec"), "The specification of the desired behavior of "
	"the Deployment.",
	F_REPLICAS, F_SELECTOR, F_TEMPLATE,
	{ "strategy", APPS("DeploymentStrategy"), "The deployment strategy to use to replace "
	  "existing pods with new ones." },
	F_MINREADY, F_HISTORY,
	{ "paused", "boolean", "Indicates that the deployment is paused." },
	{ "progressDeadlineSeconds", "integer", "The maximum time in seconds for a deployment "
	  "to make progress before it is considered to be failed. Defaults to 600s." });

OA_TYPE(t_deploystrategy, APPS("DeploymentStrategy"), "How to replace existing pods with new "
	"ones.",
	{ "type", "string", "Recreate or RollingUpdate. Default is RollingUpdate." },
	{ "rollingUpdate", APPS("RollingUpdateDeployment"), "Rolling update config params. "
	  "Present only if type = RollingUpdate." });

OA_TYPE(t_rollingdeploy, APPS("RollingUpdateDeployment"), "Controls the desired behavior of "
	"rolling update.",
	{ "maxUnavailable", INTSTR, "The maximum number of pods that can be unavailable during "
	  "the update: a number or a percentage. Defaults to 25%." },
	{ "maxSurge", INTSTR, "The maximum number of pods that can be scheduled above the "
	  "desired number of pods: a number or a percentage. Defaults to 25%." });

OA_TYPE(t_deploystatus, APPS("DeploymentStatus"), "The most recently observed status of the "
	"Deployment.",
	F_OBSGEN,
	{ "replicas", "integer", "Total number of non-terminated pods targeted by this "
	  "deployment." },
	{ "updatedReplicas", "integer", "Non-terminated pods that have the desired template "
	  "spec." },
	{ "readyReplicas", "integer", "Pods targeted by this Deployment with a Ready "
	  "Condition." },
	{ "availableReplicas", "integer", "Available pods (ready for at least "
	  "minReadySeconds)." },
	{ "unavailableReplicas", "integer", "Pods that are still required for the deployment "
	  "to have 100% available capacity." },
	{ "conditions", "[]" APPS("DeploymentCondition") "@type", "The latest available "
	  "observations of a deployment's current state." },
	{ "collisionCount", "integer", "Count of hash collisions for the Deployment." });

WORKLOAD_CONDITION(t_deploycond, APPS("DeploymentCondition"));

OA_TYPE(t_rs, APPS("ReplicaSet"), "ReplicaSet ensures that a specified number of pod "
	"replicas are running at any given time.",
	TYPEMETA,
	{ "spec", APPS("ReplicaSetSpec"), "The specification of the desired behavior of the "
	  "ReplicaSet." },
	{ "status", APPS("ReplicaSetStatus"), "The most recently observed status of the "
	  "ReplicaSet. " STATUS_RO });

OA_TYPE(t_rsspec, APPS("ReplicaSetSpec"), "The specification of a ReplicaSet.",
	F_REPLICAS, F_MINREADY, F_SELECTOR,
	{ "template", CORE("PodTemplateSpec"), "The object that describes the pod that will be "
	  "created if insufficient replicas are detected." });

OA_TYPE(t_rsstatus, APPS("ReplicaSetStatus"), "The current status of a ReplicaSet.",
	{ "!replicas", "integer", "The most recently observed number of replicas." },
	{ "fullyLabeledReplicas", "integer", "Pods that have labels matching the labels of the "
	  "pod template." },
	{ "readyReplicas", "integer", "The number of pods with a Ready Condition." },
	{ "availableReplicas", "integer", "Available pods (ready for at least "
	  "minReadySeconds)." },
	F_OBSGEN,
	{ "conditions", "[]" APPS("ReplicaSetCondition") "@type", "The latest available "
	  "observations of a replica set's current state." });

WORKLOAD_CONDITION(t_rscond, APPS("ReplicaSetCondition"));

OA_TYPE(t_sts, APPS("StatefulSet"), "StatefulSet represents a set of pods with consistent "
	"identities: network names and storage.",
	TYPEMETA,
	{ "spec", APPS("StatefulSetSpec"), "The desired identities of pods in this set." },
	{ "status", APPS("StatefulSetStatus"), "The current status of Pods in this "
	  "StatefulSet. " STATUS_RO });

OA_TYPE(t_stsspec, APPS("StatefulSetSpec"), "A StatefulSetSpec is the specification of a "
	"StatefulSet.",
	F_REPLICAS, F_SELECTOR, F_TEMPLATE,
	{ "volumeClaimTemplates", "[]" CORE("PersistentVolumeClaim"), "Claims that pods are "
	  "allowed to reference; each pod gets its own." },
	{ "serviceName", "string", "The name of the service that governs this StatefulSet." },
	{ "podManagementPolicy", "string", "OrderedReady or Parallel. Defaults to "
	  "OrderedReady." },
	{ "updateStrategy", APPS("StatefulSetUpdateStrategy"), "The strategy used to update "
	  "Pods when the template changes." },
	F_HISTORY, F_MINREADY,
	{ "persistentVolumeClaimRetentionPolicy", "object", "Whether claims are deleted "
	  "{whenDeleted, whenScaled}: Retain or Delete." },
	{ "ordinals", "object", "The numbering of replica indices: {start}." });

OA_TYPE(t_stsstrategy, APPS("StatefulSetUpdateStrategy"), "How the controller updates pods.",
	{ "type", "string", "RollingUpdate or OnDelete. Default is RollingUpdate." },
	{ "rollingUpdate", APPS("RollingUpdateStatefulSetStrategy"), "Parameters of "
	  "RollingUpdate." });

OA_TYPE(t_stsrolling, APPS("RollingUpdateStatefulSetStrategy"), "Parameters of a "
	"StatefulSet rolling update.",
	{ "partition", "integer", "Ordinal at which the StatefulSet should be partitioned. "
	  "Default value is 0." },
	{ "maxUnavailable", INTSTR, "The maximum number of pods that can be unavailable during "
	  "the update." });

OA_TYPE(t_stsstatus, APPS("StatefulSetStatus"), "The current state of a StatefulSet.",
	F_OBSGEN,
	{ "!replicas", "integer", "The number of Pods created by the StatefulSet controller." },
	{ "readyReplicas", "integer", "Pods with a Ready Condition." },
	{ "currentReplicas", "integer", "Pods at the current revision." },
	{ "updatedReplicas", "integer", "Pods at the update revision." },
	{ "availableReplicas", "integer", "Available pods (ready for at least "
	  "minReadySeconds)." },
	{ "currentRevision", "string", "The revision used to generate Pods in [0,currentReplicas)." },
	{ "updateRevision", "string", "The revision used to generate Pods in "
	  "[replicas-updatedReplicas,replicas)." },
	{ "collisionCount", "integer", "Count of hash collisions for the StatefulSet." },
	{ "conditions", "[]" APPS("StatefulSetCondition") "@type", "The latest available "
	  "observations of a statefulset's current state." });

WORKLOAD_CONDITION(t_stscond, APPS("StatefulSetCondition"));

OA_TYPE(t_ds, APPS("DaemonSet"), "DaemonSet represents the configuration of a daemon set: "
	"a pod on each eligible node.",
	TYPEMETA,
	{ "spec", APPS("DaemonSetSpec"), "The desired behavior of this daemon set." },
	{ "status", APPS("DaemonSetStatus"), "The current status of this daemon set. "
	  STATUS_RO });

OA_TYPE(t_dsspec, APPS("DaemonSetSpec"), "The specification of a daemon set.",
	F_SELECTOR, F_TEMPLATE,
	{ "updateStrategy", APPS("DaemonSetUpdateStrategy"), "An update strategy to replace "
	  "existing DaemonSet pods with new pods." },
	F_MINREADY, F_HISTORY);

OA_TYPE(t_dsstrategy, APPS("DaemonSetUpdateStrategy"), "How the controller updates daemon "
	"pods.",
	{ "type", "string", "RollingUpdate or OnDelete. Default is RollingUpdate." },
	{ "rollingUpdate", APPS("RollingUpdateDaemonSet"), "Rolling update config params." });

OA_TYPE(t_dsrolling, APPS("RollingUpdateDaemonSet"), "Parameters of a daemon set rolling "
	"update.",
	{ "maxUnavailable", INTSTR, "The maximum number of DaemonSet pods that can be "
	  "unavailable during the update. Defaults to 1." },
	{ "maxSurge", INTSTR, "The maximum number of nodes with an existing available DaemonSet "
	  "pod that can have an updated DaemonSet pod during an update. Defaults to 0." });

OA_TYPE(t_dsstatus, APPS("DaemonSetStatus"), "The current status of a daemon set.",
	{ "!currentNumberScheduled", "integer", "Nodes running at least 1 daemon pod that are "
	  "supposed to." },
	{ "!numberMisscheduled", "integer", "Nodes running the daemon pod that are not "
	  "supposed to." },
	{ "!desiredNumberScheduled", "integer", "Nodes that should be running the daemon pod." },
	{ "!numberReady", "integer", "Nodes with a ready daemon pod." },
	F_OBSGEN,
	{ "updatedNumberScheduled", "integer", "Nodes running an updated daemon pod." },
	{ "numberAvailable", "integer", "Nodes with an available daemon pod." },
	{ "numberUnavailable", "integer", "Nodes without an available daemon pod." },
	{ "collisionCount", "integer", "Count of hash collisions for the DaemonSet." },
	{ "conditions", "[]" APPS("DaemonSetCondition") "@type", "The latest available "
	  "observations of a DaemonSet's current state." });

WORKLOAD_CONDITION(t_dscond, APPS("DaemonSetCondition"));

/* ---- batch/v1 ---- */

OA_TYPE(t_job, BATCH("Job"), "Job represents the configuration of a single job.",
	TYPEMETA,
	{ "spec", BATCH("JobSpec"), "Specification of the desired behavior of a job." },
	{ "status", BATCH("JobStatus"), "Current status of a job. " STATUS_RO });

OA_TYPE(t_jobspec, BATCH("JobSpec"), "JobSpec describes how the job execution will look like.",
	{ "parallelism", "integer", "The maximum desired number of pods the job should run at "
	  "any given time. Defaults to 1." },
	{ "completions", "integer", "The desired number of successfully finished pods the job "
	  "should be run with." },
	{ "activeDeadlineSeconds", "int64", "Seconds relative to the startTime that the job "
	  "may be continuously active before the system tries to terminate it." },
	{ "backoffLimit", "integer", "The number of retries before marking this job failed. "
	  "Defaults to 6." },
	{ "selector", META("LabelSelector"), "A label query over pods that should match the pod "
	  "count. Normally generated by the system." },
	{ "manualSelector", "boolean", "Whether the selector is set by the user rather than "
	  "generated." },
	F_TEMPLATE,
	{ "ttlSecondsAfterFinished", "integer", "Seconds after the job finishes before it is "
	  "deleted." },
	{ "completionMode", "string", "NonIndexed or Indexed. Defaults to NonIndexed." },
	{ "suspend", "boolean", "Whether the Job controller should create Pods or not. "
	  "Defaults to false." },
	{ "podFailurePolicy", BATCH("PodFailurePolicy"), "How failed pods influence the "
	  "backoffLimit." },
	{ "podReplacementPolicy", "string", "When replacement pods are created: "
	  "TerminatingOrFailed or Failed." },
	{ "backoffLimitPerIndex", "integer", "Retries per index, for Indexed jobs." },
	{ "maxFailedIndexes", "integer", "Failed indexes before the job fails." },
	{ "successPolicy", BATCH("SuccessPolicy"), "When the job may be declared succeeded." },
	{ "managedBy", "string", "The controller that manages the Job." });

OA_TYPE(t_podfailure, BATCH("PodFailurePolicy"), "How failed pods count against the Job.",
	{ "!rules", "[]object", "Rules, in order: {action, onExitCodes, onPodConditions}." });

OA_TYPE(t_successpolicy, BATCH("SuccessPolicy"), "When an Indexed Job is declared "
	"succeeded.",
	{ "!rules", "[]object", "Rules: {succeededIndexes, succeededCount}." });

OA_TYPE(t_jobstatus, BATCH("JobStatus"), "JobStatus represents the current state of a Job.",
	{ "conditions", "[]" BATCH("JobCondition") "@type", "The latest available observations "
	  "of an object's current state." },
	{ "startTime", TIME, "When the job controller started processing the job." },
	{ "completionTime", TIME, "When the job was completed." },
	{ "active", "integer", "The number of pending and running pods." },
	{ "succeeded", "integer", "The number of pods which reached phase Succeeded." },
	{ "failed", "integer", "The number of pods which reached phase Failed." },
	{ "terminating", "integer", "The number of pods which are terminating." },
	{ "ready", "integer", "The number of pods which have a Ready condition." },
	{ "completedIndexes", "string", "Completed indexes, for Indexed jobs." },
	{ "failedIndexes", "string", "Failed indexes, for Indexed jobs." },
	{ "uncountedTerminatedPods", "object", "Finished pods not yet counted." });

WORKLOAD_CONDITION(t_jobcond, BATCH("JobCondition"));

OA_TYPE(t_cronjob, BATCH("CronJob"), "CronJob represents the configuration of a single cron "
	"job.",
	TYPEMETA,
	{ "spec", BATCH("CronJobSpec"), "Specification of the desired behavior of a cron job, "
	  "including the schedule." },
	{ "status", BATCH("CronJobStatus"), "Current status of a cron job. " STATUS_RO });

OA_TYPE(t_cronspec, BATCH("CronJobSpec"), "CronJobSpec describes how the job execution will "
	"look like and when it will actually run.",
	{ "!schedule", "string", "The schedule in Cron format, e.g. \"*/5 * * * *\"." },
	{ "timeZone", "string", "The time zone name for the given schedule." },
	{ "startingDeadlineSeconds", "int64", "Deadline in seconds for starting the job if it "
	  "misses scheduled time for any reason." },
	{ "concurrencyPolicy", "string", "How to treat concurrent executions of a Job: Allow, "
	  "Forbid or Replace. Defaults to Allow." },
	{ "suspend", "boolean", "Tells the controller to suspend subsequent executions. "
	  "Defaults to false." },
	{ "!jobTemplate", BATCH("JobTemplateSpec"), "The job that will be created when "
	  "executing a CronJob." },
	{ "successfulJobsHistoryLimit", "integer", "The number of successful finished jobs to "
	  "retain. Defaults to 3." },
	{ "failedJobsHistoryLimit", "integer", "The number of failed finished jobs to retain. "
	  "Defaults to 1." });

OA_TYPE(t_jobtemplate, BATCH("JobTemplateSpec"), "Describes the data a Job should have when "
	"created from a template.",
	F_METADATA,
	{ "spec", BATCH("JobSpec"), "Specification of the desired behavior of the job." });

OA_TYPE(t_cronstatus, BATCH("CronJobStatus"), "The current state of a cron job.",
	{ "active", "[]" CORE("ObjectReference"), "Pointers to currently running jobs." },
	{ "lastScheduleTime", TIME, "When the job was last successfully scheduled." },
	{ "lastSuccessfulTime", TIME, "When the job last successfully completed." });

/* ---- coordination, discovery, events, storage ---- */

OA_TYPE(t_lease, "io.k8s.api.coordination.v1.Lease", "Lease defines a lease concept.",
	TYPEMETA,
	{ "spec", "io.k8s.api.coordination.v1.LeaseSpec", "The lease's specification." });

OA_TYPE(t_leasespec, "io.k8s.api.coordination.v1.LeaseSpec", "The specification of a Lease.",
	{ "holderIdentity", "string", "The identity of the holder of a current lease." },
	{ "leaseDurationSeconds", "integer", "Duration that candidates for a lease need to wait "
	  "to force acquire it." },
	{ "acquireTime", META("MicroTime"), "When the current lease was acquired." },
	{ "renewTime", META("MicroTime"), "When the current holder last updated the lease." },
	{ "leaseTransitions", "integer", "The number of transitions of a lease between "
	  "holders." },
	{ "strategy", "string", "The strategy for picking the leader in coordinated leader "
	  "election." },
	{ "preferredHolder", "string", "A hint to the holder to yield the lease." });

OA_TYPE(t_slice, "io.k8s.api.discovery.v1.EndpointSlice", "EndpointSlice represents a subset "
	"of the endpoints that implement a service.",
	TYPEMETA,
	{ "!addressType", "string", "IPv4, IPv6 or FQDN." },
	{ "!endpoints", "[]io.k8s.api.discovery.v1.Endpoint", "A list of unique endpoints in "
	  "this slice." },
	{ "ports", "[]io.k8s.api.discovery.v1.EndpointPort", "Network ports exposed by each "
	  "endpoint in this slice." });

OA_TYPE(t_sliceep, "io.k8s.api.discovery.v1.Endpoint", "A single logical backend "
	"implementing a service.",
	{ "!addresses", "[]string", "Addresses of this endpoint." },
	{ "conditions", "object", "The current condition of the endpoint: {ready, serving, "
	  "terminating}." },
	{ "hostname", "string", "Hostname of this endpoint." },
	{ "targetRef", CORE("ObjectReference"), "A reference to the object representing this "
	  "endpoint." },
	{ "nodeName", "string", "The node hosting this endpoint." },
	{ "zone", "string", "The zone this endpoint exists in." },
	{ "hints", "io.k8s.api.discovery.v1.EndpointHints", "Hints for consumption of the "
	  "endpoint." },
	{ "deprecatedTopology", "map:string", "Deprecated topology labels." });

OA_TYPE(t_slicehints, "io.k8s.api.discovery.v1.EndpointHints", "Hints for consuming an "
	"endpoint.",
	{ "forZones", "[]object", "The zones that should consume this endpoint: {name}." });

OA_TYPE(t_sliceport, "io.k8s.api.discovery.v1.EndpointPort", "A port used by an "
	"EndpointSlice.",
	{ "name", "string", "The name of this port." },
	{ "protocol", "string", "TCP, UDP, or SCTP. Default is TCP." },
	{ "port", "integer", "The port number of the endpoint." },
	{ "appProtocol", "string", "The application protocol for this port." });

OA_TYPE(t_event2, "io.k8s.api.events.v1.Event", "Event is a report of an event somewhere in "
	"the cluster.",
	TYPEMETA,
	{ "!eventTime", META("MicroTime"), "The time when this Event was first observed." },
	{ "series", "object", "Data about the Event series: {count, lastObservedTime}." },
	{ "reportingController", "string", "The name of the controller that emitted this "
	  "Event." },
	{ "reportingInstance", "string", "The ID of the controller instance." },
	{ "action", "string", "What action was taken/failed regarding the regarding object." },
	{ "reason", "string", "Why the action was taken, in CamelCase." },
	{ "regarding", CORE("ObjectReference"), "The object this Event is about." },
	{ "related", CORE("ObjectReference"), "A secondary object for more complex actions." },
	{ "note", "string", "A human-readable description of the status of this operation." },
	{ "type", "string", "Normal or Warning." },
	{ "deprecatedSource", "object", "The deprecated field assuring backward compatibility "
	  "with core.v1 Event type." },
	{ "deprecatedFirstTimestamp", TIME, "Backward compatibility with core.v1 Event." },
	{ "deprecatedLastTimestamp", TIME, "Backward compatibility with core.v1 Event." },
	{ "deprecatedCount", "integer", "Backward compatibility with core.v1 Event." });

OA_TYPE(t_sc, "io.k8s.api.storage.v1.StorageClass", "StorageClass describes the parameters "
	"for a class of storage for which PersistentVolumes can be dynamically provisioned.",
	TYPEMETA,
	{ "!provisioner", "string", "The type of the provisioner." },
	{ "parameters", "map:string", "Parameters for the provisioner." },
	{ "reclaimPolicy", "string", "Delete or Retain. Defaults to Delete." },
	{ "mountOptions", "[]string", "Mount options of the dynamically provisioned volumes." },
	{ "allowVolumeExpansion", "boolean", "Whether the storage class allows volume expand." },
	{ "volumeBindingMode", "string", "Immediate or WaitForFirstConsumer. Defaults to "
	  "Immediate." },
	{ "allowedTopologies", "[]object", "Restricts the node topologies where volumes can be "
	  "dynamically provisioned." });

/* ---- networking.k8s.io/v1 ---- */

OA_TYPE(t_netpol, NETV1("NetworkPolicy"), "NetworkPolicy describes what network traffic is "
	"allowed for a set of Pods.",
	TYPEMETA,
	{ "spec", NETV1("NetworkPolicySpec"), "The desired behavior for this NetworkPolicy." });

OA_TYPE(t_netpolspec, NETV1("NetworkPolicySpec"), "The specification of a NetworkPolicy.",
	{ "podSelector", META("LabelSelector"), "Selects the pods to which this NetworkPolicy "
	  "object applies; empty selects all pods in the namespace." },
	{ "ingress", "[]object", "Ingress rules: {from, ports}." },
	{ "egress", "[]object", "Egress rules: {to, ports}." },
	{ "policyTypes", "[]string", "Ingress, Egress, or both." });

OA_TYPE(t_ingress, NETV1("Ingress"), "Ingress is a collection of rules that allow inbound "
	"connections to reach the endpoints defined by a backend.",
	TYPEMETA,
	{ "spec", NETV1("IngressSpec"), "The desired state of the Ingress." },
	{ "status", NETV1("IngressStatus"), "The current state of the Ingress. " STATUS_RO });

OA_TYPE(t_ingspec, NETV1("IngressSpec"), "The specification of an Ingress.",
	{ "ingressClassName", "string", "The name of an IngressClass cluster resource." },
	{ "defaultBackend", NETV1("IngressBackend"), "The backend for requests matching no "
	  "rule." },
	{ "tls", "[]object", "TLS configuration: {hosts, secretName}." },
	{ "rules", "[]object", "Host rules: {host, http: {paths}}." });

OA_TYPE(t_ingbackend, NETV1("IngressBackend"), "Where requests are sent.",
	{ "service", NETV1("IngressServiceBackend"), "A Service as a backend." },
	{ "resource", "object", "An object in the Ingress' namespace as a backend." });

OA_TYPE(t_ingsvc, NETV1("IngressServiceBackend"), "A Service as an ingress backend.",
	{ "!name", "string", "The referenced service." },
	{ "port", NETV1("ServiceBackendPort"), "The port of the referenced service." });

OA_TYPE(t_ingport, NETV1("ServiceBackendPort"), "The service port being referenced.",
	{ "name", "string", "The name of the port on the Service." },
	{ "number", "integer", "The numerical port number." });

OA_TYPE(t_ingstatus, NETV1("IngressStatus"), "The current state of an Ingress.",
	{ "loadBalancer", "object", "The current status of the load-balancer: {ingress}." });

/* ---- rbac.authorization.k8s.io/v1 ---- */

OA_TYPE(t_role, RBACV1("Role"), "Role is a namespaced, logical grouping of PolicyRules that "
	"can be referenced as a unit by a RoleBinding.",
	TYPEMETA,
	{ "rules", "[]" RBACV1("PolicyRule"), "All the PolicyRules for this Role." });

OA_TYPE(t_crole, RBACV1("ClusterRole"), "ClusterRole is a cluster level, logical grouping of "
	"PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.",
	TYPEMETA,
	{ "rules", "[]" RBACV1("PolicyRule"), "All the PolicyRules for this ClusterRole." },
	{ "aggregationRule", RBACV1("AggregationRule"), "Selects the ClusterRoles whose rules "
	  "are aggregated into this one." });

OA_TYPE(t_aggrule, RBACV1("AggregationRule"), "How to build a ClusterRole from others.",
	{ "clusterRoleSelectors", "[]" META("LabelSelector"), "Selectors of the ClusterRoles "
	  "whose rules are aggregated." });

OA_TYPE(t_rule, RBACV1("PolicyRule"), "Actions permitted on resources (or non-resource "
	"URLs).",
	{ "!verbs", "[]string", "Verbs: get, list, watch, create, update, patch, delete, "
	  "deletecollection, or * for all." },
	{ "apiGroups", "[]string", "API groups of the resources; \"\" is the core group." },
	{ "resources", "[]string", "Resources this rule applies to; * for all." },
	{ "resourceNames", "[]string", "An optional white list of names." },
	{ "nonResourceURLs", "[]string", "Partial URLs a user should have access to (cluster "
	  "roles only)." });

OA_TYPE(t_rb, RBACV1("RoleBinding"), "RoleBinding references a role, but does not contain "
	"it; it adds who information via Subjects.",
	TYPEMETA,
	{ "subjects", "[]" RBACV1("Subject"), "The objects the role applies to." },
	{ "!roleRef", RBACV1("RoleRef"), "A Role in the current namespace or a ClusterRole. "
	  "Cannot be updated." });

OA_TYPE(t_crb, RBACV1("ClusterRoleBinding"), "ClusterRoleBinding references a ClusterRole, "
	"but does not contain it.",
	TYPEMETA,
	{ "subjects", "[]" RBACV1("Subject"), "The objects the role applies to." },
	{ "!roleRef", RBACV1("RoleRef"), "A ClusterRole. Cannot be updated." });

OA_TYPE(t_subject, RBACV1("Subject"), "A reference to a user, group or service account.",
	{ "!kind", "string", "User, Group or ServiceAccount." },
	{ "apiGroup", "string", "rbac.authorization.k8s.io for User and Group, \"\" for "
	  "ServiceAccount." },
	{ "!name", "string", "Name of the object being referenced." },
	{ "namespace", "string", "Namespace of a ServiceAccount." });

OA_TYPE(t_roleref, RBACV1("RoleRef"), "The role being referenced.",
	{ "!apiGroup", "string", "rbac.authorization.k8s.io." },
	{ "!kind", "string", "Role or ClusterRole." },
	{ "!name", "string", "Name of the role." });

/* ---- apiextensions.k8s.io/v1 ---- */

OA_TYPE(t_crd, APIEXT("CustomResourceDefinition"), "CustomResourceDefinition represents a "
	"resource that should be exposed on the API server. Its name MUST be in the format "
	"<.spec.name>.<.spec.group>.",
	TYPEMETA,
	{ "!spec", APIEXT("CustomResourceDefinitionSpec"), "The resource to add." },
	{ "status", APIEXT("CustomResourceDefinitionStatus"), "The state of the "
	  "CustomResourceDefinition. " STATUS_RO });

OA_TYPE(t_crdspec, APIEXT("CustomResourceDefinitionSpec"), "How a user wants their resource "
	"to appear.",
	{ "!group", "string", "The API group of the defined custom resource." },
	{ "!names", APIEXT("CustomResourceDefinitionNames"), "The resource and kind names." },
	{ "!scope", "string", "Cluster or Namespaced." },
	{ "!versions", "[]" APIEXT("CustomResourceDefinitionVersion"), "All API versions of the "
	  "defined custom resource; exactly one is the storage version." },
	{ "conversion", APIEXT("CustomResourceConversion"), "How custom resources are "
	  "converted between versions." },
	{ "preserveUnknownFields", "boolean", "Deprecated; must be false in v1." });

OA_TYPE(t_crdconv, APIEXT("CustomResourceConversion"), "How to convert between versions.",
	{ "!strategy", "string", "None or Webhook." },
	{ "webhook", APIEXT("WebhookConversion"), "The webhook, for strategy Webhook." });

OA_TYPE(t_crdwebhook, APIEXT("WebhookConversion"), "A conversion webhook.",
	{ "clientConfig", "object", "How to reach the webhook: {url, service, caBundle}." },
	{ "!conversionReviewVersions", "[]string", "ConversionReview versions the webhook "
	  "understands." });

OA_TYPE(t_crdnames, APIEXT("CustomResourceDefinitionNames"), "The names to serve.",
	{ "!plural", "string", "The plural name of the resource to serve, lowercase." },
	{ "singular", "string", "The singular name of the resource. Defaults to the lowercased "
	  "kind." },
	{ "shortNames", "[]string", "Short names for the resource, as kubectl accepts them." },
	{ "!kind", "string", "The serialized kind of the resource, in CamelCase." },
	{ "listKind", "string", "The serialized kind of the list. Defaults to \"<kind>List\"." },
	{ "categories", "[]string", "Grouped resources this resource belongs to (e.g. 'all')." });

OA_TYPE(t_crdversion, APIEXT("CustomResourceDefinitionVersion"), "A version of a CRD.",
	{ "!name", "string", "The version name, e.g. v1, v2beta1." },
	{ "!served", "boolean", "Whether this version is served via REST APIs." },
	{ "!storage", "boolean", "Whether this version is used when persisting custom "
	  "resources." },
	{ "deprecated", "boolean", "Whether this version is deprecated." },
	{ "deprecationWarning", "string", "A warning returned to API clients." },
	{ "schema", "object", "The schema used for validation, pruning, and defaulting: "
	  "{openAPIV3Schema}." },
	{ "subresources", "object", "The subresources this version has: {status, scale}." },
	{ "additionalPrinterColumns", "[]object", "Extra columns of kubectl get: {name, type, "
	  "jsonPath, priority, description, format}." },
	{ "selectableFields", "[]object", "Fields that may be used as field selectors." });

OA_TYPE(t_crdstatus, APIEXT("CustomResourceDefinitionStatus"), "The state of a CRD.",
	{ "conditions", "[]object", "Conditions: Established, NamesAccepted, ..." },
	{ "acceptedNames", APIEXT("CustomResourceDefinitionNames"), "The names actually being "
	  "used to serve discovery." },
	{ "storedVersions", "[]string", "All versions of this resource that were ever "
	  "persisted." });

/* ---- policy, scheduling ---- */

OA_TYPE(t_pdb, "io.k8s.api.policy.v1.PodDisruptionBudget", "PodDisruptionBudget limits how "
	"many pods of a collection may be down at once through voluntary disruptions.",
	TYPEMETA,
	{ "spec", "io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "The desired disruption budget." },
	{ "status", "io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "The observed budget." });

OA_TYPE(t_pdbspec, "io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "What a disruption budget "
	"protects and how much.",
	{ "minAvailable", INTSTR, "Pods that must stay available (a number or a percentage)." },
	{ "maxUnavailable", INTSTR, "Pods that may be unavailable (a number or a percentage)." },
	{ "selector", META("LabelSelector"), "The pods the budget covers." },
	{ "unhealthyPodEvictionPolicy", "string", "IfHealthyBudget or AlwaysAllow." });

OA_TYPE(t_pdbstatus, "io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "The state of a "
	"disruption budget.",
	{ "currentHealthy", "integer", "Healthy pods now." },
	{ "desiredHealthy", "integer", "Healthy pods wanted." },
	{ "disruptionsAllowed", "integer", "Disruptions allowed now." },
	{ "expectedPods", "integer", "Pods the budget counts." },
	{ "observedGeneration", "integer", "The generation last acted on." },
	{ "conditions", "[]" META("Condition") "@type", "The latest observations of the budget." });

OA_TYPE(t_priorityclass, "io.k8s.api.scheduling.v1.PriorityClass", "PriorityClass maps a "
	"priority class name to an integer priority.",
	TYPEMETA,
	{ "!value", "integer", "The priority pods of this class get." },
	{ "globalDefault", "boolean", "Whether pods without a class get this one." },
	{ "description", "string", "When to use this class." },
	{ "preemptionPolicy", "string", "Never or PreemptLowerPriority." });

OA_TYPE(t_runtimeclass, "io.k8s.api.node.v1.RuntimeClass", "RuntimeClass names a sandbox kind pods "
	"may ask for with spec.runtimeClassName: atoll-vm (a KVM micro-VM) or atoll-namespace.",
	TYPEMETA,
	{ "!handler", "string", "The sandbox kind of the node: vm or namespace." },
	{ "overhead", "io.k8s.api.node.v1.Overhead", "Resources the sandbox itself uses, added to the pod's." },
	{ "scheduling", "io.k8s.api.node.v1.Scheduling", "Which nodes support this class." });

OA_TYPE(t_rcoverhead, "io.k8s.api.node.v1.Overhead", "The resource overhead of a pod's sandbox.",
	{ "podFixed", "map:string", "Fixed resources per pod (cpu, memory)." });

OA_TYPE(t_rcscheduling, "io.k8s.api.node.v1.Scheduling", "Where pods of a RuntimeClass may run.",
	{ "nodeSelector", "map:string", "Labels nodes supporting the class carry; merged into the pod's." },
	{ "tolerations", "[]io.k8s.api.core.v1.Toleration", "Tolerations added to the pod." });

/* ---- the embedded registry's read-only view ---- */

OA_TYPE(t_image, "io.k8s.api.core.v1.Image", "Image is a repository of the namespace's registry project "
	"(read-only; written by the registry).",
	TYPEMETA,
	{ "spec", "io.k8s.api.core.v1.ImageSpec", "Which repository." },
	{ "status", "io.k8s.api.core.v1.ImageStatus", "Its tags, manifests and size." });

OA_TYPE(t_imagespec, "io.k8s.api.core.v1.ImageSpec", "Which repository an Image shows.",
	{ "repository", "string", "The repository, <namespace>/<name>." });

OA_TYPE(t_imagestatus, "io.k8s.api.core.v1.ImageStatus", "What a repository holds.",
	{ "tags", "[]io.k8s.api.core.v1.ImageTag", "Tags and the digests they point to." },
	{ "manifests", "integer", "Number of manifests." },
	{ "size", "integer", "Bytes of the blobs it references." });

OA_TYPE(t_imagetag, "io.k8s.api.core.v1.ImageTag", "A tag of a repository.",
	{ "name", "string", "The tag." },
	{ "digest", "string", "The manifest digest it points to." });

/* ---- metrics.k8s.io, from the agents' reports ---- */

OA_TYPE(t_nodemetrics, "io.k8s.api.metrics.v1beta1.NodeMetrics", "NodeMetrics is a node's resource usage "
	"(read-only; reported by its agent).",
	TYPEMETA,
	{ "timestamp", "string", "When the sample was taken." },
	{ "window", "string", "The interval the CPU rate was measured over." },
	{ "usage", "map:string", "cpu (nanocores) and memory (working set)." });

OA_TYPE(t_podmetrics, "io.k8s.api.metrics.v1beta1.PodMetrics", "PodMetrics is the resource usage of a pod's "
	"containers (read-only; reported by its node's agent).",
	TYPEMETA,
	{ "timestamp", "string", "When the sample was taken." },
	{ "window", "string", "The interval the CPU rate was measured over." },
	{ "containers", "[]io.k8s.api.metrics.v1beta1.ContainerMetrics", "One entry per running container." });

OA_TYPE(t_ctrmetrics, "io.k8s.api.metrics.v1beta1.ContainerMetrics", "A container's resource usage.",
	{ "name", "string", "The container's name." },
	{ "usage", "map:string", "cpu (nanocores) and memory (working set)." });

const struct oa_type *const oa_types_more[] = {
	&t_deploy, &t_deployspec, &t_deploystrategy, &t_rollingdeploy, &t_deploystatus,
	&t_deploycond, &t_rs, &t_rsspec, &t_rsstatus, &t_rscond, &t_sts, &t_stsspec,
	&t_stsstrategy, &t_stsrolling, &t_stsstatus, &t_stscond, &t_ds, &t_dsspec, &t_dsstrategy,
	&t_dsrolling, &t_dsstatus, &t_dscond, &t_job, &t_jobspec, &t_jobstatus, &t_jobcond,
	&t_podfailure, &t_successpolicy, &t_slicehints, &t_ingbackend, &t_ingsvc, &t_ingport,
	&t_aggrule, &t_crdconv, &t_crdwebhook, &t_cronjob, &t_cronspec, &t_jobtemplate, &t_cronstatus, &t_lease, &t_leasespec, &t_slice,
	&t_sliceep, &t_sliceport, &t_event2, &t_sc, &t_netpol, &t_netpolspec, &t_ingress,
	&t_ingspec, &t_ingstatus, &t_role, &t_crole, &t_rule, &t_rb, &t_crb, &t_subject,
	&t_roleref, &t_crd, &t_crdspec, &t_crdnames, &t_crdversion, &t_crdstatus, &t_pdb,
	&t_pdbspec, &t_pdbstatus, &t_priorityclass, &t_runtimeclass, &t_rcoverhead, &t_rcscheduling, &t_image, &t_imagespec, &t_imagestatus, &t_imagetag,
	&t_nodemetrics, &t_podmetrics, &t_ctrmetrics,
	NULL,
};
