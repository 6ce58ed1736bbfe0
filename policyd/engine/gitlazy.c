/* SPDX-License-Identifier: MIT */
/*
 * gitlazy: the op of a git command line from argv alone, when the policy's
 * git rules cannot tell it from the op git_parse_op reads (gitparse.h,
 * git_op_argv_only). Reading the repository and the configuration is most
 * of what an exec of git costs policyd; `git status`, `git commit` and the
 * like under rules that name only commands need none of it.
 *
 * Why the two ops decide alike, following gitparse.c: argv[0] is not
 * "git-CMD" and the words before the command are global options that
 * global_opt reads the same way (consuming the same words) and that set no
 * configuration; the command is a builtin that is not deprecated, and one
 * in every git version tiergate reads (gitcmd_some_versions), so resolve()
 * runs it (an alias cannot shadow it, autocorrect never looks)
 * unless its first argument is --help; events_for() gives it to
 * gitlocal_events() (not push, send-pack, http-push, remote-ext,
 * remote-fd, a foreign push, config, init, init-db), which adds exactly
 * one event, named after the command unless its options are only git's
 * usage (excluded here: the same gitopt_parse), and no other (clone adds
 * its config writes: excluded); events_for() gives that event argv's
 * arguments. What the files say (a remote, branches, force and delete
 * when unsure) is read only by rules with fields besides command and args,
 * and p has none that can match this command. git_exec_decide reads of an
 * event only what git_matches reads, and its command, arguments and
 * shell_alias (false in both) for git's own helpers.
 */
#include <errno.h>
#include <string.h>

#include "gitint.h"
#include "policy_internal.h"

/* global options global_opt takes alone besides gitparse_env_flags: none
 * names configuration */
static const char *const flag_opts[] = {"-p", "--paginate", "--bare"};
/* ... with the next word as their value */
static const char *const value_opts[] = {
    "-C",	   "--git-dir",	     "--work-tree",
    "--namespace", "--shallow-file", "--attr-source",
};
/* ... with their value attached */
static const char *const attached_opts[] = {
    "--git-dir=",
    "--work-tree=",
    "--namespace=",
    "--attr-source=",
};

/* builtins whose events are not gitlocal_events' one event */
static const char *const own_events[] = {
    "push",   "send-pack", "http-push", "remote-ext", "remote-fd",
    "config", "init",	   "init-db",	"clone",
};

static bool listed(const char *const *l, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return true;
	return false;
}

static bool attached(const char *a)
{
	for (size_t i = 0; i < TG_ARRAY_SIZE(attached_opts); i++)
		if (!strncmp(a, attached_opts[i], strlen(attached_opts[i])))
			return true;
	return false;
}

/* The index of argv's command after its global options, or 0 when one
 * of them is not one this file knows to be harmless. */
static size_t command_at(const char *const *argv, size_t argc)
{
	size_t i = 1;
	while (i < argc) {
		const char *a = argv[i];
		if (a[0] != '-')
			return i;
		if (listed(gitparse_env_flags, gitparse_nenv_flags, a) ||
		    listed(flag_opts, TG_ARRAY_SIZE(flag_opts), a) ||
		    attached(a))
			i++;
		else if (listed(value_opts, TG_ARRAY_SIZE(value_opts), a) &&
			 i + 1 < argc)
			i += 2;
		else
			return 0;
	}
	return 0;
}

void gitlazy_build(struct policy *p)
{
	memset(p->git_argv_only, 0, sizeof(p->git_argv_only));
	size_t nb = gitcmd_nbuiltins();
	for (size_t b = 0; b < nb && b < 64 * TG_ARRAY_SIZE(p->git_argv_only);
	     b++) {
		const char *cmd = gitcmd_builtin_at(b);
		if (!gitcmd_deprecated(cmd) && !gitcmd_some_versions(cmd) &&
		    !listed(own_events, TG_ARRAY_SIZE(own_events), cmd) &&
		    policy_git_argv_decides(p, cmd))
			p->git_argv_only[b / 64] |= 1ull << (b % 64);
	}
}

int git_op_argv_only(const struct policy *p, const char *const *argv,
		     size_t argc, struct git_op *ret)
{
	if (argc < 2 || !strncmp(tg_basename(argv[0]), "git-", 4))
		return 0;
	size_t i = command_at(argv, argc);
	if (!i)
		return 0;
	const char *cmd = argv[i];
	const char *const *args = argv + i + 1;
	size_t nargs = argc - i - 1;
	int b = gitcmd_builtin_index(cmd);
	if (b < 0 || (size_t)b >= 64 * TG_ARRAY_SIZE(p->git_argv_only) ||
	    !(p->git_argv_only[b / 64] & (1ull << (b % 64))))
		return 0;
	if (nargs && !strcmp(args[0], "--help"))
		return 0; /* resolve: the command is help */
	const struct gitopt *t = gitopt_table(cmd);
	if (t) {
		/* gitevs_opts: only the usage, the event's command is help */
		struct gitopt_result o;
		if (gitopt_parse(t, args, nargs, 0, &o) < 0)
			return -ENOMEM;
		bool usage = o.help && !o.error;
		gitopt_result_free(&o);
		if (usage)
			return 0;
	}
	struct git_event *ev = calloc(1, sizeof(*ev));
	char ***sets = calloc(1, sizeof(*sets));
	char *first = strdup(cmd);
	if (ev)
		ev->command = strdup(cmd);
	if (sets)
		sets[0] = tg_strv_dup(args, nargs);
	if (!ev || !ev->command || !sets || !sets[0] || !first) {
		if (ev)
			free(ev->command);
		free(ev);
		if (sets)
			tg_strv_free(sets[0]);
		free(sets);
		free(first);
		return -ENOMEM;
	}
	ev->args = sets[0];
	ev->nargs = nargs;
	memset(ret, 0, sizeof(*ret));
	ret->ev = ev;
	ret->nev = 1;
	ret->command = first;
	ret->sets_ = sets;
	ret->nsets_ = 1;
	return 1;
}
