/* SPDX-License-Identifier: Apache-2.0 */
/* Storage kinds (PersistentVolume, PersistentVolumeClaim, StorageClass) and CRD objects. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api/kinds_common.h"
#include "api/schema.h"
#include "api/kinds_hooks.h"
#include "lib/xalloc.h"

static void check_access_modes(json_t *causes, const json_t *spec)
{
	static const char *const modes[] = { "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
					     "ReadWriteOncePod", NULL };
	json_t *am = json_object_get(spec, "accessModes");
	size_t i;
	json_t *m;

	if (!json_array_size(am)) {
		kinds_required(causes, "spec.accessModes", NULL);
		return;
	}
	json_array_foreach(am, i, m) {
		const char *s = json_string_value(m);
		bool ok = false;

		for (int j = 0; s && modes[j]; j++)
			ok = ok || !strcmp(s, modes[j]);
		if (!ok)
			kinds_unsupported(causes, "spec.accessModes", s ? s : "", modes);
	}
}

void kinds_pv_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec");

	kj_default_str(spec, "persistentVolumeReclaimPolicy", "Retain");
	kj_default_str(spec, "volumeMode", "Filesystem");
	kj_default_str(kj_obj(obj, "status"), "phase", "Pending");
}

void kinds_pv_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
		       json_t *causes)
{
	static const char *const policies[] = { "Delete", "Recycle", "Retain", NULL };
	json_t *spec = json_object_get(obj, "spec");
	const char *rp = kj_str(spec, "persistentVolumeReclaimPolicy");
	const char *s;

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	check_access_modes(causes, spec);
	if (!kj_get(spec, "capacity.storage"))
		kinds_required(causes, "spec.capacity", NULL);
	else if (!(s = kj_str(spec, "capacity.storage")) || !kinds_quantity_valid(s))
		kinds_invalid(causes, "spec.capacity[storage]", kj_get(spec, "capacity.storage"),
			      "must be a valid quantity");
	if (rp && strcmp(rp, "Delete") && strcmp(rp, "Recycle") && strcmp(rp, "Retain"))
		kinds_unsupported(causes, "spec.persistentVolumeReclaimPolicy", rp, policies);
	if (old)
		kinds_check_immutable(causes, obj, old, "spec.volumeMode");
}

void kinds_pvc_defaults(const struct api_kind *k, json_t *obj)
{
	kj_default_str(kj_obj(obj, "spec"), "volumeMode", "Filesystem");
	kj_default_str(kj_obj(obj, "status"), "phase", "Pending");
}

/* A claim's spec is fixed after creation, except its storage request and a first volumeName. */
static json_t *pvc_masked(const json_t *spec, bool drop_volume)
{
	json_t *m = spec ? json_deep_copy(spec) : json_object();
	json_t *res = json_object_get(m, "resources");

	if (json_is_object(res))
		json_object_del(res, "requests");
	if (drop_volume)
		json_object_del(m, "volumeName");
	json_object_del(m, "volumeAttributesClassName");
	return m;
}

void kinds_pvc_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			json_t *causes)
{
	json_t *spec = json_object_get(obj, "spec");
	json_t *req = kj_get(spec, "resources.requests.storage");

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	check_access_modes(causes, spec);
	if (!req)
		kinds_required(causes, "spec.resources[storage]", NULL);
	else if (!json_is_string(req) || !kinds_quantity_valid(json_string_value(req)))
		kinds_invalid(causes, "spec.resources.requests[storage]", req,
			      "must be a valid quantity");
	if (old) {
		bool had_volume = kj_str(old, "spec.volumeName") && *kj_str(old, "spec.volumeName");
		json_auto_t *a = pvc_masked(spec, !had_volume);
		json_auto_t *b = pvc_masked(json_object_get(old, "spec"), !had_volume);
		json_t *oreq = kj_get(old, "spec.resources.requests.storage");
		double nv = 0, ov = 0;

		if (!json_equal(a, b))
			kinds_forbidden(causes, "spec", "spec is immutable after creation except "
					"resources.requests and volumeAttributesClassName for bound "
					"claims");
		if (json_is_string(req) && json_is_string(oreq) &&
		    kinds_quantity_value(json_string_value(req), &nv) &&
		    kinds_quantity_value(json_string_value(oreq), &ov) && nv < ov)
			kinds_forbidden(causes, "spec.resources.requests.storage",
					"field can not be less than previous value");
	}
}

void kinds_storageclass_defaults(const struct api_kind *k, json_t *obj)
{
	kj_default_str(obj, "reclaimPolicy", "Delete");
	kj_default_str(obj, "volumeBindingMode", "Immediate");
}

void kinds_storageclass_validate(const struct api_kind *k, const json_t *obj,
				 const json_t *old, json_t *causes)
{
	static const char *const modes[] = { "Immediate", "WaitForFirstConsumer", NULL };
	const char *m = kj_str(obj, "volumeBindingMode");
	const char *p = kj_str(obj, "provisioner");

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	if (!p || !*p)
		kinds_required(causes, "provisioner", NULL);
	if (m && strcmp(m, "Immediate") && strcmp(m, "WaitForFirstConsumer"))
		kinds_unsupported(causes, "volumeBindingMode", m, modes);
	if (old) {
		kinds_check_immutable(causes, obj, old, "provisioner");
		kinds_check_immutable(causes, obj, old, "parameters");
		kinds_check_immutable(causes, obj, old, "reclaimPolicy");
		kinds_check_immutable(causes, obj, old, "volumeBindingMode");
	}
}

/* ---- CustomResourceDefinition (the object; its schemas are src/api/schema.c's) ---- */

void kinds_crd_defaults(const struct api_kind *k, json_t *obj)
{
	crd_default(obj);
}

void kinds_crd_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			json_t *causes)
{
	/* The CRD object's rules, schemas included, are src/api/schema_crd.c's. */
	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	crd_validate(obj, causes);
	if (old)
		crd_validate_update(obj, old, causes);
}
