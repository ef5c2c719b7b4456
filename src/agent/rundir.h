/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's runtime directory, DATA/run: everything that lives only as long
 * as the pods that use it (their sockets, state and sandbox.json, secret
 * volumes, /etc/hosts, sandbox roots, address leases). It is a symbolic link
 * to a directory under /run (a tmpfs, as containerd's and crun's state), made
 * on first use: a pod start creates a dozen small files there, and on a disk
 * file system each costs an inode allocation (on ext4 without a journal,
 * after many deletions, milliseconds). Container logs and emptyDir volumes
 * stay on disk, under DATA/pods/<uid>. Without a tmpfs /run, DATA/run is a
 * plain directory.
 */
#ifndef ATOLL_AGENT_RUNDIR_H
#define ATOLL_AGENT_RUNDIR_H

#include "lib/err.h"

/* The resolved path of DATA/run, made (or, after a reboot, made again) when missing; returns owned, NULL + err. */
char *agent_run_dir(const char *data_dir, struct atoll_err *err);

/* Remove DATA/run and what it points to (the node's pods are stopped). */
void agent_run_dir_remove(const char *data_dir);

#endif
