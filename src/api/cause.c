/* SPDX-License-Identifier: Apache-2.0 */
/* api_cause: append one Kubernetes StatusCause to a JSON array. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kind.h"

/* A JSON string even from bytes that are not UTF-8 (those become '?'). */
static json_t *cause_string(char *s)
{
	json_t *j = json_string(s);

	if (j)
		return j;
	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p >= 0x80)
			*p = '?';
	return json_string(s);
}

void api_cause(json_t *causes, const char *reason, const char *field, const char *fmt, ...)
{
	char *msg = NULL, *f = NULL;
	va_list ap;

	if (!causes)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	json_t *c = json_object();
	json_object_set_new(c, "reason", json_string(reason ? reason : "FieldValueInvalid"));
	json_object_set_new(c, "message", msg ? cause_string(msg) : json_string(""));
	if (field && *field && (f = strdup(field)))
		json_object_set_new(c, "field", cause_string(f));
	free(msg);
	free(f);
	json_array_append_new(causes, c);
}
