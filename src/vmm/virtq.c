/* SPDX-License-Identifier: Apache-2.0 */
/* Split virtqueue, device side: pop and check chains, push used entries. */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "vmm/virtq.h"

/* Ring layouts (virtio 1.x 2.7): sizes in bytes for a queue of n entries. */
#define DESC_BYTES(n)  ((uint64_t)(n) * 16)
#define AVAIL_BYTES(n) (4 + (uint64_t)(n) * 2 + 2)
#define USED_BYTES(n)  (4 + (uint64_t)(n) * 8 + 2)

static const char *const errs[] = {
	[VQ_OK] = "ok",
	[VQ_BAD_RING] = "ring outside guest memory",
	[VQ_BAD_AVAIL_IDX] = "avail index ran ahead of queue size",
	[VQ_BAD_HEAD] = "head index out of range",
	[VQ_BAD_NEXT] = "next index out of range",
	[VQ_LOOP] = "descriptor chain loops or exceeds queue size",
	[VQ_BAD_ADDR] = "buffer outside guest memory",
	[VQ_BAD_ORDER] = "readable descriptor after writable one",
	[VQ_BAD_INDIRECT] = "bad indirect descriptor table",
	[VQ_TOO_LONG] = "chain longer than 4 GiB",
};

const char *virtq_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= (int)(sizeof(errs) / sizeof(errs[0])))
		return "unknown";
	return errs[err];
}

bool virtq_rings_valid(const struct virtq *q, const struct guest_mem *m)
{
	if (!q->size || q->size > VIRTQ_MAX_SIZE || (q->size & (q->size - 1)))
		return false;
	/* Alignment as the spec requires: 16, 2 and 4 bytes. */
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3))
		return false;
	return guest_ptr(m, q->desc_gpa, DESC_BYTES(q->size)) &&
	       guest_ptr(m, q->avail_gpa, AVAIL_BYTES(q->size)) &&
	       guest_ptr(m, q->used_gpa, USED_BYTES(q->size));
}

static uint16_t load16(const void *p)
{
	uint16_t v;

	/* The guest writes these concurrently; read each exactly once. */
	v = __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
	return v;
}

/* Append one descriptor (already copied out of guest memory) to the chain. */
static int chain_add(struct virtq_chain *c, const struct guest_mem *m,
		     const struct virtq_desc *d, uint16_t limit)
{
	bool wr = d->flags & VIRTQ_DESC_F_WRITE;
	uint8_t *p;

	if (c->nr_out + c->nr_in >= limit)
		return -VQ_LOOP;
	if (!wr && c->nr_in)
		return -VQ_BAD_ORDER;
	p = guest_ptr(m, d->addr, d->len);
	if (!p)
		return -VQ_BAD_ADDR;
	if (wr) {
		if (c->in_len + d->len > UINT32_MAX)
			return -VQ_TOO_LONG;
		c->in_len += d->len;
		c->nr_in++;
	} else {
		if (c->out_len + d->len > UINT32_MAX)
			return -VQ_TOO_LONG;
		c->out_len += d->len;
		c->nr_out++;
	}
	c->iov[c->nr_out + c->nr_in - 1] = (struct virtq_iov){ p, d->len };
	return 0;
}

static int walk_indirect(struct virtq_chain *c, const struct guest_mem *m,
			 const struct virtq_desc *ind, uint16_t limit)
{
	const uint8_t *table;
	uint32_t n;
	uint16_t i = 0;

	if ((ind->len & 15) || ind->len == 0)
		return -VQ_BAD_INDIRECT;
	n = ind->len / 16;
	if (n > limit)
		return -VQ_BAD_INDIRECT;
	table = guest_ptr(m, ind->addr, ind->len);
	if (!table)
		return -VQ_BAD_INDIRECT;
	for (uint32_t steps = 0;; steps++) {
		struct virtq_desc d;
		int r;

		if (steps >= n)
			return -VQ_LOOP;
		memcpy(&d, table + (size_t)i * 16, sizeof(d));
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return -VQ_BAD_INDIRECT; /* nesting is forbidden */
		r = chain_add(c, m, &d, limit);
		if (r)
			return r;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return -VQ_BAD_NEXT;
		i = d.next;
	}
}

int virtq_pop(struct virtq *q, const struct guest_mem *m, struct virtq_chain *c)
{
	const uint8_t *avail = guest_ptr(m, q->avail_gpa, AVAIL_BYTES(q->size));
	const uint8_t *desc = guest_ptr(m, q->desc_gpa, DESC_BYTES(q->size));
	uint16_t avail_idx, head, i;

	if (!q->ready || !avail || !desc)
		return -VQ_BAD_RING;
	avail_idx = load16(avail + 2);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		return -VQ_BAD_AVAIL_IDX;
	head = load16(avail + 4 + 2 * (q->last_avail % q->size));
	if (head >= q->size)
		return -VQ_BAD_HEAD;

	c->head = head;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	i = head;
	for (uint32_t steps = 0;; steps++) {
		struct virtq_desc d;
		int r;

		if (steps >= q->size)
			return -VQ_LOOP;
		memcpy(&d, desc + (size_t)i * 16, sizeof(d));
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* An indirect descriptor must be alone in its chain. */
			if (!q->indirect || (d.flags & VIRTQ_DESC_F_NEXT) || c->nr_out + c->nr_in)
				return -VQ_BAD_INDIRECT;
			r = walk_indirect(c, m, &d, q->size);
			if (r)
				return r;
			break;
		}
		r = chain_add(c, m, &d, q->size);
		if (r)
			return r;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= q->size)
			return -VQ_BAD_NEXT;
		i = d.next;
	}
	q->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *q)
{
	q->last_avail--;
}

int virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t written)
{
	uint8_t *used = guest_ptr(m, q->used_gpa, USED_BYTES(q->size));
	uint32_t elem[2] = { head, written };

	if (!used)
		return -VQ_BAD_RING;
	memcpy(used + 4 + 8 * (size_t)(q->used_idx % q->size), elem, sizeof(elem));
	q->used_idx++;
	/* The element must be visible before the index that publishes it. */
	__atomic_store_n((uint16_t *)(used + 2), q->used_idx, __ATOMIC_RELEASE);
	return 0;
}

bool virtq_want_irq(const struct virtq *q, const struct guest_mem *m)
{
	const uint8_t *avail = guest_ptr(m, q->avail_gpa, AVAIL_BYTES(q->size));

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !avail || !(load16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

static size_t copy_iov(const struct virtq_chain *c, int first, int nr, size_t off,
		       uint8_t *buf, size_t len, bool to_guest)
{
	size_t done = 0;

	for (int k = first; k < first + nr && done < len; k++) {
		const struct virtq_iov *v = &c->iov[k];
		size_t n;

		if (off >= v->len) {
			off -= v->len;
			continue;
		}
		n = v->len - off;
		if (n > len - done)
			n = len - done;
		if (to_guest)
			memcpy(v->base + off, buf + done, n);
		else
			memcpy(buf + done, v->base + off, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t virtq_copy_from(const struct virtq_chain *c, size_t off, void *dst, size_t len)
{
	return copy_iov(c, 0, c->nr_out, off, dst, len, false);
}

size_t virtq_copy_to(const struct virtq_chain *c, size_t off, const void *src, size_t len)
{
	return copy_iov(c, c->nr_out, c->nr_in, off, (uint8_t *)src, len, true);
}

int virtq_iovec(const struct virtq_chain *c, bool in, uint64_t skip, uint64_t len, struct iovec *iov)
{
	int first = in ? c->nr_out : 0, nr = in ? c->nr_in : c->nr_out, n = 0;

	for (int k = first; k < first + nr && len; k++) {
		uint64_t l = c->iov[k].len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		iov[n++] = (struct iovec){ c->iov[k].base + skip, l };
		len -= l;
		skip = 0;
	}
	return n;
}
