/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-vsock, device side in the VMM, backed by Unix sockets the
 * Firecracker way: a host process connects to <uds> and writes
 * "CONNECT <port>\n" (answered "OK <host-port>\n" once the guest accepts);
 * a guest connection to CID 2 port P is forwarded to the socket <uds>_<P>.
 * Stream sockets only; credit-based flow control in both directions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

#define Q_RX 0
#define Q_TX 1
#define Q_EV 2
#define HOST_CID 2
#define HDR_LEN 44
#define TYPE_STREAM 1
#define OP_REQUEST 1
#define OP_RESPONSE 2
#define OP_RST 3
#define OP_SHUTDOWN 4
#define OP_RW 5
#define OP_CREDIT_UPDATE 6
#define OP_CREDIT_REQUEST 7
#define SHUT_BOTH 3
#define BUF_ALLOC (64 * 1024)  /* what we advertise per connection */
#define MAX_CONNS 128
#define CTRL_MAX 256

struct vsock_hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
} __attribute__((packed));

enum conn_state { C_LINE, C_CONNECTING, C_OPEN, C_CLOSING };

struct conn {
	struct virtio_dev *dev;
	struct vm_ev ev;
	enum conn_state state;
	uint32_t local_port, peer_port;
	uint32_t peer_buf_alloc, peer_fwd_cnt, rx_cnt; /* host -> guest credit */
	uint32_t fwd_cnt, fwd_sent;                    /* guest -> host credit */
	bool readable, eof;
	bool dead;             /* closed; freed by the event loop's reaper */
	struct conn *next_dead;
	char line[32];
	int line_len;
	uint32_t tx_len;
	uint8_t tx[BUF_ALLOC];                         /* guest data not yet written */
};

struct vsock {
	struct vm *vm;
	uint64_t cid;
	char *uds;
	struct vm_ev listen_ev;
	struct conn *conns[MAX_CONNS];
	struct conn *dead;     /* closed connections waiting for the reaper */
	struct vsock_hdr ctrl[CTRL_MAX];
	int ctrl_head, ctrl_len;
	uint32_t next_port;
	struct virtq_chain chain;
	struct iovec iov[VIRTQ_MAX_SIZE];
};

/*
 * Lock held. Called from vCPU threads too, while the event loop may hold an
 * event for this connection from before vm_ev_del(): so the memory lives on,
 * marked dead, until the loop's reaper frees it after the batch.
 */
static void conn_close(struct vsock *v, struct conn *c)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (v->conns[i] == c)
			v->conns[i] = NULL;
	vm_ev_del(v->vm, &c->ev);
	close(c->ev.fd);
	c->dead = true;
	c->next_dead = v->dead;
	v->dead = c;
}

static void vsock_reap(void *arg)
{
	struct virtio_dev *d = arg;
	struct vsock *v = d->priv;
	struct conn *c;

	pthread_mutex_lock(&d->lock);
	c = v->dead;
	v->dead = NULL;
	pthread_mutex_unlock(&d->lock);
	while (c) {
		struct conn *next = c->next_dead;

		free(c);
		c = next;
	}
}

static struct conn *conn_find(struct vsock *v, uint32_t local, uint32_t peer)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = v->conns[i];

		if (c && c->local_port == local && c->peer_port == peer && c->state != C_LINE)
			return c;
	}
	return NULL;
}

static struct conn *conn_new(struct virtio_dev *d, int fd, enum conn_state st, void (*fn)(void *, uint32_t))
{
	struct vsock *v = d->priv;

	if (!v->vm)
		return NULL; /* a device without a VM (fuzzing) has no event loop */

	for (int i = 0; i < MAX_CONNS; i++) {
		if (v->conns[i])
			continue;
		struct conn *c = xcalloc(1, sizeof(*c));

		c->dev = d;
		c->state = st;
		c->ev = (struct vm_ev){ fd, fn, c };
		c->readable = true; /* data may already wait; reading finds out */
		/* Edge-triggered: `readable` remembers input we could not deliver yet. */
		if (vm_ev_add(v->vm, &c->ev, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET) < 0) {
			free(c);
			return NULL;
		}
		v->conns[i] = c;
		return c;
	}
	return NULL;
}

static void ctrl_push(struct virtio_dev *d, struct conn *c, uint16_t op, uint32_t flags,
		      uint32_t local, uint32_t peer)
{
	struct vsock *v = d->priv;
	struct vsock_hdr h = {
		.src_cid = HOST_CID, .dst_cid = v->cid, .src_port = local, .dst_port = peer,
		.type = TYPE_STREAM, .op = op, .flags = flags, .buf_alloc = BUF_ALLOC,
		.fwd_cnt = c ? c->fwd_cnt : 0,
	};

	if (v->ctrl_len == CTRL_MAX) {
		virtio_guest_warn(d, "control queue full (the guest takes no RX buffers), dropping op %u", op);
		return;
	}
	v->ctrl[(v->ctrl_head + v->ctrl_len++) % CTRL_MAX] = h;
	if (c)
		c->fwd_sent = c->fwd_cnt;
}

static uint32_t peer_credit(const struct conn *c)
{
	uint32_t used = c->rx_cnt - c->peer_fwd_cnt;

	return used >= c->peer_buf_alloc ? 0 : c->peer_buf_alloc - used;
}

/* One chain for the guest: pending control first, then data. Lock held. */
static void rx_process(struct virtio_dev *d)
{
	struct vsock *v = d->priv;
	struct virtq_chain *ch = &v->chain;

	for (int budget = 0; budget < VIRTQ_MAX_SIZE; budget++) {
		struct conn *c = NULL;

		if (!v->ctrl_len) {
			for (int i = 0; i < MAX_CONNS && !c; i++)
				if (v->conns[i] && v->conns[i]->state == C_OPEN &&
				    v->conns[i]->readable && peer_credit(v->conns[i]))
					c = v->conns[i];
			if (!c)
				return;
		}
		if (virtio_pop(d, Q_RX, ch) != 1)
			return; /* no buffers: a guest RX kick brings us back */
		if (ch->nr_out || ch->in_len < HDR_LEN) {
			virtio_fail(d, "RX buffer smaller than a packet header");
			return;
		}
		if (v->ctrl_len) {
			virtq_copy_to(ch, 0, &v->ctrl[v->ctrl_head], HDR_LEN);
			v->ctrl_head = (v->ctrl_head + 1) % CTRL_MAX;
			v->ctrl_len--;
			virtio_used(d, Q_RX, ch->head, HDR_LEN);
			continue;
		}
		uint64_t room = ch->in_len - HDR_LEN, want = peer_credit(c);
		ssize_t n;

		if (want > room)
			want = room;
		int niov = virtq_iovec(ch, true, HDR_LEN, want, v->iov);

		n = want ? readv(c->ev.fd, v->iov, niov) : 0;
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			c->readable = false;
			virtq_unpop(&d->vq[Q_RX]); /* the buffer stays the guest's */
			continue;
		}
		struct vsock_hdr h = { HOST_CID, v->cid, c->local_port, c->peer_port, 0,
				       TYPE_STREAM, OP_RW, 0, BUF_ALLOC, c->fwd_cnt };

		if (n <= 0) {
			/* EOF or error on the host side: tell the guest we are done. */
			h.op = OP_SHUTDOWN;
			h.flags = SHUT_BOTH;
			c->readable = false;
			c->eof = true;
			c->state = C_CLOSING;
		} else {
			h.len = n;
			c->rx_cnt += n;
		}
		c->fwd_sent = c->fwd_cnt;
		virtq_copy_to(ch, 0, &h, HDR_LEN);
		virtio_used(d, Q_RX, ch->head, HDR_LEN + (n > 0 ? n : 0));
	}
}

static void conn_flush(struct vsock *v, struct conn *c)
{
	while (c->tx_len) {
		ssize_t n = write(c->ev.fd, c->tx, c->tx_len);

		if (n <= 0)
			break;
		memmove(c->tx, c->tx + n, c->tx_len - n);
		c->tx_len -= n;
		c->fwd_cnt += n;
	}
	/* Return credit once a quarter of the buffer has drained. */
	if (c->fwd_cnt - c->fwd_sent >= BUF_ALLOC / 4)
		ctrl_push(c->dev, c, OP_CREDIT_UPDATE, 0, c->local_port, c->peer_port);
}

static void conn_ready(void *arg, uint32_t events);

/* The guest connects to the host: forward to <uds>_<port>. */
static void guest_connect(struct virtio_dev *d, const struct vsock_hdr *h)
{
	struct vsock *v = d->priv;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct conn *c;
	int fd;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s_%u", v->uds, h->dst_port) >=
	    (int)sizeof(sa.sun_path))
		goto refuse;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto refuse;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    !(c = conn_new(d, fd, C_OPEN, conn_ready))) {
		log_debug("vmm", "vsock: guest connect to %s: %s", sa.sun_path, strerror(errno));
		close(fd);
		goto refuse;
	}
	c->local_port = h->dst_port;
	c->peer_port = h->src_port;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	ctrl_push(d, c, OP_RESPONSE, 0, c->local_port, c->peer_port);
	return;
refuse:
	ctrl_push(d, NULL, OP_RST, 0, h->dst_port, h->src_port);
}

static void tx_packet(struct virtio_dev *d, struct virtq_chain *ch)
{
	struct vsock *v = d->priv;
	struct vsock_hdr h;
	struct conn *c;

	virtq_copy_from(ch, 0, &h, HDR_LEN);
	if (h.len > ch->out_len - HDR_LEN) {
		virtio_fail(d, "TX packet claims %u bytes but carries %llu", h.len,
			    (unsigned long long)(ch->out_len - HDR_LEN));
		return;
	}
	if (h.src_cid != v->cid || h.dst_cid != HOST_CID || h.type != TYPE_STREAM) {
		if (h.op != OP_RST)
			ctrl_push(d, NULL, OP_RST, 0, h.dst_port, h.src_port);
		return;
	}
	c = conn_find(v, h.dst_port, h.src_port);
	if (c) {
		c->peer_buf_alloc = h.buf_alloc;
		c->peer_fwd_cnt = h.fwd_cnt;
	}
	switch (h.op) {
	case OP_REQUEST:
		if (c)
			ctrl_push(d, NULL, OP_RST, 0, h.dst_port, h.src_port);
		else
			guest_connect(d, &h);
		return;
	case OP_RESPONSE:
		if (c && c->state == C_CONNECTING) {
			char ok[32];
			int n = snprintf(ok, sizeof(ok), "OK %u\n", c->local_port);

			c->state = C_OPEN;
			c->readable = true;
			if (write(c->ev.fd, ok, n) != n)
				log_debug("vmm", "vsock: host socket did not take OK");
		} else if (!c) {
			ctrl_push(d, NULL, OP_RST, 0, h.dst_port, h.src_port);
		}
		return;
	case OP_RW:
		if (!c || c->state != C_OPEN) {
			ctrl_push(d, NULL, OP_RST, 0, h.dst_port, h.src_port);
			return;
		}
		if (h.len > BUF_ALLOC - c->tx_len) {
			virtio_guest_warn(d, "guest port %u overran its credit; resetting it", h.src_port);
			ctrl_push(d, NULL, OP_RST, 0, c->local_port, c->peer_port);
			conn_close(v, c);
			return;
		}
		virtq_copy_from(ch, HDR_LEN, c->tx + c->tx_len, h.len);
		c->tx_len += h.len;
		conn_flush(v, c);
		return;
	case OP_CREDIT_REQUEST:
		if (c)
			ctrl_push(d, c, OP_CREDIT_UPDATE, 0, c->local_port, c->peer_port);
		return;
	case OP_CREDIT_UPDATE:
		return; /* credit already taken from the header */
	case OP_SHUTDOWN:
		if (!c)
			return;
		conn_flush(v, c);
		if ((h.flags & SHUT_BOTH) == SHUT_BOTH || c->eof) {
			ctrl_push(d, NULL, OP_RST, 0, c->local_port, c->peer_port);
			conn_close(v, c);
		} else if (h.flags & 2) {
			shutdown(c->ev.fd, SHUT_WR);
		}
		return;
	case OP_RST:
		if (c) {
			if (c->state == C_CONNECTING)
				log_debug("vmm", "vsock: guest refused port %u", c->peer_port);
			conn_close(v, c);
		}
		return;
	default:
		ctrl_push(d, NULL, OP_RST, 0, h.dst_port, h.src_port);
	}
}

static void vsock_notify(struct virtio_dev *d, int q)
{
	struct vsock *v = d->priv;

	if (q == Q_TX) {
		for (int n = 0; n < VIRTQ_MAX_SIZE && virtio_pop(d, Q_TX, &v->chain) == 1; n++) {
			if (v->chain.out_len < HDR_LEN || v->chain.nr_in) {
				virtio_fail(d, "TX chain without a packet header, or with writable buffers");
				return;
			}
			tx_packet(d, &v->chain);
			if (d->broken)
				return;
			virtio_used(d, Q_TX, v->chain.head, 0);
		}
	}
	/* New RX buffers or new credit: deliver what waits. Event-queue kicks need nothing. */
	rx_process(d);
}

/* A host connection sent its "CONNECT <port>\n" line: ask the guest. */
static void host_line(struct vsock *v, struct conn *c)
{
	char *end;
	unsigned long port;

	for (;;) {
		ssize_t n;

		if (c->line_len >= (int)sizeof(c->line) - 1)
			goto bad;
		n = read(c->ev.fd, c->line + c->line_len, 1);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			goto bad;
		if (c->line[c->line_len++] == '\n')
			break;
	}
	if (c->line[c->line_len - 1] != '\n')
		return;
	c->line[c->line_len - 1] = 0;
	if (strncmp(c->line, "CONNECT ", 8))
		goto bad;
	errno = 0;
	port = strtoul(c->line + 8, &end, 10);
	if (errno || *end || end == c->line + 8 || port > UINT32_MAX)
		goto bad;
	c->peer_port = port;
	c->local_port = v->next_port++;
	c->state = C_CONNECTING;
	ctrl_push(c->dev, c, OP_REQUEST, 0, c->local_port, c->peer_port);
	rx_process(c->dev);
	return;
bad:
	conn_close(v, c);
}

static void conn_ready(void *arg, uint32_t events)
{
	struct conn *c = arg;
	struct virtio_dev *d = c->dev;
	struct vsock *v = d->priv;

	pthread_mutex_lock(&d->lock);
	if (c->dead) {
		/* closed by a vCPU after this event was queued */
	} else if (c->state == C_LINE) {
		host_line(v, c);
	} else if (c->state == C_CONNECTING) {
		if (events & (EPOLLHUP | EPOLLERR)) {
			ctrl_push(d, NULL, OP_RST, 0, c->local_port, c->peer_port);
			conn_close(v, c);
			rx_process(d);
		}
		/* Otherwise data waits until the guest answers; OPEN rechecks it. */
	} else {
		if (events & EPOLLOUT)
			conn_flush(v, c);
		if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && !c->eof)
			c->readable = true;
		rx_process(d);
	}
	pthread_mutex_unlock(&d->lock);
}

static void listen_ready(void *arg, uint32_t events)
{
	struct virtio_dev *d = arg;
	struct vsock *v = d->priv;
	int fd = accept4(v->listen_ev.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	pthread_mutex_lock(&d->lock);
	if (!virtio_live(d) || !conn_new(d, fd, C_LINE, conn_ready))
		close(fd); /* no guest driver yet, or too many connections */
	pthread_mutex_unlock(&d->lock);
}

static void vsock_reset(struct virtio_dev *d)
{
	struct vsock *v = d->priv;

	for (int i = 0; i < MAX_CONNS; i++)
		if (v->conns[i])
			conn_close(v, v->conns[i]);
	v->ctrl_len = 0;
}

static void vsock_config(struct virtio_dev *d, uint32_t off, uint8_t *data, uint32_t len)
{
	struct vsock *v = d->priv;
	uint8_t cfg[8];

	memcpy(cfg, &v->cid, 8);
	memcpy(data, cfg + off, len);
}

static const struct virtio_ops vsock_ops = {
	.name = "virtio-vsock",
	.device_id = VIRTIO_ID_VSOCK,
	.nr_queues = 3,
	.config_read = vsock_config,
	.config_len = 8,
	.notify = vsock_notify,
	.reset = vsock_reset,
};

struct virtio_dev *virtio_vsock_new(const struct guest_mem *mem, uint64_t cid, const char *uds)
{
	struct virtio_dev *d = xcalloc(1, sizeof(*d));
	struct vsock *v = xcalloc(1, sizeof(*v));

	v->cid = cid;
	v->uds = xstrdup(uds);
	v->next_port = 1U << 30;
	v->listen_ev.fd = -1;
	virtio_dev_init(d, &vsock_ops, v, mem, 0, 0, -1);
	return d;
}

struct virtio_dev *virtio_vsock_create(struct vm *vm, uint64_t cid, const char *uds)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct virtio_dev *d;
	struct vsock *v;
	uint64_t base;
	int fd, irq, irq_fd, r;

	if (strlen(uds) + 12 >= sizeof(sa.sun_path)) {
		log_error("vmm", "vsock: socket path %s too long", uds);
		return NULL;
	}
	strcpy(sa.sun_path, uds);
	unlink(uds);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		log_error("vmm", "vsock: listen on %s: %s", uds, strerror(errno));
		return NULL;
	}
	if ((r = vm_next_dev_slot(vm, &base, &irq_fd, &irq)) < 0) {
		log_error("vmm", "vsock: %s", strerror(-r));
		return NULL;
	}
	d = virtio_vsock_new(&vm->mem, cid, uds);
	d->base = base;
	d->irq = irq;
	d->irq_fd = irq_fd;
	v = d->priv;
	v->vm = vm;
	v->listen_ev = (struct vm_ev){ fd, listen_ready, d };
	if (vm_ev_add(vm, &v->listen_ev, EPOLLIN) < 0 || vm_add_reaper(vm, vsock_reap, d) < 0) {
		log_error("vmm", "vsock: epoll: %s", strerror(errno));
		return NULL;
	}
	return d;
}
