/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The 9P2000.L file server behind virtio-9p: one host directory (the share
 * root), a bounded table of fids, and the file operations. The guest is
 * hostile: every object is reached from the root by single, checked names
 * with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so no walk can leave
 * the share or follow a symlink; a read-only share refuses every change.
 */
#ifndef ATOLL_VMM_P9_FS_H
#define ATOLL_VMM_P9_FS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/p9_msg.h"

#define P9_MAX_FIDS     4096
#define P9_FID_BUCKETS  256

struct p9_fid {
	uint32_t id;
	int fd;        /* O_PATH descriptor of the object itself (owned) */
	int open_fd;   /* after Tlopen/Tlcreate, else -1 (owned) */
	struct p9_fid *next;
};

struct p9_fs {
	int root_fd;   /* O_PATH directory of the share root (owned) */
	int proc_fd;   /* /proc/self/fd, to reopen an O_PATH descriptor (owned) */
	bool ro;
	uint32_t msize;
	unsigned nr_fids;
	struct p9_fid *fids[P9_FID_BUCKETS];
	uint8_t dirbuf[P9_MAX_MSIZE]; /* getdents64 scratch */
};

/*
 * A server for the directory root_fd (takes it: an O_PATH or O_RDONLY
 * directory descriptor). Returns owned state or NULL with errno set.
 */
struct p9_fs *p9_fs_new(int root_fd, bool ro);
void p9_fs_free(struct p9_fs *fs);
/* Forget every fid and the negotiated msize (device reset). */
void p9_fs_reset(struct p9_fs *fs);

/*
 * Serve one request message in[0..in_len) and write the reply into
 * out[0..out_cap). Returns the reply length, or 0 if not even an Rlerror
 * fits out_cap (the guest gave no room for an answer).
 */
uint32_t p9_fs_handle(struct p9_fs *fs, const uint8_t *in, uint32_t in_len,
		      uint8_t *out, uint32_t out_cap);

/* p9_fs.c helpers for p9_fs_dir.c. Errors are positive errno values. */
struct p9_fid *p9_fid_get(struct p9_fs *fs, uint32_t id);
int p9_walk_one(int dir_fd, struct p9_str name);   /* O_PATH fd or -errno */
int p9_qid_of(int fd, struct p9_qid *q);           /* 0 or errno */
struct stat;
void p9_qid_from_stat(const struct stat *st, struct p9_qid *q);
int p9_qid_at(int dir_fd, struct p9_str name, struct p9_qid *q); /* 0 or errno */
int p9_reopen(struct p9_fs *fs, int fd, int flags); /* a real fd for an O_PATH one, or -errno */

/* p9_fs_attr.c */
int p9_op_getattr(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_setattr(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_statfs(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);

/* p9_fs_dir.c: operations that create, remove or rename names in a directory. */
int p9_op_lcreate(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_mkdir(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_symlink(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_mknod(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_link(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_renameat(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_unlinkat(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);
int p9_op_readlink(struct p9_fs *fs, const struct p9_req *r, struct p9_out *o);

#endif
