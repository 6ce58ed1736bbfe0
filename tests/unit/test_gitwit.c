/* SPDX-License-Identifier: MIT */
/*
 * The witness of a git decision's files (policyd/engine/gitwit.c): a push
 * parsed in a repository notes its config (and what it looked for and did
 * not find); checked again, nothing changed says 0; a config rewritten in
 * place (same inode, size, mtime set back), replaced by a rename, or a
 * file made where the decision found none says 1 and names it; a lock
 * file made in .git (a directory is known by its identity) changes
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitparse.h"
#include "gitwit.h"

TG_TEST_TMPDIR(tmp, "/tmp/tg-gitwit-XXXXXX")

static char cfg[320], wt[256], home[256];

static void put(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static const char config_a[] = "[core]\n\trepositoryformatversion = 0\n"
			       "[remote \"origin\"]\n\turl = /srv/o.git\n"
			       "#xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
static const char config_b[] = "[core]\n\trepositoryformatversion = 0\n"
			       "[remote \"origin\"]\n\turl = /srv/o.git\n"
			       "\tpush = +refs/heads/t:refs/heads/main\n";

static int repo_make(void **state)
{
	if (tmp_make(state))
		return -1;
	char p[320];
	snprintf(wt, sizeof(wt), "%s/wt", tmp);
	snprintf(home, sizeof(home), "%s/home", tmp);
	mkdir(wt, 0755);
	mkdir(home, 0755);
	snprintf(p, sizeof(p), "%s/.git", wt);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/.git/objects", wt);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/.git/refs", wt);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/.git/HEAD", wt);
	put(p, "ref: refs/heads/t\n");
	snprintf(cfg, sizeof(cfg), "%s/.git/config", wt);
	put(cfg, config_a);
	return 0;
}

static struct git_witness *push_witness(void)
{
	struct git_witness *w = git_witness_new();
	assert_non_null(w);
	const char *env[] = {"HOME=", "GIT_CONFIG_NOSYSTEM=1"};
	char henv[300];
	snprintf(henv, sizeof(henv), "HOME=%s", home);
	env[0] = henv;
	struct git_ctx ctx = {
	    .root = "", .cwd = wt, .env = env, .nenv = 2, .wit = w};
	const char *argv[] = {"git", "push", "origin", "t"};
	struct git_op op;
	assert_int_equal(git_parse_op(argv, 4, &ctx, &op), 0);
	git_op_free(&op);
	assert_true(git_witness_count(w) > 0);
	return w;
}

static void test_unchanged(void **state)
{
	(void)state;
	struct git_witness *w = push_witness();
	char why[256] = "";
	assert_int_equal(git_witness_check(w, "", why, sizeof(why)), 0);
	/* another git's lock file in .git: the directory is the same */
	char p[320];
	snprintf(p, sizeof(p), "%s/.git/index.lock", wt);
	put(p, "");
	assert_int_equal(git_witness_check(w, "", why, sizeof(why)), 0);
	unlink(p);
	git_witness_free(w);
}

static void test_rewritten_and_undone(void **state)
{
	(void)state;
	struct git_witness *w = push_witness();
	struct stat st0;
	assert_int_equal(stat(cfg, &st0), 0);
	char why[256] = "";
	/* in place, same size: then back, mtime too */
	int fd = open(cfg, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, config_b, strlen(config_b), 0),
			 (ssize_t)strlen(config_b));
	assert_int_equal(pwrite(fd, config_a, strlen(config_a), 0),
			 (ssize_t)strlen(config_a));
	struct timespec ts[2] = {st0.st_atim, st0.st_mtim};
	assert_int_equal(futimens(fd, ts), 0);
	close(fd);
	assert_int_equal(git_witness_check(w, "", why, sizeof(why)), 1);
	assert_string_equal(why, cfg);
	git_witness_free(w);
	/* replaced by a rename */
	w = push_witness();
	char p[400];
	snprintf(p, sizeof(p), "%s.new", cfg);
	put(p, config_a);
	assert_int_equal(rename(p, cfg), 0);
	assert_int_equal(git_witness_check(w, "", why, sizeof(why)), 1);
	git_witness_free(w);
}

static void test_made_where_none_was(void **state)
{
	(void)state;
	struct git_witness *w = push_witness();
	char p[320], why[256] = "";
	snprintf(p, sizeof(p), "%s/.gitconfig", home);
	put(p, "[remote \"origin\"]\n\tmirror = true\n");
	assert_int_equal(git_witness_check(w, "", why, sizeof(why)), 1);
	assert_string_equal(why, p);
	unlink(p);
	git_witness_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unchanged),
	    cmocka_unit_test(test_rewritten_and_undone),
	    cmocka_unit_test(test_made_where_none_was),
	};
	return cmocka_run_group_tests(tests, repo_make, tmp_remove);
}
