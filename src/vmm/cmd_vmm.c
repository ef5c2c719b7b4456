/* SPDX-License-Identifier: Apache-2.0 */
/* atoll vmm: parse the configuration, build the VM, run it, exit with the guest's status. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "lib/log.h"
#include "vmm/serial.h"
#include "vmm/vmm.h"

static void usage(void)
{
	printf("usage: atoll vmm [--config FILE.json] [options]\n\n"
	       "Runs one KVM micro-VM in this process and exits with the guest's status.\n\n"
	       "  --config FILE       Firecracker-style JSON (boot-source, machine-config, drives,\n"
	       "                      network-interfaces, vsock, entropy); flags below override it\n"
	       "  --kernel PATH       bzImage or ELF vmlinux (64-bit entry)\n"
	       "  --initrd PATH       initial ramdisk\n"
	       "  --cmdline S         kernel command line (virtio_mmio.device= entries are appended)\n"
	       "  --mem MiB           guest memory (default 128)\n"
	       "  --cpus N            vCPUs (default 1)\n"
	       "  --disk PATH[,ro][,id=NAME]   virtio-blk disk (repeatable)\n"
	       "  --share TAG:PATH[:ro]  host directory as virtio-9p, mount tag TAG (repeatable)\n"
	       "  --tap NAME          virtio-net on this TAP device   --mac xx:xx:xx:xx:xx:xx\n"
	       "  --vsock-cid N       virtio-vsock with this guest CID (>= 3)\n"
	       "  --vsock-uds PATH    host side: connections to PATH, guest connections to PATH_<port>\n"
	       "  --rng               virtio-rng\n"
	       "  --api-sock PATH     control socket (line JSON: status, pause, resume, stop)\n"
	       "  --serial stdio|file:PATH|none   where COM1 output goes (default stdio)\n"
	       "  --cgroup DIR        join this cgroup (its cgroup.procs) first; repeatable\n"
	       "  --no-seccomp        skip the syscall filter (debugging)\n"
	       "  --debug             verbose log\n"
	       "\nSee docs/vmm.md.\n");
}

int cmd_vmm(int argc, char **argv)
{
	static struct vm vm; /* large; also reachable from signal-free helpers */
	struct vm_config cfg = { 0 };
	int r = vm_config_parse_args(&cfg, argc, argv);

	if (r) {
		if (r > 0)
			usage();
		vm_config_free(&cfg);
		return r > 0 ? 0 : 2;
	}
	if (vm_join_cgroups(&cfg) < 0) {
		vm_config_free(&cfg);
		return VM_EXIT_INTERNAL;
	}
	if (vm_create(&vm, &cfg) < 0 || (cfg.api_sock && vm_api_start(&vm, cfg.api_sock) < 0)) {
		log_error("vmm", "could not create the VM");
		vm_config_free(&cfg);
		/* Like the normal exit: the half-built VM dies with the process. */
		_exit(VM_EXIT_INTERNAL);
	}
	if (!cfg.serial || !strcmp(cfg.serial, "stdio"))
		serial_attach_input(vm.serial, &vm, STDIN_FILENO);
	r = vm_run(&vm);
	int64_t first = serial_first_output_ns(vm.serial);

	if (first)
		log_debug("vmm", "%7.2f ms: first guest output", (first - vm.start_ns) / 1e6);
	log_info("vmm", "exit %d: %s", r, vm.exit_reason);
	if (cfg.api_sock)
		unlink(cfg.api_sock);
	if (cfg.vsock_uds)
		unlink(cfg.vsock_uds);
	fflush(stdout);
	/* vCPU threads may still be inside KVM_RUN; leave without running destructors. */
	_exit(r);
}
