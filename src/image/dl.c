/* SPDX-License-Identifier: Apache-2.0 */
/* Loading libarchive and libcurl on first use (see dl.h for why). */
#include <dlfcn.h>

#define IMAGE_DL_IMPL
#include "image/dl.h"

#define IMAGE_DL_DEF(f) __typeof__(f) *dl_##f;
IMAGE_DL_ARCHIVE(IMAGE_DL_DEF)
IMAGE_DL_CURL(IMAGE_DL_DEF)

static int load(void **handle, const char *lib, const char *const *names, void **slots[], struct atoll_err *err)
{
	if (*handle)
		return 0;
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return err_set(err, 500, "MissingLibrary", "cannot load %s: %s", lib, dlerror());
	for (int i = 0; names[i]; i++) {
		void *p = dlsym(h, names[i]);
		if (!p) {
			dlclose(h);
			return err_set(err, 500, "MissingLibrary", "%s has no %s", lib, names[i]);
		}
		*slots[i] = p;
	}
	*handle = h;
	return 0;
}

#define IMAGE_DL_NAME(f) #f,
#define IMAGE_DL_SLOT(f) (void **)&dl_##f,

int image_dl_archive(struct atoll_err *err)
{
	static void *h;
	static const char *const names[] = { IMAGE_DL_ARCHIVE(IMAGE_DL_NAME) NULL };
	void **slots[] = { IMAGE_DL_ARCHIVE(IMAGE_DL_SLOT) NULL };

	return load(&h, "libarchive.so.13", names, slots, err);
}

int image_dl_curl(struct atoll_err *err)
{
	static void *h;
	static const char *const names[] = { IMAGE_DL_CURL(IMAGE_DL_NAME) NULL };
	void **slots[] = { IMAGE_DL_CURL(IMAGE_DL_SLOT) NULL };

	return load(&h, "libcurl.so.4", names, slots, err);
}
