/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ECMA-262 patterns of OpenAPI schemas, matched in linear time: parse
 * to a small tree, compile to a program of character classes, splits and
 * jumps, and run all threads in lock step over the code points of the
 * input (a Pike VM). Only match or no match is needed, so greedy and lazy
 * quantifiers are the same; backreferences and lookaround are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/schema_int.h"
#include "lib/xalloc.h"

#define RE_MAX_REPEAT 1000   /* as Go's RE2, which Kubernetes uses */
#define RE_MAX_INST 20000    /* bounds compile memory and match time */
#define RE_MAX_DEPTH 200     /* parser recursion */
#define RE_MAX_WORK 50000000 /* thread steps of one match, about a tenth of a second */

enum node_type { N_EMPTY, N_CLASS, N_CAT, N_ALT, N_REPEAT, N_BOL, N_EOL, N_WORDB, N_NWORDB };

struct node {
	enum node_type type;
	int a, b;      /* children (CAT, ALT: a b; REPEAT: a) */
	int min, max;  /* REPEAT; max -1 is unbounded */
	int cls;       /* CLASS */
};

struct range {
	uint32_t lo, hi;
};

struct cls {
	struct range *r;
	size_t n;
};

enum op { OP_CLASS, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_WORDB, OP_NWORDB, OP_MATCH };

struct inst {
	enum op op;
	int x, y; /* CLASS: class index; SPLIT: both targets; JMP: x */
};

struct schema_re {
	struct inst *prog;
	size_t n;
	struct cls *cls;
	size_t ncls;
};

struct parser {
	const char *p;
	struct node *nodes;
	size_t nnodes, nodes_cap;
	struct cls *cls;
	size_t ncls, cls_cap;
	int depth;
	char *err;
	size_t errn;
};

#define PFAIL(ps, ...) (snprintf((ps)->err, (ps)->errn, __VA_ARGS__), -1)

/* ---- character classes: sorted, merged code point ranges ---- */

static void cls_add(struct cls *c, uint32_t lo, uint32_t hi)
{
	c->r = xrealloc(c->r, (c->n + 1) * sizeof(*c->r));
	c->r[c->n].lo = lo;
	c->r[c->n].hi = hi;
	c->n++;
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void cls_normalize(struct cls *c)
{
	size_t o = 0;

	if (!c->n)
		return;
	qsort(c->r, c->n, sizeof(*c->r), range_cmp);
	for (size_t i = 1; i < c->n; i++) {
		if (c->r[i].lo <= c->r[o].hi + 1) {
			if (c->r[i].hi > c->r[o].hi)
				c->r[o].hi = c->r[i].hi;
		} else {
			c->r[++o] = c->r[i];
		}
	}
	c->n = o + 1;
}

/* Replace c by its complement over all code points. */
static void cls_negate(struct cls *c)
{
	struct cls out = { NULL, 0 };
	uint32_t next = 0;

	cls_normalize(c);
	for (size_t i = 0; i < c->n; i++) {
		if (c->r[i].lo > next)
			cls_add(&out, next, c->r[i].lo - 1);
		next = c->r[i].hi + 1;
	}
	if (next <= 0x10FFFF)
		cls_add(&out, next, 0x10FFFF);
	free(c->r);
	*c = out;
}

static bool cls_has(const struct cls *c, uint32_t cp)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < c->r[mid].lo)
			hi = mid;
		else if (cp > c->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* \d \w \s (negated for \D \W \S) into c. */
static void cls_add_escape(struct cls *c, char e)
{
	static const struct range space[] = {
		{ 0x09, 0x0D }, { 0x20, 0x20 }, { 0xA0, 0xA0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200A },
		{ 0x2028, 0x2029 }, { 0x202F, 0x202F }, { 0x205F, 0x205F }, { 0x3000, 0x3000 }, { 0xFEFF, 0xFEFF },
	};
	struct cls t = { NULL, 0 };

	switch (e | 0x20) {
	case 'd':
		cls_add(&t, '0', '9');
		break;
	case 'w':
		cls_add(&t, '0', '9');
		cls_add(&t, 'A', 'Z');
		cls_add(&t, 'a', 'z');
		cls_add(&t, '_', '_');
		break;
	default:
		for (size_t i = 0; i < sizeof(space) / sizeof(space[0]); i++)
			cls_add(&t, space[i].lo, space[i].hi);
	}
	if (e >= 'A' && e <= 'Z')
		cls_negate(&t);
	for (size_t i = 0; i < t.n; i++)
		cls_add(c, t.r[i].lo, t.r[i].hi);
	free(t.r);
}

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
static uint32_t utf8_next(const char **pp)
{
	const unsigned char *p = (const unsigned char *)*pp;
	uint32_t cp;
	int len;

	if (p[0] < 0x80) {
		*pp += 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0) { cp = p[0] & 0x1F; len = 2; }
	else if ((p[0] & 0xF0) == 0xE0) { cp = p[0] & 0x0F; len = 3; }
	else if ((p[0] & 0xF8) == 0xF0) { cp = p[0] & 0x07; len = 4; }
	else { *pp += 1; return 0xFFFD; }
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp += 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*pp += len;
	return cp;
}

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
		if (c && strchr("dDwWsSB", c))
			return 0;
		if (!c || (c >= '1' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return -1;
		*cp = utf8_next(&ps->p); /* identity escape of a symbol */
		return 1;
	}
	ps->p++;
	return 1;
}

/* One class atom: a character (*lo == *hi) or a \d-style set added to c (returns 0). */
static int class_atom(struct parser *ps, struct cls *c, uint32_t *cp)
{
	if (*ps->p != '\\') {
		*cp = utf8_next(&ps->p);
		return 1;
	}
	ps->p++;
	int r = escape_char(ps, true, cp);
	if (r < 0 || (r == 0 && *ps->p == 'B'))
		return PFAIL(ps, "invalid escape in character class");
	if (r == 0) {
		cls_add_escape(c, *ps->p++);
		return 0;
	}
	return 1;
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
	for (;;) {
		uint32_t lo, hi;
		c = &ps->cls[ps->nodes[n].cls];
		if (!*ps->p)
			return PFAIL(ps, "missing ]");
		if (*ps->p == ']')
			break;
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
			cls_add(c, lo, hi);
		} else {
			cls_add(c, lo, lo);
		}
	}
	ps->p++; /* ']' */
	c = &ps->cls[ps->nodes[n].cls];
	if (neg)
		cls_negate(c);
	else
		cls_normalize(c);
	return n;
}

static int parse_alt(struct parser *ps);

static int single_class(struct parser *ps, uint32_t lo, uint32_t hi, bool neg)
{
	int n = new_class(ps);
	struct cls *c = &ps->cls[ps->nodes[n].cls];

	cls_add(c, lo, hi);
	if (neg)
		cls_negate(c);
	return n;
}

/* An atom; sets *assertion for ^ $ \b \B, which may not be repeated. */
static int parse_atom(struct parser *ps, bool *assertion)
{
	char c = *ps->p;
	uint32_t cp;

	*assertion = false;
	switch (c) {
	case '(': {
		ps->p++;
		if (*ps->p == '?') {
			if (ps->p[1] == ':')
				ps->p += 2;
			else if (ps->p[1] == '<' && ps->p[2] != '=' && ps->p[2] != '!' && strchr(ps->p, '>'))
				ps->p = strchr(ps->p, '>') + 1; /* named group: its name does not matter here */
			else
				return PFAIL(ps, "lookaround is not supported");
		}
		if (++ps->depth > RE_MAX_DEPTH)
			return PFAIL(ps, "groups nested too deeply");
		int n = parse_alt(ps);
		ps->depth--;
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
		ps->p++;
		int n = new_class(ps);
		struct cls *k = &ps->cls[ps->nodes[n].cls];
		cls_add(k, '\n', '\n');
		cls_add(k, '\r', '\r');
		cls_add(k, 0x2028, 0x2029);
		cls_negate(k);
		return n;
	}
	case '^':
	case '$':
		ps->p++;
		*assertion = true;
		return new_node(ps, c == '^' ? N_BOL : N_EOL);
	case '\\': {
		ps->p++;
		int r = escape_char(ps, false, &cp);
		if (r < 0)
			return PFAIL(ps, "invalid escape \\%c", *ps->p ? *ps->p : ' ');
		if (r == 1)
			return single_class(ps, cp, cp, false);
		char e = *ps->p++;
		if (e == 'b' || e == 'B') {
			*assertion = true;
			return new_node(ps, e == 'b' ? N_WORDB : N_NWORDB);
		}
		int n = new_class(ps);
		cls_add_escape(&ps->cls[ps->nodes[n].cls], e);
		cls_normalize(&ps->cls[ps->nodes[n].cls]);
		return n;
	}
	case '*':
	case '+':
	case '?':
		return PFAIL(ps, "nothing to repeat");
	default:
		cp = utf8_next(&ps->p);
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
	struct parser ps = { pattern, NULL, 0, 0, NULL, 0, 0, 0, err, errn };
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

/* ---- matching ---- */

static bool is_word(const uint32_t *s, size_t len, size_t i)
{
	if (i >= len)
		return false;
	uint32_t c = s[i];
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

struct threads {
	int *pc;
	size_t n;
};

/*
 * Add pc and everything reachable from it without consuming input, once per
 * step (mark[] == gen). An explicit stack: programs may be long chains.
 */
static void add_thread(const struct schema_re *re, struct threads *t, int pc, unsigned *mark,
		       unsigned gen, int *stack, const uint32_t *s, size_t len, size_t pos)
{
	size_t sp = 0;

	stack[sp++] = pc;
	while (sp) {
		pc = stack[--sp];
		if (mark[pc] == gen)
			continue;
		mark[pc] = gen;
		const struct inst *in = &re->prog[pc];
		switch (in->op) {
		case OP_JMP: stack[sp++] = in->x; break;
		case OP_SPLIT:
			stack[sp++] = in->y;
			stack[sp++] = in->x;
			break;
		case OP_BOL: if (pos == 0) stack[sp++] = pc + 1; break;
		case OP_EOL: if (pos == len) stack[sp++] = pc + 1; break;
		case OP_WORDB:
		case OP_NWORDB: {
			bool b = (pos > 0 && is_word(s, len, pos - 1)) != is_word(s, len, pos);
			if (b == (in->op == OP_WORDB))
				stack[sp++] = pc + 1;
			break;
		}
		default: t->pc[t->n++] = pc; /* CLASS or MATCH */
		}
	}
}

int schema_re_match(const struct schema_re *re, const char *str)
{
	size_t len = 0, cap = strlen(str) + 1, n = re->n, work = 0;
	uint32_t *s = xmalloc(cap * sizeof(*s));
	const char *p = str;
	int matched = 0;

	while (*p)
		s[len++] = utf8_next(&p);
	unsigned *mark = xcalloc(n, sizeof(*mark));
	int *stack = xmalloc(2 * n * sizeof(*stack) + sizeof(*stack));
	struct threads cur = { xmalloc(n * sizeof(int)), 0 }, next = { xmalloc(n * sizeof(int)), 0 };
	unsigned gen = 1;

	/* Unanchored search: a new thread starts at every position. */
	for (size_t pos = 0; pos <= len && !matched; pos++) {
		add_thread(re, &cur, 0, mark, gen, stack, s, len, pos);
		gen++;
		next.n = 0;
		/* Linear, but program size times input length can still be large. */
		work += cur.n + 1;
		if (work > RE_MAX_WORK) {
			matched = -1;
			break;
		}
		for (size_t i = 0; i < cur.n && !matched; i++) {
			const struct inst *in = &re->prog[cur.pc[i]];
			if (in->op == OP_MATCH)
				matched = 1;
			else if (pos < len && cls_has(&re->cls[in->x], s[pos]))
				add_thread(re, &next, cur.pc[i] + 1, mark, gen, stack, s, len, pos + 1);
		}
		struct threads t = cur;
		cur = next;
		next = t;
	}
	free(cur.pc);
	free(next.pc);
	free(stack);
	free(mark);
	free(s);
	return matched;
}
