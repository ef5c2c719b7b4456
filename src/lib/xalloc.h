/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation that aborts on out-of-memory (as redis, git, crun do), plus
 * cleanup-attribute helpers for function-local resources.
 */
#ifndef ATOLL_XALLOC_H
#define ATOLL_XALLOC_H

#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

void *xmalloc(size_t n);            /* returns owned */
void *xcalloc(size_t nmemb, size_t n); /* returns owned, zeroed */
void *xrealloc(void *p, size_t n);  /* takes p, returns owned */
char *xstrdup(const char *s);       /* returns owned */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void cleanup_freep(void *p) { free(*(void **)p); }
static inline void cleanup_closep(int *fd) { if (*fd >= 0) close(*fd); }
#define _cleanup_free_  __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))

/* Hand ownership out of a cleanup-managed local. */
static inline void *steal_ptr(void *pp)
{
	void **p = pp, *v = *p;
	*p = NULL;
	return v;
}

static inline int steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#endif
