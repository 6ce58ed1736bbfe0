/* SPDX-License-Identifier: MIT */
/*
 * gitparse: what a git command line will do, read as git reads it.
 *
 * git_parse_op() takes the argv of an exec of git, the caller's working
 * directory, environment and view of the file system, and returns a
 * struct git_op: one or more struct git_event (policy.h) to decide. Each
 * event is one reading of what git will do; git_op_decide() decides every
 * one and the strictest wins. There are several when git does several
 * things (a push to each of a remote's push URLs, each ref a push
 * updates) or when tiergate cannot tell which of several things git will
 * do (an alias that a program in PATH may shadow, a push source that may
 * be a symref). A git rule's `push` is anything that sends objects or ref
 * updates to a remote: `git push`, `send-pack`, `http-push`, the remote
 * helpers `remote-ext` and `remote-fd` run by hand, and `svn dcommit`,
 * `p4 submit`, `lfs push`, `cvsexportcommit -c` all give command "push".
 *
 * Lifecycle: git_parse_op() -> git_op_decide() any number of times ->
 * git_op_free().
 *
 * What is read, as git does (config.c, setup.c, remote.c, refspec.c,
 * parse-options.c of git 2.39 to 2.5x):
 *  - global options: -C, -c, --config-env, --git-dir, --work-tree,
 *    --bare, --exec-path=, ...; argv[0] "git-CMD" runs CMD;
 *  - aliases (alias.NAME and [alias "NAME"] command), with their own -c;
 *    "!" aliases run a shell: the event has shell_alias set and the
 *    alias's name as command, and whatever the shell runs is an exec of
 *    its own, decided when it happens; help.autocorrect;
 *  - config: /etc/gitconfig or GIT_CONFIG_SYSTEM (unless
 *    GIT_CONFIG_NOSYSTEM), $XDG_CONFIG_HOME/git/config and ~/.gitconfig
 *    or GIT_CONFIG_GLOBAL, the repository's config and config.worktree,
 *    GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS, -c and
 *    --config-env; include.path and includeIf (gitdir:, gitdir/i:,
 *    worktree:, onbranch:, hasconfig:remote.*.url:);
 *  - the repository: GIT_DIR / --git-dir, GIT_COMMON_DIR, .git files,
 *    linked worktrees (commondir), bare repositories,
 *    GIT_CEILING_DIRECTORIES, HEAD through symrefs;
 *  - push: options as parse-options accepts them (unique abbreviations,
 *    bundled short options, --no-X, separate or attached values), the
 *    remote (--repo, remote.pushDefault, branch.NAME.pushRemote,
 *    branch.NAME.remote, remote groups, the legacy remotes/ and branches/
 *    files, a URL or path), every url / pushurl (url.*.insteadOf and
 *    pushInsteadOf, longest match), remote.NAME.push, remote.NAME.mirror,
 *    push.default, refspecs (+, :dst, src:dst, globs, matching, "tag X",
 *    @), --all, --mirror, --delete, --prune, --force, --force-with-lease.
 *    A push to a URL that equals a configured remote's URL (file paths,
 *    file://, host:path, ssh://, trailing .git and / folded) also carries
 *    that remote's name (an event per remote).
 *
 * Everything the caller controls is capped (gitint.h); beyond a cap, or
 * when something git would read cannot be read, the op is "unsure": its
 * events keep what is known and assume the worst of the rest (every
 * branch, force and delete; no remote name or URL when those are what is
 * unknown).
 *
 * Files are read through ctx->root with the calling thread's file-system
 * credentials: policyd calls this between taking on the caller's
 * credentials and giving them back, so that a file the caller cannot read
 * (which git would skip) is skipped here too.
 */
#ifndef TIERGATE_GITPARSE_H
#define TIERGATE_GITPARSE_H

#include <stddef.h>

#include "policy.h"

/* What git sees besides argv. */
struct git_ctx {
	/* "" (policyd's own view) or "/proc/PID/root": every path is
	 * resolved inside it (openat2 RESOLVE_IN_ROOT) */
	const char *root;
	/* the caller's working directory, absolute, in its view */
	const char *cwd;
	/* the environment the exec passes to git ("NAME=value"); NULL when
	 * it is not known: then no GIT_* variable is set and HOME is home */
	const char *const *env;
	size_t nenv;
	/* HOME when env is NULL (the account database's); NULL: none */
	const char *home;
	/* read no file at all (tests of the parser alone, fuzzers) */
	bool no_files;
	/* NULL, or where every file looked at is noted (gitwit.h) */
	struct git_witness *wit;
};

struct git_op {
	struct git_event *ev; /* every reading: decide each, strictest wins */
	size_t nev;
	/* the command as written (after alias expansion): "send-pack" where
	 * the events say "push", the alias name of a shell alias */
	char *command;
	/* This exec is the ref-update step of a push that git itself runs
	 * through a remote helper (send-pack --stateless-rpc, http-push
	 * --helper-status, remote-ext, remote-fd): its refs come on stdin,
	 * so the events assume every branch, force and delete. policyd may
	 * decide it as the git command that started the helper instead. */
	bool helper;
	/* something could not be known; events assume the worst (see above) */
	bool unsure;
	char why[128]; /* what, for explain and the audit log */
	char ***sets_; /* private: the events' argument lists */
	size_t nsets_;
};

#define GIT_OP_EVENTS_MAX 64

/*
 * Reads argv (argv[0] is git or git-CMD) as git will. Returns 0 (free
 * with git_op_free) or -ENOMEM (nothing to free). Never fails otherwise:
 * what it cannot read makes the op unsure.
 */
int git_parse_op(const char *const *argv, size_t argc,
		 const struct git_ctx *ctx, struct git_op *ret);
void git_op_free(struct git_op *op);

/*
 * The op of argv read from argv alone, when that is enough for policy p:
 * argv runs a builtin that is not deprecated, named after global options
 * that set no configuration (no -c, --config-env), without --help or
 * git's usage (-h), whose events are one event of that command and argv's
 * arguments whatever the repository and the configuration say (no push,
 * config, init or clone), and every git rule of p that can match that
 * command reads only the command and the arguments
 * (policy_git_argv_decides). Then git_exec_decide decides it as it
 * decides git_parse_op's op (the events agree on everything those rules
 * read), and no file is read. Returns 1 (free ret with git_op_free), 0
 * when git_parse_op must read it (ret untouched), -ENOMEM. ret's unsure
 * and why are those of argv alone. p's table is built when it is loaded
 * (gitlazy.c).
 */
int git_op_argv_only(const struct policy *p, const char *const *argv,
		     size_t argc, struct git_op *ret);

/* How many times git_parse_op has opened the caller's view of the files
 * (once per parse): for tests of the argv-only path. */
unsigned long git_parse_fs_opens(void);

/*
 * Decides ev (an exec of git or a git event) once for every event of op
 * (ev->git set to each in turn) and returns the strictest decision;
 * *ret_ev (may be NULL) gets the index of the event that gave it.
 */
void git_op_decide(const struct policy *p, const struct policy_event *ev,
		   const struct git_op *op, struct policy_decision *ret,
		   size_t *ret_ev);

/*
 * An exec (ev->kind POLICY_EV_EXEC) decided by the exec rules and, when it
 * runs git (op non-NULL), by the git rules on every event of op, their
 * default counting: the strictest wins (deny > prompt > log > allow), so
 * an exec rule that allows the git program never overrides a git rule or
 * the git rules' default, and a git rule never lifts an exec refusal. The
 * one decision of an exec for policyd, policyctl explain and test.
 * *ret_ev (may be NULL) gets the index of op's event that decided the git
 * part (0 without op); ret->matched says which rules decided.
 */
void git_exec_decide(const struct policy *p, const struct policy_event *ev,
		     const struct git_op *op, struct policy_decision *ret,
		     size_t *ret_ev);

/*
 * Do two remote URLs name one repository (the comparison a push by URL
 * uses: local paths made absolute against cwd, file://, host:path and
 * ssh:// spellings, trailing ".git" and "/" folded; no file is read)? For
 * policyd to match a helper's URL (remote-curl adds a trailing '/') with
 * the push that started it.
 */
bool git_url_equal(const char *a, const char *b, const char *cwd);

/* One line for explain and the audit log: "push remote=origin
 * url=https://... branches=main force=yes delete=no" (branches "*" when
 * every branch). Returns what snprintf returns. */
int git_event_format(const struct git_event *e, char *buf, size_t bufsz);

/* ---- the interface before git_op: one event, kept until policyd and
 * policyctl call git_parse_op. The event is the merge of the op's events
 * (every branch of every event, force or delete if any has them; the
 * remote name and URL only when every event has the same). */
struct gitrepo_ctx {
	const char *root; /* "" or "/proc/PID/root" */
	const char *home; /* for ~/.gitconfig, NULL to skip */
};
struct git_lookup {
	const struct gitrepo_ctx *repo;
};
void gitrepo_lookup(struct gitrepo_ctx *ctx, struct git_lookup *ret);
/* lk NULL: no file is read. 0 (free with git_event_free) or -ENOMEM. */
int git_parse(const char *const *argv, size_t argc, const char *cwd,
	      const struct git_lookup *lk, struct git_event *ret);
void git_event_free(struct git_event *g);

#endif
