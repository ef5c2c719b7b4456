/* SPDX-License-Identifier: Apache-2.0 */
/* Built-in kinds keep no fields their OpenAPI schema does not declare. */
#ifndef ATOLL_STRICT_H
#define ATOLL_STRICT_H

#include <jansson.h>

#include "api/kind.h"

/*
 * Drop undeclared fields from obj, as decoding into typed objects does.
 * Schemas without declared properties (free-form objects) keep everything.
 */
void strict_prune(const struct api_kind *k, json_t *obj);

#endif
