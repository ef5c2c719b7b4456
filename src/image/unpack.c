/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer unpacking with libarchive. Two passes over each layer: the first
 * applies whiteouts (.wh.NAME removes NAME, .wh..wh..opq empties the
 * directory) to what the lower layers left, the second extracts. Names are
 * checked before libarchive sees them, and device nodes are never created.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/dl.h"
#include "image/image.h"
#include "lib/xalloc.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

int image_path_safe(const char *name)
{
	if (!name || !*name || name[0] == '/')
		return -1;
	for (const char *p = name; *p;) {
		const char *e = strchrnul(p, '/');
		if (e - p == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		p = *e ? e + 1 : e;
	}
	return 0;
}

/* Empty the directory dfd (takes dfd). */
static int remove_children(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			ret = -errno;
			continue;
		}
		int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || remove_children(sub) < 0 || unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
			ret = -EIO;
	}
	closedir(d);
	return ret;
}

/* Walk relpath's directories below rootfd without following symlinks; returns the parent fd. */
static int open_parent(int rootfd, const char *relpath, const char **last)
{
	_cleanup_free_ char *copy = xstrdup(relpath);
	int fd = dup(rootfd);
	char *p = copy, *slash;

	while ((slash = strchr(p, '/'))) {
		*slash = '\0';
		if (*p && strcmp(p, ".")) {
			int nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			close(fd);
			if (nfd < 0)
				return -errno;
			fd = nfd;
		}
		p = slash + 1;
	}
	*last = relpath + (p - copy);
	return fd;
}

int image_remove_under(int rootfd, const char *relpath)
{
	const char *last;

	if (image_path_safe(relpath))
		return -EINVAL;
	_cleanup_close_ int pfd = open_parent(rootfd, relpath, &last);
	if (pfd < 0)
		return pfd == -ENOENT ? 0 : pfd;
	if (!*last || !strcmp(last, "."))
		return -EINVAL;
	if (unlinkat(pfd, last, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	int dfd = openat(pfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	int r = remove_children(dfd);
	if (r)
		return r;
	return unlinkat(pfd, last, AT_REMOVEDIR) ? -errno : 0;
}

static struct archive *open_layer(const char *path, struct atoll_err *err)
{
	struct archive *a = archive_read_new();

	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err_set(err, 400, "BadLayer", "layer %s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Strip "./" prefixes and trailing slashes; returns owned. */
static char *clean_name(const char *n)
{
	while (n[0] == '.' && n[1] == '/')
		n += 2;
	while (n[0] == '/')
		n++;
	char *c = xstrdup(n);
	size_t l = strlen(c);
	while (l > 0 && c[l - 1] == '/')
		c[--l] = '\0';
	return c;
}

static int apply_whiteouts(const char *path, int rootfd, struct atoll_err *err)
{
	struct archive *a = open_layer(path, err);
	struct archive_entry *e;
	int r, ret = 0;

	if (!a)
		return -1;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		_cleanup_free_ char *name = clean_name(archive_entry_pathname(e));
		const char *b = base_name(name);

		if (strncmp(b, WH_PREFIX, strlen(WH_PREFIX)))
			continue;
		if (image_path_safe(name)) {
			ret = err_set(err, 400, "BadLayer", "layer entry '%s' escapes the root", name);
			break;
		}
		_cleanup_free_ char *dir = xstrndup(name, (size_t)(b - name));
		if (!strcmp(b, WH_OPAQUE)) {
			const char *last;
			_cleanup_free_ char *probe = xasprintf("%s.", dir);
			int pfd = open_parent(rootfd, probe, &last);
			if (pfd >= 0)
				remove_children(pfd);
			continue;
		}
		_cleanup_free_ char *victim = xasprintf("%s%s", dir, b + strlen(WH_PREFIX));
		int rr = image_remove_under(rootfd, victim);
		if (rr < 0) {
			ret = err_set(err, 500, "UnpackError", "whiteout %s: %s", victim, strerror(-rr));
			break;
		}
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = err_set(err, 400, "BadLayer", "layer %s is damaged: %s", path, archive_error_string(a));
	archive_read_free(a);
	return ret;
}

static int extract(const char *path, const char *dir, struct atoll_err *err)
{
	struct archive *a = open_layer(path, err);
	struct archive *w;
	struct archive_entry *e;
	int r, ret = 0;

	if (!a)
		return -1;
	w = archive_write_disk_new();
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
					   ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					   ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
					   ARCHIVE_EXTRACT_UNLINK);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		_cleanup_free_ char *name = clean_name(archive_entry_pathname(e));
		const char *b = base_name(name);
		const char *hl = archive_entry_hardlink(e);
		mode_t type = archive_entry_filetype(e);

		if (!*name || !strncmp(b, WH_PREFIX, strlen(WH_PREFIX)))
			continue;
		if (image_path_safe(name) || (hl && image_path_safe(hl))) {
			ret = err_set(err, 400, "BadLayer", "layer entry '%s' escapes the root", name);
			break;
		}
		/* Device nodes would be usable from inside a sandbox; images never need them. */
		if (type == AE_IFCHR || type == AE_IFBLK)
			continue;
		archive_entry_set_pathname(e, name);
		if (hl) {
			_cleanup_free_ char *hc = clean_name(hl);
			archive_entry_set_hardlink(e, hc);
		}
		if (archive_write_header(w, e) < ARCHIVE_WARN) {
			ret = err_set(err, 400, "UnpackError", "layer entry '%s': %s", name, archive_error_string(w));
			break;
		}
		const void *buf;
		size_t len;
		la_int64_t off;
		while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			if (archive_write_data_block(w, buf, len, off) < ARCHIVE_OK)
				break;
		if (r < ARCHIVE_WARN) {
			ret = err_set(err, 400, "BadLayer", "layer %s is damaged: %s", path, archive_error_string(a));
			break;
		}
		archive_write_finish_entry(w);
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = err_set(err, 400, "BadLayer", "layer %s is damaged: %s", path, archive_error_string(a));
	archive_write_close(w);
	archive_write_free(w);
	archive_read_free(a);
	return ret;
}

int image_unpack_layer(const char *layer_path, const char *dir, struct atoll_err *err)
{
	_cleanup_close_ int rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return err_set(err, 500, "UnpackError", "%s: %s", dir, strerror(errno));
	if (image_dl_archive(err))
		return -1;
	_cleanup_free_ char *abs = realpath(layer_path, NULL);
	if (!abs)
		return err_set(err, 404, "BlobMissing", "layer %s: %s", layer_path, strerror(errno));
	if (apply_whiteouts(abs, rootfd, err))
		return -1;
	/* libarchive's symlink and ".." guards work on names relative to the cwd. */
	_cleanup_close_ int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || fchdir(rootfd) < 0)
		return err_set(err, 500, "UnpackError", "%s: %s", dir, strerror(errno));
	int ret = extract(abs, dir, err);
	if (fchdir(cwd) < 0)
		return err_set(err, 500, "UnpackError", "cannot return to the working directory");
	return ret;
}
