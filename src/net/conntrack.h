/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Conntrack entries of UDP flows to Services. A UDP client that keeps
 * sending keeps its entry, and the entry keeps its DNAT: when an endpoint
 * goes, its clients would go on sending to it. The proxy deletes such
 * entries after each change (as kube-proxy does), through ctnetlink.
 */
#ifndef ATOLL_NET_CONNTRACK_H
#define ATOLL_NET_CONNTRACK_H

#include <stdbool.h>
#include <stdint.h>

/* One flow, addresses and ports in host order. */
struct net_ct_flow {
	uint32_t src, dst;     /* original direction: client -> service */
	uint16_t sport, dport;
	uint32_t rsrc;         /* reply direction's source: the endpoint it was DNATed to */
	uint16_t rsport;
};

/*
 * Delete every UDP entry (in this thread's network namespace) for which
 * stale(flow, ctx) is true. Returns how many, or -errno.
 */
int net_ct_flush_udp(bool (*stale)(const struct net_ct_flow *f, void *ctx), void *ctx);

#endif
