/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes protobuf decoding: kubectl's captured bodies, hand-built ones, and hostile ones. */
#include <stdint.h>
#include <stdio.h>

#include "t.h"
#include "api/protobuf.h"
#include "lib/buf.h"

/*
 * Bodies kubectl 1.32 sent (tests/unit/pb/NAME.pb) and the JSON the same
 * object has (NAME.json: `kubectl ... --dry-run=client -o json` where kubectl
 * can print it, else written from the Go types' JSON tags).
 */
static const char *const vectors[] = {
	"configmap", "configmap_bin", "secret", "secret_docker", "namespace", "serviceaccount",
	"service", "service_nodeport", "service_headless", "deployment", "deployment_multi",
	"job", "cronjob", "role", "role_groups", "clusterrole", "clusterrole_agg", "rolebinding",
	"clusterrolebinding", "quota", "ingress", "priorityclass", "priorityclass_default", "pdb",
	"pdb_pct", "token", "token_plain", "canI", "canI_sub", "canI_url", "canIlist", "whoami",
	"csr_approve", "hpa",
};

static char *slurp(const char *name, const char *ext, size_t *len)
{
	char path[256];
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "tests/unit/pb/%s.%s", name, ext);
	if (!(f = fopen(path, "rb"))) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

/* ---- a tiny encoder for hand-built messages ---- */

static void e_varint(struct buf *b, uint64_t v)
{
	do {
		uint8_t c = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		buf_add(b, &c, 1);
		v >>= 7;
	} while (v);
}

static void e_tag(struct buf *b, uint32_t num, int wt) { e_varint(b, (uint64_t)num << 3 | (unsigned)wt); }
static void e_uint(struct buf *b, uint32_t num, uint64_t v) { e_tag(b, num, 0); e_varint(b, v); }

static void e_bytes(struct buf *b, uint32_t num, const void *p, size_t n)
{
	e_tag(b, num, 2);
	e_varint(b, n);
	buf_add(b, p, n);
}

static void e_str(struct buf *b, uint32_t num, const char *s) { e_bytes(b, num, s, strlen(s)); }

/* Wrap sub as field num of b and release sub. */
static void e_msg(struct buf *b, uint32_t num, struct buf *sub)
{
	e_bytes(b, num, sub->p, sub->len);
	buf_release(sub);
}

static void e_entry(struct buf *b, uint32_t num, const char *k, const char *v)
{
	struct buf e = BUF_INIT;
	e_str(&e, 1, k);
	e_str(&e, 2, v);
	e_msg(b, num, &e);
}

/* The whole body: magic, envelope, raw. */
static void e_body(struct buf *out, const char *api_version, const char *kind, struct buf *raw,
		   const char *encoding)
{
	struct buf u = BUF_INIT, tm = BUF_INIT;

	e_str(&tm, 1, api_version);
	e_str(&tm, 2, kind);
	e_msg(&u, 1, &tm);
	e_msg(&u, 2, raw);
	if (encoding)
		e_str(&u, 3, encoding);
	buf_add(out, "k8s\0", 4);
	buf_add(out, u.p, u.len);
	buf_release(&u);
}

static int json_same(json_t *got, const char *want_text)
{
	json_error_t jerr;
	json_t *want = json_loads(want_text, 0, &jerr);
	int same = want && got && json_equal(got, want);

	if (!same) {
		char *g = got ? json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		char *w = want ? json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		fprintf(stderr, "  got  %s\n  want %s\n", g ? g : "(null)", w ? w : want_text);
		free(g);
		free(w);
	}
	json_decref(want);
	return same;
}

static void test_vectors(void)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct atoll_err err = ERR_INIT;
		size_t plen, jlen;
		char *pb = slurp(vectors[i], "pb", &plen), *js = slurp(vectors[i], "json", &jlen);
		json_t *got = pb ? k8spb_decode(pb, plen, &err) : NULL;

		if (!got)
			fprintf(stderr, "%s: %d %s\n", vectors[i], err.code, err.msg);
		if (!(js && json_same(got, js)))
			fprintf(stderr, "  in vector %s\n", vectors[i]);
		CHECK(js && got && json_same(got, js));
		json_decref(got);

		/*
		 * Every truncation and every single-byte change must either
		 * decode or fail with 400/415, never crash or leak (asan).
		 */
		if (pb) {
			size_t n, bad_code = 0;
			for (n = 0; n < plen; n++) {
				struct atoll_err e2 = ERR_INIT;
				json_t *j = k8spb_decode(pb, n, &e2);
				if (!j && e2.code != 400 && e2.code != 413 && e2.code != 415)
					bad_code++;
				json_decref(j);

				char saved = pb[n];
				pb[n] ^= (char)(0x55 + n);
				e2 = (struct atoll_err)ERR_INIT;
				j = k8spb_decode(pb, plen, &e2);
				if (!j && e2.code != 400 && e2.code != 413 && e2.code != 415)
					bad_code++;
				json_decref(j);
				pb[n] = saved;
			}
			CHECK(bad_code == 0);
		}
		free(pb);
		free(js);
	}
}

/* A pod using most special types: Time, IntOrString, Quantity, inline sources. */
static void test_pod(void)
{
	struct buf meta = BUF_INIT, t = BUF_INIT, o = BUF_INIT, mf = BUF_INIT, spec = BUF_INIT;
	struct buf c = BUF_INIT, probe = BUF_INIT, h = BUF_INIT, ios = BUF_INIT, res = BUF_INIT;
	struct buf q = BUF_INIT, ent = BUF_INIT, vol = BUF_INIT, vs = BUF_INIT, ed = BUF_INIT;
	struct buf sc = BUF_INIT, tol = BUF_INIT, pod = BUF_INIT, body = BUF_INIT, env = BUF_INIT;
	struct buf src = BUF_INIT, sel = BUF_INIT, psc = BUF_INIT, packed = BUF_INIT;
	struct atoll_err err = ERR_INIT;
	json_t *j;

	e_str(&meta, 1, "p");
	e_str(&meta, 3, "ns");
	e_uint(&meta, 7, 0);                   /* generation 0: omitempty */
	e_uint(&t, 1, 1795640400);
	e_msg(&meta, 8, &t);                   /* creationTimestamp */
	e_entry(&meta, 11, "app", "web");
	e_str(&o, 1, "ReplicaSet");
	e_str(&o, 3, "rs");
	e_str(&o, 4, "u1");
	e_str(&o, 5, "apps/v1");
	e_uint(&o, 6, 1);
	e_uint(&o, 7, 0);                      /* *bool false: kept */
	e_msg(&meta, 13, &o);
	e_str(&meta, 14, "f1");
	e_str(&meta, 14, "f2");
	e_str(&mf, 1, "kubectl");
	e_uint(&t, 1, 1767323045);
	e_uint(&t, 2, 5);
	e_msg(&mf, 4, &t);
	e_str(&t, 1, "{\"f:metadata\":{}}");
	e_msg(&mf, 7, &t);                     /* fieldsV1: embedded JSON */
	e_msg(&meta, 17, &mf);
	e_uint(&meta, 999, 5);                 /* unknown fields of every wire type */
	e_str(&meta, 1000, "zz");
	e_tag(&meta, 1001, 5);
	buf_add(&meta, "abcd", 4);
	e_tag(&meta, 1002, 1);
	buf_add(&meta, "abcdefgh", 8);

	e_str(&c, 1, "web");
	e_str(&c, 2, "nginx");
	e_uint(&ios, 2, 8080);
	e_msg(&h, 2, &ios);                    /* httpGet.port = 8080 */
	e_str(&h, 1, "/healthz");
	e_msg(&probe, 2, &h);
	e_msg(&t, 1, &probe);                  /* Probe.ProbeHandler (inline) */
	e_uint(&t, 2, 0);                      /* initialDelaySeconds 0: omitted */
	e_uint(&t, 4, 10);
	e_msg(&c, 10, &t);
	e_uint(&ios, 1, 1);
	e_str(&ios, 3, "http");
	e_msg(&h, 1, &ios);                    /* tcpSocket.port = "http" */
	e_msg(&probe, 3, &h);
	e_msg(&t, 1, &probe);
	e_msg(&c, 11, &t);
	e_str(&q, 1, "500m");
	e_str(&ent, 1, "cpu");
	e_msg(&ent, 2, &q);
	e_msg(&res, 1, &ent);
	e_msg(&c, 8, &res);
	e_str(&env, 1, "PASS");
	e_str(&sel, 1, "s");                   /* LocalObjectReference (inline) */
	e_msg(&src, 1, &sel);
	e_str(&src, 2, "password");
	e_msg(&sel, 4, &src);
	e_msg(&env, 3, &sel);
	e_msg(&c, 7, &env);
	e_uint(&sc, 2, 0);                     /* privileged: *bool false */
	e_uint(&sc, 4, UINT64_MAX);            /* runAsUser: -1 */
	e_msg(&c, 15, &sc);
	e_uint(&c, 16, 0);                     /* stdin false: omitted */
	e_msg(&spec, 2, &c);

	e_str(&vol, 1, "scratch");
	e_str(&q, 1, "1Gi");
	e_msg(&ed, 2, &q);
	e_msg(&vs, 2, &ed);
	e_msg(&vol, 2, &vs);
	e_msg(&spec, 1, &vol);
	e_str(&spec, 3, "Always");
	e_uint(&spec, 25, 0xffffffffffffff9cULL); /* priority int32 -100 */
	e_str(&tol, 1, "k");
	e_str(&tol, 2, "Exists");
	e_uint(&tol, 5, 300);
	e_msg(&spec, 22, &tol);
	e_varint(&packed, 1000);
	e_varint(&packed, 2000);
	e_msg(&psc, 4, &packed);               /* packed supplementalGroups */
	e_uint(&psc, 4, 3000);                 /* and one unpacked */
	e_msg(&spec, 14, &psc);

	e_msg(&pod, 1, &meta);
	e_msg(&pod, 2, &spec);
	e_body(&body, "v1", "Pod", &pod, NULL);
	j = k8spb_decode(body.p, body.len, &err);
	CHECK(j != NULL);
	CHECK(json_same(j, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\","
		"\"namespace\":\"ns\",\"creationTimestamp\":\"2026-11-25T21:00:00Z\",\"labels\":{\"app\":\"web\"},"
		"\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"u1\",\"apiVersion\":\"apps/v1\","
		"\"controller\":true,\"blockOwnerDeletion\":false}],\"finalizers\":[\"f1\",\"f2\"],"
		"\"managedFields\":[{\"manager\":\"kubectl\",\"time\":\"2026-01-02T03:04:05Z\","
		"\"fieldsV1\":{\"f:metadata\":{}}}]},"
		"\"spec\":{\"volumes\":[{\"name\":\"scratch\",\"emptyDir\":{\"sizeLimit\":\"1Gi\"}}],"
		"\"containers\":[{\"name\":\"web\",\"image\":\"nginx\","
		"\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":8080},\"periodSeconds\":10},"
		"\"readinessProbe\":{\"tcpSocket\":{\"port\":\"http\"}},"
		"\"resources\":{\"limits\":{\"cpu\":\"500m\"}},"
		"\"env\":[{\"name\":\"PASS\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\",\"key\":\"password\"}}}],"
		"\"securityContext\":{\"privileged\":false,\"runAsUser\":-1}}],"
		"\"restartPolicy\":\"Always\",\"priority\":-100,"
		"\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"tolerationSeconds\":300}],"
		"\"securityContext\":{\"supplementalGroups\":[1000,2000,3000]}}}"));
	json_decref(j);
	buf_release(&body);
}

static int decode_code(const void *p, size_t n, char *msg, size_t msglen)
{
	struct atoll_err err = ERR_INIT;
	json_t *j = k8spb_decode(p, n, &err);

	if (j) {
		json_decref(j);
		return 0;
	}
	if (msg)
		snprintf(msg, msglen, "%s", err.msg);
	return err.code;
}

/* A ConfigMap body whose raw is the given bytes. */
static int raw_code(const void *raw, size_t n)
{
	struct buf r = BUF_INIT, body = BUF_INIT;
	int code;

	buf_add(&r, raw, n);
	e_body(&body, "v1", "ConfigMap", &r, NULL);
	code = decode_code(body.p, body.len, NULL, 0);
	buf_release(&body);
	return code;
}

static void test_errors(void)
{
	struct buf r = BUF_INIT, body = BUF_INIT;
	char msg[512];

	CHECK(decode_code("", 0, NULL, 0) == 400);
	CHECK(decode_code("{\"kind\":1}", 10, NULL, 0) == 400);
	CHECK(decode_code("k8s\0", 4, NULL, 0) == 400);                 /* no kind */
	CHECK(decode_code("k8s\0\x0a\x05", 6, NULL, 0) == 400);         /* length past end */

	e_body(&body, "example.com/v1", "Widget", &r, NULL);
	CHECK(decode_code(body.p, body.len, msg, sizeof(msg)) == 415);
	CHECK(strstr(msg, "Widget") && strstr(msg, "example.com/v1") && strstr(msg, "JSON"));
	buf_reset(&body);
	e_body(&body, "v1\n", "Config\xffMap", &r, NULL);
	CHECK(decode_code(body.p, body.len, msg, sizeof(msg)) == 415);
	CHECK(strstr(msg, "v1?, Kind=Config?Map"));
	buf_reset(&body);
	e_str(&r, 4, "Orphan");
	e_body(&body, "apps/v1", "DeleteOptions", &r, NULL);
	{
		struct atoll_err err = ERR_INIT;
		json_t *j = k8spb_decode(body.p, body.len, &err);
		CHECK(json_same(j, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"apps/v1\","
				"\"propagationPolicy\":\"Orphan\"}"));
		json_decref(j);
	}
	buf_reset(&body);
	e_body(&body, "v1", "ConfigMap", &r, "gzip");
	CHECK(decode_code(body.p, body.len, NULL, 0) == 415);
	buf_reset(&body);
	e_body(&body, "v1", "ConfigMap", &r, NULL);
	CHECK(decode_code(body.p, body.len, NULL, 0) == 0);            /* empty raw: {} */
	buf_release(&body);

	CHECK(raw_code("\x0a\x02\x0a", 3) == 400);                      /* truncated metadata */
	CHECK(raw_code("\x0a\x01", 2) == 400);
	CHECK(raw_code("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11) == 400); /* huge length */
	CHECK(raw_code("\x0a\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", 11) == 400); /* varint overflow */
	CHECK(raw_code("\x0b", 1) == 400);                               /* group wire type */
	CHECK(raw_code("\x08\x01", 2) == 400);                           /* metadata as varint */
	CHECK(raw_code("\x0a\x03\x0a\x01\xff", 5) == 400);               /* name not UTF-8 */
	CHECK(raw_code("\x0a\x03\x0a\x01\x00", 5) == 400);               /* name with NUL */
	CHECK(raw_code("\x0a\x02\x08\x01", 4) == 400);                   /* name as varint */
	CHECK(raw_code("\x00", 1) == 400);                               /* field number 0 */
	CHECK(raw_code("\xf8\xff\xff\xff\x0f\x00", 6) == 0);             /* max field number, skipped */
	CHECK(raw_code("\x12\x04\x0a\x01\x61\x12", 6) == 400);            /* map entry cut short */
	CHECK(raw_code("\x12\x03\x0a\x01\x61", 5) == 0);                 /* entry without value: "" */
	/* A million empty owner references: refused before memory runs away. */
	{
		struct buf meta = BUF_INIT, cm = BUF_INIT;
		size_t i;

		for (i = 0; i < (1u << 20) + 8; i++)
			buf_add(&meta, "\x6a\x00", 2);
		e_msg(&cm, 1, &meta);
		e_body(&body, "v1", "ConfigMap", &cm, NULL);
		CHECK(decode_code(body.p, body.len, msg, sizeof(msg)) == 413);
		buf_release(&body);
	}
	/* metadata.creationTimestamp far beyond year 9999 */
	CHECK(raw_code("\x0a\x0c\x42\x0a\x08\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 14) == 400);
}

/* Test-only schema: the types no built-in message uses, and recursion. */
static const struct pb_field f_node[] = {
	{ 1, PB_MSG, 0, "child", "test.Node" },
	{ 2, PB_DUR, 0, "dur", NULL },
	{ 3, PB_MTIME, 0, "mtime", NULL },
	{ 4, PB_DBL, PB_OZ, "dbl", NULL },
	{ 5, PB_RAW, 0, "raw", NULL },
	{ 6, PB_STRLIST, PB_MAP, "extra", NULL },
	{ 7, PB_STR, PB_OZ, "s", NULL },
	{ 8, PB_BYTES, PB_NUL, "b", NULL },
	{ 9, PB_I32, PB_MAP, "counts", NULL },
};
static const struct pb_msg test_msgs[] = { { "test.Node", f_node, PB_N(f_node) } };

static json_t *node(struct buf *b, int *code)
{
	struct atoll_err err = ERR_INIT;
	json_t *j = k8spb_decode_msg(&test_msgs[0], test_msgs, 1, b->p, b->len, &err);

	*code = j ? 0 : err.code;
	buf_reset(b);
	return j;
}

static void check_dur(int64_t ns, const char *want)
{
	struct buf b = BUF_INIT, d = BUF_INIT;
	json_t *j;
	int code;

	e_uint(&d, 1, (uint64_t)ns);
	e_msg(&b, 2, &d);
	j = node(&b, &code);
	CHECK_STR(json_string_value(json_object_get(j, "dur")), want);
	json_decref(j);
	buf_release(&b);
}

static void test_special(void)
{
	struct buf b = BUF_INIT, s = BUF_INIT, e = BUF_INIT;
	json_t *j;
	double d = 2.5;
	uint64_t bits;
	int code, i;

	check_dur(0, "0s");
	check_dur(3600000000000LL, "1h0m0s");
	check_dur(90000000000LL, "1m30s");
	check_dur(1500000000LL, "1.5s");
	check_dur(500000000LL, "500ms");
	check_dur(1500, "1.5\xc2\xb5s");
	check_dur(100, "100ns");
	check_dur(-2000000000LL, "-2s");

	e_uint(&s, 1, 1795640400);
	e_uint(&s, 2, 123456789);
	e_msg(&b, 3, &s);
	memcpy(&bits, &d, sizeof(bits));
	e_tag(&b, 4, 1);
	for (i = 0; i < 8; i++)
		buf_addc(&b, (char)(bits >> (8 * i)));
	e_str(&s, 1, "[1,\"two\"]");
	e_msg(&b, 5, &s);
	e_str(&e, 1, "scopes");
	e_str(&s, 1, "a");
	e_str(&s, 1, "b");
	e_msg(&e, 2, &s);
	e_msg(&b, 6, &e);
	e_str(&b, 7, "x");
	e_str(&b, 7, "");                      /* a later zero value wins: absent */
	e_str(&e, 1, "n");
	e_msg(&b, 9, &e);                      /* map entry without value: 0 */
	j = node(&b, &code);
	CHECK(json_same(j, "{\"mtime\":\"2026-11-25T21:00:00.123456Z\",\"dbl\":2.5,\"raw\":[1,\"two\"],"
			"\"extra\":{\"scopes\":[\"a\",\"b\"]},\"b\":null,\"counts\":{\"n\":0}}"));
	json_decref(j);

	/* A message seen twice merges. */
	e_str(&s, 7, "a");
	e_msg(&b, 1, &s);
	e_bytes(&b, 8, "\x00\xff\xfe", 3);
	e_str(&s, 1, "{}");
	e_msg(&e, 5, &s);
	e_msg(&b, 1, &e);
	j = node(&b, &code);
	CHECK(json_same(j, "{\"child\":{\"s\":\"a\",\"raw\":{},\"b\":null},\"b\":\"AP/+\"}"));
	json_decref(j);

	/* NaN, bad embedded JSON. */
	bits = 0x7ff8000000000000ULL;
	e_tag(&b, 4, 1);
	for (i = 0; i < 8; i++)
		buf_addc(&b, (char)(bits >> (8 * i)));
	j = node(&b, &code);
	CHECK(!j && code == 400);
	e_str(&s, 1, "{nope");
	e_msg(&b, 5, &s);
	j = node(&b, &code);
	CHECK(!j && code == 400);

	/* Nesting: 60 levels decode, 100 are refused. */
	for (i = 0; i < 100; i++) {
		struct buf outer = BUF_INIT;
		e_msg(&outer, 1, &b);
		b = outer;
		if (i == 59) {
			struct buf copy = BUF_INIT;
			buf_add(&copy, b.p, b.len);
			j = node(&copy, &code);
			CHECK(j != NULL);
			json_decref(j);
			buf_release(&copy);
		}
	}
	j = node(&b, &code);
	CHECK(!j && code == 400);
	buf_release(&b);
}

static void test_content_type(void)
{
	CHECK(k8spb_content_type("application/vnd.kubernetes.protobuf"));
	CHECK(k8spb_content_type("application/vnd.kubernetes.protobuf; charset=utf-8"));
	CHECK(k8spb_content_type("Application/Vnd.Kubernetes.Protobuf;stream=watch"));
	CHECK(!k8spb_content_type("application/json"));
	CHECK(!k8spb_content_type("application/vnd.kubernetes.protobufx"));
	CHECK(!k8spb_content_type(NULL));
}

int main(void)
{
	test_vectors();
	test_pod();
	test_errors();
	test_special();
	test_content_type();
	return T_DONE();
}
