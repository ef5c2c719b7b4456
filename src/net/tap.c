/* SPDX-License-Identifier: Apache-2.0 */
/* A VM pod's network: a persistent TAP on the node's bridge, named as a pod's veth, and the guest's address. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "net/host.h"
#include "net/ipam.h"
#include "net/net.h"
#include "net/nl.h"

/* A TAP that outlives our descriptor, so the VMM can open it by name. 0 or -errno. */
static int tap_create(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	int r = ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int set_mtu(const char *name, unsigned mtu)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = (int)mtu;
	int r = ioctl(s, SIOCSIFMTU, &ifr) < 0 ? -errno : 0;
	close(s);
	return r;
}

int net_pod_params(const char *pod_cidr, const char *ip, struct net_pod_params *out)
{
	uint32_t net;
	int plen;
	struct in_addr a;

	memset(out, 0, sizeof(*out));
	if (net_cidr_parse(pod_cidr, &net, &plen) < 0 || plen < 8 || plen > 30 || inet_pton(AF_INET, ip, &a) != 1)
		return -1;
	uint32_t h = ntohl(a.s_addr);
	uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0;
	if ((h & mask) != net || h == net || h == net + 1 || h == (net | ~mask))
		return -1;
	snprintf(out->ip, sizeof(out->ip), "%s", ip);
	net_ip_str(net + 1, out->gateway);
	out->prefix = plen;
	out->mtu = NET_MTU;
	return 0;
}

int net_pod_attach_tap(const char *data_dir, const char *pod_cidr, const char *pod_uid, char tap[16],
		       struct net_pod_params *out, struct atoll_err *err)
{
	char ip[16];
	int rc;

	net_veth_name(pod_uid, tap);
	if (net_ipam_lease(data_dir, pod_cidr, pod_uid, ip, sizeof(ip), err) < 0)
		return -1;
	if (net_pod_params(pod_cidr, ip, out) < 0)
		return err_set(err, 500, "InternalError", "pod network: address %s is not in %s", ip, pod_cidr);
	struct mnl_socket *nl = nl_open(0);
	if (!nl)
		return err_set(err, 500, "InternalError", "pod network: netlink: %s", strerror(errno));
	int br = net_bridge_ensure(nl, pod_cidr, err);
	if (br < 0) {
		nl_close(nl);
		return -1;
	}
	/* Idempotent: a TAP (or veth) left by an earlier attempt goes first. */
	int old = nl_link_index(nl, tap);
	if (old > 0)
		nl_link_del(nl, old);
	const char *what = "creating the TAP";
	if ((rc = tap_create(tap)) < 0 || (what = "its MTU", rc = set_mtu(tap, NET_MTU)) < 0)
		goto fail;
	int idx = nl_link_index(nl, tap);
	what = "bridging the TAP";
	if (idx < 0 || (rc = nl_link_up(nl, idx, br)) < 0) {
		rc = idx < 0 ? idx : rc;
		goto fail;
	}
	struct in_addr a;
	inet_pton(AF_INET, ip, &a);
	nl_neigh_del(nl, br, a.s_addr);
	/* As for a veth: a pod reaching itself through a Service needs hairpin mode. */
	what = "hairpin mode on the TAP";
	if ((rc = nl_link_hairpin(nl, idx)) < 0)
		goto fail;
	nl_close(nl);
	return 0;
fail:
	old = nl_link_index(nl, tap);
	if (old > 0)
		nl_link_del(nl, old);
	nl_close(nl);
	return err_set(err, 500, "InternalError", "pod network: %s %s: %s", what, tap, strerror(-rc));
}
