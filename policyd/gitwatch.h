/* SPDX-License-Identifier: MIT */
/*
 * gitwatch: the git pushes policyd let run, each with the witness of the
 * files its decision read (engine/gitwit.h), until the push starts its
 * transport. git reads its config after the exec policyd decided, so
 * another process of the session can rewrite it in between (a remote's
 * url or push refspec: tests/bypass/gitcfgrace.sh); every push reaches
 * its remote through a child it execs (git-receive-pack, ssh, a remote
 * helper, the pre-push hook), and that exec is refused when a file the
 * decision read is not as it was then (git_race).
 *
 * Lifecycle: gitwatch_add at the decision of the exec of git, which
 * takes the witness; gitwatch_check at every exec while entries exist;
 * entries of processes gone, or that are not that git program (the exec
 * failed or was refused), are dropped as they are met.
 */
#ifndef TIERGATE_GITWATCH_H
#define TIERGATE_GITWATCH_H

#include <stddef.h>
#include <sys/stat.h>

#include "caller.h"

/* pushes watched at once, of all sessions and of one: beyond, a new push
 * is refused (one session holding its pushes stalled, GIT_TRACE on a
 * FIFO, must not take every other session's room) */
#define GITWATCH_MAX 64
#define GITWATCH_SESSION 16

struct git_witness;

/* w (taken: freed here whatever the result) kept for the process c is
 * (its thread group) once it has exec'd the git program exe. 0, -EBUSY
 * when GITWATCH_MAX live pushes are watched (GITWATCH_SESSION of c's
 * session), -ESRCH (c is gone). */
int gitwatch_add(const struct caller *c, const struct stat *exe,
		 struct git_witness *w);
/* c about to exec: 1 when its parent is a watched push whose files are
 * not as its decision found them (or cannot be looked at), the path in
 * why; else 0. */
int gitwatch_check(struct caller *c, char *why, size_t whysz);
/* Entries kept (tests, status). */
size_t gitwatch_count(void);

#endif
