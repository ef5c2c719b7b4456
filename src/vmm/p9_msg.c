/* SPDX-License-Identifier: Apache-2.0 */
/* 9P2000.L message parsing and encoding: bounded reads over guest bytes, no I/O. */
#include <errno.h>
#include <string.h>

#include "vmm/p9_msg.h"

/* Decoder: every get checks the remaining length; a short read sets err and yields 0. */
struct p9_in {
	const uint8_t *p;
	uint32_t len, pos;
	bool err;
};

static bool need(struct p9_in *in, uint32_t n)
{
	if (in->err || n > in->len - in->pos) {
		in->err = true;
		return false;
	}
	return true;
}

static uint64_t get_le(struct p9_in *in, int n)
{
	uint64_t v = 0;

	if (!need(in, n))
		return 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)in->p[in->pos + i] << (8 * i);
	in->pos += n;
	return v;
}

static uint8_t get8(struct p9_in *in) { return (uint8_t)get_le(in, 1); }
static uint16_t get16(struct p9_in *in) { return (uint16_t)get_le(in, 2); }
static uint32_t get32(struct p9_in *in) { return (uint32_t)get_le(in, 4); }
static uint64_t get64(struct p9_in *in) { return get_le(in, 8); }

static struct p9_str get_str(struct p9_in *in)
{
	struct p9_str s = { "", 0 };
	uint16_t len = get16(in);

	if (!need(in, len))
		return s;
	s.p = (const char *)in->p + in->pos;
	s.len = len;
	in->pos += len;
	return s;
}

static void parse_setattr(struct p9_in *in, struct p9_setattr *sa)
{
	sa->valid = get32(in);
	sa->mode = get32(in);
	sa->uid = get32(in);
	sa->gid = get32(in);
	sa->size = get64(in);
	sa->atime_sec = get64(in);
	sa->atime_nsec = get64(in);
	sa->mtime_sec = get64(in);
	sa->mtime_nsec = get64(in);
}

/* The body of each T-message; false for an unknown type. */
static bool parse_body(struct p9_in *in, struct p9_req *r)
{
	switch (r->type) {
	case P9_TVERSION:
		r->msize = get32(in);
		r->name = get_str(in);
		break;
	case P9_TAUTH:
		r->fid = get32(in);
		r->name = get_str(in);
		r->name2 = get_str(in);
		r->n_uname = get32(in);
		break;
	case P9_TATTACH:
		r->fid = get32(in);
		r->fid2 = get32(in);
		r->name = get_str(in);  /* uname */
		r->name2 = get_str(in); /* aname */
		r->n_uname = get32(in);
		break;
	case P9_TFLUSH:
		r->oldtag = get16(in);
		break;
	case P9_TWALK:
		r->fid = get32(in);
		r->fid2 = get32(in);
		r->nwname = get16(in);
		if (r->nwname > P9_MAXWELEM) {
			in->err = true;
			break;
		}
		for (int i = 0; i < r->nwname; i++)
			r->wname[i] = get_str(in);
		break;
	case P9_TREAD:
	case P9_TREADDIR:
		r->fid = get32(in);
		r->offset = get64(in);
		r->count = get32(in);
		break;
	case P9_TWRITE:
		r->fid = get32(in);
		r->offset = get64(in);
		r->count = get32(in);
		/* The payload is exactly the rest of the message. */
		if (need(in, r->count)) {
			r->data = in->p + in->pos;
			in->pos += r->count;
		}
		break;
	case P9_TCLUNK:
	case P9_TREMOVE:
	case P9_TSTATFS:
	case P9_TREADLINK:
		r->fid = get32(in);
		break;
	case P9_TLOPEN:
		r->fid = get32(in);
		r->flags = get32(in);
		break;
	case P9_TLCREATE:
		r->fid = get32(in);
		r->name = get_str(in);
		r->flags = get32(in);
		r->mode = get32(in);
		r->gid = get32(in);
		break;
	case P9_TSYMLINK:
		r->fid = get32(in);
		r->name = get_str(in);
		r->name2 = get_str(in); /* target */
		r->gid = get32(in);
		break;
	case P9_TMKNOD:
		r->fid = get32(in);
		r->name = get_str(in);
		r->mode = get32(in);
		r->major = get32(in);
		r->minor = get32(in);
		r->gid = get32(in);
		break;
	case P9_TRENAME:
		r->fid = get32(in);
		r->fid2 = get32(in);
		r->name = get_str(in);
		break;
	case P9_TGETATTR:
		r->fid = get32(in);
		r->mask = get64(in);
		break;
	case P9_TSETATTR:
		r->fid = get32(in);
		parse_setattr(in, &r->sa);
		break;
	case P9_TXATTRWALK:
		r->fid = get32(in);
		r->fid2 = get32(in);
		r->name = get_str(in);
		break;
	case P9_TXATTRCREATE:
		r->fid = get32(in);
		r->name = get_str(in);
		r->offset = get64(in); /* attr_size */
		r->flags = get32(in);
		break;
	case P9_TFSYNC:
		r->fid = get32(in);
		r->datasync = get32(in);
		break;
	case P9_TLOCK:
		r->fid = get32(in);
		r->lock_type = get8(in);
		r->flags = get32(in);
		r->lock_start = get64(in);
		r->lock_len = get64(in);
		r->lock_proc = get32(in);
		r->name = get_str(in); /* client_id */
		break;
	case P9_TGETLOCK:
		r->fid = get32(in);
		r->lock_type = get8(in);
		r->lock_start = get64(in);
		r->lock_len = get64(in);
		r->lock_proc = get32(in);
		r->name = get_str(in);
		break;
	case P9_TLINK:
		r->fid = get32(in);  /* directory */
		r->fid2 = get32(in); /* existing file */
		r->name = get_str(in);
		break;
	case P9_TMKDIR:
		r->fid = get32(in);
		r->name = get_str(in);
		r->mode = get32(in);
		r->gid = get32(in);
		break;
	case P9_TRENAMEAT:
		r->fid = get32(in);
		r->name = get_str(in);
		r->fid2 = get32(in);
		r->name2 = get_str(in);
		break;
	case P9_TUNLINKAT:
		r->fid = get32(in);
		r->name = get_str(in);
		r->flags = get32(in);
		break;
	default:
		return false;
	}
	return true;
}

int p9_parse(const uint8_t *buf, uint32_t len, uint32_t msize, struct p9_req *req)
{
	struct p9_in in = { buf, len, 0, false };
	uint32_t size;

	memset(req, 0, sizeof(*req));
	req->tag = P9_NOTAG;
	if (len < P9_HDR_SIZE)
		return -EPROTO;
	size = get32(&in);
	req->type = get8(&in);
	req->tag = get16(&in);
	/* The size field must describe exactly the bytes the guest gave us. */
	if (size != len || size < P9_HDR_SIZE || size > msize)
		return -EPROTO;
	if (!parse_body(&in, req))
		return -EOPNOTSUPP;
	if (in.err || in.pos != len)
		return -EPROTO;
	return 0;
}

bool p9_name_ok(struct p9_str s)
{
	if (s.len == 0 || s.len > P9_NAME_MAX)
		return false;
	if ((s.len == 1 && s.p[0] == '.') || (s.len == 2 && s.p[0] == '.' && s.p[1] == '.'))
		return false;
	return !memchr(s.p, '/', s.len) && !memchr(s.p, '\0', s.len);
}

void p9_out_init(struct p9_out *o, uint8_t *buf, uint32_t cap, uint8_t type, uint16_t tag)
{
	o->p = buf;
	o->cap = cap;
	o->pos = 0;
	o->err = false;
	p9_put32(o, 0); /* size, patched by p9_out_finish() */
	p9_put8(o, type);
	p9_put16(o, tag);
}

static void put_le(struct p9_out *o, uint64_t v, int n)
{
	if (o->err || (uint32_t)n > o->cap - o->pos) {
		o->err = true;
		return;
	}
	for (int i = 0; i < n; i++)
		o->p[o->pos++] = (uint8_t)(v >> (8 * i));
}

void p9_put8(struct p9_out *o, uint8_t v) { put_le(o, v, 1); }
void p9_put16(struct p9_out *o, uint16_t v) { put_le(o, v, 2); }
void p9_put32(struct p9_out *o, uint32_t v) { put_le(o, v, 4); }
void p9_put64(struct p9_out *o, uint64_t v) { put_le(o, v, 8); }

void p9_put_bytes(struct p9_out *o, const void *p, uint32_t len)
{
	if (o->err || len > o->cap - o->pos) {
		o->err = true;
		return;
	}
	memcpy(o->p + o->pos, p, len);
	o->pos += len;
}

void p9_put_str(struct p9_out *o, const char *s, uint16_t len)
{
	p9_put16(o, len);
	p9_put_bytes(o, s, len);
}

void p9_put_qid(struct p9_out *o, const struct p9_qid *q)
{
	p9_put8(o, q->type);
	p9_put32(o, q->version);
	p9_put64(o, q->path);
}

uint32_t p9_out_finish(struct p9_out *o)
{
	if (o->err || o->pos < P9_HDR_SIZE)
		return 0;
	for (int i = 0; i < 4; i++)
		o->p[i] = (uint8_t)(o->pos >> (8 * i));
	return o->pos;
}

uint32_t p9_encode_lerror(uint8_t *buf, uint32_t cap, uint16_t tag, uint32_t ecode)
{
	struct p9_out o;

	p9_out_init(&o, buf, cap, P9_RLERROR, tag);
	p9_put32(&o, ecode);
	return p9_out_finish(&o);
}
