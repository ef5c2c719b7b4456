/* SPDX-License-Identifier: Apache-2.0 */
/* Volume files: path checks, payloads, and the kubelet-style atomic writer (..data swap). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent/volumes.h"
#include "lib/xalloc.h"

bool vol_path_ok(const char *p, bool item, char *why, size_t n)
{
	if (!p || !*p) {
		snprintf(why, n, "path must not be empty");
		return false;
	}
	if (p[0] == '/') {
		snprintf(why, n, "path %s must be relative", p);
		return false;
	}
	if (item && !strncmp(p, "..", 2)) {
		snprintf(why, n, "path %s must not start with '..'", p);
		return false;
	}
	for (const char *s = p; *s;) {
		size_t len = strcspn(s, "/");
		if (len == 2 && !strncmp(s, "..", 2)) {
			snprintf(why, n, "path %s must not contain '..'", p);
			return false;
		}
		s += len;
		while (*s == '/')
			s++;
	}
	return true;
}

void vol_payload_add(struct vol_payload *p, const char *path, const void *data, size_t len, mode_t mode)
{
	struct vol_file *f = NULL;

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].path, path))
			f = &p->f[i];
	if (f) {
		free(f->data);
	} else {
		if (p->n == p->cap) {
			p->cap = p->cap ? 2 * p->cap : 8;
			p->f = xrealloc(p->f, p->cap * sizeof(*p->f));
		}
		f = &p->f[p->n++];
		f->path = xstrdup(path);
	}
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len);
	f->data[len] = '\0'; /* text reads as a string too */
	f->len = len;
	f->mode = mode & 07777;
}

void vol_payload_release(struct vol_payload *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->f[i].path);
		free(p->f[i].data);
	}
	free(p->f);
	memset(p, 0, sizeof(*p));
}

/* Remove a tree we wrote (no mounts inside): files, links, directories. */
static void rm_tree(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				rm_tree(fd, e->d_name);
		if (d)
			closedir(d);
		else
			close(fd);
		unlinkat(dfd, name, AT_REMOVEDIR);
		return;
	}
	unlinkat(dfd, name, 0);
}

/* mkdir -p of the directories leading to rel (inside dfd). */
static int make_parents(int dfd, const char *rel, gid_t gid)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", rel);
	for (char *s = strchr(buf, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dfd, buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (fchownat(dfd, buf, 0, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		*s = '/';
	}
	return 0;
}

static int write_file(int dfd, const struct vol_file *f, gid_t gid)
{
	int r = make_parents(dfd, f->path, gid);
	if (r < 0)
		return r;
	int fd = openat(dfd, f->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < f->len) {
		ssize_t w = write(fd, f->data + off, f->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = w < 0 ? -errno : -EIO;
			close(fd);
			return r;
		}
		off += (size_t)w;
	}
	/* The mode is set explicitly: the umask must not narrow defaultMode. */
	if (fchown(fd, 0, gid) < 0 || fchmod(fd, f->mode) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The first path component of rel into out. */
static void first_component(const char *rel, char *out, size_t n)
{
	size_t len = strcspn(rel, "/");
	if (len >= n)
		len = n - 1;
	memcpy(out, rel, len);
	out[len] = '\0';
}

static bool in_payload(const struct vol_payload *p, const char *top)
{
	char c[4096];

	for (size_t i = 0; i < p->n; i++) {
		first_component(p->f[i].path, c, sizeof(c));
		if (!strcmp(c, top))
			return true;
	}
	return false;
}

/* Regular files under the directory fd (taken), recursively. */
static size_t count_files(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	size_t n = 0;
	struct stat st;

	if (!d) {
		close(fd);
		return 0;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			n++;
		else if (S_ISDIR(st.st_mode))
			n += count_files(openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	}
	closedir(d);
	return n;
}

/* Whether the current generation (..data) already holds exactly p: then there is nothing to swap. */
static bool unchanged(int dfd, const struct vol_payload *p, gid_t gid)
{
	_cleanup_close_ int cur = openat(dfd, "..data", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned char buf[4096];
	struct stat st;

	if (cur < 0)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		const struct vol_file *f = &p->f[i];
		_cleanup_close_ int fd = openat(cur, f->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) != f->mode ||
		    st.st_gid != gid || (size_t)st.st_size != f->len)
			return false;
		for (size_t off = 0; off < f->len;) {
			size_t want = f->len - off < sizeof(buf) ? f->len - off : sizeof(buf);
			ssize_t r = read(fd, buf, want);
			if (r <= 0 || memcmp(buf, f->data + off, (size_t)r))
				return false;
			off += (size_t)r;
		}
	}
	return count_files(dup(cur)) == p->n;
}

int vol_atomic_write(const char *dir, const struct vol_payload *p, gid_t gid)
{
	char gen[320], old[256] = "", cur[256];
	struct timespec ts;
	struct tm tm;
	_cleanup_close_ int gfd = -1;
	int r = 0;

	if (gid == (gid_t)-1)
		gid = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fchown(dfd, 0, gid) < 0 || fchmod(dfd, gid ? 02755 : 0755) < 0)
		return -errno;
	for (size_t i = 0; i < p->n; i++) {
		char why[64];
		if (!vol_path_ok(p->f[i].path, true, why, sizeof(why)))
			return -EINVAL;
	}
	if (unchanged(dfd, p, gid))
		return 0;
	ssize_t k = readlinkat(dfd, "..data", old, sizeof(old) - 1);
	old[k > 0 ? k : 0] = '\0';
	/* A fresh generation directory named like the kubelet's: ..YYYY_MM_DD_HH_MM_SS.N */
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(cur, sizeof(cur), "..%Y_%m_%d_%H_%M_%S", &tm);
	for (unsigned i = 0;; i++) {
		snprintf(gen, sizeof(gen), "%s.%09ld%u", cur, ts.tv_nsec, i);
		if (mkdirat(dfd, gen, 0755) == 0)
			break;
		if (errno != EEXIST || i > 100)
			return -errno;
	}
	if (fchownat(dfd, gen, 0, gid, AT_SYMLINK_NOFOLLOW) < 0) {
		r = -errno;
		goto fail;
	}
	gfd = openat(dfd, gen, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (gfd < 0) {
		r = -errno;
		goto fail;
	}
	for (size_t i = 0; i < p->n; i++)
		if ((r = write_file(gfd, &p->f[i], gid)) < 0)
			goto fail;
	if (fsync(gfd) < 0) {
		r = -errno;
		goto fail;
	}
	/* The swap: readers see the old generation or the new one, never a mix. */
	unlinkat(dfd, "..data_tmp", 0);
	if (symlinkat(gen, dfd, "..data_tmp") < 0 || renameat(dfd, "..data_tmp", dfd, "..data") < 0) {
		r = -errno;
		goto fail;
	}
	for (size_t i = 0; i < p->n; i++) {
		char top[4096], target[4200];
		first_component(p->f[i].path, top, sizeof(top));
		snprintf(target, sizeof(target), "..data/%s", top);
		if (symlinkat(target, dfd, top) < 0 && errno != EEXIST)
			return -errno;
	}
	/* Stale top-level links (keys that went away) and the previous generation. */
	DIR *d = fdopendir(dup(dfd));
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || in_payload(p, e->d_name))
			continue;
		char t[4200];
		ssize_t m = readlinkat(dfd, e->d_name, t, sizeof(t) - 1);
		if (m > 0 && !strncmp(t, "..data/", 7))
			unlinkat(dfd, e->d_name, 0);
	}
	if (d)
		closedir(d);
	if (*old && strcmp(old, gen) && old[0] == '.' && old[1] == '.' && !strchr(old, '/'))
		rm_tree(dfd, old);
	return 0;
fail:
	rm_tree(dfd, gen);
	return r;
}
