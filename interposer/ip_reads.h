/* SPDX-License-Identifier: MIT */
/*
 * ip_reads: read-only opens decided in the process (docs/architecture.md,
 * "Hot paths"): the read fast path, the directories seen free of symlinks
 * (under the backstop) and the names read before.
 *
 * A read is decided locally iff its normalised path matches an allow glob
 * of the snapshot and no stricter glob: exactly when the full decision
 * would be a silent Tier 1 allow. The open is then done here so that the
 * object opened is the one decided on.
 */
#ifndef TIERGATE_IP_READS_H
#define TIERGATE_IP_READS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

struct ip_fastpath;

/*
 * The hot path for read-only opens: when the literal path is a silent
 * allow, open it here so that no symlink is followed: with openat2
 * RESOLVE_NO_SYMLINKS (the object opened is the one decided on, in the
 * same system call), or under the backstop with every directory checked
 * and O_NOFOLLOW. Returns true when done (*ret is the fd or -1 with
 * errno); false when the caller must go through the full gate (not a
 * plain read, a symlink on the way, ...).
 */
bool ip_reads_fast_open(int dirfd, const char *path, int flags, int *ret);

/*
 * Is a read-only open of path a silent allow under fp? The literal path is
 * checked; with resolve, symlinks on the way are followed (raw readlink
 * walk) and the target must be silent too. Without resolve the caller must
 * make sure no symlink is involved (openat2 RESOLVE_NO_SYMLINKS). walked,
 * when given, receives the absolute path as spelled (the cwd joined, not
 * folded): not silent when it does not fit in walked_cap bytes.
 */
bool ip_reads_silent(const struct ip_fastpath *fp, int dirfd, const char *path,
		     bool resolve, char *walked, size_t walked_cap);
/* The same with the current snapshot, resolving symlinks (the gate's
 * check; fopen and friends). */
bool ip_reads_check(int dirfd, const char *path);

/* Is every component of the absolute directory dir[0..n), as spelled
 * (".." included), a real directory? 1 yes, 0 a symlink is on the way,
 * -errno when the walk fails the way the open would (ENOENT, ENOTDIR,
 * EACCES). Remembered per process (128 entries). */
int ip_reads_dir_clean(const char *dir, size_t n);

/* The names read before: was path (absolute; n bytes, hash ip_hash) seen
 * as a silent read under snapshot fp? clean: the entry must also say its
 * directories are real ones. */
bool ip_reads_seen(const struct ip_fastpath *fp, const char *path, size_t n,
		   uint64_t h, bool clean);
void ip_reads_remember(const struct ip_fastpath *fp, const char *path, size_t n,
		       uint64_t h, bool clean);

/* The cached cwd (for relative reads) is stale: chdir, fchdir. */
void ip_reads_cwd_changed(void);

/* fork(): the locks, taken in the parent around it */
void ip_reads_lock(void);
void ip_reads_unlock(void);

#pragma GCC visibility pop

#endif
