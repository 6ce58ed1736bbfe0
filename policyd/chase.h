/* SPDX-License-Identifier: MIT */
/*
 * chase: a path as the caller sees it. Every path a caller passes (to an
 * exec, an open, a file call, a Unix socket's address) is resolved here,
 * from the kernel's view of the caller (its cwd, its descriptors, its root
 * in /proc), never from what it says:
 *
 *   lexical  made absolute against its cwd or the directory open on dirfd,
 *            ".." folded as the kernel walks it (the part up to the last
 *            ".." is resolved by the kernel, in the caller's root: ".." after
 *            a symlink is the parent of its target), normalised, and
 *            /proc/self, /proc/thread-self mapped to the caller's /proc/PID;
 *   follow   then the longest existing prefix canonicalised (symlinks
 *            followed, dangling ones too: creating through one creates its
 *            target), the rest kept as is; /proc/self anywhere on the way
 *            (spelled oddly, through a symlink, through a magic link) is the
 *            caller's.
 *
 * Errors are errors: callers refuse rather than guess. Functions return 0
 * or a negative errno. policyd's main thread (and its tests) only.
 */
#ifndef TIERGATE_CHASE_H
#define TIERGATE_CHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "caller.h"
#include "util.h"

enum chase_flags {
	/* follow symlinks (see above); without it the result is lexical */
	CHASE_FOLLOW = 1u << 0,
	/* with CHASE_FOLLOW: only the directory is followed and the last
	 * component kept as spelled (a name made or removed, a call that does
	 * not follow a final symlink); a name right below "/" is followed */
	CHASE_PARENT = 1u << 1,
	/* path is a lexical result already (absolute, normal, /proc/self
	 * mapped): only the CHASE_FOLLOW step is done (dirfd is ignored) */
	CHASE_ABSOLUTE = 1u << 2,
};

/* What one decision on two names in one directory (git's renames and
 * links) looked up once: the directory of a name resolved for
 * CHASE_PARENT, and its stat for self_refuses; the lstat of the first name
 * self_refuses looked at, for the rename's tree walk (policyd's one thread
 * performs every call of a session that makes a name: none can make a
 * directory there in between). Allocated by the deciding
 * function (decide_open) and freed when it returns, c->memo pointing to it
 * meanwhile: nothing is carried from one decision to the next (a parked
 * call is decided again afresh). */
struct chase_memo {
	char dir[TG_PATH_MAX], real[TG_PATH_MAX]; /* dir[0]: none yet */
	char statted[TG_PATH_MAX];		  /* statted[0]: none yet */
	int stat_r;				  /* stat's result, 0 or -1 */
	struct stat st;				  /* when stat_r is 0 */
	char lstatted[TG_PATH_MAX];		  /* lstatted[0]: none yet */
	int lstat_r;				  /* lstat's result, 0 or -1 */
	mode_t lmode;				  /* when lstat_r is 0 */
};

/* Resolves path, given by caller c relative to dirfd (AT_FDCWD: its cwd),
 * into ret (TG_PATH_MAX bytes; not path). -ENOENT for an empty path,
 * -EBADF, -ENOTDIR when dirfd is no directory, -ENAMETOOLONG, -ELOOP, or
 * what reading /proc said. */
int chase(struct caller *c, int dirfd, const char *path, unsigned flags,
	  char ret[TG_PATH_MAX]);

/* The end of the last ".." component of path (a component exactly "..",
 * as the kernel takes one), or NULL when it has none. */
const char *chase_last_dotdot(const char *path);

/* path (absolute, in the caller's root) as policyd can name it: itself, or
 * under /proc/PID/root when the caller's root is another. */
void chase_view(struct caller *c, const char *path, char *out, size_t outsz);

/* The caller's cwd, read once when first asked for (a rule or git needs
 * it; "/" when it cannot be read). Per request: a cwd changes. */
struct chase_cwd {
	struct caller *c;
	bool have;
	char buf[TG_PATH_MAX];
};
const char *chase_cwd(struct chase_cwd *w);

/* Where policyd resolves a path as the caller (openat2): AT_FDCWD when
 * the caller's root is policyd's, else a descriptor of that root to close,
 * with *ret_resolve the resolve flags that go with it: no symlink (one that
 * appeared since a decision fails the call), no magic link, in the root.
 * -errno. */
int chase_root(struct caller *c, uint64_t *ret_resolve);

/* Opens abs (absolute, normalised, outside /proc, in the caller's root
 * when that is policyd's) with O_PATH, no symlink and no magic link
 * followed, and closes it: 0 (it is there, and no component of it is a
 * link), or -errno (-ELOOP: a link on the way). Noted in c for the rest
 * of the call (notified callers): the decision's walk of the same name
 * takes this result instead of a second open. -EINVAL where it does not
 * apply (nothing opened). */
int chase_literal(struct caller *c, const char *abs);

/* The directory dir (absolute, as resolved) if this call's decision
 * walked to it and kept it (struct caller, keep_dir): its descriptor,
 * the caller's from then on (closed by it), else -1. */
int chase_kept_dir(struct caller *c, const char *dir);
/* Closes a kept directory the call did not take. */
void chase_kept_close(struct caller *c);

/* Is path (relative to dirfd) there as the caller sees it, with its
 * credentials (a root policyd never tells it about names it could not
 * see)? 0 yes, -ENOENT/-ENOTDIR no, 1 cannot tell (another root, its own
 * /proc, no credentials). */
int chase_exists(struct caller *c, int dirfd, const char *path, bool follow);
/* chase_exists, with the object's type and mode in *ret_mode when it is
 * there. */
int chase_stat(struct caller *c, int dirfd, const char *path, bool follow,
	       mode_t *ret_mode);

#endif
