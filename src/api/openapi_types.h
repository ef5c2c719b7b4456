/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The schema table behind the OpenAPI documents: every type is a name, a
 * description and a list of fields, each field a name, a type string and a
 * description. Type strings:
 *   string integer int64 boolean number byte  scalars (int32 for integer)
 *   io.k8s....Name                            a reference to another type
 *   []T  []T@key                              a list; @key: strategic merge key
 *   map:T                                     an object of string to T
 *   object                                    free-form JSON object
 * A field name starting with '!' is required. Private to openapi*.c.
 */
#ifndef ATOLL_OPENAPI_TYPES_H
#define ATOLL_OPENAPI_TYPES_H

#include <stddef.h>

struct oa_field {
	const char *name;
	const char *type;
	const char *desc;
};

struct oa_type {
	const char *name;              /* component name, "io.k8s.api.core.v1.Pod" */
	const char *desc;
	const struct oa_field *fields; /* ends with { NULL } */
	const char *scalar;            /* instead of fields: a scalar schema as JSON text */
};

#define CORE(x)  "io.k8s.api.core.v1." x
#define APPS(x)  "io.k8s.api.apps.v1." x
#define BATCH(x) "io.k8s.api.batch.v1." x
#define META(x)  "io.k8s.apimachinery.pkg.apis.meta.v1." x
#define QUANTITY "io.k8s.apimachinery.pkg.api.resource.Quantity"
#define INTSTR   "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
#define TIME     META("Time")

#define F_APIVERSION { "apiVersion", "string", "APIVersion defines the versioned schema of " \
	"this representation of an object." }
#define F_KIND { "kind", "string", "Kind is a string value representing the REST resource " \
	"this object represents. In CamelCase." }
#define F_METADATA { "metadata", META("ObjectMeta"), "Standard object's metadata." }
#define TYPEMETA F_APIVERSION, F_KIND, F_METADATA

/* Old in-tree volume plugins: accepted and described as free-form objects. */
#define LEGACY_VOLUMES \
	{ "awsElasticBlockStore", "object", "Deprecated in-tree volume plugin." }, \
	{ "azureDisk", "object", "Deprecated in-tree volume plugin." }, \
	{ "azureFile", "object", "Deprecated in-tree volume plugin." }, \
	{ "cephfs", "object", "Deprecated in-tree volume plugin." }, \
	{ "cinder", "object", "Deprecated in-tree volume plugin." }, \
	{ "fc", "object", "A Fibre Channel volume." }, \
	{ "flexVolume", "object", "Deprecated volume plugin." }, \
	{ "flocker", "object", "Deprecated in-tree volume plugin." }, \
	{ "gcePersistentDisk", "object", "Deprecated in-tree volume plugin." }, \
	{ "glusterfs", "object", "Deprecated in-tree volume plugin." }, \
	{ "iscsi", "object", "An iSCSI disk." }, \
	{ "photonPersistentDisk", "object", "Deprecated in-tree volume plugin." }, \
	{ "portworxVolume", "object", "Deprecated in-tree volume plugin." }, \
	{ "quobyte", "object", "Deprecated in-tree volume plugin." }, \
	{ "rbd", "object", "Deprecated in-tree volume plugin." }, \
	{ "scaleIO", "object", "Deprecated in-tree volume plugin." }, \
	{ "storageos", "object", "Deprecated in-tree volume plugin." }, \
	{ "vsphereVolume", "object", "Deprecated in-tree volume plugin." }

/* Defines `static const struct oa_type var` with the given fields. */
#define OA_TYPE(var, name, desc, ...) \
	static const struct oa_field var##_fields[] = { __VA_ARGS__, { NULL, NULL, NULL } }; \
	static const struct oa_type var = { name, desc, var##_fields, NULL }
#define OA_SCALAR(var, name, desc, json) \
	static const struct oa_type var = { name, desc, NULL, json }

/* NULL-terminated lists of types, one per file. */
extern const struct oa_type *const oa_types_meta[];
extern const struct oa_type *const oa_types_pod[];
extern const struct oa_type *const oa_types_core[];
extern const struct oa_type *const oa_types_more[];

/* The type named name, or NULL. */
const struct oa_type *oa_type_find(const char *name);

#endif
