/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's side of pod networking: the bridge with the pod range's
 * gateway, IPv4 forwarding, a route that gives service addresses a source,
 * and routes to other nodes' pod ranges.
 */
#ifndef ATOLL_NET_HOST_H
#define ATOLL_NET_HOST_H

#include <jansson.h>

#include "lib/err.h"

struct mnl_socket;

#define NET_MTU 1500

/*
 * Make sure the bridge exists, holds the gateway (first address of
 * pod_cidr) and is up, and that IPv4 forwarding is on. Returns the bridge's
 * index, or -1 with err.
 */
int net_bridge_ensure(struct mnl_socket *nl, const char *pod_cidr, struct atoll_err *err);

/*
 * Everything the node needs once: the bridge and a route to the service
 * range out of it (so locally started connections to ClusterIPs have a
 * source address before they are DNATed). 0 or -1 with err.
 */
int net_host_setup(const char *pod_cidr, struct atoll_err *err);

/*
 * Routes to other nodes' pod ranges via their InternalIP, from nodes (a
 * JSON array of Node objects, borrowed); routes of this kind that no node
 * wants any more are removed. self is this node's name.
 */
void net_host_routes(const json_t *nodes, const char *self);

#endif
