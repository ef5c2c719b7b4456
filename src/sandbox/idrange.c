/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-sandbox UID/GID ranges: slot N owns host IDs FIRST + N*65536 and up.
 * A slot is taken by holding an flock on DATA/sandboxes/ids/N, so a crashed
 * atoll gives its range back automatically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

int sb_idrange_alloc(const char *data_dir, unsigned *base, int *lockfd)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/sandboxes", data_dir);
	mkdir(p, 0711);
	snprintf(p, sizeof(p), "%s/sandboxes/ids", data_dir);
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return -errno;
	unsigned start = (unsigned)getpid() % SB_IDS_SLOTS;
	for (unsigned i = 0; i < SB_IDS_SLOTS; i++) {
		unsigned n = (start + i) % SB_IDS_SLOTS;
		snprintf(p, sizeof(p), "%s/sandboxes/ids/%u", data_dir, n);
		int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			*base = SB_IDS_FIRST + n * SB_IDS_PER_SANDBOX;
			*lockfd = fd;
			return 0;
		}
		close(fd);
	}
	return -EBUSY;
}
