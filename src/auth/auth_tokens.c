/* SPDX-License-Identifier: Apache-2.0 */
/* Static bearer tokens of users made by `atoll user add --token`: DATA/pki/tokens.csv, re-read when changed. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api/pki.h"
#include "api/server.h"
#include "auth/auth.h"
#include "lib/xalloc.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static time_t checked;        /* when the file's mtime was last looked at (under lock) */
static char *text;           /* the file, owned */
static struct timespec mtime;
static off_t size;

static bool same(const char *a, size_t an, const char *b, size_t bn)
{
	unsigned char d = (unsigned char)(an != bn);

	/* Constant time over the candidate: tokens are secrets. */
	for (size_t i = 0; i < an; i++)
		d |= (unsigned char)(a[i] ^ (i < bn ? b[i] : 0));
	return !d;
}

/* Fill r from a line "token,user,uid,\"g1,g2\"" when its token matches. */
static bool match_line(struct api_req *r, const char *line, size_t len, const char *tok)
{
	char f[4][256];
	int nf = 0;
	size_t i = 0;

	while (nf < 4 && i <= len) {
		size_t o = 0;
		bool q = i < len && line[i] == '"';
		i += q;
		while (i < len && (q ? line[i] != '"' : line[i] != ',') && o + 1 < sizeof(f[0]))
			f[nf][o++] = line[i++];
		f[nf++][o] = '\0';
		i += q;      /* closing quote */
		i++;         /* comma */
	}
	if (nf < 2 || !same(f[0], strlen(f[0]), tok, strlen(tok)))
		return false;
	snprintf(r->user, sizeof(r->user), "%.127s", f[1]);
	if (nf > 2)
		snprintf(r->uid, sizeof(r->uid), "%.63s", f[2]);
	for (char *save, *g = nf > 3 ? strtok_r(f[3], ",", &save) : NULL; g; g = strtok_r(NULL, ",", &save))
		auth_add_group(r, g);
	return true;
}

bool auth_from_token_file(struct api_req *r, const char *tok)
{
	struct stat st;
	bool ok = false;
	time_t now = time(NULL);

	/* Every request of a token user comes here: look at the file at most once a second, read it shared. */
	pthread_rwlock_rdlock(&lock);
	bool stale = !text || now != checked;
	pthread_rwlock_unlock(&lock);
	if (stale) {
		_cleanup_free_ char *path = xasprintf("%s/pki/tokens.csv", r->srv->data_dir);
		int have = stat(path, &st) == 0;
		pthread_rwlock_wrlock(&lock);
		checked = now;
		if (!have) {
			free(text);
			text = NULL;
		} else if (!text || st.st_mtim.tv_sec != mtime.tv_sec || st.st_mtim.tv_nsec != mtime.tv_nsec ||
			   st.st_size != size) {
			free(text);
			text = file_read(path, NULL);
			mtime = st.st_mtim;
			size = st.st_size;
		}
		pthread_rwlock_unlock(&lock);
	}
	pthread_rwlock_rdlock(&lock);
	for (const char *p = text; p && *p && !ok;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && *p != '#')
			ok = match_line(r, p, len, tok);
		p = nl ? nl + 1 : p + len;
	}
	pthread_rwlock_unlock(&lock);
	return ok;
}
