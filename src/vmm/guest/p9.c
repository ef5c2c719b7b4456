/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test guest for virtio-9p. Expects two shares: tag "vol0" (read-write,
 * holding a symlink "escape" to a directory outside the share) and tag
 * "ro0" (read-only, holding "readme.txt"). It speaks 9P2000.L through the
 * virtqueue: version, attach, walk, create + write + read back, getattr,
 * mkdir, readdir, rename, unlink; then the refusals: "..", a name with '/',
 * walking and creating through the symlink, writes on the read-only share;
 * and malformed messages, after each of which the device must still answer.
 */
#include "lib.h"

#define MSIZE 8192
#define NOFID 0xffffffffU
#define RLERROR 7
#define EROFS_ 30

static struct gvq vq[1];
static uint8_t tx[MSIZE + 64], rx[MSIZE];
static uint32_t txlen;
static uint16_t next_tag = 1;

/* --- message building --- */

static void put(uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		tx[txlen++] = (uint8_t)(v >> (8 * i));
}

static void put_str(const char *s)
{
	uint16_t n = strlen(s);

	put(n, 2);
	memcpy(tx + txlen, s, n);
	txlen += n;
}

static void begin(uint8_t type)
{
	txlen = 0;
	put(0, 4);
	put(type, 1);
	put(next_tag++, 2);
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Send tx[0..txlen) (size field patched unless raw), get the reply; returns its type or -1. */
static int xfer_raw(struct vdev *d, uint32_t rx_room)
{
	vq[0].desc[0] = (struct vring_desc){ (uintptr_t)tx, txlen, VRING_F_NEXT, 1 };
	vq[0].desc[1] = (struct vring_desc){ (uintptr_t)rx, rx_room, VRING_F_WRITE, 0 };
	memset(rx, 0, 16);
	vq_submit(d, &vq[0], 0);
	int n = vq_wait(&vq[0], 5000, NULL);
	if (n < 7)
		return n < 0 ? -1 : -2;
	return rx[4];
}

static int xfer(struct vdev *d)
{
	for (int i = 0; i < 4; i++)
		tx[i] = (uint8_t)(txlen >> (8 * i));
	return xfer_raw(d, sizeof(rx));
}

static uint32_t lerror(void) { return rx[4] == RLERROR ? (uint32_t)get(rx + 7, 4) : 0; }

/* --- 9P operations --- */

static bool version(struct vdev *d)
{
	begin(100);
	put(MSIZE, 4);
	put_str("9P2000.L");
	return xfer(d) == 101 && get(rx + 7, 4) == MSIZE && !memcmp(rx + 13, "9P2000.L", 8);
}

static int attach(struct vdev *d, uint32_t fid)
{
	begin(104);
	put(fid, 4);
	put(NOFID, 4);
	put_str("root");
	put_str("");
	put(0, 4);
	return xfer(d);
}

/* Walk fid to newfid through n names; returns the number of qids, or -errno. */
static int walk(struct vdev *d, uint32_t fid, uint32_t newfid, int n, const char **names)
{
	begin(110);
	put(fid, 4);
	put(newfid, 4);
	put(n, 2);
	for (int i = 0; i < n; i++)
		put_str(names[i]);
	if (xfer(d) != 111)
		return -(int)lerror();
	return (int)get(rx + 7, 2);
}

static int walk1(struct vdev *d, uint32_t fid, uint32_t newfid, const char *name)
{
	return walk(d, fid, newfid, name ? 1 : 0, &name);
}

/* The type byte of the i-th qid in the last Rwalk. */
static uint8_t walk_qtype(int i) { return rx[9 + 13 * i]; }

static int simple(struct vdev *d, uint8_t type, uint32_t fid)
{
	begin(type);
	put(fid, 4);
	return xfer(d);
}

static int lopen(struct vdev *d, uint32_t fid, uint32_t flags)
{
	begin(12);
	put(fid, 4);
	put(flags, 4);
	return xfer(d);
}

static int lcreate(struct vdev *d, uint32_t fid, const char *name, uint32_t flags)
{
	begin(14);
	put(fid, 4);
	put_str(name);
	put(flags, 4);
	put(0644, 4);
	put(0, 4);
	return xfer(d);
}

static int mkdir_(struct vdev *d, uint32_t dfid, const char *name)
{
	begin(72);
	put(dfid, 4);
	put_str(name);
	put(0755, 4);
	put(0, 4);
	return xfer(d);
}

static int write_(struct vdev *d, uint32_t fid, const char *data)
{
	begin(118);
	put(fid, 4);
	put(0, 8);
	put(strlen(data), 4);
	memcpy(tx + txlen, data, strlen(data));
	txlen += strlen(data);
	return xfer(d);
}

static int read_(struct vdev *d, uint32_t fid, uint32_t count)
{
	begin(116);
	put(fid, 4);
	put(0, 8);
	put(count, 4);
	return xfer(d);
}

static int unlinkat_(struct vdev *d, uint32_t dfid, const char *name)
{
	begin(76);
	put(dfid, 4);
	put_str(name);
	put(0, 4);
	return xfer(d);
}

static bool getattr(struct vdev *d, uint32_t fid)
{
	begin(24);
	put(fid, 4);
	put(0x7ff, 8);
	return xfer(d) == 25;
}

/* Whether the device still serves a plain request on fid. */
static bool alive(struct vdev *d, uint32_t fid) { return getattr(d, fid); }

static const char text[] = "written by the p9 guest through virtio-9p\n";

static void test_rw(struct vdev *d)
{
	const char *two[2];

	EXPECT(version(d), "Tversion: msize %d, 9P2000.L", MSIZE);
	EXPECT(attach(d, 1) == 105 && rx[7] == 0x80, "Tattach: root is a directory");
	EXPECT(walk1(d, 1, 2, NULL) == 0, "Twalk with no names clones the fid");
	EXPECT(lcreate(d, 2, "hello.txt", 2) == 15, "Tlcreate hello.txt");
	EXPECT(write_(d, 2, text) == 119 && get(rx + 7, 4) == sizeof(text) - 1, "Twrite %d bytes",
	       (int)sizeof(text) - 1);
	EXPECT(read_(d, 2, 200) == 117 && get(rx + 7, 4) == sizeof(text) - 1 &&
	       !memcmp(rx + 11, text, sizeof(text) - 1), "Tread returns what was written");
	begin(50);
	put(2, 4);
	put(0, 4);
	EXPECT(xfer(d) == 51, "Tfsync");
	EXPECT(simple(d, 120, 2) == 121, "Tclunk");
	EXPECT(walk1(d, 1, 3, "hello.txt") == 1 && walk_qtype(0) == 0, "Twalk to hello.txt");
	EXPECT(getattr(d, 3) && get(rx + 7 + 8 + 13 + 4 + 4 + 4 + 8 + 8, 8) == sizeof(text) - 1,
	       "Tgetattr size");
	simple(d, 120, 3);
	EXPECT(mkdir_(d, 1, "sub") == 73 && rx[7] == 0x80, "Tmkdir sub");
	EXPECT(walk1(d, 1, 4, NULL) == 0 && lopen(d, 4, 0) == 13, "Tlopen the root directory");
	begin(40);
	put(4, 4);
	put(0, 8);
	put(4000, 4);
	bool found = false;
	if (xfer(d) == 41) {
		uint32_t n = get(rx + 7, 4);
		for (uint32_t off = 0; off + 24 <= n;) {
			uint16_t len = get(rx + 11 + off + 22, 2);
			if (len == 9 && !memcmp(rx + 11 + off + 24, "hello.txt", 9))
				found = true;
			off += 24 + len;
		}
	}
	EXPECT(found, "Treaddir lists hello.txt");
	simple(d, 120, 4);
	EXPECT(walk1(d, 1, 5, NULL) == 0 && lcreate(d, 5, "tmp", 2) == 15, "Tlcreate tmp");
	simple(d, 120, 5);
	begin(74);
	put(1, 4);
	put_str("tmp");
	put(1, 4);
	put_str("tmp2");
	EXPECT(xfer(d) == 75, "Trenameat tmp -> tmp2");
	EXPECT(unlinkat_(d, 1, "tmp2") == 77, "Tunlinkat tmp2");
	EXPECT(walk1(d, 1, 6, "tmp2") == -2, "tmp2 is gone (ENOENT)");

	/* The rest of what Linux's client uses, so that the seccomp filter is exercised too. */
	EXPECT(simple(d, 8, 1) == 9 && get(rx + 7, 4) == 0x01021997, "Tstatfs");
	EXPECT(walk1(d, 1, 6, "hello.txt") == 1, "walk hello.txt again");
	begin(26);
	put(6, 4);
	put(0x1 | 0x10 | 0x20 | 0x80 | 0x100, 4); /* mode, atime and mtime set */
	put(0600, 4);
	put(0, 4);
	put(0, 4);
	put(0, 8);
	put(1000000000, 8);
	put(0, 8);
	put(1000000000, 8);
	put(0, 8);
	EXPECT(xfer(d) == 27, "Tsetattr mode 0600 and times");
	begin(70);
	put(1, 4);
	put(6, 4);
	put_str("hello.link");
	EXPECT(xfer(d) == 71, "Tlink hello.link");
	simple(d, 120, 6);
	begin(18);
	put(1, 4);
	put_str("fifo");
	put(0010644, 4);
	put(0, 4);
	put(0, 4);
	put(0, 4);
	EXPECT(xfer(d) == 19, "Tmknod fifo");
	begin(18);
	put(1, 4);
	put_str("dev");
	put(0020644, 4); /* a character device: never */
	put(1, 4);
	put(3, 4);
	put(0, 4);
	EXPECT(xfer(d) == RLERROR, "Tmknod of a device node refused (errno %u)", lerror());
	EXPECT(walk1(d, 1, 6, "escape") == 1 && simple(d, 22, 6) == 23 && get(rx + 7, 2) == 10 &&
	       !memcmp(rx + 9, "../outside", 10), "Treadlink escape");
	simple(d, 120, 6);
	begin(30);
	put(1, 4);
	put(6, 4);
	put_str("user.x");
	EXPECT(xfer(d) == RLERROR && lerror() == 61, "Txattrwalk: ENODATA");
	begin(52);
	put(1, 4);
	put(1, 1);
	put(0, 4);
	put(0, 8);
	put(0, 8);
	put(1, 4);
	put_str("guest");
	EXPECT(xfer(d) == 53 && rx[7] == 0, "Tlock granted");

	/* Escapes. */
	EXPECT(walk1(d, 1, 6, "..") < 0, "Twalk to .. refused (errno %u)", lerror());
	EXPECT(walk1(d, 1, 6, "sub/../..") < 0, "a name with '/' refused");
	two[0] = "escape";
	two[1] = "secret";
	int n = walk(d, 1, 6, 2, two);
	EXPECT(n < 2, "Twalk through the symlink escape/secret refused (%d qids)", n);
	EXPECT(walk1(d, 1, 6, "escape") == 1 && walk_qtype(0) == 0x02, "escape itself is a symlink");
	EXPECT(lopen(d, 6, 0) == RLERROR, "Tlopen on the symlink refused (errno %u)", lerror());
	EXPECT(lcreate(d, 6, "pwned", 2) == RLERROR, "Tlcreate inside the symlink refused (errno %u)",
	       lerror());
	EXPECT(mkdir_(d, 6, "pwned") == RLERROR, "Tmkdir inside the symlink refused");
	simple(d, 120, 6);
	begin(16);
	put(1, 4);
	put_str("evil");
	put_str("/etc/passwd");
	put(0, 4);
	EXPECT(xfer(d) == 17, "Tsymlink evil -> /etc/passwd (only text)");
	EXPECT(walk1(d, 1, 7, "evil") == 1 && lopen(d, 7, 0) == RLERROR,
	       "the new symlink is not followed either");
	simple(d, 120, 7);
}

static void test_malformed(struct vdev *d)
{
	begin(24);
	put(1, 4);
	put(0x7ff, 8);
	tx[0] = (uint8_t)(txlen + 5); /* size claims more than was sent */
	EXPECT(xfer_raw(d, sizeof(rx)) == RLERROR, "size field too large: Rlerror %u", lerror());
	EXPECT(alive(d, 1), "device answers after it");
	begin(110);
	put(1, 4);
	put(8, 4);
	put(3, 2);
	put_str("a");
	EXPECT(xfer(d) == RLERROR, "Twalk with 3 names announced, 1 sent: Rlerror %u", lerror());
	begin(110);
	put(1, 4);
	put(8, 4);
	put(17, 2);
	for (int i = 0; i < 17; i++)
		put_str("a");
	EXPECT(xfer(d) == RLERROR, "Twalk with 17 names: Rlerror %u", lerror());
	begin(104);
	put(9, 4);
	put(NOFID, 4);
	put(0xfff0, 2); /* string longer than the message */
	EXPECT(xfer(d) == RLERROR, "string overrunning the message: Rlerror %u", lerror());
	begin(99);
	put(1, 4);
	EXPECT(xfer(d) == RLERROR, "unknown type 99: Rlerror %u", lerror());
	txlen = 3;
	EXPECT(xfer_raw(d, sizeof(rx)) == RLERROR, "3-byte message: Rlerror");
	begin(118);
	put(1, 4);
	put(0, 8);
	put(1000, 4); /* count larger than the data */
	put(0, 4);
	EXPECT(xfer(d) == RLERROR, "Twrite count beyond its data: Rlerror %u", lerror());
	begin(120);
	put(4242, 4);
	EXPECT(xfer(d) == RLERROR && lerror() == 9, "Tclunk of an unknown fid: EBADF");
	begin(24);
	put(1, 4);
	put(0x7ff, 8);
	while (txlen < MSIZE + 16)
		tx[txlen++] = 0;
	EXPECT(xfer(d) == RLERROR, "message over msize: Rlerror %u", lerror());
	begin(24);
	put(1, 4);
	put(0x7ff, 8);
	for (int i = 0; i < 4; i++)
		tx[i] = (uint8_t)(txlen >> (8 * i));
	EXPECT(xfer_raw(d, 4) == -2, "no room for a reply: empty answer");
	EXPECT(!(vdev_status(d) & ST_NEEDS_RESET) && alive(d, 1), "device still healthy and answering");
}

static void test_ro(struct vdev *d)
{
	EXPECT(version(d), "ro share: Tversion");
	EXPECT(attach(d, 1) == 105, "ro share: Tattach");
	EXPECT(walk1(d, 1, 2, NULL) == 0 && lcreate(d, 2, "new.txt", 2) == RLERROR &&
	       lerror() == EROFS_, "Tlcreate refused with EROFS");
	EXPECT(mkdir_(d, 1, "newdir") == RLERROR && lerror() == EROFS_, "Tmkdir refused with EROFS");
	EXPECT(unlinkat_(d, 1, "readme.txt") == RLERROR && lerror() == EROFS_,
	       "Tunlinkat refused with EROFS");
	EXPECT(walk1(d, 1, 3, "readme.txt") == 1 && lopen(d, 3, 1) == RLERROR && lerror() == EROFS_,
	       "Tlopen for writing refused with EROFS");
	EXPECT(lopen(d, 3, 0) == 13 && read_(d, 3, 100) == 117 && !memcmp(rx + 11, "read only", 9),
	       "Tlopen read-only and Tread work");
	EXPECT(write_(d, 3, "x") == RLERROR && lerror() == EROFS_, "Twrite refused with EROFS");
	begin(26);
	put(3, 4);
	put(8, 4); /* size */
	put(0, 4);
	put(0, 4);
	put(0, 4);
	put(0, 8);
	for (int i = 0; i < 4; i++)
		put(0, 8);
	EXPECT(xfer(d) == RLERROR && lerror() == EROFS_, "Tsetattr (truncate) refused with EROFS");
}

static bool tag_is(struct vdev *d, const char *tag)
{
	uint16_t len = mmio_r8(d->base + REG_CONFIG) | mmio_r8(d->base + REG_CONFIG + 1) << 8;

	if (len != strlen(tag))
		return false;
	for (uint16_t i = 0; i < len; i++)
		if (mmio_r8(d->base + REG_CONFIG + 2 + i) != (uint8_t)tag[i])
			return false;
	return true;
}

int guest_main(void)
{
	struct vdev d[2];
	int rw = -1, ro = -1;

	gputs("ATOLL_GUEST_P9\n");
	for (int i = 0; i < 2; i++) {
		if (!vdev_find(9, i, &d[i]))
			break;
		if (tag_is(&d[i], "vol0"))
			rw = i;
		else if (tag_is(&d[i], "ro0"))
			ro = i;
	}
	if (rw < 0 || ro < 0) {
		gputs("FAIL p9: want virtio-9p shares tagged vol0 and ro0\n");
		return 1;
	}
	EXPECT(vdev_init(&d[rw], 1, vq, 1), "vol0: device ready, mount tag feature");
	test_rw(&d[rw]);
	test_malformed(&d[rw]);
	EXPECT(vdev_init(&d[ro], 1, vq, 1), "ro0: device ready");
	test_ro(&d[ro]);
	return guest_finish("p9");
}
