/* SPDX-License-Identifier: Apache-2.0 */
/* The pattern matcher's program and classes, shared by the schema_re*.c files. */
#ifndef ATOLL_SCHEMA_RE_INT_H
#define ATOLL_SCHEMA_RE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RE_MAX_WORK 10000000 /* thread steps of one match, some tens of milliseconds */

struct range {
	uint32_t lo, hi;
};

struct cls {
	struct range *r;
	size_t n;
};

/* BOL/EOL: start/end of text; _M: also after/before a newline, under (?m). */
enum op { OP_CLASS, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_BOL_M, OP_EOL_M, OP_WORDB, OP_NWORDB, OP_MATCH };

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

/* Classes: add a range, sort and merge, complement, test, add \d \w \s (\D \W \S). */
void re_cls_add(struct cls *c, uint32_t lo, uint32_t hi);
void re_cls_normalize(struct cls *c);
void re_cls_negate(struct cls *c);
bool re_cls_has(const struct cls *c, uint32_t cp);
void re_cls_add_escape(struct cls *c, char e);
/* Decode one UTF-8 sequence at *pp and advance; invalid bytes read as U+FFFD. */
uint32_t re_utf8_next(const char **pp);

#endif
