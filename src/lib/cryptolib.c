/* SPDX-License-Identifier: Apache-2.0 */
/* Loading libcrypto and libssl (see cryptolib.h for why). */
#define CRYPTOLIB_IMPL
#include "lib/cryptolib.h"
#include "lib/dl.h"

#define CRYPTOLIB_DEF(f) __typeof__(f) *dl_##f;
CRYPTOLIB_CRYPTO(CRYPTOLIB_DEF)
CRYPTOLIB_SSL(CRYPTOLIB_DEF)

#define CRYPTOLIB_NAME(f) #f,
#define CRYPTOLIB_SLOT(f) (void **)&dl_##f,

int cryptolib_load(struct atoll_err *err)
{
	static void *crypto, *ssl;
	static const char *const crypto_names[] = { CRYPTOLIB_CRYPTO(CRYPTOLIB_NAME) NULL };
	static const char *const ssl_names[] = { CRYPTOLIB_SSL(CRYPTOLIB_NAME) NULL };
	void **crypto_slots[] = { CRYPTOLIB_CRYPTO(CRYPTOLIB_SLOT) NULL };
	void **ssl_slots[] = { CRYPTOLIB_SSL(CRYPTOLIB_SLOT) NULL };

	if (lib_dl_load(&crypto, "libcrypto.so.3", crypto_names, crypto_slots, err) < 0 ||
	    lib_dl_load(&ssl, "libssl.so.3", ssl_names, ssl_slots, err) < 0)
		return -1;
	return 0;
}
