/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Source checks at the bridge ports: NetworkPolicy trusts source addresses,
 * so a pod may send only from its own IP (and answer ARP only for it).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "net/net.h"
#include "net/policy.h"


void policy_antispoof(struct buf *out, const json_t *pods, const char *node)
{
	const json_t *p;
	size_t i;

	buf_addf(out, "table bridge %s\ndelete table bridge %s\ntable bridge %s {\n"
		      "\tchain prerouting {\n\t\ttype filter hook prerouting priority -200; policy accept;\n",
		 POLICY_TABLE, POLICY_TABLE, POLICY_TABLE);
	json_array_foreach(pods, i, p) {
		const json_t *md = json_object_get(p, "metadata"), *spec = json_object_get(p, "spec");
		const char *uid = json_string_value(json_object_get(md, "uid"));
		const char *ip = json_string_value(json_object_get(json_object_get(p, "status"), "podIP"));
		const char *on = json_string_value(json_object_get(spec, "nodeName"));
		struct in_addr a;
		char veth[16], txt[INET_ADDRSTRLEN];
		if (!uid || !*uid || !ip || inet_pton(AF_INET, ip, &a) != 1 ||
		    json_is_true(json_object_get(spec, "hostNetwork")) || (node && (!on || strcmp(on, node))))
			continue;
		net_veth_name(uid, veth);
		inet_ntop(AF_INET, &a, txt, sizeof(txt));
		buf_addf(out, "\t\tiifname \"%s\" ether type ip ip saddr != %s drop\n", veth, txt);
		/* 0.0.0.0 is ARP's address probe (RFC 5227), not a claim. */
		buf_addf(out, "\t\tiifname \"%s\" ether type arp arp saddr ip != { 0.0.0.0, %s } drop\n", veth, txt);
	}
	buf_adds(out, "\t}\n}\n");
}
