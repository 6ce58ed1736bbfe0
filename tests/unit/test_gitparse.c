/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitparse.h"

/* A fake repository: config values and HEAD. */
static const char *const fake_cfg[][2] = {
    {"remote.origin.url", "https://github.com/acme/app.git"},
    {"remote.backup.url", "/srv/backup.git"},
    {"remote.backup.pushurl", "/srv/backup-push.git"},
    {"alias.pf", "push --force"},
    {"alias.p", "pf origin"},
    {"alias.loop", "loop2"},
    {"alias.loop2", "loop"},
    {"alias.sh", "!rm -rf /"},
    {"alias.push", "status"}, /* builtins cannot be aliased */
    {"branch.feature.remote", "backup"},
};
static const char *fake_head = "main";
static char last_dir[4096];

static char *cfg(void *ud, const char *dir, const char *git_dir,
		 const char *key)
{
	(void)ud;
	(void)git_dir;
	snprintf(last_dir, sizeof(last_dir), "%s", dir);
	for (size_t i = 0; i < sizeof(fake_cfg) / sizeof(fake_cfg[0]); i++)
		if (!strcmp(fake_cfg[i][0], key))
			return strdup(fake_cfg[i][1]);
	return NULL;
}

static char *head(void *ud, const char *dir, const char *git_dir)
{
	(void)ud;
	(void)dir;
	(void)git_dir;
	return fake_head ? strdup(fake_head) : NULL;
}

static const struct git_lookup lk = {cfg, head, NULL};

static struct git_event parse(const char *const *argv, size_t argc, int want_rc)
{
	struct git_event g;
	assert_int_equal(git_parse(argv, argc, "/work/repo", &lk, &g), want_rc);
	return g;
}

#define ARGV(...)                                                              \
	((const char *const[]){__VA_ARGS__}),                                  \
	    (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

static void test_push_basic(void **state)
{
	(void)state;
	struct git_event g = parse(ARGV("git", "push", "origin", "main"), 0);
	assert_string_equal(g.command, "push");
	assert_string_equal(g.remote, "origin");
	assert_string_equal(g.remote_url, "https://github.com/acme/app.git");
	assert_int_equal(g.nbranches, 1);
	assert_string_equal(g.branches[0], "main");
	assert_false(g.force);
	assert_false(g.delete_refs);
	git_event_free(&g);
}

static void test_push_defaults(void **state)
{
	(void)state;
	/* no remote, no refspec: origin (or the branch's remote), HEAD */
	struct git_event g = parse(ARGV("git", "push"), 0);
	assert_string_equal(g.remote, "origin");
	assert_string_equal(g.branches[0], "main");
	git_event_free(&g);
	fake_head = "feature";
	g = parse(ARGV("git", "push"), 0);
	assert_string_equal(g.remote, "backup");
	assert_string_equal(g.remote_url, "/srv/backup-push.git");
	assert_string_equal(g.branches[0], "feature");
	git_event_free(&g);
	fake_head = NULL; /* detached: branch unknown */
	g = parse(ARGV("git", "push", "origin"), 0);
	assert_true(g.all_branches);
	git_event_free(&g);
	fake_head = "main";
}

static void test_push_force_forms(void **state)
{
	(void)state;
	struct git_event g =
	    parse(ARGV("git", "push", "-f", "origin", "main"), 0);
	assert_true(g.force);
	git_event_free(&g);
	g = parse(
	    ARGV("git", "push", "--force-with-lease=main", "origin", "main"),
	    0);
	assert_true(g.force);
	git_event_free(&g);
	g = parse(ARGV("git", "push", "origin", "+topic:main"), 0);
	assert_true(g.force);
	assert_string_equal(g.branches[0], "main");
	git_event_free(&g);
	g = parse(ARGV("git", "push", "origin", "HEAD:refs/heads/release/1"),
		  0);
	assert_string_equal(g.branches[0], "release/1");
	git_event_free(&g);
	g = parse(ARGV("git", "push", "-uf", "origin", "x"), 0);
	assert_true(g.force);
	git_event_free(&g);
	g = parse(ARGV("git", "push", "--mirror", "origin"), 0);
	assert_true(g.force && g.delete_refs && g.all_branches);
	git_event_free(&g);
	g = parse(ARGV("git", "push", "origin", ":main"), 0);
	assert_true(g.delete_refs);
	assert_string_equal(g.branches[0], "main");
	git_event_free(&g);
	g = parse(ARGV("git", "push", "--delete", "origin", "old"), 0);
	assert_true(g.delete_refs);
	git_event_free(&g);
	g = parse(ARGV("git", "push", "origin", "refs/heads/*:refs/heads/*"),
		  0);
	assert_true(g.all_branches);
	git_event_free(&g);
	g = parse(ARGV("git", "push", "-o", "ci.skip", "origin", "main"), 0);
	assert_string_equal(g.remote, "origin");
	assert_string_equal(g.branches[0], "main");
	git_event_free(&g);
}

static void test_global_options(void **state)
{
	(void)state;
	struct git_event g = parse(
	    ARGV("git", "-C", "sub", "-c", "remote.origin.url=/x.git",
		 "--no-pager", "--git-dir=.git", "push", "origin", "main"),
	    0);
	assert_string_equal(g.command, "push");
	assert_string_equal(g.remote_url, "/x.git"); /* -c wins */
	assert_string_equal(last_dir, "/work/repo/sub");
	git_event_free(&g);
	g = parse(ARGV("git", "--version"), 0);
	assert_string_equal(g.command, "version");
	git_event_free(&g);
	g = parse(ARGV("git"), 0);
	assert_string_equal(g.command, "help");
	git_event_free(&g);
}

static void test_aliases(void **state)
{
	(void)state;
	struct git_event g = parse(ARGV("git", "p", "main"), 0);
	assert_string_equal(g.command, "push");
	assert_true(g.force);
	assert_string_equal(g.remote, "origin");
	assert_string_equal(g.branches[0], "main");
	git_event_free(&g);
	g = parse(
	    ARGV("git", "-c", "alias.zz=push --force", "zz", "origin", "main"),
	    0);
	assert_string_equal(g.command, "push");
	assert_true(g.force);
	git_event_free(&g);
	g = parse(ARGV("git", "loop"), 0);
	assert_true(g.all_branches);
	git_event_free(&g);
	g = parse(ARGV("git", "sh"), 0);
	assert_true(g.shell_alias);
	assert_string_equal(g.command, "sh");
	git_event_free(&g);
	g = parse(ARGV("git", "push", "origin", "main"), 0);
	assert_string_equal(g.command, "push"); /* not aliased to status */
	git_event_free(&g);
}

static void test_other_commands(void **state)
{
	(void)state;
	struct git_event g = parse(
	    ARGV("git", "clone", "--depth", "1", "https://x/y.git", "dir"), 0);
	assert_string_equal(g.command, "clone");
	assert_string_equal(g.remote_url, "https://x/y.git");
	git_event_free(&g);
	g = parse(ARGV("git", "reset", "--hard", "HEAD~1"), 0);
	assert_true(g.force);
	git_event_free(&g);
	g = parse(ARGV("git", "branch", "-D", "old"), 0);
	assert_true(g.force && g.delete_refs);
	git_event_free(&g);
	g = parse(ARGV("git", "fetch", "--all"), 0);
	assert_null(g.remote);
	git_event_free(&g);
	g = parse(ARGV("git", "pull", "backup", "main"), 0);
	assert_string_equal(g.remote_url,
			    "/srv/backup.git"); /* fetch uses url */
	git_event_free(&g);
	g = parse(ARGV("git", "commit", "-m", "push origin main"), 0);
	assert_string_equal(g.command, "commit");
	assert_int_equal(g.nargs, 2);
	git_event_free(&g);
}

/* gitrepo reads a real repository's config and HEAD. */
TG_TEST_TMPDIR(dir, "/tmp/tg-git-XXXXXX")

static void test_gitrepo_real(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/.git/refs/heads %s/.git/objects %s/sub && "
		 "printf 'ref: refs/heads/dev\\n' > %s/.git/HEAD && "
		 "printf '[remote \"origin\"]\\n\\turl = \"/srv/o.git\" # "
		 "c\\n[alias]\\n\\tpf = push -f\\n' > %s/.git/config",
		 dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	struct gitrepo_ctx x = {.root = "", .home = NULL};
	struct git_lookup real;
	gitrepo_lookup(&x, &real);
	char sub[600];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	struct git_event g;
	const char *argv[] = {"git", "pf"};
	assert_int_equal(git_parse(argv, 2, sub, &real, &g), 0);
	assert_string_equal(g.command, "push");
	assert_true(g.force);
	assert_string_equal(g.remote, "origin");
	assert_string_equal(g.remote_url, "/srv/o.git");
	assert_string_equal(g.branches[0], "dev");
	git_event_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_push_basic),
	    cmocka_unit_test(test_push_defaults),
	    cmocka_unit_test(test_push_force_forms),
	    cmocka_unit_test(test_global_options),
	    cmocka_unit_test(test_aliases),
	    cmocka_unit_test(test_other_commands),
	    cmocka_unit_test_setup_teardown(test_gitrepo_real, dir_make,
					    dir_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
