/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubectl logs -f` for a pod on another node: the node's agent streams the
 * rendered log; a thread of ours reads it into a buffer and the client's
 * connection takes from there. As with local followers and watches, the
 * connection is suspended while nothing is buffered, so no server thread
 * waits on a node.
 */
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/logs.h"
#include "api/node_conn.h"
#include "lib/serverlibs.h"
#include "lib/xalloc.h"

#define PENDING_MAX (1u << 20) /* read no further ahead of the client than this */

struct rfollow {
	pthread_mutex_t mu;
	struct MHD_Connection *conn;
	struct node_conn nc;
	struct buf pending;
	size_t off;
	bool eof, suspended, closed;
	int refs;              /* the reader thread and the response */
	struct rfollow *next, *prev;
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rfollow *all;

static void wake(struct rfollow *f)
{
	if (f->suspended && !f->closed) {
		f->suspended = false;
		MHD_resume_connection(f->conn);
	}
}

static void unref(struct rfollow *f)
{
	pthread_mutex_lock(&f->mu);
	bool last = --f->refs == 0;
	pthread_mutex_unlock(&f->mu);
	if (!last)
		return;
	pthread_mutex_lock(&list_mu);
	if (f->prev)
		f->prev->next = f->next;
	else
		all = f->next;
	if (f->next)
		f->next->prev = f->prev;
	pthread_mutex_unlock(&list_mu);
	node_conn_close(&f->nc);
	buf_release(&f->pending);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

static void *reader(void *arg)
{
	struct rfollow *f = arg;
	char tmp[16384];

	for (;;) {
		pthread_mutex_lock(&f->mu);
		bool stop = f->closed || f->eof;
		bool full = f->pending.len - f->off > PENDING_MAX;
		pthread_mutex_unlock(&f->mu);
		if (stop)
			break;
		if (full) { /* the client is slow: let it catch up */
			usleep(50 * 1000);
			continue;
		}
		ssize_t n = node_conn_read(&f->nc, tmp, sizeof(tmp));
		pthread_mutex_lock(&f->mu);
		if (n > 0)
			buf_add(&f->pending, tmp, (size_t)n);
		else
			f->eof = true;
		wake(f);
		pthread_mutex_unlock(&f->mu);
		if (n <= 0)
			break;
	}
	unref(f);
	return NULL;
}

static ssize_t take(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct rfollow *f = cls;
	ssize_t n;

	pthread_mutex_lock(&f->mu);
	if (f->off < f->pending.len) {
		n = (ssize_t)(f->pending.len - f->off < max ? f->pending.len - f->off : max);
		memcpy(buf, f->pending.p + f->off, (size_t)n);
		f->off += (size_t)n;
		if (f->off == f->pending.len) {
			buf_reset(&f->pending);
			f->off = 0;
		}
	} else if (f->eof) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		f->suspended = true;
		MHD_suspend_connection(f->conn);
		n = 0;
	}
	pthread_mutex_unlock(&f->mu);
	return n;
}

static void done(void *cls)
{
	struct rfollow *f = cls;

	pthread_mutex_lock(&f->mu);
	f->closed = true;
	shutdown(f->nc.fd, SHUT_RDWR); /* ends the reader's wait on the node */
	pthread_mutex_unlock(&f->mu);
	unref(f);
}

int logs_remote_follow(struct MHD_Connection *conn, struct node_conn *nc)
{
	struct rfollow *f = xcalloc(1, sizeof(*f));
	pthread_t t;

	pthread_mutex_init(&f->mu, NULL);
	f->conn = conn;
	f->nc = *nc;
	node_conn_no_timeouts(&f->nc); /* a quiet container is no error */
	buf_init(&f->pending);
	f->refs = 2;
	pthread_mutex_lock(&list_mu);
	f->next = all;
	if (all)
		all->prev = f;
	all = f;
	pthread_mutex_unlock(&list_mu);
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, take, f, done);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	enum MHD_Result ok = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	if (pthread_create(&t, NULL, reader, f) != 0) {
		pthread_mutex_lock(&f->mu);
		f->eof = true;
		pthread_mutex_unlock(&f->mu);
		unref(f);
	} else {
		pthread_detach(t);
	}
	return ok == MHD_YES ? 0 : -1;
}

int logs_remote_shutdown(void)
{
	int n = 0;

	pthread_mutex_lock(&list_mu);
	for (struct rfollow *f = all; f; f = f->next, n++) {
		pthread_mutex_lock(&f->mu);
		f->eof = true;
		shutdown(f->nc.fd, SHUT_RDWR);
		wake(f);
		pthread_mutex_unlock(&f->mu);
	}
	pthread_mutex_unlock(&list_mu);
	return n;
}
