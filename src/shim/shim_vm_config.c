/* SPDX-License-Identifier: Apache-2.0 */
/* A VM pod's plan from sandbox.json: sizes, disks, 9p shares, the VMM's configuration and pod init's setup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "shim/shim_vm.h"

int shim_vm_vcpus(long cpu_milli)
{
	if (cpu_milli <= 0)
		return 1;
	long n = (cpu_milli + 999) / 1000;
	return n > SHIM_VM_MAX_CPUS ? SHIM_VM_MAX_CPUS : (int)n;
}

long long shim_vm_mem_mib(long long memory)
{
	if (memory <= 0)
		return SHIM_VM_MEM_DEFAULT_MIB;
	return (memory + (1LL << 20) - 1) / (1LL << 20) + SHIM_VM_MEM_OVERHEAD_MIB;
}

void shim_vm_mac(const char *uid, char out[18])
{
	/* FNV-1a of the uid: any stable spread will do, the MAC only has to differ between pods of a node. */
	unsigned long long h = 14695981039346656037ULL;
	for (const char *p = uid; p && *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(out, 18, "02:a7:%02x:%02x:%02x:%02x", (unsigned)(h >> 24) & 0xff, (unsigned)(h >> 16) & 0xff,
		 (unsigned)(h >> 8) & 0xff, (unsigned)h & 0xff);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int shim_vm_plan(const json_t *cfg, const char *pod_dir, const char *initrd, struct shim_vm_plan *plan, char *msg,
		 size_t len)
{
	const json_t *imgs = json_object_get(cfg, "images"), *disks = json_object_get(cfg, "image_disks");
	const json_t *vols = json_object_get(cfg, "volumes"), *v;
	size_t i, nv = json_array_size(vols);

	memset(plan, 0, sizeof(*plan));
	plan->kernel = str(cfg, "guest_kernel");
	if (!plan->kernel || plan->kernel[0] != '/') {
		snprintf(msg, len, "no guest kernel for VM isolation (the agent's --guest-kernel, or make guest-kernel)");
		return -1;
	}
	if (json_array_size(disks) != json_array_size(imgs)) {
		snprintf(msg, len, "sandbox.json: image_disks must name one erofs file per image");
		return -1;
	}
	plan->initrd = xstrdup(initrd);
	plan->vsock_uds = xasprintf("%s/vm.vsock", pod_dir);
	plan->serial = xasprintf("file:%s/console.log", pod_dir);
	plan->api_sock = xasprintf("%s/vm.sock", pod_dir);
	plan->cpu_milli = (long)json_integer_value(json_object_get(cfg, "cpu_milli"));
	plan->vcpus = shim_vm_vcpus(plan->cpu_milli);
	plan->mem_mib = shim_vm_mem_mib((long long)json_integer_value(json_object_get(cfg, "memory")));
	plan->cgroup_memory = (plan->mem_mib + SHIM_VM_VMM_OVERHEAD_MIB) << 20;
	plan->hostname = str(cfg, "hostname");
	plan->disks = xcalloc(json_array_size(imgs) + nv + 1, sizeof(*plan->disks));
	plan->shares = xcalloc(nv + 1, sizeof(*plan->shares));
	json_array_foreach(disks, i, v) {
		struct shim_vm_disk *d = &plan->disks[plan->ndisks++];
		if (!json_string_value(v) || json_string_value(v)[0] != '/') {
			snprintf(msg, len, "sandbox.json: image_disks[%zu] is not an absolute path", i);
			shim_vm_plan_release(plan);
			return -1;
		}
		snprintf(d->id, sizeof(d->id), "img%u", (unsigned)i);
		d->path = json_string_value(v);
		d->readonly = true;
		d->fstype = "erofs";
		snprintf(d->target, sizeof(d->target), "/images/%zu", i);
	}
	/* Volume N keeps its namespace-sandbox place, /volumes/N, so the shim's mounts need no change. */
	json_array_foreach(vols, i, v) {
		const char *disk = str(v, "disk"), *host = str(v, "host");
		bool ro = json_is_true(json_object_get(v, "readonly"));
		if (disk && disk[0] == '/') {
			struct shim_vm_disk *d = &plan->disks[plan->ndisks++];
			snprintf(d->id, sizeof(d->id), "vol%u", (unsigned)i);
			d->path = disk;
			d->readonly = ro;
			d->fstype = "ext4";
			snprintf(d->target, sizeof(d->target), "/volumes/%zu", i);
		} else if (host && host[0] == '/') {
			struct shim_vm_share *sh = &plan->shares[plan->nshares++];
			snprintf(sh->tag, sizeof(sh->tag), "vol%zu", i);
			sh->path = host;
			sh->readonly = ro;
			snprintf(sh->target, sizeof(sh->target), "/volumes/%zu", i);
		} else {
			snprintf(msg, len, "sandbox.json: volume %zu has neither a disk nor a host directory", i);
			shim_vm_plan_release(plan);
			return -1;
		}
	}
	/* POD_DIR/etc is the volume after the pod's own, as in a namespace sandbox. */
	plan->etc_dir = xasprintf("%s/etc", pod_dir);
	struct shim_vm_share *etc = &plan->shares[plan->nshares++];
	snprintf(etc->tag, sizeof(etc->tag), "%s", SHIM_VM_ETC_TAG);
	etc->path = plan->etc_dir;
	etc->readonly = true;
	snprintf(etc->target, sizeof(etc->target), "/volumes/%zu", nv);
	return 0;
}

void shim_vm_plan_release(struct shim_vm_plan *plan)
{
	free(plan->initrd);
	free(plan->vsock_uds);
	free(plan->serial);
	free(plan->api_sock);
	free(plan->etc_dir);
	free(plan->disks);
	free(plan->shares);
	memset(plan, 0, sizeof(*plan));
}

json_t *shim_vm_config(const struct shim_vm_plan *plan)
{
	json_t *drives = json_array(), *shares = json_array();

	for (size_t i = 0; i < plan->ndisks; i++)
		json_array_append_new(drives, json_pack("{s:s,s:s,s:b}", "drive_id", plan->disks[i].id, "path_on_host",
							plan->disks[i].path, "is_read_only", plan->disks[i].readonly));
	for (size_t i = 0; i < plan->nshares; i++)
		json_array_append_new(shares, json_pack("{s:s,s:s,s:b}", "tag", plan->shares[i].tag, "path_on_host",
							plan->shares[i].path, "is_read_only", plan->shares[i].readonly));
	json_t *c = json_pack("{s:{s:s,s:s,s:s},s:{s:i,s:I},s:o,s:o,s:{s:i,s:s},s:{},s:s,s:s}", "boot-source",
			      "kernel_image_path", plan->kernel, "initrd_path", plan->initrd, "boot_args",
			      SHIM_VM_CMDLINE, "machine-config", "vcpu_count", plan->vcpus, "mem_size_mib",
			      (json_int_t)plan->mem_mib, "drives", drives, "shares", shares, "vsock", "guest_cid",
			      SHIM_VM_CID, "uds_path", plan->vsock_uds, "entropy", "serial", plan->serial,
			      "api-socket", plan->api_sock);
	if (plan->tap[0])
		json_object_set_new(c, "network-interfaces",
				    json_pack("[{s:s,s:s,s:s}]", "iface_id", "eth0", "host_dev_name", plan->tap,
					      "guest_mac", plan->mac));
	return c;
}

json_t *shim_vm_setup(const struct shim_vm_plan *plan)
{
	json_t *mounts = json_array();

	for (size_t i = 0; i < plan->ndisks; i++) {
		const struct shim_vm_disk *d = &plan->disks[i];
		json_array_append_new(mounts, json_pack("{s:s,s:s,s:s,s:s,s:b}", "type", "disk", "serial", d->id,
							"target", d->target, "fstype", d->fstype, "readonly",
							d->readonly));
	}
	for (size_t i = 0; i < plan->nshares; i++) {
		const struct shim_vm_share *sh = &plan->shares[i];
		json_array_append_new(mounts, json_pack("{s:s,s:s,s:s,s:b}", "type", "9p", "tag", sh->tag, "target",
							sh->target, "readonly", sh->readonly));
	}
	json_t *m = json_pack("{s:s,s:o}", "op", "setup", "mounts", mounts);
	if (plan->hostname && *plan->hostname)
		json_object_set_new(m, "hostname", json_string(plan->hostname));
	if (plan->tap[0])
		json_object_set_new(m, "net", json_pack("{s:s,s:s,s:i,s:s,s:i}", "mac", plan->mac, "address",
							plan->net.ip, "prefix", plan->net.prefix, "gateway",
							plan->net.gateway, "mtu", (int)plan->net.mtu));
	return m;
}
