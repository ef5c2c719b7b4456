/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who is calling: a client certificate from the server's CA, the admin
 * bearer token, a user's static token, or a ServiceAccount token.
 */
#include <stdio.h>
#include <string.h>

#include "api/server.h"
#include "auth/auth.h"

void auth_add_group(struct api_req *r, const char *g)
{
	if (r->ngroups >= (int)(sizeof(r->groups) / sizeof(r->groups[0])) || strlen(g) >= sizeof(r->groups[0]))
		return;
	for (int i = 0; i < r->ngroups; i++)
		if (!strcmp(r->groups[i], g))
			return;
	memcpy(r->groups[r->ngroups++], g, strlen(g) + 1);
}

static bool admin_token(struct api_req *r, const char *tok)
{
	/* Constant-time compare: the token is a secret. */
	const char *want = r->srv->admin_token;
	size_t n = strlen(want), m = strlen(tok);
	unsigned char diff = (unsigned char)(n != m);
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(want[i] ^ (i < m ? tok[i] : 0));
	if (diff)
		return false;
	snprintf(r->user, sizeof(r->user), "admin");
	auth_add_group(r, "system:masters");
	return true;
}

bool api_authenticate_token(struct api_req *r, const char *tok)
{
	r->ngroups = 0;
	r->uid[0] = '\0';
	/* A JWT has two dots; the others never do. */
	bool ok = admin_token(r, tok) ||
		  (strchr(tok, '.') ? auth_from_sa_token(r, tok) : auth_from_token_file(r, tok));
	if (ok)
		auth_add_group(r, "system:authenticated");
	return ok;
}

bool api_authenticate(struct api_req *r)
{
	const char *h = req_header(r, "Authorization");

	if (h && !strncmp(h, "Bearer ", 7))
		return api_authenticate_token(r, h + 7);
	r->ngroups = 0;
	r->uid[0] = '\0';
	bool ok = auth_from_cert(r);
	if (ok)
		auth_add_group(r, "system:authenticated");
	return ok;
}
