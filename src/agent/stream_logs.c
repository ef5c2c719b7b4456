/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /containerLogs/NS/POD/CTR on the agent: a container's log rendered
 * for `kubectl logs` (crilog.c). With follow the answer grows as the file
 * does, until the container has exited (state.json) or the pod is gone.
 * The streaming server runs a thread per connection, so waiting here
 * blocks nobody else.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/crilog.h"
#include "agent/pods.h"
#include "agent/stream.h"
#include "api/pki.h"
#include "lib/serverlibs.h"
#include "lib/xalloc.h"

struct follow {
	struct crilog c;
	int fd;
	char *state, *dir, *ctr; /* the shim's state.json, the pod's runtime directory */
	struct buf out;
	size_t out_off;
	int idle;
};

static const char *query(void *ctx, const char *key)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

/* Has the container stopped for good (exited, or the pod is gone)? */
static bool finished(struct follow *f)
{
	json_t *st = json_load_file(f->state, 0, NULL);
	struct stat sb;

	if (!st)
		return stat(f->dir, &sb) < 0;
	const char *s = json_string_value(
		json_object_get(json_object_get(json_object_get(st, "containers"), f->ctr), "state"));
	bool done = s && !strcmp(s, "exited");
	json_decref(st);
	return done;
}

static ssize_t follow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct follow *f = cls;
	char tmp[16384];

	/* Bounded: a check every 200 ms, for as long as the container runs. */
	while (f->out_off == f->out.len) {
		buf_reset(&f->out);
		f->out_off = 0;
		if (crilog_done(&f->c))
			return MHD_CONTENT_READER_END_OF_STREAM;
		ssize_t n = read(f->fd, tmp, sizeof(tmp));
		if (n > 0) {
			crilog_feed(&f->c, tmp, (size_t)n, &f->out);
			f->idle = 0;
			continue;
		}
		if (n < 0 || (++f->idle % 5 == 0 && finished(f)))
			return MHD_CONTENT_READER_END_OF_STREAM;
		usleep(200 * 1000);
	}
	size_t k = f->out.len - f->out_off;
	if (k > max)
		k = max;
	memcpy(buf, f->out.p + f->out_off, k);
	f->out_off += k;
	return (ssize_t)k;
}

static void follow_free(void *cls)
{
	struct follow *f = cls;

	crilog_release(&f->c);
	close(f->fd);
	buf_release(&f->out);
	free(f->dir);
	free(f->state);
	free(f->ctr);
	free(f);
}

static int reply(struct MHD_Connection *conn, unsigned code, char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);

	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	enum MHD_Result ok = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ok;
}

int stream_logs(struct MHD_Connection *conn, const char *data_dir, const char *run_dir, const json_t *pod,
		const char *ctr)
{
	struct crilog_opts o;
	char why[256];

	if (crilog_opts_parse(query, conn, &o, why, sizeof(why)) < 0)
		return reply(conn, 400, xstrdup(why), strlen(why));
	const char *uid = json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid"));
	_cleanup_free_ char *base = pods_log_path(data_dir, uid ? uid : "-", ctr);
	_cleanup_free_ char *path = xasprintf("%s%s", base, o.previous ? ".1" : "");
	size_t len = 0, aside = 0;
	/* The part set aside at a rotation comes first, so tail and since see across it. */
	_cleanup_free_ char *text = crilog_read(path, &len, &aside);
	if (!text) {
		char *msg = o.previous ? xasprintf("previous terminated container \"%s\" not found", ctr)
				       : xasprintf("container \"%s\" has no log yet", ctr);
		return reply(conn, o.previous ? 400 : 404, msg, strlen(msg));
	}
	if (!o.follow || o.previous) {
		struct buf out = BUF_INIT;
		crilog_render(text, len, &o, &out);
		size_t n;
		char *body = buf_detach(&out, &n);
		return reply(conn, 200, body, n);
	}
	struct follow *f = xcalloc(1, sizeof(*f));
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		free(f);
		return reply(conn, 404, xstrdup("no log"), 6);
	}
	size_t start = crilog_tail_start(text, len, o.tail);
	lseek(f->fd, start < aside ? 0 : (off_t)(start - aside), SEEK_SET);
	crilog_init(&f->c, &o);
	buf_init(&f->out);
	if (start < aside)
		crilog_feed(&f->c, text + start, aside - start, &f->out);
	f->dir = pods_dir_path(run_dir, uid ? uid : "-");
	f->state = xasprintf("%s/state.json", f->dir);
	f->ctr = xstrdup(ctr);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, follow_read, f,
								   follow_free);
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	enum MHD_Result ok = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ok;
}
