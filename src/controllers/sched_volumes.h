/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler and PersistentVolumes: a pod whose claim is bound to a
 * volume with spec.nodeAffinity goes only to a node that volume allows; an
 * unbound claim of a WaitForFirstConsumer class follows the pod, which
 * records its node on the claim (volume.kubernetes.io/selected-node) for
 * the provisioner; a missing claim or an unbound Immediate one keeps the
 * pod Pending, as kube-scheduler's VolumeBinding plugin does.
 */
#ifndef ATOLL_SCHED_VOLUMES_H
#define ATOLL_SCHED_VOLUMES_H

#include <jansson.h>
#include <stdbool.h>

#include "controllers/ctl.h"

#define SCHED_SELECTED_NODE "volume.kubernetes.io/selected-node"

/* Claims, volumes and classes, listed on first use in one scheduling round. */
struct sched_vols {
	bool loaded, failed;
	struct ctl_list pvcs, pvs, classes;
};

/* Whether pod mounts any claim (persistentVolumeClaim or ephemeral volumes). */
bool sched_pod_has_claims(const json_t *pod);

/*
 * Why pod cannot be scheduled anywhere because of its claims (Kubernetes'
 * message into msg, returns false), or true. Lists into v when needed.
 */
bool sched_volumes_ready(struct store *s, struct sched_vols *v, const json_t *pod, char *msg, size_t n);

/* Whether every bound volume of pod allows node (spec.nodeAffinity.required). */
bool sched_volumes_fit(const struct sched_vols *v, const json_t *pod, const json_t *node);

/* After binding pod to node: its unbound WaitForFirstConsumer claims get the selected-node annotation. */
void sched_volumes_select(struct store *s, struct sched_vols *v, const json_t *pod, const char *node);

void sched_vols_free(struct sched_vols *v);

#endif
