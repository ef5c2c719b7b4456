/* SPDX-License-Identifier: Apache-2.0 */
/* Label selectors: the string grammar, LabelSelector objects, and matching. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/selector.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

enum sel_op { OP_IN, OP_NOTIN, OP_EXISTS, OP_NOT_EXISTS, OP_GT, OP_LT };

struct sel_req {
	char *key;
	enum sel_op op;
	char **vals;      /* owned strings */
	size_t nvals;
	long long num;    /* OP_GT / OP_LT operand */
	const char *sym;  /* the operator as written: "=", "==", "in", ... ("" exists, "!" not) */
};

struct selector {
	bool nothing;     /* matches no object (a null LabelSelector) */
	size_t n, alloc;
	struct sel_req *r;
};

/* ---- label syntax ---- */

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n) */
static bool qname_ok(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* DNS-1123 subdomain: lowercase labels joined by '.', at most 253 chars. */
static bool dns_subdomain_ok(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		size_t len = i - start;
		if (len == 0)
			return false;
		for (size_t j = start; j < i; j++) {
			char c = s[j];
			bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
			if (!ok || ((j == start || j == i - 1) && c == '-'))
				return false;
		}
		start = i + 1;
	}
	return true;
}

bool selector_label_key_ok(const char *key, const char **why)
{
	const char *dummy;
	const char *slash = strchr(key, '/');
	const char *name = key;

	if (!why)
		why = &dummy;
	if (slash) {
		if (slash == key) {
			*why = "prefix part must be non-empty";
			return false;
		}
		if (!dns_subdomain_ok(key, (size_t)(slash - key))) {
			*why = "prefix part must be a lowercase RFC 1123 subdomain of at most 253 characters";
			return false;
		}
		name = slash + 1;
		if (strchr(name, '/')) {
			*why = "a qualified name must consist of an optional DNS subdomain prefix, '/', and a name";
			return false;
		}
	}
	size_t n = strlen(name);
	if (n == 0) {
		*why = "name part must be non-empty";
		return false;
	}
	if (n > 63) {
		*why = "name part must be no more than 63 characters";
		return false;
	}
	if (!qname_ok(name, n)) {
		*why = "name part must consist of alphanumeric characters, '-', '_' or '.', "
		       "and must start and end with an alphanumeric character";
		return false;
	}
	return true;
}

bool selector_label_value_ok(const char *value, const char **why)
{
	const char *dummy;
	size_t n = strlen(value);

	if (!why)
		why = &dummy;
	if (n > 63) {
		*why = "must be no more than 63 characters";
		return false;
	}
	if (n && !qname_ok(value, n)) {
		*why = "a valid label must be an empty string or consist of alphanumeric characters, "
		       "'-', '_' or '.', and must start and end with an alphanumeric character";
		return false;
	}
	return true;
}

/* ---- building ---- */

static struct sel_req *req_add(struct selector *s, const char *key, enum sel_op op, const char *sym)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 4;
		s->r = xrealloc(s->r, s->alloc * sizeof(*s->r));
	}
	struct sel_req *r = &s->r[s->n++];
	memset(r, 0, sizeof(*r));
	r->key = xstrdup(key);
	r->op = op;
	r->sym = sym;
	return r;
}

/* Values form a set: duplicates are dropped. */
static void req_add_val(struct sel_req *r, const char *v, size_t n)
{
	for (size_t i = 0; i < r->nvals; i++)
		if (strlen(r->vals[i]) == n && !memcmp(r->vals[i], v, n))
			return;
	r->vals = xrealloc(r->vals, (r->nvals + 1) * sizeof(*r->vals));
	r->vals[r->nvals++] = xstrndup(v, n);
}

void selector_free(struct selector *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->r[i].nvals; j++)
			free(s->r[i].vals[j]);
		free(s->r[i].vals);
		free(s->r[i].key);
	}
	free(s->r);
	free(s);
}

static bool parse_ll(const char *s, long long *out)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

/* Checks a finished requirement as Kubernetes' NewRequirement does. */
static int req_check(struct sel_req *r, struct atoll_err *err, int code, const char *reason,
		     const char *where)
{
	const char *why;

	if (!selector_label_key_ok(r->key, &why))
		return err_set(err, code, reason, "%skey: Invalid value: \"%s\": %s", where, r->key, why);
	switch (r->op) {
	case OP_IN:
	case OP_NOTIN:
		if (!r->nvals)
			return err_set(err, code, reason,
				       "%svalues: Invalid value: for 'in', 'notin' operators, values set can't be empty",
				       where);
		break;
	case OP_EXISTS:
	case OP_NOT_EXISTS:
		if (r->nvals)
			return err_set(err, code, reason,
				       "%svalues: Invalid value: values set must be empty for exists and does not exist",
				       where);
		break;
	case OP_GT:
	case OP_LT:
		if (r->nvals != 1)
			return err_set(err, code, reason,
				       "%svalues: Invalid value: for 'Gt', 'Lt' operators, exactly one value is required",
				       where);
		break;
	}
	for (size_t i = 0; i < r->nvals; i++) {
		if (!selector_label_value_ok(r->vals[i], &why))
			return err_set(err, code, reason, "%svalues[%zu]: Invalid value: \"%s\": %s", where,
				       i, r->vals[i], why);
	}
	if ((r->op == OP_GT || r->op == OP_LT) && !parse_ll(r->vals[0], &r->num))
		return err_set(err, code, reason,
			       "%svalues[0]: Invalid value: \"%s\": for 'Gt', 'Lt' operators, the value must be an integer",
			       where, r->vals[0]);
	return 0;
}

/* ---- the string grammar ---- */

enum tok { T_END, T_IDENT, T_NOT, T_EQ, T_EQEQ, T_NE, T_GT, T_LT, T_LPAR, T_RPAR, T_COMMA, T_BAD };

struct lexer {
	const char *p;
	const char *lit;  /* the token's text */
	size_t len;
};

static bool is_special(char c)
{
	return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

/* Identifiers are maximal runs of non-space, non-special characters. */
static enum tok lex(struct lexer *l)
{
	while (isspace((unsigned char)*l->p))
		l->p++;
	const char *s = l->p;
	l->lit = s;
	if (!*s) {
		l->len = 0;
		return T_END;
	}
	l->len = 1;
	if (s[0] == '=' && s[1] == '=') {
		l->len = 2;
		l->p += 2;
		return T_EQEQ;
	}
	if (s[0] == '!' && s[1] == '=') {
		l->len = 2;
		l->p += 2;
		return T_NE;
	}
	l->p++;
	switch (s[0]) {
	case '=': return T_EQ;
	case '!': return T_NOT;
	case '>': return T_GT;
	case '<': return T_LT;
	case '(': return T_LPAR;
	case ')': return T_RPAR;
	case ',': return T_COMMA;
	}
	while (*l->p && !isspace((unsigned char)*l->p) && !is_special(*l->p))
		l->p++;
	l->len = (size_t)(l->p - s);
	return T_IDENT;
}

static enum tok peek(const struct lexer *l)
{
	struct lexer c = *l;
	return lex(&c);
}

static bool lit_is(const struct lexer *l, const char *kw)
{
	return l->len == strlen(kw) && !memcmp(l->lit, kw, l->len);
}

static int syntax(struct atoll_err *err, const struct lexer *l, const char *expected)
{
	if (!l->len)
		return err_set(err, 400, "BadRequest",
			       "unable to parse requirement: found end of string, expected: %s", expected);
	return err_set(err, 400, "BadRequest", "unable to parse requirement: found '%.*s', expected: %s",
		       (int)(l->len > 64 ? 64 : l->len), l->lit, expected);
}

/* "( v1, v2 )"; empty members are the empty value, as in Kubernetes. */
static int parse_set(struct lexer *l, struct sel_req *r, struct atoll_err *err)
{
	if (lex(l) != T_LPAR)
		return syntax(err, l, "'('");
	if (peek(l) == T_RPAR) {
		lex(l);
		req_add_val(r, "", 0);
		return 0;
	}
	bool want_value = true;
	for (;;) {
		enum tok t = lex(l);
		if (t == T_IDENT && want_value) {
			req_add_val(r, l->lit, l->len);
			want_value = false;
		} else if (t == T_COMMA) {
			if (want_value)
				req_add_val(r, "", 0);
			want_value = true;
		} else if (t == T_RPAR) {
			if (want_value)
				req_add_val(r, "", 0);
			return 0;
		} else {
			return syntax(err, l, want_value ? "',', ')' or identifier" : "',' or ')'");
		}
	}
}

static int parse_req(struct lexer *l, struct selector *s, struct atoll_err *err)
{
	enum tok t = lex(l);
	bool negated = false;
	char key[512];

	if (t == T_NOT) {
		negated = true;
		t = lex(l);
	}
	if (t != T_IDENT)
		return syntax(err, l, "identifier");
	if (l->len >= sizeof(key))
		return err_set(err, 400, "BadRequest", "unable to parse requirement: key too long");
	memcpy(key, l->lit, l->len);
	key[l->len] = '\0';

	enum tok next = peek(l);
	struct sel_req *r;
	if (negated || next == T_END || next == T_COMMA) {
		r = req_add(s, key, negated ? OP_NOT_EXISTS : OP_EXISTS, negated ? "!" : "");
	} else {
		lex(l);
		if (next == T_IDENT && lit_is(l, "in")) {
			r = req_add(s, key, OP_IN, "in");
			if (parse_set(l, r, err))
				return -1;
		} else if (next == T_IDENT && lit_is(l, "notin")) {
			r = req_add(s, key, OP_NOTIN, "notin");
			if (parse_set(l, r, err))
				return -1;
		} else if (next == T_EQ || next == T_EQEQ || next == T_NE || next == T_GT || next == T_LT) {
			enum sel_op op = next == T_NE ? OP_NOTIN : next == T_GT ? OP_GT :
					 next == T_LT ? OP_LT : OP_IN;
			const char *sym = next == T_NE ? "!=" : next == T_GT ? ">" : next == T_LT ? "<" :
					  next == T_EQEQ ? "==" : "=";
			r = req_add(s, key, op, sym);
			enum tok v = peek(l);
			if (v == T_END || v == T_COMMA) {
				req_add_val(r, "", 0);
			} else if (lex(l) == T_IDENT) {
				req_add_val(r, l->lit, l->len);
			} else {
				return syntax(err, l, "identifier");
			}
		} else {
			return syntax(err, l, "'=', '!=', '==', 'in', 'notin', '>' or '<'");
		}
	}
	if (req_check(r, err, 400, "BadRequest", "unable to parse requirement: ") < 0)
		return -1;
	return 0;
}

struct selector *selector_parse(const char *str, struct atoll_err *err)
{
	struct selector *s = xcalloc(1, sizeof(*s));
	struct lexer l = { .p = str ? str : "" };

	if (peek(&l) == T_END)
		return s;
	for (;;) {
		enum tok t = peek(&l);
		if (t != T_IDENT && t != T_NOT) {
			lex(&l);
			syntax(err, &l, "!, identifier, or 'end of string'");
			goto fail;
		}
		if (parse_req(&l, s, err) < 0)
			goto fail;
		t = lex(&l);
		if (t == T_END)
			return s;
		if (t != T_COMMA) {
			syntax(err, &l, "',' or 'end of string'");
			goto fail;
		}
		t = peek(&l);
		if (t != T_IDENT && t != T_NOT) {
			lex(&l);
			syntax(err, &l, "identifier after ','");
			goto fail;
		}
	}
fail:
	selector_free(s);
	return NULL;
}

/* ---- LabelSelector objects ---- */

struct selector *selector_from_json(const json_t *ls, struct atoll_err *err)
{
	struct selector *s = xcalloc(1, sizeof(*s));
	const char *k;
	json_t *v;
	char where[128];

	if (!ls || json_is_null(ls)) {
		s->nothing = true;
		return s;
	}
	if (!json_is_object(ls)) {
		err_set(err, 422, "Invalid", "selector: Invalid value: must be an object");
		goto fail;
	}
	json_t *ml = json_object_get(ls, "matchLabels");
	if (ml && !json_is_null(ml)) {
		if (!json_is_object(ml)) {
			err_set(err, 422, "Invalid", "selector.matchLabels: Invalid value: must be an object");
			goto fail;
		}
		json_object_foreach(ml, k, v) {
			if (!json_is_string(v)) {
				err_set(err, 422, "Invalid",
					"selector.matchLabels: Invalid value: value of \"%.100s\" must be a string", k);
				goto fail;
			}
			struct sel_req *r = req_add(s, k, OP_IN, "=");
			req_add_val(r, json_string_value(v), json_string_length(v));
			if (req_check(r, err, 422, "Invalid", "selector.matchLabels: ") < 0)
				goto fail;
		}
	}
	json_t *me = json_object_get(ls, "matchExpressions");
	if (me && !json_is_null(me)) {
		if (!json_is_array(me)) {
			err_set(err, 422, "Invalid", "selector.matchExpressions: Invalid value: must be a list");
			goto fail;
		}
		size_t i;
		json_array_foreach(me, i, v) {
			snprintf(where, sizeof(where), "selector.matchExpressions[%zu].", i);
			json_t *key = json_object_get(v, "key");
			json_t *op = json_object_get(v, "operator");
			json_t *vals = json_object_get(v, "values");
			if (!json_is_string(key) || !json_is_string(op)) {
				err_set(err, 422, "Invalid", "%skey, %soperator: Required value", where, where);
				goto fail;
			}
			const char *o = json_string_value(op);
			enum sel_op sop;
			if (!strcmp(o, "In"))
				sop = OP_IN;
			else if (!strcmp(o, "NotIn"))
				sop = OP_NOTIN;
			else if (!strcmp(o, "Exists"))
				sop = OP_EXISTS;
			else if (!strcmp(o, "DoesNotExist"))
				sop = OP_NOT_EXISTS;
			else {
				err_set(err, 422, "Invalid", "%soperator: Invalid value: \"%.64s\": not a valid selector operator",
					where, o);
				goto fail;
			}
			static const char *const syms[] = { "in", "notin", "", "!" };
			struct sel_req *r = req_add(s, json_string_value(key), sop, syms[sop]);
			if (vals && !json_is_null(vals)) {
				size_t j;
				json_t *sv;
				if (!json_is_array(vals)) {
					err_set(err, 422, "Invalid", "%svalues: Invalid value: must be a list", where);
					goto fail;
				}
				json_array_foreach(vals, j, sv) {
					if (!json_is_string(sv)) {
						err_set(err, 422, "Invalid", "%svalues[%zu]: Invalid value: must be a string",
							where, j);
						goto fail;
					}
					req_add_val(r, json_string_value(sv), json_string_length(sv));
				}
			}
			if (req_check(r, err, 422, "Invalid", where) < 0)
				goto fail;
		}
	}
	return s;
fail:
	selector_free(s);
	return NULL;
}

/* ---- matching ---- */

static bool req_has(const struct sel_req *r, const char *v)
{
	for (size_t i = 0; i < r->nvals; i++)
		if (!strcmp(r->vals[i], v))
			return true;
	return false;
}

static bool req_matches(const struct sel_req *r, const json_t *labels)
{
	json_t *lv = json_is_object(labels) ? json_object_get(labels, r->key) : NULL;
	const char *v = json_is_string(lv) ? json_string_value(lv) : NULL;
	long long n;

	switch (r->op) {
	case OP_IN:
		return v && req_has(r, v);
	case OP_NOTIN:
		return !v || !req_has(r, v);
	case OP_EXISTS:
		return v != NULL;
	case OP_NOT_EXISTS:
		return v == NULL;
	case OP_GT:
		return v && parse_ll(v, &n) && n > r->num;
	case OP_LT:
		return v && parse_ll(v, &n) && n < r->num;
	}
	return false;
}

bool selector_matches(const struct selector *s, const json_t *labels)
{
	if (!s)
		return true;
	if (s->nothing)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (!req_matches(&s->r[i], labels))
			return false;
	return true;
}

bool selector_empty(const struct selector *s)
{
	return !s || (!s->nothing && s->n == 0);
}

/* ---- string form ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *selector_format(const struct selector *s)
{
	struct buf b = BUF_INIT;
	size_t n = s && !s->nothing ? s->n : 0;
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));

	/* Requirements sorted by key (stable), values sorted, as Kubernetes prints them. */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && strcmp(s->r[order[j - 1]].key, s->r[i].key) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sel_req *r = &s->r[order[i]];
		if (i)
			buf_addc(&b, ',');
		if (r->op == OP_NOT_EXISTS)
			buf_addc(&b, '!');
		buf_adds(&b, r->key);
		if (r->op == OP_EXISTS || r->op == OP_NOT_EXISTS)
			continue;
		bool set = !strcmp(r->sym, "in") || !strcmp(r->sym, "notin");
		char **vals = xmalloc((r->nvals ? r->nvals : 1) * sizeof(*vals));
		memcpy(vals, r->vals, r->nvals * sizeof(*vals));
		qsort(vals, r->nvals, sizeof(*vals), cmp_str);
		if (set)
			buf_addf(&b, " %s (", r->sym);
		else
			buf_adds(&b, r->sym);
		for (size_t v = 0; v < r->nvals; v++) {
			if (v)
				buf_addc(&b, ',');
			buf_adds(&b, vals[v]);
		}
		if (set)
			buf_addc(&b, ')');
		free(vals);
	}
	free(order);
	return buf_detach(&b, NULL);
}
