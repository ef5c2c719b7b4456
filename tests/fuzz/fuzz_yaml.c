/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: YAML request bodies to JSON must never crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "lib/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[128];
	json_t *j = yaml_to_json((const char *)data, size, 100, msg, sizeof(msg));

	json_decref(j);
	return 0;
}
