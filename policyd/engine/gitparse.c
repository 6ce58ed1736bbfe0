/* SPDX-License-Identifier: MIT */
#include "gitparse.h"

#include <errno.h>
#include <string.h>

#include "util.h"

static const char *const builtins[] = {"add",
				       "am",
				       "annotate",
				       "apply",
				       "archive",
				       "bisect",
				       "blame",
				       "branch",
				       "bugreport",
				       "bundle",
				       "cat-file",
				       "check-ignore",
				       "checkout",
				       "cherry",
				       "cherry-pick",
				       "clean",
				       "clone",
				       "column",
				       "commit",
				       "commit-tree",
				       "config",
				       "count-objects",
				       "credential",
				       "describe",
				       "diagnose",
				       "diff",
				       "difftool",
				       "fast-export",
				       "fast-import",
				       "fetch",
				       "filter-branch",
				       "for-each-ref",
				       "format-patch",
				       "fsck",
				       "gc",
				       "grep",
				       "hash-object",
				       "help",
				       "init",
				       "init-db",
				       "log",
				       "ls-files",
				       "ls-remote",
				       "ls-tree",
				       "maintenance",
				       "merge",
				       "mergetool",
				       "mv",
				       "notes",
				       "pack-refs",
				       "prune",
				       "pull",
				       "push",
				       "range-diff",
				       "read-tree",
				       "rebase",
				       "receive-pack",
				       "reflog",
				       "remote",
				       "repack",
				       "replace",
				       "request-pull",
				       "reset",
				       "restore",
				       "rev-list",
				       "rev-parse",
				       "revert",
				       "rm",
				       "send-pack",
				       "shortlog",
				       "show",
				       "show-ref",
				       "sparse-checkout",
				       "stash",
				       "status",
				       "submodule",
				       "switch",
				       "symbolic-ref",
				       "tag",
				       "update-index",
				       "update-ref",
				       "upload-pack",
				       "var",
				       "verify-commit",
				       "version",
				       "whatchanged",
				       "worktree",
				       "write-tree",
				       NULL};

static bool is_builtin(const char *s)
{
	for (const char *const *b = builtins; *b; b++)
		if (!strcmp(*b, s))
			return true;
	return false;
}

struct vec {
	char **v;
	size_t n, cap;
	bool oom;
};

static void vec_push(struct vec *v, const char *s)
{
	if (v->oom)
		return;
	if (tg_grow((void **)&v->v, &v->cap, v->n + 2, sizeof(char *)) < 0) {
		v->oom = true;
		return;
	}
	v->v[v->n] = strdup(s);
	if (!v->v[v->n]) {
		v->oom = true;
		return;
	}
	v->n++;
	v->v[v->n] = NULL;
}

static void vec_free(struct vec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

struct ctx {
	const struct git_lookup *lk;
	char dir[TG_PATH_MAX];
	char *git_dir;
	struct vec cfg; /* -c key=value, in order */
};

static char *cfg_get(struct ctx *c, const char *key)
{
	/* -c wins over files; the last -c for a key wins */
	for (size_t i = c->cfg.n; i-- > 0;) {
		const char *kv = c->cfg.v[i];
		const char *eq = strchr(kv, '=');
		size_t kl = eq ? (size_t)(eq - kv) : strlen(kv);
		if (kl == strlen(key) && strncasecmp(kv, key, kl) == 0)
			return strdup(eq ? eq + 1 : "true");
	}
	if (c->lk && c->lk->config)
		return c->lk->config(c->lk->ud, c->dir, c->git_dir, key);
	return NULL;
}

static char *head_branch(struct ctx *c)
{
	if (c->lk && c->lk->head)
		return c->lk->head(c->lk->ud, c->dir, c->git_dir);
	return NULL;
}

static bool looks_like_url(const char *s)
{
	return strchr(s, ':') || strchr(s, '/') || !strcmp(s, ".") ||
	       !strcmp(s, "..");
}

static void add_branch(struct git_event *g, struct vec *br, const char *ref)
{
	if (!strncmp(ref, "refs/heads/", 11))
		ref += 11;
	if (strchr(ref, '*'))
		g->all_branches = true;
	vec_push(br, ref);
}

/* Global options that take a separate argument. */
static bool global_takes_arg(const char *o)
{
	return !strcmp(o, "-C") || !strcmp(o, "-c") ||
	       !strcmp(o, "--git-dir") || !strcmp(o, "--work-tree") ||
	       !strcmp(o, "--namespace") || !strcmp(o, "--super-prefix") ||
	       !strcmp(o, "--config-env");
}

static void set_dir(struct ctx *c, const char *cwd_base, const char *d)
{
	char tmp[TG_PATH_MAX];
	if (tg_path_normalize(cwd_base, d, tmp, sizeof(tmp)) == 0)
		memcpy(c->dir, tmp, strlen(tmp) + 1);
}

/* Options of subcommands that take a separate argument. */
static bool sub_takes_arg(const char *cmd, const char *o)
{
	static const char *const push[] = {
	    "-o", "--push-option", "--repo", "--receive-pack", "--exec", NULL};
	static const char *const fetch[] = {"--depth",
					    "--deepen",
					    "--shallow-since",
					    "--shallow-exclude",
					    "-j",
					    "--jobs",
					    "--upload-pack",
					    "-o",
					    "--server-option",
					    "--negotiation-tip",
					    "--refmap",
					    "-X",
					    "--strategy-option",
					    "-s",
					    "--strategy",
					    NULL};
	static const char *const clone[] = {"-o",
					    "--origin",
					    "-b",
					    "--branch",
					    "-u",
					    "--upload-pack",
					    "--reference",
					    "--reference-if-able",
					    "--separate-git-dir",
					    "--depth",
					    "--shallow-since",
					    "--shallow-exclude",
					    "-c",
					    "--config",
					    "--template",
					    "-j",
					    "--jobs",
					    "--filter",
					    "--server-option",
					    "--bundle-uri",
					    NULL};
	static const char *const commit[] = {
	    "-m",	"--message",	   "-F",	"--file",
	    "-C",	"--reuse-message", "-c",	"--reedit-message",
	    "--author", "--date",	   "--fixup",	"--squash",
	    "-t",	"--template",	   "--cleanup", NULL};
	const char *const *l = NULL;
	if (!strcmp(cmd, "push"))
		l = push;
	else if (!strcmp(cmd, "fetch") || !strcmp(cmd, "pull"))
		l = fetch;
	else if (!strcmp(cmd, "clone"))
		l = clone;
	else if (!strcmp(cmd, "commit"))
		l = commit;
	if (!l)
		return false;
	for (; *l; l++)
		if (!strcmp(*l, o))
			return true;
	return false;
}

static void parse_refspecs(struct git_event *g, struct vec *br, struct ctx *c,
			   char **pos, size_t npos, bool push)
{
	for (size_t i = 0; i < npos; i++) {
		const char *rs = pos[i];
		if (rs[0] == '+') {
			g->force = true;
			rs++;
		}
		if (!strncmp(rs, "tag ", 4))
			rs += 4;
		const char *colon = strchr(rs, ':');
		char src[TG_PATH_MAX];
		const char *dst;
		if (colon) {
			size_t sl = (size_t)(colon - rs);
			if (sl >= sizeof(src))
				sl = sizeof(src) - 1;
			memcpy(src, rs, sl);
			src[sl] = '\0';
			dst = colon + 1;
			if (sl == 0 && push)
				g->delete_refs = true;
		} else {
			snprintf(src, sizeof(src), "%s", rs);
			dst = NULL;
		}
		const char *target = push ? (dst && *dst ? dst : src) : src;
		if (!*target)
			continue;
		if (!strcmp(target, "HEAD") || !strcmp(target, "@")) {
			char *h = head_branch(c);
			if (h) {
				add_branch(g, br, h);
				free(h);
			} else {
				g->all_branches = true;
			}
			continue;
		}
		add_branch(g, br, target);
	}
}

static void resolve_remote(struct git_event *g, struct ctx *c, const char *name,
			   bool push)
{
	if (looks_like_url(name)) {
		g->remote = NULL;
		g->remote_url = strdup(name);
		return;
	}
	g->remote = strdup(name);
	char key[512];
	char *url = NULL;
	if (push) {
		snprintf(key, sizeof(key), "remote.%s.pushurl", name);
		url = cfg_get(c, key);
	}
	if (!url) {
		snprintf(key, sizeof(key), "remote.%s.url", name);
		url = cfg_get(c, key);
	}
	/* no such remote: git reads the name as a path or URL */
	g->remote_url = url ? url : strdup(name);
}

static char *default_remote(struct ctx *c, bool push)
{
	char *h = head_branch(c);
	char key[512];
	char *r = NULL;
	if (h && push) {
		snprintf(key, sizeof(key), "branch.%s.pushremote", h);
		r = cfg_get(c, key);
	}
	if (!r && push)
		r = cfg_get(c, "remote.pushdefault");
	if (!r && h) {
		snprintf(key, sizeof(key), "branch.%s.remote", h);
		r = cfg_get(c, key);
	}
	free(h);
	return r ? r : strdup("origin");
}

static void parse_sub(struct git_event *g, struct ctx *c, char **args,
		      size_t nargs, struct vec *br)
{
	const char *cmd = g->command;
	struct vec pos = {0};
	bool opts_done = false;
	const char *repo_opt = NULL;
	bool all_remotes = false;
	for (size_t i = 0; i < nargs; i++) {
		const char *a = args[i];
		if (opts_done || a[0] != '-' || !a[1]) {
			vec_push(&pos, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = true;
			continue;
		}
		bool is_push = !strcmp(cmd, "push");
		if (!strcmp(a, "--force") ||
		    !strncmp(a, "--force-with-lease", 18) ||
		    (!strcmp(a, "-f") && strcmp(cmd, "clean") != 0) ||
		    !strcmp(a, "--force-if-includes"))
			g->force = true;
		if (!strcmp(cmd, "clean") &&
		    (!strcmp(a, "-f") || (a[1] != '-' && strchr(a, 'f'))))
			g->force = true;
		/* short option clusters like -fu */
		if (a[1] != '-' && strlen(a) > 2 && strchr(a, 'f') &&
		    (is_push || !strcmp(cmd, "fetch") || !strcmp(cmd, "pull")))
			g->force = true;
		if (is_push) {
			if (!strcmp(a, "--mirror")) {
				g->force = g->delete_refs = g->all_branches =
				    true;
			} else if (!strcmp(a, "--all") ||
				   !strcmp(a, "--branches")) {
				g->all_branches = true;
			} else if (!strcmp(a, "-d") || !strcmp(a, "--delete")) {
				g->delete_refs = true;
			} else if (!strcmp(a, "--prune")) {
				g->delete_refs = true;
				g->all_branches = true;
			} else if (!strncmp(a, "--repo=", 7)) {
				repo_opt = a + 7;
			} else if (!strcmp(a, "--repo") && i + 1 < nargs) {
				repo_opt = args[++i];
				continue;
			}
		}
		if (!strcmp(cmd, "fetch") || !strcmp(cmd, "pull")) {
			if (!strcmp(a, "--all") || !strcmp(a, "--multiple"))
				all_remotes = true;
			if (!strcmp(a, "--prune") || !strcmp(a, "-p"))
				g->delete_refs = true;
		}
		if (!strcmp(cmd, "reset") && !strcmp(a, "--hard"))
			g->force = true;
		if (!strcmp(cmd, "branch") || !strcmp(cmd, "tag")) {
			if (!strcmp(a, "-D")) {
				g->force = g->delete_refs = true;
			} else if (!strcmp(a, "-d") || !strcmp(a, "--delete")) {
				g->delete_refs = true;
			} else if (!strcmp(a, "-M") || !strcmp(a, "-C")) {
				g->force = true;
			}
		}
		if ((!strcmp(cmd, "checkout") || !strcmp(cmd, "switch")) &&
		    (!strcmp(a, "-B") || !strcmp(a, "-C")))
			g->force = true;
		if (!strcmp(cmd, "clone") &&
		    (!strcmp(a, "-b") || !strcmp(a, "--branch")) &&
		    i + 1 < nargs)
			add_branch(g, br, args[i + 1]);
		if (!strchr(a, '=') && sub_takes_arg(cmd, a) && i + 1 < nargs)
			i++;
	}
	if (pos.oom) {
		g->all_branches = true;
		vec_free(&pos);
		return;
	}
	if (!strcmp(cmd, "push")) {
		const char *remote = repo_opt;
		size_t first_ref = 0;
		if (!remote && pos.n > 0) {
			remote = pos.v[0];
			first_ref = 1;
		}
		char *def = NULL;
		if (!remote)
			remote = def = default_remote(c, true);
		if (remote)
			resolve_remote(g, c, remote, true);
		free(def);
		if (pos.n > first_ref) {
			parse_refspecs(g, br, c, pos.v + first_ref,
				       pos.n - first_ref, true);
		} else if (!g->all_branches) {
			char key[512];
			char *spec = NULL;
			if (g->remote) {
				snprintf(key, sizeof(key), "remote.%s.push",
					 g->remote);
				spec = cfg_get(c, key);
			}
			if (spec) {
				char *one[1] = {spec};
				parse_refspecs(g, br, c, one, 1, true);
				free(spec);
			} else {
				char *h = head_branch(c);
				if (h)
					add_branch(g, br, h);
				else
					g->all_branches = true;
				free(h);
			}
		}
	} else if (!strcmp(cmd, "fetch") || !strcmp(cmd, "pull")) {
		if (all_remotes) {
			g->remote = NULL;
			g->all_branches = true;
		} else {
			char *def = NULL;
			const char *remote =
			    pos.n ? pos.v[0] : (def = default_remote(c, false));
			if (remote)
				resolve_remote(g, c, remote, false);
			free(def);
			if (pos.n > 1)
				parse_refspecs(g, br, c, pos.v + 1, pos.n - 1,
					       false);
		}
	} else if (!strcmp(cmd, "clone")) {
		if (pos.n > 0) {
			g->remote = strdup("origin");
			g->remote_url = strdup(pos.v[0]);
		}
	} else if (!strcmp(cmd, "branch") || !strcmp(cmd, "checkout") ||
		   !strcmp(cmd, "switch") || !strcmp(cmd, "tag") ||
		   !strcmp(cmd, "rebase") || !strcmp(cmd, "merge") ||
		   !strcmp(cmd, "reset")) {
		for (size_t i = 0; i < pos.n; i++)
			add_branch(g, br, pos.v[i]);
		if (pos.n == 0 &&
		    (!strcmp(cmd, "reset") || !strcmp(cmd, "rebase"))) {
			char *h = head_branch(c);
			if (h)
				add_branch(g, br, h);
			free(h);
		}
	}
	vec_free(&pos);
}

int git_parse(const char *const *argv, size_t argc, const char *cwd,
	      const struct git_lookup *lk, struct git_event *ret)
{
	struct ctx c = {.lk = lk};
	struct git_event g = {0};
	struct vec args = {0}, br = {0};
	snprintf(c.dir, sizeof(c.dir), "%s", cwd && cwd[0] == '/' ? cwd : "/");

	/* work on a private copy so aliases can be spliced in */
	for (size_t i = 1; i < argc; i++)
		vec_push(&args, argv[i]);
	size_t i = 0;
	unsigned alias_depth = 0;
	char *cmd = NULL;
	for (;;) {
		while (i < args.n) {
			const char *a = args.v[i];
			if (a[0] != '-')
				break;
			if (!strcmp(a, "--version") || !strcmp(a, "-v")) {
				cmd = strdup("version");
				i++;
				goto have_cmd;
			}
			if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
				cmd = strdup("help");
				i++;
				goto have_cmd;
			}
			if (global_takes_arg(a)) {
				if (i + 1 >= args.n) {
					i = args.n;
					break;
				}
				const char *v = args.v[i + 1];
				if (!strcmp(a, "-C"))
					set_dir(&c, c.dir, v);
				else if (!strcmp(a, "-c"))
					vec_push(&c.cfg, v);
				else if (!strcmp(a, "--git-dir")) {
					free(c.git_dir);
					c.git_dir = strdup(v);
				}
				i += 2;
				continue;
			}
			if (!strncmp(a, "--git-dir=", 10)) {
				free(c.git_dir);
				c.git_dir = strdup(a + 10);
			}
			/* --work-tree=, --namespace=, --no-pager, -p, -P,
			 * --bare, --exec-path[=], --*-pathspecs, ... */
			i++;
		}
		if (i >= args.n) {
			cmd = strdup("help"); /* bare "git" prints help */
			break;
		}
		cmd = strdup(args.v[i++]);
		if (!cmd || is_builtin(cmd))
			break;
		char key[300];
		snprintf(key, sizeof(key), "alias.%s", cmd);
		char *alias = cfg_get(&c, key);
		if (!alias)
			break;
		if (alias[0] == '!') {
			g.shell_alias = true;
			free(alias);
			break;
		}
		if (++alias_depth > GIT_MAX_ALIAS_DEPTH) {
			/* git itself refuses alias loops; keep the alias name
			 * as the command and assume the worst about branches */
			free(alias);
			g.all_branches = true;
			break;
		}
		char **words = NULL;
		size_t nw = 0;
		if (tg_split_words(alias, false, &words, &nw) < 0 || nw == 0) {
			tg_strv_free(words);
			free(alias);
			break;
		}
		free(alias);
		/* splice: args[0..i-1) kept, alias words, then the rest */
		struct vec na = {0};
		for (size_t k = 0; k + 1 < i; k++)
			vec_push(&na, args.v[k]);
		size_t restart = na.n;
		for (size_t k = 0; k < nw; k++)
			vec_push(&na, words[k]);
		for (size_t k = i; k < args.n; k++)
			vec_push(&na, args.v[k]);
		tg_strv_free(words);
		vec_free(&args);
		args = na;
		i = restart;
		free(cmd);
		cmd = NULL;
		if (args.oom)
			break;
	}
have_cmd:
	g.command = cmd ? cmd : strdup("");
	struct vec rest = {0};
	for (size_t k = i; k < args.n; k++)
		vec_push(&rest, args.v[k]);
	if (g.command && !g.shell_alias)
		parse_sub(&g, &c, rest.v, rest.n, &br);
	g.args = rest.v;
	g.nargs = rest.n;
	if (!g.args) {
		g.args = calloc(1, sizeof(char *));
	}
	g.branches = br.v;
	g.nbranches = br.n;
	if (!g.command || !g.args || args.oom || rest.oom || br.oom ||
	    c.cfg.oom) {
		rest.v = NULL;
		br.v = NULL;
		git_event_free(&g);
		vec_free(&args);
		vec_free(&c.cfg);
		free(c.git_dir);
		return -ENOMEM;
	}
	vec_free(&args);
	vec_free(&c.cfg);
	free(c.git_dir);
	*ret = g;
	return 0;
}

void git_event_free(struct git_event *g)
{
	if (!g)
		return;
	free(g->command);
	free(g->remote);
	free(g->remote_url);
	for (size_t i = 0; i < g->nbranches; i++)
		free(g->branches[i]);
	free(g->branches);
	for (size_t i = 0; i < g->nargs; i++)
		free(g->args[i]);
	free(g->args);
	memset(g, 0, sizeof(*g));
}
