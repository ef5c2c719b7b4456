/* SPDX-License-Identifier: Apache-2.0 */
/* Field selectors: "a=b,c!=d" terms with backslash escapes, matched on JSON objects. */
#include <string.h>

#include "api/selector.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

struct field_req {
	char *field;
	char *value;
	bool neg;   /* != */
};

struct fieldsel {
	size_t n;
	struct field_req *r;
};

void fieldsel_free(struct fieldsel *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->r[i].field);
		free(fs->r[i].value);
	}
	free(fs->r);
	free(fs);
}

bool fieldsel_empty(const struct fieldsel *fs)
{
	return !fs || fs->n == 0;
}

size_t fieldsel_fields(const struct fieldsel *fs, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; fs && i < fs->n && n < max; i++)
		out[n++] = fs->r[i].field;
	return fs && fs->n > max ? fs->n : n;
}

/* Undo "\\", "\,", "\="; unescaped ',' or '=' and other escapes are errors. */
static char *unescape(const char *s, size_t n, struct atoll_err *err)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\') {
			if (i + 1 >= n || (s[i + 1] != '\\' && s[i + 1] != ',' && s[i + 1] != '=')) {
				err_set(err, 400, "BadRequest",
					"invalid field selector: invalid escape sequence in value \"%.*s\"",
					(int)(n > 128 ? 128 : n), s);
				buf_release(&b);
				return NULL;
			}
			c = s[++i];
		} else if (c == ',' || c == '=') {
			err_set(err, 400, "BadRequest",
				"invalid field selector: unescaped '%c' in value \"%.*s\"", c,
				(int)(n > 128 ? 128 : n), s);
			buf_release(&b);
			return NULL;
		}
		buf_addc(&b, c);
	}
	return buf_detach(&b, NULL);
}

static int add_term(struct fieldsel *fs, const char *t, size_t n, fieldsel_known_fn known,
		    void *ctx, struct atoll_err *err)
{
	/* The first unescaped operator splits the term; "!=" and "==" win over "=". */
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '\\') {
			i++;
			continue;
		}
		size_t oplen = 0;
		bool neg = false;
		if (i + 1 < n && t[i] == '!' && t[i + 1] == '=') {
			oplen = 2;
			neg = true;
		} else if (i + 1 < n && t[i] == '=' && t[i + 1] == '=') {
			oplen = 2;
		} else if (t[i] == '=') {
			oplen = 1;
		}
		if (!oplen)
			continue;
		char *field = xstrndup(t, i);
		if (!*field || (known && !known(field, ctx))) {
			err_set(err, 400, "BadRequest", "field label not supported: %.128s", field);
			free(field);
			return -1;
		}
		char *value = unescape(t + i + oplen, n - i - oplen, err);
		if (!value) {
			free(field);
			return -1;
		}
		fs->r = xrealloc(fs->r, (fs->n + 1) * sizeof(*fs->r));
		fs->r[fs->n++] = (struct field_req){ field, value, neg };
		return 0;
	}
	return err_set(err, 400, "BadRequest", "invalid field selector: '%.*s': no operator found",
		       (int)(n > 128 ? 128 : n), t);
}

struct fieldsel *fieldsel_parse(const char *s, fieldsel_known_fn known, void *ctx,
				struct atoll_err *err)
{
	struct fieldsel *fs = xcalloc(1, sizeof(*fs));
	size_t start = 0, i = 0;

	if (!s)
		return fs;
	/* Split on unescaped commas; empty terms are skipped as Kubernetes does. */
	for (;; i++) {
		if (s[i] == '\\' && s[i + 1]) {
			i++;
			continue;
		}
		if (s[i] && s[i] != ',')
			continue;
		if (i > start && add_term(fs, s + start, i - start, known, ctx, err) < 0) {
			fieldsel_free(fs);
			return NULL;
		}
		if (!s[i])
			break;
		start = i + 1;
	}
	return fs;
}

bool fieldsel_default_get(const json_t *obj, const char *field, struct buf *out, void *ctx)
{
	const json_t *v = obj;
	const char *p = field;
	char key[256];

	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key) || !json_is_object(v))
			return true;
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		p += n + (dot ? 1 : 0);
	}
	if (json_is_string(v))
		buf_add(out, json_string_value(v), json_string_length(v));
	else if (json_is_true(v))
		buf_adds(out, "true");
	else if (json_is_false(v))
		buf_adds(out, "false");
	else if (json_is_integer(v))
		buf_addf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		buf_addf(out, "%.17g", json_real_value(v));
	return true;
}

bool fieldsel_matches_fn(const struct fieldsel *fs, const json_t *obj, fieldsel_get_fn get,
			 void *ctx)
{
	struct buf b = BUF_INIT;
	bool ok = true;

	for (size_t i = 0; fs && ok && i < fs->n; i++) {
		buf_reset(&b);
		if (!get(obj, fs->r[i].field, &b, ctx)) {
			ok = false;
			break;
		}
		bool eq = !strcmp(b.p, fs->r[i].value) && strlen(fs->r[i].value) == b.len;
		ok = fs->r[i].neg ? !eq : eq;
	}
	buf_release(&b);
	return ok;
}

bool fieldsel_matches(const struct fieldsel *fs, const json_t *obj)
{
	return fieldsel_matches_fn(fs, obj, fieldsel_default_get, NULL);
}

const char *fieldsel_exact(const struct fieldsel *fs, const char *field)
{
	for (size_t i = 0; fs && i < fs->n; i++)
		if (!fs->r[i].neg && !strcmp(fs->r[i].field, field))
			return fs->r[i].value;
	return NULL;
}
