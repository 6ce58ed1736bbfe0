/* SPDX-License-Identifier: MIT */
/*
 * gitconfig: the config git sees, read the way config.c reads it: the same
 * files in the same order, the same syntax (quotes, escapes, comments,
 * continuation lines, [section "sub"] and the legacy [section.sub]), the
 * same includes (include.path, includeIf gitdir:, gitdir/i:,
 * onbranch:, hasconfig:remote.*.url:) and the same command-line config
 * (GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS, -c,
 * --config-env). Where git would die (a bad line, a bad key, an include
 * too deep) the result is marked unsure: git does nothing then, and
 * tiergate assumes the worst rather than trust its own reading.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "gitint.h"

/* ------------------------------------------------------------- the load */

struct loader {
	struct gitcfg *c;
	const struct gitfs *fs;
	const struct gitrepo *r;
	const struct gitcfg_cmdline *cmdline;
	enum gitcfg_scope scope;
	const char *file; /* the file being read, NULL for command line */
	int depth;
	/* the first pass for hasconfig:remote.*.url: every such include is
	 * taken, and a remote URL inside one is an error (as in git) */
	bool unconditional;
	bool in_hasconfig;
	char **urls; /* remote URLs, for hasconfig */
	size_t nurls;
	bool have_urls;
	/* read_early_config's view (alias and autocorrect lookups, before
	 * setup): no repository yet, so onbranch: is false, and no
	 * extensions.worktreeConfig, so no config.worktree */
	bool early;
};

static int load_sequence(struct loader *ld);

char *gitcfg_interpolate_path(const struct gitfs *fs, const char *path,
			      bool real_home)
{
	struct strbuf b = {0};
	if (!strncmp(path, "%(prefix)/", 10)) {
		strbuf_printf(&b, "/usr/%s", path + 10);
		return strbuf_steal(&b);
	}
	if (path[0] != '~')
		return strdup(path);
	const char *slash = strchr(path, '/');
	size_t ul = slash ? (size_t)(slash - path - 1) : strlen(path + 1);
	const char *rest = slash ? slash : "";
	if (ul == 0) {
		const char *home = gitfs_getenv(fs, "HOME");
		if (!home)
			return NULL;
		char real[TG_PATH_MAX];
		if (real_home && home[0] == '/' &&
		    gitfs_realpath(fs, home, real, sizeof(real)) == 0)
			home = real;
		strbuf_printf(&b, "%s%s", home, rest);
		return strbuf_steal(&b);
	}
	/* ~user: the account's home from the caller's /etc/passwd */
	_cleanup_free_ char *pw = NULL;
	size_t pl;
	if (gitfs_read(fs, "/etc/passwd", GIT_FILE_MAX, &pw, &pl) < 0)
		return NULL;
	for (char *line = pw; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, path + 1, ul) && line[ul] == ':') {
			/* name:pw:uid:gid:gecos:home:shell */
			char *f = line;
			for (int i = 0; i < 5 && f; i++) {
				f = strchr(f, ':');
				if (f)
					f++;
			}
			if (f) {
				f[strcspn(f, ":")] = '\0';
				strbuf_printf(&b, "%s%s", f, rest);
				return strbuf_steal(&b);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static int read_file(struct loader *ld, const char *path, bool missing_ok);

/* handle_path_include */
static int include_path(struct loader *ld, const char *value)
{
	if (!value) {
		gitcfg_set_unsure(ld->c, "include.path without a value");
		return 0;
	}
	_cleanup_free_ char *exp =
	    gitcfg_interpolate_path(ld->fs, value, false);
	if (!exp) {
		gitcfg_set_unsure(ld->c, "include path cannot be expanded");
		return 0;
	}
	char path[TG_PATH_MAX];
	if (exp[0] == '/') {
		tg_strlcpy(path, sizeof(path), exp);
	} else {
		if (!ld->file) {
			/* git: relative includes must come from files */
			gitcfg_set_unsure(ld->c, "relative include from the "
						 "command line");
			return 0;
		}
		const char *sl = strrchr(ld->file, '/');
		size_t dl = sl ? (size_t)(sl - ld->file + 1) : 0;
		if (dl + strlen(exp) + 1 > sizeof(path)) {
			gitcfg_set_unsure(ld->c, "include path too long");
			return 0;
		}
		memcpy(path, ld->file, dl);
		strcpy(path + dl, exp);
	}
	if (gitfs_access(ld->fs, path, R_OK) < 0) {
		/* access_or_die(..., 0): a missing file is skipped, any
		 * other error stops git */
		struct stat st;
		int r = gitfs_stat(ld->fs, path, true, &st);
		if (r != -ENOENT && r != -ENOTDIR)
			gitcfg_set_unsure(ld->c, "include cannot be read");
		return 0;
	}
	if (++ld->depth > GIT_INCLUDE_DEPTH_MAX) {
		gitcfg_set_unsure(ld->c, "config includes nested too deep");
		ld->depth--;
		return 0;
	}
	const char *saved = ld->file;
	int r = read_file(ld, path, false);
	ld->file = saved;
	ld->depth--;
	return r;
}

/* include_by_gitdir: gitdir:, gitdir/i:. */
static bool cond_path(struct loader *ld, const char *text, const char *cond,
		      size_t clen, bool icase)
{
	if (!text || !*text)
		return false;
	struct strbuf pat = {0};
	strbuf_append(&pat, cond, clen);
	if (pat.oom)
		return false;
	char *exp = gitcfg_interpolate_path(ld->fs, pat.s, true);
	if (exp) {
		pat.len = 0;
		strbuf_puts(&pat, exp);
		free(exp);
	}
	size_t prefix = 0;
	if (pat.s[0] == '.' && pat.s[1] == '/') {
		if (!ld->file) {
			gitcfg_set_unsure(ld->c, "relative includeIf from the "
						 "command line");
			strbuf_free(&pat);
			return false;
		}
		char real[TG_PATH_MAX];
		if (gitfs_realpath(ld->fs, ld->file, real, sizeof(real)) < 0)
			tg_strlcpy(real, sizeof(real), ld->file);
		char *sl = strrchr(real, '/');
		size_t dl = sl ? (size_t)(sl - real) : 0;
		struct strbuf n = {0};
		strbuf_append(&n, real, dl);
		strbuf_puts(&n, pat.s + 1);
		strbuf_free(&pat);
		pat = n;
		prefix = dl + 1;
	} else if (pat.s[0] != '/') {
		struct strbuf n = {0};
		strbuf_printf(&n, "**/%s", pat.s);
		strbuf_free(&pat);
		pat = n;
	}
	if (pat.len && pat.s[pat.len - 1] == '/')
		strbuf_puts(&pat, "**");
	if (pat.oom) {
		strbuf_free(&pat);
		return false;
	}
	char real[TG_PATH_MAX];
	const char *tries[2] = {text, text};
	if (gitfs_realpath(ld->fs, text, real, sizeof(real)) == 0)
		tries[0] = real;
	bool hit = false;
	unsigned fl = GITWILD_PATHNAME | (icase ? GITWILD_CASEFOLD : 0);
	for (int i = 0; i < 2 && !hit; i++) {
		const char *t = tries[i];
		if (prefix && (strlen(t) < prefix ||
			       (icase ? strncasecmp(pat.s, t, prefix)
				      : strncmp(pat.s, t, prefix))))
			continue;
		int m = gitwild_match(pat.s + prefix, t + prefix, fl);
		if (m < 0)
			gitcfg_set_unsure(ld->c, "includeIf pattern too long");
		hit = m == 1;
	}
	strbuf_free(&pat);
	return hit;
}

static bool cond_branch(struct loader *ld, const char *cond, size_t clen)
{
	const struct gitrepo *r = ld->r;
	if (!r || !r->found || ld->early)
		return false;
	if (r->head == GITREPO_HEAD_UNKNOWN) {
		gitcfg_set_unsure(ld->c, "includeIf onbranch: HEAD unknown");
		return false;
	}
	if (r->head != GITREPO_HEAD_BRANCH)
		return false;
	struct strbuf pat = {0};
	strbuf_append(&pat, cond, clen);
	if (pat.len && pat.s[pat.len - 1] == '/')
		strbuf_puts(&pat, "**");
	int m = pat.oom
		    ? -1
		    : gitwild_match(pat.s, r->head_ref + 11, GITWILD_PATHNAME);
	strbuf_free(&pat);
	if (m < 0)
		gitcfg_set_unsure(ld->c, "includeIf pattern too long");
	return m == 1;
}

/* The remote URLs of the whole config, for hasconfig:remote.*.url: a
 * first load that takes every such include (git's two passes). */
static void collect_urls(struct loader *ld)
{
	ld->have_urls = true;
	struct gitcfg tmp = {0};
	struct loader sub = *ld;
	sub.c = &tmp;
	sub.unconditional = true;
	sub.in_hasconfig = false;
	sub.depth = 0;
	sub.file = NULL;
	if (load_sequence(&sub) < 0 || tmp.unsure) {
		gitcfg_set_unsure(ld->c,
				  tmp.unsure ? tmp.why : "out of memory");
		gitcfg_free(&tmp);
		return;
	}
	for (size_t i = 0; i < tmp.n; i++) {
		const char *k = tmp.v[i].key;
		size_t kl = strlen(k);
		if (strncmp(k, "remote.", 7) || kl < 12 ||
		    strcmp(k + kl - 4, ".url") || !tmp.v[i].value)
			continue;
		if (tg_strv_push(&ld->urls, &ld->nurls, tmp.v[i].value, false) <
		    0) {
			gitcfg_set_unsure(ld->c, "out of memory");
			break;
		}
	}
	gitcfg_free(&tmp);
}

static bool cond_remote_url(struct loader *ld, const char *cond, size_t clen)
{
	if (ld->unconditional)
		return true;
	if (!ld->have_urls)
		collect_urls(ld);
	struct strbuf pat = {0};
	strbuf_append(&pat, cond, clen);
	bool hit = false;
	for (size_t i = 0; !pat.oom && i < ld->nurls && !hit; i++) {
		int m = gitwild_match(pat.s, ld->urls[i], GITWILD_PATHNAME);
		if (m < 0)
			gitcfg_set_unsure(ld->c, "includeIf pattern too long");
		hit = m == 1;
	}
	strbuf_free(&pat);
	return hit;
}

/* include_condition_is_true; *hasconfig when it is a hasconfig: one */
static bool condition(struct loader *ld, const char *cond, size_t clen,
		      bool *hasconfig)
{
	*hasconfig = false;
	const struct gitrepo *r = ld->r;
	const char *gd = r && r->found ? r->gitdir : NULL;
#define PFX(s) (clen >= sizeof(s) - 1 && !strncmp(cond, s, sizeof(s) - 1))
#define REST(s) cond + sizeof(s) - 1, clen - (sizeof(s) - 1)
	if (PFX("gitdir:"))
		return cond_path(ld, gd, REST("gitdir:"), false);
	if (PFX("gitdir/i:"))
		return cond_path(ld, gd, REST("gitdir/i:"), true);
	if (PFX("onbranch:"))
		return cond_branch(ld, REST("onbranch:"));
	if (PFX("hasconfig:remote.*.url:")) {
		*hasconfig = true;
		return cond_remote_url(ld, REST("hasconfig:remote.*.url:"));
	}
#undef PFX
#undef REST
	return false; /* unknown conditions are false */
}

/* git_config_include: store the entry, then follow it if it includes. */
static int entry_cb(void *ud, const char *key, const char *value)
{
	struct loader *ld = ud;
	if (ld->in_hasconfig && !strncmp(key, "remote.", 7) &&
	    strlen(key) > 11 && !strcmp(key + strlen(key) - 4, ".url")) {
		gitcfg_set_unsure(ld->c, "remote URL in a hasconfig include");
		return 0;
	}
	int r = gitcfg_add(ld->c, key, value, ld->scope);
	if (r < 0)
		return r;
	if (ld->c->unsure && ld->c->n >= GIT_CFG_ENTRIES_MAX)
		return 0;
	if (!strcmp(key, "include.path"))
		return include_path(ld, value);
	if (!strncmp(key, "includeif.", 10)) {
		const char *cond = key + 10, *dot = strrchr(cond, '.');
		bool hc;
		if (dot && dot > cond && !strcmp(dot, ".path") &&
		    condition(ld, cond, (size_t)(dot - cond), &hc)) {
			bool saved = ld->in_hasconfig;
			ld->in_hasconfig = saved || (hc && ld->unconditional);
			r = include_path(ld, value);
			ld->in_hasconfig = saved;
			return r;
		}
	}
	return 0;
}

/* Reads one file (absolute path) into the load. */
static int read_file(struct loader *ld, const char *path, bool missing_ok)
{
	if (ld->c->files >= GIT_CFG_FILES_MAX) {
		gitcfg_set_unsure(ld->c, "too many config files");
		return 0;
	}
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = gitfs_read(ld->fs, path, GIT_FILE_MAX, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (!(missing_ok && (r == -ENOENT || r == -ENOTDIR)))
			gitcfg_set_unsure(
			    ld->c, r == -EFBIG ? "config file too large"
					       : "config file unreadable");
		return 0;
	}
	ld->c->files++;
	ld->c->bytes += len;
	if (ld->c->bytes > GIT_CFG_BYTES_MAX) {
		gitcfg_set_unsure(ld->c, "config files too large");
		return 0;
	}
	ld->file = path;
	r = gitcfg_parse_cb(text, len, entry_cb, ld);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		gitcfg_set_unsure(ld->c, "bad config line");
	return 0;
}

/* A config file git reads when access(R_OK) allows; EACCES skipped for
 * the global files (ACCESS_EACCES_OK), fatal for the others. */
static int read_if_there(struct loader *ld, const char *path, bool eacces_ok)
{
	if (path[0] != '/') {
		/* relative to a cwd that setup may have changed */
		gitcfg_set_unsure(ld->c, "relative config file path");
		return 0;
	}
	int a = gitfs_access(ld->fs, path, R_OK);
	if (a == -ENOENT || a == -ENOTDIR || (a == -EACCES && eacces_ok))
		return 0;
	if (a < 0) {
		gitcfg_set_unsure(ld->c, "config file not accessible");
		return 0;
	}
	return read_file(ld, path, true);
}

/* One command-line pair (config_parse_pair). */
static int cmd_pair(struct loader *ld, const char *key, size_t klen,
		    const char *value)
{
	char canon[1024];
	if (!klen || !gitcfg_canon_key(key, klen, canon, sizeof(canon))) {
		gitcfg_set_unsure(ld->c, "bad command-line config key");
		return 0;
	}
	return entry_cb(ld, canon, value);
}

/* "key=value" or "key" (git_config_parse_parameter) */
static int cmd_text(struct loader *ld, const char *text)
{
	const char *eq = strchr(text, '=');
	return cmd_pair(ld, text, eq ? (size_t)(eq - text) : strlen(text),
			eq ? eq + 1 : NULL);
}

/* sq_dequote_step: one single-quoted word at *p ('\'' and '\!' allowed
 * between quoted parts); NULL when malformed. *p moves past it. */
static char *sq_word(const char **p)
{
	const char *s = *p;
	if (*s != '\'')
		return NULL;
	struct strbuf b = {0};
	strbuf_puts(&b, "");
	for (;;) {
		char c = *++s;
		if (!c) {
			strbuf_free(&b);
			return NULL;
		}
		if (c != '\'') {
			strbuf_putc(&b, c);
			continue;
		}
		if (s[1] == '\\' && (s[2] == '\'' || s[2] == '!') &&
		    s[3] == '\'') {
			strbuf_putc(&b, s[2]);
			s += 3;
			continue;
		}
		*p = s + 1;
		return strbuf_steal(&b);
	}
}

/* parse_config_env_list: GIT_CONFIG_PARAMETERS */
static int cmd_env_list(struct loader *ld, const char *env)
{
	const char *p = env;
	while (*p) {
		_cleanup_free_ char *key = sq_word(&p);
		if (!key)
			goto bogus;
		if (!*p || git_isspace((unsigned char)*p)) {
			int r = cmd_text(ld, key); /* old style 'k=v' */
			if (r < 0)
				return r;
		} else if (*p == '=') {
			p++;
			_cleanup_free_ char *val = NULL;
			if (*p == '\'') {
				val = sq_word(&p);
				if (!val ||
				    (*p && !git_isspace((unsigned char)*p)))
					goto bogus;
			} else if (*p && !git_isspace((unsigned char)*p)) {
				goto bogus;
			}
			int r = cmd_pair(ld, key, strlen(key), val);
			if (r < 0)
				return r;
		} else {
			goto bogus;
		}
		while (git_isspace((unsigned char)*p))
			p++;
	}
	return 0;
bogus:
	gitcfg_set_unsure(ld->c, "bad GIT_CONFIG_PARAMETERS");
	return 0;
}

/* git_config_from_parameters: GIT_CONFIG_COUNT pairs first, then
 * GIT_CONFIG_PARAMETERS (to which git appends -c and --config-env). */
static int load_command(struct loader *ld)
{
	ld->scope = GITCFG_COMMAND;
	ld->file = NULL;
	const char *cnt = gitfs_getenv(ld->fs, "GIT_CONFIG_COUNT");
	if (cnt) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(cnt, &end, 10);
		if (*end || errno || n > INT_MAX) {
			gitcfg_set_unsure(ld->c, "bad GIT_CONFIG_COUNT");
			return 0;
		}
		if (n > GIT_CFG_COUNT_MAX) {
			gitcfg_set_unsure(ld->c, "GIT_CONFIG_COUNT too large");
			return 0;
		}
		for (unsigned long i = 0; i < n; i++) {
			char kn[40], vn[40];
			snprintf(kn, sizeof(kn), "GIT_CONFIG_KEY_%lu", i);
			snprintf(vn, sizeof(vn), "GIT_CONFIG_VALUE_%lu", i);
			const char *k = gitfs_getenv(ld->fs, kn);
			const char *v = gitfs_getenv(ld->fs, vn);
			if (!k || !v) {
				gitcfg_set_unsure(ld->c, "GIT_CONFIG_KEY/VALUE "
							 "missing");
				return 0;
			}
			int r = cmd_pair(ld, k, strlen(k), v);
			if (r < 0)
				return r;
		}
	}
	const char *params = gitfs_getenv(ld->fs, "GIT_CONFIG_PARAMETERS");
	if (params) {
		int r = cmd_env_list(ld, params);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; ld->cmdline && i < ld->cmdline->n; i++) {
		int r = cmd_text(ld, ld->cmdline->v[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* git_global_config_paths */
static void global_paths(struct loader *ld, char *user, char *xdg, size_t sz)
{
	user[0] = xdg[0] = '\0';
	const char *g = gitfs_getenv(ld->fs, "GIT_CONFIG_GLOBAL");
	if (g) {
		tg_strlcpy(user, sz, g);
		return;
	}
	const char *home = gitfs_getenv(ld->fs, "HOME");
	if (home)
		snprintf(user, sz, "%s/.gitconfig", home);
	const char *xh = gitfs_getenv(ld->fs, "XDG_CONFIG_HOME");
	if (xh && *xh)
		snprintf(xdg, sz, "%s/git/config", xh);
	else if (home)
		snprintf(xdg, sz, "%s/.config/git/config", home);
}

/* do_git_config_sequence */
static int load_sequence(struct loader *ld)
{
	int r;
	int nosys = gitcfg_env_bool(ld->fs, "GIT_CONFIG_NOSYSTEM", 0);
	if (nosys < 0)
		gitcfg_set_unsure(ld->c, "bad GIT_CONFIG_NOSYSTEM");
	if (nosys != 1) {
		const char *sys = gitfs_getenv(ld->fs, "GIT_CONFIG_SYSTEM");
		char sp[TG_PATH_MAX];
		if (sys && sys[0] == '/')
			tg_path_normalize("/", sys, sp, sizeof(sp));
		else
			tg_strlcpy(sp, sizeof(sp),
				   sys ? sys : "/etc/gitconfig");
		ld->scope = GITCFG_SYSTEM;
		if ((r = read_if_there(ld, sp, false)) < 0)
			return r;
	}
	char user[TG_PATH_MAX], xdg[TG_PATH_MAX];
	global_paths(ld, user, xdg, sizeof(user));
	ld->scope = GITCFG_GLOBAL;
	if (xdg[0] && (r = read_if_there(ld, xdg, true)) < 0)
		return r;
	if (user[0] && (r = read_if_there(ld, user, true)) < 0)
		return r;
	const struct gitrepo *rp = ld->r;
	if (rp && rp->found) {
		char p[TG_PATH_MAX + 32];
		snprintf(p, sizeof(p), "%s/config", rp->commondir);
		ld->scope = GITCFG_LOCAL;
		if ((r = read_if_there(ld, p, false)) < 0)
			return r;
		if (rp->worktree_config && !ld->early) {
			snprintf(p, sizeof(p), "%s/config.worktree",
				 rp->gitdir);
			ld->scope = GITCFG_WORKTREE;
			if ((r = read_if_there(ld, p, false)) < 0)
				return r;
		}
	}
	return load_command(ld);
}

int gitcfg_load(struct gitcfg *c, const struct gitfs *fs,
		const struct gitrepo *r, const struct gitcfg_cmdline *cmdline,
		bool early)
{
	struct loader ld = {
	    .c = c, .fs = fs, .r = r, .cmdline = cmdline, .early = early};
	if (r && r->unsure)
		gitcfg_set_unsure(c, "repository discovery unsure");
	int ret = load_sequence(&ld);
	for (size_t i = 0; i < ld.nurls; i++)
		free(ld.urls[i]);
	free(ld.urls);
	return ret;
}
