/* TEMPORARY stub until the selector library lands. */
#ifndef ATOLL_SELECTOR_H
#define ATOLL_SELECTOR_H
#include <jansson.h>
#include <stdbool.h>
#include "lib/err.h"
struct selector;
struct fieldsel;
struct selector *selector_parse(const char *s, struct atoll_err *err);
bool selector_matches(const struct selector *s, const json_t *labels);
void selector_free(struct selector *s);
struct fieldsel *fieldsel_parse(const char *s, struct atoll_err *err);
bool fieldsel_matches(const struct fieldsel *f, const json_t *obj);
void fieldsel_free(struct fieldsel *f);
#endif
