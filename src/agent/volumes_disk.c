/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Claim disks on the node: a PersistentVolume of the atoll.dev/local
 * provisioner is a sparse file DATA/volumes/<pv>.img holding ext4, attached
 * to a loop device and mounted on DATA/volumes/mnt/<pv> while pods on this
 * node use it. Capacity is the filesystem's size; a grown volume grows the
 * file and the filesystem (offline, with e2fsprogs) at its next mount.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/volumes.h"
#include "agent/volumes_int.h"
#include "api/quantity.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define LOCAL_DRIVER "atoll.dev/local"
#define MIN_DISK     (8LL << 20) /* ext4 with a journal needs a few MiB of its own */

/*
 * Run a tool of e2fsprogs and wait for it. Writing an ext4 filesystem (or
 * growing one) is a large, subtle on-disk format job that e2fsprogs does
 * right; doing it ourselves would be a second, worse mkfs.
 */
static int run_tool(char *const argv[], int ok_max, char *why, size_t n)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) > ok_max) {
		snprintf(why, n, "%s failed (status %d)%s", argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			 WIFEXITED(st) && WEXITSTATUS(st) == 127 ? ": is e2fsprogs installed?" : "");
		return -1;
	}
	return 0;
}

/* Attach file to a free loop device (cleared automatically when its last user goes). Returns its fd. */
static int loop_attach(int filefd, char *dev, size_t devlen, char *why, size_t n)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0) {
		snprintf(why, n, "/dev/loop-control: %s", strerror(errno));
		return -1;
	}
	/* Another process may take the free device between GET_FREE and CONFIGURE: try again. */
	for (int tries = 0; tries < 32; tries++) {
		int nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (nr < 0)
			break;
		snprintf(dev, devlen, "/dev/loop%d", nr);
		int fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && mknod(dev, S_IFBLK | 0600, makedev(7, (unsigned)nr)) == 0)
			fd = open(dev, O_RDWR | O_CLOEXEC); /* no devtmpfs to make the node for us */
		if (fd < 0)
			break;
		struct loop_config cfg = { .fd = (unsigned)filefd };
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		if (ioctl(fd, LOOP_CONFIGURE, &cfg) == 0)
			return fd;
		int e = errno;
		close(fd);
		if (e != EBUSY) {
			errno = e;
			break;
		}
	}
	snprintf(why, n, "attach a loop device: %s", strerror(errno));
	return -1;
}

static bool is_mounted(const char *dir)
{
	struct stat a, b;
	_cleanup_free_ char *parent = xasprintf("%s/..", dir);

	return stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

int vol_disk_mount(const char *data_dir, const char *pv, long long bytes, const char *mnt, char *why, size_t n)
{
	_cleanup_free_ char *img = xasprintf("%s/volumes/%s.img", data_dir, pv);
	char dev[64];
	bool fresh = false, grow = false;
	struct stat st;

	if (bytes < MIN_DISK)
		bytes = MIN_DISK;
	_cleanup_close_ int fd = open(img, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		fd = open(img, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		fresh = fd >= 0;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, n, "disk %s: %s", img, strerror(errno));
		return -1;
	}
	if (fresh || st.st_size < bytes) {
		/* Sparse: blocks are taken only as data is written. */
		if (ftruncate(fd, bytes) < 0) {
			snprintf(why, n, "size disk %s: %s", img, strerror(errno));
			goto fail;
		}
		grow = !fresh;
	}
	if (fresh) {
		char *argv[] = { "mkfs.ext4", "-q", "-F", "-m", "0", "-E",
				 "lazy_itable_init=1,lazy_journal_init=1,nodiscard", img, NULL };
		if (run_tool(argv, 0, why, n) < 0)
			goto fail;
	}
	if (grow) {
		/*
		 * Offline growth before the mount: online resizing needs an ioctl
		 * that some hosts (containers) refuse. resize2fs wants a freshly
		 * checked filesystem; e2fsck exits 1 when it fixed something.
		 */
		char *fsck[] = { "e2fsck", "-f", "-p", img, NULL };
		char *resize[] = { "resize2fs", img, NULL };
		if (run_tool(fsck, 1, why, n) < 0 || run_tool(resize, 0, why, n) < 0)
			log_warn("agent", "growing %s: %s", img, why);
	}
	int lfd = loop_attach(fd, dev, sizeof(dev), why, n);
	if (lfd < 0)
		goto fail;
	int r = mount(dev, mnt, "ext4", MS_NOSUID | MS_NODEV, NULL);
	int e = errno;
	close(lfd); /* the mount holds the device now; unmounting frees it */
	if (r < 0) {
		snprintf(why, n, "mount %s on %s: %s", img, mnt, strerror(e));
		goto fail;
	}
	if (fresh && chmod(mnt, 0777) < 0)
		log_warn("agent", "chmod %s: %s", mnt, strerror(errno));
	return 0;
fail:
	if (fresh)
		unlink(img);
	return -1;
}

/*
 * Remember whether a disk outlives its volume object: with reclaim policy
 * Retain the data is the admin's to remove, so the disk GC must not take it
 * even after the PersistentVolume is deleted (and no longer tells its policy).
 */
static void mark_retain(const char *data_dir, const char *pv, const char *policy)
{
	_cleanup_free_ char *m = xasprintf("%s/volumes/%s.retain", data_dir, pv);

	if (policy && !strcmp(policy, "Delete")) {
		unlink(m);
	} else {
		int fd = open(m, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
}

/* The directory a claim's volume gives pods (owned), or NULL with why and maybe *retry. */
/* Whether obj has an ownerReference to uid. */
static bool owned_by(const json_t *obj, const char *uid)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "uid")) ?: "", uid))
			return true;
	return false;
}

/* The uid of the VM pod that has disk pv as a block device, into out; false when none has. */
static bool vm_user(const char *data_dir, const char *pv, char *out, size_t n)
{
	_cleanup_free_ char *p = xasprintf("%s/volumes/vm/%s", data_dir, pv);
	FILE *f = fopen(p, "re");
	bool r = f && fgets(out, (int)n, f);

	if (f)
		fclose(f);
	if (r)
		out[strcspn(out, "\n")] = '\0';
	return r && out[0];
}

static char *claim_dir(struct kclient *kc, const json_t *pod, const char *claim, bool ephemeral,
		       const char *data_dir, char **disk, bool *one_pod, char *why, size_t n, bool *retry)
{
	const char *ns = json_string_value(json_object_get(json_object_get(pod, "metadata"), "namespace")) ?: "default";
	struct atoll_err err = ERR_INIT;
	json_t *pvc = vol_get(kc, ns, "persistentvolumeclaims", claim), *pv = NULL;
	char *out = NULL;
	_cleanup_free_ char *path = NULL;

	*retry = true;
	const char *vname = json_string_value(json_object_get(json_object_get(pvc, "spec"), "volumeName"));
	const char *phase = json_string_value(json_object_get(json_object_get(pvc, "status"), "phase"));
	if (!pvc) {
		snprintf(why, n, "persistentvolumeclaim \"%s\" not found", claim);
		goto out;
	}
	const char *pod_uid = json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid")) ?: "";
	if (ephemeral && !owned_by(pvc, pod_uid)) {
		/* Someone else's claim by that name: it must not become this pod's scratch space. */
		snprintf(why, n, "PVC %s/%s was not created for pod %s (pod is not owner)", ns, claim,
			 json_string_value(json_object_get(json_object_get(pod, "metadata"), "name")) ?: "");
		goto out;
	}
	if (!vname || !*vname || !phase || strcmp(phase, "Bound")) {
		snprintf(why, n, "persistentvolumeclaim \"%s\" is not bound", claim);
		goto out;
	}
	const json_t *modes = json_object_get(json_object_get(pvc, "spec"), "accessModes");
	*one_pod = json_array_size(modes) == 1 &&
		   !strcmp(json_string_value(json_array_get(modes, 0)) ?: "", "ReadWriteOncePod");
	path = xasprintf("/api/v1/persistentvolumes/%s", vname);
	if (kclient_do(kc, "GET", path, NULL, NULL, &pv, &err) != 200) {
		snprintf(why, n, "persistentvolume \"%s\" not found", vname);
		goto out;
	}
	const json_t *spec = json_object_get(pv, "spec"), *src;
	*retry = false;
	if ((src = json_object_get(spec, "csi")) &&
	    !strcmp(json_string_value(json_object_get(src, "driver")) ?: "", LOCAL_DRIVER)) {
		const char *h = json_string_value(json_object_get(src, "volumeHandle"));
		const char *cap = json_string_value(json_object_get(json_object_get(spec, "capacity"), "storage"));
		struct quantity q;
		int64_t bytes = 0;
		if (!h || !*h || h[0] == '.' || strchr(h, '/') || !cap || quantity_parse(cap, &q, NULL) < 0 ||
		    quantity_value(&q, &bytes) < 0) {
			snprintf(why, n, "persistentvolume \"%s\": bad volumeHandle or capacity", vname);
			goto out;
		}
		out = xasprintf("%s/volumes/mnt/%s", data_dir, h);
		*disk = xstrdup(h);
		mark_retain(data_dir, h, json_string_value(json_object_get(spec, "persistentVolumeReclaimPolicy")));
		char vm[128];
		if (vm_user(data_dir, h, vm, sizeof(vm))) {
			/* A VM has the disk as a block device: mounting it here too would corrupt it. */
			if (strcmp(vm, pod_uid)) {
				snprintf(why, n, "persistentvolume \"%s\" is attached to the VM of pod %s", vname, vm);
				*retry = true;
				free(out);
				out = NULL;
			}
		} else if (!is_mounted(out) && (mkdir(out, 0700) < 0 && errno != EEXIST)) {
			snprintf(why, n, "mkdir %s: %s", out, strerror(errno));
			free(out);
			out = NULL;
		} else if (!is_mounted(out) && vol_disk_mount(data_dir, h, (long long)bytes, out, why, n) < 0) {
			free(out);
			out = NULL;
		}
	} else if ((src = json_object_get(spec, "hostPath")) || (src = json_object_get(spec, "local"))) {
		const char *p = json_string_value(json_object_get(src, "path"));
		struct stat st;
		if (p && p[0] == '/' && json_object_get(spec, "hostPath"))
			mkdir(p, 0755);
		if (!p || p[0] != '/' || stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			snprintf(why, n, "persistentvolume \"%s\": path %s is not a directory", vname, p ? p : "");
		else
			out = xstrdup(p);
	} else {
		snprintf(why, n, "persistentvolume \"%s\": unsupported volume source", vname);
	}
out:
	json_decref(pvc);
	json_decref(pv);
	return out;
}

static int lock_volumes(const char *data_dir)
{
	_cleanup_free_ char *dir = xasprintf("%s/volumes", data_dir);
	_cleanup_free_ char *mnt = xasprintf("%s/volumes/mnt", data_dir);
	_cleanup_free_ char *users = xasprintf("%s/volumes/users", data_dir);
	_cleanup_free_ char *lock = xasprintf("%s/volumes/.lock", data_dir);

	mkdir(data_dir, 0700);
	mkdir(dir, 0700);
	mkdir(mnt, 0700);
	mkdir(users, 0700);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	return fd;
}

static void prune_users(const char *data_dir, const char *ud);

int vol_disk_attach(struct kclient *kc, const json_t *pod, const char *claim, bool ephemeral, const char *vdir,
		    const char *data_dir, char **host, char *why, size_t n, bool *retry)
{
	const char *uid = json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid")) ?: "nouid";
	_cleanup_free_ char *disk = NULL;
	_cleanup_close_ int lk = lock_volumes(data_dir); /* held until we return */

	bool one_pod = false;

	(void)lk;
	*host = claim_dir(kc, pod, claim, ephemeral, data_dir, &disk, &one_pod, why, n, retry);
	if (!*host)
		return -1;
	if (!disk)
		return 0;
	/* Who uses the disk: one file per pod, so the last pod to go unmounts it. */
	_cleanup_free_ char *ud = xasprintf("%s/volumes/users/%s", data_dir, disk);
	_cleanup_free_ char *uf = xasprintf("%s/%s", ud, uid);
	_cleanup_free_ char *rec = xasprintf("%s/..disks", vdir);
	mkdir(ud, 0700);
	if (one_pod) {
		/* ReadWriteOncePod: another pod here that still uses it keeps this one waiting. */
		prune_users(data_dir, ud);
		DIR *d = opendir(ud);
		struct dirent *e;
		bool other = false;
		while (d && (e = readdir(d)))
			other = other || (e->d_name[0] != '.' && strcmp(e->d_name, uid));
		if (d)
			closedir(d);
		if (other) {
			snprintf(why, n, "persistentvolumeclaim \"%s\" is ReadWriteOncePod and another pod uses it", claim);
			free(*host);
			*host = NULL;
			*retry = true;
			return -1;
		}
	}
	int fd = open(uf, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	/* One line per disk, even when the pod's volumes are prepared again. */
	char line[512], want[512];
	bool seen = false;
	snprintf(want, sizeof(want), "%s %s\n", disk, uid);
	FILE *f = fopen(rec, "re");
	while (f && fgets(line, sizeof(line), f))
		seen = seen || !strcmp(line, want);
	if (f)
		fclose(f);
	if (!seen && (f = fopen(rec, "ae"))) {
		fputs(want, f);
		fclose(f);
	}
	gid_t fsg = (gid_t)-1;
	json_t *g = json_object_get(json_object_get(json_object_get(pod, "spec"), "securityContext"), "fsGroup");
	if (json_is_integer(g) && json_integer_value(g) >= 0)
		fsg = (gid_t)json_integer_value(g);
	if (fsg != (gid_t)-1 && (chown(*host, (uid_t)-1, fsg) < 0 || chmod(*host, 02777) < 0))
		log_warn("agent", "fsGroup on %s: %s", *host, strerror(errno));
	return 0;
}

/*
 * Forget users of a disk whose pods have no record of it any more (their
 * directory went while no agent ran, say), so they cannot keep it mounted.
 */
static void prune_users(const char *data_dir, const char *ud)
{
	DIR *d = opendir(ud);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		/* Pod directories are in the runtime directory, DATA/run (agent/rundir.h). */
		_cleanup_free_ char *rec = xasprintf("%s/run/pods/%s/volumes/..disks", data_dir, e->d_name);
		if (access(rec, F_OK) < 0) {
			_cleanup_free_ char *uf = xasprintf("%s/%s", ud, e->d_name);
			unlink(uf);
		}
	}
	if (d)
		closedir(d);
}

void vol_disk_release_all(const char *vdir, const char *data_dir)
{
	_cleanup_free_ char *rec = xasprintf("%s/..disks", vdir);
	FILE *f = fopen(rec, "re");
	char disk[256], uid[128];

	if (!f)
		return;
	_cleanup_close_ int lk = lock_volumes(data_dir); /* held until we return */
	(void)lk;
	while (fscanf(f, "%255s %127s", disk, uid) == 2) {
		if (disk[0] == '.' || strchr(disk, '/') || uid[0] == '.' || strchr(uid, '/'))
			continue;
		_cleanup_free_ char *ud = xasprintf("%s/volumes/users/%s", data_dir, disk);
		_cleanup_free_ char *uf = xasprintf("%s/%s", ud, uid);
		unlink(uf);
		char vm[128];
		if (vm_user(data_dir, disk, vm, sizeof(vm)) && !strcmp(vm, uid)) {
			_cleanup_free_ char *vf = xasprintf("%s/volumes/vm/%s", data_dir, disk);
			unlink(vf); /* the VM is gone: the host may mount the disk again */
		}
		prune_users(data_dir, ud);
		if (rmdir(ud) < 0 && errno == ENOTEMPTY)
			continue; /* another pod here still uses it */
		_cleanup_free_ char *mnt = xasprintf("%s/volumes/mnt/%s", data_dir, disk);
		if (is_mounted(mnt) && umount2(mnt, MNT_DETACH) < 0)
			log_warn("agent", "unmount %s: %s", mnt, strerror(errno));
		rmdir(mnt);
	}
	fclose(f);
	unlink(rec);
}

char *volumes_vm_disk(const char *data_dir, const char *host, const char *pod_uid)
{
	_cleanup_free_ char *mnts = xasprintf("%s/volumes/mnt/", data_dir);
	size_t ml = strlen(mnts);
	char vm[128];

	if (strncmp(host, mnts, ml) || !host[ml] || strchr(host + ml, '/') || host[ml] == '.')
		return NULL;
	const char *pv = host + ml;
	_cleanup_close_ int lk = lock_volumes(data_dir); /* held until we return */
	(void)lk;
	_cleanup_free_ char *img = xasprintf("%s/volumes/%s.img", data_dir, pv);
	if (access(img, R_OK | W_OK) < 0)
		return NULL;
	if (vm_user(data_dir, pv, vm, sizeof(vm)))
		return strcmp(vm, pod_uid) ? NULL : xstrdup(img); /* ours already (adopted, or set up again) */
	/* Only while this pod alone uses it: others keep sharing the host's mount. */
	_cleanup_free_ char *ud = xasprintf("%s/volumes/users/%s", data_dir, pv);
	prune_users(data_dir, ud);
	DIR *d = opendir(ud);
	struct dirent *e;
	bool other = false;
	while (d && (e = readdir(d)))
		other = other || (e->d_name[0] != '.' && strcmp(e->d_name, pod_uid));
	if (d)
		closedir(d);
	if (other)
		return NULL;
	/* Recorded first, so that no other pod mounts it from the moment it is unmounted. */
	_cleanup_free_ char *vdir = xasprintf("%s/volumes/vm", data_dir);
	_cleanup_free_ char *vf = xasprintf("%s/volumes/vm/%s", data_dir, pv);
	mkdir(vdir, 0700);
	FILE *f = fopen(vf, "we");
	bool ok = f && fprintf(f, "%s\n", pod_uid) > 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok) {
		log_warn("agent", "%s: cannot record a VM's use; sharing the directory instead", vf);
		unlink(vf);
		return NULL;
	}
	if (is_mounted(host) && umount2(host, 0) < 0) {
		log_warn("agent", "unmount %s for a VM: %s; sharing the directory instead", host, strerror(errno));
		unlink(vf);
		return NULL;
	}
	return xstrdup(img);
}

void volumes_gc(struct kclient *kc, const char *data_dir)
{
	struct atoll_err err = ERR_INIT;
	json_t *list = NULL;
	_cleanup_free_ char *dir = xasprintf("%s/volumes", data_dir);

	/* No disks here, no question to ask the API server. */
	DIR *d = opendir(dir);
	struct dirent *e;
	bool any = false;
	while (d && !any && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		any = len > 4 && !strcmp(e->d_name + len - 4, ".img");
	}
	if (d)
		closedir(d);
	if (!any || !kc || kclient_do(kc, "GET", "/api/v1/persistentvolumes", NULL, NULL, &list, &err) != 200) {
		json_decref(list);
		return;
	}
	d = opendir(dir);
	_cleanup_close_ int lk = d ? lock_volumes(data_dir) : -1; /* held until we return */
	(void)lk;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".img"))
			continue;
		bool known = false;
		size_t i;
		json_t *pv;
		_cleanup_free_ char *name = xstrndup(e->d_name, len - 4);
		json_array_foreach(json_object_get(list, "items"), i, pv) {
			const json_t *spec = json_object_get(pv, "spec");
			const char *h = json_string_value(json_object_get(json_object_get(spec, "csi"), "volumeHandle"));
			if (!h || strcmp(h, name))
				continue;
			known = true;
			/* The policy may change while the volume lives (Released volumes are often set to Retain). */
			mark_retain(data_dir, name,
				    json_string_value(json_object_get(spec, "persistentVolumeReclaimPolicy")));
		}
		_cleanup_free_ char *mnt = xasprintf("%s/mnt/%s", dir, name);
		_cleanup_free_ char *keep = xasprintf("%s/%s.retain", dir, name);
		if (known || is_mounted(mnt) || access(keep, F_OK) == 0)
			continue;
		/* Its volume was deleted (reclaim policy Delete): the data goes with it. */
		_cleanup_free_ char *img = xasprintf("%s/%s", dir, e->d_name);
		log_info("agent", "removing the disk of deleted volume %s", name);
		unlink(img);
		rmdir(mnt);
	}
	if (d)
		closedir(d);
	json_decref(list);
}
