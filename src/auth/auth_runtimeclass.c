/* SPDX-License-Identifier: Apache-2.0 */
/* RuntimeClass admission: refuse unknown classes, add the class's overhead, node selector and tolerations. */
#include <stdio.h>
#include <string.h>

#include "auth/auth_runtimeclass.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"
#include "store/store.h"

bool runtimeclass_apply(const json_t *rc, json_t *pod, bool *changed, char *why, size_t n)
{
	json_t *spec = json_object_get(pod, "spec");
	const char *name = json_string_value(json_object_get(json_object_get(rc, "metadata"), "name"));
	json_t *fixed = json_object_get(json_object_get(rc, "overhead"), "podFixed");
	json_t *sched = json_object_get(rc, "scheduling");
	const char *key;
	json_t *v;
	size_t i;

	if (json_object_size(fixed)) {
		json_t *have = json_object_get(spec, "overhead");
		/* As Kubernetes: a pod may carry the overhead only when it equals the class's. */
		if (have && !json_equal(have, fixed)) {
			snprintf(why, n, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
			return false;
		}
		if (!have) {
			json_object_set(spec, "overhead", fixed);
			*changed = true;
		}
	}
	json_t *sel = json_object_get(sched, "nodeSelector");
	if (json_object_size(sel)) {
		json_t *ps = json_object_get(spec, "nodeSelector");
		if (!ps) {
			ps = json_object();
			json_object_set_new(spec, "nodeSelector", ps);
		}
		json_object_foreach(sel, key, v) {
			json_t *cur = json_object_get(ps, key);
			if (cur && !json_equal(cur, v)) {
				snprintf(why, n, "pod rejected: conflict: RuntimeClass %s node selector %s=%s conflicts "
					 "with the pod's %s=%s", name ? name : "", key, json_string_value(v) ?: "",
					 key, json_string_value(cur) ?: "");
				return false;
			}
			if (!cur) {
				json_object_set(ps, key, v);
				*changed = true;
			}
		}
	}
	json_t *tols = json_object_get(sched, "tolerations");
	if (json_array_size(tols)) {
		json_t *pt = json_object_get(spec, "tolerations");
		if (!pt) {
			pt = json_array();
			json_object_set_new(spec, "tolerations", pt);
		}
		json_array_foreach(tols, i, v) {
			bool dup = false;
			size_t j;
			json_t *w;
			json_array_foreach(pt, j, w)
				dup |= json_equal(w, v);
			if (!dup) {
				json_array_append(pt, v);
				*changed = true;
			}
		}
	}
	return true;
}

bool runtimeclass_admit(struct store *s, json_t *pod, bool *changed, char *why, size_t n)
{
	const char *name = json_string_value(json_object_get(json_object_get(pod, "spec"), "runtimeClassName"));
	struct store_kv kv = { 0 };
	struct atoll_err err = ERR_INIT;

	if (!name || !*name)
		return true;
	_cleanup_free_ char *key = xasprintf("node.k8s.io/runtimeclasses//%s", name);
	if (store_get(s, key, &kv, &err) < 0) {
		snprintf(why, n, "pod rejected: RuntimeClass \"%s\" not found", name);
		return false;
	}
	json_t *rc = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	bool ok = !rc || runtimeclass_apply(rc, pod, changed, why, n);
	json_decref(rc);
	return ok;
}
