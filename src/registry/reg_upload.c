/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Blob uploads: monolithic (POST ?digest=), POST then PUT, chunked PATCH with
 * Content-Range, status and cancel, and cross-repository mount. Bytes stream
 * to uploads/<uuid>; a blob becomes visible only after its digest checks out
 * (reg_commit_file), so a dead client or a kill -9 leaves at most a stale
 * session that the collector removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cryptolib.h"
#include "lib/serverlibs.h"
#include "api/server.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"

#define WRITEBACK_STEP (8u << 20)

/*
 * A session id is 16 random bytes and the first 8 bytes of
 * HMAC-SHA256(key, random || repository), in hex: the id itself says which
 * repository owns the session, so starting one writes no owner file (and
 * needs no fsync), and it stays valid across restarts (the key persists).
 */
#define UUID_RND 16
#define UUID_MAC 8
#define UUID_LEN (2 * (UUID_RND + UUID_MAC))

static void uuid_mac(const char *rnd_hex, const char *repo, char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	char msg[2 * UUID_RND + 1 + REG_MAX_NAME];
	int n = snprintf(msg, sizeof(msg), "%.*s/%s", 2 * UUID_RND, rnd_hex, repo);

	HMAC(EVP_sha256(), reg_g.key, sizeof(reg_g.key), (const unsigned char *)msg, (size_t)n, mac, &maclen);
	for (int i = 0; i < UUID_MAC; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

/* A well-formed session id of st->repo. */
static bool uuid_ok(const char *u, const char *repo)
{
	size_t n = 0;
	char mac[2 * UUID_MAC + 1];

	for (; u[n]; n++)
		if (!((u[n] >= '0' && u[n] <= '9') || (u[n] >= 'a' && u[n] <= 'f')))
			return false;
	if (n != UUID_LEN)
		return false;
	uuid_mac(u, repo, mac);
	return !CRYPTO_memcmp(mac, u + 2 * UUID_RND, 2 * UUID_MAC);
}

static char *upload_path(const char *uuid, const char *suffix)
{
	return xasprintf("%s/uploads/%s%s", reg_g.root, uuid, suffix);
}

/* The session's headers: where to continue and what the server has. */
static int reply_session(struct api_req *r, struct reg_req *st, int code)
{
	struct MHD_Response *resp = reg_resp_buf(NULL, 0);

	reg_hdr(resp, "Location", "/v2/%s/blobs/uploads/%s", st->repo, st->ref);
	reg_hdr(resp, "Docker-Upload-UUID", "%s", st->ref);
	reg_hdr(resp, "Range", "0-%" PRIu64, st->size ? st->size - 1 : 0);
	reg_hdr(resp, "OCI-Chunk-Min-Length", "%u", 1u);
	return reg_queue(r, code, resp, NULL);
}

static int reply_created(struct api_req *r, struct reg_req *st, const char *digest)
{
	struct MHD_Response *resp = reg_resp_buf(NULL, 0);

	reg_hdr(resp, "Location", "/v2/%s/blobs/%s", st->repo, digest);
	reg_hdr(resp, "Docker-Content-Digest", "%s", digest);
	return reg_queue(r, 201, resp, NULL);
}

static int new_session(struct api_req *r, struct reg_req *st, bool monolithic)
{
	reg_random_hex(st->ref, UUID_RND);
	uuid_mac(st->ref, st->repo, st->ref + 2 * UUID_RND);
	_cleanup_free_ char *data = upload_path(st->ref, "");
	int fd = open(data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return reg_error(r, 500, "UNKNOWN", "cannot create an upload: %s", strerror(errno));
	if (monolithic) {
		st->fd = fd;
		st->tmp = xstrdup(data);
		st->size = 0;
		reg_uphash_take(st);
		return 0;
	}
	close(fd);
	return 0;
}

/* A session of this repository: opens its data file for appending. */
static int open_session(struct api_req *r, struct reg_req *st, bool for_write)
{
	if (!uuid_ok(st->ref, st->repo))
		return reg_error(r, 404, "BLOB_UPLOAD_UNKNOWN", "no upload session %s in %s",
				 st->ref, st->repo), 1;
	_cleanup_free_ char *data = upload_path(st->ref, "");
	int fd = open(data, (for_write ? O_WRONLY | O_APPEND : O_RDONLY) | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		if (fd >= 0)
			close(fd);
		return reg_error(r, 404, "BLOB_UPLOAD_UNKNOWN", "upload session %s is gone", st->ref), 1;
	}
	st->size = st->flushed = (uint64_t)sb.st_size;
	if (for_write)
		st->fd = fd;
	else
		close(fd);
	return 0;
}

/* The body's announced size against the upload limit and the namespace's quota; 1 when answered. */
static int check_length(struct api_req *r, struct reg_req *st)
{
	const char *cl = req_header(r, "Content-Length");
	uint64_t n = cl ? strtoull(cl, NULL, 10) : 0;

	if (n > reg_g.max_upload || st->size + n > reg_g.max_upload)
		return reg_error(r, 413, "SIZE_INVALID",
				 "the blob would exceed the registry's limit of %" PRIu64 " bytes",
				 reg_g.max_upload), 1;
	/* No body, no new bytes: what the session holds was admitted as it arrived. */
	if (!n && !req_header(r, "Transfer-Encoding"))
		return 0;
	return reg_quota_admit(r, st, st->size + n);
}

static int try_mount(struct api_req *r, struct reg_req *st, const char *digest, const char *from)
{
	char ns[64];
	const char *slash = strchr(from, '/');

	if (!slash || !reg_digest_valid(digest) || !reg_name_ok(from, ns, sizeof(ns)))
		return 1;
	if (!reg_may_pull(r, st, from))
		return 1;
	if (!reg_linked(from, "_layers", digest) && !reg_linked(from, "_manifests", digest))
		return 1;
	/* A blob from another namespace counts against this one's quota. */
	if (strncmp(from, st->repo, strlen(st->ns) + 1)) {
		_cleanup_free_ char *bp = reg_blob_path(digest);
		struct stat sb;
		if (stat(bp, &sb) == 0 && reg_quota_admit(r, st, (uint64_t)sb.st_size))
			return 0;
	}
	if (reg_link(st->repo, "_layers", digest, NULL, 0) < 0)
		return reg_error(r, 500, "UNKNOWN", "cannot link %s", digest);
	return reply_created(r, st, digest);
}

int reg_upload_begin(struct api_req *r, struct reg_req *st)
{
	const char *digest = req_query(r, "digest");

	if (digest) {
		if (!reg_digest_valid(digest))
			return reg_error(r, 400, "DIGEST_INVALID", "invalid digest %s", digest);
		snprintf(st->digest, sizeof(st->digest), "%s", digest);
	}
	if (st->op == REG_UPLOAD_START) {
		const char *mount = req_query(r, "mount"), *from = req_query(r, "from");
		if (mount && from) {
			int rc = try_mount(r, st, mount, from);
			if (rc <= 0)
				return rc;
		}
		if (check_length(r, st))
			return 0;
		return new_session(r, st, digest != NULL);
	}
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) {
		if (open_session(r, st, false))
			return 0;
		return reply_session(r, st, 204);
	}
	if (!strcmp(r->method, "DELETE")) {
		if (open_session(r, st, false))
			return 0;
		_cleanup_free_ char *data = upload_path(st->ref, "");
		unlink(data);
		return reg_queue(r, 204, reg_resp_buf(NULL, 0), NULL);
	}
	bool put = !strcmp(r->method, "PUT");
	if (!put && strcmp(r->method, "PATCH"))
		return reg_error(r, 405, "UNSUPPORTED", "method %s not allowed on an upload", r->method);
	if (put && !digest)
		return reg_error(r, 400, "DIGEST_INVALID", "the final PUT needs ?digest=");
	if (open_session(r, st, true))
		return 0;
	const char *cr = req_header(r, "Content-Range");
	if (cr) {
		unsigned long long a, b;
		if (!strncmp(cr, "bytes ", 6))
			cr += 6;
		if (sscanf(cr, "%llu-%llu", &a, &b) != 2 || b < a || a != st->size) {
			/*
			 * Out of order: read and drop the body (clients write it before
			 * they read), then tell the client where the session stands.
			 */
			st->out_of_order = true;
			return 0;
		}
	}
	reg_uphash_take(st);
	check_length(r, st);
	return 0;
}

int reg_upload_chunk(struct api_req *r, struct reg_req *st, const char *data, size_t len)
{
	(void)r;
	if (st->out_of_order)
		return 0;
	if (st->size + len > reg_g.max_upload) {
		st->fail_code = 413;
		st->fail_err = "SIZE_INVALID";
		snprintf(st->fail_msg, sizeof(st->fail_msg),
			 "the blob exceeds the registry's limit of %" PRIu64 " bytes", reg_g.max_upload);
		return 0;
	}
	if (st->size + len > st->quota_room) {
		st->fail_code = 403;
		st->fail_err = "DENIED";
		snprintf(st->fail_msg, sizeof(st->fail_msg),
			 "pushing to %s is forbidden: exceeded quota: %s, the upload passes the %" PRIu64
			 " bytes left", st->repo, REG_QUOTA_KEY, st->quota_room);
		return 0;
	}
	while (len) {
		ssize_t k = write(st->fd, data, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			st->fail_code = 500;
			st->fail_err = "UNKNOWN";
			snprintf(st->fail_msg, sizeof(st->fail_msg), "cannot store the upload: %s",
				 strerror(errno));
			return 0;
		}
		reg_uphash_update(st, data, (size_t)k);
		data += k;
		len -= (size_t)k;
		st->size += (uint64_t)k;
	}
	/*
	 * Start writeback as the bytes arrive, so the fsync before the blob
	 * becomes visible finds little left to write.
	 */
	if (st->size - st->flushed >= WRITEBACK_STEP) {
		sync_file_range(st->fd, (off_t)st->flushed, (off_t)(st->size - st->flushed),
				SYNC_FILE_RANGE_WRITE);
		st->flushed = st->size;
	}
	return 0;
}

static int finish_blob(struct api_req *r, struct reg_req *st, const char *path)
{
	char pre[140];
	uint64_t presz = 0;
	bool have = reg_uphash_final(st, st->digest, pre, sizeof(pre), &presz);
	int rc = reg_commit_file(path, st->digest, have ? pre : NULL, presz);

	if (rc == -1)
		return reg_error_detail(r, 400, "DIGEST_INVALID", json_pack("{s:s}", "digest", st->digest),
					"the uploaded content does not match digest %s", st->digest);
	if (rc < 0)
		return reg_error(r, 500, "UNKNOWN", "cannot store blob %s", st->digest);
	if (reg_link(st->repo, "_layers", st->digest, NULL, 0) < 0)
		return reg_error(r, 500, "UNKNOWN", "cannot link blob %s", st->digest);
	return reply_created(r, st, st->digest);
}

int reg_upload_end(struct api_req *r, struct reg_req *st)
{
	if (st->fd >= 0) {
		close(st->fd);
		st->fd = -1;
	}
	if (st->out_of_order) {
		char *b = xasprintf("{\"errors\":[{\"code\":\"BLOB_UPLOAD_INVALID\",\"message\":"
				    "\"the chunk must start at byte %" PRIu64 "\"}]}", st->size);
		struct MHD_Response *resp = reg_resp_buf(b, strlen(b));
		reg_hdr(resp, "Location", "/v2/%s/blobs/uploads/%s", st->repo, st->ref);
		reg_hdr(resp, "Range", "0-%" PRIu64, st->size ? st->size - 1 : 0);
		reg_hdr(resp, "Docker-Upload-UUID", "%s", st->ref);
		return reg_queue(r, 416, resp, "application/json");
	}
	if (st->op == REG_UPLOAD_START) {
		if (!st->tmp) /* a new session */
			return reply_session(r, st, 202);
		_cleanup_free_ char *tmp = steal_ptr(&st->tmp);
		return finish_blob(r, st, tmp); /* monolithic */
	}
	if (!strcmp(r->method, "PATCH")) {
		reg_uphash_park(st);
		return reply_session(r, st, 202);
	}
	/* PUT: the session ends whether or not the digest matches. */
	_cleanup_free_ char *data = upload_path(st->ref, "");
	return finish_blob(r, st, data);
}

void reg_upload_abort(struct reg_req *st)
{
	reg_uphash_drop(st);
	if (st->fd >= 0) {
		close(st->fd);
		st->fd = -1;
	}
	if (st->tmp) { /* a monolithic upload is not resumable */
		unlink(st->tmp);
		free(st->tmp);
		st->tmp = NULL;
	}
}
