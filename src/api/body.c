/* SPDX-License-Identifier: Apache-2.0 */
/* Request bodies: JSON or YAML by Content-Type, with depth and shape limits. */
#include <string.h>

#include "api/protobuf.h"
#include "api/request.h"
#include "lib/jparse.h"
#include "lib/yaml.h"

static int depth_ok(const json_t *j, int left)
{
	const char *k;
	json_t *v;
	size_t i;

	if (left <= 0)
		return 0;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v)
			if (!depth_ok(v, left - 1))
				return 0;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (!depth_ok(v, left - 1))
				return 0;
	}
	return 1;
}

json_t *req_body_json(struct api_call *c)
{
	struct api_req *r = c->r;
	const char *ct = req_header(r, "Content-Type");
	json_error_t jerr;
	json_t *j;

	if (!r->body.len) {
		reply_error(r, 400, "BadRequest", "the request body is empty");
		return NULL;
	}
	if (ct && (strstr(ct, "yaml") && !strstr(ct, "apply-patch"))) {
		char msg[256];
		j = yaml_to_json(r->body.p, r->body.len, API_MAX_DEPTH, msg, sizeof(msg));
		if (!j) {
			reply_error(r, 400, "BadRequest", "the body is not valid YAML: %s", msg);
			return NULL;
		}
	} else if (ct && strstr(ct, "apply-patch")) {
		/* Server-side apply bodies are YAML (JSON is valid YAML). */
		j = jparse_loadb(r->body.p, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!j) {
			char msg[256];
			j = yaml_to_json(r->body.p, r->body.len, API_MAX_DEPTH, msg, sizeof(msg));
			if (!j) {
				reply_error(r, 400, "BadRequest", "the body is not valid YAML: %s", msg);
				return NULL;
			}
		}
	} else if (ct && k8spb_content_type(ct)) {
		struct atoll_err err = ERR_INIT;
		j = k8spb_decode(r->body.p, r->body.len, &err);
		if (!j) {
			reply_error(r, err.code, err.reason, "%s", err.msg);
			return NULL;
		}
	} else {
		/* jansson limits nesting itself (2048); we add our own, lower limit. */
		j = jparse_loadb(r->body.p, r->body.len, 0, &jerr);
		if (!j) {
			reply_error(r, 400, "BadRequest", "the body is not valid JSON: %s at line %d column %d",
				    jerr.text, jerr.line, jerr.column);
			return NULL;
		}
	}
	if (!depth_ok(j, API_MAX_DEPTH)) {
		json_decref(j);
		reply_error(r, 400, "BadRequest", "the body is nested deeper than %d levels", API_MAX_DEPTH);
		return NULL;
	}
	return j;
}
