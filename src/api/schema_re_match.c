/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running a compiled pattern: all threads advance in lock step over the
 * code points of the input, each program position at most once per step,
 * so time is linear in the input (a Pike VM without captures).
 */
#include <stdlib.h>
#include <string.h>

#include "api/schema_int.h"
#include "api/schema_re_int.h"
#include "lib/xalloc.h"

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
		case OP_BOL_M: if (pos == 0 || s[pos - 1] == '\n') stack[sp++] = pc + 1; break;
		case OP_EOL_M: if (pos == len || s[pos] == '\n') stack[sp++] = pc + 1; break;
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
		s[len++] = re_utf8_next(&p);
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
			else if (pos < len && re_cls_has(&re->cls[in->x], s[pos]))
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
