/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenAPI documents for kubectl and clients: the v3 index (/openapi/v3), one
 * v3 document per group-version (/openapi/v3/apis/apps/v1), and Swagger 2.0
 * (/openapi/v2). Built-in documents are generated once, on first use or by
 * openapi_init(), and are immutable afterwards: every function here is
 * thread-safe.
 */
#ifndef ATOLL_OPENAPI_H
#define ATOLL_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

/* Builds the cached documents now (optional; the getters build on first use). */
void openapi_init(void);

/*
 * The cached documents. Each returns a new reference (the caller json_decref()s
 * it) to a shared, immutable object: never modify it. NULL when unknown.
 */
json_t *openapi_v3_index(void);
json_t *openapi_v3_gv(const char *group, const char *version);
json_t *openapi_v2(void);

/*
 * The same documents serialized, for serving without re-encoding: borrowed,
 * valid for the life of the process. hash is the uppercase hex SHA-512 of
 * the text, as in the index's "?hash=" URLs (a request with a matching hash
 * may be answered with "Cache-Control: public, immutable"). NULL when unknown.
 */
const char *openapi_v3_gv_text(const char *group, const char *version, size_t *len,
			       const char **hash);
const char *openapi_v2_text(size_t *len);
/*
 * The Swagger 2.0 document as protocol buffers, what client-go requests
 * (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf);
 * kubectl needs it to validate `kind: List` files. Borrowed, as above.
 */
const char *openapi_v2_protobuf(size_t *len);

/* The component name of a built-in kind's schema ("io.k8s.api.apps.v1.Deployment"); owned. */
struct api_kind;
char *oa_kind_schema_name(const struct api_kind *k);

/*
 * The uppercase hex SHA-512 of a serialized document, for the index's
 * "?hash=" URLs of documents built elsewhere (CRD group-versions).
 */
void openapi_hash(const char *text, size_t len, char out[129]);

/* The index path of a group-version: "api/v1" or "apis/apps/v1". Returns owned. */
char *openapi_gv_path(const char *group, const char *version);

/*
 * Server-side field validation of a built-in kind: the paths of obj's fields
 * that its schema does not declare ("spec.containers[0].bogus", at most 64),
 * leaving status out. Kubernetes answers fieldValidation=Strict (kubectl's
 * default) with 400 BadRequest: `<Kind> in version "<v>" cannot be handled
 * as a <Kind>: strict decoding error: unknown field "<path>", ...`, and Warn
 * with a warning per field. Returns owned; NULL for kinds without a table
 * schema (CRDs: their structural schema decides).
 */
struct api_kind;
json_t *openapi_unknown_fields(const struct api_kind *k, const json_t *obj);
/*
 * Drop from obj (in place) the fields openapi_unknown_fields would report, as
 * decoding into typed objects does; status is left alone. Uses only the
 * static type tables (no document is built).
 */
void openapi_prune_unknown(const struct api_kind *k, json_t *obj);

/*
 * CRDs. openapi_crd_schema() wraps one CRD version's openAPIV3Schema (or a
 * free-form object when it has none) with the x-kubernetes-group-version-kind
 * extension of crd's group and kind; returns owned. openapi_v3_crd_gv()
 * builds a whole group-version document for the CRDs serving that version
 * (crds: borrowed CRD objects), with paths like the built-in ones but
 * without strategic merge patch, as Kubernetes serves CRDs; returns owned,
 * NULL when none of them serves the version.
 */
json_t *openapi_crd_schema(const json_t *crd, const json_t *crd_version);
json_t *openapi_v3_crd_gv(const json_t *const *crds, size_t n, const char *group,
			  const char *version);

#endif
