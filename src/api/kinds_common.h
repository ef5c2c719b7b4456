/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the per-kind hooks (src/api/kinds_*.c): JSON access by
 * dotted path, defaulting, and validation causes worded as Kubernetes words
 * them (the kubectl user reads these messages verbatim).
 */
#ifndef ATOLL_KINDS_COMMON_H
#define ATOLL_KINDS_COMMON_H

#include <jansson.h>
#include <stdbool.h>

#include "api/kind.h"

/* --- JSON access; all borrow and return borrowed references --- */

/* The value at a dotted path ("spec.template.spec"), or NULL. */
json_t *kj_get(const json_t *obj, const char *path);
/* The string at a dotted path, or NULL when absent or not a string. */
const char *kj_str(const json_t *obj, const char *path);
/* The integer at a dotted path, or def. */
long long kj_int(const json_t *obj, const char *path, long long def);
/* The child object `key` of o, created empty when absent (o must be an object). */
json_t *kj_obj(json_t *o, const char *key);
/* Set o[key] only when it is absent or null. */
void kj_default_str(json_t *o, const char *key, const char *v);
void kj_default_int(json_t *o, const char *key, long long v);
void kj_default_bool(json_t *o, const char *key, bool v);

/*
 * snprintf for field paths and cells: truncation of a too-long path is
 * acceptable, and going through a function keeps -Wformat-truncation quiet.
 */
void kinds_fmt(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- validation causes (see api_cause in kind.h) --- */

void kinds_cause(json_t *causes, const char *reason, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void kinds_required(json_t *causes, const char *field, const char *detail);
/* "Invalid value: <v>: detail"; v is rendered as Go's %#v would (strings quoted). */
void kinds_invalid(json_t *causes, const char *field, const json_t *v, const char *detail);
void kinds_invalid_str(json_t *causes, const char *field, const char *v, const char *detail);
/* supported: NULL-terminated list. */
void kinds_unsupported(json_t *causes, const char *field, const char *v,
		       const char *const *supported);
void kinds_duplicate(json_t *causes, const char *field, const json_t *v);
void kinds_forbidden(json_t *causes, const char *field, const char *detail);
void kinds_too_long(json_t *causes, const char *field, long long max);

/* --- syntax checks; each appends causes and returns true when valid --- */

bool kinds_is_dns1123_label(const char *s);
bool kinds_is_dns1123_subdomain(const char *s);
bool kinds_is_dns1035_label(const char *s);
bool kinds_check_dns1123_label(json_t *causes, const char *field, const char *s);
bool kinds_check_dns1123_subdomain(json_t *causes, const char *field, const char *s);
bool kinds_check_dns1035_label(json_t *causes, const char *field, const char *s);
bool kinds_check_qualified_name(json_t *causes, const char *field, const char *s);
bool kinds_check_label_value(json_t *causes, const char *field, const char *s);
void kinds_check_labels(json_t *causes, const char *field, const json_t *labels);
void kinds_check_annotations(json_t *causes, const char *field, const json_t *ann);
/* A metav1.LabelSelector at `field`; empty selectors are left to the caller. */
void kinds_check_label_selector(json_t *causes, const char *field, const json_t *sel);

enum kinds_name_rule {
	KINDS_NAME_SUBDOMAIN, /* most kinds */
	KINDS_NAME_LABEL,     /* Namespace, ... */
	KINDS_NAME_DNS1035,   /* Service */
	KINDS_NAME_PATH,      /* RBAC, ...: any name without '/' or '%', not "." or ".." */
};

/*
 * ObjectMeta checks every kind shares: name (per rule), namespace presence,
 * labels, annotations; on update (old != NULL) name and namespace are fixed.
 */
void kinds_check_meta(const struct api_kind *k, const json_t *obj, const json_t *old,
		      enum kinds_name_rule rule, json_t *causes);

/* "field is immutable" when obj and old differ at path (both objects may lack it). */
void kinds_check_immutable(json_t *causes, const json_t *obj, const json_t *old,
			   const char *path);

/*
 * Quantities ("100m", "1Gi", "1e3"). Until src/api/quantity.h is merged this
 * is our own small parser; value is in units (cores, bytes), as a double.
 */
bool kinds_quantity_valid(const char *s);
bool kinds_quantity_value(const char *s, double *value);

/* Validation hooks shared by several kinds. */
void kinds_validate_meta_only(const struct api_kind *k, const json_t *obj, const json_t *old,
			      json_t *causes);
void kinds_validate_meta_path(const struct api_kind *k, const json_t *obj,
				  const json_t *old, json_t *causes);

/*
 * Pod specs, shared by Pods and every pod template (kinds_pod.c). field is
 * the path of the spec ("spec", "spec.template.spec").
 */
void kinds_podspec_defaults(json_t *spec);
void kinds_podtemplate_defaults(json_t *tmpl);
void kinds_podspec_validate(const json_t *spec, const char *field, json_t *causes);
/*
 * Container kinds (kinds_pod_ctr.c). f is the container's field path.
 * restartPolicy: only Always (a sidecar), only on init containers, and
 * probes or hooks only on sidecars among init containers.
 */
void kinds_check_restart_policy(json_t *causes, const char *f, const json_t *c, bool init);
/* An ephemeral container of spec: no ports, probes, hooks, resources; its target exists. */
void kinds_check_ephemeral(json_t *causes, const char *f, const json_t *c, const json_t *spec);
/* Existing ephemeral containers may be neither changed nor removed. */
void kinds_check_ephemeral_update(json_t *causes, const json_t *spec, const json_t *old_spec);
/* Every metadata of a template: labels and annotations syntax. */
void kinds_podtemplate_validate(const json_t *tmpl, const char *field, json_t *causes);

/* Whether a metav1.LabelSelector object selects labels (kinds_apps.c). */
bool kinds_selector_matches(const json_t *sel, const json_t *labels);

/* A CronJob schedule; on error why says what is wrong (kinds_batch.c). */
bool kinds_cron_valid(const char *sched, char *why, size_t whylen);

/* Field selectors (kinds_fields.c): per-kind label lists, support and values. */
extern const char *const kinds_pod_fields[], *const kinds_event_fields[],
	*const kinds_secret_fields[], *const kinds_node_fields[], *const kinds_namespace_fields[],
	*const kinds_replicaset_fields[], *const kinds_job_fields[];
bool kinds_field_supported(const struct api_kind *k, const char *label);
/*
 * obj's value for a supported field label, as a string ("" when absent):
 * borrowed from obj, or written to buf (n bytes) for numbers.
 */
const char *kinds_field_value(const struct api_kind *k, const json_t *obj, const char *label,
			      char *buf, size_t n);

/*
 * The scale subresource (kinds_scale.c): kinds_scale_get() returns the owned
 * autoscaling/v1 Scale of a workload; kinds_scale_set() copies a Scale's
 * spec.replicas into obj, or appends causes and returns -1.
 */
json_t *kinds_scale_get(const struct api_kind *k, const json_t *obj);
int kinds_scale_set(json_t *obj, const json_t *scale, json_t *causes);

/* Lookups over the built-in table only (kinds_find covers CRDs too). */
const struct api_kind *kinds_builtin_find(const char *group, const char *version,
					  const char *resource);
const struct api_kind *kinds_builtin_find_kind(const char *group, const char *version,
					       const char *kind);
/* The strategic-merge key of the list at path ("spec.containers"), or NULL (atomic). */
const char *kinds_merge_key(const struct api_kind *k, const char *path);

#endif
