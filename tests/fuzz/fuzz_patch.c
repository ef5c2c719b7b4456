/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the three patch flavours. Input is a JSON array
 * [document, patch], or any JSON used as the patch against a fixed Pod.
 * Beyond not crashing: errors are 4xx with a message, inputs stay
 * unmodified, and merge patch is idempotent (RFC 7386).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/patch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {
	"spec.containers", "name", "spec.containers.env", "name",
	"spec.containers.ports", "containerPort", "spec.volumes", "name",
	"spec.template.spec.containers", "name", "status.conditions", "type",
	"spec.set", "", NULL,
};

static const char pod[] =
	"{\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":\"1\"},\"finalizers\":[\"f\"],"
	"\"ownerReferences\":[{\"uid\":\"u\",\"name\":\"o\"}]},"
	"\"spec\":{\"set\":[1,2],\"containers\":[{\"name\":\"c\",\"image\":\"i\","
	"\"env\":[{\"name\":\"A\",\"value\":\"1\"}],\"ports\":[{\"containerPort\":80}]}],"
	"\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]},\"status\":{\"conditions\":[{\"type\":\"Ready\"}]}}";

static void check_err(json_t *r, const struct atoll_err *err)
{
	if (!r && (err->code < 400 || err->code >= 500 || !err->msg[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	json_t *doc, *patch;
	struct atoll_err err = ERR_INIT;

	if (!in)
		return 0;
	if (!json_depth_ok(in, 64)) {
		json_decref(in);
		return 0;
	}
	if (json_is_array(in) && json_array_size(in) == 2) {
		doc = json_incref(json_array_get(in, 0));
		patch = json_incref(json_array_get(in, 1));
	} else {
		doc = json_loads(pod, 0, NULL);
		patch = json_incref(in);
	}
	json_t *doc_before = json_deep_copy(doc), *patch_before = json_deep_copy(patch);

	json_t *r = patch_json(doc, patch, &err);
	check_err(r, &err);
	json_decref(r);

	r = patch_merge(doc, patch, &err);
	check_err(r, &err);
	if (r) {
		json_t *r2 = patch_merge(r, patch, &err);
		if (!r2 || !json_equal(r, r2))
			abort();
		json_decref(r2);
	}
	json_decref(r);

	r = patch_strategic(doc, patch, keys, &err);
	check_err(r, &err);
	json_decref(r);

	if (!json_equal(doc, doc_before) || !json_equal(patch, patch_before))
		abort();
	(void)patch_pointer_get(doc, json_string_value(patch));
	json_decref(doc_before);
	json_decref(patch_before);
	json_decref(doc);
	json_decref(patch);
	json_decref(in);
	return 0;
}
