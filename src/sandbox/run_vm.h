/* SPDX-License-Identifier: Apache-2.0 */
/*
 * atoll run --isolation vm: boot a micro-VM with `atoll vmm` (guest kernel,
 * an initramfs holding pod init, the image as a read-only erofs disk) and
 * run the command through pod init over vsock.
 */
#ifndef ATOLL_SANDBOX_RUN_VM_H
#define ATOLL_SANDBOX_RUN_VM_H

#include <jansson.h>

struct run_vm_opts {
	const char *data_dir, *kernel, *erofs; /* borrowed */
	long cpu_milli;
	long long memory;
	int interactive, tty, timings;
};

/* Returns the command's exit code, or 125 when the VM could not run it. */
int run_vm(const struct run_vm_opts *o, json_t *spec);

/* Write a newc cpio holding init_path as /init plus the directories it needs. 0 or -errno. */
int run_vm_initramfs(const char *init_path, const char *out);

#endif
