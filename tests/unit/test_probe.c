/* SPDX-License-Identifier: Apache-2.0 */
/* Probes: thresholds, and real HTTP/TCP checks against loopback servers in this process. */
#include <arpa/inet.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/probe.h"
#include "t.h"

struct srv {
	int lfd;
	int port;
	const char *reply; /* NULL: accept and say nothing, then close */
	char req[2048];
	int conns;         /* connections to serve, then the thread ends */
};

static void *serve(void *arg)
{
	struct srv *s = arg;

	for (int i = 0; i < s->conns; i++) {
		int c = accept(s->lfd, NULL, NULL);
		if (c < 0)
			break;
		ssize_t n = read(c, s->req, sizeof(s->req) - 1);
		s->req[n > 0 ? n : 0] = '\0';
		if (s->reply && write(c, s->reply, strlen(s->reply)) < 0)
			perror("write");
		if (!s->reply)
			usleep(1500 * 1000); /* longer than the probe's 1 s timeout */
		close(c);
	}
	return NULL;
}

static void srv_start(struct srv *s, pthread_t *t)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);

	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa));
	listen(s->lfd, 8);
	getsockname(s->lfd, (struct sockaddr *)&sa, &sl);
	s->port = ntohs(sa.sin_port);
	pthread_create(t, NULL, serve, s);
}

static json_t *http_probe(int port, const char *path)
{
	return json_pack("{s:{s:s,s:i,s:[{s:s,s:s}]}}", "httpGet", "path", path, "port", port, "httpHeaders", "name",
			 "X-Probe", "value", "yes");
}

static int fake_exec(void *ctx, const json_t *argv, int timeout_ms, char *why, size_t len)
{
	(void)ctx;
	(void)timeout_ms;
	(void)why;
	(void)len;
	return strcmp(json_string_value(json_array_get(argv, 0)), "true") ? 1 : 0;
}

static void test_thresholds(void)
{
	json_t *pr = json_pack("{s:i,s:i,s:i}", "initialDelaySeconds", 5, "failureThreshold", 2, "successThreshold", 2);
	struct probe_params p;
	struct probe_state s;

	probe_params(pr, &p);
	CHECK(p.period == 10 && p.timeout == 1 && p.initial_delay == 5);
	probe_state_init(&s, &p, 100.0, false);
	CHECK(s.next == 105.0 && !s.ok);
	CHECK(!probe_state_record(&s, &p, PROBE_SUCCESS, 105.0)); /* one success of two */
	CHECK(s.next == 115.0);
	CHECK(probe_state_record(&s, &p, PROBE_SUCCESS, 115.0) && s.ok);
	CHECK(!probe_state_record(&s, &p, PROBE_FAILURE, 125.0) && s.ok);
	CHECK(!probe_state_record(&s, &p, PROBE_UNKNOWN, 135.0) && s.ok); /* does not count */
	CHECK(probe_state_record(&s, &p, PROBE_FAILURE, 145.0) && !s.ok);
	CHECK(!probe_state_record(&s, &p, PROBE_SUCCESS, 155.0) && !s.ok); /* the streak restarts */
	json_decref(pr);

	pr = json_pack("{s:i,s:i}", "periodSeconds", -3, "failureThreshold", 0);
	probe_params(pr, &p);
	CHECK(p.period == 1 && p.failure_threshold == 1);
	json_decref(pr);
}

static void test_http(void)
{
	struct srv s = { .reply = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", .conns = 1 };
	struct probe_target t = { 0 };
	pthread_t th;
	char msg[200];

	srv_start(&s, &th);
	json_t *pr = http_probe(s.port, "/healthz");
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_SUCCESS);
	pthread_join(th, NULL);
	CHECK(!strncmp(s.req, "GET /healthz HTTP/1.1\r\n", 23));
	CHECK(strstr(s.req, "X-Probe: yes\r\n") != NULL);
	CHECK(strstr(s.req, "User-Agent: kube-probe/") != NULL);
	json_decref(pr);
	close(s.lfd);

	struct srv e = { .reply = "HTTP/1.1 503 Service Unavailable\r\n\r\n", .conns = 1 };
	srv_start(&e, &th);
	pr = http_probe(e.port, "/");
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_FAILURE);
	CHECK(strstr(msg, "503") != NULL);
	pthread_join(th, NULL);
	json_decref(pr);
	close(e.lfd);

	/* A server that never answers: the probe gives up after its timeout. */
	struct srv q = { .reply = NULL, .conns = 1 };
	srv_start(&q, &th);
	pr = http_probe(q.port, "/");
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_FAILURE);
	CHECK(strstr(msg, "deadline") != NULL);
	pthread_join(th, NULL);
	json_decref(pr);
	close(q.lfd);

	/* A header value that would split the request is dropped, not sent. */
	struct srv h = { .reply = "HTTP/1.0 200 OK\r\n\r\n", .conns = 1 };
	srv_start(&h, &th);
	pr = json_pack("{s:{s:i,s:[{s:s,s:s}]}}", "httpGet", "port", h.port, "httpHeaders", "name", "X-Evil", "value",
		       "a\r\nInjected: 1");
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_SUCCESS);
	pthread_join(th, NULL);
	CHECK(strstr(h.req, "Injected") == NULL);
	json_decref(pr);
	close(h.lfd);
}

static void test_tcp_and_exec(void)
{
	struct srv s = { .reply = "", .conns = 1 };
	pthread_t th;
	char msg[200];
	json_t *ports = json_pack("[{s:s,s:i}]", "name", "web", "containerPort", 0);
	struct probe_target t = { .ports = ports, .exec = fake_exec };

	srv_start(&s, &th);
	json_object_set_new(json_array_get(ports, 0), "containerPort", json_integer(s.port));
	json_t *pr = json_pack("{s:{s:s}}", "tcpSocket", "port", "web"); /* a named port */
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_SUCCESS);
	pthread_join(th, NULL);
	close(s.lfd);
	/* Nothing listens there any more. */
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_FAILURE);
	CHECK(strstr(msg, "refused") != NULL);
	json_decref(pr);

	pr = json_pack("{s:{s:s}}", "tcpSocket", "port", "nope");
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_FAILURE);
	json_decref(pr);

	pr = json_pack("{s:{s:[s]}}", "exec", "command", "true");
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_SUCCESS);
	json_decref(pr);
	pr = json_pack("{s:{s:[s]}}", "exec", "command", "false");
	CHECK(probe_check(pr, &t, msg, sizeof(msg)) == PROBE_FAILURE);
	CHECK(strstr(msg, "exited with 1") != NULL);
	json_decref(pr);

	/* Our own network namespace, entered through /proc/self like a pod's. */
	t.netns_pid = getpid();
	int fd = probe_connect(t.netns_pid, "10.0.0.1", 0, 100, msg, sizeof(msg));
	CHECK(fd < 0 && strstr(msg, "port 0") != NULL);
	fd = probe_connect(t.netns_pid, "not-an-ip", 80, 100, msg, sizeof(msg));
	CHECK(fd < 0);
	json_decref(ports);
}

int main(void)
{
	test_thresholds();
	test_http();
	test_tcp_and_exec();
	return T_DONE();
}
