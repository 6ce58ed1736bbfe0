/* SPDX-License-Identifier: MIT */
/*
 * ip_scratch: the session's private scratch directory (settings: scratch:
 * private; TG_SCRATCH_FD in common/tg_proto.h). The session's filter lets
 * the calls that make or remove names through unnotified when their
 * directory descriptor is TG_SCRATCH_FD, and its Landlock domain allows
 * them only beneath that directory. These functions turn such a call on
 * names under the directory into that raw call relative to TG_SCRATCH_FD,
 * so that policyd is never asked (one round trip saved per call).
 *
 * Correctness and speed only: Landlock, not this module, is the boundary.
 * A call is turned only when it means exactly the same: every name joined
 * to its directory (the cwd, or what /proc/self/fd says of a directory
 * descriptor) lies under the scratch directory with no ".." after it, the
 * descriptor still is that directory, and the flags are ones the filter
 * lets through. A call the kernel then fails with EACCES, EPERM or EXDEV
 * had no effect (Landlock refused it, or a symlink led elsewhere): the
 * hook goes on as before and policyd decides.
 *
 * The descriptor is learned per program, on first use: TIERGATE_SCRATCH
 * (ip_env) names the directory, and descriptor TG_SCRATCH_FD must be it;
 * when that number is closed (a daemon, Python's subprocess closed all
 * descriptors) the directory is opened there again (never over a number
 * in use). A session without a scratch directory pays one test per call.
 *
 * vfork- and signal-safe: stack buffers and raw system calls only, no
 * locks (a thread that finds another learning just goes the normal way).
 *
 * Each function returns true when it made the call: *ret is its result
 * (-1 with the kernel's errno on failure; errno kept on success); false
 * when the hook must go on as before (errno kept).
 */
#ifndef TIERGATE_IP_SCRATCH_H
#define TIERGATE_IP_SCRATCH_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

/* openat(dirfd, path, flags, mode) with O_CREAT|O_EXCL, no O_TMPFILE */
bool ip_scratch_open(int dirfd, const char *path, int flags, mode_t mode,
		     int *ret);
bool ip_scratch_mkdir(int dirfd, const char *path, mode_t mode, int *ret);
/* unlinkat: flags 0 or AT_REMOVEDIR (rmdir) */
bool ip_scratch_unlink(int dirfd, const char *path, int flags, int *ret);
bool ip_scratch_symlink(const char *target, int dirfd, const char *path,
			int *ret);
/* renameat2 (rename, renameat: flags 0), without RENAME_WHITEOUT */
bool ip_scratch_rename(int da, const char *a, int db, const char *b,
		       unsigned flags, int *ret);
/* linkat: flags 0 or AT_SYMLINK_FOLLOW */
bool ip_scratch_link(int da, const char *a, int db, const char *b, int flags,
		     int *ret);

/*
 * path, relative to dirfd, as a name relative to the scratch directory:
 * in buf or in path itself; NULL when it is not under it or anything is
 * unusual (no scratch directory, a ".." after it, a deleted directory, a
 * descriptor that is no directory, too long). Learns the descriptor first
 * if need be, but does not check it again. Keeps errno.
 */
const char *ip_scratch_rel(int dirfd, const char *path, char buf[PATH_MAX]);

/* Forget what was learned about the descriptor: the next call learns it
 * again (for the tests). */
void ip_scratch_forget(void);

#pragma GCC visibility pop

#endif
