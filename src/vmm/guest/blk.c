/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test guest for virtio-blk. Disk 0 (read-write) must start with "ATOLLBLK";
 * the guest reads it, writes sector 1, reads it back, flushes, asks for the
 * id, and checks that an out-of-range read fails. Disk 1, if present, must
 * be read-only: writes must fail. Finally the used-buffer interrupt must
 * arrive as a real interrupt: IRQ from the command line, routed through the
 * IOAPIC (the 8259 masked) to the LAPIC and an IDT handler.
 */
#include "lib.h"

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8

static struct gvq vq[1], vq_ro[1];
static struct { uint32_t type, reserved; uint64_t sector; } hdr;
static uint8_t data[4096] __attribute__((aligned(512)));
static volatile uint8_t status;

static int blk_req_q(struct vdev *d, struct gvq *vq, uint32_t type, uint64_t sector, void *buf,
		     uint32_t len, bool dev_writes)
{
	uint16_t n = 0;

	hdr.type = type;
	hdr.sector = sector;
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)&hdr, sizeof(hdr), VRING_F_NEXT, 1 };
	if (len) {
		vq[0].desc[1] = (struct vring_desc){ (uintptr_t)buf, len,
			VRING_F_NEXT | (dev_writes ? VRING_F_WRITE : 0), 2 };
		n = 2;
	} else {
		vq[0].desc[0].next = 2;
		n = 2;
	}
	vq[0].desc[n] = (struct vring_desc){ (uintptr_t)&status, 1, VRING_F_WRITE, 0 };
	status = 0xee;
	vq_submit(d, &vq[0], 0);
	if (vq_wait(&vq[0], 5000, NULL) < 0)
		return -1;
	return status;
}

#define blk_req(d, ...) blk_req_q(d, (d) == &ro ? vq_ro : vq, __VA_ARGS__)

/* --- interrupts: IDT, LAPIC, IOAPIC --- */

#define IRQ_VECTOR 0x30
#define LAPIC 0xfee00000ULL
#define IOAPIC 0xfec00000ULL

volatile uint32_t irq_count;
void irq_entry(void);
__asm__(".text\n.globl irq_entry\nirq_entry:\n"
	"  push %rax\n"
	"  lock incl irq_count(%rip)\n"
	"  mov $0xfee000b0, %eax\n"   /* LAPIC EOI */
	"  movl $0, (%rax)\n"
	"  pop %rax\n"
	"  iretq\n");

static uint64_t idt[512] __attribute__((aligned(16)));

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_w32(IOAPIC, reg);
	mmio_w32(IOAPIC + 0x10, v);
}

static void irq_setup(int irq)
{
	uint64_t h = (uintptr_t)irq_entry;
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	/* 64-bit interrupt gate: selector 0x10, present, DPL 0, type 0xe. */
	idt[2 * IRQ_VECTOR] = (h & 0xffff) | (0x10ULL << 16) | (0x8eULL << 40) | ((h >> 16 & 0xffff) << 48);
	idt[2 * IRQ_VECTOR + 1] = h >> 32;
	__asm__ volatile("lidt %0" :: "m"(idtr));
	outb(0x21, 0xff); /* mask the 8259s: only the IOAPIC path may deliver */
	outb(0xa1, 0xff);
	mmio_w32(LAPIC + 0x80, 0);           /* TPR: accept everything */
	mmio_w32(LAPIC + 0xf0, 0x100 | 0xff); /* software enable, spurious vector 0xff */
	ioapic_write(0x10 + 2 * irq + 1, 0);  /* destination APIC id 0 */
	ioapic_write(0x10 + 2 * irq, IRQ_VECTOR); /* fixed, physical, edge, high, unmasked */
}

static struct vdev d, ro;

int guest_main(void)
{

	gputs("ATOLL_GUEST_BLK\n");
	if (!vdev_find(2, 0, &d) || !vdev_init(&d, 1u << 9, vq, 1)) {
		gputs("FAIL blk: no usable virtio-blk device\n");
		return 1;
	}
	uint64_t cap = vdev_cfg32(&d, 0) | (uint64_t)vdev_cfg32(&d, 4) << 32;
	gprintf("disk0 at %lx irq %d: %lu sectors\n", d.base, d.irq, cap);
	EXPECT(cap >= 8, "capacity %lu sectors", cap);

	EXPECT(blk_req(&d, T_IN, 0, data, 512, true) == 0, "read sector 0");
	EXPECT(!memcmp(data, "ATOLLBLK", 8), "sector 0 starts with ATOLLBLK");
	EXPECT(vdev_isr(&d) & 1, "used-buffer interrupt raised");

	for (int i = 0; i < 1024; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	memcpy(data, "GUESTWROTE", 10);
	EXPECT(blk_req(&d, T_OUT, 1, data, 1024, false) == 0, "write sectors 1-2");
	memset(data, 0, sizeof(data));
	EXPECT(blk_req(&d, T_IN, 1, data, 1024, true) == 0, "read sectors 1-2 back");
	bool same = !memcmp(data, "GUESTWROTE", 10);
	for (int i = 10; i < 1024; i++)
		same = same && data[i] == (uint8_t)(i * 7 + 3);
	EXPECT(same, "read back what was written");
	EXPECT(blk_req(&d, T_FLUSH, 0, NULL, 0, false) == 0, "flush");

	memset(data, 0, 32);
	EXPECT(blk_req(&d, T_GET_ID, 0, data, 20, true) == 0, "get id");
	data[20] = 0;
	gprintf("disk0 id: %s\n", (char *)data);
	EXPECT(data[0] != 0, "id is not empty");

	EXPECT(blk_req(&d, T_IN, cap, data, 512, true) == 1, "read past the end fails with IOERR");
	EXPECT(blk_req(&d, T_IN, cap - 1, data, 1024, true) == 1, "read straddling the end fails");
	EXPECT(blk_req(&d, 77, 0, data, 512, true) == 2, "unknown request type is UNSUPP");
	EXPECT(!(vdev_status(&d) & ST_NEEDS_RESET), "device still healthy");

	if (vdev_find(2, 1, &ro)) {
		EXPECT(vdev_init(&ro, 1u << 9, vq_ro, 1), "init disk1");
		EXPECT((vdev_cfg32(&ro, 0) >= 1), "disk1 has sectors");
		EXPECT(blk_req(&ro, T_IN, 0, data, 512, true) == 0, "read disk1");
		EXPECT(!memcmp(data, "ATOLLRO", 7), "disk1 starts with ATOLLRO");
		EXPECT(blk_req(&ro, T_OUT, 0, data, 512, false) == 1, "write to read-only disk fails");
	}
	/* A real interrupt for a completed request. */
	irq_setup(d.irq);
	__asm__ volatile("sti");
	uint32_t before = irq_count;
	EXPECT(blk_req(&d, T_IN, 0, data, 512, true) == 0, "read with interrupts on");
	uint64_t t0 = rdtsc();
	while (irq_count == before && within(t0, 2000))
		cpu_relax();
	uint32_t first = irq_count - before;
	t0 = rdtsc();
	while (within(t0, 300))
		cpu_relax();
	__asm__ volatile("cli");
	gprintf("interrupts: %u at first, %u after 300 ms\n", first, irq_count - before);
	vdev_isr(&d);
	EXPECT(first >= 1, "IRQ %d arrived through the IOAPIC at vector 0x%x", d.irq, IRQ_VECTOR);
	EXPECT(irq_count - before == 1, "one completion, one interrupt (no storm)");
	return guest_finish("blk");
}
