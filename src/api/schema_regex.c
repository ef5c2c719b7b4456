/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Translate the ECMA-262 patterns of OpenAPI schemas into POSIX extended
 * regular expressions, as far as they have an equivalent; refuse the rest.
 */
#include <stdio.h>
#include <string.h>

#include "api/schema_int.h"
#include "lib/buf.h"

#define FAIL(...) do { snprintf(err, n, __VA_ARGS__); return -1; } while (0)

/* Append code point cp as UTF-8 bytes. */
static void add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xC0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (char)(0xE0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

static int hexval(const char *p, int digits, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < digits; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * A character escape (after the backslash at *pp) that stands for one
 * literal character: writes it as UTF-8 into lit and advances *pp. Returns 1
 * if it was one, 0 if not (a class or other escape), -1 for a bad escape.
 */
static int escape_literal(const char **pp, struct buf *lit)
{
	const char *p = *pp;
	unsigned cp;

	switch (*p) {
	case 'n': buf_addc(lit, '\n'); break;
	case 't': buf_addc(lit, '\t'); break;
	case 'r': buf_addc(lit, '\r'); break;
	case 'f': buf_addc(lit, '\f'); break;
	case 'v': buf_addc(lit, '\v'); break;
	case '0': buf_addc(lit, '\0'); return -1; /* NUL cannot be in a C string */
	case 'x':
		if (hexval(p + 1, 2, &cp) < 0 || !cp)
			return -1;
		add_utf8(lit, cp);
		*pp = p + 3;
		return 1;
	case 'u':
		if (hexval(p + 1, 4, &cp) < 0 || !cp)
			return -1;
		add_utf8(lit, cp);
		*pp = p + 5;
		return 1;
	default:
		if (*p && strchr("\\^$.|?*+()[]{}/-,:=!<>#&~'\"%@` ", *p)) {
			buf_addc(lit, *p);
			break;
		}
		return 0;
	}
	*pp = p + 1;
	return 1;
}

/* Parse a bracket expression starting after '['; *pp is advanced past ']'. */
static int bracket(const char **pp, struct buf *out, char *err, size_t n)
{
	const char *p = *pp;
	struct buf items = BUF_INIT, lit = BUF_INIT;
	bool neg = false, rb = false, lb = false, caret = false, dash = false;
	int rc = -1;

	if (*p == '^') {
		neg = true;
		p++;
	}
	if (*p == ']') {
		snprintf(err, n, "empty character class");
		goto out;
	}
	while (*p && *p != ']') {
		buf_reset(&lit);
		if (*p == '\\') {
			p++;
			const char *cls = NULL;
			switch (*p) {
			case 'd': cls = "0-9"; break;
			case 'w': cls = "A-Za-z0-9_"; break;
			case 's': cls = "[:space:]"; break;
			case 'b': buf_addc(&lit, '\b'); p++; break;
			default: {
				int r = escape_literal(&p, &lit);
				if (r <= 0) {
					snprintf(err, n, "unsupported escape \\%c in character class", *p ? *p : ' ');
					goto out;
				}
			}
			}
			if (cls) {
				buf_adds(&items, cls);
				p++;
				continue;
			}
		} else {
			buf_addc(&lit, *p++);
		}
		/* A range lit-hi: only plain ASCII end points, no specials. */
		if (*p == '-' && p[1] && p[1] != ']') {
			char lo = lit.p[0], hi = p[1];
			if (lit.len != 1 || strchr("[]^-\\", lo) || strchr("[]^-\\", hi) || (unsigned char)hi >= 0x80)
				{ snprintf(err, n, "unsupported range in character class"); goto out; }
			buf_addf(&items, "%c-%c", lo, hi);
			p += 2;
			continue;
		}
		for (size_t i = 0; i < lit.len; i++) {
			char c = lit.p[i];
			if (c == ']') rb = true;
			else if (c == '[') lb = true;
			else if (c == '^') caret = true;
			else if (c == '-') dash = true;
			else buf_addc(&items, c);
		}
	}
	if (*p != ']') {
		snprintf(err, n, "missing ]");
		goto out;
	}
	*pp = p + 1;
	if (!neg && !rb && !items.len && !lb && caret && !dash) {
		buf_adds(out, "\\^");
	} else {
		buf_addc(out, '[');
		if (neg)
			buf_addc(out, '^');
		if (rb)
			buf_addc(out, ']');
		if (!neg && !rb && !items.len && !lb && caret) {
			buf_adds(out, "-^]"); /* only '-' and '^': '-' first keeps '^' literal */
			rc = 0;
			goto out;
		}
		buf_add(out, items.p, items.len);
		if (lb)
			buf_addc(out, '[');
		if (caret)
			buf_addc(out, '^');
		if (dash)
			buf_addc(out, '-');
		buf_addc(out, ']');
	}
	rc = 0;
out:
	buf_release(&items);
	buf_release(&lit);
	return rc;
}

static int translate(const char *p, struct buf *out, char *err, size_t n)
{
	struct buf lit = BUF_INIT;

	while (*p) {
		char c = *p;
		if (c == '\\') {
			p++;
			const char *cls = NULL;
			switch (*p) {
			case 'd': cls = "[0-9]"; break;
			case 'D': cls = "[^0-9]"; break;
			case 'w': cls = "[A-Za-z0-9_]"; break;
			case 'W': cls = "[^A-Za-z0-9_]"; break;
			case 's': cls = "[[:space:]]"; break;
			case 'S': cls = "[^[:space:]]"; break;
			case 'b': cls = "\\b"; break;
			case 'B': cls = "\\B"; break;
			}
			if (cls) {
				buf_adds(out, cls);
				p++;
				continue;
			}
			buf_reset(&lit);
			if (escape_literal(&p, &lit) <= 0) {
				buf_release(&lit);
				FAIL("unsupported escape \\%c", *p ? *p : ' ');
			}
			for (size_t i = 0; i < lit.len; i++) {
				if (strchr("\\^$.|?*+()[]{}", lit.p[i]))
					buf_addc(out, '\\');
				buf_addc(out, lit.p[i]);
			}
			continue;
		}
		if (c == '[') {
			p++;
			if (bracket(&p, out, err, n) < 0) {
				buf_release(&lit);
				return -1;
			}
			continue;
		}
		if (c == '(' && p[1] == '?') {
			if (p[2] != ':') {
				buf_release(&lit);
				FAIL("lookaround and named groups are not supported");
			}
			buf_addc(out, '(');
			p += 3;
			continue;
		}
		if ((c == '*' || c == '+' || c == '?' || c == '}') && p[1] == '?') {
			buf_release(&lit);
			FAIL("lazy quantifiers are not supported");
		}
		buf_addc(out, c);
		p++;
	}
	buf_release(&lit);
	return 0;
}

int schema_regex_compile(regex_t *re, const char *pattern, char *err, size_t n)
{
	struct buf ere = BUF_INIT;

	if (translate(pattern, &ere, err, n) < 0) {
		buf_release(&ere);
		return -1;
	}
	int rc = regcomp(re, ere.p, REG_EXTENDED | REG_NOSUB);
	buf_release(&ere);
	if (rc) {
		char m[128];
		regerror(rc, NULL, m, sizeof(m));
		FAIL("%s", m);
	}
	return 0;
}
