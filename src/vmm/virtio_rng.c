/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-rng: fill every device-writable buffer from getrandom(). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

static void rng_notify(struct virtio_dev *d, int q)
{
	struct virtq_chain *c = d->priv;

	/* Bounded by the ring: at most size chains are available at once. */
	for (int n = 0; n < VIRTQ_MAX_SIZE && virtio_pop(d, q, c) == 1; n++) {
		uint32_t done = 0;

		if (c->nr_out) {
			virtio_fail(d, "rng request with a device-readable buffer");
			return;
		}
		for (int i = 0; i < c->nr_in; i++) {
			/* getrandom returns at most 32 MiB per call; cap per buffer too. */
			uint32_t want = c->iov[i].len > 65536 ? 65536 : c->iov[i].len;
			ssize_t got = getrandom(c->iov[i].base, want, 0);

			if (got < 0)
				break;
			done += got;
			if ((uint32_t)got < c->iov[i].len)
				break;
		}
		virtio_used(d, q, c->head, done);
	}
}

static const struct virtio_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.notify = rng_notify,
};

struct virtio_dev *virtio_rng_new(const struct guest_mem *mem)
{
	struct virtio_dev *d = xcalloc(1, sizeof(*d));

	virtio_dev_init(d, &rng_ops, xmalloc(sizeof(struct virtq_chain)), mem, 0, 0, -1);
	return d;
}

struct virtio_dev *virtio_rng_create(struct vm *vm)
{
	uint64_t base;
	int irq, irq_fd, r;
	struct virtio_dev *d;

	if ((r = vm_next_dev_slot(vm, &base, &irq_fd, &irq)) < 0) {
		log_error("vmm", "virtio-rng: %s", strerror(-r));
		return NULL;
	}
	d = virtio_rng_new(&vm->mem);
	d->base = base;
	d->irq = irq;
	d->irq_fd = irq_fd;
	return d;
}
