/* SPDX-License-Identifier: Apache-2.0 */
/* Virtqueue parsing against fake guest memory in a plain buffer. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "vmm/guest_mem.h"
#include "vmm/virtio.h"
#include "vmm/virtq.h"

#define MEM_SIZE (64 * 1024)
#define QSZ 8
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define DATA 0x4000
#define ITABLE 0x5000

static uint8_t mem_buf[MEM_SIZE] __attribute__((aligned(4096)));
static struct guest_mem mem = { { { 0, MEM_SIZE, mem_buf } }, 1 };
static struct virtq q;
static struct virtq_chain ch;

static void reset_queue(bool indirect)
{
	memset(mem_buf, 0, sizeof(mem_buf));
	memset(&q, 0, sizeof(q));
	q.size = QSZ;
	q.desc_gpa = DESC;
	q.avail_gpa = AVAIL;
	q.used_gpa = USED;
	q.ready = true;
	q.indirect = indirect;
}

static void set_desc(uint64_t table, int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { addr, len, flags, next };

	memcpy(mem_buf + table + 16 * i, &d, sizeof(d));
}

static void publish(uint16_t head)
{
	uint16_t idx;

	memcpy(&idx, mem_buf + AVAIL + 2, 2);
	memcpy(mem_buf + AVAIL + 4 + 2 * (idx % QSZ), &head, 2);
	idx++;
	memcpy(mem_buf + AVAIL + 2, &idx, 2);
}

static void test_guest_ptr(void)
{
	struct guest_mem two = { { { 0, 0x1000, mem_buf }, { 0x100000000ULL, 0x1000, mem_buf + 0x1000 } }, 2 };

	CHECK(guest_ptr(&mem, 0, MEM_SIZE) == mem_buf);
	CHECK(guest_ptr(&mem, MEM_SIZE - 1, 1) == mem_buf + MEM_SIZE - 1);
	CHECK(guest_ptr(&mem, MEM_SIZE - 1, 2) == NULL);
	CHECK(guest_ptr(&mem, MEM_SIZE, 0) == NULL);
	CHECK(guest_ptr(&mem, UINT64_MAX, 2) == NULL);
	CHECK(guest_ptr(&mem, 16, UINT64_MAX) == NULL);
	CHECK(guest_ptr(&mem, UINT64_MAX - 15, 16) == NULL);
	CHECK(guest_ptr(&two, 0x100000000ULL + 8, 8) == mem_buf + 0x1008);
	CHECK(guest_ptr(&two, 0xff8, 16) == NULL); /* would span the hole */
	CHECK(guest_ptr(&two, 0x2000, 1) == NULL);
}

static void test_simple_chain(void)
{
	reset_queue(false);
	CHECK(virtq_rings_valid(&q, &mem));
	CHECK(virtq_pop(&q, &mem, &ch) == 0); /* empty */
	memcpy(mem_buf + DATA, "header..", 8);
	set_desc(DESC, 0, DATA, 8, VIRTQ_DESC_F_NEXT, 3);
	set_desc(DESC, 3, DATA + 8, 100, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 5);
	set_desc(DESC, 5, DATA + 200, 1, VIRTQ_DESC_F_WRITE, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == 1);
	CHECK(ch.head == 0 && ch.nr_out == 1 && ch.nr_in == 2);
	CHECK(ch.out_len == 8 && ch.in_len == 101);
	char hdr[9] = { 0 };
	CHECK(virtq_copy_from(&ch, 0, hdr, 8) == 8);
	CHECK_STR(hdr, "header..");
	CHECK(virtq_copy_to(&ch, 98, "xyz", 3) == 3);
	CHECK(!memcmp(mem_buf + DATA + 8 + 98, "xy", 2) && mem_buf[DATA + 200] == 'z');
	CHECK(virtq_copy_to(&ch, 100, "12", 2) == 1); /* clipped at the end */
	CHECK(virtq_pop(&q, &mem, &ch) == 0);
	CHECK(virtq_push(&q, &mem, 0, 101) == 0);
	uint16_t used_idx;
	uint32_t elem[2];
	memcpy(&used_idx, mem_buf + USED + 2, 2);
	memcpy(elem, mem_buf + USED + 4, 8);
	CHECK(used_idx == 1 && elem[0] == 0 && elem[1] == 101);
	CHECK(virtq_want_irq(&q, &mem));
	mem_buf[AVAIL] = VIRTQ_AVAIL_F_NO_INTERRUPT;
	CHECK(!virtq_want_irq(&q, &mem));
}

static void test_bad_chains(void)
{
	/* A loop: 0 -> 1 -> 0. */
	reset_queue(false);
	set_desc(DESC, 0, DATA, 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, DATA, 8, VIRTQ_DESC_F_NEXT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_LOOP);
	CHECK(q.last_avail == 0); /* not consumed */

	/* A self-loop of writable descriptors. */
	reset_queue(false);
	set_desc(DESC, 2, DATA, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	publish(2);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_LOOP);

	reset_queue(false);
	set_desc(DESC, 0, DATA, 8, VIRTQ_DESC_F_NEXT, QSZ);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_NEXT);

	reset_queue(false);
	publish(QSZ);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_HEAD);

	reset_queue(false);
	set_desc(DESC, 0, MEM_SIZE - 4, 8, 0, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_ADDR);

	reset_queue(false);
	set_desc(DESC, 0, UINT64_MAX - 3, 8, 0, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_ADDR);

	reset_queue(false);
	set_desc(DESC, 0, DATA, 0xffffffff, 0, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_ADDR);

	reset_queue(false);
	set_desc(DESC, 0, DATA, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	set_desc(DESC, 1, DATA, 8, 0, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_ORDER);

	/* avail->idx more than a ring ahead */
	reset_queue(false);
	uint16_t idx = QSZ + 1;
	memcpy(mem_buf + AVAIL + 2, &idx, 2);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_AVAIL_IDX);

	/* not ready, or rings out of memory */
	reset_queue(false);
	q.ready = false;
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_RING);
	reset_queue(false);
	q.used_gpa = MEM_SIZE - 8;
	CHECK(!virtq_rings_valid(&q, &mem));
	CHECK(virtq_push(&q, &mem, 0, 0) == -VQ_BAD_RING);
	reset_queue(false);
	q.size = 6;
	CHECK(!virtq_rings_valid(&q, &mem));
	q.size = 512;
	CHECK(!virtq_rings_valid(&q, &mem));
	q.size = QSZ;
	q.desc_gpa = DESC + 8;
	CHECK(!virtq_rings_valid(&q, &mem));
	CHECK_STR(virtq_strerror(-VQ_LOOP), "descriptor chain loops or exceeds queue size");
	CHECK_STR(virtq_strerror(-999), "unknown");
}

static void test_indirect(void)
{
	reset_queue(true);
	set_desc(ITABLE, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(ITABLE, 1, DATA + 16, 64, VIRTQ_DESC_F_WRITE, 0);
	set_desc(DESC, 0, ITABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == 1);
	CHECK(ch.nr_out == 1 && ch.nr_in == 1 && ch.in_len == 64);

	/* not negotiated */
	reset_queue(false);
	set_desc(DESC, 0, ITABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_INDIRECT);

	/* length not a multiple of 16, zero, out of memory, nested, with NEXT */
	uint32_t lens[] = { 24, 0 };
	for (int i = 0; i < 2; i++) {
		reset_queue(true);
		set_desc(DESC, 0, ITABLE, lens[i], VIRTQ_DESC_F_INDIRECT, 0);
		publish(0);
		CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_INDIRECT);
	}
	reset_queue(true);
	set_desc(DESC, 0, MEM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_INDIRECT);

	reset_queue(true);
	set_desc(ITABLE, 0, ITABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(DESC, 0, ITABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_INDIRECT);

	reset_queue(true);
	set_desc(DESC, 0, ITABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_INDIRECT);

	/* a loop inside the table, and a table longer than the queue */
	reset_queue(true);
	set_desc(ITABLE, 0, DATA, 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(ITABLE, 1, DATA, 8, VIRTQ_DESC_F_NEXT, 0);
	set_desc(DESC, 0, ITABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_LOOP);

	reset_queue(true);
	set_desc(DESC, 0, ITABLE, 16 * (QSZ + 1), VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_INDIRECT);

	/* next index beyond the table */
	reset_queue(true);
	set_desc(ITABLE, 0, DATA, 8, VIRTQ_DESC_F_NEXT, 2);
	set_desc(DESC, 0, ITABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CHECK(virtq_pop(&q, &mem, &ch) == -VQ_BAD_NEXT);
}

/* The transport and virtio-blk over the same fake memory: errors mean NEEDS_RESET. */
static void mmio_w(struct virtio_dev *d, uint64_t off, uint32_t v)
{
	virtio_mmio_access(d, off, (uint8_t *)&v, 4, true);
}

static uint32_t mmio_r(struct virtio_dev *d, uint64_t off)
{
	uint32_t v;

	virtio_mmio_access(d, off, (uint8_t *)&v, 4, false);
	return v;
}

static void blk_setup(struct virtio_dev *d)
{
	mmio_w(d, 0x70, 0);
	mmio_w(d, 0x70, 3);
	mmio_w(d, 0x24, 1);
	mmio_w(d, 0x20, 1); /* VERSION_1 */
	mmio_w(d, 0x70, 11);
	mmio_w(d, 0x30, 0);
	mmio_w(d, 0x38, QSZ);
	mmio_w(d, 0x80, DESC);
	mmio_w(d, 0x90, AVAIL);
	mmio_w(d, 0xa0, USED);
	mmio_w(d, 0x44, 1);
	mmio_w(d, 0x70, 15);
}

static void test_blk_device(void)
{
	char path[] = "/tmp/atoll-test-virtq-XXXXXX";
	int fd = mkstemp(path);
	struct virtio_dev *d;
	struct { uint32_t type, res; uint64_t sector; } hdr = { 0, 0, 1 };

	CHECK(fd >= 0);
	unlink(path);
	CHECK(pwrite(fd, "sector-one", 10, 512) == 10);
	CHECK(ftruncate(fd, 4096) == 0);
	reset_queue(false);
	d = virtio_blk_new(&mem, fd, 4096, false, "unit");
	CHECK(mmio_r(d, 0) == 0x74726976 && mmio_r(d, 4) == 2 && mmio_r(d, 8) == 2);
	blk_setup(d);
	CHECK(mmio_r(d, 0x70) == 15 && mmio_r(d, 0x44) == 1);

	memcpy(mem_buf + DATA, &hdr, sizeof(hdr));
	set_desc(DESC, 0, DATA, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(DESC, 1, DATA + 512, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	set_desc(DESC, 2, DATA + 1024, 1, VIRTQ_DESC_F_WRITE, 0);
	mem_buf[DATA + 1024] = 0xee;
	publish(0);
	mmio_w(d, 0x50, 0);
	CHECK(mem_buf[DATA + 1024] == 0);
	CHECK(!memcmp(mem_buf + DATA + 512, "sector-one", 10));
	CHECK(mmio_r(d, 0x60) & 1);

	/* out of range sector: IOERR, device stays healthy */
	hdr.sector = 8;
	memcpy(mem_buf + DATA, &hdr, sizeof(hdr));
	publish(0);
	mmio_w(d, 0x50, 0);
	CHECK(mem_buf[DATA + 1024] == 1);
	CHECK(!(mmio_r(d, 0x70) & 64));

	/* a loop: NEEDS_RESET, then kicks are ignored until reset */
	set_desc(DESC, 2, DATA + 1024, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	publish(0);
	mmio_w(d, 0x50, 0);
	CHECK(mmio_r(d, 0x70) & 64);
	CHECK(mmio_r(d, 0x60) & 2);
	CHECK(d->errors == 2);
	mmio_w(d, 0x70, 0);
	CHECK(mmio_r(d, 0x70) == 0);

	/* features we did not offer are refused */
	mmio_w(d, 0x70, 3);
	mmio_w(d, 0x24, 0);
	mmio_w(d, 0x20, 1u << 30);
	mmio_w(d, 0x70, 11);
	CHECK(!(mmio_r(d, 0x70) & 8));

	/* unaligned and short register accesses read as ones */
	uint16_t s = 0;
	virtio_mmio_access(d, 0x70, (uint8_t *)&s, 2, false);
	CHECK(s == 0xffff);
	virtio_dev_free(d);
	close(fd);
}

int main(void)
{
	test_guest_ptr();
	test_simple_chain();
	test_bad_chains();
	test_indirect();
	test_blk_device();
	return T_DONE();
}
