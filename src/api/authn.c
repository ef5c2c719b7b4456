/* SPDX-License-Identifier: Apache-2.0 */
/* Who is calling: the admin bearer token (more kinds of credentials follow in the tenancy issue). */
#include <stdio.h>
#include <string.h>

#include "api/server.h"

bool api_authenticate(struct api_req *r)
{
	const char *h = req_header(r, "Authorization");

	if (!h || strncmp(h, "Bearer ", 7))
		return false;
	/* Constant-time compare: the token is a secret. */
	const char *tok = h + 7, *want = r->srv->admin_token;
	size_t n = strlen(want), m = strlen(tok);
	unsigned char diff = (unsigned char)(n != m);
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(want[i] ^ (i < m ? tok[i] : 0));
	if (diff)
		return false;
	snprintf(r->user, sizeof(r->user), "admin");
	return true;
}

