/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the schema_*.c files; not for use outside them. */
#ifndef ATOLL_SCHEMA_INT_H
#define ATOLL_SCHEMA_INT_H

#include <jansson.h>
#include <stdbool.h>

/* "a" + "b" -> "a.b", "" + "b" -> "b". Returns owned. */
char *schema_path_field(const char *path, const char *name);
/* "a" + 2 -> "a[2]". Returns owned. */
char *schema_path_index(const char *path, size_t i);
/* "a" + "k" -> "a[k]" (structural schema paths: "properties[spec]"). Returns owned. */
char *schema_path_key(const char *path, const char *key);

/* api_cause() for field path.key (key NULL: path itself). */
void schema_cause_at(json_t *causes, const char *reason, const char *path, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "object", "array", "string", "integer", "number", "boolean", "null". */
const char *schema_type_of(const json_t *v);
/* Value as Kubernetes prints it in messages: strings quoted, JSON otherwise,
 * at most ~100 bytes. Writes into out (size n), returns out. */
char *schema_fmt_value(const json_t *v, char *out, size_t n);

/* Shortest decimal form of d that reads back exactly. Returns out. */
char *schema_fmt_number(double d, char *out, size_t n);

/* Boolean keyword `key` of schema s is true. */
bool schema_flag(const json_t *s, const char *key);
/* Number (integer or real) into *d; false if v is not a number. */
bool schema_number(const json_t *v, double *d);
/* Integer-valued number (an integral real counts). */
bool schema_is_integer(const json_t *v);

/*
 * Structural check helpers (schema_keywords.c). check_keywords: every
 * keyword known and of the right JSON shape; in_junctor refuses what may
 * not appear inside allOf/anyOf/oneOf/not. Returns false when the node is
 * too broken to descend into. check_list_map: the x-kubernetes-list-type,
 * -list-map-keys and -map-type rules of one node.
 */
bool schema_check_keywords(const json_t *s, const char *path, bool in_junctor, json_t *causes);
void schema_check_list_map(const json_t *s, const char *path, json_t *causes);

/*
 * ECMA-262 patterns (schema_re.c), matched in time linear in the input.
 * schema_re_compile returns an owned matcher, or NULL with a reason in err
 * (size n). schema_re_match searches like ECMA's test(), unanchored: 1 on a
 * match, 0 on none, -1 when it gave up (too many steps for this input).
 */
struct schema_re;
struct schema_re *schema_re_compile(const char *pattern, char *err, size_t n);
int schema_re_match(const struct schema_re *re, const char *s);
void schema_re_free(struct schema_re *re);

#endif
