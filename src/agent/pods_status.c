/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's status from its shim's state: phase, conditions, container statuses, IPs. */
#include <stdio.h>
#include <string.h>

#include "agent/client.h"
#include "agent/pods_int.h"
#include "lib/xalloc.h"

static json_t *ctr_status(const struct pod *p, const struct pctr *c, bool init_done)
{
	json_t *st = pods_ctr_state(p, c);
	const char *s = json_string_value(json_object_get(st, "state"));
	json_t *state, *last = json_object();
	bool running = s && !strcmp(s, "running");

	if (running) {
		state = json_pack("{s:{s:s}}", "running", "startedAt", json_string_value(json_object_get(st, "startedAt")) ?: "");
		if (c->cur_term)
			json_object_set(last, "terminated", c->cur_term);
	} else if (((s && !strcmp(s, "exited")) || (c->ephemeral && !s)) && c->cur_term) {
		int code = (int)json_integer_value(json_object_get(c->cur_term, "exitCode"));
		if (pods_will_restart(p, c, code)) {
			state = json_pack("{s:{s:s,s:s}}", "waiting", "reason", "CrashLoopBackOff", "message",
					  "back-off restarting failed container");
			json_object_set(last, "terminated", c->cur_term);
		} else {
			state = json_pack("{s:O}", "terminated", c->cur_term);
			if (c->prev_term)
				json_object_set(last, "terminated", c->prev_term);
		}
	} else if (c->config_error[0]) {
		state = json_pack("{s:{s:s,s:s}}", "waiting", "reason", "CreateContainerConfigError", "message",
				  c->config_error);
	} else if (p->error[0]) {
		state = json_pack("{s:{s:s,s:s}}", "waiting", "reason", p->error_reason, "message", p->error);
	} else {
		state = json_pack("{s:{s:s}}", "waiting", "reason",
				  !c->is_init && !init_done ? "PodInitializing" : "ContainerCreating");
	}
	_cleanup_free_ char *cid = xasprintf("atoll://%s/%s", p->uid, c->name);
	const char *digest = p->imgs[c->image].digest;
	_cleanup_free_ char *iid = digest ? xasprintf("%s@%s", p->refs[c->image], digest) : xstrdup("");
	return json_pack("{s:s,s:O,s:s,s:s,s:b,s:b,s:I,s:o,s:o}", "name", c->name, "image",
			 json_object_get(c->spec, "image"), "imageID", iid, "containerID", cid, "ready",
			 running && !c->ephemeral && (!c->is_init || c->sidecar) && pods_probe_ready(c),
			 "started", running && (c->sidecar ? pods_sidecar_started(p, c) : pods_probe_started(c)),
			 "restartCount", json_integer_value(json_object_get(st, "restarts")), "state", state,
			 "lastState", last);
}

/* An init container that has succeeded (and so is not run again), or a sidecar that has started. */
static bool init_ok(const struct pod *p, const struct pctr *c)
{
	json_t *st = pods_ctr_state(p, c);
	const char *s = json_string_value(json_object_get(st, "state")) ?: "";

	if (c->sidecar)
		return (!strcmp(s, "running") && pods_sidecar_started(p, c)) || c->started_once;
	return st && !strcmp(s, "exited") && json_integer_value(json_object_get(st, "exitCode")) == 0;
}

static void condition(struct pod *p, json_t *conds, int i, const char *type, bool val, const char *now)
{
	if (!p->cond_time[i][0] || p->cond_val[i] != val) {
		snprintf(p->cond_time[i], sizeof(p->cond_time[i]), "%s", now);
		p->cond_val[i] = val;
	}
	json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type", type, "status", val ? "True" : "False",
					       "lastProbeTime", "lastTransitionTime", p->cond_time[i]));
}

json_t *pods_status(struct loop *l, struct pod *p)
{
	json_t *cs = json_array(), *ics = json_array(), *ecs = json_array();
	bool init_done = true, all_running = true, all_ready = true, any_started = false, all_ok = true, init_failed = false;
	char now[40];

	pods_now(now, sizeof(now));
	for (size_t i = 0; i < p->ninit; i++) {
		if (!init_ok(p, &p->c[i])) {
			init_done = false;
			json_t *st = pods_ctr_state(p, &p->c[i]);
			if (st && p->finished && !p->c[i].sidecar && json_integer_value(json_object_get(st, "exitCode")) != 0)
				init_failed = true;
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		struct pctr *c = &p->c[i];
		json_array_append_new(c->ephemeral ? ecs : c->is_init ? ics : cs, ctr_status(p, c, init_done));
		if (c->ephemeral || (c->is_init && !c->sidecar))
			continue;
		json_t *st = pods_ctr_state(p, c);
		const char *s = json_string_value(json_object_get(st, "state"));
		/* Sidecars count for readiness, not for the pod's phase. */
		if (!s || strcmp(s, "running"))
			all_running = false;
		else if (!pods_probe_ready(c))
			all_ready = false;
		if (c->sidecar)
			continue;
		if (s && (!strcmp(s, "running") || !strcmp(s, "exited")))
			any_started = true;
		if (!s || strcmp(s, "exited") || json_integer_value(json_object_get(st, "exitCode")) != 0)
			all_ok = false;
	}
	const char *phase = p->finished ? (all_ok && !init_failed ? "Succeeded" : "Failed")
			    : any_started && init_done ? "Running"
			    : "Pending";
	bool ready = all_running && all_ready && !p->finished && init_done;
	json_t *conds = json_array();
	condition(p, conds, 0, "PodScheduled", true, now);
	condition(p, conds, 1, "Initialized", init_done, now);
	condition(p, conds, 2, "ContainersReady", ready, now);
	condition(p, conds, 3, "Ready", ready, now);
	/*
	 * Which sandbox the pod got, for users who asked for a RuntimeClass or
	 * wonder: a condition type of our own domain, as readiness gates use.
	 */
	const char *iso = json_string_value(json_object_get(p->state, "isolation"));
	bool vm = iso ? !strcmp(iso, "vm") : p->vm;
	if (p->fd >= 0 || p->state)
		json_array_append_new(conds, json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "atoll.dev/Sandbox", "status",
						       "True", "reason", vm ? "VMIsolation" : "NamespaceIsolation",
						       "message",
						       vm ? "KVM micro-VM (atoll vmm) with its own guest kernel"
							  : "namespace sandbox (user, PID, mount, network, UTS, IPC and "
							    "cgroup namespaces)",
						       "lastTransitionTime", p->started));
	json_t *st = json_pack("{s:s,s:o,s:o,s:s,s:s}", "phase", phase, "conditions", conds, "containerStatuses", cs,
			       "startTime", p->started, "hostIP", l->host_ip ? l->host_ip : "");
	if (p->ninit)
		json_object_set_new(st, "initContainerStatuses", ics);
	else
		json_decref(ics);
	if (p->n > p->nreg)
		json_object_set_new(st, "ephemeralContainerStatuses", ecs);
	else
		json_decref(ecs);
	if (l->host_ip)
		json_object_set_new(st, "hostIPs", json_pack("[{s:s}]", "ip", l->host_ip));
	const char *ip = json_string_value(json_object_get(p->state, "podIP"));
	if (ip && *ip) {
		json_object_set_new(st, "podIP", json_string(ip));
		json_object_set_new(st, "podIPs", json_pack("[{s:s}]", "ip", ip));
	}
	return st;
}

void pods_report(struct loop *l, struct pod *p)
{
	json_t *st = pods_status(l, p);
	char *text = json_dumps(st, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(st);
	if (p->reported && pods_report_take_failed(p->uid)) {
		free(p->reported);
		p->reported = NULL;
	}
	if (!text || (p->reported && !strcmp(p->reported, text))) {
		free(text);
		return;
	}
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/status", p->ns, p->name);
	pods_report_queue(p->uid, path, text);
	free(p->reported);
	p->reported = text; /* forgotten again if the server does not take it (pods_report.c) */
}
