/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sidecar containers (init containers with restartPolicy Always) and the
 * order in which a pod's containers stop: the app containers first, then
 * the sidecars one at a time, last started first, as the kubelet does for
 * a deleted pod and for a Job's pod whose app containers have finished.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/pods_int.h"
#include "lib/log.h"
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

/* SIGTERM once; SIGKILL once the pod's deadline has passed (and 2 s at least after the SIGTERM). */
static void stop_one(struct loop *l, struct pod *p, struct pctr *c, time_t now)
{
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
			p->c[i].term_at = 0;
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
