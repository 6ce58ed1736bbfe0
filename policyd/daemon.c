/* SPDX-License-Identifier: MIT */
#include "daemon.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

struct daemon D;

void daemon_generation_bump(void)
{
	D.generation++;
	if (D.genfd >= 0 && pwrite(D.genfd, &D.generation, sizeof(D.generation),
				   0) != (ssize_t)sizeof(D.generation))
		daemon_log("cannot update %s: %s", D.genfile, strerror(errno));
}
