/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod networking on a node: a bridge (atoll0) holding the node's pod range
 * (Node.spec.podCIDR, a /24 of 10.244.0.0/16), one veth per pod into the
 * pod's network namespace, an IP per pod, masquerade for traffic leaving the
 * node, routes to other nodes' pod ranges, Services (ClusterIP, NodePort,
 * LoadBalancer) and NetworkPolicy in one nftables table, and cluster DNS.
 *
 * Conventions shared with the rest of Atoll:
 *   Service ClusterIPs: 10.96.0.0/12 (api/alloc.c); the cluster DNS Service
 *   is kube-system/kube-dns at NET_DNS_IP, port 53 UDP and TCP; the domain is
 *   cluster.local.
 *   A pod's /etc/resolv.conf and /etc/hosts are files in its pod directory
 *   (POD_DIR/etc/), created empty before the sandbox exists (so they can be
 *   bound into containers) and filled by net_pod_files once the IP is known.
 *
 * sandbox.json (agent -> shim): "network": true and "pod_cidr": the Node's
 *   spec.podCIDR ask the shim for net_pod_attach(DATA, pod_cidr, pod uid,
 *   init pid) and net_pod_files; without them the pod keeps the host's
 *   network. The agent sets them only with --pod-network and once the Node
 *   has a podCIDR (given by the podcidr controller).
 *
 * Layout on the node (docs/networking.md): leases DATA/net/leases/<ip>; the
 * pod's host-side veth is "atl" + 12 hex digits of its uid, in hairpin
 * mode on the bridge; nftables table `ip atoll-nat` is the service proxy's
 * (replaced whole on every sync); NetworkPolicy keeps to its own tables.
 */
#ifndef ATOLL_NET_H
#define ATOLL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"

#define NET_POD_RANGE   "10.244.0.0/16"
#define NET_DNS_IP      "10.96.0.10"
#define NET_DOMAIN      "cluster.local"
#define NET_BRIDGE      "atoll0"
#define NET_SERVICE_RANGE "10.96.0.0/12"
/* Default pool of LoadBalancer IPs (atoll server --lb-pool); inside the service range. */
#define NET_LB_POOL     "10.97.0.0/16"

/*
 * Attach the network namespace of process pid (a pod's init) to the node's
 * bridge: a veth pair, an address from pod_cidr (leased in data_dir under
 * pod_uid, so a pod keeps its IP across agent restarts), the default route,
 * lo up. Writes the pod's IP into ip. Idempotent per pod_uid.
 */
int net_pod_attach(const char *data_dir, const char *pod_cidr, const char *pod_uid, pid_t pid,
		   char *ip, size_t iplen, struct atoll_err *err);

/* What a VM pod's guest configures on its eth0 (net_pod_attach_tap). */
struct net_pod_params {
	char ip[16], gateway[16];
	int prefix;
	unsigned mtu;
};

/*
 * The guest side of an address ip leased in pod_cidr: prefix, gateway (the
 * range's first address, the bridge) and MTU. 0, or -1 when ip is not a pod
 * address of pod_cidr. Pure, for tests.
 */
int net_pod_params(const char *pod_cidr, const char *ip, struct net_pod_params *out);

/*
 * A VM pod's attachment: an address from pod_cidr (leased under pod_uid as
 * for net_pod_attach) and a persistent TAP named as the pod's veth would be
 * (net_veth_name, into tap), up on the node's bridge in hairpin mode; the
 * VMM opens it by name and the guest configures eth0 from out. Idempotent
 * per pod_uid; net_pod_detach removes it. 0 or -1 with err.
 */
int net_pod_attach_tap(const char *data_dir, const char *pod_cidr, const char *pod_uid, char tap[16],
		       struct net_pod_params *out, struct atoll_err *err);

/* Remove the pod's veth or TAP (if left) and release its address. */
void net_pod_detach(const char *data_dir, const char *pod_uid);

/*
 * Fill POD_DIR/etc/resolv.conf (cluster DNS, search path for namespace ns)
 * and POD_DIR/etc/hosts (localhost, hostname -> ip). 0 or -1 with err.
 */
int net_pod_files(const char *pod_dir, const char *ns, const char *hostname, const char *ip,
		  struct atoll_err *err);

/* The node end of a pod's veth: "atl" and 12 hex digits of the uid (or a hash of it); out holds 16 bytes. */
void net_veth_name(const char *uid, char out[16]);

/* The pod bridge's IPv4 address, when the bridge exists and has one. */
bool net_bridge_ip(char *out, size_t n);

#endif
