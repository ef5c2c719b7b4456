/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSONPath of printer columns and scale subresource paths: fields,
 * indices, [*] and filters like [?(@.type=="Ready")], as kubectl writes them.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/schema.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

enum step_kind { STEP_FIELD, STEP_INDEX, STEP_ALL, STEP_FILTER };
enum filter_op { OP_EXISTS, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct jpath;

struct step {
	enum step_kind kind;
	char *name;         /* STEP_FIELD */
	long index;         /* STEP_INDEX; negative counts from the end */
	struct jpath *sub;  /* STEP_FILTER: the @-relative path (owned) */
	enum filter_op op;  /* STEP_FILTER */
	json_t *lit;        /* STEP_FILTER: the literal compared with (owned) */
};

struct jpath {
	struct step *steps;
	size_t n;
	bool wildcard;      /* [*] or a filter: many results */
};

static void jpath_release(struct jpath *jp)
{
	for (size_t i = 0; i < jp->n; i++) {
		free(jp->steps[i].name);
		if (jp->steps[i].sub) {
			jpath_release(jp->steps[i].sub);
			free(jp->steps[i].sub);
		}
		json_decref(jp->steps[i].lit);
	}
	free(jp->steps);
	jp->steps = NULL;
	jp->n = 0;
}

static struct step *jpath_add(struct jpath *jp, enum step_kind kind)
{
	jp->steps = xrealloc(jp->steps, (jp->n + 1) * sizeof(*jp->steps));
	struct step *s = &jp->steps[jp->n++];
	s->kind = kind;
	s->name = NULL;
	s->index = 0;
	s->sub = NULL;
	s->op = OP_EXISTS;
	s->lit = NULL;
	return s;
}

/* A dotted name: up to '.', '[' or the end; backslash escapes a character. */
static int parse_name(const char **pp, struct jpath *jp)
{
	const char *p = *pp;
	struct buf b = BUF_INIT;

	while (*p && *p != '.' && *p != '[') {
		if (*p == '\\' && p[1])
			p++;
		buf_addc(&b, *p++);
	}
	if (!b.len) {
		buf_release(&b);
		return -1;
	}
	if (!strcmp(b.p, "*")) {
		jpath_add(jp, STEP_ALL);
		jp->wildcard = true;
		buf_release(&b);
	} else {
		jpath_add(jp, STEP_FIELD)->name = buf_detach(&b, NULL);
	}
	*pp = p;
	return 0;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A filter literal: 'str', "str", a number, true, false or null. */
static json_t *parse_literal(const char **pp)
{
	const char *p = *pp;

	if (*p == '\'' || *p == '"') {
		const char *end = strchr(p + 1, *p);
		if (!end)
			return NULL;
		json_t *s = json_stringn(p + 1, (size_t)(end - p - 1));
		*pp = end + 1;
		return s;
	}
	static const char *const words[] = { "true", "false", "null" };
	for (int i = 0; i < 3; i++)
		if (!strncmp(p, words[i], strlen(words[i]))) {
			*pp = p + strlen(words[i]);
			return i == 0 ? json_true() : i == 1 ? json_false() : json_null();
		}
	char *end;
	double d = strtod(p, &end);
	if (end == p || !isfinite(d))
		return NULL;
	*pp = end;
	return json_real(d);
}

/* After "[?(": @.a.b [op literal] ")]". */
static int parse_filter(const char **pp, struct step *st)
{
	const char *p = skip_ws(*pp);
	struct jpath *sub = xcalloc(1, sizeof(*sub));
	static const struct { const char *tok; enum filter_op op; } ops[] = {
		{ "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "<", OP_LT }, { ">", OP_GT },
	};

	st->sub = sub;
	if (*p++ != '@')
		return -1;
	while (*p == '.' || *p == '[') {
		if (*p == '[') {
			char q = p[1];
			const char *end = (q == '\'' || q == '"') ? strchr(p + 2, q) : NULL;
			if (!end || end[1] != ']' || end == p + 2)
				return -1;
			jpath_add(sub, STEP_FIELD)->name = xstrndup(p + 2, (size_t)(end - p - 2));
			p = end + 2;
			continue;
		}
		const char *start = ++p;
		while (*p && !strchr(".[ \t=!<>)", *p))
			p++;
		if (p == start)
			return -1;
		jpath_add(sub, STEP_FIELD)->name = xstrndup(start, (size_t)(p - start));
	}
	p = skip_ws(p);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(p, ops[i].tok, strlen(ops[i].tok))) {
			st->op = ops[i].op;
			p = skip_ws(p + strlen(ops[i].tok));
			if (!(st->lit = parse_literal(&p)))
				return -1;
			p = skip_ws(p);
			break;
		}
	if (p[0] != ')' || p[1] != ']')
		return -1;
	*pp = p + 2;
	return 0;
}

/* After '[': *, an index, a quoted key or a filter; consumes the ']'. */
static int parse_bracket(const char **pp, struct jpath *jp)
{
	const char *p = *pp;

	if (p[0] == '?' && p[1] == '(') {
		jp->wildcard = true;
		*pp = p + 2;
		return parse_filter(pp, jpath_add(jp, STEP_FILTER));
	}

	if (*p == '*' && p[1] == ']') {
		jpath_add(jp, STEP_ALL);
		jp->wildcard = true;
		*pp = p + 2;
		return 0;
	}
	if (*p == '\'' || *p == '"') {
		char q = *p++;
		const char *end = strchr(p, q);
		if (!end || end[1] != ']' || end == p)
			return -1;
		jpath_add(jp, STEP_FIELD)->name = xstrndup(p, (size_t)(end - p));
		*pp = end + 2;
		return 0;
	}
	char *end;
	errno = 0;
	long idx = strtol(p, &end, 10);
	if (end == p || *end != ']' || errno || (*p != '-' && (*p < '0' || *p > '9')))
		return -1;
	jpath_add(jp, STEP_INDEX)->index = idx;
	*pp = end + 1;
	return 0;
}

static int jpath_parse(const char *path, struct jpath *jp)
{
	const char *p = path;
	size_t len;

	memset(jp, 0, sizeof(*jp));
	if (!p)
		return -1;
	len = strlen(p);
	/* "{.a.b}" as kubectl writes it: strip the braces. */
	char *copy = NULL;
	if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
		copy = xstrndup(p + 1, len - 2);
		p = copy;
	}
	if (*p == '$')
		p++;
	int rc = 0;
	if (*p && *p != '.' && *p != '[')
		rc = parse_name(&p, jp); /* "spec.replicas" without the leading dot */
	while (!rc && *p) {
		if (*p == '.') {
			p++;
			rc = parse_name(&p, jp);
		} else if (*p == '[') {
			p++;
			rc = parse_bracket(&p, jp);
		} else {
			rc = -1;
		}
	}
	free(copy);
	if (rc || !jp->n) {
		jpath_release(jp);
		return -1;
	}
	return 0;
}

int schema_jsonpath_check(const char *jsonPath, int allow_wildcard)
{
	struct jpath jp;

	if (jpath_parse(jsonPath, &jp) < 0)
		return -1;
	int rc = !allow_wildcard && jp.wildcard ? -1 : 0;
	jpath_release(&jp);
	return rc;
}

static json_t *index_of(const json_t *v, long idx)
{
	long n = (long)json_array_size(v);

	if (idx < 0)
		idx += n;
	if (idx < 0 || idx >= n)
		return NULL;
	return json_array_get(v, (size_t)idx);
}

/* Does element e pass the filter step st? */
static bool filter_match(const json_t *e, const struct step *st)
{
	const json_t *v = e;

	for (size_t i = 0; v && i < st->sub->n; i++)
		v = json_object_get(v, st->sub->steps[i].name);
	if (!v)
		return false;
	if (st->op == OP_EXISTS)
		return true;
	if (json_is_number(v) && json_is_number(st->lit)) {
		double a = json_number_value(v), b = json_number_value(st->lit);
		switch (st->op) {
		case OP_EQ: return a == b;
		case OP_NE: return a != b;
		case OP_LT: return a < b;
		case OP_LE: return a <= b;
		case OP_GT: return a > b;
		case OP_GE: return a >= b;
		default: return false;
		}
	}
	if (st->op == OP_EQ)
		return json_equal(v, st->lit);
	if (st->op == OP_NE)
		return !json_equal(v, st->lit);
	if (json_is_string(v) && json_is_string(st->lit)) {
		int c = strcmp(json_string_value(v), json_string_value(st->lit));
		return st->op == OP_LT ? c < 0 : st->op == OP_LE ? c <= 0 : st->op == OP_GT ? c > 0 : c >= 0;
	}
	return false;
}

/* Walk steps[i..] from v, appending every match to out (a JSON array). */
static void collect(const json_t *v, const struct jpath *jp, size_t i, json_t *out)
{
	for (; v && i < jp->n; i++) {
		const struct step *s = &jp->steps[i];
		if (s->kind == STEP_FIELD) {
			v = json_object_get(v, s->name);
		} else if (s->kind == STEP_INDEX) {
			v = json_is_array(v) ? index_of(v, s->index) : NULL;
		} else if (s->kind == STEP_FILTER) {
			json_t *child;
			size_t k;
			json_array_foreach(v, k, child)
				if (filter_match(child, s))
					collect(child, jp, i + 1, out);
			return;
		} else {
			const char *key;
			json_t *child;
			size_t k;
			if (json_is_array(v))
				json_array_foreach(v, k, child)
					collect(child, jp, i + 1, out);
			else if (json_is_object(v))
				json_object_foreach((json_t *)v, key, child)
					collect(child, jp, i + 1, out);
			return;
		}
	}
	if (v)
		json_array_append(out, (json_t *)v);
}

json_t *schema_jsonpath_get(const json_t *obj, const char *jsonPath)
{
	struct jpath jp;

	if (!obj || jpath_parse(jsonPath, &jp) < 0)
		return NULL;
	json_t *out = json_array();
	collect(obj, &jp, 0, out);
	json_t *res = NULL;
	if (jp.wildcard)
		res = json_array_size(out) ? json_incref(out) : NULL;
	else if (json_array_size(out))
		res = json_incref(json_array_get(out, 0));
	json_decref(out);
	jpath_release(&jp);
	return res;
}

int schema_jsonpath_set(json_t *obj, const char *jsonPath, json_t *value)
{
	struct jpath jp;
	json_t *v = obj;
	int rc = -1;

	if (!obj || !value || jpath_parse(jsonPath, &jp) < 0)
		return -1;
	if (jp.wildcard)
		goto out;
	for (size_t i = 0; i < jp.n; i++) {
		const struct step *s = &jp.steps[i];
		bool last = i + 1 == jp.n;
		if (s->kind == STEP_FIELD) {
			if (!json_is_object(v))
				goto out;
			if (last) {
				rc = json_object_set(v, s->name, value);
				goto out;
			}
			json_t *next = json_object_get(v, s->name);
			if (!next || json_is_null(next)) {
				next = json_object();
				/* On failure (a key that is not UTF-8) jansson frees next. */
				if (json_object_set_new(v, s->name, next) < 0)
					goto out;
			}
			v = next;
		} else {
			json_t *next = json_is_array(v) ? index_of(v, s->index) : NULL;
			if (!next)
				goto out;
			if (last) {
				long n = (long)json_array_size(v);
				rc = json_array_set(v, (size_t)(s->index < 0 ? s->index + n : s->index), value);
				goto out;
			}
			v = next;
		}
	}
out:
	jpath_release(&jp);
	return rc ? -1 : 0;
}
