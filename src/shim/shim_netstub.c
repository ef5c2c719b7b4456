/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod networking when the binary has none built in: weak definitions that
 * src/net/ replaces, so a pod asking for a network fails clearly instead of
 * the build failing.
 */
#include "net/net.h"

__attribute__((weak)) int net_pod_attach(const char *data_dir, const char *pod_cidr, const char *pod_uid,
					 pid_t pid, char *ip, size_t iplen, struct atoll_err *err)
{
	(void)data_dir, (void)pod_cidr, (void)pod_uid, (void)pid, (void)ip, (void)iplen;
	return err_set(err, 500, "InternalError", "pod networking is not built into this atoll");
}

__attribute__((weak)) void net_pod_detach(const char *data_dir, const char *pod_uid)
{
	(void)data_dir, (void)pod_uid;
}

__attribute__((weak)) int net_pod_files(const char *pod_dir, const char *ns, const char *hostname,
					const char *ip, struct atoll_err *err)
{
	(void)pod_dir, (void)ns, (void)hostname, (void)ip;
	return err_set(err, 500, "InternalError", "pod networking is not built into this atoll");
}
