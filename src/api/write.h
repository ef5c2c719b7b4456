/* SPDX-License-Identifier: Apache-2.0 */
/* The shared write path: admission, defaulting, validation and the store write. */
#ifndef ATOLL_WRITE_H
#define ATOLL_WRITE_H

#include "api/request.h"

/*
 * Write obj (takes it) for the call's target. old is the current object
 * (borrowed, NULL on create) with its mod revision old_rev. On success
 * replies with the stored object (code 201 on create, else 200).
 */
int write_object(struct api_call *c, json_t *obj, json_t *old, int64_t old_rev, bool create);

/* Read the current object (owned) and its revision; NULL with err 404. */
json_t *write_get_current(struct api_call *c, int64_t *rev, struct atoll_err *err);

/*
 * For writes through the status subresource: a copy of old whose status is
 * obj's (returns owned; borrows both).
 */
json_t *write_status_only(const json_t *old, const json_t *obj);

/*
 * For writes through pods/ephemeralcontainers: a copy of old whose
 * spec.ephemeralContainers is obj's (returns owned; borrows both).
 */
json_t *write_ephemeral_only(const json_t *old, const json_t *obj);

/* Hooks run after a successful write or delete (controllers: CRDs, namespaces). */
void write_after(struct api_call *c, const json_t *obj, bool deleted);

#endif
