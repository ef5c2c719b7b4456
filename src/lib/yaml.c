/* SPDX-License-Identifier: Apache-2.0 */
/* YAML to JSON through libyaml's event parser; aliases are refused (no expansion bombs). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/yaml.h"

struct yctx {
	yaml_parser_t p;
	int max_depth;
	char *msg;
	size_t msglen;
};

static json_t *fail(struct yctx *y, const char *m)
{
	snprintf(y->msg, y->msglen, "%s", m);
	return NULL;
}

static json_t *scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag && !strcmp(tag, "tag:yaml.org,2002:str"))
		return json_stringn(v, n);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(v, n);
	if (n == 0 || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL"))
		return json_null();
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		return json_true();
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		return json_false();
	char *end;
	errno = 0;
	long long i = strtoll(v, &end, 10);
	if (*v && !*end && !errno && (v[0] != '0' || n == 1) && !(v[0] == '-' && v[1] == '0'))
		return json_integer(i);
	if (strspn(v, "+-0123456789.eE") == n && strpbrk(v, "0123456789")) {
		double d = strtod(v, &end);
		if (!*end && isfinite(d))
			return json_real(d);
	}
	return json_stringn(v, n);
}

static json_t *node(struct yctx *y, yaml_event_t *first, int depth);

static json_t *collection(struct yctx *y, int is_map, int depth)
{
	json_t *out = is_map ? json_object() : json_array();

	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&y->p, &ev)) {
			json_decref(out);
			return fail(y, y->p.problem ? y->p.problem : "parse error");
		}
		if (ev.type == (is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
			yaml_event_delete(&ev);
			return out;
		}
		if (is_map) {
			if (ev.type != YAML_SCALAR_EVENT) {
				yaml_event_delete(&ev);
				json_decref(out);
				return fail(y, "mapping keys must be scalars");
			}
			char *key = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			yaml_event_delete(&ev);
			yaml_event_t vev;
			if (!key || !yaml_parser_parse(&y->p, &vev)) {
				free(key);
				json_decref(out);
				return fail(y, y->p.problem ? y->p.problem : "parse error");
			}
			json_t *v = node(y, &vev, depth + 1);
			if (!v || json_object_get(out, key)) {
				if (v)
					fail(y, "duplicate mapping key");
				json_decref(v);
				free(key);
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, key, v);
			free(key);
		} else {
			json_t *v = node(y, &ev, depth + 1);
			if (!v) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, v);
		}
	}
}

/* Consumes `first` (and the events of the node it starts). */
static json_t *node(struct yctx *y, yaml_event_t *first, int depth)
{
	json_t *out = NULL;

	if (depth > y->max_depth) {
		yaml_event_delete(first);
		return fail(y, "nesting too deep");
	}
	switch (first->type) {
	case YAML_SCALAR_EVENT:
		out = scalar(first);
		break;
	case YAML_SEQUENCE_START_EVENT:
		yaml_event_delete(first);
		return collection(y, 0, depth);
	case YAML_MAPPING_START_EVENT:
		yaml_event_delete(first);
		return collection(y, 1, depth);
	case YAML_ALIAS_EVENT:
		out = fail(y, "YAML aliases are not supported");
		break;
	default:
		out = fail(y, "unexpected YAML event");
		break;
	}
	yaml_event_delete(first);
	return out;
}

json_t *yaml_to_json(const char *data, size_t len, int max_depth, char *msg, size_t msglen)
{
	struct yctx y = { .max_depth = max_depth, .msg = msg, .msglen = msglen };
	json_t *out = NULL;
	yaml_event_t ev;

	snprintf(msg, msglen, "no document");
	yaml_parser_initialize(&y.p);
	yaml_parser_set_input_string(&y.p, (const unsigned char *)data, len);
	/* Skip STREAM-START and DOCUMENT-START, then read one node. */
	for (int i = 0; i < 3; i++) {
		if (!yaml_parser_parse(&y.p, &ev)) {
			fail(&y, y.p.problem ? y.p.problem : "parse error");
			break;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		out = node(&y, &ev, 0);
		break;
	}
	yaml_parser_delete(&y.p);
	return out;
}
