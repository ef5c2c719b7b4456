/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's network: a veth from the bridge into its namespace, its address and routes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/host.h"
#include "net/ipam.h"
#include "net/net.h"
#include "net/nl.h"


static int fail(struct mnl_socket *a, struct mnl_socket *b, int fd, struct atoll_err *err, const char *what,
		int rc)
{
	nl_close(a);
	nl_close(b);
	if (fd >= 0)
		close(fd);
	return err_set(err, 500, "InternalError", "pod network: %s: %s", what, strerror(-rc));
}

int net_pod_attach(const char *data_dir, const char *pod_cidr, const char *pod_uid, pid_t pid,
		   char *ip, size_t iplen, struct atoll_err *err)
{
	char host[16], gw[16];
	uint32_t net;
	int plen, rc;
	struct in_addr a;

	/*
	 * The pod must have a network namespace of its own: in ours, "eth0"
	 * below would be the host's, and it would be deleted.
	 */
	char nspath[64];
	struct stat self_ns, pod_ns;
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/net", (int)pid);
	if (stat("/proc/thread-self/ns/net", &self_ns) < 0 || stat(nspath, &pod_ns) < 0)
		return err_set(err, 500, "InternalError", "pod network: %s: %s", nspath, strerror(errno));
	if (self_ns.st_ino == pod_ns.st_ino && self_ns.st_dev == pod_ns.st_dev)
		return err_set(err, 400, "BadRequest", "pod network: process %d shares this network namespace",
			       (int)pid);

	if (net_ipam_lease(data_dir, pod_cidr, pod_uid, ip, iplen, err) < 0)
		return -1;
	net_cidr_parse(pod_cidr, &net, &plen);
	net_ip_str(net + 1, gw);
	inet_pton(AF_INET, ip, &a);
	struct mnl_socket *nl = nl_open(0);
	if (!nl)
		return fail(NULL, NULL, -1, err, "netlink", -errno);
	struct mnl_socket *pnl = nl_open(pid);
	if (!pnl)
		return fail(nl, NULL, -1, err, "entering the pod's network namespace", -errno);
	int br = net_bridge_ensure(nl, pod_cidr, err);
	if (br < 0) {
		nl_close(nl);
		nl_close(pnl);
		return -1;
	}
	/* Idempotent: an earlier attempt's pair goes first (both ends go together). */
	net_veth_name(pod_uid, host);
	int old = nl_link_index(nl, host);
	if (old > 0)
		nl_link_del(nl, old);
	old = nl_link_index(pnl, "eth0");
	if (old > 0)
		nl_link_del(pnl, old);

	int nsfd = open(nspath, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return fail(nl, pnl, -1, err, nspath, -errno);
	rc = nl_link_add_veth(nl, host, "eth0", nsfd, NET_MTU);
	if (rc < 0)
		return fail(nl, pnl, nsfd, err, "creating the veth pair", rc);
	close(nsfd);
	int hidx = nl_link_index(nl, host);
	if (hidx < 0 || (rc = nl_link_up(nl, hidx, br)) < 0)
		return fail(nl, pnl, -1, err, "bridging the host end", hidx < 0 ? hidx : rc);
	/* The address may have had another pod's MAC here: forget it. */
	nl_neigh_del(nl, br, a.s_addr);
	/*
	 * A pod reaching itself through a Service: the DNATed packet goes back
	 * out of the port it came in by, which a bridge port refuses by default.
	 */
	if ((rc = nl_link_hairpin(nl, hidx)) < 0)
		return fail(nl, pnl, -1, err, "hairpin mode on the host end", rc);

	int lo = nl_link_index(pnl, "lo");
	if (lo > 0 && (rc = nl_link_up(pnl, lo, 0)) < 0)
		return fail(nl, pnl, -1, err, "lo up", rc);
	int eth = nl_link_index(pnl, "eth0");
	if (eth < 0)
		return fail(nl, pnl, -1, err, "eth0", eth);
	if ((rc = nl_addr_add(pnl, eth, a.s_addr, plen)) < 0)
		return fail(nl, pnl, -1, err, "eth0 address", rc);
	if ((rc = nl_link_up(pnl, eth, 0)) < 0)
		return fail(nl, pnl, -1, err, "eth0 up", rc);
	if ((rc = nl_route_replace(pnl, 0, 0, htonl(net + 1), eth, 0)) < 0)
		return fail(nl, pnl, -1, err, "default route", rc);
	nl_close(pnl);
	nl_close(nl);
	return 0;
}

void net_pod_detach(const char *data_dir, const char *pod_uid)
{
	char host[16];
	struct mnl_socket *nl = nl_open(0);

	char ip[16];
	struct in_addr a;
	bool had = net_ipam_find(data_dir, pod_uid, ip, sizeof(ip)) == 0 && inet_pton(AF_INET, ip, &a) == 1;

	net_veth_name(pod_uid, host);
	if (nl) {
		int idx = nl_link_index(nl, host);
		if (idx > 0)
			nl_link_del(nl, idx);
		int br = nl_link_index(nl, NET_BRIDGE);
		if (had && br > 0)
			nl_neigh_del(nl, br, a.s_addr);
		nl_close(nl);
	}
	net_ipam_release(data_dir, pod_uid);
}
