/* SPDX-License-Identifier: MIT */
/*
 * Every shipped policy's exec and git test cases decided by policyd's own
 * decision path (decide.c, decide_exec.c: the chain, programs by content,
 * git read as git reads it and decided with the exec rules), for a caller
 * in a session under that policy, working in a git repository: the daemon
 * must decide what `policyctl test` says (issue 21: a test case that
 * passes while the same command is allowed at run time proves nothing).
 * Nothing is run: the decision is all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "decide.h"
#include "fakeproc.h"
#include "procfs.h"
#include "session.h"
#include "sys.h"
#include "tmpdir.h"
#include "util.h"
#include "workspace.h"

TG_TEST_TMPDIR(top, "/tmp/tg-shipped-XXXXXX")

#define SHELL_PID 4194500 /* above any pid_max: no real process */
#define CALLER_PID 4194501

static char PROC[1100];

static int setup(void **state)
{
	static const char *const dirs[] = {"out"};
	if (top_make(state) < 0 || ws_make(top, dirs, TG_ARRAY_SIZE(dirs)) < 0)
		return -1;
	snprintf(PROC, sizeof(PROC), "%s/proc", WS_TOP);
	/* a repository whose origin is a hosted one, as an agent's is */
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && git init -q -b main . && git remote add origin "
		 "https://github.com/acme/app.git",
		 WS);
	if (system(cmd) != 0)
		return -1;
	static const char cl[] = "fake";
	struct fake_proc procs[] = {
	    {.pid = SHELL_PID, .ppid = 1, .start = 100, .cwd = WS, .root = "/"},
	    {.pid = CALLER_PID,
	     .ppid = SHELL_PID,
	     .start = 101,
	     .cwd = WS,
	     .root = "/",
	     .exe = "/usr/bin/fakeexe",
	     .cmdline = cl,
	     .cmdline_len = sizeof(cl)},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(procs); i++)
		if (fake_proc(PROC, &procs[i]) < 0)
			return -1;
	procfs_set_root(PROC);
	return 0;
}

static int teardown(void **state)
{
	ws_drop();
	procfs_set_root(NULL);
	return top_remove(state);
}

/* The program a case runs: its explicit path, or argv[0] in the default
 * PATH (git for a git case). 0, or -ENOENT: not on this machine. */
static int case_program(const struct policy_test *t, char *out, size_t sz)
{
	if (t->kind == POLICY_EV_EXEC && t->path) {
		snprintf(out, sz, "%s", t->path);
		return access(out, X_OK) == 0 ? 0 : -ENOENT;
	}
	const char *name = t->kind == POLICY_EV_GIT ? "git" : t->argv[0];
	return sys_resolve_exe(name, "/", NULL, out, sz);
}

/* Decides every exec and git case of the policy at path; returns how
 * many were decided. */
static size_t run_policy(const char *path)
{
	char err[4096];
	struct session *s = NULL;
	struct session_params sp = {.pid = SHELL_PID,
				    .pidfd = -1,
				    .start = 100,
				    .uid = getuid(),
				    .shell_fd = -1,
				    .policy = path};
	if (session_create(&sp, &s, err, sizeof(err)) < 0)
		fail_msg("%s: %s", path, err);
	size_t n = 0;
	for (size_t k = 0; k < policy_test_count(s->policy); k++) {
		const struct policy_test *t = policy_test_get(s->policy, k);
		if (t->kind != POLICY_EV_EXEC && t->kind != POLICY_EV_GIT)
			continue;
		if (t->cwd && strcmp(t->cwd, WS))
			continue; /* a case about another directory */
		static struct req q;
		memset(&q, 0, sizeof(q));
		q.kind = TGPK_EXEC;
		q.dirfd = q.dirfd2 = AT_FDCWD;
		if (case_program(t, q.path, sizeof(q.path)) < 0) {
			print_message("%s:%d: skipped (%s not here)\n", t->file,
				      t->line, t->argv[0]);
			continue;
		}
		q.has_path = true;
		const char *argv[64];
		size_t argc = 0;
		if (t->kind == POLICY_EV_GIT && strcmp(t->argv[0], "git"))
			argv[argc++] = "git";
		for (size_t i = 0; i < t->argc && argc < 63; i++)
			argv[argc++] = t->argv[i];
		q.argv = argv;
		q.argc = argc;
		struct caller c = {.pid = CALLER_PID,
				   .start = 101,
				   .ppid = SHELL_PID,
				   .uid = getuid(),
				   .same_root = -1};
		c.s = session_of_pid(c.pid);
		assert_ptr_equal(c.s, s);
		struct outcome *o = calloc(1, sizeof(*o));
		assert_non_null(o);
		assert_int_equal(decide(&c, &q, o, tg_mono_ns()), 0);
		if (o->d.action != t->expect ||
		    (t->expect_rule && strcmp(t->expect_rule, o->d.rule_id)))
			fail_msg("%s:%d: policyd decides %s by rule %s, the "
				 "test expects %s%s%s",
				 t->file, t->line,
				 policy_action_name(o->d.action), o->d.rule_id,
				 policy_action_name(t->expect),
				 t->expect_rule ? " by rule " : "",
				 t->expect_rule ? t->expect_rule : "");
		free(o);
		n++;
	}
	session_end(s, "test over");
	return n;
}

static void test_shipped_policies(void **state)
{
	(void)state;
	DIR *d = opendir("policies");
	assert_non_null(d);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".yaml"))
			continue;
		char rel[512];
		snprintf(rel, sizeof(rel), "policies/%s", e->d_name);
		char *abs = realpath(rel, NULL);
		assert_non_null(abs);
		n += run_policy(abs);
		free(abs);
	}
	closedir(d);
	/* the shipped policies have dozens: a run that decided few is
	 * broken, not passed */
	assert_true(n >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_policies),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
