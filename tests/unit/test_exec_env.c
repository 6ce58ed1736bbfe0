/* SPDX-License-Identifier: MIT */
/* The environment a git exec is decided with, compared at the exec stop
 * (exec_env.c, tg_git_env in common/util.c): which variables count, and
 * that the digest of the decided envp equals that of /proc/PID/environ's
 * block exactly when those variables are the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "exec_env.h"
#include "util.h"

static void test_git_env(void **state)
{
	(void)state;
	const char *argv[] = {"git", "--config-env=core.y=TGNAMED",
			      "--config-env", "core.z=TGOTHER", "push"};
	assert_true(tg_git_env("GIT_CONFIG_COUNT=1", argv, 5));
	assert_true(tg_git_env("HOME=/h", argv, 5));
	assert_true(tg_git_env("XDG_CONFIG_HOME=/x", argv, 5));
	assert_true(tg_git_env("TGNAMED=v", argv, 5));
	assert_true(tg_git_env("TGOTHER=v", argv, 5));
	assert_false(tg_git_env("TGNAMEDX=v", argv, 5));
	assert_false(tg_git_env("TGNAME=v", argv, 5));
	assert_false(tg_git_env("PATH=/bin", argv, 5));
	assert_false(tg_git_env("HOMEX=/h", argv, 5));
	/* "--config-env" as the last argument names nothing */
	const char *last[] = {"git", "--config-env"};
	assert_false(tg_git_env("TGNAMED=v", last, 2));
	assert_false(tg_git_env("TGNAMED=v", argv, 1));
}

/* digest of env (n) with argv as git's, and of the same as NUL blocks */
static void digests(const char *const *env, size_t n, const char *const *argv,
		    size_t argc, uint8_t d[EXEC_ENV_DIGEST_LEN],
		    uint8_t db[EXEC_ENV_DIGEST_LEN])
{
	exec_env_digest(env, n, argv, argc, d);
	char eb[1024], cb[1024];
	size_t el = 0, cl = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(eb + el, env[i], strlen(env[i]) + 1);
		el += strlen(env[i]) + 1;
	}
	for (size_t i = 0; i < argc; i++) {
		memcpy(cb + cl, argv[i], strlen(argv[i]) + 1);
		cl += strlen(argv[i]) + 1;
	}
	exec_env_digest_blocks(eb, el, cb, cl, db);
}

static void test_digest(void **state)
{
	(void)state;
	const char *argv[] = {"git", "--config-env=core.y=TGNAMED", "push"};
	const char *a[] = {"PATH=/bin", "GIT_CONFIG_COUNT=1",
			   "GIT_CONFIG_KEY_0=remote.origin.pushurl",
			   "GIT_CONFIG_VALUE_0=/ok.git", "TGNAMED=1", "X=1"};
	/* the variables git does not read may change */
	const char *b[] = {"PATH=/usr/bin", "GIT_CONFIG_COUNT=1",
			   "GIT_CONFIG_KEY_0=remote.origin.pushurl",
			   "GIT_CONFIG_VALUE_0=/ok.git", "TGNAMED=1"};
	/* one that git reads may not */
	const char *c[] = {"PATH=/bin", "GIT_CONFIG_COUNT=1",
			   "GIT_CONFIG_KEY_0=remote.origin.pushurl",
			   "GIT_CONFIG_VALUE_0=/no.git", "TGNAMED=1", "X=1"};
	const char *d[] = {"PATH=/bin", "GIT_CONFIG_COUNT=1",
			   "GIT_CONFIG_KEY_0=remote.origin.pushurl",
			   "GIT_CONFIG_VALUE_0=/ok.git", "TGNAMED=2", "X=1"};
	/* nor their order (git's getenv takes the first of two) */
	const char *e[] = {"GIT_CONFIG_COUNT=1", "PATH=/bin",
			   "GIT_CONFIG_VALUE_0=/ok.git",
			   "GIT_CONFIG_KEY_0=remote.origin.pushurl",
			   "TGNAMED=1", "X=1"};
	/* nor where one entry ends: "A=b" "C=d" is not "A=bC=d" */
	const char *f[] = {"PATH=/bin", "GIT_CONFIG_COUNT=1GIT_CONFIG_KEY_0="
					"remote.origin.pushurl",
			   "GIT_CONFIG_VALUE_0=/ok.git", "TGNAMED=1", "X=1"};
	uint8_t da[32], dba[32], dx[32], dbx[32];
	digests(a, 6, argv, 3, da, dba);
	assert_memory_equal(da, dba, 32);
	digests(b, 5, argv, 3, dx, dbx);
	assert_memory_equal(da, dx, 32);
	assert_memory_equal(dx, dbx, 32);
	digests(c, 6, argv, 3, dx, dbx);
	assert_memory_not_equal(da, dx, 32);
	assert_memory_equal(dx, dbx, 32);
	digests(d, 6, argv, 3, dx, dbx);
	assert_memory_not_equal(da, dx, 32);
	digests(e, 6, argv, 3, dx, dbx);
	assert_memory_not_equal(da, dx, 32);
	digests(f, 5, argv, 3, dx, dbx);
	assert_memory_not_equal(da, dx, 32);
	/* the kernel's argv with an interpreter first names the same */
	const char *kargv[] = {"/lib64/ld-linux-x86-64.so.2", "git",
			       "--config-env=core.y=TGNAMED", "push"};
	digests(a, 6, kargv, 4, dx, dbx);
	assert_memory_equal(da, dbx, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_git_env),
					   cmocka_unit_test(test_digest)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
