/* SPDX-License-Identifier: Apache-2.0 */
/* Registry storage: digests, atomic files, content-addressed blobs and per-repository links. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cryptolib.h"
#include "api/server.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"
#include "store/store.h"

struct reg_global reg_g;

bool reg_digest_valid(const char *d)
{
	size_t want;

	if (!strncmp(d, "sha256:", 7))
		want = 64, d += 7;
	else if (!strncmp(d, "sha512:", 7))
		want = 128, d += 7;
	else
		return false;
	size_t n = 0;
	for (; d[n]; n++)
		if (!((d[n] >= '0' && d[n] <= '9') || (d[n] >= 'a' && d[n] <= 'f')))
			return false;
	return n == want;
}

static const EVP_MD *md_for(const char *alg)
{
	return !strncmp(alg, "sha512", 6) ? EVP_sha512() : EVP_sha256();
}

static void hex_out(const char *alg, const unsigned char *md, unsigned n, char *out, size_t outn)
{
	size_t o = (size_t)snprintf(out, outn, "%s:", !strncmp(alg, "sha512", 6) ? "sha512" : "sha256");
	for (unsigned i = 0; i < n && o + 2 < outn; i++, o += 2)
		snprintf(out + o, outn - o, "%02x", md[i]);
}

int reg_hash_file(int fd, const char *alg, char *out, size_t n)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char buf[64 << 10]; /* on the stack: a heap block this size is an mmap+munmap per blob */
	size_t bufsz = sizeof(buf);
	off_t off = 0;
	int rc = 0;

	EVP_DigestInit_ex(c, md_for(alg), NULL);
	for (;;) {
		ssize_t k = pread(fd, buf, bufsz, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc = -1;
			break;
		}
		if (k == 0)
			break;
		EVP_DigestUpdate(c, buf, (size_t)k);
		off += k;
	}
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	hex_out(alg, md, mdlen, out, n);
	return rc;
}

void reg_hash_mem(const void *p, size_t len, const char *alg, char *out, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	EVP_Digest(p, len, md, &mdlen, md_for(alg), NULL);
	hex_out(alg, md, mdlen, out, n);
}

char *reg_blob_path(const char *digest)
{
	/* digest is valid: "alg:hex" */
	return xasprintf("%s/blobs/%.6s/%s", reg_g.root, digest, digest + 7);
}

char *reg_repo_path(const char *repo, const char *sub, const char *leaf)
{
	if (!leaf)
		return xasprintf("%s/repos/%s/%s", reg_g.root, repo, sub);
	/* Digests become alg-hex file names. */
	char name[200];
	snprintf(name, sizeof(name), "%s", leaf);
	char *c = strchr(name, ':');
	if (c)
		*c = '-';
	return xasprintf("%s/repos/%s/%s/%s", reg_g.root, repo, sub, name);
}

int reg_mkdirs(const char *path, bool parent_only)
{
	_cleanup_free_ char *p = xstrdup(path);
	size_t n = strlen(p);

	if (parent_only) {
		char *s = strrchr(p, '/');
		if (!s)
			return 0;
		*s = '\0';
		n = strlen(p);
	}
	/* Usually all there: one mkdir says so; walk down from the root only when it is not. */
	if (mkdir(p, 0755) == 0 || errno == EEXIST)
		return 0;
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char c = p[i];
		p[i] = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		p[i] = c;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	_cleanup_free_ char *d = xstrdup(path);
	char *s = strrchr(d, '/');

	if (s)
		*s = '\0';
	int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void reg_random_hex(char *out, size_t bytes)
{
	unsigned char b[64];

	if (bytes > sizeof(b))
		bytes = sizeof(b);
	RAND_bytes(b, (int)bytes);
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int reg_write_atomic(const char *path, const void *data, size_t len)
{
	char rnd[17];

	reg_random_hex(rnd, 8);
	_cleanup_free_ char *tmp = xasprintf("%s.tmp-%s", path, rnd);
	if (reg_mkdirs(path, true) < 0)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t k = write(fd, p, left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		p += k;
		left -= (size_t)k;
	}
	if (left || fsync(fd) < 0 || close(fd) < 0) {
		if (fd >= 0 && left)
			close(fd);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	fsync_dir_of(path);
	return 0;
}

char *reg_read_small(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) < 0 || (size_t)sb.st_size > max) {
		close(fd);
		return NULL;
	}
	char *b = xmalloc((size_t)sb.st_size + 1);
	size_t got = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t k = read(fd, b + got, (size_t)sb.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	b[got] = '\0';
	if (len)
		*len = got;
	return b;
}

int reg_commit_file(const char *tmp, const char *digest, const char *computed, uint64_t computed_size)
{
	char got[140];
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);
	struct stat fsb;

	if (fd < 0)
		return -2;
	/* A running hash counts only when it saw every byte of the file. */
	if (computed && fstat(fd, &fsb) == 0 && (uint64_t)fsb.st_size == computed_size)
		snprintf(got, sizeof(got), "%s", computed);
	else if (reg_hash_file(fd, digest, got, sizeof(got)) < 0) {
		close(fd);
		unlink(tmp);
		return -2;
	}
	if (strcmp(got, digest)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	/* Durable before visible: the name appears only for complete, verified bytes. */
	if (fsync(fd) < 0) {
		close(fd);
		unlink(tmp);
		return -2;
	}
	close(fd);
	_cleanup_free_ char *dst = reg_blob_path(digest);
	struct stat sb;
	if (stat(dst, &sb) == 0) { /* stored already: blobs are shared; fresh again for the collector */
		utimensat(AT_FDCWD, dst, NULL, 0);
		unlink(tmp);
		return 0;
	}
	if (reg_mkdirs(dst, true) < 0 || rename(tmp, dst) < 0) {
		unlink(tmp);
		return -2;
	}
	fsync_dir_of(dst);
	return 0;
}

int reg_link(const char *repo, const char *sub, const char *digest, const void *data, size_t len)
{
	_cleanup_free_ char *p = reg_repo_path(repo, sub, digest);

	if (!len) {
		/* An empty file has no content to tear: create it, make the name durable. */
		struct stat sb;
		if (stat(p, &sb) == 0)
			return 0;
		if (reg_mkdirs(p, true) < 0)
			return -1;
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -1;
		close(fd);
		fsync_dir_of(p);
		return 0;
	}
	return reg_write_atomic(p, data, len);
}

bool reg_linked(const char *repo, const char *sub, const char *digest)
{
	_cleanup_free_ char *p = reg_repo_path(repo, sub, digest);
	_cleanup_free_ char *b = reg_blob_path(digest);
	struct stat sb;

	return stat(p, &sb) == 0 && stat(b, &sb) == 0;
}

bool reg_repo_exists(const char *repo)
{
	_cleanup_free_ char *p = xasprintf("%s/repos/%s", reg_g.root, repo);
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool reg_ns_exists(struct api_req *r, const char *ns)
{
	struct store_kv kv = { 0 };
	struct atoll_err e = { 0 };
	_cleanup_free_ char *key = xasprintf("core/namespaces//%s", ns);

	if (store_get(r->srv->store, key, &kv, &e) < 0)
		return false;
	/* A terminating namespace takes no new images: they would outlive it. */
	bool live = !memmem(kv.value->data, kv.value->len, "\"deletionTimestamp\"", 19);
	store_kv_release(&kv);
	return live;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **reg_list_dir(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp-"))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[cnt++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*n = cnt;
	return v;
}

void reg_free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* One level of reg_links_collect; depth bounds a hostile or broken tree. */
static void links_walk(const char *dir, int depth, struct reg_links *l)
{
	size_t k;
	char **ents = reg_list_dir(dir, &k);

	for (size_t i = 0; i < k; i++) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, ents[i]);
		if (!strcmp(ents[i], "_layers") || !strcmp(ents[i], "_manifests")) {
			size_t j;
			char **links = reg_list_dir(sub, &j);
			for (size_t x = 0; x < j; x++) {
				if (l->n == l->cap) {
					l->cap = l->cap ? 2 * l->cap : 256;
					l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
				}
				l->v[l->n++] = links[x];
				links[x] = NULL;
			}
			reg_free_list(links, j);
			continue;
		}
		if (ents[i][0] == '_' || depth >= 16)
			continue;
		struct stat sb;
		if (stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			links_walk(sub, depth + 1, l);
	}
	reg_free_list(ents, k);
}

void reg_links_collect(const char *dir, struct reg_links *l)
{
	links_walk(dir, 0, l);
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

bool reg_links_has(const struct reg_links *l, const char *alg_hex)
{
	return l->n && bsearch(&alg_hex, l->v, l->n, sizeof(*l->v), cmp_str);
}

void reg_links_release(struct reg_links *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
