/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod init protocol (docs/podinit-protocol.md): frames of a 12-byte
 * header (u32 payload length, u8 type, 3 zero bytes, u32 process number; all
 * big-endian) and a payload. Control frames carry one JSON object; stream
 * frames carry raw bytes of one process's stdin, stdout or stderr.
 * Shared by pod init (static) and the host side in atoll.
 */
#ifndef ATOLL_PODINIT_PROTO_H
#define ATOLL_PODINIT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PI_HDR_LEN      12
#define PI_MAX_PAYLOAD  (1u << 20)
#define PI_VERSION      1
#define PI_VSOCK_PORT   1024

enum pi_type {
	PI_CTL = 1,    /* JSON control message */
	PI_STDIN = 2,  /* host -> init */
	PI_STDOUT = 3, /* init -> host */
	PI_STDERR = 4, /* init -> host */
};

struct pi_frame {
	uint8_t type;
	uint32_t proc;
	uint32_t len;
	const char *data; /* borrowed from the reader; valid until the next pi_next() */
};

/* Buffers partial frames from a stream socket. */
struct pi_reader {
	char *buf;
	size_t len, cap, off;
};

/* Encode a frame header into hdr. */
void pi_header(unsigned char hdr[PI_HDR_LEN], uint8_t type, uint32_t proc, uint32_t len);
/* Write one whole frame (blocking, retries on EINTR/EAGAIN). 0 or -errno. */
int pi_send(int fd, uint8_t type, uint32_t proc, const void *data, size_t len);
/* Read what is available into r. >0 bytes read, 0 at EOF, -errno (-EAGAIN when nothing). */
int pi_fill(struct pi_reader *r, int fd);
/* 1 and f filled when a whole frame is buffered, 0 when more bytes are needed, -EPROTO on a bad header. */
int pi_next(struct pi_reader *r, struct pi_frame *f);
void pi_reader_release(struct pi_reader *r);

#endif
