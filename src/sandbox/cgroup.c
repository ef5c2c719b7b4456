/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sandbox cgroups with cpu, memory and pids limits. Pure cgroup v2 uses one
 * directory and CLONE_INTO_CGROUP; hybrid and v1 hosts (v1 controllers under
 * /sys/fs/cgroup/<ctrl>, a cgroup2 mount that carries only hugetlb) use one
 * directory per v1 controller and move the init there before it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "sandbox/sandbox.h"

#define CG_ROOT "/sys/fs/cgroup"

static int write_file(const char *dir, const char *file, const char *val)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, val, strlen(val));
	int e = n < 0 ? -errno : 0;
	close(fd);
	return e;
}

static int add_dir(struct sb_cgroup *cg, const char *parent, const char *name, char *msg, size_t len)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/atoll", parent);
	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		snprintf(msg, len, "cgroup %s: %s", p, strerror(errno));
		return -errno;
	}
	snprintf(p, sizeof(p), "%s/atoll/%s", parent, name);
	if (mkdir(p, 0755) < 0) {
		snprintf(msg, len, "cgroup %s: %s", p, strerror(errno));
		return -errno;
	}
	cg->dirs[cg->n] = xstrdup(p);
	snprintf(p, sizeof(p), "%s/atoll/%s/cgroup.procs", parent, name);
	cg->procs_fd[cg->n++] = open(p, O_WRONLY | O_CLOEXEC);
	return 0;
}

static int set(const char *dir, const char *file, const char *val, char *msg, size_t len)
{
	int r = write_file(dir, file, val);

	if (r < 0)
		snprintf(msg, len, "cgroup %s/%s = %s: %s", dir, file, val, strerror(-r));
	return r;
}

static int create_v2(struct sb_cgroup *cg, const char *name, const struct sb_opts *o, char *msg, size_t len)
{
	char v[64];
	int r;

	/* Controllers must be enabled from the root down to our parent. */
	write_file(CG_ROOT, "cgroup.subtree_control", "+cpu +memory +pids");
	if ((r = add_dir(cg, CG_ROOT, name, msg, len)) < 0)
		return r;
	write_file(CG_ROOT "/atoll", "cgroup.subtree_control", "+cpu +memory +pids");
	const char *d = cg->dirs[0];
	cg->mem = cg->dirs[0];
	/* CLONE_INTO_CGROUP places the child; nothing to write later. */
	close(cg->procs_fd[0]);
	cg->procs_fd[0] = -1;
	if (o->memory > 0) {
		snprintf(v, sizeof(v), "%lld", o->memory);
		if ((r = set(d, "memory.max", v, msg, len)) < 0)
			return r;
		write_file(d, "memory.swap.max", "0");
	}
	if (o->cpu_milli > 0) {
		snprintf(v, sizeof(v), "%ld 100000", o->cpu_milli * 100);
		if ((r = set(d, "cpu.max", v, msg, len)) < 0)
			return r;
	}
	if (o->pids > 0) {
		snprintf(v, sizeof(v), "%ld", o->pids);
		if ((r = set(d, "pids.max", v, msg, len)) < 0)
			return r;
	}
	cg->v2fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return cg->v2fd < 0 ? -errno : 0;
}

static int create_v1(struct sb_cgroup *cg, const char *name, const struct sb_opts *o, char *msg, size_t len)
{
	char v[64];
	int r;

	if (o->memory > 0) {
		if ((r = add_dir(cg, CG_ROOT "/memory", name, msg, len)) < 0)
			return r;
		cg->mem = cg->dirs[cg->n - 1];
		snprintf(v, sizeof(v), "%lld", o->memory);
		if ((r = set(cg->mem, "memory.limit_in_bytes", v, msg, len)) < 0)
			return r;
		write_file(cg->mem, "memory.swappiness", "0");
	}
	if (o->cpu_milli > 0) {
		if ((r = add_dir(cg, CG_ROOT "/cpu", name, msg, len)) < 0)
			return r;
		snprintf(v, sizeof(v), "%ld", o->cpu_milli * 100);
		if ((r = set(cg->dirs[cg->n - 1], "cpu.cfs_quota_us", v, msg, len)) < 0)
			return r;
	}
	if (o->pids > 0) {
		if ((r = add_dir(cg, CG_ROOT "/pids", name, msg, len)) < 0)
			return r;
		snprintf(v, sizeof(v), "%ld", o->pids);
		if ((r = set(cg->dirs[cg->n - 1], "pids.max", v, msg, len)) < 0)
			return r;
	}
	return 0;
}

int sb_cgroup_create(struct sb_cgroup *cg, const char *name, const struct sb_opts *o, char *msg, size_t len)
{
	struct statfs sf;

	memset(cg, 0, sizeof(*cg));
	cg->v2fd = -1;
	if (statfs(CG_ROOT, &sf) < 0) {
		snprintf(msg, len, "%s: %s", CG_ROOT, strerror(errno));
		return -errno;
	}
	cg->v2 = sf.f_type == CGROUP2_SUPER_MAGIC;
	int r = cg->v2 ? create_v2(cg, name, o, msg, len) : create_v1(cg, name, o, msg, len);
	if (r < 0)
		sb_cgroup_destroy(cg);
	return r;
}

long sb_cgroup_oom_kills(const struct sb_cgroup *cg)
{
	char p[512], line[128];
	long n = -1, v;

	if (!cg->mem)
		return -1;
	snprintf(p, sizeof(p), "%s/%s", cg->mem, cg->v2 ? "memory.events" : "memory.oom_control");
	FILE *f = fopen(p, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "oom_kill %ld", &v) == 1)
			n = v;
	fclose(f);
	return n;
}

void sb_cgroup_destroy(struct sb_cgroup *cg)
{
	for (int i = 0; i < cg->n; i++) {
		if (cg->procs_fd[i] >= 0)
			close(cg->procs_fd[i]);
		cg->procs_fd[i] = -1;
		/* The last tasks of a dying PID namespace may take a moment to leave. */
		for (int tries = 0; tries < 200 && rmdir(cg->dirs[i]) < 0 && errno == EBUSY; tries++)
			usleep(1000);
		free(cg->dirs[i]);
		cg->dirs[i] = NULL;
	}
	cg->n = 0;
	cg->mem = NULL;
	if (cg->v2fd >= 0)
		close(cg->v2fd);
	cg->v2fd = -1;
}
