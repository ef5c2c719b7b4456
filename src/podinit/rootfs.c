/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filesystems: the pod's own mounts (what Linux needs, for a VM or a namespace
 * sandbox alike) and each container's root: an overlay of the read-only image
 * with a writable upper, volumes, /proc /sys /dev with masked paths, built in
 * a fresh mount namespace that init keeps open for the container's processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podinit/init.h"

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static void lo_up(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

void pi_mount_pod(void)
{
	/* Nothing we mount may leak back to whoever gave us our root. */
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	/* A /proc of another PID namespace would name the wrong processes: mount ours. */
	char self[32] = "";
	ssize_t sl = readlink("/proc/self", self, sizeof(self) - 1);
	if (sl <= 0 || atoi(self) != getpid()) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	if (!exists("/sys/kernel")) {
		mkdir("/sys", 0555);
		mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	if (!exists("/dev/null")) {
		mkdir("/dev", 0755);
		mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	}
	mkdir("/dev/pts", 0755);
	if (!exists("/dev/pts/ptmx"))
		mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
	mkdir("/dev/shm", 01777);
	mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	mkdir("/run", 0755);
	mount("run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	/* /tmp of the pod itself stays as it is: containers have their own. */
	mkdir("/tmp", 01777);
	mkdir("/run/atoll", 0700);
	lo_up();
}

void pi_detach_async(const char *path)
{
	/*
	 * Until it is gone only pod init (our own code) could reach it: every
	 * container root is built from a copy that detaches its own old root
	 * before any container process runs.
	 */
	pid_t pid = fork();
	if (pid == 0) {
		umount2(path, MNT_DETACH);
		rmdir(path);
		_exit(0);
	}
	if (pid < 0)
		umount2(path, MNT_DETACH);
}

/*
 * Booted from an initramfs (a VM), our root is rootfs, which pivot_root
 * cannot leave, so container roots could not be built. Move into a tmpfs
 * mounted over it (the switch_root way) and run again from there.
 */
void pi_leave_initramfs(char **argv)
{
	struct statfs sf;
	char buf[65536];

	if (getenv("ATOLL_INIT_SWITCHED"))
		return; /* we are the re-run */
	if (statfs("/", &sf) < 0 || (sf.f_type != RAMFS_MAGIC && sf.f_type != TMPFS_MAGIC))
		return;
	if (mkdir("/.root", 0755) < 0 || mount("root", "/.root", "tmpfs", 0, "mode=0755") < 0)
		return;
	int in = open("/init", O_RDONLY | O_CLOEXEC);
	int out = open("/.root/init", O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	ssize_t n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (n < 0 || chdir("/.root") < 0) {
		umount2("/.root", MNT_DETACH);
		return;
	}
	static const char *const dirs[] = { "dev", "proc", "sys", "run", "tmp" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdir(dirs[i], 0755);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return;
	setenv("ATOLL_INIT_SWITCHED", "1", 1);
	execv("/init", argv);
}

/* ---- the helper, running in the container's new mount namespace ---- */

static char *fail_msg;
static size_t fail_len;

static int fail(int e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int e, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fail_msg, fail_len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < fail_len)
		snprintf(fail_msg + n, fail_len - (size_t)n, ": %s", strerror(e));
	return -e;
}

static int mkdirs(const char *path, mode_t mode)
{
	char p[4096];

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, mode) < 0 && errno != EEXIST ? -errno : 0;
}

static int touch(const char *p)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
static const char *const masked_files[] = { "proc/kcore", "proc/keys", "proc/timer_list", "proc/sched_debug",
					    "proc/latency_stats", "proc/timer_stats", "proc/key-users" };
static const char *const masked_dirs[] = { "proc/acpi", "proc/scsi", "sys/firmware", "sys/devices/virtual/powercap" };
static const char *const ro_paths[] = { "proc/sys", "proc/sysrq-trigger", "proc/irq", "proc/bus", "proc/fs" };

static int setup_dev(const char *root)
{
	char p[4200], src[64];

	snprintf(p, sizeof(p), "%s/dev", root);
	mkdirs(p, 0755);
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536k") < 0)
		return fail(errno, "mount /dev");
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", root, dev_nodes[i]);
		snprintf(src, sizeof(src), "/dev/%s", dev_nodes[i]);
		if (touch(p) < 0 || mount(src, p, NULL, MS_BIND, NULL) < 0)
			return fail(errno, "bind %s", src);
	}
	snprintf(p, sizeof(p), "%s/dev/pts", root);
	mkdir(p, 0755);
	if (mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 &&
	    mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") < 0)
		return fail(errno, "mount /dev/pts");
	snprintf(p, sizeof(p), "%s/dev/shm", root);
	mkdir(p, 01777);
	if (mount("shm", p, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=65536k") < 0)
		return fail(errno, "mount /dev/shm");
	static const char *const links[][2] = { { "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" },
						{ "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
						{ "/proc/self/fd/2", "stderr" } };
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", root, links[i][1]);
		symlink(links[i][0], p);
	}
	return 0;
}

static int setup_proc_sys(const char *root)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/proc", root);
	mkdirs(p, 0555);
	if (mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail(errno, "mount /proc");
	snprintf(p, sizeof(p), "%s/sys", root);
	mkdirs(p, 0555);
	if (mount("sysfs", p, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) < 0 &&
	    mount("/sys", p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(errno, "mount /sys");
	for (size_t i = 0; i < sizeof(masked_files) / sizeof(masked_files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, masked_files[i]);
		if (exists(p) && mount("/dev/null", p, NULL, MS_BIND, NULL) < 0)
			return fail(errno, "mask /%s", masked_files[i]);
	}
	for (size_t i = 0; i < sizeof(masked_dirs) / sizeof(masked_dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, masked_dirs[i]);
		if (exists(p) && mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
			return fail(errno, "mask /%s", masked_dirs[i]);
	}
	for (size_t i = 0; i < sizeof(ro_paths) / sizeof(ro_paths[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, ro_paths[i]);
		if (!exists(p))
			continue;
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return fail(errno, "read-only /%s", ro_paths[i]);
	}
	return 0;
}

static int setup_volumes(const char *root, json_t *mounts)
{
	size_t i;
	json_t *m;
	char p[4200];

	json_array_foreach(mounts, i, m) {
		const char *src = json_string_value(json_object_get(m, "source"));
		const char *dst = json_string_value(json_object_get(m, "target"));
		int ro = json_is_true(json_object_get(m, "readonly"));
		struct stat st;

		if (!src || !dst || dst[0] != '/' || strstr(dst, ".."))
			return fail(EINVAL, "bad mount entry %zu", i);
		snprintf(p, sizeof(p), "%s%s", root, dst);
		if (stat(src, &st) < 0)
			return fail(errno, "volume %s", src);
		if (S_ISDIR(st.st_mode) ? mkdirs(p, 0755) : touch(p))
			return fail(errno, "volume target %s", dst);
		if (mount(src, p, NULL, MS_BIND | MS_REC, NULL) < 0)
			return fail(errno, "bind %s on %s", src, dst);
		/*
		 * In a user namespace the flags the source was mounted with
		 * (nosuid, nodev, noexec: a tmpfs of secrets) are locked: a
		 * remount must keep them or the kernel refuses it.
		 */
		struct statvfs sv;
		unsigned long keep = 0;
		if (ro && statvfs(p, &sv) == 0)
			keep = (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) | (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
			       (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
		if (ro && mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
			return fail(errno, "read-only %s", dst);
	}
	return 0;
}

static int mount_overlay(const char *lower, const char *base, const char *root)
{
	char opts[8192];

	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr", lower, base, base);
	if (mount("overlay", root, "overlay", 0, opts) == 0)
		return 0;
	/* In the initial user namespace (a VM) trusted xattrs are the norm. */
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work", lower, base, base);
	if (mount("overlay", root, "overlay", 0, opts) == 0)
		return 0;
	return fail(errno, "overlay on %s", lower);
}

/*
 * Unmount the pod's root from under the container's. MNT_DETACH hides the
 * tree at once and then waits for an RCU grace period (milliseconds on a busy
 * host) before returning; a throwaway child pays for that wait while we only
 * wait for the tree to be gone from view, before any container process runs.
 * We look again after a yield, then after sleeps that double up to 1 ms:
 * spinning would take the CPU from the other pods starting in a burst.
 */
static int detach_old_root(void)
{
	struct stat dev, old;
	struct timespec t0, now;
	long wait_ns = 20000;
	pid_t pid = fork();

	if (pid == 0) {
		umount2("/dev/.oldroot", MNT_DETACH);
		rmdir("/dev/.oldroot");
		_exit(0);
	}
	if (pid < 0)
		return umount2("/dev/.oldroot", MNT_DETACH) < 0 ? fail(errno, "detach the old root") : 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0;; i++) {
		if (stat("/dev", &dev) < 0)
			break;
		if (stat("/dev/.oldroot", &old) < 0 || old.st_dev == dev.st_dev)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 10)
			break;
		if (i < 4) {
			sched_yield();
			continue;
		}
		struct timespec ts = { 0, wait_ns };
		nanosleep(&ts, NULL);
		if (wait_ns < 1000000)
			wait_ns *= 2;
	}
	return fail(ETIMEDOUT, "detach the old root");
}

static int helper(struct pi_ctr *c, const char *lower, const char *base)
{
	char root[4096], put_old[4200];

	snprintf(root, sizeof(root), "%s/root", base);
	if (unshare(CLONE_NEWNS) < 0)
		return fail(errno, "unshare mount namespace");
	if (mount_overlay(lower, base, root))
		return -1;
	if (setup_proc_sys(root) || setup_dev(root) || setup_volumes(root, json_object_get(c->spec, "mounts")))
		return -1;
	pi_cgroup_expose(c, root);
	snprintf(put_old, sizeof(put_old), "%s/dev/.oldroot", root);
	if (mkdir(put_old, 0700) < 0 || chdir(root) < 0 || syscall(SYS_pivot_root, ".", "dev/.oldroot") < 0 ||
	    chdir("/") < 0)
		return fail(errno, "pivot_root");
	return detach_old_root();
}

/* A block device (a VM's image disk) is mounted once as erofs; a directory is used as is. */
static int lower_dir(const char *lower, const char *base, char *out, size_t outlen)
{
	struct stat st;

	if (stat(lower, &st) < 0)
		return fail(errno, "image %s", lower);
	if (!S_ISBLK(st.st_mode)) {
		snprintf(out, outlen, "%s", lower);
		return 0;
	}
	snprintf(out, outlen, "%s/lower", base);
	mkdir(out, 0755);
	if (mount(lower, out, "erofs", MS_RDONLY | MS_NODEV, NULL) < 0)
		return fail(errno, "mount erofs %s", lower);
	return 0;
}

/* The helper hands its namespace and root to init as descriptors, with no /proc lookups. */
static int send_fds(int sock, int r, const char *msg)
{
	int fds[2] = { -1, -1 };
	char cbuf[CMSG_SPACE(sizeof(fds))] = { 0 };
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (r == 0) {
		fds[0] = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		fds[1] = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fds[0] < 0 || fds[1] < 0)
			r = -errno;
	}
	if (r == 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	}
	if (sendmsg(sock, &mh, 0) < 0)
		return -errno;
	if (r) {
		ssize_t w = write(sock, msg, strlen(msg) + 1);
		(void)w;
	}
	return 0;
}

static int recv_fds(int sock, int *r, int fds[2])
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };

	fds[0] = fds[1] = -1;
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != sizeof(*r))
		return -EIO;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(2 * sizeof(int)))
		memcpy(fds, CMSG_DATA(cm), 2 * sizeof(int));
	return 0;
}

int pi_rootfs_create(struct pi_ctr *c, char *msg, size_t msglen)
{
	const char *lower = json_string_value(json_object_get(c->spec, "lower"));
	char base[256], p[512], lo[512];
	int sync[2], release[2], e = 0;

	fail_msg = msg;
	fail_len = msglen;
	if (!lower)
		return fail(EINVAL, "create needs \"lower\"");
	snprintf(base, sizeof(base), "/run/atoll/%s", c->id);
	mkdirs(base, 0700);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", base, (const char *[]){ "upper", "work", "root" }[i]);
		mkdir(p, 0755);
	}
	if (lower_dir(lower, base, lo, sizeof(lo)))
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0 || pipe2(release, O_CLOEXEC) < 0)
		return fail(errno, "socketpair");
	pid_t pid = fork();
	if (pid == 0) {
		close(sync[0]);
		close(release[1]);
		send_fds(sync[1], helper(c, lo, base), msg);
		char b;
		while (read(release[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(sync[1]);
	close(release[0]);
	int r = -EIO, fds[2];
	if (pid < 0 || recv_fds(sync[0], &r, fds) < 0) {
		e = fail(pid < 0 ? errno : EIO, "container setup helper");
	} else if (r) {
		ssize_t n = read(sync[0], msg, msglen - 1);
		msg[n > 0 ? n : 0] = '\0';
		e = r;
	} else if (fds[0] < 0 || fds[1] < 0) {
		e = fail(EIO, "keep the container namespace");
	} else {
		c->mntfd = fds[0];
		c->rootfd = fds[1];
	}
	close(sync[0]);
	close(release[1]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return e;
}
