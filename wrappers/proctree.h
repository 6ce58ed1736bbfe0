/* SPDX-License-Identifier: MIT */
/*
 * proctree: the session's processes as the kernel sees them. agent-shell
 * is a child subreaper, so every process the session starts stays below
 * it in the process tree, orphans and double-forked daemons included: a
 * process is in the session iff agent-shell is its ancestor, except for
 * the policyd processes agent-shell started itself (its direct children,
 * kept in a struct proctree_keep: they serve other sessions too).
 *
 * Everything is read from /proc (stat: parent and start time); a parent
 * whose start time is later than its child's is a reused pid, and such a
 * walk is taken again. Processes are signalled through pidfds opened and
 * then checked against the start time seen, so a pid reused meanwhile is
 * never signalled.
 */
#ifndef TIERGATE_PROCTREE_H
#define TIERGATE_PROCTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROCTREE_KEEP_MAX 16

/* agent-shell's children that are not the session's: policyd processes it
 * started. A pid stays valid while it is listed: it is our child, and a
 * child's pid is not reused before we reap it (proctree_keep_forget). */
struct proctree_keep {
	pid_t pid[PROCTREE_KEEP_MAX];
	size_t n;
};

/* 0, or -ENOSPC when the list is full. */
int proctree_keep_add(struct proctree_keep *k, pid_t pid);
/* A child of ours was reaped: if it was kept, it is no longer. */
void proctree_keep_forget(struct proctree_keep *k, pid_t pid);
/* Reaps the kept children that exited (and only them), forgetting them. */
void proctree_keep_reap(struct proctree_keep *k);

/* The parent and start time (clock ticks since boot) of pid from
 * /proc/PID/stat: 0, -ESRCH when it is gone, -EIO when unreadable. */
int proctree_stat(pid_t pid, pid_t *ret_ppid, unsigned long long *ret_start);

/* Is pid a process of this session (below us, not kept)? 1 or 0; 1 too
 * when the tree kept changing under the walk (fail closed); -ESRCH when pid
 * is gone. */
int proctree_in_session(pid_t pid, const struct proctree_keep *k);

/* Ends the session: SIGKILL to every process of it, again and again (they
 * may fork while being killed), reaping our children (kept ones that died
 * are forgotten), until none is left or timeout_ms passed. Returns the
 * number of processes that remain (0: all ended) or -errno when /proc
 * cannot be read; *ret_found is the number the first round found. */
int proctree_end_session(struct proctree_keep *k, long timeout_ms,
			 unsigned *ret_found);

#endif
