/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 9P2000.L wire format: parsing T-messages into struct p9_req and encoding
 * R-messages. Pure code (no I/O, no allocation), so it can be unit-tested and
 * fuzzed. Everything in a request is guest controlled: every read is bounded
 * by the message, every string by its length, every count by the negotiated
 * message size. Strings in a parsed request borrow the message buffer.
 */
#ifndef ATOLL_VMM_P9_MSG_H
#define ATOLL_VMM_P9_MSG_H

#include <stdbool.h>
#include <stdint.h>

#define P9_HDR_SIZE   7      /* size[4] type[1] tag[2] */
#define P9_IOHDR_SIZE 11     /* Rread/Rreaddir header: HDR + count[4] */
#define P9_NOTAG      0xffff
#define P9_NOFID      0xffffffffU
#define P9_MAXWELEM   16
#define P9_MIN_MSIZE  4096
#define P9_MAX_MSIZE  (128 * 1024 + P9_IOHDR_SIZE)
#define P9_NAME_MAX   255
#define P9_TARGET_MAX 4095   /* symlink targets, like PATH_MAX - 1 */
#define P9_VERSION    "9P2000.L"

enum p9_type {
	P9_TLERROR = 6, P9_RLERROR,
	P9_TSTATFS = 8, P9_RSTATFS,
	P9_TLOPEN = 12, P9_RLOPEN,
	P9_TLCREATE = 14, P9_RLCREATE,
	P9_TSYMLINK = 16, P9_RSYMLINK,
	P9_TMKNOD = 18, P9_RMKNOD,
	P9_TRENAME = 20, P9_RRENAME,
	P9_TREADLINK = 22, P9_RREADLINK,
	P9_TGETATTR = 24, P9_RGETATTR,
	P9_TSETATTR = 26, P9_RSETATTR,
	P9_TXATTRWALK = 30, P9_RXATTRWALK,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE,
	P9_TREADDIR = 40, P9_RREADDIR,
	P9_TFSYNC = 50, P9_RFSYNC,
	P9_TLOCK = 52, P9_RLOCK,
	P9_TGETLOCK = 54, P9_RGETLOCK,
	P9_TLINK = 70, P9_RLINK,
	P9_TMKDIR = 72, P9_RMKDIR,
	P9_TRENAMEAT = 74, P9_RRENAMEAT,
	P9_TUNLINKAT = 76, P9_RUNLINKAT,
	P9_TVERSION = 100, P9_RVERSION,
	P9_TAUTH = 102, P9_RAUTH,
	P9_TATTACH = 104, P9_RATTACH,
	P9_TFLUSH = 108, P9_RFLUSH,
	P9_TWALK = 110, P9_RWALK,
	P9_TREAD = 116, P9_RREAD,
	P9_TWRITE = 118, P9_RWRITE,
	P9_TCLUNK = 120, P9_RCLUNK,
	P9_TREMOVE = 122, P9_RREMOVE,
};

#define P9_QTDIR     0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE    0x00

/* Tsetattr valid bits */
#define P9_SETATTR_MODE      0x001
#define P9_SETATTR_UID       0x002
#define P9_SETATTR_GID       0x004
#define P9_SETATTR_SIZE      0x008
#define P9_SETATTR_ATIME     0x010
#define P9_SETATTR_MTIME     0x020
#define P9_SETATTR_CTIME     0x040
#define P9_SETATTR_ATIME_SET 0x080
#define P9_SETATTR_MTIME_SET 0x100

#define P9_GETATTR_BASIC 0x7ffULL

/* A counted string inside a message (borrowed, not NUL-terminated). */
struct p9_str {
	const char *p;
	uint16_t len;
};

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9_setattr {
	uint32_t valid, mode, uid, gid;
	uint64_t size, atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

/*
 * One parsed T-message. Which fields are set depends on type; see
 * p9_parse(). fid is the message's first fid (for Tlink/Tmkdir/... the
 * directory), fid2 the second one (Twalk newfid, Tlink source, Trenameat
 * new directory, Txattrwalk newfid, Tattach afid).
 */
struct p9_req {
	uint8_t type;
	uint16_t tag;
	uint32_t fid, fid2;
	uint32_t msize;                      /* Tversion */
	struct p9_str name, name2;           /* names, version, uname/aname, symlink target */
	uint16_t nwname;
	struct p9_str wname[P9_MAXWELEM];
	uint32_t flags, mode, gid, major, minor, n_uname, datasync;
	uint64_t offset, mask;
	uint32_t count;                      /* Tread/Treaddir/Twrite */
	const uint8_t *data;                 /* Twrite payload, count bytes */
	uint16_t oldtag;                     /* Tflush */
	struct p9_setattr sa;
	uint8_t lock_type;                   /* Tlock / Tgetlock */
	uint64_t lock_start, lock_len;
	uint32_t lock_proc;
};

/*
 * Parse the message in buf[0..len). msize bounds the message (and the
 * caller's buffers). Returns 0, -EPROTO for a malformed message (bad size,
 * truncated field, string overrun, trailing bytes, too many walk names) or
 * -EOPNOTSUPP for a well-formed header of an unknown type. req->type and
 * req->tag are set whenever the header could be read (else tag is NOTAG).
 */
int p9_parse(const uint8_t *buf, uint32_t len, uint32_t msize, struct p9_req *req);

/* A name for one path component: 1..255 bytes, no '/', no NUL, not "." or "..". */
bool p9_name_ok(struct p9_str s);

/* Reply encoder over out[0..cap). Overflow sets err and writes nothing more. */
struct p9_out {
	uint8_t *p;
	uint32_t cap, pos;
	bool err;
};

void p9_out_init(struct p9_out *o, uint8_t *buf, uint32_t cap, uint8_t type, uint16_t tag);
void p9_put8(struct p9_out *o, uint8_t v);
void p9_put16(struct p9_out *o, uint16_t v);
void p9_put32(struct p9_out *o, uint32_t v);
void p9_put64(struct p9_out *o, uint64_t v);
void p9_put_bytes(struct p9_out *o, const void *p, uint32_t len);
void p9_put_str(struct p9_out *o, const char *s, uint16_t len);
void p9_put_qid(struct p9_out *o, const struct p9_qid *q);
/* Patch the size field; returns the message length, or 0 after an overflow. */
uint32_t p9_out_finish(struct p9_out *o);

/* Encode Rlerror (11 bytes); returns its length, 0 if cap is too small. */
uint32_t p9_encode_lerror(uint8_t *buf, uint32_t cap, uint16_t tag, uint32_t ecode);

/* Bytes one Rreaddir entry takes: qid[13] offset[8] type[1] name[s]. */
static inline uint32_t p9_dirent_size(uint32_t name_len) { return 13 + 8 + 1 + 2 + name_len; }

#endif
