/* SPDX-License-Identifier: Apache-2.0 */
/*
 * atoll vmm: one KVM micro-VM per process. struct vm owns the KVM fds,
 * guest memory, vCPU threads, devices and the event loop that serves
 * device back ends (TAP, vsock sockets), stdin and the control socket.
 */
#ifndef ATOLL_VMM_H
#define ATOLL_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

#define VM_MAX_VCPUS 32
#define VM_MAX_DISKS 8
#define VM_MAX_DEVS  16
#define VM_MAX_SHARES 16 /* virtio-9p shares; all devices together fit VM_MAX_DEVS */
#define VM_SHARE_TAG_MAX 64

/* Guest physical layout (see docs/vmm.md). */
#define VM_GDT_ADDR       0x500
#define VM_BOOT_PARAMS    0x7000
#define VM_PML4_ADDR      0x9000 /* PML4, PDPT, then 4 PDs mapping 4 GiB */
#define VM_MPTABLE_ADDR   0x9fc00
#define VM_CMDLINE_ADDR   0x20000
#define VM_CMDLINE_MAX    4096
#define VM_KERNEL_ADDR    0x100000
#define VM_MMIO_HOLE      0xc0000000ULL /* RAM above this moves to 4 GiB */
#define VM_VIRTIO_BASE    0xd0000000ULL
#define VM_VIRTIO_STRIDE  0x1000
#define VM_VIRTIO_IRQ0    5
#define VM_SERIAL_IRQ     4

/* Exit statuses the VMM itself produces (guest statuses are 0..255 from port 0xf4). */
#define VM_EXIT_RESET     0   /* i8042 reset or triple fault after a clean shutdown */
#define VM_EXIT_STOPPED   0   /* "stop" on the control socket */
#define VM_EXIT_INTERNAL  125 /* KVM refused to run the guest */
#define VM_EXIT_TRIPLE_FAULT 124 /* guest crashed (KVM_EXIT_SHUTDOWN) */

struct vm_disk_cfg {
	char *path;
	char *id;     /* serial returned by GET_ID, defaults to "atoll<n>" */
	bool ro;
};

struct vm_share_cfg {
	char *tag;    /* mount tag the guest names: mount -t 9p TAG */
	char *path;   /* host directory */
	bool ro;
};

struct vm_config {
	char *kernel, *initrd, *cmdline;
	uint64_t mem_mib;
	int cpus;
	struct vm_disk_cfg disks[VM_MAX_DISKS];
	int nr_disks;
	struct vm_share_cfg shares[VM_MAX_SHARES];
	int nr_shares;
	char *tap;
	uint8_t mac[6];
	bool has_mac;
	uint64_t vsock_cid;   /* 0: no vsock device */
	char *vsock_uds;
	char *api_sock;
	char *serial;         /* "stdio" (default), "file:PATH" or "none" */
	bool rng;
	bool no_seccomp;
	char *cgroups[8];     /* cgroup directories to join before set-up (v1 hierarchies or v2) */
	int nr_cgroups;
};

struct vm;

struct vcpu {
	struct vm *vm;
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
};

/* An fd the event loop watches; fn runs on the event-loop thread. The loop
 * borrows the struct: it must stay valid until vm_ev_del(). */
struct vm_ev {
	int fd;
	void (*fn)(void *arg, uint32_t events);
	void *arg;
};

enum vm_state { VM_STARTING, VM_RUNNING, VM_PAUSED, VM_EXITING };

struct virtio_dev;
struct serial;

struct vm {
	struct vm_config *cfg;      /* borrowed */
	int kvm_fd, vm_fd;
	int run_size;
	struct guest_mem mem;
	uint64_t ram_size;
	struct vcpu vcpus[VM_MAX_VCPUS];
	int nr_vcpus;
	struct virtio_dev *devs[VM_MAX_DEVS];
	int nr_devs;
	struct serial *serial;
	uint64_t entry;             /* 64-bit entry point set by boot.c */
	int epfd, wake_fd;

	pthread_mutex_t lock;       /* state, exit_code, parked */
	pthread_cond_t cond;
	enum vm_state state;
	int exit_code;
	int parked;                 /* vCPUs waiting in pause */
	int64_t start_ns;
	char exit_reason[128];
	struct { void (*fn)(void *); void *arg; } reapers[4];
	int nr_reapers;
};

/* vm.c. vm_create() fills *vm (caller's storage) and borrows cfg, which must
 * outlive the VM; the VM's fds and memory are released by process exit. */
int vm_create(struct vm *vm, struct vm_config *cfg);
int vm_run(struct vm *vm);       /* starts vCPUs, serves events; returns exit status */
void vm_request_exit(struct vm *vm, int code, const char *reason);
void vm_pause(struct vm *vm, bool pause);
int vm_ev_add(struct vm *vm, struct vm_ev *ev, uint32_t events);
int vm_ev_mod(struct vm *vm, struct vm_ev *ev, uint32_t events);
void vm_ev_del(struct vm *vm, struct vm_ev *ev);
/*
 * fn(arg) runs on the event-loop thread after each batch of events. Objects
 * whose fds another thread removed from the loop may still appear in the
 * batch being handled; free them there, not before.
 */
int vm_add_reaper(struct vm *vm, void (*fn)(void *arg), void *arg);
int64_t vm_now_ns(void);

/* vm.c: MMIO base, IRQ number and irqfd for the next virtio device. */
int vm_next_dev_slot(struct vm *vm, uint64_t *base, int *irq_fd, int *irq);
int vm_irqfd(struct vm *vm, int gsi);

/* boot.c: load kernel/initrd, fill boot_params, page tables and GDT. */
int vm_boot_load(struct vm *vm, const char *cmdline);

/* cpu.c */
int vcpu_create(struct vm *vm, int id); /* KVM_CREATE_VCPU and its kvm_run mapping */
int vcpu_init(struct vm *vm, int id);   /* CPUID, MSRs, LAPIC; the BSP's long-mode entry state */
void *vcpu_thread(void *arg);
void vcpu_kick(struct vcpu *c);

/* mptable.c: MP table so Linux finds the vCPUs and the IOAPIC without ACPI. */
int vm_mptable_write(struct vm *vm);

/* devices.c: port I/O and MMIO dispatch from the vCPU threads. */
void vm_pio(struct vm *vm, uint16_t port, uint8_t *data, int size, bool write);
void vm_mmio(struct vm *vm, uint64_t addr, uint8_t *data, int size, bool write);

/* vm_config.c: every string in vm_config is owned by it; vm_config_free() releases them. */
int vm_config_parse_args(struct vm_config *cfg, int argc, char **argv);
int vm_config_load_json(struct vm_config *cfg, const char *path);
void vm_config_free(struct vm_config *cfg);

/* vm_api.c */
int vm_api_start(struct vm *vm, const char *path);

/* vm_seccomp.c */
int vm_sandbox_self(struct vm *vm);
/* Move this process into each configured cgroup directory. */
int vm_join_cgroups(const struct vm_config *cfg);

#endif
