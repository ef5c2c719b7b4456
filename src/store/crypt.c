/* SPDX-License-Identifier: Apache-2.0 */
/* Encryption at rest: the key ring file, the resource list, AES-256-GCM seal and unseal. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>


#include "lib/cryptolib.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "store/crypt.h"

#define PREFIX_LEN (sizeof(CRYPT_PREFIX) - 1)
#define B64_KEY_LEN 44 /* base64 of 32 bytes */

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= CRYPT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return false;
	}
	return true;
}

int crypt_find_key(const struct store_crypt *c, const char *name)
{
	for (size_t i = 0; c && i < c->nkeys; i++)
		if (!strcmp(c->keys[i].name, name))
			return (int)i;
	return -1;
}

static int parse_line(struct store_crypt *c, char *line, int lineno, struct atoll_err *err)
{
	char *save = NULL, *prov, *name, *b64, *extra;
	unsigned char raw[48];
	struct crypt_key *k;

	prov = strtok_r(line, " \t", &save);
	if (!prov || *prov == '#')
		return 0;
	name = strtok_r(NULL, " \t", &save);
	b64 = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (strcmp(prov, "aesgcm"))
		return err_set(err, 400, "BadRequest", "line %d: unknown provider '%s' (only aesgcm)",
			       lineno, prov);
	if (!name || !b64 || extra)
		return err_set(err, 400, "BadRequest", "line %d: expected 'aesgcm NAME BASE64KEY'",
			       lineno);
	if (!name_ok(name, strlen(name)))
		return err_set(err, 400, "BadRequest", "line %d: bad key name '%s'", lineno, name);
	if (crypt_find_key(c, name) >= 0)
		return err_set(err, 400, "BadRequest", "line %d: key '%s' appears twice", lineno, name);
	/* 44 base64 characters with one '=' are exactly 32 bytes. */
	if (strlen(b64) != B64_KEY_LEN || b64[B64_KEY_LEN - 1] != '=' || b64[B64_KEY_LEN - 2] == '=' ||
	    EVP_DecodeBlock(raw, (const unsigned char *)b64, B64_KEY_LEN) != 33)
		return err_set(err, 400, "BadRequest",
			       "line %d: key '%s' is not 32 bytes of base64", lineno, name);
	c->keys = xrealloc(c->keys, (c->nkeys + 1) * sizeof(*c->keys));
	k = &c->keys[c->nkeys++];
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	memcpy(k->secret, raw, CRYPT_KEY_BYTES);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

int crypt_ring_parse(struct store_crypt *c, const char *text, struct atoll_err *err)
{
	char *copy = xstrdup(text);
	int lineno = 0, rc = 0;

	/* Split by hand: strtok_r would merge blank lines and skew line numbers. */
	for (char *p = copy, *nl; p && rc == 0; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		rc = parse_line(c, p, lineno, err);
	}
	OPENSSL_cleanse(copy, strlen(text));
	free(copy);
	if (rc == 0 && c->nkeys == 0)
		rc = err_set(err, 400, "BadRequest", "no keys");
	return rc;
}

char *crypt_ring_format(const struct store_crypt *c)
{
	struct buf b = BUF_INIT;
	char b64[B64_KEY_LEN + 1];

	buf_adds(&b, "# Atoll encryption keys (AES-256-GCM): the first key encrypts, every key\n"
		     "# decrypts. Manage with `atoll encryption`; see docs/tenancy.md.\n");
	for (size_t i = 0; i < c->nkeys; i++) {
		EVP_EncodeBlock((unsigned char *)b64, c->keys[i].secret, CRYPT_KEY_BYTES);
		buf_addf(&b, "aesgcm %s %s\n", c->keys[i].name, b64);
	}
	OPENSSL_cleanse(b64, sizeof(b64));
	return buf_detach(&b, NULL);
}

char *crypt_ring_path(const char *data_dir)
{
	return xasprintf("%s/%s", data_dir, CRYPT_RING_FILE);
}

int crypt_ring_load(struct store_crypt *c, const char *path, struct atoll_err *err)
{
	struct stat st;
	char *text;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno == ENOENT ? 404 : 500, errno == ENOENT ? "NotFound" : "InternalError",
			       "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size > 65536) {
		close(fd);
		return err_set(err, 500, "InternalError", "%s: unreadable or too large", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return err_set(err, 500, "InternalError",
			       "%s: readable by others (mode %03o); chmod 600 it", path,
			       (unsigned)(st.st_mode & 0777));
	}
	text = xmalloc((size_t)st.st_size + 1);
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(text);
		return err_set(err, 500, "InternalError", "%s: short read", path);
	}
	text[n] = '\0';
	int rc = crypt_ring_parse(c, text, err);
	OPENSSL_cleanse(text, (size_t)n);
	free(text);
	if (rc < 0)
		err_wrap(err, "%s", path);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int crypt_ring_save(const struct store_crypt *c, const char *path, struct atoll_err *err)
{
	char *tmp = xasprintf("%s.tmp", path), *dir = xstrdup(path);
	char *text = crypt_ring_format(c);
	int fd, rc = -1;

	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(err, 500, "InternalError", "%s: %s", tmp, strerror(errno));
		goto out;
	}
	/* A crash leaves the old file or the new one, whole: fsync, rename, fsync the directory. */
	if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		err_set(err, 500, "InternalError", "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		err_set(err, 500, "InternalError", "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	rc = 0;
out:
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	free(tmp);
	free(dir);
	return rc;
}

int crypt_add_key(struct store_crypt *c, struct atoll_err *err)
{
	struct crypt_key k = { 0 };
	long top = 0;

	for (size_t i = 0; i < c->nkeys; i++) {
		char *end;
		if (strncmp(c->keys[i].name, "key", 3))
			continue;
		long n = strtol(c->keys[i].name + 3, &end, 10);
		if (!*end && n > top)
			top = n;
	}
	snprintf(k.name, sizeof(k.name), "key%ld", top + 1);
	if (getrandom(k.secret, sizeof(k.secret), 0) != (ssize_t)sizeof(k.secret))
		return err_set(err, 500, "InternalError", "getrandom: %s", strerror(errno));
	c->keys = xrealloc(c->keys, (c->nkeys + 1) * sizeof(*c->keys));
	memmove(&c->keys[1], &c->keys[0], c->nkeys * sizeof(*c->keys));
	c->keys[0] = k;
	c->nkeys++;
	OPENSSL_cleanse(&k, sizeof(k));
	return 0;
}

int crypt_ring_setup(struct store_crypt *c, const char *data_dir, bool create,
		     struct atoll_err *err)
{
	char *path = crypt_ring_path(data_dir);
	int rc = crypt_ring_load(c, path, err);

	if (rc < 0 && err->code == 404 && create) {
		*err = (struct atoll_err)ERR_INIT;
		rc = crypt_add_key(c, err);
		if (rc == 0)
			rc = crypt_ring_save(c, path, err);
	}
	free(path);
	return rc;
}

static void free_prefixes(struct store_crypt *c)
{
	for (size_t i = 0; i < c->nprefixes; i++)
		free(c->prefixes[i]);
	free(c->prefixes);
	c->prefixes = NULL;
	c->nprefixes = 0;
}

void crypt_release(struct store_crypt *c)
{
	if (!c)
		return;
	if (c->keys)
		OPENSSL_cleanse(c->keys, c->nkeys * sizeof(*c->keys));
	free(c->keys);
	free_prefixes(c);
	memset(c, 0, sizeof(*c));
}

int crypt_set_resources(struct store_crypt *c, const char *list, struct atoll_err *err)
{
	char *copy = xstrdup(list ? list : ""), *save = NULL;
	int rc = 0;

	free_prefixes(c);
	if (!strcmp(copy, "none")) {
		free(copy);
		return 0;
	}
	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		char *dot = strchr(r, '.');
		const char *group = dot ? dot + 1 : "core";
		if (dot)
			*dot = '\0';
		if (!name_ok(r, strlen(r)) || strchr(r, '.') || !*group || strchr(group, '/')) {
			rc = err_set(err, 400, "BadRequest",
				     "bad resource '%s' (expected RESOURCE or RESOURCE.GROUP)", r);
			break;
		}
		c->prefixes = xrealloc(c->prefixes, (c->nprefixes + 1) * sizeof(*c->prefixes));
		c->prefixes[c->nprefixes++] = xasprintf("%s/%s/", group, r);
	}
	free(copy);
	if (rc < 0)
		free_prefixes(c);
	return rc;
}

bool crypt_wants(const struct store_crypt *c, const char *key)
{
	for (size_t i = 0; c && i < c->nprefixes; i++)
		if (!strncmp(key, c->prefixes[i], strlen(c->prefixes[i])))
			return true;
	return false;
}

bool crypt_sealed(const void *data, size_t len)
{
	return len >= PREFIX_LEN && !memcmp(data, CRYPT_PREFIX, PREFIX_LEN);
}

/* Length of the "k8s:enc:aesgcm:v1:NAME:" header, copying NAME out; 0 when malformed. */
static size_t header(const void *data, size_t len, char name[CRYPT_NAME_MAX])
{
	const char *p = data;

	if (!crypt_sealed(data, len))
		return 0;
	for (size_t i = PREFIX_LEN; i < len && i - PREFIX_LEN < CRYPT_NAME_MAX; i++) {
		if (p[i] != ':')
			continue;
		size_t n = i - PREFIX_LEN;
		if (!name_ok(p + PREFIX_LEN, n))
			return 0;
		memcpy(name, p + PREFIX_LEN, n);
		name[n] = '\0';
		return i + 1;
	}
	return 0;
}

int crypt_key_name(const void *data, size_t len, char name[CRYPT_NAME_MAX])
{
	return header(data, len, name) ? 0 : -1;
}

struct blob *crypt_seal(const struct store_crypt *c, const char *key, const void *data,
			size_t len, struct atoll_err *err)
{
	const struct crypt_key *k;
	size_t hlen, total;
	unsigned char *out, *nonce;
	struct blob *b;
	EVP_CIPHER_CTX *ctx;
	int n;

	if (!c || !c->nkeys) {
		err_set(err, 500, "InternalError", "encryption: no key");
		return NULL;
	}
	if (len > (size_t)1 << 30) {
		err_set(err, 413, "RequestEntityTooLarge", "encryption: value too large");
		return NULL;
	}
	k = &c->keys[0];
	hlen = PREFIX_LEN + strlen(k->name) + 1;
	total = hlen + CRYPT_NONCE_BYTES + len + CRYPT_TAG_BYTES;
	/* Build the value in a blob of the final size: no second copy. */
	b = blob_new(NULL, 0);
	b = xrealloc(b, sizeof(*b) + total + 1);
	b->len = total;
	b->data[total] = '\0';
	out = (unsigned char *)b->data;
	snprintf((char *)out, hlen + 1, "%s%s:", CRYPT_PREFIX, k->name);
	nonce = out + hlen;
	if (getrandom(nonce, CRYPT_NONCE_BYTES, 0) != CRYPT_NONCE_BYTES) {
		err_set(err, 500, "InternalError", "getrandom: %s", strerror(errno));
		goto fail;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPT_NONCE_BYTES, NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, k->secret, nonce) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)key, (int)strlen(key)) != 1 ||
	    EVP_EncryptUpdate(ctx, nonce + CRYPT_NONCE_BYTES, &n, data, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, nonce + CRYPT_NONCE_BYTES + n, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPT_TAG_BYTES,
				nonce + CRYPT_NONCE_BYTES + len) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		err_set(err, 500, "InternalError", "encryption: %s: seal failed", key);
		goto fail;
	}
	EVP_CIPHER_CTX_free(ctx);
	return b;
fail:
	blob_unref(b);
	return NULL;
}

struct blob *crypt_unseal(const struct store_crypt *c, const char *key, const void *data,
			  size_t len, struct atoll_err *err)
{
	char name[CRYPT_NAME_MAX];
	const unsigned char *nonce, *ct;
	size_t hlen, ctlen;
	struct blob *b;
	EVP_CIPHER_CTX *ctx;
	int idx, n;

	if (!crypt_sealed(data, len))
		return blob_new(data, len);
	hlen = header(data, len, name);
	if (!hlen || len < hlen + CRYPT_NONCE_BYTES + CRYPT_TAG_BYTES) {
		err_set(err, 500, "InternalError", "encryption: %s: malformed sealed value", key);
		return NULL;
	}
	idx = crypt_find_key(c, name);
	if (idx < 0) {
		err_set(err, 500, "InternalError", "encryption: %s: key '%s' is not in the key ring",
			key, name);
		return NULL;
	}
	nonce = (const unsigned char *)data + hlen;
	ct = nonce + CRYPT_NONCE_BYTES;
	ctlen = len - hlen - CRYPT_NONCE_BYTES - CRYPT_TAG_BYTES;
	b = blob_new(NULL, 0);
	b = xrealloc(b, sizeof(*b) + ctlen + 1);
	b->len = ctlen;
	b->data[ctlen] = '\0';
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPT_NONCE_BYTES, NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, c->keys[idx].secret, nonce) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)key, (int)strlen(key)) != 1 ||
	    EVP_DecryptUpdate(ctx, (unsigned char *)b->data, &n, ct, (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPT_TAG_BYTES,
				(void *)(ct + ctlen)) != 1 ||
	    EVP_DecryptFinal_ex(ctx, (unsigned char *)b->data + n, &n) != 1) {
		/* Wrong key, another store key, or changed bytes: the tag does not match. */
		EVP_CIPHER_CTX_free(ctx);
		err_set(err, 500, "InternalError",
			"encryption: %s: cannot decrypt with key '%s' (wrong key or corrupted)", key, name);
		OPENSSL_cleanse(b->data, ctlen);
		blob_unref(b);
		return NULL;
	}
	EVP_CIPHER_CTX_free(ctx);
	return b;
}
