/* SPDX-License-Identifier: Apache-2.0 */
/* Loading libarchive and libcurl on first use (see dl.h for why). */
#include "lib/dl.h"

#define IMAGE_DL_IMPL
#include "image/dl.h"

#define IMAGE_DL_DEF(f) __typeof__(f) *dl_##f;
IMAGE_DL_ARCHIVE(IMAGE_DL_DEF)
IMAGE_DL_CURL(IMAGE_DL_DEF)

#define IMAGE_DL_NAME(f) #f,
#define IMAGE_DL_SLOT(f) (void **)&dl_##f,

int image_dl_archive(struct atoll_err *err)
{
	static void *h;
	static const char *const names[] = { IMAGE_DL_ARCHIVE(IMAGE_DL_NAME) NULL };
	void **slots[] = { IMAGE_DL_ARCHIVE(IMAGE_DL_SLOT) NULL };

	return lib_dl_load(&h, "libarchive.so.13", names, slots, err);
}

int image_dl_curl(struct atoll_err *err)
{
	static void *h;
	static const char *const names[] = { IMAGE_DL_CURL(IMAGE_DL_NAME) NULL };
	void **slots[] = { IMAGE_DL_CURL(IMAGE_DL_SLOT) NULL };

	return lib_dl_load(&h, "libcurl.so.4", names, slots, err);
}
