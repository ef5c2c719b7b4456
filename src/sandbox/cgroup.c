/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sandbox cgroups with cpu, memory and pids limits. Pure cgroup v2 uses one
 * directory and CLONE_INTO_CGROUP; hybrid and v1 hosts (v1 controllers under
 * /sys/fs/cgroup/<ctrl>, a cgroup2 mount that carries only hugetlb) use one
 * directory per v1 controller and move the init there before it runs.
 * With a resource pool (a Kubernetes namespace), the sandbox's directories
 * sit under the pool's, atoll/ns-<namespace>/<sandbox>, which carries the
 * namespace's quota limits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
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

static int set(const char *dir, const char *file, const char *val, char *msg, size_t len)
{
	int r = write_file(dir, file, val);

	if (r < 0)
		snprintf(msg, len, "cgroup %s/%s = %s: %s", dir, file, val, strerror(-r));
	return r;
}

/* Which hierarchy a directory is made in: v2, or one v1 controller's. */
enum cg_kind { CG_V2, CG_MEMORY, CG_CPU, CG_CPUACCT, CG_PIDS };

#define V2_CONTROLLERS "+cpu +memory +pids"

/*
 * The pool's limits in one hierarchy. Lowering a v1 limit below what the
 * pool uses now (memory: EBUSY) or below a member's own CPU quota (EINVAL)
 * is refused by the kernel; the pool then keeps its old limit until it
 * empties, and the new sandbox still starts.
 */
static int pool_limits(const char *dir, enum cg_kind kind, const struct sb_opts *o, char *msg, size_t len)
{
	char v[64];
	int r = 0;

	switch (kind) {
	case CG_V2:
		write_file(dir, "cgroup.subtree_control", V2_CONTROLLERS);
		if (o->pool_memory > 0)
			snprintf(v, sizeof(v), "%lld", o->pool_memory);
		else
			snprintf(v, sizeof(v), "max");
		if ((r = set(dir, "memory.max", v, msg, len)) < 0)
			return r;
		if (o->pool_cpu_milli > 0)
			snprintf(v, sizeof(v), "%ld 100000", o->pool_cpu_milli * 100);
		else
			snprintf(v, sizeof(v), "max 100000");
		return set(dir, "cpu.max", v, msg, len);
	case CG_MEMORY:
		snprintf(v, sizeof(v), "%lld", o->pool_memory > 0 ? o->pool_memory : -1LL);
		r = set(dir, "memory.limit_in_bytes", v, msg, len);
		return r == -EBUSY ? 0 : r;
	case CG_CPU:
		snprintf(v, sizeof(v), "%ld", o->pool_cpu_milli > 0 ? o->pool_cpu_milli * 100 : -1L);
		r = set(dir, "cpu.cfs_quota_us", v, msg, len);
		return r == -EINVAL ? 0 : r;
	case CG_CPUACCT:
	case CG_PIDS:
		break;
	}
	return 0;
}

static int mkdir_fail(const char *p, char *msg, size_t len)
{
	int e = errno;

	snprintf(msg, len, "cgroup %s: %s", p, strerror(e));
	return -e;
}

/*
 * Make ROOT/atoll[/ns-POOL]/NAME, open its cgroup.procs and record it. With
 * a pool, the pool's directory is made first and its limits set.
 */
static int add_dir(struct sb_cgroup *cg, const char *root, enum cg_kind kind, const char *name,
		   const struct sb_opts *o, char *msg, size_t len)
{
	char base[512], pool[600], p[700];
	int r;

	snprintf(base, sizeof(base), "%s/atoll", root);
	if (mkdir(base, 0755) < 0 && errno != EEXIST)
		return mkdir_fail(base, msg, len);
	if (kind == CG_V2)
		write_file(base, "cgroup.subtree_control", V2_CONTROLLERS);
	if (!o->pool) {
		snprintf(p, sizeof(p), "%s/%s", base, name);
		if (mkdir(p, 0755) < 0)
			return mkdir_fail(p, msg, len);
	} else {
		snprintf(pool, sizeof(pool), "%s/ns-%s", base, o->pool);
		for (int tries = 0;; tries++) {
			if (mkdir(pool, 0755) < 0 && errno != EEXIST)
				return mkdir_fail(pool, msg, len);
			if ((r = pool_limits(pool, kind, o, msg, len)) < 0 && r != -ENOENT)
				return r;
			snprintf(p, sizeof(p), "%s/%s", pool, name);
			if (mkdir(p, 0755) == 0)
				break;
			/* The pool's last sandbox removed it between our two mkdirs: again. */
			if (errno != ENOENT || tries == 3)
				return mkdir_fail(p, msg, len);
		}
		cg->pool_dirs[cg->npool++] = xstrdup(pool);
	}
	cg->dirs[cg->n] = xstrdup(p);
	snprintf(p, sizeof(p), "%s/cgroup.procs", cg->dirs[cg->n]);
	cg->procs_fd[cg->n++] = open(p, O_WRONLY | O_CLOEXEC);
	return 0;
}

static int create_v2(struct sb_cgroup *cg, const char *name, const struct sb_opts *o, char *msg, size_t len)
{
	char v[64];
	int r;

	/* Controllers must be enabled from the root down to our parent. */
	write_file(CG_ROOT, "cgroup.subtree_control", V2_CONTROLLERS);
	if ((r = add_dir(cg, CG_ROOT, CG_V2, name, o, msg, len)) < 0)
		return r;
	const char *d = cg->dirs[0];
	cg->mem = cg->cpu = cg->dirs[0];
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

/* v1: 1 when cpuacct is a hierarchy of its own, 0 when it shares cpu's, -1 when absent. */
static int cpuacct_apart(void)
{
	char a[PATH_MAX], c[PATH_MAX];

	if (!realpath(CG_ROOT "/cpuacct", a))
		return -1;
	if (!realpath(CG_ROOT "/cpu", c))
		return 1;
	return strcmp(a, c) != 0;
}

/*
 * v1: one directory per controller that has a limit; with a pool, memory
 * and cpu always, so the pool's limits cover the sandbox.
 */
static int create_v1(struct sb_cgroup *cg, const char *name, const struct sb_opts *o, char *msg, size_t len)
{
	char v[64];
	int r;

	if (o->memory > 0 || o->pool || o->delegate) {
		if ((r = add_dir(cg, CG_ROOT "/memory", CG_MEMORY, name, o, msg, len)) < 0)
			return r;
		cg->mem = cg->dirs[cg->n - 1];
		if (o->memory > 0) {
			snprintf(v, sizeof(v), "%lld", o->memory);
			if ((r = set(cg->mem, "memory.limit_in_bytes", v, msg, len)) < 0)
				return r;
		}
		write_file(cg->mem, "memory.swappiness", "0");
	}
	if (o->cpu_milli > 0 || o->pool || o->delegate) {
		if ((r = add_dir(cg, CG_ROOT "/cpu", CG_CPU, name, o, msg, len)) < 0)
			return r;
		cg->cpu = cg->dirs[cg->n - 1];
		if (cpuacct_apart() == 0)
			cg->cpuacct = cg->cpu; /* cpu and cpuacct share a hierarchy */
		/* v1 refuses a child quota above its parent's: the pool's bounds it anyway. */
		long q = o->cpu_milli;
		if (o->pool && o->pool_cpu_milli > 0 && q > o->pool_cpu_milli)
			q = o->pool_cpu_milli;
		if (q > 0) {
			snprintf(v, sizeof(v), "%ld", q * 100);
			if ((r = set(cg->dirs[cg->n - 1], "cpu.cfs_quota_us", v, msg, len)) < 0)
				return r;
		}
	}
	/* Usage for metrics: cpuacct on its own hierarchy (as on these hosts) is one more directory. */
	if (o->delegate && cpuacct_apart() == 1) {
		if ((r = add_dir(cg, CG_ROOT "/cpuacct", CG_CPUACCT, name, o, msg, len)) < 0)
			return r;
		cg->cpuacct = cg->dirs[cg->n - 1];
	}
	if (o->pids > 0) {
		if ((r = add_dir(cg, CG_ROOT "/pids", CG_PIDS, name, o, msg, len)) < 0)
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
	if (o->pool && !sb_pool_name_ok(o->pool)) {
		snprintf(msg, len, "resource pool '%s': not a namespace name", o->pool);
		return -EINVAL;
	}
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

long sb_cgroup_ctr_oom_kills(const struct sb_cgroup *cg, const char *ctr)
{
	char p[700];
	struct stat st;

	if (!cg->mem || !ctr || strchr(ctr, '/') || ctr[0] == '.')
		return sb_cgroup_oom_kills(cg);
	snprintf(p, sizeof(p), "%s/%s", cg->mem, ctr);
	if (stat(p, &st) < 0)
		return sb_cgroup_oom_kills(cg);
	struct sb_cgroup one = { .v2 = cg->v2, .mem = p };
	return sb_cgroup_oom_kills(&one);
}

int sb_cgroup_delegate(struct sb_cgroup *cg, unsigned uid, char *msg, size_t len)
{
	/* v2 delegation also hands over the files that move processes and enable controllers. */
	static const char *const v2files[] = { "cgroup.procs", "cgroup.threads", "cgroup.subtree_control" };
	char p[700];

	for (int i = 0; i < cg->n; i++) {
		if (chown(cg->dirs[i], uid, uid) < 0) {
			snprintf(msg, len, "cgroup %s: chown: %s", cg->dirs[i], strerror(errno));
			return -errno;
		}
		for (size_t f = 0; cg->v2 && f < sizeof(v2files) / sizeof(v2files[0]); f++) {
			snprintf(p, sizeof(p), "%s/%s", cg->dirs[i], v2files[f]);
			if (chown(p, uid, uid) < 0 && errno != ENOENT) {
				snprintf(msg, len, "cgroup %s: chown: %s", p, strerror(errno));
				return -errno;
			}
		}
	}
	cg->delegated = cg->n > 0;
	return 0;
}

/* rmdir, waiting briefly for the last tasks of a dying PID namespace to leave. */
static void rmdir_wait(const char *dir)
{
	for (int tries = 0; tries < 200 && rmdir(dir) < 0 && errno == EBUSY; tries++)
		usleep(1000);
}

void sb_cgroup_remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];

	/* Pod init's container cgroups are one level down (on v2 also its own "_init"). */
	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		rmdir_wait(p);
	}
	if (d)
		closedir(d);
	rmdir_wait(dir);
}

static void release(struct sb_cgroup *cg, int remove)
{
	for (int i = 0; i < cg->n; i++) {
		if (cg->procs_fd[i] >= 0)
			close(cg->procs_fd[i]);
		cg->procs_fd[i] = -1;
		if (remove)
			sb_cgroup_remove_tree(cg->dirs[i]);
		free(cg->dirs[i]);
		cg->dirs[i] = NULL;
	}
	/* A pool goes with its last sandbox; while others live in it, rmdir fails (EBUSY). */
	for (int i = 0; i < cg->npool; i++) {
		if (remove)
			rmdir(cg->pool_dirs[i]);
		free(cg->pool_dirs[i]);
		cg->pool_dirs[i] = NULL;
	}
	cg->n = 0;
	cg->npool = 0;
	cg->mem = cg->cpu = cg->cpuacct = NULL;
	cg->delegated = 0;
	if (cg->v2fd >= 0)
		close(cg->v2fd);
	cg->v2fd = -1;
}

void sb_cgroup_destroy(struct sb_cgroup *cg)
{
	release(cg, 1);
}

void sb_cgroup_forget(struct sb_cgroup *cg)
{
	release(cg, 0);
}
