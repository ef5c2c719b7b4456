/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-net on a host TAP device: TX from the vCPU thread, RX from the event loop. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

#define NET_F_MAC 5
#define NET_HDR_LEN 12   /* struct virtio_net_hdr_v1 (with num_buffers) */
#define FRAME_MAX 65536
#define Q_RX 0
#define Q_TX 1

struct net {
	struct vm *vm;
	struct vm_ev ev;
	uint8_t mac[6];
	bool rx_stalled;        /* EPOLLIN is off until the guest adds RX buffers */
	uint32_t pending_len;   /* a frame read from the TAP but not yet delivered */
	uint8_t pending[NET_HDR_LEN + FRAME_MAX];
	uint8_t tx[NET_HDR_LEN + FRAME_MAX];
	struct virtq_chain chain;
};

static void rx_stall(struct virtio_dev *d, struct net *n, bool stall)
{
	if (n->rx_stalled == stall || !n->vm)
		return;
	n->rx_stalled = stall;
	vm_ev_mod(n->vm, &n->ev, stall ? 0 : EPOLLIN);
}

/* Deliver frames from the TAP while the guest has RX buffers. Lock held. */
static void rx_process(struct virtio_dev *d, struct net *n)
{
	for (int budget = 0; budget < VIRTQ_MAX_SIZE; budget++) {
		if (!virtio_live(d) || !d->vq[Q_RX].ready) {
			rx_stall(d, n, true);
			return;
		}
		if (!n->pending_len) {
			ssize_t r = read(n->ev.fd, n->pending + NET_HDR_LEN, FRAME_MAX);

			if (r <= 0)
				return; /* EAGAIN: wait for the next EPOLLIN */
			memset(n->pending, 0, NET_HDR_LEN);
			n->pending[10] = 1; /* num_buffers */
			n->pending_len = NET_HDR_LEN + r;
		}
		if (virtio_pop(d, Q_RX, &n->chain) != 1) {
			rx_stall(d, n, true);
			return;
		}
		if (n->chain.nr_out || n->chain.in_len < n->pending_len) {
			/* Too small a buffer for this frame: drop it, give the buffer back empty. */
			log_debug("vmm", "virtio-net: %u-byte frame dropped, RX buffer too small",
				  n->pending_len);
			virtio_used(d, Q_RX, n->chain.head, 0);
		} else {
			virtq_copy_to(&n->chain, 0, n->pending, n->pending_len);
			virtio_used(d, Q_RX, n->chain.head, n->pending_len);
		}
		n->pending_len = 0;
	}
}

static void tx_process(struct virtio_dev *d, struct net *n)
{
	for (int budget = 0; budget < VIRTQ_MAX_SIZE && virtio_pop(d, Q_TX, &n->chain) == 1; budget++) {
		struct virtq_chain *c = &n->chain;

		if (c->out_len < NET_HDR_LEN || c->nr_in) {
			virtio_fail(d, "TX chain without a header or with writable buffers");
			return;
		}
		if (c->out_len > sizeof(n->tx)) {
			virtio_guest_warn(d, "oversized TX frame (%llu bytes) dropped",
					  (unsigned long long)c->out_len);
		} else {
			size_t len = virtq_copy_from(c, 0, n->tx, c->out_len);

			if (write(n->ev.fd, n->tx + NET_HDR_LEN, len - NET_HDR_LEN) < 0 && errno != EAGAIN)
				log_debug("vmm", "virtio-net: tap write: %s", strerror(errno));
		}
		virtio_used(d, Q_TX, c->head, 0);
	}
}

static void net_notify(struct virtio_dev *d, int q)
{
	struct net *n = d->priv;

	if (q == Q_TX) {
		tx_process(d, n);
	} else if (q == Q_RX) {
		rx_stall(d, n, false);
		rx_process(d, n);
	}
}

static void net_activate(struct virtio_dev *d)
{
	rx_stall(d, d->priv, false);
}

static void net_reset(struct virtio_dev *d)
{
	struct net *n = d->priv;

	n->pending_len = 0;
	rx_stall(d, n, true);
}

static void net_ready(void *arg, uint32_t events)
{
	struct virtio_dev *d = arg;

	pthread_mutex_lock(&d->lock);
	rx_process(d, d->priv);
	pthread_mutex_unlock(&d->lock);
}

static void net_config(struct virtio_dev *d, uint32_t off, uint8_t *data, uint32_t len)
{
	struct net *n = d->priv;
	uint8_t cfg[8] = { 0 };

	memcpy(cfg, n->mac, 6);
	memcpy(data, cfg + off, len);
}

static const struct virtio_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.features = 1ULL << NET_F_MAC,
	.config_read = net_config,
	.config_len = 8,
	.notify = net_notify,
	.reset = net_reset,
	.activate = net_activate,
};

static int tap_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

struct virtio_dev *virtio_net_new(const struct guest_mem *mem, int fd, const uint8_t mac[6])
{
	static const uint8_t def_mac[6] = { 0x02, 0xa7, 0x01, 0x00, 0x00, 0x01 };
	struct virtio_dev *d = xcalloc(1, sizeof(*d));
	struct net *n = xcalloc(1, sizeof(*n));

	memcpy(n->mac, mac ? mac : def_mac, 6);
	virtio_dev_init(d, &net_ops, n, mem, 0, 0, -1);
	n->ev = (struct vm_ev){ fd, net_ready, d };
	n->rx_stalled = true;
	return d;
}

struct virtio_dev *virtio_net_create(struct vm *vm, const char *tap, const uint8_t mac[6])
{
	struct virtio_dev *d;
	struct net *n;
	uint64_t base;
	int fd, irq, irq_fd, r;

	if (strlen(tap) >= IFNAMSIZ || (fd = tap_open(tap)) < 0) {
		log_error("vmm", "tap %s: %s", tap, strlen(tap) >= IFNAMSIZ ? "name too long" : strerror(-fd));
		return NULL;
	}
	if ((r = vm_next_dev_slot(vm, &base, &irq_fd, &irq)) < 0) {
		log_error("vmm", "tap %s: %s", tap, strerror(-r));
		close(fd);
		return NULL;
	}
	d = virtio_net_new(&vm->mem, fd, mac);
	d->base = base;
	d->irq = irq;
	d->irq_fd = irq_fd;
	n = d->priv;
	n->vm = vm;
	/* Registered with no events; DRIVER_OK turns EPOLLIN on. */
	if (vm_ev_add(vm, &n->ev, 0) < 0) {
		log_error("vmm", "tap %s: epoll: %s", tap, strerror(errno));
		return NULL;
	}
	return d;
}
