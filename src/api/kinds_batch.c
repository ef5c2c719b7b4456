/* SPDX-License-Identifier: Apache-2.0 */
/* batch/v1: Job (generated selector, restart policy) and CronJob (schedule syntax). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"

/* ---- Job ---- */

static void job_spec_defaults(json_t *spec)
{
	if (!json_object_get(spec, "completions") && !json_object_get(spec, "parallelism"))
		kj_default_int(spec, "completions", 1);
	kj_default_int(spec, "parallelism", 1);
	kj_default_int(spec, "backoffLimit", 6);
	kj_default_str(spec, "completionMode", "NonIndexed");
	kj_default_bool(spec, "suspend", false);
	kj_default_bool(spec, "manualSelector", false);
	if (!json_is_true(json_object_get(spec, "manualSelector")))
		json_object_del(spec, "manualSelector");
	kj_default_str(spec, "podReplacementPolicy", "TerminatingOrFailed");
}

/*
 * Like Kubernetes, give the pods labels naming this Job's uid and select on
 * them, unless the user asked for a manual selector. Needs metadata.uid, so
 * the API layer assigns it before defaulting.
 */
static void job_generate_selector(json_t *obj, json_t *spec)
{
	const char *uid = kj_str(obj, "metadata.uid"), *name = kj_str(obj, "metadata.name");
	json_t *labels;

	if (!uid || !name || json_is_true(json_object_get(spec, "manualSelector")) ||
	    json_is_object(json_object_get(spec, "selector")))
		return;
	labels = kj_obj(kj_obj(kj_obj(spec, "template"), "metadata"), "labels");
	json_object_set_new(labels, "batch.kubernetes.io/controller-uid", json_string(uid));
	json_object_set_new(labels, "batch.kubernetes.io/job-name", json_string(name));
	json_object_set_new(labels, "controller-uid", json_string(uid));
	json_object_set_new(labels, "job-name", json_string(name));
	json_object_set_new(spec, "selector",
			    json_pack("{s:{s:s}}", "matchLabels",
				      "batch.kubernetes.io/controller-uid", uid));
}

void kinds_job_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec");

	job_spec_defaults(spec);
	job_generate_selector(obj, spec);
	kinds_podtemplate_defaults(kj_obj(spec, "template"));
}

static void check_nonneg(json_t *causes, const json_t *spec, const char *prefix,
			 const char *key)
{
	json_t *v = json_object_get(spec, key);
	char f[128];

	kinds_fmt(f, sizeof(f), "%s.%s", prefix, key);
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
		kinds_invalid(causes, f, v, "must be greater than or equal to 0");
}

/* The JobSpec at `prefix` ("spec" or "spec.jobTemplate.spec"). */
static void check_job_spec(json_t *causes, const json_t *spec, const char *prefix,
			   bool need_selector)
{
	static const char *const restarts[] = { "OnFailure", "Never", NULL };
	static const char *const modes[] = { "NonIndexed", "Indexed", NULL };
	json_t *tmpl = json_object_get(spec, "template");
	json_t *sel = json_object_get(spec, "selector");
	const char *rp = kj_str(tmpl, "spec.restartPolicy"), *mode;
	char f[128];

	check_nonneg(causes, spec, prefix, "parallelism");
	check_nonneg(causes, spec, prefix, "completions");
	check_nonneg(causes, spec, prefix, "backoffLimit");
	if (json_object_get(spec, "activeDeadlineSeconds") &&
	    kj_int(spec, "activeDeadlineSeconds", 0) <= 0) {
		kinds_fmt(f, sizeof(f), "%s.activeDeadlineSeconds", prefix);
		kinds_invalid(causes, f, json_object_get(spec, "activeDeadlineSeconds"),
			      "must be greater than 0");
	}
	mode = kj_str(spec, "completionMode");
	kinds_fmt(f, sizeof(f), "%s.completionMode", prefix);
	if (mode && strcmp(mode, "NonIndexed") && strcmp(mode, "Indexed"))
		kinds_unsupported(causes, f, mode, modes);
	else if (mode && !strcmp(mode, "Indexed") && !json_object_get(spec, "completions")) {
		kinds_fmt(f, sizeof(f), "%s.completions", prefix);
		kinds_required(causes, f, "when completion mode is Indexed");
	}
	kinds_fmt(f, sizeof(f), "%s.selector", prefix);
	if (need_selector && !json_is_object(sel))
		kinds_required(causes, f, NULL);
	if (json_is_object(sel)) {
		kinds_check_label_selector(causes, f, sel);
		if (!kinds_selector_matches(sel, kj_get(tmpl, "metadata.labels"))) {
			kinds_fmt(f, sizeof(f), "%s.template.metadata.labels", prefix);
			kinds_invalid(causes, f, kj_get(tmpl, "metadata.labels"),
				      "`selector` does not match template `labels`");
		}
	}
	kinds_fmt(f, sizeof(f), "%s.template", prefix);
	if (!json_is_object(tmpl)) {
		kinds_required(causes, f, NULL);
		return;
	}
	kinds_podtemplate_validate(tmpl, f, causes);
	kinds_fmt(f, sizeof(f), "%s.template.spec.restartPolicy", prefix);
	if (!rp)
		kinds_required(causes, f, "valid values: \"OnFailure\", \"Never\"");
	else if (strcmp(rp, "OnFailure") && strcmp(rp, "Never"))
		kinds_unsupported(causes, f, rp, restarts);
}

void kinds_job_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			json_t *causes)
{
	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	check_job_spec(causes, json_object_get(obj, "spec"), "spec", true);
	if (old) {
		kinds_check_immutable(causes, obj, old, "spec.selector");
		kinds_check_immutable(causes, obj, old, "spec.template");
		kinds_check_immutable(causes, obj, old, "spec.completionMode");
		if (strcmp(kj_str(obj, "spec.completionMode") ?: "", "Indexed"))
			kinds_check_immutable(causes, obj, old, "spec.completions");
	}
}

/* ---- CronJob ---- */

void kinds_cronjob_defaults(const struct api_kind *k, json_t *obj)
{
	json_t *spec = kj_obj(obj, "spec");

	kj_default_str(spec, "concurrencyPolicy", "Allow");
	kj_default_bool(spec, "suspend", false);
	kj_default_int(spec, "successfulJobsHistoryLimit", 3);
	kj_default_int(spec, "failedJobsHistoryLimit", 1);
	kinds_podtemplate_defaults(kj_obj(kj_obj(kj_obj(spec, "jobTemplate"), "spec"), "template"));
}

/* A number or a month/weekday name (names only where names[] is given). */
static bool cron_value(const char *s, size_t n, const char *const *names, int base, int *out)
{
	char *end;

	if (n && isdigit((unsigned char)*s)) {
		long v = strtol(s, &end, 10);

		if ((size_t)(end - s) != n)
			return false;
		*out = (int)v;
		return true;
	}
	for (int i = 0; names && names[i]; i++) {
		if (n == 3 && !strncasecmp(s, names[i], 3)) {
			*out = i + base;
			return true;
		}
	}
	return false;
}

/* One field: "*", "?", "a", "a-b", with an optional "/step", in a comma list. */
static bool cron_field(const char *field, size_t len, int min, int max,
		       const char *const *names, char *why, size_t whylen)
{
	const char *p = field, *end = field + len;

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma ? comma : end;
		const char *slash = memchr(p, '/', (size_t)(item_end - p));
		const char *range_end = slash ? slash : item_end;
		const char *dash = memchr(p, '-', (size_t)(range_end - p));
		int lo = min, hi = max, step;

		if ((range_end - p == 1 && (*p == '*' || *p == '?'))) {
			/* the whole range */
		} else if (!cron_value(p, (size_t)((dash ? dash : range_end) - p), names, min, &lo) ||
			   (dash && !cron_value(dash + 1, (size_t)(range_end - dash - 1), names, min,
						&hi))) {
			kinds_fmt(why, whylen, "failed to parse int from %.*s", (int)(item_end - p), p);
			return false;
		} else if (!dash) {
			hi = lo;
		}
		if (slash && (!cron_value(slash + 1, (size_t)(item_end - slash - 1), NULL, 0, &step) ||
			      step <= 0)) {
			kinds_fmt(why, whylen, "failed to parse int from %.*s",
				 (int)(item_end - slash - 1), slash + 1);
			return false;
		}
		if (lo < min || hi > max || lo > hi) {
			kinds_fmt(why, whylen, "%s of range (%d) %s: %.*s",
				 lo < min ? "beginning" : hi > max ? "end" : "beginning",
				 lo < min ? lo : hi > max ? hi : lo,
				 lo < min ? "below minimum" : hi > max ? "above maximum" :
				 "beyond end of range", (int)(item_end - p), p);
			return false;
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end) {
			kinds_fmt(why, whylen, "empty list item");
			return false;
		}
	}
	return len > 0;
}

/* The standard 5-field cron syntax and the @descriptors, as Kubernetes' parser accepts. */
bool kinds_cron_valid(const char *sched, char *why, size_t whylen)
{
	static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul",
					      "aug", "sep", "oct", "nov", "dec", NULL };
	static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };
	static const char *const descr[] = { "@yearly", "@annually", "@monthly", "@weekly",
					     "@daily", "@midnight", "@hourly", NULL };
	static const struct { int min, max; const char *const *names; } spec[5] = {
		{ 0, 59, NULL }, { 0, 23, NULL }, { 1, 31, NULL }, { 1, 12, months }, { 0, 6, days },
	};
	const char *f[6];
	size_t flen[6];
	int n = 0;

	if (sched[0] == '@') {
		for (int i = 0; descr[i]; i++)
			if (!strcmp(sched, descr[i]))
				return true;
		if (!strncmp(sched, "@every ", 7) && sched[7])
			return true;
		kinds_fmt(why, whylen, "unrecognized descriptor: %s", sched);
		return false;
	}
	for (const char *p = sched; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t l = strcspn(p, " \t");

		if (n < 6) {
			f[n] = p;
			flen[n] = l;
		}
		n++;
		p += l;
	}
	if (n != 5) {
		kinds_fmt(why, whylen, "expected exactly 5 fields, found %d: [%s]", n, sched);
		return false;
	}
	for (int i = 0; i < 5; i++)
		if (!cron_field(f[i], flen[i], spec[i].min, spec[i].max, spec[i].names, why,
				whylen))
			return false;
	return true;
}

void kinds_cronjob_validate(const struct api_kind *k, const json_t *obj, const json_t *old,
			    json_t *causes)
{
	static const char *const policies[] = { "Allow", "Forbid", "Replace", NULL };
	json_t *spec = json_object_get(obj, "spec");
	const char *sched = kj_str(spec, "schedule"), *cp = kj_str(spec, "concurrencyPolicy");
	const char *name = kj_str(obj, "metadata.name");
	char why[256];

	kinds_check_meta(k, obj, old, KINDS_NAME_SUBDOMAIN, causes);
	/* The controller appends an 11-character suffix to make Job names. */
	if (name && strlen(name) > 52)
		kinds_invalid_str(causes, "metadata.name", name, "must be no more than 52 characters");
	if (!sched || !*sched)
		kinds_required(causes, "spec.schedule", NULL);
	else if (strstr(sched, "TZ"))
		kinds_invalid_str(causes, "spec.schedule", sched,
				  "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
	else if (!kinds_cron_valid(sched, why, sizeof(why)))
		kinds_invalid_str(causes, "spec.schedule", sched, why);
	if (cp && strcmp(cp, "Allow") && strcmp(cp, "Forbid") && strcmp(cp, "Replace"))
		kinds_unsupported(causes, "spec.concurrencyPolicy", cp, policies);
	check_nonneg(causes, spec, "spec", "successfulJobsHistoryLimit");
	check_nonneg(causes, spec, "spec", "failedJobsHistoryLimit");
	check_nonneg(causes, spec, "spec", "startingDeadlineSeconds");
	if (!json_is_object(kj_get(spec, "jobTemplate.spec")))
		kinds_required(causes, "spec.jobTemplate", NULL);
	else
		check_job_spec(causes, kj_get(spec, "jobTemplate.spec"), "spec.jobTemplate.spec",
			       false);
}
