/* SPDX-License-Identifier: Apache-2.0 */
/* Schema table: apimachinery types shared by every group (ObjectMeta, Status, DeleteOptions...). */
#include <string.h>

#include "api/openapi_types.h"

OA_SCALAR(t_time, TIME, "Time is a timestamp in RFC 3339 form, with seconds precision.",
	  "{\"type\":\"string\",\"format\":\"date-time\"}");
OA_SCALAR(t_microtime, META("MicroTime"), "MicroTime is a timestamp with microseconds.",
	  "{\"type\":\"string\",\"format\":\"date-time\"}");
OA_SCALAR(t_quantity, QUANTITY, "A fixed-point number with an optional suffix: binary SI "
	  "(Ki, Mi, Gi, Ti, Pi, Ei), decimal SI (m, k, M, G, T, P, E) or a decimal exponent "
	  "(e3). Examples: 100m (a tenth of a CPU), 128Mi, 1.5Gi.",
	  "{\"type\":\"string\"}");
OA_SCALAR(t_intstr, INTSTR, "IntOrString holds either an integer or a string, such as a port "
	  "number or a port name, or a count or a percentage.",
	  "{\"type\":\"string\",\"format\":\"int-or-string\"}");

OA_TYPE(t_objectmeta, META("ObjectMeta"), "ObjectMeta is metadata that all persisted "
	"resources must have, which includes all objects users must create.",
	{ "name", "string", "Name must be unique within a namespace. Required when creating "
	  "resources, although some resources may allow a client to request the generation of "
	  "an appropriate name automatically. Cannot be updated." },
	{ "generateName", "string", "An optional prefix, used by the server, to generate a "
	  "unique name ONLY IF the Name field has not been provided." },
	{ "namespace", "string", "Namespace defines the space within which each name must be "
	  "unique. Cannot be updated." },
	{ "uid", "string", "UID is the unique in time and space value for this object. It is "
	  "set by the server. Read-only." },
	{ "resourceVersion", "string", "An opaque value that represents the internal version of "
	  "this object, used for optimistic concurrency and watch. Read-only." },
	{ "generation", "int64", "A sequence number representing a specific generation of the "
	  "desired state. Read-only." },
	{ "creationTimestamp", TIME, "The server time when this object was created. Read-only." },
	{ "deletionTimestamp", TIME, "The time after which this resource will be deleted; set "
	  "by the server when a graceful deletion is requested. Read-only." },
	{ "deletionGracePeriodSeconds", "int64", "Seconds allowed for this object to "
	  "gracefully terminate before it is removed. Read-only." },
	{ "labels", "map:string", "Map of string keys and values used to organize and "
	  "categorize (scope and select) objects." },
	{ "annotations", "map:string", "Unstructured key value map set by external tools to "
	  "store and retrieve arbitrary metadata. Not queryable." },
	{ "ownerReferences", "[]" META("OwnerReference") "@uid", "Objects this object depends on. "
	  "When all owners are deleted, this object is garbage collected." },
	{ "finalizers", "[]string", "Must be empty before the object is deleted from the "
	  "registry. Each entry identifies a component responsible for a cleanup step." },
	{ "managedFields", "[]" META("ManagedFieldsEntry"), "Which workflow manages which "
	  "fields, used by server-side apply." },
	{ "selfLink", "string", "Deprecated and unset." });

OA_TYPE(t_listmeta, META("ListMeta"), "ListMeta describes metadata that synthetic resources "
	"must have, including lists and various status objects.",
	{ "resourceVersion", "string", "The version of the list, for watching from it." },
	{ "continue", "string", "Set when the list was truncated by a limit; pass it back to "
	  "get the next chunk." },
	{ "remainingItemCount", "int64", "The number of items left after this chunk, when "
	  "known." },
	{ "selfLink", "string", "Deprecated and unset." });

OA_TYPE(t_ownerref, META("OwnerReference"), "OwnerReference contains enough information to "
	"let you identify an owning object.",
	{ "!apiVersion", "string", "API version of the referent." },
	{ "!kind", "string", "Kind of the referent." },
	{ "!name", "string", "Name of the referent." },
	{ "!uid", "string", "UID of the referent." },
	{ "controller", "boolean", "If true, this reference points to the managing controller." },
	{ "blockOwnerDeletion", "boolean", "If true, the owner cannot be deleted from storage "
	  "until this reference is removed (foreground deletion)." });

OA_TYPE(t_managedfields, META("ManagedFieldsEntry"), "A workflow and the set of fields it "
	"manages.",
	{ "manager", "string", "The workflow managing the fields." },
	{ "operation", "string", "The operation that led to this entry: Apply or Update." },
	{ "apiVersion", "string", "The version of the resource the fields are for." },
	{ "time", TIME, "When the fields were last changed." },
	{ "fieldsType", "string", "The format of fieldsV1: FieldsV1." },
	{ "fieldsV1", "object", "The set of fields, as a trie of field names." },
	{ "subresource", "string", "The subresource the object was updated through." });

OA_TYPE(t_selector, META("LabelSelector"), "A label query over a set of resources. The "
	"result of matchLabels and matchExpressions are ANDed. An empty label selector matches "
	"all objects.",
	{ "matchLabels", "map:string", "A map of {key,value} pairs, each equal to an element of "
	  "matchExpressions with operator In and the single value." },
	{ "matchExpressions", "[]" META("LabelSelectorRequirement"), "A list of label selector "
	  "requirements. The requirements are ANDed." });

OA_TYPE(t_selreq, META("LabelSelectorRequirement"), "A selector that contains values, a key, "
	"and an operator that relates the key and values.",
	{ "!key", "string", "The label key that the selector applies to." },
	{ "!operator", "string", "In, NotIn, Exists or DoesNotExist." },
	{ "values", "[]string", "The values: non-empty for In and NotIn, empty for Exists and "
	  "DoesNotExist." });

OA_TYPE(t_condition, META("Condition"), "Details for one aspect of the current state of an "
	"API resource.",
	{ "!type", "string", "Type of condition in CamelCase." },
	{ "!status", "string", "True, False or Unknown." },
	{ "observedGeneration", "int64", "The .metadata.generation the condition was set from." },
	{ "!lastTransitionTime", TIME, "When the condition last changed status." },
	{ "!reason", "string", "A programmatic identifier of the last transition, in CamelCase." },
	{ "!message", "string", "A human readable message about the transition." });

OA_TYPE(t_status, META("Status"), "Status is a return value for calls that don't return "
	"other objects.",
	F_APIVERSION, F_KIND,
	{ "metadata", META("ListMeta"), "Standard list metadata." },
	{ "status", "string", "Success or Failure." },
	{ "message", "string", "A human-readable description of the status of this operation." },
	{ "reason", "string", "A machine-readable description of why this operation is in the "
	  "Failure status." },
	{ "details", META("StatusDetails"), "Extended data associated with the reason." },
	{ "code", "integer", "Suggested HTTP return code for this status." });

OA_TYPE(t_statusdetails, META("StatusDetails"), "Details of a Status: the object and, for "
	"validation errors, its causes.",
	{ "name", "string", "The name of the resource involved." },
	{ "group", "string", "The group of the resource involved." },
	{ "kind", "string", "The kind of the resource involved." },
	{ "uid", "string", "The UID of the resource involved." },
	{ "causes", "[]" META("StatusCause"), "The causes of the error, such as invalid fields." },
	{ "retryAfterSeconds", "integer", "Seconds the client should wait before retrying." });

OA_TYPE(t_statuscause, META("StatusCause"), "More information about a failure, such as the "
	"field it is about.",
	{ "reason", "string", "A machine-readable description of the cause." },
	{ "message", "string", "A human-readable description of the cause." },
	{ "field", "string", "The field of the resource that caused the error, as a JSON path "
	  "such as spec.containers[0].name." });

OA_TYPE(t_deleteoptions, META("DeleteOptions"), "Options for a delete request.",
	F_APIVERSION, F_KIND,
	{ "gracePeriodSeconds", "int64", "Seconds before the object should be deleted; 0 "
	  "deletes immediately." },
	{ "preconditions", META("Preconditions"), "Must be fulfilled before the deletion." },
	{ "propagationPolicy", "string", "Whether and how dependents are garbage collected: "
	  "Orphan, Background or Foreground." },
	{ "orphanDependents", "boolean", "Deprecated: use propagationPolicy." },
	{ "dryRun", "[]string", "When present, modifications are not persisted. Valid value: "
	  "All." });

OA_TYPE(t_preconditions, META("Preconditions"), "Must be fulfilled before an operation "
	"(update, delete, etc.) is carried out.",
	{ "uid", "string", "The target UID." },
	{ "resourceVersion", "string", "The target resourceVersion." });

OA_TYPE(t_watchevent, META("WatchEvent"), "An event of a watch stream.",
	{ "!type", "string", "ADDED, MODIFIED, DELETED, BOOKMARK or ERROR." },
	{ "!object", "object", "The object: the new state for ADDED and MODIFIED, the last "
	  "state for DELETED, a Status for ERROR." });

OA_TYPE(t_patch, META("Patch"), "Patch is provided to give a concrete name and type to the "
	"Kubernetes PATCH request body.",
	{ "patch", "object", "The patch document; its format is the request's content type." });

OA_TYPE(t_scale, "io.k8s.api.autoscaling.v1.Scale", "Scale represents a scaling request for "
	"a resource.",
	TYPEMETA,
	{ "spec", "io.k8s.api.autoscaling.v1.ScaleSpec", "The desired state of the scale." },
	{ "status", "io.k8s.api.autoscaling.v1.ScaleStatus", "The current state of the scale. "
	  "Read-only." });

OA_TYPE(t_scalespec, "io.k8s.api.autoscaling.v1.ScaleSpec", "ScaleSpec describes the "
	"attributes of a scale subresource.",
	{ "replicas", "integer", "The desired number of instances for the scaled object." });

OA_TYPE(t_scalestatus, "io.k8s.api.autoscaling.v1.ScaleStatus", "ScaleStatus represents the "
	"current status of a scale subresource.",
	{ "!replicas", "integer", "The actual number of observed instances." },
	{ "selector", "string", "The label query over pods, as a label selector string." });

const struct oa_type *const oa_types_meta[] = {
	&t_time, &t_microtime, &t_quantity, &t_intstr, &t_objectmeta, &t_listmeta, &t_ownerref,
	&t_managedfields, &t_selector, &t_selreq, &t_condition, &t_status, &t_statusdetails,
	&t_statuscause, &t_deleteoptions, &t_preconditions, &t_watchevent, &t_patch, &t_scale,
	&t_scalespec, &t_scalestatus, NULL,
};

const struct oa_type *oa_type_find(const char *name)
{
	static const struct oa_type *const *const all[] = {
		oa_types_meta, oa_types_pod, oa_types_core, oa_types_more,
	};

	for (size_t l = 0; l < sizeof(all) / sizeof(all[0]); l++)
		for (size_t i = 0; all[l][i]; i++)
			if (!strcmp(all[l][i]->name, name))
				return all[l][i];
	return NULL;
}
