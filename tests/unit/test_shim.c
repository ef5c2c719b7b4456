/* SPDX-License-Identifier: Apache-2.0 */
/* The shim's CRI log records (writing and reading back) and its state file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shim/shim.h"
#include "shim/shim_int.h"
#include "t.h"

static const char *TS = "2026-01-02T03:04:05.000000001Z";

static void test_timestamp(void)
{
	struct timespec ts = { .tv_sec = 86400 + 3661, .tv_nsec = 42 };
	char out[48];

	shim_log_timestamp(&ts, out, sizeof(out));
	CHECK_STR(out, "1970-01-02T01:01:01.000000042Z");
}

static void test_lines(void)
{
	struct buf pend = BUF_INIT, out = BUF_INIT;

	shim_log_format(&pend, 0, "one\ntwo\nthr", 11, TS, &out);
	CHECK_STR(out.p, "2026-01-02T03:04:05.000000001Z stdout F one\n"
			 "2026-01-02T03:04:05.000000001Z stdout F two\n");
	CHECK(pend.len == 3);
	buf_reset(&out);
	/* The rest of a line comes in the next chunk: one record for the whole line. */
	shim_log_format(&pend, 0, "ee\n", 3, TS, &out);
	CHECK_STR(out.p, "2026-01-02T03:04:05.000000001Z stdout F three\n");
	CHECK(pend.len == 0);
	buf_reset(&out);
	/* An empty line is a record too; stderr is named. */
	shim_log_format(&pend, 1, "\n", 1, TS, &out);
	CHECK_STR(out.p, "2026-01-02T03:04:05.000000001Z stderr F \n");
	buf_reset(&out);
	/* A last line without newline is flushed as F when the container ends. */
	shim_log_format(&pend, 1, "tail", 4, TS, &out);
	CHECK(out.len == 0);
	shim_log_format_rest(&pend, 1, TS, &out);
	CHECK_STR(out.p, "2026-01-02T03:04:05.000000001Z stderr F tail\n");
	buf_release(&pend);
	buf_release(&out);
}

static void test_long_line(void)
{
	struct buf pend = BUF_INIT, out = BUF_INIT, back = BUF_INIT;
	size_t n = 2 * SHIM_LOG_PARTIAL_MAX + 10;
	char *line = malloc(n + 1);

	memset(line, 'x', n);
	line[n] = '\n';
	shim_log_format(&pend, 0, line, n + 1, TS, &out);
	/* Two P records of the limit, then an F with the rest. */
	int p = 0, f = 0;
	for (const char *s = out.p; (s = strstr(s, " stdout ")); s++)
		s[8] == 'P' ? p++ : f++;
	CHECK(p == 2 && f == 1);
	CHECK(pend.len == 0);
	/* Reading back joins them into the one line. */
	size_t used = shim_log_decode(out.p, out.len, 0, &back);
	CHECK(used == out.len);
	CHECK(back.len == n + 1 && !memcmp(back.p, line, n + 1));
	free(line);
	buf_release(&pend);
	buf_release(&out);
	buf_release(&back);
}

static void test_decode(void)
{
	struct buf out = BUF_INIT;
	const char *log = "2026-01-02T03:04:05.1Z stdout F hello world\n"
			  "2026-01-02T03:04:06.2Z stderr P par\n"
			  "2026-01-02T03:04:06.3Z stderr F tial\n"
			  "2026-01-02T03:04:07.4Z stdout F incomp";

	size_t used = shim_log_decode(log, strlen(log), 0, &out);
	CHECK_STR(out.p, "hello world\npartial\n");
	CHECK(used == strlen(log) - strlen("2026-01-02T03:04:07.4Z stdout F incomp"));
	buf_reset(&out);
	shim_log_decode(log, used, 1, &out);
	CHECK_STR(out.p, "2026-01-02T03:04:05.1Z hello world\n2026-01-02T03:04:06.2Z partial\n");
	buf_reset(&out);
	/* Records stamped before "since" are left out (whole seconds compared). */
	buf_reset(&out);
	shim_log_decode_since(log, used, 0, "2026-01-02T03:04:06Z", &out);
	CHECK_STR(out.p, "partial\n");
	buf_reset(&out);
	shim_log_decode_since(log, used, 0, "2026-01-02T03:04:05Z", &out);
	CHECK_STR(out.p, "hello world\npartial\n");
	buf_reset(&out);
	shim_log_decode_since(log, used, 0, "2027-01-01T00:00:00Z", &out);
	CHECK(out.len == 0);
	buf_reset(&out);
	/* Lines that are not records pass through. */
	shim_log_decode("plain line\n", 11, 0, &out);
	CHECK_STR(out.p, "plain line\n");
	buf_release(&out);
}

static void test_rotation(void)
{
	char dir[] = "/tmp/atoll-shim-unit-XXXXXX", path[128], rot[160];
	struct shim_log l = { .fd = -1, .pend = { BUF_INIT, BUF_INIT }, .max = 200 };
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/c.log", dir);
	snprintf(rot, sizeof(rot), "%s.rotated", path);
	CHECK(shim_log_open(&l, path) == 0);
	for (int i = 0; i < 10; i++)
		shim_log_write(&l, 0, "0123456789012345678901234567890123456789\n", 41);
	shim_log_close(&l);
	/* Both files stay under the limit plus one record; every line is whole in one of them. */
	CHECK(stat(path, &st) == 0 && st.st_size > 0 && st.st_size <= 200);
	CHECK(stat(rot, &st) == 0 && st.st_size > 0 && st.st_size <= 200);
	struct buf out = BUF_INIT;
	size_t n = 0;
	char *text = NULL;
	FILE *f = fopen(path, "r");
	if (f) {
		text = calloc(1, 4096);
		n = fread(text, 1, 4095, f);
		fclose(f);
	}
	CHECK(text && shim_log_decode(text, n, 0, &out) == n);
	CHECK(out.len > 0 && out.len % 41 == 0);
	free(text);
	buf_release(&out);
	unlink(path);
	unlink(rot);
	rmdir(dir);
}

static void test_state(void)
{
	char dir[] = "/tmp/atoll-shim-unit-XXXXXX";
	struct shim_ctr c[2];
	json_error_t je;

	memset(c, 0, sizeof(c));
	snprintf(c[0].name, sizeof(c[0].name), "web");
	c[0].state = SC_RUNNING;
	c[0].pid = 7;
	c[0].restarts = 2;
	snprintf(c[0].started, sizeof(c[0].started), "2026-01-02T03:04:05Z");
	snprintf(c[1].name, sizeof(c[1].name), "job");
	c[1].state = SC_EXITED;
	c[1].signal = 9;
	c[1].exit_code = 137;
	c[1].oom = true;
	snprintf(c[1].finished, sizeof(c[1].finished), "2026-01-02T03:04:06Z");
	CHECK(mkdtemp(dir) != NULL);
	json_t *o = shim_state_json(42, "10.244.0.5", c, 2);
	CHECK(shim_state_write(dir, o) == 0);
	json_decref(o);
	char path[128];
	snprintf(path, sizeof(path), "%s/state.json", dir);
	json_t *back = json_load_file(path, 0, &je);
	CHECK(json_integer_value(json_object_get(back, "pid")) == 42);
	CHECK_STR(json_string_value(json_object_get(back, "podIP")), "10.244.0.5");
	json_t *web = json_object_get(json_object_get(back, "containers"), "web");
	json_t *job = json_object_get(json_object_get(back, "containers"), "job");
	CHECK_STR(json_string_value(json_object_get(web, "state")), "running");
	CHECK(json_integer_value(json_object_get(web, "restarts")) == 2);
	CHECK(!json_object_get(web, "exitCode"));
	CHECK_STR(json_string_value(json_object_get(job, "state")), "exited");
	CHECK(json_integer_value(json_object_get(job, "exitCode")) == 137);
	CHECK(json_integer_value(json_object_get(job, "signal")) == 9);
	CHECK(json_is_true(json_object_get(job, "oomKilled")));
	json_decref(back);
	/* Replaced, not rewritten in place: no temporary file is left. */
	snprintf(path, sizeof(path), "%s/state.json.tmp", dir);
	CHECK(access(path, F_OK) != 0);
	o = shim_state_json(1, NULL, c, 0);
	CHECK(shim_state_write(dir, o) == 0);
	json_decref(o);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	back = json_load_file(path, 0, &je);
	CHECK(back && !json_object_get(back, "podIP") && json_object_size(json_object_get(back, "containers")) == 0);
	json_decref(back);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_timestamp();
	test_lines();
	test_long_line();
	test_decode();
	test_rotation();
	test_state();
	return T_DONE();
}
