/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test guest for virtio-net: broadcasts an "ATOLL-PING" frame (ethertype
 * 0x88b5, local experimental) through the TAP and waits for the host's
 * "ATOLL-PONG" reply addressed to the guest's MAC.
 */
#include "lib.h"

#define RXBUFS 8
#define BUFSZ 2048
#define HDR 12

static struct gvq vq[2]; /* 0: RX, 1: TX */
static uint8_t rx[RXBUFS][BUFSZ] __attribute__((aligned(16)));
static uint8_t tx[HDR + 64] __attribute__((aligned(16)));

static void rx_post(struct vdev *d, uint16_t i)
{
	vq[0].desc[i] = (struct vring_desc){ (uintptr_t)rx[i], BUFSZ, VRING_F_WRITE, 0 };
	vq_submit(d, &vq[0], i);
}

int guest_main(void)
{
	struct vdev d;
	uint8_t mac[6];
	int got = 0, seen = 0;

	gputs("ATOLL_GUEST_NET\n");
	if (!vdev_find(1, 0, &d) || !vdev_init(&d, 1u << 5, vq, 2)) {
		gputs("FAIL net: no usable virtio-net device\n");
		return 1;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = mmio_r8(d.base + REG_CONFIG + i);
	gprintf("mac %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	for (uint16_t i = 0; i < RXBUFS; i++)
		rx_post(&d, i);

	memset(tx, 0, sizeof(tx));
	memset(tx + HDR, 0xff, 6);
	memcpy(tx + HDR + 6, mac, 6);
	tx[HDR + 12] = 0x88;
	tx[HDR + 13] = 0xb5;
	memcpy(tx + HDR + 14, "ATOLL-PING", 10);

	uint64_t t0 = rdtsc();
	for (int round = 0; round < 40 && !got && within(t0, 20000); round++) {
		vq[1].desc[0] = (struct vring_desc){ (uintptr_t)tx, HDR + 60, 0, 0 };
		vq_submit(&d, &vq[1], 0);
		if (vq_wait(&vq[1], 2000, NULL) < 0) {
			gputs("FAIL net: TX not completed\n");
			return 1;
		}
		/* Look at what arrives for half a second; hosts also send IPv6 noise. */
		uint64_t t1 = rdtsc();
		uint32_t id;
		int len;

		while (!got && (len = vq_wait(&vq[0], 500, &id)) >= 0 && within(t1, 500)) {
			uint8_t *f = rx[id % RXBUFS] + HDR;

			seen++;
			if (len >= HDR + 24 && f[12] == 0x88 && f[13] == 0xb5 &&
			    !memcmp(f + 14, "ATOLL-PONG", 10) && !memcmp(f, mac, 6))
				got = 1;
			rx_post(&d, id % RXBUFS);
		}
	}
	gprintf("frames received: %d\n", seen);
	EXPECT(got, "received ATOLL-PONG from the host");
	return guest_finish("net");
}
