/* SPDX-License-Identifier: Apache-2.0 */
/* Loading the server's libraries on first use (see serverlibs.h for why). */
#define SERVERLIBS_IMPL
#include "lib/dl.h"
#include "lib/serverlibs.h"

#define SERVERLIBS_DEF(f) __typeof__(f) *dl_##f;
SERVERLIBS_MHD(SERVERLIBS_DEF)
SERVERLIBS_GNUTLS(SERVERLIBS_DEF)
SERVERLIBS_SQLITE(SERVERLIBS_DEF)

#define SERVERLIBS_NAME(f) #f,
#define SERVERLIBS_SLOT(f) (void **)&dl_##f,

int serverlibs_load(struct atoll_err *err)
{
	static void *mhd, *gnutls, *sqlite;
	static const char *const mhd_names[] = { SERVERLIBS_MHD(SERVERLIBS_NAME) NULL };
	static const char *const gnutls_names[] = { SERVERLIBS_GNUTLS(SERVERLIBS_NAME) NULL };
	static const char *const sqlite_names[] = { SERVERLIBS_SQLITE(SERVERLIBS_NAME) NULL };
	void **mhd_slots[] = { SERVERLIBS_MHD(SERVERLIBS_SLOT) NULL };
	void **gnutls_slots[] = { SERVERLIBS_GNUTLS(SERVERLIBS_SLOT) NULL };
	void **sqlite_slots[] = { SERVERLIBS_SQLITE(SERVERLIBS_SLOT) NULL };

	if (lib_dl_load(&mhd, "libmicrohttpd.so.12", mhd_names, mhd_slots, err) < 0 ||
	    lib_dl_load(&gnutls, "libgnutls.so.30", gnutls_names, gnutls_slots, err) < 0 ||
	    lib_dl_load(&sqlite, "libsqlite3.so.0", sqlite_names, sqlite_slots, err) < 0)
		return -1;
	return 0;
}
