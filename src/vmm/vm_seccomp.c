/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Confinement: join the VM's cgroups before anything is allocated; after
 * set-up the VMM only runs vCPUs and moves bytes, so drop every capability
 * and install a syscall allowlist (libseccomp) on all threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kvm.h>
#include <seccomp.h>

#include "lib/log.h"
#include "vmm/vmm.h"

static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(preadv), SCMP_SYS(pwritev),
	SCMP_SYS(fdatasync), SCMP_SYS(fsync), SCMP_SYS(lseek), SCMP_SYS(close),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(accept4), SCMP_SYS(connect), SCMP_SYS(shutdown),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg),
	SCMP_SYS(getsockopt), SCMP_SYS(fcntl), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(unlink), SCMP_SYS(getrandom),
	SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(sched_yield), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rseq), SCMP_SYS(set_robust_list),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(brk),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
	/* thread start-up in sanitizer builds */
	SCMP_SYS(sigaltstack), SCMP_SYS(sched_getaffinity), SCMP_SYS(prlimit64), SCMP_SYS(getrlimit),
};

/*
 * What the virtio-9p server needs on top, only when shares are configured.
 * Paths are resolved with openat2 beneath each share's directory fd; the
 * filter cannot see paths, so that discipline lives in p9_fs.c.
 */
static const int allowed_9p[] = {
	SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(mkdirat), SCMP_SYS(unlinkat),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(symlinkat), SCMP_SYS(readlinkat),
	SCMP_SYS(linkat), SCMP_SYS(fchownat), SCMP_SYS(utimensat), SCMP_SYS(fstatfs),
	SCMP_SYS(ftruncate), SCMP_SYS(getdents64),
	452, /* fchmodat2 (Linux 6.6), newer than this libseccomp's name table */
	SCMP_SYS(fchmodat), /* its fallback on older kernels, through /proc/self/fd */
};

/* SCMP_A0() and friends leave datum_b out, which clang warns about. */
static struct scmp_arg_cmp arg_eq(unsigned arg, scmp_datum_t v)
{
	return (struct scmp_arg_cmp){ .arg = arg, .op = SCMP_CMP_EQ, .datum_a = v, .datum_b = 0 };
}

static struct scmp_arg_cmp arg_masked_eq(unsigned arg, scmp_datum_t mask, scmp_datum_t v)
{
	return (struct scmp_arg_cmp){ .arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = v };
}

static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* Per-thread in the kernel; vCPU threads exist already, so they keep theirs
	 * until they exit, but they only run KVM_RUN and device code under seccomp. */
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

int vm_join_cgroups(const struct vm_config *cfg)
{
	for (int i = 0; i < cfg->nr_cgroups; i++) {
		char path[4096];
		int fd;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cfg->cgroups[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		/* "0" means the writing process, in v1 and v2 alike. */
		if (fd < 0 || write(fd, "0\n", 2) != 2) {
			int r = -errno;

			log_error("vmm", "joining cgroup %s: %s", cfg->cgroups[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			return r;
		}
		close(fd);
	}
	return 0;
}

int vm_sandbox_self(struct vm *vm)
{
	scmp_filter_ctx ctx;
	int r;

	/* The log's gmtime_r() loads time-zone data once; do it while open() is allowed. */
	tzset();
	if ((r = drop_caps()) < 0) {
		log_error("vmm", "dropping capabilities: %s", strerror(-r));
		return r;
	}
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; !r && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; !r && vm->cfg->nr_shares && i < sizeof(allowed_9p) / sizeof(allowed_9p[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_9p[i], 0);
	/* mknodat: FIFOs and regular files only, never device nodes. */
	if (!r && vm->cfg->nr_shares)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mknodat), 1,
				     arg_masked_eq(2, S_IFMT, S_IFIFO));
	if (!r && vm->cfg->nr_shares)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mknodat), 1,
				     arg_masked_eq(2, S_IFMT, S_IFREG));
	/* ioctl: only running vCPUs, and the tty check stdio makes. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     arg_eq(1, KVM_RUN));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     arg_eq(1, TCGETS));
	/* socket: Unix stream sockets for vsock connections only. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     arg_eq(0, AF_UNIX));
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0) {
		log_error("vmm", "seccomp filter: %s", strerror(-r));
		return r;
	}
	log_debug("vmm", "seccomp filter installed, capabilities dropped");
	return 0;
}
