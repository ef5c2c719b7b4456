/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host side of the pod init protocol for one command: create and start
 * one container, relay stdin/stdout/stderr, signals and window size, and
 * return how the command ended. Works over any connected stream socket
 * (a socketpair to a namespace sandbox, vsock through a VMM).
 */
#ifndef ATOLL_SANDBOX_SESSION_H
#define ATOLL_SANDBOX_SESSION_H

#include <jansson.h>
#include <stddef.h>

struct session_timings {
	double ready, created, started, exited; /* monotonic seconds */
};

struct session_result {
	int status; /* exit status, or -1 when signalled */
	int signal; /* terminating signal, or 0 */
	char error[512]; /* set when the sandbox refused the command */
};

/*
 * create_msg is the "create" control message without op/seq/proc (borrowed).
 * Returns 0 when the command ran to an end (see res), -1 on a protocol or
 * sandbox failure (res->error says why).
 */
int session_run(int sock, json_t *create_msg, int interactive, int tty, struct session_timings *t,
		struct session_result *res);

double session_now(void);

#endif
