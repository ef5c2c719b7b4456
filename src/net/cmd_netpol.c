/* SPDX-License-Identifier: Apache-2.0 */
/* atoll netpol: print (or apply) the nftables ruleset NetworkPolicies compile to. */
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "lib/xalloc.h"
#include "net/nft.h"
#include "net/policy.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: atoll netpol compile [--node NAME] [--apply] < INPUT.json\n"
		   "\n"
		   "Reads {\"pods\": [...], \"namespaces\": [...], \"networkPolicies\": [...]} (API objects,\n"
		   "as `kubectl get -o json` lists them) and prints the nftables ruleset that enforces\n"
		   "the policies for the pods of node NAME (default: every pod). With --apply, loads it\n"
		   "into the current network namespace instead (table inet " POLICY_TABLE ").\n");
}

int cmd_netpol(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "apply", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *node = NULL;
	bool apply = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': node = optarg; break;
		case 'a': apply = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "compile")) {
		usage(stderr);
		return 2;
	}
	json_error_t je;
	json_t *in = json_loadf(stdin, 0, &je);
	if (!in) {
		fprintf(stderr, "atoll netpol: input line %d: %s\n", je.line, je.text);
		return 1;
	}
	if (node && json_is_object(in))
		json_object_set_new(in, "node", json_string(node));
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *rules = policy_compile(in, &err);
	json_decref(in);
	if (!rules) {
		fprintf(stderr, "atoll netpol: %s\n", err.msg);
		return 1;
	}
	if (!apply) {
		fputs(rules, stdout);
		return 0;
	}
	if (net_nft_run(rules, &err) < 0) {
		fprintf(stderr, "atoll netpol: %s\n", err.msg);
		return 1;
	}
	return 0;
}
