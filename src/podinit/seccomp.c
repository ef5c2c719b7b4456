/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The default seccomp profile: allow by default, refuse with EPERM what a
 * container has no business doing (kernel and module loading, mounts and
 * namespaces, bpf, perf, keyrings, clock and swap control, reboot, ...).
 * clone3 answers ENOSYS so libcs fall back to clone, whose namespace flags
 * the filter can inspect.
 */
#include <errno.h>
#include <linux/filter.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "podinit/init.h"

static const char *const denied[] = {
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module",
	"finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms", "get_mempolicy",
	"init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie",
	"mbind", "mount", "mount_setattr", "move_mount", "move_pages", "name_to_handle_at", "nfsservctl",
	"open_by_handle_at", "open_tree", "perf_event_open", "pivot_root", "process_vm_writev", "query_module",
	"quotactl", "quotactl_fd", "reboot", "request_key", "set_mempolicy", "setns", "settimeofday", "stime",
	"swapoff", "swapon", "syslog", "sysfs", "umount", "umount2", "unshare", "uselib", "userfaultfd",
	"ustat", "vm86", "vm86old", "adjtimex", "_sysctl", "lsm_set_self_attr", "fanotify_init",
};

static struct sock_filter *prog_insns;
static unsigned short prog_len;

static int build(scmp_filter_ctx ctx)
{
	int r;


	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0)) < 0)
			goto out;
	}
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0)) < 0)
		goto out;
	/* clone with any namespace flag (a new user namespace in particular) is refused. */
	const unsigned long ns[] = { CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
				     CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP };
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					  SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i]))) < 0)
			goto out;
	r = 0;
out:
	return r;
}

int pi_seccomp_prepare(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r, fd = -1;

	if (!ctx)
		return -ENOMEM;
	if ((r = build(ctx)) < 0)
		goto out;
	/* Compiled once here; every container process then loads the ready BPF with one prctl. */
	fd = memfd_create("seccomp", MFD_CLOEXEC);
	if (fd < 0 || (r = seccomp_export_bpf(ctx, fd)) < 0) {
		r = r < 0 ? r : -errno;
		goto out;
	}
	off_t len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % (off_t)sizeof(struct sock_filter) || len / (off_t)sizeof(struct sock_filter) > 4096) {
		r = -EINVAL;
		goto out;
	}
	prog_insns = malloc((size_t)len);
	if (!prog_insns || pread(fd, prog_insns, (size_t)len, 0) != len) {
		free(prog_insns);
		prog_insns = NULL;
		r = -EIO;
		goto out;
	}
	prog_len = (unsigned short)(len / (off_t)sizeof(struct sock_filter));
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return r;
}

int pi_seccomp_apply(void)
{
	if (!prog_insns && pi_seccomp_prepare() < 0)
		return -EINVAL;
	struct sock_fprog prog = { .len = prog_len, .filter = prog_insns };
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? -errno : 0;
}
