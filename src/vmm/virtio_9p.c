/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-9p: a host directory shared with the guest over 9P2000.L (mount tag in config space). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/p9_fs.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

#define P9_F_MOUNT_TAG 0

struct v9p {
	struct p9_fs *fs;
	char tag[VM_SHARE_TAG_MAX + 1];
	uint16_t tag_len;
	struct virtio_ops ops;   /* per device: config_len depends on the tag */
	struct virtq_chain chain;
	uint8_t in[P9_MAX_MSIZE], out[P9_MAX_MSIZE];
};

static void v9p_request(struct virtio_dev *d, struct v9p *p, struct virtq_chain *c)
{
	uint32_t in_len, out_cap, n;

	/* A request larger than our buffers cannot be a valid message: pass the
	 * header alone, which the parser answers with EPROTO under its tag. */
	in_len = c->out_len <= sizeof(p->in) ? (uint32_t)c->out_len
		 : c->out_len >= P9_HDR_SIZE ? P9_HDR_SIZE : 0;
	virtq_copy_from(c, 0, p->in, in_len);
	out_cap = c->in_len < sizeof(p->out) ? (uint32_t)c->in_len : sizeof(p->out);
	n = p9_fs_handle(p->fs, p->in, in_len, p->out, out_cap);
	if (!n)
		virtio_guest_warn(d, "9p request without room for a reply (%llu bytes writable)",
				  (unsigned long long)c->in_len);
	virtq_copy_to(c, 0, p->out, n);
	virtio_used(d, 0, c->head, n);
}

static void v9p_notify(struct virtio_dev *d, int q)
{
	struct v9p *p = d->priv;

	for (int n = 0; n < VIRTQ_MAX_SIZE && virtio_pop(d, q, &p->chain) == 1; n++)
		v9p_request(d, p, &p->chain);
}

static void v9p_config(struct virtio_dev *d, uint32_t off, uint8_t *data, uint32_t len)
{
	struct v9p *p = d->priv;
	uint8_t cfg[2 + VM_SHARE_TAG_MAX];

	cfg[0] = p->tag_len & 0xff;
	cfg[1] = p->tag_len >> 8;
	memcpy(cfg + 2, p->tag, p->tag_len);
	memcpy(data, cfg + off, len);
}

static void v9p_reset(struct virtio_dev *d)
{
	struct v9p *p = d->priv;

	p9_fs_reset(p->fs);
}

/* A mount tag: 1..VM_SHARE_TAG_MAX of [A-Za-z0-9_.-]. */
bool virtio_9p_tag_ok(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > VM_SHARE_TAG_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = tag[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '.' || ch == '-'))
			return false;
	}
	return true;
}

struct virtio_dev *virtio_9p_new(const struct guest_mem *mem, int root_fd, const char *tag, bool ro)
{
	struct virtio_dev *d;
	struct v9p *p;
	struct p9_fs *fs;

	if (!virtio_9p_tag_ok(tag)) {
		close(root_fd);
		errno = EINVAL;
		return NULL;
	}
	if (!(fs = p9_fs_new(root_fd, ro)))
		return NULL;
	d = xcalloc(1, sizeof(*d));
	p = xcalloc(1, sizeof(*p));
	p->fs = fs;
	p->tag_len = strlen(tag);
	memcpy(p->tag, tag, p->tag_len);
	p->ops = (struct virtio_ops){
		.name = "virtio-9p",
		.device_id = VIRTIO_ID_9P,
		.nr_queues = 1,
		.features = 1ULL << P9_F_MOUNT_TAG,
		.config_read = v9p_config,
		.config_len = 2 + p->tag_len,
		.notify = v9p_notify,
		.reset = v9p_reset,
	};
	virtio_dev_init(d, &p->ops, p, mem, 0, 0, -1);
	return d;
}

void virtio_9p_free(struct virtio_dev *d)
{
	struct v9p *p = d->priv;

	p9_fs_free(p->fs);
	free(p);
	free(d);
}

/* Each fid holds up to two descriptors: let the server use what the hard limit allows. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

struct virtio_dev *virtio_9p_create(struct vm *vm, const char *tag, const char *path, bool ro)
{
	struct virtio_dev *d;
	uint64_t base;
	int fd, irq, irq_fd, r;

	/* The host path is trusted configuration; everything below it is the guest's. */
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_error("vmm", "share %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((r = vm_next_dev_slot(vm, &base, &irq_fd, &irq)) < 0) {
		log_error("vmm", "share %s: %s", path, strerror(-r));
		close(fd);
		return NULL;
	}
	if (!(d = virtio_9p_new(&vm->mem, fd, tag, ro))) {
		log_error("vmm", "share %s (tag %s): %s", path, tag, strerror(errno));
		return NULL;
	}
	raise_nofile();
	d->base = base;
	d->irq = irq;
	d->irq_fd = irq_fd;
	log_debug("vmm", "virtio-9p %s as %s (%s) at %#llx irq %d", path, tag, ro ? "ro" : "rw",
		  (unsigned long long)base, irq);
	return d;
}
