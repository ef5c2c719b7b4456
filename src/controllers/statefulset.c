/* SPDX-License-Identifier: Apache-2.0 */
/*
 * StatefulSet controller: pods <sts>-0 .. <sts>-(N-1) with stable names,
 * hostname and subdomain; one PersistentVolumeClaim per pod and
 * volumeClaimTemplate (<template>-<sts>-<ordinal>), kept when pods go.
 * OrderedReady creates each pod only once the previous ones run and are
 * ready and removes the highest ordinal first, one at a time; Parallel
 * does all at once. RollingUpdate replaces outdated pods from the highest
 * ordinal down to the partition, one at a time, once all are ready.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define REV_LABEL "controller-revision-hash"

static bool dirty = true;

static long long spec_int(const json_t *o, const char *f, long long def)
{
	json_t *v = json_object_get(json_object_get(o, "spec"), f);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

/* The ordinal of pod name "<sts>-<n>", or -1. */
static long long ordinal(const char *sts, const char *pod)
{
	size_t l = strlen(sts);
	char *end;

	if (strncmp(pod, sts, l) || pod[l] != '-' || !pod[l + 1])
		return -1;
	long long n = strtoll(pod + l + 1, &end, 10);
	return *end || n < 0 ? -1 : n;
}

static bool running_ready(const json_t *pod)
{
	const char *ph = obj_str(pod, "status.phase");

	return ph && !strcmp(ph, "Running") && ctl_pod_ready(pod) && !ctl_terminating(pod);
}

static void ensure_claims(struct store *s, const json_t *sts, long long i)
{
	size_t k;
	json_t *t;
	struct atoll_err err = ERR_INIT;

	json_array_foreach(json_object_get(json_object_get(sts, "spec"), "volumeClaimTemplates"), k, t) {
		const char *tn = obj_name(t);
		if (!tn)
			continue;
		_cleanup_free_ char *name = xasprintf("%s-%s-%lld", tn, obj_name(sts), i);
		_cleanup_free_ char *key = xasprintf("core/persistentvolumeclaims/%s/%s", obj_namespace(sts), name);
		struct store_kv kv;
		if (store_get(s, key, &kv, &err) == 0) {
			store_kv_release(&kv);
			continue;
		}
		json_t *pvc = json_object();
		json_t *meta = json_object();
		json_object_set_new(meta, "name", json_string(name));
		json_t *v;
		if ((v = json_object_get(json_object_get(json_object_get(sts, "spec"), "selector"), "matchLabels")))
			json_object_set_new(meta, "labels", json_deep_copy(v));
		json_object_set_new(pvc, "metadata", meta);
		v = json_object_get(t, "spec");
		json_object_set_new(pvc, "spec", v ? json_deep_copy(v) : json_object());
		/* whenDeleted: Delete makes the claims the StatefulSet's, for the garbage collector. */
		bool owned = !strcmp(obj_str(sts, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted") ?: "",
				     "Delete");
		if (ctl_create(s, "", "persistentvolumeclaims", obj_namespace(sts), pvc, owned ? sts : NULL) < 0)
			log_warn("statefulset", "creating claim %s failed", name);
		json_decref(pvc);
	}
}

static json_t *new_pod(const json_t *sts, long long i, const char *rev)
{
	json_t *spec = json_object_get(sts, "spec");
	json_t *pod = ctl_pod_from_template(json_object_get(spec, "template"));
	json_t *meta = json_object_get(pod, "metadata");
	json_t *pspec = json_object_get(pod, "spec");
	json_t *labels = json_object_get(meta, "labels");
	char *name = xasprintf("%s-%lld", obj_name(sts), i);

	if (!labels) {
		labels = json_object();
		json_object_set_new(meta, "labels", labels);
	}
	json_object_set_new(meta, "name", json_string(name));
	json_object_set_new(labels, "statefulset.kubernetes.io/pod-name", json_string(name));
	json_object_set_new(labels, "apps.kubernetes.io/pod-index", json_sprintf("%lld", i));
	json_object_set_new(labels, REV_LABEL, json_string(rev));
	json_object_set_new(pspec, "hostname", json_string(name));
	const char *svc = json_string_value(json_object_get(spec, "serviceName"));
	if (svc && *svc)
		json_object_set_new(pspec, "subdomain", json_string(svc));
	/* Each claim template becomes this pod's volume of the same name. */
	json_t *vols = json_object_get(pspec, "volumes");
	if (!json_is_array(vols)) {
		vols = json_array();
		json_object_set_new(pspec, "volumes", vols);
	}
	size_t k;
	json_t *t;
	json_array_foreach(json_object_get(spec, "volumeClaimTemplates"), k, t) {
		const char *tn = obj_name(t);
		if (!tn)
			continue;
		for (size_t j = 0; j < json_array_size(vols); j++)
			if (!strcmp(json_string_value(json_object_get(json_array_get(vols, j), "name")) ?: "", tn)) {
				json_array_remove(vols, j);
				break;
			}
		json_t *claim = json_pack("{s:o}", "claimName", json_sprintf("%s-%s-%lld", tn, obj_name(sts), i));
		json_array_append_new(vols, json_pack("{s:s, s:o}", "name", tn, "persistentVolumeClaim", claim));
	}
	if (!json_array_size(vols))
		json_object_del(pspec, "volumes");
	free(name);
	return pod;
}

static void sync_one(struct store *s, struct ctl_obj *so, struct ctl_list *pods)
{
	json_t *sts = so->obj;
	const char *uid = obj_str(sts, "metadata.uid"), *ns = obj_namespace(sts), *name = obj_name(sts);
	long long want = spec_int(sts, "replicas", 1);
	bool parallel = !strcmp(obj_str(sts, "spec.podManagementPolicy") ?: "", "Parallel");
	json_t *strategy = json_object_get(json_object_get(sts, "spec"), "updateStrategy");
	bool on_delete = !strcmp(obj_str(strategy, "type") ?: "", "OnDelete");
	long long partition = json_integer_value(json_object_get(json_object_get(strategy, "rollingUpdate"), "partition"));
	char hash[16];

	if (!uid || !ns || !name || ctl_terminating(sts))
		return;
	ctl_hash(json_object_get(json_object_get(sts, "spec"), "template"), hash, sizeof(hash));
	char *rev = xasprintf("%s-%s", name, hash);
	/* Pods by ordinal, for ordinals below max(want, highest seen + 1). */
	long long top = want;
	for (size_t i = 0; i < pods->n; i++) {
		const char *cuid = ctl_controller_uid(pods->v[i].obj);
		long long o = ordinal(name, obj_name(pods->v[i].obj) ?: "");
		if (cuid && !strcmp(cuid, uid) && o >= top)
			top = o + 1;
	}
	json_t **by = xcalloc((size_t)top + 1, sizeof(*by));
	bool terminating = false;
	for (size_t i = 0; i < pods->n; i++) {
		json_t *p = pods->v[i].obj;
		const char *cuid = ctl_controller_uid(p);
		long long o = ordinal(name, obj_name(p) ?: "");
		if (!cuid || strcmp(cuid, uid) || o < 0)
			continue;
		if (ctl_terminating(p)) {
			terminating = true;
			continue;
		}
		by[o] = p;
	}
	long long replicas = 0, ready = 0, updated = 0, current = 0;
	bool blocked = false;
	for (long long i = 0; i < want; i++) {
		json_t *p = by[i];
		if (p && ctl_pod_finished(p)) {
			ctl_delete(s, "", "pods", ns, obj_name(p)); /* recreated under the same name */
			dirty = true;
			blocked = true;
			continue;
		}
		if (!p) {
			if (blocked && !parallel)
				continue;
			ensure_claims(s, sts, i);
			json_t *pod = new_pod(sts, i, rev);
			ctl_create(s, "", "pods", ns, pod, sts);
			json_decref(pod);
			dirty = true;
			blocked = true;
			continue;
		}
		replicas++;
		ready += ctl_pod_ready(p);
		bool fresh = !strcmp(obj_str(p, "metadata.labels." REV_LABEL) ?: "", rev);
		updated += fresh;
		current += !fresh;
		if (!running_ready(p))
			blocked = true;
	}
	/* Scale down: the highest ordinal first; OrderedReady waits for the rest to be ready. */
	for (long long i = top - 1; i >= want; i--) {
		if (!by[i])
			continue;
		replicas++;
		if (!parallel && (blocked || terminating))
			break;
		ctl_delete(s, "", "pods", ns, obj_name(by[i]));
		dirty = true;
		if (!parallel)
			break;
	}
	/* Rolling update: the highest outdated pod at or above the partition, once all are ready. */
	if (!on_delete && !blocked && !terminating && replicas == want)
		for (long long i = want - 1; i >= partition && i >= 0; i--)
			if (by[i] && strcmp(obj_str(by[i], "metadata.labels." REV_LABEL) ?: "", rev)) {
				ctl_delete(s, "", "pods", ns, obj_name(by[i]));
				dirty = true;
				break;
			}
	json_t *old = json_object_get(sts, "status");
	json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
	json_object_set(st, "observedGeneration", json_object_get(json_object_get(sts, "metadata"), "generation"));
	json_object_set_new(st, "replicas", json_integer(replicas));
	json_object_set_new(st, "readyReplicas", json_integer(ready));
	json_object_set_new(st, "availableReplicas", json_integer(ready));
	json_object_set_new(st, "updatedReplicas", json_integer(updated));
	json_object_set_new(st, "updateRevision", json_string(rev));
	if (!json_object_get(st, "currentRevision") || (updated == want && ready == want))
		json_object_set_new(st, "currentRevision", json_string(rev));
	const char *cur = obj_str(st, "currentRevision");
	json_object_set_new(st, "currentReplicas", json_integer(cur && !strcmp(cur, rev) ? updated : current));
	json_object_set_new(st, "collisionCount", json_integer(0));
	if (!ready)
		json_object_del(st, "readyReplicas");
	ctl_write_status(s, so, st);
	json_decref(st);
	free(by);
	free(rev);
}

static void tick(struct ctl_loop *l)
{
	ctl_sync_owners(l->store, &dirty, "apps/statefulsets/", "core/pods/", sync_one);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const pfx[] = { "apps/statefulsets/", "core/pods/", NULL };

	if (ctl_key_has_prefix(ev->key, pfx))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "statefulset",
	.prefix = "",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_statefulset_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
