/* SPDX-License-Identifier: Apache-2.0 */
/* The name of a pod's veth on the node, shared by the attachment and the NetworkPolicy source checks. */
#include <stdio.h>
#include <string.h>

#include "net/net.h"

/* The host end's name: "atl" and 12 hex digits of the uid (IFNAMSIZ is 16). */
void net_veth_name(const char *uid, char out[16])
{
	size_t n = 0;

	memcpy(out, "atl", 3);
	for (const char *p = uid; *p && n < 12; p++)
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
			out[3 + n++] = *p;
	/* Uids that are not hex (tests may use any): a hash instead. */
	if (n < 12) {
		unsigned long h = 5381;
		for (const char *p = uid; *p; p++)
			h = h * 33 + (unsigned char)*p;
		snprintf(out + 3, 13, "%012lx", h & 0xffffffffffffUL);
		n = 12;
	}
	out[3 + n] = '\0';
}
