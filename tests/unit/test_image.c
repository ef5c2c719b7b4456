/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/image: references, index/manifest/config JSON, digests, whiteouts, unsafe paths. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "image/image.h"
#include "lib/xalloc.h"
#include "t.h"

static const char *const HELLO_SHA256 = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
static const char *const HELLO_SHA512 =
	"sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043";

static void test_refs(void)
{
	struct image_ref r;
	struct atoll_err e = ERR_INIT;

	CHECK(image_ref_parse("oci:/a/b:v1", &r, &e) == 0);
	CHECK(r.is_layout);
	CHECK_STR(r.path, "/a/b");
	CHECK_STR(r.tag, "v1");
	image_ref_release(&r);
	CHECK(image_ref_parse("oci:./dir", &r, &e) == 0);
	CHECK_STR(r.path, "./dir");
	CHECK(r.tag == NULL);
	image_ref_release(&r);
	CHECK(image_ref_parse("127.0.0.1:5000/team/app:2", &r, &e) == 0);
	CHECK_STR(r.registry, "127.0.0.1:5000");
	CHECK_STR(r.repo, "team/app");
	CHECK_STR(r.tag, "2");
	image_ref_release(&r);
	CHECK(image_ref_parse("busybox", &r, &e) == 0);
	CHECK_STR(r.registry, "registry-1.docker.io");
	CHECK_STR(r.repo, "library/busybox");
	CHECK_STR(r.tag, "latest");
	image_ref_release(&r);
	CHECK(image_ref_parse("localhost/x@sha256:abc", &r, &e) < 0);
	image_ref_release(&r);
	CHECK(image_ref_parse("Bad/UPPER", &r, &e) < 0);
	image_ref_release(&r);
}

static void test_digests(void)
{
	struct atoll_err e = ERR_INIT;

	CHECK(image_digest_valid(HELLO_SHA256) == 0);
	CHECK(image_digest_valid(HELLO_SHA512) == 0);
	CHECK(image_digest_valid("sha256:abc") < 0);
	CHECK(image_digest_valid("md5:2cf24dba5fb0a30e26e83b2ac5b9e29e") < 0);
	CHECK(image_digest_valid("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824") < 0);
	CHECK(image_digest_check_buf(HELLO_SHA256, "hello", 5, &e) == 0);
	CHECK(image_digest_check_buf(HELLO_SHA512, "hello", 5, &e) == 0);
	CHECK(image_digest_check_buf(HELLO_SHA256, "hellO", 5, &e) < 0);
	CHECK(strstr(e.msg, "digest mismatch") != NULL);
	char *d = image_digest_sha256("hello", 5);
	CHECK_STR(d, HELLO_SHA256);
	free(d);

	char path[] = "/tmp/atoll-unit-blob-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, "hello", 5) == 5);
	close(fd);
	CHECK(image_digest_check_file(HELLO_SHA256, path, 5, &e) == 0);
	CHECK(image_digest_check_file(HELLO_SHA256, path, 9, &e) < 0);
	CHECK(strstr(e.msg, "truncated") != NULL);
	CHECK(image_digest_check_file(HELLO_SHA256, path, 3, &e) < 0);
	CHECK(strstr(e.msg, "too long") != NULL);
	unlink(path);
}

static void test_index(void)
{
	struct atoll_err e = ERR_INIT;
	struct image_desc d = { 0 };
	int is_index;
	char idx[2048];

	snprintf(idx, sizeof(idx),
		 "{\"schemaVersion\":2,\"manifests\":["
		 "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":5,"
		 "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"},"
		 "\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}},"
		 "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":7,"
		 "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"},"
		 "\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}",
		 HELLO_SHA512, HELLO_SHA256);
	CHECK(image_index_pick(idx, strlen(idx), "v1", &d, &is_index, &e) == 0);
	CHECK(is_index);
	CHECK_STR(d.digest, HELLO_SHA256); /* the amd64 one */
	CHECK(d.size == 7);
	image_desc_release(&d);
	CHECK(image_index_pick(idx, strlen(idx), "v2", &d, &is_index, &e) < 0);
	CHECK(strstr(e.msg, "no manifest for tag 'v2'") != NULL);
	CHECK(image_index_pick("{\"manifests\":[{\"digest\":\"sha256:x\",\"size\":1}]}", 45, NULL, &d, &is_index,
			       &e) < 0);
	CHECK(image_index_pick("not json", 8, NULL, &d, &is_index, &e) < 0);
	CHECK(strstr(e.msg, "invalid JSON") != NULL);
	CHECK(image_index_pick("{}", 2, NULL, &d, &is_index, &e) < 0);
}

static void test_manifest_and_config(void)
{
	struct atoll_err e = ERR_INIT;
	struct image_manifest m;
	struct image_config c;
	char doc[2048];

	snprintf(doc, sizeof(doc),
		 "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"%s\",\"size\":5},"
		 "\"layers\":[{\"mediaType\":\"l\",\"digest\":\"%s\",\"size\":5},"
		 "{\"mediaType\":\"l\",\"digest\":\"%s\",\"size\":5}]}",
		 HELLO_SHA256, HELLO_SHA256, HELLO_SHA512);
	CHECK(image_manifest_parse(doc, strlen(doc), &m, &e) == 0);
	CHECK(m.nlayers == 2);
	CHECK_STR(m.layers[1].digest, HELLO_SHA512);
	image_manifest_release(&m);
	snprintf(doc, sizeof(doc), "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":-1},\"layers\":[]}",
		 HELLO_SHA256);
	CHECK(image_manifest_parse(doc, strlen(doc), &m, &e) < 0);
	snprintf(doc, sizeof(doc), "{\"schemaVersion\":1}");
	CHECK(image_manifest_parse(doc, strlen(doc), &m, &e) < 0);
	snprintf(doc, sizeof(doc), "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":1},\"layers\":"
				   "[{\"digest\":\"sha256:../../etc/passwd\",\"size\":1}]}", HELLO_SHA256);
	CHECK(image_manifest_parse(doc, strlen(doc), &m, &e) < 0);
	CHECK(strstr(e.msg, "invalid digest") != NULL);

	const char *cfg = "{\"config\":{\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"echo hi\"],"
			  "\"Env\":[\"A=1\",\"B=2\"],\"WorkingDir\":\"/srv\",\"User\":\"app:app\"}}";
	CHECK(image_config_parse(cfg, strlen(cfg), &c, &e) == 0);
	CHECK_STR(c.entrypoint[0], "/bin/sh");
	CHECK(c.entrypoint[2] == NULL);
	CHECK_STR(c.cmd[0], "echo hi");
	CHECK_STR(c.env[1], "B=2");
	CHECK_STR(c.workdir, "/srv");
	CHECK_STR(c.user, "app:app");
	image_config_release(&c);
	CHECK(image_config_parse("{\"config\":{}}", 13, &c, &e) == 0);
	CHECK(c.entrypoint == NULL && c.cmd == NULL && c.workdir == NULL);
	image_config_release(&c);

	char *bp = image_blob_path("/l", HELLO_SHA256);
	CHECK_STR(bp, "/l/blobs/sha256/2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
	free(bp);
}

static void test_path_safety(void)
{
	CHECK(image_path_safe("a/b/c") == 0);
	CHECK(image_path_safe("a/..b/c") == 0);
	CHECK(image_path_safe("../etc/passwd") < 0);
	CHECK(image_path_safe("a/../../b") < 0);
	CHECK(image_path_safe("a/..") < 0);
	CHECK(image_path_safe("/etc/passwd") < 0);
	CHECK(image_path_safe("") < 0);
}

/* A tar layer written with libarchive: entries of (name, type, content or link target). */
struct ent {
	const char *name;
	int type; /* 'f' file, 'd' dir, 'l' symlink, 'h' hardlink, 'c' char device */
	const char *data;
};

static void write_layer(const char *path, const struct ent *e, size_t n)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_filename(a, path);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_perm(ae, e[i].type == 'd' ? 0755 : 0644);
		switch (e[i].type) {
		case 'd': archive_entry_set_filetype(ae, AE_IFDIR); break;
		case 'l': archive_entry_set_filetype(ae, AE_IFLNK); archive_entry_set_symlink(ae, e[i].data); break;
		case 'h': archive_entry_set_filetype(ae, AE_IFREG); archive_entry_set_hardlink(ae, e[i].data); break;
		case 'c': archive_entry_set_filetype(ae, AE_IFCHR); archive_entry_set_rdev(ae, makedev(1, 3)); break;
		default:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)strlen(e[i].data));
		}
		archive_write_header(a, ae);
		if (e[i].type == 'f')
			archive_write_data(a, e[i].data, strlen(e[i].data));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static int exists_in(const char *dir, const char *rel)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &st) == 0;
}

static void test_unpack_whiteouts(void)
{
	char dir[] = "/tmp/atoll-unit-unpack-XXXXXX";
	struct atoll_err e = ERR_INIT;

	CHECK(mkdtemp(dir) != NULL);
	_cleanup_free_ char *root = xasprintf("%s/root", dir);
	_cleanup_free_ char *l1 = xasprintf("%s/l1.tar", dir);
	_cleanup_free_ char *l2 = xasprintf("%s/l2.tar", dir);
	_cleanup_free_ char *bad = xasprintf("%s/bad.tar", dir);
	mkdir(root, 0755);

	const struct ent layer1[] = {
		{ "etc", 'd', NULL }, { "etc/keep", 'f', "k" }, { "etc/gone", 'f', "g" },
		{ "opq", 'd', NULL }, { "opq/old1", 'f', "1" }, { "opq/sub", 'd', NULL }, { "opq/sub/deep", 'f', "d" },
		{ "tree", 'd', NULL }, { "tree/a", 'f', "a" }, { "dev0", 'c', NULL },
		{ "link", 'l', "/etc/keep" }, { "hard", 'h', "etc/keep" },
	};
	write_layer(l1, layer1, sizeof(layer1) / sizeof(layer1[0]));
	CHECK(image_unpack_layer(l1, root, &e) == 0);
	CHECK(exists_in(root, "etc/gone") && exists_in(root, "opq/sub/deep") && exists_in(root, "link"));
	CHECK(exists_in(root, "hard"));
	CHECK(!exists_in(root, "dev0")); /* device nodes are never created */

	const struct ent layer2[] = {
		{ "etc/.wh.gone", 'f', "" }, { "opq/.wh..wh..opq", 'f', "" }, { "opq/new", 'f', "n" },
		{ ".wh.tree", 'f', "" }, { "etc/.wh.never-existed", 'f', "" },
	};
	write_layer(l2, layer2, sizeof(layer2) / sizeof(layer2[0]));
	CHECK(image_unpack_layer(l2, root, &e) == 0);
	CHECK(!exists_in(root, "etc/gone"));
	CHECK(exists_in(root, "etc/keep"));
	CHECK(!exists_in(root, "opq/old1") && !exists_in(root, "opq/sub"));
	CHECK(exists_in(root, "opq/new")); /* same-layer content survives its opaque marker */
	CHECK(!exists_in(root, "tree"));
	CHECK(!exists_in(root, "etc/.wh.gone"));

	/* Path traversal: a name with "..", an absolute hardlink out of the tree, a whiteout escaping. */
	const struct ent evil1[] = { { "../escape", 'f', "x" } };
	write_layer(bad, evil1, 1);
	CHECK(image_unpack_layer(bad, root, &e) < 0);
	CHECK(strstr(e.msg, "escapes the root") != NULL);
	CHECK(!exists_in(dir, "escape"));
	const struct ent evil2[] = { { "h", 'h', "../l1.tar" } };
	write_layer(bad, evil2, 1);
	CHECK(image_unpack_layer(bad, root, &e) < 0);
	const struct ent evil3[] = { { "a/../../.wh.l1.tar", 'f', "" } };
	write_layer(bad, evil3, 1);
	CHECK(image_unpack_layer(bad, root, &e) < 0);
	CHECK(exists_in(dir, "l1.tar"));
	/*
	 * Writing through a symlink that points out of the tree never lands
	 * outside: libarchive either refuses or replaces the link by a directory.
	 */
	const struct ent evil4[] = { { "out", 'l', dir }, { "out/planted", 'f', "p" } };
	write_layer(bad, evil4, 2);
	image_unpack_layer(bad, root, &e);
	CHECK(!exists_in(dir, "planted"));
	/* A removal helper never follows symlinks. */
	int rfd = open(root, O_RDONLY | O_DIRECTORY);
	CHECK(symlinkat(dir, rfd, "out2") == 0);
	CHECK(image_remove_under(rfd, "out2/l1.tar") < 0);
	CHECK(exists_in(dir, "l1.tar"));
	close(rfd);
	/* Truncated archive data is an error, not a silent partial tree. */
	int fd = open(l1, O_RDWR);
	CHECK(fd >= 0 && ftruncate(fd, 700) == 0);
	close(fd);
	char root2[600];
	snprintf(root2, sizeof(root2), "%s/root2", dir);
	mkdir(root2, 0755);
	CHECK(image_unpack_layer(l1, root2, &e) < 0);

	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	test_refs();
	test_digests();
	test_index();
	test_manifest_and_config();
	test_path_safety();
	test_unpack_whiteouts();
	return T_DONE();
}
