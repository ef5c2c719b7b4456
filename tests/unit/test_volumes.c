/* SPDX-License-Identifier: Apache-2.0 */
/* Pod volumes: path checks, configMap/secret/downwardAPI files, the atomic writer, mounts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "agent/volumes.h"
#include "agent/volumes_int.h"
#include "t.h"

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static const struct vol_file *file_of(const struct vol_payload *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].path, path))
			return &p->f[i];
	return NULL;
}

static void test_paths(void)
{
	char why[200];

	CHECK(vol_path_ok("a", false, why, sizeof(why)));
	CHECK(vol_path_ok("a/b/c.txt", true, why, sizeof(why)));
	CHECK(vol_path_ok("a..b", true, why, sizeof(why)));
	CHECK(!vol_path_ok("", false, why, sizeof(why)));
	CHECK(!vol_path_ok(NULL, false, why, sizeof(why)));
	CHECK(!vol_path_ok("/etc/passwd", false, why, sizeof(why)));
	CHECK(strstr(why, "relative") != NULL);
	CHECK(!vol_path_ok("..", false, why, sizeof(why)));
	CHECK(!vol_path_ok("a/../../b", false, why, sizeof(why)));
	CHECK(strstr(why, "'..'") != NULL);
	CHECK(!vol_path_ok("a/..", false, why, sizeof(why)));
	CHECK(!vol_path_ok("..data", true, why, sizeof(why)));
	CHECK(vol_path_ok("..data", false, why, sizeof(why)));
}

static void test_expand(void)
{
	json_t *env = json_pack("[s,s,s]", "POD=web-0", "NS=team", "POD=web-1");
	char *s;

	CHECK_STR(s = vol_expand("logs/$(POD)", env), "logs/web-1");
	free(s);
	CHECK_STR(s = vol_expand("$(NS)/$(POD)/x", env), "team/web-1/x");
	free(s);
	CHECK_STR(s = vol_expand("$$(POD)/$(NOPE)/$(", env), "$(POD)/$(NOPE)/$(");
	free(s);
	json_decref(env);
}

static void test_data(void)
{
	struct vol_payload p = { 0 };
	char why[200] = "";
	json_t *cm = json_pack("{s:{s:s,s:s},s:{s:s}}", "data", "a.conf", "x=1", "b", "bee", "binaryData", "bin",
			       "AAEC/w==");
	json_t *src = json_pack("{s:s}", "name", "cm");

	CHECK(vol_from_data(&p, src, cm, false, 0644, why, sizeof(why)) == 0);
	CHECK(p.n == 3);
	CHECK(file_of(&p, "a.conf") && file_of(&p, "a.conf")->len == 3 && file_of(&p, "a.conf")->mode == 0644);
	const struct vol_file *bin = file_of(&p, "bin");
	CHECK(bin && bin->len == 4 && bin->data[0] == 0 && bin->data[1] == 1 && bin->data[3] == 0xff);
	vol_payload_release(&p);

	/* items choose keys, paths and modes */
	json_decref(src);
	src = json_pack("{s:s,s:[{s:s,s:s,s:i},{s:s,s:s}]}", "name", "cm", "items", "key", "a.conf", "path",
			"conf/app.conf", "mode", 0600, "key", "b", "path", "bee.txt");
	CHECK(vol_from_data(&p, src, cm, false, 0444, why, sizeof(why)) == 0);
	CHECK(p.n == 2);
	CHECK(file_of(&p, "conf/app.conf") && file_of(&p, "conf/app.conf")->mode == 0600);
	CHECK(file_of(&p, "bee.txt") && file_of(&p, "bee.txt")->mode == 0444);
	vol_payload_release(&p);

	/* a missing key, then a bad path */
	json_decref(src);
	src = json_pack("{s:s,s:[{s:s,s:s}]}", "name", "cm", "items", "key", "nope", "path", "x");
	CHECK(vol_from_data(&p, src, cm, false, 0644, why, sizeof(why)) < 0);
	CHECK_STR(why, "configmap references non-existent config key: nope");
	json_object_set_new(src, "optional", json_true());
	CHECK(vol_from_data(&p, src, cm, false, 0644, why, sizeof(why)) == 0 && p.n == 0);
	json_decref(src);
	src = json_pack("{s:s,s:[{s:s,s:s}]}", "name", "cm", "items", "key", "b", "path", "../escape");
	CHECK(vol_from_data(&p, src, cm, false, 0644, why, sizeof(why)) < 0);
	json_decref(src);
	src = json_pack("{s:s,s:[{s:s,s:s,s:i}]}", "name", "cm", "items", "key", "b", "path", "x", "mode", 01777);
	CHECK(vol_from_data(&p, src, cm, false, 0644, why, sizeof(why)) < 0);

	/* absent objects */
	json_decref(src);
	src = json_pack("{s:s}", "name", "gone");
	CHECK(vol_from_data(&p, src, NULL, false, 0644, why, sizeof(why)) < 0);
	CHECK_STR(why, "configmap \"gone\" not found");
	json_decref(src);
	src = json_pack("{s:s}", "secretName", "gone");
	CHECK(vol_from_data(&p, src, NULL, true, 0644, why, sizeof(why)) < 0);
	CHECK_STR(why, "secret \"gone\" not found");
	json_object_set_new(src, "optional", json_true());
	CHECK(vol_from_data(&p, src, NULL, true, 0644, why, sizeof(why)) == 0 && p.n == 0);

	/* secrets are base64 */
	json_t *sec = json_pack("{s:{s:s}}", "data", "password", "aHVudGVyMg==");
	CHECK(vol_from_data(&p, src, sec, true, 0400, why, sizeof(why)) == 0);
	CHECK(p.n == 1 && p.f[0].len == 7 && !memcmp(p.f[0].data, "hunter2", 7) && p.f[0].mode == 0400);
	vol_payload_release(&p);
	json_decref(sec);
	json_decref(src);
	json_decref(cm);
}

static void test_downward(void)
{
	struct vol_payload p = { 0 };
	char why[200] = "";
	json_t *pod = json_pack("{s:{s:s,s:s,s:s,s:{s:s,s:s},s:{s:s}},s:{s:[{s:s,s:{s:{s:s,s:s},s:{s:s}}}]}}",
				"metadata", "name", "web", "namespace", "team", "uid", "u-1", "labels", "app", "web",
				"tier", "fr\"ont", "annotations", "note", "hi", "spec", "containers", "name", "c",
				"resources", "limits", "cpu", "250m", "memory", "64Mi", "requests", "memory", "32Mi");
	json_t *items = json_pack("[{s:s,s:{s:s}},{s:s,s:{s:s}},{s:s,s:{s:s},s:i},{s:s,s:{s:s,s:s,s:s}},"
				  "{s:s,s:{s:s,s:s,s:s}},{s:s,s:{s:s,s:s}},{s:s,s:{s:s}}]",
				  "path", "name", "fieldRef", "fieldPath", "metadata.name",
				  "path", "labels", "fieldRef", "fieldPath", "metadata.labels",
				  "path", "app", "fieldRef", "fieldPath", "metadata.labels['app']", "mode", 0600,
				  "path", "cpu", "resourceFieldRef", "containerName", "c", "resource", "limits.cpu",
				  "divisor", "1m",
				  "path", "mem", "resourceFieldRef", "containerName", "c", "resource",
				  "requests.memory", "divisor", "1Mi",
				  "path", "cores", "resourceFieldRef", "containerName", "c", "resource", "limits.cpu",
				  "path", "uid", "fieldRef", "fieldPath", "metadata.uid");

	CHECK(vol_from_downward(&p, items, pod, 0644, why, sizeof(why)) == 0);
	CHECK(p.n == 7);
	CHECK(file_of(&p, "name") && !strcmp((char *)file_of(&p, "name")->data, "web"));
	CHECK(file_of(&p, "labels") && !strcmp((char *)file_of(&p, "labels")->data, "app=\"web\"\ntier=\"fr\\\"ont\""));
	CHECK(file_of(&p, "app") && !strcmp((char *)file_of(&p, "app")->data, "web") && file_of(&p, "app")->mode == 0600);
	CHECK(file_of(&p, "cpu") && !strcmp((char *)file_of(&p, "cpu")->data, "250"));
	CHECK(file_of(&p, "mem") && !strcmp((char *)file_of(&p, "mem")->data, "32"));
	CHECK(file_of(&p, "cores") && !strcmp((char *)file_of(&p, "cores")->data, "1"));
	CHECK(file_of(&p, "uid") && !strcmp((char *)file_of(&p, "uid")->data, "u-1"));
	vol_payload_release(&p);
	json_decref(items);
	items = json_pack("[{s:s,s:{s:s}}]", "path", "x", "fieldRef", "fieldPath", "status.bogus");
	CHECK(vol_from_downward(&p, items, pod, 0644, why, sizeof(why)) < 0);
	json_decref(items);
	items = json_pack("[{s:s,s:{s:s}}]", "path", "/abs", "fieldRef", "fieldPath", "metadata.name");
	CHECK(vol_from_downward(&p, items, pod, 0644, why, sizeof(why)) < 0);
	vol_payload_release(&p);
	json_decref(items);
	json_decref(pod);
}

static void test_atomic(const char *tmp)
{
	struct vol_payload p = { 0 };
	char dir[512], path[900], link[256];

	snprintf(dir, sizeof(dir), "%s/cm", tmp);
	vol_payload_add(&p, "a", "one", 3, 0644);
	vol_payload_add(&p, "sub/b", "two", 3, 0400);
	CHECK(vol_atomic_write(dir, &p, (gid_t)-1) == 0);
	snprintf(path, sizeof(path), "%s/a", dir);
	CHECK(slurp(path) && !strcmp(slurp(path), "one"));
	CHECK(mode_of(path) == 0644);
	snprintf(path, sizeof(path), "%s/sub/b", dir);
	CHECK(slurp(path) && !strcmp(slurp(path), "two"));
	CHECK(mode_of(path) == 0400);
	snprintf(path, sizeof(path), "%s/a", dir);
	ssize_t k = readlink(path, link, sizeof(link) - 1);
	link[k > 0 ? k : 0] = '\0';
	CHECK_STR(link, "..data/a");
	snprintf(path, sizeof(path), "%s/..data", dir);
	k = readlink(path, link, sizeof(link) - 1);
	link[k > 0 ? k : 0] = '\0';
	CHECK(k > 2 && !strncmp(link, "..", 2));
	char first[256];
	snprintf(first, sizeof(first), "%s", link);
	/* The same contents again: no new generation (no churn for watchers). */
	CHECK(vol_atomic_write(dir, &p, (gid_t)-1) == 0);
	k = readlink(path, link, sizeof(link) - 1);
	link[k > 0 ? k : 0] = '\0';
	CHECK_STR(link, first);

	/* An update: a changed, a removed and a new key; the old generation goes. */
	vol_payload_release(&p);
	vol_payload_add(&p, "a", "uno", 3, 0640);
	vol_payload_add(&p, "c", "tres", 4, 0644);
	vol_payload_add(&p, "a", "ONE", 3, 0640); /* the later one wins */
	CHECK(p.n == 2);
	CHECK(vol_atomic_write(dir, &p, 1234) == 0);
	snprintf(path, sizeof(path), "%s/a", dir);
	CHECK(slurp(path) && !strcmp(slurp(path), "ONE"));
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_gid == 1234 && (st.st_mode & 0777) == 0640);
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(lstat(path, &st) < 0 && errno == ENOENT);
	snprintf(path, sizeof(path), "%s/c", dir);
	CHECK(slurp(path) && !strcmp(slurp(path), "tres"));
	snprintf(path, sizeof(path), "%s/%s", dir, first);
	CHECK(lstat(path, &st) < 0 && errno == ENOENT);

	/* A bad path is refused before anything is written. */
	vol_payload_add(&p, "../x", "no", 2, 0644);
	CHECK(vol_atomic_write(dir, &p, (gid_t)-1) == -EINVAL);
	vol_payload_release(&p);
}

static json_t *find_mount(json_t *mounts, const char *ctr, const char *target)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(mounts, ctr), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "target")), target))
			return m;
	return NULL;
}

static void test_prepare(const char *tmp)
{
	char pod_dir[512], disk_dir[512], hp[512], hf[600], why[300] = "", path[800];
	struct vol_set vs = { 0 };
	bool retry = true;

	snprintf(pod_dir, sizeof(pod_dir), "%s/pod", tmp);
	snprintf(disk_dir, sizeof(disk_dir), "%s/disk", tmp); /* the pod's directory on disk: emptyDirs */
	mkdir(disk_dir, 0700);
	snprintf(hp, sizeof(hp), "%s/host", tmp);
	snprintf(hf, sizeof(hf), "%s/host/file.txt", tmp);
	mkdir(pod_dir, 0700);
	mkdir(hp, 0755);
	close(open(hf, O_WRONLY | O_CREAT, 0644));
	json_t *pod = json_pack(
		"{s:{s:s,s:s,s:s,s:{s:s}},s:{s:[{s:s,s:{}},{s:s,s:{s:s}},{s:s,s:{s:s,s:s}},{s:s,s:{s:[{s:s,s:{s:s}}]}}],"
		"s:[{s:s,s:[{s:s,s:s},{s:s,s:s,s:s}]}],s:[{s:s,s:[{s:s,s:s,s:b},{s:s,s:s},{s:s,s:s}]}]}}",
		"metadata", "name", "p", "namespace", "ns", "uid", "uid-1", "labels", "app", "p",
		"spec", "volumes", "name", "scratch", "emptyDir",
		"name", "host", "hostPath", "path", hp,
		"name", "one", "hostPath", "path", hf, "type", "File",
		"name", "info", "downwardAPI", "items", "path", "labels", "fieldRef", "fieldPath", "metadata.labels",
		"initContainers", "name", "init", "volumeMounts", "name", "scratch", "mountPath", "/work",
		"name", "scratch", "mountPath", "/cache", "subPath", "a/b",
		"containers", "name", "main", "volumeMounts", "name", "host", "mountPath", "/host", "readOnly", 1,
		"name", "one", "mountPath", "/etc/one.txt", "name", "info", "mountPath", "/etc/podinfo");

	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) == 0);
	if (!vs.sandbox) {
		fprintf(stderr, "volumes_prepare: %s\n", why);
		json_decref(pod);
		return;
	}
	CHECK(json_array_size(vs.sandbox) == 4);
	json_t *v0 = json_array_get(vs.sandbox, 0), *v2 = json_array_get(vs.sandbox, 2);
	snprintf(path, sizeof(path), "%s/volumes/scratch", disk_dir);
	CHECK_STR(json_string_value(json_object_get(v0, "host")), path);
	CHECK_STR(json_string_value(json_object_get(v0, "guest")), "/volumes/0");
	CHECK(mode_of(path) == 0777);
	CHECK_STR(json_string_value(json_object_get(v2, "host")), hp); /* a file: its directory */
	CHECK(json_is_true(json_object_get(json_array_get(vs.sandbox, 3), "readonly")));
	json_t *m = find_mount(vs.mounts, "init", "/cache");
	CHECK(m && !strcmp(json_string_value(json_object_get(m, "source")), "/volumes/0/a/b"));
	snprintf(path, sizeof(path), "%s/volumes/scratch/a/b", disk_dir);
	CHECK(mode_of(path) == 0777); /* created for the subPath */
	m = find_mount(vs.mounts, "main", "/host");
	CHECK(m && !strcmp(json_string_value(json_object_get(m, "source")), "/volumes/1"));
	CHECK(m && json_is_true(json_object_get(m, "readonly")));
	m = find_mount(vs.mounts, "main", "/etc/one.txt");
	CHECK(m && !strcmp(json_string_value(json_object_get(m, "source")), "/volumes/2/file.txt"));
	m = find_mount(vs.mounts, "main", "/etc/podinfo");
	CHECK(m && !strcmp(json_string_value(json_object_get(m, "source")), "/volumes/3"));
	snprintf(path, sizeof(path), "%s/volumes/info/labels", pod_dir);
	CHECK(slurp(path) && !strcmp(slurp(path), "app=\"p\""));
	vol_set_release(&vs);

	/* subPath escapes are refused, and so are unknown volumes */
	json_t *vm = json_array_get(json_object_get(json_array_get(json_object_get(json_object_get(pod, "spec"),
		"initContainers"), 0), "volumeMounts"), 1);
	json_object_set_new(vm, "subPath", json_string("../../etc"));
	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) < 0 && !retry);
	CHECK(strstr(why, "'..'") != NULL);
	json_object_set_new(vm, "subPath", json_string("/etc"));
	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) < 0);
	json_object_set_new(vm, "subPath", json_string("ok"));
	json_object_set_new(vm, "name", json_string("nosuch"));
	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) < 0);
	CHECK(strstr(why, "nosuch") != NULL);
	json_object_set_new(vm, "name", json_string("scratch"));

	/* subPathExpr takes the container's environment, and is checked like subPath. */
	json_object_del(vm, "subPath");
	json_object_set_new(vm, "subPathExpr", json_string("per-pod/$(MY_NAME)"));
	json_t *init = json_array_get(json_object_get(json_object_get(pod, "spec"), "initContainers"), 0);
	json_object_set_new(init, "env", json_pack("[{s:s,s:{s:{s:s}}}]", "name", "MY_NAME", "valueFrom", "fieldRef",
						   "fieldPath", "metadata.name"));
	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) == 0);
	m = vs.mounts ? find_mount(vs.mounts, "init", "/cache") : NULL;
	CHECK(m && !strcmp(json_string_value(json_object_get(m, "source")), "/volumes/0/per-pod/p"));
	vol_set_release(&vs);
	json_object_set_new(vm, "subPathExpr", json_string("$(MY_NAME)/../../x"));
	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) < 0);
	json_object_set_new(vm, "subPath", json_string("a"));
	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) < 0);
	CHECK(strstr(why, "mutually exclusive") != NULL);
	json_object_del(vm, "subPathExpr");

	/* A missing ConfigMap waits (retry) with the kubelet's reason. */
	json_array_append_new(json_object_get(json_object_get(pod, "spec"), "volumes"),
			      json_pack("{s:s,s:{s:s}}", "name", "cfg", "configMap", "name", "absent"));
	CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) < 0 && retry);
	CHECK_STR(why, "configmap \"absent\" not found");

	/* Memory-backed emptyDir: a tmpfs of the size limit, gone at teardown. */
	if (geteuid() == 0) {
		json_t *vols = json_object_get(json_object_get(pod, "spec"), "volumes");
		json_array_remove(vols, json_array_size(vols) - 1);
		json_object_set_new(json_array_get(vols, 0), "emptyDir",
				    json_pack("{s:s,s:s}", "medium", "Memory", "sizeLimit", "1Mi"));
		json_object_del(json_object_get(pod, "spec"), "initContainers");
		snprintf(pod_dir, sizeof(pod_dir), "%s/pod2", tmp);
		mkdir(pod_dir, 0700);
		CHECK(volumes_prepare(NULL, pod, pod_dir, disk_dir, tmp, &vs, why, sizeof(why), &retry) == 0);
		snprintf(path, sizeof(path), "%s/volumes/scratch/big", pod_dir);
		int fd = open(path, O_WRONLY | O_CREAT, 0644);
		static char block[4096];
		int written = 0;
		for (int i = 0; i < 1024 && fd >= 0; i++)
			if (write(fd, block, sizeof(block)) == (ssize_t)sizeof(block))
				written++;
		if (fd >= 0)
			close(fd);
		CHECK(written > 0 && written <= 256); /* 1 MiB holds at most 256 blocks */
		vol_set_release(&vs);
		volumes_teardown(pod_dir, disk_dir, tmp);
		snprintf(path, sizeof(path), "%s/volumes", pod_dir);
		CHECK(access(path, F_OK) < 0);
	}
	snprintf(pod_dir, sizeof(pod_dir), "%s/pod", tmp);
	volumes_teardown(pod_dir, disk_dir, tmp);
	snprintf(path, sizeof(path), "%s/volumes", pod_dir);
	CHECK(access(path, F_OK) < 0);
	snprintf(path, sizeof(path), "%s/volumes", disk_dir);
	CHECK(access(path, F_OK) < 0);
	CHECK(access(hf, F_OK) == 0); /* hostPaths are never removed */
	json_decref(pod);
}

/* Claim disks: a sparse ext4 file, loop-mounted, of the volume's size; grown at the next mount. */
static void test_disk(const char *tmp)
{
	char vols[512], mnt[600], img[600], file[700], why[300] = "";
	struct statfs sf;
	struct stat st;

	if (geteuid() != 0 || access("/dev/loop-control", W_OK) < 0 || system("mkfs.ext4 -V >/dev/null 2>&1")) {
		fprintf(stderr, "test_disk: skipped (needs root, loop devices and e2fsprogs)\n");
		return;
	}
	snprintf(vols, sizeof(vols), "%s/volumes", tmp);
	snprintf(mnt, sizeof(mnt), "%s/mnt-pv1", tmp);
	snprintf(img, sizeof(img), "%s/pv1.img", vols);
	snprintf(file, sizeof(file), "%s/kept", mnt);
	mkdir(vols, 0700);
	mkdir(mnt, 0700);
	CHECK(vol_disk_mount(tmp, "pv1", 32LL << 20, mnt, why, sizeof(why)) == 0);
	if (*why)
		fprintf(stderr, "vol_disk_mount: %s\n", why);
	CHECK(stat(img, &st) == 0 && st.st_size == 32LL << 20);
	CHECK(st.st_blocks * 512 < st.st_size); /* sparse */
	CHECK(statfs(mnt, &sf) == 0 && sf.f_type == 0xEF53);
	long long size1 = (long long)sf.f_blocks * sf.f_bsize;
	CHECK(size1 > 24LL << 20 && size1 <= 32LL << 20);
	CHECK(mode_of(mnt) == 0777); /* any pod user may write a fresh disk */
	int fd = open(file, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4);
	if (fd >= 0)
		close(fd);
	CHECK(umount2(mnt, MNT_DETACH) == 0);

	/* Grown: same data, a bigger filesystem. */
	CHECK(vol_disk_mount(tmp, "pv1", 64LL << 20, mnt, why, sizeof(why)) == 0);
	CHECK(slurp(file) && !strcmp(slurp(file), "data"));
	CHECK(statfs(mnt, &sf) == 0 && (long long)sf.f_blocks * sf.f_bsize > size1 + (16LL << 20));
	CHECK(umount2(mnt, MNT_DETACH) == 0);
}

int main(void)
{
	char tmp[] = "/tmp/atoll-vol-XXXXXX";

	if (!mkdtemp(tmp))
		return 1;
	test_paths();
	test_expand();
	test_data();
	test_downward();
	test_atomic(tmp);
	test_prepare(tmp);
	test_disk(tmp);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", tmp);
	return T_DONE();
}
