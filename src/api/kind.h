/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of API kinds. Built-in kinds are static rows (src/api/kinds_*.c);
 * CRDs add rows at run time. Per-kind hooks: defaulting, validation, Table
 * printing. Everything generic (CRUD, watch, patch, selectors) is driven by
 * these rows.
 */
#ifndef ATOLL_KIND_H
#define ATOLL_KIND_H

#include <jansson.h>
#include <stdbool.h>

#define API_SUB_STATUS 0x1u
#define API_SUB_SCALE  0x2u

/* Verbs a resource supports, as discovery lists them. */
#define API_VERBS_ALL "create,delete,deletecollection,get,list,patch,update,watch"

/*
 * Validation causes: append {"reason":"FieldValueRequired"|"FieldValueInvalid"|
 * "FieldValueNotSupported"|"FieldValueDuplicate"|"FieldValueTooLong"|...,
 * "message": "...", "field": "spec.containers[0].name"} to `causes` (a JSON
 * array). The API layer turns a non-empty array into 422 Invalid.
 */
void api_cause(json_t *causes, const char *reason, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct api_kind;

/* Fill defaults in obj (in place). Called on create and update. */
typedef void (*api_defaults_fn)(const struct api_kind *k, json_t *obj);
/* Validate obj; old is NULL on create. Append causes. */
typedef void (*api_validate_fn)(const struct api_kind *k, const json_t *obj, const json_t *old,
				json_t *causes);
/*
 * Table output: columns() returns an owned array of Table columnDefinitions
 * ({name,type,format,description,priority}); row() returns an owned array of
 * cells for one object, one per column. priority 1 columns show with -o wide.
 */
typedef json_t *(*api_columns_fn)(const struct api_kind *k);
typedef json_t *(*api_row_fn)(const struct api_kind *k, const json_t *obj);

struct api_kind {
	const char *group;        /* "" for the legacy core group */
	const char *version;      /* "v1" */
	const char *kind;         /* "ConfigMap" */
	const char *list_kind;    /* "ConfigMapList" */
	const char *resource;     /* plural: "configmaps" */
	const char *singular;     /* "configmap" */
	bool namespaced;
	const char *short_names[4]; /* NULL-terminated */
	const char *categories[3];  /* NULL-terminated, e.g. "all" */
	unsigned subresources;      /* API_SUB_* */
	bool storage_version;       /* the version objects are stored in */
	bool read_only;             /* served but not writable by clients (e.g. registry images) */
	api_defaults_fn defaults;
	api_validate_fn validate;
	api_columns_fn columns;     /* NULL: NAME, AGE */
	api_row_fn row;
	/*
	 * Strategic merge patch: the patch merge key of list fields by path from
	 * the object root ("spec.containers" -> "name"), NULL-terminated pairs.
	 * Lists not named here are replaced (atomic), as in Kubernetes.
	 */
	const char *const *merge_keys;
	json_t *crd;                /* CRD-defined kinds: the CRD version's definition (owned) */
	/*
	 * Field selector labels this kind supports besides metadata.name and
	 * metadata.namespace (NULL-terminated; NULL: only those two), as
	 * Kubernetes; kinds_field_value() (kinds_fields.c) reads their values.
	 */
	const char *const *field_labels;
};

/* Lookup, thread-safe. group "" is core. */
const struct api_kind *kinds_find(const char *group, const char *version, const char *resource);
const struct api_kind *kinds_find_kind(const char *group, const char *version, const char *kind);
/* Iterate: calls fn for every served kind until it returns non-zero. */
int kinds_foreach(int (*fn)(const struct api_kind *k, void *ctx), void *ctx);

/* The static table of built-in kinds (src/api/kinds_builtin.c). */
extern const struct api_kind *const kinds_builtin[];

#endif
