/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers of the schema code: field paths, value printing, numbers. */
#include <math.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/kind.h"
#include "api/schema_int.h"
#include "lib/jdump.h"
#include "lib/xalloc.h"

char *schema_path_field(const char *path, const char *name)
{
	if (!path || !*path)
		return xstrdup(name);
	return xasprintf("%s.%s", path, name);
}

char *schema_path_index(const char *path, size_t i)
{
	return xasprintf("%s[%zu]", path ? path : "", i);
}

char *schema_path_key(const char *path, const char *key)
{
	return xasprintf("%s[%s]", path ? path : "", key);
}

const char *schema_type_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

/* Cut s at n-1 bytes without splitting a UTF-8 sequence, adding "...". */
static void cut_utf8(char *s, size_t n)
{
	size_t len = strlen(s);

	if (len < n)
		return;
	if (n < 8) {
		s[0] = '\0';
		return;
	}
	size_t end = n - 4;
	while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
		end--;
	memcpy(s + end, "...", 4);
}

char *schema_fmt_value(const json_t *v, char *out, size_t n)
{
	if (!n)
		return out;
	out[0] = '\0';
	if (!v)
		snprintf(out, n, "null");
	else if (json_is_string(v))
		snprintf(out, n, "\"%s\"", json_string_value(v));
	else {
		char *d = jdump(v, JSON_COMPACT | JSON_ENCODE_ANY, NULL);
		snprintf(out, n, "%s", d ? d : "?");
		free(d);
	}
	cut_utf8(out, n);
	return out;
}

char *schema_fmt_number(double d, char *out, size_t n)
{
	/* The shortest form that reads back as the same double: 0.1, not 0.10000000000000001. */
	if (d == floor(d) && fabs(d) < 1e15) {
		snprintf(out, n, "%.0f", d);
		return out;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	return out;
}

bool schema_flag(const json_t *s, const char *key)
{
	return json_is_true(json_object_get(s, key));
}

bool schema_number(const json_t *v, double *d)
{
	if (json_is_integer(v))
		*d = (double)json_integer_value(v);
	else if (json_is_real(v))
		*d = json_real_value(v);
	else
		return false;
	return true;
}

bool schema_is_integer(const json_t *v)
{
	if (json_is_integer(v))
		return true;
	if (!json_is_real(v))
		return false;
	double d = json_real_value(v);
	return isfinite(d) && d == floor(d);
}

void schema_cause_at(json_t *causes, const char *reason, const char *path, const char *key,
		     const char *fmt, ...)
{
	char *field = key ? schema_path_field(path, key) : xstrdup(path ? path : "");
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	api_cause(causes, reason, field, "%s", msg ? msg : "");
	free(msg);
	free(field);
}
