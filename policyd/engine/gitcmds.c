/* SPDX-License-Identifier: MIT */
/*
 * gitcmds: which names git runs as its own commands (git.c's table), and
 * whether a program git-NAME could answer for another name: what decides
 * how many readings a command line has (gitparse.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "gitint.h"

/* git.c's commands[], git 2.39 to 2.5x */
static const char *const builtins[] = {
    "add",
    "am",
    "annotate",
    "apply",
    "archive",
    "backfill",
    "bisect",
    "bisect--helper",
    "blame",
    "branch",
    "bugreport",
    "bundle",
    "cat-file",
    "check-attr",
    "check-ignore",
    "check-mailmap",
    "check-ref-format",
    "checkout",
    "checkout--worker",
    "checkout-index",
    "cherry",
    "cherry-pick",
    "clean",
    "clone",
    "column",
    "commit",
    "commit-graph",
    "commit-tree",
    "config",
    "count-objects",
    "credential",
    "credential-cache",
    "credential-cache--daemon",
    "credential-store",
    "describe",
    "diagnose",
    "diff",
    "diff-files",
    "diff-index",
    "diff-pairs",
    "diff-tree",
    "difftool",
    "env--helper",
    "fast-export",
    "fast-import",
    "fetch",
    "fetch-pack",
    "fmt-merge-msg",
    "for-each-ref",
    "for-each-repo",
    "format-patch",
    "format-rev",
    "fsck",
    "fsck-objects",
    "fsmonitor--daemon",
    "gc",
    "get-tar-commit-id",
    "grep",
    "hash-object",
    "help",
    "history",
    "hook",
    "index-pack",
    "init",
    "init-db",
    "interpret-trailers",
    "last-modified",
    "log",
    "ls-files",
    "ls-remote",
    "ls-tree",
    "mailinfo",
    "mailsplit",
    "maintenance",
    "merge",
    "merge-base",
    "merge-file",
    "merge-index",
    "merge-ours",
    "merge-recursive",
    "merge-recursive-ours",
    "merge-recursive-theirs",
    "merge-subtree",
    "merge-tree",
    "mktag",
    "mktree",
    "multi-pack-index",
    "mv",
    "name-rev",
    "notes",
    "pack-objects",
    "pack-redundant",
    "pack-refs",
    "patch-id",
    "pickaxe",
    "prune",
    "prune-packed",
    "pull",
    "push",
    "range-diff",
    "read-tree",
    "rebase",
    "receive-pack",
    "reflog",
    "refs",
    "remote",
    "remote-ext",
    "remote-fd",
    "repack",
    "replace",
    "replay",
    "repo",
    "rerere",
    "reset",
    "restore",
    "rev-list",
    "rev-parse",
    "revert",
    "rm",
    "send-pack",
    "shortlog",
    "show",
    "show-branch",
    "show-index",
    "show-ref",
    "sparse-checkout",
    "stage",
    "stash",
    "status",
    "stripspace",
    "submodule--helper",
    "switch",
    "symbolic-ref",
    "tag",
    "unpack-file",
    "unpack-objects",
    "update-index",
    "update-ref",
    "update-server-info",
    "upload-archive",
    "upload-archive--writer",
    "upload-pack",
    "url-parse",
    "var",
    "verify-commit",
    "verify-pack",
    "verify-tag",
    "version",
    "whatchanged",
    "worktree",
    "write-tree",
};

/* builtins of some of those versions only (git.c's commands[], v2.39.0 to
 * v2.55.0 and master, compared): in the others the name is none, and an
 * alias, a program git-NAME or help.autocorrect's guess answers for it.
 * Taken for a builtin everywhere, `git replay B A` with help.autocorrect
 * on (GIT_CONFIG_* in its environment) was a tier-1 command; git 2.39
 * guessed `git replace B A` and ran it (tests/bypass/gitversions.sh) */
static const char *const some_versions[] = {
    "backfill",	   "bisect",	 "bisect--helper", "diff-pairs",
    "env--helper", "format-rev", "history",	   "last-modified",
    "refs",	   "replay",	 "repo",	   "url-parse",
};

/* deprecated builtins an alias may override (newer git) */
static const char *const deprecated[] = {"pack-redundant", "whatchanged"};

static bool listed(const char *const *l, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return true;
	return false;
}

bool gitcmd_builtin(const char *name)
{
	return listed(builtins, TG_ARRAY_SIZE(builtins), name);
}

size_t gitcmd_nbuiltins(void)
{
	return TG_ARRAY_SIZE(builtins);
}

const char *gitcmd_builtin_at(size_t i)
{
	return i < TG_ARRAY_SIZE(builtins) ? builtins[i] : NULL;
}

int gitcmd_builtin_index(const char *name)
{
	for (size_t i = 0; i < TG_ARRAY_SIZE(builtins); i++)
		if (!strcmp(builtins[i], name))
			return (int)i;
	return -1;
}

bool gitcmd_deprecated(const char *name)
{
	return listed(deprecated, TG_ARRAY_SIZE(deprecated), name);
}

bool gitcmd_some_versions(const char *name)
{
	return listed(some_versions, TG_ARRAY_SIZE(some_versions), name);
}

/* Could git run a program git-CMD for a name that is no builtin? git
 * looks in its exec path, then in PATH: the exec's own PATH when it is
 * known, else the usual directories (a program elsewhere is not found by
 * git either way). The program, if git runs it, is an exec of its own,
 * decided then; the answer here only says whether an alias of that name
 * is the only reading. Unsure (a name with a '/', no files to look at):
 * true, both readings stay. */
bool gitcmd_program_may_exist(const struct gitfs *fs, const struct git_ctx *ctx,
			      const char *cmd)
{
	static const char *const usual =
	    "/usr/lib/git-core:/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	    "/usr/bin:/sbin:/bin";
	if (ctx->no_files || strchr(cmd, '/') || !cmd[0])
		return true;
	const char *path = ctx->env ? gitfs_getenv(fs, "PATH") : NULL;
	char dirs[4096];
	snprintf(dirs, sizeof(dirs), "/usr/lib/git-core:%s",
		 path ? path : usual);
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		char f[TG_PATH_MAX];
		struct stat st;
		if (d[0] != '/') /* a relative PATH entry: the cwd's */
			return true;
		if (snprintf(f, sizeof(f), "%s/git-%s", d, cmd) >=
		    (int)sizeof(f))
			return true;
		int r = gitfs_stat(fs, f, true, &st);
		if (r == 0 || (r != -ENOENT && r != -ENOTDIR))
			return true;
	}
	return false;
}
