/* SPDX-License-Identifier: Apache-2.0 */
/*
 * metrics.k8s.io/v1beta1, served as metrics-server serves it (`kubectl
 * top`): NodeMetrics ("nodes") and PodMetrics ("pods") from the samples
 * each node agent reports (src/agent/metrics.c), kept in memory only, the
 * latest report per node (no store writes, no watch events).
 */
#ifndef ATOLL_API_METRICS_API_H
#define ATOLL_API_METRICS_API_H

struct api_req;

/*
 * A request under /apis/metrics.k8s.io/VERSION/ (discovery aside): segs
 * (borrowed) are the path segments after the version. GET lists and gets; an agent's
 * PUT nodes/NAME with {NodeMetrics..., "pods": [PodMetrics...]} replaces
 * that node's report (RBAC: update on metrics.k8s.io nodes).
 */
int metrics_api_route(struct api_req *r, char **segs, int n);

#endif
