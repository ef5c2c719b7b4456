/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-container cgroups, made by pod init below the pod's. The host hands
 * the pod's cgroup directories to the pod's root (chown: delegation) before
 * pod init starts in its own cgroup namespace, so pod init can mount those
 * hierarchies (the namespace's root is the pod's cgroup), make a directory
 * per container there, set the container's limits in it and have each
 * process of the container join it before it execs. The pod's own limits
 * stay root-owned on the host: the pod can divide them, not raise them.
 * The host says so with --cgroups; without it (`atoll run`), or when a
 * mkdir fails, containers simply share the pod's cgroup.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "podinit/init.h"

#define CG_BASE "/run/atoll/cg"

enum { H_MEMORY = 1, H_CPU = 2, H_CPUACCT = 4 };

struct hier {
	char mnt[64];
	char ctrls[64]; /* v1 mount options: "memory", "cpu,cpuacct", ... */
	int has; /* H_* */
};

static struct hier hiers[PI_CG_MAX];
static int nhiers, v2;

static int wr(const char *dir, const char *file, const char *val)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int flags_of(const char *ctrls)
{
	char b[128], *save = NULL;
	int f = 0;

	snprintf(b, sizeof(b), "%s", ctrls);
	for (char *t = strtok_r(b, ",", &save); t; t = strtok_r(NULL, ",", &save))
		f |= !strcmp(t, "memory") ? H_MEMORY : !strcmp(t, "cpu") ? H_CPU : !strcmp(t, "cpuacct") ? H_CPUACCT : 0;
	return f;
}

void pi_cgroup_init(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[512];
	int only_v2 = 1;

	if (!f)
		return;
	mkdir(CG_BASE, 0700);
	while (fgets(line, sizeof(line), f) && nhiers < PI_CG_MAX) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		if (*ctrls)
			only_v2 = 0;
		int has = flags_of(ctrls);
		/* Only hierarchies where we sit at the namespace's root: those are the pod's. */
		if (!has || strncmp(path, "/\n", 2))
			continue;
		struct hier *h = &hiers[nhiers];
		snprintf(h->mnt, sizeof(h->mnt), CG_BASE "/%d", nhiers);
		mkdir(h->mnt, 0700);
		if (mount("cgroup", h->mnt, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, ctrls) < 0) {
			rmdir(h->mnt);
			continue;
		}
		/* Not handed to us (the host's root owns it, seen as the overflow ID): no use. */
		struct stat st;
		if (stat(h->mnt, &st) < 0 || st.st_uid != getuid()) {
			umount2(h->mnt, MNT_DETACH);
			rmdir(h->mnt);
			continue;
		}
		h->has = has;
		snprintf(h->ctrls, sizeof(h->ctrls), "%s", ctrls);
		nhiers++;
	}
	fclose(f);
	if (!only_v2 || nhiers)
		return;
	/*
	 * Pure v2: processes may not sit in a cgroup that hands controllers to
	 * its children, so pod init moves itself to "_init" first
	 * (no container name has an underscore: they are DNS labels).
	 */
	struct hier *h = &hiers[0];
	snprintf(h->mnt, sizeof(h->mnt), CG_BASE "/0");
	mkdir(h->mnt, 0700);
	if (mount("cgroup2", h->mnt, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return;
	char init[128];
	snprintf(init, sizeof(init), "%s/_init", h->mnt);
	if ((mkdir(init, 0755) < 0 && errno != EEXIST) || wr(init, "cgroup.procs", "0") < 0 ||
	    wr(h->mnt, "cgroup.subtree_control", "+memory +cpu") < 0) {
		umount2(h->mnt, MNT_DETACH);
		return;
	}
	h->has = H_MEMORY | H_CPU | H_CPUACCT;
	v2 = 1;
	nhiers = 1;
}

static long long res_num(const json_t *res, const char *key)
{
	const json_t *v = json_object_get(res, key);
	return json_is_integer(v) && json_integer_value(v) > 0 ? (long long)json_integer_value(v) : 0;
}

/* Limits from res {"memory": bytes, "cpu_milli", "cpu_shares"}; absent ones are lifted (a reused directory). */
static int limits(const char *d, int has, const json_t *res, char *msg, size_t len)
{
	long long mem = res_num(res, "memory"), cpu = res_num(res, "cpu_milli"), shares = res_num(res, "cpu_shares");
	char v[64];
	int r;

	if (has & H_MEMORY) {
		snprintf(v, sizeof(v), mem ? "%lld" : (v2 ? "max" : "-1"), mem);
		if ((r = wr(d, v2 ? "memory.max" : "memory.limit_in_bytes", v)) < 0) {
			snprintf(msg, len, "container memory limit %s: %s", v, strerror(-r));
			return r;
		}
		if (mem)
			wr(d, v2 ? "memory.swap.max" : "memory.swappiness", "0");
	}
	if (has & H_CPU) {
		if (v2) {
			snprintf(v, sizeof(v), cpu ? "%lld 100000" : "max 100000", cpu * 100);
			r = wr(d, "cpu.max", v);
		} else {
			wr(d, "cpu.cfs_period_us", "100000");
			snprintf(v, sizeof(v), "%lld", cpu ? cpu * 100 : -1);
			r = wr(d, "cpu.cfs_quota_us", v);
		}
		/* v1 refuses a quota above the pod's (a namespace pool may have clamped it): the pod's binds anyway. */
		if (r < 0 && r != -EINVAL) {
			snprintf(msg, len, "container cpu limit %s: %s", v, strerror(-r));
			return r;
		}
		if (!shares)
			return 0; /* the kernel's default weight */
		if (shares < 2)
			shares = 2;
		if (v2) /* Kubernetes' conversion of shares [2, 262144] to weight [1, 10000] */
			snprintf(v, sizeof(v), "%lld", 1 + ((shares - 2) * 9999) / 262142);
		else
			snprintf(v, sizeof(v), "%lld", shares);
		wr(d, v2 ? "cpu.weight" : "cpu.shares", v);
	}
	return 0;
}

int pi_cgroup_create(struct pi_ctr *c, char *msg, size_t len)
{
	const json_t *res = json_object_get(c->spec, "resources");
	char d[600];

	c->ncg = 0;
	for (int i = 0; i < nhiers; i++) {
		snprintf(d, sizeof(d), "%s/%s", hiers[i].mnt, c->id);
		/*
		 * A previous instance's directory (its last processes were still dying
		 * at its removal) goes now if it can: a fresh one charges nothing, so
		 * lowering its limit cannot fail with EBUSY.
		 */
		rmdir(d);
		if (mkdir(d, 0755) < 0 && errno != EEXIST)
			continue; /* not delegated to us: the container shares the pod's cgroup */
		int r = limits(d, hiers[i].has, res, msg, len);
		if (r < 0) {
			pi_cgroup_release(c);
			return r;
		}
		char p[640];
		snprintf(p, sizeof(p), "%s/cgroup.procs", d);
		int fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			c->cgfd[c->ncg++] = fd;
	}
	return 0;
}

void pi_cgroup_join(const struct pi_ctr *c)
{
	/* Before exec and before changing user: cgroup.procs wants the opener's (our) IDs. */
	for (int i = 0; i < c->ncg; i++)
		if (write(c->cgfd[i], "0", 1) != 1)
			_exit(126);
}

static int bind_ro(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return -errno;
	return mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ? -errno : 0;
}

void pi_cgroup_expose(const struct pi_ctr *c, const char *root)
{
	char top[4200], src[600], dst[4300];
	struct stat st;

	if (!c->ncg)
		return;
	snprintf(top, sizeof(top), "%s/sys/fs/cgroup", root);
	if (v2) {
		snprintf(src, sizeof(src), "%s/%s", hiers[0].mnt, c->id);
		bind_ro(src, top);
		return;
	}
	if (mount("cgroup", top, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=16k") < 0)
		return;
	for (int i = 0; i < nhiers; i++) {
		snprintf(src, sizeof(src), "%s/%s", hiers[i].mnt, c->id);
		snprintf(dst, sizeof(dst), "%s/%s", top, hiers[i].ctrls);
		if (stat(src, &st) == 0 && mkdir(dst, 0555) == 0)
			bind_ro(src, dst);
	}
	mount(NULL, top, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=16k");
}

void pi_cgroup_release(struct pi_ctr *c)
{
	char d[600];

	for (int i = 0; i < c->ncg; i++)
		close(c->cgfd[i]);
	c->ncg = 0;
	/* Fails while the container's last processes die: a new instance reuses the directory. */
	for (int i = 0; i < nhiers; i++) {
		snprintf(d, sizeof(d), "%s/%s", hiers[i].mnt, c->id);
		rmdir(d);
	}
}
