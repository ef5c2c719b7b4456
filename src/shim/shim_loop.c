/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shim's one poll loop: pod init's socket, the listening socket, client
 * connections and port-forward sockets, all non-blocking, each with its own
 * output buffer so that a slow reader never holds up the pod.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "shim/shim_int.h"

/* A stream whose reader falls this far behind is dropped, not waited for. */
#define STREAM_BACKLOG_MAX (8u << 20)
/* Stop reading a port-forward peer while this much waits for the other side. */
#define PF_HIGH (1u << 20)

static void put_frame(struct buf *b, uint8_t type, uint32_t proc, const void *data, size_t len)
{
	unsigned char hdr[PI_HDR_LEN];

	pi_header(hdr, type, proc, (uint32_t)len);
	buf_add(b, hdr, sizeof(hdr));
	buf_add(b, data, len);
}

void shim_init_frame(struct shim *s, uint8_t type, uint32_t proc, const void *data, size_t len)
{
	if (!s->init_gone)
		put_frame(&s->initq, type, proc, data, len);
}

void shim_init_send(struct shim *s, const json_t *msg)
{
	char *j = json_dumps(msg, JSON_COMPACT);

	if (j)
		shim_init_frame(s, PI_CTL, 0, j, strlen(j));
	free(j);
}

json_int_t shim_init_request(struct shim *s, json_t *msg, struct shim_conn *conn, const char *what,
			     struct shim_ctr *ctr)
{
	json_int_t seq = ++s->seq;

	json_object_set_new(msg, "seq", json_integer(seq));
	shim_init_send(s, msg);
	json_decref(msg);
	if (s->nwaits == s->capwaits) {
		s->capwaits = s->capwaits ? 2 * s->capwaits : 16;
		s->waits = xrealloc(s->waits, s->capwaits * sizeof(*s->waits));
	}
	struct shim_wait *w = &s->waits[s->nwaits++];
	w->seq = seq;
	w->conn = conn;
	w->ctr = ctr;
	snprintf(w->what, sizeof(w->what), "%s", what);
	return seq;
}

void shim_conn_frame(struct shim_conn *c, uint8_t type, uint32_t proc, const void *data, size_t len)
{
	if (c->dead)
		return;
	if (c->kind != CONN_CTL && c->out.len - c->out_off > STREAM_BACKLOG_MAX) {
		c->dead = true;
		return;
	}
	put_frame(&c->out, type, proc, data, len);
}

void shim_conn_reply(struct shim_conn *c, const char *error, json_t *extra)
{
	json_t *o = extra ? extra : json_object();

	json_object_set_new(o, "op", json_string("reply"));
	json_object_set_new(o, "ok", json_boolean(!error));
	if (error)
		json_object_set_new(o, "error", json_string(error));
	char *j = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (j)
		shim_conn_frame(c, PI_CTL, 0, j, strlen(j));
	free(j);
}

struct shim_ctr *shim_find_ctr(struct shim *s, const char *name)
{
	for (size_t i = 0; name && i < s->nctrs; i++)
		if (!strcmp(s->ctrs[i].name, name))
			return &s->ctrs[i];
	return NULL;
}

json_t *shim_state(struct shim *s)
{
	json_t *o = shim_state_json(s->sb.pid, s->pod_ip, s->ctrs, s->nctrs);

	json_object_set_new(o, "isolation", json_string(s->vm ? "vm" : "namespace"));
	return o;
}

void shim_stop_deadline(struct shim *s, long long grace_ms)
{
	/* Pod init SIGKILLs at the end of the grace period; the guest then needs a moment to power off. */
	if (s->vm && !s->kill_at)
		s->kill_at = time(NULL) + (grace_ms > 0 ? grace_ms / 1000 : 0) + 5;
}

void shim_save_state(struct shim *s)
{
	json_t *o = shim_state(s);
	/* So that whoever finds the shim gone (killed) can remove what it could not. */
	json_t *cg = json_array();
	for (int i = 0; s->sb.pid > 0 && i < s->sb.cg.n; i++)
		if (s->sb.cg.dirs[i])
			json_array_append_new(cg, json_string(s->sb.cg.dirs[i]));
	json_object_set_new(o, "cgroups", cg);
	int r = shim_state_write(s->dir, o);

	if (r < 0)
		log_error("shim", "state.json: %s", strerror(-r));
	json_decref(o);
}

/* Write what the socket takes now. -1 when the peer is gone. */
static int flush(int fd, struct buf *b, size_t *off)
{
	while (*off < b->len) {
		ssize_t n = send(fd, b->p + *off, b->len - *off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		*off += (size_t)n;
	}
	buf_reset(b);
	*off = 0;
	return 0;
}

static void conn_free(struct shim *s, struct shim_conn *c)
{
	for (size_t i = 0; i < s->nwaits; i++)
		if (s->waits[i].conn == c)
			s->waits[i].conn = NULL;
	for (size_t i = 0; i < sizeof(s->stop_conns) / sizeof(s->stop_conns[0]); i++)
		if (s->stop_conns[i] == c)
			s->stop_conns[i] = NULL;
	if (c->kind == CONN_PF && c->proc && !s->init_gone) {
		/* A VM's relay: pod init closes its end of the forwarded connection. */
		shim_init_request(s, json_pack("{s:s,s:i,s:i}", "op", "signal", "proc", (int)c->proc, "signal", 9),
				  NULL, "ignore", NULL);
	}
	if (c->kind == CONN_EXEC && c->proc && !s->init_gone) {
		/* The client left: the process sees EOF on its stdin, as with a closed terminal. */
		shim_init_request(s, json_pack("{s:s,s:i}", "op", "close_stdin", "proc", (int)c->proc), NULL,
				  "ignore", NULL);
	}
	close(c->fd);
	if (c->tcp >= 0)
		close(c->tcp);
	pi_reader_release(&c->rd);
	buf_release(&c->out);
	buf_release(&c->tout);
	free(c);
}

static void on_init_ctl(struct shim *s, const struct pi_frame *f)
{
	json_t *m = json_loadb(f->data, f->len, 0, NULL);
	const char *op = json_string_value(json_object_get(m, "op"));

	if (op && !strcmp(op, "reply")) {
		json_int_t seq = json_integer_value(json_object_get(m, "seq"));
		for (size_t i = 0; i < s->nwaits; i++) {
			if (s->waits[i].seq != seq)
				continue;
			struct shim_wait w = s->waits[i];
			memmove(&s->waits[i], &s->waits[i + 1], (s->nwaits - i - 1) * sizeof(*s->waits));
			s->nwaits--;
			shim_on_reply(s, m, w.conn, w.what, w.ctr);
			break;
		}
	} else if (op && !strcmp(op, "exit")) {
		shim_on_exit(s, m);
	}
	json_decref(m);
}

static void read_init(struct shim *s)
{
	int r = pi_fill(&s->rd, s->sb.sock);
	struct pi_frame f;

	if (r == 0 || (r < 0 && r != -EAGAIN)) {
		s->init_gone = true;
		return;
	}
	while ((r = pi_next(&s->rd, &f)) == 1) {
		if (f.type == PI_CTL)
			on_init_ctl(s, &f);
		else if (f.type == PI_STDOUT || f.type == PI_STDERR)
			shim_on_output(s, f.type, f.proc, f.data, f.len);
	}
	if (r < 0)
		s->init_gone = true;
}

static void on_client_request(struct shim *s, struct shim_conn *c, const struct pi_frame *f)
{
	json_t *req = json_loadb(f->data, f->len, 0, NULL);
	const char *op = json_string_value(json_object_get(req, "op"));

	if (!op) {
		shim_conn_reply(c, "bad request", NULL);
		c->closing = true;
	} else if (!strcmp(op, "exec") || !strcmp(op, "attach") || !strcmp(op, "portforward")) {
		if (c->kind == CONN_NEW) {
			shim_op_stream(s, c, req);
		} else {
			shim_conn_reply(c, "streams need a connection of their own", NULL);
		}
	} else {
		c->kind = CONN_CTL;
		shim_op_control(s, c, req);
	}
	json_decref(req);
}

static void read_client(struct shim *s, struct shim_conn *c)
{
	if (c->kind == CONN_PF) {
		char b[65536];
		ssize_t n = read(c->fd, b, sizeof(b));
		if (n > 0)
			shim_pf_from_client(s, c, b, (size_t)n);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			shim_pf_client_eof(s, c);
		return;
	}
	int r = pi_fill(&c->rd, c->fd);
	struct pi_frame f;

	if (r == 0 && (c->kind == CONN_EXEC || c->kind == CONN_ATTACH)) {
		/* A half-closed stream still gets its output and its exit. */
		if (c->kind == CONN_EXEC && c->proc && !s->init_gone)
			shim_init_request(s, json_pack("{s:s,s:i}", "op", "close_stdin", "proc", (int)c->proc),
					  NULL, "ignore", NULL);
		c->client_eof = true;
		return;
	}
	if (r == 0 || (r < 0 && r != -EAGAIN)) {
		c->dead = true;
		return;
	}
	while (!c->dead && (r = pi_next(&c->rd, &f)) == 1) {
		if (c->kind == CONN_NEW || (c->kind == CONN_CTL && f.type == PI_CTL)) {
			on_client_request(s, c, &f);
			if (c->kind == CONN_PF) {
				/* Whatever followed the request is already the forwarded bytes. */
				shim_pf_from_client(s, c, c->rd.buf + c->rd.off, c->rd.len - c->rd.off);
				c->rd.off = c->rd.len;
				return;
			}
		} else if (c->kind == CONN_EXEC || c->kind == CONN_ATTACH) {
			shim_stream_frame(s, c, &f);
		}
	}
	if (r < 0)
		c->dead = true;
}

static void accept_clients(struct shim *s)
{
	for (int i = 0; i < 16; i++) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct shim_conn *c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->tcp = -1;
		buf_init(&c->out);
		buf_init(&c->tout);
		c->next = s->conns;
		s->conns = c;
	}
}

static void on_signals(struct shim *s, int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && !s->stopping && !s->init_gone) {
			log_info("shim", "signal %u: stopping the pod", si.ssi_signo);
			s->stopping = true;
			shim_stop_deadline(s, 10000);
			shim_init_request(s, json_pack("{s:s,s:i}", "op", "stop", "grace_ms", 10000), NULL, "stop",
					  NULL);
		}
	}
	if (s->sb.pid > 0) {
		int st;
		pid_t r = waitpid(s->sb.pid, &st, WNOHANG);
		if (r == s->sb.pid) {
			s->sb.pid = 0;
			s->init_gone = true;
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Pod init is gone: every container has ended, streams end, waiters learn it. */
static void pod_gone(struct shim *s)
{
	char ts[48];

	shim_now_seconds(ts, sizeof(ts));
	for (size_t i = 0; i < s->nctrs; i++) {
		struct shim_ctr *k = &s->ctrs[i];
		if (k->state == SC_RUNNING) {
			k->state = SC_EXITED;
			k->signal = SIGKILL;
			k->exit_code = 128 + SIGKILL;
			snprintf(k->finished, sizeof(k->finished), "%s", ts);
		}
		shim_log_close(&k->log);
	}
	for (size_t i = 0; i < s->nwaits; i++)
		if (s->waits[i].conn && strcmp(s->waits[i].what, "ignore"))
			shim_conn_reply(s->waits[i].conn, "the pod has stopped", NULL);
	s->nwaits = 0;
	for (struct shim_conn *c = s->conns; c; c = c->next) {
		if (c->kind == CONN_EXEC || c->kind == CONN_ATTACH) {
			const char *j = "{\"op\":\"exit\",\"signal\":9}";
			shim_conn_frame(c, PI_CTL, 0, j, strlen(j));
		}
		if (c->kind != CONN_CTL)
			c->closing = true;
	}
}

/* Give clients a bounded moment to read their last replies. */
static void drain(struct shim *s)
{
	for (int round = 0; round < 40; round++) {
		struct pollfd pfd[64];
		int n = 0;
		for (struct shim_conn *c = s->conns; c && n < 64; c = c->next)
			if (!c->dead && c->out.len > c->out_off)
				pfd[n++] = (struct pollfd){ .fd = c->fd, .events = POLLOUT };
		if (!n)
			return;
		poll(pfd, (nfds_t)n, 50);
		for (struct shim_conn *c = s->conns; c; c = c->next)
			if (!c->dead && flush(c->fd, &c->out, &c->out_off) < 0)
				c->dead = true;
	}
}

int shim_serve(struct shim *s)
{
	sigset_t mask;
	size_t cap = 64;
	struct pollfd *pfd = xcalloc(cap, sizeof(*pfd));
	struct shim_conn **who = xcalloc(cap, sizeof(*who));

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	fcntl(s->sb.sock, F_SETFL, fcntl(s->sb.sock, F_GETFL) | O_NONBLOCK);
	fcntl(s->listen_fd, F_SETFL, fcntl(s->listen_fd, F_GETFL) | O_NONBLOCK);

	while (!s->init_gone) {
		size_t n = 0, nconn = 0;
		for (struct shim_conn *c = s->conns; c; c = c->next)
			nconn++;
		if (3 + 2 * nconn > cap) {
			cap = 3 + 2 * nconn + 16;
			pfd = xrealloc(pfd, cap * sizeof(*pfd));
			who = xrealloc(who, cap * sizeof(*who));
		}
		pfd[n++] = (struct pollfd){ .fd = s->sb.sock,
					    .events = POLLIN | (s->initq.len > s->initq_off ? POLLOUT : 0) };
		pfd[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		for (struct shim_conn *c = s->conns; c; c = c->next) {
			short ev = c->out.len > c->out_off ? POLLOUT : 0;
			/* Input waits while what it feeds is backed up: the TCP peer, or pod init for stdin. */
			bool full = c->kind == CONN_PF && c->tcp >= 0 ? c->tout.len - c->tout_off > PF_HIGH
				    : c->kind != CONN_CTL && s->initq.len - s->initq_off > PF_HIGH;
			if (!c->closing && !c->client_eof && !full)
				ev |= POLLIN;
			who[n] = c;
			pfd[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
			if (c->tcp >= 0 && !c->tcp_eof) {
				short tev = c->tout.len > c->tout_off ? POLLOUT : 0;
				if (!c->tcp_eof && c->out.len - c->out_off < PF_HIGH)
					tev |= POLLIN;
				who[n] = c;
				pfd[n++] = (struct pollfd){ .fd = c->tcp, .events = tev };
			}
		}
		if (poll(pfd, (nfds_t)n, s->kill_at ? 1000 : -1) < 0 && errno != EINTR)
			break;
		if (s->kill_at && time(NULL) >= s->kill_at && s->sb.pid > 0) {
			/* The guest did not power off in time: its VMM goes, and with it the pod. */
			log_warn("shim", "pod %s: the VM did not stop in time: killing atoll vmm %d", s->dir,
				 (int)s->sb.pid);
			kill(s->sb.pid, SIGKILL);
			s->kill_at = 0;
		}
		if (pfd[2].revents)
			on_signals(s, sigfd);
		if (pfd[0].revents & POLLOUT && flush(s->sb.sock, &s->initq, &s->initq_off) < 0)
			s->init_gone = true;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			read_init(s);
		if (pfd[1].revents & POLLIN)
			accept_clients(s);
		for (size_t i = 3; i < n; i++) {
			struct shim_conn *c = who[i];
			if (!pfd[i].revents || c->dead)
				continue;
			if (pfd[i].fd == c->tcp) {
				shim_pf_io(s, c, pfd[i].revents);
				continue;
			}
			if (c->client_eof && (pfd[i].revents & (POLLHUP | POLLERR)))
				c->dead = true;
			else if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				read_client(s, c);
		}
		/* Flush everything queued this round, then drop finished connections. */
		if (s->initq.len > s->initq_off && flush(s->sb.sock, &s->initq, &s->initq_off) < 0)
			s->init_gone = true;
		for (struct shim_conn **pp = &s->conns; *pp;) {
			struct shim_conn *c = *pp;
			if (!c->dead && c->out.len > c->out_off && flush(c->fd, &c->out, &c->out_off) < 0)
				c->dead = true;
			if (c->dead || (c->closing && c->out.len == c->out_off)) {
				*pp = c->next;
				conn_free(s, c);
				continue;
			}
			pp = &c->next;
		}
	}
	pod_gone(s);
	free(pfd);
	free(who);
	close(sigfd);
	return 0;
}

void shim_finish(struct shim *s)
{
	for (size_t i = 0; i < sizeof(s->stop_conns) / sizeof(s->stop_conns[0]); i++)
		if (s->stop_conns[i])
			shim_conn_reply(s->stop_conns[i], NULL, NULL);
	drain(s);
	while (s->conns) {
		struct shim_conn *c = s->conns;
		s->conns = c->next;
		conn_free(s, c);
	}
}
