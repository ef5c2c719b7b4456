/* SPDX-License-Identifier: Apache-2.0 */
/* CustomResourceDefinition (apiextensions.k8s.io/v1) defaulting and validation. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api/kind.h"
#include "api/schema.h"
#include "api/schema_int.h"
#include "lib/xalloc.h"

static const char dns1035_msg[] = "a lowercase RFC 1035 label must consist of lower case alphanumeric "
	"characters or '-', start with an alphabetic character, and end with an alphanumeric character";
static const char dns1123_msg[] = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
	"characters, '-' or '.', and must start and end with an alphanumeric character";

static bool is_dns1035_label(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 63 || !(s[0] >= 'a' && s[0] <= 'z') || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool is_dns1123_subdomain(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && c != '-' && c != '.')
			return false;
		/* Labels start and end with an alphanumeric character. */
		if (!alnum && (i == 0 || i == n - 1 || s[i - 1] == '.' || (c == '.' && s[i - 1] == '-')))
			return false;
	}
	return true;
}

static char *lower(const char *s)
{
	char *l = xstrdup(s);

	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

static const char *str_at(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

void crd_default(json_t *crd)
{
	json_t *spec = json_object_get(crd, "spec");
	json_t *names, *conv, *versions, *v;
	size_t i;

	if (!json_is_object(spec))
		return;
	names = json_object_get(spec, "names");
	const char *kind = str_at(names, "kind");
	if (json_is_object(names) && kind && *kind) {
		if (!str_at(names, "singular")) {
			char *l = lower(kind);
			json_object_set_new(names, "singular", json_string(l));
			free(l);
		}
		if (!str_at(names, "listKind")) {
			char *lk = xasprintf("%sList", kind);
			json_object_set_new(names, "listKind", json_string(lk));
			free(lk);
		}
	}
	conv = json_object_get(spec, "conversion");
	if (!conv) {
		conv = json_object();
		json_object_set_new(spec, "conversion", conv);
	}
	if (json_is_object(conv) && !json_object_get(conv, "strategy"))
		json_object_set_new(conv, "strategy", json_string("None"));
	json_t *svc = json_object_get(json_object_get(json_object_get(conv, "webhook"), "clientConfig"), "service");
	if (json_is_object(svc) && !json_object_get(svc, "port"))
		json_object_set_new(svc, "port", json_integer(443));
	versions = json_object_get(spec, "versions");
	json_array_foreach(versions, i, v) {
		if (!json_is_object(v))
			continue;
		if (!json_object_get(v, "served"))
			json_object_set_new(v, "served", json_false());
		if (!json_object_get(v, "storage"))
			json_object_set_new(v, "storage", json_false());
	}
}

const json_t *crd_version(const json_t *crd, const char *version)
{
	const json_t *versions = json_object_get(json_object_get(crd, "spec"), "versions"), *v;
	size_t i;

	json_array_foreach(versions, i, v) {
		const char *name = str_at(v, "name");
		if (name && version && !strcmp(name, version))
			return v;
	}
	return NULL;
}

const char *crd_storage_version(const json_t *crd)
{
	const json_t *versions = json_object_get(json_object_get(crd, "spec"), "versions"), *v;
	size_t i;

	json_array_foreach(versions, i, v)
		if (schema_flag(v, "storage"))
			return str_at(v, "name");
	return NULL;
}

/* A required string field; returns it or NULL after adding a cause. */
static const char *required_str(const json_t *obj, const char *key, const char *path, json_t *causes)
{
	const json_t *v = json_object_get(obj, key);
	char *f = schema_path_field(path, key);
	const char *s = NULL;

	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		api_cause(causes, "FieldValueRequired", f, "Required value");
	else if (!json_is_string(v))
		api_cause(causes, "FieldValueTypeInvalid", f, "Invalid value: \"%s\": %s must be of type string",
			  schema_type_of(v), f);
	else
		s = json_string_value(v);
	free(f);
	return s;
}

static void label_check(const char *value, const char *field, json_t *causes)
{
	char *l = lower(value);

	if (!is_dns1035_label(l))
		api_cause(causes, "FieldValueInvalid", field, "Invalid value: \"%s\": %s", value, dns1035_msg);
	free(l);
}

static void validate_names(const json_t *names, json_t *causes)
{
	const char *path = "spec.names";

	if (!json_is_object(names)) {
		api_cause(causes, "FieldValueRequired", path, "Required value");
		return;
	}
	const char *plural = required_str(names, "plural", path, causes);
	if (plural && !is_dns1035_label(plural))
		api_cause(causes, "FieldValueInvalid", "spec.names.plural", "Invalid value: \"%s\": %s", plural, dns1035_msg);
	const char *singular = str_at(names, "singular");
	if (singular && !is_dns1035_label(singular))
		api_cause(causes, "FieldValueInvalid", "spec.names.singular", "Invalid value: \"%s\": %s", singular, dns1035_msg);
	const char *kind = required_str(names, "kind", path, causes);
	if (kind)
		label_check(kind, "spec.names.kind", causes);
	const char *list_kind = required_str(names, "listKind", path, causes);
	if (list_kind)
		label_check(list_kind, "spec.names.listKind", causes);
	if (kind && list_kind && !strcmp(kind, list_kind))
		api_cause(causes, "FieldValueInvalid", "spec.names.listKind",
			  "Invalid value: \"%s\": kind and listKind may not be the same", list_kind);
	static const char *const lists[] = { "shortNames", "categories" };
	for (int l = 0; l < 2; l++) {
		const json_t *arr = json_object_get(names, lists[l]), *e;
		size_t i;
		char *lp = schema_path_field(path, lists[l]);
		if (arr && !json_is_array(arr))
			api_cause(causes, "FieldValueTypeInvalid", lp, "Invalid value: must be an array of strings");
		json_array_foreach(arr, i, e) {
			char *p = schema_path_index(lp, i);
			if (!json_is_string(e) || !is_dns1035_label(json_string_value(e)))
				api_cause(causes, "FieldValueInvalid", p, "Invalid value: \"%s\": %s",
					  json_is_string(e) ? json_string_value(e) : "", dns1035_msg);
			free(p);
		}
		free(lp);
	}
}

/* A path like ".spec.replicas": simple (no [ ]), under one of the given roots. */
static void scale_path(const json_t *scale, const char *key, const char *path, bool required,
		       const char *roots, json_t *causes)
{
	const json_t *v = json_object_get(scale, key);
	char *f = schema_path_field(path, key);

	if (!v) {
		if (required)
			api_cause(causes, "FieldValueRequired", f, "Required value");
	} else {
		const char *s = json_string_value(v);
		bool ok = s && !strchr(s, '[') && schema_jsonpath_check(s, 0) == 0 && s[0] == '.';
		bool under = false;
		if (ok) {
			char *copy = xstrdup(roots);
			for (char *save = NULL, *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save))
				if (!strncmp(s, r, strlen(r)) && s[strlen(r)])
					under = true;
			free(copy);
		}
		if (!ok || !under)
			api_cause(causes, "FieldValueInvalid", f, "Invalid value: \"%s\": should be a json path under %s",
				  s ? s : "", strcmp(roots, ".spec.,.status.") ? roots : "either .spec or .status");
	}
	free(f);
}

static void validate_subresources(const json_t *sub, const char *path, json_t *causes)
{
	const json_t *status = json_object_get(sub, "status");
	const json_t *scale = json_object_get(sub, "scale");

	if (!sub)
		return;
	if (!json_is_object(sub)) {
		api_cause(causes, "FieldValueTypeInvalid", path, "Invalid value: must be an object");
		return;
	}
	if (status && !json_is_object(status)) {
		char *f = schema_path_field(path, "status");
		api_cause(causes, "FieldValueTypeInvalid", f, "Invalid value: must be an object");
		free(f);
	}
	if (scale) {
		char *sp = schema_path_field(path, "scale");
		if (!json_is_object(scale))
			api_cause(causes, "FieldValueTypeInvalid", sp, "Invalid value: must be an object");
		else {
			scale_path(scale, "specReplicasPath", sp, true, ".spec.", causes);
			scale_path(scale, "statusReplicasPath", sp, true, ".status.", causes);
			scale_path(scale, "labelSelectorPath", sp, false, ".spec.,.status.", causes);
		}
		free(sp);
	}
}

static void validate_columns(const json_t *cols, const char *path, json_t *causes)
{
	static const char *const types[] = { "integer", "number", "string", "boolean", "date" };
	static const char *const formats[] = { "int32", "int64", "float", "double", "byte", "date",
					       "date-time", "password" };
	const json_t *c;
	size_t i;

	if (!cols)
		return;
	if (!json_is_array(cols)) {
		api_cause(causes, "FieldValueTypeInvalid", path, "Invalid value: must be an array");
		return;
	}
	json_array_foreach(cols, i, c) {
		char *cp = schema_path_index(path, i);
		required_str(c, "name", cp, causes);
		const char *type = required_str(c, "type", cp, causes);
		bool ok = false;
		for (int t = 0; type && t < 5; t++)
			ok |= !strcmp(type, types[t]);
		if (type && !ok) {
			char *f = schema_path_field(cp, "type");
			api_cause(causes, "FieldValueNotSupported", f, "Unsupported value: \"%s\": supported values: "
				  "\"integer\", \"number\", \"string\", \"boolean\", \"date\"", type);
			free(f);
		}
		const char *format = str_at(c, "format");
		ok = !format || !*format;
		for (int t = 0; format && t < 8; t++)
			ok |= !strcmp(format, formats[t]);
		if (!ok) {
			char *f = schema_path_field(cp, "format");
			api_cause(causes, "FieldValueNotSupported", f, "Unsupported value: \"%s\": supported values: "
				  "\"int32\", \"int64\", \"float\", \"double\", \"byte\", \"date\", \"date-time\", \"password\"",
				  format);
			free(f);
		}
		const char *jp = required_str(c, "jsonPath", cp, causes);
		if (jp && schema_jsonpath_check(jp, 1) < 0) {
			char *f = schema_path_field(cp, "jsonPath");
			api_cause(causes, "FieldValueInvalid", f, "Invalid value: \"%s\": must be a simple json path", jp);
			free(f);
		}
		const json_t *prio = json_object_get(c, "priority");
		if (prio && (!json_is_integer(prio) || json_integer_value(prio) < 0)) {
			char *f = schema_path_field(cp, "priority");
			api_cause(causes, "FieldValueInvalid", f, "Invalid value: must be a non-negative integer");
			free(f);
		}
		free(cp);
	}
}

/*
 * With the status subresource, status is validated on its own as
 * properties.status; root keywords that would constrain it across the
 * whole object are therefore not allowed.
 */
static void check_status_root(const json_t *schema, const char *path, json_t *causes)
{
	static const char *const allowed[] = {
		"description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum",
		"exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
		"uniqueItems", "multipleOf", "required", "items", "properties", "externalDocs", "example",
		"x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations",
	};
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)schema, key, v) {
		size_t i;
		for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			if (!strcmp(key, allowed[i]))
				break;
		if (i == sizeof(allowed) / sizeof(allowed[0])) {
			api_cause(causes, "FieldValueInvalid", path, "Invalid value: \"%s\": only description, type, "
				  "format, title, value validations without allOf/anyOf/oneOf/not/enum, required, items, "
				  "properties, externalDocs, example, x-kubernetes-preserve-unknown-fields and "
				  "x-kubernetes-validations are allowed at the root of the schema if the status "
				  "subresource is enabled", key);
			return;
		}
	}
}

static void validate_versions(const json_t *versions, json_t *causes)
{
	const json_t *v;
	size_t i, storage = 0;

	if (!json_is_array(versions) || !json_array_size(versions)) {
		api_cause(causes, "FieldValueRequired", "spec.versions", "Required value: must have at least one version");
		return;
	}
	json_array_foreach(versions, i, v) {
		char *vp = schema_path_index("spec.versions", i);
		if (!json_is_object(v)) {
			api_cause(causes, "FieldValueTypeInvalid", vp, "Invalid value: must be an object");
			free(vp);
			continue;
		}
		const char *name = required_str(v, "name", vp, causes);
		char *f = schema_path_field(vp, "name");
		if (name && !is_dns1035_label(name))
			api_cause(causes, "FieldValueInvalid", f, "Invalid value: \"%s\": %s", name, dns1035_msg);
		for (size_t j = 0; name && j < i; j++)
			if (!strcmp(str_at(json_array_get(versions, j), "name") ?: "", name)) {
				api_cause(causes, "FieldValueDuplicate", f, "Duplicate value: \"%s\"", name);
				break;
			}
		free(f);
		static const char *const flags[] = { "served", "storage" };
		for (int k = 0; k < 2; k++) {
			const json_t *b = json_object_get(v, flags[k]);
			if (!json_is_boolean(b)) {
				char *bf = schema_path_field(vp, flags[k]);
				api_cause(causes, b ? "FieldValueTypeInvalid" : "FieldValueRequired", bf,
					  b ? "Invalid value: must be a boolean" : "Required value");
				free(bf);
			}
		}
		if (schema_flag(v, "storage"))
			storage++;
		char *sp = xasprintf("%s.schema.openAPIV3Schema", vp);
		const json_t *schema = json_object_get(json_object_get(v, "schema"), "openAPIV3Schema");
		if (!schema)
			api_cause(causes, "FieldValueRequired", sp, "Required value: schemas are required");
		else
			schema_check_structural_at(schema, sp, causes);
		if (json_is_object(json_object_get(json_object_get(v, "subresources"), "status")))
			check_status_root(schema, sp, causes);
		free(sp);
		sp = schema_path_field(vp, "subresources");
		validate_subresources(json_object_get(v, "subresources"), sp, causes);
		free(sp);
		sp = schema_path_field(vp, "additionalPrinterColumns");
		validate_columns(json_object_get(v, "additionalPrinterColumns"), sp, causes);
		free(sp);
		free(vp);
	}
	if (storage != 1)
		api_cause(causes, "FieldValueInvalid", "spec.versions",
			  "Invalid value: %zu: must have exactly one version marked as storage version", storage);
}

static void validate_conversion(const json_t *conv, json_t *causes)
{
	if (!conv)
		return;
	const char *strategy = str_at(conv, "strategy");
	const json_t *webhook = json_object_get(conv, "webhook");

	if (!strategy || (strcmp(strategy, "None") && strcmp(strategy, "Webhook"))) {
		api_cause(causes, strategy ? "FieldValueNotSupported" : "FieldValueRequired",
			  "spec.conversion.strategy", strategy ?
			  "Unsupported value: \"%s\": supported values: \"None\", \"Webhook\"" : "Required value%s",
			  strategy ? strategy : "");
		return;
	}
	if (!strcmp(strategy, "None") && webhook && !json_is_null(webhook))
		api_cause(causes, "FieldValueForbidden", "spec.conversion.webhook",
			  "Forbidden: should not be set when strategy is not set to Webhook");
	if (!strcmp(strategy, "Webhook")) {
		if (!json_is_object(json_object_get(webhook, "clientConfig")))
			api_cause(causes, "FieldValueRequired", "spec.conversion.webhook.clientConfig",
				  "Required value: required when strategy is set to Webhook");
		if (!json_array_size(json_object_get(webhook, "conversionReviewVersions")))
			api_cause(causes, "FieldValueRequired", "spec.conversion.webhook.conversionReviewVersions",
				  "Required value: must include at least one of v1, v1beta1");
	}
}

void crd_validate(const json_t *crd, json_t *causes)
{
	const json_t *spec = json_object_get(crd, "spec");

	if (!json_is_object(spec)) {
		api_cause(causes, "FieldValueRequired", "spec", "Required value");
		return;
	}
	const char *group = required_str(spec, "group", "spec", causes);
	if (group && !is_dns1123_subdomain(group))
		api_cause(causes, "FieldValueInvalid", "spec.group", "Invalid value: \"%s\": %s", group, dns1123_msg);
	else if (group && !strchr(group, '.'))
		api_cause(causes, "FieldValueInvalid", "spec.group",
			  "Invalid value: \"%s\": should be a domain with at least one dot", group);
	const json_t *names = json_object_get(spec, "names");
	validate_names(names, causes);
	const char *plural = str_at(names, "plural");
	const char *name = str_at(json_object_get(crd, "metadata"), "name");
	if (plural && group) {
		char *want = xasprintf("%s.%s", plural, group);
		if (!name || strcmp(name, want))
			api_cause(causes, "FieldValueInvalid", "metadata.name",
				  "Invalid value: \"%s\": must be spec.names.plural+\".\"+spec.group", name ? name : "");
		free(want);
	}
	const char *scope = required_str(spec, "scope", "spec", causes);
	if (scope && strcmp(scope, "Cluster") && strcmp(scope, "Namespaced"))
		api_cause(causes, "FieldValueNotSupported", "spec.scope",
			  "Unsupported value: \"%s\": supported values: \"Cluster\", \"Namespaced\"", scope);
	validate_versions(json_object_get(spec, "versions"), causes);
	validate_conversion(json_object_get(spec, "conversion"), causes);
	if (schema_flag(spec, "preserveUnknownFields"))
		api_cause(causes, "FieldValueInvalid", "spec.preserveUnknownFields",
			  "Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to "
			  "true in spec.versions[*].schema instead");
}
