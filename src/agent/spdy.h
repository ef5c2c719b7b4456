/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server side of SPDY/3.1 framing, as much as Kubernetes port-forward
 * needs (kubectl 1.31+ tunnels it inside WebSocket messages): frames parsed
 * from a byte stream, zlib-compressed header blocks read and written,
 * SYN_REPLY, DATA, RST_STREAM, PING and GOAWAY made. No flow control:
 * Kubernetes' client (spdystream) does not use it either.
 */
#ifndef ATOLL_AGENT_SPDY_H
#define ATOLL_AGENT_SPDY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "lib/buf.h"

enum spdy_type {
	SPDY_SYN_STREAM = 1,
	SPDY_SYN_REPLY = 2,
	SPDY_RST_STREAM = 3,
	SPDY_SETTINGS = 4,
	SPDY_PING = 6,
	SPDY_GOAWAY = 7,
	SPDY_HEADERS = 8,
	SPDY_WINDOW_UPDATE = 9,
};

#define SPDY_FLAG_FIN 0x01
#define SPDY_MAX_FRAME (1u << 20) /* larger frames end the session */

/* RST_STREAM status codes we send. */
#define SPDY_PROTOCOL_ERROR 1
#define SPDY_REFUSED_STREAM 3
#define SPDY_CANCEL 5

struct spdy_frame {
	bool control;
	uint16_t type;       /* control frames */
	uint8_t flags;
	uint32_t stream;     /* data frames; and control frames that name one */
	const unsigned char *data; /* borrowed until the next spdy_next */
	size_t len;
};

struct spdy_conn {
	struct buf in;       /* bytes not yet made into frames */
	size_t in_off;
	z_stream zin, zout;  /* one compression context each way, for the session */
	bool zin_ok, zout_ok;
};

void spdy_init(struct spdy_conn *c);
void spdy_release(struct spdy_conn *c);
/* Append received bytes. */
void spdy_feed(struct spdy_conn *c, const void *data, size_t n);
/* 1 with f filled, 0 when more bytes are needed, -1 on a malformed stream. */
int spdy_next(struct spdy_conn *c, struct spdy_frame *f);

/*
 * The headers of a SYN_STREAM (f borrowed) as an object of lower-case names
 * to values (owned), with *stream set; NULL when malformed.
 */
json_t *spdy_syn_stream_headers(struct spdy_conn *c, const struct spdy_frame *f, uint32_t *stream);

/* The SPDY/3 header dictionary (for tests that play the client). */
const unsigned char *spdy_dictionary(size_t *len);

/* Append frames to out. */
void spdy_syn_reply(struct spdy_conn *c, struct buf *out, uint32_t stream, bool fin);
void spdy_data(struct buf *out, uint32_t stream, bool fin, const void *data, size_t len);
void spdy_rst_stream(struct buf *out, uint32_t stream, uint32_t status);
void spdy_ping(struct buf *out, uint32_t id);
void spdy_goaway(struct buf *out, uint32_t last_stream, uint32_t status);

#endif
