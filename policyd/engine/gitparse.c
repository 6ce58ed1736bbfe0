/* SPDX-License-Identifier: MIT */
/*
 * gitparse: argv to a struct git_op, the way git.c runs a command:
 * argv[0] "git-CMD" runs the builtin CMD; otherwise the global options
 * (handle_options), then the command: a builtin runs; any other name may
 * be a program git-NAME in git's exec path or PATH, or an alias (an alias
 * cannot shadow a builtin; a program shadows an alias, and tiergate does
 * not look at PATH, so both are readings); an alias's own -c and
 * --config-env apply to what it expands to; "!" aliases run a shell; an
 * unknown name may be autocorrected (help.autocorrect). Each reading then
 * gives its events (gitpush.c, gitlocal.c).
 */
#include <errno.h>
#include <string.h>

#include "gitint.h"
#include "gitremote.h"

/* command-list.txt's common commands: a prefix of one is never
 * autocorrected */
static const char *const common_cmds[] = {
    "add",  "bisect", "branch", "checkout", "clone", "commit",
    "diff", "fetch",  "grep",	"init",	    "log",   "merge",
    "mv",   "pull",   "push",	"rebase",   "reset", "restore",
    "rm",   "show",   "status", "switch",   "tag",
};

static bool in_list(const char *const *l, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return true;
	return false;
}

/* ---------------------------------------------------------- the context */

struct pstate {
	struct gitfs fs;
	char cwd[TG_PATH_MAX];
	const char *git_dir_opt; /* --git-dir, --bare */
	char bare_dir[TG_PATH_MAX];
	struct gitcfg_cmdline cmdline; /* -c, --config-env, as key=value */
	struct gitrepo repo;
	struct gitevs *out;
	const struct git_ctx *ctx;
	size_t readings;
	bool helper;
	char first_cmd[256]; /* the command as typed, of the first reading */
};

static int cmdline_push(struct gitcfg_cmdline *c, const char *kv)
{
	return tg_strv_push(&c->v, &c->n, kv, false);
}

static void cmdline_free(struct gitcfg_cmdline *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* --config-env=KEY=ENVVAR: the last '=' splits; the variable must exist */
static int config_env(struct pstate *s, struct gitcfg_cmdline *c,
		      const char *spec)
{
	const char *eq = strrchr(spec, '=');
	const char *val = eq && eq[1] ? gitfs_getenv(&s->fs, eq + 1) : NULL;
	if (!val) {
		gitevs_unsure(s->out, "--config-env names no variable");
		return 0;
	}
	if (memchr(spec, '=', (size_t)(eq - spec))) {
		/* git splits at the last '=', the key keeps the others; the
		 * "key=value" text below would be split at the first */
		gitevs_unsure(s->out, "--config-env with '=' in its key");
		return 0;
	}
	struct strbuf b = {0};
	strbuf_append(&b, spec, (size_t)(eq - spec));
	strbuf_putc(&b, '=');
	strbuf_puts(&b, val);
	int r = b.oom ? -ENOMEM : cmdline_push(c, b.s);
	strbuf_free(&b);
	return r;
}

/* -C DIR: relative to where git is, resolved as chdir does */
static void change_dir(struct pstate *s, const char *d)
{
	if (!*d)
		return;
	char tmp[TG_PATH_MAX], real[TG_PATH_MAX];
	if (tg_path_normalize(s->cwd, d, tmp, sizeof(tmp)) < 0) {
		gitevs_unsure(s->out, "-C path too long");
		return;
	}
	/* the kernel walks ".." after a symlink from its target */
	char joined[TG_PATH_MAX * 2];
	snprintf(joined, sizeof(joined), "%s/%s", s->cwd, d);
	if (gitfs_realpath(&s->fs, d[0] == '/' ? d : joined, real,
			   sizeof(real)) == 0)
		tg_strlcpy(s->cwd, sizeof(s->cwd), real);
	else
		tg_strlcpy(s->cwd, sizeof(s->cwd), tmp);
}

const char *const gitparse_env_flags[] = {"-P",
					  "--no-pager",
					  "--no-lazy-fetch",
					  "--no-replace-objects",
					  "--literal-pathspecs",
					  "--no-literal-pathspecs",
					  "--glob-pathspecs",
					  "--noglob-pathspecs",
					  "--icase-pathspecs",
					  "--no-optional-locks",
					  "--no-advice"};
const size_t gitparse_nenv_flags = TG_ARRAY_SIZE(gitparse_env_flags);

enum gopt { GOPT_DONE, GOPT_NEXT, GOPT_ENV_CHANGE };

/* handle_options for one option at args[*i]. GOPT_ENV_CHANGE: an option
 * an alias may not use (git dies); it is applied only when apply_env. */
static enum gopt global_opt(struct pstate *s, struct gitcfg_cmdline *c,
			    const char *const *args, size_t n, size_t *i,
			    bool apply_env)
{
	const char *a = args[*i];
	const char *next = *i + 1 < n ? args[*i + 1] : NULL;
	if (a[0] != '-' || !strcmp(a, "--help") || !strcmp(a, "-h") ||
	    !strcmp(a, "--version") || !strcmp(a, "-v"))
		return GOPT_DONE;
#define TAKE(dst)                                                              \
	do {                                                                   \
		if (!next) {                                                   \
			gitevs_unsure(s->out, "global option without value");  \
			return GOPT_NEXT;                                      \
		}                                                              \
		(*i)++;                                                        \
		dst = next;                                                    \
	} while (0)
	const char *v = NULL;
	if (!strcmp(a, "-C")) {
		TAKE(v);
		if (apply_env)
			change_dir(s, v);
		return GOPT_ENV_CHANGE;
	}
	if (!strcmp(a, "-c")) {
		TAKE(v);
		if (cmdline_push(c, v) < 0)
			s->out->oom = true;
		return GOPT_NEXT;
	}
	if (!strcmp(a, "--config-env") || !strncmp(a, "--config-env=", 13)) {
		if (a[12] == '=')
			v = a + 13;
		else
			TAKE(v);
		if (config_env(s, c, v) < 0)
			s->out->oom = true;
		return GOPT_NEXT;
	}
	if (!strcmp(a, "--git-dir") || !strncmp(a, "--git-dir=", 10)) {
		if (a[9] == '=')
			v = a + 10;
		else
			TAKE(v);
		if (apply_env)
			s->git_dir_opt = v;
		return GOPT_ENV_CHANGE;
	}
	if (!strcmp(a, "--work-tree") || !strncmp(a, "--work-tree=", 12)) {
		if (a[11] == '=')
			v = a + 12;
		else
			TAKE(v);
		(void)v; /* the work tree: no decision depends on it */
		return GOPT_ENV_CHANGE;
	}
	if (!strcmp(a, "--namespace") || !strcmp(a, "--shallow-file") ||
	    !strcmp(a, "--attr-source")) {
		TAKE(v);
		return GOPT_ENV_CHANGE;
	}
	if (!strcmp(a, "--bare")) {
		/* setenv(GIT_DIR, cwd, 0): only when none is set */
		if (apply_env && !s->git_dir_opt &&
		    !gitfs_getenv(&s->fs, "GIT_DIR")) {
			tg_strlcpy(s->bare_dir, sizeof(s->bare_dir), s->cwd);
			s->git_dir_opt = s->bare_dir;
		}
		return GOPT_ENV_CHANGE;
	}
#undef TAKE
	if (in_list(gitparse_env_flags, gitparse_nenv_flags, a) ||
	    !strncmp(a, "--namespace=", 12) ||
	    !strncmp(a, "--attr-source=", 14))
		return GOPT_ENV_CHANGE;
	if (!strcmp(a, "-p") || !strcmp(a, "--paginate") ||
	    !strncmp(a, "--exec-path=", 12))
		return GOPT_NEXT;
	if (!strcmp(a, "--exec-path") || !strcmp(a, "--html-path") ||
	    !strcmp(a, "--man-path") || !strcmp(a, "--info-path") ||
	    !strncmp(a, "--list-cmds=", 12))
		return GOPT_DONE; /* prints and exits: the caller sees help */
	gitevs_unsure(s->out, "a global option git does not know");
	return GOPT_NEXT;
}

/* ---------------------------------------------------------- aliases */

/* alias_lookup: alias.NAME (case-insensitive) or [alias "NAME"] command
 * (newer git), the last one set. *found false when none. */
static const char *alias_lookup(const struct gitcfg *c, const char *name,
				bool *found)
{
	const char *val = NULL;
	*found = false;
	size_t nl = strlen(name);
	for (size_t i = 0; i < c->n; i++) {
		const char *k = c->v[i].key;
		if (strncmp(k, "alias.", 6))
			continue;
		const char *rest = k + 6, *dot = strrchr(rest, '.');
		bool match;
		if (dot && !strcmp(dot, ".command") && dot > rest)
			/* a subsection: case-sensitive */
			match = (size_t)(dot - rest) == nl &&
				!strncmp(rest, name, nl);
		else
			match = !strcasecmp(rest, name);
		/* git 2.39 reads [alias "x"] command as alias "x.command" */
		if (!match && dot && !strcasecmp(rest, name))
			match = true;
		if (match) {
			*found = true;
			val = c->v[i].value; /* NULL: git dies (nonbool) */
		}
	}
	return val;
}

/* split_cmdline: whitespace splits, '...' and "..." quote, a backslash
 * escapes outside single quotes; leading or trailing space gives an empty
 * word, as in git. -1 on an unclosed quote or a trailing backslash. */
static int split_cmdline(const char *s, char ***ret, size_t *ret_n)
{
	char **v = NULL;
	size_t n = 0;
	struct strbuf w = {0};
	char quoted = 0;
	int r = 0;
	strbuf_puts(&w, "");
	for (const char *p = s; *p;) {
		char c = *p;
		if (!quoted && git_isspace((unsigned char)c)) {
			if ((r = tg_strv_push(&v, &n, w.s, false)) < 0)
				break;
			w.len = 0;
			w.s[0] = '\0';
			while (*++p && git_isspace((unsigned char)*p))
				;
			continue;
		}
		if (!quoted && (c == '\'' || c == '"')) {
			quoted = c;
		} else if (c == quoted) {
			quoted = 0;
		} else {
			if (c == '\\' && quoted != '\'') {
				c = *++p;
				if (!c) {
					r = -1;
					break;
				}
			}
			strbuf_putc(&w, c);
		}
		p++;
	}
	if (!r && quoted)
		r = -1;
	if (!r && !w.oom)
		r = tg_strv_push(&v, &n, w.s, false);
	if (w.oom)
		r = -ENOMEM;
	strbuf_free(&w);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* levenshtein(a, b, 0, 2, 1, 3): swap 0, substitution 2, insertion 1,
 * deletion 3, as help.c weighs them */
static unsigned lev(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 1000;
	unsigned r0[65], r1[65], r2[65];
	for (size_t j = 0; j <= lb; j++)
		r1[j] = (unsigned)j;
	for (size_t i = 0; i < la; i++) {
		r2[0] = (unsigned)(i + 1) * 3;
		for (size_t j = 0; j < lb; j++) {
			unsigned v = r1[j] + 2 * (a[i] != b[j]);
			if (i > 0 && j > 0 && a[i - 1] == b[j] &&
			    a[i] == b[j - 1] && v > r0[j - 1])
				v = r0[j - 1];
			if (v > r1[j + 1] + 3)
				v = r1[j + 1] + 3;
			if (v > r2[j] + 1)
				v = r2[j] + 1;
			r2[j + 1] = v;
		}
		memcpy(r0, r1, sizeof(r0));
		memcpy(r1, r2, sizeof(r1));
	}
	return r1[lb];
}

/* help.autocorrect: would git run a guess for an unknown command? */
static bool autocorrect_on(struct pstate *s, const struct gitcfg *c)
{
	const char *v = NULL;
	if (!gitcfg_last(c, "help.autocorrect", &v))
		return false;
	int b = gitcfg_bool_text(v);
	if (b == 1)
		return true;
	if (b == 0 || !strcmp(v, "never") || !strcmp(v, "show"))
		return false;
	if (!strcmp(v, "prompt") || !strcmp(v, "immediate"))
		return true; /* prompt: tiergate cannot tell if a tty answers */
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || end == v) {
		gitevs_unsure(s->out, "bad help.autocorrect");
		return false;
	}
	return n != 0;
}

/* The commands an unknown one may be corrected to (help_unknown_cmd, over
 * the builtins and the aliases: programs in PATH are execs of their own).
 * Every one at the best distance: a tie makes git refuse, a reading too
 * many only makes the decision stricter. */
static int autocorrect(const struct gitcfg *c, const char *cmd, char ***ret,
		       size_t *ret_n)
{
	for (size_t i = 0; i < TG_ARRAY_SIZE(common_cmds); i++)
		if (!strncmp(common_cmds[i], cmd, strlen(cmd)))
			return 0; /* a prefix of a common command: no guess */
	unsigned best = 7;	  /* SIMILARITY_FLOOR */
	char **v = NULL;
	size_t n = 0;
	const size_t nb = gitcmd_nbuiltins();
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nb + c->n; i++) {
			const char *cand;
			if (i < nb) {
				cand = gitcmd_builtin_at(i);
			} else {
				const char *k = c->v[i - nb].key;
				if (strncmp(k, "alias.", 6))
					continue;
				cand = k + 6;
			}
			if (!strcmp(cand, cmd))
				continue; /* a builtin of other versions */
			unsigned d = lev(cmd, cand) + 1;
			if (pass == 0 && d < best)
				best = d;
			else if (pass == 1 && d == best &&
				 tg_strv_push(&v, &n, cand, true) < 0)
				return -ENOMEM;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---------------------------------------------------------- readings */

static void events_for(struct pstate *s, const struct gitcfg *cfg,
		       const char *cmd, const char *const *args, size_t nargs);

struct chain {
	char **seen; /* aliases expanded so far */
	size_t nseen;
	int steps;
	bool corrected;
};

static void resolve(struct pstate *s, const struct gitcfg_cmdline *cl,
		    const struct gitcfg *cfg, char **args, size_t nargs,
		    struct chain *ch);

/* Loads the config a reading with command-line config cl sees (early:
 * what git's read_early_config sees, for aliases and autocorrection). */
static void with_config(struct pstate *s, const struct gitcfg_cmdline *cl,
			struct gitcfg *ret, bool early)
{
	memset(ret, 0, sizeof(*ret));
	if (gitcfg_load(ret, &s->fs, &s->repo, cl, early) < 0)
		s->out->oom = true;
	if (ret->unsure)
		gitevs_unsure(s->out, ret->why);
}

/* An alias: its words (with their own global options) then the rest. */
static void expand_alias(struct pstate *s, const struct gitcfg_cmdline *cl,
			 const struct gitcfg *cfg, const char *name,
			 const char *val, char **args, size_t nargs,
			 struct chain *ch)
{
	if (val && val[0] == '!') {
		struct git_event *ev = gitevs_add(s->out, name);
		size_t from = s->out->n - (ev ? 1 : 0);
		if (ev)
			ev->shell_alias = true;
		gitevs_args(s->out, from, (const char *const *)args + 1,
			    nargs - 1);
		return;
	}
	char **w = NULL;
	size_t nw = 0;
	if (!val || split_cmdline(val, &w, &nw) < 0) {
		gitevs_unsure(s->out, "alias git cannot expand");
		return;
	}
	struct gitcfg_cmdline ncl = {0};
	for (size_t i = 0; i < cl->n; i++)
		if (cmdline_push(&ncl, cl->v[i]) < 0)
			s->out->oom = true;
	size_t i = 0;
	bool env_change = false;
	while (i < nw && !s->out->oom) {
		enum gopt g =
		    global_opt(s, &ncl, (const char *const *)w, nw, &i, false);
		if (g == GOPT_DONE)
			break;
		env_change |= g == GOPT_ENV_CHANGE;
		i++;
	}
	/* the new argv: the alias's words, then what followed the name */
	char **na = NULL;
	size_t nn = 0;
	for (size_t k = i; k < nw; k++)
		if (tg_strv_push(&na, &nn, w[k], false) < 0)
			s->out->oom = true;
	for (size_t k = 1; k < nargs; k++)
		if (tg_strv_push(&na, &nn, args[k], false) < 0)
			s->out->oom = true;
	bool loop =
	    nn && (!strcmp(na[0], name) ||
		   in_list((const char *const *)ch->seen, ch->nseen, na[0]));
	if (env_change)
		; /* git: "alias changes environment variables": dies */
	else if (!nn || loop)
		; /* git: empty alias, recursive alias: dies */
	else if (tg_strv_push(&ch->seen, &ch->nseen, name, false) < 0)
		s->out->oom = true;
	else if (ncl.n == cl->n) /* no -c of its own: the same config */
		resolve(s, cl, cfg, na, nn, ch);
	else {
		struct gitcfg ncfg;
		with_config(s, &ncl, &ncfg, false);
		resolve(s, &ncl, &ncfg, na, nn, ch);
		gitcfg_free(&ncfg);
	}
	for (size_t k = 0; k < nn; k++)
		free(na[k]);
	free(na);
	for (size_t k = 0; k < nw; k++)
		free(w[k]);
	free(w);
	cmdline_free(&ncl);
}

/* run_argv for args[0] under cfg (the config command-line config cl
 * gives): every command git may end up running. */
static void resolve(struct pstate *s, const struct gitcfg_cmdline *cl,
		    const struct gitcfg *cfg, char **args, size_t nargs,
		    struct chain *ch)
{
	if (s->out->oom)
		return;
	if (++ch->steps > GIT_ALIAS_STEPS_MAX ||
	    ++s->readings > GIT_READINGS_MAX) {
		gitevs_unsure(s->out, "too many alias expansions");
		return;
	}
	const char *cmd = args[0];
	if (nargs > 1 && !strcmp(args[1], "--help")) {
		events_for(s, cfg, "help", (const char *const *)args + 1,
			   nargs - 1);
		return;
	}
	bool dep = gitcmd_deprecated(cmd);
	/* a builtin of some git versions only: in the others, what an
	 * unknown name is (an alias, a program, an autocorrection) too */
	bool some = gitcmd_some_versions(cmd);
	bool builtin = gitcmd_builtin(cmd);
	if (builtin && !dep && !some) {
		events_for(s, cfg, cmd, (const char *const *)args + 1,
			   nargs - 1);
		return;
	}
	/* git looks aliases (and help.autocorrect) up in its early config,
	 * before the repository is set up: an alias set only under
	 * includeIf "onbranch:" or in config.worktree is no alias to it, and
	 * one overridden there keeps its value (git 2.39.5, checked) */
	struct gitcfg ecfg;
	with_config(s, cl, &ecfg, true);
	bool found;
	const char *val = alias_lookup(&ecfg, cmd, &found);
	/* a program git-CMD (or a deprecated builtin), unless an alias of
	 * that name is all git can find */
	bool as_program = dep || some || !found ||
			  gitcmd_program_may_exist(&s->fs, s->ctx, cmd);
	if (as_program)
		events_for(s, cfg, cmd, (const char *const *)args + 1,
			   nargs - 1);
	if (found) {
		size_t before = s->out->n;
		expand_alias(s, cl, cfg, cmd, val, args, nargs, ch);
		/* an alias git refuses to expand (git stops): the name
		 * stays a reading, never none */
		if (!as_program && s->out->n == before)
			events_for(s, cfg, cmd, (const char *const *)args + 1,
				   nargs - 1);
	} else if (!dep && !ch->corrected && autocorrect_on(s, &ecfg)) {
		char **cands = NULL;
		size_t nc = 0;
		if (autocorrect(&ecfg, cmd, &cands, &nc) < 0)
			s->out->oom = true;
		for (size_t i = 0; i < nc; i++) {
			struct chain sub = *ch;
			sub.corrected = true;
			char *saved = args[0];
			args[0] = cands[i];
			resolve(s, cl, cfg, args, nargs, &sub);
			args[0] = saved;
			ch->steps = sub.steps;
			ch->seen = sub.seen;
			ch->nseen = sub.nseen;
		}
		for (size_t i = 0; i < nc; i++)
			free(cands[i]);
		free(cands);
	}
	gitcfg_free(&ecfg);
}

/* ------------------------------------------------------------ events */

/* commands that send objects or ref updates to a remote without being
 * `git push`, by their subcommand */
static bool pushes_elsewhere(const char *cmd, const char *const *args,
			     size_t nargs)
{
	const char *sub = NULL;
	for (size_t i = 0; i < nargs && !sub; i++)
		if (args[i][0] != '-')
			sub = args[i];
	if (!strcmp(cmd, "svn"))
		return sub &&
		       (!strcmp(sub, "dcommit") || !strcmp(sub, "set-tree") ||
			!strcmp(sub, "branch") || !strcmp(sub, "tag"));
	if (!strcmp(cmd, "p4"))
		return sub && !strcmp(sub, "submit");
	if (!strcmp(cmd, "lfs"))
		return sub && !strcmp(sub, "push");
	if (!strcmp(cmd, "cvsexportcommit"))
		return in_list(args, nargs, "-c");
	return false;
}

static void foreign_push(struct pstate *s, const struct gitcfg *cfg,
			 const char *cmd)
{
	struct git_event *ev = gitevs_add(s->out, "push");
	if (!ev)
		return;
	ev->all_branches = true;
	const char *url = NULL;
	if (!strcmp(cmd, "svn") && gitcfg_last(cfg, "svn-remote.svn.url", &url))
		gitevs_set(s->out, &ev->remote_url, url);
	gitevs_set(s->out, &ev->remote, cmd);
}

static bool is_push_family(const char *cmd)
{
	return !strcmp(cmd, "push") || !strcmp(cmd, "send-pack") ||
	       !strcmp(cmd, "http-push") || !strcmp(cmd, "remote-ext") ||
	       !strcmp(cmd, "remote-fd");
}

/* The events of one reading: cmd with args, under cfg. */
static void events_for(struct pstate *s, const struct gitcfg *cfg,
		       const char *cmd, const char *const *args, size_t nargs)
{
	size_t from = s->out->n;
	if (!s->first_cmd[0])
		tg_strlcpy(s->first_cmd, sizeof(s->first_cmd), cmd);
	struct gitread rd = {&s->fs, &s->repo, cfg, s->cwd, cmd, args, nargs};
	if (is_push_family(cmd)) {
		gitpush_events(&rd, s->out);
		bool stateless = in_list(args, nargs, "--stateless-rpc") ||
				 in_list(args, nargs, "--helper-status");
		if (stateless || !strncmp(cmd, "remote-", 7))
			s->helper = true;
	} else if (pushes_elsewhere(cmd, args, nargs)) {
		foreign_push(s, cfg, cmd);
	} else if (!strcmp(cmd, "config")) {
		gitcfgset_events(&rd, s->out);
	} else if (!strcmp(cmd, "init") || !strcmp(cmd, "init-db")) {
		gitnewrepo_init_events(&rd, s->out);
	} else {
		gitlocal_events(&rd, s->out);
	}
	/* unsure is cumulative: what made one reading unsure (a global
	 * option, the config) may bear on every other */
	bool unsure = s->out->unsure || cfg->unsure || s->repo.unsure;
	if (unsure) {
		gitevs_unsure(s->out, cfg->unsure ? cfg->why : "repository");
		/* what is known stays; the rest is the worst */
		for (size_t i = from; i < s->out->n; i++) {
			struct git_event *ev = &s->out->v[i];
			ev->all_branches = ev->force = ev->delete_refs = true;
		}
		if (s->out->n > from &&
		    !strcmp(s->out->v[from].command, "push")) {
			/* and a destination not known */
			struct git_event *ev = gitevs_add(s->out, "push");
			if (ev)
				ev->all_branches = ev->force = ev->delete_refs =
				    true;
		}
	}
	if (s->out->n == from)
		gitevs_add(s->out, cmd);
	gitevs_args(s->out, from, args, nargs);
}

/* ------------------------------------------------------------ the entry */

static void parse_all(struct pstate *s, const char *const *argv, size_t argc)
{
	const char *a0 = argc ? tg_basename(argv[0]) : "git";
	if (!strncmp(a0, "git-", 4)) {
		/* "git-xxxx" is "git xxxx" with no options or aliases */
		gitrepo_discover(&s->fs, s->cwd, NULL, &s->repo);
		struct gitcfg cfg;
		with_config(s, &s->cmdline, &cfg, false);
		events_for(s, &cfg, a0 + 4, argv + 1, argc ? argc - 1 : 0);
		gitcfg_free(&cfg);
		return;
	}
	size_t i = 1;
	while (i < argc && !s->out->oom) {
		if (global_opt(s, &s->cmdline, argv, argc, &i, true) ==
		    GOPT_DONE)
			break;
		i++;
	}
	gitrepo_discover(&s->fs, s->cwd, s->git_dir_opt, &s->repo);
	if (i >= argc || argv[i][0] == '-') {
		/* nothing, --help, --version, a query option */
		bool ver = i < argc && (!strcmp(argv[i], "--version") ||
					!strcmp(argv[i], "-v"));
		struct gitcfg cfg;
		with_config(s, &s->cmdline, &cfg, false);
		events_for(s, &cfg, ver ? "version" : "help",
			   i < argc ? argv + i + 1 : NULL,
			   i < argc ? argc - i - 1 : 0);
		gitcfg_free(&cfg);
		return;
	}
	char **args = tg_strv_dup(argv + i, argc - i);
	if (!args) {
		s->out->oom = true;
		return;
	}
	struct chain ch = {0};
	struct gitcfg cfg;
	with_config(s, &s->cmdline, &cfg, false);
	resolve(s, &s->cmdline, &cfg, args, argc - i, &ch);
	gitcfg_free(&cfg);
	for (size_t k = 0; k < ch.nseen; k++)
		free(ch.seen[k]);
	free(ch.seen);
	tg_strv_free(args);
}

int git_parse_op(const char *const *argv, size_t argc,
		 const struct git_ctx *ctx, struct git_op *ret)
{
	struct gitevs out = {0};
	struct pstate s = {.out = &out, .ctx = ctx};
	if (gitfs_open(&s.fs, ctx) < 0) {
		/* the caller's root is gone: nothing can be read */
		struct git_ctx none = *ctx;
		none.no_files = true;
		gitfs_open(&s.fs, &none);
		gitevs_unsure(&out, "the caller's files cannot be read");
	}
	tg_strlcpy(s.cwd, sizeof(s.cwd),
		   ctx->cwd && ctx->cwd[0] == '/' ? ctx->cwd : "/");
	parse_all(&s, argv, argc);
	cmdline_free(&s.cmdline);
	gitrepo_free(&s.repo);
	gitfs_close(&s.fs);
	if (!out.n && !out.oom)
		gitevs_add(&out, "");
	char *first =
	    out.n ? strdup(s.first_cmd[0] ? s.first_cmd : out.v[0].command)
		  : NULL;
	if (out.oom || !first) {
		free(first);
		gitevs_free(&out);
		return -ENOMEM;
	}
	memset(ret, 0, sizeof(*ret));
	ret->ev = out.v;
	ret->nev = out.n;
	ret->command = first;
	ret->helper = s.helper;
	ret->unsure = out.unsure;
	tg_strlcpy(ret->why, sizeof(ret->why), out.why);
	ret->sets_ = out.sets;
	ret->nsets_ = out.nsets;
	return 0;
}

void git_op_free(struct git_op *op)
{
	if (!op)
		return;
	for (size_t i = 0; i < op->nev; i++)
		gitevs_event_free(&op->ev[i]);
	free(op->ev);
	for (size_t i = 0; i < op->nsets_; i++)
		tg_strv_free(op->sets_[i]);
	free(op->sets_);
	free(op->command);
	memset(op, 0, sizeof(*op));
}
