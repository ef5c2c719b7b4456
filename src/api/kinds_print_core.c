/* SPDX-License-Identifier: Apache-2.0 */
/* Table printers of core/v1 kinds, matching the columns of a real cluster's `kubectl get`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"
#include "api/table.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

#define NAME_COL { "Name", "string", "name", "Name must be unique within a namespace.", 0 }
#define AGE_COL { "Age", "string", "", "CreationTimestamp is a timestamp representing the " \
	"server time when this object was created.", 0 }

static json_t *jstr_own(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

/* ---- Pod ---- */

json_t *kinds_pod_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Ready", "string", "", "The aggregate readiness state of this pod for accepting "
		  "traffic.", 0 },
		{ "Status", "string", "", "The aggregate status of the containers in this pod.", 0 },
		{ "Restarts", "string", "", "The number of times the containers in this pod have "
		  "been restarted and when the last container in this pod has restarted.", 0 },
		AGE_COL,
		{ "IP", "string", "", "IP address allocated to the pod.", 1 },
		{ "Node", "string", "", "Name of the Node this pod runs on.", 1 },
		{ "Nominated Node", "string", "", "Name of the node nominated to run this pod.", 1 },
		{ "Readiness Gates", "string", "", "Pod readiness gates.", 1 },
	};

	return TABLE_COLUMNS(cols);
}

static bool cond_true(const json_t *conds, const char *type)
{
	size_t i;
	json_t *c;

	json_array_foreach(conds, i, c)
		if (!strcmp(kj_str(c, "type") ?: "", type))
			return !strcmp(kj_str(c, "status") ?: "", "True");
	return false;
}

/* The STATUS column: the pod's phase refined by what its containers are doing. */
static void pod_reason(const json_t *pod, char *out, size_t n)
{
	json_t *status = json_object_get(pod, "status");
	json_t *inits = json_object_get(status, "initContainerStatuses");
	json_t *cs = json_object_get(status, "containerStatuses");
	const char *r = kj_str(status, "reason") ?: kj_str(status, "phase") ?: "";
	size_t ninit = json_array_size(kj_get(pod, "spec.initContainers")), i;
	bool initializing = false, running = false;
	json_t *c;

	kinds_fmt(out, n, "%s", r);
	json_array_foreach(inits, i, c) {
		json_t *term = kj_get(c, "state.terminated"), *wait = kj_get(c, "state.waiting");

		if (term && kj_int(term, "exitCode", 0) == 0)
			continue;
		if (!term && json_is_true(json_object_get(c, "started")) &&
		    json_is_object(kj_get(c, "state.running")))
			continue; /* a running sidecar */
		initializing = true;
		if (term && kj_str(term, "reason"))
			kinds_fmt(out, n, "Init:%s", kj_str(term, "reason"));
		else if (term && kj_int(term, "signal", 0))
			kinds_fmt(out, n, "Init:Signal:%lld", kj_int(term, "signal", 0));
		else if (term)
			kinds_fmt(out, n, "Init:ExitCode:%lld", kj_int(term, "exitCode", 0));
		else if (wait && kj_str(wait, "reason") && strcmp(kj_str(wait, "reason"),
								  "PodInitializing"))
			kinds_fmt(out, n, "Init:%s", kj_str(wait, "reason"));
		else
			kinds_fmt(out, n, "Init:%zu/%zu", i, ninit);
		break;
	}
	if (!initializing) {
		for (i = json_array_size(cs); i-- > 0;) {
			json_t *term, *wait;

			c = json_array_get(cs, i);
			term = kj_get(c, "state.terminated");
			wait = kj_get(c, "state.waiting");
			if (wait && kj_str(wait, "reason"))
				kinds_fmt(out, n, "%s", kj_str(wait, "reason"));
			else if (term && kj_str(term, "reason"))
				kinds_fmt(out, n, "%s", kj_str(term, "reason"));
			else if (term && kj_int(term, "signal", 0))
				kinds_fmt(out, n, "Signal:%lld", kj_int(term, "signal", 0));
			else if (term)
				kinds_fmt(out, n, "ExitCode:%lld", kj_int(term, "exitCode", 0));
			else if (json_is_object(kj_get(c, "state.running")) &&
				 json_is_true(json_object_get(c, "ready")))
				running = true;
		}
		if (!strcmp(out, "Completed") && running)
			kinds_fmt(out, n, "%s", cond_true(json_object_get(status, "conditions"), "Ready")
				 ? "Running" : "NotReady");
	}
	if (kj_str(pod, "metadata.deletionTimestamp"))
		kinds_fmt(out, n, "%s", !strcmp(r, "NodeLost") ? "Unknown" : "Terminating");
}

json_t *kinds_pod_row(const struct api_kind *k, const json_t *obj)
{
	json_t *status = json_object_get(obj, "status"), *gates = kj_get(obj, "spec.readinessGates");
	size_t total = json_array_size(kj_get(obj, "spec.containers")), ready = 0, i;
	long long restarts = 0, last = -1;
	char reason[128], ready_s[32], restarts_s[64], gates_s[32];
	json_t *c;

	json_array_foreach(json_object_get(status, "containerStatuses"), i, c) {
		const char *fin = kj_str(c, "lastState.terminated.finishedAt");

		restarts += kj_int(c, "restartCount", 0);
		if (json_is_true(json_object_get(c, "ready")) &&
		    json_is_object(kj_get(c, "state.running")))
			ready++;
		if (fin && table_parse_time(fin) > last)
			last = table_parse_time(fin);
	}
	/* Sidecars (restartable init containers) count in READY and RESTARTS, as kubectl 1.29+ shows. */
	json_t *inits = kj_get(obj, "spec.initContainers");
	json_array_foreach(json_object_get(status, "initContainerStatuses"), i, c) {
		const json_t *spec = NULL, *ic;
		size_t j;
		json_array_foreach(inits, j, ic)
			if (json_equal(json_object_get(ic, "name"), json_object_get(c, "name")))
				spec = ic;
		if (strcmp(kj_str(spec, "restartPolicy") ?: "", "Always"))
			continue;
		total++;
		restarts += kj_int(c, "restartCount", 0);
		if (json_is_true(json_object_get(c, "started")) && json_is_true(json_object_get(c, "ready")))
			ready++;
	}
	pod_reason(obj, reason, sizeof(reason));
	kinds_fmt(ready_s, sizeof(ready_s), "%zu/%zu", ready, total);
	if (restarts && last >= 0) {
		char ago[32];

		table_duration((long long)time(NULL) - last, ago, sizeof(ago));
		kinds_fmt(restarts_s, sizeof(restarts_s), "%lld (%s ago)", restarts, ago);
	} else {
		kinds_fmt(restarts_s, sizeof(restarts_s), "%lld", restarts);
	}
	kinds_fmt(gates_s, sizeof(gates_s), "<none>");
	if (json_array_size(gates)) {
		size_t ok = 0;
		json_t *g;

		json_array_foreach(gates, i, g)
			ok += cond_true(json_object_get(status, "conditions"),
					kj_str(g, "conditionType") ?: "");
		kinds_fmt(gates_s, sizeof(gates_s), "%zu/%zu", ok, json_array_size(gates));
	}
	return json_pack("[s,s,s,s,o,o,o,o,s]", table_name(obj), ready_s, reason, restarts_s,
			 table_age_cell(obj), table_str_or_none(kj_str(status, "podIP")),
			 table_str_or_none(kj_str(obj, "spec.nodeName")),
			 table_str_or_none(kj_str(status, "nominatedNodeName")), gates_s);
}

/* ---- Service ---- */

json_t *kinds_service_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Type", "string", "", "The type of the service.", 0 },
		{ "Cluster-IP", "string", "", "The IP address of the service.", 0 },
		{ "External-IP", "string", "", "The external IP addresses of the service.", 0 },
		{ "Port(s)", "string", "", "The ports exposed by the service.", 0 },
		AGE_COL,
		{ "Selector", "string", "", "Route service traffic to pods with label keys and "
		  "values matching this selector.", 1 },
	};

	return TABLE_COLUMNS(cols);
}

static char *service_external_ip(const json_t *svc)
{
	const char *type = kj_str(svc, "spec.type") ?: "ClusterIP";
	struct buf b = BUF_INIT;
	size_t i;
	json_t *v;

	if (!strcmp(type, "ExternalName"))
		return xstrdup(kj_str(svc, "spec.externalName") ?: "<none>");
	if (!strcmp(type, "LoadBalancer")) {
		json_array_foreach(kj_get(svc, "status.loadBalancer.ingress"), i, v)
			buf_addf(&b, "%s%s", b.len ? "," : "",
				 kj_str(v, "ip") ?: kj_str(v, "hostname") ?: "");
	}
	json_array_foreach(kj_get(svc, "spec.externalIPs"), i, v)
		buf_addf(&b, "%s%s", b.len ? "," : "", json_string_value(v) ?: "");
	if (!b.len)
		buf_adds(&b, !strcmp(type, "LoadBalancer") ? "<pending>" : "<none>");
	return buf_detach(&b, NULL);
}

static char *service_ports(const json_t *svc)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *p;

	json_array_foreach(kj_get(svc, "spec.ports"), i, p) {
		const char *proto = kj_str(p, "protocol") ?: "TCP";

		if (kj_int(p, "nodePort", 0))
			buf_addf(&b, "%s%lld:%lld/%s", i ? "," : "", kj_int(p, "port", 0),
				 kj_int(p, "nodePort", 0), proto);
		else
			buf_addf(&b, "%s%lld/%s", i ? "," : "", kj_int(p, "port", 0), proto);
	}
	if (!b.len)
		buf_adds(&b, "<none>");
	return buf_detach(&b, NULL);
}

json_t *kinds_service_row(const struct api_kind *k, const json_t *obj)
{
	json_t *sel = kj_get(obj, "spec.selector");

	return json_pack("[s,s,o,o,o,o,o]", table_name(obj), kj_str(obj, "spec.type") ?: "ClusterIP",
			 table_str_or_none(kj_str(obj, "spec.clusterIP")),
			 jstr_own(service_external_ip(obj)), jstr_own(service_ports(obj)),
			 table_age_cell(obj), jstr_own(table_map_string(sel)));
}

/* ---- Namespace, ConfigMap, Secret, ServiceAccount ---- */

json_t *kinds_namespace_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Status", "string", "", "The status of the namespace", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_namespace_row(const struct api_kind *k, const json_t *obj)
{
	return json_pack("[s,s,o]", table_name(obj), kj_str(obj, "status.phase") ?: "",
			 table_age_cell(obj));
}

json_t *kinds_configmap_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Data", "string", "", "Data contains the configuration data.", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_configmap_row(const struct api_kind *k, const json_t *obj)
{
	size_t n = json_object_size(json_object_get(obj, "data")) +
		   json_object_size(json_object_get(obj, "binaryData"));

	return json_pack("[s,I,o]", table_name(obj), (json_int_t)n, table_age_cell(obj));
}

json_t *kinds_secret_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Type", "string", "", "The type of the secret", 0 },
		{ "Data", "string", "", "The number of entries in the secret", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_secret_row(const struct api_kind *k, const json_t *obj)
{
	return json_pack("[s,s,I,o]", table_name(obj), kj_str(obj, "type") ?: "",
			 (json_int_t)json_object_size(json_object_get(obj, "data")),
			 table_age_cell(obj));
}

json_t *kinds_serviceaccount_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Secrets", "string", "", "Secrets is a list of the secrets in the same namespace "
		  "that pods running using this ServiceAccount are allowed to use.", 0 },
		AGE_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_serviceaccount_row(const struct api_kind *k, const json_t *obj)
{
	return json_pack("[s,I,o]", table_name(obj),
			 (json_int_t)json_array_size(json_object_get(obj, "secrets")),
			 table_age_cell(obj));
}

/* ---- Node ---- */

json_t *kinds_node_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Status", "string", "", "The status of the node", 0 },
		{ "Roles", "string", "", "The roles of the node", 0 },
		AGE_COL,
		{ "Version", "string", "", "Kubelet Version reported by the node.", 0 },
		{ "Internal-IP", "string", "", "List of addresses reachable to the node.", 1 },
		{ "External-IP", "string", "", "List of addresses reachable to the node.", 1 },
		{ "OS-Image", "string", "", "OS Image reported by the node from /etc/os-release.", 1 },
		{ "Kernel-Version", "string", "", "Kernel Version reported by the node.", 1 },
		{ "Container-Runtime", "string", "", "Container Runtime Version reported by the "
		  "node.", 1 },
	};

	return TABLE_COLUMNS(cols);
}

static const char *node_address(const json_t *node, const char *type)
{
	size_t i;
	json_t *a;

	json_array_foreach(kj_get(node, "status.addresses"), i, a)
		if (!strcmp(kj_str(a, "type") ?: "", type))
			return kj_str(a, "address");
	return NULL;
}

json_t *kinds_node_row(const struct api_kind *k, const json_t *obj)
{
	const char *ready = NULL, *key;
	struct buf st = BUF_INIT, roles = BUF_INIT;
	json_t *info = kj_get(obj, "status.nodeInfo"), *v;
	size_t i;

	json_array_foreach(kj_get(obj, "status.conditions"), i, v)
		if (!strcmp(kj_str(v, "type") ?: "", "Ready"))
			ready = kj_str(v, "status");
	buf_adds(&st, !ready ? "Unknown" : !strcmp(ready, "True") ? "Ready" :
		 !strcmp(ready, "False") ? "NotReady" : "Unknown");
	if (json_is_true(kj_get(obj, "spec.unschedulable")))
		buf_adds(&st, ",SchedulingDisabled");
	json_object_foreach(kj_get(obj, "metadata.labels"), key, v) {
		if (!strncmp(key, "node-role.kubernetes.io/", 24) && key[24])
			buf_addf(&roles, "%s%s", roles.len ? "," : "", key + 24);
		else if (!strcmp(key, "kubernetes.io/role") && json_string_length(v))
			buf_addf(&roles, "%s%s", roles.len ? "," : "", json_string_value(v));
	}
	if (!roles.len)
		buf_adds(&roles, "<none>");
	return json_pack("[s,o,o,o,s,o,o,s,s,s]", table_name(obj), jstr_own(buf_detach(&st, NULL)),
			 jstr_own(buf_detach(&roles, NULL)), table_age_cell(obj),
			 kj_str(info, "kubeletVersion") ?: "",
			 table_str_or_none(node_address(obj, "InternalIP")),
			 table_str_or_none(node_address(obj, "ExternalIP")),
			 kj_str(info, "osImage") ?: "<unknown>",
			 kj_str(info, "kernelVersion") ?: "<unknown>",
			 kj_str(info, "containerRuntimeVersion") ?: "<unknown>");
}

/* ---- Event (core/v1 and events.k8s.io/v1) ---- */

json_t *kinds_event_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		{ "Last Seen", "string", "", "Time when last event occurred", 0 },
		{ "Type", "string", "", "Type of this event (Normal, Warning)", 0 },
		{ "Reason", "string", "", "Short, machine understandable string that gives the reason "
		  "for the transition into the object's current status.", 0 },
		{ "Object", "string", "", "The object that this event is about.", 0 },
		{ "Subobject", "string", "", "The subobject this event is about.", 1 },
		{ "Source", "string", "", "The component reporting this event.", 1 },
		{ "Message", "string", "", "A human-readable description of the status of this "
		  "operation.", 0 },
		{ "First Seen", "string", "", "Time when first event occurred", 1 },
		{ "Count", "string", "", "The number of times this event has occurred.", 1 },
		{ "Name", "string", "name", "Name must be unique within a namespace.", 1 },
	};

	return TABLE_COLUMNS(cols);
}

static void ago(const char *ts, char *out, size_t n)
{
	if (!ts || table_parse_time(ts) < 0)
		kinds_fmt(out, n, "<unknown>");
	else
		table_age(ts, out, n);
}

json_t *kinds_event_row(const struct api_kind *k, const json_t *obj)
{
	/* events.k8s.io/v1 renames the core fields; read whichever is there. */
	bool v2 = json_object_get(obj, "regarding") || json_object_get(obj, "note");
	const json_t *ref = json_object_get(obj, v2 ? "regarding" : "involvedObject");
	const char *first = kj_str(obj, v2 ? "deprecatedFirstTimestamp" : "firstTimestamp");
	const char *lastts = kj_str(obj, "series.lastObservedTime") ?:
		kj_str(obj, v2 ? "deprecatedLastTimestamp" : "lastTimestamp") ?:
		kj_str(obj, "eventTime");
	long long count = kj_int(obj, "series.count", kj_int(obj, v2 ? "deprecatedCount" : "count", 1));
	char first_s[32], last0[32], last_s[96], obj_s[320], count_s[24], src[256];
	const char *comp = v2 ? kj_str(obj, "reportingController") : kj_str(obj, "source.component");
	const char *host = v2 ? kj_str(obj, "reportingInstance") : kj_str(obj, "source.host");
	_cleanup_free_ char *kind = xstrdup(kj_str(ref, "kind") ?: "");

	for (char *c = kind; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	ago(first ?: lastts, first_s, sizeof(first_s));
	ago(lastts ?: first, last0, sizeof(last0));
	if (count > 1)
		kinds_fmt(last_s, sizeof(last_s), "%s (x%lld over %s)", last0, count, first_s);
	else
		kinds_fmt(last_s, sizeof(last_s), "%s", last0);
	kinds_fmt(obj_s, sizeof(obj_s), "%s/%s", kind, kj_str(ref, "name") ?: "");
	kinds_fmt(count_s, sizeof(count_s), "%lld", count);
	kinds_fmt(src, sizeof(src), "%s%s%s", comp ?: "", host ? ", " : "", host ?: "");
	return json_pack("[s,s,s,s,s,s,s,s,s,s]", last_s, kj_str(obj, "type") ?: "",
			 kj_str(obj, "reason") ?: "", obj_s, kj_str(ref, "fieldPath") ?: "", src,
			 kj_str(obj, v2 ? "note" : "message") ?: "", first_s, count_s,
			 table_name(obj));
}
