/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry authentication: Basic (password = an API token), Bearer with an
 * API token, and Bearer with a short-lived token from GET /v2/token, signed
 * with HMAC-SHA256 and scoped to repository actions. Authorization goes
 * through authz_allowed() as verbs on the namespaced resource "images".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/cryptolib.h"
#include "lib/serverlibs.h"
#include "api/authz.h"
#include "auth/auth.h"
#include "api/server.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"

static void b64url_enc(const unsigned char *in, size_t n, char *out, size_t outn)
{
	_cleanup_free_ unsigned char *t = xmalloc(4 * ((n + 2) / 3) + 1);
	int k = EVP_EncodeBlock(t, in, (int)n);
	size_t o = 0;

	for (int i = 0; i < k && o + 1 < outn; i++) {
		char c = (char)t[i];
		if (c == '=')
			break;
		out[o++] = c == '+' ? '-' : c == '/' ? '_' : c;
	}
	out[o] = '\0';
}

/* Decodes standard or URL-safe base64, padded or not. Returns length or -1. */
static int b64_dec(const char *in, unsigned char *out, size_t outn)
{
	size_t n = strlen(in);

	while (n && in[n - 1] == '=')
		n--;
	if (n > 8192 || n % 4 == 1)
		return -1;
	_cleanup_free_ char *t = xmalloc(n + 4);
	size_t o = 0, pad = 0;
	for (size_t i = 0; i < n; i++)
		t[o++] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
	while (o % 4)
		t[o++] = '=', pad++;
	t[o] = '\0';
	if ((o / 4) * 3 > outn)
		return -1;
	int k = EVP_DecodeBlock(out, (unsigned char *)t, (int)o);
	/* EVP_DecodeBlock counts padding as data bytes. */
	return k < 0 ? -1 : k - (int)pad;
}

static unsigned parse_actions(const char *s)
{
	unsigned a = 0;
	_cleanup_free_ char *c = xstrdup(s);

	for (char *save, *t = strtok_r(c, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "pull"))
			a |= REG_PULL;
		else if (!strcmp(t, "push"))
			a |= REG_PUSH;
		else if (!strcmp(t, "delete"))
			a |= REG_DELETE;
		else if (!strcmp(t, "*"))
			a |= REG_PULL | REG_PUSH | REG_DELETE;
	}
	return a;
}

static bool authz_repo(struct api_req *r, const char *repo, unsigned action, char *why, size_t n)
{
	char ns[64];
	const char *slash = strchr(repo, '/');

	if (!slash || (size_t)(slash - repo) >= sizeof(ns)) {
		snprintf(why, n, "repository names are <namespace>/<name>");
		return false;
	}
	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - repo), repo);
	struct authz_attrs a = {
		.verb = action == REG_PULL ? "get" : action == REG_PUSH ? "create" : "delete",
		.group = "", .resource = "images", .subresource = "", .ns = ns, .name = slash + 1,
	};
	return authz_allowed(r, &a, why, n);
}

bool reg_may_pull(struct api_req *r, struct reg_req *st, const char *repo)
{
	char why[200];

	if (st->scopes) { /* a registry token lists what it may touch */
		size_t i;
		json_t *s;
		bool ok = false;
		json_array_foreach(st->scopes, i, s) {
			const char *name = json_string_value(json_object_get(s, "name"));
			if (name && (!strcmp(name, repo) || !strcmp(name, "*")) &&
			    (json_integer_value(json_object_get(s, "a")) & REG_PULL))
				ok = true;
		}
		if (!ok)
			return false;
	}
	return authz_repo(r, repo, REG_PULL, why, sizeof(why));
}

/* Verify a registry token; fills r->user and st->scopes. */
static bool verify_token(struct api_req *r, struct reg_req *st, const char *tok)
{
	const char *dot = strchr(tok, '.');
	unsigned char mac[EVP_MAX_MD_SIZE], got[64];
	unsigned maclen = 0;

	if (!dot || dot - tok > 6000)
		return false;
	HMAC(EVP_sha256(), reg_g.key, sizeof(reg_g.key), (const unsigned char *)tok,
	     (size_t)(dot - tok), mac, &maclen);
	int k = b64_dec(dot + 1, got, sizeof(got));
	if (k != (int)maclen || CRYPTO_memcmp(mac, got, maclen))
		return false;
	_cleanup_free_ char *p64 = xstrndup(tok, (size_t)(dot - tok));
	_cleanup_free_ unsigned char *payload = xmalloc(strlen(p64) + 4);
	k = b64_dec(p64, payload, strlen(p64) + 4);
	if (k < 0)
		return false;
	json_t *j = json_loadb((const char *)payload, (size_t)k, 0, NULL);
	if (!j)
		return false;
	const char *sub = json_string_value(json_object_get(j, "sub"));
	json_int_t exp = json_integer_value(json_object_get(j, "exp"));
	json_t *access = json_object_get(j, "access");
	if (!sub || exp < (json_int_t)time(NULL) || !json_is_array(access)) {
		json_decref(j);
		return false;
	}
	snprintf(r->user, sizeof(r->user), "%s", sub);
	r->ngroups = 0;
	size_t gi;
	json_t *g;
	json_array_foreach(json_object_get(j, "groups"), gi, g)
		if (json_is_string(g))
			auth_add_group(r, json_string_value(g));
	st->scopes = json_incref(access);
	json_decref(j);
	return true;
}

/* Who is calling. Returns true when known (r->user filled). */
static bool authenticate(struct api_req *r, struct reg_req *st)
{
	const char *h = req_header(r, "Authorization");

	if (!h) /* a client certificate from the server's CA (docker/podman/skopeo: client.cert in the cert dir) */
		return api_authenticate(r);
	if (!strncmp(h, "Bearer ", 7)) {
		if (api_authenticate(r))
			return true;
		return verify_token(r, st, h + 7);
	}
	if (!strncasecmp(h, "Basic ", 6)) {
		unsigned char dec[1024];
		int k = b64_dec(h + 6, dec, sizeof(dec) - 1);
		if (k <= 0)
			return false;
		dec[k] = '\0';
		char *colon = strchr((char *)dec, ':');
		/* The password is an API token; the user name is informational. */
		return colon && api_authenticate_token(r, colon + 1);
	}
	return false;
}

int reg_check(struct api_req *r, struct reg_req *st, unsigned want)
{
	char why[256] = "";

	if (!authenticate(r, st))
		return reg_error(r, 401, "UNAUTHORIZED", "authentication required"), 1;
	st->user_ok = true;
	if (!want)
		return 0;
	for (unsigned bit = REG_PULL; bit <= REG_DELETE; bit <<= 1) {
		if (!(want & bit))
			continue;
		if (st->scopes) {
			size_t i;
			json_t *s;
			bool ok = false;
			json_array_foreach(st->scopes, i, s) {
				const char *name = json_string_value(json_object_get(s, "name"));
				if (name && !strcmp(name, st->repo) &&
				    (json_integer_value(json_object_get(s, "a")) & bit))
					ok = true;
			}
			if (!ok)
				return reg_error(r, 401, "UNAUTHORIZED",
						 "the token does not grant this action on %s", st->repo), 1;
		}
		if (!authz_repo(r, st->repo, bit, why, sizeof(why)))
			return reg_error(r, 403, "DENIED", "%s", *why ? why : "access denied"), 1;
	}
	return 0;
}

struct scope_ctx {
	struct api_req *r;
	json_t *access;
};

static enum MHD_Result add_scope(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct scope_ctx *c = cls;
	char why[200];

	(void)kind;
	if (strcmp(key, "scope") || !value)
		return MHD_YES;
	/* A scope parameter may hold several space-separated scopes. */
	_cleanup_free_ char *all = xstrdup(value);
	for (char *save, *sc = strtok_r(all, " ", &save); sc; sc = strtok_r(NULL, " ", &save)) {
		char *first = strchr(sc, ':'), *last = strrchr(sc, ':');
		if (!first || first == last)
			continue;
		*first = *last = '\0';
		const char *type = sc, *name = first + 1;
		unsigned want = parse_actions(last + 1), got = 0;
		if (!strcmp(type, "registry") && !strcmp(name, "catalog")) {
			json_array_append_new(c->access, json_pack("{s:s,s:s,s:I}", "type", "registry",
								   "name", "*", "a", (json_int_t)REG_PULL));
			continue;
		}
		if (strcmp(type, "repository") || strlen(name) >= REG_MAX_NAME)
			continue;
		for (unsigned bit = REG_PULL; bit <= REG_DELETE; bit <<= 1)
			if ((want & bit) && authz_repo(c->r, name, bit, why, sizeof(why)))
				got |= bit;
		if (got)
			json_array_append_new(c->access, json_pack("{s:s,s:s,s:I}", "type", "repository",
								   "name", name, "a", (json_int_t)got));
	}
	return MHD_YES;
}

int reg_token_endpoint(struct api_req *r, struct reg_req *st)
{
	if (!authenticate(r, st)) {
		struct MHD_Response *resp;
		static const char body[] =
			"{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}";
		resp = reg_resp_buf(xstrdup(body), strlen(body));
		reg_hdr(resp, "WWW-Authenticate", "Basic realm=\"atoll\"");
		return reg_queue(r, 401, resp, "application/json");
	}
	/* A token never widens what its holder may do: scopes are intersected with authz. */
	struct scope_ctx c = { r, json_array() };
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_scope, &c);
	time_t now = time(NULL);
	json_t *groups = json_array();
	for (int i = 0; i < r->ngroups; i++)
		json_array_append_new(groups, json_string(r->groups[i]));
	/* The holder's groups travel with the token: authorization is checked again at use. */
	json_t *pl = json_pack("{s:s,s:o,s:I,s:I,s:o}", "sub", r->user, "groups", groups, "iat",
			       (json_int_t)now, "exp", (json_int_t)now + REG_TOKEN_TTL, "access", c.access);
	char *ps = json_dumps(pl, JSON_COMPACT);
	json_decref(pl);
	size_t pn = strlen(ps);
	_cleanup_free_ char *p64 = xmalloc(pn * 2 + 8);
	b64url_enc((unsigned char *)ps, pn, p64, pn * 2 + 8);
	free(ps);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	HMAC(EVP_sha256(), reg_g.key, sizeof(reg_g.key), (unsigned char *)p64, strlen(p64), mac,
	     &maclen);
	char m64[100];
	b64url_enc(mac, maclen, m64, sizeof(m64));
	_cleanup_free_ char *tok = xasprintf("%s.%s", p64, m64);
	char issued[40];
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(issued, sizeof(issued), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return reg_reply_json(r, 200,
			      json_pack("{s:s,s:s,s:i,s:s}", "token", tok, "access_token", tok,
					"expires_in", REG_TOKEN_TTL, "issued_at", issued),
			      NULL);
}
