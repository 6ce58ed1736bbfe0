/* SPDX-License-Identifier: MIT */
/* ip_files: the file hooks (ip_files.c); the open gate, shared with
 * posix_spawn's open actions (ip_spawn.c) and the fopen family
 * (ip_stdio.c). */
#ifndef TIERGATE_IP_FILES_H
#define TIERGATE_IP_FILES_H

#include <stdbool.h>

#pragma GCC visibility push(hidden)

/* May an open of path (relative to dirfd) with flags go ahead? True, with
 * errno as the caller had it; false with errno set: EACCES refused (said
 * on stderr), or the error the open would fail with anyway (EEXIST,
 * ENOENT, EISDIR, ...; nothing said). Write-opens the kernel path decides,
 * and O_PATH, go ahead. */
bool ip_files_open_gate(int dirfd, const char *path, int flags);

/* After an open the gate let through: where r < 0 with EACCES and the
 * session's Landlock domain refused it, says so (the rule, what to do);
 * returns r. */
int ip_files_landlock_why_open(int r, int dirfd, const char *path, int flags);

#pragma GCC visibility pop

#endif
