/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.k8s.io: the node agents' latest usage reports, in memory, served as NodeMetrics and PodMetrics. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/authz.h"
#include "api/metrics_api.h"
#include "api/selector.h"
#include "api/server.h"
#include "lib/jparse.h"

#define GV "metrics.k8s.io/v1beta1"
/* A report older than this is from a node that stopped reporting: not served. */
#define STALE_SECONDS 300

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *reports; /* node name -> {"at": monotonic seconds, "report": the agent's body} */

static long now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

static bool allowed(struct api_req *r, const char *verb, const char *resource, const char *ns, const char *name)
{
	struct authz_attrs at = { .verb = verb, .group = "metrics.k8s.io", .resource = resource, .subresource = "",
				  .ns = ns, .name = name };
	char why[512];

	if (authz_allowed(r, &at, why, sizeof(why)))
		return true;
	reply_json(r, 403, status_new(403, "Forbidden", why, "metrics.k8s.io", resource, name, NULL));
	return false;
}

static int put_report(struct api_req *r, const char *node)
{
	json_error_t je;
	json_t *body = jparse_loadb(r->body.p, r->body.len, 0, &je);

	if (!json_is_object(body) || !json_is_array(json_object_get(body, "pods"))) {
		json_decref(body);
		return reply_error(r, 400, "BadRequest", "expected a NodeMetrics with \"pods\"");
	}
	pthread_mutex_lock(&mu);
	if (!reports)
		reports = json_object();
	json_object_set_new(reports, node, json_pack("{s:I,s:o}", "at", (json_int_t)now_s(), "report", body));
	pthread_mutex_unlock(&mu);
	return reply_json(r, 200, json_pack("{s:s,s:s,s:{},s:s}", "kind", "Status", "apiVersion", "v1", "metadata",
					    "status", "Success"));
}

static json_t *node_metrics(const char *name, const json_t *rep)
{
	return json_pack("{s:s,s:s,s:{s:s,s:O},s:O,s:O,s:O}", "kind", "NodeMetrics", "apiVersion", GV, "metadata",
			 "name", name, "labels", json_object_get(rep, "labels") ?: json_object(), "timestamp",
			 json_object_get(rep, "timestamp"), "window", json_object_get(rep, "window"), "usage",
			 json_object_get(rep, "usage"));
}

/* Every fresh report's NodeMetrics (nodes) or PodMetrics in ns (NULL: all), with name and selector filters. */
static json_t *collect(bool nodes, const char *ns, const char *name, const struct selector *sel)
{
	json_t *items = json_array(), *e, *pm;
	const char *node;
	size_t i;
	long now = now_s();

	pthread_mutex_lock(&mu);
	json_object_foreach(reports, node, e) {
		const json_t *rep = json_object_get(e, "report");
		if (now - (long)json_integer_value(json_object_get(e, "at")) > STALE_SECONDS)
			continue;
		if (nodes) {
			if ((!name || !strcmp(name, node)) &&
			    (!sel || selector_matches(sel, json_object_get(rep, "labels"))))
				json_array_append_new(items, node_metrics(node, rep));
			continue;
		}
		json_array_foreach(json_object_get(rep, "pods"), i, pm) {
			const json_t *md = json_object_get(pm, "metadata");
			const char *pns = json_string_value(json_object_get(md, "namespace")) ?: "";
			const char *pn = json_string_value(json_object_get(md, "name")) ?: "";
			if ((ns && strcmp(ns, pns)) || (name && strcmp(name, pn)) ||
			    (sel && !selector_matches(sel, json_object_get(md, "labels"))))
				continue;
			json_t *o = json_deep_copy(pm);
			json_object_set_new(o, "kind", json_string("PodMetrics"));
			json_object_set_new(o, "apiVersion", json_string(GV));
			json_array_append_new(items, o);
		}
	}
	pthread_mutex_unlock(&mu);
	return items;
}

int metrics_api_route(struct api_req *r, char **segs, int n)
{
	const char *ns = NULL, *name = NULL, *res;
	bool get = !strcmp(r->method, "GET");

	if (n >= 2 && !strcmp(segs[0], "namespaces")) {
		ns = segs[1];
		segs += 2;
		n -= 2;
	}
	if (n < 1 || n > 2 || (strcmp(segs[0], "nodes") && strcmp(segs[0], "pods")) ||
	    (ns && !strcmp(segs[0], "nodes")))
		return reply_error(r, 404, "NotFound", "the server could not find the requested resource");
	res = segs[0];
	name = n == 2 ? segs[1] : NULL;
	bool nodes = !strcmp(res, "nodes");
	if (!get) {
		if (strcmp(r->method, "PUT") || !nodes || !name)
			return reply_error(r, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
		if (!allowed(r, "update", "nodes", "", name))
			return 0;
		return put_report(r, name);
	}
	if (!allowed(r, name ? "get" : "list", res, ns ? ns : "", name ? name : ""))
		return 0;
	struct selector *sel = NULL;
	const char *ls = req_query(r, "labelSelector");
	if (ls && *ls) {
		struct atoll_err err = ERR_INIT;
		if (!(sel = selector_parse(ls, &err)))
			return reply_error(r, 400, "BadRequest", "%s", err.msg);
	}
	json_t *items = collect(nodes, ns, name, sel);
	if (sel)
		selector_free(sel);
	if (name) {
		json_t *one = json_incref(json_array_get(items, 0));
		json_decref(items);
		if (!one)
			return reply_json(r, 404, status_new(404, "NotFound", nodes ? "nodemetrics not found" :
							     "podmetrics not found", "metrics.k8s.io", res, name, NULL));
		return reply_json(r, 200, one);
	}
	return reply_json(r, 200, json_pack("{s:s,s:s,s:{},s:o}", "kind", nodes ? "NodeMetricsList" : "PodMetricsList",
					    "apiVersion", GV, "metadata", "items", items));
}
