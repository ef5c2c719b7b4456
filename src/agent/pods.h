/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running the pods bound to this node. Each pod gets one shim (`atoll shim`,
 * src/shim/shim.h) that owns its sandbox, logs (DATA/pods/<uid>/<ctr>.log,
 * CRI format) and state (RUN/pods/<uid>, RUN the node's runtime directory:
 * agent/rundir.h); the agent creates and starts containers through it,
 * applies restartPolicy with back-off, reports status, and stops deleted
 * pods. Shims outlive the agent, which adopts them when it starts again.
 */
#ifndef ATOLL_AGENT_PODS_H
#define ATOLL_AGENT_PODS_H

struct kclient;

#include <stdbool.h>

/*
 * Start the pod loop for node (strings copied; kc borrowed for the process's
 * life); run_dir is agent_run_dir(data_dir). host_ip (may be NULL) is reported as the pods' hostIP. With
 * pod_network, pods get a network of their own (src/net) when the Node has a
 * spec.podCIDR.
 */
void pods_start(struct kclient *kc, const char *node, const char *data_dir, const char *run_dir,
		const char *host_ip, bool pod_network);

/*
 * Stop every pod's sandbox and wait up to timeout_s for them: for an agent
 * told to take its pods along when it exits (tests). Leaves the pod loop
 * blocked, so call it only on the way out.
 */
void pods_stop_all(int timeout_s);

/*
 * The kernel VM pods boot (copied; NULL or "": the cached one that `make
 * guest-kernel` builds, $HOME/.cache/atoll/guest-kernel/vmlinux or bzImage).
 * Call before pods_start.
 */
void pods_guest_kernel(const char *path);

/* A pod's runtime directory, RUN/pods/<uid>, where its shim's socket and state are (returns owned path). */
char *pods_dir_path(const char *run_dir, const char *uid);

/* A pod's directory on disk, DATA/pods/<uid>: its logs and emptyDir volumes (returns owned path). */
char *pods_disk_dir(const char *data_dir, const char *uid);

/* The log file of a pod's container (returns owned path). */
char *pods_log_path(const char *data_dir, const char *uid, const char *container);

#endif
