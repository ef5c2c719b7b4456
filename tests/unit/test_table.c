/* SPDX-License-Identifier: Apache-2.0 */
/* Table output of the built-in kinds: ages, cells, whole Tables, CRD printer columns. */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "api/kinds_common.h"
#include "api/table.h"
#include "lib/xalloc.h"
#include "t.h"

static const struct api_kind *K(const char *group, const char *resource)
{
	return kinds_builtin_find(group, "v1", resource);
}

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	if (!j)
		fprintf(stderr, "bad test JSON: %s: %s\n", e.text, s);
	return j;
}

/* ---- Table output ---- */

static void ts_ago(long long secs, char *out, size_t n)
{
	time_t t = time(NULL) - (time_t)secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void test_tables(void)
{
	static const struct { long long s; const char *want; } ages[] = {
		{ 5, "5s" }, { 119, "119s" }, { 182, "3m2s" }, { 600, "10m" }, { 4 * 3600, "4h" },
		{ 4 * 3600 + 120, "4h2m" }, { 2 * 86400, "2d" }, { 3 * 86400 + 3600, "3d1h" },
		{ 400 * 86400, "400d" }, { 3 * 365 * 86400 + 86400, "3y1d" },
	};
	char buf[32], ts[32], json[2048];
	json_t *o, *cols, *row;

	for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
		table_duration(ages[i].s, buf, sizeof(buf));
		CHECK_STR(buf, ages[i].want);
	}
	ts_ago(190, ts, sizeof(ts));
	table_age(ts, buf, sizeof(buf));
	CHECK(!strcmp(buf, "3m10s") || !strcmp(buf, "3m11s"));
	CHECK(table_parse_time("2024-01-02T03:04:05Z") == 1704164645);
	CHECK(table_parse_time("2024-01-02T04:04:05+01:00") == 1704164645);

	/* Every kind prints as many cells as it has columns, even on a bare object. */
	snprintf(json, sizeof(json), "{\"metadata\":{\"name\":\"x\",\"namespace\":\"n\","
		 "\"creationTimestamp\":\"%s\"}}", ts);
	o = parse(json);
	for (size_t i = 0; kinds_builtin[i]; i++) {
		const struct api_kind *k = kinds_builtin[i];

		cols = k->columns ? k->columns(k) : table_columns_default();
		row = k->row ? k->row(k, o) : table_row_default(o);
		CHECK(json_array_size(cols) > 0 && json_array_size(cols) == json_array_size(row));
		if (json_array_size(cols) != json_array_size(row))
			fprintf(stderr, "%s: %zu columns, %zu cells\n", k->kind,
				json_array_size(cols), json_array_size(row));
		json_decref(cols);
		json_decref(row);
	}
	json_decref(o);

	const struct api_kind *k = K("", "pods");
	snprintf(json, sizeof(json), "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"n\","
		 "\"creationTimestamp\":\"%s\"},\"spec\":{\"nodeName\":\"node1\",\"containers\":"
		 "[{\"name\":\"a\"},{\"name\":\"b\"}]},\"status\":{\"phase\":\"Running\","
		 "\"podIP\":\"10.1.0.7\",\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,"
		 "\"restartCount\":0,\"state\":{\"running\":{}}},{\"name\":\"b\",\"ready\":false,"
		 "\"restartCount\":2,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}",
		 ts);
	o = parse(json);
	cols = k->columns(k);
	row = k->row(k, o);
	CHECK_STR(json_string_value(json_object_get(json_array_get(cols, 0), "format")), "name");
	CHECK_STR(json_string_value(json_object_get(json_array_get(cols, 1), "name")), "Ready");
	CHECK(json_integer_value(json_object_get(json_array_get(cols, 5), "priority")) == 1);
	CHECK_STR(json_string_value(json_array_get(row, 0)), "web-1");
	CHECK_STR(json_string_value(json_array_get(row, 1)), "1/2");
	CHECK_STR(json_string_value(json_array_get(row, 2)), "CrashLoopBackOff");
	CHECK_STR(json_string_value(json_array_get(row, 3)), "2");
	CHECK(!strncmp(json_string_value(json_array_get(row, 4)), "3m1", 3));
	CHECK_STR(json_string_value(json_array_get(row, 5)), "10.1.0.7");
	CHECK_STR(json_string_value(json_array_get(row, 6)), "node1");
	CHECK_STR(json_string_value(json_array_get(row, 7)), "<none>");
	json_decref(cols);
	json_decref(row);
	json_decref(o);

	/* STATUS while initializing, completed, and terminating. */
	static const struct { const char *pod, *want; } statuses[] = {
		{ "{\"spec\":{\"initContainers\":[{\"name\":\"i\"}],\"containers\":[{\"name\":\"c\"}]},"
		  "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":\"i\","
		  "\"state\":{\"running\":{}}}]}}", "Init:0/1" },
		{ "{\"spec\":{\"initContainers\":[{\"name\":\"i\"}],\"containers\":[{\"name\":\"c\"}]},"
		  "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":\"i\","
		  "\"state\":{\"terminated\":{\"exitCode\":2}}}]}}", "Init:ExitCode:2" },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Pending\","
		  "\"containerStatuses\":[{\"name\":\"c\",\"state\":{\"waiting\":{\"reason\":"
		  "\"ContainerCreating\"}}}]}}", "ContainerCreating" },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Failed\","
		  "\"containerStatuses\":[{\"name\":\"c\",\"state\":{\"terminated\":{\"exitCode\":"
		  "137,\"signal\":9}}}]}}", "Signal:9" },
		{ "{\"metadata\":{\"name\":\"p\",\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},"
		  "\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\"}}",
		  "Terminating" },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Pending\"}}",
		  "Pending" },
	};
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		o = parse(statuses[i].pod);
		row = k->row(k, o);
		CHECK_STR(json_string_value(json_array_get(row, 2)), statuses[i].want);
		json_decref(row);
		json_decref(o);
	}

	k = K("apps", "deployments");
	o = parse("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":3,\"selector\":"
		  "{\"matchLabels\":{\"app\":\"web\",\"tier\":\"fe\"}},\"template\":{\"spec\":"
		  "{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\"},{\"name\":"
		  "\"side\",\"image\":\"busybox\"}]}}},\"status\":{\"readyReplicas\":2,"
		  "\"updatedReplicas\":3,\"availableReplicas\":2}}");
	row = k->row(k, o);
	CHECK_STR(json_string_value(json_array_get(row, 1)), "2/3");
	CHECK(json_integer_value(json_array_get(row, 2)) == 3);
	CHECK(json_integer_value(json_array_get(row, 3)) == 2);
	CHECK_STR(json_string_value(json_array_get(row, 4)), "<unknown>");
	CHECK_STR(json_string_value(json_array_get(row, 5)), "nginx,side");
	CHECK_STR(json_string_value(json_array_get(row, 6)), "nginx:1.25,busybox");
	CHECK_STR(json_string_value(json_array_get(row, 7)), "app=web,tier=fe");
	json_decref(row);
	json_decref(o);

	k = K("", "services");
	o = parse("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"type\":\"NodePort\",\"clusterIP\":"
		  "\"10.96.0.10\",\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,"
		  "\"protocol\":\"TCP\",\"nodePort\":30080},{\"port\":53,\"protocol\":\"UDP\"}]}}");
	row = k->row(k, o);
	CHECK_STR(json_string_value(json_array_get(row, 1)), "NodePort");
	CHECK_STR(json_string_value(json_array_get(row, 2)), "10.96.0.10");
	CHECK_STR(json_string_value(json_array_get(row, 3)), "<none>");
	CHECK_STR(json_string_value(json_array_get(row, 4)), "80:30080/TCP,53/UDP");
	CHECK_STR(json_string_value(json_array_get(row, 6)), "app=web");
	json_decref(row);
	json_object_set_new(json_object_get(o, "spec"), "type", json_string("LoadBalancer"));
	row = k->row(k, o);
	CHECK_STR(json_string_value(json_array_get(row, 3)), "<pending>");
	json_decref(row);
	json_decref(o);

	k = K("batch", "jobs");
	o = parse("{\"metadata\":{\"name\":\"j\"},\"spec\":{\"completions\":3},\"status\":"
		  "{\"succeeded\":3,\"startTime\":\"2024-01-01T00:00:00Z\",\"completionTime\":"
		  "\"2024-01-01T00:00:42Z\",\"conditions\":[{\"type\":\"Complete\",\"status\":"
		  "\"True\"}]}}");
	row = k->row(k, o);
	CHECK_STR(json_string_value(json_array_get(row, 1)), "Complete");
	CHECK_STR(json_string_value(json_array_get(row, 2)), "3/3");
	CHECK_STR(json_string_value(json_array_get(row, 3)), "42s");
	json_decref(row);
	json_decref(o);

	/* Whole tables, built-in and CRD. */
	o = parse("[{\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"},\"data\":{\"k\":\"v\"}}]");
	json_t *t = table_build(K("", "configmaps"), o, NULL, "42", NULL);
	CHECK_STR(kj_str(t, "kind"), "Table");
	CHECK_STR(kj_str(t, "metadata.resourceVersion"), "42");
	CHECK(json_array_size(json_object_get(t, "columnDefinitions")) == 3);
	json_t *r0 = json_array_get(json_object_get(t, "rows"), 0);
	CHECK(json_integer_value(json_array_get(json_object_get(r0, "cells"), 1)) == 1);
	CHECK_STR(kj_str(r0, "object.kind"), "PartialObjectMetadata");
	CHECK_STR(kj_str(r0, "object.metadata.name"), "a");
	json_decref(t);
	struct api_kind crdk = { .group = "example.com", .version = "v1", .kind = "Widget",
				 .list_kind = "WidgetList", .resource = "widgets", .namespaced = true };
	crdk.crd = parse("{\"name\":\"v1\",\"additionalPrinterColumns\":[{\"name\":\"Size\","
			 "\"type\":\"integer\",\"jsonPath\":\".spec.size\"},{\"name\":\"First\","
			 "\"type\":\"string\",\"jsonPath\":\".spec.items[0].n\",\"priority\":1}]}");
	json_decref(o);
	o = parse("[{\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":3,\"items\":[{\"n\":\"x\"}]}}]");
	t = table_build(&crdk, o, "None", NULL, NULL);
	r0 = json_array_get(json_object_get(t, "rows"), 0);
	CHECK(json_array_size(json_object_get(t, "columnDefinitions")) == 3);
	CHECK(json_integer_value(json_array_get(json_object_get(r0, "cells"), 1)) == 3);
	CHECK_STR(json_string_value(json_array_get(json_object_get(r0, "cells"), 2)), "x");
	CHECK(json_object_get(r0, "object") == NULL);
	json_decref(t);
	json_decref(o);
	json_decref(crdk.crd);
	crdk.crd = NULL;
	o = parse("[{\"metadata\":{\"name\":\"w\"}}]");
	t = table_build(&crdk, o, NULL, NULL, NULL);
	CHECK_STR(kj_str(json_array_get(json_object_get(t, "columnDefinitions"), 1), "name"), "Age");
	CHECK(json_array_size(json_object_get(json_array_get(json_object_get(t, "rows"), 0),
					      "cells")) == 2);
	json_decref(t);
	json_decref(o);

	o = parse("{\"matchLabels\":{\"a\":\"1\"},\"matchExpressions\":[{\"key\":\"env\","
		  "\"operator\":\"In\",\"values\":[\"prod\",\"qa\"]},{\"key\":\"gone\","
		  "\"operator\":\"DoesNotExist\"}]}");
	_cleanup_free_ char *sel = table_selector_string(o);
	CHECK_STR(sel, "a=1,env in (prod,qa),!gone");
	json_decref(o);
}


int main(void)
{
	test_tables();
	return T_DONE();
}
