/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec and attach over plain SPDY/3.1 (Upgrade: SPDY/3.1, protocol
 * v4.channel.k8s.io): what client-go's SPDY executor speaks, and kubectl
 * when a WebSocket upgrade fails. The client opens one stream per purpose
 * (header streamtype: error, stdin, stdout, stderr, resize); once those the
 * request asks for are there the process starts. The exit status goes on the
 * error stream as the same metav1.Status as on WebSocket channel 3.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent/spdy.h"
#include "agent/stream.h"
#include "lib/xalloc.h"
#include "podinit/proto.h"
#include "shim/shim.h"

#define SETUP_MS 30000 /* the client has this long to open its streams */
#define SIZE_MS  3000  /* and a terminal this long to send its size */

struct sx {
	struct stream_session *s;
	struct spdy_conn sc;
	uint32_t err_id, in_id, out_id, errout_id, resize_id;
	struct buf resize;     /* resize stream bytes: JSON objects, one a line */
	struct buf early;      /* stdin before the process started */
	struct buf out;        /* frames to send */
	bool stdin_fin, sized, started, over;
};

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static int shim_ctl(struct sx *x, json_t *msg)
{
	char *txt = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	int rc = pi_send(x->s->shim, PI_CTL, 1, txt, strlen(txt));
	free(txt);
	return rc;
}

/* Whole lines of the resize stream: the last size is what counts. */
static void on_resize(struct sx *x, const void *data, size_t len)
{
	char *nl;

	buf_add(&x->resize, data, len);
	while ((nl = memchr(x->resize.p, '\n', x->resize.len))) {
		size_t k = (size_t)(nl - x->resize.p);
		json_t *sz = json_loadb(x->resize.p, k, 0, NULL);
		json_int_t w = json_integer_value(json_object_get(sz, "Width"));
		json_int_t h = json_integer_value(json_object_get(sz, "Height"));
		json_decref(sz);
		memmove(x->resize.p, nl + 1, x->resize.len - k - 1);
		x->resize.len -= k + 1;
		if (w <= 0 || h <= 0 || w >= 10000 || h >= 10000)
			continue;
		if (!x->started) {
			json_object_set_new(x->s->pending, "rows", json_integer(h));
			json_object_set_new(x->s->pending, "cols", json_integer(w));
			x->sized = true;
		} else if (shim_ctl(x, json_pack("{s:s,s:I,s:I}", "op", "resize", "rows", h, "cols", w)) < 0) {
			x->over = true;
		}
	}
	if (x->resize.len > 4096)
		buf_reset(&x->resize); /* no size is that long */
}

static void on_frame(struct sx *x, const struct spdy_frame *f)
{
	if (!f->control) {
		if (f->stream == x->in_id && x->in_id) {
			if (!x->started)
				buf_add(&x->early, f->data, f->len);
			else if (f->len && pi_send(x->s->shim, PI_STDIN, 1, f->data, f->len) < 0)
				x->over = true;
			if (f->flags & SPDY_FLAG_FIN) {
				x->stdin_fin = true;
				if (x->started && shim_ctl(x, json_pack("{s:s}", "op", "close_stdin")) < 0)
					x->over = true;
			}
		} else if (f->stream == x->resize_id && x->resize_id) {
			on_resize(x, f->data, f->len);
		}
		return;
	}
	if (f->type == SPDY_SYN_STREAM) {
		uint32_t id = 0;
		json_t *h = spdy_syn_stream_headers(&x->sc, f, &id);
		const char *t = json_string_value(json_object_get(h, "streamtype"));
		if (!h || !t) {
			spdy_goaway(&x->out, 0, SPDY_PROTOCOL_ERROR);
			x->over = true;
		} else {
			uint32_t *slot = !strcmp(t, "error") ? &x->err_id : !strcmp(t, "stdin") ? &x->in_id :
					 !strcmp(t, "stdout") ? &x->out_id : !strcmp(t, "stderr") ? &x->errout_id :
					 !strcmp(t, "resize") ? &x->resize_id : NULL;
			if (slot && !*slot) {
				*slot = id;
				spdy_syn_reply(&x->sc, &x->out, id, false);
			} else {
				spdy_rst_stream(&x->out, id, SPDY_PROTOCOL_ERROR);
			}
		}
		json_decref(h);
	} else if (f->type == SPDY_PING && f->len >= 4) {
		spdy_ping(&x->out, (uint32_t)f->data[0] << 24 | (uint32_t)f->data[1] << 16 | (uint32_t)f->data[2] << 8 |
					   f->data[3]);
	} else if (f->type == SPDY_GOAWAY || (f->type == SPDY_RST_STREAM && f->stream == x->err_id)) {
		x->over = true;
	}
}

static void from_client(struct sx *x, const void *data, size_t len)
{
	struct spdy_frame f;
	int k;

	spdy_feed(&x->sc, data, len);
	while (!x->over && (k = spdy_next(&x->sc, &f)) != 0) {
		if (k < 0) {
			spdy_goaway(&x->out, 0, SPDY_PROTOCOL_ERROR);
			x->over = true;
			break;
		}
		on_frame(x, &f);
	}
}

/* The end: the status on the error stream, and every stream we write finished. */
static void finish(struct sx *x, int code, const char *failure)
{
	char *st = stream_exit_status(code, failure);

	if (x->err_id)
		spdy_data(&x->out, x->err_id, true, st, strlen(st));
	free(st);
	if (x->out_id)
		spdy_data(&x->out, x->out_id, true, NULL, 0);
	if (x->errout_id)
		spdy_data(&x->out, x->errout_id, true, NULL, 0);
	x->over = true;
}

static bool ready(const struct sx *x)
{
	const struct stream_session *s = x->s;

	return x->err_id && (!s->stdin_on || x->in_id) && (!s->stdout_on || x->out_id) &&
	       (!s->stderr_on || s->tty || x->errout_id) && (!s->tty || x->resize_id);
}

static void start(struct sx *x)
{
	struct atoll_err err = ERR_INIT;

	x->started = true;
	x->s->shim = shim_open_stream(x->s->pod_dir, x->s->pending, &err);
	if (x->s->shim < 0) {
		char msg[600];
		snprintf(msg, sizeof(msg), "cannot start the process: %s", err.msg);
		return finish(x, 0, msg);
	}
	if (x->early.len && x->s->stdin_on && pi_send(x->s->shim, PI_STDIN, 1, x->early.p, x->early.len) < 0)
		x->over = true;
	if (x->stdin_fin && shim_ctl(x, json_pack("{s:s}", "op", "close_stdin")) < 0)
		x->over = true;
}

static void from_shim(struct sx *x, const struct pi_frame *f)
{
	const struct stream_session *s = x->s;

	if (f->type == PI_STDOUT && x->out_id) {
		spdy_data(&x->out, x->out_id, false, f->data, f->len);
	} else if (f->type == PI_STDERR) {
		uint32_t id = s->tty ? x->out_id : x->errout_id;
		if (id)
			spdy_data(&x->out, id, false, f->data, f->len);
	} else if (f->type == PI_CTL) {
		json_t *m = json_loadb(f->data, f->len, 0, NULL);
		const char *op = json_string_value(json_object_get(m, "op"));
		if (op && !strcmp(op, "exit")) {
			json_t *sig = json_object_get(m, "signal");
			int code = (int)json_integer_value(json_object_get(m, "status"));
			if (json_is_integer(sig) && json_integer_value(sig) > 0)
				code = 128 + (int)json_integer_value(sig);
			finish(x, code, NULL);
		}
		json_decref(m);
	}
}

void *stream_spdy_exec_run(void *arg)
{
	struct sx *x = xcalloc(1, sizeof(*x));
	struct pi_reader pr = { 0 };
	struct timespec t0, t_ready = { 0 };
	char *chunk = xmalloc(32768);

	x->s = arg;
	spdy_init(&x->sc);
	buf_init(&x->resize);
	buf_init(&x->early);
	buf_init(&x->out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (x->s->extra_len)
		from_client(x, x->s->extra, x->s->extra_len);
	for (;;) {
		if (!x->started && !x->over && ready(x)) {
			if (!t_ready.tv_sec)
				clock_gettime(CLOCK_MONOTONIC, &t_ready);
			if (!x->s->tty || x->sized || ms_since(&t_ready) >= SIZE_MS)
				start(x);
		}
		if (x->out.len) {
			if (stream_write_all(x->s->sock, x->out.p, x->out.len) < 0)
				break;
			buf_reset(&x->out);
		}
		if (x->over)
			break;
		int timeout = -1;
		if (!x->started) {
			long left = ready(x) ? SIZE_MS - ms_since(&t_ready) : SETUP_MS - ms_since(&t0);
			if (left <= 0 && !ready(x))
				break; /* the streams never came */
			timeout = left > 0 ? (int)left : 0;
		}
		struct pollfd p[2] = { { .fd = x->s->sock, .events = POLLIN }, { .fd = x->s->shim, .events = POLLIN } };
		int n = poll(p, x->s->shim >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		if (p[0].revents) {
			ssize_t k = recv(x->s->sock, chunk, 32768, 0);
			if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
				break;
			if (k > 0)
				from_client(x, chunk, (size_t)k);
		}
		if (x->s->shim >= 0 && p[1].revents && !x->over) {
			int k = pi_fill(&pr, x->s->shim);
			if (k == 0 || (k < 0 && k != -EAGAIN && k != -EINTR)) {
				finish(x, 0, "the process's stream ended without an exit status");
				continue;
			}
			struct pi_frame f;
			int r;
			while (!x->over && (r = pi_next(&pr, &f)) != 0) {
				if (r < 0) {
					finish(x, 0, "broken stream from the pod shim");
					break;
				}
				from_shim(x, &f);
			}
		}
	}
	/* Let the client read all and hang up first (at most a few seconds). */
	shutdown(x->s->sock, SHUT_WR);
	for (int i = 0; i < 50; i++) {
		struct pollfd p = { .fd = x->s->sock, .events = POLLIN };
		if (poll(&p, 1, 100) > 0 && recv(x->s->sock, chunk, 32768, 0) <= 0)
			break;
	}
	free(chunk);
	pi_reader_release(&pr);
	buf_release(&x->resize);
	buf_release(&x->early);
	buf_release(&x->out);
	spdy_release(&x->sc);
	stream_session_end(x->s);
	free(x);
	return NULL;
}
