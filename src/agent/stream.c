/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's streaming server: libmicrohttpd over TLS with a self-signed
 * certificate made at start (the API server does not verify nodes'
 * certificates, as kube-apiserver without --kubelet-certificate-authority),
 * bearer-token checks, the pod lookup, and the WebSocket handshake that
 * hands the connection to a session thread (stream_exec.c, stream_pf.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lib/cryptolib.h"
#include "agent/client.h"
#include "agent/pods.h"
#include "agent/stream.h"
#include "api/pki.h"
#include "lib/log.h"
#include "lib/serverlibs.h"
#include "lib/ws.h"
#include "lib/xalloc.h"
#include "shim/shim.h"

struct streamer {
	struct kclient *kc;
	char *node, *data_dir, *run_dir;
	char *cert_pem, *key_pem;
	struct MHD_Daemon *daemon;
};

struct sreq {
	struct stream_session *s; /* handed to the upgrade handler */
	bool pf;
	bool raw_spdy;            /* port-forward over plain SPDY */
};

int stream_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* libmicrohttpd's end of an upgraded connection does not block: wait. */
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			if (poll(&p, 1, 60000) <= 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void stream_session_end(struct stream_session *s)
{
	if (s->shim >= 0)
		close(s->shim);
	if (s->urh)
		MHD_upgrade_action(s->urh, MHD_UPGRADE_ACTION_CLOSE);
	free(s->extra);
	free(s->pod_dir);
	json_decref(s->pending);
	free(s);
}

static char *pem_of(X509 *c, EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;

	if (c)
		PEM_write_bio_X509(b, c);
	else
		PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	long n = BIO_get_mem_data(b, &p);
	char *out = xstrndup(p, (size_t)n);
	BIO_free(b);
	return out;
}

/* A self-signed serving certificate for this run (never written to disk). */
static void self_signed(struct streamer *st)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *c = pki_cert_start(k, 3600, 3650);
	X509_NAME *name = X509_get_subject_name(c);

	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)st->node, -1, -1, 0);
	X509_set_issuer_name(c, name);
	pki_add_ext(c, c, NID_basic_constraints, "critical,CA:FALSE");
	pki_add_ext(c, c, NID_ext_key_usage, "serverAuth");
	X509_sign(c, k, EVP_sha256());
	st->cert_pem = pem_of(c, NULL);
	st->key_pem = pem_of(NULL, k);
	X509_free(c);
	EVP_PKEY_free(k);
}

static bool token_eq(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned char diff = (unsigned char)(n != m);

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ (i < m ? b[i] : 0));
	return !diff;
}

/*
 * Our own token, or one the API server says is system:masters' (asked with
 * a SelfSubjectReview made with that token, so we need no rights for it).
 */
static bool authorized(struct streamer *st, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");

	if (!h || strncmp(h, "Bearer ", 7) || !h[7])
		return false;
	if (token_eq(st->kc->token, h + 7))
		return true;
	struct kclient probe;
	struct atoll_err err = ERR_INIT;
	json_t *out = NULL;
	json_t *req = json_pack("{s:s,s:s}", "apiVersion", "authentication.k8s.io/v1", "kind",
				"SelfSubjectReview");
	kclient_init(&probe, st->kc->server, h + 7, st->kc->ca_file);
	int code = kclient_do(&probe, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", NULL, req,
			      &out, &err);
	kclient_release(&probe);
	json_decref(req);
	bool ok = false;
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(json_object_get(json_object_get(out, "status"), "userInfo"), "groups"), i, g)
		if (code == 201 && json_is_string(g) && !strcmp(json_string_value(g), "system:masters"))
			ok = true;
	json_decref(out);
	return ok;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum MHD_Result answer(struct MHD_Connection *conn, unsigned code, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t n = strlen(msg);
	struct MHD_Response *r = MHD_create_response_from_buffer(n, xstrndup(msg, n), MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	enum MHD_Result ok = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ok;
}

/* The pod (owned) when it exists and is bound here; NULL after answering. */
static json_t *find_pod(struct streamer *st, struct MHD_Connection *conn, const char *ns, const char *name,
			enum MHD_Result *res)
{
	struct atoll_err err = ERR_INIT;
	json_t *pod = NULL;
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns, name);
	int code = kclient_do(st->kc, "GET", path, NULL, NULL, &pod, &err);
	const char *node = json_string_value(json_object_get(json_object_get(pod, "spec"), "nodeName"));

	if (code == 200 && node && !strcmp(node, st->node))
		return pod;
	json_decref(pod);
	*res = code < 0 ? answer(conn, 503, "cannot reach the API server: %s", err.msg)
			: answer(conn, 404, "pod %s/%s not found on node %s", ns, name, st->node);
	return NULL;
}

static bool has_container(const json_t *pod, const char *ctr)
{
	const char *lists[] = { "containers", "initContainers", "ephemeralContainers" };
	size_t i;
	json_t *c;

	for (int l = 0; l < 3; l++)
		json_array_foreach(json_object_get(json_object_get(pod, "spec"), lists[l]), i, c)
			if (ctr && !strcmp(json_string_value(json_object_get(c, "name")) ?: "", ctr))
				return true;
	return false;
}

struct args {
	json_t *cmd;
};

static enum MHD_Result collect_cmd(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct args *a = cls;

	if (!strcmp(key, "command") && value)
		json_array_append_new(a->cmd, json_string(value));
	return MHD_YES;
}

static bool flag(struct MHD_Connection *conn, const char *key)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);

	return v && (!strcmp(v, "1") || !strcasecmp(v, "true"));
}

/* The first protocol of the client's list that we speak, or NULL. */
static const char *pick_protocol(const char *offered, const char *const *ours)
{
	_cleanup_free_ char *list = xstrdup(offered ? offered : "");

	for (char *save, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		for (int i = 0; ours[i]; i++)
			if (!strcmp(t, ours[i]))
				return ours[i];
	return NULL;
}

static void on_upgraded(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra_in,
			size_t extra_len, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct sreq *q = cls;
	struct stream_session *s = q->s;
	pthread_t t;

	q->s = NULL;
	s->sock = sock;
	s->urh = urh;
	if (extra_len) {
		s->extra = xmalloc(extra_len);
		memcpy(s->extra, extra_in, extra_len);
		s->extra_len = extra_len;
	}
	void *(*run)(void *) = !q->pf ? (s->spdy ? stream_spdy_exec_run : stream_exec_run)
			       : s->spdy_ws || q->raw_spdy ? stream_pf_run : stream_pfws_run;

	if (pthread_create(&t, NULL, run, s) != 0) {
		stream_session_end(s);
		return;
	}
	pthread_detach(t);
}

/* Answer with 101 and give the connection to a session. */
static enum MHD_Result upgrade(struct MHD_Connection *conn, struct sreq *q, const char *proto)
{
	const char *key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Key");
	char accept[29];

	if (ws_accept_key(key, accept) < 0)
		return answer(conn, 400, "bad Sec-WebSocket-Key");
	struct MHD_Response *r = MHD_create_response_for_upgrade(on_upgraded, q);
	MHD_add_response_header(r, "Upgrade", "websocket");
	MHD_add_response_header(r, "Sec-WebSocket-Accept", accept);
	MHD_add_response_header(r, "Sec-WebSocket-Protocol", proto);
	enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_SWITCHING_PROTOCOLS, r);
	MHD_destroy_response(r);
	return ok;
}

static bool wants_websocket(struct MHD_Connection *conn)
{
	const char *u = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Upgrade");

	return u && !strcasecmp(u, "websocket");
}

static bool wants_spdy(struct MHD_Connection *conn)
{
	const char *u = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Upgrade");

	return u && !strcasecmp(u, "SPDY/3.1");
}

struct header_find {
	const char *name, *value;
	bool found;
};

static enum MHD_Result find_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct header_find *h = cls;

	if (key && value && !strcasecmp(key, h->name)) {
		_cleanup_free_ char *list = xstrdup(value);
		for (char *save, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
			if (!strcmp(t, h->value))
				h->found = true;
	}
	return MHD_YES;
}

/* Does any header `name` (repeated or comma-separated) carry value? */
static bool header_has(struct MHD_Connection *conn, const char *name, const char *value)
{
	struct header_find h = { name, value, false };

	MHD_get_connection_values(conn, MHD_HEADER_KIND, find_value, &h);
	return h.found;
}

/* Answer with 101 to SPDY/3.1, naming the stream protocol chosen. */
static enum MHD_Result upgrade_spdy(struct MHD_Connection *conn, struct sreq *q, const char *proto)
{
	struct MHD_Response *r = MHD_create_response_for_upgrade(on_upgraded, q);
	MHD_add_response_header(r, "Upgrade", "SPDY/3.1");
	MHD_add_response_header(r, "X-Stream-Protocol-Version", proto);
	enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_SWITCHING_PROTOCOLS, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result exec_or_attach(struct streamer *st, struct MHD_Connection *conn, bool exec,
				      const json_t *pod, const char *ctr, struct sreq *q)
{
	static const char *const protos[] = { "v5.channel.k8s.io", "v4.channel.k8s.io", NULL };
	bool spdy = wants_spdy(conn);
	const char *proto = spdy ? (header_has(conn, "X-Stream-Protocol-Version", "v4.channel.k8s.io")
					    ? "v4.channel.k8s.io" : NULL)
				 : pick_protocol(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									     "Sec-WebSocket-Protocol"), protos);
	struct atoll_err err = ERR_INIT;

	if (!proto || (!spdy && !wants_websocket(conn)))
		return answer(conn, 400, "%s needs a WebSocket upgrade with protocol v5.channel.k8s.io or "
				  "v4.channel.k8s.io, or a SPDY/3.1 upgrade with v4.channel.k8s.io",
			      exec ? "exec" : "attach");
	if (!has_container(pod, ctr))
		return answer(conn, 404, "container %s is not valid for pod %s", ctr ? ctr : "(none)",
			      json_string_value(json_object_get(json_object_get(pod, "metadata"), "name")));
	struct stream_session *s = xcalloc(1, sizeof(*s));
	s->sock = -1;
	s->shim = -1;
	s->v5 = !strcmp(proto, "v5.channel.k8s.io");
	s->tty = flag(conn, "tty");
	s->stdin_on = flag(conn, "stdin") || flag(conn, "input");
	s->stdout_on = flag(conn, "stdout") || flag(conn, "output");
	s->stderr_on = flag(conn, "stderr") || flag(conn, "error");
	json_t *req;
	if (exec) {
		struct args a = { json_array() };
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_cmd, &a);
		if (!json_array_size(a.cmd)) {
			json_decref(a.cmd);
			free(s);
			return answer(conn, 400, "you must specify at least one command for the container");
		}
		/* The size comes with kubectl's first resize message. */
		req = json_pack("{s:s,s:s,s:o,s:b,s:b}", "op", "exec", "id", ctr, "args", a.cmd, "tty", s->tty,
				"stdin", s->stdin_on);
	} else {
		req = json_pack("{s:s,s:s,s:b}", "op", "attach", "id", ctr, "stdin", s->stdin_on);
	}
	const char *uid = json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid"));
	_cleanup_free_ char *dir = pods_dir_path(st->run_dir, uid ? uid : "-");
	if ((exec && s->tty) || spdy) {
		/*
		 * A terminal gets its size from kubectl's first resize message, which
		 * comes after the upgrade, and a SPDY client opens its streams after
		 * it: the session starts the process then, so the first `stty size`
		 * is right. Here we only check that the container runs, to refuse
		 * with a proper HTTP error.
		 */
		json_t *state = NULL, *q1 = json_pack("{s:s}", "op", "state");
		int fd = shim_connect(dir, &err);
		if (fd >= 0) {
			state = shim_call(fd, q1, &err);
			close(fd);
		}
		json_decref(q1);
		json_t *ci = json_object_get(json_object_get(json_object_get(state, "state"), "containers"), ctr);
		const char *cs = json_string_value(json_object_get(ci, "state"));
		bool running = cs && !strcmp(cs, "running");
		json_decref(state);
		if (!running) {
			json_decref(req);
			free(s);
			return answer(conn, fd < 0 ? 503 : 400, "cannot exec in container %s: %s", ctr,
				      fd < 0 ? err.msg : "container is not running");
		}
		s->pending = req;
		s->pod_dir = xstrdup(dir);
		s->spdy = spdy;
		q->s = s;
		return spdy ? upgrade_spdy(conn, q, proto) : upgrade(conn, q, proto);
	}
	s->shim = shim_open_stream(dir, req, &err);
	json_decref(req);
	if (s->shim < 0) {
		free(s);
		return answer(conn, err.code >= 400 && err.code < 600 ? (unsigned)err.code : 500,
			      "cannot %s in container %s: %s", exec ? "exec" : "attach", ctr, err.msg);
	}
	q->s = s;
	return upgrade(conn, q, proto);
}

/* The ports=8080,9090 of the channel protocol; how many, or -1 when malformed. */
static int parse_ports(const char *v, int *ports, int max)
{
	_cleanup_free_ char *list = xstrdup(v ? v : "");
	int n = 0;

	for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long p = strtol(t, &end, 10);
		if (*end || p <= 0 || p > 65535 || n == max)
			return -1;
		ports[n++] = (int)p;
	}
	return n ? n : -1;
}

/*
 * Two ways: SPDY tunnelled in WebSocket (kubectl 1.31+), or the WebSocket
 * channel protocol with ports in the query (client libraries, e.g. Python's).
 */
static enum MHD_Result port_forward(struct streamer *st, struct MHD_Connection *conn, const json_t *pod,
				    struct sreq *q)
{
	static const char *const protos[] = { "SPDY/3.1+portforward.k8s.io", "v4.channel.k8s.io",
					      "portforward.k8s.io", NULL };
	const char *proto = pick_protocol(
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Protocol"), protos);

	bool spdy = wants_spdy(conn) && header_has(conn, "X-Stream-Protocol-Version", "portforward.k8s.io");
	const char *uid = json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid"));
	if (spdy) { /* SPDY on the connection itself: the same session, without WebSocket */
		struct stream_session *s = xcalloc(1, sizeof(*s));
		s->sock = -1;
		s->shim = -1;
		s->pod_dir = pods_dir_path(st->run_dir, uid ? uid : "-");
		q->s = s;
		q->pf = true;
		q->raw_spdy = true;
		return upgrade_spdy(conn, q, "portforward.k8s.io");
	}
	if (!wants_websocket(conn) || !proto)
		return answer(conn, 400, "port-forward needs a WebSocket upgrade with protocol "
				  "SPDY/3.1+portforward.k8s.io or v4.channel.k8s.io, or a SPDY/3.1 upgrade");
	struct stream_session *s = xcalloc(1, sizeof(*s));
	s->sock = -1;
	s->shim = -1;
	s->spdy_ws = !strcmp(proto, "SPDY/3.1+portforward.k8s.io");
	if (!s->spdy_ws) {
		s->nports = parse_ports(MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "ports"), s->ports,
					STREAM_MAX_PORTS);
		if (s->nports < 0) {
			free(s);
			return answer(conn, 400, "port-forward needs ports=N[,N...] (at most %d)", STREAM_MAX_PORTS);
		}
	}
	s->pod_dir = pods_dir_path(st->run_dir, uid ? uid : "-");
	q->s = s;
	q->pf = true;
	return upgrade(conn, q, proto);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct streamer *st = cls;

	if (!*con_cls) {
		*con_cls = xcalloc(1, sizeof(struct sreq));
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* no request here has a body */
		return MHD_YES;
	}
	if (!authorized(st, conn))
		return answer(conn, 401, "Unauthorized");
	char path[1024], *seg[6];
	int n = 0;
	if (strlen(url) >= sizeof(path))
		return answer(conn, 414, "path too long");
	snprintf(path, sizeof(path), "%s", url);
	for (char *save, *t = strtok_r(path, "/", &save); t && n < 6; t = strtok_r(NULL, "/", &save))
		seg[n++] = t;
	enum MHD_Result res = MHD_YES;
	bool exec = n == 4 && !strcmp(seg[0], "exec"), attach = n == 4 && !strcmp(seg[0], "attach");
	bool pf = n == 3 && !strcmp(seg[0], "portForward"), logs = n == 4 && !strcmp(seg[0], "containerLogs");
	if (!exec && !attach && !pf && !logs)
		return answer(conn, 404, "not found");
	json_t *pod = find_pod(st, conn, seg[1], seg[2], &res);
	if (!pod)
		return res;
	if (exec || attach)
		res = exec_or_attach(st, conn, exec, pod, seg[3], *con_cls);
	else if (pf)
		res = port_forward(st, conn, pod, *con_cls);
	else
		res = (enum MHD_Result)stream_logs(conn, st->data_dir, st->run_dir, pod, seg[3]);
	json_decref(pod);
	return res;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct sreq *q = *con_cls;

	if (q && q->s) /* answered 101 but never upgraded */
		stream_session_end(q->s);
	free(q);
	*con_cls = NULL;
}

int stream_start(const struct stream_opts *o, struct atoll_err *err)
{
	struct streamer *st = xcalloc(1, sizeof(*st)); /* lives as long as the process */
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)o->port) };

	if (serverlibs_load(err) < 0)
		return -1;
	/* A shim or client that went away must not take the agent with it. */
	signal(SIGPIPE, SIG_IGN);
	if (inet_pton(AF_INET, o->address, &sa.sin_addr) != 1)
		return err_set(err, 400, "BadRequest", "stream address %s is not an IPv4 address", o->address);
	st->kc = o->kc;
	st->node = xstrdup(o->node);
	st->data_dir = xstrdup(o->data_dir);
	st->run_dir = xasprintf("%s/run", o->data_dir); /* through the link: agent/rundir.h */
	self_signed(st);
	st->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_ALLOW_UPGRADE | MHD_USE_TLS,
		0, NULL, NULL, on_request, st,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_HTTPS_MEM_KEY, st->key_pem,
		MHD_OPTION_HTTPS_MEM_CERT, st->cert_pem,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, st,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		MHD_OPTION_END);
	if (!st->daemon)
		return err_set(err, 500, "InternalError", "streaming server cannot listen on %s:%d", o->address,
			       o->port);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(st->daemon, MHD_DAEMON_INFO_BIND_PORT);
	int port = di ? di->port : o->port;
	log_info("agent", "streaming server on %s:%d", o->address, port);
	return port;
}
