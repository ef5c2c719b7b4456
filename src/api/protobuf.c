/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes protobuf bodies to JSON, driven by the pb_schema_*.c tables. */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/protobuf.h"
#include "lib/buf.h"
#include "lib/jparse.h"

/*
 * Every length and varint below comes from the client: reads go through a
 * cursor that never passes `end`, lengths are checked against what is left
 * before any pointer arithmetic, and recursion is bounded by depth.
 */
struct pbr {
	const uint8_t *p, *end;
};

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

static int bad(struct atoll_err *err, const char *what)
{
	/* err_set returns -1 too, but the compiler cannot see it across files. */
	err_set(err, 400, "BadRequest", "the protobuf body is invalid: %s", what);
	return -1;
}

static int rd_varint(struct pbr *r, uint64_t *v, struct atoll_err *err)
{
	uint64_t x = 0;
	int i;

	for (i = 0; i < 10; i++) {
		uint8_t b;

		if (r->p >= r->end)
			return bad(err, "truncated varint");
		b = *r->p++;
		if (i == 9 && b > 1)
			return bad(err, "varint overflows 64 bits");
		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return bad(err, "varint longer than 10 bytes");
}

static int rd_fixed(struct pbr *r, size_t n, uint64_t *v, struct atoll_err *err)
{
	uint64_t x = 0;
	size_t i;

	if ((size_t)(r->end - r->p) < n)
		return bad(err, "truncated fixed-size field");
	for (i = 0; i < n; i++)
		x |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	*v = x;
	return 0;
}

/* A length-delimited payload: a sub-cursor over the next `len` bytes. */
static int rd_len(struct pbr *r, struct pbr *sub, struct atoll_err *err)
{
	uint64_t n;

	if (rd_varint(r, &n, err))
		return -1;
	if (n > (uint64_t)(r->end - r->p))
		return bad(err, "length runs past the end of its message");
	sub->p = r->p;
	sub->end = r->p + n;
	r->p += n;
	return 0;
}

static int rd_tag(struct pbr *r, uint32_t *num, int *wt, struct atoll_err *err)
{
	uint64_t t;

	if (rd_varint(r, &t, err))
		return -1;
	if ((t >> 3) == 0 || (t >> 3) > 0x1fffffff)
		return bad(err, "field number out of range");
	*num = (uint32_t)(t >> 3);
	*wt = (int)(t & 7);
	return 0;
}

static int skip_field(struct pbr *r, int wt, struct atoll_err *err)
{
	struct pbr sub;
	uint64_t v;

	switch (wt) {
	case WT_VARINT: return rd_varint(r, &v, err);
	case WT_I64:    return rd_fixed(r, 8, &v, err);
	case WT_I32:    return rd_fixed(r, 4, &v, err);
	case WT_LEN:    return rd_len(r, &sub, err);
	default:        return bad(err, "unsupported wire type (groups are not used by Kubernetes)");
	}
}

static int msg_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct pb_msg *)elem)->name);
}

const struct pb_msg *pb_schema_find(const char *name)
{
	static const struct { const struct pb_msg *t; const size_t *n; } tabs[] = {
		{ pb_schema_apis_a_b, &pb_schema_apis_a_b_n },
		{ pb_schema_apis_c_z, &pb_schema_apis_c_z_n },
		{ pb_schema_core_a_o, &pb_schema_core_a_o_n },
		{ pb_schema_core_p_z, &pb_schema_core_p_z_n },
	};
	size_t i;

	for (i = 0; i < PB_N(tabs); i++) {
		const struct pb_msg *m = bsearch(name, tabs[i].t, *tabs[i].n, sizeof(*tabs[i].t), msg_cmp);
		if (m)
			return m;
	}
	return NULL;
}

static const struct pb_field *field_find(const struct pb_msg *m, uint32_t num)
{
	size_t lo = 0, hi = m->nfields;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->fields[mid].num == num)
			return &m->fields[mid];
		if (m->fields[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* JSON strings must be UTF-8 and, as for our JSON bodies, free of NUL. */
static json_t *mk_string(const uint8_t *p, size_t n, struct atoll_err *err)
{
	json_t *s;

	if (memchr(p, 0, n)) {
		bad(err, "a string contains a NUL byte");
		return NULL;
	}
	s = json_stringn((const char *)p, n);
	if (!s)
		bad(err, "a string is not valid UTF-8");
	return s;
}

static json_t *mk_base64(const uint8_t *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf b = BUF_INIT;
	json_t *s;
	size_t i;

	buf_grow(&b, n / 3 * 4 + 4);
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63] };
		buf_add(&b, q, 4);
	}
	if (n - i == 1) {
		char q[4] = { tab[p[i] >> 2], tab[(p[i] & 3) << 4], '=', '=' };
		buf_add(&b, q, 4);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];
		char q[4] = { tab[v >> 10], tab[(v >> 4) & 63], tab[(v & 15) << 2], '=' };
		buf_add(&b, q, 4);
	}
	s = json_stringn(b.p, b.len);
	buf_release(&b);
	return s;
}

/* metav1.Time / MicroTime. An empty message is the zero time: null. */
static json_t *mk_time(struct pbr *r, int micro, struct atoll_err *err)
{
	int64_t secs = 0;
	int32_t nanos = 0;
	char out[64];
	struct tm tm;
	time_t t;

	if (r->p == r->end)
		return json_null();
	while (r->p < r->end) {
		uint32_t num;
		uint64_t v;
		int wt;

		if (rd_tag(r, &num, &wt, err))
			return NULL;
		if ((num == 1 || num == 2) && wt == WT_VARINT) {
			if (rd_varint(r, &v, err))
				return NULL;
			if (num == 1)
				secs = (int64_t)v;
			else
				nanos = (int32_t)(uint32_t)v;
		} else if (skip_field(r, wt, err)) {
			return NULL;
		}
	}
	if (nanos < 0 || nanos > 999999999) {
		bad(err, "time nanos out of range");
		return NULL;
	}
	/* Years 1..9999 only: the range RFC 3339 and Go's layouts can print. */
	if (secs < -62135596800LL || secs > 253402300799LL) {
		bad(err, "time out of range");
		return NULL;
	}
	if (secs == -62135596800LL && nanos == 0)
		return json_null(); /* Go's zero time */
	t = (time_t)secs;
	if (!gmtime_r(&t, &tm)) {
		bad(err, "time out of range");
		return NULL;
	}
	if (micro)
		snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos / 1000);
	else
		snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return json_string(out);
}

/* Append v/unit in Go's time.Duration.String style: "1h2m3.5s", "1.5ms". */
static void dur_frac(struct buf *b, uint64_t v, uint64_t unit)
{
	uint64_t frac = v % unit;
	char digits[24];
	int n;

	buf_addf(b, "%" PRIu64, v / unit);
	if (!frac)
		return;
	n = snprintf(digits, sizeof(digits), "%0*" PRIu64, unit == 1000000000 ? 9 : unit == 1000000 ? 6 : 3, frac);
	while (n > 0 && digits[n - 1] == '0')
		n--;
	buf_addc(b, '.');
	buf_add(b, digits, (size_t)n);
}

static json_t *mk_duration(int64_t ns)
{
	struct buf b = BUF_INIT;
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	json_t *s;

	if (ns < 0)
		buf_addc(&b, '-');
	if (u == 0) {
		buf_adds(&b, "0s");
	} else if (u < 1000) {
		buf_addf(&b, "%" PRIu64 "ns", u);
	} else if (u < 1000000) {
		dur_frac(&b, u, 1000);
		buf_adds(&b, "\xc2\xb5s"); /* Go prints U+00B5 MICRO SIGN */
	} else if (u < 1000000000) {
		dur_frac(&b, u, 1000000);
		buf_adds(&b, "ms");
	} else {
		uint64_t s = u / 1000000000, h = s / 3600, m = s / 60 % 60;
		if (h)
			buf_addf(&b, "%" PRIu64 "h", h);
		if (h || m)
			buf_addf(&b, "%" PRIu64 "m", m);
		dur_frac(&b, u % 60000000000ULL, 1000000000);
		buf_addc(&b, 's');
	}
	s = json_stringn(b.p, b.len);
	buf_release(&b);
	return s;
}

/* What the recursion carries: the error, a caller's extra messages, a budget. */
struct pbcx {
	struct atoll_err *err;
	const struct pb_msg *extra;
	size_t nextra;
	size_t values; /* JSON values made so far */
};

/*
 * A 2-byte empty message can become an object with a few nulls, so a body
 * could grow a hundredfold as JSON; cap the values, far above what any
 * object the store accepts (1.5 MiB of JSON) can hold.
 */
static int spend(struct pbcx *cx, size_t n)
{
	cx->values += n;
	if (cx->values <= K8SPB_MAX_VALUES)
		return 0;
	err_set(cx->err, 413, "RequestEntityTooLarge",
		"the protobuf body decodes to more than %d JSON values", K8SPB_MAX_VALUES);
	return -1;
}

static const struct pb_msg *find_msg(struct pbcx *cx, const char *name)
{
	size_t i;

	for (i = 0; i < cx->nextra; i++)
		if (!strcmp(cx->extra[i].name, name))
			return &cx->extra[i];
	return pb_schema_find(name);
}

static int decode_into(const struct pb_msg *m, struct pbr *r, json_t *obj, int depth,
		       struct pbcx *cx);

/*
 * One value of a field whose wire type is WT_LEN and whose type is not a
 * scalar: messages and the special types, each a small message of its own.
 */
static json_t *decode_len_value(const struct pb_field *f, struct pbr *sub, int depth,
				struct pbcx *cx)
{
	struct atoll_err *err = cx->err;
	const struct pb_msg *m;
	json_t *o;

	switch (f->type) {
	case PB_MSG:
		m = find_msg(cx, f->msg);
		if (!m) {
			err_set(err, 500, "InternalError", "protobuf schema lacks message %s", f->msg);
			return NULL;
		}
		o = json_object();
		if (decode_into(m, sub, o, depth + 1, cx)) {
			json_decref(o);
			return NULL;
		}
		return o;
	case PB_TIME:
	case PB_MTIME:
		return mk_time(sub, f->type == PB_MTIME, err);
	default:
		break;
	}

	/* The rest are {1: x, 2: y, 3: z} messages; remember the last of each. */
	uint64_t iv[4] = { 0 };
	struct pbr sv[4] = { { NULL, NULL } };
	o = f->type == PB_STRLIST ? json_array() : NULL;
	while (sub->p < sub->end) {
		uint32_t num;
		int wt;

		if (rd_tag(sub, &num, &wt, err))
			goto fail;
		if (num < 4 && wt == WT_VARINT) {
			if (rd_varint(sub, &iv[num], err))
				goto fail;
		} else if (num < 4 && wt == WT_LEN) {
			if (rd_len(sub, &sv[num], err))
				goto fail;
			if (o && num == 1) {
				if (spend(cx, 1))
					goto fail;
				json_t *s = mk_string(sv[1].p, (size_t)(sv[1].end - sv[1].p), err);
				if (!s)
					goto fail;
				json_array_append_new(o, s);
			}
		} else if (skip_field(sub, wt, err)) {
			goto fail;
		}
	}
	switch (f->type) {
	case PB_STRLIST:
		return o;
	case PB_DUR:
		return mk_duration((int64_t)iv[1]);
	case PB_QTY:
		if (!sv[1].p)
			return json_string("0"); /* Go's zero Quantity */
		return mk_string(sv[1].p, (size_t)(sv[1].end - sv[1].p), err);
	case PB_IOS:
		if (iv[1] > 1) {
			bad(err, "IntOrString type is neither 0 nor 1");
			return NULL;
		}
		if (iv[1] == 1)
			return sv[3].p ? mk_string(sv[3].p, (size_t)(sv[3].end - sv[3].p), err) : json_string("");
		return json_integer((int32_t)(uint32_t)iv[2]);
	case PB_RAW: {
		json_error_t jerr;
		json_t *j;

		if (!sv[1].p)
			return json_null();
		j = jparse_loadb((const char *)sv[1].p, (size_t)(sv[1].end - sv[1].p),
			       JSON_DECODE_ANY, &jerr);
		if (!j)
			bad(err, "an embedded object is not JSON");
		return j;
	}
	default:
		bad(err, "wrong wire type for field");
		return NULL;
	}
fail:
	json_decref(o);
	return NULL;
}

static int is_scalar(int type)
{
	return type >= PB_STR && type <= PB_DBL;
}

/* One scalar value, given its wire type; *zero tells if it is Go's zero. */
static json_t *decode_scalar(const struct pb_field *f, int wt, struct pbr *r, int *zero,
			     struct atoll_err *err)
{
	struct pbr sub;
	uint64_t v;
	double d;

	switch (f->type) {
	case PB_STR:
	case PB_BYTES:
		if (wt != WT_LEN)
			break;
		if (rd_len(r, &sub, err))
			return NULL;
		*zero = sub.p == sub.end;
		if (f->type == PB_BYTES)
			return mk_base64(sub.p, (size_t)(sub.end - sub.p));
		return mk_string(sub.p, (size_t)(sub.end - sub.p), err);
	case PB_I32:
	case PB_I64:
	case PB_BOOL:
		if (wt != WT_VARINT)
			break;
		if (rd_varint(r, &v, err))
			return NULL;
		*zero = f->type == PB_I32 ? (uint32_t)v == 0 : v == 0;
		if (f->type == PB_BOOL)
			return json_boolean(v != 0);
		if (f->type == PB_I32)
			return json_integer((int32_t)(uint32_t)v);
		return json_integer((json_int_t)(int64_t)v);
	case PB_DBL:
		if (wt != WT_I64)
			break;
		if (rd_fixed(r, 8, &v, err))
			return NULL;
		memcpy(&d, &v, sizeof(d));
		if (!isfinite(d)) {
			bad(err, "a number is not finite");
			return NULL;
		}
		*zero = d == 0;
		return json_real(d);
	}
	err_set(err, 400, "BadRequest", "the protobuf body is invalid: wrong wire type %d for field %s",
		wt, f->json);
	return NULL;
}

/* One value of any type; takes the wire type already read from the tag. */
static json_t *decode_value(const struct pb_field *f, int wt, struct pbr *r, int depth, int *zero,
			    struct pbcx *cx)
{
	struct atoll_err *err = cx->err;
	struct pbr sub;

	*zero = 0;
	if (is_scalar(f->type))
		return decode_scalar(f, wt, r, zero, err);
	if (wt != WT_LEN) {
		err_set(err, 400, "BadRequest", "the protobuf body is invalid: wrong wire type %d for field %s",
			wt, f->json);
		return NULL;
	}
	if (rd_len(r, &sub, err))
		return NULL;
	return decode_len_value(f, &sub, depth, cx);
}

/* The Go zero value of a map entry's missing value. */
static json_t *zero_value(const struct pb_field *f)
{
	switch (f->type) {
	case PB_STR: case PB_BYTES: return json_string("");
	case PB_I32: case PB_I64:   return json_integer(0);
	case PB_BOOL:               return json_false();
	case PB_DBL:                return json_real(0);
	case PB_MSG:                return json_object();
	case PB_QTY:                return json_string("0");
	case PB_DUR:                return json_string("0s");
	case PB_IOS:                return json_integer(0);
	default:                    return json_null();
	}
}

/* A map entry {1: string key, 2: value}, added to the object `map`. */
static int decode_map_entry(const struct pb_field *f, struct pbr *r, json_t *map, int depth,
			    struct pbcx *cx)
{
	struct atoll_err *err = cx->err;
	json_t *key = NULL, *val = NULL;
	int zero, rc = -1;

	while (r->p < r->end) {
		uint32_t num;
		int wt;

		if (rd_tag(r, &num, &wt, err))
			goto out;
		if (num == 1) {
			struct pbr ks;

			if (wt != WT_LEN) {
				bad(err, "map key is not a string");
				goto out;
			}
			if (rd_len(r, &ks, err))
				goto out;
			json_decref(key);
			if (!(key = mk_string(ks.p, (size_t)(ks.end - ks.p), err)))
				goto out;
		} else if (num == 2) {
			json_decref(val);
			if (!(val = decode_value(f, wt, r, depth, &zero, cx)))
				goto out;
		} else if (skip_field(r, wt, err)) {
			goto out;
		}
	}
	json_object_set_new(map, key ? json_string_value(key) : "", val ? val : zero_value(f));
	val = NULL;
	rc = 0;
out:
	json_decref(key);
	json_decref(val);
	return rc;
}

/* Get obj[name] as a container of the given kind, creating it if absent. */
static json_t *member(json_t *obj, const char *name, int array)
{
	json_t *c = json_object_get(obj, name);

	if (array ? json_is_array(c) : json_is_object(c))
		return c;
	c = array ? json_array() : json_object();
	json_object_set_new(obj, name, c);
	return c;
}

static int decode_field(const struct pb_field *f, int wt, struct pbr *r, json_t *obj, int depth,
			struct pbcx *cx)
{
	struct atoll_err *err = cx->err;

	if (spend(cx, 1))
		return -1;
	struct pbr sub;
	json_t *v;
	int zero;

	if (f->flags & PB_MAP) {
		if (wt != WT_LEN)
			return bad(err, "map entry is not length-delimited");
		if (rd_len(r, &sub, err))
			return -1;
		return decode_map_entry(f, &sub, member(obj, f->json, 0), depth, cx);
	}
	if (f->flags & PB_INL) {
		const struct pb_msg *m = find_msg(cx, f->msg);

		if (wt != WT_LEN)
			return bad(err, "inline message is not length-delimited");
		if (!m)
			return err_set(err, 500, "InternalError", "protobuf schema lacks message %s", f->msg);
		if (rd_len(r, &sub, err))
			return -1;
		return decode_into(m, &sub, obj, depth + 1, cx);
	}
	if ((f->flags & PB_REP) && wt == WT_LEN && is_scalar(f->type) &&
	    f->type != PB_STR && f->type != PB_BYTES) {
		/* Packed repeated numbers: proto3 style, accepted for robustness. */
		json_t *a = member(obj, f->json, 1);

		if (rd_len(r, &sub, err))
			return -1;
		while (sub.p < sub.end) {
			int pwt = f->type == PB_DBL ? WT_I64 : WT_VARINT;
			if (spend(cx, 1))
				return -1;
			if (!(v = decode_scalar(f, pwt, &sub, &zero, err)))
				return -1;
			json_array_append_new(a, v);
		}
		return 0;
	}
	if (!(v = decode_value(f, wt, r, depth, &zero, cx)))
		return -1;
	if (f->flags & PB_REP) {
		json_array_append_new(member(obj, f->json, 1), v);
	} else if (f->type == PB_MSG && json_is_object(json_object_get(obj, f->json))) {
		/* A message seen twice merges, as protobuf says. */
		json_object_update_recursive(json_object_get(obj, f->json), v);
		json_decref(v);
	} else if (zero && (f->flags & PB_OZ)) {
		json_decref(v);
		json_object_del(obj, f->json); /* a later zero overrides */
	} else {
		json_object_set_new(obj, f->json, v);
	}
	return 0;
}

static int decode_into(const struct pb_msg *m, struct pbr *r, json_t *obj, int depth,
		       struct pbcx *cx)
{
	struct atoll_err *err = cx->err;
	size_t i;

	if (depth > K8SPB_MAX_DEPTH)
		return err_set(err, 400, "BadRequest",
			       "the protobuf body is nested deeper than %d levels", K8SPB_MAX_DEPTH);
	while (r->p < r->end) {
		const struct pb_field *f;
		uint32_t num;
		int wt;

		if (rd_tag(r, &num, &wt, err))
			return -1;
		f = num <= UINT16_MAX ? field_find(m, num) : NULL;
		if (!f) {
			if (skip_field(r, wt, err))
				return -1;
			continue;
		}
		if (decode_field(f, wt, r, obj, depth, cx))
			return err_wrap(err, "%s", f->json[0] ? f->json : m->name);
	}
	/* Go's encoding/json writes null for nil fields without omitempty. */
	for (i = 0; i < m->nfields; i++) {
		const struct pb_field *f = &m->fields[i];
		if ((f->flags & PB_NUL) && !json_object_get(obj, f->json)) {
			if (spend(cx, 1))
				return -1;
			json_object_set_new(obj, f->json, json_null());
		}
	}
	return 0;
}

int k8spb_content_type(const char *ct)
{
	static const char mt[] = "application/vnd.kubernetes.protobuf";

	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return !strncasecmp(ct, mt, sizeof(mt) - 1) &&
	       (ct[sizeof(mt) - 1] == 0 || ct[sizeof(mt) - 1] == ';' || ct[sizeof(mt) - 1] == ' ');
}

/* The runtime.Unknown envelope, fields borrowed from the body. */
struct envelope {
	struct pbr api_version, kind, raw, encoding, type;
	int has_raw;
};

static int envelope_read(struct pbr *r, struct envelope *e, struct atoll_err *err)
{
	while (r->p < r->end) {
		struct pbr sub;
		uint32_t num;
		int wt;

		if (rd_tag(r, &num, &wt, err))
			return -1;
		if (num > 4 || wt != WT_LEN) {
			if (skip_field(r, wt, err))
				return -1;
			continue;
		}
		if (rd_len(r, &sub, err))
			return -1;
		switch (num) {
		case 1:
			while (sub.p < sub.end) {
				struct pbr s;

				if (rd_tag(&sub, &num, &wt, err))
					return -1;
				if ((num == 1 || num == 2) && wt == WT_LEN) {
					if (rd_len(&sub, &s, err))
						return -1;
					if (num == 1)
						e->api_version = s;
					else
						e->kind = s;
				} else if (skip_field(&sub, wt, err)) {
					return -1;
				}
			}
			break;
		case 2: e->raw = sub; e->has_raw = 1; break;
		case 3: e->encoding = sub; break;
		case 4: e->type = sub; break;
		}
	}
	return 0;
}

static int span_is(const struct pbr *s, const char *str)
{
	size_t n = strlen(str);
	return (size_t)(s->end - s->p) == n && !memcmp(s->p, str, n);
}

/* A client-supplied name for a message: ASCII only, cut to the buffer. */
static const char *printable(const struct pbr *s, char *out, size_t size)
{
	size_t i, n = (size_t)(s->end - s->p);

	n = n < size - 1 ? n : size - 1;
	for (i = 0; i < n; i++)
		out[i] = s->p[i] >= 0x20 && s->p[i] < 0x7f ? (char)s->p[i] : '?';
	out[n] = 0;
	return out;
}

json_t *k8spb_decode_msg(const struct pb_msg *m, const struct pb_msg *extra, size_t nextra,
			 const void *data, size_t len, struct atoll_err *err)
{
	struct pbcx cx = { err, extra, nextra, 0 };
	struct pbr r = { data, (const uint8_t *)data + len };
	json_t *obj = json_object();

	if (len && decode_into(m, &r, obj, 1, &cx)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *k8spb_decode(const void *data, size_t len, struct atoll_err *err)
{
	struct pbcx cx = { err, NULL, 0, 0 };
	struct pbr r = { data, (const uint8_t *)data + len };
	struct envelope e = { 0 };
	const struct pb_kind *k = NULL;
	const struct pb_msg *m;
	json_t *obj, *av;
	size_t i;

	if (!data || len < 4 || memcmp(data, "k8s\0", 4)) {
		bad(err, "missing the \"k8s\\0\" prefix");
		return NULL;
	}
	r.p += 4;
	if (envelope_read(&r, &e, err))
		return NULL;
	if (!e.kind.p || e.kind.p == e.kind.end || !e.api_version.p || e.api_version.p == e.api_version.end) {
		bad(err, "the envelope has no apiVersion and kind");
		return NULL;
	}
	if (e.encoding.p && e.encoding.p != e.encoding.end) {
		err_set(err, 415, "UnsupportedMediaType",
			"protobuf bodies with a content encoding are not supported; send JSON instead");
		return NULL;
	}
	if (e.type.p && e.type.p != e.type.end && !span_is(&e.type, "application/vnd.kubernetes.protobuf")) {
		char ty[101];

		err_set(err, 415, "UnsupportedMediaType",
			"protobuf envelopes carrying %s are not supported; send JSON instead",
			printable(&e.type, ty, sizeof(ty)));
		return NULL;
	}
	for (i = 0; i < pb_schema_kinds_n && !k; i++)
		if ((!pb_schema_kinds[i].api_version ||
		     span_is(&e.api_version, pb_schema_kinds[i].api_version)) &&
		    span_is(&e.kind, pb_schema_kinds[i].kind))
			k = &pb_schema_kinds[i];
	if (!k) {
		char av[101], kd[101];

		err_set(err, 415, "UnsupportedMediaType",
			"the protobuf encoding of %s, Kind=%s is not supported by this server; "
			"send it as JSON (Content-Type: application/json)",
			printable(&e.api_version, av, sizeof(av)), printable(&e.kind, kd, sizeof(kd)));
		return NULL;
	}
	m = pb_schema_find(k->msg);
	if (!m) {
		err_set(err, 500, "InternalError", "protobuf schema lacks message %s", k->msg);
		return NULL;
	}
	obj = json_object();
	json_object_set_new(obj, "kind", json_string(k->kind));
	av = mk_string(e.api_version.p, (size_t)(e.api_version.end - e.api_version.p), err);
	if (!av) {
		json_decref(obj);
		return NULL;
	}
	json_object_set_new(obj, "apiVersion", av);
	if (e.has_raw && decode_into(m, &e.raw, obj, 1, &cx)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
