/* SPDX-License-Identifier: Apache-2.0 */
/* The node's runtime directory: a link into /run made once, made again after a reboot, or a plain directory. */
#include <limits.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "agent/rundir.h"
#include "lib/xalloc.h"
#include "t.h"

static int run_is_tmpfs(void)
{
	struct statfs fs;

	return statfs("/run", &fs) == 0 && fs.f_type == TMPFS_MAGIC && access("/run", W_OK) == 0;
}

int main(void)
{
	char tmpl[] = "/tmp/atoll-rundir-XXXXXX", target[PATH_MAX];
	char *tmp = mkdtemp(tmpl);
	struct atoll_err err = ERR_INIT;
	struct stat st;

	CHECK(tmp != NULL);
	_cleanup_free_ char *data = xasprintf("%s/data", tmp); /* made by agent_run_dir */
	_cleanup_free_ char *link = xasprintf("%s/run", data);
	char *run = agent_run_dir(data, &err);
	CHECK(run && stat(run, &st) == 0 && S_ISDIR(st.st_mode));
	if (run_is_tmpfs()) {
		/* A link to a fresh directory under /run/atoll, the same at the next start. */
		ssize_t k = readlink(link, target, sizeof(target) - 1);
		CHECK(k > 0);
		target[k > 0 ? k : 0] = '\0';
		CHECK(!strncmp(target, "/run/atoll/", 11) && run && !strcmp(run, target));
		char *again = agent_run_dir(data, &err);
		CHECK(again && run && !strcmp(again, run));
		free(again);
		/* After a reboot (/run emptied) the same name comes back. */
		CHECK(rmdir(target) == 0);
		again = agent_run_dir(data, &err);
		CHECK(again && !strcmp(again, target) && stat(target, &st) == 0);
		free(again);
	}
	/* Removing it takes what is inside and the link. */
	_cleanup_free_ char *inside = xasprintf("%s/pods", run ? run : tmp);
	CHECK(mkdir(inside, 0700) == 0);
	agent_run_dir_remove(data);
	CHECK(lstat(link, &st) < 0 && (!run || access(run, F_OK) < 0));
	free(run);

	/* A directory already there (made by hand, or where /run is not a tmpfs) is used as it is. */
	CHECK(mkdir(link, 0700) == 0);
	run = agent_run_dir(data, &err);
	char real[PATH_MAX];
	CHECK(run && realpath(link, real) && !strcmp(run, real));
	free(run);
	agent_run_dir_remove(data);
	rmdir(data);
	CHECK(rmdir(tmp) == 0);
	return T_DONE();
}
