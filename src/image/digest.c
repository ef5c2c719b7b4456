/* SPDX-License-Identifier: Apache-2.0 */
/* Content digests (sha256, sha512) of buffers and files, checked against descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/cryptolib.h"
#include "image/image.h"
#include "lib/xalloc.h"

static const EVP_MD *digest_md(const char *digest, size_t *hexlen)
{
	if (!strncmp(digest, "sha256:", 7)) {
		*hexlen = 64;
		return EVP_sha256();
	}
	if (!strncmp(digest, "sha512:", 7)) {
		*hexlen = 128;
		return EVP_sha512();
	}
	return NULL;
}

int image_digest_valid(const char *digest)
{
	size_t hexlen;

	if (!digest || !digest_md(digest, &hexlen))
		return -1;
	const char *h = digest + 7;
	if (strlen(h) != hexlen)
		return -1;
	for (size_t i = 0; i < hexlen; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return -1;
	return 0;
}

static void to_hex(const unsigned char *md, unsigned n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[2 * n] = '\0';
}

static int finish(EVP_MD_CTX *ctx, const char *digest, struct atoll_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	EVP_DigestFinal_ex(ctx, md, &n);
	EVP_MD_CTX_free(ctx);
	to_hex(md, n, hex);
	if (strcmp(hex, digest + 7))
		return err_set(err, 400, "DigestMismatch", "digest mismatch: expected %s, content has %.7s:%s",
			       digest, digest, hex);
	return 0;
}

int image_digest_check_buf(const char *digest, const void *data, size_t len, struct atoll_err *err)
{
	size_t hexlen;

	if (image_digest_valid(digest))
		return err_set(err, 400, "BadDigest", "invalid digest '%s'", digest ? digest : "");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, digest_md(digest, &hexlen), NULL);
	EVP_DigestUpdate(ctx, data, len);
	return finish(ctx, digest, err);
}

int image_digest_check_file(const char *digest, const char *path, int64_t size, struct atoll_err *err)
{
	size_t hexlen;
	char buf[65536];
	int64_t total = 0;
	ssize_t n;

	if (image_digest_valid(digest))
		return err_set(err, 400, "BadDigest", "invalid digest '%s'", digest ? digest : "");
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, 404, "BlobMissing", "blob %s: %s", digest, strerror(errno));
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, digest_md(digest, &hexlen), NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		total += n;
	}
	if (n < 0) {
		EVP_MD_CTX_free(ctx);
		return err_set(err, 500, "ReadError", "blob %s: %s", digest, strerror(errno));
	}
	if (size >= 0 && total != size) {
		EVP_MD_CTX_free(ctx);
		return err_set(err, 400, "SizeMismatch", "blob %s is %s: %lld of %lld bytes", digest,
			       total < size ? "truncated" : "too long", (long long)total, (long long)size);
	}
	if (finish(ctx, digest, err))
		return err_wrap(err, "blob %.19s", digest);
	return 0;
}

char *image_digest_sha256(const void *data, size_t len)
{
	unsigned char md[32];
	char hex[65];

	EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL);
	to_hex(md, 32, hex);
	return xasprintf("sha256:%s", hex);
}
