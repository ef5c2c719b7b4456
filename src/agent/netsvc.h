/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node agent's network services: cluster DNS (agent/dns.c) and
 * NetworkPolicy enforcement (agent/netpol.c), each a loop over cached API
 * objects. docs/dns.md, docs/network-policy.md.
 */
#ifndef ATOLL_AGENT_NETSVC_H
#define ATOLL_AGENT_NETSVC_H

#include <stddef.h>

struct kclient;

/*
 * Serve cluster DNS: on each of listen[0..n) ("IP:PORT", e.g. a test address
 * on loopback) at once, and on the pod bridge's address port 53 once the
 * bridge has one (then the node also publishes itself as an endpoint of
 * kube-system/kube-dns). kc is borrowed for the process's life; strings are
 * copied.
 */
void agent_dns_start(struct kclient *kc, const char *node, const char *const *listen, size_t n);

/*
 * Enforce NetworkPolicies for the pods of this node: recompute the nftables
 * table `inet atoll-policy` whenever Pods, Namespaces or NetworkPolicies
 * change, and apply it in one transaction.
 */
void agent_netpol_start(struct kclient *kc, const char *node);

#endif
