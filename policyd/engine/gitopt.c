/* SPDX-License-Identifier: MIT */
/*
 * gitopt: git's parse-options, for the commands whose options change what
 * they do to a remote or to history. The rules are git's: options may come
 * anywhere before "--" or "--end-of-options"; a long option may be
 * abbreviated to any unique prefix ("--del", "--mirro"), two names of one
 * option (OPT_ALIAS) are not ambiguous; "--no-X" negates X and "--X"
 * negates an option named "no-X"; short options bundle ("-qd", "-fu") and
 * one that takes a value takes the rest of the bundle or the next
 * argument; an optional value is only ever attached ("--force-with-lease"
 * never takes the next argument); "-h" alone, "--help" and "--help-all"
 * print usage, and so does an unknown 'h' in a bundle.
 *
 * The tables follow the option arrays of git's builtins (2.39 to 2.5x); an
 * option one git version has and another lacks can only make an abbreviation
 * ambiguous here, which the caller treats as unsure.
 */
#include <errno.h>
#include <string.h>

#include "gitint.h"

#define F(s, l, id)                                                            \
	{                                                                      \
		s, l, GITOPT_FLAG, false, id                                   \
	}
#define FN(s, l, id)                                                           \
	{                                                                      \
		s, l, GITOPT_FLAG, true, id                                    \
	}
#define V(s, l, id)                                                            \
	{                                                                      \
		s, l, GITOPT_VALUE, false, id                                  \
	}
#define VN(s, l, id)                                                           \
	{                                                                      \
		s, l, GITOPT_VALUE, true, id                                   \
	}
#define O(s, l, id)                                                            \
	{                                                                      \
		s, l, GITOPT_OPTARG, false, id                                 \
	}
#define END                                                                    \
	{                                                                      \
		0, NULL, GITOPT_FLAG, false, 0                                 \
	}

/* builtin/push.c */
static const struct gitopt push_opts[] = {
    F('v', "verbose", GO_IGNORE),
    F('q', "quiet", GO_IGNORE),
    V(0, "repo", GO_REPO),
    F(0, "all", GO_ALL),
    F(0, "branches", GO_ALL), /* OPT_ALIAS of --all */
    F(0, "mirror", GO_MIRROR),
    F('d', "delete", GO_DELETE),
    F(0, "tags", GO_TAGS),
    F('n', "dry-run", GO_DRY_RUN),
    F(0, "porcelain", GO_IGNORE),
    F('f', "force", GO_FORCE),
    O(0, "force-with-lease", GO_FORCE_LEASE),
    F(0, "force-if-includes", GO_FORCE_INCLUDES),
    V(0, "recurse-submodules", GO_IGNORE),
    F(0, "thin", GO_IGNORE),
    V(0, "receive-pack", GO_IGNORE),
    V(0, "exec", GO_IGNORE),
    F('u', "set-upstream", GO_IGNORE),
    F(0, "progress", GO_IGNORE),
    F(0, "prune", GO_PRUNE),
    F(0, "no-verify", GO_IGNORE),
    F(0, "follow-tags", GO_IGNORE),
    O(0, "signed", GO_IGNORE),
    F(0, "atomic", GO_IGNORE),
    V('o', "push-option", GO_IGNORE),
    FN('4', "ipv4", GO_IGNORE),
    FN('6', "ipv6", GO_IGNORE),
    END,
};

/* builtin/send-pack.c */
static const struct gitopt send_pack_opts[] = {
    F('v', "verbose", GO_IGNORE),
    F('q', "quiet", GO_IGNORE),
    V(0, "receive-pack", GO_IGNORE),
    V(0, "exec", GO_IGNORE),
    V(0, "remote", GO_REMOTE),
    F(0, "all", GO_ALL),
    F('n', "dry-run", GO_DRY_RUN),
    F(0, "mirror", GO_MIRROR),
    F('f', "force", GO_FORCE),
    O(0, "signed", GO_IGNORE),
    V(0, "push-option", GO_IGNORE),
    F(0, "progress", GO_IGNORE),
    F(0, "thin", GO_IGNORE),
    F(0, "atomic", GO_IGNORE),
    F(0, "stateless-rpc", GO_STATELESS),
    F(0, "stdin", GO_STDIN),
    F(0, "helper-status", GO_HELPER_STATUS),
    O(0, "force-with-lease", GO_FORCE_LEASE),
    F(0, "force-if-includes", GO_FORCE_INCLUDES),
    END,
};

/* builtin/fetch.c (and what pull passes on to it) */
#define FETCH_OPTS                                                             \
	F('v', "verbose", GO_IGNORE), F('q', "quiet", GO_IGNORE),              \
	    F(0, "all", GO_ALL), F(0, "set-upstream", GO_IGNORE),              \
	    F('a', "append", GO_IGNORE), F(0, "atomic", GO_IGNORE),            \
	    V(0, "upload-pack", GO_IGNORE), F('f', "force", GO_FORCE),         \
	    F('t', "tags", GO_TAGS), V('j', "jobs", GO_IGNORE),                \
	    F(0, "prefetch", GO_IGNORE), F('p', "prune", GO_PRUNE),            \
	    F('P', "prune-tags", GO_PRUNE),                                    \
	    O(0, "recurse-submodules", GO_IGNORE),                             \
	    F(0, "dry-run", GO_DRY_RUN), F(0, "porcelain", GO_IGNORE),         \
	    F(0, "write-fetch-head", GO_IGNORE), F('k', "keep", GO_IGNORE),    \
	    F(0, "progress", GO_IGNORE), V(0, "depth", GO_IGNORE),             \
	    V(0, "shallow-since", GO_IGNORE),                                  \
	    V(0, "shallow-exclude", GO_IGNORE), V(0, "deepen", GO_IGNORE),     \
	    FN(0, "unshallow", GO_IGNORE), FN(0, "refetch", GO_IGNORE),        \
	    F(0, "update-shallow", GO_IGNORE), VN(0, "refmap", GO_IGNORE),     \
	    V('o', "server-option", GO_IGNORE), FN('4', "ipv4", GO_IGNORE),    \
	    FN('6', "ipv6", GO_IGNORE),                                        \
	    V(0, "negotiation-restrict", GO_IGNORE),                           \
	    V(0, "negotiation-tip", GO_IGNORE),                                \
	    V(0, "negotiation-include", GO_IGNORE),                            \
	    F(0, "negotiate-only", GO_IGNORE), V(0, "filter", GO_IGNORE),      \
	    F(0, "auto-maintenance", GO_IGNORE), F(0, "auto-gc", GO_IGNORE),   \
	    F(0, "show-forced-updates", GO_IGNORE),                            \
	    F(0, "write-commit-graph", GO_IGNORE), F(0, "stdin", GO_STDIN)

static const struct gitopt fetch_opts[] = {
    FETCH_OPTS,
    F('m', "multiple", GO_MULTIPLE),
    F('u', "update-head-ok", GO_IGNORE),
    V(0, "recurse-submodules-default", GO_IGNORE),
    END,
};

/* builtin/pull.c: its own options, then fetch's */
static const struct gitopt pull_opts[] = {
    O('r', "rebase", GO_IGNORE),
    F('n', "no-stat", GO_IGNORE),
    F(0, "stat", GO_IGNORE),
    O(0, "log", GO_IGNORE),
    O(0, "signoff", GO_IGNORE),
    F(0, "squash", GO_IGNORE),
    F(0, "commit", GO_IGNORE),
    F(0, "edit", GO_IGNORE),
    V(0, "cleanup", GO_IGNORE),
    F(0, "ff", GO_IGNORE),
    F(0, "ff-only", GO_IGNORE),
    F(0, "verify", GO_IGNORE),
    F(0, "verify-signatures", GO_IGNORE),
    F(0, "autostash", GO_IGNORE),
    V('s', "strategy", GO_IGNORE),
    V('X', "strategy-option", GO_IGNORE),
    O('S', "gpg-sign", GO_IGNORE),
    F(0, "allow-unrelated-histories", GO_IGNORE),
    FETCH_OPTS,
    END,
};

/* builtin/clone.c */
static const struct gitopt clone_opts[] = {
    F('v', "verbose", GO_IGNORE),
    F('q', "quiet", GO_IGNORE),
    F(0, "progress", GO_IGNORE),
    F(0, "reject-shallow", GO_IGNORE),
    F('n', "no-checkout", GO_IGNORE),
    F(0, "bare", GO_IGNORE),
    F(0, "mirror", GO_IGNORE),
    F('l', "local", GO_IGNORE),
    F(0, "no-hardlinks", GO_IGNORE),
    F('s', "shared", GO_IGNORE),
    O(0, "recurse-submodules", GO_IGNORE),
    O(0, "recursive", GO_IGNORE),
    V('j', "jobs", GO_IGNORE),
    V(0, "template", GO_TEMPLATE),
    V(0, "reference", GO_IGNORE),
    V(0, "reference-if-able", GO_IGNORE),
    F(0, "dissociate", GO_IGNORE),
    V('o', "origin", GO_REMOTE),
    V('b', "branch", GO_BRANCH),
    V(0, "revision", GO_IGNORE),
    V('u', "upload-pack", GO_IGNORE),
    V(0, "depth", GO_IGNORE),
    V(0, "shallow-since", GO_IGNORE),
    V(0, "shallow-exclude", GO_IGNORE),
    F(0, "single-branch", GO_IGNORE),
    F(0, "tags", GO_IGNORE),
    F(0, "shallow-submodules", GO_IGNORE),
    V(0, "separate-git-dir", GO_IGNORE),
    V(0, "ref-format", GO_IGNORE),
    V('c', "config", GO_NEWREPO_CONFIG),
    V(0, "server-option", GO_IGNORE),
    FN('4', "ipv4", GO_IGNORE),
    FN('6', "ipv6", GO_IGNORE),
    V(0, "filter", GO_IGNORE),
    F(0, "also-filter-submodules", GO_IGNORE),
    F(0, "remote-submodules", GO_IGNORE),
    F(0, "sparse", GO_IGNORE),
    V(0, "bundle-uri", GO_IGNORE),
    END,
};

/* builtin/init-db.c (init, init-db) */
static const struct gitopt init_opts[] = {
    V(0, "template", GO_TEMPLATE),
    F(0, "bare", GO_IGNORE),
    {0, "shared", GITOPT_OPTARG, true, GO_IGNORE},
    F('q', "quiet", GO_IGNORE),
    V(0, "separate-git-dir", GO_IGNORE),
    V('b', "initial-branch", GO_IGNORE),
    V(0, "object-format", GO_IGNORE),
    V(0, "ref-format", GO_IGNORE),
    END,
};

/* builtin/ls-remote.c */
static const struct gitopt ls_remote_opts[] = {
    F('q', "quiet", GO_IGNORE),
    V(0, "upload-pack", GO_IGNORE),
    V(0, "exec", GO_IGNORE),
    F('t', "tags", GO_IGNORE),
    F('b', "branches", GO_IGNORE),
    F('h', "heads", GO_IGNORE),
    F(0, "refs", GO_IGNORE),
    F(0, "get-url", GO_IGNORE),
    V(0, "sort", GO_IGNORE),
    F(0, "symref", GO_IGNORE),
    V('o', "server-option", GO_IGNORE),
    F(0, "exit-code", GO_IGNORE),
    END,
};

/* builtin/reset.c */
static const struct gitopt reset_opts[] = {
    F('q', "quiet", GO_IGNORE),
    F(0, "no-refresh", GO_IGNORE),
    F(0, "mixed", GO_IGNORE),
    F(0, "soft", GO_IGNORE),
    F(0, "hard", GO_HARD),
    F(0, "merge", GO_HARD),
    F(0, "keep", GO_IGNORE),
    O(0, "recurse-submodules", GO_IGNORE),
    F('p', "patch", GO_IGNORE),
    F(0, "auto-advance", GO_IGNORE),
    F('N', "intent-to-add", GO_IGNORE),
    V(0, "pathspec-from-file", GO_IGNORE),
    F(0, "pathspec-file-nul", GO_IGNORE),
    V('U', "unified", GO_IGNORE),
    V(0, "inter-hunk-context", GO_IGNORE),
    END,
};

/* builtin/branch.c */
static const struct gitopt branch_opts[] = {
    F('v', "verbose", GO_IGNORE),
    F('q', "quiet", GO_IGNORE),
    O('t', "track", GO_IGNORE),
    V('u', "set-upstream-to", GO_IGNORE),
    F(0, "unset-upstream", GO_IGNORE),
    F(0, "color", GO_IGNORE),
    F('r', "remotes", GO_IGNORE),
    V(0, "contains", GO_IGNORE),
    V(0, "no-contains", GO_IGNORE),
    V(0, "with", GO_IGNORE),
    V(0, "without", GO_IGNORE),
    O(0, "abbrev", GO_IGNORE),
    F('a', "all", GO_IGNORE),
    F('d', "delete", GO_DELETE),
    F('D', "\001D", GO_FORCE_DELETE),
    F('m', "move", GO_IGNORE),
    F('M', "\001M", GO_FORCE_MOVE),
    F('c', "copy", GO_IGNORE),
    F('C', "\001C", GO_FORCE_MOVE),
    F('l', "list", GO_IGNORE),
    F(0, "show-current", GO_IGNORE),
    F(0, "create-reflog", GO_IGNORE),
    F(0, "edit-description", GO_IGNORE),
    F('f', "force", GO_FORCE),
    O(0, "merged", GO_IGNORE),
    O(0, "no-merged", GO_IGNORE),
    O(0, "column", GO_IGNORE),
    V(0, "sort", GO_IGNORE),
    O(0, "points-at", GO_IGNORE),
    F('i', "ignore-case", GO_IGNORE),
    F(0, "omit-empty", GO_IGNORE),
    V(0, "format", GO_IGNORE),
    F(0, "recurse-submodules", GO_IGNORE),
    END,
};

/* builtin/tag.c */
static const struct gitopt tag_opts[] = {
    O('l', "list", GO_IGNORE),	      O('n', "\001n", GO_IGNORE),
    F('d', "delete", GO_DELETE),      F('v', "verify", GO_IGNORE),
    F('a', "annotate", GO_IGNORE),    V('m', "message", GO_IGNORE),
    V('F', "file", GO_IGNORE),	      F('e', "edit", GO_IGNORE),
    F('s', "sign", GO_IGNORE),	      V(0, "cleanup", GO_IGNORE),
    V('u', "local-user", GO_IGNORE),  F('f', "force", GO_FORCE),
    F(0, "create-reflog", GO_IGNORE), O(0, "column", GO_IGNORE),
    V(0, "contains", GO_IGNORE),      V(0, "no-contains", GO_IGNORE),
    V(0, "with", GO_IGNORE),	      V(0, "without", GO_IGNORE),
    O(0, "merged", GO_IGNORE),	      O(0, "no-merged", GO_IGNORE),
    V(0, "sort", GO_IGNORE),	      O(0, "points-at", GO_IGNORE),
    V(0, "format", GO_IGNORE),	      F(0, "color", GO_IGNORE),
    F('i', "ignore-case", GO_IGNORE), F(0, "omit-empty", GO_IGNORE),
    V(0, "trailer", GO_IGNORE),	      END,
};

/* builtin/checkout.c (checkout and switch) */
static const struct gitopt checkout_opts[] = {
    F('q', "quiet", GO_IGNORE),
    V('b', "\001b", GO_IGNORE),
    V('B', "\001B", GO_FORCE_CREATE),
    F('l', "\001l", GO_IGNORE),
    F(0, "detach", GO_IGNORE),
    O('t', "track", GO_IGNORE),
    V(0, "orphan", GO_IGNORE),
    F('f', "force", GO_FORCE),
    F('m', "merge", GO_IGNORE),
    V(0, "conflict", GO_IGNORE),
    F('p', "patch", GO_IGNORE),
    F(0, "ignore-skip-worktree-bits", GO_IGNORE),
    F(0, "ignore-other-worktrees", GO_IGNORE),
    F(0, "overwrite-ignore", GO_IGNORE),
    F(0, "guess", GO_IGNORE),
    F(0, "overlay", GO_IGNORE),
    F(0, "progress", GO_IGNORE),
    O(0, "recurse-submodules", GO_IGNORE),
    F('2', "ours", GO_IGNORE),
    F('3', "theirs", GO_IGNORE),
    V(0, "pathspec-from-file", GO_IGNORE),
    F(0, "pathspec-file-nul", GO_IGNORE),
    V('U', "unified", GO_IGNORE),
    V(0, "inter-hunk-context", GO_IGNORE),
    F(0, "auto-advance", GO_IGNORE),
    END,
};

static const struct gitopt switch_opts[] = {
    F('q', "quiet", GO_IGNORE),
    V('c', "create", GO_IGNORE),
    V('C', "force-create", GO_FORCE_CREATE),
    F(0, "detach", GO_IGNORE),
    O('t', "track", GO_IGNORE),
    V(0, "orphan", GO_IGNORE),
    F('f', "force", GO_FORCE),
    F(0, "discard-changes", GO_FORCE),
    F('m', "merge", GO_IGNORE),
    V(0, "conflict", GO_IGNORE),
    F(0, "ignore-other-worktrees", GO_IGNORE),
    F(0, "guess", GO_IGNORE),
    F(0, "progress", GO_IGNORE),
    O(0, "recurse-submodules", GO_IGNORE),
    END,
};

/* builtin/clean.c */
static const struct gitopt clean_opts[] = {
    F('q', "quiet", GO_IGNORE),
    F('n', "dry-run", GO_DRY_RUN),
    F('f', "force", GO_FORCE),
    F('i', "interactive", GO_IGNORE),
    F('d', "\001d", GO_IGNORE),
    V('e', "exclude", GO_IGNORE),
    F('x', "\001x", GO_IGNORE),
    F('X', "\001X", GO_IGNORE),
    END,
};

/* builtin/config.c of git 2.39 (parsed with PARSE_OPT_STOP_AT_NON_OPTION):
 * the actions are OPT_BIT (negatable: --no-add clears the bit), the types
 * OPT_CALLBACK_VALUE (not negatable) */
static const struct gitopt config_opts[] = {
    F(0, "global", GO_IGNORE),
    F(0, "system", GO_IGNORE),
    F(0, "local", GO_IGNORE),
    F(0, "worktree", GO_IGNORE),
    V('f', "file", GO_IGNORE),
    V(0, "blob", GO_IGNORE),
    F(0, "get", GO_CFG_GET),
    F(0, "get-all", GO_CFG_GET_ALL),
    F(0, "get-regexp", GO_CFG_GET_REGEXP),
    F(0, "get-urlmatch", GO_CFG_GET_URLMATCH),
    F(0, "replace-all", GO_CFG_REPLACE_ALL),
    F(0, "add", GO_CFG_ADD),
    F(0, "unset", GO_CFG_UNSET),
    F(0, "unset-all", GO_CFG_UNSET_ALL),
    F(0, "rename-section", GO_CFG_RENAME_SECTION),
    F(0, "remove-section", GO_CFG_REMOVE_SECTION),
    F('l', "list", GO_CFG_LIST),
    F(0, "fixed-value", GO_IGNORE),
    F('e', "edit", GO_CFG_EDIT),
    F(0, "get-color", GO_CFG_GET_COLOR),
    F(0, "get-colorbool", GO_CFG_GET_COLORBOOL),
    V('t', "type", GO_IGNORE),
    FN(0, "bool", GO_IGNORE),
    FN(0, "int", GO_IGNORE),
    FN(0, "bool-or-int", GO_IGNORE),
    FN(0, "bool-or-str", GO_IGNORE),
    FN(0, "path", GO_IGNORE),
    FN(0, "expiry-date", GO_IGNORE),
    F('z', "null", GO_IGNORE),
    F(0, "name-only", GO_IGNORE),
    F(0, "includes", GO_IGNORE),
    F(0, "show-origin", GO_IGNORE),
    F(0, "show-scope", GO_IGNORE),
    V(0, "default", GO_IGNORE),
    END,
};

#undef F
#undef FN
#undef V
#undef VN
#undef O
#undef END

const struct gitopt *gitopt_table(const char *command)
{
	static const struct {
		const char *name;
		const struct gitopt *t;
	} tables[] = {
	    {"push", push_opts},     {"send-pack", send_pack_opts},
	    {"fetch", fetch_opts},   {"pull", pull_opts},
	    {"clone", clone_opts},   {"ls-remote", ls_remote_opts},
	    {"reset", reset_opts},   {"branch", branch_opts},
	    {"tag", tag_opts},	     {"checkout", checkout_opts},
	    {"switch", switch_opts}, {"clean", clean_opts},
	    {"config", config_opts}, {"init", init_opts},
	    {"init-db", init_opts},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(tables); i++)
		if (!strcmp(tables[i].name, command))
			return tables[i].t;
	return NULL;
}

/* A long name starting with '\001' stands for "short option only". */
static const char *long_of(const struct gitopt *o)
{
	return o->long_name && o->long_name[0] != '\001' ? o->long_name : NULL;
}

static bool table_end(const struct gitopt *o)
{
	return !o->short_name && !o->long_name;
}

struct state {
	const char *const *args;
	size_t nargs, i;
	struct gitopt_result *r;
	const char *opt; /* attached value, or the rest of a short bundle */
	bool oom;
};

static void hit(struct state *s, const struct gitopt *o, bool unset,
		const char *value)
{
	struct gitopt_result *r = s->r;
	struct gitopt_hit *nh =
	    realloc(r->hits, (r->nhits + 1) * sizeof(*r->hits));
	if (!nh) {
		s->oom = true;
		return;
	}
	r->hits = nh;
	r->hits[r->nhits++] = (struct gitopt_hit){o->id, unset, value};
}

/* get_value: takes the option's value if it has one; false on an error
 * git reports (a value where none is taken, a missing value). */
static bool get_value(struct state *s, const struct gitopt *o, bool unset,
		      bool is_short)
{
	if (unset && s->opt)
		return false;
	if (unset && o->noneg)
		return false;
	switch (o->kind) {
	case GITOPT_FLAG:
		if (!is_short && s->opt)
			return false;
		hit(s, o, unset, NULL);
		return true;
	case GITOPT_OPTARG: {
		const char *v = unset ? NULL : s->opt;
		s->opt = NULL;
		hit(s, o, unset, v);
		return true;
	}
	case GITOPT_VALUE:
		if (unset) {
			hit(s, o, true, NULL);
			return true;
		}
		if (s->opt) {
			hit(s, o, false, s->opt);
			s->opt = NULL;
			return true;
		}
		if (s->i + 1 < s->nargs) {
			hit(s, o, false, s->args[++s->i]);
			return true;
		}
		return false;
	default:
		return false;
	}
}

enum { R_OK_, R_ERROR, R_UNKNOWN, R_HELP };

static bool same_option(const struct gitopt *a, const struct gitopt *b)
{
	/* OPT_ALIAS: two names of one option are not ambiguous */
	return a->id == b->id && a->kind == b->kind && a->id != GO_IGNORE;
}

/* parse_long_opt */
static int parse_long(struct state *s, const struct gitopt *t, const char *arg)
{
	const char *arg_end = arg + strcspn(arg, "=");
	const char *start = arg;
	bool unset = false, no_no = false;
	if (!strncmp(start, "no-", 3)) {
		start += 3;
		if (!strncmp(start, "no-", 3)) {
			start += 3;
			no_no = true;
		} else {
			unset = true;
		}
	}
	const struct gitopt *abbrev = NULL, *ambiguous = NULL;
	bool abbrev_unset = false, abbrev_ambiguous_flags = false;
	for (const struct gitopt *o = t; !table_end(o); o++) {
		const char *name = long_of(o);
		if (!name)
			continue;
		bool opt_unset = false;
		bool allow_unset = !o->noneg;
		if (!strncmp(name, "no-", 3)) {
			name += 3;
			opt_unset = true;
		} else if (no_no) {
			continue;
		}
		bool eff = unset != opt_unset;
		if (eff && !allow_unset)
			continue;
		size_t nl = strlen(name);
		if (!strncmp(start, name, nl)) {
			const char *rest = start + nl;
			if (*rest == '=')
				s->opt = rest + 1;
			else if (*rest)
				continue;
			return get_value(s, o, eff, false) ? R_OK_ : R_ERROR;
		}
		size_t al = (size_t)(arg_end - start);
		if (arg_end >= start && !strncmp(name, start, al)) {
			if (abbrev &&
			    !(abbrev_unset == eff && same_option(abbrev, o))) {
				ambiguous = abbrev;
				abbrev_ambiguous_flags = true;
			}
			abbrev = o;
			abbrev_unset = eff;
		}
		/* "--n", "--no", "--no-": every negatable option */
		if (allow_unset && !strncmp("no-", arg, strlen(arg))) {
			bool e2 = !opt_unset;
			if (abbrev &&
			    !(abbrev_unset == e2 && same_option(abbrev, o))) {
				ambiguous = abbrev;
				abbrev_ambiguous_flags = true;
			}
			abbrev = o;
			abbrev_unset = e2;
		}
	}
	(void)abbrev_ambiguous_flags;
	if (ambiguous)
		return R_ERROR;
	if (abbrev) {
		if (*arg_end)
			s->opt = arg_end + 1;
		return get_value(s, abbrev, abbrev_unset, false) ? R_OK_
								 : R_ERROR;
	}
	return R_UNKNOWN;
}

/* parse_short_opt, for one character at s->opt */
static int parse_short(struct state *s, const struct gitopt *t)
{
	char c = *s->opt;
	for (const struct gitopt *o = t; !table_end(o); o++) {
		if (o->short_name && o->short_name == c) {
			s->opt = s->opt[1] ? s->opt + 1 : NULL;
			return get_value(s, o, false, true) ? R_OK_ : R_ERROR;
		}
	}
	return R_UNKNOWN;
}

static int add_arg(struct state *s, const char *a)
{
	struct gitopt_result *r = s->r;
	const char **na = realloc(r->args, (r->nargs + 1) * sizeof(*r->args));
	if (!na)
		return -ENOMEM;
	r->args = na;
	r->args[r->nargs++] = a;
	return 0;
}

int gitopt_parse(const struct gitopt *table, const char *const *args,
		 size_t nargs, unsigned flags, struct gitopt_result *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct state s = {.args = args, .nargs = nargs, .r = ret};
	for (s.i = 0; s.i < nargs && !s.oom; s.i++) {
		const char *a = args[s.i];
		s.opt = NULL;
		if (a[0] != '-' || !a[1]) {
			if (flags & GITOPT_STOP_AT_NON_OPTION) {
				/* this and everything after it */
				for (; s.i < nargs; s.i++)
					if (add_arg(&s, args[s.i]) < 0)
						goto oom;
				break;
			}
			if (add_arg(&s, a) < 0)
				goto oom;
			continue;
		}
		if (nargs == 1 && !strcmp(a, "-h")) {
			ret->help = true;
			continue;
		}
		int r;
		if (a[1] != '-') {
			s.opt = a + 1;
			r = parse_short(&s, table);
			while (r == R_OK_ && s.opt)
				r = parse_short(&s, table);
			if (r == R_UNKNOWN && s.opt && *s.opt == 'h')
				r = R_HELP;
		} else if (!a[2] || !strcmp(a + 2, "end-of-options")) {
			for (s.i++; s.i < nargs; s.i++)
				if (add_arg(&s, args[s.i]) < 0)
					goto oom;
			break;
		} else if (!strcmp(a + 2, "help") ||
			   !strcmp(a + 2, "help-all")) {
			r = R_HELP;
		} else {
			r = parse_long(&s, table, a + 2);
		}
		if (r == R_HELP)
			ret->help = true;
		else if (r != R_OK_)
			ret->error = true;
	}
	if (s.oom)
		goto oom;
	return 0;
oom:
	gitopt_result_free(ret);
	return -ENOMEM;
}

void gitopt_result_free(struct gitopt_result *r)
{
	free(r->hits);
	free(r->args);
	memset(r, 0, sizeof(*r));
}
