/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Creating a namespace sandbox. One clone3() makes the pod init process in
 * new user, PID, mount, network, UTS and IPC namespaces (and, on cgroup v2,
 * directly in its cgroup). While it waits, the host writes its ID maps, puts
 * it into the v1 cgroups and, from inside its mount namespace, builds its
 * root: a tmpfs holding the image and the volumes as idmapped mounts and the
 * basic device nodes. The child then enters a cgroup namespace, mounts /proc
 * and /sys, pivots into that root and execs pod init, with no helper process.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "sandbox/sandbox.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct sb_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

static int errf(char *msg, size_t len, int e, const char *fmt, const char *arg)
{
	char what[8192];

	snprintf(what, sizeof(what), fmt, arg);
	snprintf(msg, len, "%s: %s", what, strerror(e));
	return -e;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int e = n < 0 ? -errno : 0;
	close(fd);
	return e;
}

static int write_maps(pid_t pid, unsigned base, char *msg, size_t len)
{
	char p[64], m[64];

	snprintf(m, sizeof(m), "0 %u %u\n", base, SB_IDS_PER_SANDBOX);
	snprintf(p, sizeof(p), "/proc/%d/uid_map", pid);
	if (write_str(p, m) < 0)
		return errf(msg, len, errno, "%s", p);
	snprintf(p, sizeof(p), "/proc/%d/gid_map", pid);
	if (write_str(p, m) < 0)
		return errf(msg, len, errno, "%s", p);
	return 0;
}

/* An idmapped clone of host path src attached at dst (both in the current mount namespace). */
static int idmapped_bind(const char *src, const char *dst, int userns, int ro, char *msg, size_t len)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NODEV | (ro ? MOUNT_ATTR_RDONLY : 0),
				   .userns_fd = (uint64_t)userns };
	int fd = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return errf(msg, len, errno, "open_tree %s", src);
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		close(fd);
		return errf(msg, len, errno, "idmapped mount of %s", src);
	}
	int r = move_mount(fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH);
	close(fd);
	return r < 0 ? errf(msg, len, errno, "attach %s", dst) : 0;
}

static int mkdir_owned(const char *p, unsigned base, mode_t mode)
{
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return lchown(p, base, base) < 0 ? -errno : 0;
}

/* Runs with the host's privileges inside the child's mount namespace. */
static int build_root(struct sandbox *sb, const struct sb_opts *o, int userns, char *msg, size_t len)
{
	char root[4096], p[4200], opt[96];

	snprintf(root, sizeof(root), "%s/root", sb->dir);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return errf(msg, len, errno, "%s", "make mounts private");
	snprintf(opt, sizeof(opt), "mode=0755,uid=%u,gid=%u,size=16m", sb->uid_base, sb->uid_base);
	if (mount("atoll-pod", root, "tmpfs", MS_NOSUID | MS_NODEV, opt) < 0)
		return errf(msg, len, errno, "tmpfs on %s", root);
	static const char *const dirs[] = { "proc", "sys", "dev", "images", "volumes", "run", "tmp",
					    ".oldroot" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		if (mkdir_owned(p, sb->uid_base, 0755) < 0)
			return errf(msg, len, errno, "mkdir %s", p);
	}
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		char src[64];
		snprintf(src, sizeof(src), "/dev/%s", dev_nodes[i]);
		snprintf(p, sizeof(p), "%s/dev/%s", root, dev_nodes[i]);
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return errf(msg, len, errno, "create %s", p);
		close(fd);
		if (mount(src, p, NULL, MS_BIND, NULL) < 0)
			return errf(msg, len, errno, "bind %s", src);
	}
	for (size_t i = 0; i < o->nimages; i++) {
		snprintf(p, sizeof(p), "%s/images/%zu", root, i);
		if (mkdir_owned(p, sb->uid_base, 0755) < 0)
			return errf(msg, len, errno, "mkdir %s", p);
		if (idmapped_bind(o->images[i], p, userns, 1, msg, len))
			return -1;
	}
	for (size_t i = 0; i < o->nvols; i++) {
		snprintf(p, sizeof(p), "%s/volumes/%zu", root, i);
		if (mkdir_owned(p, sb->uid_base, 0755) < 0)
			return errf(msg, len, errno, "mkdir %s", p);
		if (idmapped_bind(o->vols[i].host, p, userns, o->vols[i].readonly, msg, len))
			return -1;
	}
	return 0;
}

static int prepare_child(struct sandbox *sb, const struct sb_opts *o, char *msg, size_t len)
{
	char p[64];
	int r;

	if ((r = write_maps(sb->pid, sb->uid_base, msg, len)) < 0)
		return r;
	snprintf(p, sizeof(p), "/proc/%d/ns/user", sb->pid);
	_cleanup_close_ int userns = open(p, O_RDONLY | O_CLOEXEC);
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", sb->pid);
	_cleanup_close_ int mntns = open(p, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (userns < 0 || mntns < 0 || self < 0)
		return errf(msg, len, errno, "%s", "open the sandbox namespaces");
	if (setns(mntns, CLONE_NEWNS) < 0)
		return errf(msg, len, errno, "%s", "enter the sandbox mount namespace");
	r = build_root(sb, o, userns, msg, len);
	if (setns(self, CLONE_NEWNS) < 0) {
		/* We cannot go on in someone else's mount namespace. */
		fprintf(stderr, "atoll: cannot return to the host mount namespace: %s\n", strerror(errno));
		_exit(125);
	}
	return r;
}

static __attribute__((noreturn)) void child_fail(int fd, const char *what)
{
	char b[512];
	int n = snprintf(b, sizeof(b), "%s: %s", what, strerror(errno));
	ssize_t w = write(fd, b, (size_t)n);
	(void)w;
	_exit(125);
}

/* The child: wait for the host, then become pod init. Never returns. */
static __attribute__((noreturn)) void child_main(struct sandbox *sb, int go, int report, int sock, int initfd)
{
	char root[4096], c;

	/*
	 * Joining v1 cgroups waits for an RCU grace period (milliseconds), so the
	 * child does it itself while the host builds its root. It still has the
	 * host's root IDs, which is what cgroup.procs asks for.
	 */
	for (int i = 0; i < sb->cg.n; i++)
		if (sb->cg.procs_fd[i] >= 0 && write(sb->cg.procs_fd[i], "0", 1) != 1)
			child_fail(report, "join the sandbox cgroup");
	if (read(go, &c, 1) != 1)
		_exit(125); /* the host gave up */
	report = fcntl(report, F_DUPFD_CLOEXEC, 10);
	/*
	 * We still carry the host's root IDs: enter the new root while the path
	 * to it (maybe through 0700 directories) is ours to walk, then become the
	 * pod's root (host IDs from uid_base on).
	 */
	snprintf(root, sizeof(root), "%s/root", sb->dir);
	if (chdir(root) < 0)
		child_fail(report, "enter the sandbox root");
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		child_fail(report, "become root of the user namespace");
	if (unshare(CLONE_NEWCGROUP) < 0)
		child_fail(report, "cgroup namespace");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail(report, "mount /proc");
	if (mount("sysfs", "sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) < 0)
		child_fail(report, "mount /sys");
	if (syscall(SYS_pivot_root, ".", ".oldroot") < 0 || chdir("/") < 0)
		child_fail(report, "pivot_root");
	/*
	 * Detaching the host's tree waits for an RCU grace period (milliseconds
	 * on a busy host); pod init does it in a throwaway child once it runs
	 * (--old-root), so nobody waits for it.
	 */
	/*
	 * Pod init gets the protocol socket as fd 3 and the ID-range lock as fd 4:
	 * holding the lock, the pod keeps its IDs until its last process is gone,
	 * even after `atoll run` has returned.
	 */
	int s3 = fcntl(sock, F_DUPFD_CLOEXEC, 10), l4 = fcntl(sb->idlock, F_DUPFD_CLOEXEC, 10);
	initfd = fcntl(initfd, F_DUPFD_CLOEXEC, 10);
	if (s3 < 0 || l4 < 0 || initfd < 0 || dup2(s3, 3) < 0 || dup2(l4, 4) < 0)
		child_fail(report, "dup2");
	/* --cgroups: the sandbox's cgroups are the pod's to divide among its containers. */
	char *argv[] = { "atoll-init", "--fd", "3", "--old-root", "/.oldroot", sb->cg.delegated ? "--cgroups" : NULL,
			 NULL };
	char *envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	syscall(SYS_execveat, initfd, "", argv, envp, AT_EMPTY_PATH);
	child_fail(report, "exec pod init");
}

int sandbox_create(struct sandbox *sb, const struct sb_opts *o, char *msg, size_t len)
{
	unsigned char rnd[6];
	int sp[2] = { -1, -1 }, go[2] = { -1, -1 }, rep[2] = { -1, -1 }, r;
	char p[4096];

	memset(sb, 0, sizeof(*sb));
	sb->sock = sb->idlock = -1;
	sb->cg.v2fd = -1;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return errf(msg, len, errno, "%s", "getrandom");
	snprintf(sb->id, sizeof(sb->id), "%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	unsigned slot;
	if ((r = sb_idrange_alloc(o->data_dir, &sb->uid_base, &sb->idlock, &slot)) < 0)
		return errf(msg, len, -r, "%s", "allocate a UID range");
	sb->dir = xasprintf("%s/sandboxes/ids/%u.d", o->data_dir, slot);
	snprintf(p, sizeof(p), "%s/root", sb->dir);
	if ((mkdir(sb->dir, 0711) < 0 && errno != EEXIST) || (mkdir(p, 0755) < 0 && errno != EEXIST))
		return errf(msg, len, errno, "mkdir %s", sb->dir);
	if ((r = sb_cgroup_create(&sb->cg, sb->id, o, msg, len)) < 0)
		return r;
	if (o->delegate && (r = sb_cgroup_delegate(&sb->cg, sb->uid_base, msg, len)) < 0)
		return r;
	_cleanup_close_ int initfd = open(o->init_path, O_PATH | O_CLOEXEC);
	if (initfd < 0)
		return errf(msg, len, errno, "pod init %s", o->init_path);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 || pipe2(go, O_CLOEXEC) < 0 ||
	    pipe2(rep, O_CLOEXEC) < 0)
		return errf(msg, len, errno, "%s", "socketpair");

	struct sb_clone_args ca = { .flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
					     CLONE_NEWUTS | CLONE_NEWIPC,
				    .exit_signal = SIGCHLD };
	if (sb->cg.v2 && sb->cg.v2fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)sb->cg.v2fd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		close(sp[0]);
		close(go[1]);
		close(rep[0]);
		child_main(sb, go[0], rep[1], sp[1], initfd);
	}
	close(sp[1]);
	close(go[0]);
	close(rep[1]);
	if (pid < 0) {
		r = errf(msg, len, errno, "%s", "clone3 into new namespaces");
		goto out;
	}
	sb->pid = pid;
	if ((r = prepare_child(sb, o, msg, len)) < 0)
		goto out; /* closing go makes the child exit */
	if (write(go[1], "g", 1) != 1) {
		r = errf(msg, len, errno, "%s", "start the sandbox");
		goto out;
	}
	/* EOF here means the exec of pod init succeeded (the pipe is close-on-exec). */
	ssize_t n = read(rep[0], msg, len - 1);
	if (n > 0) {
		msg[n] = '\0';
		r = -EIO;
		goto out;
	}
	sb->sock = sp[0];
	sp[0] = -1;
	r = 0;
out:
	if (sp[0] >= 0)
		close(sp[0]);
	close(go[1]);
	close(rep[0]);
	return r;
}

int sandbox_wait(struct sandbox *sb)
{
	int st = 0;

	if (sb->pid <= 0)
		return 0;
	while (waitpid(sb->pid, &st, 0) < 0 && errno == EINTR)
		;
	sb->pid = 0;
	return st;
}

void sandbox_destroy(struct sandbox *sb)
{
	if (sb->pid > 0) {
		kill(sb->pid, SIGKILL);
		sandbox_wait(sb);
	}
	if (sb->sock >= 0)
		close(sb->sock);
	sb->sock = -1;
	sb_cgroup_destroy(&sb->cg);
	/* The slot's directory stays for its next sandbox; the mounts lived only in this one's namespace. */
	free(sb->dir);
	sb->dir = NULL;
	if (sb->idlock >= 0)
		close(sb->idlock);
	sb->idlock = -1;
}

void sandbox_reap_later(struct sandbox *sb)
{
	int pfd = sb->pid > 0 ? (int)syscall(SYS_pidfd_open, sb->pid, 0) : -1;
	pid_t r = pfd >= 0 ? fork() : -1;

	if (r == 0) {
		/* Hold nothing of the caller's: whoever reads its stdout must see EOF when it exits. */
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (dup2(pfd, 3) < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		setsid();
		struct pollfd p = { .fd = 3, .events = POLLIN };
		poll(&p, 1, 60000);
		for (int i = 0; i < sb->cg.n; i++)
			sb->cg.procs_fd[i] = -1;
		sb->cg.v2fd = -1;
		sb_cgroup_destroy(&sb->cg);
		_exit(0);
	}
	if (pfd >= 0)
		close(pfd);
	if (r < 0) {
		sandbox_wait(sb); /* no reaper: do it ourselves */
		return;
	}
	/* The reaper owns the cgroups now: forget them without removing them. */
	sb_cgroup_forget(&sb->cg);
	sb->pid = 0;
}

int sandbox_hw_virt(void)
{
	struct stat st;

	if (stat("/dev/kvm", &st) < 0 || stat("/sys/module/kvm_pvm", &st) == 0)
		return 0;
	return stat("/sys/module/kvm_intel", &st) == 0 || stat("/sys/module/kvm_amd", &st) == 0;
}

char *sandbox_find_init(void)
{
	char exe[PATH_MAX];
	const char *env = getenv("ATOLL_INIT");

	if (env && *env)
		return xstrdup(env);
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return xstrdup("/usr/lib/atoll/atoll-init");
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	*slash = '\0';
	return xasprintf("%s/atoll-init", exe);
}
