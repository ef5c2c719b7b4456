/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Images added to a running sandbox (an image update of a running pod): an
 * idmapped clone of the image tree, attached at /images/N inside the pod's
 * mount namespace, where containers created afterwards find it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "shim/shim_int.h"

static int attach(struct shim *s, const char *path, size_t idx, char *msg, size_t len)
{
	char p[64], dst[64];
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NODEV | MOUNT_ATTR_RDONLY };
	int r = -1;

	snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)s->sb.pid);
	int userns = open(p, O_RDONLY | O_CLOEXEC);
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)s->sb.pid);
	int mntns = open(p, O_RDONLY | O_CLOEXEC);
	int self = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	int tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	attr.userns_fd = (uint64_t)userns;
	if (userns < 0 || mntns < 0 || self < 0 || tree < 0) {
		snprintf(msg, len, "open %s and the pod's namespaces: %s", path, strerror(errno));
		goto out;
	}
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		snprintf(msg, len, "idmapped mount of %s: %s", path, strerror(errno));
		goto out;
	}
	if (setns(mntns, CLONE_NEWNS) < 0) {
		snprintf(msg, len, "enter the pod's mount namespace: %s", strerror(errno));
		goto out;
	}
	snprintf(dst, sizeof(dst), "/images/%zu", idx);
	if ((mkdir(dst, 0755) < 0 && errno != EEXIST) || lchown(dst, s->sb.uid_base, s->sb.uid_base) < 0 ||
	    move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		snprintf(msg, len, "attach %s: %s", dst, strerror(errno));
	else
		r = 0;
	if (setns(self, CLONE_NEWNS) < 0) {
		/* Everything after this would happen in the pod's mount namespace. */
		log_error("shim", "cannot return to the host mount namespace: %s", strerror(errno));
		abort();
	}
out:
	for (int *fd = (int[]){ userns, mntns, self, tree }, i = 0; i < 4; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return r;
}

void shim_op_add_image(struct shim *s, struct shim_conn *c, json_t *req)
{
	const char *path = json_string_value(json_object_get(req, "path"));
	json_t *imgs = json_object_get(s->cfg, "images"), *v;
	char msg[512], lower[32];
	struct stat st;
	size_t i;

	if (!path || path[0] != '/' || stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return shim_conn_reply(c, "add_image needs the path of an image tree", NULL);
	json_array_foreach(imgs, i, v) {
		if (json_string_value(v) && !strcmp(json_string_value(v), path)) {
			snprintf(lower, sizeof(lower), "/images/%zu", i);
			return shim_conn_reply(c, NULL, json_pack("{s:s}", "lower", lower));
		}
	}
	/* A VM's disks are fixed when it boots: a new image needs a new sandbox. */
	if (s->vm)
		return shim_conn_reply(c, "a VM pod cannot take a new image while it runs", NULL);
	if (attach(s, path, json_array_size(imgs), msg, sizeof(msg)) < 0)
		return shim_conn_reply(c, msg, NULL);
	snprintf(lower, sizeof(lower), "/images/%zu", json_array_size(imgs));
	json_array_append_new(imgs, json_string(path));
	shim_conn_reply(c, NULL, json_pack("{s:s}", "lower", lower));
}
