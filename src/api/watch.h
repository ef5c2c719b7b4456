/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming watches: no thread per watch; suspended connections resumed by store commits. */
#ifndef ATOLL_WATCH_H
#define ATOLL_WATCH_H

/* Start the 1-second ticker that ends timed-out watches and sends bookmarks. */
void watch_ticker_start(void);
/* Number of open watches (for /metrics). */
int watch_count(void);

/*
 * End every watch stream (their connections are resumed so they can close);
 * libmicrohttpd refuses to stop while connections are suspended.
 */
void watch_shutdown(void);

#endif
