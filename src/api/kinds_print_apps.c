/* SPDX-License-Identifier: Apache-2.0 */
/* Table printers of workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/kinds_common.h"
#include "api/kinds_hooks.h"
#include "api/table.h"
#include "lib/xalloc.h"

#define NAME_COL { "Name", "string", "name", "Name must be unique within a namespace.", 0 }
#define AGE_COL { "Age", "string", "", "CreationTimestamp is a timestamp representing the " \
	"server time when this object was created.", 0 }
#define CONTAINERS_COL { "Containers", "string", "", "Names of each container in the " \
	"template.", 1 }
#define IMAGES_COL { "Images", "string", "", "Images referenced by each container in the " \
	"template.", 1 }
#define SELECTOR_COL(what) { "Selector", "string", "", "Label selector for the " what ".", 1 }

static json_t *jstr_own(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

/* Appends the wide Containers, Images and Selector cells of a template. */
static void add_template_cells(json_t *row, const json_t *podspec, const json_t *sel,
			       bool with_selector)
{
	json_array_append_new(row, jstr_own(table_container_names(podspec)));
	json_array_append_new(row, jstr_own(table_container_images(podspec)));
	if (with_selector)
		json_array_append_new(row, jstr_own(table_selector_string(sel)));
}

/* ---- Deployment ---- */

json_t *kinds_deployment_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Ready", "string", "", "Number of the pod with ready state", 0 },
		{ "Up-to-date", "string", "", "Total number of non-terminated pods targeted by this "
		  "deployment that have the desired template spec.", 0 },
		{ "Available", "string", "", "Total number of available pods (ready for at least "
		  "minReadySeconds) targeted by this deployment.", 0 },
		AGE_COL, CONTAINERS_COL, IMAGES_COL, SELECTOR_COL("deployment"),
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_deployment_row(const struct api_kind *k, const json_t *obj)
{
	char ready[48];
	json_t *row;

	kinds_fmt(ready, sizeof(ready), "%lld/%lld", kj_int(obj, "status.readyReplicas", 0),
		 kj_int(obj, "spec.replicas", 0));
	row = json_pack("[s,s,I,I,o]", table_name(obj), ready,
			(json_int_t)kj_int(obj, "status.updatedReplicas", 0),
			(json_int_t)kj_int(obj, "status.availableReplicas", 0), table_age_cell(obj));
	add_template_cells(row, kj_get(obj, "spec.template.spec"), kj_get(obj, "spec.selector"),
			   true);
	return row;
}

/* ---- ReplicaSet ---- */

json_t *kinds_replicaset_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Desired", "integer", "", "Replicas is the number of desired replicas.", 0 },
		{ "Current", "integer", "", "Replicas is the most recently observed number of "
		  "replicas.", 0 },
		{ "Ready", "integer", "", "The number of ready replicas for this replica set.", 0 },
		AGE_COL, CONTAINERS_COL, IMAGES_COL, SELECTOR_COL("replicaset"),
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_replicaset_row(const struct api_kind *k, const json_t *obj)
{
	json_t *row = json_pack("[s,I,I,I,o]", table_name(obj),
				(json_int_t)kj_int(obj, "spec.replicas", 0),
				(json_int_t)kj_int(obj, "status.replicas", 0),
				(json_int_t)kj_int(obj, "status.readyReplicas", 0),
				table_age_cell(obj));

	add_template_cells(row, kj_get(obj, "spec.template.spec"), kj_get(obj, "spec.selector"),
			   true);
	return row;
}

/* ---- StatefulSet ---- */

json_t *kinds_statefulset_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Ready", "string", "", "Number of the pod with ready state", 0 },
		AGE_COL, CONTAINERS_COL, IMAGES_COL,
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_statefulset_row(const struct api_kind *k, const json_t *obj)
{
	char ready[48];
	json_t *row;

	kinds_fmt(ready, sizeof(ready), "%lld/%lld", kj_int(obj, "status.readyReplicas", 0),
		 kj_int(obj, "spec.replicas", 0));
	row = json_pack("[s,s,o]", table_name(obj), ready, table_age_cell(obj));
	add_template_cells(row, kj_get(obj, "spec.template.spec"), NULL, false);
	return row;
}

/* ---- DaemonSet ---- */

json_t *kinds_daemonset_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Desired", "integer", "", "The total number of nodes that should be running the "
		  "daemon pod.", 0 },
		{ "Current", "integer", "", "The number of nodes that are running at least 1 daemon "
		  "pod and are supposed to run the daemon pod.", 0 },
		{ "Ready", "integer", "", "The number of nodes that should be running the daemon pod "
		  "and have one or more of the daemon pod running and ready.", 0 },
		{ "Up-to-date", "integer", "", "The total number of nodes that are running updated "
		  "daemon pod", 0 },
		{ "Available", "integer", "", "The number of nodes that should be running the daemon "
		  "pod and have one or more of the daemon pod running and available.", 0 },
		{ "Node Selector", "string", "", "NodeSelector is a selector which must be true for "
		  "the pod to fit on a node.", 0 },
		AGE_COL, CONTAINERS_COL, IMAGES_COL, SELECTOR_COL("daemonset"),
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_daemonset_row(const struct api_kind *k, const json_t *obj)
{
	json_t *st = json_object_get(obj, "status");
	json_t *row = json_pack("[s,I,I,I,I,I,o,o]", table_name(obj),
				(json_int_t)kj_int(st, "desiredNumberScheduled", 0),
				(json_int_t)kj_int(st, "currentNumberScheduled", 0),
				(json_int_t)kj_int(st, "numberReady", 0),
				(json_int_t)kj_int(st, "updatedNumberScheduled", 0),
				(json_int_t)kj_int(st, "numberAvailable", 0),
				jstr_own(table_map_string(kj_get(obj,
								 "spec.template.spec.nodeSelector"))),
				table_age_cell(obj));

	add_template_cells(row, kj_get(obj, "spec.template.spec"), kj_get(obj, "spec.selector"),
			   true);
	return row;
}

/* ---- Job ---- */

json_t *kinds_job_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Status", "string", "", "Status of the job.", 0 },
		{ "Completions", "string", "", "The completion status of the job.", 0 },
		{ "Duration", "string", "", "Time required to complete the job.", 0 },
		AGE_COL, CONTAINERS_COL, IMAGES_COL, SELECTOR_COL("job"),
	};

	return TABLE_COLUMNS(cols);
}

static bool has_cond(const json_t *obj, const char *type)
{
	size_t i;
	json_t *c;

	json_array_foreach(kj_get(obj, "status.conditions"), i, c)
		if (!strcmp(kj_str(c, "type") ?: "", type) &&
		    !strcmp(kj_str(c, "status") ?: "", "True"))
			return true;
	return false;
}

static const char *job_status(const json_t *obj)
{
	static const char *const conds[] = { "Failed", "Complete", "Suspended", "FailureTarget",
					     "SuccessCriteriaMet" };

	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++)
		if (has_cond(obj, conds[i]))
			return conds[i];
	if (kj_str(obj, "metadata.deletionTimestamp"))
		return "Terminating";
	return "Running";
}

json_t *kinds_job_row(const struct api_kind *k, const json_t *obj)
{
	long long succ = kj_int(obj, "status.succeeded", 0);
	long long start = table_parse_time(kj_str(obj, "status.startTime"));
	long long end = table_parse_time(kj_str(obj, "status.completionTime"));
	char compl[64], dur[32] = "";
	json_t *row;

	if (kj_get(obj, "spec.completions"))
		kinds_fmt(compl, sizeof(compl), "%lld/%lld", succ, kj_int(obj, "spec.completions", 0));
	else if (kj_int(obj, "spec.parallelism", 1) > 1)
		kinds_fmt(compl, sizeof(compl), "%lld/1 of %lld", succ,
			 kj_int(obj, "spec.parallelism", 1));
	else
		kinds_fmt(compl, sizeof(compl), "%lld/1", succ);
	if (start >= 0)
		table_duration((end >= 0 ? end : (long long)time(NULL)) - start, dur, sizeof(dur));
	row = json_pack("[s,s,s,s,o]", table_name(obj), job_status(obj), compl, dur,
			table_age_cell(obj));
	add_template_cells(row, kj_get(obj, "spec.template.spec"), kj_get(obj, "spec.selector"),
			   true);
	return row;
}

/* ---- CronJob ---- */

json_t *kinds_cronjob_columns(const struct api_kind *k)
{
	static const struct table_col cols[] = {
		NAME_COL,
		{ "Schedule", "string", "", "The schedule in Cron format.", 0 },
		{ "Timezone", "string", "", "The time zone name for the given schedule.", 0 },
		{ "Suspend", "boolean", "", "This flag tells the controller to suspend subsequent "
		  "executions.", 0 },
		{ "Active", "integer", "", "A list of pointers to currently running jobs.", 0 },
		{ "Last Schedule", "string", "", "Information when was the last time the job was "
		  "successfully scheduled.", 0 },
		AGE_COL, CONTAINERS_COL, IMAGES_COL, SELECTOR_COL("cronjob"),
	};

	return TABLE_COLUMNS(cols);
}

json_t *kinds_cronjob_row(const struct api_kind *k, const json_t *obj)
{
	json_t *susp = kj_get(obj, "spec.suspend");
	const char *last = kj_str(obj, "status.lastScheduleTime");
	char last_s[32] = "<none>";
	json_t *row;

	if (last)
		table_age(last, last_s, sizeof(last_s));
	row = json_pack("[s,s,o,s,I,s,o]", table_name(obj), kj_str(obj, "spec.schedule") ?: "",
			table_str_or_none(kj_str(obj, "spec.timeZone")),
			!susp ? "<unset>" : json_is_true(susp) ? "True" : "False",
			(json_int_t)json_array_size(kj_get(obj, "status.active")), last_s,
			table_age_cell(obj));
	add_template_cells(row, kj_get(obj, "spec.jobTemplate.spec.template.spec"),
			   kj_get(obj, "spec.jobTemplate.spec.selector"), true);
	return row;
}
