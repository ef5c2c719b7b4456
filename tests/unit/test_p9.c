/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 9P2000.L: the message parser and encoder (well-formed and malformed
 * messages, bounds), name checks, and the file server over a real
 * temporary directory: create/write/read, the escapes it must refuse, and
 * a read-only share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "vmm/p9_fs.h"
#include "vmm/p9_msg.h"

static uint8_t m[P9_MAX_MSIZE + 64], out[P9_MAX_MSIZE];
static uint32_t mlen;
static uint16_t tag = 1;

static void put(uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		m[mlen++] = (uint8_t)(v >> (8 * i));
}

static void put_str(const char *s)
{
	put(strlen(s), 2);
	memcpy(m + mlen, s, strlen(s));
	mlen += strlen(s);
}

static void begin(uint8_t type)
{
	mlen = 0;
	put(0, 4);
	put(type, 1);
	put(tag++, 2);
}

static void fix_size(void)
{
	for (int i = 0; i < 4; i++)
		m[i] = (uint8_t)(mlen >> (8 * i));
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static int parse(struct p9_req *r)
{
	fix_size();
	return p9_parse(m, mlen, P9_MAX_MSIZE, r);
}

static void test_parse(void)
{
	struct p9_req r;

	begin(P9_TVERSION);
	put(8192, 4);
	put_str("9P2000.L");
	CHECK(parse(&r) == 0 && r.type == P9_TVERSION && r.msize == 8192);
	CHECK(r.name.len == 8 && !memcmp(r.name.p, "9P2000.L", 8));

	begin(P9_TWALK);
	put(1, 4);
	put(2, 4);
	put(2, 2);
	put_str("a");
	put_str("bc");
	CHECK(parse(&r) == 0 && r.fid == 1 && r.fid2 == 2 && r.nwname == 2);
	CHECK(r.wname[1].len == 2 && !memcmp(r.wname[1].p, "bc", 2));

	begin(P9_TWRITE);
	put(3, 4);
	put(100, 8);
	put(5, 4);
	memcpy(m + mlen, "hello", 5);
	mlen += 5;
	CHECK(parse(&r) == 0 && r.count == 5 && r.offset == 100 && !memcmp(r.data, "hello", 5));

	begin(P9_TSETATTR);
	put(3, 4);
	put(P9_SETATTR_SIZE, 4);
	for (int i = 0; i < 3; i++)
		put(0, 4);
	put(4096, 8);
	for (int i = 0; i < 4; i++)
		put(0, 8);
	CHECK(parse(&r) == 0 && r.sa.valid == P9_SETATTR_SIZE && r.sa.size == 4096);
}

static void test_parse_malformed(void)
{
	struct p9_req r;

	/* Shorter than a header: no tag to answer under. */
	CHECK(p9_parse(m, 3, P9_MAX_MSIZE, &r) == -EPROTO && r.tag == P9_NOTAG);
	/* Size field disagreeing with the bytes given, but the tag is known. */
	begin(P9_TCLUNK);
	put(1, 4);
	fix_size();
	m[0]++;
	CHECK(p9_parse(m, mlen, P9_MAX_MSIZE, &r) == -EPROTO && r.tag == tag - 1);
	/* Truncated field. */
	begin(P9_TCLUNK);
	put(1, 2);
	CHECK(parse(&r) == -EPROTO);
	/* Trailing bytes. */
	begin(P9_TCLUNK);
	put(1, 4);
	put(0, 1);
	CHECK(parse(&r) == -EPROTO);
	/* String running past the end. */
	begin(P9_TATTACH);
	put(1, 4);
	put(P9_NOFID, 4);
	put(60000, 2);
	put(0, 8);
	CHECK(parse(&r) == -EPROTO);
	/* Too many walk names, and fewer names than announced. */
	begin(P9_TWALK);
	put(1, 4);
	put(2, 4);
	put(P9_MAXWELEM + 1, 2);
	for (int i = 0; i <= P9_MAXWELEM; i++)
		put_str("x");
	CHECK(parse(&r) == -EPROTO);
	begin(P9_TWALK);
	put(1, 4);
	put(2, 4);
	put(3, 2);
	put_str("x");
	CHECK(parse(&r) == -EPROTO);
	/* Write count beyond the data. */
	begin(P9_TWRITE);
	put(1, 4);
	put(0, 8);
	put(0xffffffff, 4);
	put(0, 4);
	CHECK(parse(&r) == -EPROTO);
	/* Larger than msize. */
	begin(P9_TCLUNK);
	put(1, 4);
	fix_size();
	CHECK(p9_parse(m, mlen, mlen - 1, &r) == -EPROTO);
	/* Unknown type. */
	begin(99);
	CHECK(parse(&r) == -EOPNOTSUPP);
}

static void test_names_and_encoder(void)
{
	struct p9_out o;
	uint8_t b[16];

	CHECK(p9_name_ok((struct p9_str){ "a", 1 }));
	CHECK(p9_name_ok((struct p9_str){ "...", 3 }));
	CHECK(!p9_name_ok((struct p9_str){ ".", 1 }));
	CHECK(!p9_name_ok((struct p9_str){ "..", 2 }));
	CHECK(!p9_name_ok((struct p9_str){ "a/b", 3 }));
	CHECK(!p9_name_ok((struct p9_str){ "a\0b", 3 }));
	CHECK(!p9_name_ok((struct p9_str){ "", 0 }));

	CHECK(p9_encode_lerror(b, sizeof(b), 7, EROFS) == 11);
	CHECK(get(b, 4) == 11 && b[4] == P9_RLERROR && get(b + 5, 2) == 7 && get(b + 7, 4) == EROFS);
	CHECK(p9_encode_lerror(b, 10, 7, EROFS) == 0);
	p9_out_init(&o, b, sizeof(b), P9_RREADLINK, 1);
	p9_put_str(&o, "0123456789", 10);
	CHECK(o.err && p9_out_finish(&o) == 0);
}

/* --- the server over a temporary directory --- */

static struct p9_fs *fs;

static int rpc(void)
{
	fix_size();
	uint32_t n = p9_fs_handle(fs, m, mlen, out, sizeof(out));

	if (n < P9_HDR_SIZE || get(out, 4) != n)
		return -1;
	return out[4];
}

static uint32_t err(void) { return out[4] == P9_RLERROR ? (uint32_t)get(out + 7, 4) : 0; }

static int walk(uint32_t fid, uint32_t newfid, const char *a, const char *b)
{
	begin(P9_TWALK);
	put(fid, 4);
	put(newfid, 4);
	put(a ? (b ? 2 : 1) : 0, 2);
	if (a)
		put_str(a);
	if (b)
		put_str(b);
	return rpc() == P9_RWALK ? (int)get(out + 7, 2) : -(int)err();
}

static int fid_op(uint8_t type, uint32_t fid, const char *name, uint32_t flags)
{
	begin(type);
	put(fid, 4);
	if (type == P9_TLOPEN) {
		put(flags, 4);
	} else if (type == P9_TLCREATE) {
		put_str(name);
		put(flags, 4);
		put(0644, 4);
		put(0, 4);
	} else if (type == P9_TMKDIR) {
		put_str(name);
		put(0755, 4);
		put(0, 4);
	} else if (type == P9_TUNLINKAT) {
		put_str(name);
		put(flags, 4);
	}
	return rpc();
}

static void session(bool ro)
{
	begin(P9_TVERSION);
	put(8192, 4);
	put_str("9P2000.L");
	CHECK(rpc() == P9_RVERSION && get(out + 7, 4) == 8192);
	begin(P9_TATTACH);
	put(1, 4);
	put(P9_NOFID, 4);
	put_str("u");
	put_str("");
	put(0, 4);
	CHECK(rpc() == P9_RATTACH && out[7] == P9_QTDIR);
	(void)ro;
}

static void test_server(const char *dir, const char *outside)
{
	char path[512];
	int fd;

	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0 && (fs = p9_fs_new(fd, false)) != NULL);
	session(false);
	CHECK(walk(1, 2, NULL, NULL) == 0);
	CHECK(fid_op(P9_TLCREATE, 2, "f.txt", O_RDWR) == P9_RLCREATE);
	begin(P9_TWRITE);
	put(2, 4);
	put(0, 8);
	put(3, 4);
	memcpy(m + mlen, "abc", 3);
	mlen += 3;
	CHECK(rpc() == P9_RWRITE && get(out + 7, 4) == 3);
	begin(P9_TREAD);
	put(2, 4);
	put(1, 8);
	put(100, 4);
	CHECK(rpc() == P9_RREAD && get(out + 7, 4) == 2 && !memcmp(out + 11, "bc", 2));
	snprintf(path, sizeof(path), "%s/f.txt", dir);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size == 3 && (st.st_mode & 07777) == 0644);
	/* A set-uid bit asked for by the guest is dropped. */
	begin(P9_TSETATTR);
	put(2, 4);
	put(P9_SETATTR_MODE, 4);
	put(04755, 4);
	put(0, 4);
	put(0, 4);
	for (int i = 0; i < 5; i++)
		put(0, 8);
	CHECK(rpc() == P9_RSETATTR && stat(path, &st) == 0 && (st.st_mode & 07777) == 0755);

	/* No room for any reply: nothing is written at all. */
	begin(P9_TREAD);
	put(2, 4);
	put(0, 8);
	put(100, 4);
	fix_size();
	memset(out, 0xaa, 16);
	CHECK(p9_fs_handle(fs, m, mlen, out + 4, 3) == 0 && out[0] == 0xaa && out[3] == 0xaa &&
	      out[4] == 0xaa && out[7] == 0xaa);
	CHECK(p9_fs_handle(fs, m, mlen, out, 11) == 11 && get(out + 7, 4) == 0); /* Rread, 0 bytes */

	/* Truncate through setattr (a reopen for writing), and chmod of the symlink is refused. */
	begin(P9_TSETATTR);
	put(2, 4);
	put(P9_SETATTR_SIZE, 4);
	put(0, 4);
	put(0, 4);
	put(0, 4);
	put(1, 8);
	for (int i = 0; i < 4; i++)
		put(0, 8);
	snprintf(path, sizeof(path), "%s/f.txt", dir);
	CHECK(rpc() == P9_RSETATTR && stat(path, &st) == 0 && st.st_size == 1);

	/* Escapes. */
	CHECK(walk(1, 3, "..", NULL) == -EINVAL);
	CHECK(walk(1, 3, "a/b", NULL) == -EINVAL);
	CHECK(walk(1, 3, "escape", "secret") == 1); /* partial: the symlink only */
	CHECK(walk(1, 3, "escape", NULL) == 1 && out[9] == P9_QTSYMLINK);
	CHECK(fid_op(P9_TLOPEN, 3, NULL, O_RDONLY) == P9_RLERROR && err() == ELOOP);
	CHECK(fid_op(P9_TLCREATE, 3, "pwned", O_RDWR) == P9_RLERROR);
	CHECK(fid_op(P9_TMKDIR, 3, "pwned", 0) == P9_RLERROR);
	snprintf(path, sizeof(path), "%s/pwned", outside);
	CHECK(access(path, F_OK) < 0);
	CHECK(fid_op(P9_TMKDIR, 1, "../pwned", 0) == P9_RLERROR && err() == EINVAL);
	CHECK(fid_op(P9_TUNLINKAT, 1, "f.txt", 0x1234) == P9_RLERROR && err() == EINVAL);
	CHECK(fid_op(P9_TUNLINKAT, 1, "f.txt", 0) == P9_RUNLINKAT);
	/* fids: in use, unknown, and the table bound. */
	CHECK(walk(1, 1, NULL, NULL) == 0);
	CHECK(walk(1, 2, NULL, NULL) == -EEXIST);
	begin(P9_TCLUNK);
	put(777, 4);
	CHECK(rpc() == P9_RLERROR && err() == EBADF);
	int added = 0;
	for (uint32_t id = 100; id < 100 + P9_MAX_FIDS + 10; id++)
		if (walk(1, id, NULL, NULL) == 0)
			added++;
	/* Full table (or, with a small fd limit, no descriptors left): EMFILE, no crash. */
	CHECK(fs->nr_fids <= P9_MAX_FIDS && added <= P9_MAX_FIDS);
	CHECK(walk(1, 99999, NULL, NULL) == -EMFILE);
	p9_fs_free(fs);
}

static void test_ro(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	CHECK(fd >= 0 && (fs = p9_fs_new(fd, true)) != NULL);
	session(true);
	CHECK(walk(1, 2, NULL, NULL) == 0);
	CHECK(fid_op(P9_TLCREATE, 2, "new", O_RDWR) == P9_RLERROR && err() == EROFS);
	CHECK(fid_op(P9_TMKDIR, 1, "d", 0) == P9_RLERROR && err() == EROFS);
	CHECK(walk(1, 3, "escape", NULL) == 1);
	CHECK(fid_op(P9_TUNLINKAT, 1, "escape", 0) == P9_RLERROR && err() == EROFS);
	CHECK(fid_op(P9_TLOPEN, 2, NULL, O_RDONLY | O_DIRECTORY) == P9_RLOPEN);
	p9_fs_free(fs);
}

int main(void)
{
	char base[] = "/tmp/atoll-test-p9-XXXXXX", dir[256], outside[256], path[512];

	test_parse();
	test_parse_malformed();
	test_names_and_encoder();
	CHECK(mkdtemp(base) != NULL);
	snprintf(dir, sizeof(dir), "%s/share", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	CHECK(mkdir(dir, 0755) == 0 && mkdir(outside, 0755) == 0);
	snprintf(path, sizeof(path), "%s/escape", dir);
	CHECK(symlink("../outside", path) == 0);
	test_server(dir, outside);
	test_ro(dir);
	unlink(path);
	rmdir(dir);
	rmdir(outside);
	rmdir(base);
	return T_DONE();
}
