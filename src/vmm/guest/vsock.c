/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test guest for virtio-vsock, both directions:
 *  1. connect to the host (CID 2) port 1234, send "ping-from-guest",
 *     expect "pong-from-host", shut down, expect RST;
 *  2. accept the host's connection to port 5000, expect "hello-guest",
 *     answer "hello-host", and close when the host shuts down;
 *  3. connect to port 1235 and move BULK bytes each way with credit-based
 *     flow control (both sides check the byte pattern), then "bulk-ok".
 */
#include "lib.h"

struct pkt {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
	uint8_t data[4096];
} __attribute__((packed));

#define HDR 44
#define OP_REQUEST 1
#define OP_RESPONSE 2
#define OP_RST 3
#define OP_SHUTDOWN 4
#define OP_RW 5
#define OP_CREDIT_UPDATE 6
#define OP_CREDIT_REQUEST 7
#define NRX 8

static struct gvq vq[3]; /* rx, tx, event */
static struct pkt rx[NRX], tx, ev[2];
static struct vdev d;
static uint64_t cid;
static uint32_t fwd1, fwd2, host_port2;

static void rx_post(uint16_t i)
{
	vq[0].desc[i] = (struct vring_desc){ (uintptr_t)&rx[i], sizeof(rx[i]), VRING_F_WRITE, 0 };
	vq_submit(&d, &vq[0], i);
}

#define BULK 100000
#define BULK_ALLOC 65536

static bool send_pkt(uint32_t sport, uint32_t dport, uint16_t op, uint32_t flags,
		     const void *data, uint32_t len, uint32_t fwd)
{
	memset(&tx, 0, sizeof(tx));
	tx = (struct pkt){ cid, 2, sport, dport, len, 1, op, flags, BULK_ALLOC, fwd, { 0 } };
	if (len)
		memcpy(tx.data, data, len);
	vq[1].desc[0] = (struct vring_desc){ (uintptr_t)&tx, HDR + len, 0, 0 };
	vq_submit(&d, &vq[1], 0);
	return vq_wait(&vq[1], 2000, NULL) >= 0;
}

static bool send(uint32_t sport, uint32_t dport, uint16_t op, uint32_t flags, const char *data, uint32_t fwd)
{
	return send_pkt(sport, dport, op, flags, data, data ? strlen(data) : 0, fwd);
}

/* Connection 3: bulk transfer in both directions. */
static struct {
	bool requested, connected, ok, closed, bad;
	uint32_t rx, tx, fwd, fwd_sent, peer_alloc, peer_fwd;
} b;

static void bulk_packet(const struct pkt *p)
{
	b.peer_alloc = p->buf_alloc;
	b.peer_fwd = p->fwd_cnt;
	if (p->op == OP_RESPONSE) {
		b.connected = true;
	} else if (p->op == OP_RW && b.rx < BULK) {
		/* Guest code is emulated here (PVM): check every 61st byte, not all. */
		for (uint32_t k = (61 - b.rx % 61) % 61; k < p->len && k < sizeof(p->data); k += 61)
			if (p->data[k] != (uint8_t)((b.rx + k) * 31))
				b.bad = true;
		b.rx += p->len;
		b.fwd += p->len;
		if (b.fwd - b.fwd_sent >= BULK_ALLOC / 4 || b.rx >= BULK) {
			send_pkt(6666, 1235, OP_CREDIT_UPDATE, 0, NULL, 0, b.fwd);
			b.fwd_sent = b.fwd;
		}
	} else if (p->op == OP_RW) {
		b.fwd += p->len;
		if (p->len == 7 && !memcmp(p->data, "bulk-ok", 7) && b.tx == BULK) {
			b.ok = true;
			send_pkt(6666, 1235, OP_SHUTDOWN, 3, NULL, 0, b.fwd);
		}
	} else if (p->op == OP_RST) {
		b.closed = true;
	} else if (p->op == OP_CREDIT_REQUEST) {
		send_pkt(6666, 1235, OP_CREDIT_UPDATE, 0, NULL, 0, b.fwd);
	}
}

/* Send what the host's credit allows; true if more is waiting for credit. */
static bool bulk_send(void)
{
	/* The pattern repeats every 4096 bytes, so it is built once. */
	static uint8_t chunk[8192];
	static bool filled;

	if (!filled) {
		for (uint32_t k = 0; k < sizeof(chunk); k++)
			chunk[k] = (uint8_t)((k % 4096) * 7 + 1);
		filled = true;
	}

	if (!b.connected || b.rx < BULK || b.tx >= BULK)
		return false;
	for (int n = 0; n < 64 && b.tx < BULK; n++) {
		uint32_t credit = b.peer_alloc - (b.tx - b.peer_fwd), len = 4096;

		if (b.tx - b.peer_fwd >= b.peer_alloc)
			return true; /* wait for a credit update */
		if (len > credit)
			len = credit;
		if (len > BULK - b.tx)
			len = BULK - b.tx;
		send_pkt(6666, 1235, OP_RW, 0, chunk + b.tx % 4096, len, b.fwd);
		b.tx += len;
	}
	return b.tx < BULK;
}

int guest_main(void)
{
	bool connected = false, pong = false, closed1 = false, accepted = false, hello = false, closed2 = false;
	int pkts = 0, retries = 0;

	gputs("ATOLL_GUEST_VSOCK\n");
	if (!vdev_find(19, 0, &d) || !vdev_init(&d, 0, vq, 3)) {
		gputs("FAIL vsock: no usable virtio-vsock device\n");
		return 1;
	}
	cid = vdev_cfg32(&d, 0) | (uint64_t)vdev_cfg32(&d, 4) << 32;
	gprintf("guest cid %lu\n", cid);
	for (uint16_t i = 0; i < NRX; i++)
		rx_post(i);
	for (uint16_t i = 0; i < 2; i++) {
		vq[2].desc[i] = (struct vring_desc){ (uintptr_t)&ev[i], 8, VRING_F_WRITE, 0 };
		vq_submit(&d, &vq[2], i);
	}
	EXPECT(send(5555, 1234, OP_REQUEST, 0, NULL, 0), "sent REQUEST to host port 1234");

	uint64_t t0 = rdtsc();
	while (!(closed1 && closed2 && b.closed) && within(t0, 90000)) {
		uint32_t id;

		if (closed1 && !b.requested) {
			b.requested = true;
			send(6666, 1235, OP_REQUEST, 0, NULL, 0);
		}
		bool more = bulk_send();
		int len = vq_wait(&vq[0], more ? 1 : 200, &id);

		if (len < 0)
			continue;
		struct pkt *p = &rx[id % NRX];
		pkts++;
		if (len < HDR || p->dst_cid != cid || p->src_cid != 2) {
			gprintf("odd packet len %d op %u\n", len, p->op);
		} else if (p->dst_port == 5555 && p->src_port == 1234) {
			if (p->op == OP_RESPONSE && !connected) {
				connected = true;
				gputs("connected to host port 1234\n");
				send(5555, 1234, OP_RW, 0, "ping-from-guest", fwd1);
			} else if (p->op == OP_RW) {
				fwd1 += p->len;
				if (p->len == 14 && !memcmp(p->data, "pong-from-host", 14)) {
					pong = true;
					send(5555, 1234, OP_SHUTDOWN, 3, NULL, fwd1);
				}
			} else if (p->op == OP_RST && !connected && retries++ < 50) {
				/* Nobody listening yet: try again a little later. */
				uint64_t t1 = rdtsc();

				while (within(t1, 100))
					cpu_relax();
				send(5555, 1234, OP_REQUEST, 0, NULL, 0);
			} else if (p->op == OP_RST) {
				closed1 = true;
			} else if (p->op == OP_CREDIT_REQUEST) {
				send(5555, 1234, OP_CREDIT_UPDATE, 0, NULL, fwd1);
			}
		} else if (p->dst_port == 6666 && p->src_port == 1235) {
			bulk_packet(p);
		} else if (p->dst_port == 5000) {
			if (p->op == OP_REQUEST && !accepted) {
				accepted = true;
				host_port2 = p->src_port;
				gprintf("host connected from port %u\n", host_port2);
				send(5000, host_port2, OP_RESPONSE, 0, NULL, 0);
			} else if (p->op == OP_RW && p->src_port == host_port2) {
				fwd2 += p->len;
				if (p->len == 11 && !memcmp(p->data, "hello-guest", 11)) {
					hello = true;
					send(5000, host_port2, OP_RW, 0, "hello-host", fwd2);
				}
			} else if (p->op == OP_SHUTDOWN && p->src_port == host_port2) {
				send(5000, host_port2, OP_RST, 0, NULL, fwd2);
				closed2 = true;
			} else if (p->op == OP_RST) {
				closed2 = true;
			}
		} else if (p->op == OP_REQUEST) {
			send(p->dst_port, p->src_port, OP_RST, 0, NULL, 0);
		}
		rx_post(id % NRX);
	}
	gprintf("packets received: %d\n", pkts);
	EXPECT(connected, "guest -> host connection accepted");
	EXPECT(pong, "host answered pong-from-host");
	EXPECT(closed1, "host reset the connection after our shutdown");
	EXPECT(accepted, "host -> guest connection on port 5000");
	EXPECT(hello, "host sent hello-guest");
	EXPECT(closed2, "host connection closed");
	gprintf("bulk: received %u, sent %u\n", b.rx, b.tx);
	EXPECT(b.rx == BULK && !b.bad, "received %d bytes from the host, pattern intact", BULK);
	EXPECT(b.tx == BULK, "sent %d bytes to the host within its credit", BULK);
	EXPECT(b.ok && b.closed, "host confirmed the bulk data");
	return guest_finish("vsock");
}
