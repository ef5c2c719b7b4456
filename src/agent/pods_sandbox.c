/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's sandbox from the agent's side: its images, sandbox.json (host
 * name, images, limits as the kubelet sizes a pod, network), and its shim,
 * adopted when one already runs, spawned otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/client.h"
#include "agent/kcache.h"
#include "agent/pods_int.h"
#include "agent/pods.h"
#include "agent/pull_auth.h"
#include "agent/resources.h"
#include "auth/auth_quota.h"
#include "api/quantity.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "shim/shim.h"

static char *guest_kernel; /* --guest-kernel, or NULL */

void pods_guest_kernel(const char *path)
{
	free(guest_kernel);
	guest_kernel = path && *path ? xstrdup(path) : NULL;
}

/* The kernel VM pods boot: --guest-kernel, else what `make guest-kernel` cached (returns owned), or NULL. */
static char *find_guest_kernel(void)
{
	const char *home = getenv("HOME");
	static const char *const names[] = { "vmlinux", "bzImage" };

	if (guest_kernel)
		return xstrdup(guest_kernel);
	for (size_t i = 0; home && *home && i < 2; i++) {
		char *p = xasprintf("%s/.cache/atoll/guest-kernel/%s", home, names[i]);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/* The sandbox could not be made: why into p->error, and the kubelet's event once per new reason (retries back off). */
static void sandbox_failed(struct loop *l, struct pod *p, const char *why)
{
	if (strcmp(why, p->error))
		pods_event(l, p, NULL, "Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: %s", why);
	snprintf(p->error, sizeof(p->error), "%s", why);
	snprintf(p->error_reason, sizeof(p->error_reason), "CreatePodSandboxError");
}

/*
 * Which sandbox the pod gets: its RuntimeClass's handler ("vm" or
 * "namespace"), or without one the node's default (vm where the node offers
 * it). 0 with p->vm set, or -1 with why.
 */
static int choose_isolation(struct loop *l, struct pod *p, char *why, size_t n)
{
	const char *rc = json_string_value(json_object_get(p->spec, "runtimeClassName"));
	const char *handler = NULL;
	json_t *obj = NULL;

	if (!rc || !*rc) {
		p->vm = agent_node_vm();
		return 0;
	}
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/apis/node.k8s.io/v1/runtimeclasses/%s", rc);
	if (kclient_do(l->kc, "GET", path, NULL, NULL, &obj, &err) == 200)
		handler = json_string_value(json_object_get(obj, "handler"));
	else if (!strcmp(rc, "atoll-vm") || !strcmp(rc, "atoll-namespace"))
		handler = rc + 6; /* the built-in classes, should the API not answer */
	int r = 0;
	if (!handler || (strcmp(handler, "vm") && strcmp(handler, "namespace"))) {
		snprintf(why, n, "RuntimeClass \"%s\": %s%s%s", rc,
			 handler ? "handler \"" : "cannot be read", handler ? handler : "",
			 handler ? "\" is not one this node runs (vm, namespace)" : "");
		r = -1;
	} else if (!strcmp(handler, "vm") && !agent_node_vm()) {
		snprintf(why, n, "RuntimeClass \"%s\": this node has no VM isolation "
			 "(no hardware virtualization)", rc);
		r = -1;
	} else {
		p->vm = !strcmp(handler, "vm");
	}
	json_decref(obj);
	return r;
}

/* Prepare every distinct image once (the cache makes this cheap after the first time); VM pods also need its erofs disk. */
int pods_prepare_images(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;

	for (size_t i = 0; i < p->nimgs; i++) {
		if (p->imgs[i].rootfs && (!p->vm || p->imgs[i].erofs))
			continue;
		if (p->imgs[i].rootfs)
			image_release(&p->imgs[i]);
		struct pull_auth pa;
		pull_auth_for(l->kc, p->ns, p->spec, p->refs[i], &pa);
		int r = image_prepare_auth(p->refs[i], l->agent_dir, p->vm, &pa.a, &p->imgs[i], &err);
		pull_auth_release(&pa);
		if (r < 0) {
			snprintf(p->error, sizeof(p->error), "%s: %s", p->refs[i], err.msg);
			snprintf(p->error_reason, sizeof(p->error_reason), "ErrImagePull");
			memset(&p->imgs[i], 0, sizeof(p->imgs[i]));
			return -1;
		}
	}
	p->images_ready = true;
	for (size_t i = 0; i < p->nimgs; i++)
		pods_event(l, p, NULL, "Normal", "Pulled", "Container image \"%s\" is ready", p->refs[i]);
	return 0;
}

/*
 * The pod's limits as the kubelet sizes a sandbox: max(largest init
 * container, sum of the others), for a resource only when every container
 * has a limit on it (one unlimited container leaves the pod unlimited).
 */
static void pod_limits(const struct pod *p, int64_t *cpu_milli, int64_t *memory)
{
	int64_t cpu = 0, mem = 0, icpu = 0, imem = 0;
	bool cpu_all = true, mem_all = true;

	for (size_t i = 0; i < p->nreg; i++) { /* ephemeral containers have no resources */
		int64_t c = res_ctr_limit(p->c[i].spec, "cpu"), m = res_ctr_limit(p->c[i].spec, "memory");
		if (p->c[i].is_init && !p->c[i].sidecar) { /* sidecars run beside the app: they add up */
			icpu = c > icpu ? c : icpu;
			imem = m > imem ? m : imem;
			cpu_all &= c > 0;
			mem_all &= m > 0;
		} else {
			cpu += c;
			mem += m;
			cpu_all &= c > 0;
			mem_all &= m > 0;
		}
	}
	*cpu_milli = !cpu_all ? 0 : cpu > icpu ? cpu : icpu;
	*memory = !mem_all ? 0 : mem > imem ? mem : imem;
}

char *pods_node_cidr(struct loop *l)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/api/v1/nodes/%s", l->node);
	json_t *node = NULL;
	char *cidr = NULL;

	if (kclient_do(l->kc, "GET", path, NULL, NULL, &node, &err) == 200) {
		const char *c = json_string_value(json_object_get(json_object_get(node, "spec"), "podCIDR"));
		if (c && *c)
			cidr = xstrdup(c);
	}
	json_decref(node);
	return cidr;
}

/*
 * The limits of the namespace's resource pool (the parent cgroup of all its
 * sandboxes) from its ResourceQuotas. -1 with p->error when they cannot be
 * read: starting the sandbox without them would lift the pool's limits.
 */
static int pool_limits(struct loop *l, struct pod *p, long *cpu_milli, long long *memory)
{
	/* From the watched cache once it has listed: a burst of pods costs no request each. */
	if (l->quotas && kcache_synced(l->quotas)) {
		json_t *all = kcache_items(l->quotas), *mine = json_array(), *q;
		size_t i;
		json_array_foreach(all, i, q) {
			const char *ns = json_string_value(json_object_get(json_object_get(q, "metadata"), "namespace"));
			if (ns && !strcmp(ns, p->ns))
				json_array_append(mine, q);
		}
		quota_pool_limits(mine, cpu_milli, memory);
		json_decref(mine);
		json_decref(all);
		return 0;
	}
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/resourcequotas", p->ns);
	json_t *list = NULL;
	int code = kclient_do(l->kc, "GET", path, NULL, NULL, &list, &err);

	if (code == 200)
		quota_pool_limits(list, cpu_milli, memory);
	else
		snprintf(p->error, sizeof(p->error), "reading the ResourceQuotas of %s: %s", p->ns,
			 code < 0 ? err.msg : "refused");
	json_decref(list);
	return code == 200 ? 0 : -1;
}

static int write_sandbox_json(struct loop *l, struct pod *p)
{
	const char *hn = json_string_value(json_object_get(p->spec, "hostname"));
	const char *h = hn && *hn ? hn : p->name;
	/* A host name is at most a DNS label. */
	_cleanup_free_ char *host = xstrndup(h, 63);
	int64_t cpu, mem;
	long pool_cpu = 0;
	long long pool_mem = 0;

	pod_limits(p, &cpu, &mem);
	if (*p->ns && pool_limits(l, p, &pool_cpu, &pool_mem) < 0)
		return -1;
	json_t *imgs = json_array();
	for (size_t i = 0; i < p->nimgs; i++)
		json_array_append_new(imgs, json_string(p->imgs[i].rootfs));
	json_t *vols = p->vols.sandbox ? json_deep_copy(p->vols.sandbox) : json_array();
	json_t *v;
	size_t vi;
	/* A VM takes a claim's disk as a block device when no other pod here uses it (volumes_vm_disk). */
	json_array_foreach(p->vm ? vols : NULL, vi, v) {
		const char *host = json_string_value(json_object_get(v, "host"));
		char *disk = host ? volumes_vm_disk(l->data_dir, host, p->uid) : NULL;
		if (disk)
			json_object_set_new(v, "disk", json_string(disk));
		free(disk);
	}
	json_t *o = json_pack("{s:s,s:o,s:o,s:I,s:I,s:i,s:b,s:s,s:s}", "hostname", host, "images", imgs, "volumes",
			      vols, "cpu_milli", (json_int_t)cpu, "memory", (json_int_t)mem, "pids", 0, "network", 0,
			      "namespace", p->ns, "log_dir", p->disk_dir);
	if (json_array_size(json_object_get(p->spec, "hostAliases")))
		json_object_set(o, "hostAliases", json_object_get(p->spec, "hostAliases"));
	json_object_set_new(o, "isolation", json_string(p->vm ? "vm" : "namespace"));
	if (p->vm) {
		/* The guest mounts each image from its erofs disk (src/shim/shim_vm.h). */
		char *kernel = find_guest_kernel();
		if (!kernel) {
			json_decref(o);
			sandbox_failed(l, p, "no guest kernel for VM isolation: start the agent with --guest-kernel "
				       "PATH, or run make guest-kernel");
			return -1;
		}
		json_object_set_new(o, "guest_kernel", json_string(kernel));
		free(kernel);
		json_t *disks = json_array();
		for (size_t i = 0; i < p->nimgs; i++)
			json_array_append_new(disks, json_string(p->imgs[i].erofs ? p->imgs[i].erofs : ""));
		json_object_set_new(o, "image_disks", disks);
	}
	if (pool_cpu > 0)
		json_object_set_new(o, "pool_cpu_milli", json_integer(pool_cpu));
	if (pool_mem > 0)
		json_object_set_new(o, "pool_memory", json_integer(pool_mem));
	/* Pod networking is opt-in (--pod-network) until every node has it; it needs the Node's podCIDR. */
	if (l->pod_network && !json_is_true(json_object_get(p->spec, "hostNetwork"))) {
		char *cidr = pods_node_cidr(l);
		if (cidr) {
			json_object_set_new(o, "network", json_true());
			json_object_set_new(o, "pod_cidr", json_string(cidr));
			free(cidr);
		}
	}
	_cleanup_free_ char *path = xasprintf("%s/sandbox.json", p->dir);
	int r = json_dump_file(o, path, JSON_INDENT(1));
	json_decref(o);
	if (r < 0) {
		snprintf(p->error, sizeof(p->error), "%s: cannot write", path);
		return -1;
	}
	return 0;
}

/* The pod's two directories: in the runtime directory and on disk (pods_int.h). */
static void make_dirs(struct loop *l, struct pod *p)
{
	_cleanup_free_ char *run = xasprintf("%s/pods", l->run_dir);
	_cleanup_free_ char *disk = xasprintf("%s/pods", l->data_dir);

	mkdir(run, 0700);
	mkdir(p->dir, 0700);
	mkdir(l->data_dir, 0700);
	mkdir(disk, 0700);
	mkdir(p->disk_dir, 0700);
}

int pods_prepare_volumes(struct loop *l, struct pod *p)
{
	char why[sizeof(p->error)];
	bool retry = false;

	if (p->vols.sandbox)
		return 0;
	make_dirs(l, p);
	if (volumes_prepare(l->kc, p->obj, p->dir, p->disk_dir, l->data_dir, &p->vols, why, sizeof(why), &retry) < 0) {
		/* One event per new reason, not one per retry. */
		if (strcmp(why, p->error))
			volumes_event(l->kc, p->obj, why);
		snprintf(p->error, sizeof(p->error), "%s", why);
		/* As the kubelet: a missing source waits in ContainerCreating, a bad spec is a config error. */
		snprintf(p->error_reason, sizeof(p->error_reason), "%s",
			 retry ? "ContainerCreating" : "CreateContainerConfigError");
		return -1;
	}
	p->vols_refresh_at = time(NULL) + 60;
	return 0;
}

/* Prepare a new sandbox and fork its shim; p->spawn_fd then reports when it is up. */
static int sandbox_begin(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;
	char why[sizeof(p->error)];

	if (choose_isolation(l, p, why, sizeof(why)) < 0) {
		sandbox_failed(l, p, why);
		return -1;
	}
	for (size_t i = 0; p->vm && i < p->nimgs; i++)
		if (!p->imgs[i].erofs)
			p->images_ready = false;
	if (!p->images_ready && pods_prepare_images(l, p) < 0)
		return -1;
	if (pods_prepare_volumes(l, p) < 0)
		return -1;
	make_dirs(l, p);
	if (write_sandbox_json(l, p) < 0)
		return -1;
	/* A new sandbox: the old one's state and logs (if any) are history. */
	_cleanup_free_ char *st = xasprintf("%s/state.json", p->dir);
	unlink(st);
	if ((p->spawn_fd = shim_spawn_begin(p->dir, l->shim_dir, &err)) < 0) {
		snprintf(p->error, sizeof(p->error), "%s", err.msg);
		snprintf(p->error_reason, sizeof(p->error_reason), "CreatePodSandboxError");
		return -1;
	}
	return 0;
}

static bool adopt(struct pod *p)
{
	struct atoll_err err = ERR_INIT;

	p->fd = shim_connect(p->dir, &err);
	if (p->fd >= 0)
		log_info("agent", "pod %s/%s: adopted its running sandbox", p->ns, p->name);
	return p->fd >= 0;
}

void pods_spawn_early(struct loop *l, struct pod *p)
{
	if (p->finished || p->deleting || p->fd >= 0 || p->spawn_fd >= 0 || p->state || time(NULL) < p->retry_at)
		return;
	/* Adopting needs nothing else: images are prepared when a container is (re)created. */
	if (!adopt(p) && sandbox_begin(l, p) < 0)
		p->early_failed = true; /* sandbox_up reports it */
}

int pods_sandbox_up(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;

	if (p->early_failed) {
		p->early_failed = false;
		return -1;
	}
	if (p->spawn_fd < 0) {
		if (adopt(p))
			return 0;
		if (sandbox_begin(l, p) < 0)
			return -1;
	}
	int fd = p->spawn_fd;
	p->spawn_fd = -1;
	if (shim_spawn_finish(fd, p->dir, &err) < 0 || (p->fd = shim_connect(p->dir, &err)) < 0) {
		sandbox_failed(l, p, err.msg);
		return -1;
	}
	pods_event(l, p, NULL, "Normal", "SandboxCreated", "Pod sandbox created with %s isolation",
		   p->vm ? "vm (a KVM micro-VM)" : "namespace");
	return 0;
}
