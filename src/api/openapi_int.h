/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by openapi*.c: the v2/v3 differences and the document pieces. */
#ifndef ATOLL_OPENAPI_INT_H
#define ATOLL_OPENAPI_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "api/kind.h"
#include "api/openapi_types.h"

struct oa_style {
	bool v3;                /* OpenAPI 3.0, else Swagger 2.0 */
	const char *ref_prefix; /* "#/components/schemas/" or "#/definitions/" */
};

extern const struct oa_style oa_v3, oa_v2;

/* A served resource, built-in or CRD, as the path generator needs it. */
struct oa_res {
	const char *group, *version, *kind, *plural;
	bool namespaced;
	unsigned subresources; /* API_SUB_* */
	const char *schema;    /* component name of the kind */
	const char *list_schema;
	bool smp;              /* strategic merge patch is accepted (built-ins only) */
};

/* Schema of a table type; returns owned. */
json_t *oa_schema_of(const struct oa_style *st, const struct oa_type *t);
/* Adds root and every type it references (transitively) to schemas. */
void oa_add_closure(const struct oa_style *st, json_t *schemas, const char *root);
bool oa_is_scalar(const char *type);
/* The x-kubernetes-group-version-kind value: [{group,kind,version}]; returns owned. */
json_t *oa_gvk_list(const char *group, const char *version, const char *kind);
/* A generated List schema whose items are `schema`; returns owned. */
json_t *oa_list_schema(const struct oa_style *st, const char *schema, const char *group,
		       const char *version, const char *list_kind);

/* Adds the paths of one resource (collection, item, status, scale) to paths. */
void oa_add_paths(const struct oa_style *st, json_t *paths, const struct oa_res *r);

/* The Swagger 2.0 document doc as a gnostic openapi.v2.Document protobuf; returns owned. */
char *oa_v2_protobuf(const json_t *doc, size_t *len);

/* Component names of a built-in kind and its list; return owned. */
char *oa_kind_schema_name(const struct api_kind *k);

#endif
