/* SPDX-License-Identifier: Apache-2.0 */
/* vCPUs: 64-bit long-mode register state, CPUID, MSRs, LAPIC and the KVM_RUN loop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/vmm.h"

#define CR0_PE 0x1
#define CR0_MP 0x2
#define CR0_ET 0x10
#define CR0_NE 0x20
#define CR0_WP 0x10000
#define CR0_PG 0x80000000U
#define CR4_PAE 0x20
#define EFER_LME 0x100
#define EFER_LMA 0x400

#define BOOT_STACK 0x8ff0

/* KVM's supported CPUID, fetched once per VM (0.3-0.5 ms each time here). */
static struct kvm_cpuid2 *supported_cpuid(struct vm *vm)
{
	static struct kvm_cpuid2 *cached;
	int n = 128;

	while (!cached) {
		struct kvm_cpuid2 *cp = xcalloc(1, sizeof(*cp) + n * sizeof(cp->entries[0]));

		cp->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cp) == 0) {
			cached = cp;
			break;
		}
		free(cp);
		if (errno != E2BIG || n > 4096)
			return NULL;
		n *= 2;
	}
	return cached;
}

static int set_cpuid(struct vm *vm, struct vcpu *c)
{
	struct kvm_cpuid2 *sup = supported_cpuid(vm), *cp;
	size_t size;

	if (!sup)
		return -errno;
	size = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	cp = xmalloc(size);
	memcpy(cp, sup, size);
	for (uint32_t i = 0; i < cp->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cp->entries[i];

		switch (e->function) {
		case 1:
			e->ecx |= 1U << 31; /* running under a hypervisor */
			e->ebx = (e->ebx & 0x00ffffff) | ((uint32_t)c->id << 24);
			e->ebx = (e->ebx & 0xff00ffff) | ((uint32_t)vm->nr_vcpus << 16);
			break;
		case 0xb:
		case 0x1f:
			e->edx = c->id; /* x2APIC id */
			break;
		}
	}
	int r = ioctl(c->fd, KVM_SET_CPUID2, cp);
	r = r < 0 ? -errno : 0;
	free(cp);
	return r;
}

static void set_msrs(struct vcpu *c)
{
	static const uint32_t idx[] = {
		0x174, 0x175, 0x176,             /* SYSENTER_CS/ESP/EIP */
		0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR FMASK */
		0xc0000102,                      /* KERNEL_GS_BASE */
		0x10,                            /* TSC */
		0x1a0,                           /* MISC_ENABLE */
	};
	enum { N = sizeof(idx) / sizeof(idx[0]) };
	struct kvm_msrs *m = xcalloc(1, sizeof(*m) + N * sizeof(m->entries[0]));

	m->nmsrs = N;
	for (int i = 0; i < N; i++) {
		m->entries[i].index = idx[i];
		m->entries[i].data = idx[i] == 0x1a0 ? 1 /* fast strings */ : 0;
	}
	int r = ioctl(c->fd, KVM_SET_MSRS, m);
	free(m);
	if (r != N)
		log_warn("vmm", "vcpu%d: set %d of %d MSRs", c->id, r, N);
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

static int set_long_mode(struct vm *vm, struct vcpu *c)
{
	struct kvm_sregs sr;
	struct kvm_regs regs;
	struct kvm_fpu fpu;

	if (ioctl(c->fd, KVM_GET_SREGS, &sr) < 0)
		return -errno;
	seg(&sr.cs, 0x10, 0xb, true);
	seg(&sr.ds, 0x18, 0x3, false);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	seg(&sr.tr, 0x20, 0xb, false);
	sr.tr.s = 0;
	sr.tr.db = 0;
	sr.gdt.base = VM_GDT_ADDR;
	sr.gdt.limit = 5 * 8 - 1;
	sr.idt.base = 0;
	sr.idt.limit = 0;
	sr.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sr.cr3 = VM_PML4_ADDR;
	sr.cr4 = CR4_PAE;
	sr.efer = EFER_LME | EFER_LMA;
	if (ioctl(c->fd, KVM_SET_SREGS, &sr) < 0)
		return -errno;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	regs.rip = vm->entry;
	regs.rsi = VM_BOOT_PARAMS; /* Linux 64-bit boot protocol: boot_params in rsi */
	regs.rsp = regs.rbp = BOOT_STACK;
	if (ioctl(c->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;

	memset(&fpu, 0, sizeof(fpu));
	fpu.fcw = 0x37f;
	fpu.mxcsr = 0x1f80;
	if (ioctl(c->fd, KVM_SET_FPU, &fpu) < 0)
		return -errno;
	return 0;
}

/* LINT0 as ExtINT (the 8259 reaches the BSP), LINT1 as NMI, as a PC does. */
static int set_lapic(struct vcpu *c)
{
	struct kvm_lapic_state l;
	uint32_t *lvt0 = (uint32_t *)&l.regs[0x350], *lvt1 = (uint32_t *)&l.regs[0x360];

	if (ioctl(c->fd, KVM_GET_LAPIC, &l) < 0)
		return -errno;
	*lvt0 = (*lvt0 & ~0x700U & ~0x10000U) | (7 << 8);
	*lvt1 = (*lvt1 & ~0x700U & ~0x10000U) | (4 << 8);
	if (ioctl(c->fd, KVM_SET_LAPIC, &l) < 0)
		return -errno;
	return 0;
}

int vcpu_create(struct vm *vm, int id)
{
	struct vcpu *c = &vm->vcpus[id];

	c->vm = vm;
	c->id = id;
	c->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (c->fd < 0)
		return -errno;
	c->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		return -errno;
	}
	return 0;
}

int vcpu_init(struct vm *vm, int id)
{
	struct vcpu *c = &vm->vcpus[id];
	int r;

	if ((r = set_cpuid(vm, c)) < 0)
		return r;
	set_msrs(c);
	if ((r = set_lapic(c)) < 0)
		return r;
	/* Application processors wait for INIT/SIPI from the BSP, as on hardware. */
	if (id == 0 && (r = set_long_mode(vm, c)) < 0)
		return r;
	return 0;
}

void vcpu_kick(struct vcpu *c)
{
	if (!c->run)
		return;
	__atomic_store_n(&c->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(c->thread, SIGUSR1);
}

/* Park while paused; false once the VM is exiting. Clears immediate_exit under the lock. */
static bool vcpu_may_run(struct vcpu *c)
{
	struct vm *vm = c->vm;
	bool ok;

	pthread_mutex_lock(&vm->lock);
	while (vm->state == VM_PAUSED || vm->state == VM_STARTING) {
		vm->parked++;
		pthread_cond_broadcast(&vm->cond);
		pthread_cond_wait(&vm->cond, &vm->lock);
		vm->parked--;
	}
	ok = vm->state == VM_RUNNING;
	if (ok)
		c->run->immediate_exit = 0;
	pthread_mutex_unlock(&vm->lock);
	return ok;
}

static void vcpu_exit_internal(struct vcpu *c, const char *what)
{
	char why[128];

	snprintf(why, sizeof(why), "vcpu%d: %s", c->id, what);
	vm_request_exit(c->vm, VM_EXIT_INTERNAL, why);
}

void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	struct kvm_run *run = c->run;

	while (vcpu_may_run(c)) {
		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			log_error("vmm", "vcpu%d: KVM_RUN: %s", c->id, strerror(errno));
			vcpu_exit_internal(c, "KVM_RUN failed");
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *p = (uint8_t *)run + run->io.data_offset;

			for (uint32_t i = 0; i < run->io.count; i++, p += run->io.size)
				vm_pio(c->vm, run->io.port, p, run->io.size,
				       run->io.direction == KVM_EXIT_IO_OUT);
			break;
		}
		case KVM_EXIT_MMIO:
			vm_mmio(c->vm, run->mmio.phys_addr, run->mmio.data,
				run->mmio.len > 8 ? 8 : run->mmio.len, run->mmio.is_write);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_HLT:
			/* Only without an in-kernel LAPIC; nothing will wake us. */
			vm_request_exit(c->vm, VM_EXIT_INTERNAL, "guest halted with interrupts off");
			break;
		case KVM_EXIT_SHUTDOWN:
			vm_request_exit(c->vm, VM_EXIT_TRIPLE_FAULT, "guest triple fault (shutdown)");
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			vm_request_exit(c->vm, VM_EXIT_RESET, "guest system event (reset/shutdown)");
			break;
		case KVM_EXIT_FAIL_ENTRY:
			log_error("vmm", "vcpu%d: entry failed, reason 0x%llx", c->id,
				  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			vcpu_exit_internal(c, "VM entry failed");
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			log_error("vmm", "vcpu%d: KVM internal error, suberror %u", c->id,
				  run->internal.suberror);
			vcpu_exit_internal(c, "KVM internal error (emulation failure?)");
			break;
		default:
			log_error("vmm", "vcpu%d: unhandled exit reason %u", c->id, run->exit_reason);
			vcpu_exit_internal(c, "unhandled exit");
			break;
		}
	}
	return NULL;
}
