/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: hostile bytes into the WebSocket parser, fed in two pieces. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_parser p = { .max_message = 1 << 16 };
	struct ws_msg m;
	uint16_t code;
	size_t cut = size ? data[0] % (size + 1) : 0;
	volatile unsigned sum = 0;

	p.client = size && (data[0] & 1);
	ws_feed(&p, data, cut);
	for (int i = 0; i < 10000 && ws_next(&p, &m, &code) == 1; i++)
		for (size_t j = 0; j < m.len; j++)
			sum += m.data[j];
	ws_feed(&p, data + cut, size - cut);
	for (int i = 0; i < 10000 && ws_next(&p, &m, &code) == 1; i++)
		for (size_t j = 0; j < m.len; j++)
			sum += m.data[j];
	ws_parser_release(&p);
	return sum == 0xFFFFFFFFu ? 0 : 0;
}
