/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec and attach sessions: kubectl's channel protocol over WebSocket
 * (v4/v5.channel.k8s.io; every binary message starts with a channel byte:
 * 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close in v5) on
 * one side, the shim's stream frames (podinit/proto.h) on the other.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent/stream.h"
#include "lib/ws.h"
#include "lib/xalloc.h"
#include "podinit/proto.h"
#include "shim/shim.h"

enum { CH_STDIN = 0, CH_STDOUT = 1, CH_STDERR = 2, CH_ERROR = 3, CH_RESIZE = 4, CH_CLOSE = 255 };

static int send_msg(struct stream_session *s, uint8_t op, const void *data, size_t len)
{
	struct buf b = BUF_INIT;

	ws_encode(&b, op, data, len, NULL);
	int rc = stream_write_all(s->sock, b.p, b.len);
	buf_release(&b);
	return rc;
}

static int send_channel(struct stream_session *s, uint8_t ch, const char *data, size_t len)
{
	struct buf b = BUF_INIT;

	buf_addc(&b, (char)ch);
	buf_add(&b, data, len);
	int rc = send_msg(s, WS_BINARY, b.p, b.len);
	buf_release(&b);
	return rc;
}

/* The metav1.Status kubectl reads from channel 3: its exit code comes from here. */
char *stream_exit_status(int code, const char *failure)
{
	json_t *st;

	if (failure)
		st = json_pack("{s:{},s:s,s:s,s:s}", "metadata", "status", "Failure", "message", failure,
			       "reason", "InternalError");
	else if (code == 0)
		st = json_pack("{s:{},s:s}", "metadata", "status", "Success");
	else {
		char num[16], msg[96];
		snprintf(num, sizeof(num), "%d", code);
		snprintf(msg, sizeof(msg), "command terminated with non-zero exit code: exit code %d", code);
		st = json_pack("{s:{},s:s,s:s,s:s,s:{s:[{s:s,s:s}]}}", "metadata", "status", "Failure",
			       "message", msg, "reason", "NonZeroExitCode", "details", "causes", "reason",
			       "ExitCode", "message", num);
	}
	char *txt = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	return txt;
}

static void send_status(struct stream_session *s, int code, const char *failure)
{
	char *txt = stream_exit_status(code, failure);

	send_channel(s, CH_ERROR, txt, strlen(txt));
	free(txt);
}

static int shim_ctl(struct stream_session *s, json_t *msg)
{
	char *txt = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	int rc = pi_send(s->shim, PI_CTL, 1, txt, strlen(txt));
	free(txt);
	return rc;
}

/* One message from kubectl. Returns 0 to go on, 1 when the client closed, -1 on a broken connection. */
static int from_client(struct stream_session *s, const struct ws_msg *m)
{
	if (m->op == WS_PING)
		return send_msg(s, WS_PONG, m->data, m->len);
	if (m->op == WS_CLOSE)
		return 1;
	if (m->op != WS_BINARY || m->len == 0)
		return 0;
	const char *d = (const char *)m->data + 1;
	size_t n = m->len - 1;
	switch (m->data[0]) {
	case CH_STDIN:
		if (s->stdin_on && n && pi_send(s->shim, PI_STDIN, 1, d, n) < 0)
			return -1;
		return 0;
	case CH_RESIZE: {
		json_t *sz = json_loadb(d, n, 0, NULL);
		json_int_t w = json_integer_value(json_object_get(sz, "Width"));
		json_int_t h = json_integer_value(json_object_get(sz, "Height"));
		json_decref(sz);
		if (w > 0 && h > 0 && w < 10000 && h < 10000)
			return shim_ctl(s, json_pack("{s:s,s:I,s:I}", "op", "resize", "rows", h, "cols", w)) < 0
				       ? -1 : 0;
		return 0;
	}
	case CH_CLOSE:
		if (s->v5 && n >= 1 && (uint8_t)d[0] == CH_STDIN)
			return shim_ctl(s, json_pack("{s:s}", "op", "close_stdin")) < 0 ? -1 : 0;
		return 0;
	default:
		return 0;
	}
}

/* One frame from the shim. Returns 0 to go on, 1 after the exit status, -1 on error. */
static int from_shim(struct stream_session *s, const struct pi_frame *f)
{
	if (f->type == PI_STDOUT && s->stdout_on)
		return send_channel(s, CH_STDOUT, f->data, f->len) < 0 ? -1 : 0;
	if (f->type == PI_STDERR && (s->stderr_on || s->tty))
		return send_channel(s, s->tty ? CH_STDOUT : CH_STDERR, f->data, f->len) < 0 ? -1 : 0;
	if (f->type != PI_CTL)
		return 0;
	json_t *msg = json_loadb(f->data, f->len, 0, NULL);
	const char *op = json_string_value(json_object_get(msg, "op"));
	int rc = 0;
	if (op && !strcmp(op, "exit")) {
		json_t *sig = json_object_get(msg, "signal");
		int code = (int)json_integer_value(json_object_get(msg, "status"));
		if (json_is_integer(sig) && json_integer_value(sig) > 0)
			code = 128 + (int)json_integer_value(sig); /* as shells and the kubelet report it */
		send_status(s, code, NULL);
		rc = 1;
	}
	json_decref(msg);
	return rc;
}

/*
 * A terminal's process starts once kubectl has sent the terminal's size
 * (its first message, normally; 3 s at most). Stdin typed before goes to
 * early. Returns 0 with s->shim open, -1 when the session is over.
 */
static int start_tty(struct stream_session *s, struct ws_parser *wp, struct buf *early)
{
	struct timespec t0, now;
	struct atoll_err err = ERR_INIT;
	bool sized = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!sized) {
		struct ws_msg m;
		uint16_t code;
		int r;
		while (!sized && (r = ws_next(wp, &m, &code)) != 0) {
			if (r < 0 || m.op == WS_CLOSE)
				return -1;
			if (m.op == WS_PING)
				send_msg(s, WS_PONG, m.data, m.len);
			if (m.op != WS_BINARY || !m.len)
				continue;
			if (m.data[0] == CH_STDIN) {
				buf_add(early, m.data + 1, m.len - 1);
			} else if (m.data[0] == CH_RESIZE) {
				json_t *sz = json_loadb((const char *)m.data + 1, m.len - 1, 0, NULL);
				json_int_t w = json_integer_value(json_object_get(sz, "Width"));
				json_int_t h = json_integer_value(json_object_get(sz, "Height"));
				json_decref(sz);
				if (w > 0 && h > 0 && w < 10000 && h < 10000) {
					json_object_set_new(s->pending, "rows", json_integer(h));
					json_object_set_new(s->pending, "cols", json_integer(w));
				}
				sized = true;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = 3000 - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (sized || left <= 0)
			break;
		struct pollfd p = { .fd = s->sock, .events = POLLIN };
		int pr = poll(&p, 1, (int)left);
		if (pr < 0 && errno != EINTR)
			return -1;
		if (pr > 0) {
			char buf[4096];
			ssize_t n = recv(s->sock, buf, sizeof(buf), 0);
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
				return -1;
			if (n > 0)
				ws_feed(wp, buf, (size_t)n);
		}
	}
	s->shim = shim_open_stream(s->pod_dir, s->pending, &err);
	if (s->shim < 0) {
		char msg[600];
		snprintf(msg, sizeof(msg), "cannot exec: %s", err.msg);
		send_status(s, 0, msg);
		return -1;
	}
	if (early->len && s->stdin_on && pi_send(s->shim, PI_STDIN, 1, early->p, early->len) < 0)
		return -1;
	return 0;
}

void *stream_exec_run(void *arg)
{
	struct stream_session *s = arg;
	struct ws_parser wp = { .max_message = 1u << 20 };
	struct pi_reader pr = { 0 };
	bool done = false, client_gone = false;

	if (s->extra_len)
		ws_feed(&wp, s->extra, s->extra_len);
	if (s->pending) {
		struct buf early = BUF_INIT;
		if (start_tty(s, &wp, &early) < 0)
			done = true;
		buf_release(&early);
	}
	while (!done) {
		struct ws_msg m;
		uint16_t code = 0;
		int r;
		while (!done && (r = ws_next(&wp, &m, &code)) != 0) {
			int rc = r < 0 ? -1 : from_client(s, &m);
			if (r < 0) {
				struct buf b = BUF_INIT;
				ws_encode_close(&b, code, "protocol error");
				stream_write_all(s->sock, b.p, b.len);
				buf_release(&b);
			}
			if (rc != 0)
				done = client_gone = true;
		}
		struct pi_frame f;
		while (!done && (r = pi_next(&pr, &f)) != 0) {
			int rc = r < 0 ? -1 : from_shim(s, &f);
			if (r < 0)
				send_status(s, 0, "broken stream from the pod shim");
			if (rc != 0)
				done = true;
		}
		if (done)
			break;
		struct pollfd p[2] = { { .fd = s->sock, .events = POLLIN }, { .fd = s->shim, .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			char buf[32768];
			ssize_t n = recv(s->sock, buf, sizeof(buf), 0);
			if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))) {
				client_gone = true;
				break;
			}
			if (n > 0)
				ws_feed(&wp, buf, (size_t)n);
		}
		if (p[1].revents) {
			int n = pi_fill(&pr, s->shim);
			if (n == 0 || (n < 0 && n != -EAGAIN && n != -EINTR)) {
				/* The shim ended the stream without an exit status. */
				send_status(s, 0, "the process's stream ended without an exit status");
				break;
			}
		}
	}
	if (!client_gone) {
		struct buf b = BUF_INIT;
		ws_encode_close(&b, WS_CLOSE_NORMAL, "");
		stream_write_all(s->sock, b.p, b.len);
		buf_release(&b);
		shutdown(s->sock, SHUT_WR);
	}
	ws_parser_release(&wp);
	pi_reader_release(&pr);
	stream_session_end(s);
	return NULL;
}
