/* SPDX-License-Identifier: MIT */
/*
 * gitparse: turns the argv of a git exec into a struct git_event the way git
 * itself reads it: global options (-C, -c, --git-dir, --work-tree,
 * --namespace, --no-pager, ...), alias expansion, the subcommand, and for
 * push/fetch/pull/clone the remote, its URL, the target branches and the
 * force/delete flags.
 *
 * Repository facts (config values, the current branch) come through a
 * struct git_lookup, so the parser itself touches no files;
 * gitrepo_lookup() provides one that reads the repository's files.
 */
#ifndef TIERGATE_GITPARSE_H
#define TIERGATE_GITPARSE_H

#include <stddef.h>

#include "policy.h"

#define GIT_MAX_ALIAS_DEPTH 10

struct git_lookup {
	/* Returns a malloc'd config value for key ("remote.origin.url") in
	 * the repository at dir (NULL: none). */
	char *(*config)(void *ud, const char *dir, const char *git_dir,
			const char *key);
	/* Returns the malloc'd current branch name, or NULL (detached,
	 * unknown). */
	char *(*head)(void *ud, const char *dir, const char *git_dir);
	void *ud;
};

/*
 * Parses argv (argv[0] is git). cwd is the caller's working directory
 * (absolute). lk may be NULL (nothing is known about the repository).
 * Returns 0 (free the event with git_event_free) or -ENOMEM (nothing to
 * free). An alias loop deeper than GIT_MAX_ALIAS_DEPTH keeps the alias name
 * as the command and sets all_branches, so refusing rules still match.
 */
int git_parse(const char *const *argv, size_t argc, const char *cwd,
	      const struct git_lookup *lk, struct git_event *ret);
void git_event_free(struct git_event *g);

/* A git_lookup reading /etc/gitconfig, HOME's ~/.gitconfig and the
 * repository's config and HEAD. root is prepended to every path (a
 * process's /proc/PID/root, or "" for the caller's own view). Files are
 * read non-blocking, regular files only, at most 1 MiB. */
struct gitrepo_ctx {
	const char *root; /* "" or "/proc/PID/root" */
	const char *home; /* for ~/.gitconfig, NULL to skip */
};
void gitrepo_lookup(struct gitrepo_ctx *ctx, struct git_lookup *ret);

#endif
