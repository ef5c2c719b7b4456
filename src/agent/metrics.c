/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's metrics sampler: memory working set and CPU rate of the node
 * and of every running pod and container, from their cgroups (v1 memory and
 * cpuacct, or v2), reported as one NodeMetrics with its PodMetrics. CPU is
 * a rate, so it is the difference to the previous sample (0 at the first).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/metrics.h"
#include "agent/pods_int.h"
#include "lib/log.h"
#include "lib/xalloc.h"

/* "key" -> [cpu ns, monotonic ns]: the last sample's and this one's (sampler thread only; gone pods drop out). */
static json_t *prev, *next;

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The first number in dir/file, or the value after "key " when key is set; -1 when absent. */
static long long read_num(const char *dir, const char *file, const char *key)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	FILE *f = fopen(p, "re");
	char line[256];
	long long v = -1, x;
	size_t kl = key ? strlen(key) : 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!key) {
			if (sscanf(line, "%lld", &x) == 1)
				v = x;
			break;
		}
		if (!strncmp(line, key, kl) && line[kl] == ' ' && sscanf(line + kl + 1, "%lld", &x) == 1) {
			v = x;
			break;
		}
	}
	fclose(f);
	return v;
}

/* Working set as metrics-server computes it: usage minus inactive file pages. */
static long long working_set(const char *memdir, bool v2)
{
	long long use = read_num(memdir, v2 ? "memory.current" : "memory.usage_in_bytes", NULL);
	long long inact = read_num(memdir, "memory.stat", v2 ? "inactive_file" : "total_inactive_file");

	if (use < 0)
		return -1;
	return inact > 0 && inact < use ? use - inact : use;
}

static long long cpu_ns(const char *cpudir, bool v2)
{
	if (v2) {
		long long us = read_num(cpudir, "cpu.stat", "usage_usec");
		return us < 0 ? -1 : us * 1000;
	}
	return read_num(cpudir, "cpuacct.usage", NULL);
}

/* Nanocores since the previous sample under key (0 for the first). */
static long long rate(const char *key, long long ns)
{
	long long now = mono_ns(), r = 0;
	json_t *was = json_object_get(prev, key);

	if (ns < 0)
		return 0;
	if (was) {
		long long dns = ns - json_integer_value(json_array_get(was, 0));
		long long dt = now - json_integer_value(json_array_get(was, 1));
		if (dns > 0 && dt > 0)
			r = (long long)((double)dns * 1e9 / (double)dt);
	}
	json_object_set_new(next, key, json_pack("[I,I]", (json_int_t)ns, (json_int_t)now));
	return r;
}

static json_t *usage(long long nanocores, long long bytes)
{
	char cpu[32], mem[32];

	snprintf(cpu, sizeof(cpu), "%lldn", nanocores);
	snprintf(mem, sizeof(mem), "%lldKi", bytes > 0 ? bytes / 1024 : 0);
	return json_pack("{s:s,s:s}", "cpu", cpu, "memory", mem);
}

/* Which of the pod's cgroup directories (state.json "cgroups") counts memory and CPU. */
static void pod_dirs(const json_t *cgroups, const char **mem, const char **cpu, bool *v2)
{
	size_t i;
	json_t *v;

	*mem = *cpu = NULL;
	*v2 = false;
	json_array_foreach(cgroups, i, v) {
		const char *d = json_string_value(v);
		if (!d)
			continue;
		if (strstr(d, "/memory/"))
			*mem = d;
		else if (strstr(d, "/cpuacct/") || strstr(d, "cpuacct/"))
			*cpu = d;
		else if (!strstr(d, "/cpu/") && !strstr(d, "/pids/"))
			*mem = *cpu = d, *v2 = true;
	}
}

struct snap {
	char *uid, *ns, *name, *dir;
	json_t *labels;
};

static json_t *pod_metrics(const struct snap *p, const char *ts, const char *window)
{
	_cleanup_free_ char *sp = xasprintf("%s/state.json", p->dir);
	json_t *st = json_load_file(sp, 0, NULL), *ctrs = json_array(), *c;
	const char *mem, *cpu, *name;
	bool v2;

	pod_dirs(json_object_get(st, "cgroups"), &mem, &cpu, &v2);
	if (!mem) {
		json_decref(st);
		json_decref(ctrs);
		return NULL;
	}
	size_t running = 0;
	json_object_foreach(json_object_get(st, "containers"), name, c)
		running += json_string_value(json_object_get(c, "state")) &&
			   !strcmp(json_string_value(json_object_get(c, "state")), "running");
	json_object_foreach(json_object_get(st, "containers"), name, c) {
		const char *state = json_string_value(json_object_get(c, "state"));
		if (!state || strcmp(state, "running"))
			continue;
		/* Each container's own cgroup sits below the pod's (made by pod init). */
		_cleanup_free_ char *md = xasprintf("%s/%s", mem, name);
		_cleanup_free_ char *cd = cpu ? xasprintf("%s/%s", cpu, name) : NULL;
		_cleanup_free_ char *key = xasprintf("%s/%s", p->uid, name);
		long long ws = working_set(md, v2);
		/* A pod started before containers had cgroups of their own: its one container is the pod. */
		if (ws < 0 && running == 1) {
			free(md);
			free(cd);
			md = xstrdup(mem);
			cd = cpu ? xstrdup(cpu) : NULL;
			ws = working_set(md, v2);
		}
		if (ws < 0)
			continue;
		json_array_append_new(ctrs, json_pack("{s:s,s:o}", "name", name, "usage",
						      usage(cd ? rate(key, cpu_ns(cd, v2)) : 0, ws)));
	}
	json_decref(st);
	/* As metrics-server, a pod with nothing measured (none running yet) is left out. */
	if (!json_array_size(ctrs)) {
		json_decref(ctrs);
		return NULL;
	}
	return json_pack("{s:{s:s,s:s,s:s,s:O},s:s,s:s,s:o}", "metadata", "name", p->name, "namespace", p->ns,
			 "creationTimestamp", ts, "labels", p->labels ?: json_object(), "timestamp", ts, "window",
			 window, "containers", ctrs);
}

/* The node: memory in use from /proc/meminfo, CPU from /proc/stat's busy time. */
static json_t *node_usage(void)
{
	long long total = -1, avail = -1, v;
	char line[512];
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %lld kB", &v) == 1)
			total = v * 1024;
		else if (sscanf(line, "MemAvailable: %lld kB", &v) == 1)
			avail = v * 1024;
	}
	if (f)
		fclose(f);
	long long busy = -1;
	unsigned long long u, n, s, idle, io, irq, sirq, steal;
	if ((f = fopen("/proc/stat", "re"))) {
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &s, &idle, &io, &irq, &sirq,
			   &steal) == 8)
			busy = (long long)((u + n + s + irq + sirq + steal) * (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK)));
		fclose(f);
	}
	return usage(rate("node", busy), total > 0 && avail >= 0 ? total - avail : 0);
}

static void sample(struct loop *l, int period)
{
	struct snap *s = NULL;
	size_t n = 0, cap = 0;
	char ts[32], window[16];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(window, sizeof(window), "%ds", period);
	pthread_mutex_lock(&l->mu);
	for (struct pod *p = l->pods; p; p = p->next) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			s = xrealloc(s, cap * sizeof(*s));
		}
		json_t *labels = json_object_get(json_object_get(p->obj, "metadata"), "labels");
		s[n++] = (struct snap){ xstrdup(p->uid), xstrdup(p->ns), xstrdup(p->name), xstrdup(p->dir),
					labels ? json_deep_copy(labels) : NULL };
	}
	pthread_mutex_unlock(&l->mu);
	json_t *pods = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *pm = pod_metrics(&s[i], ts, window);
		if (pm)
			json_array_append_new(pods, pm);
		free(s[i].uid);
		free(s[i].ns);
		free(s[i].name);
		free(s[i].dir);
		json_decref(s[i].labels);
	}
	free(s);
	json_t *body = json_pack("{s:s,s:s,s:{s:s},s:s,s:s,s:o,s:o}", "kind", "NodeMetrics", "apiVersion",
				 "metrics.k8s.io/v1beta1", "metadata", "name", l->node, "timestamp", ts, "window",
				 window, "usage", node_usage(), "pods", pods);
	_cleanup_free_ char *path = xasprintf("/apis/metrics.k8s.io/v1beta1/nodes/%s", l->node);
	struct atoll_err err = ERR_INIT;
	int code = kclient_do(l->kc, "PUT", path, "application/json", body, NULL, &err);
	if (code != 200)
		log_error("metrics", "report for node %s: %s", l->node, code < 0 ? err.msg : "refused");
	json_decref(body);
}

static void *run(void *arg)
{
	struct loop *l = arg;
	const char *e = getenv("ATOLL_METRICS_SECONDS");
	int period = e && atoi(e) > 0 ? atoi(e) : 15;

	prev = json_object();
	for (;;) {
		next = json_object();
		sample(l, period);
		json_decref(prev);
		prev = next;
		sleep((unsigned)period);
	}
	return NULL;
}

void agent_metrics_start(struct loop *l)
{
	pthread_t t;

	if (pthread_create(&t, NULL, run, l) == 0)
		pthread_detach(t);
}
