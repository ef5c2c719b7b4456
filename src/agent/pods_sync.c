/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Driving one pod through its shim: images, sandbox.json, the shim (spawned,
 * or adopted when one already runs), then init containers one after the
 * other and the regular ones, with restarts per restartPolicy and back-off.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "agent/client.h"
#include "agent/env.h"
#include "agent/pods_int.h"
#include "api/quantity.h"
#include "auth/auth_quota.h"
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

	if (p->deleting || p->finished)
		return false;
	/* An init container that succeeded is done; one that failed is retried unless Never. */
	if (c->is_init)
		return exit_code != 0 && strcmp(rp, "Never");
	return !strcmp(rp, "Always") || (!strcmp(rp, "OnFailure") && exit_code != 0);
}

json_t *pods_ctr_state(const struct pod *p, const struct pctr *c)
{
	return json_object_get(json_object_get(p->state, "containers"), c->name);
}

/* Prepare every distinct image once (the cache makes this cheap after the first time). */
static int prepare_images(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;

	for (size_t i = 0; i < p->nimgs; i++) {
		if (p->imgs[i].rootfs)
			continue;
		if (image_prepare(p->refs[i], l->agent_dir, 0, &p->imgs[i], &err) < 0) {
			snprintf(p->error, sizeof(p->error), "%s: %s", p->refs[i], err.msg);
			snprintf(p->error_reason, sizeof(p->error_reason), "ErrImagePull");
			memset(&p->imgs[i], 0, sizeof(p->imgs[i]));
			return -1;
		}
	}
	p->images_ready = true;
	for (size_t i = 0; i < p->nimgs; i++)
		pods_event(l, p, NULL, "Normal", "Pulled", "Container image \"%s\" is ready", p->refs[i]);
	return 0;
}

static void add_limit(const json_t *lim, const char *what, int64_t *sum)
{
	struct quantity q;
	int64_t v = 0;
	const char *s = json_string_value(json_object_get(lim, what));

	if (!s || quantity_parse(s, &q, NULL) < 0)
		return;
	if (!strcmp(what, "cpu") ? quantity_milli(&q, &v) : quantity_value(&q, &v))
		return;
	if (v > 0)
		*sum += v;
}

/* The pod's limits as the kubelet sizes a sandbox: max(largest init container, sum of the others). */
static void pod_limits(const struct pod *p, int64_t *cpu_milli, int64_t *memory)
{
	int64_t cpu = 0, mem = 0, icpu = 0, imem = 0;

	for (size_t i = 0; i < p->n; i++) {
		const json_t *lim = json_object_get(json_object_get(p->c[i].spec, "resources"), "limits");
		int64_t c = 0, m = 0;
		add_limit(lim, "cpu", &c);
		add_limit(lim, "memory", &m);
		if (p->c[i].is_init) {
			icpu = c > icpu ? c : icpu;
			imem = m > imem ? m : imem;
		} else {
			cpu += c;
			mem += m;
		}
	}
	*cpu_milli = cpu > icpu ? cpu : icpu;
	*memory = mem > imem ? mem : imem;
}

char *pods_node_cidr(struct loop *l)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/api/v1/nodes/%s", l->node);
	json_t *node = NULL;
	char *cidr = NULL;

	if (kclient_do(l->kc, "GET", path, NULL, NULL, &node, &err) == 200) {
		const char *c = json_string_value(json_object_get(json_object_get(node, "spec"), "podCIDR"));
		if (c && *c)
			cidr = xstrdup(c);
	}
	json_decref(node);
	return cidr;
}

/*
 * The limits of the namespace's resource pool (the parent cgroup of all its
 * sandboxes) from its ResourceQuotas. -1 with p->error when they cannot be
 * read: starting the sandbox without them would lift the pool's limits.
 */
static int pool_limits(struct loop *l, struct pod *p, long *cpu_milli, long long *memory)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/resourcequotas", p->ns);
	json_t *list = NULL;
	int code = kclient_do(l->kc, "GET", path, NULL, NULL, &list, &err);

	if (code == 200)
		quota_pool_limits(list, cpu_milli, memory);
	else
		snprintf(p->error, sizeof(p->error), "reading the ResourceQuotas of %s: %s", p->ns,
			 code < 0 ? err.msg : "refused");
	json_decref(list);
	return code == 200 ? 0 : -1;
}

static int write_sandbox_json(struct loop *l, struct pod *p)
{
	const char *hn = json_string_value(json_object_get(p->spec, "hostname"));
	_cleanup_free_ char *host = xstrndup(hn && *hn ? hn : p->name, 63);
	int64_t cpu, mem;
	long pool_cpu = 0;
	long long pool_mem = 0;

	pod_limits(p, &cpu, &mem);
	if (*p->ns && pool_limits(l, p, &pool_cpu, &pool_mem) < 0)
		return -1;
	json_t *imgs = json_array();
	for (size_t i = 0; i < p->nimgs; i++)
		json_array_append_new(imgs, json_string(p->imgs[i].rootfs));
	json_t *o = json_pack("{s:s,s:o,s:[],s:I,s:I,s:i,s:b,s:s}", "hostname", host, "images", imgs, "volumes",
			      "cpu_milli", (json_int_t)cpu, "memory", (json_int_t)mem, "pids", 0, "network", 0,
			      "namespace", p->ns);
	if (json_array_size(json_object_get(p->spec, "hostAliases")))
		json_object_set(o, "hostAliases", json_object_get(p->spec, "hostAliases"));
	if (pool_cpu > 0)
		json_object_set_new(o, "pool_cpu_milli", json_integer(pool_cpu));
	if (pool_mem > 0)
		json_object_set_new(o, "pool_memory", json_integer(pool_mem));
	/* Pod networking is opt-in (--pod-network) until every node has it; it needs the Node's podCIDR. */
	if (l->pod_network && !json_is_true(json_object_get(p->spec, "hostNetwork"))) {
		char *cidr = pods_node_cidr(l);
		if (cidr) {
			json_object_set_new(o, "network", json_true());
			json_object_set_new(o, "pod_cidr", json_string(cidr));
			free(cidr);
		}
	}
	_cleanup_free_ char *path = xasprintf("%s/sandbox.json", p->dir);
	int r = json_dump_file(o, path, JSON_INDENT(1));
	json_decref(o);
	if (r < 0) {
		snprintf(p->error, sizeof(p->error), "%s: cannot write", path);
		return -1;
	}
	return 0;
}

/* Adopt a shim that already runs the pod (an agent restart), else start one. */
/* Prepare a new sandbox and fork its shim; p->spawn_fd then reports when it is up. */
static int sandbox_begin(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;
	_cleanup_free_ char *pods = xasprintf("%s/pods", l->data_dir);

	if (!p->images_ready && prepare_images(l, p) < 0)
		return -1;
	mkdir(l->data_dir, 0700);
	mkdir(pods, 0700);
	mkdir(p->dir, 0700);
	if (write_sandbox_json(l, p) < 0)
		return -1;
	/* A new sandbox: the old one's state and logs (if any) are history. */
	_cleanup_free_ char *st = xasprintf("%s/state.json", p->dir);
	unlink(st);
	if ((p->spawn_fd = shim_spawn_begin(p->dir, l->agent_dir, &err)) < 0) {
		snprintf(p->error, sizeof(p->error), "%s", err.msg);
		snprintf(p->error_reason, sizeof(p->error_reason), "CreatePodSandboxError");
		return -1;
	}
	return 0;
}

static bool adopt(struct pod *p)
{
	struct atoll_err err = ERR_INIT;

	p->fd = shim_connect(p->dir, &err);
	if (p->fd >= 0)
		log_info("agent", "pod %s/%s: adopted its running sandbox", p->ns, p->name);
	return p->fd >= 0;
}

void pods_spawn_early(struct loop *l, struct pod *p)
{
	if (p->finished || p->deleting || p->fd >= 0 || p->spawn_fd >= 0 || p->state || time(NULL) < p->retry_at)
		return;
	/* Adopting needs nothing else: images are prepared when a container is (re)created. */
	if (!adopt(p) && sandbox_begin(l, p) < 0)
		p->early_failed = true; /* sandbox_up reports it */
}

static int sandbox_up(struct loop *l, struct pod *p)
{
	struct atoll_err err = ERR_INIT;

	if (p->early_failed) {
		p->early_failed = false;
		return -1;
	}
	if (p->spawn_fd < 0) {
		if (adopt(p))
			return 0;
		if (sandbox_begin(l, p) < 0)
			return -1;
	}
	int fd = p->spawn_fd;
	p->spawn_fd = -1;
	if (shim_spawn_finish(fd, p->dir, &err) < 0 || (p->fd = shim_connect(p->dir, &err)) < 0) {
		snprintf(p->error, sizeof(p->error), "%s", err.msg);
		snprintf(p->error_reason, sizeof(p->error_reason), "CreatePodSandboxError");
		return -1;
	}
	return 0;
}

static json_t *strv(char **v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* The shim's create request for c: image config overridden by the container spec. */
static json_t *create_req(struct loop *l, struct pod *p, struct pctr *c)
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
	char lower[32];
	snprintf(lower, sizeof(lower), "/images/%zu", c->image);
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:b,s:b,s:b,s:i}", "op", "create", "id", c->name, "lower", lower,
			 "args", argv, "env", env, "cwd", wd && *wd ? wd : (ic->workdir && *ic->workdir ? ic->workdir : "/"),
			 "user", user, "init", c->is_init, "tty", json_is_true(json_object_get(c->spec, "tty")),
			 "stdin", json_is_true(json_object_get(c->spec, "stdin")), "restarts", c->restarts_base);
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
		if (!p->images_ready && prepare_images(l, p) < 0) {
			snprintf(c->config_error, sizeof(c->config_error), "%s", p->error);
			p->error[0] = '\0';
			c->next_start = time(NULL) + 5;
			return;
		}
		json_t *req = create_req(l, p, c);
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
 * Walk the containers: init containers one at a time, in order, each to
 * success; then every regular container. Returns true when the pod has
 * reached its end (nothing runs and nothing will be restarted).
 */
static bool drive(struct loop *l, struct pod *p)
{
	time_t now = time(NULL);
	bool all_done = true;

	for (size_t i = 0; i < p->n; i++) {
		struct pctr *c = &p->c[i];
		json_t *st = pods_ctr_state(p, c);
		const char *s = json_string_value(json_object_get(st, "state"));
		if (!st || !s || !strcmp(s, "creating")) {
			/* Not there yet, or its create failed (the reason is in config_error): (re)create. */
			bool failed = st && json_object_get(st, "error");
			if ((!st || failed) && now >= c->next_start)
				run_ctr(l, p, c, false);
			return false;
		}
		if (!strcmp(s, "created")) {
			if (now >= c->next_start)
				run_ctr(l, p, c, true);
			return false;
		}
		if (!strcmp(s, "running")) {
			if (c->is_init)
				return false;
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
			if (c->is_init)
				return false;
			all_done = false;
		} else if (c->is_init && code != 0) {
			return true; /* restartPolicy Never: the pod has failed */
		}
	}
	return all_done;
}

static bool refresh_state(struct pod *p)
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

void pods_sync(struct loop *l, struct pod *p)
{
	time_t now = time(NULL);

	if (p->finished || p->deleting)
		return;
	if (p->fd < 0) {
		if (p->state) {
			/* Lost: a pod that would restart something gets a new sandbox. */
			bool again = false;
			for (size_t i = 0; i < p->n; i++) {
				json_t *st = pods_ctr_state(p, &p->c[i]);
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
		if (sandbox_up(l, p) < 0) {
			int back = 1 << (p->setup_failures < 5 ? p->setup_failures : 5);
			p->setup_failures++;
			p->retry_at = now + back;
			log_warn("agent", "pod %s/%s: %s", p->ns, p->name, p->error);
			return;
		}
		p->error[0] = '\0';
		p->setup_failures = 0;
	}
	if (!refresh_state(p)) {
		shim_lost(p);
		return;
	}
	/*
	 * Started something: look again at once, so that the next container
	 * (after an init container, say) and the status need not wait a tick.
	 */
	bool done = drive(l, p);
	for (int round = 0; !done && p->acted && round < 8; round++) {
		p->acted = false;
		if (!refresh_state(p)) {
			shim_lost(p);
			return;
		}
		done = drive(l, p);
	}
	p->acted = false;
	if (done) {
		/* The end: the sandbox goes, the status stays as it was last seen. */
		refresh_state(p);
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
