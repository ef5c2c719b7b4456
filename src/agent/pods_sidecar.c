/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sidecar containers (init containers with restartPolicy Always) and the
 * order in which a pod's containers stop: the app containers first, then
 * the sidecars one at a time, last started first, as the kubelet does for
 * a deleted pod and for a Job's pod whose app containers have finished.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/pods_int.h"
#include "agent/probe.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "shim/shim.h"

bool pods_has_sidecars(const struct pod *p)
{
	for (size_t i = 0; i < p->ninit; i++)
		if (p->c[i].sidecar)
			return true;
	return false;
}

bool pods_sidecar_started(const struct pod *p, const struct pctr *c)
{
	json_t *st = pods_ctr_state(p, c);
	const char *inst = json_string_value(json_object_get(st, "startedAt"));

	if (!json_object_get(c->spec, "startupProbe"))
		return true;
	/* The probe thread has not looked at this instance yet: its verdict is an old one's. */
	if (!inst || strcmp(c->pr.instance, inst))
		return false;
	return pods_probe_started(c);
}

static bool running(const struct pod *p, const struct pctr *c)
{
	return !strcmp(json_string_value(json_object_get(pods_ctr_state(p, c), "state")) ?: "", "running");
}

static void send_signal(struct pod *p, const struct pctr *c, int sig)
{
	struct atoll_err err = ERR_INIT;
	json_t *req = json_pack("{s:s,s:s,s:i}", "op", "signal", "id", c->name, "signal", sig);

	json_decref(shim_call(p->fd, req, &err));
	json_decref(req);
}

/* A sidecar's preStop hook, run in a thread of its own with copies of what it needs. */
struct stop_hook {
	struct loop *l;
	char *uid, *ns, *name, *ctr, *dir, *ip;
	pid_t netns_pid;
	json_t *probe, *ports; /* owned; probe NULL for a sleep */
	int sleep_s;
};

static void *run_stop_hook(void *arg)
{
	struct stop_hook *h = arg;
	struct pods_exec_ctx ec = { .dir = h->dir, .ctr = h->ctr };
	struct probe_target t = { .netns_pid = h->netns_pid, .pod_ip = h->ip, .ports = h->ports,
				  .exec = pods_exec_check, .exec_ctx = &ec };
	enum probe_result res = PROBE_SUCCESS;
	char msg[200] = "";

	if (h->probe)
		res = probe_check(h->probe, &t, msg, sizeof(msg));
	else
		for (int i = 0; i < h->sleep_s * 10; i++)
			usleep(100 * 1000);
	if (res == PROBE_FAILURE) {
		struct pod p = { .ns = h->ns, .name = h->name, .uid = h->uid };
		struct pctr c = { .name = h->ctr, .is_init = true };
		pods_event(h->l, &p, &c, "Warning", "FailedPreStopHook", "PreStopHook failed: %s", msg);
	}
	pthread_mutex_lock(&h->l->mu);
	for (struct pod *p = h->l->pods; p; p = p->next)
		for (size_t i = 0; !strcmp(p->uid, h->uid) && i < p->ninit; i++)
			if (!strcmp(p->c[i].name, h->ctr))
				p->c[i].stop_hook = 2;
	pthread_mutex_unlock(&h->l->mu);
	pods_wake(h->l);
	json_decref(h->probe);
	json_decref(h->ports);
	free(h->uid);
	free(h->ns);
	free(h->name);
	free(h->ctr);
	free(h->dir);
	free(h->ip);
	free(h);
	return NULL;
}

/* Start c's preStop hook; false when it has none (or it cannot run). */
static bool start_stop_hook(struct loop *l, struct pod *p, struct pctr *c, long timeout_s)
{
	json_t *pre = json_object_get(json_object_get(c->spec, "lifecycle"), "preStop");
	const char *ip = json_string_value(json_object_get(p->state, "podIP"));

	if (!pre)
		return false;
	struct stop_hook *h = xcalloc(1, sizeof(*h));
	h->l = l;
	h->uid = xstrdup(p->uid);
	h->ns = xstrdup(p->ns);
	h->name = xstrdup(p->name);
	h->ctr = xstrdup(c->name);
	h->dir = xstrdup(p->dir);
	h->ip = ip ? xstrdup(ip) : NULL;
	h->netns_pid = (pid_t)json_integer_value(json_object_get(p->state, "pid"));
	h->probe = pods_hook_as_probe(pre, (int)(timeout_s > 1 ? timeout_s : 1), &h->sleep_s);
	h->ports = json_deep_copy(json_object_get(c->spec, "ports"));
	pthread_t t;
	if (pthread_create(&t, NULL, run_stop_hook, h) != 0) {
		log_error("agent", "pod %s/%s: cannot run the preStop hook of %s", p->ns, p->name, c->name);
		json_decref(h->probe);
		json_decref(h->ports);
		free(h->uid), free(h->ns), free(h->name), free(h->ctr), free(h->dir), free(h->ip);
		free(h);
		return false;
	}
	pthread_detach(t);
	return true;
}

/*
 * A sidecar's preStop hook first (within the pod's deadline), then SIGTERM
 * once; SIGKILL once the pod's deadline has passed (and 2 s at least after
 * the SIGTERM).
 */
static void stop_one(struct loop *l, struct pod *p, struct pctr *c, time_t now)
{
	if (!c->term_at && c->sidecar && c->stop_hook == 0) {
		c->stop_hook = 2;
		if (now < p->wind_deadline && start_stop_hook(l, p, c, (long)(p->wind_deadline - now))) {
			c->stop_hook = 1;
			return;
		}
	}
	if (!c->term_at && c->stop_hook == 1 && now < p->wind_deadline)
		return; /* its hook is running */
	if (!c->term_at) {
		pods_event(l, p, c, "Normal", "Killing", "Stopping container %s", c->name);
		send_signal(p, c, SIGTERM);
		c->term_at = now;
		return;
	}
	if (c->term_at > 0 && now >= p->wind_deadline && now >= c->term_at + 2) {
		send_signal(p, c, SIGKILL);
		c->term_at = -1; /* killed: nothing more to send */
	}
}

bool pods_wind_down(struct loop *l, struct pod *p, long grace_s)
{
	time_t now = time(NULL);

	if (p->fd < 0)
		return true;
	if (!p->winding) {
		p->winding = true;
		p->wind_deadline = now + grace_s;
		for (size_t i = 0; i < p->n; i++)
			p->c[i].term_at = 0, p->c[i].stop_hook = 0;
	}
	if (!pods_refresh_state(p))
		return true; /* the sandbox is gone: nothing runs */
	bool app = false;
	for (size_t i = 0; i < p->n; i++) {
		struct pctr *c = &p->c[i];
		if (c->is_init || !running(p, c))
			continue;
		app = true;
		stop_one(l, p, c, now);
	}
	if (app)
		return false;
	for (size_t i = p->ninit; i-- > 0;) {
		struct pctr *c = &p->c[i];
		if (!c->sidecar || !running(p, c))
			continue;
		stop_one(l, p, c, now);
		return false;
	}
	return true;
}
