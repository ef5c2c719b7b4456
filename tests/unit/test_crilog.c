/* SPDX-License-Identifier: Apache-2.0 */
/* CRI log rendering: partial lines, timestamps, tail, since, limit, plain lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/crilog.h"
#include "t.h"

static const char LOG[] =
	"2026-11-25T10:00:00.100000000Z stdout F one\n"
	"2026-11-25T10:00:01.000000000Z stdout P tw\n"
	"2026-11-25T10:00:01.500000000Z stdout F o\n"
	"2026-11-25T10:00:02.000000000Z stderr F three\n"
	"2026-11-25T10:00:03.000000000Z stdout F \n";

static char *render(const struct crilog_opts *o)
{
	struct buf out = BUF_INIT;

	crilog_render(LOG, sizeof(LOG) - 1, o, &out);
	return buf_detach(&out, NULL);
}

#define CHECK_RENDER(opts, want) do { char *got_ = render(opts); CHECK_STR(got_, want); free(got_); } while (0)

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* crilog_read: the part set aside at rotation first, then the live file. */
static void test_read_across_rotation(void)
{
	char dir[] = "/tmp/atoll-crilog-unit-XXXXXX", path[96], aside[112];
	size_t len, alen;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/c.log", dir);
	snprintf(aside, sizeof(aside), "%s.rotated", path);
	CHECK(crilog_read(path, &len, &alen) == NULL);
	put(path, "2026-11-25T10:00:02.0Z stdout F new\n");
	char *t = crilog_read(path, &len, &alen);
	CHECK_STR(t, "2026-11-25T10:00:02.0Z stdout F new\n");
	CHECK(alen == 0 && len == strlen(t));
	free(t);
	/* An older part cut after a partial write still ends its last record. */
	put(aside, "2026-11-25T10:00:01.0Z stdout F old\n2026-11-25T10:00:01.5Z stdout F cut");
	t = crilog_read(path, &len, &alen);
	CHECK(alen == strlen("2026-11-25T10:00:01.0Z stdout F old\n2026-11-25T10:00:01.5Z stdout F cut\n"));
	struct crilog_opts o = { .tail = 2, .limit = -1 };
	struct buf out = BUF_INIT;
	crilog_render(t, len, &o, &out);
	CHECK_STR(out.p, "cut\nnew\n");
	buf_release(&out);
	free(t);
	/* Only the older part left (the live file not made yet): it is the log. */
	unlink(path);
	t = crilog_read(path, &len, &alen);
	CHECK(t && alen == len && strstr(t, "old"));
	free(t);
	unlink(aside);
	rmdir(dir);
}

int main(void)
{
	struct crilog_opts o = { .tail = -1, .limit = -1 };
	int64_t ns;

	CHECK_RENDER(&o, "one\ntwo\nthree\n\n");
	o.tail = 2;
	CHECK_RENDER(&o, "three\n\n");
	o.tail = 4;
	CHECK_RENDER(&o, "one\ntwo\nthree\n\n");
	o.tail = 3;
	CHECK_RENDER(&o, "two\nthree\n\n");
	o.tail = 0;
	CHECK_RENDER(&o, "");
	o.tail = -1;
	o.timestamps = true;
	CHECK_RENDER(&o, "2026-11-25T10:00:00.100000000Z one\n2026-11-25T10:00:01.000000000Z two\n"
			 "2026-11-25T10:00:02.000000000Z three\n2026-11-25T10:00:03.000000000Z \n");
	o.timestamps = false;
	CHECK(crilog_parse_time("2026-11-25T10:00:01Z", 20, &ns) == 0);
	o.since_ns = ns;
	CHECK_RENDER(&o, "two\nthree\n\n");
	CHECK(crilog_parse_time("2026-11-25T10:00:01.2Z", 22, &ns) == 0);
	o.since_ns = ns; /* the line began before: all of it goes */
	CHECK_RENDER(&o, "three\n\n");
	o.since_ns = 0;
	o.limit = 6;
	CHECK_RENDER(&o, "one\ntw");
	o.limit = -1;
	/* Offsets and malformed times. */
	int64_t a, b;
	CHECK(crilog_parse_time("2026-11-25T12:00:00+02:00", 25, &a) == 0);
	CHECK(crilog_parse_time("2026-11-25T10:00:00Z", 20, &b) == 0 && a == b);
	CHECK(crilog_parse_time("2999-01-01T00:00:00Z", 20, &a) == 0 && a == INT64_MAX);
	o.since_ns = a; /* the far future: nothing */
	CHECK_RENDER(&o, "");
	o.since_ns = 0;
	CHECK(crilog_parse_time("2026-11-25 10:00:00Z", 20, &a) < 0);
	CHECK(crilog_parse_time("2026-11-25T10:00:00", 19, &a) < 0);
	CHECK(crilog_parse_time("2026-11-25T10:00:00.Z", 21, &a) < 0);
	/* Plain lines pass through; a last line without newline is kept. */
	struct buf out = BUF_INIT;
	crilog_render("plain\nnot cri at all\nlast", strlen("plain\nnot cri at all\nlast"), &o, &out);
	CHECK_STR(out.p, "plain\nnot cri at all\nlast\n");
	buf_release(&out);
	/* Fed in pieces, byte by byte: the same. */
	struct crilog c;
	crilog_init(&c, &o);
	for (size_t i = 0; i < sizeof(LOG) - 1; i++)
		crilog_feed(&c, LOG + i, 1, &out);
	CHECK_STR(out.p, "one\ntwo\nthree\n\n");
	crilog_release(&c);
	buf_release(&out);
	test_read_across_rotation();
	return T_DONE();
}
