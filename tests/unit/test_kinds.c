/* SPDX-License-Identifier: Apache-2.0 */
/* Built-in kinds: table consistency, defaults, validation, field selectors, scale. */
#include <stdbool.h>
#include <string.h>

#include "api/kinds_common.h"
#include "api/openapi.h"
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

/* Whether causes holds one with this field (and reason, when given). */
static bool has_cause(const json_t *causes, const char *field, const char *reason)
{
	size_t i;
	json_t *c;

	json_array_foreach(causes, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "field")), field) &&
		    (!reason || !strcmp(json_string_value(json_object_get(c, "reason")), reason)))
			return true;
	return false;
}

static bool has_message(const json_t *causes, const char *field, const char *text)
{
	size_t i;
	json_t *c;

	json_array_foreach(causes, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "field")), field) &&
		    strstr(json_string_value(json_object_get(c, "message")), text))
			return true;
	return false;
}

static json_t *validate(const struct api_kind *k, json_t *obj, json_t *old)
{
	json_t *causes = json_array();

	if (k->defaults) {
		k->defaults(k, obj);
		if (old)
			k->defaults(k, old);
	}
	k->validate(k, obj, old, causes);
	return causes;
}

static void dump_causes(const char *what, const json_t *causes)
{
	char *s = json_dumps(causes, JSON_INDENT(1));

	fprintf(stderr, "%s: %s\n", what, s);
	free(s);
}

/* ---- the table ---- */

static void test_table_rows(void)
{
	size_t n = 0;

	for (size_t i = 0; kinds_builtin[i]; i++, n++) {
		const struct api_kind *k = kinds_builtin[i];
		_cleanup_free_ char *lk = xasprintf("%sList", k->kind);
		size_t nkeys = 0;

		CHECK(k->group && k->version && k->kind && k->resource && k->singular);
		CHECK_STR(k->list_kind, lk);
		CHECK(k->validate != NULL);
		CHECK(k->storage_version);
		for (const char *c = k->resource; *c; c++)
			CHECK(*c >= 'a' && *c <= 'z');
		for (size_t j = 0; kinds_builtin[j]; j++) {
			const struct api_kind *o = kinds_builtin[j];

			if (j == i)
				continue;
			CHECK(!(!strcmp(o->group, k->group) && !strcmp(o->resource, k->resource)));
			CHECK(!(!strcmp(o->group, k->group) && !strcmp(o->kind, k->kind)));
			for (int a = 0; k->short_names[a]; a++)
				for (int b = 0; o->short_names[b]; b++)
					/* Only events share "ev" (core and events.k8s.io). */
					if (!strcmp(k->short_names[a], o->short_names[b]))
						CHECK(!strcmp(k->resource, o->resource) &&
						      strcmp(k->group, o->group));
		}
		while (k->merge_keys && k->merge_keys[nkeys])
			nkeys++;
		CHECK(nkeys % 2 == 0);
		CHECK((k->columns == NULL) == (k->row == NULL));
	}
	CHECK(n == 36); /* with metrics.k8s.io NodeMetrics and PodMetrics */
	CHECK_STR(K("", "pods")->short_names[0], "po");
	CHECK_STR(K("apps", "deployments")->short_names[0], "deploy");
	CHECK(K("apps", "deployments")->subresources == (API_SUB_STATUS | API_SUB_SCALE));
	CHECK(K("apps", "daemonsets")->subresources == API_SUB_STATUS);
	CHECK(!K("", "nodes")->namespaced && K("", "pods")->namespaced);
	CHECK_STR(K("apiextensions.k8s.io", "customresourcedefinitions")->short_names[1], "crds");
	CHECK_STR(K("", "services")->categories[0], "all");
	CHECK(K("", "configmaps")->categories[0] == NULL);
	CHECK_STR(kinds_merge_key(K("apps", "deployments"), "spec.template.spec.containers"),
		  "name");
	CHECK_STR(kinds_merge_key(K("", "pods"), "spec.containers.ports"), "containerPort");
	CHECK_STR(kinds_merge_key(K("", "services"), "spec.ports"), "port");
	CHECK(kinds_merge_key(K("", "pods"), "spec.tolerations") == NULL);
	CHECK(kinds_builtin_find_kind("batch", "v1", "CronJob") == K("batch", "cronjobs"));

	/* Field selectors. */
	const struct api_kind *pk = K("", "pods");
	char fb[32];
	json_t *pod = parse("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"h1\"},"
			    "\"status\":{\"phase\":\"Running\",\"podIPs\":[{\"ip\":\"10.0.0.9\"}]}}");
	CHECK(kinds_field_supported(pk, "spec.nodeName") && kinds_field_supported(pk, "metadata.name"));
	CHECK(!kinds_field_supported(pk, "spec.containers") &&
	      !kinds_field_supported(K("", "configmaps"), "data"));
	CHECK_STR(kinds_field_value(pk, pod, "spec.nodeName", fb, sizeof(fb)), "h1");
	CHECK_STR(kinds_field_value(pk, pod, "status.podIPs", fb, sizeof(fb)), "10.0.0.9");
	CHECK_STR(kinds_field_value(pk, pod, "spec.hostNetwork", fb, sizeof(fb)), "false");
	CHECK_STR(kinds_field_value(pk, pod, "spec.restartPolicy", fb, sizeof(fb)), "");
	json_decref(pod);
	json_t *job = parse("{\"status\":{\"succeeded\":2}}");
	CHECK_STR(kinds_field_value(K("batch", "jobs"), job, "status.successful", fb, sizeof(fb)),
		  "2");
	json_decref(job);

	/* Scale. */
	json_t *dep = parse("{\"metadata\":{\"name\":\"d\",\"namespace\":\"n\",\"uid\":\"u\"},"
			    "\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"d\"}}},"
			    "\"status\":{\"replicas\":1}}");
	json_t *scale = kinds_scale_get(K("apps", "deployments"), dep);
	CHECK_STR(kj_str(scale, "kind"), "Scale");
	CHECK_STR(kj_str(scale, "metadata.uid"), "u");
	CHECK(kj_int(scale, "spec.replicas", 0) == 2 && kj_int(scale, "status.replicas", 0) == 1);
	CHECK_STR(kj_str(scale, "status.selector"), "app=d");
	json_object_set_new(json_object_get(scale, "spec"), "replicas", json_integer(5));
	json_t *sc = json_array();
	CHECK(kinds_scale_set(dep, scale, sc) == 0 && kj_int(dep, "spec.replicas", 0) == 5);
	json_object_set_new(json_object_get(scale, "spec"), "replicas", json_integer(-1));
	CHECK(kinds_scale_set(dep, scale, sc) == -1 && has_cause(sc, "spec.replicas", NULL));
	json_decref(sc);
	json_decref(scale);
	json_decref(dep);
}

/* ---- defaults ---- */

static void test_pod_defaults(void)
{
	const struct api_kind *k = K("", "pods");
	json_t *pod = parse("{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"},\"spec\":{"
			    "\"containers\":[{\"name\":\"a\",\"image\":\"nginx\",\"ports\":"
			    "[{\"containerPort\":80}]},{\"name\":\"b\",\"image\":\"reg:5000/x:1.2\","
			    "\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}},"
			    "{\"name\":\"c\",\"image\":\"busybox:latest\"}]}}");

	k->defaults(k, pod);
	CHECK_STR(kj_str(pod, "spec.restartPolicy"), "Always");
	CHECK_STR(kj_str(pod, "spec.dnsPolicy"), "ClusterFirst");
	CHECK(kj_int(pod, "spec.terminationGracePeriodSeconds", 0) == 30);
	CHECK_STR(kj_str(pod, "spec.schedulerName"), "default-scheduler");
	CHECK_STR(kj_str(pod, "spec.serviceAccountName"), "default");
	CHECK(json_is_true(kj_get(pod, "spec.enableServiceLinks")));
	CHECK(json_is_object(kj_get(pod, "spec.securityContext")));
	CHECK(kj_int(pod, "spec.priority", -1) == 0);
	CHECK_STR(kj_str(pod, "spec.preemptionPolicy"), "PreemptLowerPriority");
	json_t *cs = kj_get(pod, "spec.containers");
	CHECK_STR(kj_str(json_array_get(cs, 0), "imagePullPolicy"), "Always");
	CHECK_STR(kj_str(json_array_get(cs, 1), "imagePullPolicy"), "IfNotPresent");
	CHECK_STR(kj_str(json_array_get(cs, 2), "imagePullPolicy"), "Always");
	CHECK_STR(kj_str(json_array_get(cs, 0), "terminationMessagePath"), "/dev/termination-log");
	CHECK_STR(kj_str(json_array_get(cs, 0), "terminationMessagePolicy"), "File");
	CHECK_STR(kj_str(json_array_get(kj_get(json_array_get(cs, 0), "ports"), 0), "protocol"),
		  "TCP");
	CHECK_STR(kj_str(json_array_get(cs, 1), "resources.requests.memory"), "1Gi");
	CHECK_STR(kj_str(pod, "status.phase"), "Pending");
	CHECK_STR(kj_str(pod, "status.qosClass"), "Burstable");
	CHECK(json_array_size(kj_get(pod, "spec.tolerations")) == 2);
	/* Defaulting twice changes nothing. */
	json_t *again = json_deep_copy(pod);
	k->defaults(k, again);
	CHECK(json_equal(pod, again));
	json_decref(again);
	json_decref(pod);
}

static void test_other_defaults(void)
{
	const struct api_kind *k;
	json_t *o;

	k = K("", "services");
	o = parse("{\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},\"spec\":{\"selector\":"
		  "{\"app\":\"a\"},\"ports\":[{\"port\":80}]}}");
	k->defaults(k, o);
	CHECK_STR(kj_str(o, "spec.type"), "ClusterIP");
	CHECK_STR(kj_str(o, "spec.sessionAffinity"), "None");
	CHECK(kj_int(json_array_get(kj_get(o, "spec.ports"), 0), "targetPort", 0) == 80);
	CHECK_STR(kj_str(json_array_get(kj_get(o, "spec.ports"), 0), "protocol"), "TCP");
	CHECK_STR(json_string_value(json_array_get(kj_get(o, "spec.ipFamilies"), 0)), "IPv4");
	CHECK_STR(kj_str(o, "spec.ipFamilyPolicy"), "SingleStack");
	json_decref(o);

	k = K("apps", "deployments");
	o = parse("{\"metadata\":{\"name\":\"d\",\"namespace\":\"d\"},\"spec\":{\"selector\":"
		  "{\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":{\"labels\":"
		  "{\"app\":\"a\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}}}");
	k->defaults(k, o);
	CHECK(kj_int(o, "spec.replicas", 0) == 1);
	CHECK_STR(kj_str(o, "spec.strategy.type"), "RollingUpdate");
	CHECK_STR(kj_str(o, "spec.strategy.rollingUpdate.maxSurge"), "25%");
	CHECK_STR(kj_str(o, "spec.strategy.rollingUpdate.maxUnavailable"), "25%");
	CHECK(kj_int(o, "spec.revisionHistoryLimit", 0) == 10);
	CHECK(kj_int(o, "spec.progressDeadlineSeconds", 0) == 600);
	CHECK_STR(kj_str(o, "spec.template.spec.restartPolicy"), "Always");
	CHECK(kj_get(o, "spec.template.spec.serviceAccountName") == NULL);
	json_decref(o);

	k = K("batch", "jobs");
	o = parse("{\"metadata\":{\"name\":\"j\",\"namespace\":\"d\",\"uid\":\"u-1\"},\"spec\":"
		  "{\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":"
		  "[{\"name\":\"c\",\"image\":\"x:1\"}]}}}}");
	k->defaults(k, o);
	CHECK(kj_int(o, "spec.parallelism", 0) == 1 && kj_int(o, "spec.completions", 0) == 1);
	CHECK(kj_int(o, "spec.backoffLimit", 0) == 6);
	CHECK_STR(kj_str(o, "spec.completionMode"), "NonIndexed");
	CHECK_STR(json_string_value(json_object_get(kj_get(o, "spec.selector.matchLabels"),
						    "batch.kubernetes.io/controller-uid")), "u-1");
	CHECK_STR(json_string_value(json_object_get(kj_get(o, "spec.template.metadata.labels"),
						    "job-name")), "j");
	json_t *causes = json_array();
	k->validate(k, o, NULL, causes);
	CHECK(json_array_size(causes) == 0);
	json_decref(causes);
	json_decref(o);

	k = K("batch", "cronjobs");
	o = parse("{\"metadata\":{\"name\":\"c\",\"namespace\":\"d\"},\"spec\":{\"schedule\":"
		  "\"*/5 * * * *\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{"
		  "\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\",\"image\":"
		  "\"x\"}]}}}}}}");
	k->defaults(k, o);
	CHECK_STR(kj_str(o, "spec.concurrencyPolicy"), "Allow");
	CHECK(json_is_false(kj_get(o, "spec.suspend")));
	CHECK(kj_int(o, "spec.successfulJobsHistoryLimit", 0) == 3);
	CHECK(kj_int(o, "spec.failedJobsHistoryLimit", 0) == 1);
	json_decref(o);

	k = K("", "namespaces");
	o = parse("{\"metadata\":{\"name\":\"team-a\"}}");
	k->defaults(k, o);
	CHECK_STR(json_string_value(json_array_get(kj_get(o, "spec.finalizers"), 0)), "kubernetes");
	CHECK_STR(kj_str(o, "status.phase"), "Active");
	CHECK_STR(json_string_value(json_object_get(kj_get(o, "metadata.labels"),
						    "kubernetes.io/metadata.name")), "team-a");
	json_decref(o);

	k = K("", "secrets");
	o = parse("{\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"}}");
	k->defaults(k, o);
	CHECK_STR(kj_str(o, "type"), "Opaque");
	json_decref(o);

	k = K("", "persistentvolumeclaims");
	o = parse("{\"metadata\":{\"name\":\"c\",\"namespace\":\"d\"},\"spec\":{}}");
	k->defaults(k, o);
	CHECK_STR(kj_str(o, "spec.volumeMode"), "Filesystem");
	json_decref(o);
}

/* ---- validation ---- */

#define POD(spec) "{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"},\"spec\":" spec "}"

static void test_pod_validation(void)
{
	const struct api_kind *k = K("", "pods");
	json_t *o, *c;

	o = parse(POD("{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.25\",\"ports\":"
		      "[{\"containerPort\":80,\"name\":\"http\"}],\"resources\":{\"requests\":"
		      "{\"cpu\":\"100m\",\"memory\":\"64Mi\"},\"limits\":{\"cpu\":\"1\"}}}]}"));
	c = validate(k, o, NULL);
	if (json_array_size(c))
		dump_causes("valid pod", c);
	CHECK(json_array_size(c) == 0);
	json_decref(c);
	json_decref(o);

	o = parse("{\"metadata\":{\"name\":\"Bad_Name\",\"namespace\":\"d\",\"labels\":{\"a b\":"
		  "\"x\",\"ok\":\"-bad\"}},\"spec\":{}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "metadata.name", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.containers", "FieldValueRequired"));
	CHECK(has_cause(c, "metadata.labels", "FieldValueInvalid"));
	json_t *first = json_array_get(c, 0);
	CHECK(strstr(json_string_value(json_object_get(first, "message")),
		     "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain") != NULL);
	json_decref(c);
	json_decref(o);

	o = parse(POD("{\"restartPolicy\":\"Sometimes\",\"containers\":[{\"name\":\"a\","
		      "\"image\":\"x\",\"ports\":[{\"containerPort\":70000,\"protocol\":\"FOO\"}],"
		      "\"resources\":{\"requests\":{\"cpu\":\"2\"},\"limits\":{\"cpu\":\"1\","
		      "\"memory\":\"lots\"}}},{\"name\":\"a\"},{\"name\":\"B\",\"image\":\"x\","
		      "\"volumeMounts\":[{\"name\":\"nope\",\"mountPath\":\"/x\"}]}]}"));
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "spec.containers[0].ports[0].containerPort", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.containers[0].ports[0].protocol", "FieldValueNotSupported"));
	CHECK(has_cause(c, "spec.containers[0].resources.requests[cpu]", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.containers[0].resources.limits[memory]", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.containers[1].name", "FieldValueDuplicate"));
	CHECK(has_cause(c, "spec.containers[1].image", "FieldValueRequired"));
	CHECK(has_cause(c, "spec.containers[2].name", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.containers[2].volumeMounts[0].name", "FieldValueNotFound"));
	CHECK(has_cause(c, "spec.restartPolicy", "FieldValueNotSupported"));
	json_decref(c);
	json_decref(o);

	o = parse(POD("{\"volumes\":[{\"name\":\"v\"}],\"containers\":[{\"name\":\"a\","
		      "\"image\":\"x\",\"livenessProbe\":{\"periodSeconds\":5}}]}"));
	c = validate(k, o, NULL);
	CHECK(has_message(c, "spec.volumes[0]", "must specify a volume type"));
	CHECK(has_message(c, "spec.containers[0].livenessProbe", "must specify a handler type"));
	json_decref(c);
	json_decref(o);

	/* Updates: image may change, restartPolicy may not. */
	json_t *old = parse(POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x:1\"}]}"));
	o = parse(POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x:2\"}]}"));
	c = validate(k, o, old);
	CHECK(json_array_size(c) == 0);
	json_decref(c);
	json_decref(o);
	o = parse(POD("{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"a\",\"image\":"
		      "\"x:1\"}]}"));
	c = validate(k, o, old);
	CHECK(has_cause(c, "spec", "FieldValueForbidden"));
	json_decref(c);
	json_decref(o);
	json_decref(old);
}

#define DEPLOY(sel, labels, extra) \
	"{\"metadata\":{\"name\":\"d\",\"namespace\":\"n\"},\"spec\":{" extra "\"selector\":" \
	sel ",\"template\":{\"metadata\":{\"labels\":" labels "},\"spec\":{\"containers\":" \
	"[{\"name\":\"c\",\"image\":\"x:1\"}]}}}}"

static void test_workload_validation(void)
{
	const struct api_kind *k = K("apps", "deployments");
	json_t *o, *c, *old;

	o = parse(DEPLOY("{\"matchLabels\":{\"app\":\"a\"}}", "{\"app\":\"a\"}", ""));
	c = validate(k, o, NULL);
	if (json_array_size(c))
		dump_causes("valid deployment", c);
	CHECK(json_array_size(c) == 0);
	json_decref(c);
	old = o;

	o = parse(DEPLOY("{\"matchLabels\":{\"app\":\"b\"}}", "{\"app\":\"a\"}",
			 "\"replicas\":-1,"));
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "spec.template.metadata.labels", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.replicas", "FieldValueInvalid"));
	json_decref(c);
	c = validate(k, o, old);
	CHECK(has_cause(c, "spec.selector", "FieldValueInvalid"));
	CHECK(has_message(c, "spec.selector", "field is immutable"));
	json_decref(c);
	json_decref(o);
	json_decref(old);

	o = parse("{\"metadata\":{\"name\":\"d\",\"namespace\":\"n\"},\"spec\":{\"template\":"
		  "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "spec.selector", "FieldValueRequired"));
	json_decref(c);
	json_decref(o);

	o = parse(DEPLOY("{\"matchLabels\":{\"app\":\"a\"}}", "{\"app\":\"a\"}",
			 "\"strategy\":{\"rollingUpdate\":{\"maxSurge\":0,\"maxUnavailable\":\"0%\"}},"));
	c = validate(k, o, NULL);
	CHECK(has_message(c, "spec.strategy.rollingUpdate.maxUnavailable", "may not be 0"));
	json_decref(c);
	json_decref(o);

	k = K("rbac.authorization.k8s.io", "rolebindings");
	old = parse("{\"metadata\":{\"name\":\"rb\",\"namespace\":\"n\"},\"roleRef\":{\"apiGroup\":"
		    "\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"r\"},\"subjects\":"
		    "[{\"kind\":\"ServiceAccount\",\"name\":\"default\",\"namespace\":\"n\"}]}");
	c = validate(k, old, NULL);
	CHECK(json_array_size(c) == 0);
	json_decref(c);
	o = json_deep_copy(old);
	json_object_set_new(json_object_get(o, "roleRef"), "name", json_string("other"));
	json_object_set_new(json_array_get(json_object_get(o, "subjects"), 0), "kind",
			    json_string("Robot"));
	c = validate(k, o, old);
	CHECK(has_message(c, "roleRef", "cannot change roleRef"));
	CHECK(has_cause(c, "subjects[0].kind", "FieldValueNotSupported"));
	json_decref(c);
	json_decref(o);
	json_decref(old);
	k = K("rbac.authorization.k8s.io", "roles");
	o = parse("{\"metadata\":{\"name\":\"r\",\"namespace\":\"n\"},\"rules\":[{\"apiGroups\":"
		  "[\"\"],\"resources\":[\"pods\"]}]}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "rules[0].verbs", "FieldValueRequired") && json_array_size(c) == 1);
	json_decref(c);
	json_decref(o);

	k = K("batch", "jobs");
	o = parse("{\"metadata\":{\"name\":\"j\",\"namespace\":\"n\",\"uid\":\"u\"},\"spec\":"
		  "{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "spec.template.spec.restartPolicy", "FieldValueNotSupported"));
	json_decref(c);
	json_decref(o);

	k = K("batch", "cronjobs");
	static const char *const good[] = { "*/5 * * * *", "0 0 * * 1-5", "@hourly",
					    "30 2 1,15 jan-jun MON", "0 */2 * * ?" };
	static const char *const bad[] = { "bad", "60 * * * *", "* * * *", "*/0 * * * *",
					   "@often", "1-x * * * *" };
	char why[256];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(kinds_cron_valid(good[i], why, sizeof(why)));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!kinds_cron_valid(bad[i], why, sizeof(why)));
	o = parse("{\"metadata\":{\"name\":\"c\",\"namespace\":\"n\"},\"spec\":{\"schedule\":"
		  "\"bad\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":"
		  "\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "spec.schedule", "FieldValueInvalid"));
	CHECK(json_array_size(c) == 1);
	json_decref(c);
	json_decref(o);
}

static void test_other_validation(void)
{
	const struct api_kind *k;
	json_t *o, *c, *old;

	k = K("", "services");
	o = parse("{\"metadata\":{\"name\":\"1svc\",\"namespace\":\"n\"},\"spec\":{\"ports\":"
		  "[{\"port\":80},{\"port\":0,\"name\":\"b\"}],\"type\":\"Weird\"}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "metadata.name", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.ports[0].name", "FieldValueRequired"));
	CHECK(has_cause(c, "spec.ports[1].port", "FieldValueInvalid"));
	CHECK(has_cause(c, "spec.type", "FieldValueNotSupported"));
	json_decref(c);
	json_decref(o);

	old = parse("{\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"spec\":{\"clusterIP\":"
		    "\"10.0.0.5\",\"ports\":[{\"port\":80}]}}");
	o = parse("{\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"spec\":{\"clusterIP\":"
		  "\"10.0.0.6\",\"ports\":[{\"port\":80}]}}");
	c = validate(k, o, old);
	CHECK(json_array_size(c) == 1);
	json_decref(c);
	json_decref(o);
	json_decref(old);

	o = parse("{\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"spec\":{\"ports\":"
		  "[{\"port\":80,\"nodePort\":30080}]}}");
	c = validate(k, o, NULL);
	CHECK(has_message(c, "spec.ports[0].nodePort", "may not be used when `type` is 'ClusterIP'"));
	json_decref(c);
	json_object_set_new(json_object_get(o, "spec"), "type", json_string("NodePort"));
	json_object_set_new(json_array_get(kj_get(o, "spec.ports"), 0), "nodePort",
			    json_integer(80));
	c = validate(k, o, NULL);
	CHECK(has_message(c, "spec.ports[0].nodePort", "30000-32767"));
	json_decref(c);
	json_decref(o);

	k = K("networking.k8s.io", "ingresses");
	o = parse("{\"metadata\":{\"name\":\"i\",\"namespace\":\"n\"},\"spec\":{\"rules\":"
		  "[{\"http\":{\"paths\":[{\"path\":\"/\",\"backend\":{\"service\":{\"name\":"
		  "\"s\",\"port\":{\"number\":80}}}}]}}]}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "spec.rules[0].http.paths[0].pathType", "FieldValueRequired"));
	CHECK(json_array_size(c) == 1);
	json_decref(c);
	json_decref(o);

	k = K("", "namespaces");
	o = parse("{\"metadata\":{\"name\":\"a.b\"}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "metadata.name", "FieldValueInvalid"));
	CHECK(!has_cause(c, "metadata.namespace", NULL));
	json_decref(c);
	json_decref(o);

	k = K("", "configmaps");
	o = parse("{\"metadata\":{\"name\":\"cm\",\"namespace\":\"n\"},\"data\":{\"a b\":\"x\","
		  "\"good.key\":\"y\"}}");
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "data[a b]", "FieldValueInvalid"));
	CHECK(json_array_size(c) == 1);
	json_decref(c);
	char *big = xmalloc(1100 * 1024);
	memset(big, 'x', 1100 * 1024 - 1);
	big[1100 * 1024 - 1] = 0;
	json_object_set_new(json_object_get(o, "data"), "a b", json_string(big));
	json_object_del(json_object_get(o, "data"), "a b");
	json_object_set_new(json_object_get(o, "data"), "big", json_string(big));
	free(big);
	c = validate(k, o, NULL);
	CHECK(has_cause(c, "", "FieldValueTooLong"));
	json_decref(c);
	json_decref(o);

	old = parse("{\"metadata\":{\"name\":\"cm\",\"namespace\":\"n\"},\"immutable\":true,"
		    "\"data\":{\"a\":\"1\"}}");
	o = parse("{\"metadata\":{\"name\":\"cm\",\"namespace\":\"n\"},\"immutable\":true,"
		  "\"data\":{\"a\":\"2\"}}");
	c = validate(k, o, old);
	CHECK(has_cause(c, "data", "FieldValueForbidden"));
	json_decref(c);
	json_decref(o);
	json_decref(old);

	k = K("", "persistentvolumeclaims");
	old = parse("{\"metadata\":{\"name\":\"c\",\"namespace\":\"n\"},\"spec\":{\"accessModes\":"
		    "[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}");
	o = parse("{\"metadata\":{\"name\":\"c\",\"namespace\":\"n\"},\"spec\":{\"accessModes\":"
		  "[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"2Gi\"}}}}");
	c = validate(k, o, old);
	CHECK(json_array_size(c) == 0);
	json_decref(c);
	json_object_set_new(json_object_get(o, "spec"), "accessModes",
			    json_pack("[s]", "ReadWriteMany"));
	c = validate(k, o, old);
	CHECK(has_cause(c, "spec", "FieldValueForbidden"));
	json_decref(c);
	json_decref(o);
	json_decref(old);

	double v;
	CHECK(kinds_quantity_value("100m", &v) && v > 0.0999 && v < 0.1001);
	CHECK(kinds_quantity_value("1Gi", &v) && v == 1073741824.0);
	CHECK(kinds_quantity_value("1e3", &v) && v == 1000.0);
	CHECK(kinds_quantity_value("1.5", &v) && v == 1.5);
	CHECK(!kinds_quantity_valid("1.2.3") && !kinds_quantity_valid("Gi") &&
	      !kinds_quantity_valid("1GB") && !kinds_quantity_valid(""));
}

/* A minimal valid object of every kind passes, on create and as a no-op update. */
static void test_minimal_objects(void)
{
#define TMPL "\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":" \
	"{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"
#define JOBTMPL "\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":" \
	"[{\"name\":\"c\",\"image\":\"x\"}]}}"
#define RBAC_G "rbac.authorization.k8s.io"
	static const struct { const char *group, *resource, *body; } objs[] = {
		{ "", "namespaces", "{}" },
		{ "", "pods", "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}" },
		{ "", "services", "{\"spec\":{\"ports\":[{\"port\":80}]}}" },
		{ "", "endpoints", "{\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"}],"
		  "\"ports\":[{\"port\":80}]}]}" },
		{ "", "configmaps", "{\"data\":{\"a\":\"b\"}}" },
		{ "", "secrets", "{\"data\":{\"a\":\"YQ==\"}}" },
		{ "", "serviceaccounts", "{}" },
		{ "", "nodes", "{\"status\":{\"capacity\":{\"cpu\":\"4\"}}}" },
		{ "", "events", "{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},"
		  "\"type\":\"Normal\",\"reason\":\"X\"}" },
		{ "", "persistentvolumes", "{\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},"
		  "\"accessModes\":[\"ReadWriteOnce\"],\"hostPath\":{\"path\":\"/x\"}}}" },
		{ "", "persistentvolumeclaims", "{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
		  "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}" },
		{ "", "resourcequotas", "{\"spec\":{\"hard\":{\"pods\":\"10\"}}}" },
		{ "", "limitranges", "{\"spec\":{\"limits\":[{\"type\":\"Container\"}]}}" },
		{ "apps", "deployments", "{\"spec\":{" TMPL "}}" },
		{ "apps", "replicasets", "{\"spec\":{" TMPL "}}" },
		{ "apps", "statefulsets", "{\"spec\":{\"serviceName\":\"s\"," TMPL "}}" },
		{ "apps", "daemonsets", "{\"spec\":{" TMPL "}}" },
		{ "batch", "jobs", "{\"spec\":{" JOBTMPL "}}" },
		{ "batch", "cronjobs", "{\"spec\":{\"schedule\":\"@daily\",\"jobTemplate\":"
		  "{\"spec\":{" JOBTMPL "}}}}" },
		{ "coordination.k8s.io", "leases", "{\"spec\":{\"holderIdentity\":\"x\"}}" },
		{ "discovery.k8s.io", "endpointslices", "{\"addressType\":\"IPv4\",\"endpoints\":[]}" },
		{ "events.k8s.io", "events", "{\"eventTime\":\"2024-01-01T00:00:00.000000Z\","
		  "\"reportingController\":\"x\",\"reportingInstance\":\"y\",\"action\":\"A\","
		  "\"reason\":\"R\",\"type\":\"Warning\"}" },
		{ "storage.k8s.io", "storageclasses", "{\"provisioner\":\"atoll.dev/local\"}" },
		{ "networking.k8s.io", "networkpolicies", "{\"spec\":{\"podSelector\":{}}}" },
		{ "networking.k8s.io", "ingresses", "{\"spec\":{\"rules\":[{\"host\":\"a\"}]}}" },
		{ RBAC_G, "roles", "{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],"
		  "\"verbs\":[\"get\"]}]}" },
		{ RBAC_G, "clusterroles", "{\"rules\":[{\"nonResourceURLs\":[\"/healthz\"],"
		  "\"verbs\":[\"get\"]}]}" },
		{ RBAC_G, "rolebindings", "{\"roleRef\":{\"apiGroup\":\"" RBAC_G "\",\"kind\":"
		  "\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\","
		  "\"name\":\"u\"}]}" },
		{ RBAC_G, "clusterrolebindings", "{\"roleRef\":{\"apiGroup\":\"" RBAC_G "\","
		  "\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":"
		  "\"ServiceAccount\",\"name\":\"d\",\"namespace\":\"n\"}]}" },
		{ "apiextensions.k8s.io", "customresourcedefinitions", "{\"spec\":{\"group\":"
		  "\"example.com\",\"scope\":\"Namespaced\",\"names\":{\"plural\":\"things\","
		  "\"kind\":\"Thing\"},\"versions\":[{\"name\":\"v1\",\"served\":true,"
		  "\"storage\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}]}}" },
	};
	size_t seen = 0;

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		const struct api_kind *k = K(objs[i].group, objs[i].resource);
		json_t *o = parse(objs[i].body), *meta, *c;
		const char *name = !strcmp(objs[i].resource, "customresourcedefinitions")
			? "things.example.com" : "obj-1";

		CHECK(k && o);
		if (!k || !o)
			continue;
		seen++;
		meta = json_pack("{s:s,s:s}", "name", name, "uid", "uid-1");
		if (k->namespaced)
			json_object_set_new(meta, "namespace", json_string("ns-1"));
		json_object_set_new(o, "metadata", meta);
		c = validate(k, o, NULL);
		if (json_array_size(c))
			dump_causes(k->kind, c);
		CHECK(json_array_size(c) == 0);
		json_decref(c);
		json_t *unknown = openapi_unknown_fields(k, o);
		CHECK(unknown && json_array_size(unknown) == 0);
		if (json_array_size(unknown))
			dump_causes(k->kind, unknown);
		json_decref(unknown);
		json_t *again = json_deep_copy(o);
		c = validate(k, again, o);
		if (json_array_size(c))
			dump_causes(k->kind, c);
		CHECK(json_array_size(c) == 0);
		json_decref(c);
		json_decref(again);
		json_decref(o);
	}
	CHECK(seen == 30);
}
int main(void)
{
	test_table_rows();
	test_pod_defaults();
	test_other_defaults();
	test_pod_validation();
	test_workload_validation();
	test_other_validation();
	test_minimal_objects();
	return T_DONE();
}
