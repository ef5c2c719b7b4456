/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: quantity parsing. Beyond not crashing, the canonical
 * form must parse back to an equal value and settle to a fixed point, and
 * (q + q) - q must equal q.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct atoll_err err = ERR_INIT;
	struct quantity q, q2, sum, back, neg;
	char a[QUANTITY_STRLEN * 4], b[QUANTITY_STRLEN * 4];
	int64_t v;

	memcpy(s, data, size);
	s[size] = '\0';
	if (quantity_parse(s, &q, &err) < 0) {
		if (err.code != 400)
			abort();
		free(s);
		return 0;
	}
	size_t n = quantity_format(&q, a, sizeof(a));
	if (n >= sizeof(a))
		goto out;  /* huge decimal-SI exponent; nothing to round-trip here */
	if (quantity_parse(a, &q2, &err) < 0 || quantity_cmp(&q, &q2) != 0)
		abort();
	/*
	 * The string is a fixed point from the second round on: a binary value
	 * that is not a multiple of 1024 prints without suffix ("62.5Ki" ->
	 * "64000"), which then reads as decimal ("64k"), as in Kubernetes.
	 */
	quantity_format(&q2, b, sizeof(b));
	if (quantity_parse(b, &q2, &err) < 0 || quantity_cmp(&q, &q2) != 0)
		abort();
	quantity_format(&q2, a, sizeof(a));
	if (strcmp(a, b))
		abort();
	(void)quantity_milli(&q, &v);
	(void)quantity_value(&q, &v);
	if (quantity_add(&q, &q, &sum, &err) == 0) {
		neg = q;
		neg.neg = !q.neg && q.ndig;
		if (quantity_add(&sum, &neg, &back, &err) == 0 && quantity_cmp(&back, &q) != 0)
			abort();
		if (quantity_cmp(&sum, &q) != (q.ndig ? (q.neg ? -1 : 1) : 0))
			abort();
	}
out:
	free(s);
	return 0;
}
