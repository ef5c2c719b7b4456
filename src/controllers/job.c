/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Job controller: runs pods (<job>-<5 random chars>) from the template,
 * at most parallelism at once, until completions have succeeded or more
 * than backoffLimit have failed; activeDeadlineSeconds and suspend; status
 * active/succeeded/failed/ready, startTime, completionTime and conditions
 * Complete or Failed; finished Jobs are deleted ttlSecondsAfterFinished
 * later (their pods follow through the garbage collector).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/object.h"
#include "controllers/controllers.h"
#include "controllers/ctl.h"
#include "controllers/loop.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static bool dirty = true;

static long long spec_int(const json_t *job, const char *f, long long def)
{
	json_t *v = json_object_get(json_object_get(job, "spec"), f);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static bool finished(const json_t *job, int64_t *when)
{
	const char *types[] = { "Complete", "Failed" };

	for (int i = 0; i < 2; i++) {
		const char *st = ctl_condition(job, types[i]);
		if (st && !strcmp(st, "True")) {
			const char *ct = obj_str(job, "status.completionTime");
			size_t j;
			json_t *c;
			if (!ct)
				json_array_foreach(json_object_get(json_object_get(job, "status"), "conditions"), j, c)
					if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", types[i]))
						ct = json_string_value(json_object_get(c, "lastTransitionTime"));
			*when = ctl_parse_time(ct);
			return true;
		}
	}
	return false;
}

static long long pod_restarts(const json_t *pod)
{
	long long n = 0;
	size_t i;
	json_t *cs;

	if (strcmp(obj_str(pod, "spec.restartPolicy") ?: "", "OnFailure"))
		return 0;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "containerStatuses"), i, cs)
		n += json_integer_value(json_object_get(cs, "restartCount"));
	return n;
}

#define INDEX_ANN "batch.kubernetes.io/job-completion-index"
#define MAX_INDEXES 100000

static long long pod_index(const json_t *pod)
{
	const char *v = json_string_value(json_object_get(
		json_object_get(json_object_get(pod, "metadata"), "annotations"), INDEX_ANN));
	char *end;

	if (!v || !*v)
		return -1;
	long long i = strtoll(v, &end, 10);
	return *end || i < 0 ? -1 : i;
}

/* Mark the indexes of "1,3-5" in done[0..n). */
static void parse_indexes(const char *s, char *done, long long n)
{
	while (s && *s) {
		char *end;
		long long a = strtoll(s, &end, 10), b = a;
		if (end == s)
			return;
		if (*end == '-')
			b = strtoll(end + 1, &end, 10);
		for (long long i = a; i <= b && i < n; i++)
			if (i >= 0)
				done[i] = 1;
		s = *end == ',' ? end + 1 : NULL;
	}
}

/* "1,3-5" from done[0..n). Returns owned. */
static char *format_indexes(const char *done, long long n)
{
	struct buf b = BUF_INIT;

	for (long long i = 0; i < n; i++) {
		if (!done[i])
			continue;
		long long j = i;
		while (j + 1 < n && done[j + 1])
			j++;
		if (b.len)
			buf_addc(&b, ',');
		if (j > i)
			buf_addf(&b, "%lld-%lld", i, j);
		else
			buf_addf(&b, "%lld", i);
		i = j;
	}
	return buf_detach(&b, NULL);
}

/* An Indexed Job's pod: the index as annotation, label, hostname and JOB_COMPLETION_INDEX. */
static void set_index(json_t *pod, const json_t *job, long long idx)
{
	json_t *meta = json_object_get(pod, "metadata");
	json_t *spec = json_object_get(pod, "spec");
	char v[32];

	snprintf(v, sizeof(v), "%lld", idx);
	json_t *ann = json_object_get(meta, "annotations");
	if (!json_is_object(ann)) {
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	json_object_set_new(ann, INDEX_ANN, json_string(v));
	json_t *labels = json_object_get(meta, "labels");
	if (json_is_object(labels))
		json_object_set_new(labels, INDEX_ANN, json_string(v));
	json_object_set_new(meta, "generateName", json_sprintf("%s-%lld-", obj_name(job), idx));
	json_object_set_new(spec, "hostname", json_sprintf("%s-%lld", obj_name(job), idx));
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(spec, "containers"), i, c) {
		json_t *env = json_object_get(c, "env");
		if (!json_is_array(env)) {
			env = json_array();
			json_object_set_new(c, "env", env);
		}
		json_array_append_new(env, json_pack("{s:s, s:{s:{s:s}}}", "name", "JOB_COMPLETION_INDEX",
						     "valueFrom", "fieldRef", "fieldPath",
						     "metadata.annotations['" INDEX_ANN "']"));
	}
}

static void ttl(struct store *s, const json_t *job)
{
	int64_t when;
	json_t *t = json_object_get(json_object_get(job, "spec"), "ttlSecondsAfterFinished");

	if (!json_is_integer(t) || !finished(job, &when))
		return;
	if (ctl_now() >= when + json_integer_value(t))
		ctl_delete(s, "batch", "jobs", obj_namespace(job), obj_name(job));
	else
		dirty = true; /* look again on the next tick */
}

static void finish(json_t *st, const char *type, const char *reason, const char *msg)
{
	char now[64];

	obj_now(now, sizeof(now));
	if (!strcmp(type, "Complete")) {
		ctl_set_condition(st, "SuccessCriteriaMet", "True", "CompletionsReached",
				  "Reached expected number of succeeded pods");
		json_object_set_new(st, "completionTime", json_string(now));
	} else {
		ctl_set_condition(st, "FailureTarget", "True", reason, msg);
	}
	ctl_set_condition(st, type, "True", reason, msg);
	/* Job conditions carry lastProbeTime, not lastUpdateTime. */
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(st, "conditions"), i, c) {
		json_object_del(c, "lastUpdateTime");
		if (!json_object_get(c, "lastProbeTime"))
			json_object_set(c, "lastProbeTime", json_object_get(c, "lastTransitionTime"));
	}
}

static void sync_one(struct store *s, struct ctl_obj *jo, struct ctl_list *pods)
{
	json_t *job = jo->obj;
	const char *uid = obj_str(job, "metadata.uid"), *ns = obj_namespace(job);
	int64_t when;

	if (!uid || !ns || ctl_terminating(job))
		return;
	if (finished(job, &when)) {
		ttl(s, job);
		return;
	}
	json_t **active = xcalloc(pods->n + 1, sizeof(*active));
	size_t nactive = 0;
	json_t *comp = json_object_get(json_object_get(job, "spec"), "completions");
	bool indexed = !strcmp(obj_str(job, "spec.completionMode") ?: "", "Indexed") && json_is_integer(comp);
	long long nidx = indexed ? json_integer_value(comp) : 0;
	if (nidx > MAX_INDEXES)
		nidx = MAX_INDEXES;
	char *done_idx = xcalloc((size_t)nidx + 1, 1), *busy_idx = xcalloc((size_t)nidx + 1, 1);
	if (indexed)
		parse_indexes(obj_str(job, "status.completedIndexes"), done_idx, nidx);
	long long succeeded = 0, failed = 0, ready = 0, restarts = 0;
	for (size_t i = 0; i < pods->n; i++) {
		json_t *p = pods->v[i].obj;
		const char *cuid = ctl_controller_uid(p);
		if (!cuid || strcmp(cuid, uid))
			continue;
		const char *ph = obj_str(p, "status.phase");
		long long idx = indexed ? pod_index(p) : -1;
		if (idx >= nidx)
			idx = -1;
		if (ph && !strcmp(ph, "Succeeded")) {
			succeeded++;
			if (idx >= 0)
				done_idx[idx] = 1;
		}
		else if (ph && !strcmp(ph, "Failed"))
			failed++;
		else if (!ctl_terminating(p)) {
			active[nactive++] = p;
			ready += ctl_pod_ready(p);
			if (idx >= 0)
				busy_idx[idx] = 1;
			restarts += pod_restarts(p);
		}
	}
	json_t *old = json_object_get(job, "status");
	json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
	/* Pods may be deleted after they finish: counts never go down. */
	if (succeeded < json_integer_value(json_object_get(st, "succeeded")))
		succeeded = json_integer_value(json_object_get(st, "succeeded"));
	if (failed < json_integer_value(json_object_get(st, "failed")))
		failed = json_integer_value(json_object_get(st, "failed"));
	char now[64];
	obj_now(now, sizeof(now));
	if (!json_object_get(st, "startTime") && !json_is_true(json_object_get(json_object_get(job, "spec"), "suspend")))
		json_object_set_new(st, "startTime", json_string(now));

	if (indexed) {
		succeeded = 0;
		for (long long i = 0; i < nidx; i++)
			succeeded += done_idx[i];
		char *ci = format_indexes(done_idx, nidx);
		if (*ci)
			json_object_set_new(st, "completedIndexes", json_string(ci));
		free(ci);
	}
	long long parallelism = spec_int(job, "parallelism", 1);
	long long backoff = spec_int(job, "backoffLimit", 6);
	long long deadline = spec_int(job, "activeDeadlineSeconds", 0);
	int64_t started = ctl_parse_time(obj_str(st, "startTime"));
	bool done = false;
	long long want;

	/* With restartPolicy OnFailure, failures are restarts in place: they count too. */
	if (failed + restarts > backoff) {
		finish(st, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
		done = true;
	} else if (deadline && started && ctl_now() - started >= deadline) {
		finish(st, "Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
		done = true;
	} else if (json_is_integer(comp) ? succeeded >= json_integer_value(comp) : (succeeded > 0 && !nactive)) {
		finish(st, "Complete", "CompletionsReached", "Reached expected number of succeeded pods");
		done = true;
	}
	if (done || json_is_true(json_object_get(json_object_get(job, "spec"), "suspend")))
		want = 0;
	else if (json_is_integer(comp)) {
		want = json_integer_value(comp) - succeeded;
		want = want < parallelism ? want : parallelism;
	} else
		want = succeeded ? 0 : parallelism;
	if (deadline && !done)
		dirty = true; /* time alone can fail it */
	if ((long long)nactive < want) {
		json_t *tmpl = json_object_get(json_object_get(job, "spec"), "template");
		long long next = 0;
		for (long long i = (long long)nactive; i < want && i < 500; i++) {
			json_t *pod = ctl_pod_from_template(tmpl);
			json_object_set_new(json_object_get(pod, "metadata"), "generateName",
					    json_sprintf("%s-", obj_name(job)));
			if (indexed) {
				while (next < nidx && (done_idx[next] || busy_idx[next]))
					next++;
				if (next == nidx) {
					json_decref(pod);
					break;
				}
				busy_idx[next] = 1;
				set_index(pod, job, next);
			}
			ctl_create(s, "", "pods", ns, pod, job);
			json_decref(pod);
		}
		nactive = (size_t)want;
		dirty = true;
	} else if ((long long)nactive > want) {
		for (size_t i = (size_t)want; i < nactive; i++)
			ctl_delete(s, "", "pods", ns, obj_name(active[i]));
		nactive = (size_t)want;
		dirty = true;
	}
	json_object_set_new(st, "active", json_integer((json_int_t)nactive));
	json_object_set_new(st, "succeeded", json_integer(succeeded));
	json_object_set_new(st, "failed", json_integer(failed));
	json_object_set_new(st, "ready", json_integer(ready));
	json_object_set_new(st, "terminating", json_integer(0));
	/* Kubernetes omits zero counts, except ready and terminating. */
	const char *zeros[] = { "active", "succeeded", "failed" };
	for (int i = 0; i < 3; i++)
		if (!json_integer_value(json_object_get(st, zeros[i])))
			json_object_del(st, zeros[i]);
	if (json_object_get(json_object_get(job, "spec"), "ttlSecondsAfterFinished") && done)
		dirty = true;
	ctl_write_status(s, jo, st);
	json_decref(st);
	free(active);
	free(done_idx);
	free(busy_idx);
}

static void tick(struct ctl_loop *l)
{
	ctl_sync_owners(l->store, &dirty, "batch/jobs/", "core/pods/", sync_one);
}

static void on_event(struct ctl_loop *l, const struct store_event *ev)
{
	static const char *const pfx[] = { "batch/jobs/", "core/pods/", NULL };

	if (ctl_key_has_prefix(ev->key, pfx))
		dirty = true;
}

static struct ctl_loop loop = {
	.name = "job",
	.prefix = "",
	.on_event = on_event,
	.on_tick = tick,
};

void ctl_job_start(struct store *s)
{
	loop.store = s;
	ctl_loop_start(&loop);
}
