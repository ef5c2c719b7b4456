/* SPDX-License-Identifier: Apache-2.0 */
/* The node's runtime directory: what lives only as long as its pods, kept in memory (tmpfs). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "agent/rundir.h"
#include "lib/rmtree.h"
#include "lib/xalloc.h"

#define RUN_BASE "/run/atoll"

/* mkdir -p for the few levels below /run, each 0711 (the shims' sandboxes look through them). */
static int mkdirs(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0711) < 0 && errno != EEXIST)
			return -1;
		if (!s)
			return 0;
		*s = '/';
	}
}

/* A fresh directory under /run for this data dir (returns owned), or NULL when /run is not a tmpfs. */
static char *new_target(void)
{
	struct statfs fs;
	unsigned char r[8];

	if (statfs("/run", &fs) < 0 || fs.f_type != TMPFS_MAGIC || access("/run", W_OK) < 0)
		return NULL;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return NULL;
	return xasprintf(RUN_BASE "/%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
			 r[6], r[7]);
}

char *agent_run_dir(const char *data_dir, struct atoll_err *err)
{
	_cleanup_free_ char *link = xasprintf("%s/run", data_dir);
	char target[PATH_MAX], real[PATH_MAX];
	struct stat st;

	if (mkdir(data_dir, 0700) < 0 && errno != EEXIST)
		return err_set(err, 500, "InternalError", "%s: %s", data_dir, strerror(errno)), NULL;
	if (lstat(link, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* After a reboot /run is empty again: the same name, made anew. */
		ssize_t k = readlink(link, target, sizeof(target) - 1);
		if (k > 0) {
			target[k] = '\0';
			if (target[0] == '/')
				mkdirs(target);
		}
	} else if (lstat(link, &st) < 0) {
		_cleanup_free_ char *t = new_target();
		/* Without a tmpfs /run the directory is on disk: slower to fill, the same otherwise. */
		if (!t || mkdirs(t) < 0 || symlink(t, link) < 0)
			mkdir(link, 0711);
	}
	if (!realpath(link, real) || stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(err, 500, "InternalError", "runtime directory %s: %s", link, strerror(errno)), NULL;
	return xstrdup(real);
}


void agent_run_dir_remove(const char *data_dir)
{
	_cleanup_free_ char *link = xasprintf("%s/run", data_dir);
	char real[PATH_MAX];

	if (!realpath(link, real))
		return;
	/* A mount still there (a shim that did not stop) keeps what is below it. */
	rmtree(real);
	if (access(real, F_OK) < 0)
		unlink(link);
}
