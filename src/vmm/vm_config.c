/* SPDX-License-Identifier: Apache-2.0 */
/* VM configuration: a Firecracker-style JSON file and command-line flags (flags win). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? xstrdup(v) : NULL;
}

static int parse_mac(uint8_t mac[6], const char *s)
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -EINVAL;
		mac[i] = v[i];
	}
	return 0;
}

static int add_disk(struct vm_config *cfg, const char *path, bool ro, const char *id)
{
	struct vm_disk_cfg *d;

	if (cfg->nr_disks >= VM_MAX_DISKS) {
		log_error("vmm", "at most %d disks", VM_MAX_DISKS);
		return -EINVAL;
	}
	d = &cfg->disks[cfg->nr_disks++];
	d->path = xstrdup(path);
	d->ro = ro;
	d->id = id ? xstrdup(id) : NULL;
	return 0;
}

/* --disk PATH[,ro][,id=NAME] */
static int parse_disk(struct vm_config *cfg, const char *arg)
{
	_cleanup_free_ char *s = xstrdup(arg);
	char *save = NULL, *path = strtok_r(s, ",", &save), *opt;
	const char *id = NULL;
	bool ro = false;

	if (!path)
		return -EINVAL;
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "ro"))
			ro = true;
		else if (!strcmp(opt, "rw"))
			ro = false;
		else if (!strncmp(opt, "id=", 3))
			id = opt + 3;
		else
			return log_error("vmm", "--disk: unknown option '%s'", opt), -EINVAL;
	}
	return add_disk(cfg, path, ro, id);
}

static int add_share(struct vm_config *cfg, const char *tag, const char *path, bool ro)
{
	struct vm_share_cfg *sh;

	if (cfg->nr_shares >= VM_MAX_SHARES)
		return log_error("vmm", "at most %d shares", VM_MAX_SHARES), -EINVAL;
	if (!virtio_9p_tag_ok(tag))
		return log_error("vmm", "share tag '%s': want 1..%d of [A-Za-z0-9_.-]", tag,
				 VM_SHARE_TAG_MAX), -EINVAL;
	if (!*path)
		return log_error("vmm", "share %s: empty path", tag), -EINVAL;
	for (int i = 0; i < cfg->nr_shares; i++)
		if (!strcmp(cfg->shares[i].tag, tag))
			return log_error("vmm", "share tag '%s' given twice", tag), -EINVAL;
	sh = &cfg->shares[cfg->nr_shares++];
	sh->tag = xstrdup(tag);
	sh->path = xstrdup(path);
	sh->ro = ro;
	return 0;
}

/* --share TAG:PATH[:ro] (PATH may itself contain ':'; only a final ":ro" or ":rw" is an option) */
static int parse_share(struct vm_config *cfg, const char *arg)
{
	_cleanup_free_ char *s = xstrdup(arg);
	char *path = strchr(s, ':'), *opt;
	bool ro = false;

	if (!path)
		return log_error("vmm", "--share: want TAG:PATH[:ro]"), -EINVAL;
	*path++ = '\0';
	if ((opt = strrchr(path, ':')) && (!strcmp(opt, ":ro") || !strcmp(opt, ":rw"))) {
		ro = !strcmp(opt, ":ro");
		*opt = '\0';
	}
	return add_share(cfg, s, path, ro);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int vm_config_load_json(struct vm_config *cfg, const char *path)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je), *o, *v;
	size_t i;
	int r = 0;

	if (!root || !json_is_object(root)) {
		log_error("vmm", "%s:%d: %s", path, je.line, root ? "not a JSON object" : je.text);
		json_decref(root);
		return -EINVAL;
	}
	if ((o = json_object_get(root, "boot-source"))) {
		if (jstr(o, "kernel_image_path"))
			set_str(&cfg->kernel, jstr(o, "kernel_image_path"));
		if (jstr(o, "initrd_path"))
			set_str(&cfg->initrd, jstr(o, "initrd_path"));
		if (jstr(o, "boot_args"))
			set_str(&cfg->cmdline, jstr(o, "boot_args"));
	}
	if ((o = json_object_get(root, "machine-config"))) {
		if (json_is_integer(v = json_object_get(o, "vcpu_count")))
			cfg->cpus = json_integer_value(v);
		if (json_is_integer(v = json_object_get(o, "mem_size_mib")))
			cfg->mem_mib = json_integer_value(v);
	}
	json_array_foreach(json_object_get(root, "drives"), i, o) {
		const char *p = jstr(o, "path_on_host");

		if (!p) {
			log_error("vmm", "%s: drives[%zu] has no path_on_host", path, i);
			r = -EINVAL;
			break;
		}
		if ((r = add_disk(cfg, p, json_is_true(json_object_get(o, "is_read_only")),
				  jstr(o, "drive_id"))) < 0)
			break;
	}
	json_array_foreach(json_object_get(root, "shares"), i, o) {
		const char *tag = jstr(o, "tag"), *p = jstr(o, "path_on_host");

		if (!tag || !p) {
			log_error("vmm", "%s: shares[%zu] needs tag and path_on_host", path, i);
			r = -EINVAL;
			break;
		}
		if ((r = add_share(cfg, tag, p, json_is_true(json_object_get(o, "is_read_only")))) < 0)
			break;
	}
	json_array_foreach(json_object_get(root, "network-interfaces"), i, o) {
		if (i > 0) {
			log_error("vmm", "%s: only one network interface is supported", path);
			r = -EINVAL;
			break;
		}
		set_str(&cfg->tap, jstr(o, "host_dev_name"));
		if (jstr(o, "guest_mac")) {
			if (parse_mac(cfg->mac, jstr(o, "guest_mac")) < 0) {
				log_error("vmm", "%s: bad guest_mac", path);
				r = -EINVAL;
				break;
			}
			cfg->has_mac = true;
		}
	}
	if ((o = json_object_get(root, "vsock"))) {
		if (json_is_integer(v = json_object_get(o, "guest_cid")))
			cfg->vsock_cid = json_integer_value(v);
		set_str(&cfg->vsock_uds, jstr(o, "uds_path"));
	}
	if (json_object_get(root, "entropy"))
		cfg->rng = true;
	if (jstr(root, "serial"))
		set_str(&cfg->serial, jstr(root, "serial"));
	if (jstr(root, "api-socket"))
		set_str(&cfg->api_sock, jstr(root, "api-socket"));
	json_decref(root);
	return r;
}

enum {
	OPT_CONFIG = 256, OPT_KERNEL, OPT_INITRD, OPT_CMDLINE, OPT_MEM, OPT_CPUS, OPT_DISK,
	OPT_TAP, OPT_MAC, OPT_CID, OPT_UDS, OPT_API, OPT_SERIAL, OPT_RNG, OPT_NOSECCOMP, OPT_DEBUG,
	OPT_CGROUP, OPT_SHARE,
};

static const struct option opts[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "vsock-cid", required_argument, NULL, OPT_CID },
	{ "vsock-uds", required_argument, NULL, OPT_UDS },
	{ "api-sock", required_argument, NULL, OPT_API },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "rng", no_argument, NULL, OPT_RNG },
	{ "no-seccomp", no_argument, NULL, OPT_NOSECCOMP },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "share", required_argument, NULL, OPT_SHARE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_num(const char *flag, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s || v > max) {
		log_error("vmm", "--%s: bad number '%s'", flag, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* Returns 0, 1 for --help, or -EINVAL. */
int vm_config_parse_args(struct vm_config *cfg, int argc, char **argv)
{
	uint64_t n;
	int c, r = 0;

	cfg->mem_mib = 128;
	cfg->cpus = 1;
	/* The file first, so that flags override it wherever they appear. */
	for (int i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "--config") && (r = vm_config_load_json(cfg, argv[i + 1])) < 0)
			return r;
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--config=", 9) && (r = vm_config_load_json(cfg, argv[i] + 9)) < 0)
			return r;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: break;
		case OPT_KERNEL: set_str(&cfg->kernel, optarg); break;
		case OPT_INITRD: set_str(&cfg->initrd, optarg); break;
		case OPT_CMDLINE: set_str(&cfg->cmdline, optarg); break;
		case OPT_MEM:
			if (parse_num("mem", optarg, 1 << 20, &n) < 0 || n < 2)
				return -EINVAL;
			cfg->mem_mib = n;
			break;
		case OPT_CPUS:
			if (parse_num("cpus", optarg, VM_MAX_VCPUS, &n) < 0 || n < 1)
				return -EINVAL;
			cfg->cpus = n;
			break;
		case OPT_DISK:
			if (parse_disk(cfg, optarg) < 0)
				return -EINVAL;
			break;
		case OPT_TAP: set_str(&cfg->tap, optarg); break;
		case OPT_MAC:
			if (parse_mac(cfg->mac, optarg) < 0)
				return log_error("vmm", "--mac: want xx:xx:xx:xx:xx:xx"), -EINVAL;
			cfg->has_mac = true;
			break;
		case OPT_CID:
			if (parse_num("vsock-cid", optarg, UINT32_MAX, &n) < 0)
				return -EINVAL;
			cfg->vsock_cid = n;
			break;
		case OPT_UDS: set_str(&cfg->vsock_uds, optarg); break;
		case OPT_API: set_str(&cfg->api_sock, optarg); break;
		case OPT_SERIAL: set_str(&cfg->serial, optarg); break;
		case OPT_RNG: cfg->rng = true; break;
		case OPT_NOSECCOMP: cfg->no_seccomp = true; break;
		case OPT_DEBUG: log_level_max = LOG_DEBUG; break;
		case OPT_CGROUP:
			if (cfg->nr_cgroups == 8)
				return log_error("vmm", "at most 8 --cgroup"), -EINVAL;
			cfg->cgroups[cfg->nr_cgroups++] = xstrdup(optarg);
			break;
		case OPT_SHARE:
			if (parse_share(cfg, optarg) < 0)
				return -EINVAL;
			break;
		case 'h': return 1;
		default: return -EINVAL;
		}
	}
	if (optind < argc)
		return log_error("vmm", "unexpected argument '%s'", argv[optind]), -EINVAL;
	if (!cfg->kernel)
		return log_error("vmm", "no kernel: give --kernel or boot-source.kernel_image_path"), -EINVAL;
	if (cfg->cpus < 1 || cfg->cpus > VM_MAX_VCPUS || cfg->mem_mib < 2)
		return log_error("vmm", "bad machine config (1..%d vCPUs, >= 2 MiB)", VM_MAX_VCPUS), -EINVAL;
	if (cfg->vsock_cid && (cfg->vsock_cid < 3 || !cfg->vsock_uds))
		return log_error("vmm", "vsock needs a guest CID >= 3 and --vsock-uds"), -EINVAL;
	return 0;
}

void vm_config_free(struct vm_config *cfg)
{
	free(cfg->kernel);
	free(cfg->initrd);
	free(cfg->cmdline);
	for (int i = 0; i < cfg->nr_disks; i++) {
		free(cfg->disks[i].path);
		free(cfg->disks[i].id);
	}
	for (int i = 0; i < cfg->nr_shares; i++) {
		free(cfg->shares[i].tag);
		free(cfg->shares[i].path);
	}
	free(cfg->tap);
	free(cfg->vsock_uds);
	free(cfg->api_sock);
	free(cfg->serial);
	for (int i = 0; i < cfg->nr_cgroups; i++)
		free(cfg->cgroups[i]);
	memset(cfg, 0, sizeof(*cfg));
}
