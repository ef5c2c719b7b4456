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
/* Appends the leaf paths of a set ("/"-joined, each under prefix) to out as strings. */
void apply_leaves(const json_t *set, const char *prefix, json_t *out);
/* The value (borrowed from obj) at a leaf path, or NULL. */
const json_t *apply_value_at(const struct api_kind *k, const json_t *obj, const char *leaf);
/* The leaves of b's field set whose value in a (NULL on create) differs, appended to out. */
void apply_changed_leaves(const struct api_kind *k, const json_t *a, const json_t *b, json_t *out);

#endif
