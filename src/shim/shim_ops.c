/* SPDX-License-Identifier: Apache-2.0 */
/* Control requests (create, start, signal, state, stop) and what pod init tells us back. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "shim/shim_int.h"


/*
 * The create message for pod init: the client's spec with our process
 * number, the pod's host name, /etc/hosts and /etc/resolv.conf bound from
 * POD_DIR/etc, and mounts of a sandbox volume named by its "guest" path
 * pointed at where the sandbox really holds it (/volumes/N).
 */
static json_t *init_create(struct shim *s, struct shim_ctr *k)
{
	json_t *m = json_deep_copy(k->spec), *mounts = json_array(), *v;
	json_t *vols = json_object_get(s->cfg, "volumes");
	size_t i;

	json_object_set_new(m, "op", json_string("create"));
	json_object_set_new(m, "proc", json_integer(k->proc));
	const char *hn = json_string_value(json_object_get(s->cfg, "hostname"));
	if (hn && *hn)
		json_object_set_new(m, "hostname", json_string(hn));
	json_array_foreach(json_object_get(k->spec, "mounts"), i, v) {
		json_t *mv = json_deep_copy(v);
		const char *src = json_string_value(json_object_get(v, "source"));
		size_t j;
		json_t *vol;
		json_array_foreach(vols, j, vol) {
			const char *g = json_string_value(json_object_get(vol, "guest"));
			size_t gl = g ? strlen(g) : 0;
			if (src && gl && !strncmp(src, g, gl) && (src[gl] == '\0' || src[gl] == '/')) {
				_cleanup_free_ char *real = xasprintf("/volumes/%zu%s", j, src + gl);
				json_object_set_new(mv, "source", json_string(real));
				break;
			}
		}
		json_array_append_new(mounts, mv);
	}
	static const char *const etc[] = { "hosts", "resolv.conf" };
	for (size_t e = 0; e < 2; e++) {
		_cleanup_free_ char *src = xasprintf("/volumes/%zu/%s", s->nvols, etc[e]);
		_cleanup_free_ char *dst = xasprintf("/etc/%s", etc[e]);
		json_array_append_new(mounts, json_pack("{s:s,s:s,s:b}", "source", src, "target", dst, "readonly", 0));
	}
	json_object_set_new(m, "mounts", mounts);
	return m;
}

static void send_create(struct shim *s, struct shim_ctr *k, struct shim_conn *c, const char *what)
{
	k->proc = s->next_proc++;
	k->creating = true;
	shim_init_request(s, init_create(s, k), c, what, k);
}

static void open_log(struct shim *s, struct shim_ctr *k)
{
	_cleanup_free_ char *path = xasprintf("%s/%s.log", s->log_dir, k->name);

	if (shim_log_open(&k->log, path) < 0)
		log_error("shim", "%s: cannot open its log", k->name);
}

/*
 * An ended instance makes way for the next: its log becomes <id>.log.1, and
 * the older part of it set aside at a rotation <id>.log.1.rotated (so that
 * --previous shows the whole of it).
 */
static void retire(struct shim *s, struct shim_ctr *k)
{
	_cleanup_free_ char *cur = xasprintf("%s/%s.log", s->log_dir, k->name);
	_cleanup_free_ char *prev = xasprintf("%s/%s.log.1", s->log_dir, k->name);
	_cleanup_free_ char *cur_aside = xasprintf("%s.rotated", cur);
	_cleanup_free_ char *prev_aside = xasprintf("%s.rotated", prev);

	shim_log_close(&k->log);
	if (rename(cur_aside, prev_aside) < 0)
		unlink(prev_aside); /* an older instance's, which would be read as this one's */
	rename(cur, prev);
}

static void op_create(struct shim *s, struct shim_conn *c, json_t *req)
{
	const char *id = json_string_value(json_object_get(req, "id"));
	struct shim_ctr *k = shim_find_ctr(s, id);

	if (!id || !*id || strlen(id) >= sizeof(k->name) || strchr(id, '/') || id[0] == '.')
		return shim_conn_reply(c, "bad container id", NULL);
	if (k && (k->state == SC_RUNNING || k->creating))
		return shim_conn_reply(c, "container exists", NULL);
	bool replace = k && (k->state == SC_CREATED || k->state == SC_EXITED);
	if (!k) {
		if (s->nctrs == SHIM_MAX_CTRS)
			return shim_conn_reply(c, "too many containers", NULL);
		k = &s->ctrs[s->nctrs++];
		memset(k, 0, sizeof(*k));
		k->log.fd = -1;
		buf_init(&k->log.pend[0]);
		buf_init(&k->log.pend[1]);
		snprintf(k->name, sizeof(k->name), "%s", id);
	}
	json_decref(k->spec);
	k->spec = json_deep_copy(req);
	json_object_del(k->spec, "op");
	json_object_del(k->spec, "seq");
	json_object_del(k->spec, "proc");
	/* A container carried over from a previous sandbox keeps counting its restarts. */
	json_t *rs = json_object_get(req, "restarts");
	if (json_is_integer(rs) && json_integer_value(rs) >= 0)
		k->restarts = (int)json_integer_value(rs);
	json_object_del(k->spec, "restarts");
	if (replace) {
		/* A new definition (an image update): the old container goes, as for a restart. */
		if (k->state == SC_EXITED) {
			retire(s, k);
			k->restarting = true;
		}
		k->state = SC_NONE;
		k->error[0] = '\0';
		shim_init_request(s, json_pack("{s:s,s:s}", "op", "remove", "id", k->name), NULL, "remove", k);
	}
	send_create(s, k, c, "create");
}

/* Start a created container, or restart an exited one as a fresh container. */
static void op_start(struct shim *s, struct shim_conn *c, json_t *req)
{
	struct shim_ctr *k = shim_find_ctr(s, json_string_value(json_object_get(req, "id")));

	if (!k || (k->state == SC_NONE && !k->creating))
		return shim_conn_reply(c, k && k->error[0] ? k->error : "no such container", NULL);
	if (k->state == SC_RUNNING)
		return shim_conn_reply(c, "container is running", NULL);
	if (k->state == SC_EXITED) {
		retire(s, k);
		k->restarting = true;
		k->state = SC_NONE;
		k->error[0] = '\0';
		shim_init_request(s, json_pack("{s:s,s:s}", "op", "remove", "id", k->name), NULL, "remove", k);
		send_create(s, k, NULL, "recreate");
	}
	shim_init_request(s, json_pack("{s:s,s:s}", "op", "start", "id", k->name), c, "start", k);
}

static void op_stop(struct shim *s, struct shim_conn *c, json_t *req)
{
	json_t *g = json_object_get(req, "grace_ms");
	size_t i;

	for (i = 0; i < sizeof(s->stop_conns) / sizeof(s->stop_conns[0]); i++)
		if (!s->stop_conns[i]) {
			s->stop_conns[i] = c;
			break;
		}
	if (i == sizeof(s->stop_conns) / sizeof(s->stop_conns[0]))
		return shim_conn_reply(c, "too many stop requests", NULL);
	if (s->stopping)
		return;
	s->stopping = true;
	shim_stop_deadline(s, g ? json_integer_value(g) : 10000);
	shim_init_request(s, json_pack("{s:s,s:I}", "op", "stop", "grace_ms", g ? json_integer_value(g) : 10000),
			  NULL, "stop", NULL);
}

void shim_op_control(struct shim *s, struct shim_conn *c, json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));

	if (s->stopping && strcmp(op, "state") && strcmp(op, "stop"))
		return shim_conn_reply(c, "the pod is stopping", NULL);
	if (!strcmp(op, "create")) {
		op_create(s, c, req);
	} else if (!strcmp(op, "start")) {
		op_start(s, c, req);
	} else if (!strcmp(op, "signal")) {
		struct shim_ctr *k = shim_find_ctr(s, json_string_value(json_object_get(req, "id")));
		if (!k || k->state != SC_RUNNING)
			return shim_conn_reply(c, "container is not running", NULL);
		shim_init_request(s, json_pack("{s:s,s:i,s:I}", "op", "signal", "proc", (int)k->proc, "signal",
					       json_integer_value(json_object_get(req, "signal"))),
				  c, "forward", k);
	} else if (!strcmp(op, "state")) {
		shim_conn_reply(c, NULL, json_pack("{s:o}", "state", shim_state(s)));
	} else if (!strcmp(op, "stop")) {
		op_stop(s, c, req);
	} else if (!strcmp(op, "add_image")) {
		shim_op_add_image(s, c, req);
	} else {
		char msg[128];
		snprintf(msg, sizeof(msg), "unknown op '%.64s'", op);
		shim_conn_reply(c, msg, NULL);
	}
}

void shim_on_reply(struct shim *s, json_t *msg, struct shim_conn *conn, const char *what, struct shim_ctr *k)
{
	bool ok = json_is_true(json_object_get(msg, "ok"));
	const char *error = ok ? NULL : json_string_value(json_object_get(msg, "error"));

	if (!ok && !error)
		error = "refused by pod init";
	if (!strcmp(what, "create") || !strcmp(what, "recreate")) {
		k->creating = false;
		if (ok) {
			k->state = SC_CREATED;
			open_log(s, k);
		} else {
			snprintf(k->error, sizeof(k->error), "%s", error);
			log_error("shim", "create %s: %s", k->name, error);
		}
		shim_save_state(s);
	} else if (!strcmp(what, "start")) {
		if (ok) {
			k->state = SC_RUNNING;
			k->pid = (pid_t)json_integer_value(json_object_get(msg, "pid"));
			shim_now_seconds(k->started, sizeof(k->started));
			k->finished[0] = '\0';
			k->exit_code = k->signal = 0;
			k->oom = false;
			long ooms = sb_cgroup_ctr_oom_kills(&s->sb.cg, k->name);
			k->ooms_at_start = ooms > 0 ? ooms : 0;
			if (k->restarting)
				k->restarts++;
			k->restarting = false;
			shim_save_state(s);
		} else if (k->error[0]) {
			error = k->error;
		}
		if (conn)
			shim_conn_reply(conn, error, ok ? json_pack("{s:i}", "pid", (int)k->pid) : NULL);
		return;
	} else if (!strcmp(what, "pfconnect")) {
		if (conn) {
			shim_conn_reply(conn, error, NULL);
			if (!ok)
				conn->closing = true;
		}
		return;
	} else if (!strcmp(what, "exec")) {
		if (conn) {
			shim_conn_reply(conn, error, NULL);
			if (!ok)
				conn->closing = true;
		}
		return;
	} else if (!strcmp(what, "stop") || !strcmp(what, "remove") || !strcmp(what, "ignore")) {
		return;
	}
	if (conn)
		shim_conn_reply(conn, error, NULL);
}

static void end_streams(struct shim *s, uint32_t proc, struct shim_ctr *k, json_t *msg)
{
	json_t *ev = json_pack("{s:s}", "op", "exit");

	if (json_object_get(msg, "signal"))
		json_object_set(ev, "signal", json_object_get(msg, "signal"));
	else
		json_object_set(ev, "status", json_object_get(msg, "status"));
	char *j = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	for (struct shim_conn *c = s->conns; j && c; c = c->next) {
		if (c->kind == CONN_PF && c->proc && c->proc == proc) {
			/* A VM's forwarded connection ended inside the guest: the client gets EOF. */
			c->tcp_eof = true;
			c->closing = true;
			continue;
		}
		if ((c->kind == CONN_EXEC && c->proc == proc) || (c->kind == CONN_ATTACH && k && c->ctr == k)) {
			shim_conn_frame(c, PI_CTL, 0, j, strlen(j));
			c->closing = true;
		}
	}
	free(j);
}

void shim_on_exit(struct shim *s, json_t *msg)
{
	uint32_t proc = (uint32_t)json_integer_value(json_object_get(msg, "proc"));
	struct shim_ctr *k = NULL;

	for (size_t i = 0; i < s->nctrs; i++)
		if (s->ctrs[i].proc == proc && s->ctrs[i].state == SC_RUNNING)
			k = &s->ctrs[i];
	if (k) {
		json_t *sig = json_object_get(msg, "signal");
		k->state = SC_EXITED;
		k->signal = sig ? (int)json_integer_value(sig) : 0;
		k->exit_code = sig ? 128 + k->signal : (int)json_integer_value(json_object_get(msg, "status"));
		shim_now_seconds(k->finished, sizeof(k->finished));
		/* The kernel counts an OOM kill before the killed process's exit reaches us. */
		long ooms = sb_cgroup_ctr_oom_kills(&s->sb.cg, k->name);
		k->oom = k->signal == SIGKILL && ooms > k->ooms_at_start;
		shim_log_close(&k->log);
		shim_save_state(s);
	}
	end_streams(s, proc, k, msg);
}

void shim_on_output(struct shim *s, uint8_t type, uint32_t proc, const char *data, size_t len)
{
	for (size_t i = 0; i < s->nctrs; i++) {
		struct shim_ctr *k = &s->ctrs[i];
		if (k->proc != proc)
			continue;
		shim_log_write(&k->log, type == PI_STDERR, data, len);
		for (struct shim_conn *c = s->conns; c; c = c->next)
			if (c->kind == CONN_ATTACH && c->ctr == k && !c->closing)
				shim_conn_frame(c, type, 1, data, len);
		return;
	}
	for (struct shim_conn *c = s->conns; c; c = c->next) {
		if (c->kind == CONN_EXEC && c->proc == proc)
			shim_conn_frame(c, type, 1, data, len);
		else if (c->kind == CONN_PF && c->proc && c->proc == proc && !c->dead) {
			/* A VM's forwarded bytes: raw, as from a socket; a reader far behind is dropped, as streams are. */
			if (c->out.len - c->out_off > (8u << 20))
				c->dead = true;
			else
				buf_add(&c->out, data, len);
		}
	}
}
