/* SPDX-License-Identifier: Apache-2.0 */
/* Registry internals: repository names, digests, atomic files and the per-namespace use the quota counts. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "registry/reg_int.h"
#include "t.h"

static void put(const char *digest, size_t size)
{
	_cleanup_free_ char *p = reg_blob_path(digest);
	char *data = xcalloc(1, size + 1);

	CHECK(reg_write_atomic(p, data, size) == 0);
	free(data);
}

int main(void)
{
	char ns[64];
	char tmpl[] = "/tmp/atoll-reg-unit-XXXXXX";

	CHECK(reg_name_ok("team-a/app", ns, sizeof(ns)));
	CHECK_STR(ns, "team-a");
	CHECK(reg_name_ok("team-a/tools/cli_x.v2", ns, sizeof(ns)));
	CHECK(!reg_name_ok("app", ns, sizeof(ns)));          /* no namespace */
	CHECK(!reg_name_ok("Team/app", ns, sizeof(ns)));     /* upper case */
	CHECK(!reg_name_ok("team.a/app", ns, sizeof(ns)));   /* a namespace is a DNS label */
	CHECK(!reg_name_ok("team/_layers", ns, sizeof(ns))); /* cannot clash with the link folders */
	CHECK(!reg_name_ok("team//app", ns, sizeof(ns)));
	CHECK(!reg_name_ok("team/app/", ns, sizeof(ns)));

	const char *d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	const char *d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
	const char *d3 = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
	CHECK(reg_digest_valid(d1));
	CHECK(!reg_digest_valid("sha256:123"));
	CHECK(!reg_digest_valid("md5:11111111111111111111111111111111"));
	CHECK(!reg_digest_valid("sha256:111111111111111111111111111111111111111111111111111111111111111G"));

	char got[200];
	reg_hash_mem("", 0, "sha256", got, sizeof(got));
	CHECK_STR(got, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* Use per namespace: every linked blob once, whatever links it. */
	CHECK(mkdtemp(tmpl) != NULL);
	reg_g.root = xstrdup(tmpl);
	put(d1, 1000);
	put(d2, 200);
	put(d3, 30);
	CHECK(reg_ns_usage("team") == 0);
	CHECK(reg_link("team/a", "_layers", d1, NULL, 0) == 0);
	CHECK(reg_link("team/b", "_layers", d1, NULL, 0) == 0);       /* shared by two repositories */
	CHECK(reg_link("team/b/deeper", "_layers", d2, NULL, 0) == 0);
	CHECK(reg_link("team/b/deeper", "_manifests", d2, "x", 1) == 0); /* also a manifest */
	CHECK(reg_link("other/a", "_layers", d3, NULL, 0) == 0);
	CHECK(reg_ns_usage("team") == 1200);
	CHECK(reg_ns_usage("other") == 30);
	CHECK(reg_linked("team/a", "_layers", d1) && !reg_linked("team/a", "_layers", d2));
	CHECK(reg_repo_exists("team/b/deeper") && !reg_repo_exists("team/c"));

	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", tmpl);
	CHECK(system(cmd) == 0);
	free(reg_g.root);
	return T_DONE();
}
