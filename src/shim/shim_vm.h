/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM pods: what the shim derives from sandbox.json when it says
 * "isolation": "vm" (the VMM's JSON configuration, the guest's disks and
 * 9p shares, pod init's "setup" request), kept pure so unit tests can check
 * it, and the running side (shim_vm.c: TAP, cgroup, `atoll vmm`, vsock).
 *
 * sandbox.json keys for VM pods (written by the agent):
 *   "isolation": "vm" | "namespace" (absent: namespace)
 *   "guest_kernel": the kernel to boot (bzImage or vmlinux)
 *   "image_disks": [erofs files], one per "images" entry, same order
 *   "volumes"[i]."disk": a disk image file (ext4) attached as a read-write
 *     virtio-blk disk instead of sharing "host" over virtio-9p
 */
#ifndef ATOLL_SHIM_VM_H
#define ATOLL_SHIM_VM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "net/net.h"

/* Guest memory for a pod without a memory limit, and what the guest kernel and pod init need on top of one. */
#define SHIM_VM_MEM_DEFAULT_MIB  256
#define SHIM_VM_MEM_OVERHEAD_MIB 64
/* What the VMM process itself may use beyond guest memory (its cgroup's limit). */
#define SHIM_VM_VMM_OVERHEAD_MIB 32
#define SHIM_VM_MAX_CPUS 32
/* The guest's CID on the VMM's vsock (each VMM has its own device, so all pods may use the same). */
#define SHIM_VM_CID 3
#define SHIM_VM_CMDLINE "console=ttyS0 reboot=k panic=-1 quiet i8042.noaux rdinit=/init"
/* The 9p tag of POD_DIR/etc (/etc/hosts, /etc/resolv.conf). */
#define SHIM_VM_ETC_TAG "etc"

struct shim_vm_disk {
	char id[21];       /* virtio-blk serial (GET_ID), how pod init finds it */
	const char *path;  /* borrowed from sandbox.json */
	bool readonly;
	const char *fstype;
	char target[32];   /* where pod init mounts it: /images/N or /volumes/N */
};

struct shim_vm_share {
	char tag[32];
	const char *path;  /* borrowed */
	bool readonly;
	char target[32];
};

/* Everything the VM of one pod is made of. Strings are borrowed from sandbox.json or owned as noted. */
struct shim_vm_plan {
	const char *kernel;
	char *initrd;      /* owned */
	char *vsock_uds;   /* owned: POD_DIR/vm.vsock */
	char *serial;      /* owned: "file:POD_DIR/console.log" */
	char *api_sock;    /* owned: POD_DIR/vm.sock */
	char *etc_dir;     /* owned: POD_DIR/etc, shared read-only */
	int vcpus;
	long long mem_mib;
	long long cgroup_memory; /* bytes: guest memory and the VMM's own */
	long cpu_milli;          /* the pod's CPU limit for the VMM's cgroup, 0: none */
	struct shim_vm_disk *disks;
	size_t ndisks;
	struct shim_vm_share *shares;
	size_t nshares;
	char tap[16];      /* "" without a network */
	char mac[18];
	struct net_pod_params net;
	const char *hostname;
};

/* vCPUs for a CPU limit in millicores: ceil(cpu/1000), at least 1, at most SHIM_VM_MAX_CPUS. */
int shim_vm_vcpus(long cpu_milli);
/* Guest memory in MiB for a memory limit in bytes (0: none). */
long long shim_vm_mem_mib(long long memory);
/* A locally administered MAC derived from the pod uid, stable across restarts: "02:a7:xx:xx:xx:xx". */
void shim_vm_mac(const char *uid, char out[18]);

/*
 * Plan the VM of the pod in pod_dir from its sandbox.json cfg (borrowed;
 * the plan borrows from it) with initrd at initrd. The network part (tap,
 * net) is filled by the caller when the pod has one. 0, or -1 with msg.
 */
int shim_vm_plan(const json_t *cfg, const char *pod_dir, const char *initrd, struct shim_vm_plan *plan, char *msg,
		 size_t len);
void shim_vm_plan_release(struct shim_vm_plan *plan);

/* The VMM's JSON configuration (docs/vmm.md) for plan (returns owned). */
json_t *shim_vm_config(const struct shim_vm_plan *plan);
/* Pod init's "setup" request (docs/podinit-protocol.md) for plan, without "seq" (returns owned). */
json_t *shim_vm_setup(const struct shim_vm_plan *plan);

struct shim;
/*
 * Start the pod's VM: network (TAP), cgroup, `atoll vmm` with the plan's
 * configuration, then connect to pod init over the VMM's vsock socket and
 * wait for its "ready" and the reply to "setup". Fills s->sb (pid: the VMM,
 * sock: the connection, cg). 0, or -1 with msg and everything undone.
 */
int shim_vm_start(struct shim *s, char *msg, size_t len);
/* After the pod ended: wait briefly for the VMM to exit, kill it otherwise, remove its cgroup and TAP. */
void shim_vm_teardown(struct shim *s);

#endif
