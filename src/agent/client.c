/* SPDX-License-Identifier: Apache-2.0 */
/* Requests and watch streams against the API server with libcurl. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "agent/client.h"
#include "image/dl.h" /* libcurl, loaded on first use */
#include "lib/jdump.h"
#include "lib/jparse.h"
#include "lib/xalloc.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static int curl_loaded = -1;

static void global_init(void)
{
	struct atoll_err err = ERR_INIT;

	curl_loaded = image_dl_curl(&err);
	if (curl_loaded == 0)
		curl_global_init(CURL_GLOBAL_DEFAULT);
}

void kclient_init(struct kclient *c, const char *server, const char *token, const char *ca_file)
{
	pthread_once(&once, global_init);
	c->server = xstrdup(server);
	c->token = xstrdup(token ? token : "");
	c->ca_file = ca_file ? xstrdup(ca_file) : NULL;
}

void kclient_release(struct kclient *c)
{
	free(c->server);
	free(c->token);
	free(c->ca_file);
	memset(c, 0, sizeof(*c));
}

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
	struct buf *b = ud;

	if (b->len + sz * n > (64u << 20))
		return 0; /* refuse absurd answers */
	buf_add(b, p, sz * n);
	return sz * n;
}

/*
 * One easy handle per thread for plain requests, kept between them: libcurl
 * then keeps the connection, and a pod's dozen API calls cost one TLS
 * handshake instead of a dozen. Freed when the thread ends.
 */
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_free(void *h)
{
	curl_easy_cleanup(h);
}

static void tl_init(void)
{
	pthread_key_create(&tl_key, tl_free);
}

static CURL *thread_handle(void)
{
	pthread_once(&tl_once, tl_init);
	CURL *h = pthread_getspecific(tl_key);
	if (h) {
		curl_easy_reset(h); /* options go, the connection cache stays */
		return h;
	}
	h = curl_easy_init();
	pthread_setspecific(tl_key, h);
	return h;
}

static CURL *handle(struct kclient *c, const char *method, const char *path, struct curl_slist **hdrs,
		    const char *ctype, bool reuse)
{
	CURL *h = reuse ? thread_handle() : curl_easy_init();
	_cleanup_free_ char *url = xasprintf("%s%s", c->server, path);
	_cleanup_free_ char *auth = xasprintf("Authorization: Bearer %s", c->token);

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	*hdrs = curl_slist_append(*hdrs, auth);
	*hdrs = curl_slist_append(*hdrs, "Accept: application/json");
	if (ctype) {
		_cleanup_free_ char *ct = xasprintf("Content-Type: %s", ctype);
		*hdrs = curl_slist_append(*hdrs, ct);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
	return h;
}

int kclient_do(struct kclient *c, const char *method, const char *path, const char *ctype,
	       const json_t *body, json_t **out, struct atoll_err *err)
{
	if (curl_loaded < 0)
		return err_set(err, 500, "InternalError", "libcurl could not be loaded");
	struct curl_slist *hdrs = NULL;
	struct buf resp = BUF_INIT;
	char *data = body ? jdump(body, JSON_COMPACT, NULL) : NULL;
	CURL *h = handle(c, method, path, &hdrs, body ? (ctype ? ctype : "application/json") : NULL, true);
	long code = 0;

	if (data)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	/* the thread's handle stays, with its connection */
	curl_slist_free_all(hdrs);
	free(data);
	if (rc != CURLE_OK) {
		buf_release(&resp);
		return err_set(err, 503, "ServiceUnavailable", "%s %s: %s", method, path, curl_easy_strerror(rc));
	}
	if (out)
		*out = resp.len ? jparse_loadb(resp.p, resp.len, 0, NULL) : NULL;
	buf_release(&resp);
	return (int)code;
}

struct stream {
	struct buf line;
	kclient_event_fn fn;
	void *ctx;
	int stop;
};

static size_t on_stream(char *p, size_t sz, size_t n, void *ud)
{
	struct stream *s = ud;
	size_t len = sz * n;

	for (size_t i = 0; i < len; i++) {
		if (p[i] != '\n') {
			buf_addc(&s->line, p[i]);
			if (s->line.len > (8u << 20))
				return 0;
			continue;
		}
		json_t *ev = jparse_loadb(s->line.p, s->line.len, 0, NULL);
		buf_reset(&s->line);
		if (!ev)
			continue;
		const char *type = json_string_value(json_object_get(ev, "type"));
		if (type && !s->stop)
			s->stop = s->fn(type, json_object_get(ev, "object"), s->ctx);
		json_decref(ev);
		if (s->stop)
			return 0; /* abort the transfer */
	}
	return len;
}

int kclient_watch(struct kclient *c, const char *path, kclient_event_fn fn, void *ctx,
		  struct atoll_err *err)
{
	if (curl_loaded < 0)
		return err_set(err, 500, "InternalError", "libcurl could not be loaded");
	struct curl_slist *hdrs = NULL;
	struct stream s = { BUF_INIT, fn, ctx, 0 };
	CURL *h = handle(c, "GET", path, &hdrs, NULL, false);

	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_stream);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	/* The server ends watches at timeoutSeconds; this is a safety net. */
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 3700L);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	buf_release(&s.line);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && s.stop))
		return err_set(err, 503, "ServiceUnavailable", "watch %s: %s", path, curl_easy_strerror(rc));
	return 0;
}
