/* SPDX-License-Identifier: Apache-2.0 */
/* Stream connections: exec a process in a container, attach to a container, forward a port. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "shim/shim_int.h"

static void fail(struct shim_conn *c, const char *why)
{
	shim_conn_reply(c, why, NULL);
	c->closing = true;
}

static void op_exec(struct shim *s, struct shim_conn *c, json_t *req)
{
	struct shim_ctr *k = shim_find_ctr(s, json_string_value(json_object_get(req, "id")));
	json_t *args = json_object_get(req, "args");

	if (!k || k->state != SC_RUNNING)
		return fail(c, "container is not running");
	if (!json_array_size(args))
		return fail(c, "exec needs args");
	c->kind = CONN_EXEC;
	c->proc = s->next_proc++;
	json_t *m = json_pack("{s:s,s:s,s:i,s:O,s:b,s:b}", "op", "exec", "id", k->name, "proc", (int)c->proc,
			      "args", args, "tty", json_is_true(json_object_get(req, "tty")), "stdin",
			      json_is_true(json_object_get(req, "stdin")));
	/* The container's own environment, directory and user, as Kubernetes' exec has them. */
	static const char *const inherit[] = { "env", "cwd", "user" };
	for (size_t i = 0; i < 3; i++)
		if (json_object_get(k->spec, inherit[i]))
			json_object_set(m, inherit[i], json_object_get(k->spec, inherit[i]));
	static const char *const size[] = { "rows", "cols" };
	for (size_t i = 0; i < 2; i++)
		if (json_object_get(req, size[i]))
			json_object_set(m, size[i], json_object_get(req, size[i]));
	shim_init_request(s, m, c, "exec", k);
}

static void op_attach(struct shim *s, struct shim_conn *c, json_t *req)
{
	struct shim_ctr *k = shim_find_ctr(s, json_string_value(json_object_get(req, "id")));

	if (!k || k->state != SC_RUNNING)
		return fail(c, "container is not running");
	c->kind = CONN_ATTACH;
	c->ctr = k;
	c->proc = json_is_true(json_object_get(req, "stdin")) && json_is_true(json_object_get(k->spec, "stdin"))
			  ? k->proc
			  : 0;
	shim_conn_reply(c, NULL, NULL);
}

/* A TCP socket of the pod's network namespace, made by entering it for a moment. */
static int pod_socket(struct shim *s)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)s->sb.pid);
	int ns = open(p, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return -errno;
	if (setns(ns, CLONE_NEWNET) < 0) {
		int e = -errno;
		close(ns);
		return e;
	}
	close(ns);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int e = fd < 0 ? -errno : 0;
	if (setns(s->hostnet, CLONE_NEWNET) < 0) {
		/* Anything we opened from now on would be in the pod: better to stop. */
		log_error("shim", "cannot return to the host network namespace: %s", strerror(errno));
		abort();
	}
	return fd < 0 ? e : fd;
}

static void op_portforward(struct shim *s, struct shim_conn *c, json_t *req)
{
	json_int_t port = json_integer_value(json_object_get(req, "port"));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char msg[160];

	if (port <= 0 || port > 65535)
		return fail(c, "bad port");
	if (s->vm) {
		/*
		 * The guest's network is out of our reach: pod init connects
		 * inside it and relays the bytes as the stdin and stdout of a
		 * process number (docs/podinit-protocol.md, "connect").
		 */
		c->kind = CONN_PF;
		c->proc = s->next_proc++;
		shim_init_request(s, json_pack("{s:s,s:i,s:I}", "op", "connect", "proc", (int)c->proc, "port", port), c,
				  "pfconnect", NULL);
		return;
	}
	int fd = pod_socket(s);
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "socket in the pod: %s", strerror(-fd));
		return fail(c, msg);
	}
	/* Loopback answers at once, accepted or refused: connecting cannot stall the loop. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(msg, sizeof(msg), "connect to port %d in the pod: %s", (int)port, strerror(errno));
		close(fd);
		return fail(c, msg);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->kind = CONN_PF;
	c->tcp = fd;
	shim_conn_reply(c, NULL, NULL);
}

void shim_op_stream(struct shim *s, struct shim_conn *c, json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));

	if (s->stopping)
		return fail(c, "the pod is stopping");
	if (!strcmp(op, "exec"))
		op_exec(s, c, req);
	else if (!strcmp(op, "attach"))
		op_attach(s, c, req);
	else
		op_portforward(s, c, req);
}

void shim_stream_frame(struct shim *s, struct shim_conn *c, const struct pi_frame *f)
{
	if (f->type == PI_STDIN) {
		if (c->proc)
			shim_init_frame(s, PI_STDIN, c->proc, f->data, f->len);
		return;
	}
	if (f->type != PI_CTL || !c->proc)
		return;
	json_t *m = json_loadb(f->data, f->len, 0, NULL);
	const char *op = json_string_value(json_object_get(m, "op"));
	if (op && !strcmp(op, "resize"))
		shim_init_request(s, json_pack("{s:s,s:i,s:O,s:O}", "op", "resize", "proc", (int)c->proc, "rows",
					       json_object_get(m, "rows"), "cols", json_object_get(m, "cols")),
				  NULL, "ignore", NULL);
	else if (op && !strcmp(op, "close_stdin"))
		shim_init_request(s, json_pack("{s:s,s:i}", "op", "close_stdin", "proc", (int)c->proc), NULL,
				  "ignore", NULL);
	json_decref(m);
}

void shim_pf_from_client(struct shim *s, struct shim_conn *c, const char *data, size_t len)
{
	if (c->tcp < 0 && c->proc && len) {
		/* Pod init drops bytes for a relay it could not open: the client has its failed reply. */
		for (size_t off = 0; off < len; off += PI_MAX_PAYLOAD)
			shim_init_frame(s, PI_STDIN, c->proc, data + off,
					len - off > PI_MAX_PAYLOAD ? PI_MAX_PAYLOAD : len - off);
		return;
	}
	if (c->tcp < 0 || !len)
		return;
	buf_add(&c->tout, data, len);
	while (c->tout_off < c->tout.len) {
		ssize_t n = send(c->tcp, c->tout.p + c->tout_off, c->tout.len - c->tout_off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		c->tout_off += (size_t)n;
	}
	if (c->tout_off == c->tout.len) {
		buf_reset(&c->tout);
		c->tout_off = 0;
	}
}

void shim_pf_client_eof(struct shim *s, struct shim_conn *c)
{
	if (c->client_eof)
		return;
	c->client_eof = true;
	if (c->tcp >= 0 && c->tout.len == c->tout_off)
		shutdown(c->tcp, SHUT_WR);
	else if (c->tcp < 0 && c->proc && !s->init_gone)
		shim_init_request(s, json_pack("{s:s,s:i}", "op", "close_stdin", "proc", (int)c->proc), NULL, "ignore",
				  NULL);
}

void shim_pf_io(struct shim *s, struct shim_conn *c, short revents)
{
	if (revents & POLLOUT) {
		shim_pf_from_client(s, c, "", 0);
		while (c->tout_off < c->tout.len) {
			ssize_t n = send(c->tcp, c->tout.p + c->tout_off, c->tout.len - c->tout_off, MSG_NOSIGNAL);
			if (n < 0 && errno == EAGAIN)
				break;
			if (n <= 0) {
				c->dead = true;
				return;
			}
			c->tout_off += (size_t)n;
		}
		if (c->tout_off == c->tout.len) {
			buf_reset(&c->tout);
			c->tout_off = 0;
			if (c->client_eof)
				shutdown(c->tcp, SHUT_WR);
		}
	}
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		char b[65536];
		ssize_t n = read(c->tcp, b, sizeof(b));
		if (n > 0) {
			buf_add(&c->out, b, (size_t)n);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			/* The pod's side is done: the client gets the rest, then EOF. */
			c->tcp_eof = true;
			c->closing = true;
		}
	}
}
