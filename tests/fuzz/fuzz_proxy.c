/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the service proxy's nftables script from arbitrary
 * Services, EndpointSlices and Pods ({"services","slices","pods","node"}).
 * Beyond not crashing: whatever the objects hold, the script keeps its
 * shape (balanced braces, quotes in pairs on every line), so no object can
 * smuggle rules of its own into the node's ruleset.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_shape(const char *s)
{
	long depth = 0;
	int quotes = 0;

	for (const char *p = s; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth < 0)
			abort();
		else if (*p == '"')
			quotes++;
		else if (*p == '\n') {
			if (quotes % 2)
				abort();
			quotes = 0;
		}
	}
	if (depth || quotes % 2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *in = json_loadb((const char *)data, size, 0, NULL);

	if (!in)
		return 0;
	struct net_proxy_cfg cfg = { "10.244.0.0/16", "10.244.3.0/24", json_object_get(in, "pods"),
				     json_string_value(json_object_get(in, "node")) };
	char *s = net_proxy_render(json_object_get(in, "services"), json_object_get(in, "slices"), &cfg);
	check_shape(s);
	free(s);
	json_decref(net_proxy_udp_targets(json_object_get(in, "services"), json_object_get(in, "slices")));
	json_decref(in);
	return 0;
}
