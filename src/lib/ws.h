/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WebSocket (RFC 6455), server side: the handshake's accept key, a parser
 * that turns bytes from a client into whole messages (fragments joined,
 * control frames passed through, masking checked and undone, sizes
 * bounded) and an encoder for frames to send. No extensions are offered,
 * so every RSV bit is an error. Pure functions of memory: no I/O here.
 */
#ifndef ATOLL_WS_H
#define ATOLL_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

enum ws_op {
	WS_CONT = 0x0,
	WS_TEXT = 0x1,
	WS_BINARY = 0x2,
	WS_CLOSE = 0x8,
	WS_PING = 0x9,
	WS_PONG = 0xA,
};

/* Close codes we send. */
#define WS_CLOSE_NORMAL    1000
#define WS_CLOSE_PROTOCOL  1002
#define WS_CLOSE_INVALID   1007
#define WS_CLOSE_TOO_BIG   1009

#define WS_MAX_MESSAGE_DEFAULT (4u << 20)

/*
 * The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key: base64
 * of SHA-1 of key + the RFC's GUID. The key must be base64 of 16 bytes.
 * Writes 28 characters and a NUL into out; -1 for a malformed key.
 */
int ws_accept_key(const char *key, char out[29]);

/* Parser state for one connection; zero it, then set max_message (0: default). */
struct ws_parser {
	size_t max_message;  /* a (joined) message larger than this: 1009 */
	bool client;         /* parsing a server's frames: they must not be masked */
	unsigned char *in;   /* buffered input (owned) */
	size_t in_len, in_cap, in_off;
	struct buf msg;      /* fragments of the data message being joined */
	uint8_t msg_op;      /* its opcode; 0 when none is open */
	unsigned char *ctl;  /* the last control payload returned (owned) */
	bool closed;         /* a close frame or an error was returned: nothing more */
};

/* One message: data is borrowed, valid until the next ws_next or ws_parser_release. */
struct ws_msg {
	uint8_t op;          /* WS_TEXT, WS_BINARY, WS_CLOSE, WS_PING, WS_PONG */
	const unsigned char *data;
	size_t len;
	uint16_t close_code; /* for WS_CLOSE: the peer's code (1005 when none) */
};

/* Append received bytes (copied). */
void ws_feed(struct ws_parser *p, const void *data, size_t n);
/*
 * 1 with m filled when a message is complete, 0 when more bytes are needed,
 * -1 on a protocol violation with *close_code set to the code to close with.
 * After a WS_CLOSE message or an error, returns 0 for ever.
 */
int ws_next(struct ws_parser *p, struct ws_msg *m, uint16_t *close_code);
void ws_parser_release(struct ws_parser *p);

/*
 * Append one whole (FIN) frame to out. mask_key non-NULL masks it (client
 * frames); servers pass NULL.
 */
void ws_encode(struct buf *out, uint8_t op, const void *data, size_t len, const unsigned char *mask_key);
/* A close frame with code and a short reason. */
void ws_encode_close(struct buf *out, uint16_t code, const char *reason);

#endif
