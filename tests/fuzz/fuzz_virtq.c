/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the fuzzer input becomes guest memory plus a few
 * control bytes; virtqueue parsing, the virtio-mmio transport and the
 * virtio-blk and virtio-rng request paths run over it. Any crash, hang or
 * sanitizer report is a bug: a hostile guest controls all of these bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/log.h"
#include "vmm/guest_mem.h"
#include "vmm/virtio.h"
#include "vmm/virtq.h"

#define MEM_SIZE (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static uint8_t *mem_buf;
static struct guest_mem mem;
static struct virtio_dev *blk, *rng, *net, *vsock, *p9;
static char p9_dir[64];

static void p9_cleanup(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/f", p9_dir);
	unlink(p);
	rmdir(p9_dir);
}
static struct virtq_chain ch;

/* The device constructors for a real VM are linked but never called here. */
struct vm;
int vm_next_dev_slot(struct vm *vm, uint64_t *base, int *irq_fd, int *irq);
int vm_next_dev_slot(struct vm *vm, uint64_t *base, int *irq_fd, int *irq)
{
	return -ENOSYS;
}

/* Devices without a VM never register with an event loop; reaching these is a bug. */
struct vm_ev;
int vm_ev_add(struct vm *vm, struct vm_ev *ev, uint32_t events);
int vm_ev_mod(struct vm *vm, struct vm_ev *ev, uint32_t events);
void vm_ev_del(struct vm *vm, struct vm_ev *ev);
int vm_ev_add(struct vm *vm, struct vm_ev *ev, uint32_t events) { abort(); }
int vm_ev_mod(struct vm *vm, struct vm_ev *ev, uint32_t events) { abort(); }
void vm_ev_del(struct vm *vm, struct vm_ev *ev) { abort(); }
int vm_add_reaper(struct vm *vm, void (*fn)(void *arg), void *arg);
int vm_add_reaper(struct vm *vm, void (*fn)(void *arg), void *arg) { abort(); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = memfd_create("fuzz-disk", 0);

	log_level_max = LOG_ERROR; /* guest errors are expected; keep the output short */
	mem_buf = aligned_alloc(4096, MEM_SIZE);
	mem = (struct guest_mem){ { { 0, MEM_SIZE, mem_buf } }, 1 };
	if (fd < 0 || ftruncate(fd, 16 * 512) < 0)
		abort();
	blk = virtio_blk_new(&mem, fd, 16 * 512, false, "fuzz");
	rng = virtio_rng_new(&mem);
	net = virtio_net_new(&mem, open("/dev/null", O_RDWR), NULL);
	vsock = virtio_vsock_new(&mem, 3, "/nonexistent/atoll-fuzz");
	/* virtio-9p over a read-only share: requests parse and run, nothing changes on disk. */
	snprintf(p9_dir, sizeof(p9_dir), "/tmp/atoll-fuzz-v9p-XXXXXX");
	if (!mkdtemp(p9_dir))
		abort();
	atexit(p9_cleanup);
	char f[128];
	snprintf(f, sizeof(f), "%s/f", p9_dir);
	close(open(f, O_WRONLY | O_CREAT, 0644));
	p9 = virtio_9p_new(&mem, open(p9_dir, O_PATH | O_DIRECTORY | O_CLOEXEC), "fuzz", true);
	if (!p9)
		abort();
	return 0;
}

static void w32(struct virtio_dev *d, uint64_t off, uint32_t v)
{
	virtio_mmio_access(d, off, (uint8_t *)&v, 4, true);
}

/* Bring the device up with one queue whose layout comes from the input. */
static void setup(struct virtio_dev *d, const uint8_t *ctl, bool indirect)
{
	int nq = d->ops->nr_queues;

	uint32_t size = 1u << (ctl[0] % 9); /* 1..256, plus some invalid below */

	if (ctl[1] & 0x80)
		size = ctl[1];                   /* arbitrary, often not a power of two */
	w32(d, 0x70, 0);
	w32(d, 0x70, 3);
	w32(d, 0x24, 0);
	w32(d, 0x20, indirect ? 1u << 28 : 0);
	w32(d, 0x24, 1);
	w32(d, 0x20, 1);
	w32(d, 0x70, 11);
	/* Every queue gets its own slice of the layout bytes, so rings may overlap. */
	for (int q = 0; q < nq; q++) {
		w32(d, 0x30, q);
		w32(d, 0x38, size);
		w32(d, 0x80, ((ctl[2] + 0x11 * q) << 8) & ~15u);
		w32(d, 0x90, ((ctl[3] + 0x23 * q) << 8) & ~1u);
		w32(d, 0xa0, ((ctl[4] + 0x35 * q) << 8) & ~3u);
		w32(d, 0x44, 1);
	}
	w32(d, 0x70, 15);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtq q;
	uint8_t ctl[8] = { 0 };

	if (size < sizeof(ctl))
		return 0;
	memcpy(ctl, data, sizeof(ctl));
	data += sizeof(ctl);
	size -= sizeof(ctl);
	memset(mem_buf, 0, MEM_SIZE);
	memcpy(mem_buf, data, size < MEM_SIZE ? size : MEM_SIZE);

	/* 1. The bare virtqueue. */
	memset(&q, 0, sizeof(q));
	q.size = 1u << (ctl[0] % 9);
	q.desc_gpa = (ctl[2] << 8) & ~15u;
	q.avail_gpa = (ctl[3] << 8) & ~1u;
	q.used_gpa = (ctl[4] << 8) & ~3u;
	q.indirect = ctl[5] & 1;
	q.ready = true;
	q.last_avail = ctl[6];
	if (virtq_rings_valid(&q, &mem)) {
		for (int i = 0; i < 300; i++) {
			int r = virtq_pop(&q, &mem, &ch);

			if (r <= 0)
				break;
			uint8_t tmp[64];
			virtq_copy_from(&ch, ctl[7], tmp, sizeof(tmp));
			virtq_copy_to(&ch, ctl[7], tmp, sizeof(tmp));
			virtq_push(&q, &mem, ch.head, (uint32_t)ch.in_len);
		}
	}

	/* 2. Devices through the transport; guest memory is re-seeded so rings are fresh. */
	struct virtio_dev *devs[5] = { blk, rng, net, vsock, p9 };
	struct virtio_dev *d = devs[((ctl[5] >> 1) & 7) % 5];

	memcpy(mem_buf, data, size < MEM_SIZE ? size : MEM_SIZE);
	setup(d, ctl, ctl[5] & 4);
	for (int kick = 0; kick < 6; kick++)
		w32(d, 0x50, kick == 5 ? ctl[6] : kick % d->ops->nr_queues);
	uint32_t v;
	virtio_mmio_access(d, 0x100 + (ctl[7] & 0x3f), (uint8_t *)&v, 4, false);
	w32(d, 0x70, 0);
	return 0;
}
