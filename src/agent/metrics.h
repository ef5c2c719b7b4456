/* SPDX-License-Identifier: Apache-2.0 */
/* Resource usage of the node and its pods, sampled from cgroups and reported for metrics.k8s.io. */
#ifndef ATOLL_AGENT_METRICS_H
#define ATOLL_AGENT_METRICS_H

struct loop;

/*
 * Start the sampler thread: every ATOLL_METRICS_SECONDS (15 by default) it
 * reads the node's and each running pod's cgroup counters (memory working
 * set, CPU time) and PUTs one report to
 * /apis/metrics.k8s.io/v1beta1/nodes/NODE (src/api/metrics_api.c).
 */
void agent_metrics_start(struct loop *l);

#endif
