/* SPDX-License-Identifier: Apache-2.0 */
/* Container log files in the CRI format: "<time> <stream> <F|P> <line>" records. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "shim/shim.h"
#include "shim/shim_int.h"

void shim_log_timestamp(const struct timespec *ts, char *out, size_t n)
{
	struct tm tm;
	char base[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%09ldZ", base, (long)ts->tv_nsec);
}

void shim_now_seconds(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void record(struct buf *out, int stream, char tag, const char *ts, const char *p, size_t n)
{
	buf_addf(out, "%s %s %c ", ts, stream ? "stderr" : "stdout", tag);
	buf_add(out, p, n);
	buf_addc(out, '\n');
}

/* A whole line: pieces of at most SHIM_LOG_PARTIAL_MAX as P records, the last one F. */
static void line(struct buf *out, int stream, const char *ts, const char *p, size_t n)
{
	while (n > SHIM_LOG_PARTIAL_MAX) {
		record(out, stream, 'P', ts, p, SHIM_LOG_PARTIAL_MAX);
		p += SHIM_LOG_PARTIAL_MAX;
		n -= SHIM_LOG_PARTIAL_MAX;
	}
	record(out, stream, 'F', ts, p, n);
}

void shim_log_format(struct buf *pend, int stream, const char *data, size_t len, const char *ts,
		     struct buf *out)
{
	const char *nl;

	while (len && (nl = memchr(data, '\n', len))) {
		size_t n = (size_t)(nl - data);
		if (pend->len) {
			buf_add(pend, data, n);
			line(out, stream, ts, pend->p, pend->len);
			buf_reset(pend);
		} else {
			line(out, stream, ts, data, n);
		}
		data += n + 1;
		len -= n + 1;
	}
	buf_add(pend, data, len);
	/* A very long line goes out in pieces, so the pending part stays bounded. */
	while (pend->len >= SHIM_LOG_PARTIAL_MAX) {
		record(out, stream, 'P', ts, pend->p, SHIM_LOG_PARTIAL_MAX);
		memmove(pend->p, pend->p + SHIM_LOG_PARTIAL_MAX, pend->len - SHIM_LOG_PARTIAL_MAX);
		pend->len -= SHIM_LOG_PARTIAL_MAX;
	}
}

void shim_log_format_rest(struct buf *pend, int stream, const char *ts, struct buf *out)
{
	if (!pend->len)
		return;
	record(out, stream, 'F', ts, pend->p, pend->len);
	buf_reset(pend);
}

int shim_log_open(struct shim_log *l, const char *path)
{
	struct stat st;

	shim_log_close(l);
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (l->fd < 0)
		return -errno;
	l->path = xstrdup(path);
	l->size = fstat(l->fd, &st) == 0 ? (long long)st.st_size : 0;
	if (!l->max)
		l->max = SHIM_LOG_MAX_BYTES;
	return 0;
}

/* Too big: the file goes aside (replacing the last one set aside) and a new one starts. */
static void rotate(struct shim_log *l)
{
	_cleanup_free_ char *old = xasprintf("%s.rotated", l->path);
	int fd;

	if (rename(l->path, old) < 0)
		return;
	fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return;
	close(l->fd);
	l->fd = fd;
	l->size = 0;
}

static void write_out(struct shim_log *l, struct buf *b)
{
	size_t off = 0;

	if (l->fd >= 0 && l->size > 0 && l->size + (long long)b->len > l->max)
		rotate(l);
	l->size += (long long)b->len;

	while (l->fd >= 0 && off < b->len) {
		ssize_t n = write(l->fd, b->p + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* a full disk loses output rather than stalling the pod */
		off += (size_t)n;
	}
}

void shim_log_write(struct shim_log *l, int stream, const char *data, size_t len)
{
	struct buf out = BUF_INIT;
	struct timespec now;
	char ts[48];

	clock_gettime(CLOCK_REALTIME, &now);
	shim_log_timestamp(&now, ts, sizeof(ts));
	shim_log_format(&l->pend[stream ? 1 : 0], stream ? 1 : 0, data, len, ts, &out);
	write_out(l, &out);
	buf_release(&out);
}

void shim_log_close(struct shim_log *l)
{
	struct buf out = BUF_INIT;
	struct timespec now;
	char ts[48];

	clock_gettime(CLOCK_REALTIME, &now);
	shim_log_timestamp(&now, ts, sizeof(ts));
	for (int i = 0; i < 2; i++)
		shim_log_format_rest(&l->pend[i], i, ts, &out);
	write_out(l, &out);
	buf_release(&out);
	for (int i = 0; i < 2; i++)
		buf_release(&l->pend[i]);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->path);
	l->path = NULL;
}

size_t shim_log_decode(const char *in, size_t len, int timestamps, struct buf *out)
{
	return shim_log_decode_since(in, len, timestamps, NULL, out);
}

size_t shim_log_decode_since(const char *in, size_t len, int timestamps, const char *since, struct buf *out)
{
	size_t used = 0;
	bool cont = false; /* the last record was partial: its line goes on */

	while (used < len) {
		const char *rec = in + used, *nl = memchr(rec, '\n', len - used);
		if (!nl)
			break;
		size_t n = (size_t)(nl - rec);
		used += n + 1;
		/* "<time> <stream> <tag> <content>"; anything else is passed through as a line. */
		const char *sp1 = memchr(rec, ' ', n);
		const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - rec)) : NULL;
		if (!sp2 || (size_t)(sp2 + 2 - rec) > n || sp2[2] != ' ' || (sp2[1] != 'F' && sp2[1] != 'P')) {
			buf_add(out, rec, n);
			buf_addc(out, '\n');
			cont = false;
			continue;
		}
		const char *content = sp2 + 3;
		/* Whole seconds compare as strings; a fraction would not ('.' sorts before 'Z'). */
		if (since && sp1 - rec >= 19 && strncmp(rec, since, 19) < 0)
			continue;
		if (timestamps && !cont) {
			buf_add(out, rec, (size_t)(sp1 - rec));
			buf_addc(out, ' ');
		}
		buf_add(out, content, (size_t)(nl - content));
		cont = sp2[1] == 'P';
		if (!cont)
			buf_addc(out, '\n');
	}
	return used;
}
