/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny unit-test harness: CHECK records a pass or a failure with its line;
 * T_DONE() prints "N passed, N failed" and returns the exit code.
 */
#ifndef ATOLL_T_H
#define ATOLL_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cryptolib.h"

static int t_pass, t_fail;

/* The code under test calls OpenSSL through pointers that atoll's main() fills: do it here. */
__attribute__((constructor)) static void t_load_libs(void)
{
	struct atoll_err err = ERR_INIT;

	if (cryptolib_load(&err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(2);
	}
}

#define CHECK(cond) do { \
	if (cond) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *t_a = (a), *t_b = (b); \
	if (t_a && t_b && !strcmp(t_a, t_b)) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
			t_a ? t_a : "(null)", t_b ? t_b : "(null)"); } \
} while (0)

/* A deterministic pseudo-random number below n (a 64-bit LCG), for generated test inputs. */
static inline unsigned t_rnd(unsigned n)
{
	static unsigned long long state = 0x5eed;

	state = state * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((state >> 33) % n);
}

#define T_DONE() (printf("%s: %d passed, %d failed\n", __FILE__, t_pass, t_fail), t_fail ? 1 : 0)

#endif
