/* SPDX-License-Identifier: Apache-2.0 */
/* The default ClusterRoles and bindings every cluster starts with, created when missing. */
#include <stdio.h>
#include <string.h>

#include "api/object.h"
#include "auth/rbac_cache.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "store/store.h"

#define RO "[\"get\",\"list\",\"watch\"]"
#define RW "[\"create\",\"delete\",\"deletecollection\",\"patch\",\"update\"]"
#define LBL(x) "{\"rbac.authorization.k8s.io/aggregate-to-" x "\":\"true\"}"
#define AGG(x) "{\"clusterRoleSelectors\":[{\"matchLabels\":" LBL(x) "}]}"

/*
 * name, labels, rules, aggregationRule. admin, edit and view gather their
 * rules from the system:aggregate-to-* roles by label, as in Kubernetes, so
 * a CRD's author can extend them the same way.
 */
static const char *const roles[][4] = {
	{ "cluster-admin", NULL,
	  "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]},"
	  "{\"nonResourceURLs\":[\"*\"],\"verbs\":[\"*\"]}]", NULL },
	{ "admin", NULL, NULL, AGG("admin") },
	{ "edit", LBL("admin"), NULL, AGG("edit") },
	{ "view", LBL("edit"), NULL, AGG("view") },
	{ "system:aggregate-to-view", LBL("view"),
	  "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\",\"pods/status\",\"configmaps\","
	  "\"endpoints\",\"persistentvolumeclaims\",\"persistentvolumeclaims/status\","
	  "\"replicationcontrollers\",\"replicationcontrollers/scale\",\"replicationcontrollers/status\","
	  "\"serviceaccounts\",\"services\",\"services/status\",\"bindings\",\"events\",\"limitranges\","
	  "\"resourcequotas\",\"resourcequotas/status\",\"namespaces\",\"namespaces/status\"],\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"apps\"],\"resources\":[\"controllerrevisions\",\"daemonsets\",\"daemonsets/status\","
	  "\"deployments\",\"deployments/scale\",\"deployments/status\",\"replicasets\",\"replicasets/scale\","
	  "\"replicasets/status\",\"statefulsets\",\"statefulsets/scale\",\"statefulsets/status\"],\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"autoscaling\"],\"resources\":[\"horizontalpodautoscalers\","
	  "\"horizontalpodautoscalers/status\"],\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"batch\"],\"resources\":[\"cronjobs\",\"cronjobs/status\",\"jobs\",\"jobs/status\"],"
	  "\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"policy\"],\"resources\":[\"poddisruptionbudgets\",\"poddisruptionbudgets/status\"],"
	  "\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"networking.k8s.io\"],\"resources\":[\"ingresses\",\"ingresses/status\","
	  "\"networkpolicies\"],\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"discovery.k8s.io\"],\"resources\":[\"endpointslices\"],\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"\"],\"resources\":[\"images\"],\"verbs\":[\"get\",\"list\"]},"
	  "{\"apiGroups\":[\"metrics.k8s.io\"],\"resources\":[\"pods\",\"nodes\"],\"verbs\":[\"get\",\"list\"]}]",
	  NULL },
	{ "system:aggregate-to-edit", LBL("edit"),
	  "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/attach\",\"pods/exec\",\"pods/portforward\","
	  "\"pods/proxy\",\"configmaps\",\"endpoints\",\"events\",\"persistentvolumeclaims\","
	  "\"replicationcontrollers\",\"replicationcontrollers/scale\",\"secrets\",\"serviceaccounts\","
	  "\"services\",\"services/proxy\"],\"verbs\":" RW "},"
	  "{\"apiGroups\":[\"\"],\"resources\":[\"pods/attach\",\"pods/exec\",\"pods/portforward\",\"pods/proxy\","
	  "\"secrets\",\"services/proxy\"],\"verbs\":" RO "},"
	  "{\"apiGroups\":[\"\"],\"resources\":[\"serviceaccounts/token\",\"pods/eviction\"],\"verbs\":[\"create\"]},"
	  "{\"apiGroups\":[\"apps\"],\"resources\":[\"daemonsets\",\"deployments\",\"deployments/rollback\","
	  "\"deployments/scale\",\"replicasets\",\"replicasets/scale\",\"statefulsets\",\"statefulsets/scale\"],"
	  "\"verbs\":" RW "},"
	  "{\"apiGroups\":[\"autoscaling\"],\"resources\":[\"horizontalpodautoscalers\"],\"verbs\":" RW "},"
	  "{\"apiGroups\":[\"batch\"],\"resources\":[\"cronjobs\",\"jobs\"],\"verbs\":" RW "},"
	  "{\"apiGroups\":[\"policy\"],\"resources\":[\"poddisruptionbudgets\"],\"verbs\":" RW "},"
	  "{\"apiGroups\":[\"networking.k8s.io\"],\"resources\":[\"ingresses\",\"networkpolicies\"],"
	  "\"verbs\":" RW "},"
	  "{\"apiGroups\":[\"\"],\"resources\":[\"images\"],\"verbs\":[\"create\",\"update\",\"delete\"]}]", NULL },
	{ "system:aggregate-to-admin", LBL("admin"),
	  "[{\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"localsubjectaccessreviews\"],"
	  "\"verbs\":[\"create\"]},"
	  "{\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"rolebindings\",\"roles\"],"
	  "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}]",
	  NULL },
	{ "system:basic-user", NULL,
	  "[{\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"selfsubjectaccessreviews\","
	  "\"selfsubjectrulesreviews\"],\"verbs\":[\"create\"]},"
	  "{\"apiGroups\":[\"authentication.k8s.io\"],\"resources\":[\"selfsubjectreviews\"],"
	  "\"verbs\":[\"create\"]}]", NULL },
	{ "system:discovery", NULL,
	  "[{\"nonResourceURLs\":[\"/api\",\"/api/*\",\"/apis\",\"/apis/*\",\"/healthz\",\"/livez\",\"/openapi\","
	  "\"/openapi/*\",\"/readyz\",\"/version\",\"/version/\"],\"verbs\":[\"get\"]}]", NULL },
};

/* ClusterRoleBinding name = role name, to a group. */
static const char *const bindings[][2] = {
	{ "cluster-admin", "system:masters" },
	{ "system:basic-user", "system:authenticated" },
	{ "system:discovery", "system:authenticated" },
};

static void put_absent(struct store *s, const char *key, json_t *obj)
{
	struct atoll_err err = ERR_INIT;
	char uid[64], now[64];
	size_t len;
	int64_t rev;

	obj_uuid(uid, sizeof(uid));
	obj_now(now, sizeof(now));
	json_t *m = json_object_get(obj, "metadata");
	json_object_set_new(m, "uid", json_string(uid));
	json_object_set_new(m, "creationTimestamp", json_string(now));
	json_t *ann = json_object();
	json_object_set_new(ann, "rbac.authorization.kubernetes.io/autoupdate", json_string("true"));
	json_object_set_new(m, "annotations", ann);
	char *enc = obj_encode(obj, &len);
	struct blob *b = blob_new(enc, len);
	free(enc);
	if (store_put(s, key, b, STORE_ABSENT, &rev, &err) < 0 && err.code != 409)
		log_msg(LOG_WARN, "rbac", "creating %s: %s", key, err.msg);
	blob_unref(b);
}

void rbac_defaults_create(struct store *s)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		json_t *o = json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", RBAC_GROUP "/v1", "kind", "ClusterRole",
				      "metadata", "name", roles[i][0]);
		json_t *lbl = json_loads(roles[i][1] ? roles[i][1] : "{}", 0, NULL);
		json_object_set_new(lbl, "kubernetes.io/bootstrapping", json_string("rbac-defaults"));
		json_object_set_new(json_object_get(o, "metadata"), "labels", lbl);
		json_object_set_new(o, "rules", roles[i][2] ? json_loads(roles[i][2], 0, NULL) : json_array());
		if (roles[i][3])
			json_object_set_new(o, "aggregationRule", json_loads(roles[i][3], 0, NULL));
		_cleanup_free_ char *key = xasprintf(RBAC_GROUP "/clusterroles//%s", roles[i][0]);
		put_absent(s, key, o);
		json_decref(o);
	}
	for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
		json_t *o = json_pack("{s:s,s:s,s:{s:s,s:{s:s}},s:{s:s,s:s,s:s},s:[{s:s,s:s,s:s}]}",
				      "apiVersion", RBAC_GROUP "/v1", "kind", "ClusterRoleBinding",
				      "metadata", "name", bindings[i][0], "labels", "kubernetes.io/bootstrapping",
				      "rbac-defaults", "roleRef", "apiGroup", RBAC_GROUP, "kind", "ClusterRole",
				      "name", bindings[i][0], "subjects", "apiGroup", RBAC_GROUP, "kind", "Group",
				      "name", bindings[i][1]);
		_cleanup_free_ char *key = xasprintf(RBAC_GROUP "/clusterrolebindings//%s", bindings[i][0]);
		put_absent(s, key, o);
		json_decref(o);
	}
}
