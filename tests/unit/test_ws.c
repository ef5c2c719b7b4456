/* SPDX-License-Identifier: Apache-2.0 */
/* WebSocket framing: accept key, parsing (masks, fragments, limits), encoding. */
#include "lib/ws.h"
#include "lib/xalloc.h"
#include "t.h"

static const unsigned char key4[4] = { 0x37, 0xfa, 0x21, 0x3d };

/* A masked client frame with explicit FIN and opcode. */
static void client_frame(struct buf *b, bool fin, uint8_t op, const char *data, size_t len)
{
	size_t at = b->len;

	ws_encode(b, op, data, len, key4);
	if (!fin)
		b->p[at] &= 0x7F;
}

static void test_accept(void)
{
	char out[29];

	/* The example of RFC 6455 section 1.3. */
	CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out) == 0);
	CHECK_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	CHECK(ws_accept_key("short", out) == -1);
	CHECK(ws_accept_key(NULL, out) == -1);
	CHECK(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ=x", out) == -1);
	CHECK(ws_accept_key("!!!!!!!!!!!!!!!!!!!!!!==", out) == -1);
}

static void test_messages(void)
{
	struct ws_parser p = { 0 };
	struct buf b = BUF_INIT;
	struct ws_msg m;
	uint16_t code = 0;

	client_frame(&b, true, WS_BINARY, "\x01hello", 6);
	client_frame(&b, false, WS_TEXT, "fra", 3);
	client_frame(&b, true, WS_PING, "pi", 2);
	client_frame(&b, false, WS_CONT, "gm", 2);
	client_frame(&b, true, WS_CONT, "ent", 3);
	/* Byte by byte: every split point must work. */
	for (size_t i = 0; i < b.len; i++) {
		ws_feed(&p, b.p + i, 1);
		if (i + 1 == 8) { /* the first frame is 2 + 4 + 6 bytes: not done yet */
			CHECK(ws_next(&p, &m, &code) == 0);
		}
	}
	CHECK(ws_next(&p, &m, &code) == 1);
	CHECK(m.op == WS_BINARY && m.len == 6 && !memcmp(m.data, "\x01hello", 6));
	CHECK(ws_next(&p, &m, &code) == 1);
	CHECK(m.op == WS_PING && m.len == 2 && !memcmp(m.data, "pi", 2));
	CHECK(ws_next(&p, &m, &code) == 1);
	CHECK(m.op == WS_TEXT && m.len == 8 && !memcmp(m.data, "fragment", 8));
	CHECK(ws_next(&p, &m, &code) == 0);
	buf_reset(&b);
	client_frame(&b, true, WS_CLOSE, "\x03\xe8" "bye", 5);
	ws_feed(&p, b.p, b.len);
	CHECK(ws_next(&p, &m, &code) == 1);
	CHECK(m.op == WS_CLOSE && m.close_code == 1000 && m.len == 3);
	CHECK(ws_next(&p, &m, &code) == 0);
	ws_parser_release(&p);
	buf_release(&b);
}

static int one(const void *bytes, size_t n, size_t max, uint16_t *code)
{
	struct ws_parser p = { .max_message = max };
	struct ws_msg m;
	int rc;

	ws_feed(&p, bytes, n);
	while ((rc = ws_next(&p, &m, code)) == 1)
		;
	ws_parser_release(&p);
	return rc;
}

static void test_errors(void)
{
	struct buf b = BUF_INIT;
	uint16_t code = 0;

	ws_encode(&b, WS_BINARY, "x", 1, NULL); /* unmasked from a client */
	CHECK(one(b.p, b.len, 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	buf_reset(&b);
	client_frame(&b, true, WS_CONT, "x", 1); /* continuation of nothing */
	CHECK(one(b.p, b.len, 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	buf_reset(&b);
	client_frame(&b, false, WS_PING, "x", 1); /* fragmented control */
	CHECK(one(b.p, b.len, 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	buf_reset(&b);
	client_frame(&b, true, WS_BINARY, "0123456789", 10); /* over the limit */
	CHECK(one(b.p, b.len, 8, &code) == -1 && code == WS_CLOSE_TOO_BIG);
	buf_reset(&b);
	client_frame(&b, false, WS_BINARY, "0123", 4);
	client_frame(&b, true, WS_CONT, "45678", 5); /* joined over the limit */
	CHECK(one(b.p, b.len, 8, &code) == -1 && code == WS_CLOSE_TOO_BIG);
	buf_reset(&b);
	client_frame(&b, false, WS_BINARY, "0123", 4);
	client_frame(&b, true, WS_TEXT, "45", 2); /* a new message inside one */
	CHECK(one(b.p, b.len, 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	buf_reset(&b);
	client_frame(&b, true, WS_TEXT, "\xc0\xaf", 2); /* overlong UTF-8 */
	CHECK(one(b.p, b.len, 0, &code) == -1 && code == WS_CLOSE_INVALID);
	buf_reset(&b);
	client_frame(&b, true, WS_CLOSE, "\x03", 1);
	CHECK(one(b.p, b.len, 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	/* A 64-bit length with the top bit set, and a huge one: refused without waiting for it. */
	const unsigned char huge[] = { 0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4 };
	CHECK(one(huge, sizeof(huge), 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	const unsigned char big[] = { 0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };
	CHECK(one(big, sizeof(big), 0, &code) == -1 && code == WS_CLOSE_TOO_BIG);
	const unsigned char rsv[] = { 0xC2, 0x80, 1, 2, 3, 4 };
	CHECK(one(rsv, sizeof(rsv), 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	const unsigned char op3[] = { 0x83, 0x80, 1, 2, 3, 4 };
	CHECK(one(op3, sizeof(op3), 0, &code) == -1 && code == WS_CLOSE_PROTOCOL);
	buf_release(&b);
}

static void test_lengths(void)
{
	static const size_t sizes[] = { 0, 125, 126, 65535, 65536, 200000 };
	struct buf b = BUF_INIT;
	char *data = xmalloc(200000);

	for (size_t i = 0; i < 200000; i++)
		data[i] = (char)(i * 7);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct ws_parser p = { .client = true };
		struct ws_msg m;
		uint16_t code;
		buf_reset(&b);
		ws_encode(&b, WS_BINARY, data, sizes[k], NULL);
		CHECK(b.len == sizes[k] + (sizes[k] < 126 ? 2 : sizes[k] <= 65535 ? 4 : 10));
		ws_feed(&p, b.p, b.len);
		CHECK(ws_next(&p, &m, &code) == 1);
		CHECK(m.len == sizes[k] && (!m.len || !memcmp(m.data, data, m.len)));
		ws_parser_release(&p);
	}
	buf_reset(&b);
	ws_encode_close(&b, 1000, "done");
	CHECK(b.len == 8 && (unsigned char)b.p[0] == 0x88 && b.p[1] == 6);
	free(data);
	buf_release(&b);
}

int main(void)
{
	test_accept();
	test_messages();
	test_errors();
	test_lengths();
	return T_DONE();
}
