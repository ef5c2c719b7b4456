/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Port-forward sessions. kubectl 1.31+ speaks SPDY/3.1 inside WebSocket
 * binary messages (subprotocol "SPDY/3.1+portforward.k8s.io"): for every
 * local connection it opens an error stream and a data stream, both with
 * headers streamtype, port and requestid. Each data stream becomes one
 * shim portforward connection (TCP to 127.0.0.1:port in the pod); a failure
 * to connect is written on the request's error stream, as the kubelet does.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/spdy.h"
#include "agent/stream.h"
#include "lib/ws.h"
#include "lib/xalloc.h"
#include "shim/shim.h"

#define PF_MAX_REQS 64

struct pf_req {
	char id[40];           /* the requestid header */
	uint32_t err_stream, data_stream;
	int fd;                /* the shim's portforward connection, -1 when none */
	bool used;
};

struct pf {
	struct stream_session *s;
	struct spdy_conn sc;
	struct pf_req reqs[PF_MAX_REQS];
	bool over;
};

/* Send out (reset afterwards): as one WebSocket message, or as it is over plain SPDY. */
static int flush(struct pf *pf, struct buf *out)
{
	if (!out->len)
		return 0;
	struct buf m = BUF_INIT;
	int rc;
	if (pf->s->spdy_ws) {
		ws_encode(&m, WS_BINARY, out->p, out->len, NULL);
		rc = stream_write_all(pf->s->sock, m.p, m.len);
	} else {
		rc = stream_write_all(pf->s->sock, out->p, out->len);
	}
	buf_release(&m);
	buf_reset(out);
	if (rc < 0)
		pf->over = true;
	return rc;
}

static struct pf_req *by_id(struct pf *pf, const char *id, bool create)
{
	struct pf_req *free_slot = NULL;

	for (int i = 0; i < PF_MAX_REQS; i++) {
		if (pf->reqs[i].used && !strcmp(pf->reqs[i].id, id))
			return &pf->reqs[i];
		if (!pf->reqs[i].used && !free_slot)
			free_slot = &pf->reqs[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->fd = -1;
	snprintf(free_slot->id, sizeof(free_slot->id), "%s", id);
	return free_slot;
}

static struct pf_req *by_stream(struct pf *pf, uint32_t stream)
{
	for (int i = 0; i < PF_MAX_REQS; i++)
		if (pf->reqs[i].used && stream && (pf->reqs[i].err_stream == stream || pf->reqs[i].data_stream == stream))
			return &pf->reqs[i];
	return NULL;
}

/* The request is over: its streams end (FIN), its connection closes, its slot frees. */
static void req_end(struct pf *pf, struct pf_req *q, const char *error, struct buf *out)
{
	if (q->err_stream)
		spdy_data(out, q->err_stream, true, error ? error : "", error ? strlen(error) : 0);
	if (q->data_stream)
		spdy_data(out, q->data_stream, true, NULL, 0);
	if (q->fd >= 0)
		close(q->fd);
	memset(q, 0, sizeof(*q));
	q->fd = -1;
}

static void on_syn(struct pf *pf, const struct spdy_frame *f, struct buf *out)
{
	uint32_t stream = 0;
	json_t *h = spdy_syn_stream_headers(&pf->sc, f, &stream);
	const char *type = json_string_value(json_object_get(h, "streamtype"));
	const char *id = json_string_value(json_object_get(h, "requestid"));
	const char *port = json_string_value(json_object_get(h, "port"));
	struct pf_req *q = h && type && id ? by_id(pf, id, true) : NULL;

	if (!h) {
		spdy_goaway(out, 0, SPDY_PROTOCOL_ERROR);
		pf->over = true;
		return;
	}
	if (!q) {
		spdy_rst_stream(out, stream, SPDY_REFUSED_STREAM);
		json_decref(h);
		return;
	}
	spdy_syn_reply(&pf->sc, out, stream, false);
	if (!strcmp(type, "error")) {
		q->err_stream = stream;
	} else if (!strcmp(type, "data")) {
		struct atoll_err err = ERR_INIT;
		char *end = NULL;
		long p = port ? strtol(port, &end, 10) : 0;
		q->data_stream = stream;
		if (!port || *end || p <= 0 || p > 65535) {
			req_end(pf, q, "invalid port", out);
		} else {
			json_t *req = json_pack("{s:s,s:i}", "op", "portforward", "port", (int)p);
			q->fd = shim_open_stream(pf->s->pod_dir, req, &err);
			json_decref(req);
			if (q->fd < 0) {
				char msg[600];
				snprintf(msg, sizeof(msg), "failed to connect to localhost:%ld inside the pod: %s", p, err.msg);
				req_end(pf, q, msg, out);
			}
		}
	} else {
		spdy_rst_stream(out, stream, SPDY_PROTOCOL_ERROR);
	}
	json_decref(h);
}

static void on_frame(struct pf *pf, const struct spdy_frame *f, struct buf *out)
{
	if (!f->control) {
		struct pf_req *q = by_stream(pf, f->stream);
		if (!q || f->stream != q->data_stream || q->fd < 0)
			return;
		if (f->len && stream_write_all(q->fd, f->data, f->len) < 0)
			return req_end(pf, q, "the connection in the pod broke", out);
		if (f->flags & SPDY_FLAG_FIN)
			shutdown(q->fd, SHUT_WR); /* the local client is done sending */
		return;
	}
	switch (f->type) {
	case SPDY_SYN_STREAM:
		return on_syn(pf, f, out);
	case SPDY_RST_STREAM: {
		struct pf_req *q = by_stream(pf, f->stream);
		if (q) {
			if (q->fd >= 0)
				close(q->fd);
			memset(q, 0, sizeof(*q));
			q->fd = -1;
		}
		return;
	}
	case SPDY_PING:
		if (f->len >= 4)
			spdy_ping(out, (uint32_t)f->data[0] << 24 | (uint32_t)f->data[1] << 16 |
					       (uint32_t)f->data[2] << 8 | f->data[3]);
		return;
	case SPDY_GOAWAY:
		pf->over = true;
		return;
	default: /* SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do */
		return;
	}
}

/* SPDY bytes from kubectl. */
static void from_spdy(struct pf *pf, const void *data, size_t len, struct buf *out)
{
	struct spdy_frame f;
	int k;

	spdy_feed(&pf->sc, data, len);
	while (!pf->over && (k = spdy_next(&pf->sc, &f)) != 0) {
		if (k < 0) {
			spdy_goaway(out, 0, SPDY_PROTOCOL_ERROR);
			pf->over = true;
			break;
		}
		on_frame(pf, &f, out);
	}
}

/* Bytes from kubectl: WebSocket messages carrying the SPDY byte stream. */
static void from_client(struct pf *pf, struct ws_parser *wp, struct buf *out)
{
	struct ws_msg m;
	uint16_t code = 0;
	int r;

	while (!pf->over && (r = ws_next(wp, &m, &code)) != 0) {
		if (r < 0 || m.op == WS_CLOSE) {
			pf->over = true;
			break;
		}
		if (m.op == WS_PING) {
			struct buf b = BUF_INIT;
			ws_encode(&b, WS_PONG, m.data, m.len, NULL);
			stream_write_all(pf->s->sock, b.p, b.len);
			buf_release(&b);
			continue;
		}
		if (m.op != WS_BINARY)
			continue;
		from_spdy(pf, m.data, m.len, out);
	}
}

void *stream_pf_run(void *arg)
{
	struct pf *pf = xcalloc(1, sizeof(*pf));
	struct ws_parser wp = { .max_message = 2u << 20 };
	struct buf out = BUF_INIT;
	char *chunk = xmalloc(32768);

	pf->s = arg;
	spdy_init(&pf->sc);
	for (int i = 0; i < PF_MAX_REQS; i++)
		pf->reqs[i].fd = -1;
	if (pf->s->extra_len && pf->s->spdy_ws)
		ws_feed(&wp, pf->s->extra, pf->s->extra_len);
	if (pf->s->spdy_ws)
		from_client(pf, &wp, &out);
	else if (pf->s->extra_len)
		from_spdy(pf, pf->s->extra, pf->s->extra_len, &out);
	flush(pf, &out);
	while (!pf->over) {
		struct pollfd p[1 + PF_MAX_REQS];
		int map[1 + PF_MAX_REQS], n = 1;
		p[0] = (struct pollfd){ .fd = pf->s->sock, .events = POLLIN };
		for (int i = 0; i < PF_MAX_REQS; i++)
			if (pf->reqs[i].used && pf->reqs[i].fd >= 0) {
				map[n] = i;
				p[n++] = (struct pollfd){ .fd = pf->reqs[i].fd, .events = POLLIN };
			}
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			ssize_t k = recv(pf->s->sock, chunk, 32768, 0);
			if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
				break;
			if (k > 0 && pf->s->spdy_ws) {
				ws_feed(&wp, chunk, (size_t)k);
				from_client(pf, &wp, &out);
			} else if (k > 0) {
				from_spdy(pf, chunk, (size_t)k, &out);
			}
		}
		for (int j = 1; j < n && !pf->over; j++) {
			struct pf_req *q = &pf->reqs[map[j]];
			if (!p[j].revents || q->fd != p[j].fd)
				continue;
			ssize_t k = read(q->fd, chunk, 32768);
			if (k > 0)
				spdy_data(&out, q->data_stream, false, chunk, (size_t)k);
			else if (k == 0 || (errno != EINTR && errno != EAGAIN))
				req_end(pf, q, NULL, &out); /* the pod's side closed */
		}
		flush(pf, &out);
	}
	for (int i = 0; i < PF_MAX_REQS; i++)
		if (pf->reqs[i].fd >= 0)
			close(pf->reqs[i].fd);
	buf_reset(&out);
	if (pf->s->spdy_ws)
		ws_encode_close(&out, WS_CLOSE_NORMAL, "");
	else
		spdy_goaway(&out, 0, 0);
	stream_write_all(pf->s->sock, out.p, out.len);
	buf_release(&out);
	free(chunk);
	ws_parser_release(&wp);
	spdy_release(&pf->sc);
	stream_session_end(pf->s);
	free(pf);
	return NULL;
}
