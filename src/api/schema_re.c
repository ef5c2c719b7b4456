/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The patterns of OpenAPI schemas: parse to a small tree and compile it to
 * a program of character classes, splits and jumps for schema_re_match.c.
 * Kubernetes checks them with Go's regexp (RE2 syntax), which shares most
 * of its syntax with ECMA-262; both spellings are accepted where they do
 * not conflict, Go's meaning where they do. Only match or no match is
 * needed, so greedy and lazy quantifiers are the same; backreferences and
 * lookaround (in neither RE2 nor here) are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/schema_int.h"
#include "api/schema_re_int.h"
#include "lib/xalloc.h"

#define RE_MAX_REPEAT 1000   /* as Go's RE2, which Kubernetes uses */
#define RE_MAX_INST 20000    /* bounds compile memory and match time */
#define RE_MAX_DEPTH 200     /* parser recursion */

enum node_type { N_EMPTY, N_CLASS, N_CAT, N_ALT, N_REPEAT, N_BOL, N_EOL, N_WORDB, N_NWORDB,
		 N_BOL_M, N_EOL_M };

struct node {
	enum node_type type;
	int a, b;      /* children (CAT, ALT: a b; REPEAT: a) */
	int min, max;  /* REPEAT; max -1 is unbounded */
	int cls;       /* CLASS */
};

struct parser {
	const char *p;
	struct node *nodes;
	size_t nnodes, nodes_cap;
	struct cls *cls;
	size_t ncls, cls_cap;
	int depth;
	bool fold, dotall, multiline; /* flags i, s, m */
	char *err;
	size_t errn;
};

#define PFAIL(ps, ...) (snprintf((ps)->err, (ps)->errn, __VA_ARGS__), -1)

/* ---- parsing ---- */

static int new_node(struct parser *ps, enum node_type type)
{
	if (ps->nnodes == ps->nodes_cap) {
		ps->nodes_cap = ps->nodes_cap ? 2 * ps->nodes_cap : 32;
		ps->nodes = xrealloc(ps->nodes, ps->nodes_cap * sizeof(*ps->nodes));
	}
	struct node *n = &ps->nodes[ps->nnodes];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->a = n->b = -1;
	return (int)ps->nnodes++;
}

static int new_class(struct parser *ps)
{
	if (ps->ncls == ps->cls_cap) {
		ps->cls_cap = ps->cls_cap ? 2 * ps->cls_cap : 8;
		ps->cls = xrealloc(ps->cls, ps->cls_cap * sizeof(*ps->cls));
	}
	ps->cls[ps->ncls].r = NULL;
	ps->cls[ps->ncls].n = 0;
	int c = (int)ps->ncls++;
	int n = new_node(ps, N_CLASS);
	ps->nodes[n].cls = c;
	return n;
}

/* Decode one UTF-8 sequence (invalid bytes stand for themselves as U+FFFD). */
static int hex(const char *p, int digits, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < digits; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return 0;
}

/*
 * An escape after '\' that stands for one character: 1 with *cp set, 0 if
 * it is something else (class or assertion), -1 if invalid.
 */
static int escape_char(struct parser *ps, bool in_class, uint32_t *cp)
{
	char c = *ps->p;

	switch (c) {
	case 'n': *cp = '\n'; break;
	case 't': *cp = '\t'; break;
	case 'r': *cp = '\r'; break;
	case 'f': *cp = '\f'; break;
	case 'v': *cp = '\v'; break;
	case '0': *cp = 0; break;
	case 'b':
		if (!in_class)
			return 0;
		*cp = '\b';
		break;
	case 'c':
		if (!((ps->p[1] | 0x20) >= 'a' && (ps->p[1] | 0x20) <= 'z'))
			return -1;
		*cp = (uint32_t)(ps->p[1] % 32);
		ps->p += 2;
		return 1;
	case 'x':
		if (ps->p[1] == '{') { /* \x{10FFFF} (Go) */
			const char *end = strchr(ps->p, '}');
			size_t digits = end ? (size_t)(end - ps->p - 2) : 0;
			if (!digits || digits > 6 || hex(ps->p + 2, (int)digits, cp) < 0 || *cp > 0x10FFFF)
				return -1;
			ps->p = end + 1;
			return 1;
		}
		if (hex(ps->p + 1, 2, cp) < 0)
			return -1;
		ps->p += 3;
		return 1;
	case 'u':
		if (hex(ps->p + 1, 4, cp) < 0)
			return -1;
		ps->p += 5;
		return 1;
	default:
		if (c && strchr(in_class ? "dDwWsS" : "dDwWsSBAzQ", c))
			return 0;
		if (!c || (c >= '1' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return -1;
		*cp = re_utf8_next(&ps->p); /* identity escape of a symbol */
		return 1;
	}
	ps->p++;
	return 1;
}

/* One class atom: a character (*lo == *hi) or a \d-style set added to c (returns 0). */
static int class_atom(struct parser *ps, struct cls *c, uint32_t *cp)
{
	if (*ps->p != '\\') {
		*cp = re_utf8_next(&ps->p);
		return 1;
	}
	ps->p++;
	int r = escape_char(ps, true, cp);
	if (r < 0)
		return PFAIL(ps, "invalid escape in character class");
	if (r == 0) {
		re_cls_add_escape(c, *ps->p++);
		return 0;
	}
	return 1;
}

/* Under (?i), add the other case of every ASCII letter in c. */
static void fold_case(struct cls *c)
{
	size_t n = c->n;

	for (size_t i = 0; i < n; i++) {
		uint32_t lo = c->r[i].lo, hi = c->r[i].hi;
		if (lo <= 'z' && hi >= 'a')
			re_cls_add(c, (lo > 'a' ? lo : 'a') - 32, (hi < 'z' ? hi : 'z') - 32);
		if (lo <= 'Z' && hi >= 'A')
			re_cls_add(c, (lo > 'A' ? lo : 'A') + 32, (hi < 'Z' ? hi : 'Z') + 32);
	}
}

/* Finish a class node: case folding first, so that [^a] under (?i) excludes A too. */
static void finish_class(struct parser *ps, int n, bool neg)
{
	struct cls *c = &ps->cls[ps->nodes[n].cls];

	if (ps->fold)
		fold_case(c);
	if (neg)
		re_cls_negate(c);
	else
		re_cls_normalize(c);
}

/* [:name:] inside a bracket (Go): adds the class to c and returns 1, 0 if not one, -1 if unknown. */
static int posix_class(struct parser *ps, struct cls *c)
{
	static const struct { const char *name; const char *ranges; } classes[] = {
		{ "alnum", "09AZaz" }, { "alpha", "AZaz" }, { "ascii", "\x01\x7f" }, { "blank", "\t\t  " },
		{ "cntrl", "\x01\x1f\x7f\x7f" }, { "digit", "09" }, { "graph", "!~" }, { "lower", "az" },
		{ "print", " ~" }, { "punct", "!/:@[`{~" }, { "space", "\t\r  " }, { "upper", "AZ" },
		{ "word", "09AZaz__" }, { "xdigit", "09AFaf" },
	};
	if (ps->p[1] != ':')
		return 0;
	const char *p = ps->p + 2, *end = strstr(p, ":]");
	if (!end)
		return 0;
	if (*p == '^')
		p++;
	bool neg = p > ps->p + 2;
	if (p > end)
		return 0;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (strlen(classes[i].name) != (size_t)(end - p) || strncmp(p, classes[i].name, (size_t)(end - p)))
			continue;
		struct cls t = { NULL, 0 };
		const char *r = classes[i].ranges;
		if (!strcmp(classes[i].name, "ascii"))
			re_cls_add(&t, 0, 0x7F);
		else if (!strcmp(classes[i].name, "cntrl")) {
			re_cls_add(&t, 0, 0x1F);
			re_cls_add(&t, 0x7F, 0x7F);
		} else
			for (; r[0] && r[1]; r += 2)
				re_cls_add(&t, (unsigned char)r[0], (unsigned char)r[1]);
		if (neg)
			re_cls_negate(&t);
		for (size_t k = 0; k < t.n; k++)
			re_cls_add(c, t.r[k].lo, t.r[k].hi);
		free(t.r);
		ps->p = end + 2;
		return 1;
	}
	return PFAIL(ps, "unknown character class [:%.*s:]", (int)(end - p), p);
}

static int parse_class(struct parser *ps)
{
	int n = new_class(ps);
	struct cls *c;
	bool neg = false;

	ps->p++; /* '[' */
	if (*ps->p == '^') {
		neg = true;
		ps->p++;
	}
	/* As in Go (and POSIX), a ']' right after '[' or '[^' is literal. */
	bool first = true;
	for (;;) {
		uint32_t lo, hi;
		c = &ps->cls[ps->nodes[n].cls];
		if (!*ps->p)
			return PFAIL(ps, "missing ]");
		if (*ps->p == ']' && !first)
			break;
		first = false;
		if (*ps->p == '[') {
			int r = posix_class(ps, c);
			if (r < 0)
				return -1;
			if (r)
				continue;
		}
		int r = class_atom(ps, c, &lo);
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (ps->p[0] == '-' && ps->p[1] && ps->p[1] != ']') {
			ps->p++;
			r = class_atom(ps, c, &hi);
			if (r < 0)
				return -1;
			if (r == 0 || hi < lo)
				return PFAIL(ps, "invalid range in character class");
			re_cls_add(c, lo, hi);
		} else {
			re_cls_add(c, lo, lo);
		}
	}
	ps->p++; /* ']' */
	finish_class(ps, n, neg);
	return n;
}

static int parse_alt(struct parser *ps);

static int single_class(struct parser *ps, uint32_t lo, uint32_t hi, bool neg)
{
	int n = new_class(ps);

	re_cls_add(&ps->cls[ps->nodes[n].cls], lo, hi);
	finish_class(ps, n, neg);
	return n;
}

/*
 * After "(?": flags "i", "s", "m", "U" (a '-' clears the following ones),
 * then ')' (for the rest of the group) or ':' (a group of its own).
 * Returns 1 for a bare flag group, 0 for a group to parse, -1 on error.
 */
static int parse_flags(struct parser *ps)
{
	bool on = true, any = false;

	for (;; ps->p++) {
		char f = *ps->p;
		if (f == '-' && on) {
			on = false;
			continue;
		}
		if (f == 'i')
			ps->fold = on;
		else if (f == 's')
			ps->dotall = on;
		else if (f == 'm')
			ps->multiline = on;
		else if (f == 'U')
			; /* ungreedy: the same for match or no match */
		else
			break;
		any = true;
	}
	if (!any || (*ps->p != ')' && *ps->p != ':'))
		return PFAIL(ps, "lookaround and unknown group flags are not supported");
	return *ps->p++ == ')';
}

/* An atom; sets *assertion for ^ $ \b \B, which may not be repeated. */
static int parse_atom(struct parser *ps, bool *assertion)
{
	char c = *ps->p;
	uint32_t cp;

	*assertion = false;
	switch (c) {
	case '(': {
		bool fold = ps->fold, dotall = ps->dotall, multiline = ps->multiline;
		ps->p++;
		if (*ps->p == '?') {
			const char *name = ps->p[1] == 'P' ? ps->p + 2 : ps->p + 1;
			if (ps->p[1] == ':') {
				ps->p += 2;
			} else if (*name == '<' && name[1] != '=' && name[1] != '!' && strchr(name, '>')) {
				ps->p = strchr(name, '>') + 1; /* named group: its name does not matter here */
			} else {
				ps->p++;
				int r = parse_flags(ps);
				if (r < 0)
					return -1;
				if (r) /* (?i) holds to the end of the enclosing group */
					return new_node(ps, N_EMPTY);
			}
		}
		if (++ps->depth > RE_MAX_DEPTH)
			return PFAIL(ps, "groups nested too deeply");
		int n = parse_alt(ps);
		ps->depth--;
		ps->fold = fold;
		ps->dotall = dotall;
		ps->multiline = multiline;
		if (n < 0)
			return -1;
		if (*ps->p != ')')
			return PFAIL(ps, "missing )");
		ps->p++;
		return n;
	}
	case '[':
		return parse_class(ps);
	case '.': {
		/* Go's meaning: anything but a newline, or anything under (?s). */
		ps->p++;
		int n = new_class(ps);
		struct cls *k = &ps->cls[ps->nodes[n].cls];
		if (ps->dotall) {
			re_cls_add(k, 0, 0x10FFFF);
		} else {
			re_cls_add(k, '\n', '\n');
			re_cls_negate(k);
		}
		return n;
	}
	case '^':
	case '$':
		ps->p++;
		*assertion = true;
		if (ps->multiline)
			return new_node(ps, c == '^' ? N_BOL_M : N_EOL_M);
		return new_node(ps, c == '^' ? N_BOL : N_EOL);
	case '\\': {
		ps->p++;
		int r = escape_char(ps, false, &cp);
		if (r < 0 && (*ps->p == 'p' || *ps->p == 'P'))
			return PFAIL(ps, "Unicode classes \\p are not supported");
		if (r < 0)
			return PFAIL(ps, "invalid escape \\%c", *ps->p ? *ps->p : ' ');
		if (r == 1)
			return single_class(ps, cp, cp, false);
		char e = *ps->p++;
		if (e == 'b' || e == 'B' || e == 'A' || e == 'z') {
			static const enum node_type types[] = { N_WORDB, N_NWORDB, N_BOL, N_EOL };
			*assertion = true;
			return new_node(ps, types[e == 'b' ? 0 : e == 'B' ? 1 : e == 'A' ? 2 : 3]);
		}
		if (e == 'Q') { /* \Q...\E: literal text (Go) */
			const char *end = strstr(ps->p, "\\E");
			size_t len = end ? (size_t)(end - ps->p) : strlen(ps->p);
			const char *lit = ps->p, *stop = ps->p + len;
			int left = -1;
			ps->p = end ? end + 2 : stop;
			while (lit < stop) {
				uint32_t ch = re_utf8_next(&lit);
				int one = single_class(ps, ch, ch, false);
				if (left >= 0) {
					int cat = new_node(ps, N_CAT);
					ps->nodes[cat].a = left;
					ps->nodes[cat].b = one;
					one = cat;
				}
				left = one;
			}
			return left >= 0 ? left : new_node(ps, N_EMPTY);
		}
		int n = new_class(ps);
		re_cls_add_escape(&ps->cls[ps->nodes[n].cls], e);
		finish_class(ps, n, false);
		return n;
	}
	case '*':
	case '+':
	case '?':
		return PFAIL(ps, "nothing to repeat");
	default:
		cp = re_utf8_next(&ps->p);
		return single_class(ps, cp, cp, false);
	}
}

/* A quantifier at ps->p: 1 with min/max, 0 if none ('{' not a bound is a literal). */
static int parse_quant(struct parser *ps, int *min, int *max)
{
	const char *p = ps->p;
	char *end;

	if (*p == '*' || *p == '+' || *p == '?') {
		*min = *p == '+' ? 1 : 0;
		*max = *p == '?' ? 1 : -1;
		ps->p++;
	} else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
		long lo = strtol(p + 1, &end, 10), hi = lo;
		if (*end == ',') {
			if (end[1] >= '0' && end[1] <= '9')
				hi = strtol(end + 1, &end, 10);
			else {
				hi = -1;
				end++;
			}
		}
		if (*end != '}')
			return 0;
		if (lo > RE_MAX_REPEAT || hi > RE_MAX_REPEAT)
			return PFAIL(ps, "repeat count over %d", RE_MAX_REPEAT);
		if (hi >= 0 && hi < lo)
			return PFAIL(ps, "numbers out of order in {} quantifier");
		*min = (int)lo;
		*max = (int)hi;
		ps->p = end + 1;
	} else {
		return 0;
	}
	if (*ps->p == '?') /* lazy: the same for match or no match */
		ps->p++;
	return 1;
}

static int parse_cat(struct parser *ps)
{
	int left = -1;

	while (*ps->p && *ps->p != '|' && *ps->p != ')') {
		bool assertion;
		int min, max, q;
		int n = parse_atom(ps, &assertion);
		if (n < 0)
			return -1;
		if ((q = parse_quant(ps, &min, &max)) < 0)
			return -1;
		if (q) {
			if (assertion)
				return PFAIL(ps, "nothing to repeat");
			int r = new_node(ps, N_REPEAT);
			ps->nodes[r].a = n;
			ps->nodes[r].min = min;
			ps->nodes[r].max = max;
			n = r;
			int m2, x2;
			if ((q = parse_quant(ps, &m2, &x2)) != 0)
				return q < 0 ? -1 : PFAIL(ps, "nothing to repeat");
		}
		if (left < 0) {
			left = n;
		} else {
			int c = new_node(ps, N_CAT);
			ps->nodes[c].a = left;
			ps->nodes[c].b = n;
			left = c;
		}
	}
	return left < 0 ? new_node(ps, N_EMPTY) : left;
}

static int parse_alt(struct parser *ps)
{
	int left = parse_cat(ps);

	while (left >= 0 && *ps->p == '|') {
		ps->p++;
		int right = parse_cat(ps);
		if (right < 0)
			return -1;
		int a = new_node(ps, N_ALT);
		ps->nodes[a].a = left;
		ps->nodes[a].b = right;
		left = a;
	}
	return left;
}

/* ---- compiling ---- */

/*
 * Concatenations and alternations are left-deep chains as long as the
 * pattern: walk them in loops, recursing only into their right-hand parts,
 * whose depth the group nesting limit bounds.
 */

/* The parts of the chain of `type` nodes starting at n, in pattern order (owned). */
static int *chain(const struct parser *ps, int n, enum node_type type, size_t *count)
{
	size_t k = 1, i;
	int m;

	for (m = n; ps->nodes[m].type == type; m = ps->nodes[m].a)
		k++;
	int *parts = xmalloc(k * sizeof(int));
	i = k;
	for (m = n; ps->nodes[m].type == type; m = ps->nodes[m].a)
		parts[--i] = ps->nodes[m].b;
	parts[--i] = m;
	*count = k;
	return parts;
}

/* Instructions node n compiles to, saturating above the limit. */
static double prog_size(const struct parser *ps, int n)
{
	const struct node *nd = &ps->nodes[n];
	double s = 0;

	switch (nd->type) {
	case N_EMPTY: return 0;
	case N_CAT:
	case N_ALT: {
		size_t k;
		int *parts = chain(ps, n, nd->type, &k);
		for (size_t i = 0; i < k && s < 1e9; i++)
			s += prog_size(ps, parts[i]) + (nd->type == N_ALT ? 2 : 0);
		free(parts);
		return s;
	}
	case N_REPEAT: {
		double body = prog_size(ps, nd->a);
		double copies = nd->max < 0 ? nd->min + 1 : nd->max;
		s = copies * (body + 2);
		return s > 1e9 ? 1e9 : s;
	}
	default: return 1;
	}
}

static int emit(struct schema_re *re, enum op op, int x, int y)
{
	re->prog[re->n].op = op;
	re->prog[re->n].x = x;
	re->prog[re->n].y = y;
	return (int)re->n++;
}

static void compile(struct schema_re *re, const struct parser *ps, int n)
{
	const struct node *nd = &ps->nodes[n];
	size_t k;
	int *parts, *jmps;

	switch (nd->type) {
	case N_EMPTY:
		break;
	case N_CLASS: emit(re, OP_CLASS, nd->cls, 0); break;
	case N_BOL: emit(re, OP_BOL, 0, 0); break;
	case N_EOL: emit(re, OP_EOL, 0, 0); break;
	case N_WORDB: emit(re, OP_WORDB, 0, 0); break;
	case N_NWORDB: emit(re, OP_NWORDB, 0, 0); break;
	case N_BOL_M: emit(re, OP_BOL_M, 0, 0); break;
	case N_EOL_M: emit(re, OP_EOL_M, 0, 0); break;
	case N_CAT:
		parts = chain(ps, n, N_CAT, &k);
		for (size_t i = 0; i < k; i++)
			compile(re, ps, parts[i]);
		free(parts);
		break;
	case N_ALT:
		/* split(a1, next); a1; jmp end; next: split(a2, next2); ... ak; end: */
		parts = chain(ps, n, N_ALT, &k);
		jmps = xmalloc(k * sizeof(int));
		for (size_t i = 0; i + 1 < k; i++) {
			int split = emit(re, OP_SPLIT, 0, 0);
			re->prog[split].x = (int)re->n;
			compile(re, ps, parts[i]);
			jmps[i] = emit(re, OP_JMP, 0, 0);
			re->prog[split].y = (int)re->n;
		}
		compile(re, ps, parts[k - 1]);
		for (size_t i = 0; i + 1 < k; i++)
			re->prog[jmps[i]].x = (int)re->n;
		free(jmps);
		free(parts);
		break;
	case N_REPEAT: {
		for (int i = 0; i < nd->min; i++)
			compile(re, ps, nd->a);
		if (nd->max < 0) {
			int split = emit(re, OP_SPLIT, 0, 0);
			re->prog[split].x = (int)re->n;
			compile(re, ps, nd->a);
			emit(re, OP_JMP, split, 0);
			re->prog[split].y = (int)re->n;
			break;
		}
		/* Optional copies: each split may skip to the end of them all. */
		int opt = nd->max - nd->min, *splits = opt ? xmalloc((size_t)opt * sizeof(int)) : NULL;
		for (int i = 0; i < opt; i++) {
			splits[i] = emit(re, OP_SPLIT, 0, 0);
			re->prog[splits[i]].x = (int)re->n;
			compile(re, ps, nd->a);
		}
		for (int i = 0; i < opt; i++)
			re->prog[splits[i]].y = (int)re->n;
		free(splits);
		break;
	}
	}
}

void schema_re_free(struct schema_re *re)
{
	if (!re)
		return;
	for (size_t i = 0; i < re->ncls; i++)
		free(re->cls[i].r);
	free(re->cls);
	free(re->prog);
	free(re);
}

struct schema_re *schema_re_compile(const char *pattern, char *err, size_t errn)
{
	struct parser ps = { .p = pattern, .err = err, .errn = errn };
	struct schema_re *re = NULL;
	int root = parse_alt(&ps);

	if (root >= 0 && *ps.p) {
		snprintf(err, errn, "unmatched )");
		root = -1;
	}
	if (root >= 0 && prog_size(&ps, root) + 1 > RE_MAX_INST) {
		snprintf(err, errn, "pattern too large once repetitions are expanded");
		root = -1;
	}
	if (root >= 0) {
		re = xcalloc(1, sizeof(*re));
		re->prog = xmalloc(((size_t)prog_size(&ps, root) + 1) * sizeof(*re->prog));
		compile(re, &ps, root);
		emit(re, OP_MATCH, 0, 0);
		re->cls = ps.cls;
		re->ncls = ps.ncls;
		ps.cls = NULL;
	}
	for (size_t i = 0; ps.cls && i < ps.ncls; i++)
		free(ps.cls[i].r);
	free(ps.cls);
	free(ps.nodes);
	return re;
}
