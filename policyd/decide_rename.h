/* SPDX-License-Identifier: MIT */
/*
 * decide_rename: a rename of a directory moves everything below it, so it
 * is decided as a change to every path it moves, under both names (issue
 * 21 §3): `mv .git .gitx`, a write of .gitx/hooks/pre-commit, `mv .gitx
 * .git` plants a hook the policy protects, and the last rename is where it
 * is refused; moving protected content away is refused at the first.
 *
 * The walk and the rename are one step. A tree read at the decision and
 * renamed later lets a second thread create below the old name in between
 * (.gitx/hooks/pre-commit, by path or through a descriptor of .gitx/hooks,
 * which follows the directory to its new name): that file moves undecided.
 * So on the kernel path policyd performs the rename itself, right after
 * the walk, in its one thread (sv_fsdo.c), and it also performs every call
 * of a session that makes a name (write-opens, mkdir, link, symlink,
 * mknod, rename): none of them can run between the walk and the rename,
 * and one that runs after it is decided on its own path, the new name.
 * tests/bypass/static_rename_race wins natively within a few tries, and
 * within a few hundred when policyd lets the kernel do the rename after
 * deciding; never in the bypass suite's 3,000 under tiergate.
 * The one route that makes names without policyd, a session's scratch
 * directory (settings.scratch: private), is kept out of this: a rename
 * with one name in it and the other outside fails with EXDEV (sv_fs.c).
 * Left to the kernel after the decision, so outside this step: bind() of a
 * named Unix socket (a socket file, which no program runs or reads as a
 * file), and linkat(fd, "", AT_EMPTY_PATH) where policyd may not take the
 * caller's descriptor (sv_fs.c: by_name). On the interposer's path alone
 * (no kernel backstop) libc renames after the answer and the race stays,
 * like every call on that path (docs/threat-model.md).
 */
#ifndef TIERGATE_DECIDE_RENAME_H
#define TIERGATE_DECIDE_RENAME_H

#include <stdbool.h>

#include "caller.h"
#include "outcome.h"

/* Entries below a renamed directory looked at, at most; a larger tree is
 * decided by the strictest rule that could match below either name. */
#define RENAME_TREE_MAX 16384
#define RENAME_TREE_DEPTH 64

/*
 * The rename of old (resolved, in c's view) to new (resolved name): when
 * a rule stricter than o->d could match below either name
 * (policy_below), every entry below old is decided as a write, create and
 * delete at old/REL and at new/REL (with exchange, also every entry below
 * new, both ways), and a rule's decision stricter than o->d becomes o->d,
 * with what it protects in o->detail. Entries that are no rule's count
 * nothing (the names themselves were decided with the default). A tree
 * past RENAME_TREE_MAX entries or RENAME_TREE_DEPTH levels, or one that
 * cannot be read, gets the strictest rule that could match below.
 */
void decide_rename_tree(struct caller *c, const char *old, const char *new_,
			bool exchange, struct outcome *o);

/*
 * A symlink at a name makes whatever it points to reachable below that
 * name, now and whatever is written there later: `mv .git .gitx`, a write
 * of .gitx/hooks/pre-commit, `ln -s .gitx .git` plants a hook as surely as
 * renaming .gitx back, and a walk of the target at that moment would see
 * nothing if the hook is written after the symlink. So making a symlink at
 * name (symlink: is_symlink NULL), or giving an existing one a new name
 * (rename, RENAME_EXCHANGE, link of the symlink itself: is_symlink its
 * resolved old name, looked at first, through the decision's own lstat
 * where it made one), is decided by the
 * strictest rule that could match below name when that is stricter than
 * o->d (policy_below); what it protects goes in o->detail.
 */
void decide_alias(struct caller *c, const char *name, const char *is_symlink,
		  struct outcome *o);

#endif
