/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Server-side apply and field ownership (metadata.managedFields, FieldsV1).
 * A field set is kept in the FieldsV1 shape itself: {"f:spec":{"f:replicas":{}}},
 * with "k:{...}" for list items identified by their merge key and "." for a
 * list item as a whole.
 */
#ifndef ATOLL_APPLY_H
#define ATOLL_APPLY_H

#include "api/request.h"

/* PATCH with application/apply-patch+yaml (cfg borrowed). Answers the request. */
int apply_handle(struct api_call *c, const json_t *cfg);

/*
 * Record an Update by the request's field manager: the fields that differ
 * between old (NULL on create) and obj become the manager's, and leave other
 * managers' sets. Keeps old managedFields when obj has none.
 */
void apply_track_update(struct api_call *c, const json_t *old, json_t *obj);

/* The field manager of a request: ?fieldManager=, else the User-Agent's product. */
void apply_manager(struct api_req *r, char *out, size_t n);

#endif
