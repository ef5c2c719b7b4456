/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubectl logs -f`: stream a log file as it grows. Like a watch, a follower
 * holds no thread: with nothing new to send its connection is suspended, and
 * a timer resumes followers four times a second to look again. The stream
 * ends when the pod is gone or its container has finished and all is sent.
 */
#include <fcntl.h>
#include "lib/jparse.h"
#include "lib/serverlibs.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/crilog.h"
#include "api/logs.h"
#include "api/server.h"
#include "lib/xalloc.h"
#include "store/store.h"

struct follower {
	pthread_mutex_t mu;
	struct MHD_Connection *conn;
	struct store *store;
	char *pod_key;      /* the pod's store key: its deletion ends the stream */
	char *uid;
	char *container;
	char *path;         /* the log file's name, to notice its rotation */
	int fd;
	struct crilog render;  /* file bytes become what kubectl shows */
	struct buf out;        /* rendered, not yet sent */
	size_t out_off;
	bool suspended, closed, ending;
	int idle_ticks;     /* checks with nothing new; the pod is looked at every few */
	struct follower *next, *prev;
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct follower *followers;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Is the container still able to write more? */
static bool still_running(struct follower *f)
{
	struct atoll_err err = ERR_INIT;
	struct store_kv kv = { 0 };

	if (store_get(f->store, f->pod_key, &kv, &err) < 0)
		return false;
	json_t *pod = jparse_loadb(kv.value->data, kv.value->len, 0, NULL);
	store_kv_release(&kv);
	bool running = false;
	const char *uid = json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid"));
	if (uid && !strcmp(uid, f->uid)) {
		const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
		running = !phase || (strcmp(phase, "Succeeded") && strcmp(phase, "Failed"));
	}
	json_decref(pod);
	return running;
}

/*
 * The shim moved the file aside. For its size (to <ctr>.log.rotated) the
 * stream goes on in the new file; for a restart (to <ctr>.log.1) that
 * container instance has ended, and so does the stream.
 */
static bool rotated(struct follower *f)
{
	struct stat a, b;

	if (fstat(f->fd, &a) < 0 || (stat(f->path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev))
		return false;
	_cleanup_free_ char *aside = xasprintf("%s.rotated", f->path);
	if (stat(aside, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
		int fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(f->fd);
			f->fd = fd;
			return false;
		}
	}
	return true;
}

static ssize_t follow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct follower *f = cls;
	ssize_t n;

	pthread_mutex_lock(&f->mu);
	if (!f->ending && f->out_off < f->out.len) {
		n = (ssize_t)(f->out.len - f->out_off < max ? f->out.len - f->out_off : max);
		memcpy(buf, f->out.p + f->out_off, (size_t)n);
		f->out_off += (size_t)n;
		pthread_mutex_unlock(&f->mu);
		return n;
	}
	buf_reset(&f->out);
	f->out_off = 0;
	char raw[16384];
	n = f->ending || crilog_done(&f->render) ? 0 : read(f->fd, raw, sizeof(raw));
	if (f->ending || crilog_done(&f->render)) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else if (n > 0) {
		f->idle_ticks = 0;
		crilog_feed(&f->render, raw, (size_t)n, &f->out);
		n = (ssize_t)(f->out.len < max ? f->out.len : max);
		memcpy(buf, f->out.p, (size_t)n);
		f->out_off = (size_t)n;
		if (n == 0) { /* only part of a line so far: look again soon */
			f->suspended = true;
			MHD_suspend_connection(f->conn);
		}
	} else if (++f->idle_ticks % 8 == 0 && (!still_running(f) || rotated(f))) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		f->suspended = true;
		MHD_suspend_connection(f->conn);
		n = 0;
	}
	pthread_mutex_unlock(&f->mu);
	return n;
}

static void follow_free(void *cls)
{
	struct follower *f = cls;

	pthread_mutex_lock(&f->mu);
	f->closed = true;
	pthread_mutex_unlock(&f->mu);
	pthread_mutex_lock(&list_mu);
	if (f->prev)
		f->prev->next = f->next;
	else
		followers = f->next;
	if (f->next)
		f->next->prev = f->prev;
	pthread_mutex_unlock(&list_mu);
	close(f->fd);
	crilog_release(&f->render);
	buf_release(&f->out);
	free(f->path);
	free(f->pod_key);
	free(f->uid);
	free(f->container);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

static void *timer(void *arg)
{
	for (;;) {
		usleep(250 * 1000);
		pthread_mutex_lock(&list_mu);
		for (struct follower *f = followers; f; f = f->next) {
			pthread_mutex_lock(&f->mu);
			if (f->suspended && !f->closed) {
				f->suspended = false;
				MHD_resume_connection(f->conn);
			}
			pthread_mutex_unlock(&f->mu);
		}
		pthread_mutex_unlock(&list_mu);
	}
	return NULL;
}

int logs_follow_shutdown(void)
{
	int n = logs_remote_shutdown();

	pthread_mutex_lock(&list_mu);
	for (struct follower *f = followers; f; f = f->next, n++) {
		pthread_mutex_lock(&f->mu);
		f->ending = true;
		if (f->suspended && !f->closed) {
			f->suspended = false;
			MHD_resume_connection(f->conn);
		}
		pthread_mutex_unlock(&f->mu);
	}
	pthread_mutex_unlock(&list_mu);
	return n;
}

static void timer_start(void)
{
	pthread_t t;

	pthread_create(&t, NULL, timer, NULL);
	pthread_detach(t);
}

int logs_follow(struct api_req *r, const char *pod_key, const char *uid, const char *path, off_t from,
		const char *head, size_t head_len, const struct crilog_opts *o)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return reply_error(r, 404, "NotFound", "the container has no log yet");
	lseek(fd, from, SEEK_SET);
	pthread_once(&once, timer_start);
	struct follower *f = xcalloc(1, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	f->conn = r->conn;
	f->store = r->srv->store;
	f->pod_key = xstrdup(pod_key);
	f->uid = xstrdup(uid);
	f->fd = fd;
	f->path = xstrdup(path);
	crilog_init(&f->render, o);
	buf_init(&f->out);
	if (head_len)
		crilog_feed(&f->render, head, head_len, &f->out);
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, follow_read, f,
								      follow_free);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	pthread_mutex_lock(&list_mu);
	f->next = followers;
	if (followers)
		followers->prev = f;
	followers = f;
	pthread_mutex_unlock(&list_mu);
	r->watch = (struct api_watch *)f; /* streaming: the HTTP layer must not answer again */
	r->verb = "get";
	enum MHD_Result ok = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return ok == MHD_YES ? 0 : -1;
}
