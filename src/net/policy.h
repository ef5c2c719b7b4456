/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NetworkPolicy enforcement: Pods, Namespaces and NetworkPolicies in, one
 * nftables ruleset out (table `inet atoll-policy`), applied atomically with
 * net_nft_run (net/nft.h).
 * docs/network-policy.md gives the semantics and the shape of the ruleset.
 */
#ifndef ATOLL_POLICY_H
#define ATOLL_POLICY_H

#include <jansson.h>

#include "lib/err.h"

#define POLICY_TABLE "atoll-policy"

/*
 * Compile the ruleset for one node. in (borrowed) is an object:
 *   "node": the node whose pods are enforced (spec.nodeName); absent: every pod,
 *   "pods", "namespaces", "networkPolicies": arrays of API objects.
 * Pods without an IP, finished pods and host-network pods are never
 * isolated; host-network pods (such as the node's DNS, see agent/netpol.c)
 * can still be peers. The text replaces the whole table in one transaction.
 * Returns owned text; NULL with err 422 when in is not such an object.
 * Pure: no I/O.
 */
char *policy_compile(const json_t *in, struct atoll_err *err);

struct buf;

/*
 * Append the table `bridge atoll-policy` to out: at each local pod's bridge
 * port (its veth, named as net.h says), IPv4 and ARP from any address but
 * the pod's are dropped, so no pod can borrow another's identity. pods
 * borrowed; node as for policy_compile. Part of policy_compile's text.
 */
void policy_antispoof(struct buf *out, const json_t *pods, const char *node);

#endif
