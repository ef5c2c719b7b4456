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

/*
 * The default StorageClass: disks on the node (src/agent/volumes_disk.c),
 * made by the persistentvolume controller (src/controllers/pvbinder.c).
 * Created when absent at start, so a deleted one comes back at the next
 * start; a changed one is kept.
 */
static int storage_class(struct store *s, struct atoll_err *err)
{
	return ensure(s, "storage.k8s.io/storageclasses//atoll-local",
		      json_pack("{s:s,s:s,s:{s:s,s:{s:s}},s:s,s:s,s:s,s:b}", "apiVersion", "storage.k8s.io/v1",
				"kind", "StorageClass", "metadata", "name", "atoll-local", "annotations",
				"storageclass.kubernetes.io/is-default-class", "true", "provisioner",
				"atoll.dev/local", "reclaimPolicy", "Delete", "volumeBindingMode", "Immediate",
				"allowVolumeExpansion", 1),
		      err);
}

int bootstrap_objects(struct store *s, struct atoll_err *err)
{
	if (runtime_classes(s, err) < 0 || storage_class(s, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
		_cleanup_free_ char *key = xasprintf("core/namespaces//%s", namespaces[i]);
		json_t *ns = json_pack("{s:s,s:s,s:{s:s,s:{s:s}},s:{s:[s]},s:{s:s}}", "apiVersion", "v1", "kind",
				       "Namespace", "metadata", "name", namespaces[i], "labels",
				       "kubernetes.io/metadata.name", namespaces[i], "spec", "finalizers", "kubernetes",
				       "status", "phase", "Active");
		if (ensure(s, key, ns, err) < 0)
			return -1;
	}
	/* The "kubernetes" Service names the API server inside the cluster. */
	json_t *svc = json_pack(
		"{s:s,s:s,s:{s:s,s:s,s:{s:s,s:s}},"
		"s:{s:s,s:[s],s:[s],s:s,s:s,s:s,s:[{s:s,s:i,s:s,s:i}]},s:{s:{}}}",
		"apiVersion", "v1", "kind", "Service", "metadata", "name", "kubernetes", "namespace", "default",
		"labels", "component", "apiserver", "provider", "kubernetes",
		"spec", "clusterIP", "10.96.0.1", "clusterIPs", "10.96.0.1", "ipFamilies", "IPv4",
		"ipFamilyPolicy", "SingleStack", "type", "ClusterIP", "sessionAffinity", "None", "ports",
		"name", "https", "port", 443, "protocol", "TCP", "targetPort", 6443, "status", "loadBalancer");
	if (ensure(s, "core/services/default/kubernetes", svc, err) < 0)
		return -1;
	return 0;
}

/* Write obj (taken) at key, keeping the stored object's uid and creationTimestamp; nothing when only those differ. */
static int upsert(struct store *s, const char *key, json_t *obj, struct atoll_err *err)
{
	struct store_kv kv = { 0 };
	struct atoll_err e2 = ERR_INIT;

	if (store_get(s, key, &kv, &e2) < 0)
		return ensure(s, key, obj, err);
	json_t *old = obj_decode(kv.value->data, kv.value->len, kv.mod_rev);
	int64_t rev = kv.mod_rev, nrev;
	store_kv_release(&kv);
	json_t *om = json_object_get(old, "metadata"), *md = json_object_get(obj, "metadata");
	json_object_set(md, "uid", json_object_get(om, "uid"));
	json_object_set(md, "creationTimestamp", json_object_get(om, "creationTimestamp"));
	json_object_del(om, "resourceVersion");
	int rc = 0;
	if (!json_equal(old, obj) && obj_store_put(s, key, obj, rev, &nrev, err) < 0 && err->code != 409)
		rc = -1;
	json_decref(old);
	json_decref(obj);
	return rc;
}

int bootstrap_api_endpoints(struct store *s, const char *ip, int port, struct atoll_err *err)
{
	json_t *subsets = json_array(), *eps = json_array();

	if (ip) {
		json_array_append_new(subsets, json_pack("{s:[{s:s}],s:[{s:s,s:i,s:s}]}", "addresses", "ip", ip, "ports",
							 "name", "https", "port", port, "protocol", "TCP"));
		json_array_append_new(eps, json_pack("{s:[s],s:{s:b}}", "addresses", ip, "conditions", "ready", 1));
	}
	json_t *ep = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:o}", "apiVersion", "v1", "kind", "Endpoints",
			       "metadata", "name", "kubernetes", "namespace", "default", "labels",
			       "endpointslice.kubernetes.io/skip-mirror", "true", "subsets", subsets);
	if (upsert(s, "core/endpoints/default/kubernetes", ep, err) < 0) {
		json_decref(eps);
		return -1;
	}
	json_t *sl = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:s,s:o,s:[{s:s,s:i,s:s}]}", "apiVersion",
			       "discovery.k8s.io/v1", "kind", "EndpointSlice", "metadata", "name", "kubernetes",
			       "namespace", "default", "labels", "kubernetes.io/service-name", "kubernetes",
			       "addressType", "IPv4", "endpoints", eps, "ports", "name", "https", "port", port,
			       "protocol", "TCP");
	return upsert(s, "discovery.k8s.io/endpointslices/default/kubernetes", sl, err);
}
