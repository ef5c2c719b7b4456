/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A faster json_dumps for compact output, the form every stored object
 * and API answer takes. jansson's encoder spends about 125 instructions a
 * byte (half a million for a pod); this one writes runs of plain bytes at
 * once. It takes only what it writes byte for byte as jansson does (ASCII
 * strings with the short escapes, integers, literals) and hands anything
 * else (reals, control characters, non-ASCII, other flags) to json_dumps.
 */
#ifndef ATOLL_JDUMP_H
#define ATOLL_JDUMP_H

#include <jansson.h>
#include <stddef.h>

/*
 * As json_dumps(j, flags) when flags are JSON_COMPACT with any of
 * JSON_PRESERVE_ORDER (jansson 2.14 always keeps the order) and
 * JSON_ENCODE_ANY; other flags go to json_dumps. Returns owned (free()),
 * NULL where json_dumps fails; *len (may be NULL) is its length.
 */
char *jdump(const json_t *j, size_t flags, size_t *len);

#endif
