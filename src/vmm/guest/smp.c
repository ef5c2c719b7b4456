/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test guest for SMP: the BSP wakes every other vCPU with INIT + STARTUP
 * IPIs through its LAPIC, as Linux does. Each AP starts in real mode at
 * the trampoline (copied to 0x3000), goes straight to long mode with the
 * VMM's page tables and GDT, and checks in with its LAPIC id. The count
 * comes from the MP table the VMM wrote, so that is checked too.
 */
#include "lib.h"

#define LAPIC 0xfee00000ULL
#define TRAMPOLINE 0x3000
#define MAX_CPUS 32

extern const uint8_t ap_tramp[], ap_tramp_end[];
volatile uint32_t ap_seen[MAX_CPUS];
uint8_t ap_stacks[MAX_CPUS][1024] __attribute__((aligned(16)));
volatile uint32_t ap_next_stack;

/* Real-mode start (runs at TRAMPOLINE) and the 64-bit landing pad. */
__asm__(
	".section .rodata\n"
	".code16\n"
	".globl ap_tramp, ap_tramp_end\n"
	"ap_tramp:\n"
	"  cli\n"
	"  xor %ax, %ax\n"
	"  mov %ax, %ds\n"
	"  lgdtl 0x3000 + (ap_gdtr - ap_tramp)\n"
	"  mov %cr4, %eax\n"
	"  or $0x20, %eax\n"                 /* PAE */
	"  mov %eax, %cr4\n"
	"  mov $0x9000, %eax\n"              /* the VMM's PML4 */
	"  mov %eax, %cr3\n"
	"  mov $0xc0000080, %ecx\n"          /* EFER.LME */
	"  rdmsr\n"
	"  or $0x100, %eax\n"
	"  wrmsr\n"
	"  mov %cr0, %eax\n"
	"  or $0x80000001, %eax\n"           /* PG | PE: real mode straight to long mode */
	"  mov %eax, %cr0\n"
	"  ljmpl $0x10, $ap_entry64\n"
	"ap_gdtr:\n"
	"  .word 0x27\n"
	"  .long 0x500\n"
	"ap_tramp_end:\n"
	".code64\n"
	".text\n"
	"ap_entry64:\n"
	"  mov $0x18, %ax\n"
	"  mov %ax, %ds\n"
	"  mov %ax, %es\n"
	"  mov %ax, %ss\n"
	"  mov $1, %eax\n"
	"  lock xadd %eax, ap_next_stack(%rip)\n"
	"  and $31, %eax\n"
	"  inc %eax\n"
	"  shl $10, %rax\n"
	"  lea ap_stacks(%rip), %rsp\n"
	"  add %rax, %rsp\n"
	"  call ap_main\n"
	"1: cli\n"
	"  hlt\n"
	"  jmp 1b\n");

void ap_main(void);
void ap_main(void)
{
	uint32_t id = mmio_r32(LAPIC + 0x20) >> 24;

	if (id < MAX_CPUS)
		ap_seen[id] = 1;
}

static void ipi(uint32_t apic_id, uint32_t low)
{
	mmio_w32(LAPIC + 0x310, apic_id << 24);
	mmio_w32(LAPIC + 0x300, low);
	for (int i = 0; i < 1000 && (mmio_r32(LAPIC + 0x300) & (1 << 12)); i++)
		cpu_relax(); /* delivery pending */
}

static void delay_ms(uint64_t ms)
{
	uint64_t t0 = rdtsc();

	while (within(t0, ms))
		cpu_relax();
}

int guest_main(void)
{
	const uint8_t *mpf = (const uint8_t *)0x9fc00;
	const uint8_t *mpc;
	int cpus = 0, up = 0;

	gputs("ATOLL_GUEST_SMP\n");
	EXPECT(!memcmp(mpf, "_MP_", 4), "MP floating pointer at 0x9fc00");
	mpc = (const uint8_t *)(uintptr_t)(mpf[4] | mpf[5] << 8 | mpf[6] << 16 | (uint32_t)mpf[7] << 24);
	EXPECT(!memcmp(mpc, "PCMP", 4), "MP configuration table");
	uint16_t entries = mpc[34] | mpc[35] << 8;
	const uint8_t *e = mpc + 44;
	for (int i = 0; i < entries && i < 100; i++) {
		if (e[0] == 0) {
			cpus++;
			e += 20;
		} else {
			e += 8;
		}
	}
	gprintf("MP table lists %d processor(s)\n", cpus);
	EXPECT(cpus >= 1, "at least the BSP is listed");

	uint32_t bsp = mmio_r32(LAPIC + 0x20) >> 24;
	EXPECT(bsp == 0, "BSP has LAPIC id 0");
	mmio_w32(LAPIC + 0xf0, 0x1ff); /* enable the LAPIC */
	memcpy((void *)TRAMPOLINE, ap_tramp, ap_tramp_end - ap_tramp);

	for (int id = 1; id < cpus && id < MAX_CPUS; id++) {
		ipi(id, 0x4500);                   /* INIT */
		delay_ms(10);
		ipi(id, 0x4600 | (TRAMPOLINE >> 12)); /* STARTUP */
		delay_ms(1);
		uint64_t t0 = rdtsc();
		while (!ap_seen[id] && within(t0, 5000))
			cpu_relax();
		if (!ap_seen[id])
			ipi(id, 0x4600 | (TRAMPOLINE >> 12)); /* the spec's second SIPI */
		t0 = rdtsc();
		while (!ap_seen[id] && within(t0, 5000))
			cpu_relax();
		EXPECT(ap_seen[id], "AP with LAPIC id %d reached long mode and checked in", id);
		up += ap_seen[id];
	}
	gprintf("%d of %d application processor(s) up\n", up, cpus - 1);
	return guest_finish("smp");
}
