/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-mmio version 2 register file, feature negotiation, queues, interrupts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "vmm/virtio.h"

#define R_MAGIC          0x000
#define R_VERSION        0x004
#define R_DEVICE_ID      0x008
#define R_VENDOR_ID      0x00c
#define R_DEV_FEATURES   0x010
#define R_DEV_FEAT_SEL   0x014
#define R_DRV_FEATURES   0x020
#define R_DRV_FEAT_SEL   0x024
#define R_QUEUE_SEL      0x030
#define R_QUEUE_NUM_MAX  0x034
#define R_QUEUE_NUM      0x038
#define R_QUEUE_READY    0x044
#define R_QUEUE_NOTIFY   0x050
#define R_INT_STATUS     0x060
#define R_INT_ACK        0x064
#define R_STATUS         0x070
#define R_DESC_LO        0x080
#define R_DESC_HI        0x084
#define R_DRIVER_LO      0x090
#define R_DRIVER_HI      0x094
#define R_DEVICE_LO      0x0a0
#define R_DEVICE_HI      0x0a4
#define R_CONFIG_GEN     0x0fc
#define R_CONFIG         0x100

#define MAGIC  0x74726976 /* "virt" */
#define VENDOR 0x4c4f5441 /* "ATOL" */

void virtio_dev_init(struct virtio_dev *d, const struct virtio_ops *ops, void *priv,
		     const struct guest_mem *mem, uint64_t base, int irq, int irq_fd)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->priv = priv;
	d->mem = mem;
	d->base = base;
	d->irq = irq;
	d->irq_fd = irq_fd;
	pthread_mutex_init(&d->lock, NULL);
}

void virtio_dev_free(struct virtio_dev *d)
{
	if (!d)
		return;
	pthread_mutex_destroy(&d->lock);
	free(d->priv);
	free(d);
}

static uint64_t offered(const struct virtio_dev *d)
{
	return d->ops->features | (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_INDIRECT_DESC);
}

void virtio_irq(struct virtio_dev *d, uint32_t why)
{
	uint64_t one = 1;

	d->isr |= why;
	if (d->irq_fd >= 0 && write(d->irq_fd, &one, sizeof(one)) < 0)
		log_warn("vmm", "%s: irq eventfd: write failed", d->ops->name);
}

bool virtio_live(const struct virtio_dev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) && !d->broken;
}

static void guest_log(struct virtio_dev *d, const char *what, const char *msg)
{
	if (d->errors < VIRTIO_LOG_LIMIT)
		log_warn("vmm", "%s@%#llx: %s%s", d->ops->name, (unsigned long long)d->base, what, msg);
	else if (d->errors == VIRTIO_LOG_LIMIT)
		log_warn("vmm", "%s@%#llx: more guest errors; not logging them any more",
			 d->ops->name, (unsigned long long)d->base);
	d->errors++;
}

void virtio_guest_warn(struct virtio_dev *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	guest_log(d, "", msg);
}

void virtio_fail(struct virtio_dev *d, const char *fmt, ...)
{
	char msg[256 + 32];
	va_list ap;

	if (d->broken) {
		d->errors++;
		return;
	}
	strcpy(msg, "guest error: ");
	va_start(ap, fmt);
	vsnprintf(msg + strlen(msg), 256, fmt, ap);
	va_end(ap);
	strcat(msg, "; device needs reset");
	guest_log(d, "", msg);
	d->broken = true;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio_irq(d, VIRTIO_INT_CONFIG);
}

int virtio_pop(struct virtio_dev *d, int q, struct virtq_chain *c)
{
	int r;

	if (!virtio_live(d) || !d->vq[q].ready)
		return 0;
	r = virtq_pop(&d->vq[q], d->mem, c);
	if (r < 0) {
		virtio_fail(d, "queue %d: %s", q, virtq_strerror(r));
		return 0;
	}
	return r;
}

void virtio_used(struct virtio_dev *d, int q, uint16_t head, uint32_t written)
{
	if (virtq_push(&d->vq[q], d->mem, head, written) < 0) {
		virtio_fail(d, "queue %d: used ring outside guest memory", q);
		return;
	}
	if (virtq_want_irq(&d->vq[q], d->mem))
		virtio_irq(d, VIRTIO_INT_USED);
}

static void reset(struct virtio_dev *d)
{
	if (d->ops->reset)
		d->ops->reset(d);
	d->status = d->isr = 0;
	d->dev_feat_sel = d->drv_feat_sel = d->queue_sel = 0;
	d->driver_features = 0;
	d->broken = false;
	memset(d->vq, 0, sizeof(d->vq));
}

static struct virtq *cur_queue(struct virtio_dev *d)
{
	return d->queue_sel < (uint32_t)d->ops->nr_queues ? &d->vq[d->queue_sel] : NULL;
}

static void set_status(struct virtio_dev *d, uint32_t v)
{
	if (v == 0) {
		reset(d);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		/* Accept only what we offered, and require virtio 1. */
		if ((d->driver_features & ~offered(d)) ||
		    !(d->driver_features & (1ULL << VIRTIO_F_VERSION_1)))
			v &= ~VIRTIO_STATUS_FEATURES_OK;
		for (int i = 0; i < d->ops->nr_queues; i++)
			d->vq[i].indirect = d->driver_features & (1ULL << VIRTIO_F_INDIRECT_DESC);
	}
	bool activate = (v & VIRTIO_STATUS_DRIVER_OK) && !(d->status & VIRTIO_STATUS_DRIVER_OK);

	/* NEEDS_RESET is the device's to set; keep it until the guest resets. */
	d->status = v | (d->status & VIRTIO_STATUS_NEEDS_RESET);
	if (activate && d->ops->activate)
		d->ops->activate(d);
}

static uint32_t reg_read(struct virtio_dev *d, uint64_t off)
{
	struct virtq *q = cur_queue(d);

	switch (off) {
	case R_MAGIC: return MAGIC;
	case R_VERSION: return 2;
	case R_DEVICE_ID: return d->ops->device_id;
	case R_VENDOR_ID: return VENDOR;
	case R_DEV_FEATURES:
		return d->dev_feat_sel > 1 ? 0 : (uint32_t)(offered(d) >> (32 * d->dev_feat_sel));
	case R_QUEUE_NUM_MAX: return q ? VIRTQ_MAX_SIZE : 0;
	case R_QUEUE_READY: return q ? q->ready : 0;
	case R_INT_STATUS: return d->isr;
	case R_STATUS: return d->status;
	case R_CONFIG_GEN: return d->config_gen;
	}
	return 0;
}

static void set_half(uint64_t *v, bool hi, uint32_t val)
{
	*v = hi ? (*v & 0xffffffffULL) | ((uint64_t)val << 32) : (*v & ~0xffffffffULL) | val;
}

static void reg_write(struct virtio_dev *d, uint64_t off, uint32_t v)
{
	struct virtq *q = cur_queue(d);

	switch (off) {
	case R_DEV_FEAT_SEL: d->dev_feat_sel = v; return;
	case R_DRV_FEAT_SEL: d->drv_feat_sel = v; return;
	case R_DRV_FEATURES:
		if (d->drv_feat_sel <= 1 && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
			uint64_t f = d->driver_features;

			set_half(&f, d->drv_feat_sel, v);
			d->driver_features = f;
		}
		return;
	case R_QUEUE_SEL: d->queue_sel = v; return;
	case R_INT_ACK: d->isr &= ~v; return;
	case R_STATUS: set_status(d, v); return;
	case R_QUEUE_NOTIFY:
		if (v < (uint32_t)d->ops->nr_queues && virtio_live(d) && d->vq[v].ready)
			d->ops->notify(d, v);
		return;
	}
	if (!q || q->ready)
		return; /* queue registers are frozen once the queue is live */
	switch (off) {
	case R_QUEUE_NUM: q->size = v; return;
	case R_DESC_LO: case R_DESC_HI: set_half(&q->desc_gpa, off == R_DESC_HI, v); return;
	case R_DRIVER_LO: case R_DRIVER_HI: set_half(&q->avail_gpa, off == R_DRIVER_HI, v); return;
	case R_DEVICE_LO: case R_DEVICE_HI: set_half(&q->used_gpa, off == R_DEVICE_HI, v); return;
	case R_QUEUE_READY:
		if (v != 1)
			return;
		if (!virtq_rings_valid(q, d->mem)) {
			virtio_fail(d, "queue %u: bad size %u or rings outside guest memory",
				    d->queue_sel, q->size);
			return;
		}
		q->last_avail = q->used_idx = 0;
		q->ready = true;
		return;
	}
}

void virtio_mmio_access(struct virtio_dev *d, uint64_t off, uint8_t *data, int len, bool write)
{
	pthread_mutex_lock(&d->lock);
	if (off >= R_CONFIG) {
		uint64_t co = off - R_CONFIG;

		/* Config space is read-only for our devices; ignore writes. */
		if (!write) {
			memset(data, 0, len);
			if (co < d->ops->config_len && (uint64_t)len <= d->ops->config_len - co &&
			    d->ops->config_read)
				d->ops->config_read(d, co, data, len);
		}
	} else if (len != 4 || (off & 3)) {
		/* The spec allows only aligned 32-bit register access. */
		if (!write)
			memset(data, 0xff, len);
	} else if (write) {
		uint32_t v;

		memcpy(&v, data, 4);
		reg_write(d, off, v);
	} else {
		uint32_t v = reg_read(d, off);

		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&d->lock);
}
