/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Object plumbing shared by every kind: store keys, metadata defaults
 * (uid, creationTimestamp, generation, generateName), canonical encoding,
 * and splicing the resourceVersion into stored JSON on the way out.
 */
#ifndef ATOLL_OBJECT_H
#define ATOLL_OBJECT_H

#include <jansson.h>
#include <stdint.h>

#include "api/kind.h"
#include "lib/buf.h"
#include "lib/err.h"

/* "core" for the legacy group. */
const char *obj_group_key(const char *group);
/* Store key of one object, or prefix of a list (name NULL; ns NULL = all). Returns owned. */
char *obj_key(const struct api_kind *k, const char *ns, const char *name);

/* The apiVersion string of a kind ("v1", "apps/v1"). Writes into out. */
void obj_api_version(const struct api_kind *k, char *out, size_t n);

/* RFC 3339 UTC timestamp of now, with second precision. */
void obj_now(char *out, size_t n);
/* Random version-4 UUID. */
void obj_uuid(char *out, size_t n);

/*
 * Encode for storage: apiVersion, kind, metadata first, compact, without
 * metadata.resourceVersion (the store revision is spliced in on output).
 * Returns owned string, *len set.
 */
char *obj_encode(json_t *obj, size_t *len);

struct store;
/*
 * Encode obj (borrowed) and write it at key if `expect` holds (STORE_ABSENT,
 * STORE_ANY or a mod revision). Returns 0 with *rev, or -1 with err.
 */
int obj_store_put(struct store *s, const char *key, json_t *obj, int64_t expect, int64_t *rev,
		  struct atoll_err *err);

/* Append stored JSON to out with "resourceVersion":"rev" added to metadata. */
void obj_splice_rv(struct buf *out, const char *json, size_t len, int64_t rev);

/* Parse stored JSON and set metadata.resourceVersion. Returns owned or NULL. */
json_t *obj_decode(const char *json, size_t len, int64_t rev);

/* metadata helpers (borrowed results). */
json_t *obj_meta(json_t *obj); /* creates metadata when absent */
const char *obj_name(const json_t *obj);
const char *obj_namespace(const json_t *obj);
const char *obj_str(const json_t *obj, const char *dotted_path);

/* Validation of the metadata every kind shares: name, labels, annotations. */
void obj_validate_meta(const struct api_kind *k, const json_t *obj, json_t *causes);
int obj_valid_dns1123_subdomain(const char *s);
int obj_valid_dns1123_label(const char *s);

#endif
