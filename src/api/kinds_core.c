/* SPDX-License-Identifier: Apache-2.0 */
/* Core/v1 kinds other than Pod: Service, Namespace, ConfigMap, Secret, volumes, nodes, events. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>


#include "lib/cryptolib.h"
#include "api/kinds_common.h"
#include "api/kinds_hooks.h"
#include "lib/xalloc.h"

/* ---- Service ---- */

void kinds_service_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec");
	const char *type;
	size_t i;
	json_t *p;

	kj_default_str(spec, "type", "ClusterIP");
	kj_default_str(spec, "sessionAffinity", "None");
	type = kj_str(spec, "type");
	json_array_foreach(json_object_get(spec, "ports"), i, p) {
		kj_default_str(p, "protocol", "TCP");
		if (json_is_integer(json_object_get(p, "port")))
			kj_default_int(p, "targetPort", json_integer_value(json_object_get(p, "port")));
	}
	if (type && strcmp(type, "ExternalName")) {
		const char *cip = kj_str(spec, "clusterIP");

		if (cip && *cip && !json_is_array(json_object_get(spec, "clusterIPs")))
			json_object_set_new(spec, "clusterIPs", json_pack("[s]", cip));
		if (!json_is_array(json_object_get(spec, "ipFamilies")))
			json_object_set_new(spec, "ipFamilies", json_pack("[s]", "IPv4"));
		kj_default_str(spec, "ipFamilyPolicy", "SingleStack");
		kj_default_str(spec, "internalTrafficPolicy", "Cluster");
	}
	if (type && (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer")))
		kj_default_str(spec, "externalTrafficPolicy", "Cluster");
	if (type && !strcmp(type, "LoadBalancer"))
		kj_default_bool(spec, "allocateLoadBalancerNodePorts", true);
	kj_obj(kj_obj(obj, "status"), "loadBalancer");
}

/* Kubernetes' default --service-node-port-range. */
#define NODE_PORT_MIN 30000
#define NODE_PORT_MAX 32767

static void check_service_ports(const json_t *spec, json_t *causes)
{
	const char *type = kj_str(spec, "type") ?: "ClusterIP";
	bool node_ports = !strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer");
	static const char *const protos[] = { "SCTP", "TCP", "UDP", NULL };
	json_t *ports = json_object_get(spec, "ports");
	json_auto_t *names = json_object();
	char f[128];
	size_t i;
	json_t *p;

	json_array_foreach(ports, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *proto = json_string_value(json_object_get(p, "protocol"));
		json_t *port = json_object_get(p, "port"), *tp = json_object_get(p, "targetPort");

		kinds_fmt(f, sizeof(f), "spec.ports[%zu].name", i);
		if (json_array_size(ports) > 1 && (!name || !*name))
			kinds_required(causes, f, NULL);
		else if (name && *name) {
			if (kinds_check_dns1123_label(causes, f, name) && json_object_get(names, name))
				kinds_duplicate(causes, f, json_object_get(p, "name"));
			json_object_set_new(names, name, json_true());
		}
		kinds_fmt(f, sizeof(f), "spec.ports[%zu].port", i);
		if (!port)
			kinds_required(causes, f, NULL);
		else if (!json_is_integer(port) || json_integer_value(port) < 1 ||
			 json_integer_value(port) > 65535)
			kinds_invalid(causes, f, port, "must be between 1 and 65535, inclusive");
		kinds_fmt(f, sizeof(f), "spec.ports[%zu].protocol", i);
		if (proto && strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP"))
			kinds_unsupported(causes, f, proto, protos);
		kinds_fmt(f, sizeof(f), "spec.ports[%zu].targetPort", i);
		if (json_is_integer(tp) && (json_integer_value(tp) < 1 ||
					    json_integer_value(tp) > 65535))
			kinds_invalid(causes, f, tp, "must be between 1 and 65535, inclusive");
		else if (json_is_string(tp) && !kinds_is_dns1123_label(json_string_value(tp)))
			kinds_invalid(causes, f, tp, "must contain only alpha-numerics and '-'");
		kinds_fmt(f, sizeof(f), "spec.ports[%zu].nodePort", i);
		if (kj_int(p, "nodePort", 0) && !node_ports) {
			char d[96];

			kinds_fmt(d, sizeof(d), "may not be used when `type` is '%s'", type);
			kinds_forbidden(causes, f, d);
		} else if (kj_int(p, "nodePort", 0) && (kj_int(p, "nodePort", 0) < NODE_PORT_MIN ||
							kj_int(p, "nodePort", 0) > NODE_PORT_MAX)) {
			kinds_invalid(causes, f, json_object_get(p, "nodePort"),
				      "provided port is not in the valid range. The range of valid "
				      "ports is 30000-32767");
		}
	}
}

void kinds_service_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			    json_t *causes)
{
	static const char *const types[] = { "ClusterIP", "ExternalName", "LoadBalancer",
					     "NodePort", NULL };
	static const char *const aff[] = { "ClientIP", "None", NULL };
	json_t *spec = json_object_get(obj, "spec");
	const char *type = kj_str(spec, "type"), *s;
	const char *cip = kj_str(spec, "clusterIP"), *ocip = kj_str(old, "spec.clusterIP");

	kinds_check_meta(k, obj, old, KINDS_NAME_DNS1035, causes);
	if (type && strcmp(type, "ClusterIP") && strcmp(type, "ExternalName") &&
	    strcmp(type, "LoadBalancer") && strcmp(type, "NodePort"))
		kinds_unsupported(causes, "spec.type", type, types);
	if ((s = kj_str(spec, "sessionAffinity")) && strcmp(s, "ClientIP") && strcmp(s, "None"))
		kinds_unsupported(causes, "spec.sessionAffinity", s, aff);
	if (type && !strcmp(type, "ExternalName")) {
		s = kj_str(spec, "externalName");
		if (!s || !*s)
			kinds_required(causes, "spec.externalName", NULL);
		else
			kinds_check_dns1123_subdomain(causes, "spec.externalName", s);
	} else if (!json_array_size(json_object_get(spec, "ports")) &&
		   !(cip && !strcmp(cip, "None"))) {
		kinds_required(causes, "spec.ports", NULL);
	}
	check_service_ports(spec, causes);
	kinds_check_labels(causes, "spec.selector", json_object_get(spec, "selector"));
	/* The API layer carries the allocated IP over when an update omits it. */
	if (old && cip && *cip && ocip && *ocip && strcmp(cip, ocip) &&
	    strcmp(type ? type : "", "ExternalName"))
		kinds_invalid_str(causes, "spec.clusterIPs[0]", cip,
				  "may not change once set");
}

/* ---- Namespace ---- */

void kinds_namespace_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *meta = kj_obj(obj, "metadata"), *spec = kj_obj(obj, "spec");
	const char *name = kj_str(meta, "name");

	if (!json_is_array(json_object_get(spec, "finalizers")))
		json_object_set_new(spec, "finalizers", json_pack("[s]", "kubernetes"));
	kj_default_str(kj_obj(obj, "status"), "phase", "Active");
	if (name)
		json_object_set_new(kj_obj(meta, "labels"), "kubernetes.io/metadata.name",
				    json_string(name));
}

void kinds_namespace_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			      json_t *causes)
{
	size_t i;
	json_t *f;

	kinds_check_meta(k, obj, old, KINDS_NAME_LABEL, causes);
	json_array_foreach(kj_get(obj, "spec.finalizers"), i, f) {
		char ff[64];

		kinds_fmt(ff, sizeof(ff), "spec.finalizers[%zu]", i);
		if (!json_is_string(f) || !json_string_length(f))
			kinds_required(causes, ff, NULL);
		else if (!strchr(json_string_value(f), '/') && strcmp(json_string_value(f),
								      "kubernetes"))
			kinds_invalid(causes, ff, f, "name is neither a standard finalizer name nor "
				      "is it fully qualified");
	}
}

/* ---- ConfigMap and Secret ---- */

#define DATA_MAX (1024 * 1024)
#define CONFIG_KEY_MSG "a valid config key must consist of alphanumeric characters, '-', '_' " \
	"or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is " \
	"'[-._a-zA-Z0-9]+')"

static void check_config_key(json_t *causes, const char *field, const char *key)
{
	bool ok = *key != 0;

	for (const char *c = key; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-._", *c))
			ok = false;
	if (strlen(key) > 253)
		kinds_invalid_str(causes, field, key, "must be no more than 253 characters");
	if (!ok)
		kinds_invalid_str(causes, field, key, CONFIG_KEY_MSG);
	else if (!strcmp(key, ".") || !strcmp(key, ".."))
		kinds_invalid_str(causes, field, key, "must not be '.' or '..'");
	else if (!strncmp(key, "..", 2))
		kinds_invalid_str(causes, field, key, "must not start with '..'");
}

/* Checks keys, returns the total size of values (base64 ones as decoded). */
static size_t check_data_keys(json_t *causes, const char *field, const json_t *data,
			      bool base64)
{
	const char *key;
	json_t *v;
	size_t total = 0;

	json_object_foreach((json_t *)data, key, v) {
		char f[320];
		size_t n = json_string_length(v);

		kinds_fmt(f, sizeof(f), "%s[%s]", field, key);
		check_config_key(causes, f, key);
		total += base64 ? n / 4 * 3 : n;
	}
	return total;
}

static void check_immutable_data(const json_t *obj, const json_t *old, json_t *causes)
{
	static const char *const fields[] = { "data", "binaryData", "stringData" };

	if (!old || !json_is_true(json_object_get(old, "immutable")))
		return;
	if (!json_is_true(json_object_get(obj, "immutable")))
		kinds_forbidden(causes, "immutable", "field is immutable when `immutable` is set");
	for (size_t i = 0; i < 2; i++) {
		json_t *a = json_object_get(obj, fields[i]), *b = json_object_get(old, fields[i]);

		if ((a && json_object_size(a)) || (b && json_object_size(b)))
			if (!a || !b || !json_equal(a, b))
				kinds_forbidden(causes, fields[i],
						"field is immutable when `immutable` is set");
	}
}

void kinds_configmap_defaults(const struct api_kind *k, json_t *obj)
{
}

void kinds_configmap_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			      json_t *causes)
{
	json_t *data = json_object_get(obj, "data"), *bin = json_object_get(obj, "binaryData");
	const char *key;
	json_t *v;
	size_t total;

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	total = check_data_keys(causes, "data", data, false);
	total += check_data_keys(causes, "binaryData", bin, true);
	json_object_foreach(bin, key, v) {
		if (json_object_get(data, key)) {
			char f[320];

			kinds_fmt(f, sizeof(f), "binaryData[%s]", key);
			kinds_invalid_str(causes, f, key, "duplicate of key present in data");
		}
	}
	if (total > DATA_MAX)
		kinds_cause(causes, "FieldValueTooLong", "",
			    "Too long: may not be more than %d bytes", DATA_MAX);
	check_immutable_data(obj, old, causes);
}

void kinds_secret_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *sd = json_object_get(obj, "stringData");
	const char *key;
	json_t *v;

	kj_default_str(obj, "type", "Opaque");
	/* As the API server does on write: stringData goes into data (base64), overriding, and is dropped. */
	if (!json_is_object(sd))
		return;
	json_t *data = json_object_get(obj, "data");
	if (!json_is_object(data)) {
		data = json_object();
		json_object_set_new(obj, "data", data);
	}
	json_object_foreach(sd, key, v) {
		if (!json_is_string(v))
			continue;
		size_t n = json_string_length(v);
		char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);
		EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)json_string_value(v), (int)n);
		json_object_set_new(data, key, json_string(b64));
		free(b64);
	}
	json_object_del(obj, "stringData");
}

void kinds_secret_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			   json_t *causes)
{
	json_t *data = json_object_get(obj, "data");
	const char *type = json_string_value(json_object_get(obj, "type"));
	size_t total;

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	total = check_data_keys(causes, "data", data, true);
	total += check_data_keys(causes, "stringData", json_object_get(obj, "stringData"), false);
	if (total > DATA_MAX)
		kinds_cause(causes, "FieldValueTooLong", "data",
			    "Too long: may not be more than %d bytes", DATA_MAX);
	if (type && !strcmp(type, "kubernetes.io/tls")) {
		if (!json_object_get(data, "tls.crt"))
			kinds_required(causes, "data[tls.crt]", NULL);
		if (!json_object_get(data, "tls.key"))
			kinds_required(causes, "data[tls.key]", NULL);
	} else if (type && !strcmp(type, "kubernetes.io/dockerconfigjson")) {
		if (!json_object_get(data, ".dockerconfigjson"))
			kinds_required(causes, "data[.dockerconfigjson]", NULL);
	} else if (type && !strcmp(type, "kubernetes.io/service-account-token")) {
		if (!json_object_get(kj_get(obj, "metadata.annotations"),
				     "kubernetes.io/service-account.name"))
			kinds_required(causes, "metadata.annotations[kubernetes.io/service-account.name]",
				       NULL);
	}
	if (old)
		kinds_check_immutable(causes, obj, old, "type");
	check_immutable_data(obj, old, causes);
}

/* ---- ServiceAccount, Node, Event, Endpoints ---- */

void kinds_serviceaccount_defaults(const struct api_kind *k, json_t *obj)
{
}

void kinds_serviceaccount_validate(const struct api_kind *k, const json_t *obj,
				   const json_t *old, json_t *causes)
{
	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
}

void kinds_node_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *status = json_object_get(obj, "status");
	json_t *cap = json_object_get(status, "capacity");

	kj_obj(obj, "spec");
	/* As Kubernetes: a node that reports no allocatable offers its whole capacity. */
	if (json_is_object(cap) && !json_is_object(json_object_get(status, "allocatable")))
		json_object_set_new(status, "allocatable", json_deep_copy(cap));
}

void kinds_node_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			 json_t *causes)
{
	static const char *const effects[] = { "NoExecute", "NoSchedule", "PreferNoSchedule",
					       NULL };
	size_t i;
	json_t *t;

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	json_array_foreach(kj_get(obj, "spec.taints"), i, t) {
		const char *key = kj_str(t, "key"), *eff = kj_str(t, "effect");
		char f[64];

		kinds_fmt(f, sizeof(f), "spec.taints[%zu].key", i);
		if (!key)
			kinds_required(causes, f, NULL);
		else
			kinds_check_qualified_name(causes, f, key);
		kinds_fmt(f, sizeof(f), "spec.taints[%zu].effect", i);
		if (!eff)
			kinds_required(causes, f, NULL);
		else if (strcmp(eff, "NoExecute") && strcmp(eff, "NoSchedule") &&
			 strcmp(eff, "PreferNoSchedule"))
			kinds_unsupported(causes, f, eff, effects);
	}
}

void kinds_event_defaults(const struct api_kind *k, json_t *obj)
{
}

void kinds_event_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			  json_t *causes)
{
	static const char *const types[] = { "Normal", "Warning", NULL };
	const char *type = kj_str(obj, "type");

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	if (type && strcmp(type, "Normal") && strcmp(type, "Warning"))
		kinds_unsupported(causes, "type", type, types);
}

void kinds_endpoints_defaults(const struct api_kind *k, json_t *obj)
{
	size_t i, j;
	json_t *s, *p;

	json_array_foreach(json_object_get(obj, "subsets"), i, s)
		json_array_foreach(json_object_get(s, "ports"), j, p)
			kj_default_str(p, "protocol", "TCP");
}

void kinds_endpoints_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			      json_t *causes)
{
	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
}
