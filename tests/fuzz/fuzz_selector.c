/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: label selector strings and objects, field selectors;
 * the canonical string form must parse back to itself.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const label_sets[] = {
	"{}",
	"{\"app\":\"web\",\"tier\":\"front\",\"n\":\"5\",\"e\":\"\"}",
	"{\"in\":\"notin\",\"example.com/x\":\"y\",\"n\":\"-9223372036854775808\"}",
};

/* The string form parses back and prints the same. */
static void roundtrip(const struct selector *sel)
{
	char *a = selector_format(sel);
	struct selector *again = selector_parse(a, NULL);
	if (!again)
		abort();
	char *b = selector_format(again);
	if (strcmp(a, b))
		abort();
	free(a);
	free(b);
	selector_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct atoll_err err = ERR_INIT;

	memcpy(s, data, size);
	s[size] = '\0';
	json_t *labels[3];
	for (int i = 0; i < 3; i++)
		labels[i] = json_loads(label_sets[i], 0, NULL);

	struct selector *sel = selector_parse(s, &err);
	if (sel) {
		for (int i = 0; i < 3; i++)
			(void)selector_matches(sel, labels[i]);
		(void)selector_matches(sel, NULL);
		(void)selector_empty(sel);
		roundtrip(sel);
		selector_free(sel);
	} else if (err.code != 400) {
		abort();
	}

	struct fieldsel *fs = fieldsel_parse(s, NULL, NULL, &err);
	if (fs) {
		json_t *obj = json_pack("{s:{s:s,s:s},s:{s:b}}", "metadata", "name", "a", "namespace", "b",
					"spec", "x", 1);
		(void)fieldsel_matches(fs, obj);
		(void)fieldsel_exact(fs, "metadata.name");
		json_decref(obj);
		fieldsel_free(fs);
	} else if (err.code != 400) {
		abort();
	}

	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	if (j) {
		sel = selector_from_json(j, &err);
		if (sel) {
			for (int i = 0; i < 3; i++)
				(void)selector_matches(sel, labels[i]);
			roundtrip(sel);
			selector_free(sel);
		}
		json_decref(j);
	}
	(void)selector_label_key_ok(s, NULL);
	(void)selector_label_value_ok(s, NULL);
	for (int i = 0; i < 3; i++)
		json_decref(labels[i]);
	free(s);
	return 0;
}
