/* SPDX-License-Identifier: Apache-2.0 */
/* Authorization: RBAC decisions, Kubernetes' 403 messages, and escalation prevention for RBAC writes. */
#include <stdio.h>
#include <string.h>

#include "api/authz.h"
#include "api/protobuf.h"
#include "api/server.h"
#include "auth/auth.h"
#include "auth/auth_psa.h"
#include "auth/auth_runtimeclass.h"
#include "auth/auth_sa_admit.h"
#include "auth/auth_quota.h"
#include "auth/rbac_cache.h"
#include "lib/jdump.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"
#include "lib/yaml.h"
#include "store/store.h"

static void who_of(struct api_req *r, struct rbac_who *w, const char **gs)
{
	for (int i = 0; i < r->ngroups; i++)
		gs[i] = r->groups[i];
	w->user = r->user;
	w->groups = gs;
	w->ngroups = r->ngroups;
}

void authz_denied_message(const char *user, const struct authz_attrs *a, char *why, size_t n)
{
	char res[200], obj[300] = "";

	if (a->path) {
		snprintf(why, n, "forbidden: User \"%s\" cannot %s path \"%s\"", user, a->verb, a->path);
		return;
	}
	snprintf(res, sizeof(res), "%s%s%s", a->resource, a->subresource && *a->subresource ? "/" : "",
		 a->subresource ? a->subresource : "");
	if (a->name && *a->name)
		snprintf(obj, sizeof(obj), " \"%s\"", a->name);
	char scope[120];
	if (a->ns && *a->ns)
		snprintf(scope, sizeof(scope), "in the namespace \"%s\"", a->ns);
	else
		snprintf(scope, sizeof(scope), "at the cluster scope");
	snprintf(why, n, "%s%s%s%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\" %s",
		 a->resource, a->group && *a->group ? "." : "", a->group ? a->group : "", obj, user, a->verb,
		 res, a->group ? a->group : "", scope);
}

/* The request body as JSON (JSON or YAML), owned, or NULL. */
static json_t *body_of(struct api_req *r)
{
	char msg[128];
	json_t *j;

	const char *ct = req_header(r, "Content-Type");
	if (!r->body.len)
		return NULL;
	if (ct && k8spb_content_type(ct)) {
		struct atoll_err err = ERR_INIT;
		return k8spb_decode(r->body.p, r->body.len, &err);
	}
	j = jparse_loadb(r->body.p, r->body.len, 0, NULL);
	return j ? j : yaml_to_json(r->body.p, r->body.len, 100, msg, sizeof(msg));
}

/* The stored object the request updates (owned) or NULL. */
static json_t *stored(struct api_req *r, const struct authz_attrs *a)
{
	struct atoll_err err = ERR_INIT;
	struct store_kv kv = { 0 };
	_cleanup_free_ char *key = xasprintf(RBAC_GROUP "/%s/%s/%s", a->resource, a->ns ? a->ns : "", a->name);

	if (!a->name || !*a->name || store_get(r->srv->store, key, &kv, &err) < 0)
		return NULL;
	json_t *j = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	return j;
}

static bool covers(struct api_req *r, const struct rbac_who *w, const char *ns, const json_t *rules,
		   const char *what, const char *name, const struct authz_attrs *a, char *why, size_t n)
{
	json_t *mine = rbac_rules_of(r->srv->store, w, ns);
	char miss[400] = "";
	size_t i;
	json_t *rule;
	bool ok = true;

	json_array_foreach(rules, i, rule)
		if (!(ok = rbac_rules_cover(mine, rule, miss, sizeof(miss))))
			break;
	json_decref(mine);
	if (!ok) {
		char groups[600] = "";
		size_t g = 0;
		for (int k = 0; k < w->ngroups && g < sizeof(groups); k++)
			g += (size_t)snprintf(groups + g, sizeof(groups) - g, "%s\"%s\"", k ? " " : "", w->groups[k]);
		snprintf(why, n, "%s.%s \"%s\" is forbidden: user \"%s\" (groups=[%s]) is attempting to %s "
			 "RBAC permissions not currently held:\n%s", a->resource, RBAC_GROUP, name, w->user,
			 groups, what, miss);
	}
	return ok;
}

/*
 * Kubernetes' escalation rules: a Role may hold only what its writer holds
 * (unless the writer may "escalate"); a binding may grant only a role whose
 * rules its writer holds (unless the writer may "bind" that role).
 */
static bool escalation_ok(struct api_req *r, const struct rbac_who *w, const struct authz_attrs *a,
			  char *why, size_t n)
{
	bool role = !strcmp(a->resource, "roles") || !strcmp(a->resource, "clusterroles");
	bool binding = !strcmp(a->resource, "rolebindings") || !strcmp(a->resource, "clusterrolebindings");
	const char *ns = a->ns ? a->ns : "";

	if (!a->group || strcmp(a->group, RBAC_GROUP) || (!role && !binding) || (a->subresource && *a->subresource))
		return true;
	if (strcmp(a->verb, "create") && strcmp(a->verb, "update") && strcmp(a->verb, "patch"))
		return true;
	if (rbac_who_in_group(w, "system:masters"))
		return true;
	json_t *body = body_of(r);
	bool ok = true;
	const char *oname = json_string_value(json_object_get(json_object_get(body, "metadata"), "name"));
	if (!oname)
		oname = a->name ? a->name : "";
	if (!body && strcmp(a->verb, "patch")) {
		snprintf(why, n, "%s.%s is forbidden: cannot check the request body for RBAC escalation",
			 a->resource, RBAC_GROUP);
		return false;
	}
	if (role) {
		struct authz_attrs esc = *a;
		esc.verb = "escalate";
		if (!rbac_authorize(r->srv->store, w, &esc)) {
			/* A JSON patch edits rules piecemeal; only whole rule lists can be checked. */
			if (json_is_array(body)) {
				snprintf(why, n, "%s.%s \"%s\" is forbidden: a JSON patch of rules needs the escalate "
					 "verb; send a merge patch or the whole object", a->resource, RBAC_GROUP, oname);
				ok = false;
			} else {
				ok = covers(r, w, ns, json_object_get(body, "rules"), "grant", oname, a, why, n);
			}
		}
	} else {
		json_t *ref = json_object_get(body, "roleRef"), *old = NULL;
		if (!ref && (old = stored(r, a)))
			ref = json_object_get(old, "roleRef");
		const char *kind = json_string_value(json_object_get(ref, "kind"));
		const char *name = json_string_value(json_object_get(ref, "name"));
		if (kind && name) {
			bool cluster = !strcmp(kind, "ClusterRole");
			struct authz_attrs bind = { .verb = "bind", .group = RBAC_GROUP,
						    .resource = cluster ? "clusterroles" : "roles",
						    .subresource = "", .ns = ns, .name = name };
			if (!rbac_authorize(r->srv->store, w, &bind)) {
				json_t *rules = rbac_role_rules(r->srv->store, kind, ns, name);
				if (!rules)
					rules = json_array();
				ok = covers(r, w, ns, rules, "grant", oname, a, why, n);
				json_decref(rules);
			}
		}
		json_decref(old);
	}
	json_decref(body);
	return ok;
}

bool authz_allowed(struct api_req *r, const struct authz_attrs *in, char *why, size_t n)
{
	const char *gs[8];
	struct rbac_who w;
	/* Callers may leave fields NULL: read them as "". */
	struct authz_attrs norm = {
		.verb = in->verb ? in->verb : "", .group = in->group ? in->group : "",
		.resource = in->resource ? in->resource : "", .subresource = in->subresource ? in->subresource : "",
		.ns = in->ns ? in->ns : "", .name = in->name ? in->name : "", .path = in->path,
	};
	const struct authz_attrs *a = &norm;

	rbac_init(r->srv->store); /* the default roles exist from the first request on */
	/* kubectl --as: the request is then decided for the impersonated identity. */
	if (!r->impersonation_done) {
		r->impersonation_done = true;
		if (auth_impersonate(r, why, n) < 0)
			return false;
	}
	who_of(r, &w, gs);
	if (!rbac_authorize(r->srv->store, &w, a)) {
		authz_denied_message(r->user, a, why, n);
		return false;
	}
	if (a->path)
		return true;
	/* Pod Security Admission on pod creation: a 403 as in Kubernetes. */
	if (!strcmp(a->verb, "create") && !*a->group && !strcmp(a->resource, "pods") &&
	    (!a->subresource || !*a->subresource) && r->body.len) {
		json_t *pod = body_of(r);
		bool ok = psa_admit(r, a->ns, pod, why, n);
		json_decref(pod);
		if (!ok)
			return false;
	}
	if (!escalation_ok(r, &w, a, why, n))
		return false;
	/*
	 * RuntimeClass (src/auth/auth_runtimeclass.c), LimitRange defaults and
	 * ResourceQuota (src/auth/auth_quota.c), on creation of namespaced objects.
	 */
	if (!strcmp(a->verb, "create") && a->ns && *a->ns && (!a->subresource || !*a->subresource) &&
	    r->body.len && !r->registry) {
		const char *ct = req_header(r, "Content-Type");
		json_t *obj = body_of(r);
		bool changed = false, qchanged = false, ok = true;
		if (obj && !*a->group && !strcmp(a->resource, "pods"))
			ok = runtimeclass_admit(r->srv->store, obj, &changed, why, n) &&
			     sa_admit(r->srv->store, a->ns, obj, &changed, why, n);
		ok = ok && (!obj || quota_admit(r, a, obj, &qchanged, why, n));
		changed |= qchanged;
		/* Defaults go into the body the create handler reads next (not for protobuf bodies). */
		if (ok && changed && !(ct && k8spb_content_type(ct))) {
			char *s = jdump(obj, JSON_COMPACT, NULL);
			buf_reset(&r->body);
			buf_adds(&r->body, s);
			free(s);
		}
		json_decref(obj);
		return ok;
	}
	return true;
}
