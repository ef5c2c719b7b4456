/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kubernetes protobuf request bodies ("application/vnd.kubernetes.protobuf"),
 * decoded into the JSON the same object would have had, so the rest of the
 * API server only ever sees JSON. Only decoding: responses stay JSON.
 *
 * The wire format is the 4-byte magic "k8s\0" and a runtime.Unknown
 * envelope {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType};
 * raw is the object's message. The schema tables (pb_schema_*.c) say, per
 * message, which field number maps to which JSON name and type.
 */
#ifndef ATOLL_API_PROTOBUF_H
#define ATOLL_API_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "lib/err.h"

/* Deepest message nesting accepted; deeper bodies get 400. */
#define K8SPB_MAX_DEPTH 64
/* Most JSON values one body may decode to; more gets 413. */
#define K8SPB_MAX_VALUES (1 << 20)

/*
 * Decode a whole body (magic included). Borrows data. Returns an owned JSON
 * object with "kind" and "apiVersion" from the envelope, or NULL with err set:
 * 400 BadRequest for malformed input, 415 UnsupportedMediaType for a kind we
 * have no schema for or a content encoding we do not speak, 413 if it would
 * decode to more than K8SPB_MAX_VALUES values.
 */
json_t *k8spb_decode(const void *data, size_t len, struct atoll_err *err);

/*
 * Decode one bare message (no magic, no envelope) of schema m into a new
 * object; nested message names are looked up in extra[] first, then in the
 * built-in tables. For tests and the fuzzer. Borrows everything.
 */
struct pb_msg;
json_t *k8spb_decode_msg(const struct pb_msg *m, const struct pb_msg *extra, size_t nextra,
			 const void *data, size_t len, struct atoll_err *err);

/* True if the Content-Type names the Kubernetes protobuf encoding. */
int k8spb_content_type(const char *content_type);

/* ---- schema tables (internal to protobuf.c and pb_schema_*.c) ---- */

enum pb_type {
	PB_STR = 1, PB_I32, PB_I64, PB_BOOL,
	PB_BYTES,   /* base64 in JSON */
	PB_DBL,
	PB_MSG,     /* nested message, named by pb_field.msg */
	PB_TIME,    /* metav1.Time {seconds, nanos} -> RFC 3339, seconds */
	PB_MTIME,   /* metav1.MicroTime -> RFC 3339 with microseconds */
	PB_DUR,     /* metav1.Duration {int64 ns} -> Go duration string */
	PB_QTY,     /* resource.Quantity {string} -> string */
	PB_IOS,     /* intstr.IntOrString {type, intVal, strVal} */
	PB_RAW,     /* runtime.RawExtension / FieldsV1 {bytes} -> embedded JSON */
	PB_STRLIST, /* a named []string: {repeated string items} -> array */
};

enum pb_flag {
	PB_REP = 1,  /* repeated: JSON array */
	PB_MAP = 2,  /* map<string, type>: JSON object */
	PB_OZ  = 4,  /* Go value field with omitempty: a zero value is absent */
	PB_NUL = 8,  /* Go nil-able field without omitempty: absent is null */
	PB_INL = 16, /* Go inline struct: its fields join the parent object */
};

struct pb_field {
	uint16_t num;
	uint8_t type;       /* enum pb_type */
	uint8_t flags;      /* enum pb_flag */
	const char *json;   /* JSON member name ("" for PB_INL) */
	const char *msg;    /* message name for PB_MSG, else NULL */
};

struct pb_msg {
	const char *name;   /* "group.Message", e.g. "core.PodSpec" */
	const struct pb_field *fields; /* sorted by num */
	size_t nfields;
};

#define PB_N(a) (sizeof(a) / sizeof((a)[0]))

/* Each schema file exports one table sorted by name. */
extern const struct pb_msg pb_schema_apis_a_b[], pb_schema_apis_c_z[];
extern const struct pb_msg pb_schema_core_a_o[], pb_schema_core_p_z[];
extern const size_t pb_schema_apis_a_b_n, pb_schema_apis_c_z_n;
extern const size_t pb_schema_core_a_o_n, pb_schema_core_p_z_n;

/* The top-level kinds a request body may carry. */
struct pb_kind {
	const char *api_version; /* NULL: any */
	const char *kind;
	const char *msg;
};
extern const struct pb_kind pb_schema_kinds[];
extern const size_t pb_schema_kinds_n;

/* Message by name, or NULL. */
const struct pb_msg *pb_schema_find(const char *name);

#endif
