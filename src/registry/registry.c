/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI registry's entry points: set-up, routing of /v2 paths, and the request life cycle. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cryptolib.h"
#include "api/server.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "registry/reg_int.h"
#include "registry/registry.h"

static int load_key(char *err, size_t errlen)
{
	_cleanup_free_ char *path = xasprintf("%s/token.key", reg_g.root);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		unsigned char k[sizeof(reg_g.key)];
		if (RAND_bytes(k, sizeof(k)) != 1) {
			snprintf(err, errlen, "no randomness for the token key");
			return -1;
		}
		_cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
		int w = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (w < 0 || write(w, k, sizeof(k)) != (ssize_t)sizeof(k) || fsync(w) < 0 ||
		    close(w) < 0 || rename(tmp, path) < 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			return -1;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 || read(fd, reg_g.key, sizeof(reg_g.key)) != (ssize_t)sizeof(reg_g.key)) {
		snprintf(err, errlen, "cannot read %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int registry_init(struct api_server *srv, char *err, size_t errlen)
{
	const char *max = getenv("ATOLL_REGISTRY_MAX_UPLOAD");

	free(reg_g.root);
	reg_g.root = xasprintf("%s/registry", srv->data_dir);
	reg_g.max_upload = max && *max ? strtoull(max, NULL, 10) : (64ull << 30);
	const char *sub[] = { "", "/blobs/sha256", "/blobs/sha512", "/uploads", "/repos" };
	for (size_t i = 0; i < sizeof(sub) / sizeof(*sub); i++) {
		_cleanup_free_ char *d = xasprintf("%s%s", reg_g.root, sub[i]);
		if (reg_mkdirs(d, false) < 0) {
			snprintf(err, errlen, "cannot create %s: %s", d, strerror(errno));
			return -1;
		}
	}
	if (load_key(err, errlen) < 0)
		return -1;
	/*
	 * Nothing is being pushed yet: drop the repositories of deleted
	 * namespaces, collect without a grace period, then keep collecting.
	 */
	reg_gc_namespaces(srv);
	reg_gc(0, 24 * 3600);
	reg_ns_watch_start(srv);
	if (reg_gc_start() < 0) {
		snprintf(err, errlen, "cannot start the registry collector");
		return -1;
	}
	return 0;
}

/* One component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool component_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (alnum)
			continue;
		if (c != '.' && c != '_' && c != '-')
			return false;
		if (i == 0 || i == n - 1)
			return false;
		char p = s[i - 1];
		if (p == '.' || (p == '_' && (c != '_' || (i >= 2 && s[i - 2] == '_'))) ||
		    (p == '-' && c != '-'))
			return false;
	}
	return true;
}

/* Repository names are <namespace>/<name>[/<more>], the namespace a DNS label. */
bool reg_name_ok(const char *name, char *ns, size_t nsn)
{
	size_t n = strlen(name), parts = 0;

	if (!n || n >= REG_MAX_NAME)
		return false;
	for (const char *p = name;;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!component_ok(p, len))
			return false;
		if (parts++ == 0) {
			if (len > 63 || len >= nsn || memchr(p, '.', len) || memchr(p, '_', len))
				return false;
			snprintf(ns, nsn, "%.*s", (int)len, p);
		}
		if (!e)
			break;
		p = e + 1;
	}
	return parts >= 2;
}

static bool tag_ok(const char *t)
{
	size_t n = strlen(t);

	if (!n || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		bool w = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
		if (!w && (i == 0 || (c != '.' && c != '-')))
			return false;
	}
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* Parse r->url into st. Returns 0, or answers 404/400 itself and returns 1. */
static int route(struct api_req *r, struct reg_req *st)
{
	const char *p = r->url + 3; /* after "/v2" */
	size_t n;

	if (*p == '/')
		p++;
	n = strlen(p);
	if (!n) {
		st->op = REG_PING;
		return 0;
	}
	if (!strcmp(p, "token")) {
		st->op = REG_TOKEN;
		return 0;
	}
	if (!strcmp(p, "_catalog")) {
		st->op = REG_CATALOG;
		return 0;
	}
	const char *last = strrchr(p, '/');
	size_t head; /* length of the name */
	if (ends_with(p, n, "/tags/list")) {
		st->op = REG_TAGS;
		head = n - 10;
	} else if (ends_with(p, n, "/blobs/uploads/") || ends_with(p, n, "/blobs/uploads")) {
		st->op = REG_UPLOAD_START;
		head = n - (p[n - 1] == '/' ? 15 : 14);
	} else if (last && (size_t)(last - p) >= 14 && !strncmp(last - 14, "/blobs/uploads", 14)) {
		st->op = REG_UPLOAD;
		head = (size_t)(last - p) - 14;
	} else if (last && (size_t)(last - p) >= 6 && !strncmp(last - 6, "/blobs", 6)) {
		st->op = REG_BLOB;
		head = (size_t)(last - p) - 6;
	} else if (last && (size_t)(last - p) >= 10 && !strncmp(last - 10, "/manifests", 10)) {
		st->op = REG_MANIFEST;
		head = (size_t)(last - p) - 10;
	} else if (last && (size_t)(last - p) >= 10 && !strncmp(last - 10, "/referrers", 10)) {
		st->op = REG_REFERRERS;
		head = (size_t)(last - p) - 10;
	} else {
		return reg_error(r, 404, "NOT_FOUND", "no such registry endpoint"), 1;
	}
	if (head >= REG_MAX_NAME)
		return reg_error(r, 400, "NAME_INVALID", "repository name too long"), 1;
	snprintf(st->repo, sizeof(st->repo), "%.*s", (int)head, p);
	if (!reg_name_ok(st->repo, st->ns, sizeof(st->ns)))
		return reg_error(r, 400, "NAME_INVALID",
				 "invalid repository name %s: use <namespace>/<name>", st->repo), 1;
	if (st->op != REG_TAGS && st->op != REG_UPLOAD_START) {
		if (strlen(last + 1) >= sizeof(st->ref))
			return reg_error(r, 400, "NAME_INVALID", "reference too long"), 1;
		snprintf(st->ref, sizeof(st->ref), "%s", last + 1);
	}
	if ((st->op == REG_BLOB || st->op == REG_REFERRERS) && !reg_digest_valid(st->ref))
		return reg_error(r, 400, "DIGEST_INVALID", "invalid digest %s", st->ref), 1;
	if (st->op == REG_MANIFEST && !reg_digest_valid(st->ref) && !tag_ok(st->ref))
		return reg_error(r, 400, strchr(st->ref, ':') ? "DIGEST_INVALID" : "TAG_INVALID",
				 "invalid reference %s", st->ref), 1;
	return 0;
}

static bool is(struct api_req *r, const char *m)
{
	return !strcmp(r->method, m);
}

/* First callback: route, authenticate, authorize; answer now unless a body must be read. */
static int begin(struct api_req *r, struct reg_req *st)
{
	bool read_only = is(r, "GET") || is(r, "HEAD");

	if (route(r, st))
		return 0;
	switch (st->op) {
	case REG_TOKEN:
		if (!read_only)
			return reg_error(r, 405, "UNSUPPORTED", "use GET /v2/token");
		return reg_token_endpoint(r, st);
	case REG_PING:
		if (reg_check(r, st, 0))
			return 0;
		return reg_queue(r, 200, reg_resp_buf(xstrdup("{}"), 2), "application/json");
	case REG_CATALOG:
		if (!read_only)
			return reg_error(r, 405, "UNSUPPORTED", "the catalog is read-only");
		return reg_check(r, st, 0) ? 0 : reg_catalog_request(r, st);
	case REG_TAGS:
		if (!read_only)
			return reg_error(r, 405, "UNSUPPORTED", "tags are listed with GET");
		return reg_check(r, st, REG_PULL) ? 0 : reg_tags_request(r, st);
	case REG_REFERRERS:
		if (!read_only)
			return reg_error(r, 405, "UNSUPPORTED", "referrers are listed with GET");
		return reg_check(r, st, REG_PULL) ? 0 : reg_referrers_request(r, st);
	case REG_BLOB:
		if (!read_only && !is(r, "DELETE"))
			return reg_error(r, 405, "UNSUPPORTED", "blobs are uploaded under blobs/uploads/");
		if (reg_check(r, st, read_only ? REG_PULL : REG_DELETE))
			return 0;
		return reg_blob_request(r, st);
	case REG_MANIFEST:
		if (read_only || is(r, "DELETE")) {
			if (reg_check(r, st, read_only ? REG_PULL : REG_DELETE))
				return 0;
			return reg_manifest_request(r, st);
		}
		if (!is(r, "PUT"))
			return reg_error(r, 405, "UNSUPPORTED", "manifests are pushed with PUT");
		if (reg_check(r, st, REG_PUSH | REG_PULL))
			return 0;
		if (!reg_ns_exists(r, st->ns))
			return reg_error(r, 404, "NAME_UNKNOWN", "namespace %s does not exist", st->ns);
		st->collect = true;
		return 0; /* answered once the body is in */
	case REG_UPLOAD_START:
		if (!is(r, "POST"))
			return reg_error(r, 405, "UNSUPPORTED", "uploads start with POST");
		if (reg_check(r, st, REG_PUSH | REG_PULL))
			return 0;
		if (!reg_ns_exists(r, st->ns))
			return reg_error(r, 404, "NAME_UNKNOWN", "namespace %s does not exist", st->ns);
		return reg_upload_begin(r, st);
	case REG_UPLOAD:
		if (reg_check(r, st, REG_PUSH | REG_PULL))
			return 0;
		return reg_upload_begin(r, st);
	}
	return reg_error(r, 404, "NOT_FOUND", "no such registry endpoint");
}

int registry_access(struct api_req *r, const char *upload_data, size_t *upload_size)
{
	struct reg_req *st = r->reg;

	if (!st) {
		st = xcalloc(1, sizeof(*st));
		st->fd = -1;
		st->quota_room = UINT64_MAX;
		buf_init(&st->body);
		r->reg = st;
		/*
		 * Without a body, answer in the final callback: a response queued
		 * before the request is complete makes libmicrohttpd close the
		 * connection, and clients keep theirs alive.
		 */
		const char *cl = req_header(r, "Content-Length");
		uint64_t len = cl ? strtoull(cl, NULL, 10) : 0;
		bool body = len > 0 || req_header(r, "Transfer-Encoding");
		if (!body) {
			st->deferred = true;
			return 0;
		}
		/*
		 * Errors before a body of bounded size are answered once it is
		 * read, so the connection stays usable; a client that waits for
		 * "100 Continue" has sent nothing yet and gets the error at once.
		 */
		const char *expect = req_header(r, "Expect");
		st->hold = len <= REG_DRAIN_MAX && !(expect && !strcasecmp(expect, "100-continue"));
		int rc = begin(r, st);
		st->hold = false;
		return rc < 0 && !st->answered && !st->fail_code ? -1 : 0;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (st->answered)
			return 0;
		if (st->fail_code) { /* read and dropped; past the bound, answer and hang up */
			st->drained += n;
			if (st->drained > REG_DRAIN_MAX) {
				reg_upload_abort(st);
				return reg_error(r, st->fail_code, st->fail_err, "%s", st->fail_msg);
			}
			return 0;
		}
		if (st->collect) {
			if (st->body.len + n > REG_MAX_MANIFEST) {
				st->fail_code = 413;
				st->fail_err = "SIZE_INVALID";
				snprintf(st->fail_msg, sizeof(st->fail_msg),
					 "manifests are limited to %u bytes", REG_MAX_MANIFEST);
				buf_release(&st->body);
				return 0;
			}
			buf_add(&st->body, upload_data, n);
			return 0;
		}
		if (st->fd >= 0)
			return reg_upload_chunk(r, st, upload_data, n);
		return 0;
	}
	if (st->deferred) {
		st->deferred = false;
		if (begin(r, st) < 0 && !st->answered)
			return -1;
	}
	if (st->answered)
		return 0;
	if (st->fail_code) {
		reg_upload_abort(st);
		return reg_error(r, st->fail_code, st->fail_err, "%s", st->fail_msg);
	}
	if (st->collect)
		return reg_manifest_request(r, st);
	if (st->op != REG_UPLOAD_START && st->op != REG_UPLOAD)
		return reg_error(r, 500, "UNKNOWN", "the request was not answered");
	return reg_upload_end(r, st);
}

void registry_done(struct api_req *r)
{
	struct reg_req *st = r->reg;

	if (!st)
		return;
	reg_upload_abort(st); /* closes files; removes a half-received monolithic upload */
	reg_quota_release(st);
	json_decref(st->scopes);
	buf_release(&st->body);
	free(st);
	r->reg = NULL;
}
