/* SPDX-License-Identifier: Apache-2.0 */
/* Impersonation (kubectl --as/--as-group): Impersonate-User/-Group/-Uid headers, allowed by the "impersonate" verb. */
#include "lib/serverlibs.h"
#include <stdio.h>
#include <string.h>

#include "api/server.h"
#include "auth/auth.h"
#include "auth/rbac_cache.h"

struct groups {
	char list[8][64];
	int n;
	bool overflow;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct groups *g = cls;

	(void)kind;
	if (!key || strcasecmp(key, "Impersonate-Group") || !value)
		return MHD_YES;
	if (g->n >= 8 || strlen(value) >= sizeof(g->list[0]))
		g->overflow = true;
	else
		snprintf(g->list[g->n++], sizeof(g->list[0]), "%s", value);
	return MHD_YES;
}

static bool may(struct api_req *r, const struct rbac_who *w, const char *res, const char *ns, const char *name,
		char *why, size_t n)
{
	struct authz_attrs a = { .verb = "impersonate", .group = "", .resource = res, .subresource = "",
				 .ns = ns, .name = name };

	if (rbac_authorize(r->srv->store, w, &a))
		return true;
	snprintf(why, n, "%s \"%s\" is forbidden: User \"%s\" cannot impersonate resource \"%s\" in API group \"\" "
		 "%s%s%s", res, name, w->user, res, *ns ? "in the namespace \"" : "at the cluster scope",
		 ns, *ns ? "\"" : "");
	return false;
}

int auth_impersonate(struct api_req *r, char *why, size_t n)
{
	const char *user = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Impersonate-User");
	const char *uid = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Impersonate-Uid");
	struct groups g = { .n = 0 };
	const char *gs[8];
	struct rbac_who w = { .user = r->user, .groups = gs, .ngroups = r->ngroups };

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect, &g);
	if (!user && (g.n || uid)) {
		snprintf(why, n, "requested impersonation of groups or uid without a user");
		return -1;
	}
	if (!user)
		return 0;
	if (g.overflow || strlen(user) >= sizeof(r->user)) {
		snprintf(why, n, "too many or too long impersonated groups");
		return -1;
	}
	for (int i = 0; i < r->ngroups; i++)
		gs[i] = r->groups[i];
	/* A ServiceAccount is impersonated as serviceaccounts in its namespace, as Kubernetes does. */
	if (!strncmp(user, "system:serviceaccount:", 22) && strchr(user + 22, ':')) {
		char ns[64];
		const char *colon = strchr(user + 22, ':');
		snprintf(ns, sizeof(ns), "%.*s", (int)(colon - user - 22), user + 22);
		if (!may(r, &w, "serviceaccounts", ns, colon + 1, why, n))
			return -1;
	} else if (!may(r, &w, "users", "", user, why, n)) {
		return -1;
	}
	for (int i = 0; i < g.n; i++)
		if (!may(r, &w, "groups", "", g.list[i], why, n))
			return -1;
	if (uid && !may(r, &w, "uids", "", uid, why, n))
		return -1;
	/* Become the impersonated identity (groups as given, plus the defaults). */
	snprintf(r->user, sizeof(r->user), "%s", user);
	snprintf(r->uid, sizeof(r->uid), "%s", uid ? uid : "");
	r->ngroups = 0;
	for (int i = 0; i < g.n; i++)
		auth_add_group(r, g.list[i]);
	if (!strncmp(user, "system:serviceaccount:", 22)) {
		char sg[128];
		const char *colon = strchr(user + 22, ':');
		auth_add_group(r, "system:serviceaccounts");
		snprintf(sg, sizeof(sg), "system:serviceaccounts:%.*s", (int)(colon - user - 22), user + 22);
		auth_add_group(r, sg);
	}
	auth_add_group(r, "system:authenticated");
	return 1;
}
