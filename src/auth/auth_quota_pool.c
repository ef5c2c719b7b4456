/* SPDX-License-Identifier: Apache-2.0 */
/* A namespace's resource pool limits (its sandboxes' parent cgroup) from its ResourceQuotas. */
#include "api/quantity.h"
#include "auth/auth_quota.h"

/* A hard value as a number of units (scale 1) or thousandths (scale 1000); 0 when absent or bad. */
static int64_t hard_value(const json_t *hard, const char *key, bool milli)
{
	const json_t *v = json_object_get(hard, key);
	struct atoll_err err = ERR_INIT;
	struct quantity q;
	int64_t out = 0;

	if (!v || quantity_from_json(v, key, &q, &err) < 0 || q.neg)
		return 0;
	if ((milli ? quantity_milli(&q, &out) : quantity_value(&q, &out)) < 0)
		return 0; /* beyond int64: as good as no limit */
	return out;
}

void quota_pool_limits(const json_t *quotas, long *cpu_milli, long long *memory)
{
	const json_t *items = json_is_array(quotas) ? quotas : json_object_get(quotas, "items");
	size_t i;
	json_t *q;

	*cpu_milli = 0;
	*memory = 0;
	json_array_foreach(items, i, q) {
		/* A scoped quota bounds some pods only, not the whole namespace. */
		if (quota_scoped(q))
			continue;
		const json_t *hard = json_object_get(json_object_get(q, "spec"), "hard");
		int64_t cpu = hard_value(hard, "limits.cpu", true), mem = hard_value(hard, "limits.memory", false);
		if (cpu > 0 && (*cpu_milli == 0 || cpu < *cpu_milli))
			*cpu_milli = (long)cpu;
		if (mem > 0 && (*memory == 0 || mem < *memory))
			*memory = mem;
	}
}
