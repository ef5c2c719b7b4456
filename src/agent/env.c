/* SPDX-License-Identifier: Apache-2.0 */
/* Resolving env and envFrom of a container through the API. */
#include <stdio.h>
#include <string.h>

#include "lib/cryptolib.h"
#include "agent/client.h"
#include "agent/env.h"
#include "lib/xalloc.h"

/* GET a ConfigMap's or Secret's data (owned object: key -> string), NULL when absent. */
static json_t *fetch_data(struct kclient *kc, const char *ns, const char *kind, const char *name)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/%s/%s", ns, kind, name);
	json_t *obj = NULL;
	int code = kclient_do(kc, "GET", path, NULL, NULL, &obj, &err);

	if (code != 200) {
		json_decref(obj);
		return NULL;
	}
	json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(obj, "data"), k, v) {
		const char *s = json_string_value(v);
		if (!s)
			continue;
		if (!strcmp(kind, "secrets")) {
			/* Secret data is base64. */
			size_t len = strlen(s);
			_cleanup_free_ unsigned char *raw = xmalloc(len + 4);
			int m = len ? EVP_DecodeBlock(raw, (const unsigned char *)s, (int)len) : 0;
			if (m < 0)
				continue;
			while (len && s[len - 1] == '=' && m > 0) {
				m--;
				len--;
			}
			json_object_set_new(out, k, json_stringn((const char *)raw, (size_t)m));
		} else {
			json_object_set(out, k, v);
		}
	}
	json_decref(obj);
	return out;
}

/* The downward API values the kubelet offers through fieldRef. */
static const char *field_value(const json_t *pod, const char *path, char *buf, size_t n)
{
	const json_t *meta = json_object_get(pod, "metadata");

	if (!strcmp(path, "metadata.name"))
		return json_string_value(json_object_get(meta, "name"));
	if (!strcmp(path, "metadata.namespace"))
		return json_string_value(json_object_get(meta, "namespace"));
	if (!strcmp(path, "metadata.uid"))
		return json_string_value(json_object_get(meta, "uid"));
	if (!strcmp(path, "spec.nodeName"))
		return json_string_value(json_object_get(json_object_get(pod, "spec"), "nodeName"));
	if (!strcmp(path, "spec.serviceAccountName"))
		return json_string_value(json_object_get(json_object_get(pod, "spec"), "serviceAccountName"));
	if (!strcmp(path, "status.podIP") || !strcmp(path, "status.hostIP"))
		return json_string_value(json_object_get(json_object_get(pod, "status"), path + 7));
	/* metadata.labels['k'] and metadata.annotations['k'] */
	const char *which = !strncmp(path, "metadata.labels['", 17) ? "labels"
			  : !strncmp(path, "metadata.annotations['", 22) ? "annotations" : NULL;
	if (which) {
		const char *start = strchr(path, '\'') + 1, *end = strrchr(path, '\'');
		if (end > start && (size_t)(end - start) < n) {
			memcpy(buf, start, (size_t)(end - start));
			buf[end - start] = '\0';
			return json_string_value(json_object_get(json_object_get(meta, which), buf));
		}
	}
	return NULL;
}

static void set_var(json_t *vars, const char *k, const char *v)
{
	json_object_set_new(vars, k, json_string(v ? v : ""));
}

json_t *env_resolve(struct kclient *kc, const json_t *pod, const json_t *c, char *why, size_t n)
{
	const char *ns = json_string_value(json_object_get(json_object_get(pod, "metadata"), "namespace"));
	json_t *vars = json_object(); /* name -> value, in order of first definition */
	size_t i;
	json_t *e;

	/*
	 * As the kubelet: where the API server is, in the variables client
	 * libraries read for in-cluster configuration (before the container's
	 * own, which may override them).
	 */
	set_var(vars, "KUBERNETES_SERVICE_HOST", "10.96.0.1");
	set_var(vars, "KUBERNETES_SERVICE_PORT", "443");
	set_var(vars, "KUBERNETES_SERVICE_PORT_HTTPS", "443");
	set_var(vars, "KUBERNETES_PORT", "tcp://10.96.0.1:443");
	set_var(vars, "KUBERNETES_PORT_443_TCP", "tcp://10.96.0.1:443");
	set_var(vars, "KUBERNETES_PORT_443_TCP_PROTO", "tcp");
	set_var(vars, "KUBERNETES_PORT_443_TCP_PORT", "443");
	set_var(vars, "KUBERNETES_PORT_443_TCP_ADDR", "10.96.0.1");
	json_array_foreach(json_object_get(c, "envFrom"), i, e) {
		const json_t *cm = json_object_get(e, "configMapRef"), *sec = json_object_get(e, "secretRef");
		const json_t *ref = cm ? cm : sec;
		const char *name = json_string_value(json_object_get(ref, "name"));
		const char *prefix = json_string_value(json_object_get(e, "prefix"));
		if (!name)
			continue;
		json_t *data = fetch_data(kc, ns ? ns : "default", cm ? "configmaps" : "secrets", name);
		if (!data) {
			if (json_is_true(json_object_get(ref, "optional")))
				continue;
			snprintf(why, n, "%s \"%s\" not found", cm ? "configmap" : "secret", name);
			json_decref(vars);
			return NULL;
		}
		const char *k;
		json_t *v;
		json_object_foreach(data, k, v) {
			_cleanup_free_ char *key = xasprintf("%s%s", prefix ? prefix : "", k);
			set_var(vars, key, json_string_value(v));
		}
		json_decref(data);
	}
	json_array_foreach(json_object_get(c, "env"), i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const json_t *from = json_object_get(e, "valueFrom");
		if (!name)
			continue;
		if (!from) {
			set_var(vars, name, json_string_value(json_object_get(e, "value")));
			continue;
		}
		const json_t *cmk = json_object_get(from, "configMapKeyRef"), *sk = json_object_get(from, "secretKeyRef");
		const json_t *fr = json_object_get(from, "fieldRef");
		if (fr) {
			char buf[256];
			set_var(vars, name, field_value(pod, json_string_value(json_object_get(fr, "fieldPath")) ?: "",
							buf, sizeof(buf)));
			continue;
		}
		const json_t *ref = cmk ? cmk : sk;
		if (!ref)
			continue; /* resourceFieldRef: not offered yet */
		const char *src = json_string_value(json_object_get(ref, "name"));
		const char *key = json_string_value(json_object_get(ref, "key"));
		json_t *data = src ? fetch_data(kc, ns ? ns : "default", cmk ? "configmaps" : "secrets", src) : NULL;
		const char *val = data && key ? json_string_value(json_object_get(data, key)) : NULL;
		if (!val && !json_is_true(json_object_get(ref, "optional"))) {
			if (data)
				snprintf(why, n, "couldn't find key %s in %s %s", key ? key : "",
					 cmk ? "ConfigMap" : "Secret", src ? src : "");
			else
				snprintf(why, n, "%s \"%s\" not found", cmk ? "configmap" : "secret", src ? src : "");
			json_decref(data);
			json_decref(vars);
			return NULL;
		}
		if (val)
			set_var(vars, name, val);
		json_decref(data);
	}
	json_t *out = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(vars, k, v)
		json_array_append_new(out, json_sprintf("%s=%s", k, json_string_value(v)));
	json_decref(vars);
	return out;
}
