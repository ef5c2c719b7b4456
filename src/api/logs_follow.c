/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubectl logs -f`: stream a log file as it grows. Like a watch, a follower
 * holds no thread: with nothing new to send its connection is suspended, and
 * a timer resumes followers four times a second to look again. The stream
 * ends when the pod is gone or its container has finished and all is sent.
 */
#include <fcntl.h>
#include "lib/serverlibs.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/logs.h"
#include "api/server.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "shim/shim.h"
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
	struct buf raw;     /* CRI records read but not whole yet */
	struct buf text;    /* decoded output not sent yet */
	size_t text_off;
	bool timestamps;
	char since[40];     /* records before this are left out; "" for all */
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
	json_t *pod = json_loadb(kv.value->data, kv.value->len, 0, NULL);
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
	n = 0;
	if (!f->ending && f->text_off == f->text.len) {
		/* Read and decode what whole records there are. */
		char chunk[16384];
		ssize_t k = read(f->fd, chunk, sizeof(chunk));
		if (k > 0) {
			buf_add(&f->raw, chunk, (size_t)k);
			size_t used = shim_log_decode_since(f->raw.p, f->raw.len, f->timestamps,
							    f->since[0] ? f->since : NULL, &f->text);
			memmove(f->raw.p, f->raw.p + used, f->raw.len - used);
			f->raw.len -= used;
			f->idle_ticks = 0;
		}
	}
	if (!f->ending && f->text_off < f->text.len) {
		n = (ssize_t)(f->text.len - f->text_off < max ? f->text.len - f->text_off : max);
		memcpy(buf, f->text.p + f->text_off, (size_t)n);
		f->text_off += (size_t)n;
		if (f->text_off == f->text.len) {
			buf_reset(&f->text);
			f->text_off = 0;
		}
	}
	if (f->ending) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else if (n > 0) {
		f->idle_ticks = 0;
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
	buf_release(&f->raw);
	buf_release(&f->text);
	free(f->pod_key);
	free(f->path);
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
	int n = 0;

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
		bool timestamps, const char *since)
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
	f->timestamps = timestamps;
	snprintf(f->since, sizeof(f->since), "%s", since ? since : "");
	buf_init(&f->raw);
	buf_init(&f->text);
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
