/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: hostile bytes into the SPDY frame parser and header-block reader. */
#include <stddef.h>
#include <stdint.h>

#include "agent/spdy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spdy_conn c;
	struct spdy_frame f;
	uint32_t id;
	size_t cut = size ? data[0] % (size + 1) : 0;

	spdy_init(&c);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			spdy_feed(&c, data, cut);
		else
			spdy_feed(&c, data + cut, size - cut);
		for (int i = 0; i < 10000 && spdy_next(&c, &f) == 1; i++) {
			if (f.control && f.type == SPDY_SYN_STREAM) {
				json_t *h = spdy_syn_stream_headers(&c, &f, &id);
				json_decref(h);
			}
		}
	}
	spdy_release(&c);
	return 0;
}
