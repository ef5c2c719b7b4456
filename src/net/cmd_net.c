/* SPDX-License-Identifier: Apache-2.0 */
/* atoll net: pod network plumbing by hand (attach or detach a process), for tests and debugging. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "net/host.h"
#include "net/net.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: atoll net attach --cidr CIDR --uid UID --pid PID [--data-dir DIR]\n"
		"       atoll net detach --uid UID [--data-dir DIR]\n"
		"       atoll net files --pod-dir DIR --ip IP [--namespace NS] [--hostname NAME]\n"
		"       atoll net setup --cidr CIDR\n"
		"\n"
		"attach gives the network namespace of process PID an address of CIDR on the\n"
		"bridge " NET_BRIDGE " (as a pod's shim does) and prints it; detach undoes it;\n"
		"files writes DIR/etc/resolv.conf and hosts; setup prepares the node.\n"
		"--data-dir is where leases live (default /var/lib/atoll/run/agent, as the agent's shims).\n");
}

int cmd_net(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cidr", required_argument, NULL, 'c' },
		{ "uid", required_argument, NULL, 'u' },
		{ "pid", required_argument, NULL, 'p' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "pod-dir", required_argument, NULL, 'D' },
		{ "ip", required_argument, NULL, 'i' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Where the agent's pod shims keep their state (DATA/run/agent), leases included. */
	const char *cidr = NULL, *uid = NULL, *data_dir = "/var/lib/atoll/run/agent", *pod_dir = NULL, *ip = NULL;
	const char *ns = "default", *host = NULL;
	long pid = 0;
	int c;
	struct atoll_err err = ERR_INIT;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cidr = optarg; break;
		case 'u': uid = optarg; break;
		case 'p': pid = strtol(optarg, NULL, 10); break;
		case 'd': data_dir = optarg; break;
		case 'D': pod_dir = optarg; break;
		case 'i': ip = optarg; break;
		case 'n': ns = optarg; break;
		case 'H': host = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	const char *verb = optind < argc ? argv[optind] : "";
	if (!strcmp(verb, "attach") && cidr && uid && pid > 0) {
		char addr[16];
		if (net_pod_attach(data_dir, cidr, uid, (pid_t)pid, addr, sizeof(addr), &err) < 0) {
			fprintf(stderr, "atoll net attach: %s\n", err.msg);
			return 1;
		}
		printf("%s\n", addr);
		return 0;
	}
	if (!strcmp(verb, "detach") && uid) {
		net_pod_detach(data_dir, uid);
		return 0;
	}
	if (!strcmp(verb, "files") && pod_dir && ip) {
		if (net_pod_files(pod_dir, ns, host, ip, &err) < 0) {
			fprintf(stderr, "atoll net files: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (!strcmp(verb, "setup") && cidr) {
		if (net_host_setup(cidr, &err) < 0) {
			fprintf(stderr, "atoll net setup: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	usage(stderr);
	return 2;
}
