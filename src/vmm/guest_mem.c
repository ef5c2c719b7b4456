/* SPDX-License-Identifier: Apache-2.0 */
/* The one bounds check between guest-controlled addresses and host memory. */
#include "vmm/guest_mem.h"

void *guest_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < m->nr; i++) {
		const struct guest_region *r = &m->r[i];

		if (gpa < r->gpa)
			continue;
		uint64_t off = gpa - r->gpa;
		/* Written so that no sum can wrap: off < size, len <= size - off. */
		if (off >= r->size || (len && len > r->size - off))
			continue;
		return r->host + off;
	}
	return NULL;
}
