/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler's fit predicates, pure functions over Pod and Node JSON:
 * resource requests against allocatable minus what bound pods request,
 * nodeSelector and required node affinity, taints and tolerations, and
 * required pod affinity and anti-affinity on kubernetes.io/hostname.
 */
#ifndef ATOLL_SCHED_FIT_H
#define ATOLL_SCHED_FIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a node does not fit; the texts are the ones kube-scheduler prints. */
enum sched_reason {
	SCHED_FIT = 0,
	SCHED_UNSCHEDULABLE,
	SCHED_SELECTOR,
	SCHED_TAINT,
	SCHED_ANTI_AFFINITY,
	SCHED_AFFINITY,
	SCHED_PODS,
	SCHED_CPU,
	SCHED_MEMORY,
	SCHED_VOLUME_NODE,
	SCHED_NREASONS
};
const char *sched_reason_text(enum sched_reason r);

/* What a pod asks for, or what the pods bound to a node ask for in total. */
struct sched_res {
	int64_t cpu_milli;
	int64_t mem_bytes;
	int64_t pods;
};

/* Requests of one pod: sum over containers, at least the largest init container's. */
void sched_pod_requests(const json_t *pod, struct sched_res *out);
/* A node's allocatable (capacity when absent; unset cpu/memory are unlimited, pods 110). */
void sched_node_allocatable(const json_t *node, struct sched_res *out);

bool sched_tolerates(const json_t *tolerations, const json_t *taint);
/* No NoSchedule/NoExecute taint of the node is left untolerated by the pod. */
bool sched_taints_ok(const json_t *pod, const json_t *node);
/* spec.nodeSelector and required node affinity both match the node. */
bool sched_node_matches(const json_t *pod, const json_t *node);
/* One nodeSelectorTerm's matchExpressions and matchFields all hold for node. */
bool sched_term_matches(const json_t *term, const json_t *node);
/*
 * Required anti-affinity terms on hostname: no pod bound to the node
 * (node_pods) matches, and none of those pods' own terms match pod.
 */
bool sched_anti_affinity_ok(const json_t *pod, const json_t *const *node_pods, size_t n);
/*
 * Required affinity terms on hostname: a pod on the node matches each term;
 * a term no pod anywhere (all_pods) matches is waived when pod matches it
 * itself (the first of a co-located group).
 */
bool sched_affinity_ok(const json_t *pod, const json_t *const *node_pods, size_t n,
		       const json_t *const *all_pods, size_t nall);

/*
 * The first reason node does not fit pod, or SCHED_FIT. used: the requests
 * of pods already bound to the node; node_pods: those pods; all_pods:
 * every bound pod (all borrowed).
 */
enum sched_reason sched_fit(const json_t *pod, const json_t *node, const struct sched_res *used,
			    const json_t *const *node_pods, size_t n, const json_t *const *all_pods,
			    size_t nall);

/*
 * "0/N nodes are available: 1 Insufficient cpu, 2 node(s) didn't match
 * Pod's node affinity/selector." from per-reason counts. Writes into out.
 */
void sched_fail_message(const int counts[SCHED_NREASONS], int nodes, char *out, size_t n);

#endif
