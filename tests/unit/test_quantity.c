/* SPDX-License-Identifier: Apache-2.0 */
/* Resource quantities: parsing, canonical form, comparison, arithmetic. */
#include <jansson.h>
#include <stdint.h>

#include "api/quantity.h"
#include "t.h"

static char out[QUANTITY_STRLEN];

/* Canonical form of s, or "ERR" when it does not parse (with a 400). */
static const char *canon(const char *s)
{
	struct atoll_err err = ERR_INIT;
	struct quantity q;

	if (quantity_parse(s, &q, &err) < 0)
		return err.code == 400 && err.msg[0] ? "ERR" : "BADERR";
	quantity_format(&q, out, sizeof(out));
	return out;
}

static int64_t milli(const char *s, int *rc)
{
	struct quantity q;
	int64_t v = 0;

	*rc = quantity_parse(s, &q, NULL) < 0 ? -2 : quantity_milli(&q, &v);
	return v;
}

static int cmp(const char *a, const char *b)
{
	struct quantity qa, qb;

	if (quantity_parse(a, &qa, NULL) < 0 || quantity_parse(b, &qb, NULL) < 0)
		return 99;
	return quantity_cmp(&qa, &qb);
}

static const char *add(const char *a, const char *b)
{
	struct quantity qa, qb, r;
	struct atoll_err err = ERR_INIT;

	if (quantity_parse(a, &qa, NULL) < 0 || quantity_parse(b, &qb, NULL) < 0)
		return "PARSE";
	if (quantity_add(&qa, &qb, &r, &err) < 0)
		return "ERR";
	quantity_format(&r, out, sizeof(out));
	return out;
}

static void test_canonical(void)
{
	/* Decimal SI. */
	CHECK_STR(canon("0"), "0");
	CHECK_STR(canon("-0"), "0");
	CHECK_STR(canon("0.0"), "0");
	CHECK_STR(canon("0m"), "0");
	CHECK_STR(canon("0Gi"), "0");
	CHECK_STR(canon("1"), "1");
	CHECK_STR(canon("+1"), "1");
	CHECK_STR(canon("-1"), "-1");
	CHECK_STR(canon("1000m"), "1");
	CHECK_STR(canon("100m"), "100m");
	CHECK_STR(canon("0.1"), "100m");
	CHECK_STR(canon("0.5"), "500m");
	CHECK_STR(canon("1.5"), "1500m");
	CHECK_STR(canon("-1.5"), "-1500m");
	CHECK_STR(canon(".5"), "500m");
	CHECK_STR(canon("1."), "1");
	CHECK_STR(canon("1500"), "1500");
	CHECK_STR(canon("12000"), "12k");
	CHECK_STR(canon("1k"), "1k");
	CHECK_STR(canon("1000k"), "1M");
	CHECK_STR(canon("1.5k"), "1500");
	CHECK_STR(canon("1.5m"), "1500u");
	CHECK_STR(canon("1n"), "1n");
	CHECK_STR(canon("1u"), "1u");
	CHECK_STR(canon("1E"), "1E");
	CHECK_STR(canon("1000E"), "1000E");
	CHECK_STR(canon("1M"), "1M");
	CHECK_STR(canon("1G"), "1G");
	CHECK_STR(canon("2T"), "2T");
	CHECK_STR(canon("3P"), "3P");
	CHECK_STR(canon("007"), "7");
	CHECK_STR(canon("0.0000000001"), "1n");     /* rounds up to the smallest unit */
	CHECK_STR(canon("-0.0000000001"), "-1n");
	CHECK_STR(canon("1.0000000001"), "1000000001n");
	CHECK_STR(canon("0.1n"), "1n");
	CHECK_STR(canon("12345678901234567890"), "12345678901234567890");
	CHECK_STR(canon("123456789012345678901234567890"), "123456789012345678901234567890");

	/* Binary SI. */
	CHECK_STR(canon("1Ki"), "1Ki");
	CHECK_STR(canon("500Ki"), "500Ki");
	CHECK_STR(canon("1024Ki"), "1Mi");
	CHECK_STR(canon("1024Mi"), "1Gi");
	CHECK_STR(canon("2Gi"), "2Gi");
	CHECK_STR(canon("1.5Gi"), "1536Mi");
	CHECK_STR(canon("0.5Ki"), "512");
	CHECK_STR(canon("1000Ki"), "1000Ki");
	CHECK_STR(canon("1023Ki"), "1023Ki");
	CHECK_STR(canon("1536Ki"), "1536Ki");
	CHECK_STR(canon("1Ei"), "1Ei");
	CHECK_STR(canon("4Ei"), "4Ei");
	CHECK_STR(canon("8Ei"), "9223372036854775807");  /* capped at 2^63-1 */
	CHECK_STR(canon("-8Ei"), "-9223372036854775807");
	CHECK_STR(canon("0.1Ki"), "102400m");
	CHECK_STR(canon("-2Ki"), "-2Ki");
	CHECK_STR(canon("1.0000001Ki"), "1024000102400n");
	CHECK_STR(canon("62.5Ki"), "64000");          /* binary, not a multiple of 1024 */

	/* Decimal exponent. */
	CHECK_STR(canon("1e3"), "1e3");
	CHECK_STR(canon("1E3"), "1e3");
	CHECK_STR(canon("1e+3"), "1e3");
	CHECK_STR(canon("1e0"), "1");
	CHECK_STR(canon("1.5e3"), "1500");
	CHECK_STR(canon("15e2"), "1500");
	CHECK_STR(canon("1e4"), "10e3");
	CHECK_STR(canon("1e-3"), "1e-3");
	CHECK_STR(canon("1e-2"), "10e-3");
	CHECK_STR(canon("1000e-3"), "1");
	CHECK_STR(canon("1e100"), "10e99");
	CHECK_STR(canon("1e-100"), "1e-9");
	CHECK_STR(canon("1e2147483647"), "10e2147483646");

	/* Malformed. */
	CHECK_STR(canon(""), "ERR");
	/* Kubernetes reads a missing numerator as zero. */
	CHECK_STR(canon("-"), "0");
	CHECK_STR(canon("."), "0");
	CHECK_STR(canon("+"), "0");
	CHECK_STR(canon("m"), "0");
	CHECK_STR(canon("Ki"), "0");
	CHECK_STR(canon("-.e5"), "0");
	CHECK_STR(canon("--"), "ERR");
	CHECK_STR(canon("abc"), "ERR");
	CHECK_STR(canon("1K"), "ERR");
	CHECK_STR(canon("1i"), "ERR");
	CHECK_STR(canon("1e"), "ERR");
	CHECK_STR(canon("1e+"), "ERR");
	CHECK_STR(canon("1Ee3"), "ERR");
	CHECK_STR(canon("1m3"), "ERR");
	CHECK_STR(canon("1-"), "ERR");
	CHECK_STR(canon(" 1"), "ERR");
	CHECK_STR(canon("1 "), "ERR");
	CHECK_STR(canon("1.2.3"), "ERR");
	CHECK_STR(canon("1,5"), "ERR");
	CHECK_STR(canon("1Gib"), "ERR");
	CHECK_STR(canon("--1"), "ERR");
	CHECK_STR(canon("0x10"), "ERR");
	CHECK_STR(canon("1e2147483648"), "ERR");
	CHECK_STR(canon("1e-2147483648"), "1e-9");
	CHECK_STR(canon("1e99999999999999999999"), "ERR");
	CHECK_STR(canon("1.00000000000000000000000000000000000000000000000000000000000000000001"),
		  "1000000001n");   /* extra precision rounds up to nano, not an error */
	CHECK_STR(canon("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
		  "ERR");            /* more significant digits than we keep */

	struct atoll_err err = ERR_INIT;
	char *c = quantity_canonical("2048Mi", &err);
	CHECK_STR(c, "2Gi");
	free(c);
	CHECK(quantity_canonical("x", &err) == NULL && err.code == 400);

	/* Truncated output still reports the full length. */
	struct quantity q;
	char small[4];
	quantity_parse("123456", &q, NULL);
	CHECK(quantity_format(&q, small, sizeof(small)) == 6 && !strcmp(small, "123"));
}

static void test_values(void)
{
	int rc;

	CHECK(milli("1", &rc) == 1000 && rc == 0);
	CHECK(milli("100m", &rc) == 100 && rc == 0);
	CHECK(milli("1.5", &rc) == 1500);
	CHECK(milli("1u", &rc) == 1);          /* ceil */
	CHECK(milli("-1u", &rc) == 0);
	CHECK(milli("-1.5", &rc) == -1500);
	CHECK(milli("1Ki", &rc) == 1024000);
	CHECK(milli("9223372036854775", &rc) == 9223372036854775000 && rc == 0);
	milli("9223372036854776", &rc);
	CHECK(rc == -1);
	milli("8Ei", &rc);
	CHECK(rc == -1);
	milli("1e100", &rc);
	CHECK(rc == -1);
	CHECK(milli("0", &rc) == 0 && rc == 0);
	CHECK(milli("-9223372036854775.808", &rc) == INT64_MIN && rc == 0);

	struct quantity q;
	int64_t v;
	quantity_parse("8Ei", &q, NULL);
	CHECK(quantity_value(&q, &v) == 0 && v == INT64_MAX);
	quantity_parse("1.1", &q, NULL);
	CHECK(quantity_value(&q, &v) == 0 && v == 2);
	quantity_parse("2Gi", &q, NULL);
	CHECK(quantity_value(&q, &v) == 0 && v == 2147483648LL);

	quantity_from_milli(1500, QUANTITY_DECIMAL_SI, &q);
	quantity_format(&q, out, sizeof(out));
	CHECK_STR(out, "1500m");
	quantity_from_milli(2048000, QUANTITY_BINARY_SI, &q);
	quantity_format(&q, out, sizeof(out));
	CHECK_STR(out, "2Ki");
	quantity_from_milli(0, QUANTITY_BINARY_SI, &q);
	quantity_format(&q, out, sizeof(out));
	CHECK_STR(out, "0");
	quantity_from_milli(INT64_MIN, QUANTITY_DECIMAL_SI, &q);
	CHECK(quantity_milli(&q, &v) == 0 && v == INT64_MIN);
}

static void test_cmp_add(void)
{
	CHECK(cmp("1", "1000m") == 0);
	CHECK(cmp("1Ki", "1024") == 0);
	CHECK(cmp("1k", "1Ki") < 0);
	CHECK(cmp("1Gi", "1G") > 0);
	CHECK(cmp("-1", "1") < 0);
	CHECK(cmp("-2", "-1") < 0);
	CHECK(cmp("0", "-0") == 0);
	CHECK(cmp("0", "1n") < 0);
	CHECK(cmp("-1n", "0") < 0);
	CHECK(cmp("1e3", "1k") == 0);
	CHECK(cmp("999m", "1") < 0);
	CHECK(cmp("1.0001", "1") > 0);
	CHECK(cmp("1e100", "8Ei") > 0);

	CHECK_STR(add("100m", "900m"), "1");
	CHECK_STR(add("1", "-1"), "0");
	CHECK_STR(add("1Gi", "512Mi"), "1536Mi");
	CHECK_STR(add("0", "1Gi"), "1Gi");          /* zero takes the other's format */
	CHECK_STR(add("1Gi", "0"), "1Gi");
	CHECK_STR(add("500m", "1Gi"), "1073741824500m");
	CHECK_STR(add("-1.5", "1"), "-500m");
	CHECK_STR(add("1", "-1.5"), "-500m");
	CHECK_STR(add("999", "1"), "1k");
	CHECK_STR(add("1n", "1E"), "1000000000000000000000000001n");
	CHECK_STR(add("1e100", "1n"), "ERR");

	struct quantity a, b;
	quantity_parse("1", &a, NULL);
	quantity_parse("2", &b, NULL);
	CHECK(quantity_add(&a, &b, &a, NULL) == 0);
	quantity_format(&a, out, sizeof(out));
	CHECK_STR(out, "3");
	CHECK(!quantity_is_zero(&a));
}

static void test_json(void)
{
	struct atoll_err err = ERR_INIT;
	json_t *l = json_loads("{\"cpu\":\"1000m\",\"memory\":\"1024Mi\",\"pods\":110,"
			       "\"x/gpu\":0.5,\"ephemeral-storage\":\"1.5Gi\"}", 0, NULL);

	CHECK(quantity_canonicalize_list(l, "status.capacity", &err) == 0);
	CHECK_STR(json_string_value(json_object_get(l, "cpu")), "1");
	CHECK_STR(json_string_value(json_object_get(l, "memory")), "1Gi");
	CHECK_STR(json_string_value(json_object_get(l, "pods")), "110");
	CHECK_STR(json_string_value(json_object_get(l, "x/gpu")), "500m");
	CHECK_STR(json_string_value(json_object_get(l, "ephemeral-storage")), "1536Mi");
	json_decref(l);

	l = json_loads("{\"cpu\":\"1\",\"memory\":\"lots\"}", 0, NULL);
	CHECK(quantity_canonicalize_list(l, "spec.containers[0].resources.limits", &err) < 0);
	CHECK(err.code == 400 && strstr(err.msg, "spec.containers[0].resources.limits[memory]"));
	json_decref(l);
	l = json_loads("{\"cpu\":true}", 0, NULL);
	CHECK(quantity_canonicalize_list(l, "x", &err) < 0 && err.code == 400);
	json_decref(l);
	l = json_loads("[]", 0, NULL);
	CHECK(quantity_canonicalize_list(l, "x", &err) < 0);
	json_decref(l);
	CHECK(quantity_canonicalize_list(NULL, "x", &err) == 0);
	CHECK(quantity_canonicalize_list(json_null(), "x", &err) == 0);

	struct quantity q;
	json_t *r = json_real(0.1);
	CHECK(quantity_from_json(r, "f", &q, &err) == 0);
	quantity_format(&q, out, sizeof(out));
	CHECK_STR(out, "100m");
	json_decref(r);
}

int main(void)
{
	test_json();
	test_canonical();
	test_values();
	test_cmp_add();
	return T_DONE();
}
