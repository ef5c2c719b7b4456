/* SPDX-License-Identifier: Apache-2.0 */
/* Resource quantities: parsing, exact decimal arithmetic, canonical formatting. */
#include <stdio.h>
#include <string.h>

#include "api/quantity.h"
#include "lib/xalloc.h"

#define FORMAT_RE "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

/* A scratch decimal: digits (values 0..9, most significant first) * 10^exp. */
struct dec {
	unsigned char *d;
	size_t n, cap;
	int64_t exp;
};

/* Drop leading and trailing zero digits; n == 0 means zero. */
static void dec_norm(struct dec *x)
{
	size_t lead = 0;

	while (lead < x->n && x->d[lead] == 0)
		lead++;
	if (lead) {
		memmove(x->d, x->d + lead, x->n - lead);
		x->n -= lead;
	}
	while (x->n && x->d[x->n - 1] == 0) {
		x->n--;
		x->exp++;
	}
}

/* x *= 2, in place; needs one spare digit of capacity. */
static void dec_double(struct dec *x)
{
	unsigned carry = 0;

	for (size_t i = x->n; i-- > 0;) {
		unsigned v = x->d[i] * 2u + carry;
		x->d[i] = (unsigned char)(v % 10);
		carry = v / 10;
	}
	if (carry) {
		memmove(x->d + 1, x->d, x->n);
		x->d[0] = (unsigned char)carry;
		x->n++;
	}
}

/* Add one unit in the last place; needs one spare digit. */
static void dec_inc_last(struct dec *x)
{
	size_t i = x->n;

	while (i-- > 0) {
		if (x->d[i] < 9) {
			x->d[i]++;
			return;
		}
		x->d[i] = 0;
	}
	memmove(x->d + 1, x->d, x->n);
	x->d[0] = 1;
	x->n++;
}

/* Round the magnitude up to a multiple of 1e-9 (Kubernetes rounds "up" so that any request asks for something). */
static void dec_round_nano(struct dec *x)
{
	if (!x->n || x->exp >= -9)
		return;
	int64_t drop = -9 - x->exp;
	if ((uint64_t)drop >= x->n) {
		x->d[0] = 1;
		x->n = 1;
	} else {
		x->n -= (size_t)drop;
		dec_inc_last(x);  /* the dropped digits are non-zero: the last one was */
	}
	x->exp = -9;
	dec_norm(x);
}

/* Compare magnitudes of normalized digit strings. */
static int mag_cmp(const unsigned char *a, size_t an, int64_t ae, const unsigned char *b, size_t bn,
		   int64_t be)
{
	if (!an || !bn)
		return (an > 0) - (bn > 0);
	int64_t ta = (int64_t)an + ae, tb = (int64_t)bn + be;
	if (ta != tb)
		return ta < tb ? -1 : 1;
	for (size_t i = 0; i < an || i < bn; i++) {
		int da = i < an ? a[i] : 0, db = i < bn ? b[i] : 0;
		if (da != db)
			return da < db ? -1 : 1;
	}
	return 0;
}

static const unsigned char max_int64_digits[] = { 9, 2, 2, 3, 3, 7, 2, 0, 3, 6, 8, 5, 4, 7, 7, 5, 8, 0, 7 };

static int bad_format(struct atoll_err *err, const char *s)
{
	return err_set(err, 400, "BadRequest", "quantities must match the regular expression " FORMAT_RE
		       " (got \"%.64s\")", s);
}

/* Interpret a suffix: base 10 or 2, and the power of that base. */
static int suffix_parse(const char *sfx, int *base, int64_t *power, enum quantity_format *f)
{
	static const struct { const char *s; int base, power; } tab[] = {
		{ "", 10, 0 }, { "n", 10, -9 }, { "u", 10, -6 }, { "m", 10, -3 }, { "k", 10, 3 },
		{ "M", 10, 6 }, { "G", 10, 9 }, { "T", 10, 12 }, { "P", 10, 15 }, { "E", 10, 18 },
		{ "Ki", 2, 10 }, { "Mi", 2, 20 }, { "Gi", 2, 30 }, { "Ti", 2, 40 }, { "Pi", 2, 50 },
		{ "Ei", 2, 60 },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(sfx, tab[i].s)) {
			*base = tab[i].base;
			*power = tab[i].power;
			*f = tab[i].base == 2 ? QUANTITY_BINARY_SI : QUANTITY_DECIMAL_SI;
			return 0;
		}
	}
	if (sfx[0] != 'e' && sfx[0] != 'E')
		return -1;
	const char *p = sfx + 1;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return -1;
	int64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > 2147483648LL)   /* the exponent is an int32 in Kubernetes */
			return -1;
	}
	if (!neg && v > 2147483647LL)
		return -1;
	*base = 10;
	*power = neg ? -v : v;
	*f = QUANTITY_DECIMAL_EXPONENT;
	return 0;
}

int quantity_parse(const char *s, struct quantity *q, struct atoll_err *err)
{
	const char *p = s;
	bool neg = false;

	memset(q, 0, sizeof(*q));
	if (!s || !*s)
		return err_set(err, 400, "BadRequest", "quantities must match the regular expression " FORMAT_RE);
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	const char *ip = p;
	while (*p >= '0' && *p <= '9')
		p++;
	size_t ni = (size_t)(p - ip);
	const char *fp = p;
	size_t nf = 0;
	if (*p == '.') {
		fp = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		nf = (size_t)(p - fp);
	}
	/*
	 * No digits at all ("-", ".", "m", "Ki") reads as zero: Kubernetes'
	 * scanner treats an empty numerator as "0", and we keep its behaviour.
	 */
	/* The suffix is letters of "eEinumkKMGTP", an optional sign, digits, then the end. */
	const char *sfx = p;
	while (*p && strchr("eEinumkKMGTP", *p))
		p++;
	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p)
		return bad_format(err, s);
	int base;
	int64_t power;
	enum quantity_format f;
	if (suffix_parse(sfx, &base, &power, &f) < 0)
		return err_set(err, 400, "BadRequest", "unable to parse quantity's suffix (got \"%.64s\")", s);

	/* Room for the digits, the binary multiplier (< 20 digits) and a carry. */
	struct dec x = { .cap = ni + nf + 24 };
	x.d = xmalloc(x.cap);
	for (size_t i = 0; i < ni; i++)
		x.d[x.n++] = (unsigned char)(ip[i] - '0');
	for (size_t i = 0; i < nf; i++)
		x.d[x.n++] = (unsigned char)(fp[i] - '0');
	x.exp = -(int64_t)nf;
	dec_norm(&x);
	if (base == 10) {
		x.exp += power;
	} else {
		for (int64_t i = 0; i < power && x.n; i++)
			dec_double(&x);
		dec_norm(&x);
	}
	dec_round_nano(&x);
	if (f == QUANTITY_BINARY_SI &&
	    mag_cmp(x.d, x.n, x.exp, max_int64_digits, sizeof(max_int64_digits), 0) > 0) {
		x.n = sizeof(max_int64_digits);
		memcpy(x.d, max_int64_digits, x.n);
		x.exp = 0;
	}
	if (x.n > QUANTITY_DIGITS) {
		free(x.d);
		return err_set(err, 400, "BadRequest",
			       "quantity \"%.64s\" has more than %d significant digits", s, QUANTITY_DIGITS);
	}
	q->neg = neg && x.n;
	q->ndig = (unsigned char)x.n;
	memcpy(q->dig, x.d, x.n);
	q->exp = x.n ? x.exp : 0;
	q->format = f;
	free(x.d);
	return 0;
}

bool quantity_is_zero(const struct quantity *q)
{
	return q->ndig == 0;
}

int quantity_cmp(const struct quantity *a, const struct quantity *b)
{
	int sa = a->ndig ? (a->neg ? -1 : 1) : 0, sb = b->ndig ? (b->neg ? -1 : 1) : 0;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	int m = mag_cmp(a->dig, a->ndig, a->exp, b->dig, b->ndig, b->exp);
	return sa < 0 ? -m : m;
}

/* ceil(q * 10^scale) as int64. */
static int scaled_int64(const struct quantity *q, int scale, int64_t *out)
{
	int64_t e = q->exp + scale;
	uint64_t mag = 0;
	bool frac = false;

	*out = 0;
	if (!q->ndig)
		return 0;
	if (e > 19)
		return -1;
	/* Integer digits: those before the decimal point after scaling. */
	int64_t nint = (int64_t)q->ndig + e;
	for (int64_t i = 0; i < nint; i++) {
		unsigned d = i < q->ndig ? q->dig[i] : 0;
		if (__builtin_mul_overflow(mag, 10, &mag) || __builtin_add_overflow(mag, d, &mag))
			return -1;
	}
	frac = nint < (int64_t)q->ndig;   /* any digit left over is non-zero */
	if (!q->neg) {
		if (frac && __builtin_add_overflow(mag, 1, &mag))
			return -1;
		if (mag > (uint64_t)INT64_MAX)
			return -1;
		*out = (int64_t)mag;
	} else {
		/* ceil of a negative number truncates toward zero */
		if (mag > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	}
	return 0;
}

int quantity_milli(const struct quantity *q, int64_t *out)
{
	return scaled_int64(q, 3, out);
}

int quantity_value(const struct quantity *q, int64_t *out)
{
	return scaled_int64(q, 0, out);
}

void quantity_from_milli(int64_t milli, enum quantity_format f, struct quantity *q)
{
	unsigned char tmp[24];
	size_t n = 0;
	uint64_t mag = milli < 0 ? (uint64_t)0 - (uint64_t)milli : (uint64_t)milli;

	memset(q, 0, sizeof(*q));
	q->format = f;
	if (!mag)
		return;
	q->neg = milli < 0;
	while (mag) {
		tmp[n++] = (unsigned char)(mag % 10);
		mag /= 10;
	}
	for (size_t i = 0; i < n; i++)
		q->dig[i] = tmp[n - 1 - i];
	q->ndig = (unsigned char)n;
	q->exp = -3;
	struct dec x = { q->dig, q->ndig, QUANTITY_DIGITS, q->exp };
	dec_norm(&x);
	q->ndig = (unsigned char)x.n;
	q->exp = x.exp;
}

int quantity_add(const struct quantity *a, const struct quantity *b, struct quantity *out,
		 struct atoll_err *err)
{
	enum quantity_format f = a->ndig ? a->format : b->format;

	if (!b->ndig || !a->ndig) {
		*out = b->ndig ? *b : *a;
		out->format = f;
		return 0;
	}
	int64_t lo = a->exp < b->exp ? a->exp : b->exp;
	int64_t ta = a->ndig + a->exp, tb = b->ndig + b->exp;
	int64_t hi = ta > tb ? ta : tb;
	if (hi - lo > 2 * QUANTITY_DIGITS + 2)
		return err_set(err, 422, "Invalid", "quantity sum needs more than %d significant digits",
			       QUANTITY_DIGITS);
	/* Fixed-point digit arrays, position i is 10^(hi - 1 - i + lo ... ) aligned at lo. */
	int len = (int)(hi - lo) + 1;
	int va[2 * QUANTITY_DIGITS + 4] = { 0 }, vb[2 * QUANTITY_DIGITS + 4] = { 0 };
	for (int i = 0; i < a->ndig; i++)
		va[len - 1 - (int)(a->exp - lo) - (a->ndig - 1 - i)] = a->dig[i];
	for (int i = 0; i < b->ndig; i++)
		vb[len - 1 - (int)(b->exp - lo) - (b->ndig - 1 - i)] = b->dig[i];
	bool neg;
	int r[2 * QUANTITY_DIGITS + 4];
	if (a->neg == b->neg) {
		int carry = 0;
		for (int i = len - 1; i >= 0; i--) {
			int v = va[i] + vb[i] + carry;
			r[i] = v % 10;
			carry = v / 10;
		}
		neg = a->neg;
	} else {
		/* Subtract the smaller magnitude from the larger. */
		int c = mag_cmp(a->dig, a->ndig, a->exp, b->dig, b->ndig, b->exp);
		int *big = c >= 0 ? va : vb, *small = c >= 0 ? vb : va;
		int borrow = 0;
		for (int i = len - 1; i >= 0; i--) {
			int v = big[i] - small[i] - borrow;
			borrow = v < 0;
			r[i] = v < 0 ? v + 10 : v;
		}
		neg = c >= 0 ? a->neg : b->neg;
	}
	unsigned char d[2 * QUANTITY_DIGITS + 4];
	for (int i = 0; i < len; i++)
		d[i] = (unsigned char)r[i];
	struct dec x = { d, (size_t)len, sizeof(d), lo };
	dec_norm(&x);
	if (x.n > QUANTITY_DIGITS)
		return err_set(err, 422, "Invalid", "quantity sum needs more than %d significant digits",
			       QUANTITY_DIGITS);
	memset(out, 0, sizeof(*out));
	out->neg = x.n && neg;
	out->ndig = (unsigned char)x.n;
	memcpy(out->dig, x.d, x.n);
	out->exp = x.n ? x.exp : 0;
	out->format = f;
	return 0;
}

static void put(char *out, size_t n, size_t *len, char c)
{
	if (*len + 1 < n)
		out[*len] = c;
	(*len)++;
}

static void puts_(char *out, size_t n, size_t *len, const char *s)
{
	while (*s)
		put(out, n, len, *s++);
}

size_t quantity_format(const struct quantity *q, char *out, size_t n)
{
	static const char *const dec_sfx[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };
	static const char *const bin_sfx[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	size_t len = 0;
	enum quantity_format f = q->format;

	if (!q->ndig) {
		puts_(out, n, &len, "0");
		goto done;
	}
	if (q->neg)
		put(out, n, &len, '-');
	if (f == QUANTITY_BINARY_SI) {
		struct quantity mag = *q;
		int64_t v;
		mag.neg = false;
		/* Under 1024, or not an integer: print as decimal, never rounding. */
		if (q->exp < 0 || scaled_int64(&mag, 0, &v) < 0 || v < 1024) {
			f = QUANTITY_DECIMAL_SI;
		} else {
			int k = 0;
			while (k < 6 && v % 1024 == 0) {
				v /= 1024;
				k++;
			}
			char num[24];
			snprintf(num, sizeof(num), "%lld", (long long)v);
			puts_(out, n, &len, num);
			puts_(out, n, &len, bin_sfx[k]);
			goto done;
		}
	}
	/* Decimal: exponent a multiple of 3, mantissa an integer. */
	int64_t e = q->exp, zeros = ((e % 3) + 3) % 3;
	e -= zeros;
	if (f == QUANTITY_DECIMAL_SI && e > 18) {
		zeros += e - 18;
		e = 18;
	}
	if (f == QUANTITY_DECIMAL_SI && e < -9)
		f = QUANTITY_DECIMAL_EXPONENT;  /* only hand-built values get here */
	for (int i = 0; i < q->ndig; i++)
		put(out, n, &len, (char)('0' + q->dig[i]));
	for (int64_t i = 0; i < zeros; i++)
		put(out, n, &len, '0');
	if (f == QUANTITY_DECIMAL_SI) {
		puts_(out, n, &len, dec_sfx[e / 3 + 3]);
	} else if (e) {
		char sfx[24];
		snprintf(sfx, sizeof(sfx), "e%lld", (long long)e);
		puts_(out, n, &len, sfx);
	}
done:
	if (n)
		out[len < n ? len : n - 1] = '\0';
	return len;
}

char *quantity_canonical(const char *s, struct atoll_err *err)
{
	struct quantity q;

	if (quantity_parse(s, &q, err) < 0)
		return NULL;
	size_t need = quantity_format(&q, NULL, 0);
	char *out = xmalloc(need + 1);
	quantity_format(&q, out, need + 1);
	return out;
}

int quantity_from_json(const json_t *v, const char *field, struct quantity *q,
		       struct atoll_err *err)
{
	char num[64];
	const char *s;

	if (json_is_string(v)) {
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v))
			return err_set(err, 400, "BadRequest", "%s: quantity contains a NUL byte", field);
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		/* 15 digits give back what the client wrote for any short decimal. */
		snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		s = num;
	} else {
		return err_set(err, 400, "BadRequest", "%s: a quantity must be a string or a number", field);
	}
	if (quantity_parse(s, q, err) < 0)
		return err_wrap(err, "%s", field);
	return 0;
}

int quantity_canonicalize_list(json_t *list, const char *field, struct atoll_err *err)
{
	const char *k;
	json_t *v;
	struct quantity q;
	char out[QUANTITY_STRLEN], where[256];

	if (!list || json_is_null(list))
		return 0;
	if (!json_is_object(list))
		return err_set(err, 400, "BadRequest", "%s: must be an object of quantities", field);
	json_object_foreach(list, k, v) {
		snprintf(where, sizeof(where), "%s[%s]", field, k);
		if (quantity_from_json(v, where, &q, err) < 0)
			return -1;
		size_t n = quantity_format(&q, out, sizeof(out));
		json_t *str = n < sizeof(out) ? json_string(out) : NULL;
		if (!str) {
			char *big = xmalloc(n + 1);
			quantity_format(&q, big, n + 1);
			str = json_string(big);
			free(big);
		}
		json_object_set_new(list, k, str);
	}
	return 0;
}
