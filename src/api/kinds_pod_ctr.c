/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod rules about kinds of containers: sidecars (an init container's
 * restartPolicy), and ephemeral containers, which only the
 * pods/ephemeralcontainers subresource may add and nobody may change or
 * remove (Kubernetes' validateEphemeralContainers and its update rule).
 */
#include <stdio.h>
#include <string.h>

#include "api/kinds_common.h"
#include "lib/xalloc.h"

static const char *const ctr_probes[] = { "livenessProbe", "readinessProbe", "startupProbe", "lifecycle" };

void kinds_check_restart_policy(json_t *causes, const char *f, const json_t *c, bool init)
{
	static const char *const always[] = { "Always", NULL };
	const json_t *rp = json_object_get(c, "restartPolicy");
	const char *s = json_string_value(rp);
	char ff[340];

	kinds_fmt(ff, sizeof(ff), "%s.restartPolicy", f);
	if (rp && !init) {
		kinds_forbidden(causes, ff, "may not be set for non-init containers");
		return;
	}
	if (rp && (!s || strcmp(s, "Always"))) {
		kinds_unsupported(causes, ff, s ? s : "", always);
		return;
	}
	if (!init || rp)
		return;
	/* A plain init container runs to completion: probes and hooks are for sidecars. */
	for (size_t i = 0; i < sizeof(ctr_probes) / sizeof(ctr_probes[0]); i++) {
		if (!json_object_get(c, ctr_probes[i]))
			continue;
		kinds_fmt(ff, sizeof(ff), "%s.%s", f, ctr_probes[i]);
		kinds_forbidden(causes, ff, "may not be set for init containers without restartPolicy=Always");
	}
}

/* Whether v is absent or empty (resources: {} is what clients send). */
static bool empty(const json_t *v)
{
	if (!v || json_is_null(v))
		return true;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
			if (!empty(x))
				return false;
		return true;
	}
	return json_is_array(v) && !json_array_size(v);
}

void kinds_check_ephemeral(json_t *causes, const char *f, const json_t *c, const json_t *spec)
{
	static const char *const banned[] = { "ports", "livenessProbe", "readinessProbe", "startupProbe",
					       "lifecycle", "resources", "resizePolicy", "restartPolicy" };
	char ff[340];

	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
		if (empty(json_object_get(c, banned[i])))
			continue;
		kinds_fmt(ff, sizeof(ff), "%s.%s", f, banned[i]);
		kinds_forbidden(causes, ff, "cannot be set for an Ephemeral Container");
	}
	const char *target = json_string_value(json_object_get(c, "targetContainerName"));
	if (!target || !*target)
		return;
	static const char *const lists[] = { "initContainers", "containers" };
	size_t i;
	json_t *o;
	for (size_t l = 0; l < 2; l++)
		json_array_foreach(json_object_get(spec, lists[l]), i, o)
			if (!strcmp(json_string_value(json_object_get(o, "name")) ?: "", target))
				return;
	kinds_fmt(ff, sizeof(ff), "%s.targetContainerName", f);
	kinds_cause(causes, "FieldValueNotFound", ff, "Not found: \"%s\"", target);
}

static const json_t *by_name(const json_t *list, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(list, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")) ?: "", name))
			return c;
	return NULL;
}

void kinds_check_ephemeral_update(json_t *causes, const json_t *spec, const json_t *old_spec)
{
	const json_t *now = json_object_get(spec, "ephemeralContainers");
	size_t i;
	json_t *c;
	char ff[128] = "spec.ephemeralContainers";

	json_array_foreach(json_object_get(old_spec, "ephemeralContainers"), i, c) {
		const char *name = json_string_value(json_object_get(c, "name")) ?: "";
		const json_t *n = by_name(now, name);
		char why[200];
		if (!n) {
			snprintf(why, sizeof(why), "existing ephemeral containers \"%s\" may not be removed", name);
			kinds_forbidden(causes, "spec.ephemeralContainers", why);
		} else if (!json_equal(n, c)) {
			size_t j;
			json_t *x;
			json_array_foreach(now, j, x)
				if (x == n)
					kinds_fmt(ff, sizeof(ff), "spec.ephemeralContainers[%zu]", j);
			snprintf(why, sizeof(why), "existing ephemeral containers \"%s\" may not be changed", name);
			kinds_forbidden(causes, ff, why);
		}
	}
}
