/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running the pods bound to this node. Each container runs as an
 * `atoll run --isolation namespace` child whose output goes to
 * DATA/pods/<uid>/<container>.log; the agent reports phase, container
 * states, exit codes and restarts, and restarts containers per the pod's
 * restartPolicy with back-off.
 */
#ifndef ATOLL_AGENT_PODS_H
#define ATOLL_AGENT_PODS_H

struct kclient;

/* Start the pod loop for node (strings copied; kc borrowed for the process's life). */
void pods_start(struct kclient *kc, const char *node, const char *data_dir);

/* The log file of a pod's container (returns owned path). */
char *pods_log_path(const char *data_dir, const char *uid, const char *container);

#endif
