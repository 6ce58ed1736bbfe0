/* SPDX-License-Identifier: MIT */
/*
 * gitparse against git itself: each scenario builds real repositories
 * (local bare ones as remotes, no network), runs the command with
 * `--porcelain --dry-run` appended, and reads what git says it would push
 * where ("To URL" then "FLAG<TAB>SRC:DST"). Every (URL, destination) git
 * names must be among git_parse_op's events, with force for a forced
 * update ('+') and delete for a deletion ('-'). tiergate may see more
 * readings than git takes; never fewer. The config a new repository
 * starts with the same way: git clone -c and templates run for real, and
 * every key git wrote into the new repository's config beyond its own
 * must be among the keys git_parse_op names (or any key). Skipped where
 * git is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitparse.h"
#include "util.h"

TG_TEST_TMPDIR(tmp, "/tmp/tg-gitreal-XXXXXX")

struct scenario {
	const char *name;
	const char *setup; /* sh, in @T, after the base setup */
	const char *env[6];
	const char *cwd; /* under @T; NULL: repo */
	const char *argv[16];
	int min_updates; /* git must list at least this many */
};

/* The base: a repository with main and feature (feature not a fast
 * forward of what the remotes have), remotes origin and two more bare
 * ones holding main. */
static const char base[] =
    "set -e; export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t "
    "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t;"
    "git init -q -b main repo; cd repo;"
    "echo 1 > f; git add f; git commit -qm one;"
    "for b in o.git b1.git b2.git; do git init -q --bare ../$b;"
    "  git push -q ../$b main; git push -q ../$b main:refs/heads/old; done;"
    "git checkout -q -b feature; echo 2 > f; git commit -qam two;"
    "git checkout -q main; echo 3 > f; git commit -qam three;"
    "git remote add origin ../o.git;";

static const struct scenario scenarios[] = {
    {"plain", "", {NULL}, NULL, {"push", "origin", "main"}, 1},
    {"two pushurls",
     "git config remote.origin.pushurl ../b1.git;"
     "git config --add remote.origin.pushurl ../b2.git",
     {NULL},
     NULL,
     {"push", "origin", "main"},
     2},
    {"pushInsteadOf",
     "git config remote.origin.url x:o;"
     "git config url.../b1.git.pushInsteadOf x:o",
     {NULL},
     NULL,
     {"push", "origin", "main"},
     1},
    {"insteadOf on a URL given",
     "git config url.../b2.git.insteadOf y:",
     {NULL},
     NULL,
     {"push", "y:", "main"},
     1},
    {"a symref source",
     "git symbolic-ref refs/heads/safe refs/heads/main",
     {NULL},
     NULL,
     {"push", "origin", "safe"},
     1},
    {":heads/old deletes",
     "",
     {NULL},
     NULL,
     {"push", "origin", ":heads/old"},
     1},
    {"--del abbreviation",
     "",
     {NULL},
     NULL,
     {"push", "--del", "origin", "old"},
     1},
    {"-nd bundle (-q would hide the output)",
     "",
     {NULL},
     NULL,
     {"push", "-nd", "origin", "old"},
     1},
    {"+feature:main forces",
     "",
     {NULL},
     NULL,
     {"push", "origin", "+feature:main"},
     1},
    {"--mirro", "", {NULL}, NULL, {"push", "--mirro", "origin"}, 1},
    {"push.default=upstream",
     "git config push.default upstream; git checkout -q feature;"
     "git config branch.feature.remote origin;"
     "git config branch.feature.merge refs/heads/old",
     {NULL},
     NULL,
     {"push", "--force"},
     1},
    {"remote.origin.push maps a name",
     "git config remote.origin.push +refs/heads/feature:refs/heads/main",
     {NULL},
     NULL,
     {"push", "origin", "feature"},
     1},
    {"GIT_CONFIG_COUNT",
     "",
     {"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=remote.origin.pushurl",
      "GIT_CONFIG_VALUE_0=../b2.git"},
     NULL,
     {"push", "origin", "main"},
     1},
    {"GIT_CONFIG_PARAMETERS",
     "",
     {"GIT_CONFIG_PARAMETERS='remote.origin.pushurl'='../b1.git'"},
     NULL,
     {"push", "origin", "main"},
     1},
    {"-c and an alias with -c",
     "git config alias.up '-c remote.origin.pushurl=../b2.git push'",
     {NULL},
     NULL,
     {"up", "origin", "main"},
     1},
    {"includeIf onbranch",
     "printf '[remote \"origin\"]\\n\\tpushurl = ../b1.git\\n' > ../inc;"
     "git config includeIf.onbranch:main.path \"$PWD/../inc\"",
     {NULL},
     NULL,
     {"push", "origin", "HEAD"},
     1},
    /* aliases come from git's early config: an override under
     * includeIf "onbranch:" or in config.worktree is not seen (policyd
     * read the full config and took this forced push for git status) */
    {"an alias overridden under includeIf onbranch",
     "git config alias.fp 'push --force ../b1.git feature:main';"
     "printf '[alias]\\n\\tfp = status\\n' > ../inc2;"
     "git config includeIf.onbranch:main.path \"$PWD/../inc2\"",
     {NULL},
     NULL,
     {"fp"},
     1},
    {"an alias overridden in config.worktree",
     "git config core.repositoryformatversion 1;"
     "git config extensions.worktreeConfig true;"
     "git config alias.fp 'push --force ../b1.git feature:main';"
     "git config --worktree alias.fp status",
     {NULL},
     NULL,
     {"fp"},
     1},
    /* the null object name deletes (a review's finding: decided as a
     * plain push, main deleted past no-delete-protected) */
    {"the null object name as the source",
     "",
     {NULL},
     NULL,
     {"push", "origin", "0000000000000000000000000000000000000000:main"},
     1},
    {"a branch whose file holds the null object name",
     "echo 0000000000000000000000000000000000000000 > .git/refs/heads/zz",
     {NULL},
     NULL,
     {"push", "origin", "zz:main"},
     1},
    {"a linked worktree",
     "git worktree add -q ../wt feature;"
     "git config branch.feature.pushRemote ../b1.git",
     {NULL},
     "wt",
     {"push"},
     1},
    {"the legacy remotes file",
     "mkdir -p .git/remotes;"
     "printf 'URL: ../b2.git\\nPush: refs/heads/main:refs/heads/new\\n' > "
     ".git/remotes/leg",
     {NULL},
     NULL,
     {"push", "leg"},
     1},
    {"--recurse-submodules VAL",
     "",
     {NULL},
     NULL,
     {"push", "--recurse-submodules", "no", "origin", "main"},
     1},
    {"argv[0] git-push", "", {NULL}, NULL, {"+git-push", "origin", "main"}, 1},
};

/* s as one shell word */
static void sq(struct strbuf *b, const char *s)
{
	strbuf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_puts(b, "'\\''");
		else
			strbuf_putc(b, *s);
	}
	strbuf_puts(b, "' ");
}

/* The environment the parse and git both get: HOME and XDG_CONFIG_HOME
 * under t, no system config, then extra ("@T" filled in); words: the
 * extra ones as shell words. */
struct callenv {
	char home[700], xdg[700];
	const char *env[10];
	size_t n;
	char *owned[6];
	size_t nowned;
	struct strbuf words;
};

static void callenv_make(struct callenv *c, const char *t,
			 const char *const *extra)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->home, sizeof(c->home), "HOME=%s/home", t);
	snprintf(c->xdg, sizeof(c->xdg), "XDG_CONFIG_HOME=%s/xdg", t);
	c->env[c->n++] = c->home;
	c->env[c->n++] = c->xdg;
	c->env[c->n++] = "GIT_CONFIG_NOSYSTEM=1";
	for (size_t i = 0; extra[i] && c->nowned < TG_ARRAY_SIZE(c->owned);
	     i++) {
		char *e = tg_test_at_dir(extra[i], t);
		assert_non_null(e);
		c->env[c->n++] = c->owned[c->nowned++] = e;
		sq(&c->words, e);
	}
}

static void callenv_free(struct callenv *c)
{
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	strbuf_free(&c->words);
}

struct seen {
	char url[1024], dst[1024];
	char flag;
};

/* What git would push, from --porcelain output. */
static size_t read_porcelain(FILE *f, struct seen *out, size_t max)
{
	char line[4096], url[1024] = "";
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "To ", 3)) {
			tg_strlcpy(url, sizeof(url), line + 3);
			continue;
		}
		char *t1 = strchr(line, '\t');
		if (!t1 || n >= max)
			continue;
		char *t2 = strchr(t1 + 1, '\t');
		if (t2)
			*t2 = '\0';
		char *colon = strrchr(t1 + 1, ':');
		if (!colon)
			continue;
		out[n].flag = line[0];
		tg_strlcpy(out[n].url, sizeof(out[n].url), url);
		tg_strlcpy(out[n].dst, sizeof(out[n].dst), colon + 1);
		n++;
	}
	return n;
}

static bool url_same(const char *ours, const char *git, const char *cwd)
{
	/* git prints a local URL as it opened it: absolute, maybe with a
	 * trailing "/." or ".git" resolved */
	char a[4096], b[4096];
	if (tg_path_normalize(cwd, ours, a, sizeof(a)) < 0 ||
	    tg_path_normalize(cwd, git, b, sizeof(b)) < 0)
		return !strcmp(ours, git);
	char ra[4096], rb[4096];
	if (realpath(a, ra))
		tg_strlcpy(a, sizeof(a), ra);
	if (realpath(b, rb))
		tg_strlcpy(b, sizeof(b), rb);
	return !strcmp(a, b);
}

static bool covered(const struct git_op *op, const struct seen *s,
		    const char *cwd)
{
	const char *dst = s->dst;
	if (!strncmp(dst, "refs/heads/", 11))
		dst += 11;
	for (size_t i = 0; i < op->nev; i++) {
		const struct git_event *e = &op->ev[i];
		if (strcmp(e->command, "push") || !e->remote_url ||
		    !url_same(e->remote_url, s->url, cwd))
			continue;
		bool name = e->all_branches;
		for (size_t b = 0; b < e->nbranches; b++)
			name |= !strcmp(e->branches[b], dst);
		if (!name)
			continue;
		if (s->flag == '+' && !e->force)
			continue;
		if (s->flag == '-' && !e->delete_refs)
			continue;
		return true;
	}
	return false;
}

static void run_scenario(const struct scenario *sc, size_t idx)
{
	char T[600], cmd[8192], cwd[700];
	snprintf(T, sizeof(T), "%s/s%zu", tmp, idx);
	/* the base is made once and copied */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && (test -d base || (mkdir base && cd base && "
		 "mkdir home && HOME=$PWD/home GIT_CONFIG_NOSYSTEM=1 "
		 "XDG_CONFIG_HOME=$PWD/xdg sh -c '%s')) && cp -a base s%zu && "
		 "cd s%zu/repo && export HOME='%s/home' GIT_CONFIG_NOSYSTEM=1 "
		 "XDG_CONFIG_HOME='%s/xdg' && %s",
		 tmp, base, idx, idx, T, T, sc->setup[0] ? sc->setup : "true");
	assert_int_equal(system(cmd), 0);
	snprintf(cwd, sizeof(cwd), "%s/%s", T, sc->cwd ? sc->cwd : "repo");
	/* our reading, with the environment git gets */
	struct callenv ce;
	callenv_make(&ce, T, sc->env);
	const char *argv[20];
	size_t argc = 0;
	bool dashed = sc->argv[0][0] == '+';
	if (!dashed)
		argv[argc++] = "git";
	struct strbuf args = {0};
	for (size_t i = 0; sc->argv[i]; i++) {
		const char *a = sc->argv[i] + (i == 0 && dashed);
		argv[argc++] = a;
		if (i || !dashed)
			sq(&args, a);
	}
	struct git_ctx ctx = {
	    .root = "", .cwd = cwd, .env = ce.env, .nenv = ce.n};
	struct git_op op;
	assert_int_equal(git_parse_op(argv, argc, &ctx, &op), 0);
	/* git's own */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && env HOME='%s/home' XDG_CONFIG_HOME='%s/xdg' "
		 "GIT_CONFIG_NOSYSTEM=1 %s %s %s --porcelain --dry-run 2>&1",
		 cwd, T, T, ce.words.s ? ce.words.s : "",
		 dashed ? "\"$(git --exec-path)/git-push\"" : "git",
		 args.s ? args.s : "");
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	struct seen s[32];
	size_t n = read_porcelain(f, s, 32);
	pclose(f);
	bool ok = n >= (size_t)sc->min_updates;
	for (size_t i = 0; i < n; i++)
		if (!covered(&op, &s[i], cwd)) {
			fprintf(stderr, "%s: git pushes %c %s -> %s; missing\n",
				sc->name, s[i].flag, s[i].url, s[i].dst);
			ok = false;
		}
	if (!ok) {
		fprintf(stderr, "%s: git listed %zu update(s); our events:\n",
			sc->name, n);
		for (size_t i = 0; i < op.nev; i++)
			fprintf(stderr, "  %s %s %s%s%s%s\n", op.ev[i].command,
				op.ev[i].remote_url ? op.ev[i].remote_url : "-",
				op.ev[i].nbranches ? op.ev[i].branches[0] : "*",
				op.ev[i].force ? " force" : "",
				op.ev[i].delete_refs ? " delete" : "",
				op.ev[i].all_branches ? " all" : "");
	}
	git_op_free(&op);
	callenv_free(&ce);
	strbuf_free(&args);
	if (!ok)
		fail_msg("scenario %s", sc->name);
}

/* ------------------------------------------- a new repository's config */

struct newrepo {
	const char *name;
	const char *setup; /* sh, in @T, after src (a repository) is made */
	const char *env[4];
	const char *cwd; /* under @T; NULL: @T */
	const char *argv[12];
	const char *newdir; /* the new repository's work tree, under @T */
	bool quiet;	    /* git writes none: tiergate must name none */
};

#define TMPL_SETUP                                                             \
	"mkdir -p tmpl/hooks; printf '[Tmpl]\\n\\tKey = v\\n' > tmpl/config;"
static const struct newrepo newrepos[] = {
    {"clone -c, trimmed and folded",
     "",
     {NULL},
     NULL,
     {"clone", "-q", "-c", " Core.Pager =cat", "src", "new"},
     "new",
     false},
    {"clone -cKEY=VAL",
     "",
     {NULL},
     NULL,
     {"clone", "-q", "-cAlias.X=!true", "src", "new"},
     "new",
     false},
    {"clone --conf=, a subsection with dots",
     "",
     {NULL},
     NULL,
     {"clone", "-q", "--conf=Filter.A.b.Clean=cat", "src", "new"},
     "new",
     false},
    {"clone --con KEY (true)",
     "",
     {NULL},
     NULL,
     {"clone", "-q", "--con", "credential.helper", "src", "new"},
     "new",
     false},
    {"clone --no-config",
     "",
     {NULL},
     NULL,
     {"clone", "-q", "-c", "core.pager=cat", "--no-config", "src", "new"},
     "new",
     true},
    {"clone --template",
     TMPL_SETUP,
     {NULL},
     NULL,
     {"clone", "-q", "--template=tmpl", "src", "new"},
     "new",
     false},
    {"init --templ (abbreviated)",
     TMPL_SETUP,
     {NULL},
     NULL,
     {"init", "-q", "--templ=tmpl", "new"},
     "new",
     false},
    {"init, GIT_TEMPLATE_DIR",
     TMPL_SETUP,
     {"GIT_TEMPLATE_DIR=@T/tmpl"},
     NULL,
     {"init", "-q", "new"},
     "new",
     false},
    {"init, git -c init.templateDir",
     TMPL_SETUP,
     {NULL},
     NULL,
     {"-c", "init.templateDir=@T/tmpl", "init", "-q", "new"},
     "new",
     false},
    {"init, init.templateDir ~/ in the global config",
     "mkdir -p home; (cd home && " TMPL_SETUP ");"
     "printf '[init]\\n\\ttemplateDir = ~/tmpl\\n' > home/.gitconfig",
     {NULL},
     NULL,
     {"init", "-q", "new"},
     "new",
     false},
    {"init, a repository's init.templateDir (git reads protected config)",
     TMPL_SETUP "git -C src config init.templateDir \"$PWD/tmpl\"",
     {NULL},
     "src",
     {"init", "-q", "new"},
     "src/new",
     true},
    {"init, a template without config",
     "mkdir -p tmpl/hooks",
     {NULL},
     NULL,
     {"init", "-q", "--template=tmpl", "new"},
     "new",
     true},
    {"init --template= over GIT_TEMPLATE_DIR",
     TMPL_SETUP,
     {"GIT_TEMPLATE_DIR=@T/tmpl"},
     NULL,
     {"init", "-q", "--template=", "new"},
     "new",
     true},
};

/* "@T" -> t, into a new string */
static char *at_t(const char *s, const char *t)
{
	char *r = tg_test_at_dir(s, t);
	assert_non_null(r);
	return r;
}

/* the keys git writes into every new repository by itself */
static bool own_key(const char *k)
{
	static const char *const own[] = {"core.repositoryformatversion",
					  "core.filemode",
					  "core.bare",
					  "core.logallrefupdates",
					  "remote.origin.url",
					  "remote.origin.fetch",
					  "branch.main.remote",
					  "branch.main.merge"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(own); i++)
		if (!strcmp(k, own[i]))
			return true;
	return false;
}

static bool names_key(const struct git_op *op, const char *k)
{
	for (size_t i = 0; i < op->nev; i++) {
		if (op->ev[i].config_any)
			return true;
		for (size_t j = 0; j < op->ev[i].nconfig_keys; j++)
			if (!strcmp(op->ev[i].config_keys[j], k))
				return true;
	}
	return false;
}

static void run_newrepo(const struct newrepo *sc, size_t idx)
{
	char T[600], cmd[8192], cwd[700];
	snprintf(T, sizeof(T), "%s/n%zu", tmp, idx);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/home' && cd '%s' && export HOME='%s/home' "
		 "GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME='%s/xdg' "
		 "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t "
		 "GIT_COMMITTER_EMAIL=t@t && git init -q -b main src && "
		 "git -C src commit -q --allow-empty -m one && %s",
		 T, T, T, T, sc->setup[0] ? sc->setup : "true");
	assert_int_equal(system(cmd), 0);
	snprintf(cwd, sizeof(cwd), "%s%s%s", T, sc->cwd ? "/" : "",
		 sc->cwd ? sc->cwd : "");
	struct callenv ce;
	callenv_make(&ce, T, sc->env);
	char *owned[12];
	size_t no = 0;
	struct strbuf args = {0};
	const char *argv[16] = {"git"};
	size_t argc = 1;
	for (size_t i = 0; sc->argv[i]; i++) {
		argv[argc++] = owned[no++] = at_t(sc->argv[i], T);
		sq(&args, argv[argc - 1]);
	}
	struct git_ctx ctx = {
	    .root = "", .cwd = cwd, .env = ce.env, .nenv = ce.n};
	struct git_op op;
	assert_int_equal(git_parse_op(argv, argc, &ctx, &op), 0);
	/* git's own, then the keys it wrote */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && env HOME='%s/home' XDG_CONFIG_HOME='%s/xdg' "
		 "GIT_CONFIG_NOSYSTEM=1 %s git %s >/dev/null 2>&1 && "
		 "git config -f '%s/%s/.git/config' --name-only --list",
		 cwd, T, T, ce.words.s ? ce.words.s : "", args.s, T,
		 sc->newdir);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char line[1024];
	size_t extra = 0;
	bool ok = true;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (own_key(line))
			continue;
		extra++;
		if (!names_key(&op, line)) {
			fprintf(stderr, "%s: git wrote %s; not named\n",
				sc->name, line);
			ok = false;
		}
	}
	int st = pclose(f);
	if (st != 0) {
		fprintf(stderr, "%s: git failed (%d)\n", sc->name, st);
		ok = false;
	}
	if (!sc->quiet && !extra) {
		fprintf(stderr, "%s: git wrote no key of its caller\n",
			sc->name);
		ok = false;
	}
	if (sc->quiet) {
		if (extra)
			ok = false;
		for (size_t i = 0; i < op.nev; i++)
			if (op.ev[i].nconfig_keys || op.ev[i].config_any) {
				fprintf(stderr,
					"%s: git writes none, tiergate "
					"names some\n",
					sc->name);
				ok = false;
			}
	}
	git_op_free(&op);
	callenv_free(&ce);
	strbuf_free(&args);
	for (size_t i = 0; i < no; i++)
		free(owned[i]);
	if (!ok)
		fail_msg("scenario %s", sc->name);
}

static void test_newrepo_against_git(void **state)
{
	(void)state;
	if (system("git --version >/dev/null 2>&1") != 0)
		skip();
	for (size_t i = 0; i < TG_ARRAY_SIZE(newrepos); i++)
		run_newrepo(&newrepos[i], i);
}

static void test_against_git(void **state)
{
	(void)state;
	if (system("git --version >/dev/null 2>&1") != 0)
		skip();
	for (size_t i = 0; i < TG_ARRAY_SIZE(scenarios); i++)
		run_scenario(&scenarios[i], i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_against_git),
	    cmocka_unit_test(test_newrepo_against_git),
	};
	return cmocka_run_group_tests(tests, tmp_make, tmp_remove);
}
