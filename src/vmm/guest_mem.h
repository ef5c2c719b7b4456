/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest physical memory as the VMM sees it: up to two host mappings (below
 * and above the 32-bit MMIO hole). Every access the guest can steer goes
 * through guest_ptr(), which checks the whole range and overflow.
 */
#ifndef ATOLL_VMM_GUEST_MEM_H
#define ATOLL_VMM_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS 2

struct guest_region {
	uint64_t gpa;   /* first guest physical address */
	uint64_t size;  /* bytes */
	uint8_t *host;  /* borrowed: the mapping belongs to the owner of guest_mem */
};

struct guest_mem {
	struct guest_region r[GUEST_MEM_MAX_REGIONS];
	int nr;
};

/*
 * Host pointer for guest range [gpa, gpa+len), or NULL if any byte of it
 * lies outside one region (a range never spans two regions) or gpa+len
 * overflows. len == 0 is allowed and checks gpa only.
 */
void *guest_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

#endif
