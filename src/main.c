/* SPDX-License-Identifier: Apache-2.0 */
/* atoll: one binary, subcommands dispatched from a table. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "lib/cryptolib.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	bool lean; /* started once per pod or VM: without OpenSSL (lib/cryptolib.h) */
};

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "server",  cmd_server,  "run the control plane (and a local node unless --no-node)", false },
	{ "agent",   cmd_agent,   "join this host to a control plane as a node", false },
	{ "run",     cmd_run,     "run one command in a fresh sandbox, like docker run --rm", false },
	{ "vmm",     cmd_vmm,     "the per-VM monitor process (internal)", true },
	{ "shim",    cmd_shim,    "the per-pod sandbox keeper (internal)", true },
	{ "user",    cmd_user,    "add a user: a client certificate or token, as a kubeconfig", false },
	{ "namespace", cmd_namespace, "create a team's namespace: quota, limits, role bindings", false },
	{ "netpol",  cmd_netpol,  "print or apply the nftables ruleset NetworkPolicies compile to", false },
	{ "net",     cmd_net,     "attach or detach a process to the pod network by hand (internal)", false },
	{ "encryption", cmd_encryption, "encryption at rest: key status, rotate, rewrite, prune", false },
	{ "version", cmd_version, "print the version", true },
	{ "help",    cmd_help,    "list the subcommands", true },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_version(int argc, char **argv)
{
	printf("atoll %s\n", ATOLL_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	printf("usage: atoll <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].help);
	printf("\nRun 'atoll <command> --help' for a command's options.\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(0, NULL);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(0, NULL);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		struct atoll_err err = ERR_INIT;
		if (!commands[i].lean && cryptolib_load(&err) < 0) {
			fprintf(stderr, "atoll: %s\n", err.msg);
			return 1;
		}
		return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "atoll: unknown command '%s' (see 'atoll help')\n", argv[1]);
	return 2;
}
