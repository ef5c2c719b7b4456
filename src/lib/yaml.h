/* SPDX-License-Identifier: Apache-2.0 */
/* YAML (one document) to JSON, with libyaml. */
#ifndef ATOLL_YAML_H
#define ATOLL_YAML_H

#include <jansson.h>
#include <stddef.h>

/*
 * Parse the first YAML document into a JSON value (returns owned), or NULL
 * with a message in msg. Plain scalars become numbers, booleans and null as
 * in YAML 1.2's core schema; quoted ones stay strings. Nesting deeper than
 * max_depth is refused.
 */
json_t *yaml_to_json(const char *data, size_t len, int max_depth, char *msg, size_t msglen);

#endif
