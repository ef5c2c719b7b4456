/* SPDX-License-Identifier: Apache-2.0 */
/* Route netlink requests (links, addresses, routes) with libmnl. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/nl.h"

static struct mnl_socket *open_here(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

struct open_in {
	int nsfd;
	struct mnl_socket *nl;
	int err;
};

/*
 * setns() on a thread of its own: the namespace switch is per thread, and
 * the thread ends with it, so no other thread of the agent ever runs in the
 * pod's namespace. The socket stays bound to the pod's namespace.
 */
static void *open_in_thread(void *p)
{
	struct open_in *o = p;

	if (setns(o->nsfd, CLONE_NEWNET) < 0) {
		o->err = errno;
		return NULL;
	}
	o->nl = open_here();
	if (!o->nl)
		o->err = errno;
	return NULL;
}

struct mnl_socket *nl_open(pid_t pid)
{
	if (pid <= 0)
		return open_here();
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	struct open_in o = { .nsfd = open(path, O_RDONLY | O_CLOEXEC) };
	if (o.nsfd < 0)
		return NULL;
	pthread_t t;
	int rc = pthread_create(&t, NULL, open_in_thread, &o);
	if (rc == 0)
		pthread_join(t, NULL);
	else
		o.err = rc;
	close(o.nsfd);
	errno = o.err;
	return o.nl;
}

void nl_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}

int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static __thread unsigned seq_base;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned portid = mnl_socket_get_portid(nl);

	if (!seq_base)
		seq_base = (unsigned)time(NULL);
	nlh->nlmsg_seq = ++seq_base;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		int rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb, data);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

static struct nlmsghdr *start(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	*(int *)data = ifm->ifi_index;
	return MNL_CB_OK;
}

int nl_link_index(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, RTM_GETLINK, NLM_F_ACK);
	int index = 0;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	int rc = nl_talk(nl, nlh, link_cb, &index);
	if (rc < 0)
		return rc;
	return index > 0 ? index : -ENODEV;
}

static struct nlmsghdr *new_link(char *buf, const char *name, unsigned mtu)
{
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nlh;
}

int nl_link_add_bridge(struct mnl_socket *nl, const char *name, unsigned mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_link(buf, name, mtu);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_add_veth(struct mnl_socket *nl, const char *name, const char *peer, int netns_fd, unsigned mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = new_link(buf, name, mtu);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own link message: a header, then its attributes. */
	struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_up(struct mnl_socket *nl, int index, int master)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_hairpin(struct mnl_socket *nl, int index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, RTM_SETLINK, NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_BRIDGE;
	ifm->ifi_index = index;
	struct nlattr *pi = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, 1);
	mnl_attr_nest_end(nlh, pi);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_del(struct mnl_socket *nl, int index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, RTM_DELLINK, NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_addr_add(struct mnl_socket *nl, int index, uint32_t addr, int plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)index;
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr);
	if (plen < 31)
		mnl_attr_put_u32(nlh, IFA_BROADCAST, addr | htonl(0xffffffffu >> plen));
	int rc = nl_talk(nl, nlh, NULL, NULL);
	return rc == -EEXIST ? 0 : rc;
}

int nl_neigh_del(struct mnl_socket *nl, int index, uint32_t addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, RTM_DELNEIGH, NLM_F_ACK);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = index;
	mnl_attr_put_u32(nlh, NDA_DST, addr);
	int rc = nl_talk(nl, nlh, NULL, NULL);
	return rc == -ENOENT ? 0 : rc;
}

static struct nlmsghdr *route_msg(char *buf, uint16_t type, uint16_t flags, uint32_t dst, int plen)
{
	struct nlmsghdr *nlh = start(buf, type, flags | NLM_F_ACK);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (unsigned char)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = NET_RTPROT;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	if (plen)
		mnl_attr_put_u32(nlh, RTA_DST, dst);
	return nlh;
}

int nl_route_replace(struct mnl_socket *nl, uint32_t dst, int plen, uint32_t gw, int oif, uint32_t src)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, dst, plen);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (gw)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, gw);
	else
		rtm->rtm_scope = RT_SCOPE_LINK;
	if (oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	if (src)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, src);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_route_del(struct mnl_socket *nl, uint32_t dst, int plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = route_msg(buf, RTM_DELROUTE, 0, dst, plen);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	int rc = nl_talk(nl, nlh, NULL, NULL);
	return rc == -ESRCH ? 0 : rc;
}

struct dump {
	nl_route_fn fn;
	void *ctx;
};

static int route_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };

	if (rtm->rtm_family != AF_INET || rtm->rtm_protocol != NET_RTPROT || rtm->rtm_table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	uint32_t dst = tb[RTA_DST] ? mnl_attr_get_u32(tb[RTA_DST]) : 0;
	uint32_t gw = tb[RTA_GATEWAY] ? mnl_attr_get_u32(tb[RTA_GATEWAY]) : 0;
	d->fn(dst, rtm->rtm_dst_len, gw, d->ctx);
	return MNL_CB_OK;
}

int nl_route_dump(struct mnl_socket *nl, nl_route_fn fn, void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = start(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct dump d = { fn, ctx };

	rtm->rtm_family = AF_INET;
	return nl_talk(nl, nlh, route_cb, &d);
}
