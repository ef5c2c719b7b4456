/* SPDX-License-Identifier: Apache-2.0 */
/* OpenAPI paths and operations of a resource, with the query parameters kubectl looks for. */
#include <ctype.h>
#include <string.h>

#include "api/openapi_int.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

const struct oa_style oa_v3 = { true, "#/components/schemas/" };
const struct oa_style oa_v2 = { false, "#/definitions/" };

struct oa_param {
	const char *name, *type, *desc;
};

static const struct oa_param params[] = {
	{ "allowWatchBookmarks", "boolean", "Requests watch events with type BOOKMARK." },
	{ "continue", "string", "The continue token of a previous chunked list." },
	{ "dryRun", "string", "When present, modifications are not persisted. Valid value: "
	  "All." },
	{ "fieldManager", "string", "A name associated with the actor or entity that is making "
	  "these changes, at most 128 printable characters. Required for apply." },
	{ "fieldSelector", "string", "A selector restricting the list of returned objects by "
	  "their fields. Defaults to everything." },
	{ "fieldValidation", "string", "How the server handles unknown or duplicate fields in "
	  "the request object: Ignore, Warn (the default) or Strict." },
	{ "force", "boolean", "Force is going to \"force\" Apply requests: re-acquire fields "
	  "owned by other managers. Must be unset for non-apply patches." },
	{ "gracePeriodSeconds", "integer", "The duration in seconds before the object should "
	  "be deleted; zero means delete immediately." },
	{ "labelSelector", "string", "A selector restricting the list of returned objects by "
	  "their labels. Defaults to everything." },
	{ "limit", "integer", "The maximum number of responses to return for a list call; "
	  "more are announced by a continue token." },
	{ "orphanDependents", "boolean", "Deprecated: use propagationPolicy." },
	{ "pretty", "string", "If 'true', then the output is pretty printed." },
	{ "propagationPolicy", "string", "Whether and how garbage collection is performed: "
	  "Orphan, Background or Foreground." },
	{ "resourceVersion", "string", "Constrains the resource versions a request may be "
	  "served from." },
	{ "resourceVersionMatch", "string", "How resourceVersion is applied to list calls: "
	  "Exact or NotOlderThan." },
	{ "sendInitialEvents", "boolean", "With watch=true, starts the watch stream with "
	  "synthetic events for the current state." },
	{ "timeoutSeconds", "integer", "Timeout for the list/watch call." },
	{ "watch", "boolean", "Watch for changes to the described resources and return them "
	  "as a stream of add, update, and remove notifications." },
};

static json_t *param(const struct oa_style *st, const char *name, const char *in,
		     const char *desc_override)
{
	const struct oa_param *p = NULL;
	json_t *j;

	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (!strcmp(params[i].name, name))
			p = &params[i];
	j = json_pack("{s:s,s:s,s:s}", "name", name, "in", in, "description",
		      desc_override ? desc_override : p ? p->desc : "");
	if (!strcmp(in, "path"))
		json_object_set_new(j, "required", json_true());
	if (st->v3)
		json_object_set_new(j, "schema", json_pack("{s:s,s:b}", "type",
							   p ? p->type : "string", "uniqueItems", 1));
	else
		json_object_set_new(j, "type", json_string(p ? p->type : "string")),
		json_object_set_new(j, "uniqueItems", json_true());
	return j;
}

static json_t *ref(const struct oa_style *st, const char *name)
{
	return json_pack("{s:o}", "$ref", json_sprintf("%s%s", st->ref_prefix, name));
}

/* "apps" -> "AppsV1", "rbac.authorization.k8s.io" -> "RbacAuthorizationV1", "" -> "CoreV1" */
static char *op_prefix(const char *group, const char *version)
{
	struct buf b = BUF_INIT;
	const char *g = *group ? group : "core";
	const char *end = strstr(g, ".k8s.io");
	size_t n = end ? (size_t)(end - g) : strlen(g);
	bool up = true;

	for (size_t i = 0; i < n; i++) {
		if (g[i] == '.' || g[i] == '-') {
			up = true;
			continue;
		}
		buf_addc(&b, up ? (char)toupper((unsigned char)g[i]) : g[i]);
		up = false;
	}
	buf_addc(&b, (char)toupper((unsigned char)version[0]));
	buf_adds(&b, version + 1);
	return buf_detach(&b, NULL);
}

struct op_spec {
	const char *action;    /* x-kubernetes-action */
	const char *verb;      /* operationId verb: list, create, read, ... */
	const char *suffix;    /* operationId suffix: "Status", "" */
	const char *body;      /* request schema, NULL for none */
	const char *resp;      /* response schema */
	const char *const *q;  /* query parameters, NULL-terminated */
	bool patch;
	const char *gvk_group, *gvk_version, *gvk_kind;
};

static const char *const q_list[] = { "allowWatchBookmarks", "continue", "fieldSelector",
	"labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents",
	"timeoutSeconds", "watch", NULL };
static const char *const q_write[] = { "dryRun", "fieldManager", "fieldValidation", NULL };
static const char *const q_patch[] = { "dryRun", "fieldManager", "fieldValidation", "force",
	NULL };
static const char *const q_delete[] = { "dryRun", "gracePeriodSeconds", "orphanDependents",
	"propagationPolicy", NULL };
static const char *const q_delcoll[] = { "continue", "dryRun", "fieldSelector",
	"gracePeriodSeconds", "labelSelector", "limit", "orphanDependents", "propagationPolicy",
	"resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", NULL };
static const char *const q_none[] = { NULL };

static json_t *response_v3(const struct oa_style *st, const char *schema)
{
	return json_pack("{s:s,s:{s:{s:o},s:{s:o}}}", "description", "OK", "content",
			 "application/json", "schema", ref(st, schema),
			 "application/yaml", "schema", ref(st, schema));
}

static json_t *operation(const struct oa_style *st, const struct oa_res *r, const char *scope,
			 const struct op_spec *o)
{
	_cleanup_free_ char *prefix = op_prefix(r->group, r->version);
	_cleanup_free_ char *opid = xasprintf("%s%s%s%s%s", o->verb, prefix, scope, r->kind,
					      o->suffix);
	json_t *op = json_object(), *ps = json_array(), *resp = json_object();

	json_object_set_new(op, "description", json_sprintf("%s %s%s", o->action, r->kind,
							    o->suffix));
	json_object_set_new(op, "operationId", json_string(opid));
	json_object_set_new(op, "tags", json_pack("[s]", prefix));
	if (o->body && !st->v3)
		json_array_append_new(ps, json_pack("{s:s,s:s,s:b,s:o}", "name", "body", "in",
						    "body", "required", 1, "schema",
						    ref(st, o->body)));
	for (int i = 0; o->q[i]; i++)
		json_array_append_new(ps, param(st, o->q[i], "query", NULL));
	json_object_set_new(op, "parameters", ps);
	if (o->body && st->v3) {
		json_t *content = json_object();

		if (o->patch) {
			json_object_set_new(content, "application/apply-patch+yaml",
					    json_pack("{s:o}", "schema", ref(st, o->body)));
			json_object_set_new(content, "application/json-patch+json",
					    json_pack("{s:o}", "schema", ref(st, o->body)));
			json_object_set_new(content, "application/merge-patch+json",
					    json_pack("{s:o}", "schema", ref(st, o->body)));
			if (r->smp)
				json_object_set_new(content, "application/strategic-merge-patch+json",
						    json_pack("{s:o}", "schema", ref(st, o->body)));
		} else {
			json_object_set_new(content, "*/*", json_pack("{s:o}", "schema",
								      ref(st, o->body)));
		}
		json_object_set_new(op, "requestBody", json_pack("{s:o,s:b}", "content", content,
								 "required", 1));
	}
	if (!st->v3) {
		json_t *consumes = json_array();

		if (o->patch) {
			json_array_append_new(consumes, json_string("application/json-patch+json"));
			json_array_append_new(consumes, json_string("application/merge-patch+json"));
			if (r->smp)
				json_array_append_new(consumes,
						      json_string("application/strategic-merge-patch+json"));
			json_array_append_new(consumes, json_string("application/apply-patch+yaml"));
		} else {
			json_array_append_new(consumes, json_string("*/*"));
		}
		json_object_set_new(op, "consumes", consumes);
		json_object_set_new(op, "produces", json_pack("[s,s]", "application/json",
							      "application/yaml"));
		json_object_set_new(op, "schemes", json_pack("[s]", "https"));
	}
	json_object_set_new(resp, "200", st->v3 ? response_v3(st, o->resp)
			    : json_pack("{s:s,s:o}", "description", "OK", "schema",
					ref(st, o->resp)));
	if (!strcmp(o->action, "post") || !strcmp(o->action, "put") ||
	    !strcmp(o->action, "patch"))
		json_object_set_new(resp, "201", st->v3 ? response_v3(st, o->resp)
				    : json_pack("{s:s,s:o}", "description", "Created", "schema",
						ref(st, o->resp)));
	if (!strcmp(o->action, "post") || !strcmp(o->action, "delete"))
		json_object_set_new(resp, "202", st->v3 ? response_v3(st, o->resp)
				    : json_pack("{s:s,s:o}", "description", "Accepted", "schema",
						ref(st, o->resp)));
	json_object_set_new(resp, "401", json_pack("{s:s}", "description", "Unauthorized"));
	json_object_set_new(op, "responses", resp);
	json_object_set_new(op, "x-kubernetes-action", json_string(o->action));
	json_object_set_new(op, "x-kubernetes-group-version-kind",
			    json_pack("{s:s,s:s,s:s}", "group", o->gvk_group, "kind", o->gvk_kind,
				      "version", o->gvk_version));
	return op;
}

static json_t *path_item(const struct oa_style *st, bool ns, bool named, const char *what)
{
	json_t *ps = json_array(), *item = json_object();

	if (named)
		json_array_append_new(ps, param(st, "name", "path", what));
	if (ns)
		json_array_append_new(ps, param(st, "namespace", "path",
						"object name and auth scope, such as for teams "
						"and projects"));
	json_array_append_new(ps, param(st, "pretty", "query", NULL));
	json_object_set_new(item, "parameters", ps);
	return item;
}

#define META_SCHEMA(x) "io.k8s.apimachinery.pkg.apis.meta.v1." x

/* get/put/patch of an item or one of its subresources at `path`. */
static void add_item_ops(const struct oa_style *st, json_t *paths, const struct oa_res *r,
			 const char *path, const char *suffix, const char *schema,
			 const char *gg, const char *gv, const char *gk, bool del)
{
	const char *scope = r->namespaced ? "Namespaced" : "";
	json_t *item = path_item(st, r->namespaced, true, "name of the object");
	struct op_spec get = { "get", "read", suffix, NULL, schema, q_none, false, gg, gv, gk };
	struct op_spec put = { "put", "replace", suffix, schema, schema, q_write, false, gg, gv,
			       gk };
	struct op_spec patch = { "patch", "patch", suffix, META_SCHEMA("Patch"), schema, q_patch,
				 true, gg, gv, gk };
	struct op_spec delete = { "delete", "delete", suffix, META_SCHEMA("DeleteOptions"),
				  META_SCHEMA("Status"), q_delete, false, gg, gv, gk };

	json_object_set_new(item, "get", operation(st, r, scope, &get));
	json_object_set_new(item, "put", operation(st, r, scope, &put));
	json_object_set_new(item, "patch", operation(st, r, scope, &patch));
	if (del)
		json_object_set_new(item, "delete", operation(st, r, scope, &delete));
	json_object_set_new(paths, path, item);
}

void oa_add_paths(const struct oa_style *st, json_t *paths, const struct oa_res *r)
{
	_cleanup_free_ char *base = *r->group ? xasprintf("/apis/%s/%s", r->group, r->version)
					      : xasprintf("/api/%s", r->version);
	_cleanup_free_ char *coll = r->namespaced
		? xasprintf("%s/namespaces/{namespace}/%s", base, r->plural)
		: xasprintf("%s/%s", base, r->plural);
	_cleanup_free_ char *item_path = xasprintf("%s/{name}", coll);
	const char *scope = r->namespaced ? "Namespaced" : "";
	json_t *item = path_item(st, r->namespaced, false, NULL);
	struct op_spec list = { "list", "list", "", NULL, r->list_schema, q_list, false, r->group,
				r->version, r->kind };
	struct op_spec create = { "post", "create", "", r->schema, r->schema, q_write, false,
				  r->group, r->version, r->kind };
	struct op_spec delcoll = { "deletecollection", "deleteCollection", "",
				   META_SCHEMA("DeleteOptions"), META_SCHEMA("Status"), q_delcoll,
				   false, r->group, r->version, r->kind };

	json_object_set_new(item, "get", operation(st, r, scope, &list));
	json_object_set_new(item, "post", operation(st, r, scope, &create));
	json_object_set_new(item, "delete", operation(st, r, scope, &delcoll));
	json_object_set_new(paths, coll, item);
	add_item_ops(st, paths, r, item_path, "", r->schema, r->group, r->version, r->kind, true);
	if (r->subresources & API_SUB_STATUS) {
		_cleanup_free_ char *p = xasprintf("%s/status", item_path);

		add_item_ops(st, paths, r, p, "Status", r->schema, r->group, r->version, r->kind,
			     false);
	}
	if (r->subresources & API_SUB_SCALE) {
		_cleanup_free_ char *p = xasprintf("%s/scale", item_path);

		add_item_ops(st, paths, r, p, "Scale", "io.k8s.api.autoscaling.v1.Scale",
			     "autoscaling", "v1", "Scale", false);
	}
	if (r->namespaced) {
		/* The all-namespaces list. */
		_cleanup_free_ char *p = xasprintf("%s/%s", base, r->plural);
		json_t *all = path_item(st, false, false, NULL);
		struct op_spec l = list;

		l.suffix = "ForAllNamespaces";
		json_object_set_new(all, "get", operation(st, r, "", &l));
		json_object_set_new(paths, p, all);
	}
}
