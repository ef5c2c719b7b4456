/* SPDX-License-Identifier: Apache-2.0 */
/* Leveled logging to stderr with a component tag. Log an error once, at the boundary. */
#ifndef ATOLL_LOG_H
#define ATOLL_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern enum log_level log_level_max;

void log_msg(enum log_level lvl, const char *comp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(comp, ...) log_msg(LOG_ERROR, comp, __VA_ARGS__)
#define log_warn(comp, ...)  log_msg(LOG_WARN, comp, __VA_ARGS__)
#define log_info(comp, ...)  log_msg(LOG_INFO, comp, __VA_ARGS__)
#define log_debug(comp, ...) do { if (log_level_max >= LOG_DEBUG) log_msg(LOG_DEBUG, comp, __VA_ARGS__); } while (0)

/* Print "atoll: msg" to stderr and exit(1). Only for main and start-up. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
