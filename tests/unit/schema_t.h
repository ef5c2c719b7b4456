/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the schema unit tests: JSON literals and cause checks. */
#ifndef ATOLL_SCHEMA_T_H
#define ATOLL_SCHEMA_T_H

#include <jansson.h>

#include "t.h"

/* Parse JSON written with single quotes (tests only; no ' in the data). */
static json_t *J(const char *text)
{
	char *s = strdup(text);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
	free(s);
	return j;
}

/* The cause for field (NULL: any) with that reason, or NULL. */
static const json_t *find_cause(const json_t *causes, const char *reason, const char *field)
{
	size_t i;
	const json_t *c;

	json_array_foreach(causes, i, c) {
		const char *r = json_string_value(json_object_get(c, "reason"));
		const char *f = json_string_value(json_object_get(c, "field"));
		if (r && !strcmp(r, reason) && (!field || (f && !strcmp(f, field))))
			return c;
	}
	return NULL;
}

static void dump_causes(const char *what, const json_t *causes)
{
	char *d = json_dumps(causes, JSON_INDENT(1));
	fprintf(stderr, "%s: %s\n", what, d);
	free(d);
}

static int expect(json_t *causes, const char *reason, const char *field, const char *msg_part, int line)
{
	const json_t *c = find_cause(causes, reason, field);
	int ok = c != NULL;
	if (ok && msg_part) {
		const char *m = json_string_value(json_object_get(c, "message"));
		ok = m && strstr(m, msg_part);
	}
	if (!ok) {
		fprintf(stderr, "line %d: want %s at %s (%s)\n", line, reason, field ? field : "*",
			msg_part ? msg_part : "");
		dump_causes("got", causes);
	}
	json_decref(causes);
	return ok;
}

static int clean(json_t *causes, int line)
{
	int ok = json_array_size(causes) == 0;
	if (!ok) {
		fprintf(stderr, "line %d: want no causes\n", line);
		dump_causes("got", causes);
	}
	json_decref(causes);
	return ok;
}

#define EXPECT(causes, reason, field, msg) CHECK(expect((causes), (reason), (field), (msg), __LINE__))
#define CLEAN(causes) CHECK(clean((causes), __LINE__))

static int json_is(const json_t *got, const char *want_text, int line)
{
	json_t *want = J(want_text);
	int ok = json_equal(got, want);
	if (!ok) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		fprintf(stderr, "line %d: got %s want %s\n", line, g, w);
		free(g);
		free(w);
	}
	json_decref(want);
	return ok;
}
#define JSON_IS(got, want) CHECK(json_is((got), (want), __LINE__))

#endif
