/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pods/exec, pods/attach and pods/portforward: after the checks the API
 * server makes (the pod, its container, its phase), the request goes on to
 * the node's agent, and once it answers 101 the two connections are joined
 * byte for byte, so the WebSocket session runs between kubectl and the
 * agent (docs/streaming.md).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "api/node_conn.h"
#include "api/object.h"
#include "api/request.h"
#include "api/write.h"
#include "auth/auth.h"
#include "lib/serverlibs.h"
#include "lib/xalloc.h"

struct joint {
	struct node_conn nc;
	MHD_socket sock;
	struct MHD_UpgradeResponseHandle *urh;
	char *extra;
	size_t extra_len;
};

static int sock_write(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* libmicrohttpd's end of an upgraded connection does not block: wait. */
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			if (poll(&pf, 1, 60000) <= 0)
				return -1;
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Shuttle bytes both ways until either side ends. */
static void *join_run(void *arg)
{
	struct joint *j = arg;
	char buf[32768];
	bool ok = true;

	if (j->extra_len && node_conn_write(&j->nc, j->extra, j->extra_len) < 0)
		ok = false;
	if (ok && j->nc.rest_len) {
		ssize_t n = node_conn_read(&j->nc, buf, sizeof(buf));
		ok = n > 0 && sock_write(j->sock, buf, (size_t)n) == 0;
	}
	while (ok) {
		/* TLS may hold decrypted bytes that poll cannot see. */
		if (SSL_pending(j->nc.ssl) > 0) {
			ssize_t n = node_conn_read(&j->nc, buf, sizeof(buf));
			if (n <= 0 || sock_write(j->sock, buf, (size_t)n) < 0)
				break;
			continue;
		}
		struct pollfd p[2] = { { .fd = j->sock, .events = POLLIN }, { .fd = j->nc.fd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			ssize_t n = recv(j->sock, buf, sizeof(buf), 0);
			if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
				continue;
			if (n <= 0 || node_conn_write(&j->nc, buf, (size_t)n) < 0)
				break;
		}
		if (p[1].revents) {
			ssize_t n = node_conn_read(&j->nc, buf, sizeof(buf));
			if (n <= 0 || sock_write(j->sock, buf, (size_t)n) < 0)
				break;
		}
	}
	shutdown(j->sock, SHUT_RDWR);
	node_conn_close(&j->nc);
	MHD_upgrade_action(j->urh, MHD_UPGRADE_ACTION_CLOSE);
	free(j->extra);
	free(j);
	return NULL;
}

/* The client went away between our 101 and the switch: close the node's side too. */
static void joint_abort(void *ctx)
{
	struct joint *j = ctx;

	node_conn_close(&j->nc);
	free(j);
}

static void on_upgraded(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra_in,
			size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct joint *j = cls;
	struct api_req *r = con_cls;
	pthread_t t;

	if (r)
		r->upgrade_ctx = NULL; /* ours now */
	j->sock = sock;
	j->urh = urh;
	if (extra_len) {
		j->extra = xmalloc(extra_len);
		memcpy(j->extra, extra_in, extra_len);
		j->extra_len = extra_len;
	}
	if (pthread_create(&t, NULL, join_run, j) != 0) {
		node_conn_close(&j->nc);
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		free(j->extra);
		free(j);
		return;
	}
	pthread_detach(t);
}

struct query {
	struct buf out;
	const char *container; /* replaces the client's */
};

static void url_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c)) {
			buf_addc(b, (char)c);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query *q = cls;

	if (!strcmp(key, "container"))
		return MHD_YES;
	buf_addc(&q->out, q->out.len ? '&' : '?');
	url_escape(&q->out, key);
	if (value) {
		buf_addc(&q->out, '=');
		url_escape(&q->out, value);
	}
	return MHD_YES;
}

/* The query string to pass on (owned), every repeated key kept. */
char *pod_stream_query(struct api_req *r, const char *container)
{
	struct query q = { BUF_INIT, container };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
	if (container) {
		buf_addc(&q.out, q.out.len ? '&' : '?');
		buf_adds(&q.out, "container=");
		url_escape(&q.out, container);
	}
	return buf_detach(&q.out, NULL);
}

/* The container a request names, or the pod's only/default one; NULL after replying 400. */
const char *pod_stream_container(struct api_call *c, const json_t *pod, bool any_kind)
{
	const char *want = req_query(c->r, "container");
	const json_t *spec = json_object_get(pod, "spec");
	const json_t *cs = json_object_get(spec, "containers");
	const char *lists[] = { "containers", "initContainers", "ephemeralContainers" };
	size_t i;
	json_t *ct;

	if (!want || !*want) {
		const char *def = json_string_value(json_object_get(
			json_object_get(json_object_get(pod, "metadata"), "annotations"),
			"kubectl.kubernetes.io/default-container"));
		if (json_array_size(cs) == 1 || def)
			return def ? def : json_string_value(json_object_get(json_array_get(cs, 0), "name"));
		struct buf names = BUF_INIT;
		json_array_foreach(cs, i, ct)
			buf_addf(&names, "%s%s", i ? " " : "", json_string_value(json_object_get(ct, "name")) ?: "");
		reply_error(c->r, 400, "BadRequest",
			    "a container name must be specified for pod %s, choose one of: [%s]", c->t.name, names.p);
		buf_release(&names);
		return NULL;
	}
	for (int l = 0; l < (any_kind ? 3 : 1); l++)
		json_array_foreach(json_object_get(spec, lists[l]), i, ct)
			if (!strcmp(json_string_value(json_object_get(ct, "name")) ?: "", want))
				return want;
	reply_error(c->r, 400, "BadRequest", "container %s is not valid for pod %s", want, c->t.name);
	return NULL;
}

/* Reply with the node's refusal as a Status (its body is its message). */
static int relay_refusal(struct api_call *c, struct node_conn *nc)
{
	char body[1024];
	size_t len = 0, want = sizeof(body) - 1;
	_cleanup_free_ char *cl = node_conn_header(nc, "Content-Length");

	/* The connection stays open after an answer: read what the length says, never wait long. */
	if (cl && strtoul(cl, NULL, 10) < want)
		want = strtoul(cl, NULL, 10);
	struct timeval tv = { .tv_sec = 10 };
	setsockopt(nc->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < want) {
		ssize_t n = node_conn_read(nc, body + len, want - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	body[len] = '\0';
	while (len && (body[len - 1] == '\n' || body[len - 1] == '\r'))
		body[--len] = '\0';
	int code = nc->code >= 400 && nc->code < 600 ? nc->code : 502;
	node_conn_close(nc);
	return reply_error(c->r, code, NULL, "%s", body);
}

struct header_copy {
	struct buf *out;
	const char *name;
};

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct header_copy *h = cls;

	/* No line breaks can reach the node's request. */
	if (key && value && !strcasecmp(key, h->name) && !strpbrk(value, "\r\n"))
		buf_addf(h->out, "%s: %s\r\n", h->name, value);
	return MHD_YES;
}

/* Every value of header name (SPDY clients repeat X-Stream-Protocol-Version). */
static void add_header(struct buf *out, struct api_req *r, const char *name)
{
	struct header_copy h = { out, name };

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, copy_header, &h);
}

int pod_stream(struct api_call *c)
{
	struct atoll_err err = ERR_INIT;
	int64_t rev;
	bool pf = !strcmp(c->t.sub, "portforward");

	c->r->verb = "create";
	json_t *pod = write_get_current(c, &rev, &err);
	if (!pod)
		return reply_status(c->r, &err, &c->t);
	const char *ctr = NULL;
	if (!pf && !(ctr = pod_stream_container(c, pod, true))) {
		json_decref(pod);
		return 0;
	}
	const char *phase = obj_str(pod, "status.phase");
	if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) {
		json_decref(pod);
		return reply_error(c->r, 400, "BadRequest",
				   "cannot %s into a container in a completed pod; current phase is %s",
				   pf ? "port-forward" : c->t.sub, phase);
	}
	_cleanup_free_ char *q = pod_stream_query(c->r, NULL);
	_cleanup_free_ char *path = pf ? xasprintf("/portForward/%s/%s%s", c->t.ns, c->t.name, q)
				       : xasprintf("/%s/%s/%s/%s%s", c->t.sub, c->t.ns, c->t.name, ctr, q);
	struct buf h = BUF_INIT;
	add_header(&h, c->r, "Upgrade");
	add_header(&h, c->r, "Connection");
	add_header(&h, c->r, "Sec-WebSocket-Key");
	add_header(&h, c->r, "Sec-WebSocket-Version");
	add_header(&h, c->r, "Sec-WebSocket-Protocol");
	add_header(&h, c->r, "X-Stream-Protocol-Version");
	struct joint *j = xcalloc(1, sizeof(*j));
	int rc = node_conn_open(c->r->srv, pod, path, h.p, true, &j->nc, &err);
	buf_release(&h);
	json_decref(pod);
	if (rc < 0) {
		free(j);
		return reply_status(c->r, &err, &c->t);
	}
	if (j->nc.code != 101) {
		rc = relay_refusal(c, &j->nc);
		free(j);
		return rc;
	}
	struct MHD_Response *resp = MHD_create_response_for_upgrade(on_upgraded, j);
	static const char *const pass[] = { "Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
					    "X-Stream-Protocol-Version" };
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		_cleanup_free_ char *v = node_conn_header(&j->nc, pass[i]);
		if (v)
			MHD_add_response_header(resp, pass[i], v);
	}
	auth_on_response(c->r, 101); /* the audit log sees the session start */
	c->r->upgrade_ctx = j;
	c->r->upgrade_abort = joint_abort;
	enum MHD_Result ok = MHD_queue_response(c->r->conn, MHD_HTTP_SWITCHING_PROTOCOLS, resp);
	MHD_destroy_response(resp);
	if (ok != MHD_YES) {
		c->r->upgrade_ctx = NULL;
		node_conn_close(&j->nc);
		free(j);
		return -1;
	}
	return 0;
}
