/* SPDX-License-Identifier: Apache-2.0 */
/* Node plumbing: bridge, forwarding, service route, routes to other nodes' pods. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "net/host.h"
#include "net/ipam.h"
#include "net/net.h"
#include "net/nl.h"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int e = errno;
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -e;
}

int net_bridge_ensure(struct mnl_socket *nl, const char *pod_cidr, struct atoll_err *err)
{
	uint32_t net;
	int plen, rc;

	if (net_cidr_parse(pod_cidr, &net, &plen) < 0 || plen > 30)
		return err_set(err, 400, "BadRequest", "pod range %s: not an IPv4 CIDR", pod_cidr ? pod_cidr : "(none)");
	int br = nl_link_index(nl, NET_BRIDGE);
	if (br == -ENODEV) {
		rc = nl_link_add_bridge(nl, NET_BRIDGE, NET_MTU);
		if (rc < 0 && rc != -EEXIST)
			return err_set(err, 500, "InternalError", "creating bridge %s: %s", NET_BRIDGE, strerror(-rc));
		br = nl_link_index(nl, NET_BRIDGE);
	}
	if (br < 0)
		return err_set(err, 500, "InternalError", "bridge %s: %s", NET_BRIDGE, strerror(-br));
	rc = nl_addr_add(nl, br, htonl(net + 1), plen);
	if (rc < 0)
		return err_set(err, 500, "InternalError", "gateway address on %s: %s", NET_BRIDGE, strerror(-rc));
	rc = nl_link_up(nl, br, 0);
	if (rc < 0)
		return err_set(err, 500, "InternalError", "bridge %s up: %s", NET_BRIDGE, strerror(-rc));
	/* Per network namespace: the one this process runs in. */
	rc = write_file("/proc/sys/net/ipv4/ip_forward", "1");
	if (rc < 0)
		return err_set(err, 500, "InternalError", "enabling IPv4 forwarding: %s", strerror(-rc));
	/*
	 * No ICMP redirects: a pod's packet to a Service address goes back out
	 * of the bridge it came in by, and the redirects the kernel would send
	 * (useless: service addresses live nowhere) use up the rate limit that
	 * the "no endpoints" rejections need. The flag is or-ed with "all".
	 */
	write_file("/proc/sys/net/ipv4/conf/all/send_redirects", "0");
	write_file("/proc/sys/net/ipv4/conf/" NET_BRIDGE "/send_redirects", "0");
	return br;
}

int net_host_setup(const char *pod_cidr, struct atoll_err *err)
{
	struct mnl_socket *nl = nl_open(0);
	uint32_t net, snet;
	int plen, splen;

	if (!nl)
		return err_set(err, 500, "InternalError", "netlink: %s", strerror(errno));
	int br = net_bridge_ensure(nl, pod_cidr, err);
	if (br < 0) {
		nl_close(nl);
		return -1;
	}
	net_cidr_parse(pod_cidr, &net, &plen);
	net_cidr_parse(NET_SERVICE_RANGE, &snet, &splen);
	int rc = nl_route_replace(nl, htonl(snet), splen, 0, br, htonl(net + 1));
	nl_close(nl);
	if (rc < 0)
		return err_set(err, 500, "InternalError", "route to %s: %s", NET_SERVICE_RANGE, strerror(-rc));
	return 0;
}

struct want {
	const json_t *nodes;
	const char *self;
	struct mnl_socket *nl;
};

/* The InternalIP of node (borrowed) or NULL. */
static const char *internal_ip(const json_t *node)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(json_object_get(node, "status"), "addresses"), i, a) {
		const char *t = json_string_value(json_object_get(a, "type"));
		if (t && !strcmp(t, "InternalIP"))
			return json_string_value(json_object_get(a, "address"));
	}
	return NULL;
}

/* Whether some other node wants dst/plen via gw. */
static bool wanted(const struct want *w, uint32_t dst, int plen, uint32_t gw)
{
	size_t i;
	json_t *n;

	json_array_foreach(w->nodes, i, n) {
		const char *name = json_string_value(json_object_get(json_object_get(n, "metadata"), "name"));
		const char *cidr = json_string_value(json_object_get(json_object_get(n, "spec"), "podCIDR"));
		const char *ip = internal_ip(n);
		uint32_t net;
		int pl;
		struct in_addr a;
		if (!name || (w->self && !strcmp(name, w->self)) || !ip || net_cidr_parse(cidr, &net, &pl) < 0 ||
		    inet_pton(AF_INET, ip, &a) != 1)
			continue;
		if (htonl(net) == dst && pl == plen && a.s_addr == gw)
			return true;
	}
	return false;
}

static void stale_cb(uint32_t dst, int plen, uint32_t gw, void *ctx)
{
	struct want *w = ctx;
	char s[16];

	/* Only node routes (via a gateway): the service route is on-link. */
	if (!gw || wanted(w, dst, plen, gw))
		return;
	/* Deleting while the dump is read would confuse it: done on a second socket. */
	struct mnl_socket *del = nl_open(0);
	if (del) {
		nl_route_del(del, dst, plen);
		nl_close(del);
	}
	log_info("net", "removed route to %s/%d", net_ip_str(ntohl(dst), s), plen);
}

void net_host_routes(const json_t *nodes, const char *self)
{
	static json_t *warned; /* node -> route that failed; one caller (the agent's loop) */
	struct mnl_socket *nl = nl_open(0);
	struct want w = { nodes, self, nl };
	size_t i;
	json_t *n;

	if (!nl)
		return;
	if (!warned)
		warned = json_object();
	json_array_foreach(nodes, i, n) {
		const char *name = json_string_value(json_object_get(json_object_get(n, "metadata"), "name"));
		const char *cidr = json_string_value(json_object_get(json_object_get(n, "spec"), "podCIDR"));
		const char *ip = internal_ip(n);
		uint32_t net;
		int plen;
		struct in_addr a;
		if (!name || (self && !strcmp(name, self)) || !ip || net_cidr_parse(cidr, &net, &plen) < 0 ||
		    inet_pton(AF_INET, ip, &a) != 1 || (ntohl(a.s_addr) >> 24) == 127)
			continue;
		int rc = nl_route_replace(nl, htonl(net), plen, a.s_addr, 0, 0);
		/* Said once per node and address, not at every sync. */
		_cleanup_free_ char *key = xasprintf("%s %s", cidr, ip);
		const char *said = json_string_value(json_object_get(warned, name));
		if (rc < 0 && (!said || strcmp(said, key)))
			log_warn("net", "route to %s via %s (node %s): %s", cidr, ip, name, strerror(-rc));
		if (rc < 0)
			json_object_set_new(warned, name, json_string(key));
		else
			json_object_del(warned, name);
	}
	nl_route_dump(nl, stale_cb, &w);
	nl_close(nl);
}

bool net_bridge_ip(char *out, size_t n)
{
	struct ifaddrs *ifs, *i;
	bool found = false;

	if (getifaddrs(&ifs) < 0)
		return false;
	for (i = ifs; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || strcmp(i->ifa_name, NET_BRIDGE))
			continue;
		inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, out, (socklen_t)n);
		found = true;
	}
	freeifaddrs(ifs);
	return found;
}
