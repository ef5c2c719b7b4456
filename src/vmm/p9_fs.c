/* SPDX-License-Identifier: Apache-2.0 */
/* 9P2000.L server: fid table, dispatch, and the operations on an existing file or directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "lib/xalloc.h"
#include "vmm/p9_fs.h"


/* --- fids --- */

struct p9_fid *p9_fid_get(struct p9_fs *fs, uint32_t id)
{
	for (struct p9_fid *f = fs->fids[id % P9_FID_BUCKETS]; f; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

/* Takes fd. Fails with EEXIST for a fid in use and EMFILE when the table is full. */
static int fid_add(struct p9_fs *fs, uint32_t id, int fd)
{
	struct p9_fid *f;

	if (id == P9_NOFID || p9_fid_get(fs, id) || fs->nr_fids >= P9_MAX_FIDS) {
		close(fd);
		return id != P9_NOFID && fs->nr_fids >= P9_MAX_FIDS ? EMFILE : EEXIST;
	}
	f = xcalloc(1, sizeof(*f));
	f->id = id;
	f->fd = fd;
	f->open_fd = -1;
	f->next = fs->fids[id % P9_FID_BUCKETS];
	fs->fids[id % P9_FID_BUCKETS] = f;
	fs->nr_fids++;
	return 0;
}

static int fid_del(struct p9_fs *fs, uint32_t id)
{
	for (struct p9_fid **pp = &fs->fids[id % P9_FID_BUCKETS]; *pp; pp = &(*pp)->next) {
		struct p9_fid *f = *pp;

		if (f->id != id)
			continue;
		*pp = f->next;
		close(f->fd);
		if (f->open_fd >= 0)
			close(f->open_fd);
		free(f);
		fs->nr_fids--;
		return 0;
	}
	return EBADF;
}

static void fid_clear(struct p9_fs *fs)
{
	for (int b = 0; b < P9_FID_BUCKETS; b++)
		while (fs->fids[b])
			fid_del(fs, fs->fids[b]->id);
}

/* --- path resolution: one checked name at a time, never leaving the directory --- */

int p9_walk_one(int dir_fd, struct p9_str name)
{
	char buf[P9_NAME_MAX + 1];
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (!p9_name_ok(name))
		return -EINVAL;
	memcpy(buf, name.p, name.len);
	buf[name.len] = '\0';
	fd = syscall(SYS_openat2, dir_fd, buf, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

void p9_qid_from_stat(const struct stat *st, struct p9_qid *q)
{
	q->type = S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;
	q->version = 0;
	q->path = st->st_ino;
}

int p9_qid_of(int fd, struct p9_qid *q)
{
	struct stat st;

	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	p9_qid_from_stat(&st, q);
	return 0;
}

int p9_qid_at(int dir_fd, struct p9_str name, struct p9_qid *q)
{
	int fd = p9_walk_one(dir_fd, name), e;

	if (fd < 0)
		return -fd;
	e = p9_qid_of(fd, q);
	close(fd);
	return e;
}

/* Open the object behind an O_PATH descriptor for I/O, through our own /proc/self/fd. */
int p9_reopen(struct p9_fs *fs, int fd, int flags)
{
	char num[16];
	int r;

	snprintf(num, sizeof(num), "%d", fd);
	r = openat(fs->proc_fd, num, flags | O_CLOEXEC | O_NOCTTY);
	return r < 0 ? -errno : r;
}

/* --- operations --- */

static int op_version(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	static const char ver[] = P9_VERSION;

	if (r->msize < P9_MIN_MSIZE)
		return EINVAL;
	fid_clear(fs);
	fs->msize = r->msize < P9_MAX_MSIZE ? r->msize : P9_MAX_MSIZE;
	p9_put32(o, fs->msize);
	if (r->name.len >= sizeof(ver) - 1 && !memcmp(r->name.p, ver, sizeof(ver) - 1))
		p9_put_str(o, ver, sizeof(ver) - 1);
	else
		p9_put_str(o, "unknown", 7);
	return 0;
}

static int op_attach(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_qid q;
	int fd, e;

	/* Only the share root itself can be attached. */
	if (r->name2.len > 1 || (r->name2.len == 1 && r->name2.p[0] != '/'))
		return ENOENT;
	if ((fd = fcntl(fs->root_fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return errno;
	if ((e = fid_add(fs, r->fid, fd)))
		return e;
	if ((e = p9_qid_of(fs->root_fd, &q)))
		return e;
	p9_put_qid(o, &q);
	return 0;
}

static int op_walk(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	struct p9_qid q[P9_MAXWELEM];
	int cur, n, e;

	if (!f)
		return EBADF;
	if (r->fid2 != r->fid && p9_fid_get(fs, r->fid2))
		return EEXIST;
	if (r->nwname == 0 && r->fid2 == r->fid) {
		p9_put16(o, 0);
		return 0;
	}
	if ((cur = fcntl(f->fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return errno;
	for (n = 0; n < r->nwname; n++) {
		int next = p9_walk_one(cur, r->wname[n]);

		if (next < 0) {
			close(cur);
			if (n == 0)
				return -next;
			/* A partial walk: the qids so far, newfid untouched. */
			p9_put16(o, n);
			for (int i = 0; i < n; i++)
				p9_put_qid(o, &q[i]);
			return 0;
		}
		close(cur);
		cur = next;
		if ((e = p9_qid_of(cur, &q[n]))) {
			close(cur);
			return e;
		}
	}
	if (r->fid2 == r->fid) {
		close(f->fd);
		if (f->open_fd >= 0)
			close(f->open_fd);
		f->fd = cur;
		f->open_fd = -1;
	} else if ((e = fid_add(fs, r->fid2, cur))) {
		return e;
	}
	p9_put16(o, n);
	for (int i = 0; i < n; i++)
		p9_put_qid(o, &q[i]);
	return 0;
}

/* Linux open flags the server honours; the rest are the client's business. */
#define P9_OPEN_PASS (O_TRUNC | O_APPEND | O_SYNC | O_DSYNC)

static int op_lopen(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	int acc = r->flags & O_ACCMODE, flags, fd;
	struct stat st;
	struct p9_qid q;

	if (!f)
		return EBADF;
	if (f->open_fd >= 0 || acc == O_ACCMODE)
		return EINVAL;
	if (fstatat(f->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	/* Only files and directories: no FIFOs that block, no host device nodes. */
	if (S_ISLNK(st.st_mode))
		return ELOOP;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return EPERM;
	if (fs->ro && (acc != O_RDONLY || (r->flags & O_TRUNC)))
		return EROFS;
	if (S_ISDIR(st.st_mode) && acc != O_RDONLY)
		return EISDIR;
	/* No O_NOFOLLOW: the /proc/self/fd entry is a magic link to exactly this inode. */
	flags = acc | (r->flags & P9_OPEN_PASS) | O_NONBLOCK;
	if (S_ISDIR(st.st_mode))
		flags = O_RDONLY | O_DIRECTORY | O_NONBLOCK;
	if ((fd = p9_reopen(fs, f->fd, flags)) < 0)
		return -fd;
	f->open_fd = fd;
	p9_qid_from_stat(&st, &q);
	p9_put_qid(o, &q);
	p9_put32(o, 0); /* iounit: the client derives it from msize */
	return 0;
}

/*
 * What read and readdir check first: the fid is open and the offset fits an
 * off_t. *count is capped to what fits in the reply after its count field.
 * Returns the fid, or NULL with *err set.
 */
static struct p9_fid *open_for_read(struct p9_fs *fs, const struct p9_req *r, const struct p9_out *o,
				    uint32_t *count, int *err)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	uint32_t room = o->cap - o->pos > 4 ? o->cap - o->pos - 4 : 0;

	*err = !f || f->open_fd < 0 ? EBADF : r->offset > INT64_MAX ? EINVAL : 0;
	if (*err)
		return NULL;
	*count = r->count < room ? r->count : room;
	return f;
}

static int op_read(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	uint32_t count, at;
	ssize_t n;
	int err;
	struct p9_fid *f = open_for_read(fs, r, o, &count, &err);

	if (!f)
		return err;
	p9_put32(o, 0);
	at = o->pos;
	do
		n = pread(f->open_fd, o->p + at, count, (off_t)r->offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	for (int i = 0; i < 4; i++)
		o->p[at - 4 + i] = (uint8_t)((uint32_t)n >> (8 * i));
	o->pos += n;
	return 0;
}

static int op_write(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	uint32_t done = 0;

	if (!f)
		return EBADF;
	if (fs->ro)
		return EROFS;
	if (f->open_fd < 0)
		return EBADF;
	if (r->offset > INT64_MAX - (uint64_t)r->count)
		return EINVAL;
	/* Short writes: a few more tries, then report what was written. */
	for (int tries = 0; done < r->count && tries < 8; tries++) {
		ssize_t n = pwrite(f->open_fd, r->data + done, r->count - done,
				   (off_t)(r->offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (!done)
				return errno;
			break;
		}
		if (n == 0)
			break;
		done += n;
	}
	p9_put32(o, done);
	return 0;
}

/* Entries from the offset the client gives (a d_off it got earlier), as many as fit count. */
static int op_readdir(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	uint32_t count, used = 0, at;
	ssize_t n;
	int err;
	struct p9_fid *f = open_for_read(fs, r, o, &count, &err);

	if (!f)
		return err;
	if (lseek(f->open_fd, (off_t)r->offset, SEEK_SET) < 0)
		return errno;
	n = getdents64(f->open_fd, fs->dirbuf, count < sizeof(fs->dirbuf) ? count : sizeof(fs->dirbuf));
	if (n < 0)
		return errno;
	p9_put32(o, 0);
	at = o->pos;
	for (ssize_t off = 0; off < n;) {
		struct dirent64 *d = (struct dirent64 *)(fs->dirbuf + off);
		uint32_t len = strnlen(d->d_name, P9_NAME_MAX + 1);
		struct p9_qid q = { P9_QTFILE, 0, d->d_ino };

		if (d->d_reclen == 0 || len > P9_NAME_MAX || used + p9_dirent_size(len) > count)
			break;
		if (d->d_type == DT_DIR)
			q.type = P9_QTDIR;
		else if (d->d_type == DT_LNK)
			q.type = P9_QTSYMLINK;
		p9_put_qid(o, &q);
		p9_put64(o, (uint64_t)d->d_off);
		p9_put8(o, d->d_type);
		p9_put_str(o, d->d_name, len);
		used += p9_dirent_size(len);
		off += d->d_reclen;
	}
	for (int i = 0; i < 4; i++)
		o->p[at - 4 + i] = (uint8_t)(used >> (8 * i));
	return 0;
}

static int op_fsync(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);

	(void)o;
	if (!f || f->open_fd < 0)
		return EBADF;
	if ((r->datasync ? fdatasync(f->open_fd) : fsync(f->open_fd)) < 0 && errno != EINVAL)
		return errno;
	return 0;
}

static int op_xattrwalk(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	(void)o;
	if (!p9_fid_get(fs, r->fid))
		return EBADF;
	/* No extended attributes are exported: a named one does not exist, listing is unsupported. */
	return r->name.len ? ENODATA : EOPNOTSUPP;
}

/* Locks are advisory and local to the guest: grant them. */
static int op_lock(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	if (!p9_fid_get(fs, r->fid))
		return EBADF;
	if (r->type == P9_TLOCK) {
		p9_put8(o, 0); /* P9_LOCK_SUCCESS */
		return 0;
	}
	p9_put8(o, 2); /* F_UNLCK: nothing conflicts */
	p9_put64(o, r->lock_start);
	p9_put64(o, r->lock_len);
	p9_put32(o, r->lock_proc);
	p9_put_str(o, r->name.p, r->name.len);
	return 0;
}

static int dispatch(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	switch (r->type) {
	case P9_TVERSION: return op_version(fs, r, o);
	case P9_TATTACH: return op_attach(fs, r, o);
	case P9_TWALK: return op_walk(fs, r, o);
	case P9_TLOPEN: return op_lopen(fs, r, o);
	case P9_TLCREATE: return p9_op_lcreate(fs, r, o);
	case P9_TREAD: return op_read(fs, r, o);
	case P9_TWRITE: return op_write(fs, r, o);
	case P9_TCLUNK: return fid_del(fs, r->fid);
	case P9_TREMOVE:
		/* Needs the parent; Linux uses Tunlinkat and falls back to this only on EOPNOTSUPP. */
		return fid_del(fs, r->fid) ? EBADF : EOPNOTSUPP;
	case P9_TGETATTR: return p9_op_getattr(fs, r, o);
	case P9_TSETATTR: return p9_op_setattr(fs, r, o);
	case P9_TSTATFS: return p9_op_statfs(fs, r, o);
	case P9_TREADDIR: return op_readdir(fs, r, o);
	case P9_TFSYNC: return op_fsync(fs, r, o);
	case P9_TMKDIR: return p9_op_mkdir(fs, r, o);
	case P9_TSYMLINK: return p9_op_symlink(fs, r, o);
	case P9_TMKNOD: return p9_op_mknod(fs, r, o);
	case P9_TLINK: return p9_op_link(fs, r, o);
	case P9_TRENAMEAT: return p9_op_renameat(fs, r, o);
	case P9_TUNLINKAT: return p9_op_unlinkat(fs, r, o);
	case P9_TREADLINK: return p9_op_readlink(fs, r, o);
	case P9_TXATTRWALK: return op_xattrwalk(fs, r, o);
	case P9_TXATTRCREATE: return fs->ro ? EROFS : EOPNOTSUPP;
	case P9_TLOCK:
	case P9_TGETLOCK: return op_lock(fs, r, o);
	case P9_TFLUSH: return 0; /* requests complete in order, so nothing is pending */
	default: return EOPNOTSUPP; /* Tauth, Trename (Linux falls back to Trenameat), R-types */
	}
}

uint32_t p9_fs_handle(struct p9_fs *fs, const uint8_t *in, uint32_t in_len,
		      uint8_t *out, uint32_t out_cap)
{
	struct p9_req r;
	struct p9_out o;
	uint32_t len;
	int e;

	if (out_cap > fs->msize)
		out_cap = fs->msize;
	/* Every reply, Rlerror included, needs 11 bytes; below that there is no answer at all. */
	if (out_cap < P9_IOHDR_SIZE)
		return 0;
	e = p9_parse(in, in_len, fs->msize, &r);
	if (e < 0)
		return p9_encode_lerror(out, out_cap, r.tag, -e);
	p9_out_init(&o, out, out_cap, r.type + 1, r.tag);
	e = dispatch(fs, &r, &o);
	if (!e && (len = p9_out_finish(&o)))
		return len;
	return p9_encode_lerror(out, out_cap, r.tag, e ? e : ERANGE);
}

struct p9_fs *p9_fs_new(int root_fd, bool ro)
{
	struct p9_fs *fs;
	int proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (proc_fd < 0) {
		close(root_fd);
		return NULL;
	}
	fs = xcalloc(1, sizeof(*fs));
	fs->root_fd = root_fd;
	fs->proc_fd = proc_fd;
	fs->ro = ro;
	fs->msize = P9_MAX_MSIZE;
	return fs;
}

void p9_fs_reset(struct p9_fs *fs)
{
	fid_clear(fs);
	fs->msize = P9_MAX_MSIZE;
}

void p9_fs_free(struct p9_fs *fs)
{
	if (!fs)
		return;
	fid_clear(fs);
	close(fs->root_fd);
	close(fs->proc_fd);
	free(fs);
}
