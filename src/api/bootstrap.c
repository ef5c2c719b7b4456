/* SPDX-License-Identifier: Apache-2.0 */
/* The default namespaces, created at start when missing. */
#include <stdio.h>
#include <string.h>

#include "api/bootstrap.h"
#include "api/object.h"
#include "lib/xalloc.h"
#include "store/store.h"

static const char *const namespaces[] = { "default", "kube-system", "kube-public", "kube-node-lease" };

/* Create obj (taken) at key unless something is there already. */
static int ensure(struct store *s, const char *key, json_t *obj, struct atoll_err *err)
{
	struct store_kv kv = { 0 };
	struct atoll_err e2 = ERR_INIT;
	char uid[64], now[64];
	int64_t rev;

	if (store_get(s, key, &kv, &e2) == 0) {
		store_kv_release(&kv);
		json_decref(obj);
		return 0;
	}
	obj_uuid(uid, sizeof(uid));
	obj_now(now, sizeof(now));
	json_t *md = json_object_get(obj, "metadata");
	json_object_set_new(md, "uid", json_string(uid));
	json_object_set_new(md, "creationTimestamp", json_string(now));
	int rc = obj_store_put(s, key, obj, STORE_ABSENT, &rev, err);
	json_decref(obj);
	return rc < 0 && err->code != 409 ? -1 : 0;
}

/*
 * The sandboxes pods may ask for by spec.runtimeClassName. Nodes whose KVM
 * has hardware virtualization carry atoll.dev/runtime-vm=true (src/agent/node.c).
 */
static int runtime_classes(struct store *s, struct atoll_err *err)
{
	if (ensure(s, "node.k8s.io/runtimeclasses//atoll-namespace",
		   json_pack("{s:s,s:s,s:{s:s},s:s}", "apiVersion", "node.k8s.io/v1", "kind", "RuntimeClass",
			     "metadata", "name", "atoll-namespace", "handler", "namespace"), err) < 0)
		return -1;
	return ensure(s, "node.k8s.io/runtimeclasses//atoll-vm",
		      json_pack("{s:s,s:s,s:{s:s},s:s,s:{s:{s:s}}}", "apiVersion", "node.k8s.io/v1", "kind",
				"RuntimeClass", "metadata", "name", "atoll-vm", "handler", "vm", "scheduling",
				"nodeSelector", "atoll.dev/runtime-vm", "true"), err);
}

int bootstrap_objects(struct store *s, struct atoll_err *err)
{
	if (runtime_classes(s, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
		_cleanup_free_ char *key = xasprintf("core/namespaces//%s", namespaces[i]);
		struct store_kv kv = { 0 };
		struct atoll_err e2 = ERR_INIT;
		char uid[64], now[64];
		int64_t rev;

		if (store_get(s, key, &kv, &e2) == 0) {
			store_kv_release(&kv);
			continue;
		}
		obj_uuid(uid, sizeof(uid));
		obj_now(now, sizeof(now));
		json_t *ns = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:{s:s}},s:{s:[s]},s:{s:s}}",
				       "apiVersion", "v1", "kind", "Namespace", "metadata", "name",
				       namespaces[i], "uid", uid, "creationTimestamp", now, "labels",
				       "kubernetes.io/metadata.name", namespaces[i], "spec",
				       "finalizers", "kubernetes", "status", "phase", "Active");
		int rc = obj_store_put(s, key, ns, STORE_ABSENT, &rev, err);
		json_decref(ns);
		if (rc < 0 && err->code != 409)
			return -1;
	}
	/* The "kubernetes" Service names the API server inside the cluster. */
	_cleanup_free_ char *key = xasprintf("core/services/default/kubernetes");
	struct store_kv kv = { 0 };
	struct atoll_err e2 = ERR_INIT;
	if (store_get(s, key, &kv, &e2) == 0) {
		store_kv_release(&kv);
		return 0;
	}
	char uid[64], now[64];
	int64_t rev;
	obj_uuid(uid, sizeof(uid));
	obj_now(now, sizeof(now));
	json_t *svc = json_pack(
		"{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:{s:s,s:s}},"
		"s:{s:s,s:[s],s:[s],s:s,s:s,s:s,s:[{s:s,s:i,s:s,s:i}]},s:{s:{}}}",
		"apiVersion", "v1", "kind", "Service", "metadata", "name", "kubernetes", "namespace", "default",
		"uid", uid, "creationTimestamp", now, "labels", "component", "apiserver", "provider", "kubernetes",
		"spec", "clusterIP", "10.96.0.1", "clusterIPs", "10.96.0.1", "ipFamilies", "IPv4",
		"ipFamilyPolicy", "SingleStack", "type", "ClusterIP", "sessionAffinity", "None", "ports",
		"name", "https", "port", 443, "protocol", "TCP", "targetPort", 6443, "status", "loadBalancer");
	int rc = obj_store_put(s, key, svc, STORE_ABSENT, &rev, err);
	json_decref(svc);
	if (rc < 0 && err->code != 409)
		return -1;
	return 0;
}
