/* SPDX-License-Identifier: Apache-2.0 */
/* Registry responses: extra headers, and errors in the distribution spec's JSON format. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/serverlibs.h"
#include "api/server.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"

struct MHD_Response *reg_resp_buf(char *body, size_t len)
{
	return MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
}

void reg_hdr(struct MHD_Response *resp, const char *name, const char *fmt, ...)
{
	char v[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	MHD_add_response_header(resp, name, v);
}

int reg_queue(struct api_req *r, int code, struct MHD_Response *resp, const char *ctype)
{
	struct reg_req *st = r->reg;
	struct timespec t1;

	if (!resp)
		return -1;
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, "Docker-Distribution-API-Version", "registry/2.0");
	enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)code, resp);
	MHD_destroy_response(resp);
	if (st)
		st->answered = true;
	r->verb = "registry";
	snprintf(r->resource, sizeof(r->resource), "registry");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	metrics_observe(r->verb, r->resource, code,
			(double)(t1.tv_sec - r->t0.tv_sec) + (t1.tv_nsec - r->t0.tv_nsec) / 1e9);
	return ok == MHD_YES ? 0 : -1;
}

int reg_reply_json(struct api_req *r, int code, json_t *obj, const char *ctype)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(obj);
	if (!s)
		return -1;
	return reg_queue(r, code, reg_resp_buf(s, strlen(s)), ctype ? ctype : "application/json");
}

static int verror(struct api_req *r, int code, const char *ecode, json_t *detail,
		  const char *fmt, va_list ap)
{
	char msg[512];
	struct reg_req *st = r->reg;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (st && st->hold && !st->fail_code) {
		/*
		 * The body is on its way: answering now would make libmicrohttpd
		 * close the connection under a client that is still writing.
		 * Read and drop the body, then answer (registry_access).
		 */
		st->fail_code = code;
		st->fail_err = ecode;
		snprintf(st->fail_msg, sizeof(st->fail_msg), "%s", msg);
		json_decref(detail);
		return 0;
	}
	json_t *e = json_pack("{s:s,s:s}", "code", ecode, "message", msg);
	if (detail)
		json_object_set_new(e, "detail", detail);
	json_t *doc = json_pack("{s:[o]}", "errors", e);
	char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (!s) /* a message that is not UTF-8 */
		s = xasprintf("{\"errors\":[{\"code\":\"%s\",\"message\":\"\"}]}", ecode);
	struct MHD_Response *resp = reg_resp_buf(s, strlen(s));
	if (!resp)
		return -1;
	if (code == 401) {
		/* The challenge names the token endpoint on this host and the scope wanted. */
		const char *host = req_header(r, "Host");
		char scope[400] = "";
		if (st && st->op == REG_CATALOG)
			snprintf(scope, sizeof(scope), ",scope=\"registry:catalog:*\"");
		else if (st && *st->repo) {
			const char *m = r->method;
			const char *acts = !strcmp(m, "GET") || !strcmp(m, "HEAD") ? "pull"
					   : !strcmp(m, "DELETE")		   ? "delete"
									   : "pull,push";
			snprintf(scope, sizeof(scope), ",scope=\"repository:%s:%s\"", st->repo, acts);
		}
		reg_hdr(resp, "WWW-Authenticate", "Bearer realm=\"https://%s/v2/token\",service=\"atoll\"%s",
			host ? host : "localhost", scope);
	}
	return reg_queue(r, code, resp, "application/json");
}

int reg_error(struct api_req *r, int code, const char *ecode, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = verror(r, code, ecode, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int reg_error_detail(struct api_req *r, int code, const char *ecode, json_t *detail,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = verror(r, code, ecode, detail, fmt, ap);
	va_end(ap);
	return rc;
}
