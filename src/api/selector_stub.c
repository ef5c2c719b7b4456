/* TEMPORARY stub until the selector library lands. */
#include "api/selector.h"
struct selector *selector_parse(const char *s, struct atoll_err *err) { err_set(err, 400, "BadRequest", "selectors not supported yet"); return NULL; }
bool selector_matches(const struct selector *s, const json_t *labels) { return true; }
void selector_free(struct selector *s) {}
struct fieldsel *fieldsel_parse(const char *s, struct atoll_err *err) { err_set(err, 400, "BadRequest", "selectors not supported yet"); return NULL; }
bool fieldsel_matches(const struct fieldsel *f, const json_t *obj) { return true; }
void fieldsel_free(struct fieldsel *f) {}
