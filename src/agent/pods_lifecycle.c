/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container lifecycle hooks. postStart runs with the probes (pods_probe.c);
 * preStop runs here, when a pod is deleted: for every running container
 * that has one, at the same time, within the pod's grace period, before the
 * shim sends SIGTERM. The hooks run in a thread of their own so the pod loop
 * goes on; the pod stops when they are done or the grace period is spent.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/pods_int.h"
#include "agent/probe.h"
#include "lib/log.h"
#include "lib/xalloc.h"

json_t *pods_hook_as_probe(const json_t *handler, int timeout_s, int *sleep_s)
{
	json_t *sl = json_object_get(handler, "sleep");

	*sleep_s = 0;
	if (sl) {
		json_int_t s = json_integer_value(json_object_get(sl, "seconds"));
		*sleep_s = s < 0 ? 0 : s > timeout_s ? timeout_s : (int)s;
		return NULL;
	}
	json_t *p = json_deep_copy(handler);
	json_object_set_new(p, "timeoutSeconds", json_integer(timeout_s > 0 ? timeout_s : 1));
	return p;
}

struct hook {
	char *ctr;
	json_t *probe;   /* owned; NULL for a sleep */
	int sleep_s;
	json_t *ports;   /* owned */
	pthread_t t;
	enum probe_result res;
	char msg[200];
	struct hooks *all;
};

struct hooks {
	struct loop *l;
	char *uid, *ns, *name, *dir, *ip;
	pid_t netns_pid;
	struct hook *h;
	size_t n;
};

static void *run_one(void *arg)
{
	struct hook *h = arg;
	struct pods_exec_ctx ec = { .dir = h->all->dir, .ctr = h->ctr };
	struct probe_target t = { .netns_pid = h->all->netns_pid, .pod_ip = h->all->ip, .ports = h->ports,
				  .exec = pods_exec_check, .exec_ctx = &ec };

	h->res = PROBE_SUCCESS;
	if (h->probe)
		h->res = probe_check(h->probe, &t, h->msg, sizeof(h->msg));
	else
		for (int i = 0; i < h->sleep_s * 10; i++)
			usleep(100 * 1000);
	return NULL;
}

static void hooks_free(struct hooks *hs)
{
	for (size_t i = 0; i < hs->n; i++) {
		free(hs->h[i].ctr);
		json_decref(hs->h[i].probe);
		json_decref(hs->h[i].ports);
	}
	free(hs->h);
	free(hs->uid);
	free(hs->ns);
	free(hs->name);
	free(hs->dir);
	free(hs->ip);
	free(hs);
}

static void *run_all(void *arg)
{
	struct hooks *hs = arg;

	for (size_t i = 0; i < hs->n; i++)
		if (pthread_create(&hs->h[i].t, NULL, run_one, &hs->h[i]) != 0)
			run_one(&hs->h[i]), hs->h[i].t = 0;
	for (size_t i = 0; i < hs->n; i++)
		if (hs->h[i].t)
			pthread_join(hs->h[i].t, NULL);
	for (size_t i = 0; i < hs->n; i++) {
		if (hs->h[i].res != PROBE_FAILURE)
			continue;
		struct pod p = { .ns = hs->ns, .name = hs->name, .uid = hs->uid };
		struct pctr c = { .name = hs->h[i].ctr };
		pods_event(hs->l, &p, &c, "Warning", "FailedPreStopHook", "PreStopHook failed: %s", hs->h[i].msg);
	}
	pthread_mutex_lock(&hs->l->mu);
	for (struct pod *p = hs->l->pods; p; p = p->next)
		if (!strcmp(p->uid, hs->uid))
			p->prestop = 2;
	pthread_mutex_unlock(&hs->l->mu);
	pods_wake(hs->l);
	hooks_free(hs);
	return NULL;
}

bool pods_prestop_done(struct loop *l, struct pod *p)
{
	if (p->prestop == 2)
		return true;
	if (p->prestop == 1) {
		/* Kubernetes gives the hooks the grace period, then stops the pod anyway (with 2 s more). */
		if (time(NULL) - p->prestop_began <= p->grace)
			return false;
		log_warn("agent", "pod %s/%s: preStop hooks still running after %ld s", p->ns, p->name, p->grace);
		p->prestop = 2;
		return true;
	}
	p->prestop = 2;
	if (p->api_gone || p->grace <= 0 || !p->state || p->fd < 0)
		return true; /* forced deletions and pods without a sandbox skip the hooks */
	struct hooks *hs = xcalloc(1, sizeof(*hs));
	hs->h = xcalloc(p->n ? p->n : 1, sizeof(*hs->h));
	for (size_t i = p->ninit; i < p->n; i++) {
		struct pctr *c = &p->c[i];
		json_t *pre = json_object_get(json_object_get(c->spec, "lifecycle"), "preStop");
		json_t *st = pods_ctr_state(p, c);
		if (!pre || strcmp(json_string_value(json_object_get(st, "state")) ?: "", "running"))
			continue;
		struct hook *h = &hs->h[hs->n++];
		h->ctr = xstrdup(c->name);
		h->probe = pods_hook_as_probe(pre, (int)p->grace, &h->sleep_s);
		h->ports = json_deep_copy(json_object_get(c->spec, "ports"));
		h->all = hs;
	}
	if (!hs->n) {
		hooks_free(hs);
		return true;
	}
	const char *ip = json_string_value(json_object_get(p->state, "podIP"));
	hs->l = l;
	hs->uid = xstrdup(p->uid);
	hs->ns = xstrdup(p->ns);
	hs->name = xstrdup(p->name);
	hs->dir = xstrdup(p->dir);
	hs->ip = ip ? xstrdup(ip) : NULL;
	hs->netns_pid = (pid_t)json_integer_value(json_object_get(p->state, "pid"));
	pthread_t t;
	if (pthread_create(&t, NULL, run_all, hs) != 0) {
		log_error("agent", "pod %s/%s: cannot run its preStop hooks", p->ns, p->name);
		hooks_free(hs);
		return true;
	}
	pthread_detach(t);
	p->prestop = 1;
	p->prestop_began = time(NULL);
	return false;
}
