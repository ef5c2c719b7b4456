/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Port-forward over the WebSocket channel protocol (v4.channel.k8s.io, as
 * client libraries such as Python's speak it): the ports come in the query,
 * port i gets channel 2i for data and 2i+1 for errors, and the first message
 * on every channel is the port number (two bytes, little-endian). One pod
 * connection per port for the session; it ends when all have ended.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/stream.h"
#include "lib/ws.h"
#include "lib/xalloc.h"
#include "shim/shim.h"

static int send_channel(struct stream_session *s, uint8_t ch, const void *data, size_t len)
{
	struct buf m = BUF_INIT, b = BUF_INIT;

	buf_addc(&b, (char)ch);
	buf_add(&b, data, len);
	ws_encode(&m, WS_BINARY, b.p, b.len, NULL);
	int rc = stream_write_all(s->sock, m.p, m.len);
	buf_release(&m);
	buf_release(&b);
	return rc;
}

void *stream_pfws_run(void *arg)
{
	struct stream_session *s = arg;
	struct ws_parser wp = { .max_message = 2u << 20 };
	int fds[STREAM_MAX_PORTS];
	char *chunk = xmalloc(32768);
	bool over = false;

	for (int i = 0; i < s->nports; i++) {
		struct atoll_err err = ERR_INIT;
		unsigned char pn[2] = { (unsigned char)(s->ports[i] & 0xFF), (unsigned char)(s->ports[i] >> 8) };
		json_t *req = json_pack("{s:s,s:i}", "op", "portforward", "port", s->ports[i]);
		fds[i] = shim_open_stream(s->pod_dir, req, &err);
		json_decref(req);
		if (send_channel(s, (uint8_t)(2 * i), pn, 2) < 0 || send_channel(s, (uint8_t)(2 * i + 1), pn, 2) < 0)
			over = true;
		if (fds[i] < 0 && !over) {
			char msg[600];
			snprintf(msg, sizeof(msg), "failed to connect to localhost:%d inside the pod: %s", s->ports[i],
				 err.msg);
			send_channel(s, (uint8_t)(2 * i + 1), msg, strlen(msg));
		}
	}
	if (s->extra_len)
		ws_feed(&wp, s->extra, s->extra_len);
	while (!over) {
		struct ws_msg m;
		uint16_t code;
		int r;
		while (!over && (r = ws_next(&wp, &m, &code)) != 0) {
			if (r < 0 || m.op == WS_CLOSE) {
				over = true;
			} else if (m.op == WS_PING) {
				struct buf b = BUF_INIT;
				ws_encode(&b, WS_PONG, m.data, m.len, NULL);
				stream_write_all(s->sock, b.p, b.len);
				buf_release(&b);
			} else if (m.op == WS_BINARY && m.len > 1 && m.data[0] % 2 == 0 && m.data[0] / 2 < s->nports) {
				int i = m.data[0] / 2;
				if (fds[i] >= 0 && stream_write_all(fds[i], m.data + 1, m.len - 1) < 0) {
					close(fds[i]);
					fds[i] = -1;
				}
			}
		}
		struct pollfd p[1 + STREAM_MAX_PORTS];
		int map[1 + STREAM_MAX_PORTS], n = 1;
		p[0] = (struct pollfd){ .fd = s->sock, .events = POLLIN };
		for (int i = 0; i < s->nports; i++)
			if (fds[i] >= 0) {
				map[n] = i;
				p[n++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
			}
		if (over || n == 1)
			break; /* every pod connection has ended */
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			ssize_t k = recv(s->sock, chunk, 32768, 0);
			if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
				break;
			if (k > 0)
				ws_feed(&wp, chunk, (size_t)k);
		}
		for (int j = 1; j < n && !over; j++) {
			int i = map[j];
			if (!p[j].revents)
				continue;
			ssize_t k = read(fds[i], chunk, 32768);
			if (k > 0) {
				if (send_channel(s, (uint8_t)(2 * i), chunk, (size_t)k) < 0)
					over = true;
			} else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
	}
	for (int i = 0; i < s->nports; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	struct buf b = BUF_INIT;
	ws_encode_close(&b, WS_CLOSE_NORMAL, "");
	stream_write_all(s->sock, b.p, b.len);
	buf_release(&b);
	free(chunk);
	ws_parser_release(&wp);
	stream_session_end(s);
	return NULL;
}
