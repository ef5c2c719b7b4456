/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the server's own JSON fast paths against jansson, the
 * library they stand in for. jparse_loadb must give jansson's answer for
 * every input (a value equal to json_loadb's, or a failure where it fails);
 * jdump must write exactly json_dumps(JSON_COMPACT); jskim must give the
 * full parse's values at its paths, or give up, and read no byte outside
 * the input whatever it is; jskim_reparse must equal the full parse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jdump.h"
#include "lib/jparse.h"
#include "lib/jskim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a lookup of dotted path p in o finds (borrowed), or NULL. */
static json_t *at(json_t *o, const char *p)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", p);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = json_is_object(o) ? json_object_get(o, k) : NULL;
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "metadata.labels", "spec.nodeName", "metadata.name", "a", "a.b" };
	const char *s = (const char *)data;
	json_error_t e1, e2;

	json_t *want = json_loadb(s, size, 0, &e1);
	json_t *got = jparse_loadb(s, size, 0, &e2);
	if (!want != !got || (want && !json_equal(want, got)))
		abort();
	json_decref(got);
	json_t *any = json_loadb(s, size, JSON_DECODE_ANY, &e1);
	got = jparse_loadb(s, size, JSON_DECODE_ANY, &e2);
	if (!any != !got || (any && !json_equal(any, got)))
		abort();
	json_decref(got);
	if (any) {
		char *a = json_dumps(any, JSON_COMPACT | JSON_ENCODE_ANY);
		size_t n = 0;
		char *b = jdump(any, JSON_COMPACT | JSON_ENCODE_ANY, &n);
		if (!a != !b || (a && (strcmp(a, b) || n != strlen(b))))
			abort();
		free(a);
		free(b);
	}
	/* On any bytes it must not crash; on a valid object it must agree with the full parse. */
	json_t *sk = jskim(s, size, paths, sizeof(paths) / sizeof(paths[0]));
	for (size_t i = 0; sk && json_is_object(want) && i < sizeof(paths) / sizeof(paths[0]); i++) {
		json_t *x = at(want, paths[i]), *y = at(sk, paths[i]);
		if (!x != !y || (x && !json_equal(x, y)))
			abort();
	}
	json_decref(sk);
	if (json_is_object(want)) {
		/* A re-parse against itself shares every member and still equals the full parse. */
		json_t *again = jskim_reparse(s, size, s, size, want);
		if (!again || !json_equal(again, want))
			abort();
		json_decref(again);
	}
	json_decref(any);
	json_decref(want);
	return 0;
}
