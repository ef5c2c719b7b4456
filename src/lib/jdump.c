/* SPDX-License-Identifier: Apache-2.0 */
/* The plain fast path of compact json_dumps (see jdump.h); anything else is jansson's. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/jdump.h"

#define MAX_DEPTH 256 /* deeper (or a cycle): jansson's */

/* Bytes written as they are: printable ASCII but '"' and '\\'. */
static bool plain[256];

__attribute__((constructor)) static void plain_init(void)
{
	for (int c = 0x20; c < 0x80; c++)
		plain[c] = c != '"' && c != '\\';
}

static bool str(struct buf *b, const char *s, size_t n)
{
	const char *end = s + n;

	buf_addc(b, '"');
	while (s < end) {
		const char *run = s;
		while (s < end && plain[(unsigned char)*s])
			s++;
		buf_add(b, run, (size_t)(s - run));
		if (s == end)
			break;
		const char *esc;
		switch (*s) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: return false; /* other control characters, non-ASCII: jansson's */
		}
		buf_add(b, esc, 2);
		s++;
	}
	buf_addc(b, '"');
	return true;
}

static bool value(struct buf *b, const json_t *j, int depth)
{
	if (depth > MAX_DEPTH)
		return false;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		bool first = true;
		buf_addc(b, '{');
		for (void *it = json_object_iter((json_t *)j); it; it = json_object_iter_next((json_t *)j, it)) {
			key = json_object_iter_key(it);
			v = json_object_iter_value(it);
			if (!first)
				buf_addc(b, ',');
			first = false;
			if (!str(b, key, json_object_iter_key_len(it)))
				return false;
			buf_addc(b, ':');
			if (!value(b, v, depth + 1))
				return false;
		}
		buf_addc(b, '}');
		return true;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		buf_addc(b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_addc(b, ',');
			if (!value(b, json_array_get(j, i), depth + 1))
				return false;
		}
		buf_addc(b, ']');
		return true;
	}
	case JSON_STRING:
		return str(b, json_string_value(j), json_string_length(j));
	case JSON_INTEGER: {
		/* As "%lld" (snprintf costs more than the rest of a small object). */
		char num[24], *p = num + sizeof(num);
		json_int_t v = json_integer_value(j);
		unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
		do
			*--p = (char)('0' + u % 10);
		while (u /= 10);
		if (v < 0)
			*--p = '-';
		buf_add(b, p, (size_t)(num + sizeof(num) - p));
		return true;
	}
	case JSON_TRUE:
		buf_add(b, "true", 4);
		return true;
	case JSON_FALSE:
		buf_add(b, "false", 5);
		return true;
	case JSON_NULL:
		buf_add(b, "null", 4);
		return true;
	default:
		return false; /* reals: jansson's formatting */
	}
}

char *jdump(const json_t *j, size_t flags, size_t *len)
{
	size_t ours = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY;

	if (j && (flags & JSON_COMPACT) && !(flags & ~ours) &&
	    ((flags & JSON_ENCODE_ANY) || json_is_object(j) || json_is_array(j))) {
		struct buf b = BUF_INIT;
		buf_grow(&b, 1024);
		if (value(&b, j, 0))
			return buf_detach(&b, len);
		buf_release(&b);
	}
	char *s = json_dumps(j, flags);
	if (len)
		*len = s ? strlen(s) : 0;
	return s;
}
