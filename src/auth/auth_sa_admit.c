/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ServiceAccount admission of Kubernetes, for pods: unless the pod or
 * its ServiceAccount says automountServiceAccountToken: false, every
 * container gets the projected volume kube-api-access-XXXXX at
 * /var/run/secrets/kubernetes.io/serviceaccount: a token bound to the pod,
 * the cluster CA (ConfigMap kube-root-ca.crt) and the namespace.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "auth/auth_quota.h"
#include "auth/auth_runtimeclass.h"
#include "auth/auth_sa_admit.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"
#include "store/store.h"

#define SA_MOUNT "/var/run/secrets/kubernetes.io/serviceaccount"

static bool sa_automount(struct store *s, const char *ns, const char *sa)
{
	struct store_kv kv = { 0 };
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *key = xasprintf("core/serviceaccounts/%s/%s", ns, sa);

	if (store_get(s, key, &kv, &err) < 0)
		return true;
	json_t *o = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	bool off = json_is_false(json_object_get(o, "automountServiceAccountToken"));
	json_decref(o);
	return !off;
}

static bool mounts_path(const json_t *c, const char *path)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(c, "volumeMounts"), i, m) {
		const char *mp = json_string_value(json_object_get(m, "mountPath"));
		if (mp && !strcmp(mp, path))
			return true;
	}
	return false;
}

static void mount_in(json_t *ctrs, const char *vol)
{
	size_t i;
	json_t *c;

	json_array_foreach(ctrs, i, c) {
		if (mounts_path(c, SA_MOUNT))
			continue;
		json_t *vm = json_object_get(c, "volumeMounts");
		if (!json_is_array(vm)) {
			vm = json_array();
			json_object_set_new(c, "volumeMounts", vm);
		}
		json_array_append_new(vm, json_pack("{s:s,s:b,s:s}", "name", vol, "readOnly", 1, "mountPath", SA_MOUNT));
	}
}

json_t *sa_token_volume(const char *name)
{
	return json_pack("{s:s,s:{s:i,s:[{s:{s:i,s:s}},{s:{s:s,s:[{s:s,s:s}]}},{s:{s:[{s:s,s:{s:s,s:s}}]}}]}}",
			 "name", name, "projected", "defaultMode", 0644, "sources", "serviceAccountToken",
			 "expirationSeconds", 3607, "path", "token", "configMap", "name", "kube-root-ca.crt", "items",
			 "key", "ca.crt", "path", "ca.crt", "downwardAPI", "items", "path", "namespace", "fieldRef",
			 "apiVersion", "v1", "fieldPath", "metadata.namespace");
}

bool sa_admit(struct store *s, const char *ns, json_t *pod, bool *changed, char *why, size_t n)
{
	json_t *spec = json_object_get(pod, "spec");
	const char *sa = json_string_value(json_object_get(spec, "serviceAccountName"));
	json_t *am = json_object_get(spec, "automountServiceAccountToken");

	(void)why;
	(void)n;
	if (!json_is_object(spec) || json_is_false(am))
		return true;
	if (!sa || !*sa)
		sa = "default";
	if (!json_is_true(am) && !sa_automount(s, ns, sa))
		return true;
	/* Already there (a pod re-created from another's spec): leave it. */
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(spec, "volumes"), i, v) {
		const char *vn = json_string_value(json_object_get(v, "name"));
		if (vn && !strncmp(vn, "kube-api-access-", 16))
			return true;
	}
	static const char alnum[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char r[5];
	char name[32];
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		memset(r, 0, sizeof(r));
	snprintf(name, sizeof(name), "kube-api-access-%c%c%c%c%c", alnum[r[0] % 27], alnum[r[1] % 27], alnum[r[2] % 27],
		 alnum[r[3] % 27], alnum[r[4] % 27]);
	json_t *vols = json_object_get(spec, "volumes");
	if (!json_is_array(vols)) {
		vols = json_array();
		json_object_set_new(spec, "volumes", vols);
	}
	json_array_append_new(vols, sa_token_volume(name));
	mount_in(json_object_get(spec, "containers"), name);
	mount_in(json_object_get(spec, "initContainers"), name);
	*changed = true;
	return true;
}

int auth_admit_internal(struct store *s, const char *ns, const char *group, const char *resource, json_t *obj,
			int (*put)(void *ctx), void *ctx, char *why, size_t n)
{
	bool changed = false;

	/* The same admission as for pods created through the API (src/api/authz.c), then the quotas. */
	if (!*group && !strcmp(resource, "pods") && ns &&
	    (!runtimeclass_admit(s, obj, &changed, why, n) || !sa_admit(s, ns, obj, &changed, why, n)))
		return -2;
	return quota_create_internal(s, ns, group, resource, obj, put, ctx, why, n);
}
