/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for virtio-9p: the input is parsed as one 9P message
 * (the parser alone), then split into a sequence of messages that a real
 * 9P2000.L server answers over a small read-only share (a file, a
 * directory, a symlink pointing out of it). Crashes, leaks, sanitizer
 * reports and replies that break the framing are bugs: the guest controls
 * every byte.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/p9_fs.h"
#include "vmm/p9_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct p9_fs *fs;
static char dir[64];
static uint8_t out[P9_MAX_MSIZE], msg[P9_MAX_MSIZE];

static void cleanup(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/file", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/escape", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sub", dir);
	rmdir(p);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[128];
	int fd;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/atoll-fuzz-p9-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(p, sizeof(p), "%s/file", dir);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "data", 4) != 4)
		abort();
	close(fd);
	snprintf(p, sizeof(p), "%s/sub", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/escape", dir);
	if (symlink("/", p) < 0)
		abort();
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(fs = p9_fs_new(fd, true)))
		abort();
	return 0;
}

static void check_reply(uint32_t n, uint32_t cap)
{
	uint32_t size;

	if (n == 0)
		return;
	if (n > cap || n < P9_HDR_SIZE)
		abort();
	memcpy(&size, out, 4);
	if (size != n)
		abort();
}

static void serve(const uint8_t *msg, uint32_t len, uint32_t cap)
{
	check_reply(p9_fs_handle(fs, msg, len, out, cap), cap < fs->msize ? cap : fs->msize);
}

/* A valid Tversion and Tattach first, so the fuzzed messages reach the file operations. */
static void handshake(void)
{
	static const uint8_t ver[] = { 21, 0, 0, 0, P9_TVERSION, 0xff, 0xff, 0, 0x20, 0, 0,
				       8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L' };
	static const uint8_t att[] = { 23, 0, 0, 0, P9_TATTACH, 1, 0, 0, 0, 0, 0,
				       0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0 };

	serve(ver, sizeof(ver), sizeof(out));
	serve(att, sizeof(att), sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct p9_req req;

	/* The parser on its own: borrowed strings must lie inside the input. */
	if (size <= P9_MAX_MSIZE && p9_parse(data, size, P9_MAX_MSIZE, &req) == 0) {
		const struct p9_str *s[] = { &req.name, &req.name2 };

		for (int i = 0; i < 2; i++)
			if (s[i]->len && ((const uint8_t *)s[i]->p < data ||
					  (const uint8_t *)s[i]->p + s[i]->len > data + size))
				abort();
		for (int i = 0; i < req.nwname; i++)
			(void)p9_name_ok(req.wname[i]);
		if (req.type == P9_TWRITE && req.data + req.count != data + size)
			abort();
	}
	/*
	 * Then a session of [len:2][cap:2][message...] records. Unless the top
	 * bit of cap is set, the message's size field is made to match, so that
	 * most messages get past the framing check into the file operations.
	 */
	handshake();
	for (int n = 0; n < 64 && size >= 4; n++) {
		uint32_t len = data[0] | data[1] << 8, cap = data[2] | data[3] << 8;

		data += 4;
		size -= 4;
		if (len > size)
			len = size;
		memcpy(msg, data, len);
		if (!(cap & 0x8000) && len >= 4)
			for (int i = 0; i < 4; i++)
				msg[i] = (uint8_t)(len >> (8 * i));
		cap &= 0x7fff;
		serve(msg, len, cap ? cap : sizeof(out));
		data += len;
		size -= len;
	}
	p9_fs_reset(fs);
	return 0;
}
