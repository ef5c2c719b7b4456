/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-sandbox slots: slot N owns host IDs FIRST + N*65536 and up, and the
 * directory DATA/sandboxes/ids/N.d (its root's mount point, made once and
 * kept, so starting a sandbox creates nothing on the host's disk). A slot is
 * taken by holding an flock on DATA/sandboxes/ids/N, so a crashed atoll gives
 * its range back automatically. The lowest free slot is taken, which keeps
 * the set of files small.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

int sb_idrange_alloc(const char *data_dir, unsigned *base, int *lockfd, unsigned *slot)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/sandboxes", data_dir);
	mkdir(p, 0711);
	snprintf(p, sizeof(p), "%s/sandboxes/ids", data_dir);
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return -errno;
	for (unsigned n = 0; n < SB_IDS_SLOTS; n++) {
		snprintf(p, sizeof(p), "%s/sandboxes/ids/%u", data_dir, n);
		int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			*base = SB_IDS_FIRST + n * SB_IDS_PER_SANDBOX;
			*lockfd = fd;
			*slot = n;
			return 0;
		}
		close(fd);
	}
	return -EBUSY;
}
