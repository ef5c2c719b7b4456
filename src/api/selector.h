/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Label and field selectors with Kubernetes semantics (apimachinery's
 * labels.Parse, metav1.LabelSelectorAsSelector and fields.ParseSelector).
 * Pure functions over jansson values; no I/O, no globals.
 */
#ifndef ATOLL_SELECTOR_H
#define ATOLL_SELECTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct buf;

/* ---- label selectors ---- */

struct selector;

/*
 * Parse the string form: "a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3,n<9".
 * "" (or only whitespace) selects everything. Returns owned (free with
 * selector_free), or NULL with err 400 BadRequest.
 */
struct selector *selector_parse(const char *s, struct atoll_err *err);

/*
 * Build from a LabelSelector object {matchLabels, matchExpressions} (borrowed).
 * JSON null or NULL selects nothing; {} selects everything (as Kubernetes).
 * Returns owned, or NULL with err 422 Invalid naming the bad field.
 */
struct selector *selector_from_json(const json_t *label_selector, struct atoll_err *err);

/* labels: borrowed JSON object of string values, or NULL (no labels). */
bool selector_matches(const struct selector *sel, const json_t *labels);
/*
 * The canonical string form, as Kubernetes prints a selector (Scale
 * status.selector, kubectl): requirements sorted by key, set values sorted,
 * "" for everything and for nothing. Returns owned.
 */
char *selector_format(const struct selector *sel);
/* True when sel has no requirements and selects everything. */
bool selector_empty(const struct selector *sel);
void selector_free(struct selector *sel);

/*
 * Label syntax checks (metadata.labels validation can reuse them). On false,
 * *why (if non-NULL) points at a static explanation.
 */
bool selector_label_key_ok(const char *key, const char **why);
bool selector_label_value_ok(const char *value, const char **why);

/* ---- field selectors ---- */

struct fieldsel;

/*
 * Writes the string value of `field` for obj into out (empty when absent).
 * Returns false when the field is not supported for this kind.
 */
typedef bool (*fieldsel_get_fn)(const json_t *obj, const char *field, struct buf *out, void *ctx);
/* Whether a field name may be used at all (parse-time check). */
typedef bool (*fieldsel_known_fn)(const char *field, void *ctx);

/*
 * Parse "a=b,c==d,e!=f" (values may escape '\\', ',' and '=' with '\\').
 * known may be NULL (every field accepted). Returns owned, or NULL with err
 * 400 BadRequest ("field label not supported: x" for unknown fields).
 */
struct fieldsel *fieldsel_parse(const char *s, fieldsel_known_fn known, void *ctx,
				struct atoll_err *err);
/* Match with the default getter (fieldsel_default_get). */
bool fieldsel_matches(const struct fieldsel *fs, const json_t *obj);
/* Match with a caller getter; an unsupported field never matches. */
bool fieldsel_matches_fn(const struct fieldsel *fs, const json_t *obj, fieldsel_get_fn get,
			 void *ctx);
/*
 * The default getter: any dotted path into the JSON ("metadata.name",
 * "status.phase", "spec.nodeName"); strings as is, booleans "true"/"false",
 * numbers in decimal, absent/null/objects/arrays as "". Always true.
 */
bool fieldsel_default_get(const json_t *obj, const char *field, struct buf *out, void *ctx);
/*
 * The value a "field=value" requirement demands, or NULL if there is none
 * (lets the store narrow a list by metadata.name or metadata.namespace).
 * Returns borrowed.
 */
const char *fieldsel_exact(const struct fieldsel *fs, const char *field);
bool fieldsel_empty(const struct fieldsel *fs);
/* The fields the terms look at (borrowed) into out; returns how many there are (may exceed max). */
size_t fieldsel_fields(const struct fieldsel *fs, const char **out, size_t max);
void fieldsel_free(struct fieldsel *fs);

#endif
