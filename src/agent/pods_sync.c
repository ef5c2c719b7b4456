/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Driving one pod through its shim (pods_sandbox.c brings it up): init
 * containers one after the other, then the regular ones, with restarts per
 * restartPolicy and back-off, image updates, and stopping.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/env.h"
#include "agent/pods_int.h"
#include "agent/resources.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "podinit/proto.h"
#include "shim/shim.h"

void pods_now(char *out, size_t n)
{
	struct timeval tv;
	struct tm tm;
	char base[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(out, n, "%s", base);
}

static const char *restart_policy(const struct pod *p)
{
	const char *rp = json_string_value(json_object_get(p->spec, "restartPolicy"));
	return rp ? rp : "Always";
}

bool pods_will_restart(const struct pod *p, const struct pctr *c, int exit_code)
{
	const char *rp = restart_policy(p);

	if (p->deleting || p->finished || c->ephemeral)
		return false;
	/* A sidecar comes back whatever the pod's policy, until the pod winds down. */
	if (c->sidecar)
		return !p->winding;
	/* An init container that succeeded is done; one that failed is retried unless Never. */
	if (c->is_init)
		return exit_code != 0 && strcmp(rp, "Never");
	return !strcmp(rp, "Always") || (!strcmp(rp, "OnFailure") && exit_code != 0);
}

json_t *pods_ctr_state(const struct pod *p, const struct pctr *c)
{
	return json_object_get(json_object_get(p->state, "containers"), c->name);
}

static json_t *strv(char **v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* The shim's create request for c: image config overridden by the container spec. */
static json_t *create_req(struct loop *l, struct pod *p, struct pctr *c, const char *lower)
{
	const struct image_config *ic = &p->imgs[c->image].config;
	json_t *cmd = json_object_get(c->spec, "command"), *args = json_object_get(c->spec, "args"), *v;
	json_t *argv, *env;
	size_t i;

	/* command replaces the entrypoint (and drops the image's cmd); args replace the cmd. */
	argv = json_array_size(cmd) ? json_deep_copy(cmd) : strv(ic->entrypoint);
	if (json_array_size(args))
		json_array_extend(argv, args);
	else if (!json_array_size(cmd)) {
		json_t *ic_cmd = strv(ic->cmd);
		json_array_extend(argv, ic_cmd);
		json_decref(ic_cmd);
	}
	json_t *kenv = env_resolve(l->kc, p->obj, c->spec, c->config_error, sizeof(c->config_error));
	if (!kenv) {
		json_decref(argv);
		return NULL;
	}
	c->config_error[0] = '\0';
	env = strv(ic->env);
	json_array_foreach(kenv, i, v) {
		const char *kv = json_string_value(v), *eq = kv ? strchr(kv, '=') : NULL;
		size_t klen = eq ? (size_t)(eq - kv) : 0, j;
		json_t *e;
		json_array_foreach(env, j, e) {
			const char *s = json_string_value(e);
			if (eq && s && !strncmp(s, kv, klen) && s[klen] == '=') {
				json_array_remove(env, j);
				break;
			}
		}
		json_array_append(env, v);
	}
	json_decref(kenv);
	const char *wd = json_string_value(json_object_get(c->spec, "workingDir"));
	const json_t *sc = json_object_get(c->spec, "securityContext");
	const json_t *psc = json_object_get(p->spec, "securityContext");
	json_t *ru = json_object_get(sc, "runAsUser") ?: json_object_get(psc, "runAsUser");
	json_t *rg = json_object_get(sc, "runAsGroup") ?: json_object_get(psc, "runAsGroup");
	char user[64];
	if (json_is_integer(ru) && json_is_integer(rg))
		snprintf(user, sizeof(user), "%lld:%lld", (long long)json_integer_value(ru),
			 (long long)json_integer_value(rg));
	else if (json_is_integer(ru))
		snprintf(user, sizeof(user), "%lld", (long long)json_integer_value(ru));
	else
		snprintf(user, sizeof(user), "%s", ic->user ? ic->user : "");
	/* An adopted sandbox (agent restart) has its volumes; this agent learns their mounts again. */
	if (json_array_size(json_object_get(p->spec, "volumes")) && pods_prepare_volumes(l, p) < 0) {
		snprintf(c->config_error, sizeof(c->config_error), "%s", p->error);
		json_decref(argv);
		json_decref(env);
		return NULL;
	}
	json_t *mounts = json_object_get(p->vols.mounts, c->name);
	mounts = mounts ? json_incref(mounts) : json_array();
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:b,s:b,s:b,s:i,s:o,s:o}", "op", "create", "id", c->name, "lower", lower,
			 "args", argv, "env", env, "cwd", wd && *wd ? wd : (ic->workdir && *ic->workdir ? ic->workdir : "/"),
			 "user", user, "init", c->is_init && !c->sidecar, "tty", json_is_true(json_object_get(c->spec, "tty")),
			 "stdin", json_is_true(json_object_get(c->spec, "stdin")), "restarts", c->restarts_base,
			 "mounts", mounts, "resources", res_ctr_cgroup(c->spec));
}

static bool call(struct pod *p, json_t *req, char *why, size_t n)
{
	struct atoll_err err = ERR_INIT;
	json_t *r = shim_call(p->fd, req, &err);

	json_decref(req);
	if (!r) {
		snprintf(why, n, "%s", err.msg);
		return false;
	}
	json_decref(r);
	return true;
}

/* Create (when new) and start c. */
static void run_ctr(struct loop *l, struct pod *p, struct pctr *c, bool created)
{
	char why[512];

	if (!created) {
		if (!p->images_ready && pods_prepare_images(l, p) < 0) {
			snprintf(c->config_error, sizeof(c->config_error), "%s", p->error);
			p->error[0] = '\0';
			c->next_start = time(NULL) + 5;
			return;
		}
		/* Where the sandbox has the image: the shim adds it when it is new to the pod (an update). */
		struct atoll_err err = ERR_INIT;
		json_t *q = json_pack("{s:s,s:s}", "op", "add_image", "path", p->imgs[c->image].rootfs);
		json_t *a = shim_call(p->fd, q, &err);
		json_decref(q);
		if (!a) {
			snprintf(c->config_error, sizeof(c->config_error), "%s", err.msg);
			c->next_start = time(NULL) + 2;
			return;
		}
		_cleanup_free_ char *lower = xstrdup(json_string_value(json_object_get(a, "lower")) ?: "/images/0");
		json_decref(a);
		json_t *req = create_req(l, p, c, lower);
		if (!req) {
			c->next_start = time(NULL) + 2; /* the ConfigMap or Secret may appear */
			return;
		}
		if (!call(p, req, why, sizeof(why))) {
			snprintf(c->config_error, sizeof(c->config_error), "%s", why);
			c->next_start = time(NULL) + 2;
			pods_event(l, p, c, "Warning", "Failed", "Error: %s", why);
			return;
		}
		pods_event(l, p, c, "Normal", "Created", "Created container %s", c->name);
	}
	if (!call(p, json_pack("{s:s,s:s}", "op", "start", "id", c->name), why, sizeof(why))) {
		log_warn("agent", "pod %s/%s: start %s: %s", p->ns, p->name, c->name, why);
		snprintf(c->config_error, sizeof(c->config_error), "%s", why);
		c->next_start = time(NULL) + 2;
		pods_event(l, p, c, "Warning", "Failed", "Error: %s", why);
		return;
	}
	p->acted = true;
	pods_event(l, p, c, "Normal", "Started", "Started container %s", c->name);
}

/* Notice a new exit: remember its termination and when a restart may come. */
static bool saw_exit(struct pod *p, struct pctr *c, json_t *st)
{
	const char *fin = json_string_value(json_object_get(st, "finishedAt"));
	int code = (int)json_integer_value(json_object_get(st, "exitCode"));
	char key[sizeof(c->seen_finished)];

	/* Two instances may end within a second: the restart count tells them apart. */
	snprintf(key, sizeof(key), "%lld %s", (long long)json_integer_value(json_object_get(st, "restarts")),
		 fin ? fin : "");
	if (!fin || !strcmp(key, c->seen_finished))
		return false;
	snprintf(c->seen_finished, sizeof(c->seen_finished), "%s", key);
	const char *reason = json_is_true(json_object_get(st, "oomKilled")) ? "OOMKilled"
			     : code == 0				       ? "Completed"
									       : "Error";
	json_t *t = json_pack("{s:i,s:s,s:s,s:s}", "exitCode", code, "reason", reason, "startedAt",
			      json_string_value(json_object_get(st, "startedAt")) ?: fin, "finishedAt", fin);
	if (json_object_get(st, "signal"))
		json_object_set(t, "signal", json_object_get(st, "signal"));
	json_decref(c->prev_term);
	c->prev_term = c->cur_term;
	c->cur_term = t;
	int r = (int)json_integer_value(json_object_get(st, "restarts"));
	int back = 1 << (r < 6 ? r : 6);
	c->next_start = time(NULL) + (back < PODS_MAX_BACKOFF ? back : PODS_MAX_BACKOFF);
	return true;
}

/*
 * A container whose image changed: stop it (SIGTERM, SIGKILL after the
 * grace period), then replace and start it whatever the restart policy.
 * Returns true while this takes the container's turn.
 */
static bool respec_step(struct loop *l, struct pod *p, struct pctr *c, json_t *st, const char *s, time_t now)
{
	char why[512];

	if (!strcmp(s, "running")) {
		if (!c->kill_at) {
			pods_event(l, p, c, "Normal", "Killing", "Container %s definition changed, will be restarted",
				   c->name);
			call(p, json_pack("{s:s,s:s,s:i}", "op", "signal", "id", c->name, "signal", 15), why, sizeof(why));
			c->kill_at = now + p->grace;
		} else if (now >= c->kill_at) {
			call(p, json_pack("{s:s,s:s,s:i}", "op", "signal", "id", c->name, "signal", 9), why, sizeof(why));
			c->kill_at = now + 3600;
		}
		return true;
	}
	if (!strcmp(s, "exited") && !c->kill_at &&
	    !pods_will_restart(p, c, (int)json_integer_value(json_object_get(st, "exitCode")))) {
		c->respec = false; /* ended for good: nothing to restart */
		return false;
	}
	if (!strcmp(s, "exited"))
		saw_exit(p, c, st);
	c->respec = false;
	c->kill_at = 0;
	c->next_start = 0;
	run_ctr(l, p, c, false);
	return true;
}

/* Ephemeral containers are created and started once each, beside a running pod; never restarted. */
static void drive_ephemeral(struct loop *l, struct pod *p, time_t now)
{
	for (size_t i = p->nreg; i < p->n; i++) {
		struct pctr *c = &p->c[i];
		json_t *st = pods_ctr_state(p, c);
		const char *s = json_string_value(json_object_get(st, "state"));
		if (s && !strcmp(s, "exited")) {
			saw_exit(p, c, st); /* its termination, for the status; it stays ended */
			continue;
		}
		if (s && !strcmp(s, "running"))
			c->started_once = true;
		/* One that ran in a sandbox that has since died is not run again in the new one. */
		if (now < c->next_start || (!st && (c->started_once || c->cur_term)))
			continue;
		if (!st || json_object_get(st, "error"))
			run_ctr(l, p, c, false);
		else if (s && !strcmp(s, "created"))
			run_ctr(l, p, c, true);
	}
}

/*
 * Walk the containers: init containers one at a time, in order, each to
 * success (a sidecar, restartPolicy Always, only until it has started: it
 * goes on running and is restarted whenever it ends); then every regular
 * container; then new ephemeral ones. Returns true when the pod has reached
 * its end (no app container runs or will be restarted; sidecars do not
 * hold a pod up).
 */
static bool drive(struct loop *l, struct pod *p)
{
	time_t now = time(NULL);
	bool all_done = true;

	for (size_t i = 0; i < p->nreg; i++) {
		struct pctr *c = &p->c[i];
		bool blocking_init = c->is_init && !c->sidecar;
		json_t *st = pods_ctr_state(p, c);
		const char *s = json_string_value(json_object_get(st, "state"));
		if (!st || !s || !strcmp(s, "creating")) {
			/* Not there yet, or its create failed (the reason is in config_error): (re)create. */
			bool failed = st && json_object_get(st, "error");
			if (!st || failed)
				c->respec = false; /* its (re)create takes the current definition anyway */
			if ((!st || failed) && now >= c->next_start)
				run_ctr(l, p, c, false);
			return false;
		}
		if (c->respec && respec_step(l, p, c, st, s, now)) {
			if (blocking_init)
				return false;
			if (!c->sidecar)
				all_done = false;
			continue;
		}
		if (!strcmp(s, "created")) {
			if (now >= c->next_start)
				run_ctr(l, p, c, true);
			return false;
		}
		if (!strcmp(s, "running")) {
			/* What follows a sidecar waits until it has started (its startup probe passed). */
			if (c->sidecar && !pods_sidecar_started(p, c))
				return false;
			c->started_once = c->started_once || c->sidecar;
			if (blocking_init)
				return false;
			if (!c->sidecar)
				all_done = false;
			continue;
		}
		bool fresh = saw_exit(p, c, st);
		int code = (int)json_integer_value(json_object_get(st, "exitCode"));
		if (pods_will_restart(p, c, code)) {
			if (fresh && code != 0)
				pods_event(l, p, c, "Warning", "BackOff", "Back-off restarting failed container %s", c->name);
			if (now >= c->next_start)
				run_ctr(l, p, c, true);
			if (blocking_init)
				return false;
			/* A sidecar that never started holds up what follows (it was there before: it had). */
			if (c->sidecar && !c->started_once && !pods_ctr_state(p, &p->c[i + 1 < p->nreg ? i + 1 : i]))
				return false;
			if (!c->sidecar)
				all_done = false;
		} else if (blocking_init && code != 0) {
			return true; /* restartPolicy Never: the pod has failed */
		}
	}
	if (!all_done && !p->winding)
		drive_ephemeral(l, p, now);
	return all_done;
}

bool pods_refresh_state(struct pod *p)
{
	struct atoll_err err = ERR_INIT;
	json_t *req = json_pack("{s:s}", "op", "state");
	json_t *r = shim_call(p->fd, req, &err);

	json_decref(req);
	if (!r)
		return false;
	json_decref(p->state);
	p->state = json_incref(json_object_get(r, "state"));
	json_decref(r);
	return true;
}

/* The shim went away on its own (pod init died): its last state is in state.json. */
static void shim_lost(struct pod *p)
{
	_cleanup_free_ char *path = xasprintf("%s/state.json", p->dir);
	json_t *st = json_load_file(path, 0, NULL);

	close(p->fd);
	p->fd = -1;
	shim_cleanup_after(p->dir);
	if (st) {
		json_decref(p->state);
		p->state = st;
	}
	/* Containers that ran come back in the next sandbox as restarts. */
	for (size_t i = 0; i < p->n; i++) {
		json_t *cs = pods_ctr_state(p, &p->c[i]);
		const char *s = json_string_value(json_object_get(cs, "state"));
		if (s && (!strcmp(s, "running") || !strcmp(s, "exited")))
			p->c[i].restarts_base = (int)json_integer_value(json_object_get(cs, "restarts")) + 1;
		if (s && !strcmp(s, "exited"))
			saw_exit(p, &p->c[i], cs);
	}
	log_warn("agent", "pod %s/%s: its sandbox ended unexpectedly", p->ns, p->name);
}

/*
 * Every app container and sidecar of the pod runs and none waits for a new
 * definition, and no ephemeral container waits to be started: nothing to do
 * but notice an exit.
 */
static bool steady(const struct pod *p)
{
	if (!p->state || p->n == 0 || p->winding)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		const struct pctr *c = &p->c[i];
		const char *s = json_string_value(json_object_get(pods_ctr_state(p, c), "state"));
		if (c->is_init && !c->sidecar)
			continue;
		if (c->sidecar && !c->started_once)
			return false; /* what follows it starts as soon as it has */
		if (c->ephemeral) {
			if (!s && !c->started_once && !c->cur_term)
				return false;
			continue;
		}
		if (!s || strcmp(s, "running") || c->respec)
			return false;
	}
	return true;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pods_sync(struct loop *l, struct pod *p)
{
	time_t now = time(NULL);

	if (p->finished || p->deleting)
		return;
	if (p->fd < 0) {
		if (p->state) {
			/* Lost: a pod that would restart something gets a new sandbox. */
			bool again = false;
			for (size_t i = 0; i < p->nreg; i++) {
				json_t *st = pods_ctr_state(p, &p->c[i]);
				if (p->c[i].sidecar)
					continue; /* sidecars do not keep a pod going */
				if (!st || pods_will_restart(p, &p->c[i], (int)json_integer_value(json_object_get(st, "exitCode"))))
					again = true;
			}
			if (!again) {
				for (size_t i = 0; i < p->n; i++) {
					json_t *st = pods_ctr_state(p, &p->c[i]);
					if (st)
						saw_exit(p, &p->c[i], st);
				}
				p->finished = true;
				return;
			}
		}
		if (now < p->retry_at)
			return;
		if (pods_sandbox_up(l, p) < 0) {
			int back = 1 << (p->setup_failures < 5 ? p->setup_failures : 5);
			p->setup_failures++;
			p->retry_at = now + back;
			log_warn("agent", "pod %s/%s: %s", p->ns, p->name, p->error);
			return;
		}
		p->error[0] = '\0';
		p->setup_failures = 0;
	}
	/*
	 * A pod whose containers all run is looked at once a second (as the
	 * kubelet's relist), not every tick: hundreds of idle pods would
	 * otherwise cost the node a shim round trip each, four times a second.
	 */
	int64_t ms = mono_ms();
	p->looked = false;
	if (steady(p) && ms < p->next_look_ms && now < p->vols_refresh_at)
		return;
	p->next_look_ms = ms + 1000;
	p->looked = true;
	if (!pods_refresh_state(p)) {
		shim_lost(p);
		return;
	}
	if (now >= p->vols_refresh_at) {
		/* ConfigMap and Secret updates and fresh tokens reach running containers. */
		char why[300];
		p->vols_refresh_at = now + 60;
		if (volumes_refresh(l->kc, p->obj, p->dir, why, sizeof(why)) < 0)
			log_warn("agent", "pod %s/%s: volumes: %s", p->ns, p->name, why);
	}
	/*
	 * Started something: look again at once, so that the next container
	 * (after an init container, say) and the status need not wait a tick.
	 */
	bool done = drive(l, p);
	for (int round = 0; !done && p->acted && round < 8; round++) {
		p->acted = false;
		if (!pods_refresh_state(p)) {
			shim_lost(p);
			return;
		}
		done = drive(l, p);
	}
	p->acted = false;
	/* Sidecars still running when the app is done are stopped first, last one first. */
	if (done && pods_has_sidecars(p) && !pods_wind_down(l, p, p->grace))
		return;
	if (done) {
		/* The end: the sandbox goes, the status stays as it was last seen. */
		pods_refresh_state(p);
		for (size_t i = 0; i < p->n; i++) {
			json_t *st = pods_ctr_state(p, &p->c[i]);
			if (st && !strcmp(json_string_value(json_object_get(st, "state")) ?: "", "exited"))
				saw_exit(p, &p->c[i], st);
		}
		p->finished = true;
		pods_stop(l, p, 0);
	}
}

bool pods_stop(struct loop *l, struct pod *p, long grace_s)
{
	struct atoll_err err = ERR_INIT;

	(void)l;
	if (p->stop_fd >= 0)
		return false;
	p->stop_fd = shim_connect(p->dir, &err);
	if (p->stop_fd < 0)
		return true; /* no shim: nothing runs */
	json_t *req = json_pack("{s:s,s:I}", "op", "stop", "grace_ms", (json_int_t)grace_s * 1000);
	char *j = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	int r = pi_send(p->stop_fd, PI_CTL, 0, j, strlen(j));
	free(j);
	if (r < 0) {
		close(p->stop_fd);
		p->stop_fd = -1;
		return true;
	}
	p->stop_deadline = time(NULL) + grace_s + 30;
	return false;
}

bool pods_stop_done(struct pod *p)
{
	struct pollfd pf = { .fd = p->stop_fd, .events = POLLIN };

	if (p->stop_fd < 0)
		return true;
	/* The shim answers once the pod is down, then closes: either means done. */
	if (poll(&pf, 1, 0) == 1 || time(NULL) > p->stop_deadline) {
		close(p->stop_fd);
		p->stop_fd = -1;
		return true;
	}
	return false;
}
