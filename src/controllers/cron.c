/* SPDX-License-Identifier: Apache-2.0 */
/* A small cron schedule parser and next-time calculator (UTC). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "controllers/cron.h"

struct field {
	const char *name;
	int lo, hi;
	const char *const *names; /* index = value - lo */
};

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
				      "jul", "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };

static const struct field fields[5] = {
	{ "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },
	{ "day of month", 1, 31, NULL },
	{ "month", 1, 12, months },
	{ "day of week", 0, 7, days },
};

static int number(const struct field *f, const char **p, int *out)
{
	const char *s = *p;

	if (isdigit((unsigned char)*s)) {
		long v = 0;
		while (isdigit((unsigned char)*s) && v < 1000)
			v = v * 10 + (*s++ - '0');
		*out = (int)v;
		*p = s;
		return 0;
	}
	if (f->names && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1]) &&
	    isalpha((unsigned char)s[2])) {
		for (int i = 0; f->names[i]; i++)
			if (!strncasecmp(s, f->names[i], 3)) {
				*out = f->lo + i;
				*p = s + 3;
				return 0;
			}
	}
	return -1;
}

/* One field's text (s..end) into a bit set. */
static int parse_field(const struct field *f, const char *s, const char *end, uint64_t *bits, bool *star,
		       char *why, size_t whylen)
{
	*bits = 0;
	*star = false;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *iend = comma ? comma : end;
		int lo, hi, step = 1;
		const char *p = s;
		if (*p == '*' || *p == '?') {
			lo = f->lo;
			hi = f->hi;
			p++;
			if (iend - s == 1)
				*star = true;
		} else {
			if (number(f, &p, &lo) < 0)
				goto bad;
			hi = lo;
			if (*p == '-') {
				p++;
				if (number(f, &p, &hi) < 0)
					goto bad;
			}
		}
		if (p < iend && *p == '/') {
			p++;
			if (number(f, &p, &step) < 0 || step <= 0)
				goto bad;
			if (hi == lo && s[0] != '*' && s[0] != '?')
				hi = f->hi; /* "5/15" means from 5 to the end */
		}
		if (p != iend || lo < f->lo || hi > f->hi || lo > hi)
			goto bad;
		for (int v = lo; v <= hi; v += step)
			*bits |= 1ull << v;
		s = comma ? comma + 1 : end;
		if (comma && s == end)
			goto bad;
	}
	if (!*bits)
		goto bad;
	return 0;
bad:
	snprintf(why, whylen, "invalid %s field", f->name);
	return -1;
}

int cron_parse(const char *s, struct cron_expr *c, char *why, size_t whylen)
{
	static const struct { const char *name, *expr; } macros[] = {
		{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
		{ "@weekly", "0 0 * * 0" }, { "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
		{ "@hourly", "0 * * * *" },
	};
	uint64_t bits[5];
	bool star[5];
	int n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '@') {
		for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
			size_t l = strlen(macros[i].name);
			if (!strncasecmp(s, macros[i].name, l) && (!s[l] || isspace((unsigned char)s[l])))
				return cron_parse(macros[i].expr, c, why, whylen);
		}
		snprintf(why, whylen, "unrecognized descriptor: %s", s);
		return -1;
	}
	while (*s) {
		const char *e = s;
		while (*e && !isspace((unsigned char)*e))
			e++;
		if (n == 5) {
			snprintf(why, whylen, "expected exactly 5 fields, found more");
			return -1;
		}
		if (parse_field(&fields[n], s, e, &bits[n], &star[n], why, whylen) < 0)
			return -1;
		n++;
		s = e;
		while (isspace((unsigned char)*s))
			s++;
	}
	if (n != 5) {
		snprintf(why, whylen, "expected exactly 5 fields, found %d", n);
		return -1;
	}
	c->minute = bits[0];
	c->hour = (uint32_t)bits[1];
	c->dom = (uint32_t)bits[2];
	c->month = (uint32_t)bits[3];
	c->dow = (uint8_t)((bits[4] | (bits[4] >> 7)) & 0x7f); /* 7 is Sunday too */
	c->dom_star = star[2];
	c->dow_star = star[4];
	return 0;
}

static bool day_matches(const struct cron_expr *c, const struct tm *tm)
{
	bool dom = c->dom & (1u << tm->tm_mday), dow = c->dow & (1u << tm->tm_wday);

	/* As cron: when both day fields are restricted, either may match. */
	if (c->dom_star || c->dow_star)
		return dom && dow;
	return dom || dow;
}

int64_t cron_next(const struct cron_expr *c, int64_t after)
{
	time_t t = (time_t)(after - (after % 60 + 60) % 60 + 60); /* the next whole minute */
	struct tm tm;

	for (int i = 0; i < 100000; i++) {
		gmtime_r(&t, &tm);
		if (tm.tm_year > 3000 - 1900)
			return -1;
		if (!(c->month & (1u << (tm.tm_mon + 1)))) {
			tm.tm_mon++;
			tm.tm_mday = 1;
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		} else if (!day_matches(c, &tm)) {
			tm.tm_mday++;
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		} else if (!(c->hour & (1u << tm.tm_hour))) {
			tm.tm_hour++;
			tm.tm_min = tm.tm_sec = 0;
		} else if (!(c->minute & (1ull << tm.tm_min))) {
			tm.tm_min++;
			tm.tm_sec = 0;
		} else
			return (int64_t)t;
		t = timegm(&tm); /* normalizes overflowing fields */
	}
	return -1;
}
