/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prepared root filesystems, one per manifest digest, in DATA/images/<alg>-<hex>/.
 * A lock file serializes preparation between concurrent users; the "ok" marker,
 * written last, lets later users skip the lock entirely.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/image.h"
#include "lib/xalloc.h"

void image_release(struct image *img)
{
	free(img->digest);
	free(img->rootfs);
	free(img->erofs);
	image_config_release(&img->config);
	memset(img, 0, sizeof(*img));
}

/* Read a whole small file (<= 4 MiB); returns owned, NUL-terminated. */
static char *slurp(const char *path, size_t *len, struct atoll_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		err_set(err, 404, "NotFound", "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (st.st_size > 4 << 20) {
		err_set(err, 400, "TooLarge", "%s: document too large", path);
		return NULL;
	}
	char *p = xmalloc((size_t)st.st_size + 1);
	ssize_t n = read(fd, p, (size_t)st.st_size);
	if (n != st.st_size) {
		free(p);
		err_set(err, 500, "ReadError", "%s: short read", path);
		return NULL;
	}
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* Read a blob and check it against its descriptor; returns owned. */
static char *read_blob(const char *dir, const struct image_desc *d, size_t *len, struct atoll_err *err)
{
	_cleanup_free_ char *path = image_blob_path(dir, d->digest);
	char *p = slurp(path, len, err);

	if (!p)
		return NULL;
	if ((int64_t)*len != d->size) {
		err_set(err, 400, "SizeMismatch", "blob %s is %s: %zu of %lld bytes", d->digest,
			(int64_t)*len < d->size ? "truncated" : "too long", *len, (long long)d->size);
		free(p);
		return NULL;
	}
	if (image_digest_check_buf(d->digest, p, *len, err)) {
		free(p);
		return NULL;
	}
	return p;
}

/* Resolve the manifest in an OCI layout dir for tag; fills m and returns the owned manifest digest. */
static char *layout_manifest(const char *dir, const char *tag, struct image_manifest *m, struct atoll_err *err)
{
	_cleanup_free_ char *ipath = xasprintf("%s/index.json", dir);
	size_t len;
	int is_index;
	struct image_desc d = { 0 };

	_cleanup_free_ char *idx = slurp(ipath, &len, err);
	if (!idx) {
		err_wrap(err, "not an OCI image layout");
		return NULL;
	}
	if (image_index_pick(idx, len, tag, &d, &is_index, err))
		return NULL;
	/* A nested index (multi-platform image) is resolved one more level. */
	for (int depth = 0; depth < 2; depth++) {
		_cleanup_free_ char *doc = read_blob(dir, &d, &len, err);
		if (!doc) {
			image_desc_release(&d);
			return NULL;
		}
		struct image_desc inner = { 0 };
		if (depth == 0 && strstr(d.media_type, "index") &&
		    !image_index_pick(doc, len, NULL, &inner, &is_index, err)) {
			image_desc_release(&d);
			d = inner;
			continue;
		}
		if (image_manifest_parse(doc, len, m, err)) {
			image_desc_release(&d);
			return NULL;
		}
		char *digest = steal_ptr(&d.digest);
		image_desc_release(&d);
		return digest;
	}
	image_desc_release(&d);
	err_set(err, 400, "BadManifest", "index nesting too deep");
	return NULL;
}

static int run_cmd(char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int rm_tree(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char *dirc = xstrdup(path), *slash = strrchr(dirc, '/');
	int ret = 0;
	if (slash) {
		*slash = '\0';
		_cleanup_close_ int pfd = open(*dirc ? dirc : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ret = pfd < 0 ? -errno : image_remove_under(pfd, slash + 1);
	}
	free(dirc);
	return ret;
}

static int unpack_all(const char *blobdir, const struct image_manifest *m, const char *cache, struct atoll_err *err)
{
	_cleanup_free_ char *tmp = xasprintf("%s/rootfs.tmp", cache);
	_cleanup_free_ char *final = xasprintf("%s/rootfs", cache);

	rm_tree(tmp);
	if (mkdir(tmp, 0755) < 0)
		return err_set(err, 500, "UnpackError", "%s: %s", tmp, strerror(errno));
	for (size_t i = 0; i < m->nlayers; i++) {
		_cleanup_free_ char *lp = image_blob_path(blobdir, m->layers[i].digest);
		if (image_digest_check_file(m->layers[i].digest, lp, m->layers[i].size, err) ||
		    image_unpack_layer(lp, tmp, err)) {
			rm_tree(tmp);
			return err_wrap(err, "layer %zu of %zu", i + 1, m->nlayers);
		}
	}
	rm_tree(final);
	if (rename(tmp, final) < 0)
		return err_set(err, 500, "UnpackError", "%s: %s", final, strerror(errno));
	return 0;
}

static int make_erofs(const char *cache, struct atoll_err *err)
{
	_cleanup_free_ char *out = xasprintf("%s/rootfs.erofs", cache);
	_cleanup_free_ char *tmp = xasprintf("%s/rootfs.erofs.tmp", cache);
	_cleanup_free_ char *src = xasprintf("%s/rootfs", cache);

	if (access(out, F_OK) == 0)
		return 0;
	char *argv[] = { "mkfs.erofs", "--quiet", tmp, src, NULL };
	if (run_cmd(argv) != 0)
		return err_set(err, 500, "ErofsFailed", "mkfs.erofs failed for %s", src);
	if (rename(tmp, out) < 0)
		return err_set(err, 500, "ErofsFailed", "%s: %s", out, strerror(errno));
	return 0;
}

static int mkdir_p(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

int image_prepare(const char *refstr, const char *data_dir, int want_erofs, struct image *img,
		  struct atoll_err *err)
{
	return image_prepare_auth(refstr, data_dir, want_erofs, NULL, img, err);
}

int image_prepare_auth(const char *refstr, const char *data_dir, int want_erofs, const struct image_auth *auth,
		       struct image *img, struct atoll_err *err)
{
	struct image_ref ref;
	struct image_manifest m = { 0 };
	_cleanup_free_ char *blobdir = NULL;
	_cleanup_free_ char *cfg = NULL;
	_cleanup_free_ char *cache = NULL;
	_cleanup_free_ char *ok = NULL;
	size_t len;
	int ret = -1;

	memset(img, 0, sizeof(*img));
	if (image_ref_parse(refstr, &ref, err))
		goto out;
	if (ref.is_layout) {
		blobdir = xstrdup(ref.path);
	} else {
		blobdir = xasprintf("%s/images/store", data_dir);
		if (mkdir_p(blobdir) < 0) {
			err_set(err, 500, "StoreError", "%s: %s", blobdir, strerror(errno));
			goto out;
		}
		_cleanup_free_ char *pulled = image_pull(&ref, blobdir, auth, err);
		if (!pulled)
			goto out;
		/* The store's index names each pulled manifest by its full reference. */
		free(ref.tag);
		ref.tag = xstrdup(pulled);
	}
	img->digest = layout_manifest(blobdir, ref.tag, &m, err);
	if (!img->digest)
		goto out;
	if (!(cfg = read_blob(blobdir, &m.config, &len, err)) || image_config_parse(cfg, len, &img->config, err))
		goto out;

	cache = xasprintf("%s/images/%.6s-%s", data_dir, img->digest, img->digest + 7);
	ok = xasprintf("%s/ok", cache);
	img->rootfs = xasprintf("%s/rootfs", cache);
	if (access(ok, F_OK) != 0) {
		_cleanup_free_ char *lockp = xasprintf("%s.lock", cache);
		if (mkdir_p(cache) < 0) {
			err_set(err, 500, "CacheError", "%s: %s", cache, strerror(errno));
			goto out;
		}
		_cleanup_close_ int lk = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (lk < 0 || flock(lk, LOCK_EX) < 0) {
			err_set(err, 500, "CacheError", "%s: %s", lockp, strerror(errno));
			goto out;
		}
		/* Someone else may have finished while we waited. */
		if (access(ok, F_OK) != 0) {
			if (unpack_all(blobdir, &m, cache, err))
				goto out;
			int fd = open(ok, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0) {
				err_set(err, 500, "CacheError", "%s: %s", ok, strerror(errno));
				goto out;
			}
			close(fd);
		}
	}
	if (want_erofs) {
		_cleanup_free_ char *lockp = xasprintf("%s.lock", cache);
		_cleanup_close_ int lk = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (lk < 0 || flock(lk, LOCK_EX) < 0 || make_erofs(cache, err))
			goto out;
		img->erofs = xasprintf("%s/rootfs.erofs", cache);
	}
	ret = 0;
out:
	if (ret) {
		image_release(img);
		err_wrap(err, "image %s", refstr);
	}
	image_manifest_release(&m);
	image_ref_release(&ref);
	return ret;
}
