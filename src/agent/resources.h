/* SPDX-License-Identifier: Apache-2.0 */
/* A container's resources as its cgroup wants them (see docs/sandbox.md, per-container cgroups). */
#ifndef ATOLL_AGENT_RESOURCES_H
#define ATOLL_AGENT_RESOURCES_H

#include <jansson.h>
#include <stdint.h>

/*
 * {"memory": bytes, "cpu_milli", "cpu_shares"} for a container spec
 * (borrowed): limits.memory, limits.cpu, and cpu.shares from requests.cpu
 * (defaulting to limits.cpu as Kubernetes does; 2 when neither is set, the
 * kubelet's minimum). Keys without a limit are left out. Returns owned.
 */
json_t *res_ctr_cgroup(const json_t *ctr_spec);

/*
 * The container's limit of what ("cpu" in millicores, "memory" in bytes)
 * into *out; 0 when it has none.
 */
int64_t res_ctr_limit(const json_t *ctr_spec, const char *what);

#endif
