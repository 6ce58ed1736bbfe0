/* SPDX-License-Identifier: MIT */
/*
 * gitnewrepo: the config a new repository starts with, which git writes
 * into it without `git config` and which then runs for whoever uses the
 * repository later (a core.pager, an alias, a filter):
 *
 * - git clone -c KEY=VALUE / --config KEY=VALUE (any spelling
 *   parse-options takes: -cKEY=VALUE, --config=KEY=VALUE, --con ...),
 *   written after init_db as git_config_parse_parameter reads them: the
 *   first '=' splits, the key is trimmed of git's blanks and made
 *   canonical, no '=' is the key alone (true); --no-config empties the
 *   list so far;
 * - the template directory's `config`, which init_db copies into a new
 *   repository with the rest of the template (copy_templates, git 2.39
 *   builtin/init-db.c and setup.c's get_template_dir): the directory is
 *   --template (made absolute from the working directory), else
 *   GIT_TEMPLATE_DIR, else init.templateDir from protected config only
 *   (system, global, command line: a repository's own is not read), else
 *   git's built-in one (the system's, /usr/share/git-core/templates, which
 *   the session cannot write: not looked at). An empty name copies
 *   nothing. A `config` there (any kind of file: git copies symlinks and
 *   directories too) may hold any key: config_any.
 *
 * The template is looked at when policyd decides; a config file made in
 * it between the decision and git's copy is not seen (the write git then
 * makes in the new repository is the open rules' to decide, as any write
 * of a .git/config). A relative GIT_TEMPLATE_DIR or init.templateDir
 * (git resolves it in the directory init moved into) and one that cannot
 * be expanded ("~user" unknown: git dies) count as holding a config. A
 * re-initialised repository keeps its own config (git copies only what is
 * missing): not told apart, the template counts as written.
 */
#include <errno.h>
#include <string.h>

#include "gitint.h"

/* git_config_parse_parameter's key: up to the first '=', trimmed */
static void clone_key(struct gitevs *out, struct git_event *ev,
		      const char *text)
{
	size_t len = strcspn(text, "=");
	while (len && git_isspace((unsigned char)text[len - 1]))
		len--;
	while (len && git_isspace((unsigned char)*text)) {
		text++;
		len--;
	}
	if (!len)
		return; /* "bogus config parameter": git dies */
	char *key = strndup(text, len);
	if (!key) {
		out->oom = true;
		return;
	}
	gitcfgset_add_key(out, ev, key);
	free(key);
}

/* init.templateDir as get_template_dir reads it (git_protected_config,
 * last one wins, a key alone resets it); found false when none. */
static const char *protected_templatedir(const struct gitcfg *cfg,
					 bool *ret_found)
{
	const char *v = NULL;
	*ret_found = false;
	for (size_t i = 0; i < cfg->n; i++) {
		const struct gitcfg_entry *e = &cfg->v[i];
		if (e->scope == GITCFG_LOCAL || e->scope == GITCFG_WORKTREE ||
		    strcmp(e->key, "init.templatedir"))
			continue;
		v = e->value;
		*ret_found = v != NULL;
	}
	return *ret_found ? v : NULL;
}

/* Does the template directory dir (absolute, caller's view) hold a
 * config git would copy? Unknown counts as yes. */
static bool template_has_config(const struct gitread *rd, const char *dir)
{
	char p[TG_PATH_MAX];
	if (snprintf(p, sizeof(p), "%s/config", dir) >= (int)sizeof(p))
		return true;
	struct stat st;
	int r = gitfs_stat(rd->fs, p, false, &st);
	return !(r == -ENOENT || r == -ENOTDIR);
}

/* opt: --template's value, NULL when none (or --no-template) */
static void template_config(const struct gitread *rd, const char *opt,
			    struct git_event *ev)
{
	char abs[TG_PATH_MAX];
	if (opt) {
		/* cmd_init_db and clone: absolute from the working
		 * directory before anything moves */
		if (!*opt)
			return;
		if (tg_path_normalize(rd->cwd, opt, abs, sizeof(abs)) < 0) {
			ev->config_any = true;
			return;
		}
		ev->config_any |= template_has_config(rd, abs);
		return;
	}
	const char *dir = gitfs_getenv(rd->fs, "GIT_TEMPLATE_DIR");
	_cleanup_free_ char *exp = NULL;
	if (!dir) {
		bool found;
		const char *v = protected_templatedir(rd->cfg, &found);
		if (!found)
			return; /* git's own templates */
		exp = gitcfg_interpolate_path(rd->fs, v, false);
		if (!exp) {
			ev->config_any = true; /* git dies; or no memory */
			return;
		}
		dir = exp;
	}
	if (!*dir)
		return;
	if (dir[0] != '/' ||
	    tg_path_normalize("/", dir, abs, sizeof(abs)) < 0) {
		ev->config_any = true;
		return;
	}
	ev->config_any |= template_has_config(rd, abs);
}

void gitnewrepo_clone(const struct gitread *rd, const struct gitopt_result *o,
		      struct gitevs *out, struct git_event *ev)
{
	/* OPT_STRING_LIST: each value appended, --no-config empties it */
	size_t from = 0;
	const char *tmpl = NULL;
	for (size_t i = 0; i < o->nhits; i++) {
		const struct gitopt_hit *h = &o->hits[i];
		if (h->id == GO_NEWREPO_CONFIG && h->unset)
			from = i + 1;
		else if (h->id == GO_TEMPLATE)
			tmpl = h->unset ? NULL : h->value;
	}
	for (size_t i = from; i < o->nhits; i++)
		if (o->hits[i].id == GO_NEWREPO_CONFIG && o->hits[i].value)
			clone_key(out, ev, o->hits[i].value);
	if (o->error) {
		/* git 2.39 refuses the command line; another git may read
		 * the option it refuses as one that writes config */
		ev->config_any = true;
		return;
	}
	template_config(rd, tmpl, ev);
}

void gitnewrepo_init_events(const struct gitread *rd, struct gitevs *out)
{
	struct git_event *ev = gitevs_add(out, rd->command);
	if (!ev)
		return;
	struct gitopt_result o;
	int r = gitevs_opts(out, gitopt_table(rd->command), rd, 0, &o);
	if (r == 1)
		gitevs_set(out, &ev->command, "help");
	if (r)
		return;
	const char *tmpl = NULL;
	for (size_t i = 0; i < o.nhits; i++)
		if (o.hits[i].id == GO_TEMPLATE)
			tmpl = o.hits[i].unset ? NULL : o.hits[i].value;
	if (o.error)
		ev->config_any = true; /* as for clone */
	else
		template_config(rd, tmpl, ev);
	gitopt_result_free(&o);
}
