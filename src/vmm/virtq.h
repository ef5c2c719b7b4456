/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split virtqueues (virtio 1.x, section 2.7) seen from the device side.
 * Everything in the rings is guest controlled: descriptors are copied out
 * before they are checked, chains are bounded by the queue size, and any
 * violation makes virtq_pop() return -EINVAL so the device can ask for a
 * reset instead of trusting the guest.
 */
#ifndef ATOLL_VMM_VIRTQ_H
#define ATOLL_VMM_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

#define VIRTQ_MAX_SIZE 256 /* largest queue any Atoll device offers */

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq {
	uint16_t size;       /* negotiated size, power of two, <= VIRTQ_MAX_SIZE */
	bool ready;
	bool indirect;       /* VIRTIO_F_INDIRECT_DESC negotiated */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t last_avail; /* next avail entry we will consume */
	uint16_t used_idx;   /* our copy of used->idx */
};

/* One segment of a chain, already translated to a host pointer (borrowed:
 * it points into guest memory, whose contents the guest may change at any time). */
struct virtq_iov {
	uint8_t *base;
	uint32_t len;
};

/*
 * A popped descriptor chain: `nr_out` device-readable segments first, then
 * `nr_in` device-writable ones (the spec requires that order).
 */
struct virtq_chain {
	uint16_t head;
	uint16_t nr_out, nr_in;
	uint64_t out_len, in_len;
	struct virtq_iov iov[VIRTQ_MAX_SIZE];
};

/* Why a chain was refused; virtq_strerror() names it for the log. */
enum virtq_err {
	VQ_OK = 0,
	VQ_BAD_RING,       /* ring addresses not in guest memory */
	VQ_BAD_AVAIL_IDX,  /* avail->idx ran more than size ahead */
	VQ_BAD_HEAD,       /* head index >= size */
	VQ_BAD_NEXT,       /* next index >= size */
	VQ_LOOP,           /* chain longer than the queue: a loop */
	VQ_BAD_ADDR,       /* buffer outside guest memory */
	VQ_BAD_ORDER,      /* readable after writable */
	VQ_BAD_INDIRECT,   /* indirect not negotiated, nested, misaligned, too big */
	VQ_TOO_LONG,       /* total length over 4 GiB */
};

const char *virtq_strerror(int err);

/* Check the three ring areas fit in guest memory (at QueueReady time). */
bool virtq_rings_valid(const struct virtq *q, const struct guest_mem *m);

/*
 * Take the next available chain. Returns 1 with *c filled, 0 if the ring is
 * empty, or -(enum virtq_err) if the guest broke the rules; on error the
 * queue is left unchanged and the device should go to DEVICE_NEEDS_RESET.
 */
int virtq_pop(struct virtq *q, const struct guest_mem *m, struct virtq_chain *c);

/* Put back the chain just popped, unused (the device had nothing for it). */
void virtq_unpop(struct virtq *q);

/* Return a chain to the guest with `written` bytes produced. 0 or -VQ_BAD_RING. */
int virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t written);

/* Whether the guest asked not to be interrupted (VIRTQ_AVAIL_F_NO_INTERRUPT). */
bool virtq_want_irq(const struct virtq *q, const struct guest_mem *m);

/* Scatter-gather copies over a chain's readable (out) or writable (in) part. */
size_t virtq_copy_from(const struct virtq_chain *c, size_t off, void *dst, size_t len);
size_t virtq_copy_to(const struct virtq_chain *c, size_t off, const void *src, size_t len);

/*
 * Fill iov with host iovecs for `len` bytes of the chain's readable (in=false)
 * or writable (in=true) part, starting `skip` bytes in. iov needs room for
 * VIRTQ_MAX_SIZE entries. Returns the number of entries.
 */
struct iovec;
int virtq_iovec(const struct virtq_chain *c, bool in, uint64_t skip, uint64_t len, struct iovec *iov);

#endif
