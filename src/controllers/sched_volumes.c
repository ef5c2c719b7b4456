/* SPDX-License-Identifier: Apache-2.0 */
/* The scheduler and PersistentVolumes: volume node affinity, and the node chosen for late-bound claims. */
#include <stdio.h>
#include <string.h>

#include "api/object.h"
#include "controllers/sched_fit.h"
#include "controllers/sched_volumes.h"

static const char *s_of(const json_t *o, const char *path)
{
	return obj_str(o, path) ?: "";
}

/* Claim name of a pod volume: its persistentVolumeClaim, or <pod>-<volume> for an ephemeral one (into buf). */
static const char *claim_of(const json_t *pod, const json_t *vol, char *buf, size_t n)
{
	const char *c = obj_str(vol, "persistentVolumeClaim.claimName");

	if (c)
		return c;
	if (json_object_get(vol, "ephemeral")) {
		snprintf(buf, n, "%s-%s", s_of(pod, "metadata.name"), s_of(vol, "name"));
		return buf;
	}
	return NULL;
}

bool sched_pod_has_claims(const json_t *pod)
{
	char buf[512];
	size_t i;
	json_t *vol;

	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "volumes"), i, vol)
		if (claim_of(pod, vol, buf, sizeof(buf)))
			return true;
	return false;
}

static struct ctl_obj *find(const struct ctl_list *l, const char *ns, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(s_of(l->v[i].obj, "metadata.name"), name) &&
		    (!ns || !strcmp(s_of(l->v[i].obj, "metadata.namespace"), ns)))
			return &l->v[i];
	return NULL;
}

static bool load(struct store *s, struct sched_vols *v)
{
	if (!v->loaded) {
		v->loaded = true;
		v->failed = ctl_list(s, "core/persistentvolumeclaims/", &v->pvcs) < 0 ||
			    ctl_list(s, "core/persistentvolumes/", &v->pvs) < 0 ||
			    ctl_list(s, "storage.k8s.io/storageclasses/", &v->classes) < 0;
	}
	return !v->failed;
}

static bool late_binding(const struct sched_vols *v, const json_t *pvc)
{
	const struct ctl_obj *cls = find(&v->classes, NULL, s_of(pvc, "spec.storageClassName"));

	return cls && !strcmp(s_of(cls->obj, "volumeBindingMode"), "WaitForFirstConsumer");
}

bool sched_volumes_ready(struct store *s, struct sched_vols *v, const json_t *pod, char *msg, size_t n)
{
	const char *ns = s_of(pod, "metadata.namespace");
	char buf[512];
	size_t i;
	json_t *vol;

	if (!sched_pod_has_claims(pod))
		return true;
	if (!load(s, v)) {
		snprintf(msg, n, "cannot list PersistentVolumeClaims");
		return false;
	}
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "volumes"), i, vol) {
		const char *name = claim_of(pod, vol, buf, sizeof(buf));
		if (!name)
			continue;
		const struct ctl_obj *c = find(&v->pvcs, ns, name);
		if (!c) {
			snprintf(msg, n, "persistentvolumeclaim \"%s\" not found", name);
			return false;
		}
		if (!*s_of(c->obj, "spec.volumeName") && !late_binding(v, c->obj)) {
			snprintf(msg, n, "pod has unbound immediate PersistentVolumeClaims");
			return false;
		}
	}
	return true;
}

bool sched_volumes_fit(const struct sched_vols *v, const json_t *pod, const json_t *node)
{
	const char *ns = s_of(pod, "metadata.namespace");
	char buf[512];
	size_t i, j;
	json_t *vol, *term;

	if (!v->loaded || v->failed)
		return true; /* a pod without claims */
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "volumes"), i, vol) {
		const char *name = claim_of(pod, vol, buf, sizeof(buf));
		const struct ctl_obj *c = name ? find(&v->pvcs, ns, name) : NULL;
		const char *vn = c ? s_of(c->obj, "spec.volumeName") : "";
		const struct ctl_obj *pv = *vn ? find(&v->pvs, NULL, vn) : NULL;
		json_t *na = pv ? json_object_get(json_object_get(pv->obj, "spec"), "nodeAffinity") : NULL;
		json_t *terms = json_object_get(json_object_get(na, "required"), "nodeSelectorTerms");
		if (!json_array_size(terms))
			continue;
		bool ok = false;
		json_array_foreach(terms, j, term)
			ok = ok || sched_term_matches(term, node);
		if (!ok)
			return false;
	}
	return true;
}

void sched_volumes_select(struct store *s, struct sched_vols *v, const json_t *pod, const char *node)
{
	const char *ns = s_of(pod, "metadata.namespace");
	char buf[512];
	size_t i;
	json_t *vol;

	if (!v->loaded || v->failed)
		return;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "volumes"), i, vol) {
		const char *name = claim_of(pod, vol, buf, sizeof(buf));
		struct ctl_obj *c = name ? find(&v->pvcs, ns, name) : NULL;
		if (!c || *s_of(c->obj, "spec.volumeName") || !late_binding(v, c->obj))
			continue;
		const char *was = json_string_value(json_object_get(
			json_object_get(json_object_get(c->obj, "metadata"), "annotations"), SCHED_SELECTED_NODE));
		if (was && !strcmp(was, node))
			continue;
		json_t *o = json_deep_copy(c->obj), *md = json_object_get(o, "metadata");
		json_t *ann = json_object_get(md, "annotations");
		if (!json_is_object(ann)) {
			ann = json_object();
			json_object_set_new(md, "annotations", ann);
		}
		json_object_set_new(ann, SCHED_SELECTED_NODE, json_string(node));
		if (ctl_put(s, c->key, o, c->rev) == 0) {
			json_decref(c->obj);
			c->obj = o; /* the next pod sharing the claim sees it */
			c->rev = -1;
		} else {
			json_decref(o);
		}
	}
}

void sched_vols_free(struct sched_vols *v)
{
	ctl_list_free(&v->pvcs);
	ctl_list_free(&v->pvs);
	ctl_list_free(&v->classes);
	v->loaded = false;
}
