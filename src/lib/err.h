/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct atoll_err: a caller-owned error that travels up from the high tier
 * (api, store, registry, agent) and serializes straight into a Kubernetes
 * Status. Lives on the stack; filling it never allocates.
 */
#ifndef ATOLL_ERR_H
#define ATOLL_ERR_H

#include <stdarg.h>

struct atoll_err {
	int code;          /* HTTP status, 0 when unset */
	const char *reason; /* Kubernetes Status.reason ("NotFound", ...); static */
	char msg[512];
	const char *file;  /* where it was raised, for debugging */
	int line;
};

#define ERR_INIT { 0, NULL, { 0 }, NULL, 0 }

/* Fill err and return -1, so callers can write `return err_set(...)`. */
#define err_set(e, code, reason, ...) \
	err_set_at((e), __FILE__, __LINE__, (code), (reason), __VA_ARGS__)

int err_set_at(struct atoll_err *e, const char *file, int line, int code,
	       const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Prefix context to the message: "context: old message". Returns -1. */
int err_wrap(struct atoll_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
