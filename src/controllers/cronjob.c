/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CronJob controller: creates a Job (<cronjob>-<scheduled unix minutes>)
 * from jobTemplate at each scheduled time (cron.c, UTC), honouring
 * suspend, startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid,
 * Replace); keeps status.active, lastScheduleTime and lastSuccessfulTime;
 * prunes finished Jobs past the history limits.
 *
 * Tests may speed the controller's clock up with the environment variable
 * ATOLL_CRONJOB_CLOCK_SPEED (e.g. 60: a minute of schedule per second),
 * so a schedule can be exercised without waiting for real minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/cron.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static int64_t clock_start;
static double clock_speed = 1;

static int64_t vnow(void)
{
	return clock_start + (int64_t)((double)(ctl_now() - clock_start) * clock_speed);
}

static void fmt_time(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool job_done(const json_t *job, bool *ok)
{
	const char *c = ctl_condition(job, "Complete");
	const char *f = ctl_condition(job, "Failed");

	*ok = c && !strcmp(c, "True");
	return *ok || (f && !strcmp(f, "True"));
}

static int cmp_created(const void *a, const void *b)
{
	const char *ta = obj_str(*(json_t *const *)a, "metadata.creationTimestamp");
	const char *tb = obj_str(*(json_t *const *)b, "metadata.creationTimestamp");
	int r = strcmp(ta ?: "", tb ?: "");

	return r ? r : strcmp(obj_name(*(json_t *const *)a) ?: "", obj_name(*(json_t *const *)b) ?: "");
}

/* Delete the oldest of jobs[0..n) beyond keep. */
static void prune(struct store *s, json_t **jobs, size_t n, long long keep)
{
	qsort(jobs, n, sizeof(*jobs), cmp_created);
	for (size_t i = 0; keep >= 0 && (long long)(n - i) > keep; i++)
		ctl_delete(s, "batch", "jobs", obj_namespace(jobs[i]), obj_name(jobs[i]));
}

static long long spec_int(const json_t *cj, const char *f, long long def)
{
	json_t *v = json_object_get(json_object_get(cj, "spec"), f);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static json_t *job_ref(const json_t *job)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "apiVersion", "batch/v1", "kind", "Job",
			 "name", obj_name(job), "namespace", obj_namespace(job),
			 "uid", obj_str(job, "metadata.uid"), "resourceVersion", NULL);
}

static bool create_job(struct store *s, const json_t *cj, int64_t when)
{
	json_t *jt = json_object_get(json_object_get(cj, "spec"), "jobTemplate");
	json_t *job = json_object();
	json_t *meta = json_object();
	json_t *v;
	char ts[64];

	if ((v = json_object_get(json_object_get(jt, "metadata"), "labels")))
		json_object_set_new(meta, "labels", json_deep_copy(v));
	v = json_object_get(json_object_get(jt, "metadata"), "annotations");
	json_t *ann = json_is_object(v) ? json_deep_copy(v) : json_object();
	fmt_time(when, ts, sizeof(ts));
	json_object_set_new(ann, "batch.kubernetes.io/cronjob-scheduled-timestamp", json_string(ts));
	json_object_set_new(meta, "annotations", ann);
	json_object_set_new(meta, "name", json_sprintf("%s-%lld", obj_name(cj), (long long)(when / 60)));
	json_object_set_new(job, "metadata", meta);
	v = json_object_get(jt, "spec");
	json_object_set_new(job, "spec", v ? json_deep_copy(v) : json_object());
	int r = ctl_create(s, "batch", "jobs", obj_namespace(cj), job, cj);
	if (r == 0)
		ctl_event(s, cj, "Normal", "SuccessfulCreate", "Created job %s", obj_name(job));
	json_decref(job);
	return r == 0;
}

static void sync_one(struct store *s, struct ctl_obj *co, struct ctl_list *jobs)
{
	json_t *cj = co->obj;
	const char *uid = obj_str(cj, "metadata.uid");
	struct cron_expr ce;
	char why[128];

	if (!uid || ctl_terminating(cj))
		return;
	json_t **ok = xcalloc(jobs->n + 1, sizeof(*ok)), **bad = xcalloc(jobs->n + 1, sizeof(*bad));
	json_t **act = xcalloc(jobs->n + 1, sizeof(*act));
	size_t nok = 0, nbad = 0, nact = 0;
	int64_t last_ok = 0;
	for (size_t i = 0; i < jobs->n; i++) {
		json_t *j = jobs->v[i].obj;
		const char *cuid = ctl_controller_uid(j);
		bool good;
		if (!cuid || strcmp(cuid, uid) || ctl_terminating(j))
			continue;
		if (!job_done(j, &good))
			act[nact++] = j;
		else if (good) {
			ok[nok++] = j;
			int64_t t = ctl_parse_time(obj_str(j, "status.completionTime"));
			last_ok = t > last_ok ? t : last_ok;
		} else
			bad[nbad++] = j;
	}
	json_t *old = json_object_get(cj, "status");
	json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
	json_t *spec = json_object_get(cj, "spec");
	const char *sched = json_string_value(json_object_get(spec, "schedule"));

	if (sched && !json_is_true(json_object_get(spec, "suspend")) && cron_parse(sched, &ce, why, sizeof(why)) == 0) {
		int64_t now = vnow();
		const char *ls = obj_str(st, "lastScheduleTime");
		int64_t from = ls ? ctl_parse_time(ls) : ctl_parse_time(obj_str(cj, "metadata.creationTimestamp"));
		int64_t t = cron_next(&ce, from), due = -1;
		/* The latest missed time is the one to run (bounded: many missed runs are skipped). */
		for (int i = 0; i < 1000 && t >= 0 && t <= now; i++) {
			due = t;
			t = cron_next(&ce, t);
		}
		long long deadline = spec_int(cj, "startingDeadlineSeconds", -1);
		const char *policy = json_string_value(json_object_get(spec, "concurrencyPolicy")) ?: "Allow";
		if (due >= 0 && (deadline < 0 || now - due <= deadline)) {
			bool run = true;
			if (!strcmp(policy, "Forbid") && nact)
				run = false;
			if (!strcmp(policy, "Replace"))
				for (size_t i = 0; i < nact; i++)
					ctl_delete(s, "batch", "jobs", obj_namespace(act[i]), obj_name(act[i]));
			if (run) {
				create_job(s, cj, due); /* an existing Job of that time counts as run */
				char ts[64];
				fmt_time(due, ts, sizeof(ts));
				json_object_set_new(st, "lastScheduleTime", json_string(ts));
			}
		}
	}
	json_t *active = json_array();
	for (size_t i = 0; i < nact; i++)
		json_array_append_new(active, job_ref(act[i]));
	if (json_array_size(active))
		json_object_set(st, "active", active);
	else
		json_object_del(st, "active");
	json_decref(active);
	if (last_ok) {
		char ts[64];
		fmt_time(last_ok, ts, sizeof(ts));
		json_object_set_new(st, "lastSuccessfulTime", json_string(ts));
	}
	ctl_write_status(s, co, st);
	json_decref(st);
	prune(s, ok, nok, spec_int(cj, "successfulJobsHistoryLimit", 3));
	prune(s, bad, nbad, spec_int(cj, "failedJobsHistoryLimit", 1));
	free(ok);
	free(bad);
	free(act);
}

static void tick(struct ctl_loop *l)
{
	/* Time drives this controller: look every tick (about once a second). */
	ctl_sync_owners(l->store, NULL, "batch/cronjobs/", "batch/jobs/", sync_one);
}

static struct ctl_loop loop = {
	.name = "cronjob",
	.prefix = "batch/",
	.on_tick = tick,
};

void ctl_cronjob_start(struct store *s)
{
	const char *sp = getenv("ATOLL_CRONJOB_CLOCK_SPEED");

	clock_start = ctl_now();
	if (sp && atof(sp) > 0)
		clock_speed = atof(sp);
	loop.store = s;
	ctl_loop_start(&loop);
}
