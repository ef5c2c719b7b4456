/* SPDX-License-Identifier: Apache-2.0 */
/* Schema table: core/v1 kinds other than Pod. */
#include "api/openapi_types.h"

#define STATUS_RO "Read-only; written by the system."

OA_TYPE(t_namespace, CORE("Namespace"), "Namespace provides a scope for Names. Use of "
	"multiple namespaces is optional.",
	TYPEMETA,
	{ "spec", CORE("NamespaceSpec"), "Spec defines the behavior of the Namespace." },
	{ "status", CORE("NamespaceStatus"), "Status describes the current status of a "
	  "Namespace. " STATUS_RO });

OA_TYPE(t_nsspec, CORE("NamespaceSpec"), "NamespaceSpec describes the attributes on a "
	"Namespace.",
	{ "finalizers", "[]string", "Finalizers must be empty before the namespace is removed "
	  "from storage." });

OA_TYPE(t_nsstatus, CORE("NamespaceStatus"), "NamespaceStatus is information about the "
	"current status of a Namespace.",
	{ "phase", "string", "Active or Terminating." },
	{ "conditions", "[]" CORE("NamespaceCondition") "@type", "The latest available "
	  "observations of the namespace's state." });

OA_TYPE(t_nscond, CORE("NamespaceCondition"), "The state of a namespace in one aspect.",
	{ "!type", "string", "Type of namespace controller condition." },
	{ "!status", "string", "True, False or Unknown." },
	{ "lastTransitionTime", TIME, "Last time the condition transitioned." },
	{ "reason", "string", "Reason of the last transition." },
	{ "message", "string", "Details of the last transition." });

OA_TYPE(t_service, CORE("Service"), "Service is a named abstraction of software service "
	"(for example, mysql) consisting of local port (for example 3306) that the proxy listens "
	"on, and the selector that determines which pods will answer requests sent through the "
	"proxy.",
	TYPEMETA,
	{ "spec", CORE("ServiceSpec"), "Spec defines the behavior of a service." },
	{ "status", CORE("ServiceStatus"), "Most recently observed status of the service. "
	  STATUS_RO });

OA_TYPE(t_svcspec, CORE("ServiceSpec"), "ServiceSpec describes the attributes that a user "
	"creates on a service.",
	{ "ports", "[]" CORE("ServicePort") "@port", "The list of ports that are exposed by this "
	  "service." },
	{ "selector", "map:string", "Route service traffic to pods with label keys and values "
	  "matching this selector." },
	{ "clusterIP", "string", "The IP address of the service, usually assigned randomly; "
	  "\"None\" makes a headless service. Cannot be changed once set." },
	{ "clusterIPs", "[]string", "IP addresses assigned to this service, clusterIP first." },
	{ "type", "string", "How the Service is exposed: ClusterIP, ExternalName, NodePort or "
	  "LoadBalancer. Defaults to ClusterIP." },
	{ "externalIPs", "[]string", "IP addresses for which nodes also accept traffic for "
	  "this service." },
	{ "sessionAffinity", "string", "ClientIP or None. Defaults to None." },
	{ "loadBalancerIP", "string", "Deprecated: the IP requested from the load balancer." },
	{ "loadBalancerSourceRanges", "[]string", "Client IP ranges allowed through the load "
	  "balancer." },
	{ "externalName", "string", "The DNS name this service is an alias of, for type "
	  "ExternalName." },
	{ "externalTrafficPolicy", "string", "Cluster or Local: how traffic from external "
	  "sources is routed." },
	{ "healthCheckNodePort", "integer", "The healthcheck nodePort for the service." },
	{ "publishNotReadyAddresses", "boolean", "Publish addresses of pods that are not "
	  "ready." },
	{ "sessionAffinityConfig", CORE("SessionAffinityConfig"), "The configurations of "
	  "session affinity." },
	{ "ipFamilies", "[]string", "IPv4 and/or IPv6, in the order of clusterIPs." },
	{ "ipFamilyPolicy", "string", "SingleStack, PreferDualStack or RequireDualStack." },
	{ "allocateLoadBalancerNodePorts", "boolean", "Whether NodePorts are allocated for a "
	  "LoadBalancer service. Defaults to true." },
	{ "loadBalancerClass", "string", "The class of the load balancer implementation." },
	{ "internalTrafficPolicy", "string", "Cluster or Local: how traffic from cluster "
	  "sources is routed." },
	{ "trafficDistribution", "string", "A preference for how traffic is distributed to "
	  "endpoints." });

OA_TYPE(t_affconfig, CORE("SessionAffinityConfig"), "The configurations of session "
	"affinity.",
	{ "clientIP", CORE("ClientIPConfig"), "The configurations of ClientIP based session "
	  "affinity." });

OA_TYPE(t_clientip, CORE("ClientIPConfig"), "The configurations of ClientIP based session "
	"affinity.",
	{ "timeoutSeconds", "integer", "The seconds of ClientIP type session sticky time. "
	  "Default 10800 (3 hours)." });

OA_TYPE(t_svcport, CORE("ServicePort"), "ServicePort contains information on service's port.",
	{ "name", "string", "The name of this port within the service; required when there is "
	  "more than one port." },
	{ "protocol", "string", "TCP, UDP, or SCTP. Default is TCP." },
	{ "appProtocol", "string", "The application protocol for this port." },
	{ "!port", "integer", "The port that will be exposed by this service." },
	{ "targetPort", INTSTR, "Number or name of the port to access on the pods targeted by "
	  "the service. Defaults to port." },
	{ "nodePort", "integer", "The port on each node on which this service is exposed, for "
	  "NodePort and LoadBalancer types." });

OA_TYPE(t_svcstatus, CORE("ServiceStatus"), "ServiceStatus represents the current status of "
	"a service.",
	{ "loadBalancer", CORE("LoadBalancerStatus"), "The current status of the load-balancer, "
	  "if one is present." },
	{ "conditions", "[]" META("Condition") "@type", "Current service state." });

OA_TYPE(t_lbstatus, CORE("LoadBalancerStatus"), "The status of a load-balancer.",
	{ "ingress", "[]" CORE("LoadBalancerIngress"), "The ingress points of the load "
	  "balancer." });

OA_TYPE(t_lbingress, CORE("LoadBalancerIngress"), "An ingress point of a load balancer.",
	{ "ip", "string", "IP of the ingress point." },
	{ "hostname", "string", "Hostname of the ingress point." },
	{ "ipMode", "string", "VIP or Proxy." },
	{ "ports", "[]object", "Records of service ports." });

OA_TYPE(t_endpoints, CORE("Endpoints"), "Endpoints is a collection of endpoints that "
	"implement the actual service.",
	TYPEMETA,
	{ "subsets", "[]" CORE("EndpointSubset"), "The sets of addresses and ports that "
	  "comprise a service." });

OA_TYPE(t_epsubset, CORE("EndpointSubset"), "A group of addresses with a common set of ports.",
	{ "addresses", "[]" CORE("EndpointAddress"), "IP addresses which offer the related "
	  "ports that are marked as ready." },
	{ "notReadyAddresses", "[]" CORE("EndpointAddress"), "IP addresses which offer the "
	  "related ports but are not currently marked as ready." },
	{ "ports", "[]" CORE("EndpointPort"), "Port numbers available on the related IP "
	  "addresses." });

OA_TYPE(t_epaddr, CORE("EndpointAddress"), "A single IP address.",
	{ "!ip", "string", "The IP of this endpoint." },
	{ "hostname", "string", "The Hostname of this endpoint." },
	{ "nodeName", "string", "The node hosting this endpoint." },
	{ "targetRef", CORE("ObjectReference"), "Reference to object providing the endpoint." });

OA_TYPE(t_epport, CORE("EndpointPort"), "A port of an endpoint.",
	{ "name", "string", "The name of this port; must match ServicePort.name." },
	{ "!port", "integer", "The port number of the endpoint." },
	{ "protocol", "string", "TCP, UDP, or SCTP. Default is TCP." },
	{ "appProtocol", "string", "The application protocol for this port." });

OA_TYPE(t_objref, CORE("ObjectReference"), "A reference to an object.",
	{ "kind", "string", "Kind of the referent." },
	{ "namespace", "string", "Namespace of the referent." },
	{ "name", "string", "Name of the referent." },
	{ "uid", "string", "UID of the referent." },
	{ "apiVersion", "string", "API version of the referent." },
	{ "resourceVersion", "string", "Specific resourceVersion to which this reference is "
	  "made, if any." },
	{ "fieldPath", "string", "A piece of the object, such as spec.containers{name}." });

OA_TYPE(t_configmap, CORE("ConfigMap"), "ConfigMap holds configuration data for pods to "
	"consume.",
	TYPEMETA,
	{ "immutable", "boolean", "If true, data cannot be updated; only object metadata can "
	  "be modified." },
	{ "data", "map:string", "Configuration data. Keys must consist of alphanumeric "
	  "characters, '-', '_' or '.'." },
	{ "binaryData", "map:byte", "Binary data, base64-encoded. Keys must not overlap those "
	  "of data." });

OA_TYPE(t_secret, CORE("Secret"), "Secret holds secret data of a certain type. The total "
	"bytes of the values in the Data field must be less than 1 MiB.",
	TYPEMETA,
	{ "immutable", "boolean", "If true, data cannot be updated; only object metadata can "
	  "be modified." },
	{ "data", "map:byte", "Secret data, base64-encoded. Keys must consist of alphanumeric "
	  "characters, '-', '_' or '.'." },
	{ "stringData", "map:string", "Write-only convenience: non-binary secret data merged "
	  "into data on write." },
	{ "type", "string", "Used to facilitate programmatic handling of secret data. Defaults "
	  "to Opaque." });

OA_TYPE(t_sa, CORE("ServiceAccount"), "ServiceAccount binds together a name understood by "
	"users and other systems, a principal that can be authenticated and authorized, and a "
	"set of secrets.",
	TYPEMETA,
	{ "secrets", "[]" CORE("ObjectReference") "@name", "Secrets in the same namespace that "
	  "pods running using this ServiceAccount are allowed to use." },
	{ "imagePullSecrets", "[]" CORE("LocalObjectReference"), "Secrets used to pull images "
	  "for pods that reference this ServiceAccount." },
	{ "automountServiceAccountToken", "boolean", "Whether pods running as this service "
	  "account should have an API token automatically mounted." });

OA_TYPE(t_node, CORE("Node"), "Node is a worker node in Kubernetes.",
	TYPEMETA,
	{ "spec", CORE("NodeSpec"), "Spec defines the behavior of a node." },
	{ "status", CORE("NodeStatus"), "Most recently observed status of the node. " STATUS_RO });

OA_TYPE(t_nodespec, CORE("NodeSpec"), "NodeSpec describes the attributes that a node is "
	"created with.",
	{ "podCIDR", "string", "The pod IP range assigned to the node." },
	{ "podCIDRs", "[]string", "The IP ranges assigned to the node for pods." },
	{ "providerID", "string", "ID of the node assigned by the cloud provider." },
	{ "unschedulable", "boolean", "Controls node schedulability of new pods." },
	{ "taints", "[]" CORE("Taint"), "If specified, the node's taints." },
	{ "configSource", "object", "Deprecated: dynamic kubelet configuration." },
	{ "externalID", "string", "Deprecated." });

OA_TYPE(t_taint, CORE("Taint"), "A taint repels pods that do not tolerate it.",
	{ "!key", "string", "The taint key to be applied to a node." },
	{ "value", "string", "The taint value corresponding to the taint key." },
	{ "!effect", "string", "NoSchedule, PreferNoSchedule or NoExecute." },
	{ "timeAdded", TIME, "When the taint was added (NoExecute only)." });

OA_TYPE(t_nodestatus, CORE("NodeStatus"), "NodeStatus is information about the current "
	"status of a node.",
	{ "capacity", "map:" QUANTITY, "The total resources of the node." },
	{ "allocatable", "map:" QUANTITY, "The resources of a node available for scheduling." },
	{ "phase", "string", "Deprecated." },
	{ "conditions", "[]" CORE("NodeCondition") "@type", "Current observed node "
	  "conditions." },
	{ "addresses", "[]" CORE("NodeAddress") "@type", "Addresses reachable to the node." },
	{ "daemonEndpoints", "object", "Endpoints of daemons running on the node." },
	{ "nodeInfo", CORE("NodeSystemInfo"), "General information about the node." },
	{ "images", "[]object", "Container images on this node." });

OA_TYPE(t_nodecond, CORE("NodeCondition"), "The condition of a node in one aspect.",
	{ "!type", "string", "Ready, MemoryPressure, DiskPressure, PIDPressure, ..." },
	{ "!status", "string", "True, False or Unknown." },
	{ "lastHeartbeatTime", TIME, "Last time we got an update on a given condition." },
	{ "lastTransitionTime", TIME, "Last time the condition transitioned." },
	{ "reason", "string", "Reason of the last transition." },
	{ "message", "string", "Details of the last transition." });

OA_TYPE(t_nodeaddr, CORE("NodeAddress"), "An address of a node.",
	{ "!type", "string", "Hostname, ExternalIP or InternalIP." },
	{ "!address", "string", "The node address." });

OA_TYPE(t_nodeinfo, CORE("NodeSystemInfo"), "A set of ids/uuids to uniquely identify the "
	"node.",
	{ "machineID", "string", "MachineID reported by the node." },
	{ "systemUUID", "string", "SystemUUID reported by the node." },
	{ "bootID", "string", "Boot ID reported by the node." },
	{ "kernelVersion", "string", "Kernel Version reported by the node (uname -r)." },
	{ "osImage", "string", "OS Image reported by the node from /etc/os-release." },
	{ "containerRuntimeVersion", "string", "Container runtime version reported by the "
	  "node." },
	{ "kubeletVersion", "string", "Kubelet Version reported by the node." },
	{ "kubeProxyVersion", "string", "Deprecated." },
	{ "operatingSystem", "string", "The Operating System reported by the node." },
	{ "architecture", "string", "The Architecture reported by the node." });

OA_TYPE(t_event, CORE("Event"), "Event is a report of an event somewhere in the cluster.",
	TYPEMETA,
	{ "!involvedObject", CORE("ObjectReference"), "The object that this event is about." },
	{ "reason", "string", "Short, machine understandable string that gives the reason for "
	  "the transition into the object's current status." },
	{ "message", "string", "A human-readable description of the status of this operation." },
	{ "source", CORE("EventSource"), "The component reporting this event." },
	{ "firstTimestamp", TIME, "The time at which the event was first recorded." },
	{ "lastTimestamp", TIME, "The time at which the most recent occurrence of this event "
	  "was recorded." },
	{ "count", "integer", "The number of times this event has occurred." },
	{ "type", "string", "Normal or Warning." },
	{ "eventTime", META("MicroTime"), "Time when this Event was first observed." },
	{ "series", CORE("EventSeries"), "Data about the Event series this event represents." },
	{ "action", "string", "What action was taken/failed regarding to the Regarding object." },
	{ "related", CORE("ObjectReference"), "Optional secondary object for more complex "
	  "actions." },
	{ "reportingComponent", "string", "Name of the controller that emitted this Event." },
	{ "reportingInstance", "string", "ID of the controller instance." });

OA_TYPE(t_eventsource, CORE("EventSource"), "Contains information for an event.",
	{ "component", "string", "Component from which the event is generated." },
	{ "host", "string", "Node name on which the event is generated." });

OA_TYPE(t_eventseries, CORE("EventSeries"), "Information on series of events.",
	{ "count", "integer", "Number of occurrences in this series up to the last heartbeat "
	  "time." },
	{ "lastObservedTime", META("MicroTime"), "Time of the last occurrence observed." });

OA_TYPE(t_pv, CORE("PersistentVolume"), "PersistentVolume (PV) is a storage resource "
	"provisioned by an administrator.",
	TYPEMETA,
	{ "spec", CORE("PersistentVolumeSpec"), "The characteristics of the volume." },
	{ "status", CORE("PersistentVolumeStatus"), "The current state of the volume. "
	  STATUS_RO });

OA_TYPE(t_pvspec, CORE("PersistentVolumeSpec"), "The specification of a persistent volume.",
	{ "capacity", "map:" QUANTITY, "The volume's resources and capacity: storage." },
	{ "accessModes", "[]string", "All ways the volume can be mounted: ReadWriteOnce, "
	  "ReadOnlyMany, ReadWriteMany, ReadWriteOncePod." },
	{ "claimRef", CORE("ObjectReference"), "The claim bound to this volume." },
	{ "persistentVolumeReclaimPolicy", "string", "What happens to the volume when released "
	  "from its claim: Retain, Delete or Recycle." },
	{ "storageClassName", "string", "The StorageClass this volume belongs to." },
	{ "mountOptions", "[]string", "Mount options, e.g. [\"ro\", \"soft\"]." },
	{ "volumeMode", "string", "Filesystem or Block. Defaults to Filesystem." },
	{ "nodeAffinity", CORE("VolumeNodeAffinity"), "Constraints on the nodes this volume "
	  "can be accessed from." },
	{ "volumeAttributesClassName", "string", "The VolumeAttributesClass of this volume." },
	{ "hostPath", CORE("HostPathVolumeSource"), "A directory on the host." },
	{ "local", "object", "Directly-attached storage with node affinity: {path}." },
	{ "nfs", "object", "An NFS mount on the host." },
	{ "csi", CORE("CSIPersistentVolumeSource"), "A volume of an external CSI driver." },
	LEGACY_VOLUMES);

OA_TYPE(t_volaff, CORE("VolumeNodeAffinity"), "The nodes a volume can be accessed from.",
	{ "required", CORE("NodeSelector"), "Nodes the volume can be accessed from." });

OA_TYPE(t_csipv, CORE("CSIPersistentVolumeSource"), "A volume of an external CSI driver.",
	{ "!driver", "string", "The name of the driver to use for this volume." },
	{ "!volumeHandle", "string", "The unique volume name returned by the driver." },
	{ "readOnly", "boolean", "Mount read-only." },
	{ "fsType", "string", "Filesystem type to mount." },
	{ "volumeAttributes", "map:string", "Driver-specific properties." },
	{ "controllerPublishSecretRef", "object", "A secret: {name, namespace}." },
	{ "nodeStageSecretRef", "object", "A secret: {name, namespace}." },
	{ "nodePublishSecretRef", "object", "A secret: {name, namespace}." },
	{ "controllerExpandSecretRef", "object", "A secret: {name, namespace}." },
	{ "nodeExpandSecretRef", "object", "A secret: {name, namespace}." });

OA_TYPE(t_pvstatus, CORE("PersistentVolumeStatus"), "The current status of a persistent "
	"volume.",
	{ "phase", "string", "Pending, Available, Bound, Released or Failed." },
	{ "message", "string", "Why the volume is in this state." },
	{ "reason", "string", "A brief CamelCase string describing any failure." },
	{ "lastPhaseTransitionTime", TIME, "When the volume last changed phase." });

OA_TYPE(t_pvc, CORE("PersistentVolumeClaim"), "PersistentVolumeClaim is a user's request for "
	"and claim to a persistent volume.",
	TYPEMETA,
	{ "spec", CORE("PersistentVolumeClaimSpec"), "The desired characteristics of a volume "
	  "requested by a pod author." },
	{ "status", CORE("PersistentVolumeClaimStatus"), "The current status of the claim. "
	  STATUS_RO });

OA_TYPE(t_pvcspec, CORE("PersistentVolumeClaimSpec"), "The common attributes of storage "
	"devices, allowing a source for provider-specific attributes.",
	{ "accessModes", "[]string", "The desired access modes the volume should have." },
	{ "selector", META("LabelSelector"), "A label query over volumes to consider for "
	  "binding." },
	{ "resources", CORE("VolumeResourceRequirements"), "The minimum resources the volume "
	  "should have: requests.storage." },
	{ "volumeName", "string", "The binding reference to the PersistentVolume backing this "
	  "claim." },
	{ "storageClassName", "string", "The name of the StorageClass required by the claim." },
	{ "volumeMode", "string", "Filesystem or Block. Defaults to Filesystem." },
	{ "dataSource", "object", "An existing VolumeSnapshot or PVC to populate the volume "
	  "from." },
	{ "dataSourceRef", "object", "The object from which to populate the volume with data." },
	{ "volumeAttributesClassName", "string", "The VolumeAttributesClass used by this "
	  "claim." });

OA_TYPE(t_volres, CORE("VolumeResourceRequirements"), "The storage resource requirements of "
	"a volume.",
	{ "limits", "map:" QUANTITY, "The maximum amount of resources allowed." },
	{ "requests", "map:" QUANTITY, "The minimum amount of resources required." });

OA_TYPE(t_pvcstatus, CORE("PersistentVolumeClaimStatus"), "The current status of a claim.",
	{ "phase", "string", "Pending, Bound or Lost." },
	{ "accessModes", "[]string", "The actual access modes the volume backing the PVC has." },
	{ "capacity", "map:" QUANTITY, "The actual resources of the underlying volume." },
	{ "conditions", "[]" CORE("PersistentVolumeClaimCondition") "@type", "The current "
	  "conditions of the claim." });

OA_TYPE(t_pvccond, CORE("PersistentVolumeClaimCondition"), "The state of a claim in one "
	"aspect.",
	{ "!type", "string", "Resizing, FileSystemResizePending, ..." },
	{ "!status", "string", "True, False or Unknown." },
	{ "lastProbeTime", TIME, "Last time we probed the condition." },
	{ "lastTransitionTime", TIME, "Last time the condition transitioned." },
	{ "reason", "string", "Reason of the last transition." },
	{ "message", "string", "Details of the last transition." });

OA_TYPE(t_quota, CORE("ResourceQuota"), "ResourceQuota sets aggregate quota restrictions "
	"enforced per namespace.",
	TYPEMETA,
	{ "spec", CORE("ResourceQuotaSpec"), "The desired quota." },
	{ "status", CORE("ResourceQuotaStatus"), "The actual enforced quota and its current "
	  "usage. " STATUS_RO });

OA_TYPE(t_quotaspec, CORE("ResourceQuotaSpec"), "The desired hard limits to enforce for "
	"Quota.",
	{ "hard", "map:" QUANTITY, "The hard limits per named resource: requests.cpu, "
	  "limits.memory, pods, count/deployments.apps, ..." },
	{ "scopes", "[]string", "Filters: the quota only tracks objects matching all scopes." },
	{ "scopeSelector", CORE("ScopeSelector"), "A finer filter over the tracked objects." });

OA_TYPE(t_scopesel, CORE("ScopeSelector"), "A selector of quota scopes.",
	{ "matchExpressions", "[]object", "Scope requirements: {scopeName, operator, "
	  "values}." });

OA_TYPE(t_quotastatus, CORE("ResourceQuotaStatus"), "The enforced hard limits and observed "
	"use.",
	{ "hard", "map:" QUANTITY, "The enforced hard limits per named resource." },
	{ "used", "map:" QUANTITY, "The current observed total usage of the resource in the "
	  "namespace." });

OA_TYPE(t_limitrange, CORE("LimitRange"), "LimitRange sets resource usage limits for each "
	"kind of resource in a Namespace.",
	TYPEMETA,
	{ "spec", CORE("LimitRangeSpec"), "The limits enforced." });

OA_TYPE(t_lrspec, CORE("LimitRangeSpec"), "A min/max usage limit for resources that match "
	"on kind.",
	{ "!limits", "[]" CORE("LimitRangeItem"), "The list of LimitRangeItem objects that are "
	  "enforced." });

OA_TYPE(t_lritem, CORE("LimitRangeItem"), "A min/max usage limit for any resource that "
	"matches on kind.",
	{ "!type", "string", "Type of resource that this limit applies to: Container, Pod or "
	  "PersistentVolumeClaim." },
	{ "max", "map:" QUANTITY, "Max usage constraints on this kind by resource name." },
	{ "min", "map:" QUANTITY, "Min usage constraints on this kind by resource name." },
	{ "default", "map:" QUANTITY, "Default resource limits applied when omitted." },
	{ "defaultRequest", "map:" QUANTITY, "Default resource requests applied when omitted." },
	{ "maxLimitRequestRatio", "map:" QUANTITY, "The max ratio of limit to request." });

const struct oa_type *const oa_types_core[] = {
	&t_namespace, &t_nsspec, &t_nsstatus, &t_nscond, &t_service, &t_svcspec, &t_svcport,
	&t_affconfig, &t_clientip, &t_volaff, &t_csipv, &t_scopesel, &t_svcstatus, &t_lbstatus, &t_lbingress, &t_endpoints, &t_epsubset, &t_epaddr, &t_epport,
	&t_objref, &t_configmap, &t_secret, &t_sa, &t_node, &t_nodespec, &t_taint, &t_nodestatus,
	&t_nodecond, &t_nodeaddr, &t_nodeinfo, &t_event, &t_eventsource, &t_eventseries, &t_pv,
	&t_pvspec, &t_pvstatus, &t_pvc, &t_pvcspec, &t_volres, &t_pvcstatus, &t_pvccond, &t_quota,
	&t_quotaspec, &t_quotastatus, &t_limitrange, &t_lrspec, &t_lritem, NULL,
};
