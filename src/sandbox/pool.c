/* SPDX-License-Identifier: Apache-2.0 */
/* Resource pools: a pool's name, and its settings read from a pod's sandbox.json. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/sandbox.h"

int sb_pool_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 63 || name[0] == '-' || name[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '-'))
			return 0;
	return 1;
}

static int get_num(const json_t *j, const char *key, long long *out, char *msg, size_t len)
{
	const json_t *v = json_object_get(j, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		snprintf(msg, len, "sandbox.json: %s: expected a non-negative integer", key);
		return -EINVAL;
	}
	*out = json_integer_value(v);
	return 0;
}

int sb_opts_pool_from_json(struct sb_opts *o, const struct json_t *sandbox_json, char *msg, size_t len)
{
	const json_t *j = sandbox_json, *ns = json_object_get(j, "namespace");
	long long cpu, mem;
	int r;

	o->pool = NULL;
	o->pool_cpu_milli = 0;
	o->pool_memory = 0;
	/* No namespace (or an empty one): no pool, as before pools existed. */
	if (!ns || json_is_null(ns) || (json_is_string(ns) && !*json_string_value(ns)))
		return 0;
	if (!json_is_string(ns) || !sb_pool_name_ok(json_string_value(ns))) {
		snprintf(msg, len, "sandbox.json: namespace: expected a namespace name");
		return -EINVAL;
	}
	if ((r = get_num(j, "pool_cpu_milli", &cpu, msg, len)) < 0 ||
	    (r = get_num(j, "pool_memory", &mem, msg, len)) < 0)
		return r;
	o->pool = json_string_value(ns);
	o->pool_cpu_milli = (long)cpu;
	o->pool_memory = mem;
	return 0;
}
