/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running containers' probes. A thread picks the checks that are due under
 * the pod loop's lock, runs each outside it (a check may take its whole
 * timeout) in a thread of its own, and records the result under the lock
 * again, for the container instance it was made for. Readiness feeds the
 * Ready conditions (and so Service endpoints); a failed liveness probe kills
 * the container, which the restart policy then brings back; until a startup
 * probe succeeds the other two wait.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/pods_int.h"
#include "agent/probe.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "podinit/proto.h"
#include "shim/shim.h"

#define MAX_INFLIGHT 32

enum { LIVE, READY, STARTUP, POSTSTART };
static const char *const probe_keys[] = { "livenessProbe", "readinessProbe", "startupProbe" };
static const char *const probe_names[] = { "Liveness", "Readiness", "Startup" };

struct job {
	struct loop *l;
	char *uid, *ctr, *dir, *ip;
	char instance[64];
	int which;
	pid_t netns_pid;
	json_t *probe, *ports; /* owned copies; probe is NULL for a postStart sleep */
	int sleep_s;           /* a postStart hook's sleep action */
};

static pthread_mutex_t inflight_mu = PTHREAD_MUTEX_INITIALIZER;
static int inflight;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pods_exec_check(void *ctx, const json_t *argv, int timeout_ms, char *why, size_t why_len)
{
	const struct pods_exec_ctx *j = ctx;
	struct atoll_err err = ERR_INIT;
	json_t *req = json_pack("{s:s,s:s,s:O,s:b,s:b}", "op", "exec", "id", j->ctr, "args", argv, "tty", 0, "stdin", 0);
	int fd = shim_open_stream(j->dir, req, &err);
	struct pi_reader r = { 0 };
	struct pi_frame f;
	double deadline = mono() + timeout_ms / 1e3;
	int status = -1;

	json_decref(req);
	if (fd < 0) {
		snprintf(why, why_len, "%s", err.msg);
		return -1;
	}
	snprintf(why, why_len, "command timed out after %d s", timeout_ms / 1000);
	for (;;) {
		int got;
		while ((got = pi_next(&r, &f)) == 1) {
			if (f.type == PI_STDOUT || f.type == PI_STDERR) {
				/* Kubernetes shows the probe's output in the event: keep the end of it. */
				size_t keep = f.len < why_len - 1 ? f.len : why_len - 1;
				memcpy(why, f.data + f.len - keep, keep);
				why[keep] = '\0';
			} else if (f.type == PI_CTL) {
				json_t *m = json_loadb(f.data, f.len, 0, NULL);
				const char *op = json_string_value(json_object_get(m, "op"));
				if (op && !strcmp(op, "exit")) {
					json_t *sig = json_object_get(m, "signal");
					status = sig ? 128 + (int)json_integer_value(sig)
						     : (int)json_integer_value(json_object_get(m, "status"));
				}
				json_decref(m);
				if (status >= 0)
					goto out;
			}
		}
		if (got < 0)
			break;
		int left = (int)((deadline - mono()) * 1e3);
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			break;
		if (pi_fill(&r, fd) <= 0)
			break;
	}
out:
	close(fd); /* a command still running when the probe gives up ends with the stream */
	pi_reader_release(&r);
	if (status == 0)
		why[0] = '\0';
	return status;
}

static struct pod *find_pod(struct loop *l, const char *uid)
{
	for (struct pod *p = l->pods; p; p = p->next)
		if (!strcmp(p->uid, uid))
			return p;
	return NULL;
}

/* An event about container ctr of pod uid, from outside the loop's lock (names copied by the caller). */
static void post_event(struct loop *l, const char *ns, const char *pod, const char *uid, const char *ctr,
		       const char *type, const char *reason, const char *msg)
{
	struct pod p = { .ns = (char *)ns, .name = (char *)pod, .uid = (char *)uid };
	struct pctr c = { .name = (char *)ctr };

	pods_event(l, &p, &c, type, reason, "%s", msg);
}

/* Kill a container whose liveness probe failed; the restart policy does the rest. */
static void kill_ctr(const char *dir, const char *ctr, int sig)
{
	struct atoll_err err = ERR_INIT;
	int fd = shim_connect(dir, &err);

	if (fd < 0)
		return;
	json_t *req = json_pack("{s:s,s:s,s:i}", "op", "signal", "id", ctr, "signal", sig);
	json_decref(shim_call(fd, req, &err));
	json_decref(req);
	close(fd);
}

static void record(struct job *j, enum probe_result res, const char *msg)
{
	struct loop *l = j->l;
	char ev_msg[400] = "", ns[256] = "", name[256] = "";
	bool kill_it = false, event = false;
	long grace = 30;

	pthread_mutex_lock(&l->mu);
	struct pod *p = find_pod(l, j->uid);
	for (size_t i = 0; p && !p->deleting && i < p->n; i++) {
		struct pctr *c = &p->c[i];
		if (strcmp(c->name, j->ctr) || strcmp(c->pr.instance, j->instance))
			continue;
		snprintf(ns, sizeof(ns), "%s", p->ns);
		snprintf(name, sizeof(name), "%s", p->name);
		if (j->which == POSTSTART) {
			c->pr.post_done = true;
			c->pr.busy[POSTSTART] = false;
			if (res == PROBE_FAILURE) {
				snprintf(ev_msg, sizeof(ev_msg), "PostStartHook failed: %s", msg);
				kill_it = true;
				grace = p->grace;
				c->pr.killed = true;
			}
			break;
		}
		struct probe_params pp;
		probe_params(json_object_get(c->spec, probe_keys[j->which]), &pp);
		struct probe_state *s = &c->pr.st[j->which];
		bool flipped = probe_state_record(s, &pp, res, mono());
		p->status_stale = p->status_stale || flipped;
		snprintf(s->last_msg, sizeof(s->last_msg), "%s", msg);
		c->pr.busy[j->which] = false;
		if (res == PROBE_FAILURE) {
			event = true;
			snprintf(ev_msg, sizeof(ev_msg), "%s probe failed: %s", probe_names[j->which], msg);
		}
		if (flipped && j->which == LIVE && !s->ok) {
			kill_it = true;
			grace = p->grace;
			c->pr.killed = true;
		}
		if (flipped && j->which == STARTUP && !s->ok) /* a startup probe that gives up kills too */
			kill_it = true, c->pr.killed = true;
		snprintf(ns, sizeof(ns), "%s", p->ns);
		snprintf(name, sizeof(name), "%s", p->name);
	}
	pthread_mutex_unlock(&l->mu);
	if (event)
		post_event(l, ns, name, j->uid, j->ctr, "Warning", "Unhealthy", ev_msg);
	if (kill_it && j->which == POSTSTART)
		post_event(l, ns, name, j->uid, j->ctr, "Warning", "FailedPostStartHook", ev_msg);
	if (kill_it) {
		char m[300];
		if (j->which == POSTSTART)
			snprintf(m, sizeof(m), "FailedPostStartHook");
		else
			snprintf(m, sizeof(m), "Container %s failed %s probe, will be restarted", j->ctr,
				 j->which == LIVE ? "liveness" : "startup");
		post_event(l, ns, name, j->uid, j->ctr, "Normal", "Killing", m);
		kill_ctr(j->dir, j->ctr, SIGTERM);
		/* The grace period, bounded so one probe thread does not hold on for long. */
		for (long i = 0; i < (grace < 10 ? grace : 10) * 10; i++)
			usleep(100 * 1000);
		kill_ctr(j->dir, j->ctr, SIGKILL);
	}
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	char msg[200];
	struct pods_exec_ctx ec = { .dir = j->dir, .ctr = j->ctr };
	struct probe_target t = { .netns_pid = j->netns_pid, .pod_ip = j->ip, .ports = j->ports,
				  .exec = pods_exec_check, .exec_ctx = &ec };
	enum probe_result r = PROBE_SUCCESS;

	msg[0] = '\0';
	if (j->probe)
		r = probe_check(j->probe, &t, msg, sizeof(msg));
	else
		for (int i = 0; i < j->sleep_s * 10; i++)
			usleep(100 * 1000);
	record(j, r, msg);
	pthread_mutex_lock(&inflight_mu);
	inflight--;
	pthread_mutex_unlock(&inflight_mu);
	json_decref(j->probe);
	json_decref(j->ports);
	free(j->uid);
	free(j->ctr);
	free(j->dir);
	free(j->ip);
	free(j);
	return NULL;
}

/* A container instance just seen for the first time: fresh probe states. */
static void reset(struct pctr *c, const char *instance, double now)
{
	memset(&c->pr, 0, sizeof(c->pr));
	snprintf(c->pr.instance, sizeof(c->pr.instance), "%s", instance);
	for (int w = LIVE; w <= STARTUP; w++) {
		json_t *pj = json_object_get(c->spec, probe_keys[w]);
		struct probe_params pp;
		probe_params(pj, &pp);
		c->pr.has[w] = pj != NULL;
		/* Alive until proven dead; not ready and not started until a check says so. */
		probe_state_init(&c->pr.st[w], &pp, now, w == LIVE || !pj);
	}
}

/*
 * Until the probe thread has seen the container (reset), its probes are
 * known from the spec only: a container with a readiness or startup probe
 * is not ready, nor started, before a check says so.
 */
static bool has_probe(const struct pctr *c, int which)
{
	return c->pr.instance[0] ? c->pr.has[which] : json_object_get(c->spec, probe_keys[which]) != NULL;
}

bool pods_probe_ready(const struct pctr *c)
{
	return !has_probe(c, READY) || (c->pr.instance[0] && c->pr.st[READY].ok && pods_probe_started(c));
}

bool pods_probe_started(const struct pctr *c)
{
	return !has_probe(c, STARTUP) || (c->pr.instance[0] && c->pr.st[STARTUP].ok);
}

/* A check of container c's current instance (copies what it needs: the pod may go meanwhile). */
static struct job *new_job(struct loop *l, const struct pod *p, const struct pctr *c, const char *inst, int which,
			   pid_t pid, const char *ip)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->l = l;
	j->uid = xstrdup(p->uid);
	j->ctr = xstrdup(c->name);
	j->dir = xstrdup(p->dir);
	j->ip = ip ? xstrdup(ip) : NULL;
	snprintf(j->instance, sizeof(j->instance), "%s", inst);
	j->which = which;
	j->netns_pid = pid;
	j->ports = json_deep_copy(json_object_get(c->spec, "ports"));
	return j;
}

/* Collect the due checks of running containers (under the loop's lock). */
static size_t due(struct loop *l, struct job **out, size_t max)
{
	double now = mono();
	size_t n = 0;

	for (struct pod *p = l->pods; p; p = p->next) {
		if (p->busy || p->deleting || p->finished || !p->state)
			continue;
		pid_t pid = (pid_t)json_integer_value(json_object_get(p->state, "pid"));
		const char *ip = json_string_value(json_object_get(p->state, "podIP"));
		/* App containers and sidecars have probes; ephemeral containers may not. */
		for (size_t i = 0; i < p->nreg; i++) {
			struct pctr *c = &p->c[i];
			if (c->is_init && !c->sidecar)
				continue;
			json_t *st = pods_ctr_state(p, c);
			const char *s = json_string_value(json_object_get(st, "state"));
			const char *inst = json_string_value(json_object_get(st, "startedAt"));
			if (!s || strcmp(s, "running") || !inst)
				continue;
			if (strcmp(c->pr.instance, inst))
				reset(c, inst, now);
			if (c->pr.killed)
				continue;
			json_t *post = json_object_get(json_object_get(c->spec, "lifecycle"), "postStart");
			if (post && !c->pr.post_done) {
				if (c->pr.busy[POSTSTART] || n >= max)
					continue;
				struct job *j = new_job(l, p, c, inst, POSTSTART, pid, ip);
				j->probe = pods_hook_as_probe(post, 30, &j->sleep_s);
				c->pr.busy[POSTSTART] = true;
				out[n++] = j;
				continue; /* probes wait for the hook, as in Kubernetes */
			}
			for (int w = LIVE; w <= STARTUP && n < max; w++) {
				if (!c->pr.has[w] || c->pr.busy[w] || c->pr.st[w].next > now)
					continue;
				/* Liveness and readiness wait for the startup probe. */
				if (w != STARTUP && !pods_probe_started(c))
					continue;
				/* A startup probe that succeeded is done. */
				if (w == STARTUP && c->pr.st[w].ok)
					continue;
				struct job *j = new_job(l, p, c, inst, w, pid, ip);
				j->probe = json_deep_copy(json_object_get(c->spec, probe_keys[w]));
				c->pr.busy[w] = true;
				out[n++] = j;
			}
		}
	}
	return n;
}

static void *probe_thread(void *arg)
{
	struct loop *l = arg;
	struct job *jobs[MAX_INFLIGHT];

	for (;;) {
		pthread_mutex_lock(&inflight_mu);
		size_t room = MAX_INFLIGHT - (size_t)inflight;
		pthread_mutex_unlock(&inflight_mu);
		pthread_mutex_lock(&l->mu);
		size_t n = room ? due(l, jobs, room) : 0;
		pthread_mutex_unlock(&l->mu);
		for (size_t i = 0; i < n; i++) {
			pthread_t t;
			pthread_mutex_lock(&inflight_mu);
			inflight++;
			pthread_mutex_unlock(&inflight_mu);
			if (pthread_create(&t, NULL, run_job, jobs[i]) == 0) {
				pthread_detach(t);
				continue;
			}
			log_error("agent", "probe thread: cannot start");
			run_job(jobs[i]); /* rather late than never */
		}
		usleep(100 * 1000);
	}
	return NULL;
}

void pods_probe_start(struct loop *l)
{
	pthread_t t;

	pthread_create(&t, NULL, probe_thread, l);
	pthread_detach(t);
}
