/* SPDX-License-Identifier: Apache-2.0 */
/* The CronJob schedule parser and next-run calculation. */
#include <time.h>

#include "controllers/cron.h"
#include "t.h"

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi };

	return (int64_t)timegm(&tm);
}

static int64_t next(const char *expr, int64_t after)
{
	struct cron_expr c;
	char why[128];

	if (cron_parse(expr, &c, why, sizeof(why)) < 0) {
		fprintf(stderr, "parse %s: %s\n", expr, why);
		return -2;
	}
	return cron_next(&c, after);
}

static bool bad(const char *expr)
{
	struct cron_expr c;
	char why[128];

	return cron_parse(expr, &c, why, sizeof(why)) < 0;
}

int main(void)
{
	int64_t t0 = utc(2024, 1, 15, 10, 30); /* a Monday */

	CHECK(next("* * * * *", t0) == t0 + 60);
	CHECK(next("*/1 * * * *", t0 + 5) == t0 + 60); /* strictly after, on whole minutes */
	CHECK(next("*/15 * * * *", t0) == utc(2024, 1, 15, 10, 45));
	CHECK(next("5 * * * *", t0) == utc(2024, 1, 15, 11, 5));
	CHECK(next("0 9-17/4 * * *", t0) == utc(2024, 1, 15, 13, 0));
	CHECK(next("0,20,40 * * * *", t0) == utc(2024, 1, 15, 10, 40));
	CHECK(next("5/20 * * * *", t0) == utc(2024, 1, 15, 10, 45));
	CHECK(next("@hourly", t0) == utc(2024, 1, 15, 11, 0));
	CHECK(next("@daily", t0) == utc(2024, 1, 16, 0, 0));
	CHECK(next("@weekly", t0) == utc(2024, 1, 21, 0, 0)); /* next Sunday */
	CHECK(next("@monthly", t0) == utc(2024, 2, 1, 0, 0));
	CHECK(next("@yearly", t0) == utc(2025, 1, 1, 0, 0));
	CHECK(next("0 0 * * 7", t0) == utc(2024, 1, 21, 0, 0)); /* 7 is Sunday */
	CHECK(next("0 0 * * SUN", t0) == utc(2024, 1, 21, 0, 0));
	CHECK(next("0 0 1 FEB-MAR *", t0) == utc(2024, 2, 1, 0, 0));
	CHECK(next("0 0 29 2 *", t0) == utc(2024, 2, 29, 0, 0)); /* leap day */
	CHECK(next("0 0 29 2 *", utc(2024, 3, 1, 0, 0)) == utc(2028, 2, 29, 0, 0));
	/* Both day fields restricted: either matches (the 20th is a Saturday, the 16th a Tuesday). */
	CHECK(next("0 0 20 * 2", t0) == utc(2024, 1, 16, 0, 0));
	/* With one of them '*' or '?', only the other counts. */
	CHECK(next("0 0 20 * ?", t0) == utc(2024, 1, 20, 0, 0));
	CHECK(next("0 0 * * 2", t0) == utc(2024, 1, 16, 0, 0));
	CHECK(next("59 23 31 12 *", t0) == utc(2024, 12, 31, 23, 59));
	CHECK(next("0 0 30 2 *", t0) == -1); /* never */

	CHECK(bad(""));
	CHECK(bad("* * * *"));
	CHECK(bad("* * * * * *"));
	CHECK(bad("60 * * * *"));
	CHECK(bad("* 24 * * *"));
	CHECK(bad("* * 0 * *"));
	CHECK(bad("* * * 13 *"));
	CHECK(bad("* * * * 8"));
	CHECK(bad("*/0 * * * *"));
	CHECK(bad("5-1 * * * *"));
	CHECK(bad("1, * * * *"));
	CHECK(bad("@often"));
	CHECK(bad("a * * * *"));
	CHECK(!bad("  0 0 * * MON-FRI "));
	return T_DONE();
}
