/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CustomResourceDefinition machinery as pure functions on jansson values
 * (apiextensions.k8s.io/v1 semantics): structural-schema checks, value
 * validation, defaulting, pruning, CRD defaulting/validation and the simple
 * JSONPath of printer columns and the scale subresource.
 *
 * No function here keeps a reference to its arguments or has global state;
 * all are safe to call from any thread. "causes" is always a JSON array to
 * which {reason, message, field} objects are appended (see api_cause()).
 *
 * Deviations from Kubernetes, on purpose or for now:
 *  - `pattern` is ECMA-262 (Kubernetes runs it with Go's RE2). Atoll has
 *    its own linear-time matcher over code points (schema_re.c): classes
 *    with \d \w \s \D \W \S, escapes (\xHH, \uHHHH, \cX, symbols),
 *    groups ((?:) and named), alternation, greedy and lazy quantifiers,
 *    {n,m}, ^ $ \b \B. Refused as invalid: backreferences and lookaround
 *    (RE2 lacks them too), repeat counts over 1000 (as RE2) and patterns
 *    over 20000 instructions once repetitions are expanded.
 *  - x-kubernetes-validations (CEL) rules are accepted but not evaluated.
 *  - uniqueItems: true is refused by schema_check_structural() as Kubernetes
 *    does, but schema_validate() still enforces it if given.
 *  - metadata of embedded resources is kept as is (not pruned to ObjectMeta).
 */
#ifndef ATOLL_SCHEMA_H
#define ATOLL_SCHEMA_H

#include <jansson.h>

/*
 * Check that an openAPIV3Schema (borrowed) is structural and uses only
 * supported keywords and x-kubernetes-* extensions correctly. Causes carry
 * field paths relative to the schema ("properties[spec].type").
 * Returns the number of causes appended (0: acceptable).
 */
int schema_check_structural(const json_t *openAPIV3Schema, json_t *causes);
/* The same with every field path prefixed by `path` (NULL or "" for none). */
int schema_check_structural_at(const json_t *openAPIV3Schema, const char *path, json_t *causes);

/*
 * Validate obj against schema (both borrowed). `path` is the field path of
 * obj ("" or NULL for the object root, where apiVersion, kind and metadata
 * are always allowed). Causes use Kubernetes reasons: FieldValueRequired,
 * FieldValueInvalid, FieldValueTypeInvalid, FieldValueNotSupported,
 * FieldValueTooLong, FieldValueTooMany, FieldValueDuplicate,
 * FieldValueForbidden.
 */
void schema_validate(const json_t *schema, const json_t *obj, const char *path, json_t *causes);

/*
 * Apply `default`s (schema borrowed, obj modified in place): a property that
 * is absent gets a deep copy of its default; defaulted and existing values
 * are then defaulted recursively. As in Kubernetes, a null value of a
 * non-nullable property is replaced by its default, or removed if it has
 * none. The root object itself is never replaced.
 */
void schema_default(const json_t *schema, json_t *obj);

/*
 * Remove fields the schema does not specify (obj modified in place),
 * honouring x-kubernetes-preserve-unknown-fields, additionalProperties and
 * x-kubernetes-embedded-resource; apiVersion, kind and metadata at the root
 * are never pruned.
 */
void schema_prune(const json_t *schema, json_t *obj);
/*
 * Report instead of remove: appends to out_paths (array) one string per
 * field schema_prune() would drop, e.g. "spec.foo", "spec.list[2].bar"
 * (prefixed by path when it is not empty). Strict field validation turns
 * each into `unknown field "spec.foo"`.
 */
void schema_unknown_fields(const json_t *schema, const json_t *obj, const char *path,
			   json_t *out_paths);

/* CustomResourceDefinition objects (apiextensions.k8s.io/v1). */

/*
 * Fill the defaults Kubernetes fills (crd modified in place):
 * spec.conversion.strategy "None", names.singular (lower-case kind),
 * names.listKind (kind + "List"), versions[].served/storage false (the
 * Go zero values), conversion webhook service port 443. spec.scope has no
 * default in v1 (it is required).
 */
void crd_default(json_t *crd);
/* Validate a (defaulted) CRD; borrows crd, appends causes. */
void crd_validate(const json_t *crd, json_t *causes);
/*
 * Validate an update (both borrowed): crd_validate() plus immutable
 * spec.scope and spec.group, and every old status.storedVersions entry
 * must still be in spec.versions.
 */
void crd_validate_update(const json_t *crd, const json_t *old, json_t *causes);
/*
 * Mark an accepted CRD (modified in place) as Kubernetes does once its
 * names are free: status.acceptedNames = spec.names, conditions
 * NamesAccepted and Established True (lastTransitionTime `now`, an RFC 3339
 * string, or none if NULL), the storage version added to
 * status.storedVersions. Checking names against other kinds is the caller's.
 */
void crd_status_accept(json_t *crd, const char *now);
/* The name of the storage version (borrowed from crd) or NULL. */
const char *crd_storage_version(const json_t *crd);
/* The versions[] entry named `version` (borrowed) or NULL. */
const json_t *crd_version(const json_t *crd, const char *version);

/*
 * Table output for a custom resource version (a versions[] entry,
 * borrowed): crd_table_columns returns an owned array of columnDefinitions,
 * Name first, then the additionalPrinterColumns (or Age when there are none);
 * crd_table_row returns the owned cells of one object, one per column. As in
 * Kubernetes only the first match of a path counts; a missing value is null.
 * Cells of type "date" hold the timestamp string: the caller turns them
 * into an age ("5m") as it does for the built-in Age column.
 */
json_t *crd_table_columns(const json_t *version);
json_t *crd_table_row(const json_t *version, const json_t *obj);

/*
 * Simple JSONPath as used by additionalPrinterColumns and the scale
 * subresource: ".spec.replicas", "{.metadata.labels.app}",
 * ".status.conditions[0].type", ".spec.list[*].name",
 * ".metadata.annotations['example.com/x']", "a\.b" escapes a dot.
 *
 * schema_jsonpath_get returns an owned reference (json_decref it) or NULL
 * when nothing matches. A path with [*] returns a new array of all matches
 * (NULL if there are none).
 */
json_t *schema_jsonpath_get(const json_t *obj, const char *jsonPath);
/*
 * Set the value at path (no [*]; array indices must exist), creating
 * missing intermediate objects. Borrows value (the object takes its own
 * reference). Returns 0, or -1 for a bad path or a non-object on the way.
 */
int schema_jsonpath_set(json_t *obj, const char *jsonPath, json_t *value);
/* 0 if jsonPath parses as a simple path (wildcards allowed if allow_wildcard). */
int schema_jsonpath_check(const char *jsonPath, int allow_wildcard);

#endif
