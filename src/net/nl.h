/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Route netlink through libmnl: the few link, address and route operations
 * pod networking needs. A socket works in the network namespace it was
 * opened in, so one opened inside a pod's namespace configures the pod.
 * Functions return 0 or -errno.
 */
#ifndef ATOLL_NET_NL_H
#define ATOLL_NET_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>

struct mnl_socket;

/* Routes Atoll installs carry this protocol number, so they can be found again. */
#define NET_RTPROT 0xa7

/* A route socket in this thread's namespace, or in pid's (pid > 0). NULL with errno. */
/* Send one request (its sequence number is set here) and read replies until its ack or the end of a dump. 0 or -errno. */
int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

struct mnl_socket *nl_open(pid_t pid);
void nl_close(struct mnl_socket *nl);

/* The index of link name (> 0), or -ENODEV. */
int nl_link_index(struct mnl_socket *nl, const char *name);
int nl_link_add_bridge(struct mnl_socket *nl, const char *name, unsigned mtu);
/* A veth pair: name here, peer (named peer) in the namespace of netns_fd. */
int nl_link_add_veth(struct mnl_socket *nl, const char *name, const char *peer, int netns_fd, unsigned mtu);
/* Set a link up (and its master when master > 0). */
int nl_link_up(struct mnl_socket *nl, int index, int master);
/* Let a bridge port send frames back out where they came in (hairpin). */
int nl_link_hairpin(struct mnl_socket *nl, int index);
int nl_link_del(struct mnl_socket *nl, int index);

/* Forget the neighbour entry (ARP) of addr (network order) on a link; none is fine. */
int nl_neigh_del(struct mnl_socket *nl, int index, uint32_t addr);

/* Add addr/plen (network order) to a link; an existing address is fine. */
int nl_addr_add(struct mnl_socket *nl, int index, uint32_t addr, int plen);

/*
 * Add or replace the route dst/plen (network order) via gw (0: on link oif)
 * out of oif (0: found from gw), tagged NET_RTPROT. src is the preferred
 * source (0: none).
 */
int nl_route_replace(struct mnl_socket *nl, uint32_t dst, int plen, uint32_t gw, int oif, uint32_t src);
int nl_route_del(struct mnl_socket *nl, uint32_t dst, int plen);

/* Every route of the main table tagged NET_RTPROT: fn(dst, plen, gw, ctx). */
typedef void (*nl_route_fn)(uint32_t dst, int plen, uint32_t gw, void *ctx);
int nl_route_dump(struct mnl_socket *nl, nl_route_fn fn, void *ctx);

#endif
