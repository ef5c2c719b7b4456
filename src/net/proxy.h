/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service proxy: Services and EndpointSlices turned into one nftables
 * table, `ip atoll-nat` (layout in docs/networking.md), replaced atomically
 * on every change.
 */
#ifndef ATOLL_NET_PROXY_H
#define ATOLL_NET_PROXY_H

#include <jansson.h>

struct kclient;

#define NET_NFT_TABLE "atoll-nat"  /* ip: DNAT and masquerade */
#define NET_NFT_FILTER "atoll"     /* inet: refusing services without endpoints */
/* Packet mark bit: masquerade on the way out (NodePort and LoadBalancer traffic). */
#define NET_MASQ_MARK "0x4000"

struct net_proxy_cfg {
	const char *pod_range; /* all pods: NET_POD_RANGE */
	const char *node_cidr; /* this node's pods (NULL: unknown, pod_range is used) */
	const json_t *pods;    /* Pods bound to this node, for their hostPorts (NULL: none) */
	const char *node;      /* this node's name, for traffic policies Local (NULL: ignored) */
};

/*
 * The nft script (owned) for services and slices (JSON arrays of Service
 * and EndpointSlice objects, borrowed): ClusterIPs, external and
 * LoadBalancer IPs and node ports DNATed to ready endpoints, chosen at
 * random (or by client address with sessionAffinity ClientIP), containers'
 * hostPorts on this node's addresses, masquerade
 * of pod traffic leaving the pod range and of hairpin and external service
 * traffic. Pure: the same input gives the same text.
 */
char *net_proxy_render(const json_t *services, const json_t *slices, const struct net_proxy_cfg *cfg);

/*
 * Where UDP service traffic may go (owned): "serviceIP:port" -> object of
 * "endpointIP:port" -> true, for every UDP port of every service address
 * (an empty object when it has no endpoints).
 */
json_t *net_proxy_udp_targets(const json_t *services, const json_t *slices);

/*
 * The agent's network loop (a thread): waits for this node's podCIDR, sets
 * up the node (host.h), then keeps routes to other nodes and the proxy's
 * table in sync with the API; releases the address leases (under
 * run_dir/agent, the node's runtime directory) of pods gone from it. kc is
 * borrowed for the process's life.
 */
void net_agent_start(struct kclient *kc, const char *node, const char *run_dir);

#endif
