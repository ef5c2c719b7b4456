/* SPDX-License-Identifier: Apache-2.0 */
/* Leveled logging with a component tag on every line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"

enum log_level log_level_max = LOG_INFO;

static const char *const level_names[] = { "E", "W", "I", "D" };

void log_msg(enum log_level lvl, const char *comp, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (lvl > log_level_max)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One fprintf per line so concurrent threads do not interleave. */
	fprintf(stderr, "%s%02d:%02d:%02d.%03ld %-6s %s\n", level_names[lvl],
		tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, comp, line);
}

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("atoll: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
