/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The create-only API resources of authentication and authorization:
 * TokenRequest, SelfSubjectReview, TokenReview, SelfSubjectAccessReview,
 * SubjectAccessReview and SelfSubjectRulesReview.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/authz.h"
#include "api/object.h"
#include "api/request.h"
#include "auth/auth.h"
#include "auth/jwt.h"
#include "auth/rbac_cache.h"
#include "lib/jparse.h"
#include "lib/jskim.h"
#include "lib/xalloc.h"
#include "store/store.h"

#define AUTHN "authentication.k8s.io"
#define AUTHZ "authorization.k8s.io"

bool auth_virtual(const char *group, const char *resource, const char *sub)
{
	if (!*group)
		return !strcmp(resource, "serviceaccounts") && !strcmp(sub, "token");
	if (!strcmp(group, AUTHN))
		return !strcmp(resource, "selfsubjectreviews") || !strcmp(resource, "tokenreviews");
	if (!strcmp(group, AUTHZ))
		return !strcmp(resource, "selfsubjectaccessreviews") || !strcmp(resource, "subjectaccessreviews") ||
		       !strcmp(resource, "selfsubjectrulesreviews") || !strcmp(resource, "localsubjectaccessreviews");
	return false;
}

bool auth_virtual_namespaced(const char *group, const char *resource)
{
	return !strcmp(group, AUTHZ) && !strcmp(resource, "localsubjectaccessreviews");
}

static const char *s_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The reply: the request object with apiVersion and kind set and a status (takes status). */
static int answer(struct api_call *c, json_t *in, const char *kind, json_t *status)
{
	char av[128];

	/* TokenRequest is served under core v1 but belongs to authentication.k8s.io. */
	if (!*c->t.group)
		snprintf(av, sizeof(av), AUTHN "/v1");
	else
		snprintf(av, sizeof(av), "%s/%s", c->t.group, c->t.version);
	json_object_set_new(in, "apiVersion", json_string(av));
	json_object_set_new(in, "kind", json_string(kind));
	if (!json_is_object(json_object_get(in, "metadata")))
		json_object_set_new(in, "metadata", json_object());
	json_object_set_new(in, "status", status);
	return reply_json(c->r, 201, in);
}

static json_t *user_info(const char *user, const char *uid, const char *const *groups, int n)
{
	json_t *g = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(g, json_string(groups[i]));
	json_t *u = json_pack("{s:s,s:o}", "username", user, "groups", g);
	if (uid && *uid)
		json_object_set_new(u, "uid", json_string(uid));
	return u;
}

static void who_of_req(struct api_req *r, struct rbac_who *w, const char **gs)
{
	for (int i = 0; i < r->ngroups; i++)
		gs[i] = r->groups[i];
	*w = (struct rbac_who){ .user = r->user, .groups = gs, .ngroups = r->ngroups };
}

/* The decision for spec.resourceAttributes or spec.nonResourceAttributes. */
static json_t *access_status(struct api_req *r, const struct rbac_who *w, const json_t *spec)
{
	const json_t *ra = json_object_get(spec, "resourceAttributes");
	const json_t *nra = json_object_get(spec, "nonResourceAttributes");
	struct authz_attrs a = { 0 };

	if (ra) {
		a = (struct authz_attrs){ .verb = s_of(ra, "verb"), .group = s_of(ra, "group"),
					  .resource = s_of(ra, "resource"), .subresource = s_of(ra, "subresource"),
					  .ns = s_of(ra, "namespace"), .name = s_of(ra, "name") };
	} else if (nra) {
		a = (struct authz_attrs){ .verb = s_of(nra, "verb"), .path = s_of(nra, "path"), .group = "",
					  .resource = "", .subresource = "", .ns = "", .name = "" };
	} else {
		return NULL;
	}
	bool ok = rbac_authorize(r->srv->store, w, &a);
	/* As Kubernetes' RBAC authorizer: a reason when allowed, none when nothing matched. */
	json_t *st = json_pack("{s:b}", "allowed", ok);
	if (ok)
		json_object_set_new(st, "reason", json_string("allowed by RBAC"));
	return st;
}

/* SelfSubjectRulesReview: every rule the caller holds in spec.namespace, split by kind. */
static json_t *rules_status(struct api_req *r, const struct rbac_who *w, const char *ns)
{
	json_t *rules = rbac_rules_of(r->srv->store, w, ns), *res = json_array(), *nonres = json_array();
	size_t i;
	json_t *rule;

	json_array_foreach(rules, i, rule) {
		json_t *urls = json_object_get(rule, "nonResourceURLs");
		if (json_array_size(urls)) {
			json_array_append_new(nonres, json_pack("{s:O,s:O}", "verbs", json_object_get(rule, "verbs"),
								"nonResourceURLs", urls));
			continue;
		}
		json_t *o = json_pack("{s:O}", "verbs", json_object_get(rule, "verbs"));
		static const char *const keys[] = { "apiGroups", "resources", "resourceNames" };
		for (size_t k = 0; k < 3; k++)
			if (json_array_size(json_object_get(rule, keys[k])))
				json_object_set(o, keys[k], json_object_get(rule, keys[k]));
		json_array_append_new(res, o);
	}
	json_decref(rules);
	return json_pack("{s:o,s:o,s:b}", "resourceRules", res, "nonResourceRules", nonres, "incomplete", 0);
}

static int token_request(struct api_call *c, json_t *in)
{
	struct api_req *r = c->r;
	struct atoll_err err = ERR_INIT;
	struct store_kv kv = { 0 };
	_cleanup_free_ char *key = xasprintf("core/serviceaccounts/%s/%s", c->t.ns, c->t.name);
	json_t *spec = json_object_get(in, "spec");

	if (store_get(r->srv->store, key, &kv, &err) < 0) {
		json_decref(in);
		char msg[400];
		snprintf(msg, sizeof(msg), "serviceaccounts \"%s\" not found", c->t.name);
		return reply_json(r, 404, status_new(404, "NotFound", msg, "", "serviceaccounts", c->t.name, NULL));
	}
	static const char *const uid_path[] = { "metadata.uid" };
	json_t *sa = jskim(kv.value->data, kv.value->len, uid_path, 1);
	if (!sa)
		sa = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	char sa_uid[64];
	snprintf(sa_uid, sizeof(sa_uid), "%s", s_of(json_object_get(sa, "metadata"), "uid"));
	json_decref(sa);

	json_int_t secs = 3600;
	if (json_is_integer(json_object_get(spec, "expirationSeconds")))
		secs = json_integer_value(json_object_get(spec, "expirationSeconds"));
	if (secs < 600 || secs > (json_int_t)1 << 32) {
		json_decref(in);
		return reply_error(r, 422, "Invalid", "TokenRequest.authentication.k8s.io \"%s\" is invalid: "
				   "spec.expirationSeconds: Invalid value: %lld: may not specify a duration less "
				   "than 10 minutes", c->t.name, (long long)secs);
	}
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(in, "spec", spec);
	}
	json_object_set_new(spec, "expirationSeconds", json_integer(secs));
	json_t *aud = json_object_get(spec, "audiences");
	if (!json_array_size(aud))
		json_object_set_new(spec, "audiences", json_pack("[s]", AUTH_AUDIENCE));
	aud = json_object_get(spec, "audiences");

	time_t now = time(NULL);
	const char *pod_name = NULL;
	char pod_uid[64] = "";
	const json_t *bound = json_object_get(spec, "boundObjectRef");
	if (json_is_object(bound)) {
		const char *kind = s_of(bound, "kind"), *name = s_of(bound, "name");
		_cleanup_free_ char *pkey = xasprintf("core/pods/%s/%s", c->t.ns, name);
		if (strcmp(kind, "Pod") || store_get(r->srv->store, pkey, &kv, &err) < 0) {
			json_decref(in);
			return reply_error(r, strcmp(kind, "Pod") ? 400 : 404, strcmp(kind, "Pod") ? "BadRequest" : "NotFound",
					   strcmp(kind, "Pod") ? "cannot bind token to object of kind %s" :
					   "pods \"%s\" not found", strcmp(kind, "Pod") ? kind : name);
		}
		/* Only its uid: a pod's whole JSON is several kilobytes to parse. */
		json_t *pod = jskim(kv.value->data, kv.value->len, uid_path, 1);
		if (!pod)
			pod = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
		store_kv_release(&kv);
		snprintf(pod_uid, sizeof(pod_uid), "%s", s_of(json_object_get(pod, "metadata"), "uid"));
		json_decref(pod);
		if (*s_of(bound, "uid") && strcmp(s_of(bound, "uid"), pod_uid)) {
			json_decref(in);
			return reply_error(r, 409, "Conflict", "the UID in the bound object reference (%s) does not "
					   "match the UID in record", s_of(bound, "uid"));
		}
		pod_name = name;
	}
	_cleanup_free_ char *tok = auth_sa_mint(r->srv->data_dir, c->t.ns, c->t.name, sa_uid, pod_name, pod_uid,
						aud, (long long)secs, (long long)now);
	if (!tok) {
		json_decref(in);
		return reply_error(r, 500, "InternalError", "signing the token failed");
	}
	char expts[64];
	time_t e = now + (time_t)secs;
	struct tm tm;
	gmtime_r(&e, &tm);
	strftime(expts, sizeof(expts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *m = json_object();
	char ts[64];
	obj_now(ts, sizeof(ts));
	json_object_set_new(m, "name", json_string(c->t.name));
	json_object_set_new(m, "namespace", json_string(c->t.ns));
	json_object_set_new(m, "creationTimestamp", json_string(ts));
	json_object_set_new(in, "metadata", m);
	return answer(c, in, "TokenRequest", json_pack("{s:s,s:s}", "token", tok, "expirationTimestamp", expts));
}

int auth_serve(struct api_call *c)
{
	struct api_req *r = c->r;
	const char *res = c->t.resource;

	if (strcmp(r->method, "POST"))
		return reply_error(r, 405, "MethodNotAllowed",
				   "the server does not allow this method on the requested resource");
	struct authz_attrs at = { .verb = "create", .group = c->t.group, .resource = res,
				  .subresource = c->t.sub, .ns = c->t.ns, .name = c->t.name };
	char why[512];
	if (!authz_allowed(r, &at, why, sizeof(why)))
		return reply_json(r, 403, status_new(403, "Forbidden", why, c->t.group, res,
						     *c->t.name ? c->t.name : NULL, NULL));
	r->verb = "create";
	json_t *in = req_body_json(c);
	if (!in)
		return 0;
	const char *gs[8];
	struct rbac_who w;
	who_of_req(r, &w, gs);
	json_t *spec = json_object_get(in, "spec");

	if (!strcmp(res, "serviceaccounts"))
		return token_request(c, in);
	if (!strcmp(res, "selfsubjectreviews"))
		return answer(c, in, "SelfSubjectReview",
			      json_pack("{s:o}", "userInfo", user_info(r->user, r->uid, gs, r->ngroups)));
	if (!strcmp(res, "tokenreviews")) {
		/* Check the token as a request would be checked, without its other credentials. */
		struct api_req probe = { .srv = r->srv, .conn = r->conn };
		const char *tok = s_of(spec, "token");
		bool ok = *tok && (auth_from_sa_token(&probe, tok) || auth_from_token_file(&probe, tok));
		if (ok)
			auth_add_group(&probe, "system:authenticated");
		const char *pg[8];
		for (int i = 0; i < probe.ngroups; i++)
			pg[i] = probe.groups[i];
		json_t *st = json_pack("{s:b}", "authenticated", ok);
		if (ok)
			json_object_set_new(st, "user", user_info(probe.user, probe.uid, pg, probe.ngroups));
		return answer(c, in, "TokenReview", st);
	}
	if (!strcmp(res, "selfsubjectrulesreview") || !strcmp(res, "selfsubjectrulesreviews"))
		return answer(c, in, "SelfSubjectRulesReview", rules_status(r, &w, s_of(spec, "namespace")));
	json_t *st;
	bool local = !strcmp(res, "localsubjectaccessreviews");
	if (local) {
		/* The namespace is the request's; the review may not name another. */
		json_t *ra = json_object_get(spec, "resourceAttributes");
		const char *rns = s_of(ra, "namespace");
		if (!*c->t.ns || (*rns && strcmp(rns, c->t.ns))) {
			json_decref(in);
			return reply_error(r, 400, "BadRequest", "spec.resourceAttributes.namespace must match "
					   "the namespace of the request");
		}
		if (ra)
			json_object_set_new(ra, "namespace", json_string(c->t.ns));
	}
	if (!strcmp(res, "subjectaccessreviews") || local) {
		const char *sg[16];
		int n = 0;
		size_t i;
		json_t *g;
		json_array_foreach(json_object_get(spec, "groups"), i, g)
			if (n < 16 && json_is_string(g))
				sg[n++] = json_string_value(g);
		struct rbac_who sw = { .user = s_of(spec, "user"), .groups = sg, .ngroups = n };
		st = access_status(r, &sw, spec);
	} else {
		st = access_status(r, &w, spec);
	}
	if (!st) {
		json_decref(in);
		return reply_error(r, 422, "Invalid", "spec: Invalid value: null: exactly one of "
				   "nonResourceAttributes or resourceAttributes must be specified");
	}
	return answer(c, in, local ? "LocalSubjectAccessReview" : !strcmp(res, "subjectaccessreviews") ?
		      "SubjectAccessReview" : "SelfSubjectAccessReview", st);
}
