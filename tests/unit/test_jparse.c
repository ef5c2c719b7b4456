/* SPDX-License-Identifier: Apache-2.0 */
/* jparse_loadb gives jansson's answer: on fixed cases, generated documents and their mutations. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/jparse.h"
#include "t.h"

/* Same value as json_loadb, or both fail. */
static bool same_as_jansson(const char *s, size_t len, size_t flags)
{
	json_t *a = json_loadb(s, len, flags, NULL), *b = jparse_loadb(s, len, flags, NULL);
	bool ok = (!a && !b) || (a && b && json_equal(a, b));

	/* json_equal ignores key order: compare the dumps too. */
	if (ok && a) {
		char *da = json_dumps(a, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
		char *db = json_dumps(b, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
		ok = da && db && !strcmp(da, db);
		free(da);
		free(db);
	}
	if (!ok)
		fprintf(stderr, "  differs from jansson (flags %zu): %.*s\n", flags, (int)len, s);
	json_decref(a);
	json_decref(b);
	return ok;
}

static bool same(const char *s)
{
	return same_as_jansson(s, strlen(s), 0) && same_as_jansson(s, strlen(s), JSON_DECODE_ANY);
}

static void test_cases(void)
{
	static const char *const cases[] = {
		"{}", "[]", " { } ", "{\"a\":1}", "{\"a\":-0}", "{\"a\":007}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-}",
		"{\"a\":123456789012345678}", "{\"a\":1234567890123456789}", "{\"a\":-9223372036854775808}",
		"{\"a\":99999999999999999999}", "[true,false,null]", "[tru]", "[truex]", "[nul]", "{\"a\":\"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\"}",
		"{\"a\":\"\\u00e9\\ud83d\\ude00\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\q\"}",
		"{\"\\u0041\":1}", "{\"a\\nb\":1}", "{\"a\":1,\"a\":2}", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}",
		"{\"a\":1}x", "{\"a\":1} ", "\"str\"", "12", "null", "", " ", "{", "[", "{\"a\":\"\x01\"}",
		"{\"a\":\"\xc3\xa9\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xff\"}", "[\"\x7f\"]", "[1,[2,[3,{\"b\":[]}]]]",
		"[01]", "[-01]", "[0]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "{\"\":\"\"}", "[\"a\\",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(same(cases[i]));
	/* Embedded NUL bytes, and depth past the fast path's limit. */
	CHECK(same_as_jansson("{\"a\":\"x\0y\"}", 11, 0));
	CHECK(same_as_jansson("[1]\0", 4, 0));
	char deep[2 * 600 + 1];
	memset(deep, '[', 600);
	memset(deep + 600, ']', 600);
	deep[1200] = '\0';
	CHECK(same(deep));
}

/* A random document: objects, arrays, strings with escapes and non-ASCII, numbers of all kinds. */
static json_t *gen(int depth)
{
	static const char *const strs[] = { "", "a", "name", "x\"y", "back\\slash", "tab\there", "nl\n", "\xc3\xa9t\xc3\xa9",
					    "\xf0\x9f\x98\x80", "k:{\"name\":\"main\"}", "/var/run", "\x7f" };
	unsigned k = depth > 4 ? t_rnd(6) : t_rnd(8);

	switch (k) {
	case 0: return json_integer((json_int_t)t_rnd(1000000) - 500000);
	case 1: return json_integer((json_int_t)(((uint64_t)t_rnd(1u << 31) << 33) ^ t_rnd(1u << 31)));
	case 2: return json_real((double)t_rnd(100000) / 7.0);
	case 3: return json_string(strs[t_rnd(sizeof(strs) / sizeof(strs[0]))]);
	case 4: return t_rnd(3) == 0 ? json_null() : json_boolean(t_rnd(2));
	case 5: return json_string(strs[t_rnd(sizeof(strs) / sizeof(strs[0]))]);
	case 6: {
		json_t *a = json_array();
		for (unsigned i = t_rnd(5); i > 0; i--)
			json_array_append_new(a, gen(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (unsigned i = t_rnd(6); i > 0; i--)
			json_object_set_new(o, strs[t_rnd(sizeof(strs) / sizeof(strs[0]))], gen(depth + 1));
		return o;
	}
	}
}

static void test_generated(void)
{
	static const size_t dump_flags[] = { JSON_COMPACT, JSON_INDENT(2), JSON_ENSURE_ASCII | JSON_COMPACT,
					     JSON_ESCAPE_SLASH };
	int bad = 0;

	for (int i = 0; i < 3000; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "v", gen(0));
		char *s = json_dumps(o, dump_flags[i % 4]);
		size_t n = strlen(s);
		bad += !same_as_jansson(s, n, 0);
		/* A few mutations: a byte changed, the text cut short. */
		for (int m = 0; m < 4 && n; m++) {
			char *t = strdup(s);
			t[t_rnd((unsigned)n)] = "{}[],:\"\\0a-.e \x80"[t_rnd(16)];
			bad += !same_as_jansson(t, n, 0);
			bad += !same_as_jansson(t, t_rnd((unsigned)n), JSON_DECODE_ANY);
			free(t);
		}
		free(s);
		json_decref(o);
	}
	CHECK(bad == 0);
}

int main(void)
{
	test_cases();
	test_generated();
	return T_DONE();
}
