/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Endpoints and EndpointSlices of Services with a selector: the pods the
 * selector picks that have an IP, ready ones as addresses and the others
 * as notReadyAddresses, with each service port's targetPort resolved
 * against the pod's named container ports. One EndpointSlice per Service
 * (IPv4), owned by it; Endpoints are named as the Service and removed with
 * it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "api/selector.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define MANAGED_BY "endpointslice.kubernetes.io/managed-by"
#define SLICE_MANAGER "endpointslice-controller.k8s.io"
#define EP_MANAGED_BY "endpoints.kubernetes.io/managed-by"
#define SERVICE_NAME "kubernetes.io/service-name"

static bool dirty = true;

/* The container port named name in pod, or 0. */
static json_int_t named_port(const json_t *pod, const char *name, const char *proto)
{
	size_t i, j;
	json_t *c, *p;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c)
		json_array_foreach(json_object_get(c, "ports"), j, p) {
			const char *n = json_string_value(json_object_get(p, "name"));
			const char *pr = json_string_value(json_object_get(p, "protocol"));
			if (n && !strcmp(n, name) && !strcmp(pr ? pr : "TCP", proto))
				return json_integer_value(json_object_get(p, "containerPort"));
		}
	return 0;
}

/* The service's ports as this pod serves them (owned), or NULL when one cannot be resolved. */
static json_t *pod_ports(const json_t *svc, const json_t *pod)
{
	json_t *out = json_array();
	size_t i;
	json_t *sp;

	json_array_foreach(json_object_get(json_object_get(svc, "spec"), "ports"), i, sp) {
		json_t *tp = json_object_get(sp, "targetPort");
		const char *proto = json_string_value(json_object_get(sp, "protocol"));
		json_int_t port = json_integer_value(json_object_get(sp, "port"));
		if (!proto)
			proto = "TCP";
		if (json_is_integer(tp))
			port = json_integer_value(tp);
		else if (json_is_string(tp)) {
			char *end;
			long v = strtol(json_string_value(tp), &end, 10);
			port = *end ? named_port(pod, json_string_value(tp), proto) : v;
		}
		if (!port) {
			json_decref(out);
			return NULL;
		}
		json_t *e = json_pack("{s:I, s:s}", "port", port, "protocol", proto);
		json_t *name = json_object_get(sp, "name");
		if (json_is_string(name) && *json_string_value(name))
			json_object_set(e, "name", name);
		json_array_append_new(out, e);
	}
	return out;
}

static json_t *target_ref(const json_t *pod)
{
	return json_pack("{s:s, s:s?, s:s?, s:s?}", "kind", "Pod", "namespace", obj_namespace(pod),
			 "name", obj_name(pod), "uid", obj_str(pod, "metadata.uid"));
}

/* Endpoints subsets: pods grouped by their resolved ports. Returns owned array. */
static json_t *build_subsets(const json_t *svc, json_t **pods, size_t n, json_t *slice_eps,
			     json_t **slice_ports)
{
	json_t *subsets = json_array();
	bool publish = json_is_true(json_object_get(json_object_get(svc, "spec"), "publishNotReadyAddresses"));

	for (size_t i = 0; i < n; i++) {
		json_t *ports = pod_ports(svc, pods[i]);
		if (!ports)
			continue;
		const char *ip = obj_str(pods[i], "status.podIP");
		const char *node = obj_str(pods[i], "spec.nodeName");
		bool ready = ctl_pod_ready(pods[i]) || publish;
		json_t *addr = json_pack("{s:s, s:s?, s:o}", "ip", ip, "nodeName", node, "targetRef",
					 target_ref(pods[i]));
		/* Pods with a hostname in this (headless) service's subdomain get DNS names. */
		const char *host = obj_str(pods[i], "spec.hostname");
		const char *subdomain = obj_str(pods[i], "spec.subdomain");
		if (host && subdomain && !strcmp(subdomain, obj_name(svc) ?: ""))
			json_object_set_new(addr, "hostname", json_string(host));
		else
			host = NULL;
		json_t *sub = NULL, *s;
		size_t k;
		json_array_foreach(subsets, k, s)
			if (json_equal(json_object_get(s, "ports"), ports))
				sub = s;
		if (!sub) {
			sub = json_object();
			if (json_array_size(ports))
				json_object_set(sub, "ports", ports);
			json_array_append_new(subsets, sub);
		}
		const char *field = ready ? "addresses" : "notReadyAddresses";
		json_t *arr = json_object_get(sub, field);
		if (!arr) {
			arr = json_array();
			json_object_set_new(sub, field, arr);
		}
		json_array_append_new(arr, addr);
		/* The slice carries the first port set's pods. */
		if (!*slice_ports)
			*slice_ports = json_incref(ports);
		if (json_equal(*slice_ports, ports)) {
			json_t *ep = json_pack("{s:[s], s:{s:b, s:b, s:b}, s:o}", "addresses", ip,
					       "conditions", "ready", ctl_pod_ready(pods[i]) || publish,
					       "serving", ctl_pod_ready(pods[i]), "terminating", 0,
					       "targetRef", target_ref(pods[i]));
			if (node)
				json_object_set_new(ep, "nodeName", json_string(node));
			if (host)
				json_object_set_new(ep, "hostname", json_string(host));
			json_array_append_new(slice_eps, ep);
		}
		json_decref(ports);
	}
	return subsets;
}

static const struct ctl_obj *find(const struct ctl_list *l, const char *ns, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(obj_namespace(l->v[i].obj) ?: "", ns) && !strcmp(obj_name(l->v[i].obj) ?: "", name))
			return &l->v[i];
	return NULL;
}

static const struct ctl_obj *find_slice(const struct ctl_list *l, const char *ns, const char *svc)
{
	for (size_t i = 0; i < l->n; i++) {
		json_t *labels = json_object_get(json_object_get(l->v[i].obj, "metadata"), "labels");
		const char *sn = json_string_value(json_object_get(labels, SERVICE_NAME));
		const char *mb = json_string_value(json_object_get(labels, MANAGED_BY));
		if (sn && mb && !strcmp(sn, svc) && !strcmp(mb, SLICE_MANAGER) &&
		    !strcmp(obj_namespace(l->v[i].obj) ?: "", ns))
			return &l->v[i];
	}
	return NULL;
}

static void sync_endpoints(struct store *s, const json_t *svc, const struct ctl_obj *ep, json_t *subsets)
{
	const char *ns = obj_namespace(svc);

	if (!ep) {
		json_t *o = json_pack("{s:{s:s}}", "metadata", "name", obj_name(svc));
		json_t *labels = json_object_get(json_object_get(svc, "metadata"), "labels");
		labels = json_is_object(labels) ? json_deep_copy(labels) : json_object();
		json_object_set_new(labels, EP_MANAGED_BY, json_string("endpoint-controller"));
		json_object_set_new(json_object_get(o, "metadata"), "labels", labels);
		if (json_array_size(subsets))
			json_object_set(o, "subsets", subsets);
		ctl_create(s, "", "endpoints", ns, o, NULL);
		json_decref(o);
		return;
	}
	json_t *old = json_object_get(ep->obj, "subsets");
	if ((!old && !json_array_size(subsets)) || (old && json_equal(old, subsets)))
		return;
	json_t *o = json_deep_copy(ep->obj);
	if (json_array_size(subsets))
		json_object_set(o, "subsets", subsets);
	else
		json_object_del(o, "subsets");
	if (ctl_put(s, ep->key, o, ep->rev) < 0)
		dirty = true;
	json_decref(o);
}

static void sync_slice(struct store *s, const json_t *svc, const struct ctl_obj *sl, json_t *eps,
		       json_t *ports)
{
	if (!sl) {
		json_t *o = json_pack("{s:{s:s+, s:{s:s, s:s}}, s:s, s:O, s:o}",
				      "metadata", "generateName", obj_name(svc), "-",
				      "labels", SERVICE_NAME, obj_name(svc), MANAGED_BY, SLICE_MANAGER,
				      "addressType", "IPv4", "endpoints", eps,
				      "ports", ports ? json_incref(ports) : json_array());
		ctl_create(s, "discovery.k8s.io", "endpointslices", obj_namespace(svc), o, svc);
		json_decref(o);
		return;
	}
	json_t *want_ports = ports ? ports : json_array();
	json_t *old_eps = json_object_get(sl->obj, "endpoints");
	json_t *old_ports = json_object_get(sl->obj, "ports");
	bool same = json_equal(old_eps ? old_eps : json_array(), eps) &&
		    json_equal(old_ports ? old_ports : json_array(), want_ports);
	if (!same) {
		json_t *o = json_deep_copy(sl->obj);
		json_object_set(o, "endpoints", eps);
		json_object_set(o, "ports", want_ports);
		if (ctl_put(s, sl->key, o, sl->rev) < 0)
			dirty = true;
		json_decref(o);
	}
	if (!ports)
		json_decref(want_ports);
}

/*
 * Namespaces with a Service that selects pods, as of the last pass: pod
 * events elsewhere need no pass, and a pass lists only these namespaces'
 * pods (a burst of pods in a namespace without Services costs nothing).
 */
static json_t *sel_namespaces; /* set: ns -> true; the loop's thread only */

/* The pods of namespace ns, listed once per pass into *lists (ns -> index in *v). */
static struct ctl_list *ns_pods(struct store *s, const char *ns, json_t *lists, struct ctl_list **v, size_t *n)
{
	json_t *i = json_object_get(lists, ns);

	if (i)
		return &(*v)[json_integer_value(i)];
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	_cleanup_free_ char *prefix = ctl_prefix("", "pods", ns);
	if (ctl_list(s, prefix, &(*v)[*n]) < 0)
		(*v)[*n] = (struct ctl_list){ 0 };
	json_object_set_new(lists, ns, json_integer((json_int_t)*n));
	return &(*v)[(*n)++];
}

static void tick(struct ctl_loop *l)
{
	struct ctl_list svcs, eps, slices;
	struct ctl_list *podlists = NULL;
	size_t npodlists = 0, maxpods = 0;

	if (!dirty)
		return;
	dirty = false;
	if (ctl_list(l->store, "core/services/", &svcs) < 0) {
		dirty = true;
		return;
	}
	json_t *lists = json_object(), *sel_ns = json_object();
	ctl_list(l->store, "core/endpoints/", &eps);
	ctl_list(l->store, "discovery.k8s.io/endpointslices/", &slices);
	json_t **sel_pods = NULL;
	for (size_t i = 0; i < svcs.n; i++) {
		json_t *svc = svcs.v[i].obj;
		json_t *selector = json_object_get(json_object_get(svc, "spec"), "selector");
		const char *ns = obj_namespace(svc);
		if (!json_object_size(selector) || !ns || ctl_terminating(svc))
			continue; /* without a selector, Endpoints are the user's */
		json_object_set_new(sel_ns, ns, json_true());
		struct ctl_list pods = *ns_pods(l->store, ns, lists, &podlists, &npodlists);
		if (pods.n + 1 > maxpods) {
			maxpods = pods.n + 1;
			sel_pods = xrealloc(sel_pods, maxpods * sizeof(*sel_pods));
		}
		json_t *ls = json_pack("{s:O}", "matchLabels", selector);
		struct atoll_err err = ERR_INIT;
		struct selector *sel = selector_from_json(ls, &err);
		json_decref(ls);
		if (!sel)
			continue;
		size_t n = 0;
		for (size_t j = 0; j < pods.n; j++) {
			json_t *p = pods.v[j].obj;
			if (strcmp(obj_namespace(p) ?: "", ns) || !obj_str(p, "status.podIP") || !ctl_pod_active(p))
				continue;
			if (selector_matches(sel, json_object_get(json_object_get(p, "metadata"), "labels")))
				sel_pods[n++] = p;
		}
		selector_free(sel);
		json_t *slice_eps = json_array(), *slice_ports = NULL;
		json_t *subsets = build_subsets(svc, sel_pods, n, slice_eps, &slice_ports);
		sync_endpoints(l->store, svc, find(&eps, ns, obj_name(svc)), subsets);
		sync_slice(l->store, svc, find_slice(&slices, ns, obj_name(svc)), slice_eps, slice_ports);
		json_decref(subsets);
		json_decref(slice_eps);
		json_decref(slice_ports);
	}
	/* Endpoints we made for Services that are gone (slices go with their owner). */
	for (size_t i = 0; i < eps.n; i++) {
		const char *ns = obj_namespace(eps.v[i].obj), *name = obj_name(eps.v[i].obj);
		if (!ns || !name || find(&svcs, ns, name))
			continue;
		json_t *labels = json_object_get(json_object_get(eps.v[i].obj, "metadata"), "labels");
		if (!json_object_get(labels, EP_MANAGED_BY))
			continue; /* not ours */
		ctl_delete(l->store, "", "endpoints", ns, name);
	}
	free(sel_pods);
	for (size_t i = 0; i < npodlists; i++)
		ctl_list_free(&podlists[i]);
	free(podlists);
	json_decref(lists);
	json_decref(sel_namespaces);
	sel_namespaces = sel_ns;
	ctl_list_free(&svcs);
	ctl_list_free(&eps);
	ctl_list_free(&slices);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const pfx[] = { "core/services/", "core/endpoints/", "discovery.k8s.io/endpointslices/",
					    NULL };
	static const char pods[] = "core/pods/";

	(void)l;
	if (ctl_key_has_prefix(ev->key, pfx)) {
		dirty = true;
	} else if (!strncmp(ev->key, pods, sizeof(pods) - 1)) {
		/* core/pods/NS/NAME: only namespaces where a Service selects pods matter. */
		const char *ns = ev->key + sizeof(pods) - 1, *slash = strchr(ns, '/');
		char nsbuf[256];
		if (!sel_namespaces || !slash || (size_t)(slash - ns) >= sizeof(nsbuf)) {
			dirty = true;
			return;
		}
		memcpy(nsbuf, ns, (size_t)(slash - ns));
		nsbuf[slash - ns] = '\0';
		if (json_object_get(sel_namespaces, nsbuf))
			dirty = true;
	}
}

static struct ctl_loop loop = {
	.name = "endpoints",
	.prefix = "",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_endpoints_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
