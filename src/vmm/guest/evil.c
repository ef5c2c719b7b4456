/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile test guest: submits malformed virtqueues to virtio-blk (descriptor
 * loops, out-of-range addresses, huge lengths, bad indices, bad indirect
 * tables, rings outside memory) and garbage register and port accesses.
 * Each attack must end in DEVICE_NEEDS_RESET or an error status, never a
 * dead VMM, and a reset must bring the device back. If the VM also has
 * virtio-vsock or virtio-net devices, their request parsing is attacked too.
 */
#include "lib.h"

#define F_INDIRECT (1u << 28)

static struct gvq vq[1];
static struct { uint32_t type, reserved; uint64_t sector; } hdr;
static uint8_t data[512] __attribute__((aligned(512)));
static volatile uint8_t status;
static struct vring_desc itable[4] __attribute__((aligned(16)));
static struct vdev d;

static void good_chain(void)
{
	hdr.type = 0;
	hdr.sector = 0;
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)&hdr, sizeof(hdr), VRING_F_NEXT, 1 };
	vq[0].desc[1] = (struct vring_desc){ (uintptr_t)data, 512, VRING_F_NEXT | VRING_F_WRITE, 2 };
	vq[0].desc[2] = (struct vring_desc){ (uintptr_t)&status, 1, VRING_F_WRITE, 0 };
}

static bool reinit(uint32_t features)
{
	return vdev_init(&d, features, vq, 1);
}

/* The device must be usable again after a reset. */
static void expect_recovers(const char *what)
{
	bool ok = reinit(F_INDIRECT);

	good_chain();
	status = 0xee;
	if (ok) {
		vq_submit(&d, &vq[0], 0);
		ok = vq_wait(&vq[0], 5000, NULL) >= 0 && status == 0;
	}
	EXPECT(ok, "device works again after reset (%s)", what);
}

static void expect_reset(const char *what)
{
	uint32_t st = vdev_status(&d);
	uint32_t isr = vdev_isr(&d);

	EXPECT((st & ST_NEEDS_RESET) && (isr & 2), "%s -> DEVICE_NEEDS_RESET (status %x isr %x)", what, st, isr);
	expect_recovers(what);
}

static void attack(const char *what)
{
	vq_submit(&d, &vq[0], 0);
	expect_reset(what);
}

static void ring_attack(const char *what, uint64_t desc, uint32_t size)
{
	vdev_reset(&d);
	mmio_w32(d.base + REG_STATUS, ST_ACK | ST_DRIVER);
	mmio_w32(d.base + REG_DRV_FEAT_SEL, 1);
	mmio_w32(d.base + REG_DRV_FEATURES, 1);
	mmio_w32(d.base + REG_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	mmio_w32(d.base + REG_QUEUE_SEL, 0);
	mmio_w32(d.base + REG_QUEUE_NUM, size);
	mmio_w32(d.base + REG_DESC_LO, (uint32_t)desc);
	mmio_w32(d.base + REG_DESC_HI, (uint32_t)(desc >> 32));
	mmio_w32(d.base + REG_DRIVER_LO, (uint32_t)(uintptr_t)&vq[0].avail);
	mmio_w32(d.base + REG_DEVICE_LO, (uint32_t)(uintptr_t)&vq[0].used);
	mmio_w32(d.base + REG_QUEUE_READY, 1);
	EXPECT(mmio_r32(d.base + REG_QUEUE_READY) == 0, "%s: queue refused", what);
	expect_reset(what);
}

/* --- other devices: malformed packets on their queues --- */

static struct gvq oq[3];
static uint8_t pkt[64] __attribute__((aligned(16)));
static uint8_t small[8];

static void dev_attack(struct vdev *dv, int nq, int q, const char *what)
{
	vq_submit(dv, &oq[q], 0);
	uint32_t st = vdev_status(dv), isr = vdev_isr(dv);

	EXPECT((st & ST_NEEDS_RESET) && (isr & 2), "%s -> DEVICE_NEEDS_RESET (status %x isr %x)", what, st, isr);
	EXPECT(vdev_init(dv, 0, oq, nq), "device initialises again after reset (%s)", what);
}

static void put_vsock_hdr(uint64_t src_cid, uint32_t len, uint16_t op)
{
	uint64_t dst_cid = 2;
	uint32_t ports[2] = { 7777, 1 };
	uint16_t type = 1;
	uint32_t credit[3] = { 0, 4096, 0 };

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, &src_cid, 8);
	memcpy(pkt + 8, &dst_cid, 8);
	memcpy(pkt + 16, ports, 8);
	memcpy(pkt + 24, &len, 4);
	memcpy(pkt + 28, &type, 2);
	memcpy(pkt + 30, &op, 2);
	memcpy(pkt + 32, credit, 12);
}

static void attack_vsock(struct vdev *v)
{
	uint64_t cid;

	EXPECT(vdev_init(v, 0, oq, 3), "vsock device initialises");
	cid = vdev_cfg32(v, 0);
	put_vsock_hdr(cid, 0, 1);
	oq[1].desc[0] = (struct vring_desc){ (uintptr_t)pkt, 10, 0, 0 };
	dev_attack(v, 3, 1, "vsock TX packet shorter than its header");

	put_vsock_hdr(cid, 5000, 5);
	oq[1].desc[0] = (struct vring_desc){ (uintptr_t)pkt, 44, 0, 0 };
	dev_attack(v, 3, 1, "vsock TX header claims more payload than sent");

	put_vsock_hdr(cid, 0, 1);
	oq[1].desc[0] = (struct vring_desc){ (uintptr_t)pkt, 44, VRING_F_NEXT, 1 };
	oq[1].desc[1] = (struct vring_desc){ (uintptr_t)small, 8, VRING_F_WRITE, 0 };
	dev_attack(v, 3, 1, "vsock TX chain with a writable buffer");

	/* A connection to a port nobody serves makes the device answer with RST,
	 * which does not fit the 8-byte RX buffer offered. */
	oq[0].desc[0] = (struct vring_desc){ (uintptr_t)small, 8, VRING_F_WRITE, 0 };
	oq[0].avail.ring[0] = 0;
	oq[0].avail.idx = 1;
	put_vsock_hdr(cid, 0, 1);
	oq[1].desc[0] = (struct vring_desc){ (uintptr_t)pkt, 44, 0, 0 };
	dev_attack(v, 3, 1, "vsock RX buffer smaller than a header");

	/* Wrong source CID and an unknown op: refused with RST, no reset. */
	put_vsock_hdr(cid + 1, 0, 99);
	oq[1].desc[0] = (struct vring_desc){ (uintptr_t)pkt, 44, 0, 0 };
	vq_submit(v, &oq[1], 0);
	EXPECT(vq_wait(&oq[1], 2000, NULL) >= 0 && !(vdev_status(v) & ST_NEEDS_RESET),
	       "vsock packet with a foreign CID is refused without a reset");
}

static void attack_net(struct vdev *n)
{
	EXPECT(vdev_init(n, 0, oq, 2), "net device initialises");
	memset(pkt, 0, sizeof(pkt));
	oq[1].desc[0] = (struct vring_desc){ (uintptr_t)pkt, 6, 0, 0 };
	dev_attack(n, 2, 1, "net TX chain shorter than the virtio-net header");

	oq[1].desc[0] = (struct vring_desc){ (uintptr_t)pkt, 60, VRING_F_NEXT, 1 };
	oq[1].desc[1] = (struct vring_desc){ (uintptr_t)small, 8, VRING_F_WRITE, 0 };
	dev_attack(n, 2, 1, "net TX chain with a writable buffer");

	/* A 70000-byte frame is dropped, the buffer returned, the device stays up. */
	oq[1].desc[0] = (struct vring_desc){ 0x200000, 70000, 0, 0 };
	vq_submit(n, &oq[1], 0);
	EXPECT(vq_wait(&oq[1], 2000, NULL) >= 0 && !(vdev_status(n) & ST_NEEDS_RESET),
	       "oversized frame dropped without a reset");
}

int guest_main(void)
{
	struct vdev other;

	gputs("ATOLL_GUEST_EVIL\n");
	if (!vdev_find(2, 0, &d) || !reinit(0)) {
		gputs("FAIL evil: no usable virtio-blk device\n");
		return 1;
	}

	good_chain();
	vq[0].desc[2].flags |= VRING_F_NEXT;
	vq[0].desc[2].next = 1; /* 1 -> 2 -> 1 -> ... */
	attack("descriptor loop");

	good_chain();
	vq[0].desc[1].addr = 0xfffffffff000ull;
	attack("buffer address outside guest memory");

	good_chain();
	vq[0].desc[1].addr = 0x100000;
	vq[0].desc[1].len = 0xffffffffu;
	attack("4 GiB buffer length");

	good_chain();
	vq[0].desc[1].addr = 0xffffffffffffff00ull;
	vq[0].desc[1].len = 0x1000;
	attack("address + length overflows");

	good_chain();
	vq[0].desc[0].next = 99;
	attack("next index beyond queue size");

	good_chain();
	vq[0].avail.ring[vq[0].avail.idx % VQ_SIZE] = 200;
	vq[0].avail.idx++;
	mmio_w32(d.base + REG_QUEUE_NOTIFY, 0);
	expect_reset("head index beyond queue size");

	good_chain();
	vq[0].avail.idx += 1000;
	mmio_w32(d.base + REG_QUEUE_NOTIFY, 0);
	expect_reset("avail index far ahead");

	good_chain();
	vq[0].desc[0].flags |= VRING_F_WRITE;  /* header writable ... */
	vq[0].desc[1].flags &= ~VRING_F_WRITE; /* ... then a readable one */
	attack("readable descriptor after a writable one");

	reinit(0);
	good_chain();
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)itable, sizeof(itable), VRING_F_INDIRECT, 0 };
	attack("indirect descriptor without the feature");

	/* expect_recovers() negotiated INDIRECT; now feed bad tables. */
	good_chain();
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)itable, 24, VRING_F_INDIRECT, 0 };
	attack("indirect table length not a multiple of 16");

	itable[0] = (struct vring_desc){ (uintptr_t)itable, 64, VRING_F_INDIRECT, 0 };
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)itable, 16, VRING_F_INDIRECT, 0 };
	attack("nested indirect table");

	itable[0] = (struct vring_desc){ (uintptr_t)&hdr, 16, VRING_F_NEXT, 1 };
	itable[1] = (struct vring_desc){ (uintptr_t)data, 512, VRING_F_NEXT | VRING_F_WRITE, 0 };
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)itable, 32, VRING_F_INDIRECT, 0 };
	attack("loop inside an indirect table");

	vq[0].desc[0] = (struct vring_desc){ 0x7ffffffff000ull, 64, VRING_F_INDIRECT, 0 };
	attack("indirect table outside guest memory");

	good_chain();
	vq[0].desc[0].len = 8;
	attack("request header shorter than 16 bytes");

	ring_attack("descriptor ring outside guest memory", 0x4000000000ull, VQ_SIZE);
	ring_attack("queue size not a power of two", (uintptr_t)vq[0].desc, 13);
	ring_attack("queue size above the maximum", (uintptr_t)vq[0].desc, 4096);

	/* A well-formed request for an absurd sector: an I/O error, not a reset. */
	good_chain();
	hdr.sector = 0xffffffffffffffffull;
	status = 0xee;
	vq_submit(&d, &vq[0], 0);
	EXPECT(vq_wait(&vq[0], 5000, NULL) >= 0 && status == 1, "sector 2^64-1 -> IOERR");
	EXPECT(!(vdev_status(&d) & ST_NEEDS_RESET), "no reset for a plain I/O error");

	/* Register garbage: unaligned, unknown, out-of-range queue, config writes. */
	mmio_w32(d.base + REG_QUEUE_NOTIFY, 1000);
	mmio_w32(d.base + 0x0f0, 0xdeadbeef);
	*(volatile uint8_t *)(d.base + 0x051) = 1;
	*(volatile uint16_t *)(d.base + 0x070) = 0;
	mmio_w32(d.base + REG_CONFIG, 0xffffffff);
	(void)mmio_r8(d.base + REG_CONFIG + 0xfff);
	mmio_w32(d.base + REG_QUEUE_SEL, 77);
	mmio_w32(d.base + REG_QUEUE_NUM, 5);
	(void)mmio_r32(d.base + 0xffc);
	/* Unclaimed MMIO and ports read as all ones and ignore writes. */
	(void)mmio_r32(0xd00f0000);
	mmio_w32(0xd00f0000, 1);
	for (uint16_t p = 0x100; p < 0x110; p++) {
		(void)inb(p);
		outb(p, 0xa5);
	}
	expect_recovers("after register garbage");

	if (vdev_find(19, 0, &other))
		attack_vsock(&other);
	if (vdev_find(1, 0, &other))
		attack_net(&other);

	return guest_finish("evil");
}
