/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-blk on a host file: read, write (unless read-only), flush, get-id. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

#define BLK_F_SEG_MAX 2
#define BLK_F_RO      5
#define BLK_F_FLUSH   9

#define BLK_T_IN     0
#define BLK_T_OUT    1
#define BLK_T_FLUSH  4
#define BLK_T_GET_ID 8

#define BLK_S_OK     0
#define BLK_S_IOERR  1
#define BLK_S_UNSUPP 2

#define SECTOR 512
#define ID_LEN 20

struct blk {
	int fd;
	uint64_t bytes;
	bool ro;
	char id[ID_LEN];
	struct virtq_chain chain;
	struct iovec iov[VIRTQ_MAX_SIZE];
};

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

static int do_rw(struct blk *b, const struct virtq_chain *c, bool write,
		 uint64_t off, uint64_t len)
{
	int n = write ? virtq_iovec(c, false, sizeof(struct blk_req_hdr), len, b->iov)
		      : virtq_iovec(c, true, 0, len, b->iov);
	uint64_t done = 0;

	/* Loop over short transfers, bounded by the number of bytes left. */
	for (int tries = 0; done < len && tries < 64; tries++) {
		struct iovec *v = b->iov;
		int vn = n;
		uint64_t skip = done;

		while (vn && skip >= v->iov_len) {
			skip -= v->iov_len;
			v++;
			vn--;
		}
		if (!vn)
			break;
		struct iovec first = *v;

		v->iov_base = (uint8_t *)v->iov_base + skip;
		v->iov_len -= skip;
		ssize_t r = write ? pwritev(b->fd, v, vn, off + done) : preadv(b->fd, v, vn, off + done);
		*v = first;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0) {
			/* Past EOF of a growing file: reads see zeros. */
			if (write)
				return -EIO;
			break;
		}
		done += r;
	}
	if (!write && done < len) {
		uint8_t zero[SECTOR] = { 0 };

		for (uint64_t z = done; z < len; z += SECTOR)
			virtq_copy_to(c, z, zero, len - z < SECTOR ? len - z : SECTOR);
	}
	return 0;
}

static void blk_request(struct virtio_dev *d, struct blk *b, struct virtq_chain *c)
{
	struct blk_req_hdr h;
	uint8_t status = BLK_S_OK;
	uint32_t written = 1;
	uint64_t len = 0;

	if (c->out_len < sizeof(h) || c->in_len < 1) {
		virtio_fail(d, "request without header or status byte");
		return;
	}
	virtq_copy_from(c, 0, &h, sizeof(h));
	switch (h.type) {
	case BLK_T_IN:
	case BLK_T_OUT: {
		bool wr = h.type == BLK_T_OUT;

		len = wr ? c->out_len - sizeof(h) : c->in_len - 1;
		if (wr && b->ro) {
			status = BLK_S_IOERR;
			break;
		}
		/* sector * 512 + len <= size, written so that nothing overflows. */
		if ((len % SECTOR) || h.sector > b->bytes / SECTOR ||
		    len > b->bytes - h.sector * SECTOR) {
			virtio_guest_warn(d, "%s of %llu bytes at sector %llu out of range",
					  wr ? "write" : "read", (unsigned long long)len,
					  (unsigned long long)h.sector);
			status = BLK_S_IOERR;
			break;
		}
		if (do_rw(b, c, wr, h.sector * SECTOR, len) < 0)
			status = BLK_S_IOERR;
		else if (!wr)
			written += len;
		break;
	}
	case BLK_T_FLUSH:
		if (fdatasync(b->fd) < 0 && errno != EINVAL && errno != EROFS)
			status = BLK_S_IOERR;
		break;
	case BLK_T_GET_ID:
		len = c->in_len - 1 < ID_LEN ? c->in_len - 1 : ID_LEN;
		virtq_copy_to(c, 0, b->id, len);
		written += len;
		break;
	default:
		status = BLK_S_UNSUPP;
		break;
	}
	virtq_copy_to(c, c->in_len - 1, &status, 1);
	virtio_used(d, 0, c->head, written);
}

static void blk_notify(struct virtio_dev *d, int q)
{
	struct blk *b = d->priv;

	for (int n = 0; n < VIRTQ_MAX_SIZE && virtio_pop(d, q, &b->chain) == 1; n++)
		blk_request(d, b, &b->chain);
}

static void blk_config(struct virtio_dev *d, uint32_t off, uint8_t *data, uint32_t len)
{
	struct blk *b = d->priv;
	uint8_t cfg[24] = { 0 };
	uint64_t sectors = b->bytes / SECTOR;
	uint32_t seg_max = VIRTQ_MAX_SIZE - 2;

	memcpy(cfg, &sectors, 8);
	memcpy(cfg + 12, &seg_max, 4);
	memcpy(data, cfg + off, len);
}

static const struct virtio_ops blk_ops_rw = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.features = (1ULL << BLK_F_SEG_MAX) | (1ULL << BLK_F_FLUSH),
	.config_read = blk_config,
	.config_len = 24,
	.notify = blk_notify,
};

static const struct virtio_ops blk_ops_ro = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.features = (1ULL << BLK_F_SEG_MAX) | (1ULL << BLK_F_FLUSH) | (1ULL << BLK_F_RO),
	.config_read = blk_config,
	.config_len = 24,
	.notify = blk_notify,
};

struct virtio_dev *virtio_blk_new(const struct guest_mem *mem, int fd, uint64_t bytes,
				  bool ro, const char *id)
{
	struct virtio_dev *d = xcalloc(1, sizeof(*d));
	struct blk *b = xcalloc(1, sizeof(*b));

	b->fd = fd;
	b->bytes = bytes;
	b->ro = ro;
	strncpy(b->id, id ? id : "", ID_LEN); /* not NUL-terminated when 20 long, as the spec says */
	virtio_dev_init(d, ro ? &blk_ops_ro : &blk_ops_rw, b, mem, 0, 0, -1);
	return d;
}

struct virtio_dev *virtio_blk_create(struct vm *vm, const char *path, bool ro, const char *id)
{
	struct stat st;
	struct virtio_dev *d;
	uint64_t base;
	int fd, irq, irq_fd, r;
	char defid[ID_LEN + 1];

	fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		log_error("vmm", "disk %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((r = vm_next_dev_slot(vm, &base, &irq_fd, &irq)) < 0) {
		log_error("vmm", "disk %s: %s", path, strerror(-r));
		close(fd);
		return NULL;
	}
	if (!id) {
		snprintf(defid, sizeof(defid), "atoll%d", vm->nr_devs);
		id = defid;
	}
	/* Block devices report size 0 in st_size; ask the file offset instead. */
	uint64_t bytes = S_ISBLK(st.st_mode) ? (uint64_t)lseek(fd, 0, SEEK_END) : (uint64_t)st.st_size;

	d = virtio_blk_new(&vm->mem, fd, bytes, ro, id);
	d->base = base;
	d->irq = irq;
	d->irq_fd = irq_fd;
	log_debug("vmm", "virtio-blk %s (%s, %llu bytes) at %#llx irq %d", path, ro ? "ro" : "rw",
		  (unsigned long long)bytes, (unsigned long long)base, irq);
	return d;
}
