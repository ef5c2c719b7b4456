/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The three PATCH flavours of the Kubernetes API on jansson values:
 * JSON Patch (RFC 6902), JSON Merge Patch (RFC 7386) and strategic merge
 * patch. Every function borrows its inputs, never modifies them, and returns
 * an owned new document, or NULL with a 4xx atoll_err:
 *   400 BadRequest  the patch document itself is malformed
 *   422 Invalid     the patch does not apply to this object
 *   409 Conflict    a JSON Patch "test" operation failed
 * Inputs may be arbitrary JSON (fuzzed); recursion depth follows the input
 * depth, so callers bound it first with json_depth_ok().
 */
#ifndef ATOLL_PATCH_H
#define ATOLL_PATCH_H

#include <jansson.h>
#include <stdbool.h>

#include "lib/err.h"

enum patch_type {
	PATCH_NONE,
	PATCH_JSON,       /* application/json-patch+json */
	PATCH_MERGE,      /* application/merge-patch+json */
	PATCH_STRATEGIC,  /* application/strategic-merge-patch+json */
	PATCH_APPLY,      /* application/apply-patch+yaml (server-side apply; not handled here) */
};

/* Map a Content-Type (parameters after ';' ignored) to its patch type. */
enum patch_type patch_type_from_content_type(const char *ct);

/* Limits Kubernetes applies as well: operations per JSON Patch, copied nodes. */
#define PATCH_MAX_OPS 10000
#define PATCH_MAX_COPY_NODES 100000

/* RFC 6902. patch must be an array of operation objects. */
json_t *patch_json(const json_t *doc, const json_t *patch, struct atoll_err *err);

/* RFC 7386. doc may be any value (or NULL for none). */
json_t *patch_merge(const json_t *doc, const json_t *patch, struct atoll_err *err);

/*
 * Strategic merge patch as Kubernetes applies it to built-in kinds
 * (MergeParallelList, IgnoreUnmatchedNulls). merge_keys: NULL-terminated
 * pairs {"spec.containers", "name", ...} by dotted path from the object root,
 * list items unnamed (see struct api_kind). A key "" marks a list of
 * primitives merged as a set. "metadata.finalizers" (set) and
 * "metadata.ownerReferences" ("uid") merge for every kind, as ObjectMeta
 * declares. Lists not listed are replaced. Values the patch introduces are
 * cleaned of nulls and directives (what decoding into a typed object does).
 * merge_keys may be NULL.
 */
json_t *patch_strategic(const json_t *orig, const json_t *patch, const char *const *merge_keys,
			struct atoll_err *err);

/*
 * Merge-key tables of the built-in kinds (src/api/patch_keys.c), for
 * struct api_kind.merge_keys. ObjectMeta's lists are implied.
 *   pod          Pod (PodSpec at spec, pod status lists)
 *   workload     Deployment, ReplicaSet, StatefulSet, DaemonSet, Job
 *   cronjob      CronJob (PodSpec at spec.jobTemplate.spec.template.spec)
 *   podtemplate  PodTemplate
 *   service      Service
 *   node         Node
 *   conditions   kinds whose only merge list is status.conditions (Namespace, PVC)
 * Kinds with no merge lists (ConfigMap, Secret, ...) can pass NULL.
 */
extern const char *const patch_keys_pod[];
extern const char *const patch_keys_workload[];
extern const char *const patch_keys_cronjob[];
extern const char *const patch_keys_podtemplate[];
extern const char *const patch_keys_service[];
extern const char *const patch_keys_node[];
extern const char *const patch_keys_conditions[];

/* Dispatch on type; PATCH_APPLY/PATCH_NONE give 415 UnsupportedMediaType. */
json_t *patch_apply(enum patch_type type, const json_t *doc, const json_t *patch,
		    const char *const *merge_keys, struct atoll_err *err);

/*
 * RFC 6901 pointer lookup; "" is the whole document. Returns borrowed, or
 * NULL when absent or malformed.
 */
json_t *patch_pointer_get(const json_t *doc, const char *ptr);

/* Deep equality where numbers compare by value (1 == 1.0), as JSON Patch "test". */
bool patch_json_equal(const json_t *a, const json_t *b);

/*
 * 1 when v nests at most max containers deep (a scalar is depth 0, {} and
 * [] are 1, {"a":[]} is 2), else 0. Stops descending past max, so it is
 * cheap on hostile input.
 */
int json_depth_ok(const json_t *v, int max);

#endif
