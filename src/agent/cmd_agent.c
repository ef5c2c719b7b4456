/* SPDX-License-Identifier: Apache-2.0 */
/* atoll agent: join this host to a control plane as a node. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "cmds.h"
#include "lib/log.h"
#include "net/net.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atoll agent --server URL --token TOKEN [options]\n"
		"\n"
		"Registers this host as a Node of the control plane at URL and keeps it alive.\n"
		"\n"
		"  --server URL       the API server (https://HOST:PORT)\n"
		"  --token TOKEN      a bearer token the server accepts\n"
		"  --ca-file FILE     the server's CA certificate (default DATA/pki/ca.crt when present)\n"
		"  --node-name NAME   the Node's name (default: the host name)\n"
		"  --node-ip IP       the Node's InternalIP, where other nodes route its pods\n"
		"  --max-pods N       how many pods the Node takes (default 110, as the kubelet)\n"
		"                     (default: the first non-loopback IPv4 address)\n"
		"  --data-dir DIR     state directory (default /var/lib/atoll)\n"
		"  --dns-listen IP:PORT  also serve cluster DNS there (it always serves on the pod\n"
		"                     bridge's address, port 53, once the pod network is up)\n"
		"  --stream-address IP  address of the streaming server (exec, attach, port-forward,\n"
		"                     logs; default 0.0.0.0); a specific one is also the Node's InternalIP\n"
		"  --stream-port N    its port (default 10250; 0: any free port)\n"
		"  --pod-network      give pods a network of their own (needs the Node's podCIDR)\n"
		"  --guest-kernel PATH  kernel of VM pods (default: the one make guest-kernel caches)\n"
		"  --stop-pods-on-exit  stop this node's pods when the agent exits (default: they run on\n"
		"                     and the next agent adopts them)\n"
		"  -h, --help         this help\n");
}

int cmd_agent(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "token", required_argument, NULL, 't' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "node-name", required_argument, NULL, 'n' },
		{ "node-ip", required_argument, NULL, 'I' },
		{ "max-pods", required_argument, NULL, 'M' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "dns-listen", required_argument, NULL, 'D' },
		{ "stream-address", required_argument, NULL, 'a' },
		{ "stream-port", required_argument, NULL, 'p' },
		{ "stop-pods-on-exit", no_argument, NULL, 'S' },
		{ "pod-network", no_argument, NULL, 'P' },
		{ "guest-kernel", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct agent_opts o = { .data_dir = "/var/lib/atoll", .stream_port = 10250 };
	struct atoll_err err = ERR_INIT;
	char ca[4096];
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': o.server = optarg; break;
		case 't': o.token = optarg; break;
		case 'c': o.ca_file = optarg; break;
		case 'n': o.node_name = optarg; break;
		case 'I': o.node_ip = optarg; break;
		case 'M': o.max_pods = atoi(optarg); break;
		case 'd': o.data_dir = optarg; break;
		case 'D': o.dns_listen = optarg; break;
		case 'a': o.stream_address = optarg; break;
		case 'p': o.stream_port = atoi(optarg); break;
		case 'S': o.stop_pods_on_exit = true; break;
		case 'P': o.pod_network = true; break;
		case 'K': o.guest_kernel = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.server || !o.token) {
		usage(stderr);
		return 2;
	}
	if (!o.ca_file) {
		snprintf(ca, sizeof(ca), "%s/pki/ca.crt", o.data_dir);
		if (access(ca, R_OK) == 0)
			o.ca_file = ca;
	}
	if (agent_start(&o, &err) < 0)
		die("%s", err.msg);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	int sig;
	sigwait(&set, &sig);
	agent_exit();
	return 0;
}
