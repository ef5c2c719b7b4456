/* SPDX-License-Identifier: Apache-2.0 */
/* Blob reads (HEAD, GET with Range, streamed from the file) and blob unlinking. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/serverlibs.h"
#include "api/server.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"

/* "bytes=a-b", "bytes=a-" or "bytes=-n" against size. Returns 0 with [*a, *b], or -1. */
static int parse_range(const char *h, uint64_t size, uint64_t *a, uint64_t *b)
{
	unsigned long long x, y;
	char tail;

	if (strncmp(h, "bytes=", 6) || !size)
		return -1;
	h += 6;
	if (*h == '-') {
		if (sscanf(h + 1, "%llu%c", &x, &tail) != 1 || !x)
			return -1;
		*a = x >= size ? 0 : size - x;
		*b = size - 1;
		return 0;
	}
	int k = sscanf(h, "%llu-%llu%c", &x, &y, &tail);
	if (k == 1 && h[strlen(h) - 1] == '-')
		y = size - 1;
	else if (k != 2)
		return -1;
	if (x >= size || y < x)
		return -1;
	*a = x;
	*b = y >= size ? size - 1 : y;
	return 0;
}

#define BLOB_BLOCK (256u << 10)

struct blob_reader {
	int fd;
	uint64_t start;
};

static ssize_t blob_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct blob_reader *br = cls;
	ssize_t k;

	do
		k = pread(br->fd, buf, max, (off_t)(br->start + pos));
	while (k < 0 && errno == EINTR);
	return k > 0 ? k : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void blob_free(void *cls)
{
	struct blob_reader *br = cls;

	close(br->fd);
	free(br);
}

int reg_blob_request(struct api_req *r, struct reg_req *st)
{
	const char *d = st->ref;

	if (!strcmp(r->method, "DELETE")) {
		_cleanup_free_ char *link = reg_repo_path(st->repo, "_layers", d);
		if (unlink(link) < 0)
			return reg_error(r, 404, "BLOB_UNKNOWN", "blob %s is not in %s", d, st->repo);
		reg_sync_image(r, st->repo);
		return reg_queue(r, 202, reg_resp_buf(NULL, 0), NULL);
	}
	if (!reg_linked(st->repo, "_layers", d) && !reg_linked(st->repo, "_manifests", d))
		return reg_error_detail(r, 404, "BLOB_UNKNOWN", json_pack("{s:s}", "digest", d),
					"blob %s is not in %s", d, st->repo);
	_cleanup_free_ char *path = reg_blob_path(d);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		if (fd >= 0)
			close(fd);
		return reg_error(r, 404, "BLOB_UNKNOWN", "blob %s is gone", d);
	}
	uint64_t size = (uint64_t)sb.st_size, a = 0, b = size ? size - 1 : 0;
	const char *range = req_header(r, "Range");
	int code = 200;
	if (range) {
		if (parse_range(range, size, &a, &b) < 0) {
			close(fd);
			struct MHD_Response *resp = reg_resp_buf(NULL, 0);
			reg_hdr(resp, "Content-Range", "bytes */%" PRIu64, size);
			return reg_queue(r, 416, resp, NULL);
		}
		code = 206;
	}
	uint64_t len = size ? b - a + 1 : 0;
	/*
	 * The response owns the file from here and reads it as the client
	 * drains; large blocks keep TLS records full and syscalls few.
	 */
	struct MHD_Response *resp;
	if (len <= BLOB_BLOCK && strcmp(r->method, "HEAD")) {
		/* Small: one buffer, so the headers and the body leave in one write. */
		char *buf = xmalloc(len ? len : 1);
		ssize_t k = len ? pread(fd, buf, len, (off_t)a) : 0;
		close(fd);
		if (k != (ssize_t)len) {
			free(buf);
			return reg_error(r, 500, "UNKNOWN", "cannot read blob %s", d);
		}
		resp = reg_resp_buf(buf, len);
		goto headers;
	}
	struct blob_reader *br = xmalloc(sizeof(*br));
	br->fd = fd;
	br->start = a;
	resp = MHD_create_response_from_callback(len, BLOB_BLOCK, blob_read, br, blob_free);
	if (!resp) {
		blob_free(br);
		return -1;
	}
headers:
	reg_hdr(resp, "Docker-Content-Digest", "%s", d);
	reg_hdr(resp, "ETag", "\"%s\"", d);
	reg_hdr(resp, "Accept-Ranges", "bytes");
	if (code == 206)
		reg_hdr(resp, "Content-Range", "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, a, b, size);
	return reg_queue(r, code, resp, "application/octet-stream");
}
