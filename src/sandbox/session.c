/* SPDX-License-Identifier: Apache-2.0 */
/* One command over the pod init protocol: create, start, relay, and the exit status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "podinit/proto.h"
#include "sandbox/session.h"

#define MAIN_PROC 1

double session_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Everything we send goes through one buffer written without blocking: if we
 * blocked on the socket while pod init blocked sending us output, neither
 * would ever read again. Stdin is read only while the buffer is short.
 */
#define OUT_HIGH (256u << 10)

static struct buf outq = BUF_INIT;
static size_t outq_off;

static void queue(uint8_t type, uint32_t proc, const void *data, size_t len)
{
	unsigned char hdr[PI_HDR_LEN];

	pi_header(hdr, type, proc, (uint32_t)len);
	buf_add(&outq, hdr, sizeof(hdr));
	buf_add(&outq, data, len);
}

static int flush_out(int sock)
{
	while (outq_off < outq.len) {
		ssize_t n = write(sock, outq.p + outq_off, outq.len - outq_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -errno;
		outq_off += (size_t)n;
	}
	buf_reset(&outq);
	outq_off = 0;
	return 0;
}

static int send_ctl(int sock, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	if (!s)
		return -ENOMEM;
	queue(PI_CTL, 0, s, strlen(s));
	free(s);
	return flush_out(sock);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* our own output is gone; keep the command's status */
		p += w;
		n -= (size_t)w;
	}
}

static json_t *winsize_msg(const char *op, json_int_t seq)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) < 0)
		return NULL;
	return json_pack("{s:s,s:I,s:i,s:i,s:i}", "op", op, "seq", seq, "proc", MAIN_PROC, "rows", ws.ws_row,
			 "cols", ws.ws_col);
}

int session_run(int sock, json_t *create_msg, int interactive, int tty, struct session_timings *t,
		struct session_result *res)
{
	struct pi_reader rd = { 0 };
	struct termios saved;
	int raw = 0, in_open = interactive, done = 0, ret = -1;
	json_int_t seq = 10;
	sigset_t mask;

	memset(res, 0, sizeof(*res));
	sigemptyset(&mask);
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	json_t *create = json_deep_copy(create_msg);
	json_object_set_new(create, "op", json_string("create"));
	json_object_set_new(create, "seq", json_integer(1));
	json_object_set_new(create, "proc", json_integer(MAIN_PROC));
	json_object_set_new(create, "tty", json_boolean(tty));
	json_object_set_new(create, "stdin", json_boolean(interactive));
	if (tty) {
		struct winsize ws;
		if (ioctl(0, TIOCGWINSZ, &ws) == 0) {
			json_object_set_new(create, "rows", json_integer(ws.ws_row));
			json_object_set_new(create, "cols", json_integer(ws.ws_col));
		}
	}
	/* Pipelined: init answers in order, and a failed create fails the start. */
	if (send_ctl(sock, create) < 0 ||
	    send_ctl(sock, json_pack("{s:s,s:i,s:O}", "op", "start", "seq", 2, "id",
				     json_object_get(create_msg, "id"))) < 0) {
		snprintf(res->error, sizeof(res->error), "pod init went away");
		goto out;
	}
	if (tty && isatty(0) && tcgetattr(0, &saved) == 0) {
		struct termios r = saved;
		cfmakeraw(&r);
		raw = tcsetattr(0, TCSANOW, &r) == 0;
	}
	while (!done) {
		size_t backlog = outq.len - outq_off;
		struct pollfd pfd[3] = { { .fd = sock, .events = POLLIN | (backlog ? POLLOUT : 0) },
					 { .fd = sigfd, .events = POLLIN },
					 { .fd = in_open && backlog < OUT_HIGH ? 0 : -1, .events = POLLIN } };
		if (poll(pfd, 3, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				json_t *m = si.ssi_signo == SIGWINCH
						    ? (tty ? winsize_msg("resize", seq++) : NULL)
						    : json_pack("{s:s,s:I,s:i,s:i}", "op", "signal", "seq", seq++,
								"proc", MAIN_PROC, "signal", (int)si.ssi_signo);
				if (m)
					send_ctl(sock, m);
			}
		}
		if (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[32768];
			ssize_t n = read(0, buf, sizeof(buf));
			if (n > 0) {
				queue(PI_STDIN, MAIN_PROC, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				in_open = 0;
				if (!tty)
					send_ctl(sock, json_pack("{s:s,s:I,s:i}", "op", "close_stdin", "seq", seq++,
								 "proc", MAIN_PROC));
			}
		}
		if ((pfd[0].revents & POLLOUT) || (outq.len > outq_off && (pfd[2].revents & POLLIN))) {
			if (flush_out(sock) < 0) {
				snprintf(res->error, sizeof(res->error), "pod init went away");
				break;
			}
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		int r = pi_fill(&rd, sock);
		if (r == 0 || (r < 0 && r != -EAGAIN)) {
			snprintf(res->error, sizeof(res->error), "pod init exited unexpectedly");
			break;
		}
		struct pi_frame f;
		while (!done && (r = pi_next(&rd, &f)) == 1) {
			if (f.type == PI_STDOUT) {
				write_all(1, f.data, f.len);
				continue;
			}
			if (f.type == PI_STDERR) {
				write_all(2, f.data, f.len);
				continue;
			}
			if (f.type != PI_CTL)
				continue;
			json_t *m = json_loadb(f.data, f.len, 0, NULL);
			const char *op = json_string_value(json_object_get(m, "op"));
			json_int_t s = json_integer_value(json_object_get(m, "seq"));
			if (op && !strcmp(op, "ready") && t)
				t->ready = session_now();
			if (op && !strcmp(op, "reply") && (s == 1 || s == 2)) {
				if (!json_is_true(json_object_get(m, "ok"))) {
					const char *e = json_string_value(json_object_get(m, "error"));
					snprintf(res->error, sizeof(res->error), "%s", e ? e : "refused");
					done = 1;
				} else if (t) {
					*(s == 1 ? &t->created : &t->started) = session_now();
				}
			}
			if (op && !strcmp(op, "exit") && json_integer_value(json_object_get(m, "proc")) == MAIN_PROC) {
				json_t *sg = json_object_get(m, "signal");
				res->signal = sg ? (int)json_integer_value(sg) : 0;
				res->status = sg ? -1 : (int)json_integer_value(json_object_get(m, "status"));
				if (t)
					t->exited = session_now();
				ret = 0;
				done = 1;
			}
			json_decref(m);
		}
		if (r < 0) {
			snprintf(res->error, sizeof(res->error), "protocol error from pod init");
			break;
		}
	}
out:
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	pi_reader_release(&rd);
	buf_release(&outq);
	outq_off = 0;
	/* Signals stay blocked: the caller still has a sandbox to clean up. */
	if (sigfd >= 0)
		close(sigfd);
	return ret;
}
