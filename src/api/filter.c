/* SPDX-License-Identifier: Apache-2.0 */
/* Label and field selectors applied to objects on their way out. */
#include <stdlib.h>

#include "api/filter.h"
#include "api/selector.h"
#include "lib/jparse.h"
#include "lib/jskim.h"
#include "lib/xalloc.h"

struct filter {
	struct selector *labels;
	struct fieldsel *fields;
};

int filter_from_req(struct api_req *r, struct filter **out, struct atoll_err *err)
{
	const char *ls = req_query(r, "labelSelector");
	const char *fs = req_query(r, "fieldSelector");
	struct filter *f;

	*out = NULL;
	if ((!ls || !*ls) && (!fs || !*fs))
		return 0;
	f = xcalloc(1, sizeof(*f));
	if (ls && *ls && !(f->labels = selector_parse(ls, err))) {
		filter_free(f);
		return -1;
	}
	if (fs && *fs && !(f->fields = fieldsel_parse(fs, NULL, NULL, err))) {
		filter_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

bool filter_match(const struct filter *f, const json_t *obj)
{
	if (!f)
		return true;
	if (f->labels &&
	    !selector_matches(f->labels, json_object_get(json_object_get(obj, "metadata"), "labels")))
		return false;
	if (f->fields && !fieldsel_matches(f->fields, obj))
		return false;
	return true;
}

json_t *filter_load(const struct filter *f, const char *s, size_t len)
{
	const char *paths[16];
	size_t n = 0;
	json_t *o = NULL;

	if (f && f->labels)
		paths[n++] = "metadata.labels";
	size_t nf = f ? fieldsel_fields(f->fields, paths + n, 15) : 0;
	if (f && nf <= 15)
		o = jskim(s, len, paths, n + nf);
	return o ? o : jparse_loadb(s, len, 0, NULL);
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	if (f->labels)
		selector_free(f->labels);
	if (f->fields)
		fieldsel_free(f->fields);
	free(f);
}
