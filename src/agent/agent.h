/* SPDX-License-Identifier: Apache-2.0 */
/* The node agent: registers its Node, renews its Lease, reports node status. */
#ifndef ATOLL_AGENT_H
#define ATOLL_AGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct agent_opts {
	const char *server;    /* API server URL */
	const char *token;     /* bearer token */
	const char *ca_file;   /* the server's CA certificate (PEM file) */
	const char *node_name; /* NULL: the host name */
	const char *node_ip;   /* the Node's InternalIP; NULL: the first non-loopback IPv4 address */
	const char *data_dir;
	bool async;            /* register in the background (the server's embedded agent) */
	const char *dns_listen; /* also serve cluster DNS on this IP:PORT (tests: loopback); NULL: none */
	const char *stream_address; /* the streaming server's address (NULL: 0.0.0.0); a
				     * specific one is also the Node's InternalIP */
	int stream_port;       /* its port; 0: any free one; -1: no streaming server */
	bool stop_pods_on_exit; /* agent_exit stops the pods (tests); a kubelet leaves them running */
	bool pod_network;      /* pods get their own network (src/net) when the Node has a podCIDR */
	int max_pods;          /* the Node's pod capacity; 0: 110, as the kubelet */
	const char *guest_kernel; /* kernel of VM pods; NULL: the one `make guest-kernel` caches */
};

/*
 * Whether this node offers VM isolation: KVM with hardware virtualization
 * (sandbox_hw_virt), or ATOLL_NODE_VM=1 in the environment. That variable is
 * for tests only: it makes a PVM host label itself atoll.dev/runtime-vm and
 * run VM pods, whose guests cannot boot there.
 */
bool agent_node_vm(void);

/*
 * Register the node (synchronously unless o->async, so errors surface), then
 * keep it alive in a thread. Strings in o are copied.
 */
int agent_start(const struct agent_opts *o, struct atoll_err *err);

/*
 * The process is exiting: with stop_pods_on_exit, stop this node's pods
 * (bounded wait). Otherwise nothing: pods run on and a new agent adopts them.
 */
void agent_exit(void);

/* The node name agent_start uses for o (host name when unset); writes into out. */
void agent_node_name(const struct agent_opts *o, char *out, size_t n);

/* The host's first non-loopback IPv4 address (not the pod bridge's), "127.0.0.1" when none. */
void agent_host_ip(char *out, size_t n);

#endif
