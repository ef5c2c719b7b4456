/* SPDX-License-Identifier: Apache-2.0 */
/* Preparing a pod's volumes on the host and the mounts its containers get. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/env.h"
#include "agent/volumes.h"
#include "agent/volumes_int.h"
#include "api/quantity.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/rmtree.h"
#include "lib/xalloc.h"

#define DEFAULT_MODE 0644 /* defaultMode when unset: 420 */

void vol_set_release(struct vol_set *v)
{
	json_decref(v->sandbox);
	json_decref(v->mounts);
	v->sandbox = v->mounts = NULL;
}

void volumes_event(struct kclient *kc, const json_t *pod, const char *why)
{
	const json_t *meta = json_object_get(pod, "metadata");
	const char *ns = json_string_value(json_object_get(meta, "namespace")) ?: "default";
	const char *name = json_string_value(json_object_get(meta, "name")) ?: "";
	struct atoll_err err = ERR_INIT;
	char now[40];
	time_t t = time(NULL);
	struct tm tm;

	if (!kc)
		return;
	_cleanup_free_ char *gen = xasprintf("%s.", name);
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *ev = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:s,s:s,s:s?},s:s,s:s,s:s,s:{s:s},s:s,s:s,s:i,s:s}",
			       "apiVersion", "v1", "kind", "Event", "metadata", "generateName", gen, "namespace", ns,
			       "involvedObject", "apiVersion", "v1", "kind", "Pod", "namespace", ns, "name", name, "uid",
			       json_string_value(json_object_get(meta, "uid")), "reason", "FailedMount", "message", why,
			       "type", "Warning", "source", "component", "kubelet", "firstTimestamp", now,
			       "lastTimestamp", now, "count", 1, "reportingComponent", "kubelet");
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/events", ns);
	kclient_do(kc, "POST", path, "application/json", ev, NULL, &err);
	json_decref(ev);
}

/* GET a namespaced object (owned), or NULL when it does not exist or cannot be read. */
json_t *vol_get(struct kclient *kc, const char *ns, const char *resource, const char *name)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/%s/%s", ns, resource, name);
	json_t *obj = NULL;

	if (!kc || kclient_do(kc, "GET", path, NULL, NULL, &obj, &err) != 200) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static const char *pod_ns(const json_t *pod)
{
	return json_string_value(json_object_get(json_object_get(pod, "metadata"), "namespace")) ?: "default";
}

static gid_t pod_fsgroup(const json_t *pod)
{
	json_t *g = json_object_get(json_object_get(json_object_get(pod, "spec"), "securityContext"), "fsGroup");
	return json_is_integer(g) && json_integer_value(g) >= 0 ? (gid_t)json_integer_value(g) : (gid_t)-1;
}

static long mode_or(const json_t *v, long dflt)
{
	if (!v)
		return dflt;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0777)
		return -1;
	return (long)json_integer_value(v);
}

/* The files of one configMap, secret, downwardAPI or projected volume. */
static int fill_payload(struct kclient *kc, const json_t *pod, const json_t *vol, const char *dir,
			struct vol_payload *p, char *why, size_t n)
{
	const json_t *src;
	const char *ns = pod_ns(pod);
	gid_t fsg = pod_fsgroup(pod);
	/* With an fsGroup, the group may always read (the kubelet's SetVolumeOwnership). */
	mode_t extra = fsg != (gid_t)-1 ? 0440 : 0;
	int r = 0;

	if ((src = json_object_get(vol, "configMap")) || (src = json_object_get(vol, "secret"))) {
		bool secret = json_object_get(vol, "secret") != NULL;
		long dm = mode_or(json_object_get(src, "defaultMode"), DEFAULT_MODE);
		const char *name = json_string_value(json_object_get(src, secret ? "secretName" : "name"));
		if (dm < 0) {
			snprintf(why, n, "defaultMode must be between 0 and 0777");
			return -1;
		}
		json_t *obj = name ? vol_get_source(kc, ns, secret ? "secrets" : "configmaps", name) : NULL;
		r = vol_from_data(p, src, obj, secret, (mode_t)dm, why, n);
		json_decref(obj);
	} else if ((src = json_object_get(vol, "downwardAPI"))) {
		long dm = mode_or(json_object_get(src, "defaultMode"), DEFAULT_MODE);
		if (dm < 0) {
			snprintf(why, n, "defaultMode must be between 0 and 0777");
			return -1;
		}
		r = vol_from_downward(p, json_object_get(src, "items"), pod, (mode_t)dm, why, n);
	} else if ((src = json_object_get(vol, "projected"))) {
		r = vol_projected(kc, pod, src, dir, p, why, n);
	}
	for (size_t i = 0; i < p->n; i++)
		p->f[i].mode |= extra;
	return r;
}

/* mkdir -p rel under root without leaving it (symlinks a container made may point anywhere). */
static int mkdir_beneath(const char *root, const char *rel, mode_t mode)
{
	_cleanup_close_ int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", rel);
	for (char *save = NULL, *c = strtok_r(buf, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		struct open_how how = { .flags = O_PATH | O_CLOEXEC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
		if (mkdirat(fd, c, mode) == 0)
			fchmodat(fd, c, mode, 0); /* past the umask */
		else if (errno != EEXIST)
			return -errno;
		int next = (int)syscall(SYS_openat2, fd, c, &how, sizeof(how));
		if (next < 0)
			return -errno;
		close(fd);
		fd = next;
	}
	return fd < 0 ? -errno : 0;
}

/* A hostPath volume: check or create it per its type. Sets *file when it is not a directory. */
static int host_path(const json_t *hp, bool *file, char *why, size_t n)
{
	const char *path = json_string_value(json_object_get(hp, "path"));
	const char *type = json_string_value(json_object_get(hp, "type")) ?: "";
	struct stat st;

	if (!path || path[0] != '/') {
		snprintf(why, n, "hostPath.path must be an absolute path");
		return -1;
	}
	if (!strcmp(type, "DirectoryOrCreate") && mkdir(path, 0755) < 0 && errno != EEXIST) {
		snprintf(why, n, "hostPath %s: %s", path, strerror(errno));
		return -1;
	}
	if (!strcmp(type, "FileOrCreate")) {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
	if (stat(path, &st) < 0) {
		snprintf(why, n, "hostPath type check failed: %s does not exist", path);
		return -1;
	}
	static const struct { const char *type; mode_t fmt; } want[] = {
		{ "Directory", S_IFDIR }, { "DirectoryOrCreate", S_IFDIR }, { "File", S_IFREG },
		{ "FileOrCreate", S_IFREG }, { "Socket", S_IFSOCK }, { "CharDevice", S_IFCHR },
		{ "BlockDevice", S_IFBLK },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strcmp(type, want[i].type) && (st.st_mode & S_IFMT) != want[i].fmt) {
			snprintf(why, n, "hostPath type check failed: %s is not a %s", path, type);
			return -1;
		}
	*file = !S_ISDIR(st.st_mode);
	return 0;
}

/* An emptyDir: a directory everyone may write (as the kubelet's 0777), on tmpfs for medium Memory. */
static int empty_dir(const json_t *ed, const char *dir, gid_t fsg, char *why, size_t n)
{
	const char *medium = json_string_value(json_object_get(ed, "medium")) ?: "";
	const char *limit = json_string_value(json_object_get(ed, "sizeLimit"));
	mode_t mode = fsg != (gid_t)-1 ? 02777 : 0777;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(why, n, "emptyDir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!strcmp(medium, "Memory")) {
		struct quantity q;
		int64_t bytes = 0;
		char opt[128];
		if (limit && (quantity_parse(limit, &q, NULL) < 0 || quantity_value(&q, &bytes) < 0)) {
			snprintf(why, n, "emptyDir sizeLimit %s is not a quantity", limit);
			return -1;
		}
		/* Without a limit the kubelet sizes it by the pod's memory; tmpfs's default (half of RAM) is close. */
		int k = snprintf(opt, sizeof(opt), "mode=%o,uid=0,gid=%u", (unsigned)mode,
				 fsg != (gid_t)-1 ? (unsigned)fsg : 0u);
		if (bytes > 0)
			snprintf(opt + k, sizeof(opt) - (size_t)k, ",size=%lld", (long long)bytes);
		struct stat a, b;
		_cleanup_free_ char *parent = xasprintf("%s/..", dir);
		bool mounted = stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
		if (!mounted && mount("atoll-emptydir", dir, "tmpfs", MS_NOSUID | MS_NODEV, opt) < 0) {
			snprintf(why, n, "emptyDir tmpfs on %s: %s", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (chown(dir, 0, fsg != (gid_t)-1 ? fsg : 0) < 0 || chmod(dir, mode) < 0) {
		snprintf(why, n, "emptyDir %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A directory in memory at dir (made when missing): the pod's directory when
 * that is on a tmpfs already (the node's runtime directory, agent/rundir.h),
 * else a small tmpfs of its own, unless one is there already (a later
 * update). No mount per pod keeps the host's mount table small, which every
 * new sandbox copies.
 */
static int memory_dir(const char *dir, char *why, size_t n)
{
	struct stat a, b;
	struct statfs fs;
	_cleanup_free_ char *parent = xasprintf("%s/..", dir);

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(why, n, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev)
		return 0;
	if (statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC)
		return 0;
	/* Secrets are at most 1 MiB each; a projected volume holds a few. */
	if (mount("atoll-secret", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=16m") < 0) {
		snprintf(why, n, "tmpfs on %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Where each volume went: its index in the sandbox list and the part of it to mount. */
struct placed {
	const char *name; /* borrowed from the pod */
	int index;        /* -1: not placed */
	char *sub;        /* owned: "" or "/file" for a hostPath file */
	char *host;       /* owned: host directory */
	bool ro;
};

/* vdir: the volumes' directory in the pod's runtime directory; disk_vdir: the one on disk. */
static int place_one(struct kclient *kc, const json_t *pod, const json_t *vol, const char *vdir,
		     const char *disk_vdir, const char *data_dir, struct placed *pl, char *why, size_t n,
		     bool *retry)
{
	const json_t *src;
	gid_t fsg = pod_fsgroup(pod);

	pl->sub = xstrdup("");
	if ((src = json_object_get(vol, "emptyDir"))) {
		/* On the node's disk as the kubelet's; medium Memory gets its tmpfs in the runtime directory. */
		const char *medium = json_string_value(json_object_get(src, "medium")) ?: "";
		const char *where = strcmp(medium, "Memory") ? disk_vdir : vdir;
		if (where == disk_vdir && mkdir(disk_vdir, 0755) < 0 && errno != EEXIST) {
			snprintf(why, n, "mkdir %s: %s", disk_vdir, strerror(errno));
			return -1;
		}
		pl->host = xasprintf("%s/%s", where, pl->name);
		return empty_dir(src, pl->host, fsg, why, n);
	}
	if ((src = json_object_get(vol, "hostPath"))) {
		bool file = false;
		if (host_path(src, &file, why, n) < 0)
			return -1;
		const char *path = json_string_value(json_object_get(src, "path"));
		if (file) {
			/* The sandbox binds directories: give it the parent and mount the file from it. */
			const char *slash = strrchr(path, '/');
			pl->host = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
			free(pl->sub);
			pl->sub = xstrdup(slash);
		} else {
			pl->host = xstrdup(path);
		}
		return 0;
	}
	if ((src = json_object_get(vol, "persistentVolumeClaim"))) {
		pl->ro = json_is_true(json_object_get(src, "readOnly"));
		const char *claim = json_string_value(json_object_get(src, "claimName"));
		return vol_disk_attach(kc, pod, claim ? claim : "", false, vdir, data_dir, &pl->host, why, n, retry);
	}
	if (json_object_get(vol, "ephemeral")) {
		/* Its claim, made by the persistentvolume controller, is named <pod>-<volume>. */
		const char *pname = json_string_value(json_object_get(json_object_get(pod, "metadata"), "name")) ?: "";
		_cleanup_free_ char *claim = xasprintf("%s-%s", pname, pl->name);
		return vol_disk_attach(kc, pod, claim, true, vdir, data_dir, &pl->host, why, n, retry);
	}
	if (json_object_get(vol, "configMap") || json_object_get(vol, "secret") ||
	    json_object_get(vol, "downwardAPI") || json_object_get(vol, "projected")) {
		struct vol_payload p = { 0 };
		pl->host = xasprintf("%s/%s", vdir, pl->name);
		pl->ro = true;
		/* As the kubelet: secrets and service account tokens live in memory, never on the node's disk. */
		if ((json_object_get(vol, "secret") || json_object_get(vol, "projected")) &&
		    memory_dir(pl->host, why, n) < 0)
			return -1;
		int r = fill_payload(kc, pod, vol, pl->host, &p, why, n);
		if (r == 0 && (r = vol_atomic_write(pl->host, &p, fsg)) < 0)
			snprintf(why, n, "writing volume %s: %s", pl->name, strerror(-r));
		else if (r < 0)
			/* A missing object may appear; a bad spec will not change. */
			*retry = strstr(why, "not found") || strstr(why, "non-existent") || strstr(why, "token");
		vol_payload_release(&p);
		return r < 0 ? -1 : 0;
	}
	snprintf(why, n, "volume %s: unsupported volume type", pl->name);
	return -1;
}

char *vol_expand(const char *expr, const json_t *env)
{
	struct buf b = BUF_INIT;

	for (const char *s = expr; *s;) {
		if (s[0] == '$' && s[1] == '$') {
			buf_addc(&b, '$'); /* $$ is a literal $ */
			s += 2;
			continue;
		}
		const char *end = s[0] == '$' && s[1] == '(' ? strchr(s + 2, ')') : NULL;
		const char *val = NULL;
		if (end) {
			size_t len = (size_t)(end - s - 2), i;
			json_t *v;
			json_array_foreach(env, i, v) {
				const char *kv = json_string_value(v);
				if (kv && !strncmp(kv, s + 2, len) && kv[len] == '=')
					val = kv + len + 1; /* later definitions win, as in the environment */
			}
		}
		if (val) {
			buf_adds(&b, val);
			s = end + 1;
		} else {
			/* Unknown references stay as written, as Kubernetes leaves them. */
			buf_addc(&b, *s++);
		}
	}
	return buf_detach(&b, NULL);
}

/* One container's mounts (appended to out); -1 with why on a bad volumeMount. */
static int container_mounts(struct kclient *kc, const json_t *pod, const json_t *c, struct placed *pl, size_t npl,
			    json_t *out, char *why, size_t n, bool *retry)
{
	size_t i;
	json_t *vm, *env = NULL;
	int rc = -1;

	json_array_foreach(json_object_get(c, "volumeMounts"), i, vm) {
		const char *name = json_string_value(json_object_get(vm, "name"));
		const char *target = json_string_value(json_object_get(vm, "mountPath"));
		const char *sub = json_string_value(json_object_get(vm, "subPath"));
		const char *expr = json_string_value(json_object_get(vm, "subPathExpr"));
		_cleanup_free_ char *expanded = NULL;
		struct placed *p = NULL;

		if (expr && *expr && sub && *sub) {
			snprintf(why, n, "volumeMount %s: subPath and subPathExpr are mutually exclusive", name ? name : "");
			goto out;
		}
		if (expr && *expr) {
			/* $(VAR) from the container's own environment (env, envFrom, the downward API). */
			if (!env && !(env = env_resolve(kc, pod, c, why, n))) {
				*retry = true;
				goto out;
			}
			sub = expanded = vol_expand(expr, env);
		}

		for (size_t k = 0; k < npl; k++)
			if (name && !strcmp(pl[k].name, name))
				p = &pl[k];
		if (!p || p->index < 0) {
			snprintf(why, n, "volumeMount %s: no volume named %s", target ? target : "", name ? name : "");
			goto out;
		}
		if (!target || target[0] != '/') {
			snprintf(why, n, "volumeMount %s: mountPath must be absolute", name);
			goto out;
		}
		if (sub && *sub) {
			if (!vol_path_ok(sub, false, why, n))
				goto out;
			if (*p->sub) {
				snprintf(why, n, "volumeMount %s: subPath of a file volume", name);
				goto out;
			}
			/* As the kubelet, a missing subPath of a writable volume is created. */
			struct stat st;
			_cleanup_free_ char *hp = xasprintf("%s/%s", p->host, sub);
			int r = 0;
			if (!p->ro && lstat(hp, &st) < 0 && (r = mkdir_beneath(p->host, sub, 0777)) < 0) {
				snprintf(why, n, "subPath %s of volume %s: %s", sub, name, strerror(-r));
				goto out;
			}
		}
		char source[4400];
		if (sub && *sub)
			snprintf(source, sizeof(source), VOL_GUEST_ROOT "/%d/%s", p->index, sub);
		else
			snprintf(source, sizeof(source), VOL_GUEST_ROOT "/%d%s", p->index, p->sub);
		json_array_append_new(out, json_pack("{s:s,s:s,s:b}", "source", source, "target", target, "readonly",
						     json_is_true(json_object_get(vm, "readOnly")) || p->ro));
	}
	rc = 0;
out:
	json_decref(env);
	return rc;
}

static void placed_release(struct placed *pl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(pl[i].sub);
		free(pl[i].host);
	}
	free(pl);
}

int volumes_prepare(struct kclient *kc, const json_t *pod, const char *pod_dir, const char *disk_dir,
		    const char *data_dir, struct vol_set *out, char *why, size_t n, bool *retry)
{
	const json_t *spec = json_object_get(pod, "spec");
	const json_t *vols = json_object_get(spec, "volumes");
	size_t nv = json_array_size(vols), i;
	struct placed *pl = xcalloc(nv ? nv : 1, sizeof(*pl));
	_cleanup_free_ char *vdir = xasprintf("%s/volumes", pod_dir);
	_cleanup_free_ char *disk_vdir = xasprintf("%s/volumes", disk_dir);
	json_t *v;
	int rc = -1;

	*retry = false;
	out->sandbox = json_array();
	out->mounts = json_object();
	if (nv && mkdir(vdir, 0755) < 0 && errno != EEXIST) {
		snprintf(why, n, "mkdir %s: %s", vdir, strerror(errno));
		goto out;
	}
	json_array_foreach(vols, i, v) {
		pl[i].index = -1;
		pl[i].name = json_string_value(json_object_get(v, "name"));
		if (!pl[i].name || !vol_path_ok(pl[i].name, true, why, n) || strchr(pl[i].name, '/')) {
			snprintf(why, n, "volume %zu: bad name", i);
			goto out;
		}
		if (place_one(kc, pod, v, vdir, disk_vdir, data_dir, &pl[i], why, n, retry) < 0)
			goto out;
		pl[i].index = (int)json_array_size(out->sandbox);
		char guest[64];
		snprintf(guest, sizeof(guest), VOL_GUEST_ROOT "/%d", pl[i].index);
		json_array_append_new(out->sandbox, json_pack("{s:s,s:s,s:b}", "host", pl[i].host, "guest", guest,
							      "readonly", pl[i].ro));
	}
	static const char *const lists[] = { "initContainers", "containers", "ephemeralContainers" };
	for (size_t l = 0; l < 3; l++) {
		json_t *c;
		json_array_foreach(json_object_get(spec, lists[l]), i, c) {
			json_t *m = json_array();
			json_object_set_new(out->mounts, json_string_value(json_object_get(c, "name")) ?: "", m);
			if (container_mounts(kc, pod, c, pl, nv, m, why, n, retry) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	placed_release(pl, nv);
	if (rc < 0)
		vol_set_release(out);
	return rc;
}

int volumes_refresh(struct kclient *kc, const json_t *pod, const char *pod_dir, char *why, size_t n)
{
	size_t i;
	json_t *v;
	int rc = 0;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "volumes"), i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		struct vol_payload p = { 0 };
		if (!name || strchr(name, '/') ||
		    !(json_object_get(v, "configMap") || json_object_get(v, "secret") ||
		      json_object_get(v, "downwardAPI") || json_object_get(v, "projected")))
			continue;
		_cleanup_free_ char *dir = xasprintf("%s/volumes/%s", pod_dir, name);
		/* On an error the volume keeps its last good contents, as with the kubelet. */
		if (fill_payload(kc, pod, v, dir, &p, why, n) < 0)
			rc = -1;
		else if (vol_atomic_write(dir, &p, pod_fsgroup(pod)) < 0)
			rc = -1, snprintf(why, n, "writing volume %s: %s", name, strerror(errno));
		vol_payload_release(&p);
	}
	return rc;
}


void volumes_teardown(const char *pod_dir, const char *disk_dir, const char *data_dir)
{
	_cleanup_free_ char *vdir = xasprintf("%s/volumes", pod_dir);
	_cleanup_free_ char *disk_vdir = xasprintf("%s/volumes", disk_dir);
	struct stat top, st;

	rmtree(disk_vdir);
	if (stat(vdir, &top) < 0)
		return;
	vol_disk_release_all(vdir, data_dir);
	/* Memory-backed emptyDirs (and anything else mounted here) go first; the walk stays on this filesystem. */
	DIR *d = opendir(vdir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", vdir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && st.st_dev != top.st_dev &&
		    umount2(p, MNT_DETACH) < 0)
			log_warn("agent", "unmount %s: %s", p, strerror(errno));
	}
	if (d)
		closedir(d);
	rmtree(vdir);
}
