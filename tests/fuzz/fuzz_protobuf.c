/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for the Kubernetes protobuf body decoder. */
#include <stdint.h>
#include <stdlib.h>

#include "api/protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/*
 * Inputs starting with 0xff are a bare message of one of the top-level kinds
 * (chosen by the second byte), so the fuzzer reaches deep fields without
 * having to rebuild an envelope; anything else is a whole body.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct atoll_err err = ERR_INIT;
	json_t *j;

	if (len >= 2 && data[0] == 0xff) {
		const struct pb_msg *m = pb_schema_find(pb_schema_kinds[data[1] % pb_schema_kinds_n].msg);
		if (!m)
			abort();
		j = k8spb_decode_msg(m, NULL, 0, data + 2, len - 2, &err);
	} else {
		j = k8spb_decode(data, len, &err);
	}
	if (j) {
		char *s = json_dumps(j, JSON_COMPACT);
		if (!s)
			abort(); /* everything we build must serialize */
		free(s);
		json_decref(j);
	} else if (err.code != 400 && err.code != 413 && err.code != 415) {
		abort();
	}
	return 0;
}
