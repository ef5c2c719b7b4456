/* SPDX-License-Identifier: Apache-2.0 */
/* state.json: what the shim knows about its pod, replaced atomically on every change. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "shim/shim_int.h"

static const char *state_name(enum shim_ctr_state s)
{
	switch (s) {
	case SC_CREATED: return "created";
	case SC_RUNNING: return "running";
	case SC_EXITED: return "exited";
	default: return "creating";
	}
}

json_t *shim_state_json(pid_t init_pid, const char *pod_ip, const struct shim_ctr *c, size_t n)
{
	json_t *o = json_object(), *cs = json_object();

	json_object_set_new(o, "pid", json_integer(init_pid));
	if (pod_ip && *pod_ip)
		json_object_set_new(o, "podIP", json_string(pod_ip));
	for (size_t i = 0; i < n; i++) {
		const struct shim_ctr *k = &c[i];
		json_t *e = json_pack("{s:s,s:i,s:b,s:i}", "state", state_name(k->state), "pid", (int)k->pid,
				      "oomKilled", k->oom, "restarts", k->restarts);
		if (k->state == SC_NONE && !k->creating && k->error[0])
			json_object_set_new(e, "error", json_string(k->error)); /* create failed: may be retried */
		if (k->started[0])
			json_object_set_new(e, "startedAt", json_string(k->started));
		if (k->state == SC_EXITED) {
			json_object_set_new(e, "finishedAt", json_string(k->finished));
			json_object_set_new(e, "exitCode", json_integer(k->exit_code));
			if (k->signal)
				json_object_set_new(e, "signal", json_integer(k->signal));
		}
		json_object_set_new(cs, k->name, e);
	}
	json_object_set_new(o, "containers", cs);
	return o;
}

int shim_state_write(const char *dir, const json_t *obj)
{
	_cleanup_free_ char *tmp = xasprintf("%s/state.json.tmp", dir);
	_cleanup_free_ char *path = xasprintf("%s/state.json", dir);
	/* One write: json_dumpfd would make a system call (and an inode update) per token. */
	_cleanup_free_ char *text = json_dumps(obj, JSON_COMPACT);
	size_t len = text ? strlen(text) : 0;
	int fd = text ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640) : -1;

	if (!text)
		return -ENOMEM;
	if (fd < 0)
		return -errno;
	struct iovec v[2] = { { text, len }, { (char *)"\n", 1 } };
	if (writev(fd, v, 2) != (ssize_t)len + 1) {
		int e = errno ? -errno : -EIO;
		close(fd);
		unlink(tmp);
		return e;
	}
	close(fd);
	return rename(tmp, path) < 0 ? -errno : 0;
}
