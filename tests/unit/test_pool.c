/* SPDX-License-Identifier: Apache-2.0 */
/* Resource pools: pool names, and the pool settings a pod's sandbox.json carries. */
#include <errno.h>
#include <jansson.h>

#include "t.h"
#include "sandbox/sandbox.h"

static int from(const char *text, struct sb_opts *o)
{
	char msg[256] = "";
	json_t *j = json_loads(text, 0, NULL);
	int r = sb_opts_pool_from_json(o, j, msg, sizeof(msg));

	/* o->pool borrows from j: compare before it goes. */
	if (r == 0 && o->pool && strcmp(o->pool, "team-a"))
		r = 1;
	json_decref(j);
	return r;
}

int main(void)
{
	struct sb_opts o = { 0 };

	CHECK(sb_pool_name_ok("team-a"));
	CHECK(sb_pool_name_ok("a"));
	CHECK(sb_pool_name_ok("0abc9"));
	CHECK(!sb_pool_name_ok(""));
	CHECK(!sb_pool_name_ok(NULL));
	CHECK(!sb_pool_name_ok("-a"));
	CHECK(!sb_pool_name_ok("a-"));
	CHECK(!sb_pool_name_ok("Team"));
	CHECK(!sb_pool_name_ok("a/b"));
	CHECK(!sb_pool_name_ok("../x"));
	CHECK(!sb_pool_name_ok("a.b"));
	CHECK(!sb_pool_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); /* 64 */

	CHECK(from("{\"namespace\":\"team-a\",\"pool_cpu_milli\":1500,\"pool_memory\":268435456}", &o) == 0);
	CHECK(o.pool != NULL && o.pool_cpu_milli == 1500 && o.pool_memory == 268435456LL);
	CHECK(from("{\"namespace\":\"team-a\"}", &o) == 0);
	CHECK(o.pool != NULL && o.pool_cpu_milli == 0 && o.pool_memory == 0);
	CHECK(from("{\"hostname\":\"x\"}", &o) == 0);
	CHECK(o.pool == NULL && o.pool_cpu_milli == 0 && o.pool_memory == 0);
	CHECK(from("{\"namespace\":null,\"pool_memory\":5}", &o) == 0 && o.pool == NULL && o.pool_memory == 0);
	CHECK(from("{\"namespace\":\"\",\"pool_memory\":5}", &o) == 0 && o.pool == NULL && o.pool_memory == 0);
	CHECK(from("{\"namespace\":\"Team A\"}", &o) == -EINVAL);
	CHECK(from("{\"namespace\":7}", &o) == -EINVAL);
	CHECK(from("{\"namespace\":\"team-a\",\"pool_memory\":\"1Gi\"}", &o) == -EINVAL);
	CHECK(from("{\"namespace\":\"team-a\",\"pool_cpu_milli\":-1}", &o) == -EINVAL);
	return T_DONE();
}
