/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a few fields of a large JSON object without parsing all of it:
 * a watch filter needs a pod's labels and spec.nodeName, not its
 * managedFields and container statuses. The values at the wanted paths are
 * parsed in full; everything else is stepped over without allocation.
 */
#ifndef ATOLL_JSKIM_H
#define ATOLL_JSKIM_H

#include <jansson.h>
#include <stddef.h>

/*
 * The object text s (len bytes) reduced to the wanted dotted paths (keys
 * through objects, as "metadata.labels"): returns an owned object holding
 * what exists of them, the same values a full parse has there (a value
 * met on the way that is not an object is kept whole, as a lookup through
 * it would see it). Returns NULL when s is not an object, or has
 * something it leaves to a full parse (an escaped key, bad syntax on the
 * way): then parse it in full.
 */
json_t *jskim(const char *s, size_t len, const char *const *paths, size_t npaths);

/*
 * The object text s parsed, reusing the members of old_obj (the parse of
 * the text old) whose text is byte for byte the same: a pod's spec when
 * only its status changed. Reused members are shared with old_obj (treat
 * both as read-only). Returns owned, or NULL when s is not valid JSON.
 */
json_t *jskim_reparse(const char *s, size_t len, const char *old, size_t old_len, json_t *old_obj);

#endif
