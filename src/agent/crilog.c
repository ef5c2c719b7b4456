/* SPDX-License-Identifier: Apache-2.0 */
/* CRI-format container logs rendered for `kubectl logs` (timestamps, tail, since, limit). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent/crilog.h"
#include "lib/xalloc.h"

int crilog_parse_time(const char *s, size_t n, int64_t *ns)
{
	char tmp[64];
	struct tm tm = { 0 };
	int used = 0;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (sscanf(tmp, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	int64_t frac = 0;
	const char *p = tmp + used;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 9)
				frac = frac * 10 + (*p - '0');
		if (!digits)
			return -1;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2 || strlen(p) != 6)
			return -1;
		off = (int64_t)(hh * 3600 + mm * 60) * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	int64_t secs = (int64_t)timegm(&tm) - off;
	/* Nanoseconds in 64 bits reach the year 2262: clamp beyond, far is far. */
	if (secs >= INT64_MAX / 1000000000LL)
		*ns = INT64_MAX;
	else if (secs <= INT64_MIN / 1000000000LL)
		*ns = INT64_MIN;
	else
		*ns = secs * 1000000000LL + frac;
	return 0;
}

/* One record of a line (without its newline); false when it is not CRI. */
static bool parse_record(const char *l, size_t n, int64_t *ts, const char **ts_s, size_t *ts_len, bool *partial,
			 const char **msg, size_t *msg_len)
{
	const char *sp1 = memchr(l, ' ', n);
	if (!sp1)
		return false;
	const char *rest = sp1 + 1, *end = l + n;
	size_t sl;
	if ((size_t)(end - rest) >= 7 && !memcmp(rest, "stdout ", 7))
		sl = 7;
	else if ((size_t)(end - rest) >= 7 && !memcmp(rest, "stderr ", 7))
		sl = 7;
	else
		return false;
	rest += sl;
	if (end - rest < 1 || (rest[0] != 'F' && rest[0] != 'P') || (end - rest > 1 && rest[1] != ' '))
		return false;
	if (crilog_parse_time(l, (size_t)(sp1 - l), ts) < 0)
		return false;
	*ts_s = l;
	*ts_len = (size_t)(sp1 - l);
	*partial = rest[0] == 'P';
	*msg = end - rest > 1 ? rest + 2 : end;
	*msg_len = (size_t)(end - *msg);
	return true;
}

static void emit(struct crilog *c, struct buf *out, const char *p, size_t n)
{
	if (c->o.limit >= 0 && c->written + (long long)n > c->o.limit)
		n = c->o.limit > c->written ? (size_t)(c->o.limit - c->written) : 0;
	buf_add(out, p, n);
	c->written += (long long)n;
}

static void line(struct crilog *c, const char *l, size_t n, struct buf *out)
{
	int64_t ts;
	const char *ts_s, *msg;
	size_t ts_len, msg_len;
	bool partial;

	if (!parse_record(l, n, &ts, &ts_s, &ts_len, &partial, &msg, &msg_len)) {
		/* Not a CRI record: a plain line, shown as it is. */
		c->mid_line = false;
		emit(c, out, l, n);
		emit(c, out, "\n", 1);
		return;
	}
	if (!c->mid_line) {
		c->dropping = c->o.since_ns && ts < c->o.since_ns;
		if (!c->dropping && c->o.timestamps) {
			emit(c, out, ts_s, ts_len);
			emit(c, out, " ", 1);
		}
	}
	if (!c->dropping) {
		emit(c, out, msg, msg_len);
		if (!partial)
			emit(c, out, "\n", 1);
	}
	c->mid_line = partial;
}

void crilog_init(struct crilog *c, const struct crilog_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->o = *o;
	buf_init(&c->pending);
}

bool crilog_done(const struct crilog *c)
{
	return c->o.limit >= 0 && c->written >= c->o.limit;
}

void crilog_feed(struct crilog *c, const char *data, size_t n, struct buf *out)
{
	while (n && !crilog_done(c)) {
		const char *nl = memchr(data, '\n', n);
		if (!nl) {
			buf_add(&c->pending, data, n);
			return;
		}
		size_t k = (size_t)(nl - data);
		if (c->pending.len) {
			buf_add(&c->pending, data, k);
			line(c, c->pending.p, c->pending.len, out);
			buf_reset(&c->pending);
		} else {
			line(c, data, k, out);
		}
		data += k + 1;
		n -= k + 1;
	}
}

void crilog_release(struct crilog *c)
{
	buf_release(&c->pending);
}

size_t crilog_tail_start(const char *text, size_t len, long lines)
{
	if (lines < 0)
		return 0;
	if (lines == 0)
		return len;
	/* Walk back over whole input lines; a line ends a log line unless it is a P record. */
	size_t end = len;
	long seen = 0;
	while (end > 0) {
		size_t start = end - 1; /* end - 1 is the newline closing this input line (or the last byte) */
		while (start > 0 && text[start - 1] != '\n')
			start--;
		int64_t ts;
		const char *ts_s, *msg;
		size_t ts_len, msg_len, n = end - start;
		bool partial = false;
		if (n && text[end - 1] == '\n')
			n--;
		bool cri = parse_record(text + start, n, &ts, &ts_s, &ts_len, &partial, &msg, &msg_len);
		if (!(cri && partial) && ++seen > lines)
			return end;
		end = start;
	}
	return 0;
}

void crilog_render(const char *text, size_t len, const struct crilog_opts *o, struct buf *out)
{
	struct crilog c;
	size_t from = crilog_tail_start(text, len, o->tail);

	crilog_init(&c, o);
	crilog_feed(&c, text + from, len - from, out);
	/* A last line without its newline (a writer mid-way) is shown as it is. */
	if (c.pending.len && !crilog_done(&c)) {
		struct buf tmp = c.pending;
		buf_init(&c.pending);
		buf_addc(&tmp, '\n');
		crilog_feed(&c, tmp.p, tmp.len, out);
		buf_release(&tmp);
	}
	crilog_release(&c);
}

int crilog_opts_parse(const char *(*get)(void *ctx, const char *key), void *ctx, struct crilog_opts *o,
		      char *why, size_t why_len)
{
	const char *v;
	char *end;

	memset(o, 0, sizeof(*o));
	o->tail = -1;
	o->limit = -1;
	v = get(ctx, "timestamps");
	o->timestamps = v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "True") || !strcmp(v, "t"));
	v = get(ctx, "previous");
	o->previous = v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "True") || !strcmp(v, "t"));
	v = get(ctx, "follow");
	o->follow = v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "True") || !strcmp(v, "t"));
	if ((v = get(ctx, "tailLines"))) {
		o->tail = strtol(v, &end, 10);
		if (*end || end == v)
			return snprintf(why, why_len, "tailLines: invalid value \"%s\"", v), -1;
		if (o->tail < 0)
			o->tail = -1;
	}
	if ((v = get(ctx, "limitBytes"))) {
		o->limit = strtoll(v, &end, 10);
		if (*end || end == v || o->limit < 1)
			return snprintf(why, why_len, "limitBytes: must be greater than 0"), -1;
	}
	const char *ss = get(ctx, "sinceSeconds"), *st = get(ctx, "sinceTime");
	if (ss && st)
		return snprintf(why, why_len, "at most one of sinceTime or sinceSeconds may be specified"), -1;
	if (ss) {
		long s = strtol(ss, &end, 10);
		if (*end || end == ss || s < 1)
			return snprintf(why, why_len, "sinceSeconds: must be greater than 0"), -1;
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		o->since_ns = ((int64_t)now.tv_sec - s) * 1000000000LL + now.tv_nsec;
	}
	if (st && crilog_parse_time(st, strlen(st), &o->since_ns) < 0)
		return snprintf(why, why_len, "sinceTime: invalid time \"%s\"", st), -1;
	return 0;
}

/* Append all of fd to out. 0 or -1. */
static int slurp(int fd, struct buf *out)
{
	char tmp[65536];

	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		buf_add(out, tmp, (size_t)n);
	}
}

char *crilog_read(const char *path, size_t *len, size_t *aside_len)
{
	_cleanup_free_ char *aside = xasprintf("%s.rotated", path);
	int cur = open(path, O_RDONLY | O_CLOEXEC);
	int rot = open(aside, O_RDONLY | O_CLOEXEC);
	struct stat a, b;
	struct buf out = BUF_INIT;

	*len = *aside_len = 0;
	/* Rotated between the two opens: what we hold as current is the file set aside. */
	if (cur >= 0 && rot >= 0 && fstat(cur, &a) == 0 && fstat(rot, &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev) {
		close(rot);
		rot = -1;
	}
	if (cur < 0 && rot < 0)
		return NULL;
	if (rot >= 0) {
		slurp(rot, &out);
		close(rot);
		/* The older part ends with a whole record; should it not, end it so records stay apart. */
		if (out.len && out.p[out.len - 1] != '\n')
			buf_addc(&out, '\n');
		*aside_len = out.len;
	}
	if (cur >= 0) {
		slurp(cur, &out);
		close(cur);
	}
	return buf_detach(&out, len);
}
