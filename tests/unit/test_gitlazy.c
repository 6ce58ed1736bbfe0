/* SPDX-License-Identifier: MIT */
/*
 * gitlazy: an exec of git decided from argv alone (git_op_argv_only) gets
 * the decision the full parse (git_parse_op) gives it: action, rule (so
 * tier), rule id, message and the matcher kind, for every command line of
 * gitparse's and gitreal's tables (read from their sources), a generated
 * set (every builtin after global options, with --help, -h, force and
 * delete options; aliases named like builtins, deprecated builtins, -c,
 * --config-env, GIT_CONFIG_PARAMETERS, GIT_CONFIG_COUNT, argv[0]
 * git-NAME), under the shipped policies and one whose rules read a
 * remote, branches, force and config keys of local commands, in real
 * repositories (one whose .git/config git cannot read: unsure), a
 * directory outside any, and under GIT_DIR. And the argv-only path opens
 * no file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "policytext.h"
#include "tmpdir.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitint.h"
#include "gitparse.h"
#include "policy.h"
#include "util.h"

TG_TEST_TMPDIR(tmp, "/tmp/tg-gitlazy-XXXXXX")

/* rules on local commands that read more than argv; the rest by command
 * and arguments only */
static const char test_policy[] =
    "version: 1\n"
    "settings: {default: prompt}\n"
    "rules:\n"
    "  - {id: status-remote, action: deny, message: m1,\n"
    "     git: {command: status, remote: origin}}\n"
    "  - {id: commit-force, action: prompt, git: {command: commit,\n"
    "     force: true}}\n"
    "  - {id: log-main, action: deny, git: {command: [log, rebase],\n"
    "     branch: [main]}}\n"
    "  - {id: diff-not-main, action: log, git: {command: diff,\n"
    "     not_branch: [main]}}\n"
    "  - {id: add-cfg, action: deny, git: {command: [add, config],\n"
    "     config_key: [\"core.*\"]}}\n"
    "  - {id: tag-del, action: deny, git: {command: tag, delete: true}}\n"
    "  - {id: rm-args, action: deny, message: m2,\n"
    "     git: {command: rm, args: [\"-r **\"]}}\n"
    "  - {id: anything, action: allow, git: {not_command: [push, gc],\n"
    "     not_args: [\"--evil\"]}}\n";

struct fixture {
	struct policy *p[4];
	const char *pname[4];
	size_t np;
	char **argvs[20000];
	size_t argcs[20000];
	size_t nargv;
	size_t nsrc; /* of them from the tables' sources */
};

static struct fixture F;

static void sh(const char *script)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "set -e; cd '%s'; %s", tmp, script);
	assert_int_equal(system(cmd), 0);
}

static void add_argv(const char *const *v, size_t n)
{
	assert_true(F.nargv < TG_ARRAY_SIZE(F.argvs));
	char **c = calloc(n + 1, sizeof(*c));
	assert_non_null(c);
	for (size_t i = 0; i < n; i++)
		assert_non_null(c[i] = tg_test_at_dir(v[i], tmp));
	F.argvs[F.nargv] = c;
	F.argcs[F.nargv++] = n;
}

/* Every brace list of string literals in a test source that reads as a
 * command line: starting with "git" or "git-NAME" (gitparse's rows), or
 * with a word without '=', '/' or '|' (gitreal's, which run under "git";
 * some of those are not command lines: harmless). */
static void argvs_of_source(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	for (char *p = text; (p = strchr(p, '{'));) {
		p++;
		const char *v[24];
		char words[24][512];
		size_t n = 0;
		char *q = p;
		while (n < 24) {
			q += strspn(q, " \t\n");
			if (*q != '"')
				break;
			size_t l = 0;
			for (q++; *q && *q != '"' && l < 511; q++) {
				if (*q == '\\' && q[1]) {
					q++;
					words[n][l++] = *q == 'n'   ? '\n'
							: *q == 't' ? '\t'
								    : *q;
				} else {
					words[n][l++] = *q;
				}
			}
			words[n][l] = '\0';
			v[n] = words[n];
			n++;
			q++;
			q += strspn(q, " \t\n");
			if (*q == '"') /* "a" "b": one literal, not kept */
				n = 24;
			if (*q == ',')
				q++;
		}
		q += strspn(q, " \t\n");
		if (n == 0 || n >= 24 || *q != '}')
			continue;
		if (!strcmp(v[0], "git") ||
		    !strncmp(tg_basename(v[0]), "git-", 4)) {
			add_argv(v, n);
		} else if (!strchr(v[0], '=') && !strchr(v[0], '/') &&
			   !strchr(v[0], '|') && n < 23) {
			const char *w[24] = {"git"};
			for (size_t i = 0; i < n; i++)
				w[i + 1] = v[i];
			add_argv(w, n + 1);
		}
	}
	free(text);
}

static void generated(void)
{
	static const char *const pre[][3] = {
	    {NULL},
	    {"-C", "@T/good", NULL},
	    {"--no-pager", "-P", NULL},
	    {"-c", "alias.NAME=push --force origin main", NULL},
	    {"--config-env=core.hookspath=HOME", NULL},
	    {"--git-dir=@T/broken/.git", "--bare", NULL},
	    {"--unknown-option", NULL},
	    {"-C", NULL}, /* the command is -C's value */
	};
	static const char *const post[][3] = {
	    {NULL},
	    {"--help", NULL},
	    {"-h", NULL},
	    {"--force", "main", NULL},
	    {"-D", "feature", NULL},
	    {"--hard", NULL},
	    {"--delete", "--all", NULL},
	};
	static const char *const extra[] = {"st",	 "fp", "statu",
					    "comit",	 "",   "-",
					    "--version", "-v", "nosuchcommand"};
	size_t nb = gitcmd_nbuiltins();
	for (size_t c = 0; c < nb + TG_ARRAY_SIZE(extra); c++) {
		const char *cmd = c < nb ? gitcmd_builtin_at(c) : extra[c - nb];
		for (size_t a = 0; a < TG_ARRAY_SIZE(pre); a++)
			for (size_t b = 0; b < TG_ARRAY_SIZE(post); b++) {
				const char *v[16] = {"git"};
				size_t n = 1;
				char alias[128];
				for (size_t i = 0; pre[a][i]; i++) {
					v[n++] = pre[a][i];
					if (strstr(pre[a][i], "NAME")) {
						snprintf(alias, sizeof(alias),
							 "alias.%s=push -f "
							 "origin main",
							 cmd);
						v[n - 1] = alias;
					}
				}
				v[n++] = cmd;
				for (size_t i = 0; post[b][i]; i++)
					v[n++] = post[b][i];
				add_argv(v, n);
			}
		/* argv[0] git-NAME, and git with nothing */
		char a0[160];
		snprintf(a0, sizeof(a0), "/usr/lib/git-core/git-%s", cmd);
		const char *v[] = {a0, "--force"};
		add_argv(v, 2);
	}
	const char *none[] = {"git"};
	add_argv(none, 1);
}

static int setup(void **state)
{
	if (tmp_make(state) < 0)
		return -1;
	/* real repositories: good (main, feature, origin), broken (a
	 * .git/config git cannot read: the parse is unsure), plain (none);
	 * aliases named like builtins, a deprecated one, autocorrection */
	sh("export HOME=$PWD/home GIT_CONFIG_NOSYSTEM=1 "
	   "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t "
	   "GIT_COMMITTER_EMAIL=t@t; mkdir -p home etc xdg plain;"
	   "git init -q -b main good; cd good; echo 1 > f; git add f;"
	   "git commit -qm one; git branch feature; mkdir sub;"
	   "git init -q --bare ../o.git; git remote add origin ../o.git;"
	   "git config alias.diff 'push origin +main';"
	   "cd ..; git init -q -b main broken; printf '[remote \"origin\"]\\n"
	   "\\turl = x\\n[[[ bad\\n' >> broken/.git/config;"
	   "printf '[alias]\\n\\tstatus = push --force origin main\\n"
	   "\\tcommit = !rm -rf .\\n\\twhatchanged = push --mirror\\n"
	   "\\tst = push -f\\n\\tlog = config core.hookspath /x\\n"
	   "[help]\\n\\tautocorrect = 1\\n' > home/.gitconfig;"
	   "printf '[alias]\\n\\tadd = push --delete origin main\\n'"
	   " > etc/gitconfig");
	const char *names[] = {"policies/default.yaml", "policies/strict.yaml",
			       "policies/audit-only.yaml"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(names); i++) {
		struct policy_diags d = {0};
		char *abs = realpath(names[i], NULL);
		assert_non_null(abs);
		assert_int_equal(
		    policy_load(abs, &tg_test_vars, &d, &F.p[F.np]), 0);
		free(abs);
		policy_diags_free(&d);
		F.pname[F.np++] = names[i];
	}
	F.p[F.np] = tg_test_policy(test_policy);
	F.pname[F.np++] = "test";
	argvs_of_source("tests/unit/test_gitparse.c");
	argvs_of_source("tests/unit/test_gitreal.c");
	F.nsrc = F.nargv;
	generated();
	return 0;
}

static int teardown(void **state)
{
	for (size_t i = 0; i < F.np; i++)
		policy_free(F.p[i]);
	for (size_t i = 0; i < F.nargv; i++)
		tg_strv_free(F.argvs[i]);
	return tmp_remove(state);
}

static bool same(const struct policy_decision *a,
		 const struct policy_decision *b)
{
	return a->action == b->action && a->rule == b->rule &&
	       !strcmp(a->rule_id, b->rule_id) && !a->message == !b->message &&
	       (!a->message || !strcmp(a->message, b->message)) &&
	       a->matched == b->matched;
}

struct tally {
	size_t lazy[4], total, unsure;
};

/* Every command line in one context: the full parse and, where the
 * argv-only path takes it, the same decision under each policy. */
static void check_ctx(const struct git_ctx *ctx, const char *where,
		      struct tally *t)
{
	const char *names[] = {"/usr/bin/git", "/usr/bin/git"};
	for (size_t a = 0; a < F.nargv; a++) {
		const char *const *argv = (const char *const *)F.argvs[a];
		size_t argc = F.argcs[a];
		struct git_op full;
		assert_int_equal(git_parse_op(argv, argc, ctx, &full), 0);
		t->unsure += full.unsure;
		struct policy_event ev = {.kind = POLICY_EV_EXEC,
					  .path = "/usr/bin/git",
					  .argv = argv,
					  .argc = argc,
					  .names = names,
					  .nnames = 2,
					  .cwd = ctx->cwd};
		for (size_t k = 0; k < F.np; k++) {
			struct git_op op;
			unsigned long before = git_parse_fs_opens();
			int r = git_op_argv_only(F.p[k], argv, argc, &op);
			assert_true(r == 0 || r == 1);
			assert_int_equal(git_parse_fs_opens(), before);
			t->total++;
			if (!r)
				continue;
			t->lazy[k]++;
			struct policy_decision df, dl;
			git_exec_decide(F.p[k], &ev, &full, &df, NULL);
			git_exec_decide(F.p[k], &ev, &op, &dl, NULL);
			git_op_free(&op);
			if (same(&df, &dl))
				continue;
			fprintf(stderr, "%s, %s:", F.pname[k], where);
			for (size_t i = 0; i < argc; i++)
				fprintf(stderr, " %s", argv[i]);
			fail_msg("\nfull %s %s, argv-only %s %s",
				 policy_action_name(df.action), df.rule_id,
				 policy_action_name(dl.action), dl.rule_id);
		}
		git_op_free(&full);
	}
}

static void test_same_decisions(void **state)
{
	(void)state;
	static const char *const cwds[] = {"good/sub", "broken", "plain"};
	static const char *const envs[][6] = {
	    {NULL},
	    {"GIT_CONFIG_PARAMETERS='alias.status'='push --force' "
	     "'core.hookspath'='/x'",
	     "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=alias.commit",
	     "GIT_CONFIG_VALUE_0=push --delete origin main", NULL},
	    {"GIT_DIR=@T/broken/.git", NULL},
	};
	static const char *const defaults[] = {
	    "HOME=@T/home", "GIT_CONFIG_SYSTEM=@T/etc/gitconfig",
	    "XDG_CONFIG_HOME=@T/xdg", "PATH=/usr/bin:/bin", NULL};
	struct tally t = {0};
	for (size_t c = 0; c < TG_ARRAY_SIZE(cwds); c++)
		for (size_t e = 0; e < TG_ARRAY_SIZE(envs); e++) {
			if (e == 2 && c != 2) /* GIT_DIR: from plain only */
				continue;
			char cwd[4096];
			snprintf(cwd, sizeof(cwd), "%s/%s", tmp, cwds[c]);
			char *env[12];
			size_t ne = 0;
			for (size_t i = 0; envs[e][i]; i++)
				env[ne++] = tg_test_at_dir(envs[e][i], tmp);
			for (size_t i = 0; defaults[i]; i++)
				env[ne++] = tg_test_at_dir(defaults[i], tmp);
			struct git_ctx ctx = {.root = "",
					      .cwd = cwd,
					      .env = (const char *const *)env,
					      .nenv = ne};
			check_ctx(&ctx, cwds[c], &t);
			for (size_t i = 0; i < ne; i++)
				free(env[i]);
		}
	print_message(
	    "%zu command lines (%zu of the tables); %zu decisions; argv-only: "
	    "default %zu, strict %zu, audit-only %zu, test %zu; "
	    "%zu unsure parses\n",
	    F.nargv, F.nsrc, t.total, t.lazy[0], t.lazy[1], t.lazy[2],
	    t.lazy[3], t.unsure);
	/* not vacuous: many of each policy's are argv-only, and the broken
	 * repository made parses unsure */
	for (size_t k = 0; k < F.np; k++)
		assert_true(t.lazy[k] > 1000);
	assert_true(t.unsure > 1000);
	assert_true(F.nsrc > 180);
}

/* which ones: by the rules that can match the command, and by argv */
static void test_which(void **state)
{
	(void)state;
	static const struct {
		int policy;
		const char *argv[6];
		int want;
	} rows[] = {
	    {0, {"git", "status"}, 1},
	    {0, {"git", "-C", "/x", "--no-pager", "commit", "-m"}, 1},
	    {0, {"git", "rev-parse", "HEAD"}, 1},
	    {0, {"git", "reset", "--hard"}, 0}, /* force rule */
	    {0, {"git", "push", "origin"}, 0},
	    {0, {"git", "config", "a.b", "c"}, 0},
	    {0, {"git", "clone", "x"}, 0},
	    {0, {"git", "init"}, 0},
	    {0, {"git", "-c", "a.b=c", "status"}, 0},
	    {0, {"git", "--config-env=a.b=HOME", "status"}, 0},
	    {0, {"git", "status", "--help"}, 0},
	    {0, {"git", "status", "-h"}, 1}, /* no table: status */
	    {0, {"git", "branch", "-h"}, 0}, /* the usage: help */
	    {0, {"git", "st"}, 0},	     /* an alias */
	    {0, {"git", "whatchanged"}, 0},  /* deprecated */
	    {0, {"git-status"}, 0},
	    {0, {"git", "--exec-path=/x", "status"}, 0},
	    {0, {"git"}, 0},
	    {0, {"git", "-C"}, 0},
	    {3, {"git", "status"}, 0}, /* remote rule */
	    {3, {"git", "commit"}, 0}, /* force rule */
	    {3, {"git", "rm", "-r", "x"}, 1},
	    {3, {"git", "show"}, 1},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(rows); i++) {
		size_t argc = 0;
		while (argc < 6 && rows[i].argv[argc])
			argc++;
		struct git_op op;
		unsigned long before = git_parse_fs_opens();
		int r = git_op_argv_only(F.p[rows[i].policy], rows[i].argv,
					 argc, &op);
		assert_int_equal(git_parse_fs_opens(), before);
		if (r != rows[i].want)
			fail_msg("row %zu (%s %s): %d", i, rows[i].argv[1],
				 argc > 2 ? rows[i].argv[2] : "", r);
		if (r == 1) {
			assert_int_equal(op.nev, 1);
			git_op_free(&op);
		}
	}
	/* the full parse of the same `git status` reads the repository */
	unsigned long before = git_parse_fs_opens();
	const char *argv[] = {"git", "status"};
	char cwd[4096];
	snprintf(cwd, sizeof(cwd), "%s/good", tmp);
	struct git_ctx ctx = {.root = "", .cwd = cwd};
	struct git_op op;
	assert_int_equal(git_parse_op(argv, 2, &ctx, &op), 0);
	git_op_free(&op);
	assert_int_equal(git_parse_fs_opens(), before + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_which),
	    cmocka_unit_test(test_same_decisions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
