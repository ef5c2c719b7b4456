/* SPDX-License-Identifier: Apache-2.0 */
/* The plain-JSON fast path of json_loadb (see jparse.h); anything else is jansson's. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jparse.h"

#define MAX_DEPTH 256 /* deeper: jansson's (its limit is 2048) */

struct jp {
	const char *p, *end;
	char *tmp; /* unescaped strings */
	size_t tmpcap;
};

/* Bytes a string runs over without a look: printable ASCII but '"' and '\\'. */
static bool plain[256];

__attribute__((constructor)) static void plain_init(void)
{
	for (int c = 0x20; c < 0x80; c++)
		plain[c] = c != '"' && c != '\\';
}

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

/*
 * j->p after the opening quote: the string's bytes in *s and *n (pointing into
 * the input, or into j->tmp when it had escapes). false: give up.
 */
static bool string(struct jp *j, const char **s, size_t *n)
{
	const char *start = j->p;

	while (j->p < j->end && plain[(unsigned char)*j->p])
		j->p++;
	if (j->p < j->end && *j->p == '"') {
		*s = start;
		*n = (size_t)(j->p - start);
		j->p++;
		return true;
	}
	/* Escapes: unescape into tmp (never longer than the input). */
	size_t need = (size_t)(j->end - start) + 1;
	if (need > j->tmpcap) {
		char *t = realloc(j->tmp, need);
		if (!t)
			return false;
		j->tmp = t;
		j->tmpcap = need;
	}
	size_t len = (size_t)(j->p - start);
	memcpy(j->tmp, start, len);
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (plain[c]) {
			j->tmp[len++] = (char)c;
			j->p++;
			continue;
		}
		if (c == '"') {
			j->p++;
			*s = j->tmp;
			*n = len;
			return true;
		}
		if (c != '\\' || j->p + 1 >= j->end)
			return false; /* control characters, non-ASCII: jansson's */
		char e = j->p[1], out;
		switch (e) {
		case '"': out = '"'; break;
		case '\\': out = '\\'; break;
		case '/': out = '/'; break;
		case 'b': out = '\b'; break;
		case 'f': out = '\f'; break;
		case 'n': out = '\n'; break;
		case 'r': out = '\r'; break;
		case 't': out = '\t'; break;
		default: return false; /* \u: jansson's */
		}
		j->tmp[len++] = out;
		j->p += 2;
	}
	return false;
}

static json_t *value(struct jp *j, int depth);

static json_t *object(struct jp *j, int depth)
{
	json_t *o = json_object();

	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return o;
	}
	for (;;) {
		const char *k;
		size_t kn;
		if (j->p >= j->end || *j->p != '"')
			break;
		j->p++;
		if (!string(j, &k, &kn))
			break;
		/* The key may sit in tmp, which the value's strings reuse: keep a copy. */
		char kbuf[128], *key = kn < sizeof(kbuf) ? kbuf : malloc(kn + 1);
		if (!key)
			break;
		memcpy(key, k, kn);
		ws(j);
		if (j->p >= j->end || *j->p != ':') {
			if (key != kbuf)
				free(key);
			break;
		}
		j->p++;
		ws(j);
		json_t *v = value(j, depth + 1);
		size_t had = json_object_size(o);
		int rc = v ? json_object_setn_new_nocheck(o, key, kn, v) : -1;
		if (key != kbuf)
			free(key);
		if (rc < 0 || json_object_size(o) == had)
			break; /* duplicate keys: jansson's */
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			ws(j);
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return o;
		}
		break;
	}
	json_decref(o);
	return NULL;
}

static json_t *array(struct jp *j, int depth)
{
	json_t *a = json_array();

	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return a;
	}
	for (;;) {
		json_t *v = value(j, depth + 1);
		if (!v || json_array_append_new(a, v) < 0)
			break;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			ws(j);
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return a;
		}
		break;
	}
	json_decref(a);
	return NULL;
}

/* An integer of at most 18 digits, without a leading zero; anything else is jansson's. */
static json_t *number(struct jp *j)
{
	const char *p = j->p;
	bool neg = p < j->end && *p == '-';
	long long v = 0;
	int digits = 0;

	if (neg)
		p++;
	while (p < j->end && *p >= '0' && *p <= '9') {
		if (digits == 18)
			return NULL; /* may not fit: jansson's */
		v = v * 10 + (*p - '0');
		digits++;
		p++;
	}
	if (!digits || (digits > 1 && p[-digits] == '0'))
		return NULL;
	if (p < j->end && (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9')))
		return NULL; /* reals: jansson's */
	j->p = p;
	return json_integer(neg ? -v : v);
}

static bool word(struct jp *j, const char *w, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

static json_t *value(struct jp *j, int depth)
{
	const char *s;
	size_t n;

	if (depth > MAX_DEPTH || j->p >= j->end)
		return NULL;
	switch (*j->p) {
	case '{':
		return object(j, depth);
	case '[':
		return array(j, depth);
	case '"':
		j->p++;
		return string(j, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
	case 't':
		return word(j, "true", 4) ? json_true() : NULL;
	case 'f':
		return word(j, "false", 5) ? json_false() : NULL;
	case 'n':
		return word(j, "null", 4) ? json_null() : NULL;
	default:
		return number(j);
	}
}

json_t *jparse_loadb(const char *s, size_t len, size_t flags, json_error_t *err)
{
	struct jp j = { s, s + len, NULL, 0 };
	json_t *v = NULL;

	if (!(flags & ~(size_t)JSON_DECODE_ANY)) {
		ws(&j);
		if (j.p < j.end && ((flags & JSON_DECODE_ANY) || *j.p == '{' || *j.p == '[')) {
			v = value(&j, 0);
			ws(&j);
			if (v && j.p != j.end) {
				json_decref(v);
				v = NULL;
			}
		}
		free(j.tmp);
	}
	return v ? v : json_loadb(s, len, flags, err);
}
