/* SPDX-License-Identifier: Apache-2.0 */
/* CRD update rules and the status the API server gives an accepted CRD. */
#include <string.h>

#include "api/kind.h"
#include "api/schema.h"
#include "api/schema_int.h"
#include "lib/xalloc.h"

static const char *spec_str(const json_t *crd, const char *key)
{
	return json_string_value(json_object_get(json_object_get(crd, "spec"), key));
}

void crd_validate_update(const json_t *crd, const json_t *old, json_t *causes)
{
	const char *scope = spec_str(crd, "scope"), *old_scope = spec_str(old, "scope");
	const char *group = spec_str(crd, "group"), *old_group = spec_str(old, "group");
	const json_t *stored = json_object_get(json_object_get(old, "status"), "storedVersions"), *v;
	size_t i;

	crd_validate(crd, causes);
	if (scope && old_scope && strcmp(scope, old_scope))
		api_cause(causes, "FieldValueInvalid", "spec.scope", "Invalid value: \"%s\": field is immutable", scope);
	if (group && old_group && strcmp(group, old_group))
		api_cause(causes, "FieldValueInvalid", "spec.group", "Invalid value: \"%s\": field is immutable", group);
	/* Objects may still be stored in these versions: they cannot go away. */
	json_array_foreach(stored, i, v) {
		const char *name = json_string_value(v);
		if (name && !crd_version(crd, name)) {
			char *f = schema_path_index("status.storedVersions", i);
			api_cause(causes, "FieldValueInvalid", f, "Invalid value: \"%s\": must appear in spec.versions", name);
			free(f);
		}
	}
}

/* Set condition `type` in conditions (replace or append). */
static void set_condition(json_t *conds, const char *type, const char *reason, const char *msg,
			  const char *now)
{
	json_t *c, *nc = json_pack("{s:s,s:s,s:s,s:s}", "type", type, "status", "True", "reason", reason,
				   "message", msg);
	size_t i;

	if (now)
		json_object_set_new(nc, "lastTransitionTime", json_string(now));
	json_array_foreach(conds, i, c) {
		const char *t = json_string_value(json_object_get(c, "type"));
		if (t && !strcmp(t, type)) {
			/* Keep the transition time if the status does not change. */
			const char *st = json_string_value(json_object_get(c, "status"));
			json_t *ltt = json_object_get(c, "lastTransitionTime");
			if (st && !strcmp(st, "True") && ltt)
				json_object_set(nc, "lastTransitionTime", ltt);
			json_array_set_new(conds, i, nc);
			return;
		}
	}
	json_array_append_new(conds, nc);
}

void crd_status_accept(json_t *crd, const char *now)
{
	json_t *spec = json_object_get(crd, "spec"), *status, *conds, *stored;
	const char *storage = crd_storage_version(crd);
	size_t i;
	json_t *v;
	bool have = false;

	if (!json_is_object(crd) || !json_is_object(spec))
		return;
	status = json_object_get(crd, "status");
	if (!json_is_object(status)) {
		status = json_object();
		json_object_set_new(crd, "status", status);
	}
	if (json_is_object(json_object_get(spec, "names")))
		json_object_set_new(status, "acceptedNames", json_deep_copy(json_object_get(spec, "names")));
	conds = json_object_get(status, "conditions");
	if (!json_is_array(conds)) {
		conds = json_array();
		json_object_set_new(status, "conditions", conds);
	}
	set_condition(conds, "NamesAccepted", "NoConflicts", "no conflicts found", now);
	set_condition(conds, "Established", "InitialNamesAccepted", "the initial names have been accepted", now);
	stored = json_object_get(status, "storedVersions");
	if (!json_is_array(stored)) {
		stored = json_array();
		json_object_set_new(status, "storedVersions", stored);
	}
	json_array_foreach(stored, i, v)
		have |= storage && json_is_string(v) && !strcmp(json_string_value(v), storage);
	if (storage && !have)
		json_array_append_new(stored, json_string(storage));
}
