/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel MultiProcessor table (MP spec 1.4) at 639 KiB, where Linux scans
 * for it: without ACPI it is how the guest finds the vCPUs, the IOAPIC and
 * the routing of ISA IRQs 0..23 (which the virtio-mmio devices use).
 */
#include <errno.h>
#include <string.h>

#include "vmm/vmm.h"

#define LAPIC_ADDR  0xfee00000U
#define IOAPIC_ADDR 0xfec00000U
#define NR_IRQS     24

static uint8_t csum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return (uint8_t)-s;
}

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

int vm_mptable_write(struct vm *vm)
{
	size_t cfg_len = 44 + 20 * vm->nr_vcpus + 8 + 8 + 8 * NR_IRQS + 8 * 2;
	uint8_t *base = guest_ptr(&vm->mem, VM_MPTABLE_ADDR, 16 + cfg_len);
	uint8_t *fp = base, *cfg = base + 16, *p;
	uint8_t ioapic_id = vm->nr_vcpus;
	uint32_t u32;
	uint16_t u16;

	if (!base || 16 + cfg_len > 0x400)
		return -ENOSPC;
	memset(base, 0, 16 + cfg_len);

	/* Floating pointer: signature, physical pointer, length 1 (16 bytes), revision 4. */
	memcpy(fp, "_MP_", 4);
	u32 = VM_MPTABLE_ADDR + 16;
	memcpy(fp + 4, &u32, 4);
	fp[8] = 1;
	fp[9] = 4;
	fp[10] = csum(fp, 16);

	p = cfg;
	p = put(p, "PCMP", 4);
	u16 = cfg_len;
	p = put(p, &u16, 2);
	*p++ = 4;        /* spec revision */
	*p++ = 0;        /* checksum, below */
	p = put(p, "ATOLL   ", 8);
	p = put(p, "ATOLL VMM   ", 12);
	p += 4 + 2;      /* no OEM table */
	u16 = vm->nr_vcpus + 1 + 1 + NR_IRQS + 2;
	p = put(p, &u16, 2);
	u32 = LAPIC_ADDR;
	p = put(p, &u32, 4);
	p += 4;

	for (int i = 0; i < vm->nr_vcpus; i++) {
		uint8_t e[20] = { 0, (uint8_t)i, 0x14, (uint8_t)(1 | (i == 0 ? 2 : 0)) };

		u32 = 0x600;  /* family 6 signature */
		memcpy(e + 4, &u32, 4);
		u32 = 0x201;  /* FPU, APIC */
		memcpy(e + 8, &u32, 4);
		p = put(p, e, 20);
	}
	{
		uint8_t bus[8] = { 1, 0, 'I', 'S', 'A', ' ', ' ', ' ' };
		uint8_t io[8] = { 2, ioapic_id, 0x11, 1 };

		u32 = IOAPIC_ADDR;
		memcpy(io + 4, &u32, 4);
		p = put(p, bus, 8);
		p = put(p, io, 8);
	}
	for (int irq = 0; irq < NR_IRQS; irq++) {
		/* type 3, INT, flags 0 (bus default: ISA edge, active high) */
		uint8_t e[8] = { 3, 0, 0, 0, 0, (uint8_t)irq, ioapic_id, (uint8_t)irq };

		p = put(p, e, 8);
	}
	{
		uint8_t extint[8] = { 4, 3, 0, 0, 0, 0, 0xff, 0 };
		uint8_t nmi[8] = { 4, 1, 0, 0, 0, 0, 0xff, 1 };

		p = put(p, extint, 8);
		p = put(p, nmi, 8);
	}
	cfg[7] = csum(cfg, cfg_len);
	return 0;
}
