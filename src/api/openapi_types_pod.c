/* SPDX-License-Identifier: Apache-2.0 */
/* Schema table: Pod, its spec, containers, volumes and status (shared by every pod template). */
#include "api/openapi_types.h"

OA_TYPE(t_pod, CORE("Pod"), "Pod is a collection of containers that can run on a host. This "
	"resource is created by clients and scheduled onto hosts.",
	TYPEMETA,
	{ "spec", CORE("PodSpec"), "Specification of the desired behavior of the pod." },
	{ "status", CORE("PodStatus"), "Most recently observed status of the pod. Read-only." });

OA_TYPE(t_template, CORE("PodTemplateSpec"), "PodTemplateSpec describes the data a pod "
	"should have when created from a template.",
	F_METADATA,
	{ "spec", CORE("PodSpec"), "Specification of the desired behavior of the pod." });

OA_TYPE(t_podspec, CORE("PodSpec"), "PodSpec is a description of a pod.",
	{ "volumes", "[]" CORE("Volume") "@name", "List of volumes that can be mounted by "
	  "containers belonging to the pod." },
	{ "initContainers", "[]" CORE("Container") "@name", "Containers run in order before the "
	  "app containers start; each must exit successfully before the next starts." },
	{ "!containers", "[]" CORE("Container") "@name", "List of containers belonging to the "
	  "pod. There must be at least one container in a Pod. Cannot be updated." },
	{ "ephemeralContainers", "[]" CORE("EphemeralContainer") "@name", "Containers run in an existing "
	  "pod for user-initiated actions such as debugging." },
	{ "restartPolicy", "string", "Restart policy for all containers within the pod: Always, "
	  "OnFailure or Never. Default to Always." },
	{ "terminationGracePeriodSeconds", "int64", "Seconds the pod needs to terminate "
	  "gracefully. Defaults to 30 seconds." },
	{ "activeDeadlineSeconds", "int64", "Seconds the pod may be active on the node before "
	  "the system actively tries to mark it failed and kill its containers." },
	{ "dnsPolicy", "string", "DNS policy for the pod: ClusterFirstWithHostNet, "
	  "ClusterFirst, Default or None. Defaults to ClusterFirst." },
	{ "nodeSelector", "map:string", "A selector which must be true for the pod to fit on a "
	  "node." },
	{ "serviceAccountName", "string", "Name of the ServiceAccount to use to run this pod." },
	{ "serviceAccount", "string", "Deprecated alias for serviceAccountName." },
	{ "automountServiceAccountToken", "boolean", "Whether a service account token should "
	  "be automatically mounted." },
	{ "nodeName", "string", "A request to schedule this pod onto a specific node." },
	{ "hostNetwork", "boolean", "Host networking requested for this pod." },
	{ "hostPID", "boolean", "Use the host's pid namespace." },
	{ "hostIPC", "boolean", "Use the host's ipc namespace." },
	{ "shareProcessNamespace", "boolean", "Share a single process namespace between all of "
	  "the containers in a pod." },
	{ "securityContext", CORE("PodSecurityContext"), "Pod-level security attributes and "
	  "common container settings." },
	{ "imagePullSecrets", "[]" CORE("LocalObjectReference") "@name", "References to secrets "
	  "in the same namespace to use for pulling any of the images used by this pod." },
	{ "hostname", "string", "Specifies the hostname of the Pod." },
	{ "subdomain", "string", "The pod's fully qualified hostname is "
	  "<hostname>.<subdomain>.<namespace>.svc.<cluster domain>." },
	{ "affinity", CORE("Affinity"), "The pod's scheduling constraints." },
	{ "schedulerName", "string", "The scheduler that dispatches the pod." },
	{ "tolerations", "[]" CORE("Toleration"), "The pod's tolerations." },
	{ "hostAliases", "[]" CORE("HostAlias") "@ip", "Hosts and IPs injected into the pod's "
	  "hosts file." },
	{ "priorityClassName", "string", "The pod's priority class." },
	{ "priority", "integer", "The priority value, from the priority class." },
	{ "preemptionPolicy", "string", "Never or PreemptLowerPriority." },
	{ "dnsConfig", CORE("PodDNSConfig"), "DNS parameters of a pod, merged with those "
	  "generated from dnsPolicy." },
	{ "readinessGates", "[]" CORE("PodReadinessGate"), "Additional conditions evaluated for "
	  "pod readiness." },
	{ "runtimeClassName", "string", "The RuntimeClass used to run this pod: atoll-vm or "
	  "atoll-namespace on Atoll." },
	{ "enableServiceLinks", "boolean", "Whether information about services should be "
	  "injected into the pod's environment variables. Defaults to true." },
	{ "overhead", "map:" QUANTITY, "Resource overhead of running the pod sandbox." },
	{ "topologySpreadConstraints", "[]" CORE("TopologySpreadConstraint") "@topologyKey",
	  "How a group of pods ought to spread across topology domains." },
	{ "os", "object", "The OS of the containers in the pod: {name: linux}." },
	{ "hostUsers", "boolean", "Use the host's user namespace; false gives the pod its own." },
	{ "setHostnameAsFQDN", "boolean", "The pod's hostname is its fully qualified domain "
	  "name." },
	{ "resources", CORE("ResourceRequirements"), "Pod-level resource requirements." },
	{ "schedulingGates", "[]" CORE("LocalObjectReference") "@name", "Gates that block "
	  "scheduling the pod while present." },
	{ "resourceClaims", "[]object@name", "Dynamic resources this pod uses: {name, "
	  "resourceClaimName}." });

/* The fields of a container, shared by Container and EphemeralContainer. */
#define CONTAINER_FIELDS \
	{ "!name", "string", "Name of the container specified as a DNS_LABEL. Each container " \
	  "in a pod must have a unique name. Cannot be updated." }, \
	{ "image", "string", "Container image name." }, \
	{ "command", "[]string", "Entrypoint array. Not executed within a shell. The image's " \
	  "ENTRYPOINT is used if this is not provided." }, \
	{ "args", "[]string", "Arguments to the entrypoint. The image's CMD is used if this is " \
	  "not provided." }, \
	{ "workingDir", "string", "Container's working directory." }, \
	{ "ports", "[]" CORE("ContainerPort") "@containerPort", "List of ports to expose from " \
	  "the container." }, \
	{ "envFrom", "[]" CORE("EnvFromSource"), "Sources to populate environment variables " \
	  "from." }, \
	{ "env", "[]" CORE("EnvVar") "@name", "List of environment variables to set in the " \
	  "container." }, \
	{ "resources", CORE("ResourceRequirements"), "Compute Resources required by this " \
	  "container." }, \
	{ "restartPolicy", "string", "Always makes an init container a sidecar." }, \
	{ "volumeMounts", "[]" CORE("VolumeMount") "@mountPath", "Pod volumes to mount into the " \
	  "container's filesystem." }, \
	{ "volumeDevices", "[]" CORE("VolumeDevice") "@devicePath", "Block devices to be used " \
	  "by the container." }, \
	{ "livenessProbe", CORE("Probe"), "Periodic probe of container liveness. Container will " \
	  "be restarted if the probe fails." }, \
	{ "readinessProbe", CORE("Probe"), "Periodic probe of container service readiness." }, \
	{ "startupProbe", CORE("Probe"), "Indicates that the Pod has successfully initialized." }, \
	{ "lifecycle", CORE("Lifecycle"), "Actions that the management system should take in " \
	  "response to container lifecycle events." }, \
	{ "terminationMessagePath", "string", "File to which the container's termination " \
	  "message will be written. Defaults to /dev/termination-log." }, \
	{ "terminationMessagePolicy", "string", "File or FallbackToLogsOnError. Defaults to " \
	  "File." }, \
	{ "imagePullPolicy", "string", "Always, Never or IfNotPresent. Defaults to Always if " \
	  ":latest tag is specified, or IfNotPresent otherwise." }, \
	{ "securityContext", CORE("SecurityContext"), "The security options the container " \
	  "should be run with." }, \
	{ "stdin", "boolean", "Whether this container should allocate a buffer for stdin." }, \
	{ "stdinOnce", "boolean", "Whether stdin is closed after the first attach session." }, \
	{ "tty", "boolean", "Whether this container should allocate a TTY for itself." }, \
	{ "resizePolicy", "[]object", "Resource resize policy: {resourceName, restartPolicy}." }

OA_TYPE(t_container, CORE("Container"), "A single application container that you want to "
	"run within a pod.",
	CONTAINER_FIELDS);

OA_TYPE(t_ephcontainer, CORE("EphemeralContainer"), "A temporary container added to a running pod "
	"for user-initiated actions such as debugging (pods/ephemeralcontainers).",
	CONTAINER_FIELDS,
	{ "targetContainerName", "string", "The container whose namespaces (here: process view) the "
	  "ephemeral container targets." });

OA_TYPE(t_port, CORE("ContainerPort"), "A network port in a single container.",
	{ "name", "string", "An IANA_SVC_NAME, unique within the pod, that services can refer "
	  "to." },
	{ "hostPort", "integer", "Number of port to expose on the host." },
	{ "!containerPort", "integer", "Number of port to expose on the pod's IP address: "
	  "0 < x < 65536." },
	{ "protocol", "string", "UDP, TCP, or SCTP. Defaults to TCP." },
	{ "hostIP", "string", "What host IP to bind the external port to." });

OA_TYPE(t_envvar, CORE("EnvVar"), "An environment variable present in a Container.",
	{ "!name", "string", "Name of the environment variable." },
	{ "value", "string", "The value; $(VAR_NAME) references are expanded." },
	{ "valueFrom", CORE("EnvVarSource"), "Source for the environment variable's value." });

OA_TYPE(t_envsource, CORE("EnvVarSource"), "A source for the value of an EnvVar.",
	{ "configMapKeyRef", CORE("ConfigMapKeySelector"), "Selects a key of a ConfigMap." },
	{ "secretKeyRef", CORE("SecretKeySelector"), "Selects a key of a secret in the pod's "
	  "namespace." },
	{ "fieldRef", CORE("ObjectFieldSelector"), "Selects a field of the pod, such as "
	  "metadata.name or status.podIP." },
	{ "resourceFieldRef", CORE("ResourceFieldSelector"), "Selects a resource of the "
	  "container: limits.cpu, requests.memory, ..." });

OA_TYPE(t_cmkeysel, CORE("ConfigMapKeySelector"), "Selects a key from a ConfigMap.",
	{ "name", "string", "Name of the referent." },
	{ "!key", "string", "The key to select." },
	{ "optional", "boolean", "Whether the ConfigMap or its key must be defined." });

OA_TYPE(t_secretkeysel, CORE("SecretKeySelector"), "Selects a key of a Secret.",
	{ "name", "string", "Name of the referent." },
	{ "!key", "string", "The key of the secret to select from." },
	{ "optional", "boolean", "Whether the Secret or its key must be defined." });

OA_TYPE(t_fieldsel, CORE("ObjectFieldSelector"), "Selects a field of an object.",
	{ "apiVersion", "string", "Version of the schema the FieldPath is written in terms of, "
	  "defaults to v1." },
	{ "!fieldPath", "string", "Path of the field to select." });

OA_TYPE(t_resfieldsel, CORE("ResourceFieldSelector"), "Selects a container resource "
	"(cpu, memory) and its output format.",
	{ "containerName", "string", "Container name: required for volumes, optional for env "
	  "vars." },
	{ "!resource", "string", "Required: resource to select." },
	{ "divisor", QUANTITY, "Output format of the exposed resources, defaults to 1." });

OA_TYPE(t_envfrom, CORE("EnvFromSource"), "A source of a set of environment variables.",
	{ "prefix", "string", "An identifier to prepend to each key." },
	{ "configMapRef", CORE("ConfigMapEnvSource"), "The ConfigMap to select from." },
	{ "secretRef", CORE("SecretEnvSource"), "The Secret to select from." });

OA_TYPE(t_cmenv, CORE("ConfigMapEnvSource"), "Selects a ConfigMap to populate the "
	"environment variables with.",
	{ "name", "string", "Name of the referent." },
	{ "optional", "boolean", "Whether the ConfigMap must be defined." });

OA_TYPE(t_secretenv, CORE("SecretEnvSource"), "Selects a Secret to populate the environment "
	"variables with.",
	{ "name", "string", "Name of the referent." },
	{ "optional", "boolean", "Whether the Secret must be defined." });

OA_TYPE(t_resources, CORE("ResourceRequirements"), "Compute resource requirements.",
	{ "limits", "map:" QUANTITY, "The maximum amount of compute resources allowed." },
	{ "requests", "map:" QUANTITY, "The minimum amount of compute resources required. "
	  "Defaults to limits when omitted." },
	{ "claims", "[]object", "Names of the pod's resourceClaims used by this container: "
	  "{name, request}." });

OA_TYPE(t_mount, CORE("VolumeMount"), "A mounting of a Volume within a container.",
	{ "!name", "string", "This must match the Name of a Volume." },
	{ "!mountPath", "string", "Path within the container at which the volume should be "
	  "mounted. Must not contain ':'." },
	{ "readOnly", "boolean", "Mounted read-only if true, read-write otherwise." },
	{ "subPath", "string", "Path within the volume from which the container's volume "
	  "should be mounted." },
	{ "mountPropagation", "string", "How mounts are propagated from the host to container "
	  "and the other way around." },
	{ "recursiveReadOnly", "string", "Whether a read-only mount is read-only recursively: "
	  "Disabled, IfPossible or Enabled." },
	{ "subPathExpr", "string", "Like subPath, with $(VAR_NAME) references expanded from "
	  "the container's environment." });

OA_TYPE(t_device, CORE("VolumeDevice"), "A mapping of a raw block device within a container.",
	{ "!name", "string", "Must match the name of a persistentVolumeClaim in the pod." },
	{ "!devicePath", "string", "The path inside of the container that the device will be "
	  "mapped to." });

OA_TYPE(t_probe, CORE("Probe"), "A health check performed against a container to determine "
	"whether it is alive or ready to receive traffic.",
	{ "exec", CORE("ExecAction"), "Exec specifies a command to execute in the container." },
	{ "httpGet", CORE("HTTPGetAction"), "HTTPGet specifies an HTTP GET request to perform." },
	{ "tcpSocket", CORE("TCPSocketAction"), "TCPSocket specifies a connection to a TCP "
	  "port." },
	{ "grpc", "object", "GRPC specifies a GRPC HealthCheckRequest: {port, service}." },
	{ "initialDelaySeconds", "integer", "Seconds after the container has started before "
	  "probes are initiated." },
	{ "timeoutSeconds", "integer", "Seconds after which the probe times out. Defaults to "
	  "1 second." },
	{ "periodSeconds", "integer", "How often (in seconds) to perform the probe. Default to "
	  "10 seconds." },
	{ "successThreshold", "integer", "Minimum consecutive successes for the probe to be "
	  "considered successful after having failed. Defaults to 1." },
	{ "failureThreshold", "integer", "Minimum consecutive failures for the probe to be "
	  "considered failed after having succeeded. Defaults to 3." },
	{ "terminationGracePeriodSeconds", "int64", "Grace period for the pod when the probe "
	  "fails." });

OA_TYPE(t_exec, CORE("ExecAction"), "A \"run in container\" action.",
	{ "command", "[]string", "Command line to execute inside the container; not run in a "
	  "shell." });

OA_TYPE(t_httpget, CORE("HTTPGetAction"), "An action based on HTTP Get requests.",
	{ "path", "string", "Path to access on the HTTP server." },
	{ "!port", INTSTR, "Number or name of the port to access on the container." },
	{ "host", "string", "Host name to connect to, defaults to the pod IP." },
	{ "scheme", "string", "HTTP or HTTPS. Defaults to HTTP." },
	{ "httpHeaders", "[]" CORE("HTTPHeader"), "Custom headers to set in the request." });

OA_TYPE(t_header, CORE("HTTPHeader"), "A custom header to be used in HTTP probes.",
	{ "!name", "string", "The header field name." },
	{ "!value", "string", "The header field value." });

OA_TYPE(t_tcp, CORE("TCPSocketAction"), "An action based on opening a socket.",
	{ "!port", INTSTR, "Number or name of the port to access on the container." },
	{ "host", "string", "Host name to connect to, defaults to the pod IP." });

OA_TYPE(t_lifecycle, CORE("Lifecycle"), "Actions that the management system should take in "
	"response to container lifecycle events.",
	{ "postStart", CORE("LifecycleHandler"), "Called immediately after a container is "
	  "created." },
	{ "preStop", CORE("LifecycleHandler"), "Called immediately before a container is "
	  "terminated." });

OA_TYPE(t_handler, CORE("LifecycleHandler"), "A specific action to take in a lifecycle hook.",
	{ "exec", CORE("ExecAction"), "Exec specifies a command to execute in the container." },
	{ "httpGet", CORE("HTTPGetAction"), "HTTPGet specifies an HTTP GET request to perform." },
	{ "tcpSocket", CORE("TCPSocketAction"), "Deprecated; kept for compatibility." },
	{ "sleep", "object", "Sleep for {seconds} before the container is terminated." });

OA_TYPE(t_secctx, CORE("SecurityContext"), "Security configuration that will be applied to "
	"a container.",
	{ "capabilities", CORE("Capabilities"), "The capabilities to add/drop when running "
	  "containers." },
	{ "privileged", "boolean", "Run container in privileged mode." },
	{ "runAsUser", "int64", "The UID to run the entrypoint of the container process." },
	{ "runAsGroup", "int64", "The GID to run the entrypoint of the container process." },
	{ "runAsNonRoot", "boolean", "The container must run as a non-root user." },
	{ "readOnlyRootFilesystem", "boolean", "Whether this container has a read-only root "
	  "filesystem." },
	{ "allowPrivilegeEscalation", "boolean", "Whether a process can gain more privileges "
	  "than its parent process." },
	{ "procMount", "string", "Default or Unmasked." },
	{ "seccompProfile", CORE("SeccompProfile"), "The seccomp options to use." },
	{ "seLinuxOptions", "object", "The SELinux context to be applied to the container." },
	{ "appArmorProfile", "object", "The AppArmor options to use." },
	{ "windowsOptions", "object", "Windows specific settings." });

OA_TYPE(t_caps, CORE("Capabilities"), "Adds and removes POSIX capabilities from running "
	"containers.",
	{ "add", "[]string", "Added capabilities." },
	{ "drop", "[]string", "Removed capabilities." });

OA_TYPE(t_seccomp, CORE("SeccompProfile"), "A pod's or container's seccomp profile.",
	{ "!type", "string", "Localhost, RuntimeDefault or Unconfined." },
	{ "localhostProfile", "string", "A profile defined in a file on the node." });

OA_TYPE(t_podsecctx, CORE("PodSecurityContext"), "Pod-level security attributes and common "
	"container settings.",
	{ "runAsUser", "int64", "The UID to run the entrypoint of the container process." },
	{ "runAsGroup", "int64", "The GID to run the entrypoint of the container process." },
	{ "runAsNonRoot", "boolean", "The containers must run as a non-root user." },
	{ "fsGroup", "int64", "A supplemental group applied to all containers; volumes are "
	  "owned by it." },
	{ "fsGroupChangePolicy", "string", "OnRootMismatch or Always." },
	{ "supplementalGroups", "[]int64", "Groups added to each container's first process." },
	{ "sysctls", "[]object", "Namespaced sysctls used for the pod: {name, value}." },
	{ "seccompProfile", CORE("SeccompProfile"), "The seccomp options to use." },
	{ "seLinuxOptions", "object", "The SELinux context to be applied to all containers." },
	{ "seLinuxChangePolicy", "string", "How the SELinux context is applied to volumes: "
	  "Recursive or MountOption." },
	{ "supplementalGroupsPolicy", "string", "Merge or Strict." },
	{ "appArmorProfile", "object", "The AppArmor options to use." },
	{ "windowsOptions", "object", "Windows specific settings." });

OA_TYPE(t_volume, CORE("Volume"), "A named volume in a pod that may be accessed by any "
	"container in the pod.",
	{ "!name", "string", "Volume's name. Must be a DNS_LABEL and unique within the pod." },
	{ "emptyDir", CORE("EmptyDirVolumeSource"), "A temporary directory that shares a pod's "
	  "lifetime." },
	{ "hostPath", CORE("HostPathVolumeSource"), "A pre-existing file or directory on the "
	  "host machine." },
	{ "configMap", CORE("ConfigMapVolumeSource"), "A configMap that should populate this "
	  "volume." },
	{ "secret", CORE("SecretVolumeSource"), "A secret that should populate this volume." },
	{ "persistentVolumeClaim", CORE("PersistentVolumeClaimVolumeSource"), "A reference to a "
	  "PersistentVolumeClaim in the same namespace." },
	{ "projected", CORE("ProjectedVolumeSource"), "Items for all in one resources secrets, "
	  "configmaps, and downward API." },
	{ "downwardAPI", CORE("DownwardAPIVolumeSource"), "Downward API about the pod that "
	  "should populate this volume." },
	{ "ephemeral", CORE("EphemeralVolumeSource"), "A volume handled by a cluster storage "
	  "driver, created and deleted with the pod." },
	{ "nfs", "object", "An NFS mount on the host that shares a pod's lifetime." },
	{ "csi", CORE("CSIVolumeSource"), "Ephemeral storage handled by certain external CSI "
	  "drivers." },
	{ "image", "object", "An OCI object (a container image or artifact) mounted read-only." },
	{ "gitRepo", "object", "Deprecated: a git repository cloned into the volume." },
	LEGACY_VOLUMES);

OA_TYPE(t_projected, CORE("ProjectedVolumeSource"), "A projection of several sources into "
	"one volume.",
	{ "sources", "[]object", "The projections: {configMap, secret, downwardAPI, "
	  "serviceAccountToken, clusterTrustBundle}." },
	{ "defaultMode", "integer", "Mode bits used to set permissions on created files by "
	  "default." });

OA_TYPE(t_downward, CORE("DownwardAPIVolumeSource"), "Pod fields projected into files.",
	{ "items", "[]object", "Files: {path, fieldRef, resourceFieldRef, mode}." },
	{ "defaultMode", "integer", "Mode bits used to set permissions on created files by "
	  "default." });

OA_TYPE(t_ephemeral, CORE("EphemeralVolumeSource"), "A volume with a claim created for, and "
	"deleted with, the pod.",
	{ "volumeClaimTemplate", CORE("PersistentVolumeClaimTemplate"), "The claim to create." });

OA_TYPE(t_pvctemplate, CORE("PersistentVolumeClaimTemplate"), "A claim to create from a "
	"template.",
	F_METADATA,
	{ "!spec", CORE("PersistentVolumeClaimSpec"), "The specification of the claim." });

OA_TYPE(t_csivol, CORE("CSIVolumeSource"), "An inline volume of a CSI driver.",
	{ "!driver", "string", "The name of the CSI driver." },
	{ "readOnly", "boolean", "Mount read-only." },
	{ "fsType", "string", "Filesystem type to mount." },
	{ "volumeAttributes", "map:string", "Driver-specific properties." },
	{ "nodePublishSecretRef", CORE("LocalObjectReference"), "A secret passed to the "
	  "driver." });

OA_TYPE(t_emptydir, CORE("EmptyDirVolumeSource"), "An empty directory for a pod.",
	{ "medium", "string", "What type of storage medium should back this directory: \"\" "
	  "or Memory." },
	{ "sizeLimit", QUANTITY, "Total amount of local storage required for this volume." });

OA_TYPE(t_hostpath, CORE("HostPathVolumeSource"), "A host path mapped into a pod.",
	{ "!path", "string", "Path of the directory on the host." },
	{ "type", "string", "Type for HostPath Volume: \"\", DirectoryOrCreate, Directory, "
	  "FileOrCreate, File, Socket, CharDevice or BlockDevice." });

OA_TYPE(t_cmvol, CORE("ConfigMapVolumeSource"), "Adapts a ConfigMap into a volume.",
	{ "name", "string", "Name of the referent." },
	{ "items", "[]" CORE("KeyToPath"), "Keys to project and their paths; all keys when "
	  "empty." },
	{ "defaultMode", "integer", "Mode bits used to set permissions on created files by "
	  "default. Defaults to 0644." },
	{ "optional", "boolean", "Whether the ConfigMap or its keys must be defined." });

OA_TYPE(t_secretvol, CORE("SecretVolumeSource"), "Adapts a Secret into a volume.",
	{ "secretName", "string", "Name of the secret in the pod's namespace to use." },
	{ "items", "[]" CORE("KeyToPath"), "Keys to project and their paths; all keys when "
	  "empty." },
	{ "defaultMode", "integer", "Mode bits used to set permissions on created files by "
	  "default. Defaults to 0644." },
	{ "optional", "boolean", "Whether the Secret or its keys must be defined." });

OA_TYPE(t_keytopath, CORE("KeyToPath"), "Maps a string key to a path within a volume.",
	{ "!key", "string", "The key to project." },
	{ "!path", "string", "The relative path of the file to map the key to." },
	{ "mode", "integer", "Mode bits used to set permissions on this file." });

OA_TYPE(t_pvcvol, CORE("PersistentVolumeClaimVolumeSource"), "References the user's PVC in "
	"the same namespace.",
	{ "!claimName", "string", "Name of a PersistentVolumeClaim in the same namespace as the "
	  "pod using this volume." },
	{ "readOnly", "boolean", "Force the ReadOnly setting in VolumeMounts." });

OA_TYPE(t_localref, CORE("LocalObjectReference"), "Lets you locate the referenced object "
	"inside the same namespace.",
	{ "name", "string", "Name of the referent." });

OA_TYPE(t_toleration, CORE("Toleration"), "Tolerates any taint that matches the triple "
	"<key,value,effect>.",
	{ "key", "string", "The taint key that the toleration applies to; empty means all "
	  "keys." },
	{ "operator", "string", "Exists or Equal. Defaults to Equal." },
	{ "value", "string", "The taint value the toleration matches to." },
	{ "effect", "string", "NoSchedule, PreferNoSchedule or NoExecute; empty means all." },
	{ "tolerationSeconds", "int64", "How long a NoExecute taint is tolerated." });

OA_TYPE(t_affinity, CORE("Affinity"), "A group of affinity scheduling rules.",
	{ "nodeAffinity", CORE("NodeAffinity"), "Node affinity scheduling rules for the pod." },
	{ "podAffinity", CORE("PodAffinity"), "Rules to co-locate this pod with other pods." },
	{ "podAntiAffinity", CORE("PodAffinity"), "Rules to avoid putting this pod with other "
	  "pods." });

OA_TYPE(t_nodeaff, CORE("NodeAffinity"), "Node affinity scheduling rules.",
	{ "requiredDuringSchedulingIgnoredDuringExecution", CORE("NodeSelector"), "Rules that "
	  "must be met for the pod to be scheduled onto a node." },
	{ "preferredDuringSchedulingIgnoredDuringExecution", "[]object", "Weighted preferences "
	  "for nodes: {weight, preference}." });

OA_TYPE(t_nodesel, CORE("NodeSelector"), "The union of the results of one or more label "
	"queries over a set of nodes.",
	{ "!nodeSelectorTerms", "[]object", "Node selector terms, ORed: {matchExpressions, "
	  "matchFields}." });

OA_TYPE(t_podaff, CORE("PodAffinity"), "Inter-pod affinity or anti-affinity scheduling "
	"rules.",
	{ "requiredDuringSchedulingIgnoredDuringExecution", "[]object", "Rules that must be met: "
	  "{labelSelector, topologyKey, namespaces}." },
	{ "preferredDuringSchedulingIgnoredDuringExecution", "[]object", "Weighted preferences: "
	  "{weight, podAffinityTerm}." });

OA_TYPE(t_hostalias, CORE("HostAlias"), "An entry of the pod's hosts file.",
	{ "!ip", "string", "IP address of the host file entry." },
	{ "hostnames", "[]string", "Hostnames for the above IP address." });

OA_TYPE(t_dnsconfig, CORE("PodDNSConfig"), "DNS parameters of a pod.",
	{ "nameservers", "[]string", "DNS name server IP addresses." },
	{ "searches", "[]string", "DNS search domains for host-name lookup." },
	{ "options", "[]object", "DNS resolver options: {name, value}." });

OA_TYPE(t_gate, CORE("PodReadinessGate"), "A pod condition to be evaluated for readiness.",
	{ "!conditionType", "string", "A condition type of the pod's conditions." });

OA_TYPE(t_spread, CORE("TopologySpreadConstraint"), "How to spread matching pods among the "
	"given topology.",
	{ "!maxSkew", "integer", "The degree to which pods may be unevenly distributed." },
	{ "!topologyKey", "string", "The key of node labels defining a topology domain." },
	{ "!whenUnsatisfiable", "string", "DoNotSchedule or ScheduleAnyway." },
	{ "labelSelector", META("LabelSelector"), "Finds matching pods." },
	{ "minDomains", "integer", "A minimum number of eligible domains." },
	{ "matchLabelKeys", "[]string", "Pod label keys whose values narrow the selection." },
	{ "nodeAffinityPolicy", "string", "Honor or Ignore." },
	{ "nodeTaintsPolicy", "string", "Honor or Ignore." });

OA_TYPE(t_podstatus, CORE("PodStatus"), "Information about the status of a pod.",
	{ "phase", "string", "Pending, Running, Succeeded, Failed or Unknown." },
	{ "conditions", "[]" CORE("PodCondition") "@type", "Current service state of pod." },
	{ "message", "string", "A human readable message indicating details about why the pod "
	  "is in this condition." },
	{ "reason", "string", "A brief CamelCase message indicating details about why the pod "
	  "is in this state, e.g. 'Evicted'." },
	{ "nominatedNodeName", "string", "The node the scheduler nominated for this pod "
	  "after preemption." },
	{ "hostIP", "string", "IP address of the host to which the pod is assigned." },
	{ "hostIPs", "[]" CORE("HostIP") "@ip", "IP addresses allocated to the host." },
	{ "podIP", "string", "IP address allocated to the pod." },
	{ "podIPs", "[]" CORE("PodIP") "@ip", "IP addresses allocated to the pod." },
	{ "startTime", TIME, "When the pod was acknowledged by the node." },
	{ "initContainerStatuses", "[]" CORE("ContainerStatus"), "Status of the init "
	  "containers." },
	{ "containerStatuses", "[]" CORE("ContainerStatus"), "Status of the containers." },
	{ "ephemeralContainerStatuses", "[]" CORE("ContainerStatus"), "Status of the ephemeral "
	  "containers." },
	{ "qosClass", "string", "The QoS class: BestEffort, Burstable or Guaranteed." });

OA_TYPE(t_podcond, CORE("PodCondition"), "The state of the pod in one aspect.",
	{ "!type", "string", "PodScheduled, Initialized, ContainersReady, Ready, ..." },
	{ "!status", "string", "True, False or Unknown." },
	{ "lastProbeTime", TIME, "Last time we probed the condition." },
	{ "lastTransitionTime", TIME, "Last time the condition transitioned from one status to "
	  "another." },
	{ "reason", "string", "Unique, one-word, CamelCase reason for the condition's last "
	  "transition." },
	{ "message", "string", "Human-readable message indicating details about last "
	  "transition." });

OA_TYPE(t_podip, CORE("PodIP"), "An IP address allocated to the pod.",
	{ "!ip", "string", "The IP address." });

OA_TYPE(t_hostip, CORE("HostIP"), "An IP address allocated to the host.",
	{ "!ip", "string", "The IP address." });

OA_TYPE(t_cstatus, CORE("ContainerStatus"), "The current status of a container.",
	{ "!name", "string", "The container's name." },
	{ "state", CORE("ContainerState"), "Details about the container's current condition." },
	{ "lastState", CORE("ContainerState"), "Details about the container's last termination "
	  "condition." },
	{ "!ready", "boolean", "Whether the container passed its readiness probe." },
	{ "!restartCount", "integer", "The number of times the container has been restarted." },
	{ "!image", "string", "The image the container is running." },
	{ "!imageID", "string", "The image's ID." },
	{ "containerID", "string", "The container's ID, '<type>://<container_id>'." },
	{ "started", "boolean", "Whether the container finished its postStart hook and passed "
	  "its startup probe." });

OA_TYPE(t_cstate, CORE("ContainerState"), "A possible state of a container; only one member "
	"is set.",
	{ "waiting", CORE("ContainerStateWaiting"), "Details about a waiting container." },
	{ "running", CORE("ContainerStateRunning"), "Details about a running container." },
	{ "terminated", CORE("ContainerStateTerminated"), "Details about a terminated "
	  "container." });

OA_TYPE(t_cwaiting, CORE("ContainerStateWaiting"), "A waiting state of a container.",
	{ "reason", "string", "Why the container is not yet running, e.g. ContainerCreating." },
	{ "message", "string", "Message regarding why the container is not yet running." });

OA_TYPE(t_crunning, CORE("ContainerStateRunning"), "A running state of a container.",
	{ "startedAt", TIME, "Time at which the container was last (re-)started." });

OA_TYPE(t_cterminated, CORE("ContainerStateTerminated"), "A terminated state of a container.",
	{ "!exitCode", "integer", "Exit status from the last termination of the container." },
	{ "signal", "integer", "Signal from the last termination of the container." },
	{ "reason", "string", "Reason from the last termination of the container." },
	{ "message", "string", "Message regarding the last termination of the container." },
	{ "startedAt", TIME, "Time at which previous execution of the container started." },
	{ "finishedAt", TIME, "Time at which the container last terminated." },
	{ "containerID", "string", "Container's ID in the format '<type>://<container_id>'." });

const struct oa_type *const oa_types_pod[] = {
	&t_pod, &t_template, &t_podspec, &t_container, &t_ephcontainer, &t_port, &t_envvar, &t_envsource,
	&t_cmkeysel, &t_secretkeysel, &t_fieldsel, &t_resfieldsel, &t_envfrom, &t_cmenv,
	&t_secretenv, &t_resources, &t_mount, &t_device, &t_probe, &t_exec, &t_httpget, &t_header,
	&t_tcp, &t_lifecycle, &t_handler, &t_secctx, &t_caps, &t_seccomp, &t_podsecctx, &t_volume,
	&t_projected, &t_downward, &t_ephemeral, &t_pvctemplate, &t_csivol,
	&t_emptydir, &t_hostpath, &t_cmvol, &t_secretvol, &t_keytopath, &t_pvcvol, &t_localref,
	&t_toleration, &t_affinity, &t_nodeaff, &t_nodesel, &t_podaff, &t_hostalias,
	&t_dnsconfig, &t_gate, &t_spread, &t_podstatus, &t_podcond, &t_podip, &t_hostip,
	&t_cstatus, &t_cstate, &t_cwaiting, &t_crunning, &t_cterminated, NULL,
};
