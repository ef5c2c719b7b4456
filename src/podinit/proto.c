/* SPDX-License-Identifier: Apache-2.0 */
/* Framing of the pod init protocol: header encoding, whole-frame writes, buffered reads. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "podinit/proto.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void pi_header(unsigned char hdr[PI_HDR_LEN], uint8_t type, uint32_t proc, uint32_t len)
{
	memset(hdr, 0, PI_HDR_LEN);
	put32(hdr, len);
	hdr[4] = type;
	put32(hdr + 8, proc);
}

int pi_send(int fd, uint8_t type, uint32_t proc, const void *data, size_t len)
{
	unsigned char hdr[PI_HDR_LEN];
	struct iovec iov[2];
	size_t total = PI_HDR_LEN + len, done = 0;

	if (len > PI_MAX_PAYLOAD)
		return -EMSGSIZE;
	pi_header(hdr, type, proc, (uint32_t)len);
	while (done < total) {
		int n = 0;
		if (done < PI_HDR_LEN) {
			iov[n].iov_base = hdr + done;
			iov[n++].iov_len = PI_HDR_LEN - done;
			iov[n].iov_base = (void *)data;
			iov[n++].iov_len = len;
		} else {
			iov[n].iov_base = (char *)data + (done - PI_HDR_LEN);
			iov[n++].iov_len = total - done;
		}
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				poll(&p, 1, 1000);
				continue;
			}
			return -errno;
		}
		done += (size_t)w;
	}
	return 0;
}

int pi_fill(struct pi_reader *r, int fd)
{
	if (r->off > 0 && r->off == r->len)
		r->off = r->len = 0;
	if (r->cap - r->len < 65536) {
		/* Compact first, then grow; a frame never exceeds PI_MAX_PAYLOAD + header. */
		if (r->off) {
			memmove(r->buf, r->buf + r->off, r->len - r->off);
			r->len -= r->off;
			r->off = 0;
		}
		if (r->cap - r->len < 65536) {
			size_t ncap = r->cap ? r->cap * 2 : 131072;
			char *nb = realloc(r->buf, ncap);
			if (!nb)
				return -ENOMEM;
			r->buf = nb;
			r->cap = ncap;
		}
	}
	for (;;) {
		ssize_t n = read(fd, r->buf + r->len, r->cap - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		r->len += (size_t)n;
		return (int)n;
	}
}

int pi_next(struct pi_reader *r, struct pi_frame *f)
{
	size_t avail = r->len - r->off;

	if (avail < PI_HDR_LEN)
		return 0; /* also before the first read, while buf is still NULL */
	const unsigned char *h = (const unsigned char *)r->buf + r->off;
	uint32_t len = get32(h);
	if (len > PI_MAX_PAYLOAD || h[4] < PI_CTL || h[4] > PI_STDERR)
		return -EPROTO;
	if (avail < PI_HDR_LEN + (size_t)len)
		return 0;
	f->type = h[4];
	f->proc = get32(h + 8);
	f->len = len;
	f->data = (const char *)h + PI_HDR_LEN;
	r->off += PI_HDR_LEN + len;
	return 1;
}

void pi_reader_release(struct pi_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
