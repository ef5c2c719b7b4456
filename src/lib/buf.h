/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct buf: a growable byte string. Invariants (as git's strbuf): `p` is
 * never NULL, always NUL-terminated; buf_detach() is the only way to take
 * the memory over.
 */
#ifndef ATOLL_BUF_H
#define ATOLL_BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len;
	size_t alloc; /* 0 while p points at the shared empty string */
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
char *buf_detach(struct buf *b, size_t *len); /* returns owned */

#endif
