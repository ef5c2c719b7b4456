/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespace sandboxes: a pod init in fresh user, PID, mount, network, UTS,
 * IPC and cgroup namespaces, with a UID/GID range of its own, idmapped image
 * and volume mounts, and cgroup limits (v1/hybrid or v2).
 * Low tier: functions return 0 or -errno and fill a caller buffer with why.
 */
#ifndef ATOLL_SANDBOX_H
#define ATOLL_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#define SB_IDS_PER_SANDBOX 65536u
#define SB_IDS_FIRST       100000u
#define SB_IDS_SLOTS       4096u

struct sb_volume {
	const char *host;  /* borrowed */
	const char *guest; /* borrowed */
	int readonly;
};

struct sb_opts {
	const char *data_dir;     /* borrowed */
	const char *const *images; /* unpacked image trees, mounted at /images/0.. (borrowed) */
	size_t nimages;
	const char *init_path;    /* atoll-init (borrowed) */
	long cpu_milli;           /* 0: no limit */
	long long memory;         /* bytes, 0: no limit */
	long pids;                /* 0: no limit */
	const struct sb_volume *vols;
	size_t nvols;
	/*
	 * Resource pool: the Kubernetes namespace whose parent cgroup,
	 * atoll/ns-<pool>/, holds this sandbox's cgroup, limited by the
	 * namespace's ResourceQuota (limits.cpu, limits.memory), so one team
	 * cannot starve another. Each sandbox created in the pool (re)sets the
	 * pool's limits; the last one to go removes the pool's directory.
	 */
	const char *pool;         /* borrowed, a DNS label; NULL: atoll/<sandbox> as before */
	long pool_cpu_milli;      /* 0: no limit */
	long long pool_memory;    /* bytes, 0: no limit */
	/*
	 * Delegate the sandbox's cgroups to the pod's root (chown to uid_base):
	 * pod init then makes one cgroup per container below them, inside its
	 * cgroup namespace (docs/sandbox.md). Implies memory and cpu (and a
	 * separate cpuacct, for usage) directories on v1 even without limits.
	 */
	int delegate;
};

struct sb_cgroup {
	int v2;
	int n;
	char *dirs[5];     /* owned: cgroup directories we created */
	int procs_fd[5];   /* their cgroup.procs, open for writing (v1) */
	char *mem;         /* borrowed from dirs: where OOM kills are counted */
	int v2fd;          /* v2 directory, for CLONE_INTO_CGROUP; -1 otherwise */
	int delegated;     /* handed to the pod's root: pod init makes its containers' cgroups */
	int npool;
	char *cpu;         /* borrowed from dirs: the cpu controller's (v1) or the v2 directory */
	char *cpuacct;     /* borrowed from dirs: where CPU usage is counted (cpuacct.usage), or NULL */
	char *pool_dirs[5]; /* owned: the pool's directories, removed when left empty */
};

struct sandbox {
	char id[32];
	pid_t pid;         /* pod init, as seen from the host */
	int sock;          /* host end of the protocol socket */
	unsigned uid_base; /* first host uid of the range; pod uid 0 maps here */
	int idlock;        /* flock held for the range while the sandbox lives */
	char *dir;         /* DATA/sandboxes/ids/SLOT.d, kept between sandboxes (owned) */
	struct sb_cgroup cg;
};

/* cgroup.c */
int sb_cgroup_create(struct sb_cgroup *cg, const char *name, const struct sb_opts *o, char *msg, size_t len);
/* Number of OOM kills so far, or -1 when unknown. */
long sb_cgroup_oom_kills(const struct sb_cgroup *cg);
/*
 * OOM kills in container ctr's cgroup (below the sandbox's, made by pod
 * init), or, when it has none, in the sandbox's. -1 when unknown.
 */
long sb_cgroup_ctr_oom_kills(const struct sb_cgroup *cg, const char *ctr);
/* Hand the sandbox's directories to host uid (the pod's root): see sb_opts.delegate. 0 or -errno. */
int sb_cgroup_delegate(struct sb_cgroup *cg, unsigned uid, char *msg, size_t len);
/* Remove dir after its subdirectories (containers' cgroups); retries briefly while tasks leave. */
void sb_cgroup_remove_tree(const char *dir);
/* Remove our directories (the pool's too when nothing else is in it). */
void sb_cgroup_destroy(struct sb_cgroup *cg);
/* Forget the directories without removing them (another process does it). */
void sb_cgroup_forget(struct sb_cgroup *cg);

/* pool.c */
/* Whether name can be a pool (a Kubernetes namespace name: a DNS label). */
int sb_pool_name_ok(const char *name);
/*
 * Fill o->pool, o->pool_cpu_milli and o->pool_memory from a parsed
 * sandbox.json (src/shim/shim.h: "namespace", "pool_cpu_milli",
 * "pool_memory"); strings stay borrowed from sandbox_json. Missing keys
 * leave no pool / no limit. Returns 0, or -EINVAL with msg.
 */
struct json_t;
int sb_opts_pool_from_json(struct sb_opts *o, const struct json_t *sandbox_json, char *msg, size_t len);

/* idrange.c */
int sb_idrange_alloc(const char *data_dir, unsigned *base, int *lockfd, unsigned *slot);

/* ns.c */
/* Where atoll-init is: $ATOLL_INIT, else next to our own binary (returns owned). */
char *sandbox_find_init(void);
/* Whether KVM here has hardware virtualization (PVM, software virtualization, does not count). */
int sandbox_hw_virt(void);
/* Create the sandbox and exec pod init in it; the host then talks over sb->sock. */
int sandbox_create(struct sandbox *sb, const struct sb_opts *o, char *msg, size_t len);
/* Wait for pod init to exit; returns its wait status. */
int sandbox_wait(struct sandbox *sb);
/*
 * Leave the pod to die on its own: a forked reaper waits for pod init and
 * then removes the cgroups, so the caller need not wait for the teardown.
 */
void sandbox_reap_later(struct sandbox *sb);
/* Remove what sandbox_create made on the host (cgroups, directories, the ID lock). */
void sandbox_destroy(struct sandbox *sb);

#endif
