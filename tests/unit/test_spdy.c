/* SPDX-License-Identifier: Apache-2.0 */
/* SPDY/3.1 framing: a client's SYN_STREAM headers read back, replies and data frames made. */
#include <zlib.h>

#include "agent/spdy.h"
#include "t.h"

static void put32(struct buf *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			       (unsigned char)v };
	buf_add(b, p, 4);
}

/* A SYN_STREAM as a client makes it: headers compressed with the dictionary, in one zlib stream. */
static void syn_stream(z_stream *z, struct buf *out, uint32_t id, const char *const *kv, int n)
{
	struct buf hb = BUF_INIT;
	unsigned char zbuf[4096];

	put32(&hb, (uint32_t)n);
	for (int i = 0; i < 2 * n; i++) {
		put32(&hb, (uint32_t)strlen(kv[i]));
		buf_adds(&hb, kv[i]);
	}
	z->next_in = (unsigned char *)hb.p;
	z->avail_in = (uInt)hb.len;
	z->next_out = zbuf;
	z->avail_out = sizeof(zbuf);
	deflate(z, Z_SYNC_FLUSH);
	size_t zn = sizeof(zbuf) - z->avail_out;
	size_t len = 10 + zn;
	unsigned char h[8] = { 0x80, 3, 0, 1, 0, (unsigned char)(len >> 16), (unsigned char)(len >> 8),
			       (unsigned char)len };
	buf_add(out, h, 8);
	put32(out, id);
	put32(out, 0);
	buf_add(out, "\0\0", 2);
	buf_add(out, zbuf, zn);
	buf_release(&hb);
}

int main(void)
{
	struct spdy_conn c;
	z_stream z = { 0 };
	size_t dl;
	const unsigned char *dict = spdy_dictionary(&dl);
	struct buf wire = BUF_INIT;

	/* The dictionary is the one of the SPDY/3 draft: its size and Adler-32 name it. */
	CHECK(dl == 1423 && adler32(1, dict, (uInt)dl) == 0xe3c6a7c2);
	deflateInit(&z, Z_DEFAULT_COMPRESSION);
	deflateSetDictionary(&z, dict, (uInt)dl);
	const char *const h1[] = { "streamtype", "error", "port", "8080", "requestid", "0" };
	const char *const h2[] = { "streamtype", "data", "port", "8080", "requestid", "0" };
	syn_stream(&z, &wire, 1, h1, 3);
	syn_stream(&z, &wire, 3, h2, 3);
	/* A data frame with FIN for stream 3, and a ping. */
	spdy_data(&wire, 3, true, "abc", 3);
	spdy_ping(&wire, 7);
	deflateEnd(&z);

	spdy_init(&c);
	struct spdy_frame f;
	uint32_t id = 0;
	for (size_t i = 0; i < wire.len; i++) /* byte by byte */
		spdy_feed(&c, wire.p + i, 1);
	CHECK(spdy_next(&c, &f) == 1 && f.control && f.type == SPDY_SYN_STREAM);
	json_t *h = spdy_syn_stream_headers(&c, &f, &id);
	CHECK(h && id == 1);
	CHECK_STR(json_string_value(json_object_get(h, "streamtype")), "error");
	json_decref(h);
	CHECK(spdy_next(&c, &f) == 1 && f.type == SPDY_SYN_STREAM);
	h = spdy_syn_stream_headers(&c, &f, &id);
	CHECK(h && id == 3);
	CHECK_STR(json_string_value(json_object_get(h, "streamtype")), "data");
	CHECK_STR(json_string_value(json_object_get(h, "port")), "8080");
	json_decref(h);
	CHECK(spdy_next(&c, &f) == 1 && !f.control && f.stream == 3 && (f.flags & SPDY_FLAG_FIN) && f.len == 3 &&
	      !memcmp(f.data, "abc", 3));
	CHECK(spdy_next(&c, &f) == 1 && f.control && f.type == SPDY_PING && f.len == 4);
	CHECK(spdy_next(&c, &f) == 0);

	/* Our SYN_REPLY inflates (with the dictionary) to an empty header block. */
	struct buf out = BUF_INIT;
	spdy_syn_reply(&c, &out, 3, false);
	CHECK(out.len > 12 && (unsigned char)out.p[0] == 0x80 && out.p[1] == 3 && out.p[3] == SPDY_SYN_REPLY);
	z_stream zi = { 0 };
	inflateInit(&zi);
	unsigned char plain[64];
	zi.next_in = (unsigned char *)out.p + 12;
	zi.avail_in = (uInt)(out.len - 12);
	zi.next_out = plain;
	zi.avail_out = sizeof(plain);
	int rc = inflate(&zi, Z_SYNC_FLUSH);
	if (rc == Z_NEED_DICT) {
		inflateSetDictionary(&zi, dict, (uInt)dl);
		rc = inflate(&zi, Z_SYNC_FLUSH);
	}
	CHECK(rc == Z_OK && sizeof(plain) - zi.avail_out == 4 && !memcmp(plain, "\0\0\0\0", 4));
	inflateEnd(&zi);

	/* Garbage: a version-2 control frame, and an oversized length. */
	struct spdy_conn bad;
	spdy_init(&bad);
	spdy_feed(&bad, "\x80\x02\x00\x01\x00\x00\x00\x00", 8);
	CHECK(spdy_next(&bad, &f) == -1);
	spdy_release(&bad);
	spdy_init(&bad);
	spdy_feed(&bad, "\x00\x00\x00\x01\x00\xff\xff\xff", 8);
	CHECK(spdy_next(&bad, &f) == -1);
	spdy_release(&bad);
	/* A SYN_STREAM whose header block is not zlib: refused. */
	spdy_init(&bad);
	spdy_feed(&bad, "\x80\x03\x00\x01\x00\x00\x00\x0e\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00garb", 22);
	CHECK(spdy_next(&bad, &f) == 1 && !spdy_syn_stream_headers(&bad, &f, &id));
	spdy_release(&bad);

	buf_release(&out);
	buf_release(&wire);
	spdy_release(&c);
	return T_DONE();
}
