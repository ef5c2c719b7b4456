/* SPDX-License-Identifier: Apache-2.0 */
/* What a killed shim leaves on the host: its sandbox's cgroups, removed once they are empty. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "sandbox/sandbox.h"
#include "shim/shim.h"

/* Whether pid runs `atoll vmm --config POD_DIR/vm.json` (pids are reused). */
static bool is_vmm(pid_t pid, const char *pod_dir)
{
	char path[64], args[4096];
	const char *arg[4] = { 0 };
	_cleanup_free_ char *want = xasprintf("%s/vm.json", pod_dir);

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(args, 1, sizeof(args) - 1, f) : 0, k = 0;
	if (f)
		fclose(f);
	args[n] = '\0';
	/* NUL-separated: "atoll", "vmm", "--config", PATH. */
	for (size_t off = 0; off < n && k < 4; off += strlen(args + off) + 1)
		arg[k++] = args + off;
	return k == 4 && !strcmp(arg[1], "vmm") && !strcmp(arg[2], "--config") && !strcmp(arg[3], want);
}

void shim_cleanup_after(const char *pod_dir)
{
	_cleanup_free_ char *path = xasprintf("%s/state.json", pod_dir);
	json_t *st = json_load_file(path, 0, NULL), *v;
	json_int_t pid = json_integer_value(json_object_get(st, "pid"));
	size_t i;

	/* Pod init kills the pod and exits when its shim's socket closes: give it a moment. */
	for (int round = 0; pid > 1 && round < 40 && (kill((pid_t)pid, 0) == 0 || errno == EPERM); round++)
		usleep(50 * 1000);
	/* A VM pod's pid is its VMM: one whose guest did not power off goes now (if it is still ours). */
	const char *iso = json_string_value(json_object_get(st, "isolation"));
	if (pid > 1 && iso && !strcmp(iso, "vm") && kill((pid_t)pid, 0) == 0 && is_vmm((pid_t)pid, pod_dir)) {
		kill((pid_t)pid, SIGKILL);
		for (int round = 0; round < 40 && kill((pid_t)pid, 0) == 0; round++)
			usleep(50 * 1000);
	}
	json_array_foreach(json_object_get(st, "cgroups"), i, v) {
		const char *d = json_string_value(v);
		/* Only what a sandbox makes: DIR/atoll/<id> under the cgroup mounts. */
		if (d && !strncmp(d, "/sys/fs/cgroup/", 15) && strstr(d, "/atoll/") && !strstr(d, ".."))
			sb_cgroup_remove_tree(d); /* its containers' cgroups first */
	}
	json_decref(st);
}
