/* SPDX-License-Identifier: Apache-2.0 */
/* 9P2000.L server: attributes of a fid's object and of its file system (getattr, setattr, statfs). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/p9_fs.h"

#define V9FS_MAGIC 0x01021997
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

int p9_op_getattr(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	struct p9_qid q;
	struct stat st;

	if (!f)
		return EBADF;
	if (fstatat(f->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	p9_qid_from_stat(&st, &q);
	p9_put64(o, P9_GETATTR_BASIC);
	p9_put_qid(o, &q);
	p9_put32(o, st.st_mode);
	p9_put32(o, st.st_uid);
	p9_put32(o, st.st_gid);
	p9_put64(o, st.st_nlink);
	p9_put64(o, st.st_rdev);
	p9_put64(o, st.st_size);
	p9_put64(o, st.st_blksize);
	p9_put64(o, st.st_blocks);
	p9_put64(o, st.st_atim.tv_sec);
	p9_put64(o, st.st_atim.tv_nsec);
	p9_put64(o, st.st_mtim.tv_sec);
	p9_put64(o, st.st_mtim.tv_nsec);
	p9_put64(o, st.st_ctim.tv_sec);
	p9_put64(o, st.st_ctim.tv_nsec);
	for (int i = 0; i < 4; i++)
		p9_put64(o, 0); /* btime sec/nsec, gen, data_version */
	return 0;
}

/*
 * chmod of the fid's own inode: fchmodat2(AT_EMPTY_PATH) on Linux >= 6.6.
 * Older kernels lack it, so fall back to our /proc/self/fd entry, which is
 * only safe for non-symlinks (a symlink's inode type cannot change under an fd).
 */
static int set_mode(struct p9_fs *fs, int fd, mode_t mode)
{
	struct stat st;
	char num[16];

	if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS)
		return errno;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	if (S_ISLNK(st.st_mode))
		return EOPNOTSUPP;
	snprintf(num, sizeof(num), "%d", fd);
	return fchmodat(fs->proc_fd, num, mode, 0) < 0 ? errno : 0;
}

static int set_times(int fd, const struct p9_setattr *sa)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };

	if (sa->valid & P9_SETATTR_ATIME) {
		if (!(sa->valid & P9_SETATTR_ATIME_SET))
			ts[0].tv_nsec = UTIME_NOW;
		else if (sa->atime_nsec >= 1000000000 || sa->atime_sec > INT64_MAX)
			return EINVAL;
		else
			ts[0] = (struct timespec){ (time_t)sa->atime_sec, (long)sa->atime_nsec };
	}
	if (sa->valid & P9_SETATTR_MTIME) {
		if (!(sa->valid & P9_SETATTR_MTIME_SET))
			ts[1].tv_nsec = UTIME_NOW;
		else if (sa->mtime_nsec >= 1000000000 || sa->mtime_sec > INT64_MAX)
			return EINVAL;
		else
			ts[1] = (struct timespec){ (time_t)sa->mtime_sec, (long)sa->mtime_nsec };
	}
	if (utimensat(fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	return 0;
}

int p9_op_setattr(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	const struct p9_setattr *sa = &r->sa;
	int e;

	if (!f)
		return EBADF;
	if (fs->ro)
		return EROFS;
	/* No set-id bits: the VMM's uid owns what the guest creates. */
	if ((sa->valid & P9_SETATTR_MODE) && (e = set_mode(fs, f->fd, sa->mode & (0777 | S_ISVTX))))
		return e;
	if ((sa->valid & (P9_SETATTR_UID | P9_SETATTR_GID)) &&
	    fchownat(f->fd, "", sa->valid & P9_SETATTR_UID ? sa->uid : (uid_t)-1,
		     sa->valid & P9_SETATTR_GID ? sa->gid : (gid_t)-1,
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	if (sa->valid & P9_SETATTR_SIZE) {
		struct stat st;
		int fd;

		if (sa->size > INT64_MAX)
			return EFBIG;
		if (fstatat(f->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return errno;
		if (!S_ISREG(st.st_mode))
			return S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		if ((fd = p9_reopen(fs, f->fd, O_WRONLY | O_NONBLOCK)) < 0)
			return -fd;
		e = ftruncate(fd, (off_t)sa->size) < 0 ? errno : 0;
		close(fd);
		if (e)
			return e;
	}
	if (sa->valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME))
		return set_times(f->fd, sa);
	(void)o;
	return 0;
}

int p9_op_statfs(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o)
{
	struct p9_fid *f = p9_fid_get(fs, r->fid);
	struct statfs sf;
	uint64_t fsid;

	if (!f)
		return EBADF;
	if (fstatfs(f->fd, &sf) < 0)
		return errno;
	memcpy(&fsid, &sf.f_fsid, sizeof(fsid));
	p9_put32(o, V9FS_MAGIC);
	p9_put32(o, sf.f_bsize);
	p9_put64(o, sf.f_blocks);
	p9_put64(o, sf.f_bfree);
	p9_put64(o, sf.f_bavail);
	p9_put64(o, sf.f_files);
	p9_put64(o, sf.f_ffree);
	p9_put64(o, fsid);
	p9_put32(o, sf.f_namelen);
	return 0;
}
