/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A controller loop: one thread that follows the store's events under a
 * prefix and calls on_event for each, plus on_tick about once a second.
 * Events are delivered after the controller's start revision.
 */
#ifndef ATOLL_CTL_LOOP_H
#define ATOLL_CTL_LOOP_H

#include "store/store.h"

struct ctl_loop {
	const char *name;
	const char *prefix;
	struct store *store;
	void (*on_event)(struct ctl_loop *l, const struct store_event *ev);
	void (*on_tick)(struct ctl_loop *l);
	void *data;
};

/* Start the loop's thread (l must outlive it; controllers run for the process's lifetime). */
void ctl_loop_start(struct ctl_loop *l);

/* Stop every loop and wait for its thread (before the store is closed). */
void ctl_loops_stop(void);

#endif
