/* SPDX-License-Identifier: Apache-2.0 */
/* 9P2000.L server: operations on names inside a directory fid (create, link, rename, remove). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "vmm/p9_fs.h"

/* NUL-terminate a checked name into buf (P9_NAME_MAX + 1 bytes). */
static int name_cstr(struct p9_str s, char *buf)
{
	if (!p9_name_ok(s))
		return EINVAL;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	return 0;
}

/*
 * The directory fid and the new name for an operation that changes the
 * share: refused on a read-only share, with a bad name, or a missing fid.
 */
static int dir_and_name(struct p9_fs *fs, uint32_t fid, struct p9_str name,
			struct p9_fid **dir, char *buf)
{
	if (!(*dir = p9_fid_get(fs, fid)))
		return EBADF;
	if (fs->ro)
		return EROFS;
	return name_cstr(name, buf);
}

static int reply_qid_at(int dir_fd, struct p9_str name, struct p9_out *o)
{
	struct p9_qid q;
	int e = p9_qid_at(dir_fd, name, &q);

	if (e)
		return e;
	p9_put_qid(o, &q);
	return 0;
}

/* Create and open a regular file; the directory fid becomes the new file. */
int p9_op_lcreate(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d;
	int acc = r->flags & O_ACCMODE, fd, path_fd, e;
	struct open_how how = {
		.mode = r->mode & 0777, /* no set-id bits */
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	struct p9_qid q;

	if ((e = dir_and_name(fs, r->fid, r->name, &d, name)))
		return e;
	if (d->open_fd >= 0 || acc == O_ACCMODE)
		return EINVAL;
	how.flags = acc | O_CREAT | (r->flags & (O_EXCL | O_TRUNC | O_APPEND | O_SYNC | O_DSYNC)) |
		    O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	fd = (int)syscall(SYS_openat2, d->fd, name, &how, sizeof(how));
	if (fd < 0)
		return errno;
	/* Without O_EXCL an existing FIFO or device could have been opened: only regular files. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return EPERM;
	}
	if ((path_fd = p9_reopen(fs, fd, O_PATH)) < 0) {
		close(fd);
		return -path_fd;
	}
	close(d->fd);
	d->fd = path_fd;
	d->open_fd = fd;
	q = (struct p9_qid){ P9_QTFILE, 0, st.st_ino };
	p9_put_qid(o, &q);
	p9_put32(o, 0);
	return 0;
}

int p9_op_mkdir(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d;
	int e;

	if ((e = dir_and_name(fs, r->fid, r->name, &d, name)))
		return e;
	if (mkdirat(d->fd, name, r->mode & (0777 | S_ISVTX)) < 0)
		return errno;
	return reply_qid_at(d->fd, r->name, o);
}

int p9_op_symlink(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	char name[P9_NAME_MAX + 1], target[P9_TARGET_MAX + 1];
	struct p9_fid *d;
	int e;

	if ((e = dir_and_name(fs, r->fid, r->name, &d, name)))
		return e;
	/* The target is only text for the guest to resolve; the server never follows it. */
	if (r->name2.len == 0 || r->name2.len > P9_TARGET_MAX || memchr(r->name2.p, '\0', r->name2.len))
		return EINVAL;
	memcpy(target, r->name2.p, r->name2.len);
	target[r->name2.len] = '\0';
	if (symlinkat(target, d->fd, name) < 0)
		return errno;
	return reply_qid_at(d->fd, r->name, o);
}

int p9_op_mknod(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d;
	uint32_t type = r->mode & S_IFMT;
	int e;

	if ((e = dir_and_name(fs, r->fid, r->name, &d, name)))
		return e;
	/* FIFOs and plain files; never device nodes. */
	if (type != S_IFIFO && type != S_IFREG)
		return EPERM;
	if (mknodat(d->fd, name, type | (r->mode & 0777), 0) < 0)
		return errno;
	return reply_qid_at(d->fd, r->name, o);
}

/* A hard link to the fid's own object (through /proc/self/fd, which needs no capability). */
int p9_op_link(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	char name[P9_NAME_MAX + 1], num[16];
	struct p9_fid *d, *f;
	int e;

	(void)o;
	if ((e = dir_and_name(fs, r->fid, r->name, &d, name)))
		return e;
	if (!(f = p9_fid_get(fs, r->fid2)))
		return EBADF;
	snprintf(num, sizeof(num), "%d", f->fd);
	if (linkat(fs->proc_fd, num, d->fd, name, AT_SYMLINK_FOLLOW) < 0)
		return errno;
	return 0;
}

int p9_op_renameat(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	char from[P9_NAME_MAX + 1], to[P9_NAME_MAX + 1];
	struct p9_fid *od, *nd;
	int e;

	(void)o;
	if ((e = dir_and_name(fs, r->fid, r->name, &od, from)) ||
	    (e = dir_and_name(fs, r->fid2, r->name2, &nd, to)))
		return e;
	if (renameat(od->fd, from, nd->fd, to) < 0)
		return errno;
	return 0;
}

int p9_op_unlinkat(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	char name[P9_NAME_MAX + 1];
	struct p9_fid *d;
	int e;

	(void)o;
	if ((e = dir_and_name(fs, r->fid, r->name, &d, name)))
		return e;
	if (r->flags & ~(uint32_t)AT_REMOVEDIR)
		return EINVAL;
	if (unlinkat(d->fd, name, (int)r->flags) < 0)
		return errno;
	return 0;
}

int p9_op_readlink(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	char target[P9_TARGET_MAX + 1];
	ssize_t n;

	if (!f)
		return EBADF;
	n = readlinkat(f->fd, "", target, sizeof(target));
	if (n < 0)
		return errno == ENOENT ? EINVAL : errno; /* not a symlink */
	if (n > P9_TARGET_MAX)
		return ENAMETOOLONG;
	p9_put_str(o, target, (uint16_t)n);
	return 0;
}
