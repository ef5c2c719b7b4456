/* SPDX-License-Identifier: Apache-2.0 */
/* Test guest for virtio-rng: two reads must be filled and differ. */
#include "lib.h"

static struct gvq vq[1];
static uint8_t a[64], b[64];

static int fill(struct vdev *d, uint8_t *buf, uint32_t len)
{
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)buf, len, VRING_F_WRITE, 0 };
	vq_submit(d, &vq[0], 0);
	return vq_wait(&vq[0], 5000, NULL);
}

int guest_main(void)
{
	struct vdev d;
	int zeros = 0;

	gputs("ATOLL_GUEST_RNG\n");
	if (!vdev_find(4, 0, &d) || !vdev_init(&d, 0, vq, 1)) {
		gputs("FAIL rng: no usable virtio-rng device\n");
		return 1;
	}
	EXPECT(fill(&d, a, sizeof(a)) == sizeof(a), "first read filled 64 bytes");
	EXPECT(fill(&d, b, sizeof(b)) == sizeof(b), "second read filled 64 bytes");
	for (unsigned i = 0; i < sizeof(a); i++)
		zeros += !a[i];
	EXPECT(zeros < 16, "bytes look random (%d zeros)", zeros);
	EXPECT(memcmp(a, b, sizeof(a)) != 0, "two reads differ");
	gprintf("rng: %x %x %x %x\n", a[0], a[1], a[2], a[3]);
	return guest_finish("rng");
}
