/* SPDX-License-Identifier: Apache-2.0 */
/* jdump writes what json_dumps writes: fixed cases, generated documents, flags it leaves to jansson. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/jdump.h"
#include "t.h"

static bool same_as_jansson(const json_t *j, size_t flags)
{
	size_t n = 0;
	char *a = json_dumps(j, flags), *b = jdump(j, flags, &n);
	bool ok = (!a && !b) || (a && b && !strcmp(a, b) && n == strlen(a));

	if (!ok)
		fprintf(stderr, "  differs from jansson (flags %zx): %s / %s\n", flags, a ? a : "(null)", b ? b : "(null)");
	free(a);
	free(b);
	return ok;
}

static json_t *gen(int depth)
{
	static const char *const strs[] = { "", "a", "name", "x\"y", "back\\slash", "tab\there", "nl\n\r\b\f", "\x01",
					    "\x1f", "\xc3\xa9t\xc3\xa9", "\xf0\x9f\x98\x80", "k:{\"name\":\"main\"}", "/var/run",
					    "\x7f", "bad\xff" };
	size_t ns = sizeof(strs) / sizeof(strs[0]);
	unsigned k = depth > 4 ? t_rnd(6) : t_rnd(8);

	switch (k) {
	case 0: return json_integer((json_int_t)t_rnd(1000000) - 500000);
	case 1: return json_integer((json_int_t)(((uint64_t)t_rnd(1u << 31) << 33) ^ t_rnd(1u << 31)));
	case 2: return json_real((double)t_rnd(100000) / 7.0);
	case 3: { const char *s = strs[t_rnd((unsigned)ns)]; return json_stringn_nocheck(s, t_rnd((unsigned)strlen(s) + 1)); }
	case 4: return t_rnd(3) == 0 ? json_null() : json_boolean(t_rnd(2));
	case 5: { const char *s = strs[t_rnd((unsigned)ns)]; return json_stringn_nocheck(s, strlen(s)); }
	case 6: {
		json_t *a = json_array();
		for (unsigned i = t_rnd(5); i > 0; i--)
			json_array_append_new(a, gen(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (unsigned i = t_rnd(6); i > 0; i--) {
			const char *key = strs[t_rnd((unsigned)ns)];
			json_object_setn_new_nocheck(o, key, t_rnd(8) ? strlen(key) : strlen(key) + (key[0] != 0), gen(depth + 1));
		}
		return o;
	}
	}
}

int main(void)
{
	static const size_t flags[] = { JSON_COMPACT, JSON_COMPACT | JSON_PRESERVE_ORDER, JSON_COMPACT | JSON_ENCODE_ANY,
					0, JSON_COMPACT | JSON_SORT_KEYS, JSON_COMPACT | JSON_ENSURE_ASCII,
					JSON_COMPACT | JSON_ESCAPE_SLASH, JSON_INDENT(2) };
	int bad = 0;

	/* Scalars at the top: only with JSON_ENCODE_ANY. */
	json_t *s = json_string("x");
	CHECK(same_as_jansson(s, JSON_COMPACT) && same_as_jansson(s, JSON_COMPACT | JSON_ENCODE_ANY));
	json_decref(s);
	json_t *e = json_object();
	CHECK(same_as_jansson(e, JSON_COMPACT));
	json_decref(e);
	/* Integers at their ends. */
	json_t *ints = json_pack("[I,I,I,I,I]", (json_int_t)INT64_MIN, (json_int_t)INT64_MAX, (json_int_t)0,
				 (json_int_t)-1, (json_int_t)10);
	CHECK(same_as_jansson(ints, JSON_COMPACT));
	json_decref(ints);
	/* A string with a NUL byte inside, and a cycle. */
	json_t *o = json_pack("{s:s%}", "k", "a\0b", (size_t)3);
	CHECK(same_as_jansson(o, JSON_COMPACT));
	json_t *a = json_array();
	json_array_append(a, a);
	CHECK(same_as_jansson(a, JSON_COMPACT));
	json_array_clear(a);
	json_decref(a);
	json_decref(o);
	for (int i = 0; i < 4000; i++) {
		json_t *d = json_object();
		json_object_set_new(d, "v", gen(0));
		bad += !same_as_jansson(d, flags[i % 8]);
		json_decref(d);
	}
	CHECK(bad == 0);
	return T_DONE();
}
