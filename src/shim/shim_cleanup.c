/* SPDX-License-Identifier: Apache-2.0 */
/* What a killed shim leaves on the host: its sandbox's cgroups, removed once they are empty. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "sandbox/sandbox.h"
#include "shim/shim.h"

void shim_cleanup_after(const char *pod_dir)
{
	_cleanup_free_ char *path = xasprintf("%s/state.json", pod_dir);
	json_t *st = json_load_file(path, 0, NULL), *v;
	json_int_t pid = json_integer_value(json_object_get(st, "pid"));
	size_t i;

	/* Pod init kills the pod and exits when its shim's socket closes: give it a moment. */
	for (int round = 0; pid > 1 && round < 40 && (kill((pid_t)pid, 0) == 0 || errno == EPERM); round++)
		usleep(50 * 1000);
	json_array_foreach(json_object_get(st, "cgroups"), i, v) {
		const char *d = json_string_value(v);
		/* Only what a sandbox makes: DIR/atoll/<id> under the cgroup mounts. */
		if (d && !strncmp(d, "/sys/fs/cgroup/", 15) && strstr(d, "/atoll/") && !strstr(d, ".."))
			sb_cgroup_remove_tree(d); /* its containers' cgroups first */
	}
	json_decref(st);
}
