/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container log files in the CRI format the pod shim writes (shim.h): one
 * record a line, "<RFC3339Nano> <stdout|stderr> <F|P> <bytes>", P marking a
 * partial line that the next record continues. This turns them into what
 * `kubectl logs` shows, with its options. Lines that are not CRI records
 * (older plain logs) pass through unchanged. Used by the API server and the
 * agent's /containerLogs.
 */
#ifndef ATOLL_AGENT_CRILOG_H
#define ATOLL_AGENT_CRILOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct crilog_opts {
	bool timestamps;   /* prefix each line with its RFC3339Nano time */
	long tail;         /* the last N lines; -1: all */
	int64_t since_ns;  /* drop lines older than this (ns since the epoch); 0: none */
	long long limit;   /* stop after this many bytes; -1: no limit */
	bool previous;     /* the previous instance's file (<ctr>.log.1) */
	bool follow;
};

/*
 * Fill o from query values got through get(ctx, key) (NULL when absent).
 * Returns 0, or -1 with a message in why for a bad value.
 */
int crilog_opts_parse(const char *(*get)(void *ctx, const char *key), void *ctx, struct crilog_opts *o,
		      char *why, size_t why_len);

/* Rendering state: zero it (crilog_init), feed it file bytes in any pieces. */
struct crilog {
	struct crilog_opts o;
	struct buf pending;   /* an unfinished input line */
	bool mid_line;        /* the last record was partial */
	bool dropping;        /* the current line is older than since */
	long long written;
};

void crilog_init(struct crilog *c, const struct crilog_opts *o);
/* Append the rendering of data's complete lines to out (the rest waits). */
void crilog_feed(struct crilog *c, const char *data, size_t n, struct buf *out);
/* True once limit bytes were written. */
bool crilog_done(const struct crilog *c);
void crilog_release(struct crilog *c);

/* Where in text the last `lines` lines start (0 for all; len for none). */
size_t crilog_tail_start(const char *text, size_t len, long lines);

/* Render a whole file's text with o (tail, since, timestamps, limit) into out. */
void crilog_render(const char *text, size_t len, const struct crilog_opts *o, struct buf *out);

/*
 * A container's log file as one text (returns owned, NULL when there is
 * none): its older part set aside at rotation, path.rotated (the shim
 * keeps one), followed by path. *aside_len is how many bytes of the text
 * came from the older part.
 */
char *crilog_read(const char *path, size_t *len, size_t *aside_len);

/* Parse an RFC 3339 time (fractions and offsets allowed) into ns since the epoch; -1 when malformed. */
int crilog_parse_time(const char *s, size_t n, int64_t *ns);

#endif
