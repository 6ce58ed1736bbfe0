/* SPDX-License-Identifier: MIT */
/*
 * The session's environment variables (interposer/ip_env.c): hidden from
 * the program at start-up, put back for every exec.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_env.h"
#include "ip_state.h"

#define LIB "/usr/lib/tiergate/libtiergate-preload.so"

static char **saved_environ;
/* the copy ip_env_init made the last time (the test's to free) */
static char **made;

static void forget(void)
{
	if (!ip_env_is_boot_copy(made))
		free(made);
	made = NULL;
}

static int keep_environ(void **state)
{
	(void)state;
	saved_environ = environ;
	return 0;
}

static int restore_environ(void **state)
{
	(void)state;
	environ = saved_environ;
	forget();
	return 0;
}

/* the value of name in v, or NULL; fails on a second one */
static const char *value(char *const *v, const char *name)
{
	size_t n = strlen(name);
	const char *found = NULL;
	for (; v && *v; v++)
		if (!strncmp(*v, name, n) && (*v)[n] == '=') {
			if (found)
				fail_msg("%s twice", name);
			found = *v + n + 1;
		}
	return found;
}

static size_t count(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static void start(const char *preload)
{
	static char pre[512];
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", preload);
	static char *env[] = {"PATH=/bin",
			      NULL, /* LD_PRELOAD */
			      "TIERGATE_SOCKET=/run/tg/agent.sock",
			      "TIERGATE_SESSION=s42",
			      "TIERGATE_FAIL=open",
			      "TIERGATE_BACKSTOP=0",
			      "TIERGATE_RUNDIR=/run/tg",
			      "HOME=/root",
			      NULL};
	env[1] = pre;
	environ = env;
	forget();
	assert_int_equal(ip_env_init(LIB), 0);
	made = environ;
}

static void test_hidden(void **state)
{
	(void)state;
	start(LIB);
	assert_string_equal(ip_sock_path, "/run/tg/agent.sock");
	assert_int_equal(ip_fail_open, 1);
	assert_null(getenv("LD_PRELOAD"));
	assert_null(getenv("TIERGATE_SOCKET"));
	assert_null(getenv("TIERGATE_SESSION"));
	assert_null(getenv("TIERGATE_FAIL"));
	assert_null(getenv("TIERGATE_BACKSTOP"));
	/* the others stay, in their order; the user's own TIERGATE_* too */
	assert_int_equal(count(environ), 3);
	assert_string_equal(environ[0], "PATH=/bin");
	assert_string_equal(environ[1], "TIERGATE_RUNDIR=/run/tg");
	assert_string_equal(environ[2], "HOME=/root");
}

/* LD_PRELOAD keeps what else it named, as it was */
static void test_preload_others(void **state)
{
	(void)state;
	static const struct {
		const char *set, *seen; /* NULL: no LD_PRELOAD */
	} cases[] = {
	    {LIB " /x/a.so", "/x/a.so"},
	    {LIB ":/x/a.so", "/x/a.so"},
	    {"/x/a.so " LIB, "/x/a.so"},
	    {"/x/a.so:" LIB ":/x/b.so", "/x/a.so:/x/b.so"},
	    {LIB ".old " LIB, LIB ".old"}, /* a longer name is not ours */
	    {"/x/a.so", "/x/a.so"},	   /* ours under another name */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		start(cases[i].set);
		const char *v = getenv("LD_PRELOAD");
		if (!v || strcmp(v, cases[i].seen))
			fail_msg("LD_PRELOAD=%s: seen %s, expected %s",
				 cases[i].set, v ? v : "(none)", cases[i].seen);
	}
}

static void test_not_in_session(void **state)
{
	(void)state;
	static char *env[] = {"PATH=/bin", "LD_PRELOAD=" LIB, NULL};
	environ = env;
	assert_int_equal(ip_env_init(LIB), -ENOENT);
	assert_ptr_equal(environ, env);
	static char *env2[] = {"TIERGATE_SOCKET=/s", NULL};
	environ = env2;
	assert_int_equal(ip_env_init("relative/lib.so"), -ENOENT);
	assert_ptr_equal(environ, env2);
}

static void test_for_exec(void **state)
{
	(void)state;
	start(LIB " /x/a.so");
	static struct ip_envbuf b;
	/* the program's environment as it is: everything put back */
	char *const *v = ip_env_for_exec(environ, &b);
	assert_string_equal(value(v, "LD_PRELOAD"), LIB " /x/a.so");
	assert_string_equal(value(v, "TIERGATE_SOCKET"), "/run/tg/agent.sock");
	assert_string_equal(value(v, "TIERGATE_FAIL"), "open");
	assert_string_equal(value(v, "TIERGATE_BACKSTOP"), "0");
	/* the session's id names its snapshot file (policyd/hello.h) */
	assert_string_equal(value(v, "TIERGATE_SESSION"), "s42");
	assert_string_equal(value(v, "PATH"), "/bin");

	/* emptied, or changed by the program: ours again, and the
	 * program's own preload after ours */
	char *mine[] = {"LD_PRELOAD=/y/b.so", "TIERGATE_SOCKET=/elsewhere",
			"TIERGATE_SESSION=mine", NULL};
	v = ip_env_for_exec(mine, &b);
	assert_string_equal(value(v, "LD_PRELOAD"), LIB " /y/b.so");
	assert_string_equal(value(v, "TIERGATE_SOCKET"), "/run/tg/agent.sock");
	assert_string_equal(value(v, "TIERGATE_SESSION"), "s42");
	v = ip_env_for_exec(NULL, &b);
	assert_string_equal(value(v, "LD_PRELOAD"), LIB);
	assert_int_equal(count(v), 5);
	/* one naming ours already is kept as it is */
	char *both[] = {"LD_PRELOAD=/y/b.so:" LIB, NULL};
	v = ip_env_for_exec(both, &b);
	assert_string_equal(value(v, "LD_PRELOAD"), "/y/b.so:" LIB);
	/* too long to add ours in front: ours alone */
	static char huge[IP_PRELOAD_CAP + 64] = "LD_PRELOAD=";
	memset(huge + 11, 'a', IP_PRELOAD_CAP);
	char *big[] = {huge, NULL};
	v = ip_env_for_exec(big, &b);
	assert_string_equal(value(v, "LD_PRELOAD"), LIB);
}

/* more entries than the stack array holds: all of them, in an mmap */
static void test_for_exec_large(void **state)
{
	(void)state;
	start(LIB);
	enum { N = IP_ENV_CAP + 1000 };
	static char *big[N + 1];
	static char names[N][16];
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "V%d=x", i);
		big[i] = names[i];
	}
	static struct ip_envbuf b;
	char *const *v = ip_env_for_exec(big, &b);
	assert_non_null(b.big);
	assert_int_equal(count(v), N + 5);
	assert_string_equal(v[N - 1], names[N - 1]);
	assert_string_equal(value(v, "LD_PRELOAD"), LIB);
	errno = 1234;
	ip_env_release(&b);
	assert_null(b.big);
	assert_int_equal(errno, 1234);
}

/* environ hidden in a copy either way: a small one kept in the library's
 * static storage (no malloc in every program's start), a large one
 * malloc'd; the session's variables gone from both, the rest in order */
static void test_hidden_sizes(void **state)
{
	(void)state;
	start(LIB);
	assert_true(ip_env_is_boot_copy(environ));
	enum { N = 600 };
	static char *big[N + 3];
	static char names[N][16];
	big[0] = "TIERGATE_SOCKET=/run/tg/big.sock";
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "V%d=x", i);
		big[i + 1] = names[i];
	}
	big[N + 1] = "LD_PRELOAD=" LIB;
	big[N + 2] = NULL;
	environ = big;
	forget();
	assert_int_equal(ip_env_init(LIB), 0);
	made = environ;
	assert_false(ip_env_is_boot_copy(environ));
	assert_string_equal(ip_sock_path, "/run/tg/big.sock");
	assert_int_equal(count(environ), N);
	assert_string_equal(environ[0], "V0=x");
	assert_string_equal(environ[N - 1], names[N - 1]);
	assert_null(getenv("TIERGATE_SOCKET"));
	assert_null(getenv("LD_PRELOAD"));
}

/* a library path too long for the static buffer: carried whole */
static void test_long_library_path(void **state)
{
	(void)state;
	static char lib[1200], pre[1300];
	memset(lib, 'd', sizeof(lib) - 1);
	lib[0] = '/';
	for (size_t i = 100; i < sizeof(lib) - 1; i += 100)
		lib[i] = '/';
	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", lib);
	static char *env[] = {"TIERGATE_SOCKET=/s", NULL, "A=1", NULL};
	env[1] = pre;
	environ = env;
	forget();
	assert_int_equal(ip_env_init(lib), 0);
	made = environ;
	assert_null(getenv("LD_PRELOAD"));
	static struct ip_envbuf b;
	char *plain[] = {"B=2", NULL};
	char *const *v = ip_env_for_exec(plain, &b);
	assert_string_equal(value(v, "LD_PRELOAD"), lib);
	char *other[] = {"LD_PRELOAD=/o.so", NULL};
	v = ip_env_for_exec(other, &b);
	char want[1300];
	snprintf(want, sizeof(want), "%s /o.so", lib);
	assert_string_equal(value(v, "LD_PRELOAD"), want);
	ip_env_release(&b);
}

static void test_lend(void **state)
{
	(void)state;
	start(LIB);
	char **before = environ;
	ip_env_lend();
	assert_string_equal(getenv("LD_PRELOAD"), LIB);
	assert_string_equal(getenv("TIERGATE_SOCKET"), "/run/tg/agent.sock");
	/* overlapping calls (threads): the environment stays lent until
	 * the last one is done */
	ip_env_lend();
	ip_env_unlend();
	assert_string_equal(getenv("TIERGATE_SOCKET"), "/run/tg/agent.sock");
	errno = 1234;
	ip_env_unlend();
	assert_int_equal(errno, 1234);
	assert_null(getenv("LD_PRELOAD"));
	assert_ptr_equal(environ, before);
	ip_env_unlend(); /* one too many: nothing */
	assert_ptr_equal(environ, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hidden),
	    cmocka_unit_test(test_preload_others),
	    cmocka_unit_test(test_not_in_session),
	    cmocka_unit_test(test_for_exec),
	    cmocka_unit_test(test_for_exec_large),
	    cmocka_unit_test(test_hidden_sizes),
	    cmocka_unit_test(test_long_library_path),
	    cmocka_unit_test(test_lend),
	};
	return cmocka_run_group_tests(tests, keep_environ, restore_environ);
}
