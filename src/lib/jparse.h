/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A faster json_loadb for the JSON the server stores and sends itself.
 * jansson's parser reads a byte at a time through its stream layer and
 * spends about 200 instructions a byte; this one scans runs of plain bytes
 * and builds the same jansson values. It takes only the plain subset
 * (ASCII strings, simple escapes, integers that fit) and gives up on
 * anything else, which jparse_loadb then hands to jansson: the answer is
 * always jansson's.
 */
#ifndef ATOLL_JPARSE_H
#define ATOLL_JPARSE_H

#include <jansson.h>
#include <stddef.h>

/* As json_loadb(s, len, flags, err) with flags 0 or JSON_DECODE_ANY (others: jansson's). Returns owned. */
json_t *jparse_loadb(const char *s, size_t len, size_t flags, json_error_t *err);

#endif
