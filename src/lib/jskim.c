/* SPDX-License-Identifier: Apache-2.0 */
/* A partial parse of a JSON object: only the values on wanted paths become json_t. */
#include <string.h>

#include "lib/jparse.h"
#include "lib/jskim.h"

struct skim {
	const char *end;
	const char *const *paths;
	size_t npaths;
};

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at '"': past the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Past one value (not checked beyond its brackets and strings), or NULL. */
static const char *skip_value(const char *p, const char *end)
{
	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p == '{' || *p == '[') {
		int depth = 0;
		while (p < end) {
			if (*p == '"') {
				p = skip_string(p, end);
				if (!p)
					return NULL;
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if ((*p == '}' || *p == ']') && --depth == 0)
				return p + 1;
			p++;
		}
		return NULL;
	}
	const char *q = p;
	while (q < end && !strchr(",}] \t\r\n", *q))
		q++;
	return q > p ? q : NULL;
}

/* Whether path is full (the value itself is wanted) or lies under full (look inside it). */
static int wanted(const struct skim *k, const char *full, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < k->npaths; i++) {
		/* memcmp: full may hold a NUL byte (bad input), which strncmp would stop at. */
		if (strlen(k->paths[i]) < n || memcmp(k->paths[i], full, n))
			continue;
		if (!k->paths[i][n])
			return 2;
		if (k->paths[i][n] == '.')
			w = 1;
	}
	return w;
}

/* p at '{': fills out with the wanted members; returns past the '}', or NULL. */
static const char *skim_obj(struct skim *k, const char *p, char *path, size_t plen, size_t cap, json_t *out)
{
	p = ws(p + 1, k->end);
	if (p < k->end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= k->end || *p != '"')
			return NULL;
		const char *ks = p + 1, *ke = skip_string(p, k->end);
		if (!ke)
			return NULL;
		size_t klen = (size_t)(ke - 1 - ks);
		if (memchr(ks, '\\', klen))
			return NULL; /* escaped keys: left to a full parse */
		p = ws(ke, k->end);
		if (p >= k->end || *p != ':')
			return NULL;
		p = ws(p + 1, k->end);
		const char *vs = p;
		int w = 0;
		size_t n = plen + (plen ? 1 : 0) + klen;
		/* A key with a '.' is on no dotted path. */
		if (!memchr(ks, '.', klen) && n < cap) {
			if (plen)
				path[plen] = '.';
			memcpy(path + plen + (plen ? 1 : 0), ks, klen);
			path[n] = '\0';
			w = wanted(k, path, n);
		}
		if (w == 1 && vs < k->end && *vs == '{') {
			json_t *sub = json_object();
			p = skim_obj(k, vs, path, n, cap, sub);
			path[plen] = '\0';
			if (!p) {
				json_decref(sub);
				return NULL;
			}
			json_object_setn_new_nocheck(out, ks, klen, sub);
		} else {
			p = skip_value(vs, k->end);
			path[plen] = '\0';
			if (!p)
				return NULL;
			if (w) {
				json_t *v = jparse_loadb(vs, (size_t)(p - vs), JSON_DECODE_ANY, NULL);
				if (!v)
					return NULL;
				json_object_setn_new_nocheck(out, ks, klen, v);
			}
		}
		p = ws(p, k->end);
		if (p < k->end && *p == ',') {
			p = ws(p + 1, k->end);
			continue;
		}
		if (p < k->end && *p == '}')
			return p + 1;
		return NULL;
	}
}

json_t *jskim(const char *s, size_t len, const char *const *paths, size_t npaths)
{
	struct skim k = { s + len, paths, npaths };
	char path[512] = "";
	const char *p = ws(s, s + len);
	json_t *out;

	for (size_t i = 0; i < npaths; i++)
		if (strlen(paths[i]) >= sizeof(path) - 1)
			return NULL; /* longer than what skim_obj can name */
	if (p >= k.end || *p != '{')
		return NULL;
	out = json_object();
	p = skim_obj(&k, p, path, 0, sizeof(path), out);
	if (!p || ws(p, k.end) != k.end) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* One member of an object's text: key and value as slices of it. */
struct member {
	const char *key, *val;
	size_t klen, vlen;
};

/* The members of the object text s, up to max; -1 when it cannot be split so (see jskim_reparse). */
static int members(const char *s, size_t len, struct member *m, int max)
{
	const char *end = s + len, *p = ws(s, end);
	int n = 0;

	if (p >= end || *p != '{')
		return -1;
	p = ws(p + 1, end);
	if (p < end && *p == '}')
		return ws(p + 1, end) == end ? 0 : -1;
	for (;;) {
		if (n == max || p >= end || *p != '"')
			return -1;
		const char *ke = skip_string(p, end);
		if (!ke || memchr(p + 1, '\\', (size_t)(ke - p - 2)))
			return -1;
		m[n].key = p + 1;
		m[n].klen = (size_t)(ke - p - 2);
		p = ws(ke, end);
		if (p >= end || *p != ':')
			return -1;
		p = ws(p + 1, end);
		const char *ve = skip_value(p, end);
		if (!ve)
			return -1;
		m[n].val = p;
		m[n].vlen = (size_t)(ve - p);
		for (int i = 0; i < n; i++)
			if (m[i].klen == m[n].klen && !memcmp(m[i].key, m[n].key, m[n].klen))
				return -1; /* duplicate keys: left to a full parse */
		n++;
		p = ws(ve, end);
		if (p < end && *p == ',') {
			p = ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}' && ws(p + 1, end) == end)
			return n;
		return -1;
	}
}

json_t *jskim_reparse(const char *s, size_t len, const char *old, size_t old_len, json_t *old_obj)
{
	struct member nm[16], om[16];
	int nn = members(s, len, nm, 16);
	int on = old ? members(old, old_len, om, 16) : -1;

	if (nn < 0 || on < 0 || !json_is_object(old_obj))
		return jparse_loadb(s, len, 0, NULL);
	json_t *out = json_object();
	for (int i = 0; i < nn; i++) {
		json_t *v = NULL;
		for (int j = 0; j < on && !v; j++)
			if (om[j].klen == nm[i].klen && !memcmp(om[j].key, nm[i].key, nm[i].klen) &&
			    om[j].vlen == nm[i].vlen && !memcmp(om[j].val, nm[i].val, nm[i].vlen))
				v = json_incref(json_object_getn(old_obj, nm[i].key, nm[i].klen));
		if (!v)
			v = jparse_loadb(nm[i].val, nm[i].vlen, JSON_DECODE_ANY, NULL);
		if (!v) {
			json_decref(out);
			return NULL; /* as a full parse of broken text */
		}
		if (json_object_setn_new(out, nm[i].key, nm[i].klen, v) < 0) {
			json_decref(out);
			return NULL; /* a key that is not UTF-8, as a full parse */
		}
	}
	return out;
}
