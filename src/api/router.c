/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request routing: authentication, the non-resource endpoints, then
 * /api/v1/... and /apis/G/V/... paths parsed into a target and dispatched
 * by verb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/authz.h"
#include "api/discovery.h"
#include "api/metrics_api.h"
#include "api/object.h"
#include "lib/jdump.h"
#include "lib/jparse.h"
#include "store/store.h"
#include "api/openapi.h"
#include "api/request.h"
#include "api/watch.h"
#include "auth/auth.h"
#include "cmds.h"
#include "lib/xalloc.h"

bool query_true(const char *v)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };

	for (size_t i = 0; v && i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcmp(v, yes[i]))
			return true;
	return false;
}

static int split(char *path, char **segs, int max)
{
	int n = 0;

	for (char *s = strtok_r(path, "/", &path); s && n < max; s = strtok_r(NULL, "/", &path))
		segs[n++] = s;
	return n;
}

static int copy(char *dst, size_t n, const char *src)
{
	if (strlen(src) >= n)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static bool accepts_table(struct api_req *r)
{
	const char *a = req_header(r, "Accept");

	return a && strstr(a, "as=Table");
}

/* 406 when the client accepts nothing we can produce. */
static bool acceptable(struct api_req *r)
{
	const char *a = req_header(r, "Accept");

	return !a || !*a || strstr(a, "json") || strstr(a, "*/*") || strstr(a, "application/*");
}

/* Did the client ask for aggregated discovery (apidiscovery.k8s.io v2)? */
static bool wants_aggregated(struct api_req *r)
{
	const char *a = req_header(r, "Accept");

	return a && strstr(a, "as=APIGroupDiscoveryList") && strstr(a, "g=apidiscovery.k8s.io;v=v2");
}

static int reply_aggregated(struct api_req *r, bool core)
{
	json_t *doc = discovery_aggregated(core);
	char *s = jdump(doc, JSON_COMPACT | JSON_PRESERVE_ORDER, NULL);

	json_decref(doc);
	return reply_raw(r, 200, DISCOVERY_AGG_CTYPE, s, strlen(s));
}

const char *api_verb(const char *m, bool named, bool watch)
{
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD"))
		return watch ? "watch" : named ? "get" : "list";
	if (!strcmp(m, "POST"))
		return "create";
	if (!strcmp(m, "PUT"))
		return "update";
	if (!strcmp(m, "PATCH"))
		return "patch";
	if (!strcmp(m, "DELETE"))
		return named ? "delete" : "deletecollection";
	return "unknown";
}

static int route_resource(struct api_req *r, char **segs, int n, const char *group, const char *version)
{
	struct api_call c = { .r = r };
	int i = 0;

	copy(c.t.group, sizeof(c.t.group), group);
	copy(c.t.version, sizeof(c.t.version), version);
	/* namespaces/NS/RESOURCE... unless RESOURCE is a subresource of the Namespace itself. */
	if (n >= 3 && !strcmp(segs[0], "namespaces")) {
		const struct api_kind *k = kinds_find(group, version, segs[2]);
		if ((k && k->namespaced) || auth_virtual_namespaced(group, segs[2])) {
			if (copy(c.t.ns, sizeof(c.t.ns), segs[1]))
				return reply_error(r, 400, "BadRequest", "namespace name too long");
			i = 2;
		}
	}
	if (i >= n)
		return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
	if (copy(c.t.resource, sizeof(c.t.resource), segs[i]) ||
	    (i + 1 < n && copy(c.t.name, sizeof(c.t.name), segs[i + 1])) ||
	    (i + 2 < n && copy(c.t.sub, sizeof(c.t.sub), segs[i + 2])) || i + 3 < n)
		return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
	snprintf(r->resource, sizeof(r->resource), "%s", c.t.resource);
	/* TokenRequest and the access reviews are not stored kinds (src/auth). */
	if (auth_virtual(c.t.group, c.t.resource, c.t.sub))
		return auth_serve(&c);
	c.k = kinds_find(group, version, c.t.resource);
	if (!c.k)
		return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
	if (*c.t.sub && !((!strcmp(c.t.sub, "status") && (c.k->subresources & API_SUB_STATUS)) ||
			  (!strcmp(c.t.sub, "scale") && (c.k->subresources & API_SUB_SCALE)) ||
			  (!strcmp(c.t.sub, "finalize") && !strcmp(c.t.resource, "namespaces")) ||
			  (!strcmp(c.t.resource, "pods") && !*c.t.group &&
			   (!strcmp(c.t.sub, "log") || !strcmp(c.t.sub, "exec") || !strcmp(c.t.sub, "attach") ||
			    !strcmp(c.t.sub, "portforward") || !strcmp(c.t.sub, "ephemeralcontainers")))))
		return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
	if (!acceptable(r))
		return reply_error(r, 406, "NotAcceptable",
				   "only the following media types are accepted: application/json, "
				   "application/json;as=Table;v=v1;g=meta.k8s.io");
	c.table = accepts_table(r);
	const char *dr = req_query(r, "dryRun");
	if (dr) {
		if (strcmp(dr, "All"))
			return reply_error(r, 400, "BadRequest",
					   "dryRun: Unsupported value: \"%s\": supported values: \"All\"", dr);
		c.dry_run = true;
	}
	const char *m = r->method;
	const char *watch = req_query(r, "watch");
	bool is_watch = query_true(watch);
	bool named = *c.t.name != '\0';
	/* Streams are authorized as create, whatever the method (GET for WebSockets). */
	bool stream = !strcmp(c.t.resource, "pods") && !*c.t.group && named &&
		      (!strcmp(c.t.sub, "exec") || !strcmp(c.t.sub, "attach") || !strcmp(c.t.sub, "portforward"));
	struct authz_attrs at = {
		.verb = stream ? "create" : api_verb(m, named, is_watch), .group = c.t.group, .resource = c.t.resource,
		.subresource = c.t.sub, .ns = c.t.ns, .name = c.t.name,
	};
	char why[512];
	if (!authz_allowed(r, &at, why, sizeof(why)))
		return reply_json(r, 403, status_new(403, "Forbidden", why, c.t.group, c.t.resource,
						     named ? c.t.name : NULL, NULL));
	bool write = strcmp(m, "GET") && strcmp(m, "HEAD");

	if (stream && (!strcmp(m, "GET") || !strcmp(m, "POST")))
		return pod_stream(&c);
	if (stream)
		return reply_error(r, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	if (!strcmp(c.t.sub, "ephemeralcontainers") && strcmp(m, "GET") && strcmp(m, "PUT") && strcmp(m, "PATCH"))
		return reply_error(r, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
	if (write && c.k->read_only)
		return reply_error(r, 405, "MethodNotAllowed", "%s is read-only", c.k->resource);
	if (!strcmp(m, "GET") && is_watch && !named) {
		r->verb = NULL;
		if (r->counted) { /* watches do not count against the in-flight limit */
			atomic_fetch_sub(&r->srv->inflight, 1);
			r->counted = false;
		}
		return watch_start(&c);
	}
	if (!strcmp(c.t.sub, "scale"))
		return scale_handle(&c);
	if (!strcmp(c.t.sub, "log") && !strcmp(m, "GET"))
		return pod_logs(&c);
	if (!strcmp(m, "GET") && named)
		return r->verb = "get", crud_get(&c);
	if (!strcmp(m, "GET"))
		return r->verb = "list", crud_list(&c);
	if (!strcmp(m, "POST") && !named)
		return r->verb = "create", crud_create(&c);
	if (!strcmp(m, "PUT") && named)
		return r->verb = "update", crud_update(&c);
	if (!strcmp(m, "PATCH") && named)
		return r->verb = "patch", crud_patch(&c);
	if (!strcmp(m, "DELETE") && named)
		return r->verb = "delete", crud_delete(&c);
	if (!strcmp(m, "DELETE"))
		return r->verb = "deletecollection", crud_delete_collection(&c);
	return reply_error(r, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

static int reply_doc(struct api_req *r, json_t *doc)
{
	if (!doc)
		return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
	return reply_json(r, 200, doc);
}

static int reply_text_doc(struct api_req *r, const char *text, size_t len)
{
	if (!text)
		return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
	return reply_raw(r, 200, "application/json", xstrndup(text, len), len);
}

/* The CRD objects that serve group (borrowed from the returned array, owned). */
static json_t *crds_of_group(struct api_req *r, const char *group)
{
	struct atoll_err err = ERR_INIT;
	struct store_list l = { 0 };
	json_t *out = json_array();

	if (store_list(r->srv->store, "apiextensions.k8s.io/customresourcedefinitions/", "", 0, &l, &err) < 0)
		return out;
	for (size_t i = 0; i < l.n; i++) {
		json_t *crd = jparse_loadb(l.items[i].value->data, l.items[i].value->len, 0, NULL);
		const char *g = json_string_value(json_object_get(json_object_get(crd, "spec"), "group"));
		if (g && (!group || !strcmp(g, group)))
			json_array_append(out, crd);
		json_decref(crd);
	}
	store_list_free(&l);
	return out;
}

/* The v3 index: built-in group-versions plus those CRDs serve. */
static json_t *v3_index(struct api_req *r)
{
	json_t *shared = openapi_v3_index();
	json_t *idx = json_deep_copy(shared);
	json_decref(shared);
	json_t *paths = json_object_get(idx, "paths");
	json_t *crds = crds_of_group(r, NULL);
	size_t i, j;
	json_t *crd, *v;

	json_array_foreach(crds, i, crd) {
		const json_t *spec = json_object_get(crd, "spec");
		const char *g = json_string_value(json_object_get(spec, "group"));
		json_array_foreach(json_object_get(spec, "versions"), j, v) {
			const char *ver = json_string_value(json_object_get(v, "name"));
			if (!ver || !json_is_true(json_object_get(v, "served")))
				continue;
			char key[300], url[400];
			snprintf(key, sizeof(key), "apis/%s/%s", g, ver);
			snprintf(url, sizeof(url), "/openapi/v3/%s?hash=%s", key,
				 obj_str(crd, "metadata.uid") ? obj_str(crd, "metadata.uid") : "0");
			json_object_set_new(paths, key, json_pack("{s:s}", "serverRelativeURL", url));
		}
	}
	json_decref(crds);
	return idx;
}

static int route_openapi(struct api_req *r, char **segs, int n)
{
	size_t len;
	const char *text;

	if (n == 2 && !strcmp(segs[1], "v2")) {
		/* client-go asks for the protobuf form; others get JSON. */
		const char *a = req_header(r, "Accept");
		if (a && strstr(a, "protobuf") && (text = openapi_v2_protobuf(&len)))
			return reply_raw(r, 200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
					 xstrndup(text, len), len);
		return text = openapi_v2_text(&len), reply_text_doc(r, text, len);
	}
	if (n == 2 && !strcmp(segs[1], "v3"))
		return reply_json(r, 200, v3_index(r));
	if (n == 4 && !strcmp(segs[1], "v3") && !strcmp(segs[2], "api"))
		return text = openapi_v3_gv_text("", segs[3], &len, NULL), reply_text_doc(r, text, len);
	if (n == 5 && !strcmp(segs[1], "v3") && !strcmp(segs[2], "apis")) {
		text = openapi_v3_gv_text(segs[3], segs[4], &len, NULL);
		if (text)
			return reply_text_doc(r, text, len);
		json_t *crds = crds_of_group(r, segs[3]);
		size_t nc = json_array_size(crds);
		const json_t **arr = xcalloc(nc ? nc : 1, sizeof(*arr));
		for (size_t i = 0; i < nc; i++)
			arr[i] = json_array_get(crds, i);
		json_t *doc = openapi_v3_crd_gv(arr, nc, segs[3], segs[4]);
		free(arr);
		json_decref(crds);
		return reply_doc(r, doc);
	}
	return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
}

int api_route(struct api_req *r)
{
	char path[1024], *segs[16];
	const char *url = r->url;
	int n;

	if (!strcmp(url, "/healthz") || !strcmp(url, "/livez") || !strcmp(url, "/readyz"))
		return reply_text(r, r->srv->ready ? 200 : 503, r->srv->ready ? "ok" : "starting");
	if (!api_authenticate(r))
		return reply_error(r, 401, "Unauthorized", "Unauthorized");
	if (strlen(url) >= sizeof(path))
		return reply_error(r, 414, "RequestURITooLong", "the request path is too long");
	snprintf(path, sizeof(path), "%s", url);
	n = split(path, segs, 16);
	/* Non-resource URLs: authorized by path (nonResourceURLs rules). */
	bool resource = n >= 3 && (!strcmp(segs[0], "api") || (n >= 4 && !strcmp(segs[0], "apis")));
	if (!resource) {
		struct authz_attrs at = { .verb = "get", .group = "", .resource = "", .subresource = "",
					  .ns = "", .name = "", .path = url };
		char why[512];
		if (!authz_allowed(r, &at, why, sizeof(why)))
			return reply_json(r, 403, status_new(403, "Forbidden", why, NULL, NULL, NULL, NULL));
	}
	if (n == 0)
		return reply_json(r, 200, json_pack("{s:[s,s,s,s,s,s,s,s]}", "paths", "/api", "/api/v1",
						    "/apis", "/healthz", "/livez", "/metrics",
						    "/openapi/v2", "/version"));
	if (n == 1 && !strcmp(segs[0], "version"))
		return reply_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "major", "1",
						    "minor", "32", "gitVersion", "v1.32.0-atoll." ATOLL_VERSION,
						    "gitCommit", "", "gitTreeState", "clean",
						    "buildDate", "", "goVersion", "", "compiler", "gcc",
						    "platform", "linux/amd64"));
	if (n == 1 && !strcmp(segs[0], "metrics")) {
		struct buf b = BUF_INIT;
		metrics_render(r->srv, &b);
		size_t len;
		char *s = buf_detach(&b, &len);
		return reply_raw(r, 200, "text/plain; version=0.0.4", s, len);
	}
	if (!strcmp(segs[0], "openapi"))
		return route_openapi(r, segs, n);
	if (!strcmp(segs[0], "api")) {
		if (n == 1 && wants_aggregated(r))
			return reply_aggregated(r, true);
		if (n == 1) {
			char addr[128];
			snprintf(addr, sizeof(addr), "%s:%d", r->srv->listen_host, r->srv->port);
			return reply_json(r, 200, discovery_core(addr));
		}
		if (n == 2)
			return reply_doc(r, discovery_resources("", segs[1]));
		return route_resource(r, segs + 2, n - 2, "", segs[1]);
	}
	if (!strcmp(segs[0], "apis")) {
		if (n == 1 && wants_aggregated(r))
			return reply_aggregated(r, false);
		if (n == 1)
			return reply_json(r, 200, discovery_groups());
		if (n == 2)
			return reply_doc(r, discovery_group(segs[1]));
		/* Served from the agents' reports in memory, not the store (api/metrics_api.c). */
		if (n > 3 && !strcmp(segs[1], "metrics.k8s.io") && !strcmp(segs[2], "v1beta1"))
			return metrics_api_route(r, segs + 3, n - 3);
		if (n == 3)
			return reply_doc(r, discovery_resources(segs[1], segs[2]));
		return route_resource(r, segs + 3, n - 3, segs[1], segs[2]);
	}
	return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
}
