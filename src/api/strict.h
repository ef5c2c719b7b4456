/* SPDX-License-Identifier: Apache-2.0 */
/* fieldValidation for built-in kinds: unknown fields found through the OpenAPI schemas. */
#ifndef ATOLL_STRICT_H
#define ATOLL_STRICT_H

#include <jansson.h>

#include "api/kind.h"

/*
 * Append to out (a JSON array of strings) the dotted paths of fields in obj
 * that the kind's OpenAPI schema does not declare. Schemas without declared
 * properties (free-form objects) accept anything, so a shallow schema never
 * rejects a valid field.
 */
void strict_unknown_fields(const struct api_kind *k, const json_t *obj, json_t *out);

/* Drop the fields strict_unknown_fields would report (built-in kinds do not keep them). */
void strict_prune(const struct api_kind *k, json_t *obj);

#endif
