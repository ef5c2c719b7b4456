/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the per-kind hooks: JSON paths, defaults, Kubernetes-worded causes. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kinds_common.h"
#include "lib/xalloc.h"

json_t *kj_get(const json_t *obj, const char *path)
{
	const json_t *cur = obj;
	const char *p = path;

	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (!json_is_object(cur))
			return NULL;
		cur = json_object_getn(cur, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	return (json_t *)cur;
}

const char *kj_str(const json_t *obj, const char *path)
{
	return json_string_value(kj_get(obj, path));
}

long long kj_int(const json_t *obj, const char *path, long long def)
{
	json_t *v = kj_get(obj, path);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

json_t *kj_obj(json_t *o, const char *key)
{
	json_t *c = json_object_get(o, key);

	if (!json_is_object(c)) {
		c = json_object();
		json_object_set_new(o, key, c);
	}
	return c;
}

static bool kj_absent(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return !v || json_is_null(v);
}

void kj_default_str(json_t *o, const char *key, const char *v)
{
	if (json_is_object(o) && kj_absent(o, key))
		json_object_set_new(o, key, json_string(v));
}

void kj_default_int(json_t *o, const char *key, long long v)
{
	if (json_is_object(o) && kj_absent(o, key))
		json_object_set_new(o, key, json_integer(v));
}

void kj_default_bool(json_t *o, const char *key, bool v)
{
	if (json_is_object(o) && kj_absent(o, key))
		json_object_set_new(o, key, json_boolean(v));
}

void kinds_fmt(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

/* ---- causes ---- */

void kinds_cause(json_t *causes, const char *reason, const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(causes, json_pack("{s:s,s:s,s:s}", "reason", reason,
						"message", msg, "field", field));
}

void kinds_required(json_t *causes, const char *field, const char *detail)
{
	if (detail && *detail)
		kinds_cause(causes, "FieldValueRequired", field, "Required value: %s", detail);
	else
		kinds_cause(causes, "FieldValueRequired", field, "Required value");
}

/* Render v roughly as Go's %#v does in field.Invalid: quoted strings, bare numbers. */
static char *kinds_render(const json_t *v)
{
	if (!v || json_is_null(v))
		return xstrdup("null");
	if (json_is_string(v))
		return xasprintf("\"%s\"", json_string_value(v));
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
}

void kinds_invalid(json_t *causes, const char *field, const json_t *v, const char *detail)
{
	_cleanup_free_ char *s = kinds_render(v);

	kinds_cause(causes, "FieldValueInvalid", field, "Invalid value: %s: %s", s, detail);
}

void kinds_invalid_str(json_t *causes, const char *field, const char *v, const char *detail)
{
	kinds_cause(causes, "FieldValueInvalid", field, "Invalid value: \"%s\": %s", v, detail);
}

void kinds_unsupported(json_t *causes, const char *field, const char *v,
		       const char *const *supported)
{
	char list[512] = "";
	size_t n = 0;

	for (int i = 0; supported[i] && n < sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, "%s\"%s\"", i ? ", " : "", supported[i]);
	kinds_cause(causes, "FieldValueNotSupported", field,
		    "Unsupported value: \"%s\": supported values: %s", v, list);
}

void kinds_duplicate(json_t *causes, const char *field, const json_t *v)
{
	_cleanup_free_ char *s = kinds_render(v);

	kinds_cause(causes, "FieldValueDuplicate", field, "Duplicate value: %s", s);
}

void kinds_forbidden(json_t *causes, const char *field, const char *detail)
{
	kinds_cause(causes, "FieldValueForbidden", field, "Forbidden: %s", detail);
}

void kinds_too_long(json_t *causes, const char *field, long long max)
{
	kinds_cause(causes, "FieldValueTooLong", field, "Too long: may not be more than %lld bytes",
		    max);
}

/* ---- names ---- */

#define DNS1123_LABEL_MSG "a lowercase RFC 1123 label must consist of lower case alphanumeric " \
	"characters or '-', and must start and end with an alphanumeric character (e.g. " \
	"'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1123_SUBDOMAIN_MSG "a lowercase RFC 1123 subdomain must consist of lower case " \
	"alphanumeric characters, '-' or '.', and must start and end with an alphanumeric " \
	"character (e.g. 'example.com', regex used for validation is " \
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define DNS1035_LABEL_MSG "a DNS-1035 label must consist of lower case alphanumeric " \
	"characters or '-', start with an alphabetic character, and end with an alphanumeric " \
	"character (e.g. 'my-name',  or 'abc-123', regex used for validation is " \
	"'[a-z]([-a-z0-9]*[a-z0-9])?')"
#define QNAME_MSG "name part must consist of alphanumeric characters, '-', '_' or '.', and " \
	"must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or " \
	"'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG "a valid label must be an empty string or consist of alphanumeric " \
	"characters, '-', '_' or '.', and must start and end with an alphanumeric character " \
	"(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool label_syntax(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool kinds_is_dns1123_label(const char *s)
{
	size_t n = strlen(s);

	return n <= 63 && label_syntax(s, n);
}

static bool subdomain_syntax(const char *s)
{
	const char *p = s;

	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (!label_syntax(p, n))
			return false;
		if (!dot)
			return true;
		p = dot + 1;
	}
}

bool kinds_is_dns1123_subdomain(const char *s)
{
	return strlen(s) <= 253 && subdomain_syntax(s);
}

bool kinds_is_dns1035_label(const char *s)
{
	return kinds_is_dns1123_label(s) && s[0] >= 'a' && s[0] <= 'z';
}

static void length_cause(json_t *causes, const char *field, const char *s, int max)
{
	char d[64];

	kinds_fmt(d, sizeof(d), "must be no more than %d characters", max);
	kinds_invalid_str(causes, field, s, d);
}

bool kinds_check_dns1123_label(json_t *causes, const char *field, const char *s)
{
	bool ok = true;

	if (strlen(s) > 63) {
		length_cause(causes, field, s, 63);
		ok = false;
	}
	if (!label_syntax(s, strlen(s))) {
		kinds_invalid_str(causes, field, s, DNS1123_LABEL_MSG);
		ok = false;
	}
	return ok;
}

bool kinds_check_dns1123_subdomain(json_t *causes, const char *field, const char *s)
{
	bool ok = true;

	if (strlen(s) > 253) {
		length_cause(causes, field, s, 253);
		ok = false;
	}
	if (!subdomain_syntax(s)) {
		kinds_invalid_str(causes, field, s, DNS1123_SUBDOMAIN_MSG);
		ok = false;
	}
	return ok;
}

bool kinds_check_dns1035_label(json_t *causes, const char *field, const char *s)
{
	bool ok = true;

	if (strlen(s) > 63) {
		length_cause(causes, field, s, 63);
		ok = false;
	}
	if (!label_syntax(s, strlen(s)) || !(s[0] >= 'a' && s[0] <= 'z')) {
		kinds_invalid_str(causes, field, s, DNS1035_LABEL_MSG);
		ok = false;
	}
	return ok;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n) */
static bool qname_syntax(const char *s, size_t n)
{
	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

bool kinds_check_qualified_name(json_t *causes, const char *field, const char *s)
{
	const char *slash = strchr(s, '/');
	const char *name = slash ? slash + 1 : s;
	bool ok = true;

	if (slash) {
		_cleanup_free_ char *prefix = xstrndup(s, (size_t)(slash - s));

		if (!*prefix) {
			kinds_invalid_str(causes, field, s, "prefix part must be non-empty");
			ok = false;
		} else if (strlen(prefix) > 253 || !subdomain_syntax(prefix)) {
			kinds_invalid_str(causes, field, s, "prefix part " DNS1123_SUBDOMAIN_MSG);
			ok = false;
		}
	}
	if (!*name) {
		kinds_invalid_str(causes, field, s, "name part must be non-empty");
		return false;
	}
	if (strlen(name) > 63) {
		kinds_invalid_str(causes, field, s, "name part must be no more than 63 characters");
		ok = false;
	}
	if (!qname_syntax(name, strlen(name)) || strchr(name, '/')) {
		kinds_invalid_str(causes, field, s, QNAME_MSG);
		ok = false;
	}
	return ok;
}

bool kinds_check_label_value(json_t *causes, const char *field, const char *s)
{
	size_t n = strlen(s);
	bool ok = true;

	if (n > 63) {
		length_cause(causes, field, s, 63);
		ok = false;
	}
	if (n && !qname_syntax(s, n)) {
		kinds_invalid_str(causes, field, s, LABEL_VALUE_MSG);
		ok = false;
	}
	return ok;
}

void kinds_check_labels(json_t *causes, const char *field, const json_t *labels)
{
	const char *key;
	json_t *v;

	if (!labels || json_is_null(labels))
		return;
	json_object_foreach((json_t *)labels, key, v) {
		kinds_check_qualified_name(causes, field, key);
		if (!json_is_string(v)) {
			kinds_invalid(causes, field, v, "label values must be strings");
			continue;
		}
		kinds_check_label_value(causes, field, json_string_value(v));
	}
}

#define ANNOTATIONS_MAX 262144

void kinds_check_annotations(json_t *causes, const char *field, const json_t *ann)
{
	const char *key;
	json_t *v;
	size_t total = 0;

	if (!ann || json_is_null(ann))
		return;
	json_object_foreach((json_t *)ann, key, v) {
		/* Kubernetes checks annotation keys as lowercase qualified names. */
		_cleanup_free_ char *lower = xstrdup(key);

		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		kinds_check_qualified_name(causes, field, lower);
		total += strlen(key) + (json_is_string(v) ? json_string_length(v) : 0);
	}
	if (total > ANNOTATIONS_MAX)
		kinds_cause(causes, "FieldValueTooLong", field,
			    "Too long: may not be more than %d bytes", ANNOTATIONS_MAX);
}

void kinds_check_label_selector(json_t *causes, const char *field, const json_t *sel)
{
	static const char *const ops[] = { "In", "NotIn", "Exists", "DoesNotExist", NULL };
	char f[256];
	size_t i;
	json_t *req;

	if (!sel || json_is_null(sel))
		return;
	kinds_fmt(f, sizeof(f), "%s.matchLabels", field);
	kinds_check_labels(causes, f, json_object_get(sel, "matchLabels"));
	json_array_foreach(json_object_get(sel, "matchExpressions"), i, req) {
		const char *op = json_string_value(json_object_get(req, "operator"));
		const char *key = json_string_value(json_object_get(req, "key"));
		size_t nvals = json_array_size(json_object_get(req, "values"));

		kinds_fmt(f, sizeof(f), "%s.matchExpressions[%zu].key", field, i);
		if (!key)
			kinds_required(causes, f, NULL);
		else
			kinds_check_qualified_name(causes, f, key);
		kinds_fmt(f, sizeof(f), "%s.matchExpressions[%zu].operator", field, i);
		if (!op) {
			kinds_required(causes, f, NULL);
			continue;
		}
		kinds_fmt(f, sizeof(f), "%s.matchExpressions[%zu].values", field, i);
		if ((!strcmp(op, "In") || !strcmp(op, "NotIn")) && nvals == 0)
			kinds_required(causes, f, "must be specified when `operator` is 'In' or 'NotIn'");
		else if ((!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) && nvals)
			kinds_forbidden(causes, f,
					"may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
		else if (strcmp(op, "In") && strcmp(op, "NotIn") && strcmp(op, "Exists") &&
			 strcmp(op, "DoesNotExist")) {
			kinds_fmt(f, sizeof(f), "%s.matchExpressions[%zu].operator", field, i);
			kinds_unsupported(causes, f, op, ops);
		}
	}
}

/* ---- metadata ---- */

static void check_path_segment(json_t *causes, const char *field, const char *s)
{
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		kinds_invalid_str(causes, field, s, "may not be '.' or '..'");
	else if (strchr(s, '/'))
		kinds_invalid_str(causes, field, s, "may not contain '/'");
	else if (strchr(s, '%'))
		kinds_invalid_str(causes, field, s, "may not contain '%'");
}

void kinds_check_meta(const struct api_kind *k, const json_t *obj, const json_t *old,
		      enum kinds_name_rule rule, json_t *causes)
{
	json_t *meta = json_object_get(obj, "metadata");
	const char *name = kj_str(meta, "name");
	const char *ns = kj_str(meta, "namespace");

	if (!name || !*name) {
		if (!kj_str(meta, "generateName"))
			kinds_required(causes, "metadata.name", "name or generateName is required");
	} else {
		switch (rule) {
		case KINDS_NAME_SUBDOMAIN:
			kinds_check_dns1123_subdomain(causes, "metadata.name", name);
			break;
		case KINDS_NAME_LABEL:
			kinds_check_dns1123_label(causes, "metadata.name", name);
			break;
		case KINDS_NAME_DNS1035:
			kinds_check_dns1035_label(causes, "metadata.name", name);
			break;
		case KINDS_NAME_PATH:
			check_path_segment(causes, "metadata.name", name);
			break;
		}
	}
	if (k->namespaced) {
		if (!ns || !*ns)
			kinds_required(causes, "metadata.namespace", NULL);
		else
			kinds_check_dns1123_label(causes, "metadata.namespace", ns);
	} else if (ns && *ns) {
		kinds_forbidden(causes, "metadata.namespace", "not allowed on this type");
	}
	kinds_check_labels(causes, "metadata.labels", json_object_get(meta, "labels"));
	kinds_check_annotations(causes, "metadata.annotations",
				json_object_get(meta, "annotations"));
	if (old) {
		kinds_check_immutable(causes, obj, old, "metadata.name");
		kinds_check_immutable(causes, obj, old, "metadata.namespace");
	}
}

void kinds_check_immutable(json_t *causes, const json_t *obj, const json_t *old,
			   const char *path)
{
	json_t *a = kj_get(obj, path), *b = kj_get(old, path);

	if (a && json_is_null(a))
		a = NULL;
	if (b && json_is_null(b))
		b = NULL;
	if ((a || b) && !(a && b && json_equal(a, b)))
		kinds_invalid(causes, path, a, "field is immutable");
}

void kinds_validate_meta_only(const struct api_kind *k, const json_t *obj, const json_t *old,
			      json_t *causes)
{
	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
}

void kinds_validate_meta_path(const struct api_kind *k, const json_t *obj, const json_t *old,
			      json_t *causes)
{
	kinds_check_meta(k, obj, old, KINDS_NAME_PATH, causes);
}

/* ---- quantities ---- */

/*
 * <signedNumber><suffix>: suffix is a binary SI (Ki..Ei), a decimal SI
 * (n u m "" k M G T P E) or a decimal exponent (e3, E-2).
 */
bool kinds_quantity_value(const char *s, double *value)
{
	static const struct { const char *sfx; double mul; } sfx[] = {
		{ "Ki", 0x1p10 }, { "Mi", 0x1p20 }, { "Gi", 0x1p30 }, { "Ti", 0x1p40 },
		{ "Pi", 0x1p50 }, { "Ei", 0x1p60 }, { "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 },
		{ "k", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 },
		{ "E", 1e18 }, { "", 1 },
	};
	const char *p = s;
	double num;
	char *end;
	int digits = 0;

	if (!s || !*s)
		return false;
	if (*p == '+' || *p == '-')
		p++;
	for (const char *q = p; isdigit((unsigned char)*q) || *q == '.'; q++)
		digits += isdigit((unsigned char)*q) ? 1 : 0;
	if (!digits || !(isdigit((unsigned char)*p) || *p == '.'))
		return false;
	/* Parse the number part ourselves so strtod does not eat "e3" or "inf". */
	size_t nlen = strspn(p, "0123456789.");
	if (memchr(p, '.', nlen) != memrchr(p, '.', nlen))
		return false;
	_cleanup_free_ char *numstr = xstrndup(s, (size_t)(p - s) + nlen);
	num = strtod(numstr, &end);
	p += nlen;
	if (*p == 'e' || *p == 'E') {
		char *eend;
		long e;

		if (p[1] && (isdigit((unsigned char)p[1]) || p[1] == '-' || p[1] == '+')) {
			e = strtol(p + 1, &eend, 10);
			if (*eend || eend == p + 1)
				return false;
			*value = num * pow(10, (double)e);
			return true;
		}
		if (p[1])
			return false;
	}
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (!strcmp(p, sfx[i].sfx)) {
			*value = num * sfx[i].mul;
			return true;
		}
	}
	return false;
}

bool kinds_quantity_valid(const char *s)
{
	double v;

	return kinds_quantity_value(s, &v);
}
