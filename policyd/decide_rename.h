/* SPDX-License-Identifier: MIT */
/*
 * decide_rename: a rename of a directory moves everything below it, so it
 * is decided as a change to every path it moves, under both names (issue
 * 21 §3): `mv .git .gitx`, a write of .gitx/hooks/pre-commit, `mv .gitx
 * .git` plants a hook the policy protects, and the last rename is where it
 * is refused; moving protected content away is refused at the first.
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

#endif
