/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PersistentVolume controller: claims without a class get the default
 * StorageClass; a pending claim binds to a matching Available volume, or its
 * class's provisioner (atoll.dev/local: a disk file on the node, see
 * src/agent/volumes_disk.c) makes one for it, at once or, with
 * WaitForFirstConsumer, once a scheduled pod uses the claim. Volume and claim
 * point at each other (claimRef, volumeName) and both are Bound. A volume
 * whose claim is gone is deleted (reclaimPolicy Delete) or Released
 * (Retain); a bound claim whose request grows in a class that allows
 * expansion grows its volume (the node grows the filesystem at next mount).
 * Claims carry the pvc-protection finalizer while pods use them; pods'
 * ephemeral volumes get their claims here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "api/quantity.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#define LOCAL_PROVISIONER "atoll.dev/local"
#define DEFAULT_CLASS_ANN "storageclass.kubernetes.io/is-default-class"
#define PVC_PROTECTION    "kubernetes.io/pvc-protection"

static bool dirty = true;

static const char *s_of(const json_t *o, const char *path)
{
	return obj_str(o, path) ?: "";
}

/* The value at a dotted path (borrowed), or NULL. */
static json_t *pv_get(const json_t *o, const char *path)
{
	char part[128];
	json_t *v = (json_t *)o;

	while (v && *path) {
		size_t len = strcspn(path, ".");
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		v = json_object_get(v, part);
		path += len + (path[len] == '.');
	}
	return v;
}

/* Bytes of a quantity string, -1 when it does not parse. */
static int64_t bytes_of(const char *s)
{
	struct quantity q;
	int64_t v;

	if (!s || quantity_parse(s, &q, NULL) < 0 || quantity_value(&q, &v) < 0)
		return -1;
	return v;
}

static const json_t *find_class(const struct ctl_list *classes, const char *name)
{
	for (size_t i = 0; i < classes->n; i++)
		if (!strcmp(s_of(classes->v[i].obj, "metadata.name"), name))
			return classes->v[i].obj;
	return NULL;
}

static const char *default_class(const struct ctl_list *classes)
{
	for (size_t i = 0; i < classes->n; i++) {
		const json_t *ann = json_object_get(json_object_get(classes->v[i].obj, "metadata"), "annotations");
		if (!strcmp(json_string_value(json_object_get(ann, DEFAULT_CLASS_ANN)) ?: "", "true"))
			return s_of(classes->v[i].obj, "metadata.name");
	}
	return NULL;
}

static struct ctl_obj *find_claim(struct ctl_list *claims, const char *ns, const char *name)
{
	for (size_t i = 0; i < claims->n; i++)
		if (!strcmp(s_of(claims->v[i].obj, "metadata.namespace"), ns) &&
		    !strcmp(s_of(claims->v[i].obj, "metadata.name"), name))
			return &claims->v[i];
	return NULL;
}

/* Whether every access mode the claim asks for is among the volume's. */
static bool modes_cover(const json_t *pv, const json_t *pvc)
{
	size_t i, j;
	json_t *a, *b;

	json_array_foreach(pv_get(pvc, "spec.accessModes"), i, a) {
		bool found = false;
		json_array_foreach(pv_get(pv, "spec.accessModes"), j, b)
			found = found || json_equal(a, b);
		if (!found)
			return false;
	}
	return true;
}

/* Whether pod mounts the claim name (directly, or as the claim of one of its ephemeral volumes). */
static bool pod_uses(const json_t *pod, const char *name)
{
	const char *pname = s_of(pod, "metadata.name");
	size_t k, pl = strlen(pname);
	json_t *v;

	json_array_foreach(pv_get(pod, "spec.volumes"), k, v) {
		if (!strcmp(s_of(v, "persistentVolumeClaim.claimName"), name))
			return true;
		if (pv_get(v, "ephemeral") && !strncmp(name, pname, pl) && name[pl] == '-' &&
		    !strcmp(name + pl + 1, s_of(v, "name")))
			return true;
	}
	return false;
}

/* The node of the first scheduled, live pod that mounts claim ns/name, or NULL. */
static const char *consumer_node(const struct ctl_list *pods, const char *ns, const char *name)
{
	for (size_t i = 0; i < pods->n; i++) {
		const json_t *pod = pods->v[i].obj;
		if (strcmp(s_of(pod, "metadata.namespace"), ns) || !ctl_pod_active(pod))
			continue;
		if (pod_uses(pod, name) && *s_of(pod, "spec.nodeName"))
			return s_of(pod, "spec.nodeName");
	}
	return NULL;
}

/* The node the scheduler chose for a WaitForFirstConsumer claim's first pod, or NULL. */
static const char *selected_node(const json_t *pvc)
{
	const json_t *ann = json_object_get(json_object_get(pvc, "metadata"), "annotations");
	const char *n = json_string_value(json_object_get(ann, "volume.kubernetes.io/selected-node"));

	return n && *n ? n : NULL;
}

static bool has_protection(const json_t *obj)
{
	size_t i;
	json_t *v;

	json_array_foreach(pv_get(obj, "metadata.finalizers"), i, v)
		if (!strcmp(json_string_value(v) ?: "", PVC_PROTECTION))
			return true;
	return false;
}

/* Whether a pod that has not finished mounts claim ns/name. */
static bool claim_in_use(const struct ctl_list *pods, const char *ns, const char *name)
{
	for (size_t i = 0; i < pods->n; i++) {
		const json_t *pod = pods->v[i].obj;
		if (strcmp(s_of(pod, "metadata.namespace"), ns) || ctl_pod_finished(pod))
			continue;
		if (pod_uses(pod, name))
			return true;
	}
	return false;
}

/*
 * Storage object in use protection, as Kubernetes': a claim carries the
 * kubernetes.io/pvc-protection finalizer, so deleting it while a pod still
 * uses it leaves it Terminating until that pod is done. Returns true when it
 * wrote the claim (its listed revision is stale then).
 */
static bool protect(struct store *s, struct ctl_obj *c, const struct ctl_list *pods)
{
	bool has = has_protection(c->obj);
	json_t *o, *meta, *fins;

	if (!ctl_terminating(c->obj)) {
		if (has)
			return false;
		o = json_deep_copy(c->obj);
		meta = obj_meta(o);
		fins = json_object_get(meta, "finalizers");
		if (!json_is_array(fins)) {
			fins = json_array();
			json_object_set_new(meta, "finalizers", fins);
		}
		json_array_append_new(fins, json_string(PVC_PROTECTION));
		ctl_put(s, c->key, o, c->rev);
		json_decref(o);
		dirty = true;
		return true;
	}
	if (!has || claim_in_use(pods, s_of(c->obj, "metadata.namespace"), s_of(c->obj, "metadata.name")))
		return false;
	o = json_deep_copy(c->obj);
	meta = obj_meta(o);
	json_t *kept = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(meta, "finalizers"), i, v)
		if (strcmp(json_string_value(v) ?: "", PVC_PROTECTION))
			json_array_append(kept, v);
	if (json_array_size(kept)) {
		json_object_set_new(meta, "finalizers", kept);
		ctl_put(s, c->key, o, c->rev);
	} else {
		/* The last finalizer: the deletion completes now. */
		struct atoll_err err = ERR_INIT;
		int64_t nrev;
		json_decref(kept);
		store_delete(s, c->key, c->rev, &nrev, &err);
	}
	json_decref(o);
	dirty = true;
	return true;
}

/* Point the claim at pv and mark it Bound. */
static void bind_claim(struct store *s, struct ctl_obj *c, const json_t *pv)
{
	json_t *o = json_deep_copy(c->obj);
	json_t *meta = obj_meta(o), *ann = json_object_get(meta, "annotations");

	if (!json_is_object(ann)) {
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	json_object_set_new(ann, "pv.kubernetes.io/bind-completed", json_string("yes"));
	json_object_set_new(ann, "pv.kubernetes.io/bound-by-controller", json_string("yes"));
	json_object_set_new(json_object_get(o, "spec"), "volumeName", json_string(s_of(pv, "metadata.name")));
	json_object_set_new(o, "status", json_pack("{s:s,s:O,s:O}", "phase", "Bound", "accessModes",
						   pv_get(pv, "spec.accessModes"), "capacity",
						   pv_get(pv, "spec.capacity")));
	if (ctl_put(s, c->key, o, c->rev) == 0)
		ctl_event(s, c->obj, "Normal", "ProvisioningSucceeded", "Successfully bound to volume %s",
			  s_of(pv, "metadata.name"));
	json_decref(o);
}

static json_t *claim_ref(const json_t *pvc)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "apiVersion", "v1", "kind", "PersistentVolumeClaim", "namespace",
			 s_of(pvc, "metadata.namespace"), "name", s_of(pvc, "metadata.name"), "uid",
			 s_of(pvc, "metadata.uid"));
}

/* Make a volume for the claim with the atoll.dev/local provisioner; returns it (owned) or NULL. */
static json_t *provision(struct store *s, const json_t *pvc, const json_t *cls, const char *node)
{
	_cleanup_free_ char *name = xasprintf("pvc-%s", s_of(pvc, "metadata.uid"));
	const char *req = s_of(pvc, "spec.resources.requests.storage");
	const char *rp = obj_str(cls, "reclaimPolicy") ?: "Delete";
	json_t *pv = json_pack("{s:{s:s,s:{s:s}},s:{s:{s:s},s:O,s:s,s:s,s:s,s:o,s:{s:s,s:s,s:s}},s:{s:s}}",
			       "metadata", "name", name, "annotations", "pv.kubernetes.io/provisioned-by",
			       LOCAL_PROVISIONER, "spec", "capacity", "storage", req, "accessModes",
			       pv_get(pvc, "spec.accessModes"), "persistentVolumeReclaimPolicy", rp,
			       "storageClassName", s_of(cls, "metadata.name"), "volumeMode", "Filesystem",
			       "claimRef", claim_ref(pvc), "csi", "driver", LOCAL_PROVISIONER, "volumeHandle",
			       name, "fsType", "ext4", "status", "phase", "Bound");
	/* The disk lives on one node: with a chosen node, the volume says so. */
	if (node)
		json_object_set_new(json_object_get(pv, "spec"), "nodeAffinity",
				    json_pack("{s:{s:[{s:[{s:s,s:s,s:[s]}]}]}}", "required", "nodeSelectorTerms",
					      "matchExpressions", "key", "kubernetes.io/hostname", "operator",
					      "In", "values", node));
	if (ctl_create(s, "", "persistentvolumes", NULL, pv, NULL) < 0) {
		json_decref(pv);
		return NULL;
	}
	log_info("persistentvolume", "provisioned %s for claim %s/%s", name, s_of(pvc, "metadata.namespace"),
		 s_of(pvc, "metadata.name"));
	return pv;
}

/* A pending claim: a class, then a volume. */
static void sync_pending(struct store *s, struct ctl_obj *c, struct ctl_list *vols, const struct ctl_list *classes,
			 const struct ctl_list *pods)
{
	const json_t *pvc = c->obj;
	json_t *scn = pv_get(pvc, "spec.storageClassName");
	const char *ns = s_of(pvc, "metadata.namespace"), *name = s_of(pvc, "metadata.name");

	if (!scn || json_is_null(scn)) {
		/* Retroactive default class, as Kubernetes assigns it to claims made before one existed. */
		const char *def = default_class(classes);
		if (def) {
			json_t *o = json_deep_copy(pvc);
			json_object_set_new(json_object_get(o, "spec"), "storageClassName", json_string(def));
			ctl_put(s, c->key, o, c->rev);
			json_decref(o);
			dirty = true;
		}
		return;
	}
	const char *cname = json_string_value(scn) ?: "";
	int64_t want = bytes_of(obj_str(pvc, "spec.resources.requests.storage"));
	/* An existing volume: the one named by the claim, or one reserved for it, or any that fits. */
	for (size_t i = 0; i < vols->n; i++) {
		const json_t *pv = vols->v[i].obj;
		const char *vn = s_of(pv, "metadata.name"), *phase = s_of(pv, "status.phase");
		const char *want_vol = s_of(pvc, "spec.volumeName");
		bool reserved = !strcmp(s_of(pv, "spec.claimRef.name"), name) &&
				!strcmp(s_of(pv, "spec.claimRef.namespace"), ns) &&
				(!*s_of(pv, "spec.claimRef.uid") ||
				 !strcmp(s_of(pv, "spec.claimRef.uid"), s_of(pvc, "metadata.uid")));
		bool free_vol = !pv_get(pv, "spec.claimRef") && !strcmp(phase, "Available");
		if (*want_vol ? strcmp(vn, want_vol) : !(reserved || free_vol))
			continue;
		if (!reserved && (strcmp(s_of(pv, "spec.storageClassName"), cname) || !modes_cover(pv, pvc) ||
				  bytes_of(obj_str(pv, "spec.capacity.storage")) < want))
			continue;
		if (ctl_terminating(pv) || (!reserved && !free_vol))
			continue;
		json_t *o = json_deep_copy(pv);
		json_object_set_new(json_object_get(o, "spec"), "claimRef", claim_ref(pvc));
		json_object_set_new(o, "status", json_pack("{s:s}", "phase", "Bound"));
		if (ctl_put(s, vols->v[i].key, o, vols->v[i].rev) == 0)
			bind_claim(s, c, o);
		json_decref(o);
		dirty = true;
		return;
	}
	const json_t *cls = find_class(classes, cname);
	if (!cls || strcmp(s_of(cls, "provisioner"), LOCAL_PROVISIONER) || *s_of(pvc, "spec.volumeName"))
		return; /* someone else's provisioner, or a static volume still to come */
	const char *node = NULL;
	if (!strcmp(s_of(cls, "volumeBindingMode"), "WaitForFirstConsumer") &&
	    !(node = selected_node(pvc)) && !(node = consumer_node(pods, ns, name))) {
		/* Bound when a pod using it is scheduled; said once per claim (this thread's own set). */
		static json_t *told;
		if (!told)
			told = json_object();
		const char *uid = s_of(pvc, "metadata.uid");
		if (!json_object_get(told, uid)) {
			if (json_object_size(told) > 10000)
				json_object_clear(told);
			json_object_set_new(told, uid, json_true());
			ctl_event(s, pvc, "Normal", "WaitForFirstConsumer",
				  "waiting for first consumer to be created before binding");
		}
		return;
	}
	json_t *pv = provision(s, pvc, cls, node);
	if (pv)
		bind_claim(s, c, pv);
	else
		ctl_event(s, pvc, "Warning", "ProvisioningFailed", "failed to provision volume for claim %s", name);
	json_decref(pv);
	dirty = true;
}

/*
 * A local volume made without a node (Immediate binding) lives on the disk
 * of the node where its first pod runs: from then on it says so, and the
 * scheduler sends the claim's later pods there.
 */
static void pin_volume(struct store *s, const struct ctl_obj *c, struct ctl_list *vols, const struct ctl_list *pods)
{
	const char *vn = s_of(c->obj, "spec.volumeName");
	const char *node = consumer_node(pods, s_of(c->obj, "metadata.namespace"), s_of(c->obj, "metadata.name"));

	if (!node)
		return;
	for (size_t i = 0; i < vols->n; i++) {
		const json_t *pv = vols->v[i].obj;
		if (strcmp(s_of(pv, "metadata.name"), vn))
			continue;
		if (strcmp(s_of(pv, "spec.csi.driver"), LOCAL_PROVISIONER) || pv_get(pv, "spec.nodeAffinity"))
			return;
		json_t *o = json_deep_copy(pv);
		json_object_set_new(json_object_get(o, "spec"), "nodeAffinity",
				    json_pack("{s:{s:[{s:[{s:s,s:s,s:[s]}]}]}}", "required", "nodeSelectorTerms",
					      "matchExpressions", "key", "kubernetes.io/hostname", "operator", "In",
					      "values", node));
		if (ctl_put(s, vols->v[i].key, o, vols->v[i].rev) == 0)
			log_info("persistentvolume", "%s lives on node %s", vn, node);
		json_decref(o);
		dirty = true;
		return;
	}
}

/* A bound claim whose request grew: grow the volume and report the new capacity. */
static void sync_expand(struct store *s, struct ctl_obj *c, struct ctl_list *vols, const struct ctl_list *classes)
{
	const json_t *pvc = c->obj;
	const char *req = obj_str(pvc, "spec.resources.requests.storage");
	const json_t *cls = find_class(classes, s_of(pvc, "spec.storageClassName"));
	int64_t want = bytes_of(req);

	for (size_t i = 0; i < vols->n; i++) {
		const json_t *pv = vols->v[i].obj;
		if (strcmp(s_of(pv, "metadata.name"), s_of(pvc, "spec.volumeName")))
			continue;
		bool grow = want > bytes_of(obj_str(pv, "spec.capacity.storage")) &&
			    json_is_true(json_object_get(cls, "allowVolumeExpansion")) &&
			    !strcmp(s_of(pv, "spec.csi.driver"), LOCAL_PROVISIONER);
		if (grow) {
			json_t *o = json_deep_copy(pv);
			json_object_set_new(json_object_get(o, "spec"), "capacity", json_pack("{s:s}", "storage", req));
			if (ctl_put(s, vols->v[i].key, o, vols->v[i].rev) < 0) {
				json_decref(o);
				dirty = true;
				return;
			}
			json_decref(o);
			ctl_event(s, pvc, "Normal", "VolumeResizeSuccessful",
				  "volume %s grown to %s; the filesystem grows at its next mount",
				  s_of(pv, "metadata.name"), req);
		}
		const char *have = s_of(pvc, "status.capacity.storage");
		const char *cap = grow ? req : s_of(pv, "spec.capacity.storage");
		if (strcmp(have, cap) || strcmp(s_of(pvc, "status.phase"), "Bound")) {
			json_t *st = json_deep_copy(json_object_get(pvc, "status"));
			if (!json_is_object(st))
				st = json_object();
			json_object_set_new(st, "phase", json_string("Bound"));
			json_object_set_new(st, "capacity", json_pack("{s:s}", "storage", cap));
			ctl_write_status(s, c, st);
			json_decref(st);
		}
		return;
	}
	/* Its volume is gone. */
	if (strcmp(s_of(pvc, "status.phase"), "Lost")) {
		json_t *st = json_pack("{s:s}", "phase", "Lost");
		ctl_write_status(s, c, st);
		json_decref(st);
		ctl_event(s, pvc, "Warning", "ClaimLost", "Bound claim has lost its PersistentVolume");
	}
}

/* A volume: Available when free, released or deleted when its claim is gone. */
static void sync_volume(struct store *s, struct ctl_obj *v, struct ctl_list *claims)
{
	const json_t *pv = v->obj;
	const char *phase = s_of(pv, "status.phase");
	const json_t *ref = pv_get(pv, "spec.claimRef");

	if (ctl_terminating(pv))
		return;
	if (!ref) {
		if (strcmp(phase, "Available")) {
			json_t *st = json_pack("{s:s}", "phase", "Available");
			ctl_write_status(s, v, st);
			json_decref(st);
		}
		return;
	}
	struct ctl_obj *c = find_claim(claims, s_of(ref, "namespace"), s_of(ref, "name"));
	const char *ruid = s_of(ref, "uid");
	bool gone = !c || (*ruid && strcmp(ruid, s_of(c->obj, "metadata.uid")));
	if (!gone || !strcmp(phase, "Released") || !strcmp(phase, "Failed"))
		return;
	if (!*ruid && !strcmp(phase, "Available"))
		return; /* reserved for a claim not made yet */
	const char *rp = s_of(pv, "spec.persistentVolumeReclaimPolicy");
	if (!strcmp(rp, "Delete") && !strcmp(s_of(pv, "spec.csi.driver"), LOCAL_PROVISIONER)) {
		/* The node removes the disk file once it sees the volume gone (volumes_gc). */
		log_info("persistentvolume", "deleting %s: its claim is gone", s_of(pv, "metadata.name"));
		ctl_delete(s, "", "persistentvolumes", NULL, s_of(pv, "metadata.name"));
		return;
	}
	json_t *st = json_pack("{s:s}", "phase", strcmp(rp, "Delete") ? "Released" : "Failed");
	if (!strcmp(rp, "Delete"))
		json_object_set_new(st, "message", json_string("no deleter for this volume's source"));
	ctl_write_status(s, v, st);
	json_decref(st);
}

/*
 * Generic ephemeral volumes: a live pod's `ephemeral` volume gets the claim
 * <pod>-<volume> from its volumeClaimTemplate, owned by the pod, so the
 * garbage collector deletes it (and policy Delete its volume) with the pod.
 */
static void sync_ephemeral(struct store *s, const struct ctl_list *pods, struct ctl_list *claims)
{
	for (size_t i = 0; i < pods->n; i++) {
		const json_t *pod = pods->v[i].obj;
		size_t k;
		json_t *v;
		if (!ctl_pod_active(pod))
			continue;
		json_array_foreach(pv_get(pod, "spec.volumes"), k, v) {
			const json_t *tmpl = pv_get(v, "ephemeral.volumeClaimTemplate");
			if (!tmpl)
				continue;
			_cleanup_free_ char *name = xasprintf("%s-%s", s_of(pod, "metadata.name"), s_of(v, "name"));
			if (find_claim(claims, s_of(pod, "metadata.namespace"), name))
				continue; /* made already, or someone's claim (the node refuses that one) */
			json_t *pvc = json_pack("{s:{s:s},s:O}", "metadata", "name", name, "spec",
						pv_get(tmpl, "spec") ?: json_object());
			static const char *const copy[] = { "labels", "annotations" };
			for (size_t c = 0; c < 2; c++) {
				json_t *m = pv_get(tmpl, "metadata") ? json_object_get(pv_get(tmpl, "metadata"), copy[c]) : NULL;
				if (json_is_object(m))
					json_object_set(json_object_get(pvc, "metadata"), copy[c], m);
			}
			if (ctl_create(s, "", "persistentvolumeclaims", s_of(pod, "metadata.namespace"), pvc, pod) == 0)
				dirty = true;
			json_decref(pvc);
		}
	}
}

static void tick(struct ctl_loop *l)
{
	struct ctl_list vols = { 0 }, claims = { 0 }, classes = { 0 }, pods = { 0 };

	if (!dirty)
		return;
	dirty = false;
	if (ctl_list(l->store, "core/persistentvolumes/", &vols) < 0 ||
	    ctl_list(l->store, "core/persistentvolumeclaims/", &claims) < 0 ||
	    ctl_list(l->store, "storage.k8s.io/storageclasses/", &classes) < 0 ||
	    ctl_list(l->store, "core/pods/", &pods) < 0) {
		dirty = true;
		goto out;
	}
	sync_ephemeral(l->store, &pods, &claims);
	for (size_t i = 0; i < claims.n; i++) {
		struct ctl_obj *c = &claims.v[i];
		if (protect(l->store, c, &pods) || ctl_terminating(c->obj))
			continue;
		if (*s_of(c->obj, "spec.volumeName") && !strcmp(s_of(c->obj, "status.phase"), "Bound")) {
			pin_volume(l->store, c, &vols, &pods);
			sync_expand(l->store, c, &vols, &classes);
		}
		else
			sync_pending(l->store, c, &vols, &classes, &pods);
	}
	for (size_t i = 0; i < vols.n; i++)
		sync_volume(l->store, &vols.v[i], &claims);
out:
	ctl_list_free(&vols);
	ctl_list_free(&claims);
	ctl_list_free(&classes);
	ctl_list_free(&pods);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const pfx[] = { "core/persistentvolumes/", "core/persistentvolumeclaims/",
					   "storage.k8s.io/storageclasses/", NULL };
	static const char *const pods[] = { "core/pods/", NULL };
	static const char claim[] = "\"persistentVolumeClaim\"", eph[] = "\"ephemeral\"";

	if (ctl_key_has_prefix(ev->key, pfx))
		dirty = true;
	/* Pods matter only when they use claims (consumers, protection, ephemeral): skip the rest unparsed. */
	else if (ctl_key_has_prefix(ev->key, pods) && ev->value &&
		 (memmem(ev->value->data, ev->value->len, claim, sizeof(claim) - 1) ||
		  memmem(ev->value->data, ev->value->len, eph, sizeof(eph) - 1)))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "persistentvolume",
	.prefix = "",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_pvbinder_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
