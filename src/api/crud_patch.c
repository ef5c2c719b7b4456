/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PATCH: JSON patch, merge patch, strategic merge patch (built-in kinds),
 * and server-side apply (src/api/apply.c). Like Kubernetes, a patch without
 * a resourceVersion is retried when it races with another writer.
 */
#include <stdlib.h>
#include <string.h>

#include "api/apply.h"
#include "api/object.h"
#include "api/patch.h"
#include "api/write.h"

#define PATCH_ATTEMPTS 8

int crud_patch(struct api_call *c)
{
	const char *ct = req_header(c->r, "Content-Type");
	enum patch_type type = patch_type_from_content_type(ct ? ct : "");
	struct atoll_err err = ERR_INIT;

	if (type == PATCH_NONE)
		return reply_error(c->r, 415, "UnsupportedMediaType",
				   "the body of the request was in an unknown format - accepted media types include: "
				   "application/json-patch+json, application/merge-patch+json, "
				   "application/apply-patch+yaml, application/strategic-merge-patch+json");
	if (type == PATCH_STRATEGIC && c->k->crd)
		return reply_error(c->r, 415, "UnsupportedMediaType",
				   "the body of the request was in an unknown format - accepted media types include: "
				   "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
	json_t *patch = req_body_json(c);
	if (!patch)
		return 0;
	if (type == PATCH_APPLY) {
		int rc = apply_handle(c, patch);
		json_decref(patch);
		return rc;
	}
	c->retry_conflict = true;
	for (int attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
		int64_t rev;
		json_t *old = write_get_current(c, &rev, &err);
		if (!old) {
			json_decref(patch);
			return reply_status(c->r, &err, &c->t);
		}
		json_t *obj = patch_apply(type, old, patch, c->k->merge_keys, &err);
		if (!obj) {
			json_decref(old);
			json_decref(patch);
			if (err.code == 422) {
				json_t *causes = json_pack("[{s:s,s:s,s:s}]", "reason", "FieldValueInvalid",
							   "message", err.msg, "field", "");
				return reply_invalid(c->r, c->k->kind, c->t.name, causes);
			}
			return reply_status(c->r, &err, &c->t);
		}
		if (!json_is_object(obj)) {
			json_decref(obj);
			json_decref(old);
			json_decref(patch);
			return reply_error(c->r, 422, "Invalid", "the patched object is not a JSON object");
		}
		/* A resourceVersion in the result is a precondition; then no retry. */
		const char *rv = obj_str(obj, "metadata.resourceVersion");
		int64_t expect = rev;
		if (rv && *rv && strtoll(rv, NULL, 10) != rev) {
			expect = strtoll(rv, NULL, 10);
			c->retry_conflict = false;
		}
		const char *name = obj_name(obj);
		if (!name || strcmp(name, c->t.name)) {
			json_decref(obj);
			json_decref(old);
			json_decref(patch);
			return reply_error(c->r, 400, "BadRequest", "metadata.name cannot be changed by a patch");
		}
		if (!strcmp(c->t.sub, "status")) {
			json_t *st = write_status_only(old, obj);
			json_decref(obj);
			obj = st;
		} else if (!strcmp(c->t.sub, "ephemeralcontainers")) {
			json_t *st = write_ephemeral_only(old, obj);
			json_decref(obj);
			obj = st;
		}
		apply_track_update(c, old, obj);
		int rc = write_object(c, obj, old, expect, false);
		json_decref(old);
		if (rc != 1) {
			json_decref(patch);
			return rc;
		}
	}
	json_decref(patch);
	return reply_error(c->r, 409, "Conflict", "the object kept changing while the patch was applied; try again");
}
