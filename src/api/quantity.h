/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource quantities as Kubernetes' resource.Quantity: "100m", "1.5",
 * "2Gi", "1e3", "500Ki". Values are exact decimals (up to
 * QUANTITY_DIGITS significant digits) rounded up to 1n as Kubernetes does;
 * binary-suffixed values are capped at 2^63-1. A struct quantity is a plain
 * value: no heap memory, copy it freely.
 */
#ifndef ATOLL_QUANTITY_H
#define ATOLL_QUANTITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define QUANTITY_DIGITS 64

/* How the value prints in canonical form; taken from the parsed suffix. */
enum quantity_format {
	QUANTITY_DECIMAL_SI,       /* "", n u m k M G T P E */
	QUANTITY_BINARY_SI,        /* Ki Mi Gi Ti Pi Ei */
	QUANTITY_DECIMAL_EXPONENT, /* e3, E-2 */
};

struct quantity {
	bool neg;
	unsigned char ndig;          /* 0 means zero */
	unsigned char dig[QUANTITY_DIGITS]; /* digit values, most significant first, no trailing 0 */
	int64_t exp;                 /* value = digits * 10^exp, exp >= -9 */
	enum quantity_format format;
};

/* Parse s into *q. Returns 0, or -1 with err 400 BadRequest. */
int quantity_parse(const char *s, struct quantity *q, struct atoll_err *err);

/* <0, 0, >0 as a is less than, equal to, greater than b. */
int quantity_cmp(const struct quantity *a, const struct quantity *b);
bool quantity_is_zero(const struct quantity *q);

/* ceil(q * 1000) into *out; -1 when it does not fit in int64. */
int quantity_milli(const struct quantity *q, int64_t *out);
/* ceil(q) into *out (bytes, counts); -1 when it does not fit in int64. */
int quantity_value(const struct quantity *q, int64_t *out);
/* The quantity milli/1000 with the given format. */
void quantity_from_milli(int64_t milli, enum quantity_format f, struct quantity *q);

/*
 * *out = a + b, in a's format (b's when a is zero). out may alias a or b.
 * Returns -1 with err 422 Invalid when the exact sum needs more than
 * QUANTITY_DIGITS digits.
 */
int quantity_add(const struct quantity *a, const struct quantity *b, struct quantity *out,
		 struct atoll_err *err);

/*
 * Canonical string as Kubernetes serializes it ("1000m" -> "1",
 * "1024Mi" -> "1Gi", "0.5" -> "500m", "1.5Gi" -> "1536Mi"). Writes at most n
 * bytes (NUL included) and returns the length the full string needs, as
 * snprintf; QUANTITY_STRLEN is always enough for values that came from
 * quantity_parse on strings up to 64 characters.
 */
#define QUANTITY_STRLEN 160
size_t quantity_format(const struct quantity *q, char *out, size_t n);
/* Parse and reformat; returns owned string or NULL with err 400. */
char *quantity_canonical(const char *s, struct atoll_err *err);

/*
 * Read a JSON value as a quantity: a string, or a bare JSON number as
 * Kubernetes also accepts. Returns 0 or -1 with err 400 naming field.
 */
int quantity_from_json(const json_t *v, const char *field, struct quantity *q,
		       struct atoll_err *err);
/*
 * Rewrite every value of a ResourceList object ({"cpu":"1000m",...}) in
 * canonical string form, in place, as Kubernetes stores them. field names
 * the list in error messages ("spec.containers[0].resources.limits").
 * NULL or JSON null is fine; anything else but an object is a 400.
 */
int quantity_canonicalize_list(json_t *list, const char *field, struct atoll_err *err);

#endif
