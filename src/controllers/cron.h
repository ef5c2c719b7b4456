/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Standard five-field cron schedules as CronJobs use them: minute hour
 * day-of-month month day-of-week, with lists, ranges, steps, '*' and '?',
 * month and weekday names, 7 for Sunday, and the @hourly/@daily/@weekly/
 * @monthly/@yearly macros. Times are UTC seconds.
 */
#ifndef ATOLL_CRON_H
#define ATOLL_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cron_expr {
	uint64_t minute;  /* bit i: minute i */
	uint32_t hour, dom, month; /* dom bits 1..31, month bits 1..12 */
	uint8_t dow;      /* bit 0 Sunday .. 6 Saturday */
	bool dom_star, dow_star; /* written as '*' or '?': the other day field alone decides */
};

/* Returns 0, or -1 with a reason in why. */
int cron_parse(const char *s, struct cron_expr *c, char *why, size_t whylen);
/* The first scheduled time strictly after `after` (UTC seconds), or -1 if there is none (Feb 30). */
int64_t cron_next(const struct cron_expr *c, int64_t after);

#endif
