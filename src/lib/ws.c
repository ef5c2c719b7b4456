/* SPDX-License-Identifier: Apache-2.0 */
/* WebSocket framing (RFC 6455): handshake key, message parser, frame encoder. */
#include <string.h>

#include "lib/cryptolib.h"
#include "lib/ws.h"
#include "lib/xalloc.h"

/* RFC 6455 section 1.3: the fixed GUID every accept key is hashed with. */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

int ws_accept_key(const char *key, char out[29])
{
	unsigned char raw[32], md[SHA_DIGEST_LENGTH];
	char cat[64];
	size_t n = key ? strlen(key) : 0;

	/* 16 bytes in base64 are 24 characters ending in "==". */
	if (n != 24 || key[22] != '=' || key[23] != '=')
		return -1;
	if (EVP_DecodeBlock(raw, (const unsigned char *)key, 24) != 18)
		return -1;
	memcpy(cat, key, 24);
	memcpy(cat + 24, WS_GUID, sizeof(WS_GUID));
	SHA1((const unsigned char *)cat, 24 + sizeof(WS_GUID) - 1, md);
	EVP_EncodeBlock((unsigned char *)out, md, SHA_DIGEST_LENGTH);
	out[28] = '\0';
	return 0;
}

void ws_feed(struct ws_parser *p, const void *data, size_t n)
{
	if (!n)
		return;
	/* Drop what was consumed before growing. */
	if (p->in_off) {
		memmove(p->in, p->in + p->in_off, p->in_len - p->in_off);
		p->in_len -= p->in_off;
		p->in_off = 0;
	}
	if (p->in_len + n > p->in_cap) {
		p->in_cap = (p->in_len + n) * 2;
		p->in = xrealloc(p->in, p->in_cap);
	}
	memcpy(p->in + p->in_len, data, n);
	p->in_len += n;
}

/* Is s valid UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF)? */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 1, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += k + 1;
	}
	return true;
}

static bool close_code_valid(uint16_t c)
{
	return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

static int fail(struct ws_parser *p, uint16_t *close_code, uint16_t code)
{
	p->closed = true;
	*close_code = code;
	return -1;
}

int ws_next(struct ws_parser *p, struct ws_msg *m, uint16_t *close_code)
{
	size_t max = p->max_message ? p->max_message : WS_MAX_MESSAGE_DEFAULT;

	for (;;) {
		if (p->closed || !p->in)
			return 0;
		const unsigned char *h = p->in + p->in_off;
		size_t avail = p->in_len - p->in_off;
		if (avail < 2)
			return 0;
		bool fin = h[0] & 0x80, masked = h[1] & 0x80;
		uint8_t op = h[0] & 0x0F;
		uint64_t len = h[1] & 0x7F;
		size_t hl = 2;

		if (h[0] & 0x70)
			return fail(p, close_code, WS_CLOSE_PROTOCOL); /* no extension negotiated */
		if (masked == p->client)
			return fail(p, close_code, WS_CLOSE_PROTOCOL); /* clients mask, servers do not */
		bool control = op & 0x8;
		if ((op > WS_BINARY && op < WS_CLOSE) || op > WS_PONG)
			return fail(p, close_code, WS_CLOSE_PROTOCOL);
		if (control && (!fin || len > 125))
			return fail(p, close_code, WS_CLOSE_PROTOCOL);
		if (len == 126) {
			if (avail < 4)
				return 0;
			len = (uint64_t)h[2] << 8 | h[3];
			hl = 4;
			if (len < 126)
				return fail(p, close_code, WS_CLOSE_PROTOCOL); /* not minimal */
		} else if (len == 127) {
			if (avail < 10)
				return 0;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | h[2 + i];
			hl = 10;
			if (len >> 63 || len <= 0xFFFF)
				return fail(p, close_code, WS_CLOSE_PROTOCOL);
		}
		/* Refuse before buffering: a hostile length must not make us allocate. */
		if (!control && (len > max || p->msg.len + len > max))
			return fail(p, close_code, WS_CLOSE_TOO_BIG);
		if (op == WS_CONT && !p->msg_op)
			return fail(p, close_code, WS_CLOSE_PROTOCOL);
		if ((op == WS_TEXT || op == WS_BINARY) && p->msg_op)
			return fail(p, close_code, WS_CLOSE_PROTOCOL);
		size_t key_at = hl;
		if (masked)
			hl += 4;
		if (avail < hl || avail - hl < len)
			return 0;
		const unsigned char *key = h + key_at;
		unsigned char *pl = (unsigned char *)h + hl;
		if (masked)
			for (size_t i = 0; i < len; i++)
				pl[i] ^= key[i & 3];
		p->in_off += hl + (size_t)len;

		if (control) {
			free(p->ctl);
			p->ctl = xmalloc(len + 1);
			memcpy(p->ctl, pl, (size_t)len);
			*m = (struct ws_msg){ .op = op, .data = p->ctl, .len = (size_t)len };
			if (op == WS_CLOSE) {
				m->close_code = 1005;
				if (len == 1)
					return fail(p, close_code, WS_CLOSE_PROTOCOL);
				if (len >= 2) {
					m->close_code = (uint16_t)(pl[0] << 8 | pl[1]);
					if (!close_code_valid(m->close_code))
						return fail(p, close_code, WS_CLOSE_PROTOCOL);
					m->data += 2;
					m->len -= 2;
				}
				p->closed = true;
			}
			return 1;
		}
		if (op != WS_CONT)
			p->msg_op = op;
		buf_add(&p->msg, pl, (size_t)len);
		if (!fin)
			continue;
		*m = (struct ws_msg){ .op = p->msg_op, .data = (unsigned char *)p->msg.p, .len = p->msg.len };
		p->msg_op = 0;
		if (m->op == WS_TEXT && !utf8_valid(m->data, m->len))
			return fail(p, close_code, WS_CLOSE_INVALID);
		/* The joined message stays valid until the next call resets it. */
		struct buf done = p->msg;
		buf_init(&p->msg);
		free(p->ctl);
		p->ctl = (unsigned char *)buf_detach(&done, NULL);
		m->data = p->ctl;
		return 1;
	}
}

void ws_parser_release(struct ws_parser *p)
{
	free(p->in);
	free(p->ctl);
	buf_release(&p->msg);
	p->in = p->ctl = NULL;
	p->in_len = p->in_cap = p->in_off = 0;
}

void ws_encode(struct buf *out, uint8_t op, const void *data, size_t len, const unsigned char *mask_key)
{
	unsigned char h[14];
	size_t hl = 2;

	h[0] = (unsigned char)(0x80 | (op & 0x0F));
	if (len < 126) {
		h[1] = (unsigned char)len;
	} else if (len <= 0xFFFF) {
		h[1] = 126;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		hl = 4;
	} else {
		h[1] = 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
		hl = 10;
	}
	if (mask_key) {
		h[1] |= 0x80;
		memcpy(h + hl, mask_key, 4);
		hl += 4;
	}
	buf_add(out, h, hl);
	size_t at = out->len;
	buf_add(out, data, len);
	if (mask_key)
		for (size_t i = 0; i < len; i++)
			out->p[at + i] ^= (char)mask_key[i & 3];
}

void ws_encode_close(struct buf *out, uint16_t code, const char *reason)
{
	unsigned char pl[125];
	size_t rl = reason ? strlen(reason) : 0;

	if (rl > sizeof(pl) - 2)
		rl = sizeof(pl) - 2;
	pl[0] = (unsigned char)(code >> 8);
	pl[1] = (unsigned char)code;
	if (rl)
		memcpy(pl + 2, reason, rl);
	ws_encode(out, WS_CLOSE, pl, rl + 2, NULL);
}
