/* SPDX-License-Identifier: Apache-2.0 */
/* Discovery documents (/api, /apis, per group-version resource lists), built from the kinds table. */
#include <stdio.h>
#include <string.h>

#include "api/discovery.h"
#include "api/kind.h"
#include "lib/xalloc.h"

struct gv_ctx {
	const char *group;
	const char *version;
	json_t *resources;
};

static json_t *str_array(const char *const *v, size_t max)
{
	json_t *a = json_array();

	for (size_t i = 0; i < max && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static int add_resource(const struct api_kind *k, void *p)
{
	struct gv_ctx *c = p;

	if (strcmp(k->group, c->group) || strcmp(k->version, c->version))
		return 0;
	json_t *verbs = json_array();
	if (k->read_only) {
		const char *ro[] = { "get", "list", "watch" };
		for (int i = 0; i < 3; i++)
			json_array_append_new(verbs, json_string(ro[i]));
	} else {
		const char *all[] = { "create", "delete", "deletecollection", "get", "list", "patch",
				      "update", "watch" };
		for (int i = 0; i < 8; i++)
			json_array_append_new(verbs, json_string(all[i]));
	}
	json_t *r = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", k->resource, "singularName",
			      k->singular, "namespaced", k->namespaced, "kind", k->kind, "verbs",
			      verbs);
	if (k->short_names[0])
		json_object_set_new(r, "shortNames", str_array(k->short_names, 4));
	if (k->categories[0])
		json_object_set_new(r, "categories", str_array(k->categories, 3));
	json_array_append_new(c->resources, r);
	if (k->subresources & API_SUB_STATUS) {
		char name[96];
		snprintf(name, sizeof(name), "%s/status", k->resource);
		json_array_append_new(c->resources,
				      json_pack("{s:s,s:s,s:b,s:s,s:[s,s,s]}", "name", name,
						"singularName", "", "namespaced", k->namespaced,
						"kind", k->kind, "verbs", "get", "patch", "update"));
	}
	/* kubectl debug's subresource (src/api/crud_write.c write_ephemeral_only). */
	if (!*k->group && !strcmp(k->resource, "pods"))
		json_array_append_new(c->resources,
				      json_pack("{s:s,s:s,s:b,s:s,s:[s,s,s]}", "name", "pods/ephemeralcontainers",
						"singularName", "", "namespaced", true, "kind", "Pod", "verbs", "get",
						"patch", "update"));
	if (k->subresources & API_SUB_SCALE) {
		char name[96];
		snprintf(name, sizeof(name), "%s/scale", k->resource);
		json_array_append_new(c->resources,
				      json_pack("{s:s,s:s,s:b,s:s,s:s,s:s,s:[s,s,s]}", "name", name,
						"singularName", "", "namespaced", k->namespaced,
						"group", "autoscaling", "version", "v1", "kind",
						"Scale", "verbs", "get", "patch", "update"));
	}
	return 0;
}

json_t *discovery_resources(const char *group, const char *version)
{
	struct gv_ctx c = { group, version, json_array() };
	char gv[128];

	kinds_foreach(add_resource, &c);
	if (json_array_size(c.resources) == 0) {
		json_decref(c.resources);
		return NULL;
	}
	if (*group)
		snprintf(gv, sizeof(gv), "%s/%s", group, version);
	else
		snprintf(gv, sizeof(gv), "%s", version);
	return json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList", "apiVersion", "v1",
			 "groupVersion", gv, "resources", c.resources);
}

struct groups_ctx {
	json_t *groups; /* array of APIGroup, in first-seen order */
};

static json_t *find_group(json_t *groups, const char *name)
{
	size_t i;
	json_t *g;

	json_array_foreach(groups, i, g)
		if (!strcmp(json_string_value(json_object_get(g, "name")), name))
			return g;
	return NULL;
}

static int add_group(const struct api_kind *k, void *p)
{
	struct groups_ctx *c = p;
	char gv[128];

	if (!*k->group)
		return 0;
	snprintf(gv, sizeof(gv), "%s/%s", k->group, k->version);
	json_t *g = find_group(c->groups, k->group);
	json_t *ver = json_pack("{s:s,s:s}", "groupVersion", gv, "version", k->version);
	if (!g) {
		g = json_pack("{s:s,s:[],s:O}", "name", k->group, "versions", "preferredVersion", ver);
		json_array_append_new(c->groups, g);
	}
	json_t *vs = json_object_get(g, "versions");
	size_t i;
	json_t *v;
	json_array_foreach(vs, i, v) {
		if (!strcmp(json_string_value(json_object_get(v, "version")), k->version)) {
			json_decref(ver);
			return 0;
		}
	}
	if (k->storage_version)
		json_object_set(g, "preferredVersion", ver);
	json_array_append_new(vs, ver);
	return 0;
}

json_t *discovery_groups(void)
{
	struct groups_ctx c = { json_array() };

	kinds_foreach(add_group, &c);
	return json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion", "v1", "groups",
			 c.groups);
}

json_t *discovery_group(const char *group)
{
	json_t *all = discovery_groups();
	json_t *g = find_group(json_object_get(all, "groups"), group);

	if (g) {
		g = json_deep_copy(g);
		json_object_set_new(g, "kind", json_string("APIGroup"));
		json_object_set_new(g, "apiVersion", json_string("v1"));
	}
	json_decref(all);
	return g;
}

json_t *discovery_core(const char *server_addr)
{
	return json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions", "versions", "v1",
			 "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0", "serverAddress",
			 server_addr);
}

/* ---- Aggregated discovery (apidiscovery.k8s.io/v2): every group in one document ---- */

struct agg_ctx {
	bool core;     /* /api (core group only) or /apis (all named groups) */
	json_t *items; /* APIGroupDiscovery in first-seen order */
};

static json_t *agg_group(json_t *items, const char *name)
{
	size_t i;
	json_t *g;

	json_array_foreach(items, i, g)
		if (!strcmp(json_string_value(json_object_get(json_object_get(g, "metadata"), "name")) ?: "", name))
			return g;
	g = json_pack("{s:{s:s},s:[]}", "metadata", "name", name, "versions");
	json_array_append_new(items, g);
	return g;
}

static json_t *agg_version(json_t *group, const char *version, bool preferred)
{
	json_t *vs = json_object_get(group, "versions");
	size_t i;
	json_t *v;

	json_array_foreach(vs, i, v)
		if (!strcmp(json_string_value(json_object_get(v, "version")), version))
			return v;
	v = json_pack("{s:s,s:[],s:s}", "version", version, "resources", "freshness", "Current");
	/* The preferred (storage) version goes first, as clients take the first as preferred. */
	if (preferred)
		json_array_insert_new(vs, 0, v);
	else
		json_array_append_new(vs, v);
	return v;
}

static int agg_add(const struct api_kind *k, void *p)
{
	struct agg_ctx *c = p;

	if (c->core != !*k->group)
		return 0;
	json_t *g = agg_group(c->items, k->group);
	json_t *v = agg_version(g, k->version, k->storage_version);
	json_t *verbs = json_array();
	const char *ro[] = { "get", "list", "watch" };
	const char *all[] = { "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" };
	for (int i = 0; i < (k->read_only ? 3 : 8); i++)
		json_array_append_new(verbs, json_string(k->read_only ? ro[i] : all[i]));
	json_t *r = json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "resource", k->resource, "responseKind",
			      "group", k->group, "version", k->version, "kind", k->kind, "scope",
			      k->namespaced ? "Namespaced" : "Cluster", "singularResource", k->singular,
			      "verbs", verbs);
	if (k->short_names[0])
		json_object_set_new(r, "shortNames", str_array(k->short_names, 4));
	if (k->categories[0])
		json_object_set_new(r, "categories", str_array(k->categories, 3));
	json_t *subs = json_array();
	if (k->subresources & API_SUB_STATUS)
		json_array_append_new(subs, json_pack("{s:s,s:{s:s,s:s,s:s},s:[s,s,s]}", "subresource", "status",
						      "responseKind", "group", k->group, "version", k->version,
						      "kind", k->kind, "verbs", "get", "patch", "update"));
	if (!*k->group && !strcmp(k->resource, "pods"))
		json_array_append_new(subs, json_pack("{s:s,s:{s:s,s:s,s:s},s:[s,s,s]}", "subresource",
						      "ephemeralcontainers", "responseKind", "group", "", "version",
						      "v1", "kind", "Pod", "verbs", "get", "patch", "update"));
	if (k->subresources & API_SUB_SCALE)
		json_array_append_new(subs, json_pack("{s:s,s:{s:s,s:s,s:s},s:[s,s,s]}", "subresource", "scale",
						      "responseKind", "group", "autoscaling", "version", "v1",
						      "kind", "Scale", "verbs", "get", "patch", "update"));
	if (json_array_size(subs))
		json_object_set_new(r, "subresources", subs);
	else
		json_decref(subs);
	json_array_append_new(json_object_get(v, "resources"), r);
	return 0;
}

json_t *discovery_aggregated(bool core)
{
	struct agg_ctx c = { core, json_array() };

	kinds_foreach(agg_add, &c);
	return json_pack("{s:s,s:s,s:{},s:o}", "kind", "APIGroupDiscoveryList", "apiVersion",
			 "apidiscovery.k8s.io/v2", "metadata", "items", c.items);
}
