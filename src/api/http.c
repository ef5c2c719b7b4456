/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP glue on libmicrohttpd: a pool of epoll threads serves TLS
 * connections; a request body is collected (bounded) and then handed to the
 * router. Watches suspend their connection instead of holding a thread.
 */
#include <arpa/inet.h>
#include "lib/jdump.h"
#include "lib/serverlibs.h"
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/server.h"
#include "api/logs.h"
#include "api/watch.h"
#include "auth/auth.h"
#include "registry/registry.h"
#include "lib/log.h"
#include "lib/xalloc.h"

const char *req_query(struct api_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *req_header(struct api_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

void req_warn(struct api_req *r, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The text is a quoted string: escape quotes and backslashes; no newlines. */
	char quoted[900];
	size_t q = 0;
	for (const char *p = msg; *p && q + 3 < sizeof(quoted); p++) {
		if (*p == '"' || *p == '\\')
			quoted[q++] = '\\';
		quoted[q++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
	}
	quoted[q] = '\0';
	char *old = r->warnings;
	r->warnings = xasprintf("%s%s299 - \"%s\"", old ? old : "", old ? "\n" : "", quoted);
	free(old);
}

static int queue(struct api_req *r, int code, struct MHD_Response *resp, const char *ctype)
{
	enum MHD_Result ok;

	for (char *save, *w = r->warnings ? strtok_r(r->warnings, "\n", &save) : NULL; w;
	     w = strtok_r(NULL, "\n", &save))
		MHD_add_response_header(resp, "Warning", w);

	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
	if (code == 429)
		MHD_add_response_header(resp, "Retry-After", "1");
	if (code == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"atoll\"");
	auth_on_response(r, code); /* quota reservations, audit log: src/auth */
	ok = MHD_queue_response(r->conn, (unsigned)code, resp);
	MHD_destroy_response(resp);
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!r->verb)
		r->verb = "other";
	metrics_observe(r->verb, r->resource, code,
			(double)(t1.tv_sec - r->t0.tv_sec) + (t1.tv_nsec - r->t0.tv_nsec) / 1e9);
	return ok == MHD_YES ? 0 : -1;
}

int reply_raw(struct api_req *r, int code, const char *ctype, char *body, size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);

	if (!resp) {
		free(body);
		return -1;
	}
	return queue(r, code, resp, ctype);
}

int reply_json(struct api_req *r, int code, json_t *obj)
{
	char *s = jdump(obj, JSON_COMPACT | JSON_PRESERVE_ORDER, NULL);

	json_decref(obj);
	if (!s)
		return reply_text(r, 500, "encoding failed\n");
	return reply_raw(r, code, "application/json", s, strlen(s));
}

int reply_text(struct api_req *r, int code, const char *text)
{
	return reply_raw(r, code, "text/plain; charset=utf-8", xstrdup(text), strlen(text));
}

static const char *reason_for(int code)
{
	switch (code) {
	case 400: return "BadRequest";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "NotFound";
	case 405: return "MethodNotAllowed";
	case 406: return "NotAcceptable";
	case 409: return "Conflict";
	case 410: return "Expired";
	case 413: return "RequestEntityTooLarge";
	case 415: return "UnsupportedMediaType";
	case 422: return "Invalid";
	case 429: return "TooManyRequests";
	case 503: return "ServiceUnavailable";
	case 504: return "Timeout";
	default: return code >= 500 ? "InternalError" : "BadRequest";
	}
}

json_t *status_new(int code, const char *reason, const char *message, const char *group,
		   const char *kind, const char *name, json_t *causes)
{
	json_t *st = json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status", "apiVersion",
			       "v1", "metadata", "status", code < 300 ? "Success" : "Failure",
			       "message", message ? message : "", "reason",
			       reason ? reason : reason_for(code), "code", code);

	if (kind || name || causes) {
		json_t *d = json_object();
		if (name)
			json_object_set_new(d, "name", json_string(name));
		if (group && *group)
			json_object_set_new(d, "group", json_string(group));
		if (kind)
			json_object_set_new(d, "kind", json_string(kind));
		if (causes)
			json_object_set_new(d, "causes", causes);
		json_object_set_new(st, "details", d);
	}
	if (code == 429 || code == 504) {
		json_t *d = json_object_get(st, "details");
		if (!d) {
			d = json_object();
			json_object_set_new(st, "details", d);
		}
		json_object_set_new(d, "retryAfterSeconds", json_integer(1));
	}
	return st;
}

int reply_status(struct api_req *r, const struct atoll_err *e, const struct api_target *t)
{
	int code = e->code ? e->code : 500;

	return reply_json(r, code,
			  status_new(code, e->reason ? e->reason : reason_for(code), e->msg,
				     t ? t->group : NULL, t && *t->resource ? t->resource : NULL,
				     t && *t->name ? t->name : NULL, NULL));
}

int reply_error(struct api_req *r, int code, const char *reason, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return reply_json(r, code, status_new(code, reason, msg, NULL, NULL, NULL, NULL));
}

int reply_invalid(struct api_req *r, const char *kind, const char *name, json_t *causes)
{
	struct buf msg = BUF_INIT;
	size_t i;
	json_t *c;

	buf_addf(&msg, "%s \"%s\" is invalid: ", kind, name ? name : "");
	json_array_foreach(causes, i, c) {
		const char *f = json_string_value(json_object_get(c, "field"));
		const char *m = json_string_value(json_object_get(c, "message"));
		if (i)
			buf_adds(&msg, ", ");
		if (f && *f)
			buf_addf(&msg, "%s: ", f);
		buf_adds(&msg, m ? m : "invalid");
	}
	json_t *st = status_new(422, "Invalid", msg.p, NULL, kind, name, causes);
	buf_release(&msg);
	return reply_json(r, 422, st);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct api_server *srv = cls;
	struct api_req *r = *con_cls;

	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->srv = srv;
		r->conn = conn;
		r->method = method;
		r->url = url;
		buf_init(&r->body);
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		*con_cls = r;
		/* The registry streams its own bodies and speaks its own errors. */
		if (!strncmp(url, "/v2/", 4) || !strcmp(url, "/v2")) {
			r->registry = true;
			return registry_access(r, upload_data, upload_size) == 0 ? MHD_YES : MHD_NO;
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		/*
		 * Too large: read and drop the body (clients write it before they
		 * read), then answer 413. Past API_MAX_DISCARD we hang up.
		 */
		if (cl && strtoull(cl, NULL, 10) > API_MAX_BODY)
			r->body_too_large = true;
		/*
		 * Count from the headers on, so slow uploads hold a slot too; a
		 * request that becomes a watch gives its slot back.
		 */
		if (atomic_fetch_add(&srv->inflight, 1) >= srv->max_inflight) {
			atomic_fetch_sub(&srv->inflight, 1);
			reply_error(r, 429, "TooManyRequests",
				    "too many requests in flight, please try again later");
			return MHD_YES;
		}
		r->counted = true;
		return MHD_YES;
	}
	if (r->registry)
		return registry_access(r, upload_data, upload_size) == 0 ? MHD_YES : MHD_NO;
	if (*upload_size) {
		r->received += *upload_size;
		if (r->received > API_MAX_DISCARD)
			return MHD_NO;
		if (r->body_too_large || r->body.len + *upload_size > API_MAX_BODY) {
			r->body_too_large = true;
			buf_release(&r->body);
		} else {
			buf_add(&r->body, upload_data, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->watch || r->verb) /* already answered (413 on the first call, or streaming) */
		return MHD_YES;
	if (r->body_too_large) {
		reply_error(r, 413, "RequestEntityTooLarge",
			    "the request body is larger than the limit of %u bytes", API_MAX_BODY);
		return MHD_YES;
	}
	return api_route(r) == 0 ? MHD_YES : MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct api_req *r = *con_cls;

	if (!r)
		return;
	if (r->counted)
		atomic_fetch_sub(&r->srv->inflight, 1);
	if (r->registry)
		registry_done(r);
	if (r->upgrade_ctx && r->upgrade_abort)
		r->upgrade_abort(r->upgrade_ctx);
	buf_release(&r->body);
	free(r->warnings);
	free(r);
	*con_cls = NULL;
}

int http_start(struct api_server *srv, struct atoll_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)srv->port) };
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	/*
	 * Handlers block on the store's group commit, so more threads than
	 * cores keep several writes in one batch; watches cost no thread.
	 */
	unsigned threads = (unsigned)(n > 0 ? n : 1) * 8;

	if (threads < 16)
		threads = 16;
	if (inet_pton(AF_INET, srv->listen_host, &sa.sin_addr) != 1)
		return err_set(err, 400, "BadRequest", "listen address %s is not an IPv4 address",
			       srv->listen_host);
	/*
	 * poll(), not epoll: libmicrohttpd 0.9.75 with epoll and TURBO spins
	 * (epoll_wait with timeout 0, then a 5-byte recv that fails with
	 * EAGAIN, ~3000 times per connection) while a TLS handshake waits for
	 * the client, so every new connection burned a core until the client's
	 * data came, and an idle half-open connection burned it for good. Each
	 * pool thread polls only its own unsuspended connections.
	 */
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE |
			MHD_USE_TLS | MHD_USE_TURBO,
		0, NULL, NULL, on_request, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_HTTPS_MEM_KEY, srv->key_pem,
		MHD_OPTION_HTTPS_MEM_CERT, srv->cert_pem,
		/* Ask for (optional) client certificates from our CA: src/auth/auth_cert.c. */
		MHD_OPTION_HTTPS_MEM_TRUST, srv->ca_pem,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)600,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)10000,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		MHD_OPTION_END);
	if (!srv->daemon)
		return err_set(err, 500, "InternalError", "cannot listen on %s:%d",
			       srv->listen_host, srv->port);
	if (srv->port == 0) {
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
		if (di)
			srv->port = di->port;
	}
	return 0;
}

void http_stop(struct api_server *srv)
{
	if (!srv->daemon)
		return;
	/*
	 * libmicrohttpd aborts when stopped with suspended connections: stop
	 * accepting, end the streams, and give them a moment to close.
	 */
	MHD_socket lsock = MHD_quiesce_daemon(srv->daemon);
	for (int i = 0; i < 100; i++) {
		watch_shutdown();
		if (logs_follow_shutdown() == 0 && watch_count() == 0)
			break;
		usleep(20 * 1000);
	}
	MHD_stop_daemon(srv->daemon);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	srv->daemon = NULL;
}
