/* SPDX-License-Identifier: MIT */
/*
 * gitwit: a witness of the files one git decision looked at (every path
 * gitfs looked up, with what it found: device, inode, type, size and
 * timestamps, or the error), to tell later whether git, reading them after
 * the decision, can have found anything else.
 *
 * Why: git reads its config (remotes, push refspecs, aliases) only after
 * the exec policyd decided; another process of the session rewriting
 * .git/config meanwhile (git waits as long as the agent likes on a
 * GIT_TRACE FIFO) turned a decided `git push origin topic` into a force
 * push of main (tests/bypass/gitcfgrace.sh). policyd compares the witness
 * when the push starts its transport (policyd/gitwatch.c).
 *
 * Lifecycle: git_witness_new → passed in struct git_ctx to git_parse_op
 * (filled in as gitfs looks up files) → git_witness_check, any number of
 * times → git_witness_free (accepts NULL). A witness keeps
 * GIT_WITNESS_MAX paths; beyond, it is full and every check fails.
 */
#ifndef TIERGATE_GITWIT_H
#define TIERGATE_GITWIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct git_witness;

struct git_witness *git_witness_new(void);
void git_witness_free(struct git_witness *w);
/* The number of paths looked at. */
size_t git_witness_count(const struct git_witness *w);
/*
 * Each path looked up again in root ("" policyd's own view, or
 * "/proc/PID/root"), with the file-system credentials the calling thread
 * has on: 0 when each finds what it found then (the same error; or the
 * same device, inode and type, and for a file that is not a directory
 * the same size, mtime and ctime: a change and its undoing move ctime,
 * which nobody can set back), 1 when one differs (its path in why), 1
 * too when the witness was full, -errno when root cannot be opened.
 */
int git_witness_check(const struct git_witness *w, const char *root, char *why,
		      size_t whysz);

#endif
