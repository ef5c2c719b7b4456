/* SPDX-License-Identifier: Apache-2.0 */
/* Field-set primitives shared by server-side apply (apply.c) and update tracking (apply_diff.c). */
#ifndef ATOLL_APPLY_INT_H
#define ATOLL_APPLY_INT_H

#include "api/kind.h"

/* The merge key of the list at dotted path ("" for a set of values), or NULL (atomic list). */
const char *apply_merge_key(const struct api_kind *k, const char *path);
/* "k:{"name":"x"}" for a keyed item, "v:"x"" for a set item; returns owned, NULL if unkeyable. */
char *apply_item_key(const json_t *item, const char *mk);
/* The field set of a value at dotted path; returns owned. */
json_t *apply_fields_of(const struct api_kind *k, const json_t *v, const char *path);
/*
 * A leaf path: the field set's keys from the root, each after APPLY_SEP
 * ("\x1f" f:spec "\x1f" f:containers "\x1f" k:{"name":"a"} ...). Keys hold "/" (label and
 * annotation keys, mount paths in item keys), never a control character:
 * field names are a Kubernetes object's, and item keys are JSON text,
 * where control characters are escaped.
 */
#define APPLY_SEP '\x1f'
#define APPLY_SEP_S "\x1f"

/* A leaf path as kube-apiserver writes one in messages: .spec.containers[name="a"].image (into out). */
void apply_leaf_display(const char *leaf, char *out, size_t n);

/* Appends the leaf paths of a set (each under prefix) to out as strings. */
void apply_leaves(const json_t *set, const char *prefix, json_t *out);
/* The value (borrowed from obj) at a leaf path, or NULL. */
const json_t *apply_value_at(const struct api_kind *k, const json_t *obj, const char *leaf);
/* The leaves of b's field set whose value in a (NULL on create) differs, appended to out. */
void apply_changed_leaves(const struct api_kind *k, const json_t *a, const json_t *b, json_t *out);

#endif
