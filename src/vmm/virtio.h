/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-mmio transport (version 2, virtio 1.x) and the device interface.
 * A device is a struct virtio_dev plus ops; the transport owns the
 * registers, feature negotiation, queue setup, interrupts and the
 * DEVICE_NEEDS_RESET path that every device uses for guest errors.
 */
#ifndef ATOLL_VMM_VIRTIO_H
#define ATOLL_VMM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/virtq.h"

#define VIRTIO_ID_NET   1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_RNG   4
#define VIRTIO_ID_9P    9
#define VIRTIO_ID_VSOCK 19

#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1     32

#define VIRTIO_STATUS_ACK         1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

#define VIRTIO_INT_USED   1
#define VIRTIO_INT_CONFIG 2

#define VIRTIO_MAX_QUEUES 3
#define VIRTIO_MMIO_SIZE  0x1000

struct virtio_dev;

struct virtio_ops {
	const char *name;
	uint32_t device_id;
	int nr_queues;
	uint64_t features;  /* offered; VERSION_1 is added by the transport */
	/* Config space access, off and len already checked against config_len. */
	void (*config_read)(struct virtio_dev *d, uint32_t off, uint8_t *data, uint32_t len);
	uint32_t config_len;
	/* The guest kicked queue q (called with d->lock held). */
	void (*notify)(struct virtio_dev *d, int q);
	/* The guest reset the device or the device reset itself (d->lock held). */
	void (*reset)(struct virtio_dev *d);
	/* DRIVER_OK was set (d->lock held). */
	void (*activate)(struct virtio_dev *d);
};

struct virtio_dev {
	const struct virtio_ops *ops;
	void *priv;                 /* the device's own state */
	const struct guest_mem *mem; /* borrowed */
	uint64_t base;              /* MMIO base address */
	int irq;
	int irq_fd;                 /* eventfd bound with KVM_IRQFD, -1 in tests */
	pthread_mutex_t lock;

	uint32_t status, isr, config_gen;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
	uint64_t driver_features;
	bool broken;                /* DEVICE_NEEDS_RESET raised: ignore kicks */
	struct virtq vq[VIRTIO_MAX_QUEUES];
	unsigned long errors;       /* guest errors seen, for status and tests */
};

void virtio_dev_init(struct virtio_dev *d, const struct virtio_ops *ops, void *priv,
		     const struct guest_mem *mem, uint64_t base, int irq, int irq_fd);

/* A register access from a vCPU; off is relative to d->base. */
void virtio_mmio_access(struct virtio_dev *d, uint64_t off, uint8_t *data, int len, bool write);

/* Raise the interrupt with `why` (VIRTIO_INT_*) in the ISR. */
void virtio_irq(struct virtio_dev *d, uint32_t why);

/* Return chain `head` of queue q with `written` bytes; interrupts unless suppressed. */
void virtio_used(struct virtio_dev *d, int q, uint16_t head, uint32_t written);

/* Pop from queue q; on a malformed chain the device enters NEEDS_RESET and 0 is returned. */
int virtio_pop(struct virtio_dev *d, int q, struct virtq_chain *c);

/*
 * The guest broke the protocol: log it, set DEVICE_NEEDS_RESET, stop
 * serving the device until the guest resets it. Lock held.
 */
void virtio_fail(struct virtio_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Log a guest-caused problem and count it in d->errors. Only the first
 * VIRTIO_LOG_LIMIT per device reach the log, so a hostile guest cannot flood it.
 */
#define VIRTIO_LOG_LIMIT 20
void virtio_guest_warn(struct virtio_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether the guest finished initialization and the device is usable. */
bool virtio_live(const struct virtio_dev *d);

/* Device constructors (the device files). All return owned devices or NULL. */
struct vm;
struct virtio_dev *virtio_blk_create(struct vm *vm, const char *path, bool ro, const char *id);
struct virtio_dev *virtio_net_create(struct vm *vm, const char *tap, const uint8_t mac[6]);
struct virtio_dev *virtio_vsock_create(struct vm *vm, uint64_t cid, const char *uds);
struct virtio_dev *virtio_rng_create(struct vm *vm);
/* A host directory (opened here) under mount tag `tag`. */
struct virtio_dev *virtio_9p_create(struct vm *vm, const char *tag, const char *path, bool ro);
bool virtio_9p_tag_ok(const char *tag);

/* For the fuzzer and unit tests: the same devices over a plain guest_mem, no VM. */
struct virtio_dev *virtio_blk_new(const struct guest_mem *mem, int fd, uint64_t bytes, bool ro, const char *id);
struct virtio_dev *virtio_rng_new(const struct guest_mem *mem);
/* TX goes to fd, RX reads it (borrowed). */
struct virtio_dev *virtio_net_new(const struct guest_mem *mem, int fd, const uint8_t mac[6]);
/* Without a VM: guest connections go to <uds>_<port>; there is no host listener. */
struct virtio_dev *virtio_vsock_new(const struct guest_mem *mem, uint64_t cid, const char *uds);
/* Takes root_fd (a directory); NULL with errno set for a bad tag. Free with virtio_9p_free(). */
struct virtio_dev *virtio_9p_new(const struct guest_mem *mem, int root_fd, const char *tag, bool ro);
void virtio_9p_free(struct virtio_dev *d);
/* Free a device from *_new() (takes d; its fd stays the caller's). */
void virtio_dev_free(struct virtio_dev *d);

#endif
