/* SPDX-License-Identifier: Apache-2.0 */
/* A container's resources as its cgroup wants them: limits, and cpu.shares from requests. */
#include <string.h>

#include "agent/resources.h"
#include "api/quantity.h"

static int64_t get(const json_t *ctr_spec, const char *kind, const char *what)
{
	const json_t *r = json_object_get(json_object_get(ctr_spec, "resources"), kind);
	const char *s = json_string_value(json_object_get(r, what));
	struct quantity q;
	int64_t v = 0;

	if (!s || quantity_parse(s, &q, NULL) < 0)
		return 0;
	if (!strcmp(what, "cpu") ? quantity_milli(&q, &v) : quantity_value(&q, &v))
		return 0;
	return v > 0 ? v : 0;
}

int64_t res_ctr_limit(const json_t *ctr_spec, const char *what)
{
	return get(ctr_spec, "limits", what);
}

json_t *res_ctr_cgroup(const json_t *ctr_spec)
{
	json_t *o = json_object();
	int64_t mem = get(ctr_spec, "limits", "memory"), cpu = get(ctr_spec, "limits", "cpu");
	int64_t req = get(ctr_spec, "requests", "cpu");

	if (mem)
		json_object_set_new(o, "memory", json_integer(mem));
	if (cpu)
		json_object_set_new(o, "cpu_milli", json_integer(cpu));
	if (!req)
		req = cpu;
	/* The kubelet's conversion: 1 CPU is 1024 shares, never below 2. */
	int64_t shares = req * 1024 / 1000;
	json_object_set_new(o, "cpu_shares", json_integer(shares < 2 ? 2 : shares));
	return o;
}
