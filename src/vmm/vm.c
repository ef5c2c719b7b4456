/* SPDX-License-Identifier: Apache-2.0 */
/* VM lifecycle: KVM set-up, guest memory, devices, vCPU threads, the event loop, exit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/serial.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

int64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int vm_ev_add(struct vm *vm, struct vm_ev *ev, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(vm->epfd, EPOLL_CTL_ADD, ev->fd, &e) < 0 ? -errno : 0;
}

int vm_ev_mod(struct vm *vm, struct vm_ev *ev, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(vm->epfd, EPOLL_CTL_MOD, ev->fd, &e) < 0 ? -errno : 0;
}

void vm_ev_del(struct vm *vm, struct vm_ev *ev)
{
	if (ev->fd >= 0)
		epoll_ctl(vm->epfd, EPOLL_CTL_DEL, ev->fd, NULL);
}

int vm_add_reaper(struct vm *vm, void (*fn)(void *arg), void *arg)
{
	if (vm->nr_reapers == (int)(sizeof(vm->reapers) / sizeof(vm->reapers[0])))
		return -ENOSPC;
	vm->reapers[vm->nr_reapers].fn = fn;
	vm->reapers[vm->nr_reapers++].arg = arg;
	return 0;
}

/* An eventfd that injects `gsi` through the in-kernel irqchip when written. */
int vm_irqfd(struct vm *vm, int gsi)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct kvm_irqfd irqfd = { .gsi = gsi };

	if (fd < 0)
		return -errno;
	irqfd.fd = fd;
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

void vm_request_exit(struct vm *vm, int code, const char *reason)
{
	uint64_t one = 1;

	pthread_mutex_lock(&vm->lock);
	if (vm->state != VM_EXITING) {
		vm->state = VM_EXITING;
		vm->exit_code = code;
		snprintf(vm->exit_reason, sizeof(vm->exit_reason), "%s", reason);
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
	if (write(vm->wake_fd, &one, sizeof(one)) < 0)
		log_warn("vmm", "wake eventfd: %s", strerror(errno));
}

void vm_pause(struct vm *vm, bool pause)
{
	struct timespec dl;

	pthread_mutex_lock(&vm->lock);
	if (pause && vm->state == VM_RUNNING) {
		vm->state = VM_PAUSED;
		pthread_mutex_unlock(&vm->lock);
		for (int i = 0; i < vm->nr_vcpus; i++)
			vcpu_kick(&vm->vcpus[i]);
		pthread_mutex_lock(&vm->lock);
		/* Wait (bounded) until every vCPU is parked, so "paused" is true when we answer. */
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 10;
		while (vm->state == VM_PAUSED && vm->parked < vm->nr_vcpus)
			if (pthread_cond_timedwait(&vm->cond, &vm->lock, &dl) == ETIMEDOUT)
				break;
	} else if (!pause && vm->state == VM_PAUSED) {
		vm->state = VM_RUNNING;
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

/*
 * Guest memory is registered right after KVM_CREATE_VM, before the irqchip
 * exists: measured on this kind of host, KVM_SET_USER_MEMORY_REGION costs
 * about 0.1 ms then, but 6-8 ms (a grace-period wait) once an irqchip or a
 * vCPU exists. Later KVM set-up is fast after it.
 */
static int setup_memory(struct vm *vm)
{
	uint64_t size = vm->ram_size, low = size < VM_MMIO_HOLE ? size : VM_MMIO_HOLE;
	uint8_t *host;

	/* Reserve nothing up front: pages appear as the guest touches them. */
	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return -errno;
	vm->mem.r[0] = (struct guest_region){ 0, low, host };
	vm->mem.nr = 1;
	if (size > low) {
		vm->mem.r[1] = (struct guest_region){ 1ULL << 32, size - low, host + low };
		vm->mem.nr = 2;
	}
	for (int i = 0; i < vm->mem.nr; i++) {
		struct kvm_userspace_memory_region r = {
			.slot = i,
			.guest_phys_addr = vm->mem.r[i].gpa,
			.memory_size = vm->mem.r[i].size,
			.userspace_addr = (uintptr_t)vm->mem.r[i].host,
		};

		if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
			return -errno;
	}
	return 0;
}

/*
 * KVM_CREATE_PIT2 starts a kernel worker thread, which on a loaded host can
 * take milliseconds (kthreadd and the new thread must be scheduled), and it
 * holds the VM's lock meanwhile, which KVM_CREATE_VCPU needs. So the vCPUs
 * are created first and the PIT on a helper thread, while devices, the
 * kernel and the vCPU registers are set up; it only has to exist before
 * the first KVM_RUN.
 */
static void *create_pit(void *arg)
{
	struct vm *vm = arg;
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return (void *)(intptr_t)-errno;
	return NULL;
}

static int open_serial_out(const char *spec)
{
	if (!spec || !strcmp(spec, "stdio"))
		return STDOUT_FILENO;
	if (!strcmp(spec, "none"))
		return -1;
	if (!strncmp(spec, "file:", 5))
		return open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	return -2;
}

static int add_dev(struct vm *vm, struct virtio_dev *d)
{
	if (!d)
		return -1;
	vm->devs[vm->nr_devs++] = d;
	return 0;
}

static int setup_devices(struct vm *vm)
{
	struct vm_config *cfg = vm->cfg;
	int out, irq;

	out = open_serial_out(cfg->serial);
	if (out == -2 || (out < 0 && !strncmp(cfg->serial, "file:", 5))) {
		log_error("vmm", "serial %s: %s", cfg->serial,
			  out == -2 ? "want stdio, none or file:PATH" : strerror(errno));
		return -EINVAL;
	}
	if ((irq = vm_irqfd(vm, VM_SERIAL_IRQ)) < 0)
		return irq;
	vm->serial = serial_create(out, irq);

	for (int i = 0; i < cfg->nr_disks; i++)
		if (add_dev(vm, virtio_blk_create(vm, cfg->disks[i].path, cfg->disks[i].ro,
						  cfg->disks[i].id)) < 0)
			return -EINVAL;
	for (int i = 0; i < cfg->nr_shares; i++)
		if (add_dev(vm, virtio_9p_create(vm, cfg->shares[i].tag, cfg->shares[i].path,
						 cfg->shares[i].ro)) < 0)
			return -EINVAL;
	if (cfg->tap && add_dev(vm, virtio_net_create(vm, cfg->tap, cfg->has_mac ? cfg->mac : NULL)) < 0)
		return -EINVAL;
	if (cfg->vsock_cid && add_dev(vm, virtio_vsock_create(vm, cfg->vsock_cid, cfg->vsock_uds)) < 0)
		return -EINVAL;
	if (cfg->rng && add_dev(vm, virtio_rng_create(vm)) < 0)
		return -EINVAL;
	return 0;
}

/* Base address and IRQ of the next device; devices call this from their constructors. */
int vm_next_dev_slot(struct vm *vm, uint64_t *base, int *irq_fd, int *irq)
{
	int i = vm->nr_devs;

	if (i >= VM_MAX_DEVS)
		return -ENOSPC;
	*base = VM_VIRTIO_BASE + (uint64_t)i * VM_VIRTIO_STRIDE;
	*irq = VM_VIRTIO_IRQ0 + i;
	*irq_fd = vm_irqfd(vm, *irq);
	return *irq_fd < 0 ? *irq_fd : 0;
}

static void wake_read(void *arg, uint32_t events)
{
	struct vm *vm = arg;
	uint64_t v;

	if (read(vm->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_warn("vmm", "wake eventfd: %s", strerror(errno));
}

#define TRACE(vm, what) log_debug("vmm", "%7.2f ms: %s", (vm_now_ns() - (vm)->start_ns) / 1e6, what)

int vm_create(struct vm *vm, struct vm_config *cfg)
{
	struct buf cl = BUF_INIT;
	static struct vm_ev wake_ev;
	pthread_t pit_thread;
	void *pit_ret;
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->start_ns = vm_now_ns();
	vm->ram_size = cfg->mem_mib << 20;
	vm->nr_vcpus = cfg->cpus;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		log_error("vmm", "/dev/kvm: %s", strerror(errno));
		return -errno;
	}
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		log_error("vmm", "/dev/kvm: unexpected API version");
		return -ENOTSUP;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vm_fd < 0 || vm->run_size <= 0) {
		log_error("vmm", "KVM_CREATE_VM: %s", strerror(errno));
		return -errno;
	}
	TRACE(vm, "vm created");
	if ((r = setup_memory(vm)) < 0) {
		log_error("vmm", "guest memory (%llu MiB): %s", (unsigned long long)cfg->mem_mib,
			  strerror(-r));
		return r;
	}
	TRACE(vm, "guest memory registered");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0 ||
	    ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		r = -errno;
		log_error("vmm", "KVM irqchip set-up: %s", strerror(errno));
		return r;
	}
	/* vCPUs must come after the irqchip; the PIT may come later (see create_pit). */
	for (int i = 0; i < vm->nr_vcpus; i++)
		if ((r = vcpu_create(vm, i)) < 0) {
			log_error("vmm", "vcpu%d: KVM_CREATE_VCPU: %s", i, strerror(-r));
			return r;
		}
	TRACE(vm, "irqchip and vcpus created");
	if ((r = pthread_create(&pit_thread, NULL, create_pit, vm)))
		return -r;
	vm->epfd = epoll_create1(EPOLL_CLOEXEC);
	vm->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	wake_ev = (struct vm_ev){ vm->wake_fd, wake_read, vm };
	if (vm->epfd < 0 || vm->wake_fd < 0 || vm_ev_add(vm, &wake_ev, EPOLLIN) < 0)
		r = -errno;
	else
		r = setup_devices(vm);
	if (r == 0) {
		buf_adds(&cl, cfg->cmdline ? cfg->cmdline : "console=ttyS0 reboot=k panic=1");
		for (int i = 0; i < vm->nr_devs; i++)
			buf_addf(&cl, " virtio_mmio.device=4K@%#llx:%d",
				 (unsigned long long)vm->devs[i]->base, vm->devs[i]->irq);
		r = vm_boot_load(vm, cl.p);
		buf_release(&cl);
	}
	if (r == 0)
		r = vm_mptable_write(vm);
	TRACE(vm, "kernel loaded");
	for (int i = 0; r == 0 && i < vm->nr_vcpus; i++)
		if ((r = vcpu_init(vm, i)) < 0)
			log_error("vmm", "vcpu%d: %s", i, strerror(-r));
	TRACE(vm, "vcpus set up");
	pthread_join(pit_thread, &pit_ret);
	TRACE(vm, "PIT created");
	if (r == 0 && pit_ret) {
		r = (int)(intptr_t)pit_ret;
		log_error("vmm", "KVM_CREATE_PIT2: %s", strerror(-r));
	}
	return r;
}

static void on_kick(int sig)
{
	(void)sig; /* only interrupts KVM_RUN */
}

/* Device back ends, stdin and the control socket, until the VM is exiting; then stop the vCPUs. */
static void *event_loop(void *arg)
{
	struct vm *vm = arg;

	for (;;) {
		struct epoll_event evs[16];
		int n;

		pthread_mutex_lock(&vm->lock);
		bool done = vm->state == VM_EXITING;
		pthread_mutex_unlock(&vm->lock);
		if (done)
			break;
		n = epoll_wait(vm->epfd, evs, 16, -1);
		if (n < 0 && errno != EINTR) {
			log_error("vmm", "epoll_wait: %s", strerror(errno));
			vm_request_exit(vm, VM_EXIT_INTERNAL, "event loop failed");
		}
		for (int i = 0; i < n; i++) {
			struct vm_ev *ev = evs[i].data.ptr;

			ev->fn(ev->arg, evs[i].events);
		}
		for (int i = 0; i < vm->nr_reapers; i++)
			vm->reapers[i].fn(vm->reapers[i].arg);
	}
	for (int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	return NULL;
}

/*
 * Threads are created before the seccomp filter (which forbids clone), but
 * vCPU 0 runs on this thread: right after the filter is installed it enters
 * the guest, without waiting for another thread to be woken and scheduled.
 */
int vm_run(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = on_kick };
	pthread_t loop;
	int r;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: KVM_RUN returns EINTR */
	vm->vcpus[0].thread = pthread_self();
	for (int i = 1; i < vm->nr_vcpus; i++)
		if ((r = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i]))) {
			log_error("vmm", "vcpu thread: %s", strerror(r));
			return VM_EXIT_INTERNAL;
		}
	if ((r = pthread_create(&loop, NULL, event_loop, vm))) {
		log_error("vmm", "event loop thread: %s", strerror(r));
		return VM_EXIT_INTERNAL;
	}
	if (!vm->cfg->no_seccomp && vm_sandbox_self(vm) < 0)
		return VM_EXIT_INTERNAL;

	TRACE(vm, "sandboxed, starting vcpus");
	pthread_mutex_lock(&vm->lock);
	if (vm->state == VM_STARTING)
		vm->state = VM_RUNNING;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);

	vcpu_thread(&vm->vcpus[0]); /* returns once the VM is exiting */
	pthread_mutex_lock(&vm->lock);
	r = vm->exit_code;
	pthread_mutex_unlock(&vm->lock);
	/* The other vCPUs and the event loop stop with the process (cmd_vmm _exit()s). */
	return r;
}
