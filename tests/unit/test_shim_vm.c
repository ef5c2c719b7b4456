/* SPDX-License-Identifier: Apache-2.0 */
/* What the shim generates for a VM pod: sizes, MAC, disks and shares, the VMM config, pod init's setup, the initramfs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"
#include "sandbox/run_vm.h"
#include "shim/shim_vm.h"
#include "t.h"

static void test_sizes(void)
{
	CHECK(shim_vm_vcpus(0) == 1);
	CHECK(shim_vm_vcpus(1) == 1);
	CHECK(shim_vm_vcpus(1000) == 1);
	CHECK(shim_vm_vcpus(1001) == 2);
	CHECK(shim_vm_vcpus(2500) == 3);
	CHECK(shim_vm_vcpus(1000000) == SHIM_VM_MAX_CPUS);
	CHECK(shim_vm_mem_mib(0) == SHIM_VM_MEM_DEFAULT_MIB);
	CHECK(shim_vm_mem_mib(64LL << 20) == 64 + SHIM_VM_MEM_OVERHEAD_MIB);
	CHECK(shim_vm_mem_mib((64LL << 20) + 1) == 65 + SHIM_VM_MEM_OVERHEAD_MIB);
}

static void test_mac(void)
{
	char a[18], b[18], c[18];

	shim_vm_mac("0a1b2c3d-0000-4000-8000-000000000001", a);
	shim_vm_mac("0a1b2c3d-0000-4000-8000-000000000001", b);
	shim_vm_mac("0a1b2c3d-0000-4000-8000-000000000002", c);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK(strlen(a) == 17 && !strncmp(a, "02:a7:", 6)); /* locally administered, unicast */
}

static void test_net_params(void)
{
	struct net_pod_params np;

	CHECK(net_pod_params("10.244.1.0/24", "10.244.1.7", &np) == 0);
	CHECK_STR(np.ip, "10.244.1.7");
	CHECK_STR(np.gateway, "10.244.1.1");
	CHECK(np.prefix == 24 && np.mtu == 1500);
	CHECK(net_pod_params("10.244.1.0/24", "10.244.2.7", &np) < 0);   /* another range */
	CHECK(net_pod_params("10.244.1.0/24", "10.244.1.1", &np) < 0);   /* the gateway */
	CHECK(net_pod_params("10.244.1.0/24", "10.244.1.255", &np) < 0); /* broadcast */
	CHECK(net_pod_params("10.244.1.0/24", "bogus", &np) < 0);
}

static json_t *sandbox_json(void)
{
	return json_pack("{s:s,s:[s,s],s:[s,s],s:[{s:s,s:s,s:b},{s:s,s:s,s:s,s:b},{s:s,s:s,s:b}],s:I,s:I,s:s,s:s}",
			 "hostname", "web-0", "images", "/d/images/a/rootfs", "/d/images/b/rootfs", "image_disks",
			 "/d/images/a/rootfs.erofs", "/d/images/b/rootfs.erofs", "volumes", "host", "/p/volumes/cfg",
			 "guest", "/vol/cfg", "readonly", 1, "host", "/d/volumes/mnt/pv1", "guest", "/vol/data", "disk",
			 "/d/volumes/pv1.img", "readonly", 0, "host", "/p/volumes/scratch", "guest", "/vol/scratch",
			 "readonly", 0, "cpu_milli", (json_int_t)1500, "memory", (json_int_t)(128LL << 20), "isolation",
			 "vm", "guest_kernel", "/k/vmlinux");
}

static void test_plan_and_config(void)
{
	json_t *cfg = sandbox_json();
	struct shim_vm_plan plan;
	char msg[256];

	CHECK(shim_vm_plan(cfg, "/p", "/d/vm/initrd.cpio", &plan, msg, sizeof(msg)) == 0);
	CHECK(plan.vcpus == 2 && plan.mem_mib == 128 + SHIM_VM_MEM_OVERHEAD_MIB);
	CHECK(plan.cgroup_memory == (plan.mem_mib + SHIM_VM_VMM_OVERHEAD_MIB) << 20);
	CHECK(plan.cpu_milli == 1500);
	/* Two images and the claim disk are drives; the other two volumes and /etc are shares. */
	CHECK(plan.ndisks == 3 && plan.nshares == 3);
	snprintf(plan.tap, sizeof(plan.tap), "atl0123456789ab");
	shim_vm_mac("u", plan.mac);
	net_pod_params("10.244.1.0/24", "10.244.1.9", &plan.net);

	json_t *c = shim_vm_config(&plan);
	CHECK_STR(json_string_value(json_object_get(json_object_get(c, "boot-source"), "kernel_image_path")),
		  "/k/vmlinux");
	CHECK_STR(json_string_value(json_object_get(json_object_get(c, "boot-source"), "initrd_path")),
		  "/d/vm/initrd.cpio");
	CHECK(strstr(json_string_value(json_object_get(json_object_get(c, "boot-source"), "boot_args")),
		     "rdinit=/init") != NULL);
	CHECK(json_integer_value(json_object_get(json_object_get(c, "machine-config"), "vcpu_count")) == 2);
	json_t *drives = json_object_get(c, "drives");
	CHECK(json_array_size(drives) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(drives, 0), "drive_id")), "img0");
	CHECK_STR(json_string_value(json_object_get(json_array_get(drives, 1), "path_on_host")),
		  "/d/images/b/rootfs.erofs");
	CHECK(json_is_true(json_object_get(json_array_get(drives, 1), "is_read_only")));
	CHECK_STR(json_string_value(json_object_get(json_array_get(drives, 2), "drive_id")), "vol1");
	CHECK_STR(json_string_value(json_object_get(json_array_get(drives, 2), "path_on_host")), "/d/volumes/pv1.img");
	CHECK(json_is_false(json_object_get(json_array_get(drives, 2), "is_read_only")));
	json_t *shares = json_object_get(c, "shares");
	CHECK(json_array_size(shares) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(shares, 0), "tag")), "vol0");
	CHECK(json_is_true(json_object_get(json_array_get(shares, 0), "is_read_only")));
	CHECK_STR(json_string_value(json_object_get(json_array_get(shares, 1), "tag")), "vol2");
	CHECK_STR(json_string_value(json_object_get(json_array_get(shares, 1), "path_on_host")), "/p/volumes/scratch");
	CHECK_STR(json_string_value(json_object_get(json_array_get(shares, 2), "tag")), "etc");
	CHECK_STR(json_string_value(json_object_get(json_array_get(shares, 2), "path_on_host")), "/p/etc");
	CHECK_STR(json_string_value(json_object_get(json_object_get(c, "vsock"), "uds_path")), "/p/vm.vsock");
	CHECK(json_integer_value(json_object_get(json_object_get(c, "vsock"), "guest_cid")) == SHIM_VM_CID);
	json_t *nic = json_array_get(json_object_get(c, "network-interfaces"), 0);
	CHECK_STR(json_string_value(json_object_get(nic, "host_dev_name")), "atl0123456789ab");
	CHECK_STR(json_string_value(json_object_get(nic, "guest_mac")), plan.mac);
	CHECK_STR(json_string_value(json_object_get(c, "serial")), "file:/p/console.log");
	json_decref(c);

	/* Pod init mounts each where a namespace sandbox has it, and configures eth0. */
	json_t *s = shim_vm_setup(&plan), *m = json_object_get(s, "mounts");
	CHECK_STR(json_string_value(json_object_get(s, "op")), "setup");
	CHECK_STR(json_string_value(json_object_get(s, "hostname")), "web-0");
	CHECK(json_array_size(m) == 6);
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 0), "target")), "/images/0");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 0), "fstype")), "erofs");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 0), "serial")), "img0");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 2), "target")), "/volumes/1");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 2), "fstype")), "ext4");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 3), "type")), "9p");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 3), "target")), "/volumes/0");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 4), "target")), "/volumes/2");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 5), "tag")), "etc");
	CHECK_STR(json_string_value(json_object_get(json_array_get(m, 5), "target")), "/volumes/3");
	json_t *net = json_object_get(s, "net");
	CHECK_STR(json_string_value(json_object_get(net, "address")), "10.244.1.9");
	CHECK_STR(json_string_value(json_object_get(net, "gateway")), "10.244.1.1");
	CHECK(json_integer_value(json_object_get(net, "prefix")) == 24);
	CHECK(json_integer_value(json_object_get(net, "mtu")) == 1500);
	CHECK_STR(json_string_value(json_object_get(net, "mac")), plan.mac);
	json_decref(s);
	shim_vm_plan_release(&plan);

	/* Without a network: no interface, no net in setup. */
	CHECK(shim_vm_plan(cfg, "/p", "/i", &plan, msg, sizeof(msg)) == 0);
	c = shim_vm_config(&plan);
	s = shim_vm_setup(&plan);
	CHECK(!json_object_get(c, "network-interfaces") && !json_object_get(s, "net"));
	json_decref(c);
	json_decref(s);
	shim_vm_plan_release(&plan);
	json_decref(cfg);
}

static void test_plan_errors(void)
{
	struct shim_vm_plan plan;
	char msg[256];
	json_t *cfg = sandbox_json();

	json_object_del(cfg, "guest_kernel");
	CHECK(shim_vm_plan(cfg, "/p", "/i", &plan, msg, sizeof(msg)) < 0 && strstr(msg, "guest kernel"));
	json_object_set_new(cfg, "guest_kernel", json_string("/k"));
	json_array_remove(json_object_get(cfg, "image_disks"), 1);
	CHECK(shim_vm_plan(cfg, "/p", "/i", &plan, msg, sizeof(msg)) < 0 && strstr(msg, "image_disks"));
	json_decref(cfg);
}

static void test_initramfs(void)
{
	char dir[] = "/tmp/atoll-t-initrd-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char in[64], out[64];
	snprintf(in, sizeof(in), "%s/init", dir);
	snprintf(out, sizeof(out), "%s/initrd.cpio", dir);
	FILE *f = fopen(in, "w");
	fputs("#!init-bytes", f);
	fclose(f);
	CHECK(run_vm_initramfs(in, out) == 0);
	f = fopen(out, "r");
	char buf[4096];
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	CHECK(n > 0 && n % 4 == 0 && !strncmp(buf, "070701", 6));
	CHECK(memmem(buf, n, "init\0", 5) != NULL);
	CHECK(memmem(buf, n, "#!init-bytes", 12) != NULL);
	CHECK(memmem(buf, n, "run\0", 4) != NULL && memmem(buf, n, "TRAILER!!!", 10) != NULL);
	/* The init entry: a regular file, mode 0755, its size in the header. */
	const char *e = memmem(buf, n, "init\0", 5);
	const char *hdr = e ? e - 110 : NULL;
	CHECK(hdr && !strncmp(hdr + 14, "000081ED", 8) && !strncmp(hdr + 54, "0000000C", 8));
	CHECK(run_vm_initramfs("/nonexistent/init", out) < 0);
	unlink(in);
	unlink(out);
	rmdir(dir);
}

int main(void)
{
	test_sizes();
	test_mac();
	test_net_params();
	test_plan_and_config();
	test_plan_errors();
	test_initramfs();
	return T_DONE();
}
