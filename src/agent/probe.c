/* SPDX-License-Identifier: Apache-2.0 */
/* Container probes: one exec, HTTP GET or TCP check, and the thresholds that make a verdict. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent/probe.h"
#include "lib/buf.h"

static int json_int(const json_t *o, const char *key, int def)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

void probe_params(const json_t *probe, struct probe_params *out)
{
	out->initial_delay = json_int(probe, "initialDelaySeconds", 0);
	out->period = json_int(probe, "periodSeconds", 10);
	out->timeout = json_int(probe, "timeoutSeconds", 1);
	out->success_threshold = json_int(probe, "successThreshold", 1);
	out->failure_threshold = json_int(probe, "failureThreshold", 3);
	if (out->initial_delay < 0)
		out->initial_delay = 0;
	if (out->period < 1)
		out->period = 1;
	if (out->timeout < 1)
		out->timeout = 1;
	if (out->success_threshold < 1)
		out->success_threshold = 1;
	if (out->failure_threshold < 1)
		out->failure_threshold = 1;
}

void probe_state_init(struct probe_state *s, const struct probe_params *p, double now, bool ok_at_start)
{
	memset(s, 0, sizeof(*s));
	s->ok = ok_at_start;
	s->next = now + p->initial_delay;
}

bool probe_state_record(struct probe_state *s, const struct probe_params *p, enum probe_result r, double now)
{
	bool was = s->ok;

	s->next = now + p->period;
	if (r == PROBE_SUCCESS) {
		s->failures = 0;
		if (++s->successes >= p->success_threshold)
			s->ok = true;
	} else if (r == PROBE_FAILURE) {
		s->successes = 0;
		if (++s->failures >= p->failure_threshold)
			s->ok = false;
	}
	return s->ok != was;
}

struct ns_sock {
	pid_t pid;
	int fd;
	int err;
};

/* Runs in a thread of its own: setns changes only the calling thread, and the thread then ends. */
static void *sock_in_ns(void *arg)
{
	struct ns_sock *a = arg;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)a->pid);
	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		a->err = errno;
		if (nsfd >= 0)
			close(nsfd);
		return NULL;
	}
	close(nsfd);
	a->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->fd < 0)
		a->err = errno;
	return NULL;
}

static int socket_in(pid_t pid, char *why, size_t why_len)
{
	if (pid <= 0) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			snprintf(why, why_len, "socket: %s", strerror(errno));
		return fd;
	}
	struct ns_sock a = { .pid = pid, .fd = -1 };
	pthread_t t;
	int e = pthread_create(&t, NULL, sock_in_ns, &a);
	if (e) {
		snprintf(why, why_len, "thread: %s", strerror(e));
		return -1;
	}
	pthread_join(t, NULL);
	if (a.fd < 0)
		snprintf(why, why_len, "pod network namespace: %s", strerror(a.err));
	return a.fd;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int left_ms(double deadline)
{
	double l = (deadline - mono()) * 1e3;
	return l <= 0 ? 0 : (int)l + 1;
}

int probe_connect(pid_t pid, const char *host, int port, int timeout_ms, char *why, size_t why_len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	/* Kubernetes resolves names too; pods here are reached by address (IP or loopback). */
	if (!host || !*host || !strcmp(host, "localhost"))
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(why, why_len, "host %s is not an IPv4 address", host);
		return -1;
	}
	if (port < 1 || port > 65535) {
		snprintf(why, why_len, "port %d out of range", port);
		return -1;
	}
	int fd = socket_in(pid, why, why_len);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		snprintf(why, why_len, "dial tcp %s:%d: %s", host, port, strerror(errno));
		close(fd);
		return -1;
	}
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int r = poll(&p, 1, timeout_ms);
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (r <= 0) {
		snprintf(why, why_len, "dial tcp %s:%d: i/o timeout", host, port);
		close(fd);
		return -1;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
	if (soerr) {
		snprintf(why, why_len, "dial tcp %s:%d: %s", host, port, strerror(soerr));
		close(fd);
		return -1;
	}
	return fd;
}

/* A probe's port: a number, or the name of one of the container's ports. -1 when neither. */
static int resolve_port(const json_t *port, const json_t *ports)
{
	size_t i;
	json_t *p;

	if (json_is_integer(port))
		return (int)json_integer_value(port);
	if (!json_is_string(port))
		return -1;
	const char *s = json_string_value(port);
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end)
		return (int)n;
	json_array_foreach(ports, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		if (name && !strcmp(name, s))
			return json_int(p, "containerPort", -1);
	}
	return -1;
}

static int write_all(int fd, const char *p, size_t n, double deadline)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		if (poll(&pf, 1, left_ms(deadline)) <= 0)
			return -1;
	}
	return 0;
}

static enum probe_result check_http(const json_t *h, const struct probe_target *t, int timeout_ms, char *msg,
				    size_t len)
{
	double deadline = mono() + timeout_ms / 1e3;
	const char *scheme = json_string_value(json_object_get(h, "scheme"));
	const char *host = json_string_value(json_object_get(h, "host"));
	const char *path = json_string_value(json_object_get(h, "path"));
	int port = resolve_port(json_object_get(h, "port"), t->ports);

	if (scheme && strcmp(scheme, "HTTP")) {
		snprintf(msg, len, "httpGet scheme %s is not supported by this node", scheme);
		return PROBE_FAILURE;
	}
	if (port < 0) {
		snprintf(msg, len, "httpGet port is not a number or a named container port");
		return PROBE_FAILURE;
	}
	if (!host || !*host)
		host = t->pod_ip;
	int fd = probe_connect(t->netns_pid, host, port, timeout_ms, msg, len);
	if (fd < 0)
		return PROBE_FAILURE;

	struct buf req = BUF_INIT;
	bool have_host = false, have_ua = false, have_accept = false;
	size_t i;
	json_t *hd;
	buf_addf(&req, "GET %s HTTP/1.1\r\n", path && *path == '/' ? path : "/");
	json_array_foreach(json_object_get(h, "httpHeaders"), i, hd) {
		const char *n = json_string_value(json_object_get(hd, "name"));
		const char *v = json_string_value(json_object_get(hd, "value"));
		/* Header injection: names and values may not break the request. */
		if (!n || !v || strpbrk(n, "\r\n:") || strpbrk(v, "\r\n"))
			continue;
		have_host |= !strcasecmp(n, "Host");
		have_ua |= !strcasecmp(n, "User-Agent");
		have_accept |= !strcasecmp(n, "Accept");
		buf_addf(&req, "%s: %s\r\n", n, v);
	}
	if (!have_host)
		buf_addf(&req, "Host: %s:%d\r\n", host && *host ? host : "127.0.0.1", port);
	if (!have_ua)
		buf_addf(&req, "User-Agent: kube-probe/1.32\r\n");
	if (!have_accept)
		buf_addf(&req, "Accept: */*\r\n");
	buf_addf(&req, "Connection: close\r\n\r\n");
	int w = write_all(fd, req.p, req.len, deadline);
	buf_release(&req);
	if (w < 0) {
		snprintf(msg, len, "sending the request: %s", errno ? strerror(errno) : "timeout");
		close(fd);
		return PROBE_FAILURE;
	}

	char resp[512];
	size_t got = 0;
	while (got < sizeof(resp) - 1 && !memchr(resp, '\n', got)) {
		ssize_t r = read(fd, resp + got, sizeof(resp) - 1 - got);
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r == 0)
			break;
		if (errno != EAGAIN && errno != EINTR)
			break;
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (poll(&pf, 1, left_ms(deadline)) <= 0) {
			snprintf(msg, len, "Get \"http://%s:%d%s\": context deadline exceeded", host ? host : "127.0.0.1",
				 port, path ? path : "/");
			close(fd);
			return PROBE_FAILURE;
		}
	}
	close(fd);
	resp[got] = '\0';
	int code = 0;
	if (sscanf(resp, "HTTP/%*d.%*d %d", &code) != 1) {
		snprintf(msg, len, "malformed HTTP response");
		return PROBE_FAILURE;
	}
	snprintf(msg, len, "HTTP probe failed with statuscode: %d", code);
	return code >= 200 && code < 400 ? PROBE_SUCCESS : PROBE_FAILURE;
}

static enum probe_result check_tcp(const json_t *tcp, const struct probe_target *t, int timeout_ms, char *msg,
				   size_t len)
{
	int port = resolve_port(json_object_get(tcp, "port"), t->ports);
	const char *host = json_string_value(json_object_get(tcp, "host"));

	if (port < 0) {
		snprintf(msg, len, "tcpSocket port is not a number or a named container port");
		return PROBE_FAILURE;
	}
	int fd = probe_connect(t->netns_pid, host && *host ? host : t->pod_ip, port, timeout_ms, msg, len);
	if (fd < 0)
		return PROBE_FAILURE;
	close(fd);
	snprintf(msg, len, "connected");
	return PROBE_SUCCESS;
}

enum probe_result probe_check(const json_t *probe, const struct probe_target *t, char *msg, size_t len)
{
	struct probe_params p;
	json_t *v;

	probe_params(probe, &p);
	msg[0] = '\0';
	if ((v = json_object_get(probe, "exec"))) {
		json_t *cmd = json_object_get(v, "command");
		if (!json_array_size(cmd)) {
			snprintf(msg, len, "exec probe without a command");
			return PROBE_FAILURE;
		}
		if (!t->exec) {
			snprintf(msg, len, "exec probes cannot run here");
			return PROBE_UNKNOWN;
		}
		int st = t->exec(t->exec_ctx, cmd, p.timeout * 1000, msg, len);
		if (st < 0)
			return PROBE_FAILURE;
		if (st != 0 && !msg[0])
			snprintf(msg, len, "command exited with %d", st);
		return st == 0 ? PROBE_SUCCESS : PROBE_FAILURE;
	}
	if ((v = json_object_get(probe, "httpGet")))
		return check_http(v, t, p.timeout * 1000, msg, len);
	if ((v = json_object_get(probe, "tcpSocket")))
		return check_tcp(v, t, p.timeout * 1000, msg, len);
	if (json_object_get(probe, "grpc")) {
		snprintf(msg, len, "grpc probes are not supported by this node");
		return PROBE_UNKNOWN;
	}
	snprintf(msg, len, "probe has no handler");
	return PROBE_UNKNOWN;
}
