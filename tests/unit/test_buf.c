/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/buf.h"
#include "t.h"

int main(void)
{
	struct buf b = BUF_INIT;

	CHECK(b.len == 0 && b.p[0] == '\0');
	buf_adds(&b, "abc");
	buf_addf(&b, "-%d-%s", 42, "x");
	CHECK_STR(b.p, "abc-42-x");
	for (int i = 0; i < 1000; i++)
		buf_addc(&b, 'z');
	CHECK(b.len == 1008 && b.p[1008] == '\0');
	size_t n;
	char *d = buf_detach(&b, &n);
	CHECK(n == 1008 && b.len == 0 && b.p[0] == '\0');
	free(d);
	buf_release(&b);
	return T_DONE();
}
