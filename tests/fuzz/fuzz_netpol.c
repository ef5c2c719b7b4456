/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the NetworkPolicy compiler over arbitrary JSON (API
 * objects are validated, but the compiler must never rely on it).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *in = json_loadb((const char *)data, size, 0, NULL);
	struct atoll_err err = ERR_INIT;

	if (!in)
		return 0;
	char *out = policy_compile(in, &err);
	if (json_is_object(in) != (out != NULL))
		abort();
	if (out && !strstr(out, "table inet " POLICY_TABLE " {\n"))
		abort();
	free(out);
	json_decref(in);
	return 0;
}
