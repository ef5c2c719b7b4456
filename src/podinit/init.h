/* SPDX-License-Identifier: Apache-2.0 */
/* Pod init internals: containers, processes, and the pieces that set them up. */
#ifndef ATOLL_PODINIT_INIT_H
#define ATOLL_PODINIT_INIT_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#define PI_MAX_CTRS  32
#define PI_MAX_PROCS 256
#define PI_MAX_RELAYS 64
#define PI_CG_MAX    4  /* cgroup hierarchies a container joins */

struct pi_ctr {
	char id[64];
	int used;
	int is_init;     /* an init container: later starts wait for it to succeed */
	int mntfd;       /* its mount namespace, after create */
	int rootfd;      /* its root directory, for opening its /dev/pts/ptmx */
	json_t *spec;    /* the create message (owned reference) */
	int state;       /* 0 created, 1 running, 2 exited ok, 3 failed */
	int cgfd[PI_CG_MAX]; /* its cgroups' cgroup.procs (cgroup.c) */
	int ncg;
};

struct pi_proc {
	uint32_t num;    /* host-chosen process number, names stream frames */
	pid_t pid;       /* 0 when the slot is free */
	int out, err;    /* pipes (or the pty master in out), -1 when closed */
	int in;          /* stdin pipe or pty master, -1 when none */
	char *pend;      /* stdin bytes the process has not taken yet (owned) */
	size_t pend_len;
	int close_in;    /* close stdin once pend is written */
	int tty;
	struct pi_ctr *ctr;
	int is_main;     /* the container's main process */
};

/* rootfs.c */
/*
 * Detach the mount tree at path (the host's, left by pivot_root) in a child:
 * MNT_DETACH waits for an RCU grace period after the tree is out of view.
 */
void pi_detach_async(const char *path);
/* PID 1 of a VM whose root is an initramfs: re-run from a tmpfs root (returns only on failure). */
void pi_leave_initramfs(char **argv);
/* Mount /proc, /sys, /dev, /dev/pts, /dev/shm and /run where missing; bring up lo. */
void pi_mount_pod(void);
/*
 * Build the container's root in a fresh mount namespace (overlay of spec
 * "lower" + a writable upper, volume binds, /proc /sys /dev, masked paths),
 * then keep its namespace and root open in c. 0 or -errno, msg filled.
 */
int pi_rootfs_create(struct pi_ctr *c, char *msg, size_t msglen);

/* spawn.c */
/*
 * Fork a process in container c from spec (args, env, cwd, user, tty, stdin).
 * Fills p's pid and fds. 0 or -errno, msg filled.
 */
int pi_spawn(struct pi_ctr *c, json_t *spec, struct pi_proc *p, char *msg, size_t msglen);

/* vmsetup.c: the host's "setup" in a VM (mounts, eth0, host name). 0 or -errno, msg filled. */
int pi_vm_setup(json_t *req, char *msg, size_t msglen);
/* /dev/vdX of the virtio disk with this serial, looked up under sys_block (/sys/block). 0 or -errno. */
int pi_vm_find_disk(const char *sys_block, const char *serial, char *dev, size_t n);

/* relay.c: "connect" (port-forward inside the pod), relayed as stdin/stdout frames of a process number. */
struct pollfd;
/* Connect to 127.0.0.1:port for process number num. 0 or -errno, msg filled. */
int pi_relay_connect(uint32_t num, long port, char *msg, size_t msglen);
/* Stdin frame / close_stdin / kill for num: 1 when num is a relay (handled), 0 otherwise. */
int pi_relay_input(uint32_t num, const char *data, size_t len);
int pi_relay_close_input(uint32_t num);
int pi_relay_kill(uint32_t num, int sock);
/* Bytes from the host waiting for relay sockets. */
size_t pi_relay_backlog(void);
/* Fill pfd (room for PI_MAX_RELAYS) with the relays' sockets; returns how many. */
int pi_relay_pollfds(struct pollfd *pfd);
/* Serve what poll found on them: output frames to sock, an exit event when a connection ends. */
void pi_relay_io(const struct pollfd *pfd, int n, int sock);
/* main.c: whether a process number is in use by a process. */
int pi_proc_number_taken(uint32_t num);

/* cgroup.c */
/* Mount the pod's cgroup hierarchies (delegated to us by the host: --cgroups) under /run/atoll/cg. */
void pi_cgroup_init(void);
/*
 * Make container c's cgroup in each hierarchy with the limits of its spec's
 * "resources" ({"memory": bytes, "cpu_milli", "cpu_shares"}), and keep
 * their cgroup.procs open. Without delegation nothing is made (0). 0 or -errno.
 */
int pi_cgroup_create(struct pi_ctr *c, char *msg, size_t len);
/* In a new process of c, before exec: join c's cgroups (exits 126 on failure). */
void pi_cgroup_join(const struct pi_ctr *c);
/*
 * Show c its own cgroups, read-only, at ROOT/sys/fs/cgroup (/<controllers>
 * on v1), as container runtimes do. Best effort: without them the
 * container simply sees none.
 */
void pi_cgroup_expose(const struct pi_ctr *c, const char *root);
/* Close c's cgroup descriptors and remove its directories when empty. */
void pi_cgroup_release(struct pi_ctr *c);

/* seccomp.c */
/* Compile the default filter once (init calls it before forking). 0 or -errno. */
int pi_seccomp_prepare(void);
/* Install the default filter on the calling thread (needs no_new_privs). 0 or -errno. */
int pi_seccomp_apply(void);

#endif
