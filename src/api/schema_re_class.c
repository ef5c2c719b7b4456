/* SPDX-License-Identifier: Apache-2.0 */
/* Character classes of the pattern matcher: sorted, merged code point ranges. */
#include <stdlib.h>

#include "api/schema_re_int.h"
#include "lib/xalloc.h"

uint32_t re_utf8_next(const char **pp)
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

void re_cls_add(struct cls *c, uint32_t lo, uint32_t hi)
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

void re_cls_normalize(struct cls *c)
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
void re_cls_negate(struct cls *c)
{
	struct cls out = { NULL, 0 };
	uint32_t next = 0;

	re_cls_normalize(c);
	for (size_t i = 0; i < c->n; i++) {
		if (c->r[i].lo > next)
			re_cls_add(&out, next, c->r[i].lo - 1);
		next = c->r[i].hi + 1;
	}
	if (next <= 0x10FFFF)
		re_cls_add(&out, next, 0x10FFFF);
	free(c->r);
	*c = out;
}

bool re_cls_has(const struct cls *c, uint32_t cp)
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
void re_cls_add_escape(struct cls *c, char e)
{
	static const struct range space[] = {
		{ 0x09, 0x0D }, { 0x20, 0x20 }, { 0xA0, 0xA0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200A },
		{ 0x2028, 0x2029 }, { 0x202F, 0x202F }, { 0x205F, 0x205F }, { 0x3000, 0x3000 }, { 0xFEFF, 0xFEFF },
	};
	struct cls t = { NULL, 0 };

	switch (e | 0x20) {
	case 'd':
		re_cls_add(&t, '0', '9');
		break;
	case 'w':
		re_cls_add(&t, '0', '9');
		re_cls_add(&t, 'A', 'Z');
		re_cls_add(&t, 'a', 'z');
		re_cls_add(&t, '_', '_');
		break;
	default:
		for (size_t i = 0; i < sizeof(space) / sizeof(space[0]); i++)
			re_cls_add(&t, space[i].lo, space[i].hi);
	}
	if (e >= 'A' && e <= 'Z')
		re_cls_negate(&t);
	for (size_t i = 0; i < t.n; i++)
		re_cls_add(c, t.r[i].lo, t.r[i].hi);
	free(t.r);
}
